"""bench/scale.py fills PostgreSQL by COPY with a state the app's own rules agree with.

It writes through a connection of its own and commits, so the test runs on a transactional
database (flushed afterwards) and on PostgreSQL only.
"""

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from annotations.anchoring import context_of
from annotations.models import Adjudication, Annotation, Disagreement, Status
from annotations.services.annotations import check_span
from annotations.services.review import derived_status, independent_ratings
from bench.scale import fill
from tests.factories import make_annotation, make_desk

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="bench/scale.py writes by COPY"),
]


def database_url() -> str:
    database = settings.DATABASES["default"]
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    )


def constraints_and_indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"
            " UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def claim_documents() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT annotation_id, project_id, language, text, document::text FROM annotations_claimdocument"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def test_a_filled_database_holds_what_the_services_would_have_written():
    """Every claim's span fits its revision's text (quote, 32 code points of context), its status
    and final rating are those its verdicts derive (resolved ones their standing adjudication's),
    exactly the disputed claims have an open disagreement, the keys and indexes set aside for the
    load are back as they were, each claim has the search document its trigger would have written
    (and the trigger is on again), new rows take ids above the filled ones, and the API serves the
    desk's users by their tokens."""
    schema = constraints_and_indexes()
    filled = fill(database_url(), articles=30, claims=300, projects=3, progress=lambda line: None)

    assert constraints_and_indexes() == schema
    assert filled.rows["annotations_annotation"] == Annotation.objects.count() == 300
    claims = list(Annotation.objects.select_related("revision", "article__project").order_by("id"))
    ratings = independent_ratings(claims)
    disputed = set(
        Disagreement.objects.filter(kind="verdict", status="open").values_list("annotation_id", flat=True)
    )
    standing = dict(
        Adjudication.objects.filter(superseded_at__isnull=True).values_list("annotation", "rating")
    )
    statuses = set()
    for claim in claims:
        text = claim.revision.text
        check_span(
            text,
            start=claim.start,
            end=claim.end,
            quote=claim.quote,
            prefix=claim.prefix,
            suffix=claim.suffix,
        )
        assert (claim.prefix, claim.suffix) == context_of(text, claim.start, claim.end)
        assert claim.article.current_revision_id == claim.revision_id
        statuses.add(claim.status)
        if claim.status == Status.RESOLVED:
            assert standing[claim.id] == claim.final_rating
            continue
        derived = derived_status(
            ratings[claim.id], claim.article.project.required_verdicts, disputed=claim.id in disputed
        )
        assert derived == (claim.status, claim.final_rating)
    assert statuses == set(Status.values)
    assert any(len(claim.quote.encode()) != len(claim.quote) for claim in claims)

    # The claims' search documents, written after the load with the per-claim trigger off, are
    # the ones that trigger writes: rewritten through it (a change and its undoing), they stay.
    documents = claim_documents()
    assert set(documents) == {claim.id for claim in claims}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE annotations_annotation SET claim = claim || '#'")
        cursor.execute("UPDATE annotations_annotation SET claim = left(claim, -1)")
    assert claim_documents() == documents

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {filled.tokens['editor']}")
    response = client.get("/api/v1/agreement/", {"project": filled.projects[0]})
    assert response.status_code == 200
    # The identity sequences moved past the ids given.
    new = make_annotation(make_desk())
    assert new.id == claims[-1].id + 1
    # The per-claim trigger is on again.
    assert new.id in claim_documents()

"""Every page runs a fixed number of SQL queries, whatever the number of rows on it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Role
from annotations.services.annotations import create_annotation
from annotations.services.assignments import assign
from annotations.services.bulk import import_annotations
from annotations.services.projects import add_member
from sources.services import get_or_create_source
from tests.annotations.test_pages import client_for
from tests.factories import make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

RATINGS = ["true", "false", "mixed", "mostly_true"]


def article_with_claims(desk, n_claims: int):
    """An article of ``n_claims`` sentences, each highlighted, every fifth with a nested claim inside,
    and verdicts by both reviewers on every third."""
    sentences = [f"Claim {i} says that {i * 7} people saw {i % 13} ships." for i in range(n_claims)]
    text = "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, n_claims, 5))
    article = make_article(desk, text=text)
    spans, position = [], 0
    for index, sentence in enumerate(sentences):
        start = text.index(sentence, position)
        position = start + len(sentence)
        spans.append((start, position))
        if index % 5 == 0 and len(spans) < n_claims:
            inner = text.index("people", start)
            spans.append((inner - 4, inner + len("people")))
    spans = spans[:n_claims]
    items = [{"article": article.id, "start": s, "end": e, "quote": text[s:e]} for s, e in spans]
    import_annotations(actor=desk.annotator, items=items)
    for number, reviewer in enumerate(desk.reviewers):
        judged = [
            item | {"verdict": {"rating": RATINGS[(i + number) % 4], "confidence": "high"}}
            for i, item in enumerate(items)
            if i % 3 == 0
        ]
        import_annotations(actor=reviewer, items=judged)
    return article


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


@pytest.fixture
def desk():
    return make_desk()


def test_the_reader_runs_the_same_queries_for_2_or_200_claims(desk, django_assert_max_num_queries):
    small = article_with_claims(desk, 2)
    large = article_with_claims(desk, 200)
    client = client_for(desk.reviewers[0])
    assert queries_of(client, f"/articles/{small.id}/") == queries_of(client, f"/articles/{large.id}/")
    with django_assert_max_num_queries(6):
        response = client.get(f"/articles/{large.id}/")
    assert response.content.decode().count("data-claim-item=") == 200


def test_the_reader_with_an_open_claim_runs_a_fixed_number_of_queries(desk, django_assert_max_num_queries):
    large = article_with_claims(desk, 200)
    claim = large.annotations.order_by("id").first()
    client = client_for(desk.editor)
    with django_assert_max_num_queries(11):
        response = client.get(f"/articles/{large.id}/?claim={claim.id}")
    assert response.context["claim"].id == claim.id


def test_the_claim_panel_runs_a_fixed_number_of_queries(desk, django_assert_max_num_queries):
    claim = make_annotation(desk)
    for _ in range(12):
        reviewer = make_user()
        add_member(
            actor=desk.admin, project_id=desk.project.id, username=reviewer.username, role=Role.REVIEWER
        )
        make_verdict(
            desk,
            annotation=claim,
            reviewer=reviewer,
            rationale="Seen it.",
            evidence=[{"url": f"https://example.org/{reviewer.username}", "stance": "refutes"}],
        )
    client = client_for(desk.editor)
    # Nine: the agreed claim's panel also reads when it was published, for its ClaimReview snippet.
    with django_assert_max_num_queries(9):
        response = client.get(f"/annotations/{claim.id}/", headers={"X-Fragment": "panel"})
    assert response.content.decode().count("Seen it.") == 12


def test_project_home_and_article_list_run_a_fixed_number_of_queries(desk, django_assert_max_num_queries):
    for number in range(12):
        article = make_article(desk, title=f"Article {number}")
        make_annotation(desk, article=article)
        create_annotation(
            author=desk.annotator,
            article_id=article.id,
            start=4,
            end=9,
            quote=article.current_revision.text[4:9],
        )
    assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=desk.reviewers[0].username,
        article_id=article.id,
    )
    client = client_for(desk.reviewers[0])
    # The eighth is each reviewer's progress, counted in one query whatever the number of reviewers.
    with django_assert_max_num_queries(8):
        assert client.get(f"/projects/{desk.project.id}/").status_code == 200
    with django_assert_max_num_queries(5):
        response = client.get(f"/projects/{desk.project.id}/articles/?status=needs_review&q=article")
    assert len(response.context["page"].object_list) == 12


def test_sources_members_and_history_run_a_fixed_number_of_queries(desk, django_assert_max_num_queries):
    for number in range(12):
        get_or_create_source(
            project=desk.project, url=f"https://example.org/{number}", title=f"Source {number}"
        )
    claim = make_annotation(desk)
    make_verdict(
        desk,
        annotation=claim,
        evidence=[{"url": f"https://example.org/e{n}", "stance": "context"} for n in range(12)],
    )
    for _ in range(12):
        add_member(
            actor=desk.admin, project_id=desk.project.id, username=make_user().username, role=Role.ANNOTATOR
        )
    client = client_for(desk.admin)
    with django_assert_max_num_queries(5):
        sources = client.get(f"/projects/{desk.project.id}/sources/")
    assert len(sources.context["page"].object_list) == 24
    with django_assert_max_num_queries(5):
        members = client.get(f"/projects/{desk.project.id}/members/")
    assert len(members.context["page"].object_list) == 17
    with django_assert_max_num_queries(5):
        history = client.get(f"/history/annotation/{claim.id}/")
    assert len(history.context["page"].object_list) == 14

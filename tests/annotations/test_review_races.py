"""Parallel requests against PostgreSQL: row locks keep statuses, disagreements and adjudications right."""

import threading

import pytest
from django.db import connection
from django.test import Client

from annotations.models import Adjudication, Disagreement, Status, Verdict
from tests.factories import make_annotation, make_article, make_desk

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="parallel writers need PostgreSQL's row locks"
    ),
]
ROUNDS = 4


def at_once(*calls):
    """Run each ``(user, path, body)`` POST in its own thread, released together; their status codes."""
    barrier = threading.Barrier(len(calls))
    codes = [None] * len(calls)

    def post(index, user, path, body):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            codes[index] = client.post(path, body, content_type="application/json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def verdict_call(user, claim, rating):
    return (user, "/api/v1/verdicts/", {"annotation": claim.id, "rating": rating, "confidence": "high"})


def adjudication_call(user, claim, rating="mixed"):
    return (
        user,
        "/api/v1/adjudications/",
        {"annotation": claim.id, "rating": rating, "rationale": "Settled."},
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_reviewers_disagreeing_at_once_open_exactly_one_disagreement(round_):
    desk = make_desk()
    claim = make_annotation(desk)
    codes = at_once(
        verdict_call(desk.reviewers[0], claim, "true"), verdict_call(desk.reviewers[1], claim, "false")
    )
    assert codes == [201, 201]
    claim.refresh_from_db()
    assert claim.status == Status.DISPUTED
    assert Disagreement.objects.filter(annotation=claim, status="open").count() == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_reviewers_agreeing_at_once_agree(round_):
    desk = make_desk()
    claim = make_annotation(desk)
    codes = at_once(
        verdict_call(desk.reviewers[0], claim, "true"), verdict_call(desk.reviewers[1], claim, "true")
    )
    assert codes == [201, 201]
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == (Status.AGREED, "true")


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_verdict_racing_an_adjudication_is_in_before_it_or_refused_after_it(round_):
    desk = make_desk()
    claim = make_annotation(desk)
    assert at_once(verdict_call(desk.reviewers[0], claim, "true")) == [201]
    verdict_code, adjudication_code = at_once(
        verdict_call(desk.reviewers[1], claim, "false"), adjudication_call(desk.editor, claim)
    )
    assert adjudication_code == 201
    assert verdict_code in (201, 409)
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == (Status.RESOLVED, "mixed")
    assert Verdict.objects.filter(annotation=claim).count() == (2 if verdict_code == 201 else 1)
    assert not Disagreement.objects.filter(annotation=claim, status="open").exists()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_editors_adjudicating_at_once_leave_one_adjudication(round_):
    desk = make_desk()
    second_editor = desk.admin
    claim = make_annotation(desk)
    codes = at_once(
        adjudication_call(desk.editor, claim, "true"), adjudication_call(second_editor, claim, "false")
    )
    assert sorted(codes) == [201, 409]
    claim.refresh_from_db()
    assert claim.final_rating == Adjudication.objects.get(annotation=claim).rating


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_overlapping_highlights_at_once_open_one_span_disagreement(round_):
    desk = make_desk()
    article = make_article(desk)
    text = article.current_revision.text
    first = (
        desk.annotator,
        "/api/v1/annotations/",
        {"article": article.id, "start": 0, "end": 9, "quote": text[0:9]},
    )
    second = (
        desk.editor,
        "/api/v1/annotations/",
        {"article": article.id, "start": 4, "end": 14, "quote": text[4:14]},
    )
    assert at_once(first, second) == [201, 201]
    assert Disagreement.objects.filter(kind="span").count() == 1

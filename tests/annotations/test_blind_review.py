"""Blind review: a reviewer who has not judged a claim learns nothing of its ratings, by any path."""

import json

import pytest

from annotations.models import Adjudication, Evidence, Verdict
from tests.factories import make_annotation, make_desk, make_verdict

pytestmark = pytest.mark.django_db

SECRET = "https://secret-source.example.org/proof"


@pytest.fixture
def hidden():
    """A claim judged by reviewers 1 and 2 (differently, with evidence) and adjudicated; reviewer 3
    has judged nothing."""
    desk = make_desk(reviewers=3)
    claim = make_annotation(desk)
    make_verdict(
        desk,
        annotation=claim,
        reviewer=desk.reviewers[0],
        rating="misleading",
        rationale="Cherry-picked numbers",
        evidence=[{"url": SECRET, "stance": "refutes"}],
    )
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="true")
    from annotations.services.review import adjudicate

    adjudicate(
        editor=desk.editor, annotation_id=claim.id, rating="mostly_false", rationale="Secret reasoning"
    )
    return desk, claim


def paths(claim):
    verdict = Verdict.objects.filter(annotation=claim).first()
    return [
        "/api/v1/annotations/",
        f"/api/v1/annotations/{claim.id}/",
        f"/api/v1/annotations/?article={claim.article_id}",
        "/api/v1/annotations/?rating=misleading",
        "/api/v1/annotations/?rating=mostly_false",
        "/api/v1/verdicts/",
        "/api/v1/verdicts/?rating=misleading",
        f"/api/v1/verdicts/{verdict.id}/",
        "/api/v1/evidence/",
        f"/api/v1/evidence/{Evidence.objects.filter(verdict__isnull=False).first().id}/",
        "/api/v1/history/",
        f"/api/v1/history/?annotation={claim.id}",
        f"/api/v1/history/?object=verdict:{verdict.id}",
        "/api/v1/disagreements/",
        "/api/v1/disagreements/?status=resolved",
        "/api/v1/adjudications/",
        f"/api/v1/adjudications/{Adjudication.objects.get().id}/",
        "/api/v1/queues/done/",
        "/api/v1/queues/to_review/",
    ]


# The final rating (mostly_false) is the desk's published result, which every member sees; the
# verdicts, their evidence and the adjudication's reasoning behind it stay hidden.
SECRETS = ("misleading", "Cherry-picked", "Secret reasoning", '"true"', "severity", "secret-source")


def test_a_reviewer_who_has_not_judged_sees_no_rating_anywhere(api_client, hidden):
    desk, claim = hidden
    api_client.force_authenticate(desk.reviewers[2])
    for path in paths(claim):
        response = api_client.get(path)
        assert response.status_code in (200, 404), path
        body = json.dumps(response.json())
        leaked = [secret for secret in SECRETS if secret in body]
        assert not leaked, f"{path} shows {leaked}"


def test_an_annotator_sees_no_rating_either(api_client, hidden):
    desk, claim = hidden
    api_client.force_authenticate(desk.annotator)
    for path in paths(claim):
        body = json.dumps(api_client.get(path).json())
        assert not [secret for secret in SECRETS if secret in body], path


def test_the_published_final_rating_is_shown_to_every_member(api_client, hidden):
    desk, claim = hidden
    for member in (desk.reviewers[2], desk.annotator):
        api_client.force_authenticate(member)
        detail = api_client.get(f"/api/v1/annotations/{claim.id}/").json()
        assert (detail["status"], detail["final_rating"], detail["verdicts"]) == (
            "resolved",
            "mostly_false",
            [],
        )


def test_the_same_paths_show_everything_to_the_editor(api_client, hidden):
    desk, claim = hidden
    api_client.force_authenticate(desk.editor)
    seen = " ".join(json.dumps(api_client.get(path).json()) for path in paths(claim))
    assert all(
        secret.strip('"') in seen for secret in ("misleading", "mostly_false", "Cherry-picked", "Secret")
    )


def test_after_judging_the_reviewer_sees_the_others(api_client, hidden):
    desk, claim = hidden
    # The claim is resolved, so a late verdict is refused; a reviewer who judged before sees all.
    api_client.force_authenticate(desk.reviewers[1])
    detail = api_client.get(f"/api/v1/annotations/{claim.id}/").json()
    assert {v["rating"] for v in detail["verdicts"]} == {"misleading", "true"}
    assert detail["final_rating"] == "mostly_false"
    assert SECRET in json.dumps(api_client.get("/api/v1/evidence/").json())

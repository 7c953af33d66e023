"""A dispute betrays that the verdicts differ: until a reviewer has judged a claim, its status reads
needs_review to them everywhere, and nothing tells them which claims another reviewer judged."""

import pytest
from django.test import Client

from tests.factories import make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def split():
    """Three verdicts needed; reviewers 1 and 2 differ on one claim; reviewer 3 has judged nothing."""
    desk = make_desk(reviewers=3, required_verdicts=3)
    article = make_article(desk)
    claim = make_annotation(desk, article=article)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    claim.refresh_from_db()
    assert claim.status == "disputed"
    return desk, article, claim


def page(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_the_api_shows_an_unjudged_dispute_as_needs_review(api_client, split):
    desk, article, claim = split
    api_client.force_authenticate(desk.reviewers[2])
    assert api_client.get(f"/api/v1/annotations/{claim.id}/").json()["status"] == "needs_review"
    listed = api_client.get(f"/api/v1/annotations/?article={article.id}").json()["results"]
    assert [item["status"] for item in listed] == ["needs_review"]
    queued = api_client.get("/api/v1/queues/to_review/").json()["results"]
    assert [(item["id"], item["status"]) for item in queued] == [(claim.id, "needs_review")]
    assert api_client.get("/api/v1/annotations/?status=disputed").json()["count"] == 0
    assert api_client.get("/api/v1/annotations/?status=needs_review").json()["count"] == 1
    ordered = api_client.get("/api/v1/annotations/?ordering=status").json()["results"]
    assert [item["status"] for item in ordered] == ["needs_review"]


def test_the_dispute_shows_to_editors_and_to_the_reviewer_once_they_judged(api_client, split):
    desk, _article, claim = split
    api_client.force_authenticate(desk.editor)
    assert api_client.get(f"/api/v1/annotations/{claim.id}/").json()["status"] == "disputed"
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[2], rating="mixed")
    api_client.force_authenticate(desk.reviewers[2])
    assert api_client.get(f"/api/v1/annotations/{claim.id}/").json()["status"] == "disputed"
    assert api_client.get("/api/v1/annotations/?status=disputed").json()["count"] == 1


def test_the_pages_show_an_unjudged_dispute_as_needs_review(split):
    desk, article, claim = split
    blind = desk.reviewers[2]
    project = desk.project.id
    home = page(blind, f"/projects/{project}/")
    assert (home.context["counts"]["disputed"], home.context["counts"]["needs_review"]) == (0, 1)
    listing = page(blind, f"/projects/{project}/articles/")
    row = listing.context["page"][0]
    assert (row.n_disputed, row.n_needs_review) == (0, 1)
    assert page(blind, f"/projects/{project}/articles/?status=disputed").context["page"].paginator.count == 0
    reader = page(blind, f"/articles/{article.id}/?claim={claim.id}").content.decode()
    assert "status-disputed" not in reader and 'data-status="disputed"' not in reader
    queue = page(blind, f"/projects/{project}/queues/to-review/").content.decode()
    assert "status-disputed" not in queue
    editor_reader = page(desk.editor, f"/articles/{article.id}/?claim={claim.id}").content.decode()
    assert "status-disputed" in editor_reader


def test_the_reviewer_filter_tells_others_nothing_about_claims_they_have_not_judged(api_client, split):
    desk, _article, claim = split
    someone = desk.reviewers[0].username
    api_client.force_authenticate(desk.reviewers[2])
    assert api_client.get(f"/api/v1/annotations/?reviewer={someone}").json()["count"] == 0
    api_client.force_authenticate(desk.annotator)
    assert api_client.get(f"/api/v1/annotations/?reviewer={someone}").json()["count"] == 0
    api_client.force_authenticate(desk.reviewers[0])
    mine = api_client.get(f"/api/v1/annotations/?reviewer={someone}").json()["results"]
    assert [item["id"] for item in mine] == [claim.id]
    api_client.force_authenticate(desk.editor)
    assert api_client.get(f"/api/v1/annotations/?reviewer={someone}").json()["count"] == 1


def test_a_disputed_claim_stays_in_the_to_review_queue_of_those_who_have_not_judged_it(api_client):
    """Leaving a disputed claim out once it has enough verdicts would tell an unjudged reviewer
    that its verdicts differ; it stays open to further independent verdicts instead."""
    desk = make_desk(reviewers=3, required_verdicts=2)
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    api_client.force_authenticate(desk.reviewers[2])
    queued = api_client.get("/api/v1/queues/to_review/").json()["results"]
    assert [(item["id"], item["status"]) for item in queued] == [(claim.id, "needs_review")]
    given = make_verdict(desk, annotation=claim, reviewer=desk.reviewers[2], rating="mixed")
    assert given.independent is True
    assert api_client.get("/api/v1/queues/to_review/").json()["count"] == 0


def test_a_blind_editor_cannot_open_a_verdict_disagreement_they_have_not_judged(api_client, split):
    desk, _article, claim = split
    disagreement = claim.disagreements.get()
    api_client.force_authenticate(desk.editor)
    members = f"/api/v1/projects/{desk.project.id}/members/{desk.editor.username}/"
    assert api_client.patch(members, {"review_blind": True}, format="json").status_code == 200
    assert api_client.post(f"/api/v1/disagreements/{disagreement.id}/accept/", {}).status_code == 404
    client = Client()
    client.force_login(desk.editor)
    assert client.get(f"/disagreements/{disagreement.id}/").status_code == 404
    assert client.post(f"/disagreements/{disagreement.id}/accept/").status_code == 404

"""The blind verdict is the record: independence, revisions after the reveal, and what the
statuses and agreement figures count."""

import pytest

from annotations.models import Disagreement, Verdict
from annotations.services.verdicts import edit_verdict
from tests.factories import make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db

TEXT = "One. Two. Three. Four. Five. Six. Seven. Eight."
CLAIMS = ["One.", "Two.", "Three.", "Four."]


def claims_of(desk):
    article = make_article(desk, text=TEXT)
    return [make_annotation(desk, article=article, quote=quote) for quote in CLAIMS]


def judge(desk, claims, ratings):
    """Each reviewer's verdicts on ``claims``; ``ratings`` holds one tuple of ratings per claim."""
    verdicts = []
    for claim, per_reviewer in zip(claims, ratings, strict=True):
        verdicts.append(
            [
                make_verdict(desk, annotation=claim, reviewer=reviewer, rating=rating)
                for reviewer, rating in zip(desk.reviewers, per_reviewer, strict=True)
            ]
        )
    return verdicts


BLIND = [("true", "true"), ("false", "unverifiable"), ("false", "false"), ("mostly_false", "mixed")]


def verdict_figures(api_client, desk):
    api_client.force_authenticate(desk.editor)
    body = api_client.get(f"/api/v1/agreement/?project={desk.project.id}").json()
    numbers = {
        "n_claims": body["n_claims"],
        "n_verdicts": body["n_verdicts"],
        "percent_agreement": body["percent_agreement"],
        "fleiss_kappa": body["fleiss_kappa"],
        "alpha": body["krippendorff_alpha"],
        "pairs": [(pair["n"], pair["cohen_kappa"], pair["percent_agreement"]) for pair in body["pairs"]],
    }
    return numbers


def test_agreement_counts_the_blind_ratings_of_reviewers_who_revised_after_the_reveal(api_client):
    """Two reviewers agree blind on two claims of four; after seeing each other they agree on all
    four. The figures are those of the blind verdicts, equal to a desk where nobody revised."""
    revised = make_desk()
    verdicts = judge(revised, claims_of(revised), BLIND)
    for claim_verdicts in verdicts[1], verdicts[3]:
        first, second = claim_verdicts
        edit_verdict(reviewer=second.reviewer, verdict_id=second.id, rating=first.rating)
    assert Verdict.objects.filter(revised_after_reveal=True).count() == 2

    untouched = make_desk()
    judge(untouched, claims_of(untouched), BLIND)

    figures = verdict_figures(api_client, revised)
    assert figures["percent_agreement"] == 0.5
    assert figures["pairs"] == [(4, figures["pairs"][0][1], 0.5)]
    assert figures == verdict_figures(api_client, untouched)


def test_a_revised_verdict_keeps_its_blind_rating_and_its_claim_stays_disputed(api_client):
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="unverifiable")
    changing = make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    changed = edit_verdict(reviewer=desk.reviewers[1], verdict_id=changing.id, rating="unverifiable")
    assert (changed.rating, changed.blind_rating, changed.revised_after_reveal) == (
        "unverifiable",
        "false",
        True,
    )
    claim.refresh_from_db()
    assert claim.status == "disputed"
    assert Disagreement.objects.get().status == "open"
    api_client.force_authenticate(desk.editor)
    shown = api_client.get(f"/api/v1/verdicts/{changing.id}/").json()
    assert (shown["rating"], shown["blind_rating"], shown["revised_after_reveal"]) == (
        "unverifiable",
        "false",
        True,
    )


def test_a_change_before_anyone_else_judged_is_still_blind():
    desk = make_desk()
    claim = make_annotation(desk)
    first = make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="false")
    fixed = edit_verdict(reviewer=desk.reviewers[0], verdict_id=first.id, rating="true")
    assert (fixed.blind_rating, fixed.revised_after_reveal, fixed.independent) == ("true", False, True)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="true")
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == ("agreed", "true")


def test_an_editors_verdict_given_with_another_in_view_does_not_count():
    """An editor sees reviewer 1's "Misleading" and gives "Misleading": one independent verdict."""
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="misleading")
    seen = make_verdict(desk, annotation=claim, reviewer=desk.editor, rating="misleading")
    assert seen.independent is False
    claim.refresh_from_db()
    assert claim.status == "needs_review"
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="misleading")
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == ("agreed", "misleading")


def test_an_editors_differing_verdict_with_others_in_view_opens_no_disagreement():
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.editor, rating="false")
    claim.refresh_from_db()
    assert claim.status == "needs_review"
    assert not Disagreement.objects.exists()


def test_an_editors_verdict_on_an_unjudged_claim_is_independent():
    desk = make_desk()
    claim = make_annotation(desk)
    first = make_verdict(desk, annotation=claim, reviewer=desk.editor, rating="true")
    assert first.independent is True
    second = make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    assert second.independent is True
    claim.refresh_from_db()
    assert claim.status == "agreed"


def test_the_agreement_figures_leave_out_verdicts_that_were_not_independent(api_client):
    desk = make_desk()
    claims = claims_of(desk)
    judge(desk, claims, BLIND)
    before = verdict_figures(api_client, desk)
    for claim in claims:
        make_verdict(desk, annotation=claim, reviewer=desk.editor, rating="true")
    assert verdict_figures(api_client, desk) == before
    assert before["n_verdicts"] == 8


def test_bulk_verdicts_are_independent_only_where_nothing_was_in_view(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    judged = make_annotation(desk, article=article, quote="One.")
    make_verdict(desk, annotation=judged, reviewer=desk.reviewers[0], rating="true")
    api_client.force_authenticate(desk.editor)
    items = [
        {"article": article.id, "start": start, "end": start + len(quote), "quote": quote}
        | {"verdict": {"rating": "false", "confidence": "high"}}
        for quote in ("One.", "Two.")
        for start in [TEXT.index(quote)]
    ]
    response = api_client.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json")
    assert response.status_code == 201, response.json()
    mine = dict(Verdict.objects.filter(reviewer=desk.editor).values_list("annotation__quote", "independent"))
    assert mine == {"One.": False, "Two.": True}
    judged.refresh_from_db()
    assert judged.status == "needs_review"
    assert not Disagreement.objects.exists()


def test_a_reviewer_who_judged_sees_whether_each_verdict_counts(api_client):
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.editor, rating="false")
    api_client.force_authenticate(desk.reviewers[0])
    verdicts = api_client.get(f"/api/v1/annotations/{claim.id}/").json()["verdicts"]
    assert [(v["reviewer"], v["independent"]) for v in verdicts] == [
        (desk.reviewers[0].username, True),
        (desk.editor.username, False),
    ]


def blind_editor(api_client, desk):
    api_client.force_authenticate(desk.editor)
    url = f"/api/v1/projects/{desk.project.id}/members/{desk.editor.username}/"
    response = api_client.patch(url, {"review_blind": True}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["review_blind"] is True


def test_an_editor_who_reviews_blind_reads_unjudged_claims_blind_and_their_verdict_counts(api_client):
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="misleading")
    blind_editor(api_client, desk)
    detail = api_client.get(f"/api/v1/annotations/{claim.id}/").json()
    assert detail["verdicts"] == []
    assert api_client.get("/api/v1/verdicts/").json()["count"] == 0
    given = api_client.post(
        "/api/v1/verdicts/",
        {"annotation": claim.id, "rating": "misleading", "confidence": "high"},
        format="json",
    )
    assert given.status_code == 201
    assert given.json()["independent"] is True
    detail = api_client.get(f"/api/v1/annotations/{claim.id}/").json()
    assert (detail["status"], len(detail["verdicts"])) == ("agreed", 2)


def test_a_blind_editors_agreement_figures_cover_only_what_they_judged(api_client):
    desk = make_desk()
    claims = claims_of(desk)
    judge(desk, claims, BLIND)
    blind_editor(api_client, desk)
    body = api_client.get(f"/api/v1/agreement/?project={desk.project.id}").json()
    assert (body["n_claims"], body["pairs"]) == (0, [])


def test_only_the_member_or_an_admin_switches_blind_review_and_only_for_editors(api_client):
    desk = make_desk()
    members = f"/api/v1/projects/{desk.project.id}/members/"
    api_client.force_authenticate(desk.reviewers[0])
    refused = api_client.patch(f"{members}{desk.editor.username}/", {"review_blind": True}, format="json")
    assert refused.status_code == 403
    own = api_client.patch(f"{members}{desk.reviewers[0].username}/", {"review_blind": True}, format="json")
    assert own.status_code == 400
    assert "review_blind" in own.json()
    api_client.force_authenticate(desk.admin)
    by_admin = api_client.patch(f"{members}{desk.editor.username}/", {"review_blind": True}, format="json")
    assert by_admin.status_code == 200
    assert api_client.patch(f"{members}{desk.editor.username}/", {}, format="json").status_code == 400
    assert api_client.get(f"{members}{desk.editor.username}/").json()["review_blind"] is True


def test_the_members_page_switches_blind_review_for_oneself():
    from django.test import Client

    desk = make_desk()
    client = Client()
    client.force_login(desk.editor)
    members = f"/projects/{desk.project.id}/members/"
    assert "Review blind" in client.get(members).content.decode()
    switched = client.post(
        f"{members}{desk.editor.username}/review-blind/", {"review_blind": "on"}, follow=True
    )
    assert "You review blind now" in switched.content.decode()
    assert desk.project.memberships.get(user=desk.editor).review_blind is True
    refused = client.post(f"{members}{desk.reviewers[0].username}/review-blind/", {"review_blind": "on"})
    assert refused.status_code == 403

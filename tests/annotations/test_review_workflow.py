"""The review cycle through the API: annotate, blind verdicts, agree or disagree, adjudicate, publish."""

import pytest

from annotations.models import Adjudication, Annotation, Disagreement, HistoryEntry, Role, Verdict
from tests.factories import make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

TEXT = "The river rose 3.2 metres overnight.\n\nThe mayor said 1,200 homes were flooded in the old town."


def verdict(api_client, user, annotation, rating, **extra):
    api_client.force_authenticate(user)
    body = {"annotation": annotation.id, "rating": rating, "confidence": "high", **extra}
    return api_client.post("/api/v1/verdicts/", body, format="json")


def claim_of(api_client, user, annotation):
    api_client.force_authenticate(user)
    return api_client.get(f"/api/v1/annotations/{annotation.id}/").json()


def queue_ids(api_client, user, name, query=""):
    api_client.force_authenticate(user)
    response = api_client.get(f"/api/v1/queues/{name}/{query}")
    assert response.status_code == 200, response.content
    return [claim["id"] for claim in response.json()["results"]]


def test_two_agreeing_blind_verdicts_make_a_claim_publishable(api_client):
    desk = make_desk()
    claim = make_annotation(desk, article=make_article(desk, text=TEXT), quote="The river rose 3.2 metres")
    first, second = desk.reviewers
    assert queue_ids(api_client, first, "to_review") == [claim.id]
    assert verdict(api_client, first, claim, "true").status_code == 201
    assert claim_of(api_client, first, claim)["status"] == "needs_review"
    assert queue_ids(api_client, first, "to_review") == []
    assert queue_ids(api_client, second, "to_review") == [claim.id]
    assert claim_of(api_client, second, claim)["verdicts"] == []
    assert verdict(api_client, second, claim, "true").status_code == 201
    seen = claim_of(api_client, second, claim)
    assert (seen["status"], seen["final_rating"], len(seen["verdicts"])) == ("agreed", "true", 2)
    assert queue_ids(api_client, desk.editor, "done") == [claim.id]
    assert Disagreement.objects.count() == 0


def test_differing_verdicts_open_a_disagreement_that_adjudication_resolves(api_client):
    desk = make_desk()
    claim = make_annotation(desk, article=make_article(desk, text=TEXT), quote="1,200 homes were flooded")
    verdict(api_client, desk.reviewers[0], claim, "true")
    verdict(api_client, desk.reviewers[1], claim, "mostly_false")
    assert claim_of(api_client, desk.editor, claim)["status"] == "disputed"
    api_client.force_authenticate(desk.editor)
    disagreements = api_client.get("/api/v1/disagreements/?status=open").json()["results"]
    assert [(d["annotation"], d["kind"], d["severity"]) for d in disagreements] == [(claim.id, "verdict", 3)]
    assert queue_ids(api_client, desk.editor, "disputed") == [claim.id]

    body = {
        "annotation": claim.id,
        "rating": "mostly_true",
        "rationale": "The city's count is 1,150; close enough to call mostly true.",
        "evidence": [
            {"url": "https://city.example.org/flood-report", "stance": "supports", "quote": "1,150 homes"}
        ],
    }
    response = api_client.post("/api/v1/adjudications/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["evidence"][0]["url"] == "https://city.example.org/flood-report"
    resolved = claim_of(api_client, desk.editor, claim)
    assert (resolved["status"], resolved["final_rating"]) == ("resolved", "mostly_true")
    assert Disagreement.objects.get().status == "resolved"
    assert queue_ids(api_client, desk.editor, "disputed") == []
    assert queue_ids(api_client, desk.editor, "done") == [claim.id]
    assert Verdict.objects.filter(annotation=claim).count() == 2, "nothing is deleted by resolving"
    assert HistoryEntry.objects.filter(object_type="adjudication").count() == 1

    # Verdicts are frozen now.
    frozen = Verdict.objects.filter(annotation=claim).first()
    api_client.force_authenticate(frozen.reviewer)
    response = api_client.patch(f"/api/v1/verdicts/{frozen.id}/", {"rating": "false"}, format="json")
    assert response.status_code == 409
    late = make_user()
    from annotations.services.projects import add_member

    add_member(actor=desk.admin, project_id=desk.project.id, username=late.username, role=Role.REVIEWER)
    assert verdict(api_client, late, claim, "false").status_code == 409
    api_client.force_authenticate(desk.editor)
    assert api_client.post("/api/v1/adjudications/", body, format="json").status_code == 409


def test_reopening_supersedes_the_adjudication_and_disputes_again(api_client):
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    api_client.force_authenticate(desk.editor)
    api_client.post(
        "/api/v1/adjudications/",
        {"annotation": claim.id, "rating": "mixed", "rationale": "Both partly."},
        format="json",
    )
    api_client.force_authenticate(desk.reviewers[0])
    assert api_client.post(f"/api/v1/annotations/{claim.id}/reopen/", {}, format="json").status_code == 403
    api_client.force_authenticate(desk.editor)
    response = api_client.post(
        f"/api/v1/annotations/{claim.id}/reopen/", {"reason": "New data"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["final_rating"]) == ("disputed", None)
    assert Adjudication.objects.get().superseded_at is not None
    assert list(Disagreement.objects.order_by("id").values_list("status", flat=True)) == ["resolved", "open"]
    assert api_client.post(f"/api/v1/annotations/{claim.id}/reopen/", {}, format="json").status_code == 409
    reopened = HistoryEntry.objects.filter(object_type="annotation", object_id=claim.id).latest("id")
    assert reopened.after["reopened"] is True


@pytest.mark.parametrize(
    ("ratings", "severity"),
    [
        (("true", "false"), 4),
        (("mostly_true", "mixed"), 1),
        (("true", "misleading"), "categorical"),
        (("unverifiable", "not_checkable"), "categorical"),
    ],
)
def test_severity_is_the_distance_on_the_truth_scale_or_categorical(api_client, ratings, severity):
    desk = make_desk()
    claim = make_annotation(desk)
    for reviewer, rating in zip(desk.reviewers, ratings, strict=True):
        make_verdict(desk, annotation=claim, reviewer=reviewer, rating=rating)
    api_client.force_authenticate(desk.editor)
    assert api_client.get("/api/v1/disagreements/").json()["results"][0]["severity"] == severity
    query = "severity=categorical" if severity == "categorical" else f"severity={severity}"
    assert api_client.get(f"/api/v1/disagreements/?{query}").json()["count"] == 1


def test_a_rating_revised_after_the_reveal_keeps_the_claim_disputed_and_marks_the_verdict(api_client):
    """Reviewer 2 gives "False", sees reviewer 1's "Unverifiable" and changes to it: the blind
    ratings still differ, so the claim stays disputed and its disagreement open."""
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="unverifiable")
    changing = make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    api_client.force_authenticate(desk.reviewers[1])
    answer = api_client.patch(f"/api/v1/verdicts/{changing.id}/", {"rating": "unverifiable"}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["rating"], answer.json()["blind_rating"]) == ("unverifiable", "false")
    assert answer.json()["revised_after_reveal"] is True
    assert claim_of(api_client, desk.editor, claim)["status"] == "disputed"
    assert list(Disagreement.objects.values_list("status", "categorical")) == [("open", True)]


def test_a_converged_rating_is_accepted_by_an_editor_in_one_call(api_client):
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="unverifiable")
    changing = make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    disagreement = Disagreement.objects.get()
    api_client.force_authenticate(desk.editor)
    refused = api_client.post(f"/api/v1/disagreements/{disagreement.id}/accept/", {}, format="json")
    assert refused.status_code == 409
    assert "not converged" in refused.json()["non_field_errors"][0]
    api_client.force_authenticate(desk.reviewers[1])
    api_client.patch(f"/api/v1/verdicts/{changing.id}/", {"rating": "unverifiable"}, format="json")
    api_client.force_authenticate(desk.reviewers[0])
    assert (
        api_client.post(f"/api/v1/disagreements/{disagreement.id}/accept/", {}, format="json").status_code
        == 403
    )
    api_client.force_authenticate(desk.editor)
    accepted = api_client.post(f"/api/v1/disagreements/{disagreement.id}/accept/", {}, format="json")
    assert accepted.status_code == 201
    assert accepted.json()["rating"] == "unverifiable"
    assert claim_of(api_client, desk.editor, claim)["status"] == "resolved"
    disagreement.refresh_from_db()
    assert disagreement.status == "resolved"
    assert "converged" in disagreement.resolution


def test_reopening_a_claim_whose_blind_ratings_differ_opens_a_new_disagreement(api_client):
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    api_client.force_authenticate(desk.editor)
    api_client.post(
        "/api/v1/adjudications/",
        {"annotation": claim.id, "rating": "mixed", "rationale": "Half."},
        format="json",
    )
    api_client.post(f"/api/v1/annotations/{claim.id}/reopen/", {}, format="json")
    assert list(Disagreement.objects.order_by("id").values_list("status", "severity")) == [
        ("resolved", 4),
        ("open", 4),
    ]
    superseded = HistoryEntry.objects.filter(object_type="adjudication", action="update").get()
    assert superseded.before == {"superseded_at": None}
    assert superseded.actor == desk.editor


def test_overlapping_spans_of_two_people_open_one_span_disagreement(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    mine = make_annotation(desk, article=article, quote="1,200 homes were flooded", author=desk.annotator)
    make_annotation(desk, article=article, quote="homes were flooded in the old town", author=desk.annotator)
    assert Disagreement.objects.count() == 0, "one person's own overlapping spans are deliberate"
    theirs = make_annotation(desk, article=article, quote="mayor said 1,200 homes", author=desk.reviewers[0])
    make_annotation(desk, article=article, quote="1,200 homes were flooded", author=desk.reviewers[1])
    span = Disagreement.objects.filter(kind="span")
    assert sorted(span.values_list("annotation_id", "other_annotation_id")) == [
        (mine.id, theirs.id),
        (mine.id + 1, theirs.id),
    ]
    assert claim_of(api_client, desk.editor, mine)["status"] == "disputed"
    api_client.force_authenticate(desk.annotator)
    listed = api_client.get(f"/api/v1/disagreements/?kind=span&annotation={theirs.id}").json()
    assert listed["count"] == 2
    assert listed["results"][0]["severity"] is None
    assert [s["quote"] for s in listed["results"][0]["spans"]] == [
        "1,200 homes were flooded",
        "mayor said 1,200 homes",
    ]


def test_keeping_both_spans_resolves_for_good(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    first = make_annotation(desk, article=article, quote="The river rose 3.2 metres", author=desk.annotator)
    second = make_annotation(
        desk, article=article, quote="rose 3.2 metres overnight", author=desk.reviewers[0]
    )
    disagreement = Disagreement.objects.get()
    api_client.force_authenticate(desk.reviewers[0])
    assert (
        api_client.post(f"/api/v1/disagreements/{disagreement.id}/keep-both/", {}, format="json").status_code
        == 403
    )
    api_client.force_authenticate(desk.editor)
    response = api_client.post(
        f"/api/v1/disagreements/{disagreement.id}/keep-both/", {"note": "Two claims."}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["resolution"]) == ("resolved", "Two claims.")
    assert claim_of(api_client, desk.editor, first)["status"] == "needs_review"
    assert claim_of(api_client, desk.editor, second)["status"] == "needs_review"
    make_annotation(desk, article=article, quote="3.2 metres", author=desk.editor)
    assert Disagreement.objects.filter(annotation=first, other_annotation=second).count() == 1
    again = api_client.post(f"/api/v1/disagreements/{disagreement.id}/keep-both/", {}, format="json")
    assert again.status_code == 409


def test_merging_moves_verdicts_and_explains_the_ones_it_cannot_move(api_client):
    desk = make_desk(reviewers=3)
    article = make_article(desk, text=TEXT)
    kept = make_annotation(desk, article=article, quote="1,200 homes were flooded", author=desk.annotator)
    merged = make_annotation(
        desk, article=article, quote="said 1,200 homes were flooded", author=desk.reviewers[2]
    )
    r1, r2, r3 = desk.reviewers
    make_verdict(desk, annotation=kept, reviewer=r1, rating="false")
    both = make_verdict(desk, annotation=merged, reviewer=r1, rating="mostly_false")
    moved = make_verdict(desk, annotation=merged, reviewer=r2, rating="false")
    disagreement = Disagreement.objects.get(kind="span")
    api_client.force_authenticate(desk.editor)
    response = api_client.post(
        f"/api/v1/disagreements/{disagreement.id}/merge/", {"keep": kept.id}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kept"], body["merged"], body["moved_verdicts"], body["left_verdicts"]) == (
        kept.id,
        merged.id,
        [moved.id],
        [both.id],
    )
    assert "already" in body["explanation"]
    assert Verdict.objects.get(pk=moved.pk).annotation_id == kept.id
    assert Verdict.objects.get(pk=both.pk).annotation_id == merged.id
    merged.refresh_from_db()
    assert merged.merged_into_id == kept.id
    assert merged.status != "disputed", "its disagreements closed with the merge"
    assert Annotation.objects.filter(pk=merged.pk).exists(), "nothing is deleted by resolving"
    assert claim_of(api_client, desk.editor, kept)["status"] == "agreed"
    assert not Disagreement.objects.filter(status="open").exists()
    assert merged.id not in queue_ids(api_client, r3, "to_review")
    assert verdict(api_client, r3, merged, "true").status_code == 409
    assert HistoryEntry.objects.filter(object_type="verdict", object_id=moved.id, action="update").exists()


def test_a_merge_must_keep_one_of_the_pair(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    make_annotation(desk, article=article, quote="The river rose", author=desk.annotator)
    make_annotation(desk, article=article, quote="river rose 3.2", author=desk.editor)
    stranger = make_annotation(desk, article=article, quote="old town")
    disagreement = Disagreement.objects.get()
    api_client.force_authenticate(desk.editor)
    response = api_client.post(
        f"/api/v1/disagreements/{disagreement.id}/merge/", {"keep": stranger.id}, format="json"
    )
    assert response.status_code == 400
    assert "keep" in response.json()
    assert Disagreement.objects.get().status == "open"


def test_changing_required_verdicts_recomputes_statuses(api_client):
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    assert claim_of(api_client, desk.editor, claim)["status"] == "needs_review"
    api_client.force_authenticate(desk.admin)
    api_client.patch(f"/api/v1/projects/{desk.project.id}/", {"required_verdicts": 1}, format="json")
    assert claim_of(api_client, desk.editor, claim)["status"] == "agreed"
    api_client.force_authenticate(desk.admin)
    api_client.patch(f"/api/v1/projects/{desk.project.id}/", {"required_verdicts": 3}, format="json")
    assert claim_of(api_client, desk.editor, claim)["status"] == "needs_review"


def test_queues_are_ordered_filtered_and_scoped_by_role(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    older = make_annotation(desk, article=article, quote="The river rose")
    newer = make_annotation(desk, article=article, quote="old town")
    other_article = make_article(desk, text="Another claim about 42 bridges.")
    elsewhere = make_annotation(desk, article=other_article, quote="42 bridges")
    assert queue_ids(api_client, desk.reviewers[0], "to_review") == [older.id, newer.id, elsewhere.id]
    assert queue_ids(api_client, desk.reviewers[0], "to_review", f"?article={other_article.id}") == [
        elsewhere.id
    ]
    assert queue_ids(api_client, desk.annotator, "to_review") == [], "annotators give no verdicts"
    assert queue_ids(api_client, desk.reviewers[0], "disputed") == []
    api_client.force_authenticate(desk.reviewers[0])
    assert api_client.get(f"/api/v1/queues/disputed/?project={desk.project.id}").status_code == 403
    assert api_client.get("/api/v1/queues/everything/").status_code == 404
    outsider = make_desk().editor
    assert queue_ids(api_client, outsider, "to_review") == []
    assert queue_ids(api_client, outsider, "done") == []


def test_queues_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    desk = make_desk()
    article = make_article(desk, text=" ".join(f"Claim {i} is here." for i in range(12)))
    for i in range(12):
        claim = make_annotation(desk, article=article, quote=f"Claim {i} is")
        make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true" if i % 2 else "false")
        make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    # The six disputed claims stay open to the editor's independent verdict.
    for name, expected in [("to_review", 6), ("disputed", 6), ("done", 6)]:
        api_client.force_authenticate(desk.editor)
        with django_assert_max_num_queries(7):
            response = api_client.get(f"/api/v1/queues/{name}/")
        assert response.json()["count"] == expected
    with django_assert_max_num_queries(4):
        assert api_client.get("/api/v1/disagreements/").json()["count"] == 6


def test_blind_review_hides_ratings_in_disagreements_adjudications_queues_and_history(api_client):
    desk = make_desk(reviewers=3)
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    api_client.force_authenticate(desk.editor)
    api_client.post(
        "/api/v1/adjudications/",
        {"annotation": claim.id, "rating": "mixed", "rationale": "Half."},
        format="json",
    )
    outsider_to_claim = desk.reviewers[2]
    api_client.force_authenticate(outsider_to_claim)
    assert api_client.get("/api/v1/disagreements/").json()["count"] == 0
    assert api_client.get("/api/v1/adjudications/").json()["count"] == 0
    done = api_client.get("/api/v1/queues/done/").json()["results"]
    # The final rating is the desk's published result; the verdicts behind it stay hidden.
    assert [(c["id"], c["final_rating"], c["verdicts"]) for c in done] == [(claim.id, "mixed", [])]
    assert api_client.get("/api/v1/annotations/?rating=mixed").json()["count"] == 1
    kinds = {entry["object_type"] for entry in api_client.get("/api/v1/history/").json()["results"]}
    assert kinds == {"annotation"}
    assert api_client.get(f"/api/v1/adjudications/{Adjudication.objects.get().id}/").status_code == 404
    api_client.force_authenticate(desk.reviewers[0])
    assert api_client.get("/api/v1/adjudications/").json()["count"] == 1
    assert api_client.get("/api/v1/disagreements/").json()["count"] == 1


def test_marking_the_words_of_a_merged_claim_again_gives_back_the_claim_it_was_merged_into(api_client):
    from annotations.services.review import merge_annotations

    desk = make_desk()
    article = make_article(desk, text=TEXT)
    kept = make_annotation(desk, article=article, quote="1,200 homes were flooded", author=desk.annotator)
    merged = make_annotation(
        desk, article=article, quote="mayor said 1,200 homes were flooded", author=desk.reviewers[0]
    )
    disagreement = Disagreement.objects.get(kind="span")
    merge_annotations(editor=desk.editor, disagreement_id=disagreement.id, keep_id=kept.id)
    quote = "mayor said 1,200 homes were flooded"
    start = TEXT.index(quote)
    span = {"article": article.id, "start": start, "end": start + len(quote), "quote": quote}
    api_client.force_authenticate(desk.reviewers[1])
    again = api_client.post("/api/v1/annotations/", span, format="json")
    assert (again.status_code, again.json()["id"]) == (200, kept.id)
    verdict = {"rating": "true", "confidence": "high"}
    bulk = api_client.post(
        "/api/v1/annotations/bulk/", {"annotations": [span | {"verdict": verdict}]}, format="json"
    )
    assert bulk.status_code == 201, bulk.json()
    assert [item["id"] for item in bulk.json()] == [kept.id]
    assert Verdict.objects.get(reviewer=desk.reviewers[1]).annotation_id == kept.id
    # The words marked are the merged claim's: span agreement counts them there.
    assert merged.highlights.filter(user=desk.reviewers[1]).exists()

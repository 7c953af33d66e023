"""Re-cutting a highlight: moving an annotation's start or end, through the API and the service."""

import pytest

from annotations.anchoring import context_of
from annotations.models import Disagreement, DisagreementKind, DisagreementStatus, HistoryEntry, Status
from annotations.services.annotations import RECUT_SMALL_WORDS, recut_is_small, words_changed
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

TEXT = (
    "Officials said 10,000 troops were sent to Russia in October, and 18 soldiers deserted. "
    "The ministry denied every figure."
)


def span_of(words: str, text: str = TEXT) -> dict:
    start = text.index(words)
    return {"start": start, "end": start + len(words)}


def judged(desk, article, quote, *, reviewers=1):
    annotation = make_annotation(desk, article=article, quote=quote)
    for reviewer in desk.reviewers[:reviewers]:
        make_verdict(desk, annotation=annotation, reviewer=reviewer, rating="mostly_true")
    annotation.refresh_from_db()
    return annotation


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ("10,000 troops", "10,000 troops were sent", 2),
        ("10,000 troops", "said 10,000 troops were sent", 3),
        ("10,000 troops", "troops", 1),
        ("10,000 troops", "000 troops", 1),  # "10," cut off: the word counts once
        ("10,000 troops", "10,000 troops were sent to Russia", 4),
        ("10,000 troops", "18 soldiers", None),
    ],
)
def test_a_recut_counts_the_words_it_adds_and_drops(old, new, changed):
    """The words changed are the whole words between the old and the new edges; spans that do not
    overlap are not a re-cut of the same words at all."""
    old_span, new_span = span_of(old), span_of(new)
    assert words_changed(
        TEXT, (old_span["start"], old_span["end"]), (new_span["start"], new_span["end"])
    ) == (changed)
    small = changed is not None and changed <= RECUT_SMALL_WORDS
    assert recut_is_small(TEXT, tuple(old_span.values()), tuple(new_span.values())) is small


def test_the_author_recuts_an_unjudged_claim_and_the_service_reads_quote_and_context(api_client):
    """PATCH start and end moves the span; quote, prefix and suffix come from the text, the version
    goes up, and the history keeps the old span."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="troops were sent")
    api_client.force_authenticate(desk.annotator)
    new = span_of("10,000 troops were sent to Russia")
    answer = api_client.patch(f"/api/v1/annotations/{annotation.id}/", new, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    prefix, suffix = context_of(TEXT, new["start"], new["end"])
    assert (body["start"], body["end"], body["quote"]) == (
        new["start"],
        new["end"],
        "10,000 troops were sent to Russia",
    )
    assert (body["prefix"], body["suffix"], body["version"]) == (prefix, suffix, annotation.version + 1)
    entry = HistoryEntry.objects.filter(
        object_type="annotation", object_id=annotation.id, action="update"
    ).get()
    assert (entry.before["start"], entry.before["end"], entry.before["quote"]) == (
        annotation.start,
        annotation.end,
        "troops were sent",
    )
    assert entry.after["quote"] == "10,000 troops were sent to Russia"


def test_moving_only_the_end_keeps_the_start(api_client):
    """A PATCH with ``end`` alone moves the end; offsets count code points, past an emoji too."""
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    annotation = make_annotation(desk, article=article, quote="😀 prices")
    api_client.force_authenticate(desk.annotator)
    end = EMOJI_TEXT.index("12%") + 3
    answer = api_client.patch(f"/api/v1/annotations/{annotation.id}/", {"end": end}, format="json")
    assert answer.status_code == 200
    assert answer.json()["quote"] == "😀 prices rose 12%"
    assert answer.json()["start"] == annotation.start


def test_an_editors_small_recut_keeps_the_verdicts_and_marks_the_claim_changed(api_client):
    """Up to the small-re-cut bound the verdicts stay with the claim, and ``claim_changed_at`` tells
    the reviewers who judged the old words."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = judged(desk, article, "10,000 troops", reviewers=2)
    assert annotation.status == Status.AGREED
    api_client.force_authenticate(desk.editor)
    answer = api_client.patch(
        f"/api/v1/annotations/{annotation.id}/", span_of("10,000 troops were sent"), format="json"
    )
    assert answer.status_code == 200, answer.json()
    annotation.refresh_from_db()
    assert annotation.quote == "10,000 troops were sent"
    assert annotation.verdicts.count() == 2
    assert (annotation.status, annotation.final_rating) == (Status.AGREED, "mostly_true")
    assert annotation.claim_changed_at is not None


def test_a_large_recut_of_a_judged_claim_is_refused_and_changes_nothing(api_client):
    """More words than the bound, or other words altogether, would leave the verdicts judging words
    the claim no longer has: 409 ``recut_too_large``, the span and the history as they were."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = judged(desk, article, "10,000 troops")
    entries = HistoryEntry.objects.count()
    api_client.force_authenticate(desk.editor)
    for words in ("10,000 troops were sent to Russia in October", "18 soldiers deserted"):
        answer = api_client.patch(f"/api/v1/annotations/{annotation.id}/", span_of(words), format="json")
        assert answer.status_code == 409
        assert "Highlight the new words as a claim of their own" in str(answer.json())
    annotation.refresh_from_db()
    assert (annotation.quote, annotation.version) == ("10,000 troops", 1)
    assert HistoryEntry.objects.count() == entries


def test_only_an_editor_recuts_a_claim_that_has_verdicts(api_client):
    """Its author gets 409 once a reviewer has judged the words, as with rewording the claim."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = judged(desk, article, "10,000 troops")
    api_client.force_authenticate(desk.annotator)
    answer = api_client.patch(
        f"/api/v1/annotations/{annotation.id}/", span_of("10,000 troops were"), format="json"
    )
    assert answer.status_code == 409
    assert "only an editor may re-cut" in str(answer.json())


def test_another_member_cannot_recut_someone_elses_claim_and_outsiders_get_404(api_client):
    """A reviewer is not the author: 403. A user of another desk: 404."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    url = f"/api/v1/annotations/{annotation.id}/"
    api_client.force_authenticate(desk.reviewers[0])
    assert api_client.patch(url, {"end": annotation.end + 5}, format="json").status_code == 403
    api_client.force_authenticate(make_user())
    assert api_client.patch(url, {"end": annotation.end + 5}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"end": len(TEXT) + 1}, "end"),
        ({"start": len(TEXT)}, "start"),
        ({"start": 30, "end": 30}, "end"),
        ({"start": "ten"}, "start"),
        ({"end": 0}, "end"),
    ],
)
def test_bad_offsets_answer_400_naming_the_field(api_client, body, field):
    """Offsets outside the text, an empty span or a non-integer: 400 with the field, nothing changed."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    api_client.force_authenticate(desk.annotator)
    answer = api_client.patch(f"/api/v1/annotations/{annotation.id}/", body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    annotation.refresh_from_db()
    assert annotation.version == 1


def test_recutting_onto_another_claims_words_is_refused(api_client):
    """The same words on the same revision are one claim: 409 naming the claim that holds them."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    other = make_annotation(desk, article=article, quote="10,000 troops were sent")
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    api_client.force_authenticate(desk.annotator)
    answer = api_client.patch(f"/api/v1/annotations/{annotation.id}/", {"end": other.end}, format="json")
    assert answer.status_code == 409
    assert f"Claim #{other.id} already marks exactly these words" in str(answer.json())


def test_a_stale_version_changes_nothing(api_client):
    """If-Match with an old ETag answers 412 and the span stays."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    api_client.force_authenticate(desk.annotator)
    url = f"/api/v1/annotations/{annotation.id}/"
    etag = api_client.get(url)["ETag"]
    assert (
        api_client.patch(url, {"claim": "Troops were sent"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 200
    )
    stale = api_client.patch(url, {"end": annotation.end + 5}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    annotation.refresh_from_db()
    assert annotation.quote == "10,000 troops"


def test_a_recut_away_from_an_overlap_closes_the_span_disagreement_and_one_into_an_overlap_opens_one(
    api_client,
):
    """Span disagreements follow the new span: the partner it no longer overlaps is undisputed, a
    claim it now overlaps is disputed."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    mine = make_annotation(desk, article=article, quote="10,000 troops were sent", author=desk.annotator)
    theirs = make_annotation(
        desk, article=article, quote="troops were sent to Russia", author=desk.reviewers[0]
    )
    later = make_annotation(desk, article=article, quote="18 soldiers deserted", author=desk.reviewers[1])
    theirs.refresh_from_db()
    assert theirs.status == Status.DISPUTED
    api_client.force_authenticate(desk.annotator)
    answer = api_client.patch(
        f"/api/v1/annotations/{mine.id}/", span_of("October, and 18 soldiers"), format="json"
    )
    assert answer.status_code == 200, answer.json()
    for claim in (mine, theirs, later):
        claim.refresh_from_db()
    assert (mine.status, theirs.status, later.status) == (
        Status.DISPUTED,
        Status.NEEDS_REVIEW,
        Status.DISPUTED,
    )
    spans = Disagreement.objects.filter(kind=DisagreementKind.SPAN)
    assert set(spans.values_list("other_annotation_id", "status")) == {
        (theirs.id, DisagreementStatus.CLOSED),
        (later.id, DisagreementStatus.OPEN),
    }


def test_resolved_claims_are_not_recut(api_client):
    """A resolved claim's rating was given on its words: 409 until an editor re-opens it."""
    from annotations.services.review import adjudicate

    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    make_verdict(desk, annotation=annotation, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=annotation, reviewer=desk.reviewers[1], rating="false")
    adjudicate(editor=desk.editor, annotation_id=annotation.id, rating="false", rationale="Checked.")
    api_client.force_authenticate(desk.editor)
    answer = api_client.patch(
        f"/api/v1/annotations/{annotation.id}/", {"end": annotation.end + 5}, format="json"
    )
    assert answer.status_code == 409
    assert "Re-open it" in str(answer.json())


def test_a_recut_runs_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    """A re-cut with a span disagreement to move costs the same bounded number of queries."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    mine = make_annotation(desk, article=article, quote="10,000 troops were sent")
    make_annotation(desk, article=article, quote="troops were sent to Russia", author=desk.reviewers[0])
    make_annotation(desk, article=article, quote="18 soldiers deserted", author=desk.reviewers[1])
    api_client.force_authenticate(desk.annotator)
    with django_assert_max_num_queries(31):
        answer = api_client.patch(
            f"/api/v1/annotations/{mine.id}/", span_of("October, and 18 soldiers"), format="json"
        )
    assert answer.status_code == 200

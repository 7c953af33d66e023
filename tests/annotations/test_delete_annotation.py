import pytest

from annotations.models import Annotation, Disagreement, DisagreementKind, Status
from annotations.services.annotations import delete_annotation
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db


def overlapping_pair(desk):
    article = make_article(desk, text=EMOJI_TEXT)
    first = make_annotation(desk, article=article, quote="prices rose 12%", author=desk.annotator)
    second = make_annotation(desk, article=article, quote="rose 12% in 2024", author=desk.reviewers[0])
    return first, second


def test_deleting_one_of_two_overlapping_claims_leaves_its_partner_undisputed(api_client):
    """The partner of a deleted overlapping claim is no longer disputed: its status is derived again."""
    desk = make_desk()
    kept, deleted = overlapping_pair(desk)
    kept.refresh_from_db()
    assert kept.status == Status.DISPUTED
    api_client.force_authenticate(desk.reviewers[0])
    assert api_client.delete(f"/api/v1/annotations/{deleted.id}/").status_code == 204
    kept.refresh_from_db()
    assert kept.status == Status.NEEDS_REVIEW
    assert not Disagreement.objects.filter(kind=DisagreementKind.SPAN).exists()
    assert api_client.get(f"/api/v1/annotations/{kept.id}/").json()["status"] == "needs_review"


def test_the_partner_of_a_deleted_claim_keeps_the_status_its_verdicts_give():
    """An editor deleting a judged overlapping claim leaves the partner agreed when its verdicts agree."""
    desk = make_desk()
    kept, deleted = overlapping_pair(desk)
    for reviewer in desk.reviewers:
        make_verdict(desk, annotation=kept, reviewer=reviewer, rating="mostly_true")
    make_verdict(desk, annotation=deleted, reviewer=desk.reviewers[1], rating="false")
    kept.refresh_from_db()
    assert kept.status == Status.DISPUTED
    delete_annotation(actor=desk.editor, annotation_id=deleted.id)
    kept.refresh_from_db()
    assert (kept.status, kept.final_rating) == (Status.AGREED, "mostly_true")
    assert not Annotation.objects.filter(pk=deleted.pk).exists()

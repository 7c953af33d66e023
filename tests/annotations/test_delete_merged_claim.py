"""Deleting a claim another claim was merged into is refused (409), not a server error."""

import pytest

from annotations.models import Annotation, Disagreement
from annotations.services.review import merge_annotations
from tests.factories import make_annotation, make_article, make_desk

pytestmark = pytest.mark.django_db


def merged_pair():
    desk = make_desk()
    article = make_article(desk, text="The harbour froze for ten days in March.")
    narrow = make_annotation(desk, article=article, quote="ten days")
    wide = make_annotation(desk, article=article, quote="ten days in March", author=desk.editor)
    span = Disagreement.objects.get(kind="span", annotation=narrow, other_annotation=wide)
    merge_annotations(editor=desk.editor, disagreement_id=span.id, keep_id=wide.id)
    return desk, narrow, wide


def test_deleting_the_claim_a_merge_kept_answers_409_naming_the_merged_claim(api_client):
    """The merged claim points at the kept one and its verdicts moved there: the kept claim stays."""
    desk, narrow, wide = merged_pair()
    api_client.force_authenticate(desk.editor)
    response = api_client.delete(f"/api/v1/annotations/{wide.id}/")
    assert response.status_code == 409
    assert f"Claim {narrow.id} was merged into this claim" in str(response.json())
    assert Annotation.objects.filter(pk__in=[narrow.id, wide.id]).count() == 2


def test_the_claim_merged_away_can_still_be_deleted(api_client):
    desk, narrow, wide = merged_pair()
    api_client.force_authenticate(desk.editor)
    assert api_client.delete(f"/api/v1/annotations/{narrow.id}/").status_code == 204
    assert Annotation.objects.filter(pk=wide.id).exists()

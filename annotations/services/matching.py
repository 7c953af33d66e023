"""Same-claim links: an editor's word that a claim repeats one the desk checked before."""

from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.models import Action, Annotation, ClaimLink, Role
from annotations.permissions import get_annotation_for
from annotations.services import history
from annotations.services.locks import lock_claims


def linked_ids(claim: Annotation) -> list[int]:
    """The ids of the claims linked to ``claim``, either way round, in id order."""
    pairs = ClaimLink.objects.filter(claim=claim) | ClaimLink.objects.filter(same_as=claim)
    return sorted({pk for pair in pairs.values_list("claim", "same_as") for pk in pair} - {claim.pk})


def record_links(claim: Annotation, *, actor, before: list[int]) -> None:
    """History of the claim's links, before and after, on the claim itself (every member sees it,
    as they see the claim's words: a link tells nothing of any verdict)."""
    history.record(
        claim,
        claim,
        actor=actor,
        action=Action.UPDATE,
        before={"same_claim_as": before},
        after={"same_claim_as": linked_ids(claim)},
    )


def claims_to_link(editor, annotation_id, same_as_id) -> tuple[Annotation, Annotation]:
    """The two claims, locked in id order: the first in a project the editor edits, the second in
    any project of theirs. Http404 for claims they cannot see, PermissionDenied below editor,
    ValidationError naming ``same_as`` for a claim that cannot be linked."""
    claim = get_annotation_for(editor, annotation_id, role=Role.EDITOR)
    other = get_annotation_for(editor, same_as_id)
    if other.pk == claim.pk:
        raise ValidationError({"same_as": ["A claim is not linked to itself."]}, code="same_claim")
    for locked in lock_claims([claim.pk, other.pk]):
        if locked.merged_into_id:
            field = "same_as" if locked.pk == other.pk else "annotation"
            raise ValidationError(
                {field: [f"Claim {locked.pk} was merged into claim {locked.merged_into_id}; link that one."]},
                code="merged",
            )
    return claim, other


@transaction.atomic
def link_claims(*, editor, annotation_id, same_as_id) -> tuple[ClaimLink, bool]:
    """Record that claim ``annotation_id`` is the same claim as ``same_as_id`` (editors of the
    first claim's project); ``(link, created)``. Linking two claims already linked, either way
    round, gives back that link and records nothing."""
    claim, other = claims_to_link(editor, annotation_id, same_as_id)
    existing = (
        ClaimLink.objects.filter(claim=claim, same_as=other)
        | ClaimLink.objects.filter(claim=other, same_as=claim)
    ).first()
    if existing is not None:
        return existing, False
    before_claim, before_other = linked_ids(claim), linked_ids(other)
    link = ClaimLink.objects.create(claim=claim, same_as=other, linked_by=editor)
    record_links(claim, actor=editor, before=before_claim)
    record_links(other, actor=editor, before=before_other)
    return link, True


@transaction.atomic
def unlink_claims(*, editor, annotation_id, same_as_id) -> bool:
    """Remove the link between the two claims, whichever way round it was made; False when there
    was none (nothing is recorded then)."""
    claim, other = claims_to_link(editor, annotation_id, same_as_id)
    before_claim, before_other = linked_ids(claim), linked_ids(other)
    deleted, _ = (
        ClaimLink.objects.filter(claim=claim, same_as=other)
        | ClaimLink.objects.filter(claim=other, same_as=claim)
    ).delete()
    if not deleted:
        return False
    record_links(claim, actor=editor, before=before_claim)
    record_links(other, actor=editor, before=before_other)
    return True

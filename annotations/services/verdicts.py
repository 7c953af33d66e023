"""Verdicts and their evidence."""

from collections.abc import Collection, Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from annotations.models import Action, Annotation, Verdict
from annotations.permissions import check_can_judge, get_annotation_for, get_verdict_for, revealed_to
from annotations.services import history
from annotations.services.annotations import check_version
from annotations.services.evidence import EvidenceInput, attach_evidence, replace_evidence
from annotations.services.review import refresh_status
from workbench.errors import StateConflict


def blind_judgements(reviewer, annotation_ids: Collection[int]) -> set[int]:
    """Ids of those claims on which a verdict the reviewer gives now is independent: the reviewer
    can see no one else's verdict on them, because there is none yet or because blind review
    hides them (:func:`annotations.permissions.revealed_to`). Two queries for any number of claims.
    """
    seen = set(
        Annotation.objects.filter(pk__in=annotation_ids)
        .filter(revealed_to(reviewer))
        .values_list("pk", flat=True)
    )
    judged_by_others = set(
        Verdict.objects.filter(annotation__in=seen)
        .exclude(reviewer=reviewer)
        .values_list("annotation", flat=True)
    )
    return set(annotation_ids) - judged_by_others


def new_verdict(
    *, reviewer, annotation: Annotation, rating: str, confidence: str, rationale: str = "", independent: bool
) -> Verdict:
    """An unsaved verdict, its first rating kept as the blind one. Raises ValidationError naming
    the field for a rating, confidence or rationale the model refuses; runs no query."""
    verdict = Verdict(
        annotation=annotation,
        reviewer=reviewer,
        rating=rating,
        blind_rating=rating,
        independent=independent,
        confidence=confidence,
        rationale=rationale,
    )
    # blind_rating is rating: checking it too would name a field the caller never gave.
    verdict.full_clean(exclude=["annotation", "reviewer", "blind_rating"], validate_constraints=False)
    return verdict


@transaction.atomic
def submit_verdict(
    *,
    reviewer,
    annotation_id: int,
    rating: str,
    confidence: str,
    rationale: str = "",
    evidence: Sequence[EvidenceInput] = (),
) -> Verdict:
    """Record a reviewer's verdict with its evidence and refresh the claim's status.

    The verdict is independent when its author could see no other verdict on the claim
    (:func:`blind_judgements`). Locks the annotation row. Raises Http404 (not a member),
    PermissionDenied (role below reviewer), StateConflict (the claim is resolved or merged, or
    this reviewer already gave a verdict).
    """
    annotation = get_annotation_for(reviewer, annotation_id, lock=True)
    check_can_judge(reviewer, annotation)
    verdict = new_verdict(
        reviewer=reviewer,
        annotation=annotation,
        rating=rating,
        confidence=confidence,
        rationale=rationale,
        independent=annotation.pk in blind_judgements(reviewer, [annotation.pk]),
    )
    try:
        with transaction.atomic():
            verdict.save()
    except IntegrityError:
        raise StateConflict(
            "You already gave a verdict on this claim; change it instead.", code="duplicate_verdict"
        ) from None
    history.record(
        annotation,
        verdict,
        actor=reviewer,
        action=Action.CREATE,
        after=history.verdict_values(verdict),
    )
    attach_evidence(actor=reviewer, annotation=annotation, evidence=evidence, verdict=verdict)
    refresh_status(annotation)
    return verdict


def apply_rating(verdict: Verdict, rating: str, *, others_in_view: bool) -> None:
    """Change the verdict's current rating. While no one else has judged the claim its author
    has still seen no other verdict, so the change is blind too and becomes the blind rating;
    after that the blind rating stays, and the verdict is marked revised after the reveal."""
    verdict.rating = rating
    if not others_in_view:
        verdict.blind_rating = rating
    verdict.revised_after_reveal = verdict.rating != verdict.blind_rating


@transaction.atomic
def edit_verdict(
    *,
    reviewer,
    verdict_id: int,
    expected_version: int | None = None,
    rating: str | None = None,
    confidence: str | None = None,
    rationale: str | None = None,
    evidence: Sequence[EvidenceInput] | None = None,
) -> Verdict:
    """Change one's own verdict until its claim is resolved; ``evidence``, when given, replaces it.

    A rating changed after other verdicts on the claim exist keeps the blind rating as the record
    and marks the verdict ``revised_after_reveal`` (:func:`apply_rating`). Locks the annotation,
    then the verdict. Raises PreconditionFailed when ``expected_version`` is stale,
    PermissionDenied for someone else's verdict, StateConflict once resolved or merged.
    """
    verdict = get_verdict_for(reviewer, verdict_id)
    if verdict.reviewer_id != reviewer.pk:
        raise PermissionDenied("Only its reviewer may change a verdict.")
    annotation = get_annotation_for(reviewer, verdict.annotation_id, lock=True)
    verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
    check_version(verdict, expected_version)
    check_can_judge(reviewer, annotation)
    before = history.verdict_values(verdict)
    if rating is not None and rating != verdict.rating:
        others = Verdict.objects.filter(annotation=annotation).exclude(pk=verdict.pk).exists()
        apply_rating(verdict, rating, others_in_view=others)
    for field, value in {"confidence": confidence, "rationale": rationale}.items():
        if value is not None:
            setattr(verdict, field, value)
    verdict.full_clean(exclude=["annotation", "reviewer"], validate_constraints=False)
    verdict.version += 1
    verdict.save()
    history.record(
        annotation,
        verdict,
        actor=reviewer,
        action=Action.UPDATE,
        before=before,
        after=history.verdict_values(verdict),
    )
    if evidence is not None:
        replace_evidence(actor=reviewer, verdict=verdict, annotation=annotation, evidence=evidence)
    refresh_status(annotation)
    return verdict

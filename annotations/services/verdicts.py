"""Verdicts and their evidence."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from annotations.models import Action, Role, Verdict
from annotations.permissions import get_annotation_for, get_verdict_for, require_role
from annotations.services import history
from annotations.services.annotations import check_version
from annotations.services.evidence import EvidenceInput, attach_evidence, replace_evidence
from annotations.services.review import check_open_for_judgement, refresh_status
from workbench.errors import StateConflict


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

    Locks the annotation row. Raises Http404 (not a member), PermissionDenied (role below
    reviewer), StateConflict (the claim is resolved, or this reviewer already gave a verdict).
    """
    annotation = get_annotation_for(reviewer, annotation_id, lock=True)
    require_role(reviewer, annotation.article.project, Role.REVIEWER)
    check_open_for_judgement(annotation)
    verdict = Verdict(
        annotation=annotation, reviewer=reviewer, rating=rating, confidence=confidence, rationale=rationale
    )
    verdict.full_clean(exclude=["annotation", "reviewer"], validate_constraints=False)
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

    Locks the annotation, then the verdict. Raises PreconditionFailed when ``expected_version``
    is stale, PermissionDenied for someone else's verdict, StateConflict once resolved.
    """
    verdict = get_verdict_for(reviewer, verdict_id)
    if verdict.reviewer_id != reviewer.pk:
        raise PermissionDenied("Only its reviewer may change a verdict.")
    annotation = get_annotation_for(reviewer, verdict.annotation_id, lock=True)
    verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
    check_version(verdict, expected_version)
    check_open_for_judgement(annotation)
    before = history.verdict_values(verdict)
    for field, value in {"rating": rating, "confidence": confidence, "rationale": rationale}.items():
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

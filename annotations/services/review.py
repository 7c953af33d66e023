"""The review state of a claim: derived from its verdicts and disagreements, settled by editors."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from annotations.models import (
    Action,
    Adjudication,
    Annotation,
    Disagreement,
    DisagreementKind,
    DisagreementStatus,
    HistoryEntry,
    Rating,
    Role,
    Status,
    Verdict,
)
from annotations.permissions import get_annotation_for, get_disagreement_for, judgement_refusal
from annotations.services import history
from annotations.services.disagreements import (
    OPEN,
    open_disagreements_of,
    recompute_verdict_disagreements,
)
from annotations.services.evidence import EvidenceInput, attach_evidence
from annotations.services.locks import lock_article
from workbench.errors import StateConflict


def derived_status(ratings: Sequence[str], required: int, *, disputed: bool) -> tuple[Status, str]:
    """Status and final rating of an unresolved claim with these submitted ratings."""
    if disputed or len(set(ratings)) > 1:
        return Status.DISPUTED, ""
    if len(ratings) >= required:
        return Status.AGREED, ratings[0]
    return Status.NEEDS_REVIEW, ""


def independent_ratings(annotations: Sequence[Annotation]) -> dict[int, list[str]]:
    """The blind ratings of each claim's independent verdicts, oldest first; one query.

    These are the desk's record: a verdict given with other verdicts in view (an editor's) and a
    rating changed after the reveal are shown, but never counted.
    """
    ratings = defaultdict(list)
    rows = (
        Verdict.objects.filter(annotation__in=annotations, independent=True)
        .order_by("id")
        .values_list("annotation", "blind_rating")
    )
    for annotation_id, rating in rows:
        ratings[annotation_id].append(rating)
    return ratings


def ratings_and_required(annotations: Sequence[Annotation]) -> tuple[dict[int, list[str]], dict[int, int]]:
    """:func:`independent_ratings` of the claims, and the number of verdicts each claim's project
    requires, in one query.

    The number is read afresh, not taken from the claims' rows: a claim whose lock was waited for
    comes with its project as the locking query first read it, from before a change of
    ``required_verdicts`` that committed meanwhile (and re-derived every claim then, this one
    still without the verdict now being added).
    """
    ratings, required = defaultdict(list), {}
    rows = (
        Annotation.objects.filter(pk__in=[annotation.pk for annotation in annotations])
        .annotate(blind_verdict=FilteredRelation("verdicts", condition=Q(verdicts__independent=True)))
        .order_by("pk", "blind_verdict__id")
        .values_list("pk", "article__project__required_verdicts", "blind_verdict__blind_rating")
    )
    for annotation_id, needed, rating in rows:
        required[annotation_id] = needed
        if rating is not None:
            ratings[annotation_id].append(rating)
    return ratings, required


def refresh_statuses(
    annotations: Sequence[Annotation],
    known: tuple[dict[int, list[str]], dict[int, int]] | None = None,
) -> None:
    """Re-derive the claims' verdict disagreements, then their ``status`` and ``final_rating``,
    from their independent verdicts' blind ratings (:func:`ratings_and_required`).

    Call with the annotation rows locked, in the transaction that changed their verdicts or
    spans. A resolved claim keeps the rating its adjudication gave. Differing ratings are a
    dispute at once, even before the project's required number of verdicts is reached; so is
    an open span disagreement. A fixed number of queries for any number of claims: three, and
    the writes; two when the caller passes what :func:`ratings_and_required` would give as
    ``known``, read under the claims' locks.
    """
    annotations = list({annotation.pk: annotation for annotation in annotations}.values())
    if not annotations:
        return
    ratings, required = known if known is not None else ratings_and_required(annotations)
    touching = open_disagreements_of(annotations)
    opened = recompute_verdict_disagreements(annotations, ratings, open_disagreements=touching)
    disputed = {
        claim for d in touching for claim in (d.annotation_id, d.other_annotation_id) if claim is not None
    } | {d.annotation_id for d in opened}
    changed = []
    for annotation in annotations:
        if annotation.status == Status.RESOLVED:
            continue
        status, final = derived_status(
            ratings[annotation.pk],
            required[annotation.pk],
            disputed=annotation.pk in disputed,
        )
        if (status, final) != (annotation.status, annotation.final_rating):
            annotation.status, annotation.final_rating = status, final
            changed.append(annotation)
    Annotation.objects.bulk_update(changed, ["status", "final_rating"])


def refresh_status(annotation: Annotation) -> Annotation:
    """:func:`refresh_statuses` for one claim."""
    refresh_statuses([annotation])
    return annotation


@transaction.atomic
def adjudicate(
    *, editor, annotation_id: int, rating: str, rationale: str, evidence: Sequence[EvidenceInput] = ()
) -> Adjudication:
    """Settle a claim's final rating (editors and admins): it becomes ``resolved``, its verdict
    disagreement closes as resolved, its verdicts are frozen. Nothing is deleted.

    Locks the annotation row, so a verdict submitted at the same moment is either in before the
    adjudication or refused after it. Raises StateConflict when the claim is resolved already.
    """
    annotation = get_annotation_for(editor, annotation_id, role=Role.EDITOR, lock=True)
    return settle(
        editor=editor,
        annotation=annotation,
        rating=rating,
        rationale=rationale,
        evidence=evidence,
        resolution=rationale,
    )


def converged_rating(verdicts: Iterable[Verdict]) -> str | None:
    """The rating all the independent verdicts among ``verdicts`` now give, when they give one
    and the same (they converged, perhaps after the reveal); else None."""
    current = {verdict.rating for verdict in verdicts if verdict.independent}
    return current.pop() if len(current) == 1 else None


@transaction.atomic
def accept_converged_rating(*, editor, disagreement_id: int, rationale: str = "") -> Adjudication:
    """Close a verdict disagreement with the rating its reviewers converged on after seeing each
    other's verdicts (editors and admins): the claim is resolved with that rating, recorded as an
    adjudication; the blind ratings stay the record that agreement is computed on.

    Locks the claim, then the disagreement. Raises StateConflict when the disagreement is not an
    open verdict disagreement, or when the reviewers' current ratings still differ.
    """
    disagreement = get_disagreement_for(editor, disagreement_id, role=Role.EDITOR)
    if disagreement.kind != DisagreementKind.VERDICT:
        raise StateConflict(
            "Overlapping spans are settled by merging them or keeping both, not by a rating.",
            code="not_verdict",
        )
    annotation = get_annotation_for(editor, disagreement.annotation_id, role=Role.EDITOR, lock=True)
    disagreement = Disagreement.objects.select_for_update().get(pk=disagreement.pk)
    if disagreement.status != OPEN:
        raise StateConflict("This disagreement is not open any more.", code="not_open")
    rating = converged_rating(annotation.verdicts.all())
    if rating is None:
        current = sorted({verdict.rating for verdict in annotation.verdicts.filter(independent=True)})
        raise StateConflict(
            "The reviewers have not converged on one rating: their verdicts now read "
            f"{', '.join(str(Rating(value).label) for value in current)}. Adjudicate the claim instead.",
            code="not_converged",
        )
    label = Rating(rating).label
    return settle(
        editor=editor,
        annotation=annotation,
        rating=rating,
        rationale=rationale or f"The reviewers converged on “{label}” after seeing each other's verdicts.",
        evidence=(),
        resolution=f"Accepted the rating the reviewers converged on after the reveal: {label}.",
    )


def settle(
    *, editor, annotation: Annotation, rating: str, rationale: str, evidence, resolution: str
) -> Adjudication:
    """Write the adjudication that resolves ``annotation`` and close its verdict disagreement.
    The caller holds the annotation's row lock and has checked the editor's role."""
    if (refusal := judgement_refusal(annotation)) is not None:
        raise refusal
    adjudication = Adjudication(annotation=annotation, editor=editor, rating=rating, rationale=rationale)
    adjudication.full_clean(exclude=["annotation", "editor"], validate_constraints=False)
    adjudication.save()
    history.record(
        annotation,
        adjudication,
        actor=editor,
        action=Action.CREATE,
        after=history.adjudication_values(adjudication),
    )
    attach_evidence(actor=editor, annotation=annotation, evidence=evidence, adjudication=adjudication)
    before = {"status": annotation.status}
    annotation.status, annotation.final_rating = Status.RESOLVED, rating
    annotation.version += 1
    annotation.save(update_fields=["status", "final_rating", "version", "updated_at"])
    history.record(
        annotation,
        annotation,
        actor=editor,
        action=Action.UPDATE,
        before=before,
        after={"status": Status.RESOLVED},
    )
    Disagreement.objects.filter(annotation=annotation, kind=DisagreementKind.VERDICT, status=OPEN).update(
        status=DisagreementStatus.RESOLVED,
        closed_at=timezone.now(),
        resolved_by=editor,
        resolution=resolution,
    )
    return adjudication


@transaction.atomic
def reopen(*, editor, annotation_id: int, reason: str = "") -> Annotation:
    """Re-open a resolved claim (editors and admins): its adjudication is kept, marked superseded,
    and its status is derived from its verdicts again (a verdict disagreement re-opens if they differ)."""
    annotation = get_annotation_for(editor, annotation_id, role=Role.EDITOR, lock=True)
    if annotation.status != Status.RESOLVED:
        raise StateConflict("Only a resolved claim can be re-opened.", code="not_resolved")
    now = timezone.now()
    for adjudication in Adjudication.objects.select_for_update().filter(
        annotation=annotation, superseded_at__isnull=True
    ):
        adjudication.superseded_at = now
        adjudication.save(update_fields=["superseded_at"])
        history.record(
            annotation,
            adjudication,
            actor=editor,
            action=Action.UPDATE,
            before={"superseded_at": None},
            after={"superseded_at": now.isoformat(), "reason": reason},
        )
    annotation.status, annotation.final_rating = Status.NEEDS_REVIEW, ""
    annotation.version += 1
    annotation.save(update_fields=["status", "final_rating", "version", "updated_at"])
    refresh_statuses([annotation])
    history.record(
        annotation,
        annotation,
        actor=editor,
        action=Action.UPDATE,
        before={"status": Status.RESOLVED},
        after={"status": annotation.status, "reopened": True, "reason": reason},
    )
    return annotation


def locked_pair(editor, disagreement: Disagreement) -> tuple[Annotation, Annotation]:
    """Both annotations of a span disagreement, locked in id order (so concurrent merges cannot
    deadlock), after their article: a highlight, which opens span disagreements under the article's
    lock, then sees a merge either done or not begun, and never opens one with a claim merged away."""
    lock_article(get_annotation_for(editor, disagreement.annotation_id, role=Role.EDITOR).article)
    first = get_annotation_for(editor, disagreement.annotation_id, role=Role.EDITOR, lock=True)
    second = get_annotation_for(editor, disagreement.other_annotation_id, role=Role.EDITOR, lock=True)
    return first, second


def check_open_span(disagreement: Disagreement) -> None:
    if disagreement.kind != DisagreementKind.SPAN:
        raise StateConflict("Verdict disagreements are settled by adjudicating the claim.", code="not_span")
    if disagreement.status != OPEN:
        raise StateConflict("This disagreement is not open any more.", code="not_open")


@transaction.atomic
def keep_both(*, editor, disagreement_id: int, note: str = "") -> Disagreement:
    """Resolve a span disagreement by keeping both annotations as separate claims (editors, admins)."""
    disagreement = get_disagreement_for(editor, disagreement_id, role=Role.EDITOR)
    first, second = locked_pair(editor, disagreement)
    disagreement = Disagreement.objects.select_for_update().get(pk=disagreement.pk)
    check_open_span(disagreement)
    disagreement.status, disagreement.closed_at = DisagreementStatus.RESOLVED, timezone.now()
    disagreement.resolved_by, disagreement.resolution = editor, note or "Kept both as separate claims."
    disagreement.save()
    refresh_statuses([first, second])
    return disagreement


@dataclass
class Merge:
    kept: Annotation
    merged: Annotation
    moved: list[Verdict] = field(default_factory=list)
    left: list[Verdict] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        text = f"Claim {self.merged.pk} was merged into claim {self.kept.pk}"
        text += f"; {len(self.moved)} verdict(s) moved."
        if self.left:
            text += (
                f" {len(self.left)} verdict(s) stayed on claim {self.merged.pk}: their reviewers had already "
                f"judged claim {self.kept.pk}, and a reviewer gives one verdict per claim."
            )
        return text


@transaction.atomic
def merge_annotations(*, editor, disagreement_id: int, keep_id: int, note: str = "") -> Merge:
    """Resolve a span disagreement by merging one annotation into the other (editors and admins).

    The kept annotation receives the other's verdicts with their evidence. A reviewer who judged
    both keeps the verdict on the kept claim; the other stays, frozen, on the merged one, which
    is kept too (``merged_into`` points at the kept claim). Nothing is deleted. One transaction;
    both annotations locked in id order.
    """
    disagreement = get_disagreement_for(editor, disagreement_id, role=Role.EDITOR)
    first, second = locked_pair(editor, disagreement)
    disagreement = Disagreement.objects.select_for_update().get(pk=disagreement.pk)
    check_open_span(disagreement)
    if keep_id not in (first.pk, second.pk):
        raise ValidationError({"keep": [f"Choose claim {first.pk} or claim {second.pk}."]})
    kept, merged = (first, second) if keep_id == first.pk else (second, first)
    if merged.status == Status.RESOLVED:
        raise StateConflict(
            f"Claim {merged.pk} is resolved; re-open it before merging it away.", code="resolved"
        )
    result = Merge(kept=kept, merged=merged)
    judged_kept = set(kept.verdicts.values_list("reviewer_id", flat=True))
    for verdict in merged.verdicts.select_for_update().order_by("id"):
        (result.left if verdict.reviewer_id in judged_kept else result.moved).append(verdict)
    Verdict.objects.filter(pk__in=[verdict.pk for verdict in result.moved]).update(annotation=kept)
    now = timezone.now()
    entries = [
        history.entry(
            kept,
            verdict,
            actor=editor,
            action=Action.UPDATE,
            before={"annotation": merged.pk},
            after={"annotation": kept.pk, "merged": True},
        )
        for verdict in result.moved
    ]
    merged.merged_into, merged.version = kept, merged.version + 1
    merged.save(update_fields=["merged_into", "version", "updated_at"])
    entries.append(
        history.entry(
            merged,
            merged,
            actor=editor,
            action=Action.UPDATE,
            before={"merged_into": None},
            after={
                "merged_into": kept.pk,
                "moved_verdicts": [v.pk for v in result.moved],
                "left_verdicts": [v.pk for v in result.left],
            },
        )
    )
    HistoryEntry.objects.bulk_create(entries)
    disagreement.status, disagreement.closed_at = DisagreementStatus.RESOLVED, now
    disagreement.resolved_by, disagreement.resolution = editor, note or result.explanation
    disagreement.save()
    # The merged claim leaves every other disagreement: it is no longer a claim of its own.
    Disagreement.objects.filter(Q(annotation=merged) | Q(other_annotation=merged), status=OPEN).update(
        status=DisagreementStatus.CLOSED, closed_at=now, resolution=result.explanation
    )
    kept.version += 1
    kept.save(update_fields=["version", "updated_at"])
    # The merged claim left its disagreements above, so its own status is re-derived as well.
    refresh_statuses([kept, merged])
    return result

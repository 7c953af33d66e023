"""Disagreements are derived, never typed in: from the verdicts on a claim and the spans around it.

Both functions are idempotent: running them again changes nothing, so a management command can
re-derive a whole project. Callers hold the annotation's row lock (verdicts) or the article's
(spans), so two writers cannot open the same disagreement twice; database constraints back this up.
"""

from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from annotations.models import (
    TRUTH_SCALE,
    Annotation,
    Disagreement,
    DisagreementKind,
    DisagreementStatus,
    Status,
)

OPEN = DisagreementStatus.OPEN


def severity_of(ratings: set[str]) -> tuple[int | None, bool]:
    """``(distance on the truth scale, categorical)`` of differing ratings."""
    if any(rating not in TRUTH_SCALE for rating in ratings):
        return None, True
    positions = [TRUTH_SCALE[rating] for rating in ratings]
    return max(positions) - min(positions), False


def recompute_verdict_disagreements(
    annotations: list[Annotation],
    ratings: dict[int, list[str]],
    open_disagreements: list[Disagreement] | None = None,
) -> list[Disagreement]:
    """Open or update each claim's verdict disagreement to match its independent ``ratings``.

    ``ratings`` are the blind ratings of the claims' independent verdicts: a reviewer who changes
    their rating after seeing the others does not make a disagreement go away, so nothing here
    closes one. Only an editor does (adjudicating, or accepting the rating the reviewers converged
    on). A resolved claim's verdicts are frozen, so nothing opens on it. A handful of queries for
    any number of claims (one fewer when the caller read the claims' ``open_disagreements``, of
    :func:`open_disagreements_of`). Returns the disagreements opened now.
    """
    if open_disagreements is None:
        open_disagreements = Disagreement.objects.filter(
            annotation__in=annotations, kind=DisagreementKind.VERDICT, status=OPEN
        )
    ids = {annotation.pk for annotation in annotations}
    current = {
        disagreement.annotation_id: disagreement
        for disagreement in open_disagreements
        if disagreement.kind == DisagreementKind.VERDICT and disagreement.annotation_id in ids
    }
    new, changed = [], []
    for annotation in annotations:
        distinct = set(ratings.get(annotation.pk, ()))
        if len(distinct) < 2 or annotation.status == Status.RESOLVED:
            continue
        severity, categorical = severity_of(distinct)
        disagreement = current.get(annotation.pk)
        if disagreement is None:
            new.append(
                Disagreement(
                    project_id=annotation.article.project_id,
                    kind=DisagreementKind.VERDICT,
                    annotation=annotation,
                    severity=severity,
                    categorical=categorical,
                )
            )
        elif (disagreement.severity, disagreement.categorical) != (severity, categorical):
            disagreement.severity, disagreement.categorical = severity, categorical
            changed.append(disagreement)
    Disagreement.objects.bulk_create(new)
    Disagreement.objects.bulk_update(changed, ["severity", "categorical"])
    return new


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two ``(start, end, author, id)`` spans of different people overlap without being identical."""
    return a[2] != b[2] and a[0] < b[1] and b[0] < a[1] and (a[0], a[1]) != (b[0], b[1])


def open_span_disagreements(
    annotations: list[Annotation], spans: list[Annotation] | None = None
) -> list[Disagreement]:
    """Open a span disagreement for each overlap of these annotations with other people's.

    A pair gets one disagreement ever: once an editor resolved it, the same overlap does not
    open again. Three queries for any number of annotations; two when the caller holds the
    ``spans``, every live annotation (not orphaned) of the annotations' revisions, as read under
    their articles' locks. Returns the disagreements opened now.
    """
    live = [
        annotation
        for annotation in annotations
        if not annotation.orphaned and annotation.merged_into_id is None
    ]
    if not live:
        return []
    by_revision = defaultdict(list)
    if spans is None:
        revisions = {annotation.revision_id for annotation in live}
        rows = Annotation.objects.filter(
            revision__in=revisions, orphaned=False, merged_into__isnull=True
        ).values_list("revision_id", "start", "end", "author_id", "pk")
    else:
        rows = [
            (span.revision_id, span.start, span.end, span.author_id, span.pk)
            for span in spans
            if not span.orphaned and span.merged_into_id is None
        ]
    for revision_id, *span in rows:
        by_revision[revision_id].append(tuple(span))
    pairs = {}
    for annotation in live:
        mine = (annotation.start, annotation.end, annotation.author_id, annotation.pk)
        for other in by_revision[annotation.revision_id]:
            if overlaps(mine, other):
                pairs[min(annotation.pk, other[3]), max(annotation.pk, other[3])] = (
                    annotation.article.project_id
                )
    if not pairs:
        return []
    known = set(
        Disagreement.objects.filter(
            kind=DisagreementKind.SPAN, annotation_id__in={first for first, _ in pairs}
        ).values_list("annotation_id", "other_annotation_id")
    )
    return Disagreement.objects.bulk_create(
        Disagreement(
            project_id=project_id, kind=DisagreementKind.SPAN, annotation_id=first, other_annotation_id=second
        )
        for (first, second), project_id in sorted(pairs.items())
        if (first, second) not in known
    )


def close_span_disagreements_of(
    annotation: Annotation, *, status=DisagreementStatus.CLOSED, by=None, note=""
):
    """Close the open span disagreements an annotation takes part in (it was merged or orphaned)."""
    return Disagreement.objects.filter(
        Q(annotation=annotation) | Q(other_annotation=annotation), kind=DisagreementKind.SPAN, status=OPEN
    ).update(status=status, closed_at=timezone.now(), resolved_by=by, resolution=note)


def open_disagreements_of(annotations: list[Annotation]) -> list[Disagreement]:
    """The open disagreements of either kind these annotations take part in; one query."""
    return list(
        Disagreement.objects.filter(
            Q(annotation__in=annotations) | Q(other_annotation__in=annotations), status=OPEN
        )
    )


def disputed_among(annotations: list[Annotation]) -> set[int]:
    """Ids of those annotations that take part in an open disagreement of either kind."""
    rows = Disagreement.objects.filter(
        Q(annotation__in=annotations) | Q(other_annotation__in=annotations), status=OPEN
    ).values_list("annotation_id", "other_annotation_id")
    return {annotation_id for row in rows for annotation_id in row if annotation_id is not None}

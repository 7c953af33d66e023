"""The review state of a claim, derived from its verdicts."""

from collections import defaultdict
from collections.abc import Sequence

from annotations.models import Annotation, Status, Verdict


def refresh_status(annotation: Annotation) -> Annotation:
    """Derive ``status`` and ``final_rating`` from the annotation's verdicts and save them.

    Call with the annotation row locked, in the transaction that changed its verdicts. A resolved
    annotation keeps the rating its adjudication gave. Differing ratings are a dispute at once,
    even before the project's required number of verdicts is reached.
    """
    if annotation.status == Status.RESOLVED:
        return annotation
    ratings = list(annotation.verdicts.values_list("rating", flat=True))
    status, final = derived_status(ratings, annotation.article.project.required_verdicts)
    if (status, final) != (annotation.status, annotation.final_rating):
        annotation.status, annotation.final_rating = status, final
        annotation.save(update_fields=["status", "final_rating", "updated_at"])
    return annotation


def derived_status(ratings: Sequence[str], required: int) -> tuple[Status, str]:
    """Status and final rating of a claim with these submitted ratings."""
    if len(set(ratings)) > 1:
        return Status.DISPUTED, ""
    if len(ratings) >= required:
        return Status.AGREED, ratings[0]
    return Status.NEEDS_REVIEW, ""


def refresh_statuses(annotations: Sequence[Annotation]) -> None:
    """:func:`refresh_status` for many annotations in two queries (rows locked by the caller)."""
    ratings = defaultdict(list)
    for annotation_id, rating in Verdict.objects.filter(annotation__in=annotations).values_list(
        "annotation", "rating"
    ):
        ratings[annotation_id].append(rating)
    changed = []
    for annotation in {annotation.pk: annotation for annotation in annotations}.values():
        if annotation.status == Status.RESOLVED:
            continue
        status, final = derived_status(ratings[annotation.pk], annotation.article.project.required_verdicts)
        if (status, final) != (annotation.status, annotation.final_rating):
            annotation.status, annotation.final_rating = status, final
            changed.append(annotation)
    Annotation.objects.bulk_update(changed, ["status", "final_rating"])

"""Reads of the review workflow: disagreements and adjudications, as blind review allows."""

from django.db.models import F, Q, QuerySet

from annotations.models import (
    PUBLISHED_STATUSES,
    Adjudication,
    Annotation,
    Disagreement,
    DisagreementStatus,
    Project,
    Verdict,
)
from annotations.permissions import disagreements_revealed_to, member_projects, revealed_to
from annotations.selectors.claims import annotations_visible_to, sources_with_reliability


def disagreements_visible_to(user) -> QuerySet[Disagreement]:
    """Disagreements of the user's projects that blind review lets them see
    (:func:`annotations.permissions.disagreements_revealed_to`)."""
    if not user.is_authenticated:
        return Disagreement.objects.none()
    return (
        Disagreement.objects.select_related("annotation__article", "other_annotation", "resolved_by")
        .filter(project__in=member_projects(user))
        .filter(disagreements_revealed_to(user))
    )


def adjudications_visible_to(user) -> QuerySet[Adjudication]:
    """Adjudications reveal a claim's final rating: editors see all, others those of claims they judged."""
    if not user.is_authenticated:
        return Adjudication.objects.none()
    return (
        Adjudication.objects.select_related("annotation", "editor")
        .prefetch_related("evidence__source")
        .filter(annotation__article__project__in=member_projects(user))
        .filter(revealed_to(user, "annotation__"))
    )


def open_disagreements_of(user, claim_ids) -> dict[int, list[Disagreement]]:
    """The open disagreements each of these claims takes part in (as either span of a span
    disagreement), oldest first, by claim id; one query."""
    claim_ids = list(claim_ids)
    rows = (
        disagreements_visible_to(user)
        .filter(status=DisagreementStatus.OPEN)
        .filter(Q(annotation__in=claim_ids) | Q(other_annotation__in=claim_ids))
        .order_by("opened_at", "id")
    )
    found: dict[int, list[Disagreement]] = {}
    for disagreement in rows:
        for claim_id in (disagreement.annotation_id, disagreement.other_annotation_id):
            if claim_id in claim_ids:
                found.setdefault(claim_id, []).append(disagreement)
    return found


def project_disagreements(user, project: Project) -> QuerySet[Disagreement]:
    """The project's disagreements the user may see, oldest first, their claims joined; one query a page."""
    return disagreements_visible_to(user).filter(project=project).order_by("opened_at", "id")


def claims_of_disagreement(user, disagreement: Disagreement) -> list[Annotation]:
    """The disagreement's claim (or both spans, lower id first) with article, revision text and
    author, each annotated with ``revealed``; one query."""
    ids = [disagreement.annotation_id]
    if disagreement.other_annotation_id is not None:
        ids.append(disagreement.other_annotation_id)
    return list(
        annotations_visible_to(user)
        .filter(pk__in=ids)
        .prefetch_related(None)
        .select_related(None)
        .select_related("article", "revision", "author")
        .order_by("id")
    )


def adjudications_of(user, claim_id: int) -> list[Adjudication]:
    """A claim's adjudications the user may see, the standing one first, then the superseded ones
    newest first, with evidence and each source's ``effective_reliability``; three queries."""
    return list(
        adjudications_visible_to(user)
        .filter(annotation_id=claim_id)
        .prefetch_related(None)
        .prefetch_related(sources_with_reliability())
        .order_by(F("superseded_at").desc(nulls_first=True), "-created_at", "-id")
    )


def filter_claims(
    user,
    claims: QuerySet[Annotation],
    *,
    article: int | None = None,
    rating: str = "",
    tag: str = "",
    reviewer: str = "",
) -> QuerySet[Annotation]:
    """``claims`` (a queue's) narrowed to one article, one final rating, one tag or the claims one
    reviewer judged; the queues' filters in the pages and the API alike.

    A rating is the final rating of agreed and resolved claims, which every member sees: no
    verdict's rating takes part, so a blind reviewer learns nothing from it. The claims someone
    else judged are theirs to tell only where blind review reveals the verdicts to the user
    (:func:`annotations.permissions.revealed_to`).
    """
    if article:
        claims = claims.filter(article_id=article)
    if rating:
        claims = claims.filter(status__in=PUBLISHED_STATUSES, final_rating=rating)
    if tag:
        claims = claims.filter(tags__name=tag)
    if reviewer:
        if reviewer != user.username:
            claims = claims.filter(revealed_to(user))
        judged = Verdict.objects.filter(reviewer__username=reviewer).values("annotation")
        claims = claims.filter(pk__in=judged)
    return claims


# What the disagreement lists filter on by severity: steps apart on the truth scale, or a rating
# outside it.
SEVERITIES = [(str(steps), f"{steps} step{'' if steps == 1 else 's'} apart") for steps in range(1, 5)] + [
    ("categorical", "Categorical")
]


def filter_disagreements(
    disagreements: QuerySet, *, article: int | None = None, claim: int | None = None, severity: str = ""
) -> QuerySet:
    """``disagreements`` narrowed to one article's, to those involving one claim (either side of a
    span disagreement), or to one severity (:data:`SEVERITIES`); the page's and the API's filters."""
    if article:
        disagreements = disagreements.filter(annotation__article_id=article)
    if claim:
        disagreements = disagreements.filter(Q(annotation_id=claim) | Q(other_annotation_id=claim))
    if severity == "categorical":
        disagreements = disagreements.filter(categorical=True)
    elif severity:
        disagreements = disagreements.filter(severity=int(severity), categorical=False)
    return disagreements

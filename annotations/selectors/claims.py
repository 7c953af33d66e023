"""Reads of claims and their verdicts, shaped for one endpoint or page; blind review applied
through :func:`annotations.permissions.revealed_to`, the one place that decides it.
"""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from annotations.models import (
    PUBLISHED_STATUSES,
    Annotation,
    Article,
    Evidence,
    Membership,
    Project,
    Role,
    Status,
    Verdict,
)
from annotations.permissions import (
    in_status_shown_to,
    judged_here,
    member_projects,
    projects_where,
    revealed_to,
    status_shown_to,
)
from sources.models import Source

QUEUE_NAMES = ("to_review", "disputed", "done")


def awaiting_verdict_of(user, claims: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """``claims`` annotated with ``awaits_me``: the one rule of which claims await the user's
    verdict. A claim awaits it when it is live (not orphaned, not merged away), neither agreed nor
    resolved, has none of the user's verdicts, the user reviews in its project, and it has fewer
    independent verdicts than its project requires or is disputed. A disputed claim stays open to
    further independent verdicts, which help the editor who settles it; leaving it out once it has
    enough verdicts would tell a reviewer who has not judged it that it is disputed."""
    n_independent = (
        Verdict.objects.filter(annotation=OuterRef("pk"), independent=True)
        .order_by()
        .values("annotation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    awaits = (
        Q(orphaned=False, merged_into__isnull=True, article__project__in=projects_where(user, Role.REVIEWER))
        & ~Q(status__in=PUBLISHED_STATUSES)
        & ~judged_here(user)
        # Disputed first: PostgreSQL asks an OR's terms in order, so a disputed claim's verdicts
        # are not counted (a subquery per claim; 6,430 of 16,429 fewer at 100,000 claims).
        & (Q(status=Status.DISPUTED) | Q(n_independent__lt=F("article__project__required_verdicts")))
    )
    return claims.alias(n_independent=Coalesce(Subquery(n_independent), 0)).annotate(
        awaits_me=ExpressionWrapper(awaits, output_field=BooleanField())
    )


def annotations_visible_to(user) -> QuerySet[Annotation]:
    """The annotations of the user's projects, each annotated with ``revealed`` (whether blind
    review lets the user see its other verdicts, evidence and disputes), ``shown_status`` (its
    status as the user may see it) and ``i_judged``. Verdicts come prefetched;
    :func:`visible_verdicts` picks those the user may see."""
    if not user.is_authenticated:
        return Annotation.objects.none()
    my_role = Membership.objects.filter(project=OuterRef("article__project"), user=user).values("role")[:1]
    i_judged = Exists(Verdict.objects.filter(annotation=OuterRef("pk"), reviewer=user))
    return (
        Annotation.objects.with_context()
        .filter(article__project__in=member_projects(user))
        .annotate(
            my_role=Subquery(my_role),
            i_judged=i_judged,
            revealed=revealed_to(user),
            shown_status=status_shown_to(user),
        )
        .prefetch_related(Prefetch("verdicts", queryset=Verdict.objects.with_context()))
    )


def visible_verdicts(annotation: Annotation, user) -> list[Verdict]:
    """The prefetched verdicts of ``annotation`` that ``user`` may see."""
    verdicts = annotation.verdicts.all()
    if getattr(annotation, "revealed", False):
        return list(verdicts)
    return [verdict for verdict in verdicts if verdict.reviewer_id == user.pk]


def verdicts_visible_to(user) -> QuerySet[Verdict]:
    """Verdicts of the user's projects that blind review lets them see: all of them for editors,
    else their own and those on claims they have judged themselves."""
    if not user.is_authenticated:
        return Verdict.objects.none()
    return (
        Verdict.objects.with_context()
        .filter(annotation__article__project__in=member_projects(user))
        .filter(revealed_to(user, "annotation__"))
    )


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Evidence of the verdicts blind review lets the user see."""
    if not user.is_authenticated:
        return Evidence.objects.none()
    return Evidence.objects.select_related("source").filter(
        verdict__in=verdicts_visible_to(user).values("pk")
    )


def queue(user, name: str) -> QuerySet[Annotation]:
    """The claims of one queue (one of :data:`QUEUE_NAMES`), oldest first.

    ``to_review``: the claims awaiting the user's verdict (:func:`awaiting_verdict_of`);
    ``disputed``: claims in an open disagreement, in projects the user edits, as blind review
    reveals them; ``done``: agreed or resolved claims, ready to publish.
    """
    claims = annotations_visible_to(user).filter(orphaned=False, merged_into__isnull=True)
    if name == "to_review":
        awaiting = awaiting_verdict_of(user, claims).filter(awaits_me=True).order_by("created_at", "id")
        return not_judged_by_me(user, awaiting)
    if name == "disputed":
        return claims.filter(
            article__project__in=projects_where(user, Role.EDITOR), revealed=True, status=Status.DISPUTED
        ).order_by("created_at", "id")
    if name == "done":
        return claims.filter(status__in=PUBLISHED_STATUSES).order_by("created_at", "id")
    raise ValueError(name)


def not_judged_by_me(user, claims: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """``claims`` (of :func:`annotations_visible_to`), none of which the user has judged, with
    ``i_judged``, ``revealed`` and ``shown_status`` as blind review gives them for claims without
    the user's verdict (``unjudged``: :func:`annotations.permissions.revealed_to`). Asked of every
    claim, the "judged it" half made the planner hash all of the user's verdicts for each use (at
    20,000 articles four times 90,000 rows, for a page of 50)."""
    return claims.annotate(
        i_judged=Value(False),
        revealed=ExpressionWrapper(revealed_to(user, unjudged=True), output_field=BooleanField()),
        shown_status=status_shown_to(user, unjudged=True),
    )


def live_claims(project: Project) -> QuerySet[Annotation]:
    """The project's claims on their articles' current text: orphaned claims and those merged into
    another are left out."""
    return Annotation.objects.filter(article__project=project, orphaned=False, merged_into__isnull=True)


def claim_status_counts(user, project: Project) -> dict[str, int]:
    """``{status: count}`` for every status as the user may see it, and ``total``, in one query."""
    return live_claims(project).aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=in_status_shown_to(user, status)) for status in Status.values},
    )


def claims_awaiting(user, project: Project) -> QuerySet[Annotation]:
    """The *to review* queue of ``user`` (:func:`annotations.selectors.queue`) in one project: the
    claims that still need verdicts and lack the user's. Empty for members below reviewer."""
    return queue(user, "to_review").filter(article__project=project)


def claims_of_article(user, article: Article) -> list[Annotation]:
    """The claims on the article's current text in reading order, each annotated with
    ``revealed``, ``shown_status``, ``i_judged`` and ``awaits_me`` (:func:`awaiting_verdict_of`);
    one query, verdicts not loaded."""
    claims = Annotation.objects.filter(
        article=article, revision_id=article.current_revision_id, orphaned=False, merged_into__isnull=True
    )
    return list(
        awaiting_verdict_of(user, claims)
        .annotate(
            i_judged=Exists(Verdict.objects.filter(annotation=OuterRef("pk"), reviewer=user)),
            revealed=revealed_to(user),
            shown_status=status_shown_to(user),
        )
        .only("id", "start", "end", "quote", "claim", "status", "final_rating", "author_id", "created_at")
        .order_by("start", "-end", "id")
    )


def claim_for(user, annotation_id) -> Annotation:
    """One claim with what its panel shows, as blind review allows (``revealed``, prefetched
    verdicts with evidence, tags); Http404 for claims the user cannot see."""
    claims = annotations_visible_to(user).select_related("article__project")
    try:
        return claims.get(pk=annotation_id)
    except (Annotation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such claim.") from None


def project_queue(user, project: Project, name: str) -> QuerySet[Annotation]:
    """One review queue of ``user`` (:func:`annotations.selectors.queue` decides which claims, and
    ``revealed``) in one project, shaped for a list: article and author joined, verdicts, tags and
    the revision's text not loaded. One query a page."""
    return (
        queue(user, name)
        .filter(article__project=project)
        .prefetch_related(None)
        .select_related(None)
        .select_related("article", "author")
    )


def sources_with_reliability():
    return Prefetch("evidence__source", queryset=Source.objects.with_effective_reliability())


def verdicts_with_evidence(user, claim_ids) -> list[Verdict]:
    """The verdicts on these claims that blind review lets ``user`` see, oldest first, with their
    evidence and each source's ``effective_reliability``; three queries."""
    return list(
        verdicts_visible_to(user)
        .filter(annotation__in=list(claim_ids))
        .prefetch_related(None)
        .prefetch_related(sources_with_reliability())
        .order_by("created_at", "id")
    )

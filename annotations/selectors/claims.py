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
)
from django.http import Http404

from annotations.models import (
    Annotation,
    Article,
    Evidence,
    Membership,
    Project,
    Role,
    Status,
    Verdict,
)
from annotations.permissions import member_projects, projects_where, revealed_to
from sources.models import Source


def annotations_visible_to(user) -> QuerySet[Annotation]:
    """The annotations of the user's projects, each annotated with ``revealed``: whether blind
    review lets the user see its other verdicts and final rating. Verdicts come prefetched;
    :func:`visible_verdicts` picks those the user may see."""
    if not user.is_authenticated:
        return Annotation.objects.none()
    my_role = Membership.objects.filter(project=OuterRef("article__project"), user=user).values("role")[:1]
    i_judged = Exists(Verdict.objects.filter(annotation=OuterRef("pk"), reviewer=user))
    return (
        Annotation.objects.with_context()
        .filter(article__project__in=member_projects(user))
        .annotate(my_role=Subquery(my_role), i_judged=i_judged, revealed=revealed_to(user))
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
    """The claims of one queue, oldest first.

    ``to_review``: claims of projects where the user reviews that still need verdicts and lack
    the user's; ``disputed``: claims in an open disagreement, in projects the user edits;
    ``done``: agreed or resolved claims, ready to publish.
    """
    claims = annotations_visible_to(user).filter(orphaned=False, merged_into__isnull=True)
    if name == "to_review":
        return (
            claims.filter(article__project__in=projects_where(user, Role.REVIEWER), i_judged=False)
            .exclude(status__in=[Status.RESOLVED, Status.AGREED])
            .annotate(n_verdicts=Count("verdicts", distinct=True))
            .filter(n_verdicts__lt=F("article__project__required_verdicts"))
            .order_by("created_at", "id")
        )
    if name == "disputed":
        return claims.filter(
            article__project__in=projects_where(user, Role.EDITOR), revealed=True, status=Status.DISPUTED
        ).order_by("created_at", "id")
    if name == "done":
        return claims.filter(status__in=[Status.AGREED, Status.RESOLVED]).order_by("created_at", "id")
    raise ValueError(name)


def live_claims(project: Project) -> QuerySet[Annotation]:
    """The project's claims on their articles' current text: orphaned claims and those merged into
    another are left out."""
    return Annotation.objects.filter(article__project=project, orphaned=False, merged_into__isnull=True)


def claim_status_counts(project: Project) -> dict[str, int]:
    """``{status: count}`` for every status, and ``total``, in one query."""
    counts = live_claims(project).aggregate(
        total=Count("pk"), **{status: Count("pk", filter=Q(status=status)) for status in Status.values}
    )
    return counts


def claims_awaiting(user, project: Project) -> QuerySet[Annotation]:
    """The *to review* queue of ``user`` (:func:`annotations.selectors.queue`) in one project: the
    claims that still need verdicts and lack the user's. Empty for members below reviewer."""
    return queue(user, "to_review").filter(article__project=project)


def claims_of_article(user, article: Article) -> list[Annotation]:
    """The claims on the article's current text in reading order, each annotated with
    ``i_judged`` (the user gave a verdict) and ``awaits_verdicts`` (it still needs verdicts, as
    in :func:`claims_awaiting`); one query, verdicts not loaded."""
    mine = Verdict.objects.filter(annotation=OuterRef("pk"), reviewer=user)
    open_for_verdicts = Q(n_verdicts__lt=F("article__project__required_verdicts")) & ~Q(
        status__in=[Status.RESOLVED, Status.AGREED]
    )
    return list(
        Annotation.objects.filter(
            article=article, revision_id=article.current_revision_id, orphaned=False, merged_into__isnull=True
        )
        .alias(n_verdicts=Count("verdicts"))
        .annotate(
            i_judged=Exists(mine),
            awaits_verdicts=ExpressionWrapper(open_for_verdicts, output_field=BooleanField()),
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

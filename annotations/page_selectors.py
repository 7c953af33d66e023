"""Reads shaped for the pages: each one query (or a fixed few) whatever the number of rows.

Blind review is decided in :mod:`annotations.selectors`; these functions only count and list
what every member of a project may see (statuses, spans, their own verdicts).
"""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from annotations.models import Annotation, Article, HistoryEntry, Membership, Project, Status, Verdict
from annotations.selectors import annotations_visible_to, history_visible_to


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
    """Claims that still need verdicts and that ``user`` has not judged: fewer verdicts than the
    project requires, neither agreed nor resolved, and none of them by ``user`` (the claims of the
    *to review* queue, ``annotations.selectors.queue``, in one project)."""
    mine = Verdict.objects.filter(annotation=OuterRef("pk"), reviewer=user)
    return (
        live_claims(project)
        .exclude(status__in=[Status.RESOLVED, Status.AGREED])
        .alias(n_verdicts=Count("verdicts"))
        .filter(n_verdicts__lt=project.required_verdicts)
        .filter(~Exists(mine))
    )


def articles_with_claim_counts(user, project: Project) -> QuerySet[Article]:
    """The project's articles, newest first, each annotated with ``n_claims``, ``n_<status>`` per
    status and ``n_awaiting_me`` (claims awaiting the user's verdict); one query a page."""
    claims = Q(annotations__orphaned=False, annotations__merged_into__isnull=True)
    awaiting = (
        claims_awaiting(user, project)
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Article.objects.filter(project=project)
        .select_related("current_revision")
        .defer("current_revision__text")
        .annotate(
            n_claims=Count("annotations", filter=claims),
            **{
                f"n_{status}": Count("annotations", filter=claims & Q(annotations__status=status))
                for status in Status.values
            },
            n_awaiting_me=Coalesce(Subquery(awaiting, output_field=IntegerField()), Value(0)),
        )
        .order_by("-created_at", "-id")
    )


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


def claim_history(user, annotation_id: int) -> QuerySet[HistoryEntry]:
    """Everything recorded about one claim (its verdicts and evidence too), newest first."""
    return history_visible_to(user).filter(annotation_id=annotation_id).order_by("-at", "-id")


def object_history(user, object_type: str, object_id: int) -> QuerySet[HistoryEntry]:
    """History of one object, oldest first; for a claim, everything about it."""
    entries = history_visible_to(user)
    if object_type == "annotation":
        entries = entries.filter(annotation_id=object_id)
    else:
        entries = entries.filter(object_type=object_type, object_id=object_id)
    return entries.order_by("at", "id")


def project_activity(user, project: Project) -> QuerySet[HistoryEntry]:
    return history_visible_to(user).filter(project=project).order_by("-at", "-id")


def members_of(project: Project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user").order_by("user__username")

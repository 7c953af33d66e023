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
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404

from annotations.models import (
    Adjudication,
    Annotation,
    Article,
    Disagreement,
    DisagreementStatus,
    HistoryEntry,
    Membership,
    Project,
    Status,
    Verdict,
)
from annotations.selectors import (
    adjudications_visible_to,
    annotations_visible_to,
    disagreements_visible_to,
    history_visible_to,
    queue,
    verdicts_visible_to,
)
from sources.models import Source


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


def articles_with_claim_counts(user, project: Project) -> QuerySet[Article]:
    """The project's articles, newest first, each annotated with ``n_claims``, ``n_<status>`` per
    status and ``n_awaiting_me`` (claims awaiting the user's verdict); one query a page."""
    claims = Q(annotations__orphaned=False, annotations__merged_into__isnull=True)
    awaiting = Q(annotations__in=claims_awaiting(user, project).order_by().values("pk"))
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
            n_awaiting_me=Count("annotations", filter=claims & awaiting),
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


# The review workflow's pages: queues, disagreements, adjudications.


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


def project_articles(project: Project) -> QuerySet[Article]:
    """The project's articles for a chooser: ids and titles, newest first."""
    return Article.objects.filter(project=project).only("id", "title").order_by("-created_at", "-id")

"""Reads of articles: what a member may see, and the article list with its claim counts."""

from django.db.models import Count, Q, QuerySet

from annotations.models import (
    Article,
    Project,
    Status,
)
from annotations.permissions import in_status_shown_to, member_projects
from annotations.selectors.claims import claims_awaiting
from workbench.filters import MAX_ID


def articles_visible_to(user) -> QuerySet[Article]:
    if not user.is_authenticated:
        return Article.objects.none()
    return Article.objects.filter(project__in=member_projects(user)).select_related("current_revision")


def articles_with_claim_counts(user, project: Project) -> QuerySet[Article]:
    """The project's articles, newest first, each annotated with ``n_claims``, ``n_<status>`` per
    status as the user may see it and ``n_awaiting_me`` (claims awaiting the user's verdict); one
    query a page."""
    claims = Q(annotations__orphaned=False, annotations__merged_into__isnull=True)
    awaiting = Q(annotations__in=claims_awaiting(user, project).order_by().values("pk"))
    return (
        Article.objects.filter(project=project)
        .select_related("current_revision")
        .defer("current_revision__text")
        .annotate(
            n_claims=Count("annotations", filter=claims),
            **{
                f"n_{status}": Count(
                    "annotations", filter=claims & in_status_shown_to(user, status, "annotations__")
                )
                for status in Status.values
            },
            n_awaiting_me=Count("annotations", filter=claims & awaiting),
        )
        .order_by("-created_at", "-id")
    )


# Articles a chooser lists (the agreement's scope, the assignment form): the newest ones. An older
# article is chosen by the link of its row ("?article=ID"), which puts it in the list too; a
# desk's 10,000 articles as options made a page of megabytes that nobody could scroll through.
CHOOSER_ARTICLES = 100


def project_articles(project: Project) -> QuerySet[Article]:
    """The project's articles for a chooser: ids and titles, newest first."""
    return Article.objects.filter(project=project).only("id", "title").order_by("-created_at", "-id")


def chooser_articles(project: Project, chosen=None) -> list[tuple[int, str]]:
    """``(id, title)`` of the project's :data:`CHOOSER_ARTICLES` newest articles, and of the article
    ``chosen`` (an id, as sent) when it is the project's and older; one or two queries."""
    articles = project_articles(project)
    listed = [(article.pk, article.title) for article in articles[:CHOOSER_ARTICLES]]
    try:
        chosen = int(chosen)
    except (TypeError, ValueError):
        return listed
    if not 0 < chosen <= MAX_ID:
        return listed
    if chosen not in {pk for pk, _title in listed}:
        listed += [(article.pk, article.title) for article in articles.filter(pk=chosen)]
    return listed

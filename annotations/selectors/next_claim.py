"""The next claim awaiting the user's verdict, across the articles of a project.

Which claims await the user is decided once, by
:func:`annotations.selectors.claims.awaiting_verdict_of` (through the user's *to review* queue);
this module only orders them as a reviewer reads: article by article (oldest article first), and
in each article in the reader's order (by start, the longer of two claims starting together
first), and finds the one after a given claim, coming round to the first when none is after it.
"""

from django.db.models import Q

from annotations.models import Annotation, Project
from annotations.selectors.claims import claims_awaiting

READING_ORDER = ("article_id", "start", "-end", "id")


def after_in_reading_order(claim: Annotation) -> Q:
    """The claims that come after ``claim`` in :data:`READING_ORDER`."""
    same_article = Q(article_id=claim.article_id)
    same_start = same_article & Q(start=claim.start)
    return (
        Q(article_id__gt=claim.article_id)
        | same_article & Q(start__gt=claim.start)
        | same_start & Q(end__lt=claim.end)
        | same_start & Q(end=claim.end, id__gt=claim.pk)
    )


def next_claim_awaiting(
    user, project: Project, *, after: Annotation | None = None, article_id: int | None = None
) -> Annotation | None:
    """The claim awaiting the user's verdict that comes next after the claim ``after`` (or, without
    it, the first one from the article ``article_id`` on), round to the project's first when none
    comes after; never ``after`` itself. None when no other claim awaits the user. At most two
    queries, of the claims' ids and positions only."""
    claims = (
        claims_awaiting(user, project)
        .prefetch_related(None)
        .select_related(None)
        .only("id", "article_id", "start", "end")
        .order_by(*READING_ORDER)
    )
    if after is not None:
        claims = claims.exclude(pk=after.pk)
        later = after_in_reading_order(after)
    elif article_id is not None:
        later = Q(article_id__gte=article_id)
    else:
        return claims.first()
    return claims.filter(later).first() or claims.first()

"""Suggested claims of one article for one member: the sentences of its current text that
:mod:`annotations.suggestions` finds likely to hold a checkable claim, less those any claim
already covers part of.

The claims taken into account are those the reader shows the member (:func:`claims_of_article`):
a suggestion reveals no claim, verdict or status the member could not see, and is computed from
the text alone. Only members who may highlight claims get suggestions (accepting one highlights
it through :func:`annotations.services.annotations.create_annotation`, which decides for good).
"""

from collections.abc import Iterable

from annotations.models import Annotation, Article
from annotations.permissions import HIGHLIGHTS_CLAIMS, can
from annotations.selectors.claims import claims_of_article
from annotations.suggestions import Suggestion, suggest


def suggested_claims(
    user, article: Article, *, claims: Iterable[Annotation] | None = None
) -> list[Suggestion]:
    """The article's suggested claims for ``user``, in reading order; ``[]`` for a member who may
    not highlight claims. ``claims``: the article's claims as :func:`claims_of_article` gave them
    to ``user`` already (then no query runs, ``article.project.my_role`` set); otherwise one query.
    """
    if not can(user, article.project, HIGHLIGHTS_CLAIMS):
        return []
    if claims is None:
        claims = claims_of_article(user, article)
    return suggest(article.current_revision.text, taken=[(claim.start, claim.end) for claim in claims])

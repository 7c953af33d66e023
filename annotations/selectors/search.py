"""Finding work: a search over the articles' titles, texts and claims, with the matches marked.

An article matches when its title, publisher or author contains the query (as typed), when its
current text matches it, or when one of its live claims does (the claim in neutral words or its
quote). Claims are visible to every member; no verdict takes part in a search.

How texts and claims match depends on the database:

- PostgreSQL: full-text search with the ``simple`` configuration (words as written, in any
  language, no stemming), the query read as a web search (``"two words"`` for a phrase, ``or``,
  ``-word``); the excerpt of the text comes from ``ts_headline``, which leaves out words that look
  like HTML tags. Migration 0016's expression indexes serve :data:`TEXT_DOCUMENT` and
  :data:`CLAIM_DOCUMENT`.
- Elsewhere (SQLite): every word or quoted phrase of the query must appear in the field (letters
  compared case-insensitively as ``icontains`` does), and the excerpt is cut around the first one.

Titles, publishers and authors are short and match as substrings on both.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db import connections
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Greatest, JSONObject, Lower, StrIndex, Substr

from annotations.models import Annotation, Article, ArticleRevision

CONFIG = "simple"
# Matching claims shown under each found article; the others are counted.
CLAIMS_SHOWN = 3
# Characters of a claim or quote shown in the results.
CLAIM_SHOWN_LENGTH = 240
# The excerpt of the text around the first match, outside PostgreSQL: characters before it, and in all.
EXCERPT_BEFORE = 90
EXCERPT_LENGTH = 300
# Words or phrases of one query that are matched; the rest are ignored.
MAX_TERMS = 10
# What ts_headline puts around a match: private-use characters that canonical text never needs,
# so that the excerpt can be escaped as plain text and marked afterwards.
MARK_START, MARK_END = "\ue000", "\ue001"

# A revision's text and a claim as full-text search reads them; the expression indexes of
# migration 0016 serve exactly these.
TEXT_DOCUMENT = SearchVector("text", config=CONFIG)
CLAIM_DOCUMENT = SearchVector("claim", "quote", config=CONFIG)

TERM = re.compile(r'"([^"]*)"|(\S+)')
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fragment:
    """A piece of a title, excerpt or claim; ``marked`` when it is a match."""

    text: str
    marked: bool = False


@dataclass(frozen=True)
class FoundClaim:
    id: int
    claim: list[Fragment]
    quote: list[Fragment]


def search_terms(query: str) -> list[str]:
    """The words and quoted phrases of a query, in order, without repeats."""
    terms = []
    for phrase, word in TERM.findall(query):
        term = (phrase or word).strip()
        if term and term.casefold() not in (known.casefold() for known in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


def uses_full_text(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def text_query(query: str) -> SearchQuery:
    return SearchQuery(query, config=CONFIG, search_type="websearch")


def every_term_in(field: str, terms: list[str]) -> Q:
    found = Q()
    for term in terms:
        found &= Q(**{f"{field}__icontains": term})
    return found


def words_of_every_match(query: str) -> list[str]:
    """Words that every text matching the web-search ``query`` contains as a substring (ignoring
    case), or none when the query says ``or`` or excludes a word with ``-``.

    Without an index on the texts, PostgreSQL parses every text into words for each search, an
    order of magnitude slower than a substring scan; a substring test on these words, which the
    planner runs first because it is cheaper, leaves only the likely matches to parse. With the
    index, it is a recheck of the few rows the index found.
    """
    tokens = query.split()
    if any(token.casefold() == "or" or token.startswith("-") for token in tokens):
        return []
    return list(dict.fromkeys(WORD.findall(query.lower())))[:MAX_TERMS]


def matching_claims(query: str, claims: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """The live ``claims`` whose neutral wording or quote matches the query."""
    claims = claims.filter(orphaned=False, merged_into__isnull=True)
    if uses_full_text(claims):
        for word in words_of_every_match(query):
            claims = claims.filter(Q(claim__icontains=word) | Q(quote__icontains=word))
        return claims.alias(document=CLAIM_DOCUMENT).filter(document=text_query(query))
    terms = search_terms(query)
    return claims.filter(every_term_in("claim", terms) | every_term_in("quote", terms))


def matching_articles(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    """The ``articles`` that match the query (the module's rules); all of them for a blank one."""
    query = query.strip()
    if not search_terms(query):
        return articles
    metadata = Q(title__icontains=query) | Q(publisher__icontains=query) | Q(author__icontains=query)
    if uses_full_text(articles):
        # A subquery of the revisions, not a condition joined into the OR: that way an index on
        # the texts can answer it once, instead of every text being parsed row by row.
        revisions = (
            ArticleRevision.objects.filter(every_term_in("text", words_of_every_match(query)))
            .alias(document=TEXT_DOCUMENT)
            .filter(document=text_query(query))
        )
        text = Q(current_revision__in=revisions.values("pk"))
    else:
        text = every_term_in("current_revision__text", search_terms(query))
    claims = Q(pk__in=matching_claims(query, Annotation.objects.all()).values("article"))
    return articles.filter(metadata | text | claims)


def with_matches(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    """:func:`matching_articles`, each annotated with what :func:`mark_matches` shows: an excerpt
    of its text around the matches and the first matching claims with their number, in the same
    query.

    Each is a subquery of its own, bare (no function around it): the article list groups its rows
    to count claims, and a bare correlated subquery is grouped by the column it refers to, so the
    database works it out once a listed article, after the page is cut, and leaves it out of the
    page count; wrapped, it would be a grouping key, worked out for every claim of every match.
    """
    articles = matching_articles(articles, query)
    query = query.strip()
    terms = search_terms(query)
    if not terms:
        return articles
    revision = ArticleRevision.objects.filter(pk=OuterRef("current_revision_id")).order_by()
    if uses_full_text(articles):
        excerpt = SearchHeadline(
            "text",
            text_query(query),
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        excerpt_from = Value(1)
    else:
        excerpt_from = Greatest(StrIndex(Lower("text"), Lower(Value(terms[0]))) - EXCERPT_BEFORE, 1)
        excerpt = Substr("text", excerpt_from, EXCERPT_LENGTH)
    claims = matching_claims(query, Annotation.objects.filter(article=OuterRef("pk"))).order_by("start", "id")
    shown = claims.values(
        found=JSONObject(
            id="pk",
            claim=Substr("claim", 1, CLAIM_SHOWN_LENGTH),
            quote=Substr("quote", 1, CLAIM_SHOWN_LENGTH),
        )
    )
    counted = claims.order_by().values("article").annotate(n=Count("pk")).values("n")
    return articles.annotate(
        search_excerpt=Subquery(revision.values(excerpt=excerpt)),
        search_excerpt_from=Subquery(revision.values(at=excerpt_from), output_field=IntegerField()),
        n_claims_found=Subquery(counted, output_field=IntegerField()),
        **{f"search_claim_{n}": Subquery(shown[n : n + 1]) for n in range(CLAIMS_SHOWN)},
    )


def mark_matches(articles, query: str) -> None:
    """Give each article of :func:`with_matches` ``title_marked``, ``excerpt`` (empty when the
    text holds no match), ``claims_found`` (a list of :class:`FoundClaim`) and
    ``claims_not_shown`` (how many more claims match)."""
    terms = search_terms(query)
    for article in articles:
        article.title_marked = marked(article.title, terms)
        excerpt = getattr(article, "search_excerpt", "") or ""
        if MARK_START in excerpt:
            fragments = headline_fragments(excerpt)
        else:
            fragments = excerpt_fragments(
                excerpt, terms, opens_text=getattr(article, "search_excerpt_from", 1) == 1
            )
        article.excerpt = fragments if any(fragment.marked for fragment in fragments) else []
        article.claims_found = [
            FoundClaim(
                id=found["id"], claim=marked(found["claim"], terms), quote=marked(found["quote"], terms)
            )
            for n in range(CLAIMS_SHOWN)
            if (found := getattr(article, f"search_claim_{n}", None))
        ]
        article.claims_not_shown = (getattr(article, "n_claims_found", None) or 0) - len(article.claims_found)


def marked(text: str, terms: list[str]) -> list[Fragment]:
    """``text`` cut into fragments, the occurrences of any term (ignoring case) marked."""
    if not text or not terms:
        return [Fragment(text)] if text else []
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.I)
    fragments, at = [], 0
    for match in pattern.finditer(text):
        if match.start() > at:
            fragments.append(Fragment(text[at : match.start()]))
        fragments.append(Fragment(match.group(), marked=True))
        at = match.end()
    if at < len(text):
        fragments.append(Fragment(text[at:]))
    return fragments


def excerpt_fragments(excerpt: str, terms: list[str], *, opens_text: bool) -> list[Fragment]:
    """A window of the text, with its matches marked, cut at whole words: a word the window cuts
    in two is left out, and an ellipsis says that the text goes on."""
    if len(excerpt) == EXCERPT_LENGTH:
        excerpt = excerpt[: max(excerpt.rfind(" "), EXCERPT_LENGTH // 2)] + " …"
    if not opens_text:
        excerpt = "… " + excerpt[excerpt.find(" ") + 1 :]
    return marked(" ".join(excerpt.split()), terms)


def headline_fragments(headline: str) -> list[Fragment]:
    """ts_headline's answer, its matches between :data:`MARK_START` and :data:`MARK_END`."""
    fragments, marking = [], False
    for piece in re.split(f"({MARK_START}|{MARK_END})", headline):
        if piece == MARK_START:
            marking = True
        elif piece == MARK_END:
            marking = False
        elif piece:
            fragments.append(Fragment(piece, marked=marking))
    return fragments

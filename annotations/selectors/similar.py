"""Earlier claims of the caller's projects that are likely the same claim as one claim, ranked.

Two steps. Candidates are retrieved and ranked in the database, through an index: on SQLite
the FTS5 table, by BM25; on PostgreSQL the GIN index of each claim's tsvector (stemmed in its
article's language, and unstemmed for names and figures), asked only for the claim's rare terms
(:func:`search_query`, from the lexeme counts of PostgreSQL's statistics), so that words and
figures most claims share (every generated claim of ``bench/scale.py`` says "people came to Café
Zoë") neither make the index yield a large part of the desk nor crowd out the true match; the
claims found are ranked by ``ts_rank`` over all the claim's terms plus the trigram similarity of
the texts. At most :data:`CANDIDATES` of them are then scored in Python
(:mod:`annotations.matching`) from their words, figures and names, which the database cannot
weigh. Blind review is applied as everywhere: the status reads as
:func:`annotations.permissions.status_shown_to` says, the final rating is the published one, and
no individual verdict is read.
"""

import re
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from annotations.matching.ranking import MIN_SCORE, Match, score
from annotations.matching.text import MATCH_TEXT_MAX_LENGTH, read_claim
from annotations.models import PUBLISHED_STATUSES, Annotation, ClaimDocument, ClaimLink, Membership
from annotations.permissions import member_projects, status_shown_to

# Claims retrieved by the indexes and scored in Python for one lookup.
CANDIDATES = 50
# Claims the PostgreSQL index yields at most before they are ranked, should the statistics be
# stale (the rare terms are chosen to find at most SEARCHED).
SCANNED = 5000
# A lexeme held by at most this many claims (PostgreSQL's estimate) is rare: the claims holding it
# are searched; and the claims a lookup's rare terms find, together, at most SEARCHED.
RARE = 1000
SEARCHED = 3000
# Commoner lexemes, held by at most this share of the claims, are searched in pairs, at most
# MAX_PAIRS of them, where both of a pair are estimated to be held by at most RARE claims.
PAIRED_SHARE = 0.05
MAX_PAIRS = 6
# Matches one lookup answers, by default and at most.
DEFAULT_LIMIT = 10
MAX_LIMIT = 25
# Words of the claim a full-text query is built from (claims are a sentence or two).
MAX_QUERY_WORDS = 40

WORD = re.compile(r"[^\W\d_]{2,}")
DIGITS = re.compile(r"\d+")


@dataclass
class SimilarClaim:
    """A claim likely the same as the one looked up: the claim (with ``shown_status`` and its
    article), the score and reasons, and whether an editor linked the two."""

    claim: Annotation
    match: Match
    linked: bool

    @property
    def final_rating(self) -> str | None:
        """The published final rating; none while the claim is neither agreed nor resolved."""
        return self.claim.final_rating or None if self.claim.status in PUBLISHED_STATUSES else None


def claim_text(annotation: Annotation) -> str:
    """What a claim is matched by: its restated claim and its quote (the same text the triggers of
    migration 0014 index)."""
    text = f"{annotation.claim}\n{annotation.quote}" if annotation.claim else annotation.quote
    return text[:MATCH_TEXT_MAX_LENGTH]


def query_words(text: str) -> list[str]:
    """The words of ``text`` a full-text query asks for, each once, letters only (so that no
    query syntax reaches FTS5 or to_tsquery)."""
    return list(dict.fromkeys(word.casefold() for word in WORD.findall(text)))[:MAX_QUERY_WORDS]


def digit_groups(text: str) -> list[str]:
    """The runs of digits of ``text`` (``10`` and ``000`` of ``10,000`` or ``10.000``): figures
    written with other separators, or in other languages, still share them."""
    # Groups of zeros ("000" of every thousand) would match most figures and narrow nothing.
    groups = (group for group in DIGITS.findall(text) if group.strip("0"))
    return list(dict.fromkeys(groups))[:MAX_QUERY_WORDS]


def candidates(user, claim: Annotation, text: str) -> tuple[dict[int, float], set[int]]:
    """The full-text relevance of each of at most :data:`CANDIDATES` other live claims of the
    user's projects, by id, and the ids of the claims an editor linked to ``claim``: one indexed
    query (two on PostgreSQL, the first reading the claim's lexemes)."""
    documents = ClaimDocument._meta.db_table
    memberships = Membership._meta.db_table
    links = ClaimLink._meta.db_table
    in_my_projects = f"d.project_id IN (SELECT project_id FROM {memberships} WHERE user_id = %s)"
    # The linked ids in the same query, by a union: an OR of subqueries in the ORM's query of the
    # claims would have PostgreSQL scan every claim.
    sql = (
        f"SELECT CASE WHEN claim_id = %s THEN same_as_id ELSE claim_id END, NULL FROM {links}"
        " WHERE claim_id = %s OR same_as_id = %s"
    )
    params = [claim.pk] * 3
    words = query_words(text)
    with connection.cursor() as cursor:
        if words and connection.vendor == "postgresql":
            lexemes = query_lexemes(cursor, claim, words, names_of(claim, text) + digit_groups(text))
            if lexemes:
                # Found by the claim's rare terms only (see search_query), then ranked in the
                # database by the full-text rank over all its terms and the trigram similarity.
                sql = f"""
                    (SELECT d.annotation_id, ts_rank(d.document, %s::tsquery) AS relevance
                     FROM (
                         SELECT d.annotation_id FROM {documents} d
                         WHERE d.document @@ %s::tsquery AND {in_my_projects} AND d.annotation_id <> %s
                         LIMIT %s
                     ) hits JOIN {documents} d USING (annotation_id)
                     ORDER BY ts_rank(d.document, %s::tsquery) + similarity(d.text, %s) DESC, d.annotation_id
                     LIMIT %s)
                    UNION ALL ({sql})
                """
                ranked_by = any_of(lexemes)
                params = [
                    ranked_by,
                    search_query(lexemes),
                    user.pk,
                    claim.pk,
                    SCANNED,
                    ranked_by,
                    text,
                    CANDIDATES,
                    *params,
                ]
        elif words:
            sql = f"""
                SELECT * FROM (
                    SELECT d.annotation_id, -bm25(annotations_claim_fts)
                    FROM annotations_claim_fts
                    JOIN {documents} d ON d.annotation_id = annotations_claim_fts.rowid
                    WHERE annotations_claim_fts MATCH %s AND {in_my_projects} AND d.annotation_id <> %s
                    ORDER BY bm25(annotations_claim_fts), d.annotation_id DESC
                    LIMIT %s
                )
                UNION ALL {sql}
            """
            match = " OR ".join(f'"{word}"' for word in words + digit_groups(text))
            params = [match, user.pk, claim.pk, CANDIDATES, *params]
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = {pk: float(relevance) for pk, relevance in rows if relevance is not None}
    return found, {pk for pk, relevance in rows if relevance is None}


@dataclass
class TermCounts:
    """How many claim documents hold each of the most common lexemes, as PostgreSQL's statistics
    of ``document`` estimate (``pg_stats.most_common_elems``, gathered by ANALYZE): a lexeme not
    listed is rarer than the rarest listed."""

    fetched_at: float
    claims: float
    counts: dict[str, float]

    def of(self, lexeme: str) -> float:
        return self.counts.get(lexeme, 0.0)


# The statistics read last, per database alias; re-read after STATISTICS_TTL seconds.
_term_counts: dict[str, TermCounts] = {}
STATISTICS_TTL = 600.0


def query_lexemes(
    cursor, claim: Annotation, words: list[str], simple_words: list[str]
) -> list[tuple[str, float]]:
    """The lexemes of the claim's full-text query (its words stemmed in its article's language,
    and its names and figures unstemmed), each with the number of claims estimated to hold it;
    the statistics are read in the same query when the cached ones are stale."""
    known = _term_counts.get(connection.alias)
    stale = known is None or time.monotonic() - known.fetched_at > STATISTICS_TTL
    documents = ClaimDocument._meta.db_table
    statistics = (
        f"""(SELECT reltuples FROM pg_class WHERE oid = '{documents}'::regclass),
            (SELECT most_common_elems::text::text[] FROM pg_stats
             WHERE schemaname = current_schema() AND tablename = '{documents}' AND attname = 'document'),
            (SELECT most_common_elem_freqs FROM pg_stats
             WHERE schemaname = current_schema() AND tablename = '{documents}' AND attname = 'document')"""
        if stale
        else "NULL, NULL, NULL"
    )
    cursor.execute(
        f"""SELECT tsvector_to_array(to_tsvector(annotations_text_config(%s), %s)
                                     || to_tsvector('simple', %s)), {statistics}""",
        [claim.article.language, " ".join(words), " ".join(simple_words)],
    )
    lexemes, claims, elements, frequencies = cursor.fetchone()
    if stale:
        counts = {}
        if elements and frequencies and claims and claims > 0:
            counts = {
                element: float(frequency) * claims
                for element, frequency in zip(elements, frequencies, strict=False)
            }
        known = _term_counts[connection.alias] = TermCounts(time.monotonic(), max(claims or 0.0, 0.0), counts)
    return sorted(((lexeme, known.of(lexeme)) for lexeme in lexemes), key=lambda item: (item[1], item[0]))


def tsquery_term(lexeme: str) -> str:
    """A lexeme as a tsquery operand, quoted so that no query syntax reaches to_tsquery."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def any_of(lexemes: list[tuple[str, float]]) -> str:
    """The tsquery matching any of the lexemes: what a candidate is ranked by."""
    return " | ".join(tsquery_term(lexeme) for lexeme, _count in lexemes)


def search_query(lexemes: list[tuple[str, float]]) -> str:
    """The tsquery the candidates are found by: the claim's rare terms, rarest first, while the
    claims they are estimated to find stay within :data:`SEARCHED`; then pairs of its commoner
    terms both held by few claims (``57 & 340`` of ``57,340``). A term most claims share (a
    word of every generated claim, the ``10`` of ``10,000``) would make the index yield, and the
    database rank, a large part of the desk, and is left to the ranking. When every term is
    common, the rarest ones together."""
    claims = _term_counts[connection.alias].claims or 1.0
    terms, found = [], 0.0
    common = []
    for lexeme, count in lexemes:
        if count <= RARE and found + count <= SEARCHED:
            terms.append(tsquery_term(lexeme))
            found += count
        elif count <= claims * PAIRED_SHARE:
            common.append((lexeme, count))
    pairs = sorted(
        (
            (a_count * b_count / claims, a, b)
            for i, (a, a_count) in enumerate(common)
            for b, b_count in common[i + 1 :]
        ),
    )
    for count, a, b in pairs[:MAX_PAIRS]:
        if count > RARE or found + count > SEARCHED:
            break
        terms.append(f"({tsquery_term(a)} & {tsquery_term(b)})")
        found += count
    if not terms:
        terms.append(" & ".join(tsquery_term(lexeme) for lexeme, _count in lexemes[:3]))
    return " | ".join(terms)


def names_of(claim: Annotation, text: str) -> list[str]:
    """The words of the claim's named entities, matched unstemmed whatever the language."""
    parts = read_claim(text, claim.article.language)
    return [word for name in parts.entities for word in WORD.findall(name)]


def similar_claims(user, claim: Annotation, *, limit: int = DEFAULT_LIMIT) -> list[SimilarClaim]:
    """The other live claims of the user's projects most likely the same claim as ``claim`` (which
    the caller has already fetched for the user, with its article), best first; those an editor
    linked to it come first whatever their score. Two queries (three on PostgreSQL)."""
    text = claim_text(claim)
    found, linked = candidates(user, claim, text)
    best = max(found.values(), default=0.0) or 1.0
    linked_here = Q(claim=claim.pk, same_as=OuterRef("pk")) | Q(claim=OuterRef("pk"), same_as=claim.pk)
    rows = (
        Annotation.objects.filter(
            pk__in=sorted(found.keys() | linked),
            article__project__in=member_projects(user),
            merged_into__isnull=True,
        )
        .exclude(pk=claim.pk)
        .select_related("article")
        .only(
            "id",
            "quote",
            "claim",
            "status",
            "final_rating",
            "created_at",
            "article__id",
            "article__title",
            "article__language",
            "article__published_at",
        )
        .annotate(shown_status=status_shown_to(user), is_linked=Exists(ClaimLink.objects.filter(linked_here)))
    )
    query = read_claim(text, claim.article.language)
    ranked = []
    for row in rows:
        match = score(
            query, read_claim(claim_text(row), row.article.language), relevance=found.get(row.pk, 0.0) / best
        )
        if row.is_linked or match.score >= MIN_SCORE:
            ranked.append(SimilarClaim(claim=row, match=match, linked=row.is_linked))
    # On equal scores the older claim first: the first check is the one to repeat.
    ranked.sort(key=lambda similar: (not similar.linked, -similar.match.score, similar.claim.pk))
    return ranked[:limit]

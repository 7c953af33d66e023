"""Earlier claims of the caller's projects that are likely the same claim as one claim, ranked.

Two steps. Candidates are retrieved through indexes only: on PostgreSQL the GIN index of each
claim's tsvector (stemmed in its article's language, and unstemmed for names) and the pg_trgm
GIN index of its text; on SQLite the FTS5 table. At most :data:`CANDIDATES` of them are then
scored in Python (:mod:`annotations.matching`) from their words, figures and names, which the
database cannot weigh. Blind review is applied as everywhere: the status reads as
:func:`annotations.permissions.status_shown_to` says, the final rating is the published one, and
no individual verdict is read.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from annotations.matching.ranking import MIN_SCORE, Match, score
from annotations.matching.text import MATCH_TEXT_MAX_LENGTH, read_claim
from annotations.models import PUBLISHED_STATUSES, Annotation, ClaimDocument, ClaimLink, Membership
from annotations.permissions import member_projects, status_shown_to

# Claims retrieved by the indexes and scored in Python for one lookup.
CANDIDATES = 50
# Claims each PostgreSQL index yields at most before the full-text rank orders them: beyond it, a
# word shared by most claims would make a lookup rank them all. Where the words of a claim match
# more claims than this, the candidates come from the first found.
SCANNED = 1000
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


def candidates(user, claim: Annotation, text: str) -> list[tuple[int, float]]:
    """``(claim id, full-text relevance)`` of at most :data:`CANDIDATES` other live claims of the
    user's projects, in one indexed query."""
    words = query_words(text)
    if not words:
        return []
    documents = ClaimDocument._meta.db_table
    memberships = Membership._meta.db_table
    in_my_projects = f"d.project_id IN (SELECT project_id FROM {memberships} WHERE user_id = %s)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            phrase = " ".join(words)
            # Each index is read for at most SCANNED claims before anything is ranked, so that a
            # word most claims share cannot make one lookup rank the whole desk.
            cursor.execute(
                f"""
                WITH q AS (
                    SELECT replace(plainto_tsquery(annotations_text_config(%s), %s)::text, ' & ', ' | ')
                               ::tsquery
                           || replace(plainto_tsquery('simple', %s)::text, ' & ', ' | ')::tsquery AS query
                ),
                hits AS (
                    (SELECT d.annotation_id FROM {documents} d, q
                     WHERE {in_my_projects} AND d.document @@ q.query LIMIT %s)
                    UNION
                    (SELECT d.annotation_id FROM {documents} d
                     WHERE {in_my_projects} AND d.text %% %s LIMIT %s)
                )
                SELECT d.annotation_id, ts_rank(d.document, q.query) AS relevance
                FROM hits JOIN {documents} d USING (annotation_id), q
                WHERE d.annotation_id <> %s
                ORDER BY ts_rank(d.document, q.query) + similarity(d.text, %s) DESC, d.annotation_id
                LIMIT %s
                """,
                [
                    claim.article.language,
                    phrase,
                    " ".join(names_of(claim, text) + digit_groups(text)),
                    user.pk,
                    SCANNED,
                    user.pk,
                    text,
                    SCANNED,
                    claim.pk,
                    text,
                    CANDIDATES,
                ],
            )
            return [(pk, float(relevance)) for pk, relevance in cursor.fetchall()]
        match = " OR ".join(f'"{word}"' for word in words + digit_groups(text))
        cursor.execute(
            f"""
            SELECT d.annotation_id, -bm25(annotations_claim_fts)
            FROM annotations_claim_fts JOIN {documents} d ON d.annotation_id = annotations_claim_fts.rowid
            WHERE annotations_claim_fts MATCH %s AND {in_my_projects} AND d.annotation_id <> %s
            ORDER BY bm25(annotations_claim_fts), d.annotation_id DESC
            LIMIT %s
            """,
            [match, user.pk, claim.pk, CANDIDATES],
        )
        return [(pk, float(relevance)) for pk, relevance in cursor.fetchall()]


def names_of(claim: Annotation, text: str) -> list[str]:
    """The words of the claim's named entities, matched unstemmed whatever the language."""
    parts = read_claim(text, claim.article.language)
    return [word for name in parts.entities for word in WORD.findall(name)]


def similar_claims(user, claim: Annotation, *, limit: int = DEFAULT_LIMIT) -> list[SimilarClaim]:
    """The other live claims of the user's projects most likely the same claim as ``claim`` (which
    the caller has already fetched for the user, with its article), best first; those an editor
    linked to it come first whatever their score. Four queries."""
    text = claim_text(claim)
    found = dict(candidates(user, claim, text))
    best = max(found.values(), default=0.0) or 1.0
    linked_here = Q(claim=claim.pk, same_as=OuterRef("pk")) | Q(claim=OuterRef("pk"), same_as=claim.pk)
    # The ids as a list: an OR of subqueries would have PostgreSQL scan every claim.
    links = ClaimLink.objects.filter(Q(claim=claim.pk) | Q(same_as=claim.pk)).values_list("claim", "same_as")
    linked = {pk for pair in links for pk in pair}
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

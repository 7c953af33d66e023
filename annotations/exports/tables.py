"""The labelled set as tables: CSV and JSONL of claims with the verdicts and evidence the caller
may see, streamed.

- JSONL: one JSON object per claim and line, its verdicts nested, each with its evidence.
- CSV: three tidy tables with flat, JSON-free columns that join on ids: ``claims`` (one row per
  claim), ``claims-verdicts`` (one row per verdict, keyed by ``claim_id``) and ``claims-evidence``
  (one row per piece of evidence, keyed by ``verdict_id`` and ``claim_id``).

What the caller may see is decided by the selectors: the claims come from a queryset of
:func:`annotations.selectors.annotations_visible_to`, with ``shown_status`` (the status as blind
review shows it) and ``revealed`` (whether blind review shows the caller the claim's verdicts and
evidence, :func:`annotations.permissions.revealed_to`). The verdicts and evidence exported are
those of the revealed claims, the rule of ``verdicts_visible_to`` and ``evidence_visible_to``.
Final ratings are those of published claims (agreed or resolved), which every member sees.

Reading: the claims come in keyset pages of ``chunk_size`` ids (``pk`` above the last one,
ascending), then each page's tags, verdicts and evidence in one query apiece. Memory holds one page
whatever the project's size, and every page runs the same queries. The pages are separate
autocommit queries rather than one ``.iterator()``: on PostgreSQL that would hold a named
server-side cursor open across the whole stream, outside any transaction (a streamed response's
generator runs after its view has returned). So an export is not one snapshot: a claim that
changes while the export streams is written as its page reads it.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from annotations.models import PUBLISHED_STATUSES, TRUTH_SCALE, Annotation, Evidence, Project, Verdict

# Claims a page holds: memory grows with it (about 17 MB for a JSONL page), the queries shrink.
CHUNK_SIZE = 1500

# The unit that span offsets count in (DESIGN.md, Offsets): Python str indices of the revision's text.
SPAN_UNIT = "code_point"


# The rows read, as values_list tuples in this order. ``revealed`` (annotations_visible_to) says
# whether blind review shows the caller the claim's verdicts and evidence.
CLAIM_KEYS = ("id", "revealed")
CLAIM_FIELDS = (
    *CLAIM_KEYS,
    "article_id",
    "article__title",
    "article__url",
    "revision__number",
    "start",
    "end",
    "quote",
    "claim",
    "shown_status",
    "final_rating",
    "orphaned",
    "merged_into_id",
    "author__username",
    "created_at",
)
VERDICT_FIELDS = (
    "id",
    "annotation_id",
    "reviewer__username",
    "rating",
    "blind_rating",
    "independent",
    "revised_after_reveal",
    "confidence",
    "rationale",
    "created_at",
)
# In the order of the claims-evidence table's columns.
EVIDENCE_FIELDS = (
    "id",
    "verdict_id",
    "verdict__annotation_id",
    "source__url",
    "source__title",
    "stance",
    "quote",
)


@dataclass
class ClaimPage:
    """One keyset page of claims (``CLAIM_FIELDS`` tuples, by id) with what was asked of them."""

    claims: list[tuple]
    # Claim id -> its tag names, in name order.
    tags: dict[int, list[str]]
    # Claim id -> its visible verdicts (``VERDICT_FIELDS`` tuples), oldest first.
    verdicts: dict[int, list[tuple]]
    # Verdict id -> its evidence (``EVIDENCE_FIELDS`` tuples).
    evidence: dict[int, list[tuple]]


def claim_pages(
    claims: QuerySet[Annotation],
    *,
    fields: tuple = CLAIM_FIELDS,
    tags: bool = False,
    verdicts: bool = False,
    evidence: bool = False,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[ClaimPage]:
    """The claims of ``claims`` (a queryset of ``annotations_visible_to(user)``, filtered) in pages
    of ``chunk_size`` by ascending id, each with the tags, verdicts and evidence asked for.
    ``fields`` starts with ``CLAIM_KEYS``.

    Verdicts and evidence are those of the page's claims that ``revealed`` marks: blind review's one
    rule (:func:`annotations.permissions.revealed_to`), computed per claim by the selector, decides
    them, as it does in ``verdicts_visible_to`` and ``evidence_visible_to`` (a caller's own verdict
    reveals its claim). Read through :func:`belonging_to`, these are index scans, where the
    selectors' joins would be planned and run again over the project for every page.

    Per page: one query for the page's last id, one for its claims, and one each for tags,
    verdicts and evidence when asked for; each is compiled once (:class:`Paged`). The export ends
    on a page with fewer than ``chunk_size`` claims.
    """
    claims = claims.select_related(None).prefetch_related(None).order_by("pk")
    # The page's last id first, read from the ids alone: a planner that walks the claims in
    # another order (SQLite's, by article) then sorts ids rather than whole rows.
    last_id = Paged(claims.filter(pk__gt=Paged.AFTER).values_list("pk", flat=True)[chunk_size - 1 :][:1])
    page = claims.filter(pk__gt=Paged.AFTER, pk__lte=Paged.UPTO)
    rows = Paged(page.values_list(*fields))
    tag_query = Paged(tag_rows(page)) if tags else None
    # Verdicts with their evidence are one query (a verdict's row once per piece of evidence).
    joined = verdicts and evidence
    if joined:
        verdict_query = Paged(visible_verdict_rows_with_evidence(page))
    else:
        verdict_query = Paged(visible_verdict_rows(page)) if verdicts else None
        evidence_query = Paged(visible_evidence_rows(page)) if evidence else None
    after = 0
    while True:
        found = last_id.rows(after)
        last = found[0][0] if found else None
        upto = Paged.LAST_ID if last is None else last
        page_rows = rows.rows(after, upto)
        if not page_rows:
            return
        page_tags = defaultdict(list)
        for claim_id, name in tag_query.rows(after, upto) if tags else ():
            page_tags[claim_id].append(name)
        if joined:
            page_verdicts, page_evidence = split_verdicts_and_evidence(verdict_query.rows(after, upto))
        else:
            # Verdicts by their claim, evidence by its verdict: the second column of each.
            page_verdicts = grouped_by(verdict_query.rows(after, upto), 1) if verdicts else {}
            page_evidence = grouped_by(evidence_query.rows(after, upto), 1) if evidence else {}
        yield ClaimPage(claims=page_rows, tags=page_tags, verdicts=page_verdicts, evidence=page_evidence)
        if last is None:
            return
        after = last


class Paged:
    """A query of a claim page, compiled once and run for every page with its bounds.

    Built with the placeholders ``AFTER`` (claim ids above it) and ``UPTO`` (up to it) as its
    bounds, which no id takes; each run swaps in the page's own. Compiling the selectors' rules
    into SQL costs more than running the SQL on SQLite, so it is done once per export rather than
    once per page.

    The rows come as the database driver returns them, without Django's per-value conversion, the
    costliest step of an export per row after the database's own. On these columns it would change
    nothing but SQLite's date-times, naive in UTC, which the encoders take as UTC (:func:`timestamp`,
    :data:`LINE_OPTIONS`), and SQLite's 0/1 for boolean expressions such as ``revealed`` (columns
    are booleans already: Django registers SQLite's converters for them).
    """

    AFTER = -(2**62) + 7
    UPTO = -(2**62) + 11
    # The bound of the last page, above every id.
    LAST_ID = 2**63 - 1

    def __init__(self, query: QuerySet):
        self.db = query.db
        try:
            self.sql, self.params = query.query.sql_with_params()
        except EmptyResultSet:  # filtered by an empty list of ids
            self.sql = None
            return
        self.params = list(self.params)
        self.bounds = {
            index: value for index, value in enumerate(self.params) if value in (self.AFTER, self.UPTO)
        }

    def rows(self, after: int, upto: int | None = None) -> list[tuple]:
        if self.sql is None:
            return []
        params = self.params.copy()
        for index, placeholder in self.bounds.items():
            params[index] = after if placeholder == self.AFTER else upto
        connection = connections[self.db]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                native_date_times(cursor.cursor)
            cursor.execute(self.sql, params)
            return cursor.fetchall()


def native_date_times(cursor) -> None:
    """Read timestamptz columns with psycopg's own (compiled) loader rather than Django's, which
    takes twice as long for the same value: an aware date-time in the connection's time zone,
    UTC, which Django sets on every connection."""
    cursor.adapters.register_loader(*timestamptz_loader())


@cache
def timestamptz_loader() -> tuple[int, type]:
    """psycopg's own text loader of timestamptz and its type's oid, looked up once."""
    import psycopg
    from psycopg.pq import Format

    oid = psycopg.adapters.types["timestamptz"].oid
    return oid, psycopg.adapters.get_loader(oid, Format.TEXT)


def belonging_to(page: QuerySet[Annotation], related: QuerySet, claim: str = "annotation") -> QuerySet:
    """The rows of ``related`` (``claim`` the path from them to their claim) that belong to the
    claims of ``page`` (bounded by :class:`Paged`'s placeholders).

    Said twice: the claims as a subquery (those the filters keep), and their id range on the rows'
    own column, which the planners scan by index. Lists of ids would cost more to send
    (PostgreSQL) and the selectors' joins more to plan and run.
    """
    return related.filter(
        **{f"{claim}__in": page, f"{claim}_id__gt": Paged.AFTER, f"{claim}_id__lte": Paged.UPTO}
    )


def tag_rows(page: QuerySet[Annotation]) -> QuerySet:
    links = belonging_to(page, Annotation.tags.through.objects.all()).order_by("tag__name")
    return links.values_list("annotation_id", "tag__name")


def visible_verdict_rows(page: QuerySet[Annotation]) -> QuerySet:
    verdicts = belonging_to(page.filter(revealed=True), Verdict.objects.all())
    return verdicts.order_by("annotation_id", "created_at", "id").values_list(*VERDICT_FIELDS)


# The evidence columns of a verdict's row in ``visible_verdict_rows_with_evidence``, after its
# ``VERDICT_FIELDS``: EVIDENCE_FIELDS but for the verdict's and the claim's ids, which it has.
JOINED_EVIDENCE_FIELDS = (
    "evidence__id",
    "evidence__source__url",
    "evidence__source__title",
    "evidence__stance",
    "evidence__quote",
)


def visible_verdict_rows_with_evidence(page: QuerySet[Annotation]) -> QuerySet:
    verdicts = belonging_to(page.filter(revealed=True), Verdict.objects.all())
    return verdicts.order_by("annotation_id", "created_at", "id", "evidence__id").values_list(
        *VERDICT_FIELDS, *JOINED_EVIDENCE_FIELDS
    )


def split_verdicts_and_evidence(rows: list[tuple]) -> tuple[dict[int, list[tuple]], dict[int, list[tuple]]]:
    """Rows of ``visible_verdict_rows_with_evidence`` as the separate queries give them: verdicts
    (``VERDICT_FIELDS``) by claim, and evidence (``EVIDENCE_FIELDS``) by verdict, in order."""
    width = len(VERDICT_FIELDS)
    verdicts, evidence = defaultdict(list), defaultdict(list)
    previous = None
    for row in rows:
        verdict_id, claim_id = row[0], row[1]
        if verdict_id != previous:
            verdicts[claim_id].append(row[:width])
            previous = verdict_id
        if row[width] is not None:
            evidence[verdict_id].append((row[width], verdict_id, claim_id, *row[width + 1 :]))
    return verdicts, evidence


def visible_evidence_rows(page: QuerySet[Annotation]) -> QuerySet:
    evidence = belonging_to(page.filter(revealed=True), Evidence.objects.all(), "verdict__annotation")
    return evidence.order_by("verdict_id", "id").values_list(*EVIDENCE_FIELDS)


def grouped_by(rows: list[tuple], key: int) -> dict[int, list[tuple]]:
    """The rows in lists by the value of column ``key``, in their order."""
    found = defaultdict(list)
    for row in rows:
        found[row[key]].append(row)
    return found


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 with ``Z``, as the API writes date-times, from a date-time in UTC as the driver
    hands it over (naive from SQLite, aware from PostgreSQL, whose connection Django sets to UTC)."""
    if value is None:
        return None
    text = value.isoformat()
    return text + "Z" if value.tzinfo is None else text.replace("+00:00", "Z")


def final_rating(status: str, rating: str) -> str | None:
    """The published result: the final rating of agreed and resolved claims, else None."""
    return (rating or None) if status in PUBLISHED_STATUSES else None


def truth_value(rating: str | None) -> int | None:
    """The rating's position on the truth scale (1..5); None for ratings outside it."""
    return TRUTH_SCALE.get(rating) if rating else None


# JSONL


def claim_record(project: dict, claim: tuple, page: ClaimPage) -> dict:
    """One claim (a ``CLAIM_FIELDS`` tuple) as a JSONL line holds it; ``project`` is its project's
    ``{id, name}``. Date-times stay the driver's values, in UTC: :func:`encode_line` writes them."""
    (
        claim_id,
        _revealed,
        article_id,
        title,
        url,
        revision,
        start,
        end,
        quote,
        text,
        status,
        rating,
        orphaned,
        merged_into,
        author,
        created_at,
    ) = claim
    rating = final_rating(status, rating)
    return {
        "id": claim_id,
        "project": project,
        "article": {"id": article_id, "title": title, "url": url},
        "revision": revision,
        "span": {"start": start, "end": end, "unit": SPAN_UNIT},
        "quote": quote,
        "claim": text,
        "tags": page.tags.get(claim_id, []),
        "status": status,
        "final_rating": rating,
        "final_rating_value": truth_value(rating),
        "orphaned": bool(orphaned),
        "merged_into": merged_into,
        "author": author,
        "created_at": created_at,
        "verdicts": [verdict_record(verdict, page) for verdict in page.verdicts.get(claim_id, [])],
    }


def verdict_record(verdict: tuple, page: ClaimPage) -> dict:
    """One verdict (a ``VERDICT_FIELDS`` tuple) with its evidence, as a JSONL line nests it."""
    (
        verdict_id,
        _claim_id,
        reviewer,
        rating,
        blind_rating,
        independent,
        revised_after_reveal,
        confidence,
        rationale,
        created_at,
    ) = verdict
    return {
        "id": verdict_id,
        "reviewer": reviewer,
        "rating": rating,
        "blind_rating": blind_rating,
        "independent": bool(independent),
        "revised_after_reveal": bool(revised_after_reveal),
        "confidence": confidence,
        "rationale": rationale,
        "created_at": created_at,
        "evidence": [
            {"url": url, "title": title, "stance": stance, "quote": quote}
            for _id, _verdict, _claim, url, title, stance, quote in page.evidence.get(verdict_id, [])
        ],
    }


# orjson writes date-times as the API does (ISO 8601, ``Z``), naive ones (SQLite's) read as UTC.
LINE_OPTIONS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE
# U+2028 and U+2029 in UTF-8, and their JSON escapes.
LINE_SEPARATORS = {"\u2028".encode(): b"\\u2028", "\u2029".encode(): b"\\u2029"}


def encode_line(record: dict) -> bytes:
    """One JSONL line, UTF-8, ending in ``\\n``."""
    return orjson.dumps(record, option=LINE_OPTIONS)


def jsonl_stream(project: Project, claims: QuerySet[Annotation], *, chunk_size: int = CHUNK_SIZE):
    """The JSONL export of ``claims`` (of ``annotations_visible_to``), as UTF-8 bytes, a page at a time."""
    head = {"id": project.pk, "name": project.name}
    for page in claim_pages(claims, tags=True, verdicts=True, evidence=True, chunk_size=chunk_size):
        lines = b"".join([encode_line(claim_record(head, claim, page)) for claim in page.claims])
        # U+2028 and U+2029 are line breaks to str.splitlines() and to JavaScript; escaped, each
        # line break of the output ends a record.
        for separator in LINE_SEPARATORS:
            if separator in lines:
                lines = lines.replace(separator, LINE_SEPARATORS[separator])
        yield lines


# CSV

# A cell starting with one of these is read as a formula by spreadsheet programs; a leading
# apostrophe makes it text (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Tags of one claim share a cell, in name order.
TAG_SEPARATOR = "|"


def cell(value):
    """A value as a CSV cell: empty for None, true/false for booleans, text neutralized."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def claim_rows(project: Project, page: ClaimPage) -> Iterator[tuple]:
    for claim in page.claims:
        claim_id, _revealed, *article_to_claim, status, rating, orphaned, merged_into, author, created_at = (
            claim
        )
        rating = final_rating(status, rating)
        yield (
            claim_id,
            project.pk,
            project.name,
            *article_to_claim,
            TAG_SEPARATOR.join(page.tags.get(claim_id, [])),
            status,
            rating,
            truth_value(rating),
            orphaned,
            merged_into,
            author,
            timestamp(created_at),
        )


def verdict_rows(project: Project, page: ClaimPage) -> Iterator[tuple]:
    for verdicts in page.verdicts.values():
        for *verdict, created_at in verdicts:
            yield (*verdict, timestamp(created_at))


def evidence_rows(project: Project, page: ClaimPage) -> Iterator[tuple]:
    for items in page.evidence.values():
        yield from items


@dataclass(frozen=True)
class Table:
    """One CSV export: its file name, header and rows, and what of the claims its rows need."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[Project, ClaimPage], Iterator[tuple]]
    claim_fields: tuple = CLAIM_KEYS
    tags: bool = False
    verdicts: bool = False
    evidence: bool = False


CLAIMS = Table(
    name="claims",
    columns=(
        "claim_id",
        "project_id",
        "project_name",
        "article_id",
        "article_title",
        "article_url",
        "revision",
        "start",
        "end",
        "quote",
        "claim",
        "tags",
        "status",
        "final_rating",
        "final_rating_value",
        "orphaned",
        "merged_into",
        "author",
        "created_at",
    ),
    rows=claim_rows,
    claim_fields=CLAIM_FIELDS,
    tags=True,
)
VERDICTS = Table(
    name="claims-verdicts",
    columns=(
        "verdict_id",
        "claim_id",
        "reviewer",
        "rating",
        "blind_rating",
        "independent",
        "revised_after_reveal",
        "confidence",
        "rationale",
        "created_at",
    ),
    rows=verdict_rows,
    verdicts=True,
)
EVIDENCE = Table(
    name="claims-evidence",
    columns=("evidence_id", "verdict_id", "claim_id", "url", "title", "stance", "quote"),
    rows=evidence_rows,
    evidence=True,
)
TABLES = {table.name: table for table in (CLAIMS, VERDICTS, EVIDENCE)}


def csv_stream(
    table: Table, project: Project, claims: QuerySet[Annotation], *, chunk_size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """The CSV export ``table`` of ``claims`` (of ``annotations_visible_to``) as UTF-8 bytes: the
    header row first, then one page at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode()

    writer.writerow(table.columns)
    yield flush()
    pages = claim_pages(
        claims,
        fields=table.claim_fields,
        tags=table.tags,
        verdicts=table.verdicts,
        evidence=table.evidence,
        chunk_size=chunk_size,
    )
    for page in pages:
        writer.writerows([cell(value) for value in row] for row in table.rows(project, page))
        yield flush()

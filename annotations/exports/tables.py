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

Reading: the claims come in keyset pages of ``chunk_size`` (ids above the last page's, ascending),
then the page's tags, verdicts and evidence in one query apiece, each by the ids the page's rows
name (:func:`claim_pages` says why). Memory holds one page whatever the project's size, and every
page runs the same queries. The pages are separate autocommit queries rather than one
``.iterator()``: on PostgreSQL that would hold a named server-side cursor open across the whole
stream, outside any transaction (a streamed response's generator runs after its view has
returned). So an export is not one snapshot: a claim that changes while the export streams is
written as its page reads it.
"""

import csv
import gc
import io
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Lookup, QuerySet

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
    reveals its claim).

    Per page: the claims (on SQLite, after a query for the page's last id), then the tags, verdicts
    and evidence asked for, each read by the ids the page's rows name (:class:`AmongIds`), one
    table at a time: index lookups whatever the project's size. Each query is compiled once
    (:class:`Paged`). The export ends on a page with fewer than ``chunk_size`` claims.

    Why so, from the plans (``EXPLAIN ANALYZE`` at 100,000 claims, docs/scaling.md): a page bounded
    by an id range, or related rows bounded by a subquery of the page, made PostgreSQL hash all of
    the project's articles for every page (its cost grew with the project, not the page); with
    ``id > after ORDER BY id LIMIT n`` it walks the primary key and looks up each article once
    (memoized). SQLite instead computes every remaining claim's row before sorting such a query,
    so there the page's last id comes first, from the ids alone, and bounds the rows' query. A
    join of the verdicts with their evidence let PostgreSQL scan the whole evidence table once
    its estimate was right; evidence read by its verdicts' ids is an index scan.
    """
    claims = claims.select_related(None).prefetch_related(None).order_by("pk")
    # PostgreSQL walks the primary key from the bound and stops at the limit; SQLite needs both bounds.
    walks_ids = connections[claims.db].vendor == "postgresql"
    if walks_ids:
        last_id = None
        rows = Paged(claims.filter(pk__gt=Paged.AFTER).values_list(*fields)[:chunk_size])
    else:
        # The page's last id first, read from the ids alone: SQLite walks the claims by article
        # and then sorts ids rather than whole rows.
        last_id = Paged(claims.filter(pk__gt=Paged.AFTER).values_list("pk", flat=True)[chunk_size - 1 :][:1])
        rows = Paged(claims.filter(pk__gt=Paged.AFTER, pk__lte=Paged.UPTO).values_list(*fields))
    tag_query = Paged(tag_rows()) if tags else None
    # Evidence is read by its verdicts' ids, so the evidence table reads the verdicts' ids first.
    verdict_query = Paged(visible_verdict_rows(VERDICT_FIELDS if verdicts else ("id", "annotation_id")))
    verdict_query = verdict_query if verdicts or evidence else None
    evidence_query = Paged(evidence_rows_of_verdicts()) if evidence else None
    after = 0
    while True:
        if walks_ids:
            page_rows = rows.rows(after)
        else:
            found = last_id.rows(after)
            page_rows = rows.rows(after, found[0][0] if found else Paged.LAST_ID)
        if not page_rows:
            return
        page_tags = defaultdict(list)
        if tags:
            for claim_id, name in tag_query.rows(ids=[row[0] for row in page_rows]):
                page_tags[claim_id].append(name)
        page_verdicts, page_evidence = {}, {}
        if verdict_query is not None:
            # Verdicts by their claim: the second column.
            found_verdicts = verdict_query.rows(ids=[row[0] for row in page_rows if row[1]])
            page_verdicts = grouped_by(found_verdicts, 1) if verdicts else {}
            if evidence:
                claim_of = {row[0]: row[1] for row in found_verdicts}
                page_evidence = defaultdict(list)
                for evidence_id, verdict_id, *rest in evidence_query.rows(ids=list(claim_of)):
                    page_evidence[verdict_id].append((evidence_id, verdict_id, claim_of[verdict_id], *rest))
        yield ClaimPage(claims=page_rows, tags=page_tags, verdicts=page_verdicts, evidence=page_evidence)
        if len(page_rows) < chunk_size:
            return
        after = page_rows[-1][0]


class AmongIds(Lookup):
    """``lhs`` is one of a list of ids sent as one parameter: ``= ANY(%s::bigint[])`` with an array
    literal on PostgreSQL, ``IN (SELECT value FROM json_each(%s))`` with a JSON array on SQLite. One
    parameter whatever the list's length, and an index lookup per id on either database.

    Used as an expression, ``AmongIds(F("annotation_id"), Paged.IDS)``, with :class:`Paged`'s
    placeholder, which :meth:`Paged.rows` replaces with the page's ids."""

    lookup_name = "among_ids"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [value]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs}::bigint[])", [*lhs_params, *rhs_params]
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", [*lhs_params, *rhs_params]


class Paged:
    """A query of a claim page, compiled once and run for every page with its bounds.

    Built with the placeholders ``AFTER`` (claim ids above it), ``UPTO`` (up to it) and ``IDS``
    (:class:`AmongIds`' list), which no id takes; each run swaps in the page's own. Compiling the
    selectors' rules into SQL costs more than running the SQL on SQLite, so it is done once per
    export rather than once per page.

    The rows come as the database driver returns them, without Django's per-value conversion, the
    costliest step of an export per row after the database's own. On these columns it would change
    nothing but SQLite's date-times, naive in UTC, which the encoders take as UTC (:func:`timestamp`,
    :data:`LINE_OPTIONS`), and SQLite's 0/1 for boolean expressions such as ``revealed`` (columns
    are booleans already: Django registers SQLite's converters for them).
    """

    AFTER = -(2**62) + 7
    UPTO = -(2**62) + 11
    IDS = -(2**62) + 13
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
            index: value
            for index, value in enumerate(self.params)
            if value in (self.AFTER, self.UPTO, self.IDS)
        }

    def rows(self, after: int = 0, upto: int | None = None, *, ids: list[int] | None = None) -> list[tuple]:
        if self.sql is None:
            return []
        connection = connections[self.db]
        values = {self.AFTER: after, self.UPTO: upto}
        if ids is not None:
            # As text, an array literal or a JSON array: psycopg would quote a list element by
            # element, which took more time than the query.
            listed = ",".join(map(str, ids))
            values[self.IDS] = f"{{{listed}}}" if connection.vendor == "postgresql" else f"[{listed}]"
        params = self.params.copy()
        for index, placeholder in self.bounds.items():
            params[index] = values[placeholder]
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


def tag_rows() -> QuerySet:
    """(claim id, tag name) of the page's claims, in name order."""
    links = Annotation.tags.through.objects.filter(AmongIds(F("annotation_id"), Paged.IDS))
    return links.order_by("tag__name").values_list("annotation_id", "tag__name")


def visible_verdict_rows(fields: tuple) -> QuerySet:
    """The verdicts of the page's revealed claims (the ids given), by claim, oldest first."""
    verdicts = Verdict.objects.filter(AmongIds(F("annotation_id"), Paged.IDS))
    return verdicts.order_by("annotation_id", "created_at", "id").values_list(*fields)


# The columns read of a piece of evidence: EVIDENCE_FIELDS but for its claim's id, which its
# verdict's row gives.
EVIDENCE_OF_VERDICT_FIELDS = ("id", "verdict_id", "source__url", "source__title", "stance", "quote")


def evidence_rows_of_verdicts() -> QuerySet:
    """The evidence of the verdicts given, by verdict."""
    evidence = Evidence.objects.filter(AmongIds(F("verdict_id"), Paged.IDS))
    return evidence.order_by("verdict_id", "id").values_list(*EVIDENCE_OF_VERDICT_FIELDS)


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


def claim_records(project: dict, page: ClaimPage) -> Iterator[dict]:
    """The page's claims (``CLAIM_FIELDS`` tuples) as JSONL lines hold them, each with its tags and
    visible verdicts, each verdict with its evidence; ``project`` is the claims' project's ``{id,
    name}``. Date-times stay the driver's values, in UTC: :data:`LINE_OPTIONS` writes them.

    One loop with the fields unpacked by name, rather than a function per claim and per verdict:
    at 100,000 claims the calls cost as much as building the records."""
    tags, verdicts, evidence = page.tags, page.verdicts, page.evidence
    published, scale = PUBLISHED_STATUSES, TRUTH_SCALE
    for (
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
    ) in page.claims:
        # The published result: the final rating of agreed and resolved claims (final_rating).
        rating = (rating or None) if status in published else None
        yield {
            "id": claim_id,
            "project": project,
            "article": {"id": article_id, "title": title, "url": url},
            "revision": revision,
            "span": {"start": start, "end": end, "unit": SPAN_UNIT},
            "quote": quote,
            "claim": text,
            "tags": tags.get(claim_id, []),
            "status": status,
            "final_rating": rating,
            "final_rating_value": scale.get(rating) if rating else None,
            # Boolean columns come as booleans from both drivers (Django registers SQLite's
            # converter for them).
            "orphaned": orphaned,
            "merged_into": merged_into,
            "author": author,
            "created_at": created_at,
            "verdicts": [
                {
                    "id": verdict_id,
                    "reviewer": reviewer,
                    "rating": verdict_rating,
                    "blind_rating": blind_rating,
                    "independent": independent,
                    "revised_after_reveal": revised_after_reveal,
                    "confidence": confidence,
                    "rationale": rationale,
                    "created_at": judged_at,
                    "evidence": [
                        {"url": source_url, "title": source_title, "stance": stance, "quote": cited}
                        for _id, _verdict, _claim, source_url, source_title, stance, cited in evidence.get(
                            verdict_id, ()
                        )
                    ],
                }
                for (
                    verdict_id,
                    _claim_id,
                    reviewer,
                    verdict_rating,
                    blind_rating,
                    independent,
                    revised_after_reveal,
                    confidence,
                    rationale,
                    judged_at,
                ) in verdicts.get(claim_id, ())
            ],
        }


# orjson writes date-times as the API does (ISO 8601, ``Z``), naive ones (SQLite's) read as UTC.
LINE_OPTIONS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE
# U+2028 and U+2029 in UTF-8, and their JSON escapes.
LINE_SEPARATORS = {"\u2028".encode(): b"\\u2028", "\u2029".encode(): b"\\u2029"}


class CollectorPaused:
    """Python's cyclic garbage collector off while a page is read and written, back on before it
    is sent. A page allocates some 20,000 tuples, dicts and lists that reference counting frees;
    each 2,000 allocations started a collection that walked them (and, now and then, the whole
    heap): a tenth of the JSONL export's CPU at 100,000 claims. Threads share the collector, so
    it is turned off by the first page in progress and on again by the last, and a page holds it
    off for milliseconds; cycles other threads make meanwhile wait for the next collection."""

    lock = threading.Lock()
    holders = 0
    was_enabled = False

    def __enter__(self):
        with self.lock:
            if CollectorPaused.holders == 0:
                CollectorPaused.was_enabled = gc.isenabled()
                gc.disable()
            CollectorPaused.holders += 1

    def __exit__(self, *exc):
        with self.lock:
            CollectorPaused.holders -= 1
            if CollectorPaused.holders == 0 and CollectorPaused.was_enabled:
                gc.enable()


def jsonl_stream(project: Project, claims: QuerySet[Annotation], *, chunk_size: int = CHUNK_SIZE):
    """The JSONL export of ``claims`` (of ``annotations_visible_to``), as UTF-8 bytes, a page at a time."""
    head = {"id": project.pk, "name": project.name}
    dumps, options = orjson.dumps, LINE_OPTIONS
    pages = claim_pages(claims, tags=True, verdicts=True, evidence=True, chunk_size=chunk_size)
    while True:
        with CollectorPaused():
            lines = jsonl_page(head, next(pages, None), dumps, options)
        if lines is None:
            return
        yield lines


def jsonl_page(head: dict, page: ClaimPage | None, dumps, options) -> bytes | None:
    """The JSONL lines of one page (None for no page)."""
    if page is None:
        return None
    # Appended one at a time: each bytes object orjson returns keeps its whole working buffer
    # (about 8 KB for a line of 1 KB), so a page's lines held in a list took 12 MB, not 2.
    buffer = bytearray()
    for record in claim_records(head, page):
        buffer += dumps(record, option=options)
    lines = bytes(buffer)
    del buffer
    # U+2028 and U+2029 are line breaks to str.splitlines() and to JavaScript; escaped, each line
    # break of the output ends a record.
    for separator in LINE_SEPARATORS:
        if separator in lines:
            lines = lines.replace(separator, LINE_SEPARATORS[separator])
    return lines


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

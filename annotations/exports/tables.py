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
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from annotations.models import PUBLISHED_STATUSES, TRUTH_SCALE, Annotation, Evidence, Project, Verdict

CHUNK_SIZE = 1000

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
    reveals its claim). Read through :meth:`Page.of`, these are index scans, where the selectors'
    joins would be planned and run again over the project for every page.

    Per page: one query for the page's last id, one for its claims, and one each for tags,
    verdicts and evidence when asked for. The export ends on a page with fewer than ``chunk_size``
    claims.
    """
    claims = claims.select_related(None).prefetch_related(None).order_by("pk")
    after = 0
    while True:
        # The page's last id first, read from the ids alone: a planner that walks the claims in
        # another order (SQLite's, by article) then sorts ids rather than whole rows.
        last = next(
            iter(claims.filter(pk__gt=after).values_list("pk", flat=True)[chunk_size - 1 :][:1]), None
        )
        page = claims.filter(pk__gt=after) if last is None else claims.filter(pk__gt=after, pk__lte=last)
        rows = driver_rows(page.values_list(*fields))
        if not rows:
            return
        within = Page(after, last, page)
        yield ClaimPage(
            claims=rows,
            tags=tags_of(within) if tags else {},
            verdicts=verdicts_of(within) if verdicts else {},
            evidence=evidence_of(within) if evidence else {},
        )
        if last is None:
            return
        after = last


def driver_rows(rows: QuerySet) -> list[tuple]:
    """A values_list queryset's rows as the database driver returns them, without Django's
    per-value conversion, the costliest step of an export per row after the database's own.

    On these columns it would change nothing but SQLite's date-times, naive in UTC, which it makes
    aware (:func:`timestamp` takes either), and SQLite's 0/1 for boolean expressions such as
    ``revealed`` (columns are booleans already: Django registers SQLite's converters for them).
    """
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # filtered by an empty list of ids
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Page:
    """A page's claims: those of ``claims`` with ids above ``after``, up to ``last`` (if any)."""

    after: int
    last: int | None
    claims: QuerySet[Annotation]

    def of(self, related: QuerySet, claim: str = "annotation", *, revealed: bool = False) -> QuerySet:
        """The rows of ``related`` (``claim`` the path from them to their claim) that belong to the
        page's claims, or to its revealed claims only.

        Said twice: the claims as a subquery (those the filters keep), and their id range on the
        rows' own column, which the planners scan by index. Lists of ids would cost more to send
        (PostgreSQL) and the selectors' joins more to plan and run, again for every page.
        """
        claims = self.claims.filter(revealed=True) if revealed else self.claims
        related = related.filter(**{f"{claim}__in": claims, f"{claim}_id__gt": self.after})
        return related if self.last is None else related.filter(**{f"{claim}_id__lte": self.last})


def tags_of(page: Page) -> dict[int, list[str]]:
    found = defaultdict(list)
    links = page.of(Annotation.tags.through.objects.all()).order_by("tag__name")
    for claim_id, name in driver_rows(links.values_list("annotation_id", "tag__name")):
        found[claim_id].append(name)
    return found


def verdicts_of(page: Page) -> dict[int, list[tuple]]:
    found = defaultdict(list)
    verdicts = page.of(Verdict.objects.all(), revealed=True).order_by("annotation_id", "created_at", "id")
    for row in driver_rows(verdicts.values_list(*VERDICT_FIELDS)):
        found[row[1]].append(row)
    return found


def evidence_of(page: Page) -> dict[int, list[tuple]]:
    found = defaultdict(list)
    evidence = page.of(Evidence.objects.all(), "verdict__annotation", revealed=True).order_by(
        "verdict_id", "id"
    )
    for row in driver_rows(evidence.values_list(*EVIDENCE_FIELDS)):
        found[row[1]].append(row)
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
    ``{id, name}``."""
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
        "created_at": timestamp(created_at),
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
        "created_at": timestamp(created_at),
        "evidence": [
            {"url": url, "title": title, "stance": stance, "quote": quote}
            for _id, _verdict, _claim, url, title, stance, quote in page.evidence.get(verdict_id, [])
        ],
    }


def jsonl_stream(project: Project, claims: QuerySet[Annotation], *, chunk_size: int = CHUNK_SIZE):
    """The JSONL export of ``claims`` (of ``annotations_visible_to``), as UTF-8 bytes, a page at a time."""
    head = {"id": project.pk, "name": project.name}
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for page in claim_pages(claims, tags=True, verdicts=True, evidence=True, chunk_size=chunk_size):
        lines = "".join([encode(claim_record(head, claim, page)) + "\n" for claim in page.claims])
        # U+2028 and U+2029 are line breaks to str.splitlines() and to JavaScript; escaped, each
        # line break of the output ends a record.
        yield lines.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


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

"""Label Studio JSON exports of text projects: tasks become articles, span regions annotations,
and the regions' labels and choices verdicts, through a mapping the user gives.

The format (labelstud.io/guide/export, /guide/task_format, /tags/text): the export is a JSON list
of tasks ``{id, data: {text, ...}, annotations: [...], predictions: [...]}``; each annotation is
one person's work ``{id, completed_by, was_cancelled, result: [...]}``, where ``completed_by`` is a
user id or, in some versions, an object with ``id`` and ``email``. A span is a result of type
``labels`` whose ``value`` holds ``start``, ``end``, ``labels`` and (with the Text tag's default
``saveTextResult``) ``text``; a per-region ``choices`` or ``textarea`` result carries the ``id``
of its region (``parentID`` in some set-ups).

Offsets. The Text tag counts ``start``/``end`` in Unicode code points of ``data.text`` since its
frontend stopped using JavaScript string indices (label-studio-frontend #308, the fix of
label-studio #1008/#1347; the editor's own test ``tests/integration/e2e/ner/emoji.cy.ts`` expects
``start: 21`` for "test" in "🐱 Warning: This is a test text", where UTF-16 would say 22). Exports
made by older versions count UTF-16 code units, so an emoji before a span shifts it by one. Both
readings are tried and the one whose words equal the saved ``text`` is taken; where they differ
and no ``text`` was saved, the region is reported, not guessed. Every space and ``\\r\\n`` counts
(the Text tag's documentation), and articles keep canonical text (:mod:`annotations.text`), so
offsets are carried through the canonicalization exactly (:func:`canonical_positions`).

Who may import: members who may import articles (annotators and up) bring in their own work;
attributing annotations and verdicts to other members needs an editor, since it writes in their
names. A verdict needs its author to be a reviewer or higher, as any verdict does.
"""

import bisect
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.imports.limits import JOB_MAX_TASKS, MAX_ANNOTATIONS
from annotations.imports.report import ImportReport, flat
from annotations.limits import MAX_TAGS, QUOTE_MAX_LENGTH, TEXT_MAX_LENGTH
from annotations.models import Article, Confidence, Project, Rating, Role, Verdict
from annotations.models.annotations import TAG_NAME_MAX_LENGTH
from annotations.models.articles import TITLE_MAX_LENGTH
from annotations.models.verdicts import RATIONALE_MAX_LENGTH
from annotations.permissions import can, get_project_for, require_role
from annotations.services.articles import import_articles, url_key_of
from annotations.services.bulk import import_annotations
from annotations.text import canonical_text
from workbench.errors import ItemErrors, StateConflict

# Noncharacters: stable under NFC, neither space nor control, so canonicalization keeps them where
# they stand; one that the text does not hold marks the offsets being carried.
MARKERS = [chr(code) for code in range(0xFDD0, 0xFDF0)]
# The confidence of an imported verdict: Label Studio records none.
IMPORTED_CONFIDENCE = Confidence.MEDIUM


@dataclass
class Region:
    """One person's span of one task, in the article's canonical text."""

    where: str
    author: str
    start: int
    end: int
    quote: str
    tags: set[str] = field(default_factory=set)
    values: list[str] = field(default_factory=list)
    rationale: str = ""
    about: dict = field(default_factory=dict)


@dataclass
class Task:
    where: str
    title: str
    text: str
    url: str
    regions: list[Region] = field(default_factory=list)


def check_mapping(mapping) -> dict[str, str]:
    """The mapping of Label Studio values to ratings; "" maps a value to no verdict."""
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise ValidationError({"mapping": ["Give the mapping as an object: Label Studio value → rating."]})
    errors = {
        str(value): [f"Not a rating: choose one of {', '.join(Rating.values)}, or leave it empty."]
        for value, rating in mapping.items()
        if rating not in ("", None) and rating not in Rating.values
    }
    if errors:
        raise ValidationError({"mapping": [f"“{value}”: {reasons[0]}" for value, reasons in errors.items()]})
    return {str(value): rating or "" for value, rating in mapping.items()}


def utf16_offsets(text: str) -> list[int]:
    """UTF-16 code units before each code point of ``text`` (and after the last)."""
    units, offsets = 0, [0]
    for char in text:
        units += 2 if ord(char) > 0xFFFF else 1
        offsets.append(units)
    return offsets


def from_utf16(offsets: list[int], units: int) -> int | None:
    """The code point offset of a UTF-16 offset; None inside a surrogate pair or past the end."""
    index = bisect.bisect_left(offsets, units)
    return index if index < len(offsets) and offsets[index] == units else None


def same_words(raw: str, quote: str) -> bool:
    # The editor's results sometimes spell a line break as the two characters backslash and n.
    return raw == quote or raw.replace("\n", "\\n") == quote


def raw_span(text: str, units: list[int] | None, start, end, quote) -> tuple[int, int] | str:
    """The code point span of ``text`` that a result's offsets mean, or why there is none."""
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
        return "Its start and end are not whole numbers."
    if not 0 <= start < end:
        return f"Its offsets {start}..{end} are not a span."
    readings = [(start, end)]
    if units is not None:
        as_units = (from_utf16(units, start), from_utf16(units, end))
        if None not in as_units and as_units != (start, end):
            readings.append(as_units)
    readings = [(s, e) for s, e in readings if e <= len(text)]
    if not readings:
        return f"Its offsets {start}..{end} lie past the end of the text ({len(text)} characters)."
    if not isinstance(quote, str):
        if len(readings) > 1:
            return (
                "No text was saved with it, and an emoji before it makes its offsets mean different "
                "words in code points and in UTF-16 units."
            )
        return readings[0]
    matching = [(s, e) for s, e in readings if same_words(text[s:e], quote)]
    if not matching:
        s, e = readings[0]
        return f"The text at {start}..{end} reads “{text[s:e][:80]}”, not its saved text."
    return matching[0]


def canonical_positions(raw: str, canonical: str, positions) -> dict[int, int]:
    """Where each offset of ``raw`` lands in ``canonical`` (``canonical_text(raw)``). An offset
    that splits what canonicalization joins or drops (a letter and its combining accent, spaces
    at a line's end) has no place and is left out."""
    marker = next((m for m in MARKERS if m not in raw), None)
    if marker is None:
        return {}

    def carried(points: list[int]) -> dict[int, int] | None:
        pieces, last = [], 0
        for point in points:
            pieces += [raw[last:point], marker]
            last = point
        pieces.append(raw[last:])
        marked = canonical_text("".join(pieces))
        if marked.replace(marker, "") != canonical:
            return None
        found = [index for index, char in enumerate(marked) if char == marker]
        return {point: index - seen for seen, (point, index) in enumerate(zip(points, found, strict=True))}

    points = sorted(set(positions))
    if not points:
        return {}
    if (together := carried(points)) is not None:
        return together
    alone = {}
    for point in points:
        if (one := carried([point])) is not None:
            alone |= one
    return alone


def author_key(completed_by) -> tuple[str, dict]:
    """The key an author goes by in the report and the mapping (their Label Studio id, else their
    e-mail), and what the export says of them."""
    if isinstance(completed_by, Mapping):
        about = {
            name: completed_by[name]
            for name in ("id", "email", "username", "first_name", "last_name")
            if isinstance(completed_by.get(name), (str, int)) and completed_by.get(name) != ""
        }
        key = str(about.get("id", about.get("email", "")))
        return key, about
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return str(completed_by), {"id": completed_by}
    if isinstance(completed_by, str) and completed_by:
        return completed_by, {"email": completed_by} if "@" in completed_by else {"username": completed_by}
    return "", {}


def tasks_of(export) -> list:
    if isinstance(export, Mapping):
        export = [export]
    if not isinstance(export, list):
        raise ValidationError({"export": ["A Label Studio JSON export is a list of tasks."]})
    if len(export) > JOB_MAX_TASKS:
        raise ValidationError(
            {"export": [f"At most {JOB_MAX_TASKS} tasks an import; import the rest in parts."]}
        )
    return export


def read_tasks(export, *, mapping: dict[str, str], text_field: str, report: ImportReport) -> list[Task]:
    """The export's tasks with their regions placed on canonical text; what cannot be read or
    placed goes into ``report``. No database access."""
    tasks, n_regions = [], 0
    for position, task in enumerate(tasks_of(export)):
        task_id = task.get("id", position + 1) if isinstance(task, Mapping) else position + 1
        where = f"Task {task_id}"
        data = task.get("data") if isinstance(task, Mapping) else None
        raw = data.get(text_field) if isinstance(data, Mapping) else None
        if isinstance(raw, str) and len(raw) > TEXT_MAX_LENGTH:
            report.skip(where, f"Its text is longer than {TEXT_MAX_LENGTH} characters.")
            continue
        canonical = canonical_text(raw) if isinstance(raw, str) else ""
        if not canonical:
            report.skip(where, f"It has no text in data.{text_field}.")
            continue
        read = read_task(task, where=where, raw=raw, canonical=canonical, mapping=mapping, report=report)
        read.title = title_of(data, task_id)
        read.url = url_of(data, where, report)
        n_regions += len(read.regions)
        if n_regions > MAX_ANNOTATIONS:
            raise ValidationError(
                {"export": [f"At most {MAX_ANNOTATIONS} regions an import; import the rest in parts."]}
            )
        tasks.append(read)
    return tasks


def title_of(data: Mapping, task_id) -> str:
    for name in ("title", "headline", "name"):
        if isinstance(data.get(name), str) and data[name].strip():
            return data[name].strip()[:TITLE_MAX_LENGTH]
    return f"Label Studio task {task_id}"


def url_of(data: Mapping, where: str, report: ImportReport) -> str:
    url = data.get("url")
    if not isinstance(url, str) or not url.strip():
        return ""
    try:
        Article._meta.get_field("url").clean(url.strip(), None)
        url_key_of(url.strip())
    except ValidationError:
        report.skip(where, f"Its url “{url[:200]}” is not a web address; the article has none.")
        return ""
    return url.strip()


def strings(value) -> list[str]:
    """The strings of a result's list value (``labels``, ``choices``, a textarea's ``text``)."""
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [one for one in values if isinstance(one, str)]


def region_key(result: Mapping, name: str) -> str | None:
    """A result's ``id`` (or ``parentID``) as the key that ties it to its region."""
    value = result.get(name)
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def read_task(task: Mapping, *, where: str, raw: str, canonical: str, mapping, report: ImportReport) -> Task:
    units = utf16_offsets(raw) if any(ord(char) > 0xFFFF for char in raw) else None
    found = []
    predictions = task.get("predictions")
    if isinstance(predictions, list) and predictions:
        report.skip(where, f"{len(predictions)} prediction(s): model output is not imported.")
    annotations = task.get("annotations") or []
    for number, annotation in enumerate(annotations if isinstance(annotations, list) else [], start=1):
        if not isinstance(annotation, Mapping):
            continue
        label = f"{where}, annotation {annotation.get('id', number)}"
        if annotation.get("was_cancelled"):
            report.skip(label, "It was skipped (cancelled) in Label Studio.")
            continue
        key, about = author_key(annotation.get("completed_by"))
        results = annotation.get("result")
        results = (
            [result for result in results if isinstance(result, Mapping)] if isinstance(results, list) else []
        )
        # One region may carry several ``labels`` results (one per Labels tag), all with its id.
        spans: dict[str, list[Mapping]] = {}
        for position, result in enumerate(results):
            if result.get("type") == "labels" and isinstance(result.get("value"), Mapping):
                spans.setdefault(region_key(result, "id") or f"#{position}", []).append(result)
        extras = defaultdict(list)
        for result in results:
            kind = result.get("type")
            if kind == "labels":
                continue
            keys = (region_key(result, name) for name in ("parentID", "id"))
            region_id = next((key for key in keys if key in spans), None)
            if kind in ("choices", "textarea") and region_id is not None:
                extras[region_id].append(result)
            elif kind == "choices":
                report.skip(label, "A choice about the whole task, not about a span, is not imported.")
            elif kind == "relation":
                report.skip(label, "Relations between regions are not imported.")
            else:
                report.skip(label, f"A result of type “{str(kind)[:40]}” is not a text span.")
        for region_id, parts in spans.items():
            value = parts[0]["value"]
            span_where = f"{label}, region {region_id}"
            span = raw_span(raw, units, value.get("start"), value.get("end"), value.get("text"))
            if isinstance(span, str):
                report.unplace(span_where, str(value.get("text", ""))[:200], span)
                continue
            region = Region(span_where, key, *span, quote="", about=about)
            labels = [name for part in parts for name in strings(part["value"].get("labels"))]
            region.tags = {name.strip() for name in labels if 0 < len(name.strip()) <= TAG_NAME_MAX_LENGTH}
            region.values = list(dict.fromkeys(labels))
            for extra in extras[region_id]:
                extra_value = extra.get("value") if isinstance(extra.get("value"), Mapping) else {}
                if extra.get("type") == "choices":
                    region.values += strings(extra_value.get("choices"))
                else:
                    region.rationale = "\n".join(strings(extra_value.get("text"))).strip()
            found.append(region)
    places = canonical_positions(raw, canonical, [n for r in found for n in (r.start, r.end)])
    read = Task(where=where, title="", text=canonical, url="")
    for region in found:
        start, end = places.get(region.start), places.get(region.end)
        quote = raw[region.start : region.end]
        if start is None or end is None or start >= end:
            report.unplace(
                region.where,
                quote[:200],
                "Its edge splits characters that the article's canonical text joins or drops "
                "(a letter and its accent, spaces at the end of a line).",
            )
            continue
        if end - start > QUOTE_MAX_LENGTH:
            report.unplace(region.where, quote[:200], f"It marks more than {QUOTE_MAX_LENGTH} characters.")
            continue
        region.start, region.end, region.quote = start, end, canonical[start:end]
        for value in region.values:
            report.labels_found[value] += 1
            if value not in mapping:
                report.unmapped_labels[value] += 1
        read.regions.append(region)
    return read


def resolve_authors(
    project, tasks: list[Task], *, authors: Mapping | None, fallback_author: str | None, report: ImportReport
) -> dict[str, object]:
    """Each author key of the export → the member whose work it becomes (None: left out).

    A key maps through ``authors`` (Label Studio id or e-mail → username) first, else to the
    member with that e-mail or username; an author no member answers to is reported, and their
    work goes to ``fallback_author`` when given. Only members of the project are considered.
    """
    User = get_user_model()
    members = list(User.objects.filter(memberships__project=project))
    by_username = {user.get_username(): user for user in members}
    by_email = {user.email.lower(): user for user in members if user.email}
    authors = authors or {}
    if not isinstance(authors, Mapping):
        raise ValidationError(
            {"authors": ["Give the authors as an object: Label Studio id or e-mail → username."]}
        )
    unknown = [
        f"“{key}”: no member of this project is called “{name}”."
        for key, name in authors.items()
        if not isinstance(name, str) or name not in by_username
    ]
    if unknown:
        raise ValidationError({"authors": unknown})
    fallback = None
    if fallback_author:
        fallback = by_username.get(fallback_author)
        if fallback is None:
            raise ValidationError(
                {"fallback_author": [f"No member of this project is called “{fallback_author}”."]}
            )
    seen: dict[str, dict] = {}
    counts = Counter()
    for task in tasks:
        for region in task.regions:
            seen.setdefault(region.author, region.about)
            counts[region.author] += 1
    people = {}
    for key, about in seen.items():
        named = authors.get(key) or authors.get(str(about.get("email", "")))
        user = by_username.get(named) if named else None
        user = user or by_email.get(str(about.get("email", "")).lower())
        user = user or by_username.get(str(about.get("username", "")))
        if user is None:
            report.unmapped_authors[key or "(none)"] = {**about, "regions": counts[key]}
            user = fallback
        people[key] = user
    return people


@dataclass
class Item:
    """One annotation to import for one member: the regions (of that member, on one span) behind it."""

    where: str
    task: int
    start: int
    end: int
    quote: str
    tags: set[str] = field(default_factory=set)
    ratings: set[str] = field(default_factory=set)
    rationale: str = ""


def import_labelstudio(
    *,
    actor,
    project_id: int,
    export,
    mapping: Mapping | None = None,
    authors: Mapping | None = None,
    fallback_author: str | None = None,
    text_field: str = "text",
    dry_run: bool = False,
) -> ImportReport:
    """Import a Label Studio JSON export into the project, all or nothing; with ``dry_run``, do
    the same and roll it back, so that the report says exactly what an import would do.

    Each task with text becomes an article (or re-imports the article of its ``data.url``, see
    :func:`import_articles`); each placed region an annotation by its author (the same span gives
    back the existing annotation), tagged with its labels; a region whose labels and choices map
    to one rating gets that author's verdict (:func:`import_annotations`). Unplaced regions,
    unmapped values and authors, and work left out are in the report. Raises Http404 for projects
    the actor cannot see, PermissionDenied when work goes to another member and the actor is not
    an editor, ValidationError naming the field for a bad export, mapping or author.
    """
    project = get_project_for(actor, project_id, role=Role.ANNOTATOR)
    mapping = check_mapping(mapping)
    report = ImportReport(dry_run=dry_run)
    tasks = read_tasks(export, mapping=mapping, text_field=text_field, report=report)
    people = resolve_authors(project, tasks, authors=authors, fallback_author=fallback_author, report=report)
    if any(user is not None and user.pk != actor.pk for user in people.values()):
        require_role(actor, project, Role.EDITOR)
    with transaction.atomic():
        write(actor=actor, project=project, tasks=tasks, people=people, mapping=mapping, report=report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def write(*, actor, project, tasks: list[Task], people: dict, mapping: dict, report: ImportReport) -> None:
    if not tasks:
        return
    imported = import_articles(
        actor=actor,
        items=[
            {
                "project": project.pk,
                "title": task.title,
                "text": task.text,
                **({"url": task.url} if task.url else {}),
            }
            for task in tasks
        ],
    )
    report.articles_created = sum(created for _article, created in imported)
    report.articles_existing = len(imported) - report.articles_created
    by_author: dict[object, dict[tuple, Item]] = defaultdict(dict)
    for number, task in enumerate(tasks):
        for region in task.regions:
            user = people.get(region.author)
            if user is None:
                report.skip(
                    region.where, "Its author is not a member of this project, and no fallback was chosen."
                )
                continue
            item = by_author[user].setdefault(
                (number, region.start, region.end),
                Item(region.where, number, region.start, region.end, region.quote),
            )
            item.tags |= region.tags
            item.ratings |= {mapping[value] for value in region.values if mapping.get(value)}
            item.rationale = item.rationale or region.rationale
    articles = [article for article, _created in imported]
    judged = set(
        Verdict.objects.filter(
            reviewer__in=list(by_author),
            annotation__revision__in=[article.current_revision_id for article in articles],
            annotation__orphaned=False,
        ).values_list("reviewer", "annotation__revision", "annotation__start", "annotation__end")
    )
    # A fresh project: the caller's carries the caller's role, which ``can`` would read.
    reviewers = {user.pk for user in by_author if can(user, Project(pk=project.pk), Role.REVIEWER)}
    for user in sorted(by_author, key=lambda user: user.pk):
        items = list(by_author[user].values())
        payload = [
            annotation_item(user, item, articles[item.task], user.pk in reviewers, judged, report)
            for item in items
        ]
        try:
            placed = import_annotations(actor=user, items=payload)
        except ItemErrors as error:
            reasons = [
                f"{items[position].where}: {'; '.join(flat(fields))}"
                for position, fields in sorted(error.errors.items())
            ]
            raise (StateConflict if error.conflict else ValidationError)({"export": reasons}) from None
        report.annotations_created += sum(created for _annotation, created in placed)
        report.annotations_existing += sum(not created for _annotation, created in placed)
        report.verdicts_created += sum(1 for entry in payload if "verdict" in entry)


def annotation_item(user, item: Item, article, reviewer: bool, judged: set, report: ImportReport) -> dict:
    entry = {
        "article": article.pk,
        "start": item.start,
        "end": item.end,
        "quote": item.quote,
        "tags": sorted(item.tags)[:MAX_TAGS],
    }
    if not item.ratings:
        return entry
    who = user.get_username()
    if len(item.ratings) > 1:
        report.skip(
            item.where, f"Its values map to several ratings ({', '.join(sorted(item.ratings))}): no verdict."
        )
    elif not reviewer:
        report.skip(item.where, f"{who} is not a reviewer in this project: no verdict.")
    elif (user.pk, article.current_revision_id, item.start, item.end) in judged:
        report.skip(item.where, f"{who} already gave a verdict on this claim: it is kept.")
    else:
        verdict = {"rating": next(iter(item.ratings)), "confidence": IMPORTED_CONFIDENCE}
        if len(item.rationale) > RATIONALE_MAX_LENGTH:
            report.skip(
                item.where, f"Its rationale is longer than {RATIONALE_MAX_LENGTH} characters: left out."
            )
        elif item.rationale:
            verdict["rationale"] = item.rationale
        entry["verdict"] = verdict
    return entry

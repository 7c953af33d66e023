"""A whole project as one archive file, and back: the desk's backup and its way to move a project.

An archive is one JSON document::

    {"format": "fact-check-workbench/project", "format_version": 1, "exported_at": "...",
     "users": [{"username": ..., ...}], "project": {...}, "tables": {"memberships": [...], ...}}

Each row keeps the id it had where it was exported; an import gives every row a new id and
follows the references through a map from old ids to new ones, so an archive can go into a
database that already holds other projects. People are named by username: an import matches
them to existing accounts and creates the missing ones inactive, without a password, so that
nobody can log in as them until an administrator activates the account.

:data:`TABLES` names every field of every model of a project, and how each one travels (as it
is, as a username, or as a reference into the archive); the tests check that no model and no
field is left out, so that a field added later cannot be silently dropped from backups.
"""

import datetime
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max, Model, Q
from django.utils import timezone
from rest_framework.exceptions import ParseError

from annotations.models import (
    Adjudication,
    Annotation,
    Article,
    ArticleRevision,
    Assignment,
    ClaimDocument,
    ClaimLink,
    Disagreement,
    DisagreementKind,
    Evidence,
    Highlight,
    HistoryEntry,
    ImportJob,
    Membership,
    Project,
    Role,
    Tag,
    UserPreferences,
    Verdict,
)
from sources.models import Domain, Source
from workbench.parsers import check_shape

FORMAT = "fact-check-workbench/project"
FORMAT_VERSION = 1
# An uploaded archive is read into memory and decoded whole, so its size is bounded; a desk's
# project of thousands of articles stays well below it.
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024
# Python's JSON decoder recurses once per level: deeper input is refused before it is decoded.
# The deepest legitimate value is a history entry's before/after, a few levels down.
MAX_ARCHIVE_DEPTH = 32
BATCH_SIZE = 500

User = get_user_model()
USER_FIELDS = ("username", "first_name", "last_name", "email")


class ArchiveError(ValidationError):
    """An archive that cannot be imported: unreadable, of another format or version, or inconsistent."""


@dataclass(frozen=True)
class Table:
    """How one model's rows of a project travel in an archive.

    ``fields`` are copied as they are; ``users`` are foreign keys to people, written as their
    usernames; ``refs`` are foreign keys to rows of other tables of the archive (or of this one),
    by table name; ``tags`` is the name of a many-to-many field to the tags table. A project
    foreign key is the imported project. ``scope`` holds the lookups (OR-ed) that reach the
    project from this model, and ``within`` those (AND-ed) that must all reach it too: a row
    that points outside the project (a claim linked to another project's claim) cannot travel.
    ``ids`` are plain integer columns holding ids, remapped by :meth:`Importer.remap_history`.
    """

    name: str
    model: type[Model]
    scope: tuple[str, ...]
    fields: tuple[str, ...]
    users: tuple[str, ...] = ()
    refs: dict[str, str] = field(default_factory=dict)
    tags: str | None = None
    ids: tuple[str, ...] = ()
    within: tuple[str, ...] = ()

    @property
    def has_project(self) -> bool:
        return self.scope == ("project",)


PROJECT_FIELDS = (
    "name",
    "required_verdicts",
    "publisher_name",
    "publisher_url",
    "review_url_template",
    "created_at",
)

# In the order of import: each table refers only to tables above it, except the references
# that :func:`import_project` sets once every row exists (an article's current revision, a merge).
TABLES = (
    Table(
        "memberships",
        Membership,
        ("project",),
        ("role", "review_blind", "created_at"),
        users=("user",),
    ),
    Table("tags", Tag, ("project",), ("name",)),
    Table(
        "articles",
        Article,
        ("project",),
        ("title", "url", "url_key", "publisher", "author", "published_at", "language", "created_at"),
        users=("created_by",),
        refs={"current_revision": "revisions"},
    ),
    Table(
        "revisions",
        ArticleRevision,
        ("article__project",),
        ("number", "text", "created_at"),
        users=("created_by",),
        refs={"article": "articles"},
    ),
    Table(
        "annotations",
        Annotation,
        ("article__project",),
        (
            "start",
            "end",
            "quote",
            "prefix",
            "suffix",
            "claim",
            "claim_changed_at",
            "status",
            "final_rating",
            "orphaned",
            "version",
            "created_at",
            "updated_at",
        ),
        users=("author",),
        refs={"article": "articles", "revision": "revisions", "merged_into": "annotations"},
        tags="tags",
    ),
    Table(
        "highlights",
        Highlight,
        ("annotation__article__project",),
        ("created_at",),
        users=("user",),
        refs={"annotation": "annotations"},
    ),
    Table(
        "domains",
        Domain,
        ("project",),
        ("domain", "reliability", "note", "created_at", "updated_at"),
    ),
    Table(
        "sources",
        Source,
        ("project",),
        (
            "url",
            "domain",
            "title",
            "publisher",
            "kind",
            "accessed_on",
            "archived_url",
            "reliability",
            "added_as_evidence",
            "created_at",
            "updated_at",
        ),
        users=("added_by",),
    ),
    Table(
        "verdicts",
        Verdict,
        ("annotation__article__project",),
        (
            "rating",
            "blind_rating",
            "independent",
            "revised_after_reveal",
            "confidence",
            "rationale",
            "version",
            "created_at",
            "updated_at",
        ),
        users=("reviewer",),
        refs={"annotation": "annotations"},
    ),
    Table(
        "adjudications",
        Adjudication,
        ("annotation__article__project",),
        ("rating", "rationale", "created_at", "superseded_at"),
        users=("editor",),
        refs={"annotation": "annotations"},
    ),
    Table(
        "evidence",
        Evidence,
        ("verdict__annotation__article__project", "adjudication__annotation__article__project"),
        ("stance", "quote", "created_at"),
        refs={"verdict": "verdicts", "adjudication": "adjudications", "source": "sources"},
    ),
    Table(
        "disagreements",
        Disagreement,
        ("project",),
        ("kind", "severity", "categorical", "status", "resolution", "opened_at", "closed_at"),
        users=("resolved_by",),
        refs={"annotation": "annotations", "other_annotation": "annotations"},
    ),
    Table(
        "history",
        HistoryEntry,
        ("project",),
        ("object_type", "action", "at", "before", "after"),
        users=("actor",),
        ids=("object_id", "annotation_id"),
    ),
    Table(
        "assignments",
        Assignment,
        ("project",),
        ("created_at",),
        users=("assignee", "assigned_by"),
        refs={"article": "articles", "annotation": "annotations"},
    ),
    Table(
        "claim_links",
        ClaimLink,
        ("claim__article__project",),
        ("linked_at",),
        users=("linked_by",),
        refs={"claim": "annotations", "same_as": "annotations"},
        within=("same_as__article__project",),
    ),
    # The record of the imports run for the project; their payload and report are kept as written.
    Table(
        "import_jobs",
        ImportJob,
        ("project",),
        ("kind", "status", "payload", "report", "error", "created_at", "started_at", "finished_at"),
        users=("created_by",),
        refs={"article": "articles"},
    ),
)
TABLE_OF = {table.name: table for table in TABLES}

# Models of the apps that are not a project's rows, and why they do not travel.
NOT_CARRIED = {
    # Written by database triggers from the claims themselves, so an import rebuilds it.
    ClaimDocument: "derived from the claims",
    # A person's settings, not the project's.
    UserPreferences: "a person's preferences",
}

# A history entry's object, by its object_type, and the ids its before/after values name, by key.
HISTORY_OBJECT_TABLES = {
    "annotation": "annotations",
    "verdict": "verdicts",
    "evidence": "evidence",
    "adjudication": "adjudications",
    "article": "articles",
}
HISTORY_VALUE_IDS = {
    "annotation": "annotations",
    "merged_into": "annotations",
    "article": "articles",
    "revision": "revisions",
    "verdict": "verdicts",
    "adjudication": "adjudications",
    "source": "sources",
    "moved_verdicts": "verdicts",
    "left_verdicts": "verdicts",
    "same_claim_as": "annotations",
}


# --- Export -----------------------------------------------------------------------------------


def encode(value):
    """A field's value as JSON; dates and times in ISO 8601, to the microsecond."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def rows_of(project: Project, table: Table) -> list[Model]:
    lookups = Q()
    for lookup in table.scope:
        lookups |= Q(**{lookup: project})
    for lookup in table.within:
        lookups &= Q(**{lookup: project})
    return list(table.model.objects.filter(lookups).order_by("pk"))


def row_values(table: Table, obj: Model, usernames: dict[int, str], tags: dict[int, list[int]]) -> dict:
    row = {"id": obj.pk}
    for name in table.fields:
        row[name] = encode(obj._meta.get_field(name).value_from_object(obj))
    for name in table.users:
        user_id = getattr(obj, f"{name}_id")
        row[name] = None if user_id is None else usernames[user_id]
    for name in (*table.refs, *table.ids):
        row[name] = getattr(obj, name if name in table.ids else f"{name}_id")
    if table.tags:
        row[table.tags] = tags.get(obj.pk, [])
    return row


@contextmanager
def consistent_snapshot() -> Iterator[None]:
    """One transaction whose reads all see the same moment. PostgreSQL's default (read committed)
    gives each statement its own snapshot, so a write between two of the export's queries could
    leave, say, evidence of a verdict that is not in the archive; repeatable read prevents that.
    SQLite's transaction reads from one snapshot already. Inside a caller's transaction its
    isolation stands: it can only be chosen before the transaction's first query."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def export_project(project: Project) -> dict:
    """The archive of ``project``: every row of it, in one consistent read. A fixed number of
    queries (one per table, one for the annotations' tags, one for the people)."""
    with consistent_snapshot():
        project = Project.objects.get(pk=project.pk)
        rows = {table.name: rows_of(project, table) for table in TABLES}
        through = Annotation.tags.through.objects.filter(annotation__article__project=project)
        tags = defaultdict(list)
        for annotation_id, tag_id in through.order_by("annotation_id", "tag_id").values_list(
            "annotation_id", "tag_id"
        ):
            tags[annotation_id].append(tag_id)
        user_ids = {project.created_by_id}
        for table in TABLES:
            for obj in rows[table.name]:
                user_ids.update(getattr(obj, f"{name}_id") for name in table.users)
        people = list(User.objects.filter(pk__in=user_ids - {None}).order_by("username"))
    usernames = {user.pk: user.username for user in people}
    project_row = {
        "id": project.pk,
        **{name: encode(project._meta.get_field(name).value_from_object(project)) for name in PROJECT_FIELDS},
        "created_by": usernames.get(project.created_by_id),
    }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "users": [{name: getattr(user, name) for name in USER_FIELDS} for user in people],
        "project": project_row,
        "tables": {
            table.name: [row_values(table, obj, usernames, tags) for obj in rows[table.name]]
            for table in TABLES
        },
    }


def archive_bytes(project: Project) -> bytes:
    """The archive of ``project`` as the UTF-8 JSON file a desk downloads."""
    return json.dumps(export_project(project), ensure_ascii=False, indent=1).encode()


def archive_filename(project: Project) -> str:
    return f"project-{project.pk}-{timezone.now():%Y%m%d-%H%M%S}.json"


# --- Import -----------------------------------------------------------------------------------


def read_archive(data: bytes) -> dict:
    """Decode an archive file, checking its size, its nesting, its format and its version first.
    Raises ArchiveError with a sentence saying what is wrong."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ArchiveError(f"The archive is larger than {MAX_ARCHIVE_BYTES // (1024 * 1024)} MiB.")
    try:
        check_shape(data, MAX_ARCHIVE_DEPTH, MAX_ARCHIVE_BYTES)
        archive = json.loads(data)
    except ParseError as error:
        raise ArchiveError(f"The archive nests deeper than {MAX_ARCHIVE_DEPTH} levels.") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise ArchiveError(f"The file is not a JSON archive: {error}.") from None
    check_header(archive)
    return archive


def check_header(archive) -> None:
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise ArchiveError(f"The file is not a project archive (its “format” is not “{FORMAT}”).")
    version = archive.get("format_version")
    if version != FORMAT_VERSION:
        raise ArchiveError(
            f"The archive is of format version {version!r}; this workbench reads version "
            f"{FORMAT_VERSION} only. Import it with the workbench version that wrote it.",
            code="format_version",
        )
    for key, kind in (("users", list), ("project", dict), ("tables", dict)):
        if not isinstance(archive.get(key), kind):
            raise ArchiveError(f"The archive has no “{key}”.")
    for table in TABLES:
        rows = archive["tables"].get(table.name)
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ArchiveError(f"The archive's table “{table.name}” is missing or is not a list of rows.")


def is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def history_refs(row: dict) -> Iterator[tuple[str, object]]:
    """``(table name, id)`` of each row a history entry names: its object, its claim, and the ids
    in its before/after values (:data:`HISTORY_VALUE_IDS`)."""
    yield HISTORY_OBJECT_TABLES[row["object_type"]], row.get("object_id")
    yield "annotations", row.get("annotation_id")
    for key in ("before", "after"):
        values = row.get(key)
        if isinstance(values, dict):
            for name, table_name in HISTORY_VALUE_IDS.items():
                value = values.get(name)
                for item in value if isinstance(value, list) else [value]:
                    if is_id(item):
                        yield table_name, item


def remap_values(values, new_ids: dict[str, dict[int, int]]):
    """A history entry's before or after with the ids it names replaced by their new ones."""
    if not isinstance(values, dict):
        return values
    remapped = dict(values)
    for name, table_name in HISTORY_VALUE_IDS.items():
        value = values.get(name)
        if isinstance(value, list):
            remapped[name] = [new_ids[table_name][item] if is_id(item) else item for item in value]
        elif is_id(value):
            remapped[name] = new_ids[table_name][value]
    return remapped


class Importer:
    """One import: the new project, the people by username, and each table's new ids by old id."""

    def __init__(self, archive: dict):
        self.archive = archive
        self.ids: dict[str, dict[int, int]] = defaultdict(dict)
        self.users: dict[str, Model] = {}
        self.project: Project | None = None

    @staticmethod
    def fail(where: str, message: str):
        raise ArchiveError(f"{where}: {message}")

    def clean(self, model: type[Model], name: str, value, where: str):
        try:
            return model._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            self.fail(f"{where}, {name}", " ".join(error.messages))

    def user(self, username, where: str):
        if username is None:
            return None
        if not isinstance(username, str) or username not in self.users:
            self.fail(where, f"names {username!r}, who is not among the archive's users.")
        return self.users[username]

    def new_id(self, table_name: str, old, where: str) -> int | None:
        if old is None:
            return None
        if not is_id(old) or old not in self.ids[table_name]:
            self.fail(where, f"refers to {table_name} row {old!r}, which the archive does not hold.")
        return self.ids[table_name][old]

    def import_users(self) -> None:
        rows = self.archive["users"]
        for index, row in enumerate(rows):
            if not isinstance(row, dict) or not isinstance(row.get("username"), str):
                self.fail(f"users row {index}", "has no username.")
        usernames = Counter(row["username"] for row in rows)
        if twice := sorted(name for name, n in usernames.items() if n > 1):
            self.fail("users", f"names {', '.join(twice)} more than once.")
        self.users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        missing = []
        for index, row in enumerate(rows):
            if row["username"] in self.users:
                continue
            values = {
                name: self.clean(User, name, row.get(name, ""), f"users row {index}") for name in USER_FIELDS
            }
            user = User(**values, is_active=False, password=make_password(None))
            self.users[user.username] = user
            missing.append(user)
        User.objects.bulk_create(missing)

    def import_project(self) -> None:
        row = self.archive["project"]
        values = {name: self.clean(Project, name, row.get(name), "project") for name in PROJECT_FIELDS}
        self.project = Project.objects.create(
            **values, created_by=self.user(row.get("created_by"), "project")
        )
        Project.objects.filter(pk=self.project.pk).update(created_at=values["created_at"])

    def import_table(self, table: Table) -> list[tuple[Model, dict]]:
        """Create the table's rows with new ids, in the archive's order (so new ids keep the old
        ones' order). References to tables imported later wait for :meth:`link_later`."""
        rows = self.archive["tables"][table.name]
        olds = [row.get("id") for row in rows]
        if not all(is_id(old) for old in olds) or len(set(olds)) != len(olds):
            self.fail(table.name, "every row needs an id of its own.")
        now = self.linked_at_insert(table)
        objects = []
        for index, row in enumerate(rows):
            where = f"{table.name} row {index}"
            values = {name: self.clean(table.model, name, row.get(name), where) for name in table.fields}
            values.update({name: self.user(row.get(name), where) for name in table.users})
            values.update({f"{name}_id": self.new_id(table.refs[name], row.get(name), where) for name in now})
            if table.has_project:
                values["project"] = self.project
            objects.append(table.model(**values))
        if table.model is HistoryEntry:
            self.remap_history(objects, rows)
        if table.model is Disagreement:
            order_span_pairs(objects)
        created = table.model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        self.ids[table.name].update(zip(olds, (obj.pk for obj in created), strict=True))
        # auto_now and auto_now_add set the time of the insert: the archive's times go back in.
        stamped = [
            f.name
            for f in table.model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        if stamped and created:
            for index, (obj, row) in enumerate(zip(created, rows, strict=True)):
                for name in stamped:
                    setattr(
                        obj, name, self.clean(table.model, name, row.get(name), f"{table.name} row {index}")
                    )
            table.model.objects.bulk_update(created, stamped, batch_size=BATCH_SIZE)
        return list(zip(created, rows, strict=True))

    @staticmethod
    def linked_at_insert(table: Table) -> list[str]:
        """The references of ``table`` to tables imported before it."""
        earlier = {other.name for other in TABLES[: TABLES.index(table)]}
        return [name for name, target in table.refs.items() if target in earlier]

    def link_later(self, table: Table, pairs: list[tuple[Model, dict]]) -> None:
        """Set the references to rows created after ``table``'s own: an article's current
        revision, the claim a merged claim was merged into."""
        late = [name for name in table.refs if name not in self.linked_at_insert(table)]
        if not late or not pairs:
            return
        for index, (obj, row) in enumerate(pairs):
            for name in late:
                where = f"{table.name} row {index}"
                setattr(obj, f"{name}_id", self.new_id(table.refs[name], row.get(name), where))
        table.model.objects.bulk_update([obj for obj, _ in pairs], late, batch_size=BATCH_SIZE)

    def link_tags(self, table: Table, pairs: list[tuple[Model, dict]]) -> None:
        through = table.model._meta.get_field(table.tags).remote_field.through
        links = []
        for index, (obj, row) in enumerate(pairs):
            where = f"{table.name} row {index}, {table.tags}"
            tags = row.get(table.tags) or []
            if not isinstance(tags, list):
                self.fail(where, "is not a list of tag ids.")
            links += [through(annotation_id=obj.pk, tag_id=self.new_id("tags", tag, where)) for tag in tags]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    def remap_history(self, entries: list[HistoryEntry], rows: list[dict]) -> None:
        """Give history entries the new ids of the rows they name. A row deleted before the export
        (replaced evidence, a deleted claim) is named by an id reserved for it: the same in every
        entry that names it, and one that no new row of its table will take."""
        gone = defaultdict(set)
        for index, (entry, row) in enumerate(zip(entries, rows, strict=True)):
            if not is_id(row.get("object_id")):
                self.fail(f"history row {index}, object_id", "is not an id.")
            row = {**row, "object_type": entry.object_type}
            for table_name, old in history_refs(row):
                if old is not None and not is_id(old):
                    self.fail(f"history row {index}", f"names {table_name} {old!r}, which is not an id.")
                if old is not None and old not in self.ids[table_name]:
                    gone[table_name].add(old)
        for table_name, olds in gone.items():
            reserved = reserve_ids(TABLE_OF[table_name].model, len(olds))
            self.ids[table_name].update(zip(sorted(olds), reserved, strict=True))
        for entry, row in zip(entries, rows, strict=True):
            entry.object_id = self.ids[HISTORY_OBJECT_TABLES[entry.object_type]][row["object_id"]]
            old_claim = row.get("annotation_id")
            entry.annotation_id = None if old_claim is None else self.ids["annotations"][old_claim]
            entry.before = remap_values(entry.before, self.ids)
            entry.after = remap_values(entry.after, self.ids)


def order_span_pairs(disagreements: list[Disagreement]) -> None:
    """A span disagreement names the annotation with the lower id first (a database rule); new
    ids keep the archive's order, but this does not rely on it."""
    for disagreement in disagreements:
        if disagreement.kind == DisagreementKind.SPAN and (
            disagreement.other_annotation_id is not None
            and disagreement.annotation_id > disagreement.other_annotation_id
        ):
            disagreement.annotation_id, disagreement.other_annotation_id = (
                disagreement.other_annotation_id,
                disagreement.annotation_id,
            )


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` ids of ``model``'s table that no row holds and no later insert will take."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite's AUTOINCREMENT never hands out an id at or below the table's sqlite_sequence row.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(found[0] if found else 0, model.objects.aggregate(top=Max("pk"))["top"] or 0)
        if found:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start + count, table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start + count])
    return list(range(start + 1, start + count + 1))


@transaction.atomic
def import_project(archive: dict, *, importer=None) -> Project:
    """Create a new project from ``archive`` (as :func:`read_archive` gives it), in one transaction.

    People are matched by username and created inactive, without a password, when absent. Every
    row gets a new id; the references between rows, and the ids that history entries name, follow.
    ``importer``, when given and not a member of the archived project, joins it as an admin, so
    that the person who imported it can reach it. Raises ArchiveError naming the table, row and
    field of the first problem; then nothing is written.
    """
    check_header(archive)
    state = Importer(archive)
    try:
        state.import_users()
        state.import_project()
        created = {table.name: state.import_table(table) for table in TABLES}
        for table in TABLES:
            state.link_later(table, created[table.name])
            if table.tags:
                state.link_tags(table, created[table.name])
    except IntegrityError as error:
        raise ArchiveError(f"The archive breaks a rule of the database: {error}") from None
    except DatabaseError as error:
        raise ArchiveError(f"The archive holds a value the database refuses: {error}") from None
    if importer is not None and not Membership.objects.filter(project=state.project, user=importer).exists():
        Membership.objects.create(project=state.project, user=importer, role=Role.ADMIN)
    return state.project

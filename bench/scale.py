"""A PostgreSQL database at scale: 200,000 articles and 2,000,000 claims with verdicts, by COPY.

The state is what the services would leave, written directly as rows (psycopg's ``COPY ... FROM
STDIN``) so that it takes minutes rather than the days the HTTP path would:

- one desk of users (``<prefix>editor``, ``<prefix>annotator``, ``<prefix>reviewer1..3``, each with
  an API token) who are members of every project (editor, annotator, reviewers);
- ``projects`` projects (``required_verdicts`` 2) sharing the articles evenly; an article holds one
  revision of about ``text_size`` characters of prose with its claims' sentences in it (each with a
  non-ASCII letter, so code points and bytes differ);
- per article ``claims / articles`` claims, each an annotation whose ``start``/``end`` count code
  points of the revision's text, whose ``quote`` is ``text[start:end]`` and whose ``prefix`` and
  ``suffix`` are the 32 code points around it (:func:`annotations.anchoring.context_of`);
- per claim, blind (independent) verdicts of two of the three reviewers (the first reviewer is the
  claim's author and judged every other claim), and a highlight per reviewer, as the bulk path
  writes them; about 10 % of the claims have only their author's verdict (``needs_review``);
- statuses as :func:`annotations.services.review.derived_status` derives them: equal ratings
  ``agreed`` with that final rating, differing ones ``disputed`` with an open verdict disagreement
  (its severity the distance on the truth scale, or ``categorical``); 30 % of the disputes are
  settled by the editor: an adjudication, the disagreement ``resolved``, the claim ``resolved``;
- evidence (one source of the project's 100) behind every fourth verdict;
- each claim's search document (``ClaimDocument``, for similar claims), as its trigger writes it.

History entries (the audit log) and tags are not written. Ids are given explicitly, above those
already in the tables, and the identity sequences are moved past them at the end; the tables are
analyzed, so the planner's estimates are those of a loaded database.

How it is fast (measured at 20,000 articles, 200,000 claims on a shared 2-core machine: 142 s
before, 78-95 s after; under heavier load 304 s against 145-178 s; docs/scaling.md):

- the foreign keys and plain indexes of the loaded tables are set aside and re-created after the
  load (:func:`set_checks_aside`);
- the per-claim trigger that writes a claim's search document is off during the load, and the
  documents are written afterwards by one INSERT ... SELECT per connection (the trigger's plpgsql
  call, its to_tsvector and two GIN indexes took every claim one at a time: about 70 % of the
  old load phase);
- the next batch of rows is drawn in a thread while the database takes in the last one;
- the documents, the index builds (the GIN ones, CPU-bound, first) and ANALYZE run side by side,
  on one connection per core (:func:`run_jobs`).

While it fills, claims written by others get no search document: fill a database of its own.

From the command line (the database is created and migrated first with ``--create``; ``--drop``
drops it at the end)::

    .venv/bin/python -m bench.scale postgres://workbench:...@127.0.0.1:5432/wb_scale --create \\
        --articles 200000 --claims 2000000

From code, e.g. to measure another read at this size::

    from bench.scale import create_database, fill, drop_database
    create_database(url)                 # CREATE DATABASE, then manage.py migrate
    filled = fill(url, articles=200_000, claims=2_000_000)
    filled.projects                      # project ids, the first the largest
    filled.tokens["reviewer1"]           # an API token of each desk user
    drop_database(url)

:func:`fill` needs a migrated database (any rows already there are left alone) and writes in
batches of ``batch_articles`` articles, one transaction each.
"""

import argparse
import importlib
import os
import random
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from queue import Full, Queue
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

RATINGS = ["false", "mostly_false", "mixed", "mostly_true", "true", "misleading", "unverifiable"]
TRUTH_SCALE = {"false": 1, "mostly_false": 2, "mixed": 3, "mostly_true": 4, "true": 5}
ROLES = {"editor": 30, "annotator": 10, "reviewer1": 20, "reviewer2": 20, "reviewer3": 20}
REQUIRED_VERDICTS = 2
SOURCES_PER_PROJECT = 100
CONTEXT_WIDTH = 32
PROSE = """the minister said unemployment fell percent last year while prices rose in the capital
according to figures released by the statistics office on tuesday officials confirmed that troops
volunteers hospitals schools budget billion million households"""
WORDS = PROSE.split()

TABLES = {
    "auth_user": None,
    "annotations_project": None,
    "annotations_article": (
        "id",
        "project_id",
        "title",
        "url",
        "url_key",
        "publisher",
        "author",
        "published_at",
        "language",
        "current_revision_id",
        "created_by_id",
        "created_at",
    ),
    "annotations_articlerevision": ("id", "article_id", "number", "text", "created_by_id", "created_at"),
    "annotations_annotation": (
        "id",
        "article_id",
        "revision_id",
        "start",
        "end",
        "quote",
        "prefix",
        "suffix",
        "claim",
        "status",
        "final_rating",
        "orphaned",
        "version",
        "author_id",
        "created_at",
        "updated_at",
    ),
    "annotations_highlight": ("annotation_id", "user_id", "created_at"),
    "annotations_verdict": (
        "id",
        "annotation_id",
        "reviewer_id",
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
    "annotations_evidence": ("verdict_id", "source_id", "stance", "quote", "created_at"),
    "annotations_adjudication": ("id", "annotation_id", "editor_id", "rating", "rationale", "created_at"),
    "annotations_disagreement": (
        "project_id",
        "kind",
        "annotation_id",
        "severity",
        "categorical",
        "status",
        "resolution",
        "resolved_by_id",
        "opened_at",
        "closed_at",
    ),
    # Not copied: written from the claims after the load (:func:`claim_documents`).
    "annotations_claimdocument": None,
}
# The tables whose foreign keys and plain indexes are set aside during the load.
SET_ASIDE = [table for table, columns in TABLES.items() if columns] + ["annotations_claimdocument"]
# The trigger that writes each new claim's search document (migration 0014), one row at a time;
# off during the load, its rows written by one statement afterwards.
CLAIM_DOCUMENT_TRIGGER = "annotations_claim_document_insert"
# Connections that re-create the indexes side by side (the machine's cores; index builds, the
# GIN ones above all, are CPU-bound and each runs on one).
WORKERS = max(2, min(4, os.cpu_count() or 2))


@dataclass
class Filled:
    """What :func:`fill` wrote: project ids (the first the largest), the desk's user ids and API
    tokens by name (``editor``, ``annotator``, ``reviewer1``..), rows per table, and seconds."""

    projects: list[int]
    users: dict[str, int]
    tokens: dict[str, str]
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def connect(database_url: str, **options):
    import psycopg

    return psycopg.connect(database_url, **options)


def admin_url(database_url: str) -> tuple[str, str]:
    """The URL of the cluster's ``postgres`` database, and the name of the one ``database_url`` names."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def create_database(database_url: str) -> None:
    """Create the database ``database_url`` names (dropping one of that name) and migrate it."""
    url, name = admin_url(database_url)
    with connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
    )


def drop_database(database_url: str) -> None:
    url, name = admin_url(database_url)
    with connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_size(database_url: str) -> int:
    with connect(database_url) as connection:
        return connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def django_ready() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
    django.setup()


def url_key(url: str) -> str:
    """The article's ``url_key`` as import computes it."""
    django_ready()
    from annotations.services.articles import url_key_of

    return url_key_of(url)


def paragraph_pool(rng: random.Random, count: int = 2000) -> list[str]:
    """Paragraphs of prose to build articles from: drawn once, so an article costs a few draws."""
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 70))).capitalize() + "."
        for _ in range(count)
    ]


def article_text(
    rng: random.Random, pool: list[str], index: int, claims: int, size: int
) -> tuple[str, list[tuple[int, int]]]:
    """About ``size`` characters of prose holding ``claims`` sentences, and their spans (code points)."""
    paragraphs = []
    length, budget = 0, max(0, size - claims * 64)
    while length < budget:
        paragraphs.append(rng.choice(pool))
        length += len(paragraphs[-1]) + 2
    sentences = [
        f"Claim {index}.{i} says {rng.randint(2, 99)},{rng.randint(100, 999)} people came to Café Zoë."
        for i in range(claims)
    ]
    step = max(1, len(paragraphs) // max(1, claims))
    for i, sentence in enumerate(sentences):
        paragraphs.insert(min(len(paragraphs), i * (step + 1)), sentence)
    text = "\n\n".join(paragraphs)
    spans = []
    for sentence in sentences:
        start = text.index(sentence)
        spans.append((start, start + len(sentence)))
    return text, spans


def next_ids(cursor, tables) -> dict[str, int]:
    return {
        table: cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
        for table in tables
    }


def desk(cursor, prefix: str, now: datetime) -> tuple[dict[str, int], dict[str, str]]:
    """The desk's users (created when missing) and an API token each."""
    users, tokens = {}, {}
    for name in ROLES:
        username = f"{prefix}{name}"
        cursor.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,"
            " is_staff, is_active, date_joined) VALUES ('!', false, %s, '', '', '', false, true, %s)"
            " ON CONFLICT (username) DO NOTHING",
            [username, now],
        )
        users[name] = cursor.execute("SELECT id FROM auth_user WHERE username = %s", [username]).fetchone()[0]
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)"
            " ON CONFLICT (user_id) DO NOTHING",
            [secrets.token_hex(20), now, users[name]],
        )
        tokens[name] = cursor.execute(
            "SELECT key FROM authtoken_token WHERE user_id = %s", [users[name]]
        ).fetchone()[0]
    return users, tokens


def make_projects(cursor, count: int, users: dict[str, int], now: datetime) -> list[int]:
    projects = []
    for number in range(count):
        cursor.execute(
            "INSERT INTO annotations_project (name, required_verdicts, created_at, created_by_id,"
            " publisher_name, publisher_url, review_url_template) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " RETURNING id",
            [
                f"Scale desk {number + 1}",
                REQUIRED_VERDICTS,
                now,
                users["editor"],
                "Scale Fact Check",
                "https://factcheck.example.org/",
                "https://factcheck.example.org/claims/{claim_id}",
            ],
        )
        project = cursor.fetchone()[0]
        projects.append(project)
        for name, role in ROLES.items():
            cursor.execute(
                "INSERT INTO annotations_membership (role, created_at, user_id, project_id, review_blind)"
                " VALUES (%s, %s, %s, %s, false)",
                [role, now, users[name], project],
            )
    return projects


def make_sources(cursor, projects: list[int], users: dict[str, int], now: datetime) -> dict[int, list[int]]:
    sources = {}
    for project in projects:
        sources[project] = []
        for number in range(SOURCES_PER_PROJECT):
            cursor.execute(
                "INSERT INTO sources_source (url, domain, title, publisher, kind, archived_url, reliability,"
                " created_at, updated_at, project_id, added_as_evidence, added_by_id) VALUES"
                " (%s, 'stats.example.org', %s, '', 'other', '', '', %s, %s, %s, true, %s) RETURNING id",
                [
                    f"https://stats.example.org/table/{number}",
                    f"Table {number}",
                    now,
                    now,
                    project,
                    users["reviewer1"],
                ],
            )
            sources[project].append(cursor.fetchone()[0])
    return sources


@dataclass
class SetAside:
    """What :func:`set_checks_aside` dropped: the statements that re-create it, the indexes by
    table and the foreign keys."""

    indexes: dict[str, list[str]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)


def set_checks_aside(cursor) -> SetAside:
    """Drop the foreign keys and the plain (non-unique) indexes of the tables :func:`fill` loads
    (and of the claims' search documents), and return the statements that re-create them as they
    were.

    Deferred foreign keys check each row at commit, one query per row and key, and each index
    takes every row as it comes (a GIN index of words or trigrams, a dozen entries a row); re-created
    after the load, a key is checked by one join and an index is built by one sort, as pg_restore
    does it. Primary keys and unique constraints stay: they check the rows written."""
    keys = cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        [SET_ASIDE],
    ).fetchall()
    indexes = cursor.execute(
        "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
        " FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique",
        [SET_ASIDE],
    ).fetchall()
    aside = SetAside()
    for table, name, definition in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        aside.keys.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for table, name, definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
        aside.indexes.setdefault(table, []).append(definition)
    return aside


def claim_text_sql(row: str) -> str:
    """What a claim is searched by, as migration 0014's trigger computes it from ``row``."""
    django_ready()
    migration = importlib.import_module("annotations.migrations.0014_claim_matching")
    return migration.PG_CLAIM_TEXT.format(row=row)


def claim_documents(first_id: int, last_id: int) -> str:
    """The search documents of the claims ``first_id`` to ``last_id``, in one statement: the rows
    the trigger set aside during the load would have written one at a time (the document's own
    trigger computes its tsvector, as for any insert)."""
    return (
        "INSERT INTO annotations_claimdocument (annotation_id, project_id, language, text)"
        f" SELECT claim.id, article.project_id, article.language, {claim_text_sql('claim')}"
        " FROM annotations_annotation claim JOIN annotations_article article ON article.id = claim.article_id"
        f" WHERE claim.merged_into_id IS NULL AND claim.id BETWEEN {int(first_id)} AND {int(last_id)}"
    )


@dataclass
class Job:
    """A statement to run once the jobs named in ``after`` are done."""

    name: str
    statement: str
    after: set[str] = field(default_factory=set)


def run_jobs(database_url: str, jobs: list[Job], workers: int = WORKERS) -> None:
    """Run ``jobs`` over ``workers`` connections (autocommit, each statement its own transaction):
    each connection takes the first job in the list whose ``after`` are done. Raises the first
    error once the running jobs end; the jobs not started then are left."""
    lock = threading.Condition()
    pending, done, running, errors = list(jobs), set(), set(), []

    def ready():
        return next((job for job in pending if job.after <= done), None)

    def work():
        with connect(database_url, autocommit=True) as connection:
            # Index builds sort in memory up to this much, rather than on disk.
            connection.execute("SET maintenance_work_mem = '256MB'")
            while True:
                with lock:
                    while not errors and pending and ready() is None:
                        lock.wait()
                    if errors or not pending:
                        return
                    job = ready()
                    pending.remove(job)
                    running.add(job.name)
                try:
                    connection.execute(job.statement)
                except BaseException as error:
                    with lock:
                        errors.append(error)
                        lock.notify_all()
                    return
                with lock:
                    running.discard(job.name)
                    done.add(job.name)
                    lock.notify_all()

    threads = [threading.Thread(target=work) for _ in range(min(workers, len(jobs)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    if pending:
        raise RuntimeError(f"jobs waiting on jobs never done: {[job.name for job in pending]}")


DOCUMENTS_TABLE = "annotations_claimdocument"


def finish_jobs(aside: SetAside, documents: list[str], *, analyze: bool) -> list[Job]:
    """After the load: the claims' search ``documents`` (statements), the indexes set aside
    (those of the documents once they are written), the foreign keys one after another in one
    job (two keys of one table, or of tables that name each other, would wait on each other's
    locks), and with ``analyze`` each table's ANALYZE once its indexes are back (an expression
    index has statistics of its own). GIN indexes (words, trigrams: many entries a row, the text
    parsed) take most of the time, so they start first and the B-trees fill the other
    connections meanwhile."""
    document_jobs = [Job(f"documents {number}", statement) for number, statement in enumerate(documents)]
    index_jobs: dict[str, list[Job]] = {}
    for table, definitions in aside.indexes.items():
        after = {job.name for job in document_jobs} if table == DOCUMENTS_TABLE else set()
        index_jobs[table] = [Job(definition, definition, after) for definition in definitions]
    every_index = [job for found in index_jobs.values() for job in found]
    gin = [job for job in every_index if "USING gin" in job.statement]
    btree = [job for job in every_index if "USING gin" not in job.statement]
    analyses = []
    if analyze:
        for table in TABLES:
            analyses.append(
                Job(f"analyze {table}", f"ANALYZE {table}", {job.name for job in index_jobs.get(table, [])})
            )
    # The revisions' statistics cost most (their text, an expression index): next once it can run.
    costly = [job for job in analyses if job.name == "analyze annotations_articlerevision"]
    jobs = [
        *gin[:1],
        *document_jobs,
        *costly,
        *gin[1:],
        *btree,
        *[job for job in analyses if job not in costly],
    ]
    if aside.keys:
        jobs.append(Job("keys", ";\n".join(aside.keys), {job.name for job in every_index}))
    return jobs


def finish_load(
    database_url: str,
    connection,
    aside: SetAside,
    trigger,
    first_claim: int,
    last_claim: int,
    *,
    analyze: bool,
):
    """Turn the claims' search document trigger back on, write the documents of the claims
    ``first_claim`` to ``last_claim`` and restore what :func:`set_checks_aside` dropped
    (:func:`finish_jobs`)."""
    documents = []
    if trigger:
        connection.execute(f"ALTER TABLE annotations_annotation ENABLE TRIGGER {CLAIM_DOCUMENT_TRIGGER}")
        connection.commit()
        chunk = max(1, -(-(last_claim - first_claim + 1) // WORKERS))
        documents = [
            claim_documents(low, min(last_claim, low + chunk - 1))
            for low in range(first_claim, last_claim + 1, chunk)
        ]
    run_jobs(database_url, finish_jobs(aside, documents, analyze=analyze))


def prefetched(items):
    """``items`` (an iterator), drawn one ahead in a thread of its own: the next batch is built
    while the database takes in the last one (the copy waits on the server, letting the thread
    run). The thread stops when the loop over it ends early."""
    queue: Queue = Queue(maxsize=1)
    stop = threading.Event()
    end = object()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                queue.put(entry, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def draw():
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((end, None))
        except BaseException as error:  # handed to the loop, which raises it
            put((end, error))

    thread = threading.Thread(target=draw, daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue.get()
            if error is not None:
                raise error
            if item is end:
                return
            yield item
    finally:
        stop.set()
        thread.join()


class Batch:
    """The rows of one batch of articles, by table, in ``TABLES``' column order."""

    def __init__(self):
        self.rows = {table: [] for table, columns in TABLES.items() if columns}

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def copy(self, cursor) -> dict[str, int]:
        counts = {}
        for table, rows in self.rows.items():
            if not rows:
                continue
            columns = ", ".join(f'"{column}"' for column in TABLES[table])
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            counts[table] = len(rows)
        return counts


def fill(
    database_url: str,
    *,
    articles: int = 200_000,
    claims: int = 2_000_000,
    projects: int = 20,
    seed: int = 15,
    text_size: int = 3000,
    batch_articles: int = 5000,
    prefix: str = "scale-",
    progress=print,
) -> Filled:
    """Fill the migrated PostgreSQL database ``database_url`` with ``articles`` articles and
    ``claims`` claims (``claims // articles`` an article) in ``projects`` projects, as the module
    says. The first project is the largest when they cannot be equal. Returns what was written."""
    started = time.perf_counter()
    rng = random.Random(seed)
    pool = paragraph_pool(rng)
    per_article = max(1, claims // articles)
    now = datetime.now(UTC)
    # Articles come in a day apart at most, oldest first, so that ids and times go up together.
    clock = now - timedelta(days=365)
    step = timedelta(seconds=max(1, 365 * 86400 // (articles + 1)))
    with connect(database_url) as connection, connection.cursor() as cursor:
        users, tokens = desk(cursor, prefix, now)
        project_ids = make_projects(cursor, projects, users, now)
        sources = make_sources(cursor, project_ids, users, now)
        connection.commit()
        reviewers = [users["reviewer1"], users["reviewer2"], users["reviewer3"]]
        ids = next_ids(
            cursor,
            (
                "annotations_article",
                "annotations_articlerevision",
                "annotations_annotation",
                "annotations_verdict",
                "annotations_adjudication",
            ),
        )
        connection.commit()
        share = -(-articles // projects)
        # The article urls' keys, computed by import's own function once, then by its pattern.
        key = url_key("https://news.example.org/scale/1")
        key_of = key[: -len("1")]
        first_claim = ids["annotations_annotation"]
        aside = set_checks_aside(cursor)
        trigger = cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgrelid = 'annotations_annotation'::regclass AND tgname = %s",
            [CLAIM_DOCUMENT_TRIGGER],
        ).fetchone()
        if trigger:
            cursor.execute(f"ALTER TABLE annotations_annotation DISABLE TRIGGER {CLAIM_DOCUMENT_TRIGGER}")
        connection.commit()
        totals: dict[str, int] = {}

        def batches():
            """The batches of rows in order, each with the articles and claims written by its end."""
            nonlocal clock
            claim_index = 0
            for first in range(0, articles, batch_articles):
                batch = Batch()
                for index in range(first, min(articles, first + batch_articles)):
                    project = project_ids[min(index // share, projects - 1)]
                    article_id = ids["annotations_article"]
                    revision_id = ids["annotations_articlerevision"]
                    ids["annotations_article"] += 1
                    ids["annotations_articlerevision"] += 1
                    clock += step
                    text, spans = article_text(rng, pool, index, per_article, text_size)
                    batch.add(
                        "annotations_article",
                        (
                            article_id,
                            project,
                            f"Article {index}: what the figures say",
                            f"https://news.example.org/scale/{index}",
                            f"{key_of}{index}",
                            "The Daily Example",
                            "A. Reporter",
                            clock - timedelta(hours=6),
                            "en",
                            revision_id,
                            users["annotator"],
                            clock,
                        ),
                    )
                    batch.add(
                        "annotations_articlerevision",
                        (revision_id, article_id, 1, text, users["annotator"], clock),
                    )
                    for start, end in spans:
                        add_claim(
                            batch,
                            rng,
                            ids,
                            claim_index=claim_index,
                            project=project,
                            article_id=article_id,
                            revision_id=revision_id,
                            text=text,
                            span=(start, end),
                            at=clock,
                            reviewers=reviewers,
                            editor=users["editor"],
                            sources=sources[project],
                        )
                        claim_index += 1
                yield batch, min(articles, first + batch_articles), claim_index

        def finish(*, analyze: bool):
            last_claim = ids["annotations_annotation"] - 1
            finish_load(database_url, connection, aside, trigger, first_claim, last_claim, analyze=analyze)

        try:
            # The next batch is drawn while the database takes in the last one.
            for batch, done, claims_done in prefetched(batches()):
                for table, count in batch.copy(cursor).items():
                    totals[table] = totals.get(table, 0) + count
                connection.commit()
                took = time.perf_counter() - started
                progress(f"  {done:>9,} articles, {claims_done:>10,} claims ({took:6.0f} s)")
        except BaseException:
            connection.rollback()
            finish(analyze=False)
            raise
        for table in ids:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        connection.commit()
        started_checks = time.perf_counter()
        finish(analyze=True)
        took = time.perf_counter() - started_checks
        progress(f"  claim search documents, indexes and keys written, tables analyzed in {took:.0f} s")
    return Filled(
        projects=project_ids, users=users, tokens=tokens, rows=totals, seconds=time.perf_counter() - started
    )


def add_claim(
    batch: Batch,
    rng: random.Random,
    ids: dict[str, int],
    *,
    claim_index: int,
    project: int,
    article_id: int,
    revision_id: int,
    text: str,
    span: tuple[int, int],
    at: datetime,
    reviewers: list[int],
    editor: int,
    sources: list[int],
) -> None:
    """One claim with its verdicts, highlights, and dispute or adjudication, as the services leave them."""
    start, end = span
    claim_id = ids["annotations_annotation"]
    ids["annotations_annotation"] += 1
    pair = reviewers[:2] if claim_index % 2 == 0 else reviewers[1:]
    if rng.random() < 0.1:
        ratings = [rng.choice(RATINGS)]
    elif rng.random() < 0.8:
        ratings = [rng.choice(RATINGS)] * 2
    else:
        ratings = rng.sample(RATINGS, 2)
    status, final, adjudicated = "needs_review", "", False
    if len(set(ratings)) > 1:
        status = "disputed"
        if rng.random() < 0.3:
            status, final, adjudicated = "resolved", ratings[0], True
    elif len(ratings) >= REQUIRED_VERDICTS:
        status, final = "agreed", ratings[0]
    created = at + timedelta(seconds=1)
    batch.add(
        "annotations_annotation",
        (
            claim_id,
            article_id,
            revision_id,
            start,
            end,
            text[start:end],
            text[max(0, start - CONTEXT_WIDTH) : start],
            text[end : end + CONTEXT_WIDTH],
            "",
            status,
            final,
            False,
            1,
            pair[0],
            created,
            created,
        ),
    )
    given = created
    for reviewer, rating in zip(pair, ratings, strict=False):
        given += timedelta(seconds=1)
        verdict_id = ids["annotations_verdict"]
        ids["annotations_verdict"] += 1
        batch.add("annotations_highlight", (claim_id, reviewer, given))
        batch.add(
            "annotations_verdict",
            (
                verdict_id,
                claim_id,
                reviewer,
                rating,
                rating,
                True,
                False,
                "medium",
                f"Checked against the {rating} figures of the statistics office.",
                1,
                given,
                given,
            ),
        )
        if verdict_id % 4 == 0:
            batch.add(
                "annotations_evidence",
                (verdict_id, sources[verdict_id % len(sources)], "refutes", "the table", given),
            )
    if len(set(ratings)) > 1:
        positions = [TRUTH_SCALE.get(rating) for rating in ratings]
        categorical = None in positions
        severity = None if categorical else max(positions) - min(positions)
        settled = given + timedelta(seconds=1)
        rationale = "The office's table settles it." if adjudicated else ""
        if adjudicated:
            adjudication_id = ids["annotations_adjudication"]
            ids["annotations_adjudication"] += 1
            batch.add(
                "annotations_adjudication", (adjudication_id, claim_id, editor, final, rationale, settled)
            )
        batch.add(
            "annotations_disagreement",
            (
                project,
                "verdict",
                claim_id,
                severity,
                categorical,
                "resolved" if adjudicated else "open",
                rationale,
                editor if adjudicated else None,
                given,
                settled if adjudicated else None,
            ),
        )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database_url", help="a postgres:// URL")
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--claims", type=int, default=2_000_000)
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--text-size", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--create", action="store_true", help="create (or re-create) and migrate the database"
    )
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    if args.create:
        create_database(args.database_url)
    filled = fill(
        args.database_url,
        articles=args.articles,
        claims=args.claims,
        projects=args.projects,
        text_size=args.text_size,
        seed=args.seed,
    )
    print(f"filled in {filled.seconds:.0f} s: " + ", ".join(f"{t} {n:,}" for t, n in filled.rows.items()))
    print(f"projects {filled.projects}; database {database_size(args.database_url) / 2**30:.2f} GB")
    if args.drop:
        drop_database(args.database_url)


if __name__ == "__main__":
    main()

"""The workbench as a production server, driven over HTTP: latency, throughput, CPU, SQL, memory.

The server is the one ``./desk serve`` runs (gunicorn, gthread, the settings of
``workbench/gunicorn_conf.py``, ``WORKBENCH_PRODUCTION`` on) over a fresh database: SQLite in a
temporary folder, or a fresh PostgreSQL database beside the one ``DATABASE_URL`` names (dropped
afterwards). Clients talk to it over loopback with keep-alive connections, from this process.

The workload, seeded: ``--articles`` articles of 5-6 KB imported in bulk (250 a request); then
per article two reviewers each post 5 claims with a verdict in one bulk request (the same 5 spans,
about 20 % of the pairs disagreeing); then the reads. Each phase runs sequentially (one client)
and with ``--clients`` concurrent clients (8), on separate articles for the writes.

Per phase and mode: p50 and p95 latency of the requests, requests per second, the server's CPU
per request (utime + stime of gunicorn's processes, from /proc), on PostgreSQL the database's CPU
per request (its backends serving this database), the SQL queries per request (the
``X-Query-Count`` header of ``workbench.querycount``; streamed responses carry none), and for the
exports the growth of the server's memory (the sum of its processes' resident sets, sampled every
20 ms) over the resident set after start. Read phases repeat ``--repeat`` times; the figures are
the medians of the repeats. A JSON file of every figure is written with ``--json``.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

RATINGS = ["false", "mostly_false", "mixed", "mostly_true", "true"]
PROSE = """the minister said unemployment fell percent last year while prices rose in the capital
according to figures released by the statistics office on tuesday officials confirmed that troops
volunteers hospitals schools budget billion million households"""
WORDS = PROSE.split()


# The server


def fresh_database(work: Path) -> tuple[str, callable]:
    """A URL of an empty database for the server, and a function that drops it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{work / 'bench.sqlite3'}", lambda: None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'workbench'}_httpbench"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SEED = """
import json
from rest_framework.authtoken.models import Token
from tests.factories import make_desk
desk = make_desk(reviewers=3)
users = {"editor": desk.editor, "annotator": desk.annotator}
users.update({f"reviewer{i + 1}": user for i, user in enumerate(desk.reviewers)})
print(json.dumps({
    "project": desk.project.id,
    "tokens": {name: Token.objects.get_or_create(user=user)[0].key for name, user in users.items()},
}))
"""


def filled_seed(database_url: str) -> dict:
    """The tokens of bench/scale.py's desk and its largest project (the first), with its size."""
    import psycopg

    from bench.scale import ROLES

    with psycopg.connect(database_url) as connection:
        tokens = {
            name: connection.execute(
                "SELECT key FROM authtoken_token JOIN auth_user ON auth_user.id = user_id"
                " WHERE username = %s",
                [f"scale-{name}"],
            ).fetchone()[0]
            for name in ROLES
        }
        project, articles, claims = connection.execute(
            "SELECT p.id, count(DISTINCT a.id), count(n.id) FROM annotations_project p"
            " JOIN annotations_article a ON a.project_id = p.id"
            " JOIN annotations_annotation n ON n.article_id = a.id"
            " WHERE p.name = 'Scale desk 1' GROUP BY p.id"
        ).fetchone()
    return {"project": project, "tokens": tokens, "articles": articles, "claims": claims}


class Server:
    """``./desk serve``'s gunicorn over a fresh database, with its processes watched from /proc;
    or, given ``database_url``, over that database as bench/scale.py filled it, left as it is."""

    def __init__(self, work: Path, database_url: str | None = None):
        self.work = work
        self.filled = database_url is not None
        if self.filled:
            self.database_url, self.drop_database = database_url, lambda: None
        else:
            self.database_url, self.drop_database = fresh_database(work)
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "WORKBENCH_PRODUCTION": "1",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(work / "static"),
            "BIND": f"127.0.0.1:{self.port}",
            "CONN_MAX_AGE": "600",
            "WORKBENCH_QUERY_COUNT_HEADER": "1",
            "LOG_LEVEL": "ERROR",
        }

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def __enter__(self):
        self.manage("collectstatic", "--noinput", "-v", "0")
        if self.filled:
            self.seed = filled_seed(self.database_url)
        else:
            self.manage("migrate", "--noinput", "-v", "0")
            self.seed = json.loads(self.manage("shell", "-c", SEED).strip().splitlines()[-1])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "workbench/gunicorn_conf.py", "workbench.wsgi"],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                if len(self.pids()) > 1:
                    return self
            time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.drop_database()

    def pids(self) -> list[int]:
        """gunicorn's master and its workers."""
        found = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                        found.append(int(entry.name))
        return found

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids())

    def proportional(self) -> int:
        """The processes' proportional set (PSS): each page shared by n of them counted 1/n. The
        workers fork from a master that loaded the application, so most of their resident pages
        are the master's, which the sum of resident sets counts once per process."""
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
        return total

    def resident(self) -> int:
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        return total


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


class DatabaseCpu:
    """CPU of the PostgreSQL backends serving the benchmark's database (none on SQLite)."""

    def __init__(self, database_url: str):
        self.connection = None
        if database_url.startswith(("postgres://", "postgresql://")):
            import psycopg

            self.connection = psycopg.connect(database_url, autocommit=True)
            self.name = urlsplit(database_url).path.lstrip("/")
            self.own = self.connection.info.backend_pid

    def backends(self) -> list[int]:
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> %s", [self.name, self.own]
        )
        return [pid for (pid,) in rows]

    def start(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for pid in self.backends()} if self.connection else {}

    def since(self, started: dict[int, float]) -> float | None:
        if not self.connection:
            return None
        return sum(cpu_seconds(pid) - started.get(pid, 0.0) for pid in self.backends())


# The clients


class Client:
    """One keep-alive HTTP connection speaking JSON with a token."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body=None) -> "Answer":
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, payload, headers)
            response = self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed the idle keep-alive connection before reading this request.
            self.connection.close()
            started = time.perf_counter()
            self.connection.request(method, path, payload, headers)
            response = self.connection.getresponse()
        size = 0
        content = b""
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if size <= 1 << 22:
                content += chunk
        elapsed = time.perf_counter() - started
        queries = response.getheader("X-Query-Count")
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {content[:500]!r}")
        return Answer(response.status, content, elapsed, int(queries) if queries else None, size)


@dataclass
class Answer:
    status: int
    content: bytes
    seconds: float
    queries: int | None
    size: int

    def json(self):
        return json.loads(self.content)


@dataclass
class Figures:
    """One phase in one mode: what its requests cost."""

    phase: str
    mode: str
    requests: int
    p50_ms: float
    p95_ms: float
    per_second: float
    server_cpu_ms: float
    database_cpu_ms: float | None
    queries: float | None
    unit: str = "request"
    units: int = 0
    extra: dict = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Bench:
    def __init__(self, server: Server, args):
        self.server = server
        self.args = args
        self.database = DatabaseCpu(server.database_url)
        self.tokens = server.seed["tokens"]
        self.project = server.seed["project"]
        self.project_articles = server.seed.get("articles", args.articles)
        # Each article gets 5 claims (two reviewers judging the same spans) unless filled.
        self.project_claims = server.seed.get("claims", 5 * args.articles)
        self.results: list[Figures] = []
        self.local = threading.local()

    def client(self, who: str) -> Client:
        clients = self.local.__dict__.setdefault("clients", {})
        if who not in clients:
            clients[who] = Client(self.server.port, self.tokens[who])
        return clients[who]

    def run(self, phase: str, mode: str, calls: list, *, unit: str = "request", units: int = 0) -> Figures:
        """Run ``calls`` (each ``(who, method, path, body)``) with one client or ``--clients``."""
        workers = 1 if mode == "sequential" else self.args.clients
        answers = []
        cpu, database = self.server.cpu(), self.database.start()
        started = time.perf_counter()

        def call(item):
            who, method, path, body = item
            return self.client(who).request(method, path, body)

        if workers == 1:
            answers = [call(item) for item in calls]
        else:
            with ThreadPoolExecutor(workers) as pool:
                answers = list(pool.map(call, calls))
        wall = time.perf_counter() - started
        cpu = self.server.cpu() - cpu
        database = self.database.since(database)
        counted = [answer.queries for answer in answers if answer.queries is not None]
        per = units or len(answers)
        figures = Figures(
            phase=phase,
            mode=mode,
            requests=len(answers),
            p50_ms=statistics.median(a.seconds for a in answers) * 1000,
            p95_ms=percentile([a.seconds for a in answers], 0.95) * 1000,
            per_second=per / wall,
            server_cpu_ms=cpu * 1000 / per,
            database_cpu_ms=None if database is None else database * 1000 / per,
            queries=statistics.median(counted) if counted else None,
            unit=unit,
            units=per,
        )
        return figures

    def repeated(self, phase: str, calls_of, *, unit: str = "request") -> None:
        """A read phase, ``--repeat`` times in each mode; the medians of the repeats."""
        for mode in ("sequential", "concurrent"):
            runs = [self.run(phase, mode, calls_of()) for _ in range(self.args.repeat)]
            merged = Figures(
                phase=phase,
                mode=mode,
                requests=runs[0].requests,
                unit=unit,
                units=runs[0].units,
                **{
                    name: median_or_none([getattr(run, name) for run in runs])
                    for name in (
                        "p50_ms",
                        "p95_ms",
                        "per_second",
                        "server_cpu_ms",
                        "database_cpu_ms",
                        "queries",
                    )
                },
            )
            self.record(merged)

    def record(self, figures: Figures) -> None:
        self.results.append(figures)
        print(row(figures), flush=True)


def median_or_none(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def article_text(rng: random.Random, index: int) -> str:
    """About 5.5 KB of prose with five sentences the claims quote."""
    paragraphs = []
    while sum(len(p) for p in paragraphs) < 5400:
        paragraphs.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 70))).capitalize() + ".")
    claims = [
        f"Claim {index}.{i} says {rng.randint(2, 99)},{rng.randint(100, 999)} people came." for i in range(5)
    ]
    for position, claim in zip((0, 2, 4, 6, 8), claims, strict=False):
        paragraphs.insert(min(position, len(paragraphs)), claim)
    return "\n\n".join(paragraphs)


def claim_items(article: dict, text: str, ratings: list[str]) -> list[dict]:
    items = []
    for i, rating in enumerate(ratings):
        quote = text[text.index(f"Claim {article['index']}.{i} ") :].split("\n", 1)[0]
        start = text.index(quote)
        items.append(
            {
                "article": article["id"],
                "start": start,
                "end": start + len(quote),
                "quote": quote,
                "verdict": {
                    "rating": rating,
                    "confidence": "high",
                    "rationale": "Checked against the statistics office's table.",
                    "evidence": [{"url": f"https://stats.example.org/t/{i}", "stance": "refutes"}],
                },
            }
        )
    return items


def row(f: Figures) -> str:
    def number(value, spec):
        return "-" if value is None else format(value, spec)

    per = f"/{f.unit}" if f.unit != "request" else ""
    return (
        f"{f.phase:<34} {f.mode:<10} {f.requests:>6} {number(f.p50_ms, '8.1f')} {number(f.p95_ms, '8.1f')}"
        f" {number(f.per_second, '9.1f')}{per:<9} {number(f.server_cpu_ms, '8.2f')}"
        f" {number(f.database_cpu_ms, '8.2f')} {number(f.queries, '6.0f')}"
        + (f"  {json.dumps(f.extra)}" if f.extra else "")
    )


HEADING = (
    f"{'phase':<34} {'mode':<10} {'reqs':>6} {'p50 ms':>8} {'p95 ms':>8} {'per s':>9}{'':<9}"
    f" {'CPU ms':>8} {'DB ms':>8} {'SQL':>6}"
)


def workload(bench: Bench, args) -> None:
    rng = random.Random(args.seed)
    project = bench.project
    texts = [article_text(rng, i) for i in range(args.articles)]

    # Bulk import, 250 articles a request.
    batches = [
        [
            {
                "project": project,
                "title": f"Article {i}",
                "text": texts[i],
                "url": f"https://news.example.org/{i}",
            }
            for i in range(first, min(first + 250, args.articles))
        ]
        for first in range(0, args.articles, 250)
    ]
    half = max(1, len(batches) // 2)
    articles = []
    for mode, part in (("sequential", batches[:half]), ("concurrent", batches[half:])):
        if not part:
            continue
        calls = [("annotator", "POST", "/api/v1/articles/bulk/", {"articles": batch}) for batch in part]
        figures = bench.run("bulk import", mode, calls, unit="article", units=sum(map(len, part)))
        bench.record(figures)
    listing = bench.client("editor").request("GET", f"/api/v1/articles/?project={project}&page_size=500")
    while True:
        body = listing.json()
        articles.extend(body["results"])
        if not body.get("next"):
            break
        listing = bench.client("editor").request(
            "GET", urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
        )
    by_title = {a["title"]: a for a in articles}
    articles = [dict(by_title[f"Article {i}"], index=i) for i in range(args.articles)]

    # Two reviewers, 5 claims with verdicts each per article, one bulk request each.
    calls = []
    for article in articles:
        first = [rng.choice(RATINGS) for _ in range(5)]
        second = [r if rng.random() >= 0.2 else rng.choice([x for x in RATINGS if x != r]) for r in first]
        text = texts[article["index"]]
        calls.append(
            (
                "reviewer1",
                "POST",
                "/api/v1/annotations/bulk/",
                {"annotations": claim_items(article, text, first)},
            )
        )
        calls.append(
            (
                "reviewer2",
                "POST",
                "/api/v1/annotations/bulk/",
                {"annotations": claim_items(article, text, second)},
            )
        )
    middle = len(calls) // 2
    bench.record(bench.run("bulk: 5 claims with verdicts", "sequential", calls[:middle]))
    bench.record(bench.run("bulk: 5 claims with verdicts", "concurrent", calls[middle:]))

    claims = (
        bench.client("editor").request("GET", f"/api/v1/annotations/?project={project}&page_size=500").json()
    )
    claim_ids = [claim["id"] for claim in claims["results"]]
    samples = min(args.samples, len(articles))

    # The browser's path: one annotation, then its verdict, by reviewer3.
    def single(part):
        calls = []
        for article in part:
            text = texts[article["index"]]
            quote = text[text.index(f"Claim {article['index']}.0 ") :].split(" says", 1)[0]
            start = text.index(quote)
            calls.append(
                (
                    "reviewer3",
                    "POST",
                    "/api/v1/annotations/",
                    {"article": article["id"], "start": start, "end": start + len(quote), "quote": quote},
                )
            )
        return calls

    sample = rng.sample(articles, samples)
    bench.record(bench.run("single annotation", "sequential", single(sample[: samples // 2])))
    bench.record(bench.run("single annotation", "concurrent", single(sample[samples // 2 :])))
    verdict_calls = [
        (
            "reviewer3",
            "POST",
            "/api/v1/verdicts/",
            {"annotation": claim, "rating": "false", "confidence": "low"},
        )
        for claim in rng.sample(claim_ids, min(samples, len(claim_ids)))
    ]
    bench.record(bench.run("single verdict", "sequential", verdict_calls[: len(verdict_calls) // 2]))
    bench.record(bench.run("single verdict", "concurrent", verdict_calls[len(verdict_calls) // 2 :]))
    read_phases(bench, args, rng, articles, claim_ids)


def read_phases(bench: Bench, args, rng: random.Random, articles: list[dict], claim_ids: list[int]) -> None:
    """The reads and the exports, over the project's ``articles`` and ``claim_ids`` (samples)."""
    project = bench.project
    samples = min(args.samples, len(articles))

    def reads(paths, who="reviewer1"):
        return lambda: [(who, "GET", path, None) for path in paths]

    picked = rng.sample(claim_ids, min(samples, len(claim_ids)))
    bench.repeated("annotation detail", reads([f"/api/v1/annotations/{claim}/" for claim in picked]))
    pair = []
    for article in rng.sample(articles, samples):
        pair += [f"/api/v1/articles/{article['id']}/", f"/api/v1/annotations/?article={article['id']}"]
    bench.repeated("article detail + its claims", reads(pair), unit="pair")
    deep = max(1, min(20, bench.project_articles // 100))
    lists = max(10, samples // 5)
    bench.repeated(
        "list of 100, page 1", reads([f"/api/v1/articles/?project={project}&page_size=100&page=1"] * lists)
    )
    bench.repeated(
        f"list of 100, page {deep}",
        reads([f"/api/v1/articles/?project={project}&page_size=100&page={deep}"] * lists),
    )
    bench.repeated(
        "to-review queue", reads([f"/api/v1/queues/to_review/?project={project}"] * lists, who="reviewer3")
    )
    bench.repeated("agreement", reads([f"/api/v1/agreement/?project={project}"] * 2, who="editor"))

    # Exports, with the server's memory sampled while they stream.
    exports = {
        "export claims.jsonl": f"/api/v1/exports/claims.jsonl?project={project}",
        "export claims.csv": f"/api/v1/exports/claims.csv?project={project}",
        "export ClaimReview": f"/api/v1/exports/claimreview/?project={project}&page_size=500",
    }
    for phase, path in exports.items():
        at_start = bench.server.resident()
        peak = [0]
        done = threading.Event()

        def sample_memory(peak=peak, done=done):
            while not done.is_set():
                peak[0] = max(peak[0], bench.server.resident())
                time.sleep(0.02)

        watcher = threading.Thread(target=sample_memory, daemon=True)
        watcher.start()
        try:
            bench.repeated(phase, reads([path] * 1, who="editor"), unit="export")
        finally:
            done.set()
            watcher.join()
        bench.results[-1].extra["rss_growth_mb"] = round(max(0, peak[0] - at_start) / 2**20, 1)
        bench.results[-2].extra["rss_growth_mb"] = bench.results[-1].extra["rss_growth_mb"]
        if "ClaimReview" not in phase:
            for figures in bench.results[-2:]:
                figures.extra["claims_per_s"] = round(bench.project_claims / (figures.p50_ms / 1000))
        growth = bench.results[-1].extra["rss_growth_mb"]
        print(f"{'':<34} server memory growth during the {phase[7:]} export: {growth} MB")


def sampled_reads(bench: Bench, args) -> None:
    """The read phases over a filled database: articles and claims sampled from the largest
    project's first pages."""
    rng = random.Random(args.seed)
    editor = bench.client("editor")
    project = bench.project
    articles = editor.request("GET", f"/api/v1/articles/?project={project}&page_size=500").json()["results"]
    claims = editor.request("GET", f"/api/v1/annotations/?project={project}&page_size=500").json()["results"]
    read_phases(bench, args, rng, articles, [claim["id"] for claim in claims])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=200, help="requests per single-object phase")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument(
        "--filled",
        metavar="DATABASE_URL",
        help="only the read phases, over this PostgreSQL database as bench/scale.py filled it (kept)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    try:
        with Server(work, args.filled) as server:
            bench = Bench(server, args)
            # Every worker thread answers a first request, which loads what requests share.
            warm = [("editor", "GET", "/api/v1/projects/", None)] * (4 * args.clients)
            bench.run("warm-up", "concurrent", warm)
            bench.baseline_rss = server.resident()
            bench.baseline_pss = server.proportional()
            vendor = "postgresql" if server.database_url.startswith("postgres") else "sqlite"
            print(
                f"database: {vendor}, {args.articles} articles, {args.clients} concurrent clients, "
                f"{len(server.pids()) - 1} gunicorn workers; server RSS after start (and a first request"
                f" per thread) {bench.baseline_rss / 2**20:.0f} MB, PSS {bench.baseline_pss / 2**20:.0f} MB"
            )
            if args.filled:
                print(
                    f"filled database: the largest project has {server.seed['articles']:,} articles and"
                    f" {server.seed['claims']:,} claims"
                )
            print(HEADING)
            if args.filled:
                sampled_reads(bench, args)
            else:
                workload(bench, args)
            if args.json:
                args.json.write_text(
                    json.dumps(
                        {
                            "database": vendor,
                            "articles": args.articles,
                            "clients": args.clients,
                            "server_rss_after_start_mb": round(bench.baseline_rss / 2**20, 1),
                            "server_pss_after_start_mb": round(bench.baseline_pss / 2**20, 1),
                            "phases": [asdict(figures) for figures in bench.results],
                        },
                        indent=2,
                    )
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

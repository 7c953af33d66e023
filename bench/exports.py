"""Exports of a big project: JSONL and CSV of 20,000 claims with 40,000 verdicts, streamed.

2,000 articles with 10 claims each, 2 verdicts per claim (most agree, some split, some resolved),
evidence behind half of the verdicts and a tag or two per claim. The rows are built directly with
bulk_create for speed; each export goes through the whole Django stack (DRF's test client, real
database, the response's stream read to its end chunk by chunk and dropped), for an editor (every
verdict) and for a blind reviewer (who judged every other claim; two of three reviewers judge each).

Memory: the process serving the request is this one, so its resident set (VmRSS in
/proc/self/status) is sampled every few milliseconds by a thread while an export streams; the figure
is the highest sample minus the resident set just before. Before each export, freed memory is
returned to the operating system (gc, then glibc's malloc_trim), so that the export's allocations
show as growth rather than landing in memory the data build left free.

Also the ClaimReview list of the same project (its agreed and resolved claims, one JSON array,
streamed a chunk of reviews at a time).

Targets: JSONL and ClaimReview under 1.0 s, memory growth under 20 MB.
"""

import argparse
import contextlib
import ctypes
import gc
import random
import statistics
import threading
import time
from pathlib import Path

from bench.harness import benchmark_database

ARTICLES = 2_000
CLAIMS_PER_ARTICLE = 10
RATINGS = ["false", "mostly_false", "mixed", "mostly_true", "true", "misleading", "unverifiable"]
TAGS = ["economy", "health", "climate", "military", "elections", "migration", "crime", "science"]
EXPORTS = ["claims.jsonl", "claims.csv", "claims-verdicts.csv", "claims-evidence.csv", "claimreview"]
TARGET_SECONDS = {"claims.jsonl": 1.0, "claimreview": 1.0}
# The ClaimReview list is one JSON array (the published claims ordered by their review's date),
# streamed.
URLS = {"claimreview": "/api/v1/exports/claimreview/?project={project}"}
TARGET_GROWTH_MB = 20


def reviewers_of(desk, index: int) -> list:
    """The two reviewers of the claim ``index``: the first reviewer judged every other claim, so
    on the rest blind review hides the others' verdicts and disputes from them."""
    first, second, third = desk.reviewers
    return [first, second] if index % 2 == 0 else [second, third]


def build_project(desk, *, articles: int, seed: int = 11) -> dict:
    """``articles`` articles of ``CLAIMS_PER_ARTICLE`` claims, each judged by two of three reviewers."""
    from annotations.models import Annotation, Article, ArticleRevision, Evidence, Status, Tag, Verdict
    from sources.models import Source

    rng = random.Random(seed)
    sentences = [
        f"Sentence {i} says that {i * 7} thousand people were counted in Café Zoë's district 😀."
        for i in range(CLAIMS_PER_ARTICLE)
    ]
    text = " ".join(sentences)
    spans = [(text.index(sentence), text.index(sentence) + len(sentence)) for sentence in sentences]
    made = Article.objects.bulk_create(
        Article(
            project=desk.project,
            title=f"Article {i}: what the figures say",
            url=f"https://news.example.org/{i}",
            created_by=desk.annotator,
        )
        for i in range(articles)
    )
    revisions = ArticleRevision.objects.bulk_create(
        ArticleRevision(article=article, number=1, text=text, created_by=desk.annotator) for article in made
    )
    for article, revision in zip(made, revisions, strict=True):
        article.current_revision = revision
    Article.objects.bulk_update(made, ["current_revision"], batch_size=2000)

    ratings = []
    claims = []
    for article, revision in zip(made, revisions, strict=True):
        for start, end in spans:
            pair = [rng.choice(RATINGS)] * 2 if rng.random() < 0.7 else rng.sample(RATINGS, 2)
            claim = Annotation(
                article=article,
                revision=revision,
                start=start,
                end=end,
                quote=text[start:end],
                claim=f"About {start} thousand people were counted.",
                author=desk.annotator,
            )
            if pair[0] == pair[1]:
                claim.status, claim.final_rating = Status.AGREED, pair[0]
            elif rng.random() < 0.3:
                claim.status, claim.final_rating = Status.RESOLVED, pair[0]
            else:
                claim.status = Status.DISPUTED
            claims.append(claim)
            ratings.append(pair)
    Annotation.objects.bulk_create(claims, batch_size=2000)

    tags = Tag.objects.bulk_create(Tag(project=desk.project, name=name) for name in TAGS)
    Annotation.tags.through.objects.bulk_create(
        (
            Annotation.tags.through(annotation_id=claim.id, tag_id=tag.id)
            for claim in claims
            for tag in rng.sample(tags, rng.choice((1, 2)))
        ),
        batch_size=5000,
    )
    verdicts = Verdict.objects.bulk_create(
        (
            Verdict(
                annotation=claim,
                reviewer=reviewer,
                rating=rating,
                blind_rating=rating,
                confidence="medium",
                rationale=f"Checked against the {rating} figures of the statistics office.",
            )
            for index, (claim, pair) in enumerate(zip(claims, ratings, strict=True))
            for reviewer, rating in zip(reviewers_of(desk, index), pair, strict=True)
        ),
        batch_size=2000,
    )
    sources = Source.objects.bulk_create(
        Source(
            project=desk.project,
            url=f"https://stats.example.org/table/{i}",
            domain="stats.example.org",
            title=f"Table {i}",
            added_as_evidence=True,
        )
        for i in range(500)
    )
    Evidence.objects.bulk_create(
        (
            Evidence(
                verdict=verdict, source=sources[index % len(sources)], stance="refutes", quote="the table"
            )
            for index, verdict in enumerate(verdicts)
            if index % 2 == 0
        ),
        batch_size=5000,
    )
    return {"claims": len(claims), "verdicts": len(verdicts), "evidence": (len(verdicts) + 1) // 2}


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def release_free_memory() -> None:
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # glibc only
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class PeakResidentSet:
    """Samples the resident set every ``interval`` seconds in a thread while in use."""

    def __init__(self, interval: float = 0.002):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self):
        self.before = rss_bytes()
        self.peak = self.before
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes())
            time.sleep(self.interval)

    @property
    def growth(self) -> int:
        return self.peak - self.before


def download(client, url: str) -> tuple[int, int, int]:
    """Read a streamed export to its end, dropping each chunk: (bytes, chunks, lines)."""
    response = client.get(url)
    assert response.status_code == 200, response.content
    size = chunks = lines = 0
    for chunk in response.streaming_content if response.streaming else [response.content]:
        size += len(chunk)
        chunks += 1
        lines += chunk.count(b"\n")
    response.close()
    return size, chunks, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exports", nargs="+", choices=EXPORTS, default=EXPORTS)
    args = parser.parse_args()

    with benchmark_database() as connection:
        from rest_framework.test import APIClient

        from tests.factories import make_desk

        desk = make_desk(reviewers=3)
        built = build_project(desk, articles=args.articles)
        client = APIClient()
        print(
            f"database: {connection.vendor}, {args.articles} articles, {built['claims']} claims, "
            f"{built['verdicts']} verdicts, {built['evidence']} evidence"
        )
        heading = ("caller", "export", "median", "MB", "lines", "RSS growth", "queries")
        print("{:<17} {:<20} {:>9} {:>6} {:>7} {:>11} {:>8}".format(*heading))
        failures = []
        for caller, user in (("editor", desk.editor), ("reviewer (blind)", desk.reviewers[0])):
            client.force_authenticate(user)
            # The first request of a process imports and compiles what every later one reuses.
            download(client, f"/api/v1/exports/claims.csv?project={desk.project.id}&article=1")
            for export in args.exports:
                url = URLS.get(export, "/api/v1/exports/{export}?project={project}").format(
                    export=export, project=desk.project.id
                )
                queries = []
                with connection.execute_wrapper(
                    lambda execute, sql, *rest, queries=queries: queries.append(sql) or execute(sql, *rest)
                ):
                    download(client, url)
                growths, seconds = [], []
                for _ in range(args.repeat):
                    # Returning freed memory takes a while on a big heap: done before the clock starts.
                    release_free_memory()
                    with PeakResidentSet() as memory:
                        started = time.perf_counter()
                        download(client, url)
                        seconds.append(time.perf_counter() - started)
                    growths.append(memory.growth)
                median = statistics.median(seconds)
                size, _chunks, lines = download(client, url)
                growth = max(growths) / 2**20
                print(
                    f"{caller:<17} {export:<20} {median * 1000:7.0f} ms {size / 2**20:6.1f} {lines:7d}"
                    f" {growth:8.1f} MB {len(queries):8d}"
                )
                if median > TARGET_SECONDS.get(export, float("inf")):
                    failures.append(f"{caller} {export}: {median:.2f} s > {TARGET_SECONDS[export]} s")
                if growth > TARGET_GROWTH_MB:
                    failures.append(f"{caller} {export}: +{growth:.1f} MB > {TARGET_GROWTH_MB} MB")
        targets = f"JSONL and ClaimReview under 1.0 s, RSS growth under {TARGET_GROWTH_MB} MB"
        print(f"targets: {targets}: " + ("met" if not failures else "MISSED: " + "; ".join(failures)))


if __name__ == "__main__":
    main()

"""Claim matching measured on a labelled set: recall@1, recall@5, MRR and the time of a lookup.

``bench/claim_pairs.json`` holds groups of news-shaped claims: an earlier claim, claims that state
the same claim (paraphrases, the same figure written otherwise, other languages), and near misses
that do not (the same number of something else, another number on the same subject). The earlier
claims and the near misses are highlighted in articles of one desk, in their languages; then each
same-claim is highlighted in an article of its own, looked up with
``GET /api/v1/annotations/{id}/similar/`` (the whole Django stack, real database), and deleted
again. Its earlier claim's rank among the answers gives recall@1, recall@5 and the mean reciprocal
rank (0 when it is not among the 25 answered); "near miss above" counts lookups where one of the
group's near misses ranked above the earlier claim. Figures are printed overall and per kind.
"""

import argparse
import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import benchmark_database

PAIRS = Path(__file__).with_name("claim_pairs.json")
ANSWERS = 25


def load_groups(limit: int | None = None) -> list[dict]:
    groups = json.loads(PAIRS.read_text(encoding="utf-8"))["groups"]
    return groups[:limit] if limit else groups


@dataclass
class Figures:
    ranks: list[int | None] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    near_miss_above: int = 0
    lookup_seconds: list[float] = field(default_factory=list)
    lookup_cpu_seconds: list[float] = field(default_factory=list)

    def recall_at(self, k: int, kind: str | None = None) -> float:
        ranks = self.of_kind(kind)
        return sum(1 for rank in ranks if rank is not None and rank <= k) / len(ranks)

    def mrr(self, kind: str | None = None) -> float:
        ranks = self.of_kind(kind)
        return sum(1 / rank for rank in ranks if rank is not None) / len(ranks)

    def of_kind(self, kind: str | None) -> list[int | None]:
        return [rank for rank, k in zip(self.ranks, self.kinds, strict=True) if kind in (None, k)]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.lookup_seconds) * 1000

    @property
    def cpu_p50_ms(self) -> float:
        """The median CPU time of the serving process: on a loaded machine, wall time includes
        waiting for a core, which this does not (the database's time is in wall time only)."""
        return statistics.median(self.lookup_cpu_seconds) * 1000


def highlight(desk, text: str, language: str, title: str):
    """An article holding only ``text``, and the claim over all of it."""
    from tests.factories import make_annotation, make_article

    article = make_article(desk, title=title, text=text, language=language)
    return make_annotation(desk, article=article, quote=article.current_revision.text)


def build_corpus(desk, groups: list[dict]) -> list[tuple[int, set[int]]]:
    """The earlier claims and near misses as claims of the desk: ``(earlier id, near-miss ids)``
    per group."""
    corpus = []
    for number, group in enumerate(groups):
        earlier = group["earlier"]
        target = highlight(desk, earlier["text"], earlier["language"], f"Earlier {number}")
        misses = {
            highlight(desk, miss["text"], miss["language"], f"Near miss {number}").id
            for miss in group["not_same"]
        }
        corpus.append((target.id, misses))
    return corpus


def measure(desk, groups: list[dict], corpus, client) -> Figures:
    """Look up each same-claim of each group as ``client``'s user; see the module docstring."""
    from annotations.services.annotations import delete_annotation

    figures = Figures()
    for number, (group, (target, misses)) in enumerate(zip(groups, corpus, strict=True)):
        for same in group["same"]:
            query = highlight(desk, same["text"], same["language"], f"Query {number}")
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(f"/api/v1/annotations/{query.id}/similar/?limit={ANSWERS}")
            figures.lookup_seconds.append(time.perf_counter() - started)
            figures.lookup_cpu_seconds.append(time.process_time() - cpu)
            assert response.status_code == 200, response.content
            ids = [row["id"] for row in response.json()["results"]]
            rank = ids.index(target) + 1 if target in ids else None
            figures.ranks.append(rank)
            figures.kinds.append(same["kind"])
            above = ids[: rank - 1] if rank else ids
            figures.near_miss_above += any(pk in misses for pk in above)
            delete_annotation(actor=desk.editor, annotation_id=query.id)
    return figures


def report(figures: Figures) -> list[str]:
    lines = [
        f"{len(figures.ranks)} lookups: recall@1 {figures.recall_at(1):.3f},"
        f" recall@5 {figures.recall_at(5):.3f}, MRR {figures.mrr():.3f};"
        f" a near miss above the earlier claim in {figures.near_miss_above}",
        f"lookup p50 {figures.p50_ms:.1f} ms wall, {figures.cpu_p50_ms:.1f} ms CPU of this process;"
        f" max {max(figures.lookup_seconds) * 1000:.1f} ms wall",
    ]
    by_kind = defaultdict(int)
    for kind in figures.kinds:
        by_kind[kind] += 1
    for kind, count in sorted(by_kind.items()):
        lines.append(
            f"  {kind:<16} {count:3} lookups: recall@1 {figures.recall_at(1, kind):.3f},"
            f" recall@5 {figures.recall_at(5, kind):.3f}, MRR {figures.mrr(kind):.3f}"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=None, help="only the first N groups")
    parser.add_argument("--repeat", type=int, default=1, help="lookups of the whole set")
    args = parser.parse_args()

    with benchmark_database() as connection:
        from rest_framework.test import APIClient

        from tests.factories import make_desk

        groups = load_groups(args.groups)
        pairs = sum(len(group["same"]) + len(group["not_same"]) for group in groups)
        desk = make_desk()
        corpus = build_corpus(desk, groups)
        client = APIClient()
        client.force_authenticate(desk.reviewers[0])
        print(f"database: {connection.vendor}, {len(groups)} groups, {pairs} labelled pairs")
        for _ in range(args.repeat):
            for line in report(measure(desk, groups, corpus, client)):
                print(line)


if __name__ == "__main__":
    main()

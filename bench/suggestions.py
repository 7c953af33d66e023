"""Suggested claims measured on the demo desk: precision, recall and the time they add.

The demo desk (``manage.py load_demo``: the seed-like escalation article and three short ones)
is loaded into a throwaway database; its articles and the claims highlighted in them are the
labels. Each article's sentences are suggested by :func:`annotations.suggestions.suggest` as if
no claim were highlighted yet. A suggested sentence is correct when a demo claim lies wholly
inside it; precision is the share of suggestions that are correct, recall the share of demo
claims that lie inside a suggestion. The weights were set by hand on these same articles, so
there is no held-out part: the figures are optimistic (docs/suggested-claims.md).

Then the time: the median of ``suggest`` over each article's text, and of the reader page
(``GET /articles/{id}/``, the whole Django stack) for the demo annotator, who gets suggestions.
"""

import argparse
import statistics
import time
from dataclasses import dataclass, field

from bench.harness import benchmark_database, timed


@dataclass
class Figures:
    suggested: int = 0
    correct: int = 0
    claims: int = 0
    claims_found: int = 0
    sentences: int = 0
    # (article title, sentence) of each suggestion that holds no claim, and each claim missed.
    wrong: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.claims_found / self.claims if self.claims else 0.0


def demo_articles():
    """The demo desk's articles, each with the ``(start, end)`` of its claims on the current text."""
    from django.db.models import F

    from annotations.management.commands.load_demo import DEMO_PROJECT
    from annotations.models import Annotation, Article

    articles = list(
        Article.objects.filter(project__name=DEMO_PROJECT).select_related("current_revision").order_by("id")
    )
    spans = {article.id: [] for article in articles}
    for article_id, start, end in Annotation.objects.filter(
        article__in=articles, revision_id=F("article__current_revision_id"), orphaned=False
    ).values_list("article_id", "start", "end"):
        spans[article_id].append((start, end))
    return [(article, sorted(set(spans[article.id]))) for article in articles]


def measure(labelled) -> Figures:
    """Precision and recall of the suggestions over ``labelled`` ``(article, claim spans)``."""
    from annotations.suggestions import sentences, suggest

    figures = Figures()
    for article, spans in labelled:
        text = article.current_revision.text
        suggestions = suggest(text)
        figures.sentences += len(sentences(text))
        figures.suggested += len(suggestions)
        for suggestion in suggestions:
            if any(suggestion.start <= start and end <= suggestion.end for start, end in spans):
                figures.correct += 1
            else:
                figures.wrong.append((article.title, suggestion.quote))
        for start, end in spans:
            figures.claims += 1
            if any(suggestion.start <= start and end <= suggestion.end for suggestion in suggestions):
                figures.claims_found += 1
            else:
                figures.missed.append((article.title, text[start:end]))
    return figures


def cpu_median(function, *, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        runs.append(time.process_time() - started)
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each article")
    parser.add_argument("--show", action="store_true", help="print the wrong suggestions and missed claims")
    args = parser.parse_args()

    with benchmark_database() as connection:
        from io import StringIO

        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client

        from annotations.suggestions import suggest

        call_command("load_demo", stdout=StringIO())
        labelled = demo_articles()
        figures = measure(labelled)
        print(
            f"database: {connection.vendor}, {len(labelled)} demo articles, {figures.sentences} sentences,"
            f" {figures.claims} demo claims"
        )
        print(
            f"suggested {figures.suggested} sentences: precision {figures.precision:.3f}"
            f" ({figures.correct}/{figures.suggested}), recall {figures.recall:.3f}"
            f" ({figures.claims_found}/{figures.claims})"
        )
        if args.show:
            for title, quote in figures.wrong:
                print(f"  suggested, holds no claim  [{title[:30]}] {quote}")
            for title, quote in figures.missed:
                print(f"  claim not in a suggestion  [{title[:30]}] {quote}")

        client = Client()
        client.force_login(get_user_model().objects.get(username="annotator"))
        print("median times (CPU of this process: the machine may be loaded; wall for the page):")
        for article, _spans in labelled:
            text = article.current_revision.text
            suggest_cpu = cpu_median(lambda text=text: suggest(text), repeat=args.repeat)
            page_s, _runs = timed(
                lambda article=article: client.get(f"/articles/{article.id}/"), repeat=args.repeat
            )
            print(
                f"  {len(text):6,} characters: suggest {suggest_cpu * 1000:.2f} ms CPU,"
                f" reader page {page_s * 1000:.1f} ms wall  ({article.title[:50]})"
            )


if __name__ == "__main__":
    main()

"""Agreement figures of a big project: GET /api/v1/agreement/?project=ID over 10,000 claims.

Each claim has a verdict from each of 3 reviewers (most agree, some split, some resolved), and
two annotators' spans overlap now and then. The rows are built directly with bulk_create for
speed; the request goes through the whole Django stack (DRF's test client, real database). Prints
the median time of the request for an editor (every figure) and for a reviewer (blind review) and
the SQL queries each ran; then the statistics alone on the same verdicts, with their 1,000
bootstrap resamples and with a single one, whose difference is what the confidence intervals cost,
and the span agreement alone.

At scale, over a database bench/scale.py filled, the same request is timed by
``bench/server.py --filled`` (its agreement phase).
"""

import argparse
import random
from unittest import mock

from bench.harness import benchmark_database, timed

CLAIMS = 10_000
CLAIMS_PER_ARTICLE = 10
RATINGS = ["false", "mostly_false", "mixed", "mostly_true", "true", "misleading", "unverifiable"]


def build_project(desk, second_annotator, *, claims: int, seed: int = 6):
    """Articles with ``CLAIMS_PER_ARTICLE`` claims each, 3 verdicts per claim, statuses set."""
    from annotations.models import Annotation, Article, ArticleRevision, Highlight, Status, Verdict

    rng = random.Random(seed)
    sentences = [f"Sentence {i} states that {i * 7} units were counted." for i in range(CLAIMS_PER_ARTICLE)]
    text = " ".join(sentences)
    n_articles = -(-claims // CLAIMS_PER_ARTICLE)
    articles = Article.objects.bulk_create(
        Article(project=desk.project, title=f"Article {i}", created_by=desk.annotator)
        for i in range(n_articles)
    )
    revisions = ArticleRevision.objects.bulk_create(
        ArticleRevision(article=article, number=1, text=text, created_by=desk.annotator)
        for article in articles
    )
    for article, revision in zip(articles, revisions, strict=True):
        article.current_revision = revision
    Article.objects.bulk_update(articles, ["current_revision"])

    annotations = []
    for index in range(claims):
        article_index, sentence = divmod(index, CLAIMS_PER_ARTICLE)
        start = text.index(sentences[sentence])
        end = start + len(sentences[sentence])
        author = desk.annotator
        if sentence % 3 == 2:
            # The second annotator's cut reaches back into the sentence before, the first annotator's.
            author, start = second_annotator, start - 10
        annotations.append(
            Annotation(
                article=articles[article_index],
                revision=revisions[article_index],
                start=start,
                end=end,
                quote=text[start:end],
                author=author,
            )
        )

    verdicts = []
    for annotation in annotations:
        base = rng.choice(RATINGS)
        if rng.random() < 0.7:
            ratings = [base] * len(desk.reviewers)
        else:
            ratings = [base if rng.random() < 0.5 else rng.choice(RATINGS) for _ in desk.reviewers]
        if len(set(ratings)) == 1:
            annotation.status, annotation.final_rating = Status.AGREED, base
        elif rng.random() < 0.2:
            annotation.status, annotation.final_rating = Status.RESOLVED, base
        else:
            annotation.status = Status.DISPUTED
        verdicts.append(ratings)
    Annotation.objects.bulk_create(annotations, batch_size=2000)
    # Span agreement counts who marked each claim's words, as the services record it.
    Highlight.objects.bulk_create(
        (Highlight(annotation=annotation, user=annotation.author) for annotation in annotations),
        batch_size=2000,
    )
    Verdict.objects.bulk_create(
        (
            Verdict(
                annotation=annotation,
                reviewer=reviewer,
                rating=rating,
                blind_rating=rating,
                confidence="medium",
            )
            for annotation, ratings in zip(annotations, verdicts, strict=True)
            for reviewer, rating in zip(desk.reviewers, ratings, strict=True)
        ),
        batch_size=2000,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=CLAIMS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with benchmark_database() as connection:
        from rest_framework.test import APIClient

        from annotations.models import Role
        from annotations.services.projects import add_member
        from tests.factories import make_desk, make_user

        desk = make_desk(reviewers=3)
        second_annotator = make_user()
        add_member(
            actor=desk.admin,
            project_id=desk.project.id,
            username=second_annotator.username,
            role=Role.ANNOTATOR,
        )
        build_project(desk, second_annotator, claims=args.claims)
        client = APIClient()
        url = f"/api/v1/agreement/?project={desk.project.id}"

        print(f"database: {connection.vendor}, {args.claims} claims x {len(desk.reviewers)} reviewers")
        for caller, user in (("editor", desk.editor), ("reviewer (blind)", desk.reviewers[0])):
            client.force_authenticate(user)
            queries = []
            with connection.execute_wrapper(
                lambda execute, sql, *rest, queries=queries: queries.append(sql) or execute(sql, *rest)
            ):
                response = client.get(url)
            assert response.status_code == 200, response.content
            body = response.json()
            assert body["n_verdicts"] == args.claims * len(desk.reviewers), body["n_verdicts"]

            def request(user=user):
                client.force_authenticate(user)
                assert client.get(url).status_code == 200

            median, _ = timed(request, repeat=args.repeat)
            alpha = body["krippendorff_alpha"]["nominal"]
            interval = body["krippendorff_alpha_detail"]["nominal"]["interval"]
            print(
                f"{caller:<17}: {median * 1000:7.1f} ms median of {args.repeat}, {len(queries)} SQL queries"
                f" (fleiss {number(body['fleiss_kappa'])}, alpha nominal {number(alpha)}"
                f" [{number(interval['low'])}, {number(interval['high'])}],"
                f" span overlap {number(body['spans']['overlap'])})"
            )

        statistics_cost(desk, repeat=args.repeat)


def number(value) -> str:
    return "null" if value is None else f"{value:.3f}"


def statistics_cost(desk, *, repeat: int):
    """The pure statistics on the editor's verdicts and spans, fed as the selector feeds them (one
    column per field): the verdict figures with the bootstrap and with one resample only, and the
    span agreement."""
    from annotations import agreement
    from annotations.models import Highlight, Verdict

    claims, reviewers, ratings = zip(
        *Verdict.objects.filter(annotation__article__project=desk.project).values_list(
            "annotation_id", "reviewer_id", "blind_rating"
        ),
        strict=True,
    )
    spans = list(
        zip(
            *Highlight.objects.filter(annotation__article__project=desk.project).values_list(
                "user_id", "annotation__revision_id", "annotation__start", "annotation__end"
            ),
            strict=True,
        )
    )

    def summary():
        return agreement.agreement_summary_from_columns(claims, reviewers, ratings)

    with_intervals, _ = timed(summary, repeat=repeat)
    with mock.patch.object(agreement, "N_RESAMPLES", 1):
        one_resample, _ = timed(summary, repeat=repeat)
    span_time, _ = timed(lambda: agreement.span_agreement_from_columns(*spans), repeat=repeat)
    print(
        f"statistics alone : {with_intervals * 1000:7.1f} ms with {agreement.N_RESAMPLES} resamples,"
        f" {one_resample * 1000:.1f} ms with 1: the intervals cost"
        f" {(with_intervals - one_resample) * 1000:.1f} ms; span agreement {span_time * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()

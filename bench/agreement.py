"""Agreement figures of a big project: GET /api/v1/agreement/?project=ID over 10,000 claims.

Each claim has a verdict from each of 3 reviewers (most agree, some split, some resolved), and
two annotators' spans overlap now and then. The rows are built directly with bulk_create for
speed; the request goes through the whole Django stack (DRF's test client, real database). Prints
the median time of the request for an editor (every figure) and for a reviewer (blind review) and
the SQL queries each ran.
"""

import argparse
import random

from bench.harness import benchmark_database, timed

CLAIMS = 10_000
CLAIMS_PER_ARTICLE = 10
RATINGS = ["false", "mostly_false", "mixed", "mostly_true", "true", "misleading", "unverifiable"]


def build_project(desk, second_annotator, *, claims: int, seed: int = 6):
    """Articles with ``CLAIMS_PER_ARTICLE`` claims each, 3 verdicts per claim, statuses set."""
    from annotations.models import Annotation, Article, ArticleRevision, Status, Verdict

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
    Verdict.objects.bulk_create(
        (
            Verdict(annotation=annotation, reviewer=reviewer, rating=rating, confidence="medium")
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
            print(
                f"{caller:<17}: {median * 1000:7.1f} ms median of {args.repeat}, {len(queries)} SQL queries"
                f" (fleiss {body['fleiss_kappa']:.3f}, alpha nominal {alpha:.3f},"
                f" span overlap {body['spans']['overlap']:.3f})"
            )


if __name__ == "__main__":
    main()

"""Loading pre-labelled claims: one request per claim against one bulk request of 500.

Each claim carries the caller's verdict with one piece of evidence. Both ways go through the
whole Django stack (DRF's test client, real database); the figure is the cost per claim.

Then the shape ``bench/server.py`` posts (``--articles``, 40): per article of about 5.5 KB, two
reviewers each send its 5 claims with verdicts in one bulk request (the second on the same spans,
about 20 % of the pairs disagreeing), token-authenticated. Printed: the median CPU time of this
process per request (``time.process_time``, so the server's share without HTTP) and the SQL
queries per request, for the first reviewer (new spans) and the second (the same spans).
"""

import argparse
import random
import statistics
import time

from bench.harness import benchmark_database, timed

N = 500


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=N)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--articles", type=int, default=40, help="articles for the 5-claim requests")
    args = parser.parse_args()

    with benchmark_database() as connection:
        from rest_framework.test import APIClient

        from tests.factories import make_article, make_desk

        desk = make_desk()
        client = APIClient()
        client.force_authenticate(desk.reviewers[0])
        text = " ".join(f"Claim {i} says {i * 7} things." for i in range(args.claims))

        def items(article):
            for i in range(args.claims):
                quote = f"Claim {i} says"
                start = text.index(quote + " ")
                yield {
                    "article": article.id,
                    "start": start,
                    "end": start + len(quote),
                    "quote": quote,
                    "verdict": {
                        "rating": "false",
                        "confidence": "high",
                        "evidence": [{"url": f"https://stats.example.org/{i % 50}", "stance": "refutes"}],
                    },
                }

        def one_by_one():
            article = make_article(desk, text=text)
            for item in items(article):
                verdict = item.pop("verdict")
                response = client.post("/api/v1/annotations/", item, format="json")
                assert response.status_code == 201, response.content
                verdict["annotation"] = response.json()["id"]
                assert client.post("/api/v1/verdicts/", verdict, format="json").status_code == 201

        def in_bulk():
            article = make_article(desk, text=text)
            response = client.post(
                "/api/v1/annotations/bulk/", {"annotations": list(items(article))}, format="json"
            )
            assert response.status_code == 201, response.content

        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
        ):
            in_bulk()
        single, _ = timed(one_by_one, repeat=args.repeat)
        bulk, _ = timed(in_bulk, repeat=args.repeat)
        print(f"database: {connection.vendor}, {args.claims} claims with a verdict and evidence each")
        print(f"one request per claim : {single * 1000 / args.claims:8.2f} ms per claim ({single:.2f} s)")
        print(f"one bulk request      : {bulk * 1000 / args.claims:8.2f} ms per claim ({bulk:.2f} s)")
        print(f"bulk is {single / bulk:.1f}x cheaper per claim; its request ran {len(queries)} SQL queries")
        five_claims(desk, connection, args.articles)


def five_claims(desk, connection, n_articles: int) -> None:
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from bench.server import RATINGS, article_text, claim_items
    from tests.factories import make_article

    rng = random.Random(15)
    clients = []
    for reviewer in desk.reviewers[:2]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=reviewer)[0].key}")
        clients.append(client)
    figures = ([], []), ([], [])  # (CPU, SQL) of the first reviewer's requests, then the second's
    for index in range(n_articles):
        text = article_text(rng, index)
        article = {"id": make_article(desk, text=text).id, "index": index}
        first = [rng.choice(RATINGS) for _ in range(5)]
        second = [r if rng.random() >= 0.2 else rng.choice([x for x in RATINGS if x != r]) for r in first]
        for client, ratings, (cpu, sql) in zip(clients, (first, second), figures, strict=True):
            body = {"annotations": claim_items(article, text, ratings)}
            queries = []
            started = time.process_time()
            with connection.execute_wrapper(
                lambda execute, *rest, seen=queries: seen.append(1) or execute(*rest)
            ):
                response = client.post("/api/v1/annotations/bulk/", body, format="json")
            cpu.append(time.process_time() - started)
            sql.append(len(queries))
            assert response.status_code == 201, response.content
    print(f"5 claims with verdicts in one bulk request, {n_articles} articles, two reviewers:")
    for name, (cpu, sql) in zip(
        ("first reviewer (new spans)", "second reviewer (same spans)"), figures, strict=True
    ):
        # The first request of all pays for loading what every request shares.
        print(
            f"  {name:<29}: {statistics.median(cpu[1:] or cpu) * 1000:6.2f} ms CPU per request,"
            f" {statistics.median(sql):.0f} SQL queries"
        )


if __name__ == "__main__":
    main()

"""Loading pre-labelled claims: one request per claim against one bulk request of 500.

Each claim carries the caller's verdict with one piece of evidence. Both ways go through the
whole Django stack (DRF's test client, real database); the figure is the cost per claim.
"""

import argparse

from bench.harness import benchmark_database, timed

N = 500


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=N)
    parser.add_argument("--repeat", type=int, default=3)
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


if __name__ == "__main__":
    main()

"""What the hot read paths ask of the database: fixed queries, and no column they do not show."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import make_annotation, make_article, make_desk, make_verdict
from workbench.pagination import IdsFirstPaginator

pytestmark = pytest.mark.django_db


def test_article_list_reads_no_article_text():
    """The article list shows each article's revision number, never its text, so its queries do
    not read the revisions' text column (a page then costs the same whatever the texts weigh)."""
    desk = make_desk()
    for number in range(3):
        make_article(desk, title=f"Article {number}", text=f"Text number {number} " * 500)
    client = APIClient()
    client.force_authenticate(desk.reviewers[0])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/articles/?project={desk.project.id}")
    assert response.status_code == 200
    assert [item["revision"] for item in response.json()["results"]] == [1, 1, 1]
    revision_text = '"annotations_articlerevision"."text"'
    assert not [query["sql"] for query in queries if revision_text in query["sql"]]


def test_article_detail_still_reads_the_text():
    """The detail shows the text: the list's saving does not reach it."""
    desk = make_desk()
    article = make_article(desk, text="The river rose 3.2 metres overnight.")
    client = APIClient()
    client.force_authenticate(desk.reviewers[0])
    body = client.get(f"/api/v1/articles/{article.id}/").json()
    assert "The river rose 3.2 metres overnight." in str(body)


@pytest.mark.parametrize("field", ["text", "html"])
def test_bulk_import_refuses_a_lone_surrogate_naming_the_item_and_field(field):
    """A JSON escape can carry a lone surrogate, which no UTF-8 text holds: the bulk import's item
    answers 400 naming its position, the field and the code point, and nothing is imported."""
    desk = make_desk()
    client = APIClient()
    client.force_authenticate(desk.annotator)
    good = {"project": desk.project.id, "title": "Fine", "text": "The river rose."}
    bad = {"project": desk.project.id, "title": "Broken", field: "The river rose \ud83d overnight."}
    body = '{"articles": [%s, %s]}' % (  # noqa: UP031 (the escape must reach the server as written)
        json.dumps(good),
        json.dumps(bad, ensure_ascii=True),
    )
    response = client.post("/api/v1/articles/bulk/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"articles": {"1": {field: ["Surrogate characters are not allowed: U+D83D."]}}}
    assert client.get(f"/api/v1/articles/?project={desk.project.id}").json()["count"] == 0


def bulk_claims(client, article, text, quotes):
    items = []
    for quote in quotes:
        start = text.index(quote)
        items.append(
            {
                "article": article.id,
                "start": start,
                "end": start + len(quote),
                "quote": quote,
                "verdict": {
                    "rating": "false",
                    "confidence": "high",
                    "evidence": [{"url": "https://stats.example.org/table", "stance": "refutes"}],
                },
            }
        )
    return client.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json")


def test_bulk_verdicts_on_existing_spans_run_the_same_queries_for_one_item_or_five():
    """A second reviewer's bulk request reuses the first one's spans; reading the claims' articles
    and projects is done once for the batch, not once per reused span."""
    desk = make_desk()
    text = " ".join(f"Claim {i} says {i * 7} things." for i in range(10))
    quotes = [f"Claim {i} says" for i in range(10)]
    article = make_article(desk, text=text)
    first, second = APIClient(), APIClient()
    first.force_authenticate(desk.reviewers[0])
    second.force_authenticate(desk.reviewers[1])
    assert bulk_claims(first, article, text, quotes).status_code == 201
    counts = []
    for chosen in (quotes[:1], quotes[1:6]):
        with CaptureQueriesContext(connection) as queries:
            response = bulk_claims(second, article, text, chosen)
        assert response.status_code == 201, response.content
        assert [item["quote"] for item in response.json()] == chosen
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "listing",
    [
        "/api/v1/annotations/?ordering=status",
        "/api/v1/annotations/?ordering=-status",
        "/api/v1/queues/to_review/?ordering=-created_at",
        "/api/v1/verdicts/?ordering=rating",
    ],
)
def test_deep_pages_ordered_by_blind_review_fields_hold_what_offset_gives(monkeypatch, listing):
    """The ids subquery keeps an order on an annotation (the status blind review shows), and
    on a joined column: the pages hold the rows OFFSET gave, in its order, ties broken by id
    (in a page, the rows' own query would otherwise order tied rows as it likes)."""
    desk = make_desk(reviewers=3)
    article = make_article(desk, text=" ".join(f"Claim number {n} is here." for n in range(8)))
    for n in range(8):
        claim = make_annotation(desk, article=article, quote=f"Claim number {n} is")
        ratings = ("false", "true" if n % 2 else "false")[: n % 3]
        for reviewer, rating in zip(desk.reviewers[: n % 3], ratings, strict=True):
            make_verdict(annotation=claim, reviewer=reviewer, rating=rating)
    client = APIClient()
    client.force_authenticate(desk.reviewers[0])
    count = client.get(listing).json()["count"]
    assert count >= 3
    pages = [f"{listing}&page_size=2&page={page}" for page in range(1, (count + 1) // 2 + 1)]
    offset_pages = [client.get(page).json() for page in pages]

    monkeypatch.setattr(IdsFirstPaginator, "deep_offset", 2)
    assert [client.get(page).json() for page in pages] == offset_pages


def test_a_deep_page_picks_its_rows_by_ids_and_holds_what_offset_gives(monkeypatch):
    """Past the first pages a list page picks its rows by a subquery of their ids in the list's
    order: the same rows, order, count and links as page-number paging gave, and the query that
    builds whole rows (joins, annotations) skips nothing by OFFSET."""
    desk = make_desk()
    for number in range(9):
        make_article(desk, title=f"Article {number}")
    client = APIClient()
    client.force_authenticate(desk.reviewers[0])
    pages = [f"/api/v1/articles/?project={desk.project.id}&page_size=2&page={page}" for page in (1, 3, 5)]
    offset_pages = [client.get(page).json() for page in pages]

    monkeypatch.setattr(IdsFirstPaginator, "deep_offset", 4)
    with CaptureQueriesContext(connection) as queries:
        assert [client.get(page).json() for page in pages] == offset_pages
    assert [len(page["results"]) for page in offset_pages] == [2, 2, 1]
    whole = [query["sql"] for query in queries if '"annotations_article"."title"' in query["sql"]]
    # One query of whole rows a page, as on page 1: pages 3 and 5 pick theirs by a subquery of
    # ids alone, read by OFFSET; the whole rows are never skipped by OFFSET.
    assert len(whole) == 3
    assert "OFFSET" not in whole[0]
    for sql in whole[1:]:
        outer, ids = sql.split(' IN (SELECT "V0"."id" AS "pk" FROM ', 1)
        assert "OFFSET" not in outer and "OFFSET" in ids and '"title"' not in ids

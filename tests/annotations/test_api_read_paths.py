"""What the hot read paths ask of the database: fixed queries, and no column they do not show."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import make_article, make_desk

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

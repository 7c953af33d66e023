import importlib

import pytest

from annotations.models import (
    Annotation,
    Article,
    ArticleRevision,
    Disagreement,
    DisagreementKind,
    DisagreementStatus,
    HistoryEntry,
    Status,
)
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_project

pytestmark = pytest.mark.django_db


def post_article(api_client, desk, **body):
    api_client.force_authenticate(desk.annotator)
    return api_client.post(
        "/api/v1/articles/", {"project": desk.project.id, "title": "A title", **body}, format="json"
    )


def test_text_is_stored_in_canonical_form_and_offsets_count_code_points(api_client):
    desk = make_desk()
    raw = "Cafe\u0301 owners in 서울 said 😀 prices rose.  \r\n\r\n\r\n\r\nThe mayor denied it.\r\n"
    response = post_article(api_client, desk, text=raw, published_at="2026-10-14T07:30:00+09:00")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == "Café owners in 서울 said 😀 prices rose.\n\nThe mayor denied it."
    assert body["revision"] == 1
    assert body["published_at"] == "2026-10-13T22:30:00Z"
    text = body["text"]
    start = text.index("😀 prices")
    response = api_client.post(
        "/api/v1/annotations/",
        {"article": body["id"], "start": start, "end": start + len("😀 prices"), "quote": "😀 prices"},
        format="json",
    )
    assert response.status_code == 201, response.content
    annotation = response.json()
    assert (annotation["start"], annotation["end"]) == (23, 31)
    assert annotation["prefix"] == "Café owners in 서울 said "
    assert annotation["suffix"] == " rose.\n\nThe mayor denied it."


def test_html_is_reduced_to_paragraphs_and_never_kept(api_client):
    desk = make_desk()
    html = (
        "<article><h1>Rain</h1><script>alert(1)</script><p>São&nbsp;Paulo got <b>312 mm</b>.</p>"
        "<!-- a comment --><p>Residents &amp; officials disagree.</p></article>"
    )
    response = post_article(api_client, desk, html=html)
    assert response.status_code == 201, response.content
    assert response.json()["text"] == "Rain\n\nSão Paulo got 312 mm.\n\nResidents & officials disagree."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": "x", "html": "<p>x</p>"}, "text"),
        ({"text": "  \n\n  "}, "text"),
        ({"html": "<script>only()</script>"}, "html"),
        ({"text": "ok", "published_at": "last tuesday"}, "published_at"),
        ({"text": "ok", "url": "not a url"}, "url"),
        ({"text": "ok", "title": ""}, "title"),
        ({"text": "ok", "title": "t" * 501}, "title"),
        ({"text": "ok", "project": "one"}, "project"),
    ],
)
def test_bad_article_input_names_the_field_and_creates_nothing(api_client, body, field):
    desk = make_desk()
    response = post_article(api_client, desk, **body)
    assert response.status_code == 400
    assert field in response.json()
    assert Article.objects.count() == 0


def test_articles_of_other_projects_are_404_also_when_named_in_the_body(api_client):
    desk = make_desk()
    other = make_project()
    response = post_article(api_client, desk, project=other.id, text="Some text.")
    assert response.status_code == 404
    response = post_article(api_client, desk, project=999_999, text="Some text.")
    assert response.status_code == 404
    theirs = make_article(make_desk())
    assert api_client.get(f"/api/v1/articles/{theirs.id}/").status_code == 404
    assert api_client.get(f"/api/v1/articles/{theirs.id}/revisions/").status_code == 404
    assert (
        api_client.post(f"/api/v1/articles/{theirs.id}/revisions/", {"text": "x"}, format="json").status_code
        == 404
    )
    assert (
        api_client.patch(f"/api/v1/articles/{theirs.id}/", {"title": "x"}, format="json").status_code == 404
    )
    assert Article.objects.count() == 1


def test_list_leaves_out_the_text_and_runs_a_fixed_number_of_queries(
    api_client, django_assert_max_num_queries
):
    desk = make_desk()
    for index in range(12):
        make_article(desk, title=f"Article {index}")
    api_client.force_authenticate(desk.reviewers[0])
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/articles/")
    body = response.json()
    assert body["count"] == 12
    assert "text" not in body["results"][0]
    with django_assert_max_num_queries(2):
        detail = api_client.get(f"/api/v1/articles/{body['results'][0]['id']}/")
    assert "text" in detail.json()


def test_article_filters_and_search(api_client):
    desk = make_desk()
    make_article(desk, title="Rain in São Paulo", publisher="Gazeta")
    make_article(desk, title="Coffee and longevity", publisher="Daily")
    api_client.force_authenticate(desk.annotator)
    titles = [a["title"] for a in api_client.get("/api/v1/articles/?q=paulo").json()["results"]]
    assert titles == ["Rain in São Paulo"]
    titles = [a["title"] for a in api_client.get("/api/v1/articles/?publisher=daily").json()["results"]]
    assert titles == ["Coffee and longevity"]
    titles = [a["title"] for a in api_client.get("/api/v1/articles/?ordering=title").json()["results"]]
    assert titles == ["Coffee and longevity", "Rain in São Paulo"]
    assert api_client.get("/api/v1/articles/?created_after=yesterday").status_code == 400


def test_a_new_revision_re_anchors_moved_words_and_orphans_deleted_ones(api_client):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    moved = make_annotation(desk, article=article, quote="prices rose 12%")
    deleted = make_annotation(desk, article=article, quote="The mayor denied it.")
    api_client.force_authenticate(desk.annotator)
    new_text = "Update: " + EMOJI_TEXT.replace("The mayor denied it.", "The council confirmed it.")
    response = api_client.post(f"/api/v1/articles/{article.id}/revisions/", {"text": new_text}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["revision"] == 2

    moved.refresh_from_db()
    assert moved.revision.number == 2
    assert new_text[moved.start : moved.end] == "prices rose 12%"
    assert moved.orphaned is False
    deleted.refresh_from_db()
    assert deleted.orphaned is True
    assert deleted.revision.number == 1
    assert deleted.revision.text[deleted.start : deleted.end] == "The mayor denied it."

    orphans = api_client.get(f"/api/v1/annotations/?article={article.id}&orphaned=true").json()
    assert [a["id"] for a in orphans["results"]] == [deleted.id]
    changes = HistoryEntry.objects.filter(object_type="annotation", action="update", object_id=moved.id).get()
    assert changes.before["start"] != changes.after["start"]

    revisions = api_client.get(f"/api/v1/articles/{article.id}/revisions/").json()
    assert [r["number"] for r in revisions["results"]] == [1, 2]


def test_an_orphaned_claim_leaves_its_span_disagreements_and_its_partner_is_no_longer_disputed(api_client):
    """Orphaning closes the orphan's open span disagreements; both claims' status is derived again."""
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    stays = make_annotation(desk, article=article, quote="said 😀 prices", author=desk.annotator)
    goes = make_annotation(desk, article=article, quote="prices rose 12% in 2024.", author=desk.reviewers[0])
    span = Disagreement.objects.get(kind=DisagreementKind.SPAN)
    stays.refresh_from_db()
    assert stays.status == Status.DISPUTED
    api_client.force_authenticate(desk.annotator)
    new_text = EMOJI_TEXT.replace("rose 12% in 2024.", "fell sharply last winter.")
    response = api_client.post(f"/api/v1/articles/{article.id}/revisions/", {"text": new_text}, format="json")
    assert response.status_code == 201, response.content

    goes.refresh_from_db()
    assert goes.orphaned is True
    span.refresh_from_db()
    assert span.status == DisagreementStatus.CLOSED
    assert span.closed_at is not None
    stays.refresh_from_db()
    assert (stays.orphaned, stays.revision.number) == (False, 2)
    assert stays.status == Status.NEEDS_REVIEW
    assert goes.status == Status.NEEDS_REVIEW
    assert api_client.get("/api/v1/disagreements/?status=open").json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        (
            {"text": "A new text."},
            "text",
            "A changed text is a new revision: POST it to /api/v1/articles/{id}/revisions/.",
        ),
        (
            {"html": "<p>A new text.</p>"},
            "html",
            "A changed text is a new revision: POST it to /api/v1/articles/{id}/revisions/.",
        ),
        (
            {"title": "New title", "text": "A new text."},
            "text",
            "A changed text is a new revision: POST it to /api/v1/articles/{id}/revisions/.",
        ),
        ({"title": "New title", "body": "A new text."}, "body", "Unknown field."),
        ({"project": 1}, "project", "This field cannot be changed."),
        ({"revision": 7}, "revision", "This field cannot be changed."),
    ],
)
def test_a_patch_naming_a_field_it_cannot_change_is_400_and_changes_nothing(api_client, body, field, reason):
    """PATCH answers 400 naming each field it cannot change and where a new text goes; nothing changes."""
    desk = make_desk()
    article = make_article(desk, title="Old title", text=EMOJI_TEXT)
    api_client.force_authenticate(desk.annotator)
    response = api_client.patch(f"/api/v1/articles/{article.id}/", body, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [reason.format(id=article.id)]
    article.refresh_from_db()
    assert (article.title, article.current_revision.text) == ("Old title", EMOJI_TEXT)
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_a_patch_reports_bad_metadata_and_refused_fields_together(api_client):
    """Field errors and refused fields come back in one answer."""
    desk = make_desk()
    article = make_article(desk, title="Old title")
    api_client.force_authenticate(desk.annotator)
    response = api_client.patch(f"/api/v1/articles/{article.id}/", {"title": "", "text": "x"}, format="json")
    assert response.status_code == 400
    assert sorted(response.json()) == ["text", "title"]


def test_a_patch_of_the_url_moves_the_key_re_imports_find_the_article_by(api_client):
    """After a PATCH of the url, importing the new address (in another spelling) re-imports the article."""
    desk = make_desk()
    article = make_article(desk, title="Old title", url="https://example.org/old")
    api_client.force_authenticate(desk.annotator)
    response = api_client.patch(
        f"/api/v1/articles/{article.id}/",
        {"title": "New title", "url": "https://example.org/new"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "New title"
    again = post_article(api_client, desk, text="Changed text.", url="https://EXAMPLE.org/new?utm_source=x")
    assert (again.status_code, again.json()["id"], again.json()["revision"]) == (200, article.id, 2)


def test_the_same_text_again_adds_no_revision(api_client):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    api_client.force_authenticate(desk.annotator)
    response = api_client.post(
        f"/api/v1/articles/{article.id}/revisions/", {"text": EMOJI_TEXT + "\n"}, format="json"
    )
    assert response.status_code == 200
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_re_importing_by_url_adds_a_revision(api_client):
    desk = make_desk()
    url = "https://example.org/news/1"
    first = post_article(api_client, desk, text="First version.", url=url)
    assert first.status_code == 201
    again = post_article(api_client, desk, text="Second version.", url=url)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["revision"] == 2
    assert Article.objects.count() == 1


def test_re_importing_an_address_differing_in_host_case_or_tracking_parameters_adds_a_revision(api_client):
    """Host case, a fragment and tracking parameters do not make another article; other parameters do."""
    desk = make_desk()
    first = post_article(api_client, desk, text="First version.", url="https://Example.org/news?id=1")
    assert first.status_code == 201, first.content
    again = post_article(
        api_client,
        desk,
        text="Second version.",
        url="https://EXAMPLE.org/news?utm_source=feed&id=1&fbclid=abc&gclid=x#comments",
    )
    assert again.status_code == 200, again.content
    assert (again.json()["id"], again.json()["revision"]) == (first.json()["id"], 2)
    other = post_article(api_client, desk, text="Another story.", url="https://example.org/news?id=2")
    assert other.status_code == 201
    assert Article.objects.count() == 2


def test_an_article_address_that_is_no_web_address_is_400_and_creates_nothing(api_client):
    """An article's url must be an http(s) address: it is the key re-imports find the article by."""
    desk = make_desk()
    response = post_article(api_client, desk, text="Some text.", url="ftp://example.org/a.txt")
    assert response.status_code == 400
    assert "http://" in response.json()["url"][0]
    api_client.force_authenticate(desk.annotator)
    items = [
        {"project": desk.project.id, "title": "fine", "text": "Fine.", "url": "https://example.org/"},
        {"project": desk.project.id, "title": "ftp", "text": "No.", "url": "ftp://example.org/"},
    ]
    response = api_client.post("/api/v1/articles/bulk/", {"articles": items}, format="json")
    assert response.status_code == 400
    assert list(response.json()["articles"]) == ["1"]
    assert list(response.json()["articles"]["1"]) == ["url"]
    assert Article.objects.count() == 0


def test_bulk_import_re_imports_articles_of_the_project_and_of_earlier_items(api_client):
    """Items with a known url (normalized) add a revision when their text changed, never a duplicate."""
    desk = make_desk()
    known = make_article(desk, text=EMOJI_TEXT, url="https://example.org/seoul")
    claim = make_annotation(desk, article=known, quote="prices rose 12%")
    elsewhere = make_article(make_desk(), text="Elsewhere.", url="https://example.org/new")
    project = desk.project.id
    items = [
        {
            "project": project,
            "title": "Seoul",
            "text": "Update: " + EMOJI_TEXT,
            "url": "https://EXAMPLE.org/seoul?utm_medium=x",
        },
        {"project": project, "title": "New", "text": "First text.", "url": "https://example.org/new"},
        {
            "project": project,
            "title": "New again",
            "text": "Second text.",
            "url": "https://example.org/new#top",
        },
        {
            "project": project,
            "title": "Seoul unchanged",
            "text": "Update: " + EMOJI_TEXT,
            "url": "https://example.org/seoul",
        },
        {"project": project, "title": "No url", "text": "First text."},
    ]
    api_client.force_authenticate(desk.annotator)
    response = api_client.post("/api/v1/articles/bulk/", {"articles": items}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    new = Article.objects.get(project=desk.project, title="New")
    assert [(a["id"], a["created"], a["revision"]) for a in body] == [
        (known.id, False, 2),
        (new.id, True, 2),
        (new.id, False, 2),
        (known.id, False, 2),
        (body[4]["id"], True, 1),
    ]
    assert Article.objects.filter(project=desk.project).count() == 3
    assert [r.text for r in new.revisions.order_by("number")] == ["First text.", "Second text."]
    assert known.revisions.count() == 2
    claim.refresh_from_db()
    assert (claim.revision.number, claim.version) == (2, 2)
    assert claim.start == ("Update: " + EMOJI_TEXT).index("prices rose 12%")
    assert HistoryEntry.objects.filter(object_type="annotation", object_id=claim.id, action="update").exists()
    assert elsewhere.revisions.count() == 1


def test_bulk_re_imports_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    """Re-importing 30 annotated articles, one of them orphaning a disputed claim, takes a few queries."""
    desk = make_desk()
    items = []
    for index in range(30):
        article = make_article(desk, text=EMOJI_TEXT, url=f"https://example.org/{index}")
        make_annotation(desk, article=article, quote="said 😀 prices")
        make_annotation(desk, article=article, quote="prices rose 12% in 2024.", author=desk.reviewers[0])
        new_text = "New: " + EMOJI_TEXT
        if index == 0:
            new_text = EMOJI_TEXT.replace("rose 12% in 2024.", "fell sharply last winter.")
        items.append({"project": desk.project.id, "title": "t", "text": new_text, "url": article.url})
    items.append(
        {"project": desk.project.id, "title": "t", "text": "Brand new.", "url": "https://example.org/x"}
    )
    api_client.force_authenticate(desk.annotator)
    with django_assert_max_num_queries(20):
        response = api_client.post("/api/v1/articles/bulk/", {"articles": items}, format="json")
    assert response.status_code == 201, response.content
    assert ArticleRevision.objects.filter(number=2).count() == 30
    assert Annotation.objects.filter(orphaned=True).count() == 1
    assert not Disagreement.objects.filter(
        status=DisagreementStatus.OPEN, annotation__article__url=items[0]["url"]
    ).exists()


def test_the_url_key_migration_fills_existing_articles():
    """Articles imported before url keys existed get theirs, so re-imports find them too."""
    from django.apps import apps

    fill = importlib.import_module("annotations.migrations.0007_fill_article_url_key").fill_url_keys
    desk = make_desk()
    article = make_article(desk, url="https://WWW.Example.org:443/a?utm_campaign=z&b=1")
    Article.objects.filter(pk=article.pk).update(url_key="")
    fill(apps, None)
    article.refresh_from_db()
    assert article.url_key == "https://www.example.org/a?b=1"


def test_bulk_import_creates_all_in_few_queries(api_client, django_assert_max_num_queries):
    """Whatever the batch's size: the project's lock, the articles of these addresses, one insert of
    the articles and one of their revisions, one update of their current revisions, the answer's
    read, and the transaction's savepoint and release."""
    desk = make_desk()
    items = [
        {"project": desk.project.id, "title": f"T{i}", "html": f"<p>Claim number {i}.</p>"} for i in range(50)
    ] + [
        {"project": desk.project.id, "title": f"U{i}", "text": f"Claim {i}.", "url": f"https://e.org/{i}"}
        for i in range(200)
    ]
    api_client.force_authenticate(desk.annotator)
    with django_assert_max_num_queries(8):
        response = api_client.post("/api/v1/articles/bulk/", {"articles": items}, format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()) == 250
    assert ArticleRevision.objects.filter(number=1).count() == 250
    assert Article.objects.get(title="T7").current_revision.text == "Claim number 7."
    assert Article.objects.get(title="U7").current_revision.text == "Claim 7."
    assert Article.objects.get(title="U7").url_key == "https://e.org/7"


def test_bulk_import_is_all_or_nothing_and_names_every_bad_item(api_client):
    desk = make_desk()
    items = [
        {"project": desk.project.id, "title": "fine", "text": "Fine."},
        {"project": desk.project.id, "title": "", "text": "No title."},
        {"project": desk.project.id, "title": "no text"},
        {"project": desk.project.id, "title": "fine too", "text": "Fine too."},
    ]
    api_client.force_authenticate(desk.annotator)
    response = api_client.post("/api/v1/articles/bulk/", {"articles": items}, format="json")
    assert response.status_code == 400
    errors = response.json()["articles"]
    assert {position: sorted(fields) for position, fields in errors.items()} == {
        "1": ["title"],
        "2": ["text"],
    }
    assert Article.objects.count() == 0


def test_bulk_import_refuses_more_than_500_and_other_projects(api_client):
    desk = make_desk()
    api_client.force_authenticate(desk.annotator)
    item = {"project": desk.project.id, "title": "t", "text": "x"}
    response = api_client.post("/api/v1/articles/bulk/", {"articles": [item] * 501}, format="json")
    assert response.status_code == 400
    assert "articles" in response.json()
    other = {"project": make_project().id, "title": "t", "text": "x"}
    response = api_client.post("/api/v1/articles/bulk/", {"articles": [item, other]}, format="json")
    assert response.status_code == 404
    assert Article.objects.count() == 0
    assert Annotation.objects.count() == 0

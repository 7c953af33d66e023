"""Bad input on the pages: every error is shown next to its field, and nothing changes."""

import re

import pytest
from django.test import Client

from annotations.models import Annotation, Article, Membership, Role, Verdict
from annotations.services.articles import add_revision
from annotations.services.verdicts import edit_verdict
from tests.annotations.test_pages import client_for, verdict_data
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db


def error_of(html: str, field_id: str) -> str:
    """The text of the error list Django renders for the field with this id."""
    match = re.search(rf'<ul class="errorlist" id="{re.escape(field_id)}_error">(.*?)</ul>', html, re.S)
    assert match, f"no errors next to {field_id}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


@pytest.fixture
def desk():
    return make_desk()


def test_importing_an_empty_text_shows_the_reason_next_to_the_text_and_creates_nothing(desk):
    client = client_for(desk.annotator)
    response = client.post(
        f"/projects/{desk.project.id}/articles/import/",
        {"title": "Empty", "format": "html", "body": "<p>  </p><script>x()</script>"},
    )
    assert response.status_code == 400
    assert "no text once markup" in error_of(response.content.decode(), "id_body")
    assert not Article.objects.exists()


def test_import_errors_name_each_field(desk):
    response = client_for(desk.annotator).post(
        f"/projects/{desk.project.id}/articles/import/",
        {
            "title": "",
            "format": "text",
            "body": "Some text.",
            "url": "not a url",
            "published_at": "yesterday",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "required" in error_of(html, "id_title")
    assert "valid URL" in error_of(html, "id_url")
    assert "valid date" in error_of(html, "id_published_at")
    assert 'aria-invalid="true"' in html
    assert not Article.objects.exists()


def test_importing_the_same_address_again_adds_a_revision_and_re_anchors(desk):
    article = make_article(desk, text=EMOJI_TEXT, url="https://example.org/cafe")
    claim = make_annotation(desk, article=article, quote="prices rose 12%")
    response = client_for(desk.annotator).post(
        f"/projects/{desk.project.id}/articles/import/",
        {
            "title": "Café",
            "format": "text",
            "body": "New lead.\n\n" + EMOJI_TEXT,
            "url": "https://example.org/cafe",
        },
        follow=True,
    )
    assert "updated as a new revision" in response.content.decode()
    assert Article.objects.count() == 1
    claim.refresh_from_db()
    assert claim.revision.number == 2
    assert claim.revision.text[claim.start : claim.end] == "prices rose 12%"


def test_importing_html_keeps_only_its_text_and_opens_the_reader(desk):
    response = client_for(desk.annotator).post(
        f"/projects/{desk.project.id}/articles/import/",
        {
            "title": "Café report",
            "format": "html",
            "body": "<h1>Café</h1><p>Prices rose <b>12%</b>.</p><script>alert(1)</script>",
            "published_at": "2026-03-01T09:30",
            "language": "en",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.id}/"
    assert article.current_revision.text == "Café\n\nPrices rose 12%."
    assert article.published_at is not None


def test_a_verdict_without_rating_shows_the_error_next_to_the_rating(desk):
    claim = make_annotation(desk)
    response = client_for(desk.reviewers[0]).post(
        f"/annotations/{claim.id}/verdict/", verdict_data(rating=""), headers={"X-Fragment": "panel"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "required" in error_of(html, "verdict_rating")
    assert 'aria-describedby="verdict_rating_error"' in html
    assert not Verdict.objects.exists()


def test_bad_evidence_is_shown_in_its_row(desk):
    claim = make_annotation(desk)
    evidence = [
        {"url": "https://example.org/fine", "stance": "supports"},
        {"url": "ftp://example.org/file", "stance": "refutes"},
        {"url": "https://example.org/no-stance", "stance": ""},
    ]
    response = client_for(desk.reviewers[0]).post(
        f"/annotations/{claim.id}/verdict/", verdict_data(evidence=evidence)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "http" in error_of(html, "id_evidence-1-url")
    assert "required" in error_of(html, "id_evidence-2-stance")
    assert 'id="id_evidence-0-url_error"' not in html
    assert not Verdict.objects.exists()


def test_a_second_verdict_form_for_the_same_claim_is_a_conflict(desk):
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, rating="true")
    response = client_for(desk.reviewers[0]).post(
        f"/annotations/{claim.id}/verdict/", verdict_data(rating="false"), headers={"X-Fragment": "panel"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "already gave a verdict" in html
    assert 'name="version" value="1"' in html
    assert Verdict.objects.get().rating == "true"


def test_a_stale_verdict_edit_changes_nothing_and_says_so(desk):
    claim = make_annotation(desk)
    verdict = make_verdict(desk, annotation=claim, rating="true", rationale="Original.")
    edit_verdict(reviewer=desk.reviewers[0], verdict_id=verdict.id, rationale="Changed in another tab.")
    response = client_for(desk.reviewers[0]).post(
        f"/annotations/{claim.id}/verdict/",
        verdict_data(rating="false", rationale="My stale edit.", version=1),
        headers={"X-Fragment": "panel"},
    )
    assert response.status_code == 412
    html = response.content.decode()
    assert "changed elsewhere" in html
    assert "My stale edit." in html
    assert 'name="version" value="2"' in html
    verdict.refresh_from_db()
    assert (verdict.rating, verdict.rationale, verdict.version) == ("true", "Changed in another tab.", 2)


def test_a_stale_claim_text_edit_changes_nothing(desk):
    claim = make_annotation(desk, claim="First wording.")
    client = client_for(desk.annotator)
    assert (
        client.post(f"/annotations/{claim.id}/claim/", {"claim": "Second.", "version": 1}).status_code == 302
    )
    response = client.post(f"/annotations/{claim.id}/claim/", {"claim": "Stale.", "version": 1})
    assert response.status_code == 412
    assert "changed by someone else" in response.content.decode()
    claim.refresh_from_db()
    assert claim.claim == "Second."


def test_annotating_in_code_points_over_an_emoji(desk):
    article = make_article(desk, text=EMOJI_TEXT)
    quote = "😀 prices rose 12%"
    start = EMOJI_TEXT.index(quote)
    response = client_for(desk.annotator).post(
        f"/articles/{article.id}/annotations/",
        {"start": start, "end": start + len(quote), "quote": quote, "revision": article.current_revision_id},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    annotation = Annotation.objects.get()
    assert response.json() == {
        "id": annotation.id,
        "created": True,
        "url": f"/articles/{article.id}/?claim={annotation.id}",
    }
    assert (annotation.start, annotation.end, annotation.quote) == (start, start + len(quote), quote)


def test_a_quote_that_does_not_match_is_refused_with_the_reason(desk):
    article = make_article(desk, text=EMOJI_TEXT)
    quote = "😀 prices rose 12%"
    utf16_start = len(EMOJI_TEXT[: EMOJI_TEXT.index(quote)].encode("utf-16-le")) // 2 + 1
    response = client_for(desk.annotator).post(
        f"/articles/{article.id}/annotations/",
        {
            "start": utf16_start,
            "end": utf16_start + len(quote),
            "quote": quote,
            "revision": article.current_revision_id,
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert any("Does not match" in message for message in response.json()["errors"])
    assert not Annotation.objects.exists()


def test_annotating_a_text_that_changed_meanwhile_asks_to_reload(desk):
    article = make_article(desk, text=EMOJI_TEXT)
    old_revision = article.current_revision_id
    add_revision(actor=desk.annotator, article_id=article.id, text=EMOJI_TEXT + "\n\nA new paragraph.")
    response = client_for(desk.annotator).post(
        f"/articles/{article.id}/annotations/",
        {"start": 0, "end": 4, "quote": "Café", "revision": old_revision},
    )
    assert response.status_code == 400
    assert "changed since this page was opened" in response.content.decode()
    assert not Annotation.objects.exists()


def test_highlighting_the_same_words_again_opens_the_existing_claim(desk):
    claim = make_annotation(desk)
    response = client_for(desk.reviewers[0]).post(
        f"/articles/{claim.article_id}/annotations/",
        {
            "start": claim.start,
            "end": claim.end,
            "quote": claim.quote,
            "revision": claim.revision_id,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/articles/{claim.article_id}/?claim={claim.id}"
    assert "highlighted already" in response.content.decode()
    assert Annotation.objects.count() == 1


def test_member_form_errors_are_shown_next_to_their_fields(desk):
    admin = client_for(desk.admin)
    add = f"/projects/{desk.project.id}/members/add/"
    unknown = admin.post(add, {"username": "nobody", "role": "editor"})
    assert unknown.status_code == 400
    assert "There is no user named" in error_of(unknown.content.decode(), "id_new_username")
    twice = admin.post(add, {"username": desk.editor.username, "role": "editor"})
    assert "already a member" in error_of(twice.content.decode(), "id_new_username")
    bad_role = admin.post(add, {"username": desk.editor.username, "role": "king"})
    assert "valid choice" in error_of(bad_role.content.decode(), "id_new_role")
    assert Membership.objects.filter(project=desk.project).count() == 5


def test_the_last_admin_can_neither_step_down_nor_leave(desk):
    admin = client_for(desk.admin)
    demote = admin.post(
        f"/projects/{desk.project.id}/members/{desk.admin.username}/role/", {"role": "editor"}
    )
    assert demote.status_code == 400
    assert "at least one admin" in error_of(demote.content.decode(), f"id_member-{desk.admin.username}_role")
    leave = admin.post(f"/projects/{desk.project.id}/members/{desk.admin.username}/remove/")
    assert leave.status_code == 400
    assert "at least one admin" in leave.content.decode()
    assert Membership.objects.get(user=desk.admin).role == Role.ADMIN


def test_a_bad_reliability_is_refused_next_to_its_field(desk):
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, evidence=[{"url": "https://example.org/a", "stance": "context"}])
    from sources.models import Source

    source = Source.objects.get()
    response = client_for(desk.editor).post(f"/sources/{source.id}/reliability/", {"reliability": "perfect"})
    assert response.status_code == 400
    assert "valid choice" in error_of(response.content.decode(), f"id_source{source.id}_reliability")
    source.refresh_from_db()
    assert source.reliability == ""


@pytest.mark.parametrize("path", ["verdict", "annotate", "import", "member"])
def test_every_form_needs_its_csrf_token(desk, path):
    claim = make_annotation(desk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.admin)
    project = f"/projects/{desk.project.id}"
    url, data = {
        "verdict": (f"/annotations/{claim.id}/verdict/", verdict_data()),
        "annotate": (
            f"/articles/{claim.article_id}/annotations/",
            {"start": 0, "end": 3, "quote": claim.quote[:3], "revision": claim.revision_id},
        ),
        "import": (f"{project}/articles/import/", {"title": "T", "body": "x", "format": "text"}),
        "member": (f"{project}/members/add/", {"username": desk.admin.username, "role": "admin"}),
    }[path]
    assert client.post(url, data).status_code == 403
    assert Verdict.objects.count() == 0
    assert Annotation.objects.count() == 1
    assert Article.objects.count() == 1


def test_every_page_form_carries_a_csrf_token(desk):
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, evidence=[{"url": "https://example.org/a", "stance": "context"}])
    client = client_for(desk.admin)
    for url in [
        f"/articles/{claim.article_id}/?claim={claim.id}",
        f"/projects/{desk.project.id}/articles/import/",
        f"/projects/{desk.project.id}/sources/",
        f"/projects/{desk.project.id}/members/",
    ]:
        html = client.get(url).content.decode()
        posts = re.findall(r'<form method="post".*?</form>', html, re.S)
        assert posts, url
        for form in posts:
            assert 'name="csrfmiddlewaretoken"' in form, (url, form[:80])


def test_a_quote_over_a_paragraph_break_sent_with_crlf_lands_on_the_text(desk):
    article = make_article(desk, text=EMOJI_TEXT)
    quote = "2024.\n\nThe mayor"
    start = EMOJI_TEXT.index(quote)
    response = client_for(desk.annotator).post(
        f"/articles/{article.id}/annotations/",
        {
            "start": start,
            "end": start + len(quote),
            "quote": quote.replace("\n", "\r\n"),
            "revision": article.current_revision_id,
            # It crosses a paragraph break, which the reader asks about first.
            "confirm_long": "on",
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    assert Annotation.objects.get().quote == quote

"""Finding work: the search over a project's article titles, texts and claims, in the pages and the API."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation, ArticleRevision
from annotations.selectors.search import (
    CLAIM_DOCUMENT,
    TEXT_DOCUMENT,
    Fragment,
    headline_fragments,
    marked,
    search_terms,
    text_query,
    words_of_every_match,
)
from tests.factories import make_annotation, make_article, make_desk

pytestmark = pytest.mark.django_db

FLOOD = "The river rose 3.2 metres overnight.\n\nThe mayor said 1,200 homes were flooded."
ARTILLERY = (
    "Officials counted 10,000 artillery pieces at the border. Analysts doubt the figure.\n\n"
    "Eighteen deserters crossed the line on Tuesday, the ministry said."
)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk():
    """Three articles of one project: one whose text names artillery, one whose claim does, one
    about a flood; and an article of another project that names artillery too."""
    desk = make_desk()
    desk.artillery = make_article(desk, title="Escalation at the border", text=ARTILLERY)
    desk.flood = make_article(desk, title="Flood in the valley", text=FLOOD)
    desk.claimed = make_article(desk, title="Mayor's statement", text="The mayor spoke at noon.\n\nHe left.")
    desk.claim = make_annotation(
        desk, article=desk.claimed, quote="The mayor spoke at noon", claim="Artillery was moved at noon"
    )
    other = make_desk()
    make_article(other, title="Artillery elsewhere", text=ARTILLERY)
    return desk


def search(desk, query, user=None):
    return client_for(user or desk.annotator).get(f"/projects/{desk.project.id}/articles/", {"q": query})


def test_the_article_list_finds_words_of_the_text_and_of_claims_in_the_project_only(desk):
    """A search lists the project's articles whose text or claims hold the word, not the others'."""
    response = search(desk, "artillery")
    assert response.status_code == 200
    found = [article.title for article in response.context["page"]]
    assert sorted(found) == ["Escalation at the border", "Mayor's statement"]


def test_a_match_in_the_text_is_shown_marked_in_an_excerpt(desk):
    """The excerpt of a found article's text marks the matching word with <mark>."""
    body = search(desk, "artillery").content.decode()
    assert "<mark>artillery</mark> pieces at the border" in body


def test_a_matching_claim_is_listed_with_its_match_marked_and_a_link_to_it(desk):
    """A claim that matches is listed under its article, marked, with a link to it in the reader."""
    response = search(desk, "artillery")
    (claimed,) = [a for a in response.context["page"] if a.pk == desk.claimed.pk]
    assert [found.id for found in claimed.claims_found] == [desk.claim.pk]
    body = response.content.decode()
    assert "<mark>Artillery</mark> was moved at noon" in body
    assert f"?claim={desk.claim.pk}" in body


def test_a_title_match_is_marked_and_the_search_keeps_substrings_of_titles(desk):
    """Titles match as substrings (as before) and the matched part is marked."""
    response = search(desk, "valle")
    assert [article.title for article in response.context["page"]] == ["Flood in the valley"]
    assert "Flood in the <mark>valle</mark>y" in response.content.decode()


def test_text_that_looks_like_html_is_escaped_in_excerpts_titles_and_claims():
    """Words of a text, title or claim that look like markup are shown as text, never as HTML."""
    desk = make_desk()
    text = "Leaked memo: <script>alert(1)</script> said the artillery moved.\n\nNothing else."
    article = make_article(desk, title="<b>artillery</b> memo", text=text)
    make_annotation(
        desk, article=article, quote="Leaked memo", claim="<img src=x onerror=alert(1)> artillery"
    )
    body = search(desk, "artillery").content.decode()
    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    # PostgreSQL's ts_headline leaves out what looks like a tag; elsewhere it is shown escaped.
    assert "<mark>artillery</mark> moved" in body
    assert "&lt;b&gt;<mark>artillery</mark>&lt;/b&gt; memo" in body


def test_a_search_with_no_match_says_so(desk):
    """No match: the page says that no title, text or claim matches the query."""
    response = search(desk, "submarine")
    assert response.status_code == 200
    assert "match “submarine”" in response.content.decode()


def test_a_search_too_long_is_a_message_on_the_page_not_an_error(desk):
    """A query longer than the limit is refused next to the search box with a 400."""
    response = search(desk, "x" * 201)
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.content.decode()


def test_the_search_page_runs_the_queries_of_the_plain_list(desk, django_assert_max_num_queries):
    """However many articles and claims match, a search page costs no query more than the list
    without a search (excerpts and matching claims come in the list's own query)."""
    for number in range(12):
        article = make_article(desk, title=f"Report {number}", text=ARTILLERY)
        make_annotation(desk, article=article, quote="Officials counted", claim=f"Artillery count {number}")
    client = client_for(desk.reviewers[0])
    url = f"/projects/{desk.project.id}/articles/"
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with django_assert_max_num_queries(len(plain)):
        response = client.get(url, {"q": "artillery"})
    assert len(response.context["page"].object_list) == 14
    assert all(article.excerpt or article.claims_found for article in response.context["page"])
    assert len(plain) <= 6


def test_the_project_page_has_a_search_box_for_the_article_list(desk):
    """The project page offers the search, sent to the article list."""
    body = client_for(desk.annotator).get(f"/projects/{desk.project.id}/").content.decode()
    assert f'action="/projects/{desk.project.id}/articles/"' in body
    assert 'name="q"' in body


def test_the_api_article_list_searches_texts_and_claims(api_client, desk, django_assert_max_num_queries):
    """``q`` on the API's article list finds the same articles as the page, in the caller's projects."""
    api_client.force_authenticate(desk.annotator)
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/articles/", {"q": "artillery"})
    assert response.status_code == 200
    assert sorted(row["title"] for row in response.json()["results"]) == [
        "Escalation at the border",
        "Mayor's statement",
    ]


def test_the_api_refuses_a_search_beyond_the_limit_naming_the_field(api_client, desk):
    """A query beyond 200 characters is a 400 naming ``q``."""
    api_client.force_authenticate(desk.annotator)
    response = api_client.get("/api/v1/articles/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "q" in response.json()


def test_an_outsider_finds_nothing_of_a_project(api_client, desk):
    """A member of another project searching finds none of this project's articles."""
    outsider = make_desk().annotator
    api_client.force_authenticate(outsider)
    response = api_client.get("/api/v1/articles/", {"q": "mayor"})
    assert response.json()["count"] == 0
    assert (
        client_for(outsider).get(f"/projects/{desk.project.id}/articles/", {"q": "mayor"}).status_code == 404
    )


def test_search_terms_keep_quoted_phrases_and_drop_repeats():
    """Words and quoted phrases of a query, each once, case aside."""
    assert search_terms('"1.4 million" volunteers Volunteers ') == ["1.4 million", "volunteers"]
    assert search_terms('  ""  ') == []


def test_marked_marks_every_occurrence_ignoring_case():
    """Every occurrence of a term is a marked fragment, the longest term winning."""
    assert marked("Troops and troop", ["troop", "troops"]) == [
        Fragment("Troops", marked=True),
        Fragment(" and "),
        Fragment("troop", marked=True),
    ]


def test_a_headline_is_cut_at_its_marks():
    """ts_headline's answer becomes marked and plain fragments."""
    assert headline_fragments("a \ue000b\ue001 c") == [
        Fragment("a "),
        Fragment("b", marked=True),
        Fragment(" c"),
    ]


def test_the_words_every_match_contains_are_none_for_or_and_exclusions():
    """A query's words narrow the texts before they are parsed, unless the query says ``or`` or
    excludes a word, when a match need not contain them all."""
    assert words_of_every_match('"1.4 million" Troops troops') == ["1", "4", "million", "troops"]
    assert words_of_every_match("troops or volunteers") == []
    assert words_of_every_match("troops -volunteers") == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="web-search syntax is PostgreSQL's full-text search"
)
def test_on_postgresql_a_search_reads_or_and_exclusions_as_a_web_search(desk):
    """``or`` finds either word, ``-word`` leaves out the texts holding it, a quoted phrase finds
    its words in order."""
    either = sorted(article.title for article in search(desk, "submarine or deserters").context["page"])
    assert either == ["Escalation at the border"]
    assert [a.title for a in search(desk, "artillery -deserters").context["page"]] == ["Mayor's statement"]
    assert [a.title for a in search(desk, '"deserters crossed"').context["page"]] == [
        "Escalation at the border"
    ]
    assert list(search(desk, '"crossed deserters"').context["page"]) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search indexes are PostgreSQL's")
def test_on_postgresql_the_text_and_claim_searches_can_use_their_indexes(desk):
    """Migration 0016's expression indexes serve the searches as written: a changed expression on
    either side would leave them unused and every search a parse of every text."""
    article = make_article(desk)
    make_annotation(desk, article=article)
    with connection.cursor() as cursor:
        # On a few rows any plan is cheap: leave the planner only a scan that has a condition
        # (a bitmap scan), or a penalized full scan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
    texts = (
        ArticleRevision.objects.order_by().alias(document=TEXT_DOCUMENT).filter(document=text_query("river"))
    )
    claims = Annotation.objects.order_by().alias(document=CLAIM_DOCUMENT).filter(document=text_query("river"))
    assert "revision_text_search" in texts.explain()
    assert "claim_text_search" in claims.explain()

"""Articles from a URL: ``POST /api/v1/articles/`` with a ``url`` and no text answers 202 with a
job; the database worker (``manage.py db_worker``, run here for one pass) fetches the page from
a local server, extracts the article and imports it, or re-imports it as a revision.

Pages come from ``tests.local_site`` on 127.0.0.1 only, with ``URL_IMPORT_ALLOW_LOOPBACK`` on
except where the refusal is what is tested.
"""

from datetime import UTC, datetime

import pytest

from annotations.models import Article, ImportJob
from annotations.services.projects import remove_member
from annotations.tasks import run_import_job
from tests.factories import make_desk, make_user
from tests.local_site import LocalSite, article_html
from tests.workers import run_worker

# The worker manages its own database connections, as it does in production (it closes one it
# finds in a transaction), so these tests commit for real instead of running in one transaction.
pytestmark = pytest.mark.django_db(transaction=True)

FLOOD = article_html(
    title="The river rose 3.2 metres overnight",
    paragraphs=[
        "The river rose 3.2 metres overnight, officials said on Tuesday, after three days of heavy "
        "rain across the region.",
        "The mayor said 1,200 homes were flooded and that the army had been called in to help with "
        "the evacuation of the old town.",
        "Café owners in the centre said prices rose by 12 percent in a week.",
    ],
    author="Jane Reporter",
    site_name="The Daily Example",
    date="2024-03-05T10:00:00Z",
    lang="en-GB",
)


@pytest.fixture
def site(settings):
    settings.URL_IMPORT_ALLOW_LOOPBACK = True
    with LocalSite() as local:
        yield local


@pytest.fixture
def desk():
    return make_desk()


@pytest.fixture
def queue_import(api_client):
    """POST a URL import as ``user``; the task is enqueued when the request's writes commit."""

    def post(user, body):
        api_client.force_authenticate(user)
        return api_client.post("/api/v1/articles/", body)

    return post


def job_of(api_client, response) -> dict:
    return api_client.get(response["Location"]).json()


def test_a_url_import_answers_202_and_the_worker_imports_the_article(site, desk, api_client, queue_import):
    """202 with the job (queued, its address in Location); after the worker's pass the job is done
    and names the article, which has the page's main text and metadata, and none of its
    navigation or footer."""
    url = site.page("/news/flood", FLOOD)
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued"
    assert job["url"] == response["Location"] == f"http://testserver/api/v1/imports/{job['id']}/"
    assert (
        job["kind"],
        job["project"],
        job["payload"],
        job["article"],
        job["article_url"],
        job["error"],
    ) == (
        "url",
        desk.project.id,
        {"url": url, "fields": {}},
        None,
        None,
        "",
    )
    assert site.requests == []
    assert job_of(api_client, response)["status"] == "queued"

    run_worker()

    done = job_of(api_client, response)
    assert done["status"] == "done", done["error"]
    assert done["started_at"] and done["finished_at"]
    assert done["report"] == {
        "created": True,
        "revision": 1,
        "changed": True,
        "title": "The river rose 3.2 metres overnight",
        "final_url": url,
    }
    assert done["article_url"] == f"http://testserver/api/v1/articles/{done['article']}/"
    article = api_client.get(done["article_url"]).json()
    assert (
        article["title"],
        article["url"],
        article["author"],
        article["publisher"],
        article["language"],
    ) == (
        "The river rose 3.2 metres overnight",
        url,
        "Jane Reporter",
        "The Daily Example",
        "en-GB",
    )
    assert datetime.fromisoformat(article["published_at"]) == datetime(2024, 3, 5, tzinfo=UTC)
    assert article["created_by"] == desk.annotator.username
    paragraphs = article["text"].split("\n\n")
    assert (
        "The mayor said 1,200 homes were flooded and that the army had been called in to help with the "
        "evacuation of the old town." in paragraphs
    )
    assert "Café owners in the centre said prices rose by 12 percent in a week." in paragraphs
    assert not any(word in article["text"] for word in ("Copyright", "Sport", "Home"))
    assert site.paths == ["/news/flood"]


def test_reimporting_the_same_url_adds_a_revision_of_the_same_article(site, desk, api_client, queue_import):
    """A second import of the address (normalized: tracking parameters do not count) with a changed
    page gives the article a second revision; no new article is made."""
    url = site.page("/news/flood", FLOOD)
    queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    site.page("/news/flood", FLOOD.replace("1,200 homes", "1,400 homes"))

    again = queue_import(
        desk.reviewers[0], {"project": desk.project.id, "url": url + "?utm_source=newsletter"}
    )
    run_worker()

    job = job_of(api_client, again)
    assert job["status"] == "done", job["error"]
    assert (job["report"]["created"], job["report"]["changed"], job["report"]["revision"]) == (False, True, 2)
    article = Article.objects.get()
    assert job["article"] == article.id
    assert article.current_revision.number == 2
    assert "1,400 homes" in article.current_revision.text
    assert list(article.revisions.values_list("number", flat=True)) == [1, 2]


def test_reimporting_an_unchanged_page_adds_no_revision(site, desk, api_client, queue_import):
    url = site.page("/news/flood", FLOOD)
    queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    again = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    job = job_of(api_client, again)
    assert (job["status"], job["report"]["created"], job["report"]["changed"], job["report"]["revision"]) == (
        "done",
        False,
        False,
        1,
    )


def test_metadata_given_with_the_url_wins_over_the_page(site, desk, api_client, queue_import):
    url = site.page("/news/flood", FLOOD)
    response = queue_import(
        desk.annotator,
        {
            "project": desk.project.id,
            "url": url,
            "title": "Flood: the mayor's figures",
            "published_at": "2024-03-06T08:30:00Z",
        },
    )
    assert response.json()["payload"]["fields"] == {
        "title": "Flood: the mayor's figures",
        "published_at": "2024-03-06T08:30:00+00:00",
    }
    run_worker()
    article = Article.objects.get(pk=job_of(api_client, response)["article"])
    assert (article.title, article.published_at, article.publisher) == (
        "Flood: the mayor's figures",
        datetime(2024, 3, 6, 8, 30, tzinfo=UTC),
        "The Daily Example",
    )


@pytest.mark.parametrize(
    ("route", "error"),
    [
        ({"body": b"\x89PNG\r\n", "content_type": "image/png"}, "not HTML: image/png"),
        ({"status": 404, "body": b"gone"}, "the server answered 404 Not Found."),
        (
            {"body": b"<html><body><script>app()</script></body></html>"},
            "no article text was found on the page.",
        ),
    ],
)
def test_a_page_that_cannot_be_imported_fails_the_job_with_the_reason(
    site, desk, api_client, queue_import, route, error
):
    url = site.route("/page", **route)
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    job = job_of(api_client, response)
    assert (job["status"], job["error"], job["article"], job["article_url"]) == ("failed", error, None, None)
    assert job["finished_at"]
    assert not Article.objects.exists()


def test_a_refused_address_fails_the_job_and_the_server_is_not_reached(
    site, settings, desk, api_client, queue_import
):
    """With loopback not allowed (as in production), the local server is refused."""
    settings.URL_IMPORT_ALLOW_LOOPBACK = False
    url = site.page("/internal", FLOOD)
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    job = job_of(api_client, response)
    assert (job["status"], job["error"]) == ("failed", "refused: address 127.0.0.1 is loopback")
    assert site.requests == []
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[fc00::1]/", "http://[::1]/"],
)
def test_private_addresses_fail_the_job_with_the_reason(desk, settings, api_client, queue_import, url):
    settings.URL_IMPORT_ALLOW_LOOPBACK = False
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    assert job_of(api_client, response)["error"].startswith("refused: address ")


def test_a_redirect_to_a_refused_address_fails_the_job(site, desk, api_client, queue_import):
    url = site.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    job = job_of(api_client, response)
    assert (job["status"], job["error"]) == ("failed", "refused: address 169.254.169.254 is link-local")


def test_a_slow_page_fails_the_job_as_timed_out(site, settings, desk, api_client, queue_import):
    settings.URL_IMPORT_TIMEOUT = 0.3
    url = site.page("/slow", FLOOD, delay=2)
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    assert job_of(api_client, response)["error"] == "timed out: the page did not arrive within 0.3 seconds."


def test_a_page_over_the_size_cap_fails_the_job_as_too_large(site, settings, desk, api_client, queue_import):
    settings.URL_IMPORT_MAX_BYTES = 500
    url = site.page("/long", FLOOD)
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    assert job_of(api_client, response)["error"] == "too large: the page is larger than 500 bytes."


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "ftp://files.example.com/a.html",
            "An article's address is a web address, starting with http:// or https://.",
        ),
        ("file:///etc/passwd", "Enter a valid URL."),
        ("", "This field may not be blank."),
        ("not an address", "Enter a valid URL."),
    ],
)
def test_an_address_that_is_no_web_page_is_a_400_naming_the_url(desk, queue_import, url, reason):
    """Refused before any job exists."""
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    assert response.status_code == 400
    assert response.json() == {"url": [reason]}
    assert not ImportJob.objects.exists()


def test_a_missing_project_is_a_400_naming_it(desk, queue_import):
    response = queue_import(desk.annotator, {"url": "https://news.example.com/a"})
    assert (response.status_code, list(response.json())) == (400, ["project"])
    assert not ImportJob.objects.exists()


def test_an_outsider_cannot_import_into_a_project_nor_see_its_jobs(site, desk, api_client, queue_import):
    """Someone who is not a member gets 404 for the project and for its jobs, as for any object of
    a project they cannot see; a member of another project too."""
    url = site.page("/news/flood", FLOOD)
    outsider = make_user()
    refused = queue_import(outsider, {"project": desk.project.id, "url": url})
    assert refused.status_code == 404
    assert not ImportJob.objects.exists()

    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    other_desk = make_desk()
    for stranger in (outsider, other_desk.admin):
        api_client.force_authenticate(stranger)
        answer = api_client.get(response["Location"])
        assert answer.status_code == 404
        assert url not in answer.content.decode()
    api_client.force_authenticate(None)
    assert api_client.get(response["Location"]).status_code == 401
    api_client.force_authenticate(desk.editor)
    assert api_client.get(response["Location"]).json()["created_by"] == desk.annotator.username
    assert api_client.get("/api/v1/imports/999999/").status_code == 404


def test_every_member_role_may_import_from_a_url(desk, queue_import):
    """Importing articles is the annotator's right, and so of every role above."""
    for member in (desk.annotator, desk.reviewers[0], desk.editor, desk.admin):
        response = queue_import(member, {"project": desk.project.id, "url": "https://news.example.com/a"})
        assert response.status_code == 202
    assert ImportJob.objects.count() == 4


def test_a_creator_who_left_the_project_before_the_run_fails_the_job(site, desk, api_client, queue_import):
    """The worker imports as the job's creator, with the creator's rights at the time it runs."""
    url = site.page("/news/flood", FLOOD)
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    remove_member(actor=desk.admin, project_id=desk.project.id, username=desk.annotator.username)
    run_worker()
    api_client.force_authenticate(desk.editor)
    job = job_of(api_client, response)
    assert (job["status"], job["error"]) == (
        "failed",
        f"{desk.annotator.username} is no longer a member of this project.",
    )
    assert site.requests == [("/news/flood", f"127.0.0.1:{site.port}")]
    assert not Article.objects.exists()


def test_a_job_runs_once_even_when_its_task_is_delivered_twice(site, desk, api_client, queue_import):
    url = site.page("/news/flood", FLOOD)
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_import_job.enqueue(response.json()["id"])
    run_worker()
    assert job_of(api_client, response)["status"] == "done"
    assert site.paths == ["/news/flood"]
    assert Article.objects.count() == 1


def test_a_body_with_text_or_html_still_imports_at_once(desk, queue_import):
    """A url beside the text is the article's address, not a page to fetch: 201 as before."""
    response = queue_import(
        desk.annotator,
        {"project": desk.project.id, "title": "Pasted", "text": "Pasted text.", "url": "https://x.example/a"},
    )
    assert response.status_code == 201
    assert not ImportJob.objects.exists()


# The pages: the import page takes an address, and the job's page follows the job.


@pytest.fixture
def browser_client(client):
    def as_member(user):
        client.force_login(user)
        return client

    return as_member


def test_the_import_page_queues_a_url_and_sends_the_member_to_the_job_page(site, desk, browser_client):
    client = browser_client(desk.annotator)
    page = client.get(f"/projects/{desk.project.id}/articles/import/")
    assert 'name="fetch-url"' in page.content.decode()
    url = site.page("/news/flood", FLOOD)
    response = client.post(f"/projects/{desk.project.id}/articles/import/", {"fetch-url": url})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.id}/"
    assert (job.payload, job.created_by, job.status) == ({"url": url, "fields": {}}, desk.annotator, "queued")

    queued = client.get(response["Location"]).content.decode()
    assert "Queued: waiting for a worker to fetch the page." in queued
    assert f'data-poll-url="/api/v1/imports/{job.id}/"' in queued
    assert "js/import_job.js" in queued

    run_worker()
    done = client.get(response["Location"]).content.decode()
    article = Article.objects.get()
    assert f'href="/articles/{article.id}/"' in done
    assert "The article is imported" in done
    assert "js/import_job.js" not in done


def test_the_job_page_shows_why_an_import_failed(site, settings, desk, browser_client, queue_import):
    settings.URL_IMPORT_ALLOW_LOOPBACK = False
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": site.url("/a")})
    run_worker()
    page = browser_client(desk.reviewers[0]).get(f"/imports/{response.json()['id']}/").content.decode()
    assert "The import failed: refused: address 127.0.0.1 is loopback" in page
    assert f'href="/projects/{desk.project.id}/articles/import/"' in page


def test_a_bad_address_on_the_import_page_is_shown_on_its_field_and_queues_nothing(desk, browser_client):
    client = browser_client(desk.annotator)
    response = client.post(
        f"/projects/{desk.project.id}/articles/import/", {"fetch-url": "ftp://x.example/a"}
    )
    assert response.status_code == 400
    assert response.context["fetch_form"].errors == {
        "url": ["An article's address is a web address, starting with http:// or https://."]
    }
    assert not response.context["form"].is_bound
    assert not ImportJob.objects.exists()


def test_an_outsider_gets_404_for_a_job_page(desk, browser_client, queue_import):
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": "https://news.example.com/a"})
    page = browser_client(make_user()).get(f"/imports/{response.json()['id']}/")
    assert page.status_code == 404


def test_a_page_in_a_legacy_encoding_declared_only_in_its_markup_keeps_its_accents(
    site, desk, api_client, queue_import
):
    """Without a charset from the server, the page's own <meta charset> decides how it is read."""
    html = FLOOD.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    url = site.route("/latin1", body=html.encode("iso-8859-1", errors="ignore"), content_type="text/html")
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": url})
    run_worker()
    job = job_of(api_client, response)
    assert job["status"] == "done", job["error"]
    text = Article.objects.get().current_revision.text
    assert "Café owners in the centre said prices rose by 12 percent in a week." in text


def test_an_article_in_korean_with_an_emoji_keeps_every_character(site, desk, api_client, queue_import):
    html = article_html(
        title="서울 물가 12% 상승",
        paragraphs=[
            "서울의 카페 주인들은 일주일 만에 물가가 12퍼센트 올랐다고 말했다 😀 시장은 이를 부인했다.",
            "정부는 다음 주에 새로운 통계를 발표할 예정이며 전문가들은 추가 상승을 경고했다.",
        ],
        site_name="서울 뉴스",
        lang="ko",
    )
    response = queue_import(desk.annotator, {"project": desk.project.id, "url": site.page("/ko", html)})
    run_worker()
    assert job_of(api_client, response)["status"] == "done"
    article = Article.objects.get()
    assert (article.title, article.language, article.publisher) == ("서울 물가 12% 상승", "ko", "서울 뉴스")
    assert "말했다 😀 시장은" in article.current_revision.text

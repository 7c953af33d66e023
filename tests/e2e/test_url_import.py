"""Importing an article from its web address in a browser: the page follows the job while the
database worker fetches the page from a local server, then links to the article."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Article, ImportJob
from tests.factories import make_desk
from tests.local_site import LocalSite, article_html
from tests.workers import run_worker

PAGE = article_html(
    title="Harbour flooded after the storm",
    paragraphs=[
        "The harbour flooded after the storm on Monday night, the port authority said in a statement.",
        "Forty boats were damaged and two piers will stay closed until the end of the month, it added.",
    ],
    author="Sam Writer",
    site_name="Coast News",
)


@pytest.fixture
def site(settings):
    settings.URL_IMPORT_ALLOW_LOOPBACK = True
    with LocalSite() as local:
        yield local


def test_an_article_imported_from_its_address_appears_once_the_worker_ran(
    page, live_server, log_in_as, screenshot, site
):
    desk = make_desk()
    url = site.page("/harbour", PAGE)
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/articles/import/")
    screenshot(page, "article-import-from-url")
    page.get_by_label("Web address of the article").fill(url)
    page.get_by_role("button", name="Fetch the article").click()

    expect(page.get_by_role("heading", name="Importing an article")).to_be_visible()
    job = page.get_by_role("region", name=re.compile(r"^Import job \d+$"))
    expect(job.get_by_role("status")).to_have_text("Queued: waiting for a worker to fetch the page.")
    assert ImportJob.objects.get().status == "queued"
    screenshot(page, "import-job-queued")

    run_worker()

    link = page.get_by_role("link", name="Harbour flooded after the storm")
    expect(link).to_be_visible(timeout=15_000)
    expect(job.get_by_role("status")).to_contain_text("The article is imported")
    screenshot(page, "import-job-done")
    link.click()
    expect(page.get_by_role("heading", name="Harbour flooded after the storm", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile("Forty boats were damaged"))).to_be_visible()
    article = Article.objects.get()
    assert (article.url, article.author, article.publisher) == (url, "Sam Writer", "Coast News")


def test_a_refused_address_shows_the_reason_on_the_job_page(
    page, live_server, log_in_as, settings, screenshot, site
):
    settings.URL_IMPORT_ALLOW_LOOPBACK = False
    desk = make_desk()
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/articles/import/")
    page.get_by_label("Web address of the article").fill(site.page("/harbour", PAGE))
    page.get_by_role("button", name="Fetch the article").click()
    job = page.get_by_role("region", name=re.compile(r"^Import job \d+$"))
    expect(job.get_by_role("status")).to_have_text("Queued: waiting for a worker to fetch the page.")

    run_worker()

    expect(job.get_by_role("alert")).to_have_text(
        "The import failed: refused: address 127.0.0.1 is loopback", timeout=15_000
    )
    screenshot(page, "import-job-failed")
    assert site.requests == []

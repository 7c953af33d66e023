"""The main pages in a browser, on the demo desk: each is used once and saved as a screenshot."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.models import Annotation, Article, Membership, Project, Role
from sources.models import Source


@pytest.fixture
def demo(live_server):
    call_command("load_demo", stdout=io.StringIO())
    users = {user.username: user for user in get_user_model().objects.all()}
    return Project.objects.get(name="Demo desk"), users


def test_project_home_lists_counts_my_work_and_recent_activity(
    page, live_server, log_in_as, screenshot, demo
):
    _project, users = demo
    log_in_as(users["reviewer1"])
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Demo desk").click()
    expect(page.get_by_role("heading", name="Demo desk", level=1)).to_be_visible()
    counts = page.get_by_role("region", name="Claims by status")
    expect(counts).to_contain_text("Needs review")
    expect(page.get_by_role("region", name="My claims to review")).to_be_visible()
    expect(page.get_by_role("region", name="Recent activity")).to_contain_text("highlighted the claim")
    screenshot(page, "project-home")


def test_article_list_searches_and_filters(page, live_server, log_in_as, screenshot, demo):
    project, users = demo
    log_in_as(users["reviewer1"])
    page.goto(f"{live_server.url}/projects/{project.id}/articles/")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(1 + Article.objects.count())
    screenshot(page, "article-list")
    page.get_by_label("Search titles, texts and claims").fill("coffee")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile("Does coffee really add years"))).to_be_visible()
    page.get_by_label("Search titles, texts and claims").fill("")
    page.get_by_label("Has claims that are").select_option("disputed")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=re.compile("North Korea escalates"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Does coffee"))).to_have_count(0)


def test_importing_an_article_shows_errors_then_opens_it_in_the_reader(
    page, live_server, log_in_as, screenshot, demo
):
    project, users = demo
    log_in_as(users["annotator"])
    page.goto(f"{live_server.url}/projects/{project.id}/")
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Import").click()
    page.get_by_label("HTML").check()
    page.get_by_label("Article text").fill("<script>alert(1)</script><p>   </p>")
    page.get_by_label("Address (URL)").fill("not an address")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_label("Title")).to_have_accessible_description(re.compile("required"))
    body = page.get_by_label("Article text")
    expect(body).to_have_accessible_description(re.compile("no text once markup"))
    expect(page.get_by_label("Address (URL)")).to_have_accessible_description(re.compile("valid URL"))
    screenshot(page, "article-import-errors")
    before = Article.objects.count()

    page.get_by_label("Title").fill("Ministry: 40% of bridges need repair")
    page.get_by_label("Article text").fill(
        "<h2>Bridges</h2><p>The ministry says <b>40%</b> of bridges need repair.</p><p>Critics disagree.</p>"
    )
    page.get_by_label("Address (URL)").fill("https://example.org/bridges")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Ministry: 40% of bridges need repair")).to_be_visible()
    expect(page.get_by_text("The article is imported.")).to_be_visible()
    assert Article.objects.count() == before + 1
    text = Article.objects.get(title__startswith="Ministry").current_revision.text
    assert text == "Bridges\n\nThe ministry says 40% of bridges need repair.\n\nCritics disagree."


def test_reader_shows_overlapping_claims_and_opens_their_panel(
    page, live_server, log_in_as, screenshot, demo
):
    _project, users = demo
    article = Article.objects.get(title__startswith="North Korea")
    log_in_as(users["editor"])
    page.goto(f"{live_server.url}/articles/{article.id}/")
    claims = page.get_by_role("navigation", name=re.compile("Claims in this article"))
    expect(claims.get_by_role("listitem")).to_have_count(
        Annotation.objects.filter(article=article, merged_into__isnull=True, orphaned=False).count()
    )
    screenshot(page, "reader")
    claims.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Claim #\d+$"))).to_be_visible()
    expect(page.get_by_role("region", name="Other reviewers' verdicts")).not_to_contain_text("Hidden")
    screenshot(page, "reader-claim-panel")

    page.get_by_role("link", name="Full history of this claim").click()
    expect(page.get_by_role("heading", name=re.compile(r"History of claim #\d+"))).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="highlighted the claim")).to_have_count(1)
    screenshot(page, "history")
    page.get_by_role("link", name="Open the claim").click()
    expect(page.get_by_role("link", name=re.compile("Read this claim in"))).to_be_visible()
    screenshot(page, "claim-page")


def test_reader_on_a_tablet_opens_the_claim_panel_at_the_bottom(
    page, live_server, log_in_as, screenshot, demo
):
    _project, users = demo
    article = Article.objects.get(title__startswith="North Korea")
    page.set_viewport_size({"width": 820, "height": 1180})
    log_in_as(users["reviewer2"])
    page.goto(f"{live_server.url}/articles/{article.id}/")
    page.get_by_role("article", name=article.title).get_by_role("mark").first.click()
    panel = page.get_by_role("region", name=re.compile(r"^Claim #\d+$"))
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(1180, abs=2)
    assert box["width"] == pytest.approx(820, abs=2)
    screenshot(page, "reader-tablet", full_page=False)
    panel.get_by_role("button", name=re.compile("Close")).click()
    expect(panel).to_be_hidden()


def test_an_editor_sets_a_sources_reliability(page, live_server, log_in_as, screenshot, demo):
    project, users = demo
    source = Source.objects.filter(project=project).order_by("url").first()
    log_in_as(users["editor"])
    page.goto(f"{live_server.url}/projects/{project.id}/sources/")
    label = f"Reliability of {source.title or source.url}"
    page.get_by_label(label, exact=True).select_option("low")
    page.get_by_role("button", name=f"Save the reliability of {source.title or source.url}").click()
    expect(page.get_by_role("status")).to_contain_text("is now low")
    expect(page.get_by_label(label, exact=True)).to_have_value("low")
    source.refresh_from_db()
    assert source.reliability == "low"
    screenshot(page, "sources")


def test_an_admin_adds_and_changes_members(page, live_server, log_in_as, screenshot, demo):
    project, users = demo
    newcomer = get_user_model().objects.create_user(username="newcomer", password="x")
    log_in_as(users["admin"])
    page.goto(f"{live_server.url}/projects/{project.id}/members/")
    page.get_by_label("Username").fill("nobody-here")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_label("Username")).to_have_accessible_description(re.compile("no user named"))
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Role", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("status")).to_contain_text("newcomer joined as reviewer")
    page.get_by_label("Role of newcomer").select_option("editor")
    page.get_by_role("button", name="Change role of newcomer").click()
    expect(page.get_by_role("status")).to_contain_text("newcomer is now editor")
    assert Membership.objects.get(project=project, user=newcomer).role == Role.EDITOR
    screenshot(page, "members")

"""Finding work in the browser: a search from the project page with its matches marked, a queue
filter and the agreement scope that apply as soon as they change."""

from playwright.sync_api import expect

from annotations.services.review import adjudicate
from tests.factories import make_annotation, make_article, make_desk, make_verdict

ESCALATION = (
    "North Korea sent 10,000 troops to Russia, officials said. Analysts doubt the figure.\n\n"
    "Eighteen deserters crossed the border on Tuesday, the ministry said."
)
FLOOD = "The river rose 3.2 metres overnight.\n\nThe mayor said 1,200 homes were flooded."


def busy_desk():
    """Two articles: on the escalation piece, a claim agreed as true and one resolved as false; on
    the flood piece, a claim agreed as false and a claim about deserters nobody judged."""
    desk = make_desk()
    escalation = make_article(desk, title="Escalation at the border", text=ESCALATION)
    flood = make_article(desk, title="Flood in the valley", text=FLOOD)
    troops = make_annotation(desk, article=escalation, quote="North Korea sent 10,000 troops to Russia")
    deserters = make_annotation(desk, article=escalation, quote="Eighteen deserters crossed the border")
    homes = make_annotation(
        desk, article=flood, quote="1,200 homes were flooded", claim="Deserters' homes were flooded"
    )
    for reviewer in desk.reviewers:
        make_verdict(desk, annotation=troops, reviewer=reviewer, rating="true")
        make_verdict(desk, annotation=homes, reviewer=reviewer, rating="false")
    make_verdict(desk, annotation=deserters, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=deserters, reviewer=desk.reviewers[1], rating="mixed")
    adjudicate(editor=desk.editor, annotation_id=deserters.id, rating="false", rationale="No record")
    return desk, escalation, flood, troops, deserters, homes


def test_a_search_from_the_project_page_shows_the_matches_marked(page, live_server, log_in_as, screenshot):
    """A search typed on the project page lists the matching articles with the word marked in the
    text's excerpt and in the matching claim, which links to the claim in the reader."""
    desk, _escalation, flood, _troops, _deserters, homes = busy_desk()
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/")
    page.get_by_role("searchbox", name="Search titles, texts and claims").fill("deserters")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(f"{live_server.url}/projects/{desk.project.id}/articles/?q=deserters")
    rows = page.locator("table.articles tbody tr")
    expect(rows).to_have_count(2)
    excerpt = page.locator("[data-search-excerpt] mark").first
    expect(excerpt).to_have_text("deserters")
    expect(excerpt).to_be_visible()
    claim = page.locator(f"[data-search-claim='{homes.id}']")
    expect(claim.locator("mark")).to_have_text("Deserters")
    expect(claim).to_be_visible()
    screenshot(page, "search-deserters")

    claim.get_by_role("link", name=f"Claim #{homes.id}").click()
    expect(page).to_have_url(f"{live_server.url}/articles/{flood.id}/?claim={homes.id}")


def test_the_done_queue_filters_on_change_and_by_a_row_s_article(page, live_server, log_in_as, screenshot):
    """Choosing a final rating on Done reloads the list at once with focus kept on the field; a
    row's article link narrows to that article, and clearing it keeps the rating."""
    desk, _escalation, _flood, troops, deserters, homes = busy_desk()
    log_in_as(desk.reviewers[0])
    done = f"{live_server.url}/projects/{desk.project.id}/queues/done/"
    page.goto(done)
    rows = page.locator("tr[data-queue-claim]")
    expect(rows).to_have_count(3)

    # Choosing a rating reloads the list at once, no button pressed, and keeps focus on the field.
    page.get_by_label("Final rating").select_option("false")
    expect(page).to_have_url(f"{done}?article=&rating=false&tag=&reviewer=")
    expect(rows).to_have_count(2)
    expect(page.get_by_label("Final rating")).to_be_focused()

    # A row's article link narrows to that article's claims; the rating stays chosen.
    page.locator(f"tr[data-queue-claim='{deserters.id}']").get_by_role(
        "link", name="Only this article"
    ).click()
    expect(rows).to_have_count(1)
    expect(page.locator(f"tr[data-queue-claim='{deserters.id}']")).to_be_visible()
    expect(page.get_by_text("Claims of “Escalation at the border”")).to_be_visible()
    screenshot(page, "done-filtered")

    page.get_by_role("link", name="every article").click()
    expect(rows).to_have_count(2)
    assert {int(row.get_attribute("data-queue-claim")) for row in rows.all()} == {deserters.id, homes.id}
    assert troops.id not in {int(row.get_attribute("data-queue-claim")) for row in rows.all()}


def test_the_agreement_scope_applies_on_change(page, live_server, log_in_as):
    """Choosing an article on the agreement page shows its figures without pressing Show, which
    stays for pages without the script."""
    desk, escalation, *_ = busy_desk()
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/agreement/")
    page.get_by_label("Figures for").select_option(str(escalation.id))
    expect(page).to_have_url(
        f"{live_server.url}/projects/{desk.project.id}/agreement/?article={escalation.id}"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Escalation at the border")
    expect(page.get_by_role("button", name="Show")).to_be_visible()


def test_the_disagreement_list_filters_on_change_and_by_a_row_s_article(
    page, live_server, log_in_as, screenshot
):
    """An editor narrows the open disagreements to the categorical ones as the choice changes, then
    to one article's from a row's link, and back to every article from the chip."""
    desk, escalation, _flood, _troops, _deserters, _homes = busy_desk()
    near = make_annotation(desk, article=escalation, quote="Analysts doubt the figure")
    make_verdict(desk, annotation=near, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=near, reviewer=desk.reviewers[1], rating="misleading")
    flood_claim = make_annotation(desk, article=_flood, quote="The river rose 3.2 metres overnight")
    make_verdict(desk, annotation=flood_claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=flood_claim, reviewer=desk.reviewers[1], rating="false")
    log_in_as(desk.editor)
    url = f"{live_server.url}/projects/{desk.project.id}/disagreements/"
    page.goto(url)
    rows = page.locator("table.disagreements tbody tr")
    expect(rows).to_have_count(2)

    page.get_by_label("Verdicts").select_option("categorical")
    expect(page).to_have_url(f"{url}?status=open&kind=&severity=categorical&claim=&article=")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Analysts doubt the figure")

    page.get_by_label("Verdicts").select_option("")
    expect(rows).to_have_count(2)
    rows.filter(has_text="The river rose").get_by_role("link", name="Only this article").click()
    expect(rows).to_have_count(1)
    expect(page.locator(".filter-chip")).to_contain_text("Disagreements in “Flood in the valley”")
    screenshot(page, "disagreements-one-article")
    page.locator(".filter-chip").get_by_role("link", name="every article").click()
    expect(rows).to_have_count(2)

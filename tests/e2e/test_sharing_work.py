"""Sharing work out in a browser: an editor assigns an article, the reviewer finds its claims first
in their queue, the project page counts them; an editor describes a source from its page."""

from playwright.sync_api import expect

from sources.models import Source
from tests.factories import make_annotation, make_article, make_desk, make_verdict

TEXT = (
    "Officials said 1.4 million volunteers signed up. The army moved 10,000 artillery pieces to the "
    "border.\n\nAbout 10,000 troops were sent abroad. Eighteen soldiers deserted last month."
)


def test_an_assigned_article_comes_first_in_the_reviewers_queue_and_counts_on_the_project_page(
    page, live_server, log_in_as, screenshot
):
    desk = make_desk(reviewers=2)
    older = make_article(
        desk, title="Harbour flood", text="The harbour flooded after the storm on Monday night."
    )
    make_annotation(desk, article=older, quote="The harbour flooded")
    article = make_article(desk, title="Border escalation", text=TEXT)
    for quote in ("1.4 million volunteers", "10,000 artillery pieces", "10,000 troops were sent abroad"):
        make_annotation(desk, article=article, quote=quote)
    reviewer = desk.reviewers[0]
    project = f"{live_server.url}/projects/{desk.project.id}"

    log_in_as(desk.editor)
    page.goto(f"{project}/articles/")
    page.get_by_role("link", name="Assign “Border escalation”").click()
    expect(page.get_by_label("Article", exact=True)).to_have_value(str(article.id))
    page.get_by_label("Reviewer", exact=True).select_option(reviewer.username)
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text(f"“Border escalation” is assigned to {reviewer.username}.")).to_be_visible()
    listed = page.get_by_role("table", name="Assignments, oldest first").get_by_role(
        "row", name="Border escalation"
    )
    expect(listed).to_contain_text(reviewer.username)

    log_in_as(reviewer)
    page.goto(f"{project}/queues/to-review/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("1.4 million volunteers")
    expect(rows.first).to_contain_text("Assigned to you")
    expect(rows.last).to_contain_text("The harbour flooded")
    expect(rows.last).not_to_contain_text("Assigned to you")
    page.get_by_role("link", name="Show only the claims assigned to me").click()
    expect(rows).to_have_count(3)

    make_verdict(desk, annotation=article.annotations.order_by("start").first(), reviewer=reviewer)
    log_in_as(desk.editor)
    page.goto(f"{project}/")
    progress = page.get_by_role("table", name="Assigned, done and waiting claims of each reviewer")
    expect(progress.locator(f'tr[data-progress="{reviewer.username}"]')).to_have_text(
        f"{reviewer.username}312", use_inner_text=False
    )
    expect(
        page.get_by_role("img", name="Claims by status: 4 needs review, 0 disputed, 0 agreed, 0 resolved")
    ).to_be_visible()
    expect(page.locator(".progress-row").filter(has_text=reviewer.username)).to_contain_text(
        "1 of 3 done, 2 waiting"
    )
    screenshot(page, "sharing-work-project-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(progress).to_be_visible()
    section = page.get_by_role("region", name="Who is working on what")
    # Nothing of the section reaches past its card at 390 px.
    assert section.evaluate("(card) => card.scrollWidth <= card.clientWidth")
    whole = screenshot(page, "sharing-work-project-390")
    section.screenshot(path=str(whole.with_name("sharing-work-section-390.png")))


def test_an_editor_sets_a_sources_kind_from_its_page(page, live_server, log_in_as, screenshot):
    desk = make_desk()
    claim = make_annotation(desk, article=make_article(desk, title="Border escalation", text=TEXT))
    make_verdict(
        desk,
        annotation=claim,
        evidence=[
            {
                "url": "https://ministry.example.org/statement",
                "title": "Ministry statement",
                "stance": "refutes",
            }
        ],
    )
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/sources/")
    row = page.get_by_role("row", name="Ministry statement")
    expect(row).to_contain_text("Other")
    row.get_by_role("link", name="Ministry statement").click()
    page.get_by_label("Kind").select_option("Official statement")
    page.get_by_label("Publisher").fill("Ministry of Defence")
    page.get_by_role("button", name="Save the source").click()
    expect(page.get_by_text("Ministry statement is saved.")).to_be_visible()
    page.get_by_label("Title").fill("x" * 501)
    page.get_by_role("button", name="Save the source").click()
    expect(page.get_by_text("Ensure this value has at most 500 characters")).to_be_visible()
    screenshot(page, "source-page-refused-title-1280")
    page.goto(f"{live_server.url}/projects/{desk.project.id}/sources/")
    expect(page.get_by_role("row", name="Ministry statement")).to_contain_text("Official statement")
    source = Source.objects.get(url="https://ministry.example.org/statement")
    assert (source.kind, source.publisher, source.title) == (
        "official_statement",
        "Ministry of Defence",
        "Ministry statement",
    )

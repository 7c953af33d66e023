"""The pages at tablet and phone widths: the current claim stays in view above the claim sheet,
the claim list is one skip link away, Tab never lands under the sheet, and lists reflow at
320 px instead of scrolling sideways. Screenshots of each width go to test-artifacts/."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.management.commands.load_demo import DEMO_PROJECT
from annotations.models import Annotation, Project

WIDTHS = {"desktop": 1280, "tablet": 820, "phone": 390, "small phone": 320}

# The box of the current claim's words (its first and last marks) and of the sheet, in the
# viewport's coordinates.
BOXES = """
() => {
  const marks = Array.from(document.querySelectorAll("#article-text mark.current"));
  const sheet = document.querySelector("#claim-panel").getBoundingClientRect();
  const top = Math.min(...marks.map((mark) => mark.getBoundingClientRect().top));
  const bottom = Math.max(...marks.map((mark) => mark.getBoundingClientRect().bottom));
  return {marks: marks.length, top, bottom, sheetTop: sheet.top, height: innerHeight};
}
"""


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    return Project.objects.get(name=DEMO_PROJECT)


def user(username: str):
    return get_user_model().objects.get(username=username)


def claims_in_text_order(article) -> list[Annotation]:
    return list(Annotation.objects.filter(article=article, merged_into=None).order_by("start", "id"))


def busiest_article(project):
    return max(project.articles.all(), key=lambda article: len(claims_in_text_order(article)))


def assert_current_claim_above_the_sheet(page, where: str) -> None:
    page.wait_for_function("() => document.querySelector('#article-text mark.current')")
    page.wait_for_timeout(150)  # smooth scrolling is off; one frame for the layout to settle
    boxes = page.evaluate(BOXES)
    assert boxes["marks"], where
    assert boxes["top"] >= 0, f"{where}: the claim's words start above the screen: {boxes}"
    assert boxes["bottom"] <= boxes["sheetTop"], f"{where}: the claim's words are under the sheet: {boxes}"


def test_at_820_px_the_current_claim_stays_above_the_sheet(demo, page, live_server, log_in_as, screenshot):
    """Opened by a ?claim= link, then by j and k, the claim's marked words sit between the top of
    the screen and the top of the claim sheet."""
    page.set_viewport_size({"width": 820, "height": 1100})
    log_in_as(user("reviewer1"))
    article = busiest_article(demo)
    last = claims_in_text_order(article)[-1]
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={last.id}")
    expect(page.get_by_role("heading", name=f"Claim #{last.id}")).to_be_visible()
    assert_current_claim_above_the_sheet(page, "deep link")
    screenshot(page, "layout-820-deep-link", full_page=False)
    page.screenshot(path="/tmp/wb/820-deep-link.png")

    order = [int(link.get_attribute("data-claim-link")) for link in page.locator("[data-claim-link]").all()]
    here = order.index(last.id)
    steps = [("k", claim_id) for claim_id in order[here - 1 :: -1]] + [
        ("j", claim_id) for claim_id in order[1:]
    ]
    for key, claim_id in steps:
        page.keyboard.press(key)
        expect(page.get_by_role("heading", name=f"Claim #{claim_id}")).to_be_visible()
        assert_current_claim_above_the_sheet(page, f"{key} to claim {claim_id}")
    page.screenshot(path="/tmp/wb/820-last-claim.png")


@pytest.mark.parametrize("width", [1280, 820, 390])
def test_the_skip_link_brings_the_claim_list_into_view(demo, page, live_server, log_in_as, width):
    """The second Tab stop of the reader is 'Skip to claims', shown when focused; it moves focus
    to the claim list and scrolls it into view, above the sheet when a claim is open."""
    page.set_viewport_size({"width": width, "height": 800})
    log_in_as(user("reviewer1"))
    article = busiest_article(demo)
    claim = claims_in_text_order(article)[0]
    for query in ("", f"?claim={claim.id}"):
        page.goto(f"{live_server.url}/articles/{article.id}/{query}")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to claims")
        expect(skip).to_be_focused()
        box = skip.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width
        if width == 390 and query:
            page.screenshot(path="/tmp/wb/390-skip-link.png")
        page.keyboard.press("Enter")
        claim_list = page.get_by_role("navigation", name="Claims in this article")
        expect(claim_list).to_be_focused()
        heading = claim_list.get_by_role("heading").bounding_box()
        limit = page.evaluate(BOXES)["sheetTop"] if query and width < 1000 else page.viewport_size["height"]
        assert heading["y"] >= 0 and heading["y"] + heading["height"] <= limit, (query, heading, limit)
        page.keyboard.press("Tab")
        first_link = claim_list.get_by_role("link").first
        expect(first_link).to_be_focused()


# Each Tab stop outside the sheet: its box, the sheet's top, and whether it is in the sheet.
FOCUSED = """
() => {
  const element = document.activeElement;
  const box = element.getBoundingClientRect();
  const sheet = document.querySelector("#claim-panel");
  return {name: element.outerHTML.slice(0, 80), top: box.top, bottom: box.bottom, height: box.height,
          inSheet: sheet.contains(element), sheetTop: sheet.getBoundingClientRect().top};
}
"""


def test_at_390_px_tab_never_lands_under_the_sheet(demo, page, live_server, log_in_as, screenshot):
    """With a claim open, every Tab stop of the page is either in the sheet or shown above it."""
    page.set_viewport_size({"width": 390, "height": 800})
    log_in_as(user("reviewer1"))
    article = busiest_article(demo)
    claim = claims_in_text_order(article)[0]
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    expect(page.get_by_role("heading", name=f"Claim #{claim.id}")).to_be_visible()
    page.locator("body").focus()
    seen = 0
    for _ in range(120):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop["name"].startswith("<body"):
            break  # past the last stop
        if stop["inSheet"] or not stop["height"]:
            continue
        seen += 1
        assert stop["bottom"] <= stop["sheetTop"] + 1, f"under the sheet: {stop}"
        assert stop["top"] >= 0, f"above the screen: {stop}"
    assert seen > 10
    page.screenshot(path="/tmp/wb/390-tab.png")
    screenshot(page, "layout-390-tab", full_page=False)


def narrow_pages(project) -> dict[str, str]:
    article = busiest_article(project)
    return {
        "articles": f"/projects/{project.id}/articles/",
        "disagreements": f"/projects/{project.id}/disagreements/",
        "disputed queue": f"/projects/{project.id}/queues/disputed/",
        "agreement": f"/projects/{project.id}/agreement/",
        "reader": f"/articles/{article.id}/",
    }


@pytest.mark.parametrize("width", [320, 390])
def test_lists_do_not_scroll_sideways_on_a_small_phone(demo, page, live_server, log_in_as, screenshot, width):
    """At 320 and 390 px the article list, the disagreements, the disputed queue and the agreement
    page fit the screen's width: their tables become one card per row."""
    page.set_viewport_size({"width": width, "height": 800})
    log_in_as(user("editor"))
    wide = {}
    for name, path in narrow_pages(demo).items():
        page.goto(f"{live_server.url}{path}")
        for details in page.locator("details.chart-table").all():
            details.locator("summary").click()
        scroll, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
        if scroll > inner:
            wide[name] = scroll
        page.screenshot(path=f"/tmp/wb/{width}-{name.replace(' ', '-')}.png", full_page=True)
        if width == 320:
            screenshot(page, f"layout-320-{name.replace(' ', '-')}")
    assert not wide, f"wider than {width} px: {wide}"


def test_the_reader_at_each_width(demo, page, live_server, log_in_as, screenshot):
    """The reader with a claim open, at each width, for a person to look at."""
    log_in_as(user("reviewer1"))
    article = busiest_article(demo)
    claim = claims_in_text_order(article)[2]
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
        expect(page.get_by_role("heading", name=f"Claim #{claim.id}")).to_be_visible()
        page.wait_for_timeout(150)
        page.screenshot(path=f"/tmp/wb/reader-{width}.png")
        screenshot(page, f"layout-reader-{name.replace(' ', '-')}", full_page=False)

"""The reader by keyboard and screen reader: single-key shortcuts can be turned off, a caret mode
selects a claim's words without a mouse, and highlights say which claim they are."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.demo import escalation
from annotations.models import Annotation, Project
from annotations.services.preferences import save_preferences
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_verdict


@pytest.fixture
def desk():
    return make_desk()


def open_reader(page, live_server, article):
    page.goto(f"{live_server.url}/articles/{article.id}/")
    expect(page.get_by_role("button", name="Select with keyboard")).to_be_visible()


def test_with_shortcuts_off_single_keys_do_nothing_but_the_buttons_still_work(
    page, live_server, log_in_as, select_text, desk
):
    """A person who turned shortcuts off: `j`, `a`, `c` and `?` do nothing; the claim links, the
    Annotate button and the Select with keyboard button work as before."""
    article = make_article(desk, text=EMOJI_TEXT)
    claim = make_annotation(desk, article=article, quote="The mayor denied it.")
    save_preferences(user=desk.annotator, single_key_shortcuts=False)
    log_in_as(desk.annotator)
    open_reader(page, live_server, article)
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "off")

    page.keyboard.press("j")
    page.keyboard.press("?")
    page.keyboard.press("c")
    select_text(page, "prices rose 12%")
    page.keyboard.press("a")
    page.wait_for_timeout(300)
    expect(page).not_to_have_url(re.compile(r"claim="))
    expect(page.locator("dialog#shortcuts")).not_to_be_visible()
    expect(page.locator(".caret-mark")).to_have_count(0)
    assert Annotation.objects.count() == 1

    page.get_by_role("button", name="Annotate selection").click()
    expect(page).to_have_url(re.compile(r"\?claim=\d+$"))
    created = Annotation.objects.exclude(pk=claim.pk).get()
    assert (created.start, created.quote) == (EMOJI_TEXT.index("prices rose 12%"), "prices rose 12%")

    page.get_by_role("link", name="The mayor denied it.").click()
    expect(page).to_have_url(re.compile(rf"\?claim={claim.id}$"))

    page.get_by_role("button", name="Select with keyboard").click()
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("#selection-preview")).to_contain_text("“The”")


def test_with_shortcuts_on_j_opens_the_first_claim(page, live_server, log_in_as, desk):
    """The default: single keys act."""
    article = make_article(desk, text=EMOJI_TEXT)
    claim = make_annotation(desk, article=article, quote="The mayor denied it.")
    log_in_as(desk.annotator)
    open_reader(page, live_server, article)
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "on")
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(rf"\?claim={claim.id}$"))


@pytest.mark.parametrize(
    ("moves", "extend", "quote"),
    [
        (["ArrowRight"] * 6, 3, "prices rose 12%"),  # after the emoji: UTF-16 and code points differ
        (["ArrowRight"] * 5, 2, "😀 prices"),  # starts on the emoji
        ([], 2, "Café owners"),  # the accented letter, from the caret's first place
        (["Alt+ArrowRight"] * 3 + ["Control+ArrowLeft"], 2, "in 서울"),  # Hangul; back by one
        (["ArrowDown"], 3, "The mayor denied"),  # the next paragraph
    ],
)
def test_caret_mode_creates_a_highlight_with_exact_offsets(
    page, live_server, log_in_as, desk, moves, extend, quote
):
    """`c` puts the caret on the first word; arrows move by word (Down by paragraph), Shift+arrows
    select word by word, Enter annotates: the span is exactly the words walked over, in code
    points, also across a claim already highlighted (whose hidden boundary words offsets skip)."""
    article = make_article(desk, text=EMOJI_TEXT)
    make_annotation(desk, article=article, quote="rose 12% in")
    log_in_as(desk.annotator)
    open_reader(page, live_server, article)

    page.keyboard.press("c")
    expect(page.locator("#live")).to_contain_text("Caret mode. At “Café”.")
    for key in moves:
        page.keyboard.press(key)
    for _ in range(extend):
        page.keyboard.press("Shift+ArrowRight")
    start = EMOJI_TEXT.index(quote)
    expect(page.locator("#selection-preview")).to_contain_text(f"(characters {start}–{start + len(quote)})")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"\?claim=\d+$"))
    created = Annotation.objects.get(quote=quote)
    assert (created.start, created.end) == (start, start + len(quote))


def test_caret_mode_announces_and_leaves_with_escape(page, live_server, log_in_as, desk):
    """The live region says where the caret is and what is selected; Escape leaves and gives the
    focus back to the button; nothing is highlighted."""
    article = make_article(desk, text=EMOJI_TEXT)
    log_in_as(desk.annotator)
    open_reader(page, live_server, article)
    button = page.get_by_role("button", name="Select with keyboard")
    button.click()
    live = page.locator("#live")
    expect(live).to_contain_text("Caret mode. At “Café”.")
    page.keyboard.press("Control+ArrowRight")
    expect(live).to_have_text(re.compile("At “owners”"))
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(live).to_have_text(re.compile("Selected 2 words: “owners in”"))
    page.keyboard.press("Escape")
    expect(live).to_contain_text("Caret mode off.")
    expect(button).to_be_focused()
    expect(page.locator(".caret-mark")).to_be_hidden()
    assert not Annotation.objects.exists()


def test_caret_mode_starts_at_the_open_claim(page, live_server, log_in_as, desk):
    article = make_article(desk, text=EMOJI_TEXT)
    claim = make_annotation(desk, article=article, quote="The mayor denied it.")
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    page.get_by_role("button", name="Select with keyboard").click()
    expect(page.locator("#live")).to_contain_text("At “The”")


def test_each_highlight_says_its_claim_number_status_start_end_and_overlaps(
    page, live_server, log_in_as, desk
):
    """A screen reader meets "[claim 1 start, disputed, overlaps claim 2]" before the words and
    "[claim 1 end]" after them, in the accessibility tree, while the words stay hidden on screen."""
    article = make_article(desk, text=EMOJI_TEXT)
    first = make_annotation(desk, article=article, quote="said 😀 prices rose")
    make_annotation(desk, article=article, quote="rose 12% in 2024")
    make_verdict(desk, annotation=first, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=first, reviewer=desk.reviewers[1], rating="false")
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/articles/{article.id}/")
    paragraph = page.locator("#article-text p").first
    tree = paragraph.aria_snapshot()
    expected = [
        "[claim 1 start, disputed, overlaps claim 2]",
        "[claim 2 start, needs review, overlaps claim 1]",
        "[claim 1 end]",
        "[claim 2 end]",
    ]
    positions = [tree.find(words) for words in expected]
    assert -1 not in positions and positions == sorted(positions), tree
    assert tree.find("said") > positions[0] and tree.find("2024") < positions[-1], tree
    said = page.locator("#article-text [data-said]").first
    expect(said).to_have_text(expected[0])
    box = said.bounding_box()
    assert box is None or (box["width"] <= 1 and box["height"] <= 1)
    # The claim list names the same claims in the same order.
    items = page.get_by_role("navigation", name=re.compile("Claims in this article")).get_by_role("listitem")
    expect(items.first).to_contain_text("said 😀 prices rose")


def test_the_demo_desk_opens_on_its_lead_article_for_a_newcomer(page, live_server, log_in_as, screenshot):
    """On the demo desk the article list starts with the pasted piece; its reader lists nine
    claims and tells a screen reader which one is disputed."""
    call_command("load_demo", stdout=io.StringIO())
    project = Project.objects.get(name="Demo desk")
    log_in_as(get_user_model().objects.get(username="reviewer2"))
    page.goto(f"{live_server.url}/projects/{project.id}/articles/")
    first = page.get_by_role("table").get_by_role("row").nth(1).get_by_role("link").first
    expect(first).to_have_text(escalation.ARTICLE["title"])
    screenshot(page, "demo-article-list")
    first.click()
    claims = page.get_by_role("navigation", name=re.compile("Claims in this article"))
    expect(claims.get_by_role("listitem")).to_have_count(9)
    expect(page.locator("#article-text")).to_contain_text("[claim 4 start, disputed]")
    expect(page.locator("#article-text")).to_contain_text("[claim 7 start, resolved: Misleading]")
    screenshot(page, "demo-lead-article")

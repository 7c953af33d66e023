"""Suggested claims in the reader: underlined in the text over exactly their sentences, said in
the list beside it, accepted with `y` (or the button) as a claim of the sentence's exact offsets."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from annotations.services.preferences import save_preferences
from annotations.suggestions import suggest
from tests.factories import make_annotation, make_article, make_desk

# An emoji before the suggested sentences: UTF-16 and code point offsets differ from there on.
TEXT = (
    "Storm warning 🌧 for the coast tonight.\n\n"
    "São Paulo recorded 312 mm of rain in February, the wettest month since 1943, according to the "
    "city's emergency centre 🚨. Residents disagree.\n\n"
    "Mayor Inês Conceição said the city spent R$ 2.1 billion on flood defences since 2021. "
    "Everyone should simply stay at home."
)

# The text of each range the page underlines, in the order of the highlight ("" when none).
UNDERLINED = """
(name) => {
  const highlight = CSS.highlights.get(name);
  return highlight ? Array.from(highlight, (range) => range.toString()) : [];
}
"""


@pytest.fixture
def desk():
    return make_desk()


def open_reader(page, live_server, article):
    page.goto(f"{live_server.url}/articles/{article.id}/")
    expect(page.get_by_role("heading", name=re.compile(r"^Suggested claims"))).to_be_visible()


def test_a_suggestion_is_underlined_and_accepted_with_y_as_a_claim_of_its_exact_offsets(
    page, live_server, log_in_as, desk
):
    article = make_article(desk, title="Rain in São Paulo", text=TEXT)
    expected = suggest(article.current_revision.text)
    assert len(expected) == 2
    log_in_as(desk.reviewers[0])
    open_reader(page, live_server, article)

    suggestions = page.get_by_role("region", name="Suggested claims (2)")
    expect(suggestions.get_by_role("listitem")).to_have_count(2)
    expect(suggestions.get_by_role("listitem").first).to_contain_text("São Paulo recorded 312 mm")
    expect(suggestions.get_by_role("listitem").first).to_contain_text("Holds a figure")
    assert page.evaluate(UNDERLINED, "suggested") == [suggestion.quote for suggestion in expected]

    page.keyboard.press("s")
    first = suggestions.get_by_role("listitem").first
    expect(first).to_have_attribute("aria-current", "true")
    expect(page.locator("#live")).to_contain_text("Suggested claim 1 of 2: São Paulo recorded 312 mm")
    assert page.evaluate(UNDERLINED, "suggested-current") == [expected[0].quote]
    page.keyboard.press("s")
    page.keyboard.press("S")
    expect(first).to_have_attribute("aria-current", "true")

    page.keyboard.press("y")
    expect(page).to_have_url(re.compile(r"\?claim=\d+$"))
    claim = Annotation.objects.get(article=article)
    assert (claim.start, claim.end, claim.quote) == (expected[0].start, expected[0].end, expected[0].quote)
    assert TEXT[claim.start : claim.end] == claim.quote
    panel = page.get_by_role("region", name=f"Claim #{claim.id}")
    expect(panel.get_by_text(f"{claim.start}–{claim.end}", exact=True)).to_be_visible()
    # The claim's sentence is no longer suggested; its words are a highlighted claim now.
    expect(page.get_by_role("region", name="Suggested claims (1)")).to_be_visible()
    assert page.evaluate(UNDERLINED, "suggested") == [expected[1].quote]
    expect(page.locator(f'mark[data-claims="{claim.id}"]').first).to_be_visible()


def test_with_shortcuts_off_the_keys_do_nothing_and_the_button_accepts(page, live_server, log_in_as, desk):
    article = make_article(desk, text=TEXT)
    expected = suggest(article.current_revision.text)
    save_preferences(user=desk.annotator, single_key_shortcuts=False)
    log_in_as(desk.annotator)
    open_reader(page, live_server, article)
    suggestions = page.get_by_role("region", name="Suggested claims (2)")
    expect(suggestions.get_by_text("press s for the next one")).to_be_hidden()

    page.keyboard.press("s")
    page.keyboard.press("y")
    expect(suggestions.locator("[aria-current]")).to_have_count(0)
    assert not Annotation.objects.exists()

    second = suggestions.get_by_role("listitem").nth(1)
    second.get_by_role("button", name="Show suggestion 2 in text").click()
    expect(second).to_have_attribute("aria-current", "true")
    assert page.evaluate(UNDERLINED, "suggested-current") == [expected[1].quote]
    second.get_by_role("button", name="Highlight suggestion 2 as a claim").click()
    expect(page).to_have_url(re.compile(r"\?claim=\d+$"))
    claim = Annotation.objects.get()
    assert (claim.start, claim.end) == (expected[1].start, expected[1].end)


def test_the_shortcut_sheet_lists_the_suggestion_keys(page, live_server, log_in_as, desk):
    article = make_article(desk, text=TEXT)
    make_annotation(desk, article=article, quote="Residents disagree.")
    log_in_as(desk.annotator)
    open_reader(page, live_server, article)
    page.keyboard.press("?")
    sheet = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(sheet.get_by_text("Next or previous suggested claim")).to_be_visible()
    expect(sheet.get_by_text("Highlight the current suggested claim as a claim")).to_be_visible()

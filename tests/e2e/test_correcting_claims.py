"""Correcting highlights in a browser: deleting a claim, re-cutting its words by keyboard and by a
new selection, the question before a long selection is saved, `n` to the next claim awaiting my
verdict in another article, and Ctrl+Enter in the verdict form."""

import re
from pathlib import Path

from playwright.sync_api import expect

from annotations.models import Annotation, Verdict
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_verdict

TEXT = (
    "Officials said 10,000 troops were sent to Russia in October. Eighteen soldiers deserted.\n\n"
    "The ministry denied it. Analysts doubt the figure of 1.4 million volunteers."
)
# Screenshots for a person to look at, kept out of the repository.
SCREENSHOTS = Path("/tmp/correcting-claims")
SCREENSHOTS.mkdir(parents=True, exist_ok=True)


# The screen points just inside the first and last characters of text[start:end] (code points of
# the canonical text, ASCII here), found through the reader's segments (`data-s`/`data-e`) alone,
# so that text shown only to screen readers and paragraph gaps do not count.
POINTS_OF_SPAN = """
([start, end]) => {
  const segments = Array.from(document.querySelectorAll("#article-text [data-s]"));
  const box = (offset) => {
    const segment = segments.find((s) => offset >= Number(s.dataset.s) && offset < Number(s.dataset.e));
    const walker = document.createTreeWalker(segment, NodeFilter.SHOW_TEXT);
    let left = offset - Number(segment.dataset.s);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (left < node.data.length) {
        const range = document.createRange();
        range.setStart(node, left);
        range.setEnd(node, left + 1);
        return range.getBoundingClientRect();
      }
      left -= node.data.length;
    }
    throw new Error(`no character at ${offset}`);
  };
  const first = box(start);
  const last = box(end - 1);
  const middle = (rect) => (rect.top + rect.bottom) / 2;
  return {x1: first.left + 1, y1: middle(first), x2: last.right - 1, y2: middle(last)};
}
"""


def select_words(page, words: str) -> None:
    """Select ``words`` of TEXT with the mouse: press on the first character, drag, release on the last."""
    start = TEXT.index(words)
    points = page.evaluate(POINTS_OF_SPAN, [start, start + len(words)])
    page.mouse.move(points["x1"], points["y1"])
    page.mouse.down()
    page.mouse.move((points["x1"] + points["x2"]) / 2, (points["y1"] + points["y2"]) / 2, steps=4)
    page.mouse.move(points["x2"], points["y2"], steps=4)
    page.mouse.up()
    expect(page.locator("#selection-preview")).to_contain_text(f"(characters {start}–{start + len(words)})")


def claim_panel(page, claim):
    return page.get_by_role("region", name=f"Claim #{claim.id}")


def open_corrections(page, claim):
    panel = claim_panel(page, claim)
    panel.get_by_text("Correct the highlight").click()
    return panel


def test_the_author_deletes_an_unjudged_claim_from_the_panel(page, live_server, log_in_as):
    desk = make_desk()
    article = make_article(desk, title="Troops", text=TEXT)
    claim = make_annotation(desk, article=article, quote="10,000 troops")
    log_in_as(desk.annotator)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    panel = open_corrections(page, claim)
    panel.get_by_role("button", name=f"Delete claim #{claim.id}").click()
    expect(panel.get_by_text("Tick “Yes, delete this claim” to delete it.")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    expect(panel.get_by_role("button", name="Start one word earlier")).to_be_visible()
    panel.get_by_role("button", name=f"Delete claim #{claim.id}").scroll_into_view_if_needed()
    page.screenshot(path=f"{SCREENSHOTS}/delete-refused-1280.png", full_page=False)
    assert Annotation.objects.filter(pk=claim.pk).exists()

    panel = claim_panel(page, claim)
    panel.get_by_label("Yes, delete this claim").check()
    panel.get_by_role("button", name=f"Delete claim #{claim.id}").click()
    expect(page).to_have_url(f"{live_server.url}/articles/{article.id}/")
    expect(
        page.get_by_text(f"Claim #{claim.id} is deleted; its history keeps a record of it.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Claims in this article (0)")).to_be_visible()
    assert not Annotation.objects.filter(pk=claim.pk).exists()


def test_recutting_by_keyboard_moves_the_words_and_an_editors_small_recut_keeps_the_verdicts(
    page, live_server, log_in_as
):
    desk = make_desk()
    article = make_article(desk, title="Troops", text=TEXT)
    claim = make_annotation(desk, article=article, quote="troops were sent")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="mostly_true")
    log_in_as(desk.editor)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    panel = claim_panel(page, claim)
    expect(panel).to_be_visible()
    page.locator("body").focus()
    page.keyboard.press("[")
    page.keyboard.press("}")
    page.keyboard.press("}")
    preview = panel.locator("[data-recut-preview]")
    expect(preview).to_contain_text("10,000 troops were sent to Russia")
    expect(panel.get_by_role("button", name="Start one word earlier")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}/recut-panel-1280.png", full_page=False)
    save = panel.get_by_role("button", name="Save the new span")
    save.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("The highlight now reads “10,000 troops were sent to Russia”.")).to_be_visible()
    claim.refresh_from_db()
    assert claim.quote == "10,000 troops were sent to Russia"
    assert Verdict.objects.filter(annotation=claim).count() == 1
    assert claim.claim_changed_at is not None

    # Further than a few words: refused with the reason, the words as they were.
    panel = open_corrections(page, claim)
    panel.get_by_label("New end").fill(str(TEXT.index("deserted.") + len("deserted.")))
    panel.get_by_role("button", name="Save the new span").click()
    expect(panel.get_by_text(re.compile("Highlight the new words as a claim of their own"))).to_be_visible()
    claim.refresh_from_db()
    assert claim.quote == "10,000 troops were sent to Russia"


def test_recutting_to_a_new_selection(page, live_server, log_in_as):
    desk = make_desk()
    article = make_article(desk, title="Troops", text=TEXT)
    claim = make_annotation(desk, article=article, quote="sent to Russia")
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    panel = open_corrections(page, claim)
    select_words(page, "10,000 troops were sent to Russia in October")
    panel.get_by_role("button", name="Re-cut to the selected words").click()
    expect(
        page.get_by_text("The highlight now reads “10,000 troops were sent to Russia in October”.")
    ).to_be_visible()
    claim.refresh_from_db()
    start = TEXT.index("10,000 troops")
    assert (claim.start, claim.end) == (start, start + len("10,000 troops were sent to Russia in October"))
    expect(claim_panel(page, claim).get_by_text(f"{claim.start}–{claim.end}", exact=True)).to_be_visible()


def test_a_selection_across_a_paragraph_break_asks_before_it_is_saved(
    page, live_server, log_in_as, select_text
):
    desk = make_desk()
    article = make_article(desk, title="Troops", text=TEXT)
    log_in_as(desk.annotator)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/articles/{article.id}/")
    select_words(page, "Eighteen soldiers deserted.\n\nThe ministry denied it.")
    page.keyboard.press("a")
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("This selection crosses a paragraph break")
    confirm = page.get_by_role("button", name="Save this long highlight")
    expect(confirm).to_be_focused()
    assert not Annotation.objects.exists()
    page.screenshot(path=f"{SCREENSHOTS}/long-selection-1280.png", full_page=False)

    page.get_by_role("button", name="Cancel").click()
    expect(confirm).to_have_count(0)
    assert not Annotation.objects.exists()

    select_words(page, "Eighteen soldiers deserted.\n\nThe ministry denied it.")
    page.keyboard.press("a")
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?claim=\d+$"))
    assert Annotation.objects.get().quote == "Eighteen soldiers deserted.\n\nThe ministry denied it."


def test_n_goes_to_the_next_claim_awaiting_my_verdict_in_the_next_article(page, live_server, log_in_as):
    desk = make_desk()
    first = make_article(desk, title="First article", text=TEXT)
    second = make_article(desk, title="Second article", text=TEXT)
    a = make_annotation(desk, article=first, quote="10,000 troops")
    b = make_annotation(desk, article=first, quote="Eighteen soldiers deserted.")
    judged = make_annotation(desk, article=second, quote="Officials said")
    c = make_annotation(desk, article=second, quote="1.4 million volunteers")
    reviewer = desk.reviewers[0]
    make_verdict(desk, annotation=judged, reviewer=reviewer)
    log_in_as(reviewer)
    page.goto(f"{live_server.url}/articles/{first.id}/?claim={a.id}")
    expect(claim_panel(page, a)).to_be_visible()
    page.locator("body").focus()
    page.keyboard.press("n")
    expect(claim_panel(page, b)).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/articles/{first.id}/?claim={b.id}")
    page.keyboard.press("n")
    expect(page).to_have_url(f"{live_server.url}/articles/{second.id}/?claim={c.id}")
    expect(claim_panel(page, c)).to_be_visible()
    expect(page.get_by_role("heading", name="Second article")).to_be_visible()


def test_control_enter_submits_the_verdict_form(page, live_server, log_in_as):
    desk = make_desk()
    article = make_article(desk, title="Troops", text=TEXT)
    claim = make_annotation(desk, article=article, quote="10,000 troops")
    log_in_as(desk.reviewers[0])
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    panel = claim_panel(page, claim)
    page.locator("body").focus()
    page.keyboard.press("v")
    page.keyboard.press("2")
    rationale = panel.get_by_label("Rationale")
    rationale.fill("The ministry's own figure is 6,000.")
    rationale.press("Control+Enter")
    expect(panel.get_by_text("Your verdict is saved.")).to_be_visible()
    verdict = Verdict.objects.get()
    assert (verdict.rating, verdict.rationale) == ("mostly_false", "The ministry's own figure is 6,000.")

    page.keyboard.press("?")
    sheet = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(sheet).to_contain_text("Submit the verdict form")
    expect(sheet).to_contain_text("Next claim awaiting your verdict")
    expect(sheet).to_contain_text("move its start one word earlier or later")


def test_word_steps_count_code_points_like_the_server(page, live_server, log_in_as):
    """Stepping an edge by a word lands on the code points Python counts, past an emoji too, and
    the outline of the proposed words covers exactly text[start:end]."""
    desk = make_desk()
    article = make_article(desk, title="Prices", text=EMOJI_TEXT)
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/articles/{article.id}/")
    start = EMOJI_TEXT.index("prices")
    span = {"start": start, "end": start + len("prices rose")}
    steps = page.evaluate(
        """async (span) => {
            const selection = await import("/static/js/selection.js");
            const container = document.getElementById("article-text");
            const chars = selection.codePointsOf(container);
            const moves = [["start", -1], ["start", 1], ["end", -1], ["end", 1]];
            const moved = moves.map(([edge, direction]) => selection.stepSpan(chars, span, edge, direction));
            const range = selection.rangeOfSpan(container, moved[0].start, moved[3].end);
            return {moved, outlined: range.toString()};
        }""",
        span,
    )
    earlier_start, later_start, earlier_end, later_end = steps["moved"]
    assert (earlier_start["quote"], earlier_start["start"]) == ("😀 prices rose", EMOJI_TEXT.index("😀"))
    assert (later_start["quote"], later_start["start"]) == ("rose", EMOJI_TEXT.index("rose"))
    assert (earlier_end["quote"], earlier_end["end"]) == ("prices", start + len("prices"))
    assert (later_end["quote"], later_end["end"]) == ("prices rose 12%", EMOJI_TEXT.index("12%") + 3)
    assert steps["outlined"] == EMOJI_TEXT[earlier_start["start"] : later_end["end"]]
    for moved in steps["moved"]:
        assert EMOJI_TEXT[moved["start"] : moved["end"]] == moved["quote"]

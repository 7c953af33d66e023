"""Verdicts in a browser: blind review between two reviewers, keyboard use, bad input, safety."""

import re

from playwright.sync_api import expect

from annotations.models import Verdict
from annotations.services.verdicts import edit_verdict
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_verdict

XSS = "<img src=x onerror=alert(1)>"


def claim_panel(page, claim):
    return page.get_by_role("region", name=f"Claim #{claim.id}")


def test_two_reviewers_judge_blind_and_see_each_other_only_after_their_own(
    page, live_server, log_in_as, screenshot
):
    desk = make_desk()
    article = make_article(desk, title="Prices in Seoul", text=EMOJI_TEXT)
    claim = make_annotation(desk, article=article, quote="😀 prices rose 12%", claim="Prices rose 12%.")
    first, second = desk.reviewers

    log_in_as(first)
    page.goto(f"{live_server.url}/articles/{article.id}/")
    page.keyboard.press("j")
    panel = claim_panel(page, claim)
    expect(panel).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?claim={claim.id}$"))
    page.keyboard.press("v")
    page.keyboard.press("4")
    expect(panel.get_by_role("radio", name="Mostly true")).to_be_checked()
    panel.get_by_role("radio", name="High").check()
    panel.get_by_label("Rationale").fill("The statistics office says 11.8%, rounded to 12%.")
    evidence = panel.get_by_role("group", name="Evidence 1")
    evidence.get_by_label("Source URL").fill("https://stats.example.org/cpi-2024")
    evidence.get_by_label("Source title").fill("Consumer prices 2024")
    evidence.get_by_label("Stance").select_option("supports")
    evidence.get_by_label("Quoted passage").fill("Prices rose 11.8% in 2024.")
    panel.get_by_role("button", name="Add evidence").click()
    second_row = panel.get_by_role("group", name="Evidence 2")
    second_row.get_by_label("Source URL").fill("https://example.org/wrong")
    second_row.get_by_role("button", name="Remove this evidence").click()
    expect(second_row).to_be_hidden()
    panel.get_by_role("button", name="Submit verdict").click()

    expect(panel.get_by_text("Your verdict is saved.")).to_be_visible()
    expect(panel.get_by_role("article", name="Your verdict")).to_contain_text("Mostly true")
    expect(panel.get_by_text("No other verdicts yet.")).to_be_visible()
    verdict = Verdict.objects.get(reviewer=first)
    assert (verdict.rating, verdict.confidence) == ("mostly_true", "high")
    assert [piece.source.url for piece in verdict.evidence.all()] == ["https://stats.example.org/cpi-2024"]

    log_in_as(second)
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    panel = claim_panel(page, claim)
    hidden = panel.get_by_text("Hidden until you give your own verdict")
    expect(hidden).to_be_visible()
    expect(page.get_by_text("The statistics office says")).to_have_count(0)
    expect(page.get_by_text("Consumer prices 2024")).to_have_count(0)
    hidden.scroll_into_view_if_needed()
    screenshot(page, "reader-blind-before-verdict")

    panel.get_by_role("radio", name="False", exact=True).check()
    panel.get_by_role("button", name="Submit verdict").click()
    expect(panel.get_by_text("Your verdict is saved.")).to_be_visible()
    theirs = panel.get_by_role("article", name=f"Verdict of {first.username}")
    expect(theirs).to_contain_text("The statistics office says 11.8%")
    expect(theirs.get_by_role("link", name="Consumer prices 2024")).to_be_visible()
    expect(panel.get_by_text("Disputed")).to_be_visible()
    claim_list = page.get_by_role("navigation", name=re.compile("Claims in this article"))
    expect(claim_list).to_contain_text("Disputed")
    screenshot(page, "reader-verdicts-revealed")


def test_keyboard_shortcuts_move_between_claims_and_fill_the_verdict(
    page, live_server, log_in_as, screenshot
):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    claims = [
        make_annotation(desk, article=article, quote=quote)
        for quote in ["Café owners", "prices rose 12%", "The mayor denied it."]
    ]
    log_in_as(desk.reviewers[0])
    page.goto(f"{live_server.url}/articles/{article.id}/")

    page.keyboard.press("j")
    expect(claim_panel(page, claims[0])).to_be_visible()
    page.keyboard.press("j")
    expect(claim_panel(page, claims[1])).to_be_visible()
    page.keyboard.press("j")
    expect(claim_panel(page, claims[2])).to_be_visible()
    page.keyboard.press("j")
    expect(page.get_by_role("status").filter(has_text="This is the last claim.")).to_be_visible()
    page.keyboard.press("k")
    panel = claim_panel(page, claims[1])
    expect(panel).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?claim={claims[1].id}$"))

    page.keyboard.press("v")
    expect(panel.get_by_role("radio", name="False", exact=True)).to_be_focused()
    for key, label in enumerate(
        ["False", "Mostly false", "Mixed", "Mostly true", "True", "Misleading", "Unverifiable"], start=1
    ):
        page.keyboard.press(str(key))
        expect(panel.get_by_role("radio", name=label, exact=True)).to_be_checked()
    page.keyboard.press("8")
    expect(panel.get_by_role("radio", name="Not a checkable claim")).to_be_checked()
    page.keyboard.press("Enter")
    expect(panel.get_by_text("Your verdict is saved.")).to_be_visible()
    assert Verdict.objects.get().rating == "not_checkable"

    page.keyboard.press("v")
    rationale = panel.get_by_label("Rationale")
    rationale.press_sequentially("k j 1 a")
    expect(rationale).to_have_value("k j 1 a")
    expect(page).to_have_url(re.compile(rf"\?claim={claims[1].id}$"))

    page.get_by_role("heading", name=f"Claim #{claims[1].id}").focus()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Next claim")
    expect(dialog).to_contain_text("Annotate the selected words")
    screenshot(page, "shortcuts")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("Escape")
    expect(page.get_by_role("heading", name="Claim panel")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"claim="))


def test_clicking_nested_claims_opens_the_innermost_then_the_outer(page, live_server, log_in_as):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    outer = make_annotation(desk, article=article, quote="said 😀 prices rose 12% in 2024")
    inner = make_annotation(desk, article=article, quote="12%")
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/articles/{article.id}/")
    text = page.get_by_role("article", name=article.title)
    twelve = text.get_by_role("mark").filter(has_text=re.compile(r"^12%$"))
    twelve.click()
    expect(claim_panel(page, inner)).to_be_visible()
    twelve.click()
    expect(claim_panel(page, outer)).to_be_visible()


def test_user_text_renders_as_text_and_opens_no_dialog(page, live_server, log_in_as, screenshot):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    desk = make_desk()
    article = make_article(desk, title=XSS, text=f"The mayor wrote {XSS} on 12 walls.")
    claim = make_annotation(desk, article=article, quote=XSS, claim=XSS)
    make_verdict(
        desk,
        annotation=claim,
        rationale=XSS,
        evidence=[{"url": "https://example.org/x", "title": XSS, "stance": "refutes", "quote": XSS}],
    )
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/articles/{article.id}/")
    expect(page.get_by_role("heading", name=XSS)).to_be_visible()
    page.get_by_role("link", name=XSS).click()
    panel = claim_panel(page, claim)
    expect(panel.get_by_text(XSS, exact=True).first).to_be_visible()
    verdict = panel.get_by_role("article", name=re.compile("Verdict of"))
    expect(verdict.get_by_text(XSS, exact=True)).to_have_count(3)
    expect(verdict.get_by_role("link", name=XSS)).to_be_visible()
    project_nav = page.get_by_role("navigation", name="Project")
    project_nav.get_by_role("link", name="Overview").click()
    expect(page.get_by_text(f"highlighted the claim “{XSS}”")).to_be_visible()
    project_nav.get_by_role("link", name="Articles").click()
    expect(page.get_by_role("link", name=XSS, exact=True)).to_be_visible()
    page.go_back()
    page.wait_for_timeout(300)
    expect(page.locator("img")).to_have_count(0)  # the charts are role="img" SVGs, not user text
    assert dialogs == []
    screenshot(page, "escaped-user-text")


def test_form_errors_show_next_to_their_fields_and_save_nothing(page, live_server, log_in_as, screenshot):
    desk = make_desk()
    claim = make_annotation(desk)
    log_in_as(desk.reviewers[0])
    page.goto(f"{live_server.url}/articles/{claim.article_id}/?claim={claim.id}")
    panel = claim_panel(page, claim)
    row = panel.get_by_role("group", name="Evidence 1")
    row.get_by_label("Source URL").fill("javascript:alert(1)")
    panel.get_by_role("button", name="Submit verdict").click()

    ratings = panel.get_by_role("group", name="Rating")
    expect(ratings).to_have_accessible_description(re.compile("This field is required"))
    row = panel.get_by_role("group", name="Evidence 1")
    expect(row.get_by_label("Source URL")).to_have_accessible_description(re.compile("http"))
    expect(row.get_by_label("Stance")).to_have_accessible_description(re.compile("required"))
    expect(row.get_by_label("Source URL")).to_have_value("javascript:alert(1)")
    row.scroll_into_view_if_needed()
    screenshot(page, "verdict-form-errors")
    assert not Verdict.objects.exists()


def test_a_stale_verdict_edit_shows_a_conflict_and_keeps_the_saved_verdict(page, live_server, log_in_as):
    desk = make_desk()
    claim = make_annotation(desk)
    verdict = make_verdict(desk, annotation=claim, rating="true", rationale="My first look.")
    log_in_as(desk.reviewers[0])
    page.goto(f"{live_server.url}/articles/{claim.article_id}/?claim={claim.id}")
    panel = claim_panel(page, claim)
    page.keyboard.press("v")
    panel.get_by_role("radio", name="Mixed").check()
    panel.get_by_label("Rationale").fill("Edited in this tab.")

    edit_verdict(reviewer=desk.reviewers[0], verdict_id=verdict.id, rationale="Edited in another tab.")
    panel.get_by_role("button", name="Save changes").click()

    alert = panel.get_by_role("alert")
    expect(alert).to_contain_text("Not saved: this changed meanwhile.")
    expect(alert).to_be_focused()
    expect(panel.get_by_role("article", name="Your verdict")).to_contain_text("Edited in another tab.")
    expect(panel.get_by_label("Rationale")).to_have_value("Edited in this tab.")
    verdict.refresh_from_db()
    assert (verdict.rating, verdict.rationale) == ("true", "Edited in another tab.")

    panel.get_by_role("button", name="Save changes").click()
    expect(panel.get_by_text("Your verdict is changed.")).to_be_visible()
    verdict.refresh_from_db()
    assert (verdict.rating, verdict.rationale) == ("mixed", "Edited in this tab.")

"""Checked before? In a browser: the claim panel lists the earlier claims that look like this one,
with their final ratings and why, and an editor links the same claim."""

import re

from playwright.sync_api import expect

from annotations.models import Annotation, ClaimLink, HistoryEntry
from annotations.services.review import adjudicate
from tests.factories import make_annotation, make_article, make_desk, make_verdict

EARLIER = "Seoul said Pyongyang has sent 10,000 troops to Russia.\n\nThe army moved 10,000 artillery pieces."
LATER = "North Korea sent 10,000 soldiers to Russia, officials in Seoul said.\n\nPrices rose 12 percent."


def test_the_panel_shows_what_was_checked_before_and_an_editor_links_it(
    page, live_server, log_in_as, screenshot
):
    desk = make_desk()
    earlier_article = make_article(desk, title="Troops for Russia", text=EARLIER)
    earlier = make_annotation(
        desk, article=earlier_article, quote="Pyongyang has sent 10,000 troops to Russia"
    )
    make_verdict(desk, annotation=earlier, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=earlier, reviewer=desk.reviewers[1], rating="mixed")
    adjudicate(editor=desk.editor, annotation_id=earlier.id, rating="mostly_true", rationale="Seoul's count.")
    article = make_article(desk, title="Seoul on the deployment", text=LATER)
    later = make_annotation(desk, article=article, quote="North Korea sent 10,000 soldiers to Russia")
    prices = make_annotation(desk, article=article, quote="Prices rose 12 percent")

    # A reviewer reading another claim opens the new one from the reader's text: its panel comes
    # in as a fragment and its "Checked before" list loads into it.
    log_in_as(desk.reviewers[0])
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={prices.id}")
    expect(page.get_by_role("region", name=f"Claim #{prices.id}")).to_contain_text("Checked before")
    page.get_by_role("article", name=article.title).get_by_role("mark").first.click()
    panel = page.get_by_role("region", name=f"Claim #{later.id}")
    checked = panel.get_by_role("region", name="Checked before")
    match = checked.locator(f"[data-similar='{earlier.id}']")
    expect(match).to_contain_text("Resolved: Mostly true")
    expect(match).to_contain_text("Same figures: 10,000 troops.")
    expect(match).to_contain_text("Same names:")
    expect(checked.get_by_role("button", name=f"Same claim as #{earlier.id}")).to_have_count(0)

    # The editor links the two from the claim's page.
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={later.id}")
    checked = page.get_by_role("region", name=f"Claim #{later.id}").get_by_role(
        "region", name="Checked before"
    )
    checked.get_by_role("button", name=f"Same claim as #{earlier.id}").click()
    expect(checked.get_by_text(f"Linked: this is the same claim as #{earlier.id}.")).to_be_visible()
    expect(checked.locator(f"[data-similar='{earlier.id}']")).to_contain_text(
        "An editor linked it as the same claim."
    )
    screenshot(page, "claim-panel-checked-before")
    assert ClaimLink.objects.filter(claim=later, same_as=earlier).exists()
    assert HistoryEntry.objects.filter(annotation_id=later.id, after__same_claim_as=[earlier.id]).exists()

    checked.get_by_role("button", name=f"Unlink claim #{earlier.id}").click()
    expect(checked.get_by_text(f"Claim #{earlier.id} is no longer linked to this one.")).to_be_visible()
    assert not ClaimLink.objects.exists()


def test_highlighting_a_claim_shows_what_was_checked_before_as_blind_review_allows(
    page, live_server, log_in_as, select_text, screenshot
):
    """At highlight time: the new claim's panel lists the earlier checks of the same claim. A
    published rating is shown; a dispute the highlighting reviewer has not judged reads "Needs
    review", and nobody's individual verdict is on the page."""
    desk = make_desk(reviewers=3)
    first = make_article(desk, title="Troops for Russia", text=EARLIER)
    resolved = make_annotation(desk, article=first, quote="Pyongyang has sent 10,000 troops to Russia")
    make_verdict(desk, annotation=resolved, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=resolved, reviewer=desk.reviewers[1], rating="mixed")
    adjudicate(
        editor=desk.editor, annotation_id=resolved.id, rating="mostly_true", rationale="Seoul's count."
    )
    second = make_article(
        desk, title="A second report", text="Seoul says 10,000 North Korean troops are in Russia."
    )
    disputed = make_annotation(
        desk, article=second, quote="Seoul says 10,000 North Korean troops are in Russia"
    )
    make_verdict(
        desk, annotation=disputed, reviewer=desk.reviewers[0], rating="false", rationale="hush-false"
    )
    make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[1], rating="true", rationale="hush-true")
    article = make_article(desk, title="Seoul on the deployment", text=LATER)

    log_in_as(desk.reviewers[2])
    page.goto(f"{live_server.url}/articles/{article.id}/")
    select_text(page, "North Korea sent 10,000 soldiers to Russia")
    page.get_by_role("button", name="Annotate selection").click()
    expect(page).to_have_url(re.compile(r"\?claim=\d+$"))
    new_claim = Annotation.objects.get(article=article)
    checked = page.get_by_role("region", name=f"Claim #{new_claim.id}").get_by_role(
        "region", name="Checked before"
    )
    expect(checked.locator(f"[data-similar='{resolved.id}']")).to_contain_text("Resolved: Mostly true")
    expect(checked.locator(f"[data-similar='{resolved.id}']")).to_contain_text("Same figures: 10,000")
    expect(checked.locator(f"[data-similar='{disputed.id}']")).to_contain_text("Needs review")
    expect(checked).not_to_contain_text("Disputed")
    checked.scroll_into_view_if_needed()
    screenshot(page, "checked-before-at-highlight-time", full_page=False)
    assert "hush" not in page.content()

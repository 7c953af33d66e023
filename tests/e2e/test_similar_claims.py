"""Checked before? In a browser: the claim panel lists the earlier claims that look like this one,
with their final ratings and why, and an editor links the same claim."""

from playwright.sync_api import expect

from annotations.models import ClaimLink, HistoryEntry
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

"""The blind verdict is the record, in a browser: a rating revised after the reveal keeps the claim
disputed until an editor accepts what the reviewers converged on; an editor who reviews blind."""

import re

from playwright.sync_api import expect

from annotations.models import Annotation, Disagreement, Membership
from tests.factories import make_annotation, make_article, make_desk, make_verdict

TEXT = "The ministry said 10,000 troops were sent.\n\nThe opposition called the figure invented."


def claim_panel(page, claim):
    return page.get_by_role("region", name=f"Claim #{claim.id}")


def test_a_revision_after_the_reveal_stays_disputed_until_an_editor_accepts_the_converged_rating(
    page, live_server, log_in_as, screenshot
):
    desk = make_desk()
    article = make_article(desk, title="Troops abroad", text=TEXT)
    claim = make_annotation(desk, article=article, quote="10,000 troops were sent")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="unverifiable")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")

    log_in_as(desk.reviewers[1])
    page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    panel = claim_panel(page, claim)
    expect(panel.get_by_role("article", name=f"Verdict of {desk.reviewers[0].username}")).to_contain_text(
        "Unverifiable"
    )
    panel.get_by_text("Change your verdict").click()
    panel.get_by_role("radio", name="Unverifiable").check()
    panel.get_by_role("button", name="Save changes").click()
    expect(panel.get_by_text("Your verdict is changed.")).to_be_visible()
    mine = panel.get_by_role("article", name="Your verdict")
    expect(mine).to_contain_text("Revised after seeing the other verdicts")
    expect(mine).to_contain_text("False")
    expect(panel.locator("[data-status-badge], .status").first).to_contain_text("Disputed")
    screenshot(page, "reader-revised-after-reveal")
    assert Annotation.objects.get().status == "disputed"

    log_in_as(desk.editor)
    disagreement = Disagreement.objects.get()
    page.goto(f"{live_server.url}/disagreements/{disagreement.id}/")
    expect(page.get_by_text("Independent ratings, as given blind")).to_be_visible()
    converged = page.get_by_role("region", name="The reviewers converged")
    expect(converged).to_contain_text("Unverifiable")
    screenshot(page, "disagreement-converged")
    converged.get_by_role("button", name=re.compile("Accept “Unverifiable”")).click()
    expect(page.get_by_text(f"Claim #{claim.id} is resolved. Final rating: Unverifiable.")).to_be_visible()
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == ("resolved", "unverifiable")


def test_an_editor_switches_on_blind_review_and_judges_blind(page, live_server, log_in_as, screenshot):
    desk = make_desk()
    article = make_article(desk, title="Troops abroad", text=TEXT)
    claim = make_annotation(desk, article=article, quote="10,000 troops were sent")
    make_verdict(
        desk, annotation=claim, reviewer=desk.reviewers[0], rating="misleading", rationale="Old data."
    )

    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/members/")
    page.get_by_role("button", name=re.compile(f"^Review blind \\({desk.editor.username}\\)")).click()
    expect(page.get_by_text("You review blind now")).to_be_visible()
    screenshot(page, "members-review-blind")
    assert Membership.objects.get(user=desk.editor, project=desk.project).review_blind

    page.goto(f"{live_server.url}/articles/{article.id}/?claim={claim.id}")
    panel = claim_panel(page, claim)
    expect(panel.get_by_text("Hidden until you give your own verdict")).to_be_visible()
    expect(page.get_by_text("Old data.")).to_have_count(0)
    panel.get_by_role("radio", name="Misleading").check()
    panel.get_by_role("radio", name="High").check()
    panel.get_by_role("button", name="Submit verdict").click()
    expect(panel.get_by_text("Your verdict is saved.")).to_be_visible()
    expect(panel.get_by_role("article", name=f"Verdict of {desk.reviewers[0].username}")).to_contain_text(
        "Old data."
    )
    expect(panel.get_by_role("article", name="Your verdict")).not_to_contain_text("Not independent")
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == ("agreed", "misleading")

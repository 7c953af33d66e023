"""The review workflow in a browser: the queues, settling disagreements, re-opening, agreement."""

import re

from playwright.sync_api import expect

from annotations.models import Adjudication, Annotation, Disagreement, DisagreementKind, Status
from annotations.services.bulk import import_annotations
from annotations.services.review import adjudicate
from tests.factories import make_annotation, make_article, make_desk, make_verdict

XSS = "<img src=x onerror=alert(1)>"
TEXT = (
    "The river rose 3.2 metres overnight, the highest level since 1998.\n\n"
    "The mayor said 1,200 homes were flooded and 40 roads closed."
)


def disputed_claim(desk, *, quote="The river rose 3.2 metres overnight"):
    article = make_article(desk, title="Flood in the valley", text=TEXT)
    claim = make_annotation(desk, article=article, quote=quote, claim="The river rose 3.2 m overnight.")
    make_verdict(
        desk,
        annotation=claim,
        reviewer=desk.reviewers[0],
        rating="true",
        rationale="The town's gauge says 3.2 m.",
        evidence=[
            {
                "url": "https://gauges.example.org/r1",
                "title": "Gauge R1",
                "stance": "supports",
                "quote": "3.21 m",
            }
        ],
    )
    make_verdict(
        desk,
        annotation=claim,
        reviewer=desk.reviewers[1],
        rating="false",
        rationale="The national agency measured 2.1 m.",
        evidence=[{"url": "https://water.example.gov/levels", "title": "River levels", "stance": "refutes"}],
    )
    return claim


def judged_claims(desk, n_claims: int, ratings) -> None:
    sentences = [f"Claim {i} says that {i * 7} people saw {i % 13} ships." for i in range(n_claims)]
    text = " ".join(sentences)
    article = make_article(desk, text=text, title=f"Article of {n_claims} claims")
    items, position = [], 0
    for sentence in sentences:
        start = text.index(sentence, position)
        position = start + len(sentence)
        items.append({"article": article.id, "start": start, "end": position, "quote": sentence})
    import_annotations(actor=desk.annotator, items=items)
    for reviewer, rating_of in zip(desk.reviewers, ratings, strict=True):
        judged = [
            item | {"verdict": {"rating": rating_of(i), "confidence": "high"}}
            for i, item in enumerate(items)
            if rating_of(i)
        ]
        import_annotations(actor=reviewer, items=judged)


def test_an_editor_adjudicates_a_disputed_claim_from_the_queue_and_finds_it_done(
    page, live_server, log_in_as, screenshot
):
    desk = make_desk()
    claim = disputed_claim(desk)
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/")
    project_nav = page.get_by_role("navigation", name="Project")
    project_nav.get_by_role("link", name="Disputed").click()
    expect(page.get_by_role("heading", name="Disputed", level=1)).to_be_visible()
    screenshot(page, "queue-disputed")

    page.get_by_role("link", name=f"Verdicts differ on claim #{claim.id}").click()
    expect(page.get_by_role("heading", name=re.compile("verdicts differ"))).to_be_visible()
    expect(page.get_by_text("4 steps apart on the truth scale")).to_be_visible()
    first = page.get_by_role("article", name=f"Verdict of {desk.reviewers[0].username}")
    second = page.get_by_role("article", name=f"Verdict of {desk.reviewers[1].username}")
    expect(first).to_contain_text("The town's gauge says 3.2 m.")
    expect(first.get_by_role("link", name="Gauge R1")).to_be_visible()
    expect(second).to_contain_text("The national agency measured 2.1 m.")
    first_box, second_box = first.bounding_box(), second.bounding_box()
    assert abs(first_box["y"] - second_box["y"]) < 2, "the verdicts sit side by side"
    screenshot(page, "disagreement-verdicts")

    form = page.get_by_role("region", name="Adjudicate")
    form.get_by_role("button", name="Resolve the claim with this rating").click()
    expect(form.get_by_role("group", name="Final rating")).to_have_accessible_description(
        re.compile("This field is required")
    )
    expect(form.get_by_label("Rationale")).to_have_accessible_description(re.compile("required"))
    assert not Adjudication.objects.exists()
    screenshot(page, "disagreement-adjudication-errors", full_page=False)

    form.get_by_role("radio", name="Mostly false").check()
    form.get_by_label("Rationale").fill("The agency's gauge is the reference; the town's was miscalibrated.")
    evidence = form.get_by_role("group", name="Evidence 1")
    evidence.get_by_label("Source URL").fill("https://water.example.gov/levels")
    evidence.get_by_label("Stance").select_option("refutes")
    form.get_by_role("button", name="Resolve the claim with this rating").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Claim #{claim.id} is resolved. Final rating: Mostly false."
    )
    adjudication = page.get_by_role("article", name=f"Adjudication by {desk.editor.username}")
    expect(adjudication).to_contain_text("miscalibrated")
    expect(page.get_by_role("region", name="Adjudicate")).to_have_count(0)
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == (Status.RESOLVED, "mostly_false")

    project_nav.get_by_role("link", name="Done").click()
    row = page.get_by_role("row").filter(has_text="The river rose 3.2 m overnight.")
    expect(row).to_contain_text("Resolved")
    expect(row).to_contain_text("Mostly false")
    screenshot(page, "queue-done")
    project_nav.get_by_role("link", name="Disputed").click()
    expect(page.get_by_text("No claim is disputed.")).to_be_visible()


def test_a_span_disagreement_merged_from_its_page_explains_the_merge(
    page, live_server, log_in_as, screenshot
):
    desk = make_desk()
    article = make_article(desk, title="Flood in the valley", text=TEXT)
    first = make_annotation(desk, article=article, quote="The river rose 3.2 metres", author=desk.annotator)
    second = make_annotation(
        desk, article=article, quote="rose 3.2 metres overnight, the highest level", author=desk.reviewers[0]
    )
    make_verdict(desk, annotation=first, reviewer=desk.reviewers[1], rating="true")
    make_verdict(desk, annotation=second, reviewer=desk.reviewers[1], rating="mostly_true")
    make_verdict(
        desk, annotation=second, reviewer=desk.reviewers[0], rating="true", rationale="Stays? No, moves."
    )
    disagreement = Disagreement.objects.get(kind=DisagreementKind.SPAN)

    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/queues/disputed/")
    page.get_by_role("link", name=f"Spans overlap on claim #{first.id}").click()
    passage = page.get_by_role("region", name="The two spans in the article")
    expect(passage.locator("mark.in-a.in-b")).to_have_text("rose 3.2 metres")
    expect(passage.get_by_text("Both cover: “rose 3.2 metres”")).to_be_visible()
    screenshot(page, "disagreement-spans")

    kept = page.get_by_role("region", name=re.compile(rf"Claim #{first.id}"))
    kept.get_by_role("button", name=re.compile("Merge into this one")).click()

    status = page.get_by_role("status")
    expect(status).to_contain_text(f"Claim {second.id} was merged into claim {first.id}; 1 verdict(s) moved.")
    expect(status).to_contain_text(f"1 verdict(s) stayed on claim {second.id}")
    merged = page.get_by_role("region", name=re.compile(rf"Claim #{second.id}"))
    expect(merged).to_contain_text(f"Merged into claim #{first.id}")
    expect(merged.get_by_text("Disputed")).to_have_count(0)
    expect(merged.get_by_text("These verdicts stayed on this claim")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Merge into this one"))).to_have_count(0)
    screenshot(page, "disagreement-spans-merged")
    disagreement.refresh_from_db()
    assert disagreement.status == "resolved"
    assert Annotation.objects.get(pk=second.id).merged_into_id == first.id


def test_the_agreement_dashboard_renders_its_figures_and_charts(page, live_server, log_in_as, screenshot):
    desk = make_desk(reviewers=3)
    ratings = ["true", "mostly_true", "mixed", "false", "misleading", "true"]
    judged_claims(
        desk,
        18,
        [
            lambda i: ratings[i % 6],
            lambda i: ratings[(i + (i % 3 == 0)) % 6],
            lambda i: ratings[i % 6] if i % 2 else None,
        ],
    )
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/")
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Agreement").click()
    expect(page.get_by_role("heading", name="Agreement", level=1)).to_be_visible()
    kappa = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Fleiss' kappa"))
    expect(kappa).to_contain_text(re.compile(r"over 18 claims and \d+ verdicts"))
    expect(page.get_by_role("img", name=re.compile("Ratings of .* against"))).to_have_count(3)
    expect(page.get_by_role("img", name="Agreement of each reviewer with the final ratings")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Claims both rated")).to_be_visible()
    screenshot(page, "agreement-dashboard")
    page.set_viewport_size({"width": 820, "height": 900})
    screenshot(page, "agreement-dashboard-820")

    page.get_by_label("Figures for").select_option(label="Article of 18 claims")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name=re.compile("in “Article of 18 claims”"))).to_be_visible()

    log_in_as(desk.reviewers[0])
    page.goto(f"{live_server.url}/projects/{desk.project.id}/agreement/")
    expect(
        page.get_by_text("Blind review: these figures cover only the claims you have judged")
    ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Ratings of"))).to_have_count(0)


def test_an_adjudication_rationale_renders_as_text_and_opens_no_dialog(
    page, live_server, log_in_as, screenshot
):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    desk = make_desk()
    claim = disputed_claim(desk)
    disagreement = claim.disagreements.get()
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/disagreements/{disagreement.id}/")
    form = page.get_by_role("region", name="Adjudicate")
    form.get_by_role("radio", name="Mixed").check()
    form.get_by_label("Rationale").fill(XSS)
    evidence = form.get_by_role("group", name="Evidence 1")
    evidence.get_by_label("Source URL").fill("https://example.org/x")
    evidence.get_by_label("Source title").fill(XSS)
    evidence.get_by_label("Stance").select_option("context")
    evidence.get_by_label("Quoted passage").fill(XSS)
    form.get_by_role("button", name="Resolve the claim with this rating").click()

    adjudication = page.get_by_role("article", name=f"Adjudication by {desk.editor.username}")
    expect(adjudication.get_by_text(XSS, exact=True)).to_have_count(3)
    expect(adjudication.get_by_role("link", name=XSS)).to_be_visible()
    assert Adjudication.objects.get().rationale == XSS

    page.goto(f"{live_server.url}/articles/{claim.article_id}/?claim={claim.id}")
    panel = page.get_by_role("region", name=f"Claim #{claim.id}")
    expect(panel.get_by_role("article", name=f"Adjudication by {desk.editor.username}")).to_contain_text(XSS)
    page.wait_for_timeout(300)
    expect(page.get_by_role("img")).to_have_count(0)
    assert dialogs == []
    screenshot(page, "adjudication-escaped")


def test_an_editor_reopens_a_resolved_claim_from_its_panel(page, live_server, log_in_as, screenshot):
    desk = make_desk()
    claim = disputed_claim(desk)
    adjudicate(
        editor=desk.admin, annotation_id=claim.id, rating="mostly_false", rationale="The agency's figure."
    )
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/articles/{claim.article_id}/?claim={claim.id}")
    panel = page.get_by_role("region", name=f"Claim #{claim.id}")
    expect(panel.get_by_role("article", name=f"Adjudication by {desk.admin.username}")).to_contain_text(
        "The agency's figure."
    )
    screenshot(page, "claim-panel-adjudication")
    panel.get_by_text("Re-open this claim").click()
    panel.get_by_label("Why re-open it (optional)").fill("New gauge data came in.")
    panel.get_by_role("button", name="Re-open", exact=True).click()
    expect(panel.get_by_text("The claim is re-opened; it is disputed again.")).to_be_visible()
    claim_list = page.get_by_role("navigation", name=re.compile("Claims in this article"))
    expect(claim_list).to_contain_text("Disputed")
    claim.refresh_from_db()
    assert claim.status == Status.DISPUTED
    panel.get_by_role("link", name="Settle the disagreement over this claim").click()
    expect(page.get_by_role("heading", name=re.compile("verdicts differ"))).to_be_visible()
    expect(page.get_by_role("region", name="Adjudicate")).to_be_visible()


def test_the_to_review_and_done_queues(page, live_server, log_in_as, screenshot):
    desk = make_desk()
    judged_claims(desk, 14, [lambda i: "true" if i % 2 else None, lambda i: "true" if i % 2 else None])
    reviewer = desk.reviewers[0]
    log_in_as(reviewer)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/")
    page.get_by_role("link", name=re.compile("7 claims to review")).click()
    expect(page.get_by_role("heading", name="To review", level=1)).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(8)
    screenshot(page, "queue-to-review")
    page.set_viewport_size({"width": 820, "height": 900})
    screenshot(page, "queue-to-review-820")
    rows.nth(1).get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/\?claim=\d+$"))
    expect(page.get_by_role("region", name=re.compile(r"Claim #\d+"))).to_be_visible()

    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/queues/done/")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(8)
    # Final ratings are the desk's published result: the annotator sees them too.
    expect(page.get_by_role("table").get_by_text("True", exact=True).first).to_be_visible()
    screenshot(page, "queue-done-blind-820")

"""Accessibility in the browser: axe-core finds no violation on the workbench's pages (every
browser test runs under the same check, see conftest.py), and the contrasts axe-core cannot
judge (the focus ring, white counts on the heat map, zeros in lists) meet WCAG AA."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.management.commands.load_demo import DEMO_PROJECT
from annotations.models import Annotation, Disagreement, Project
from annotations.models.verdicts import RATIONALE_MAX_LENGTH
from tests.e2e.conftest import accessibility_violations, watch_accessibility


@pytest.fixture
def demo(transactional_db):
    """The demo desk: articles, claims with verdicts, open and settled disagreements."""
    call_command("load_demo", stdout=io.StringIO())
    return Project.objects.get(name=DEMO_PROJECT)


def demo_user(username: str):
    return get_user_model().objects.get(username=username)


def page_paths(project) -> dict[str, str]:
    article = project.articles.order_by("id").first()
    claim = Annotation.objects.filter(article__project=project).order_by("id").first()
    disagreements = Disagreement.objects.filter(annotation__article__project=project)
    paths = {
        "home": "/",
        "project": f"/projects/{project.id}/",
        "articles": f"/projects/{project.id}/articles/",
        "article import": f"/projects/{project.id}/articles/import/",
        "reader": f"/articles/{article.id}/",
        "reader with a claim": f"/articles/{article.id}/?claim={claim.id}",
        "claim": f"/annotations/{claim.id}/",
        "to review": f"/projects/{project.id}/queues/to-review/",
        "disputed": f"/projects/{project.id}/queues/disputed/",
        "done": f"/projects/{project.id}/queues/done/",
        "disagreements": f"/projects/{project.id}/disagreements/",
        "agreement": f"/projects/{project.id}/agreement/",
        "sources": f"/projects/{project.id}/sources/",
        "members": f"/projects/{project.id}/members/",
        "bring in": f"/projects/{project.id}/bring-in/",
        "history": f"/history/annotation/{claim.id}/",
    }
    for kind in ("verdict", "span"):
        disagreement = disagreements.filter(kind=kind).first()
        if disagreement:
            paths[f"{kind} disagreement"] = f"/disagreements/{disagreement.id}/"
    return paths


@pytest.mark.parametrize("username", ["editor", "reviewer1", "annotator"])
def test_the_main_pages_have_no_axe_violation(demo, page, live_server, log_in_as, username):
    """Every main page, seen by an editor, a reviewer and an annotator, passes axe-core's WCAG
    2 A and AA rules and its best practices."""
    log_in_as(demo_user(username))
    failures = []
    for name, path in page_paths(demo).items():
        page.goto(f"{live_server.url}{path}")
        found = accessibility_violations(page)
        if found:
            failures.append(f"{name} ({path}):\n  " + "\n  ".join(found))
    assert not failures, "\n".join(failures)


def test_the_login_page_has_no_axe_violation(page, live_server, check_accessibility):
    """The page a newcomer sees first passes axe-core too."""
    page.goto(f"{live_server.url}/login/")
    check_accessibility(page)


def test_the_watch_catches_a_violation(context, live_server):
    """The check every browser test runs under sees an image without a text alternative, so a
    page that breaks a rule cannot pass unnoticed."""
    probe = context.new_page()
    violations = watch_accessibility(probe)
    probe.goto(f"{live_server.url}/login/")
    probe.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    found = accessibility_violations(probe)
    assert any(violation.startswith("axe violation: image-alt ") for violation in found), found
    assert violations == [], "the login page itself passed on load"
    probe.close()


# WCAG's contrast ratio of two CSS colours (rgb() or rgba() on white), as the browser computes them.
CONTRAST = """
([foreground, background]) => {
  const parse = (colour) => {
    const canvas = document.createElement("canvas").getContext("2d");
    canvas.fillStyle = "#fff";
    canvas.fillRect(0, 0, 1, 1);
    canvas.fillStyle = colour;
    canvas.fillRect(0, 0, 1, 1);
    return Array.from(canvas.getImageData(0, 0, 1, 1).data.slice(0, 3));
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [luminance(parse(foreground)), luminance(parse(background))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


def contrast(page, foreground: str, background: str) -> float:
    return page.evaluate(CONTRAST, [foreground, background])


def test_the_focus_ring_reaches_3_to_1_on_white_and_on_the_top_bar(demo, page, live_server, log_in_as):
    """A link focused by Tab is ringed in a colour at 3:1 or more against the white page, and the
    top bar's links in one at 3:1 or more against the dark bar."""
    log_in_as(demo_user("editor"))
    page.goto(f"{live_server.url}/projects/{demo.id}/articles/")
    page.get_by_role("button", name="Filter").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    shadow = page.evaluate("() => getComputedStyle(document.activeElement).boxShadow")
    assert contrast(page, ring, "#ffffff") >= 3, ring
    assert "255, 191, 71" in shadow, "the yellow ring stays inside the dark one"
    page.get_by_role("link", name="API", exact=True).focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    topbar_ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    topbar = page.evaluate("() => getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert contrast(page, topbar_ring, topbar) >= 3, (topbar_ring, topbar)


def test_zeros_in_lists_and_counts_on_the_heat_map_reach_4_5_to_1(demo, page, live_server, log_in_as):
    """Grey zeros in the article list, and each count on the heat map against what surrounds its
    digits (the cell's shade, or the halo drawn around white digits), reach 4.5:1."""
    log_in_as(demo_user("editor"))
    page.goto(f"{live_server.url}/projects/{demo.id}/articles/")
    zero = page.locator("table.list td.zero").first
    expect(zero).to_be_visible()
    assert contrast(page, zero.evaluate("(cell) => getComputedStyle(cell).color"), "#ffffff") >= 4.5

    page.goto(f"{live_server.url}/projects/{demo.id}/agreement/")
    counts = page.evaluate(
        """() => Array.from(document.querySelectorAll(".heatmap-svg .count")).map((text) => {
             const rect = text.parentElement.querySelector("rect");
             const style = getComputedStyle(text);
             const cell = getComputedStyle(rect);
             const halo = style.stroke !== "none" && parseFloat(style.strokeWidth) >= 2 ? style.stroke : null;
             const fill = cell.fill.replace("rgb(", "rgba(").replace(")", `, ${cell.fillOpacity})`);
             return {fill: style.fill, around: halo || fill};
           })"""
    )
    assert counts
    for count in counts:
        assert contrast(page, count["fill"], count["around"]) >= 4.5, count


def test_a_long_paste_is_kept_whole_counted_and_refused_by_the_server(demo, page, live_server, log_in_as):
    """A rationale pasted past the limit stays whole in the field, the counter says by how much it
    is over, and submitting shows the server's message next to the field."""
    reviewer = demo_user("reviewer1")
    claim = Annotation.objects.filter(article__project=demo).exclude(verdicts__reviewer=reviewer).first()
    log_in_as(reviewer)
    page.goto(f"{live_server.url}/articles/{claim.article_id}/?claim={claim.id}")
    panel = page.get_by_role("region", name=f"Claim #{claim.id}")
    rationale = panel.get_by_label("Rationale")
    rationale.fill("x" * (RATIONALE_MAX_LENGTH + 5))
    assert rationale.evaluate("(field) => field.value.length") == RATIONALE_MAX_LENGTH + 5
    expect(panel.get_by_text("20,005 / 20,000 characters: 5 over the limit")).to_be_visible()
    panel.get_by_role("radio", name="True", exact=True).check()
    panel.get_by_role("button", name="Submit verdict").click()
    expect(panel.get_by_text("at most 20000 characters")).to_be_visible()
    assert not claim.verdicts.filter(reviewer=reviewer).exists()

"""Browser journeys: Playwright drives Debian's chromium against pytest-django's live server.

No test downloads a browser; ``.ci/run`` installs Debian's ``chromium`` package.
"""

import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from the
# test itself (building data, asserting rows) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# How long an expectation waits for the page to get there: the suite runs a worker on every core,
# each with a browser and a live server, so a page (Swagger UI building the schema) can take
# longer than Playwright's 5 s. A bound on waiting, not a speed check: speed is bench/'s.
expect.set_options(timeout=20_000)

CHROMIUM = os.environ.get("WORKBENCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM}: `apt-get install chromium` "
            "(or set WORKBENCH_CHROMIUM), or leave them out with `./desk test -m 'not e2e'`.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The site's Content-Security-Policy stays in force: every journey runs under it.
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}, "bypass_csp": False}


# Reports each violation the page's document sees, with what was blocked and where, to the
# console, where the ``page`` fixture collects it (Chromium's own console line names no element).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.URL}:${event.lineNumber} (${event.sample})`);
});
"""


def watch_csp(page) -> list[str]:
    """Collect, from now on, every Content-Security-Policy violation ``page`` reports."""
    violations = []

    def on_console(message):
        text = message.text
        if text.startswith("CSP violation:") or "Content Security Policy" in text:
            violations.append(text)

    page.add_init_script(script=REPORT_CSP_VIOLATIONS)
    page.on("console", on_console)
    return violations


# axe-core (vendored by axe-playwright-python, so no test downloads it) is put into every document
# before the page's own scripts; once the page has loaded, it checks the page against its default
# rules (WCAG 2.x A and AA, and its best practices) and reports each violation to the console.
# Pages the workbench does not write (Django's admin, Swagger UI) are left to their authors.
AXE_RULES = {"resultTypes": ["violations"]}
AXE_SKIPPED_PATHS = ("/admin/", "/api/docs/")
# Violations known and waiting for their template's fix, each with where it shows: (rule, path).
CHECK_ON_LOAD = """
;(() => {
  const {skipped, rules} = window.__axeConfig;
  if (window.top !== window || skipped.some((path) => location.pathname.startsWith(path))) return;
  window.addEventListener("load", () => {
    window.__axeOnLoad = axe.run(document, rules).then((results) => {
      for (const violation of results.violations) {
        const where = violation.nodes.map((node) => node.target.join(" ")).join(", ");
        console.error(`axe violation: ${violation.id} (${violation.impact}) on ${location.pathname}: `
          + `${violation.help} at ${where}`);
      }
    }, () => {});
  });
})();
"""
AXE_ON_LOAD = (
    AXE_SCRIPT
    + f";window.__axeConfig = {json.dumps({'skipped': AXE_SKIPPED_PATHS, 'rules': AXE_RULES})};"
    + CHECK_ON_LOAD
)

# The same check, run now and awaited, on the page as it stands (after the check on load, since
# axe-core runs one check at a time).
CHECK_NOW = """
async (rules) => {
  if (typeof axe === "undefined") return [];
  await window.__axeOnLoad;
  const results = await axe.run(document, rules);
  return results.violations.map((violation) => `axe violation: ${violation.id} (${violation.impact}) on `
    + `${location.pathname}: ${violation.help} at `
    + violation.nodes.map((node) => node.target.join(" ")).join(", "));
}
"""


def watch_accessibility(page) -> list[str]:
    """Collect, from now on, every axe-core violation found on the pages ``page`` loads."""
    violations = []

    def on_console(message):
        if message.text.startswith("axe violation:"):
            violations.append(message.text)

    page.add_init_script(script=AXE_ON_LOAD)
    page.on("console", on_console)
    return violations


def accessibility_violations(page) -> list[str]:
    """The axe-core violations of ``page`` as it stands now (none on the pages left to others)."""
    if page.is_closed() or not page.url.startswith("http"):
        return []
    if urlsplit(page.url).path.startswith(AXE_SKIPPED_PATHS):
        return []
    page.wait_for_load_state()
    return page.evaluate(CHECK_NOW, AXE_RULES)


def fail_on_violations(violations: list[str]) -> None:
    if violations:
        unique = list(dict.fromkeys(violations))
        pytest.fail(f"{len(unique)} accessibility violations:\n" + "\n".join(unique), pytrace=False)


@pytest.fixture
def check_accessibility():
    """Fail the test at once on any axe-core violation of the page as it stands, e.g. after a
    script opened a panel or a dialog."""

    def check(page) -> None:
        fail_on_violations(accessibility_violations(page))

    return check


@pytest.fixture
def page(page):
    """Playwright's page, failing the test on any Content-Security-Policy violation it reports and
    on any axe-core violation of a page it loaded, or of the page it ends on."""
    csp_violations = watch_csp(page)
    axe_violations = watch_accessibility(page)
    yield page
    if csp_violations:
        pytest.fail(
            f"{len(csp_violations)} Content-Security-Policy violations:\n" + "\n".join(csp_violations),
            pytrace=False,
        )
    axe_violations += accessibility_violations(page)
    fail_on_violations(axe_violations)


@pytest.fixture
def screenshot():
    """Save the page as test-artifacts/screenshots/<name>.png, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def log_in_as(page, live_server):
    """Log ``user`` in by handing the browser a session cookie made by Django's test client."""

    def log_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return page

    return log_in


# Finds ``needle`` in the reader's text as the browser holds it (UTF-16) and answers the screen
# points just inside its first and last characters, where a person would press and release.
POINTS_OF_TEXT = """
(needle) => {
  const root = document.getElementById("article-text");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let all = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push([node, all.length]);
    all += node.data;
  }
  const at = all.indexOf(needle);
  if (at === -1) throw new Error(`not in the text: ${needle}`);
  const box = (index, width) => {
    const [node, offset] = nodes.find(([n, o]) => index >= o && index < o + n.data.length);
    const range = document.createRange();
    range.setStart(node, index - offset);
    range.setEnd(node, index - offset + width);
    const rects = range.getClientRects();
    return rects[rects.length - 1];
  };
  const [startNode] = nodes.find(([n, o]) => at >= o && at < o + n.data.length);
  startNode.parentElement.scrollIntoView({block: "center"});
  const lastUnit = needle.charCodeAt(needle.length - 1);
  const last = lastUnit >= 0xdc00 && lastUnit <= 0xdfff ? 2 : 1;
  const first = box(at, needle.codePointAt(0) > 0xffff ? 2 : 1);
  const end = box(at + needle.length - last, last);
  const middle = (rect) => (rect.top + rect.bottom) / 2;
  return {x1: first.left + 1, y1: middle(first), x2: end.right - 1, y2: middle(end)};
}
"""


@pytest.fixture
def select_text():
    """Select ``needle`` in the article reader the way a person does: press, drag, release."""

    def select(page, needle: str) -> None:
        points = page.evaluate(POINTS_OF_TEXT, needle)
        page.mouse.move(points["x1"], points["y1"])
        page.mouse.down()
        page.mouse.move((points["x1"] + points["x2"]) / 2, (points["y1"] + points["y2"]) / 2, steps=4)
        page.mouse.move(points["x2"], points["y2"], steps=4)
        page.mouse.up()

    return select

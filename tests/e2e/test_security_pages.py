"""The security pieces a person meets in the browser, under the site's Content-Security-Policy:
the lockout page, the interactive API docs, the button that signs API clients out."""

import re

from django.conf import settings
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from tests.e2e.conftest import watch_csp
from tests.factories import PASSWORD, make_desk


def test_the_violation_watch_catches_an_inline_script(context, live_server):
    """The watch every browser test runs under sees a script injected inline (blocked by the
    policy), so a page that breaks the policy cannot pass unnoticed."""
    probe = context.new_page()
    violations = watch_csp(probe)
    probe.goto(f"{live_server.url}/login/")
    probe.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.ran = true"; document.body.append(s); }"""
    )
    probe.wait_for_timeout(200)
    assert probe.evaluate("() => window.ran === undefined")
    assert any("script-src" in violation for violation in violations), violations
    probe.close()


def test_a_guessed_password_locks_the_login_and_says_so(page, live_server, screenshot):
    """After the limit of wrong passwords the login page answers with the lockout page, whose
    message says why and when to try again, and the right password no longer gets in."""
    desk = make_desk()
    username = desk.reviewers[0].username
    page.goto(f"{live_server.url}/login/")
    for attempt in range(1, settings.LOGIN_FAILURE_LIMIT + 1):
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("a guess")
        page.get_by_role("button", name="Log in").click()
        if attempt < settings.LOGIN_FAILURE_LIMIT:
            expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_role("heading", name="Too many failed logins")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("paused")
    expect(page.get_by_text("Try again in 15 minutes")).to_be_visible()
    screenshot(page, "login-locked-out")

    page.get_by_role("link", name="Back to the login page").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Too many failed logins")).to_be_visible()


def test_the_interactive_api_docs_work_under_the_policy(page, live_server, log_in_as, screenshot):
    """Swagger UI loads the schema, draws every operation and opens one, with no violation."""
    log_in_as(make_desk().editor)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_role("heading", name=re.compile("Fact-check workbench API"))).to_be_visible()
    token_operation = page.locator(".opblock-summary-path", has_text="/api/v1/auth/token/").first
    expect(token_operation).to_be_visible()
    token_operation.click()
    expect(page.get_by_role("button", name="Try it out").first).to_be_visible()
    screenshot(page, "api-docs", full_page=False)


def test_the_header_button_signs_my_api_clients_out(page, live_server, log_in_as, screenshot):
    """The account area's button revokes my token and says so; the browser stays signed in."""
    desk = make_desk()
    Token.objects.create(user=desk.editor)
    log_in_as(desk.editor)
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Sign out API clients").click()
    expect(page.get_by_text("Your API token is revoked")).to_be_visible()
    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    screenshot(page, "api-token-revoked", full_page=False)
    assert not Token.objects.filter(user=desk.editor).exists()


def test_the_admin_works_under_the_policy(page, live_server, log_in_as, screenshot):
    """Django's admin (its scripts, its one nonce'd style) runs with no violation: a superuser
    revokes a user's token with the user list's action."""
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    desk = make_desk()
    Token.objects.create(user=desk.editor)
    log_in_as(root)
    page.goto(f"{live_server.url}/admin/auth/user/")
    chosen = f"Select this object for an action - {desk.editor.username}"
    page.get_by_role("checkbox", name=chosen, exact=True).check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Revoke the API tokens of the selected users"
    )
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("Revoked 1 API token")).to_be_visible()
    screenshot(page, "admin-revoke-tokens", full_page=False)
    assert not Token.objects.filter(user=desk.editor).exists()

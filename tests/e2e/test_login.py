import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, make_desk


def test_a_reviewer_logs_in_sees_their_projects_and_logs_out(page, live_server, screenshot):
    desk = make_desk()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    screenshot(page, "login")

    page.get_by_label("Username").fill(desk.reviewers[0].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(desk.project.name))
    expect(row).to_contain_text("Reviewer")
    screenshot(page, "home")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_a_wrong_password_shows_the_reason_on_the_page(page, live_server):
    desk = make_desk()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(desk.editor.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")

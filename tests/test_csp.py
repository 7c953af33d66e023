"""Content-Security-Policy: every answer carries the site's policy, no page inlines script or
style (so the policy needs no 'unsafe-inline'), and the API docs page runs under its own policy.

The browser tests (tests/e2e/conftest.py) fail on any violation a page reports.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.factories import PASSWORD, make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SITE_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy_of(response) -> dict[str, set[str]]:
    """The enforced policy as {directive: {sources}}, nonces left out."""
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        policy[name] = {source for source in sources if not source.startswith("'nonce-")}
    return policy


def nonces_of(response) -> set[str]:
    header = response["Content-Security-Policy"]
    return {part.strip("';")[len("nonce-") :] for part in header.split() if part.startswith("'nonce-")}


def inline_code(html: str) -> list[str]:
    """Every inline script (data blocks aside), <style> and style= attribute of a page, and every
    on*= handler, each with the nonce it carries if any."""
    tree = HTMLParser(html)
    found = []
    for node in tree.css("script"):
        kind = (node.attributes.get("type") or "").lower()
        if "src" not in node.attributes and kind not in ("application/json", "application/ld+json"):
            found.append(f"<script nonce={node.attributes.get('nonce')}>")
    found += [f"<style nonce={node.attributes.get('nonce')}>" for node in tree.css("style")]
    for node in tree.css("*"):
        for name in node.attributes:
            if name == "style" or name.startswith("on"):
                found.append(f"<{node.tag} {name}=...>")
    return found


@pytest.fixture
def desk_pages():
    """A desk with a judged, disputed claim, an editor's client, and the URL of each kind of page."""
    desk = make_desk()
    article = make_article(desk)
    claim = make_annotation(desk, article=article)
    make_verdict(desk, annotation=claim, rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    disagreement = claim.disagreements.get()
    client = Client()
    client.force_login(desk.editor)
    project = desk.project.id
    urls = [
        "/",
        f"/projects/{project}/",
        f"/projects/{project}/articles/",
        f"/projects/{project}/articles/import/",
        f"/projects/{project}/sources/",
        f"/projects/{project}/members/",
        f"/projects/{project}/queues/to-review/",
        f"/projects/{project}/queues/disputed/",
        f"/projects/{project}/agreement/",
        f"/articles/{article.id}/",
        f"/articles/{article.id}/?claim={claim.id}",
        f"/annotations/{claim.id}/",
        f"/disagreements/{disagreement.id}/",
        f"/history/annotation/{claim.id}/",
    ]
    return client, urls


def test_every_page_carries_the_site_policy_and_inlines_nothing(desk_pages):
    """Each kind of page answers 200 with the site's policy (no 'unsafe-inline', frames refused)
    and holds no inline script, <style>, style= attribute or event-handler attribute."""
    client, urls = desk_pages
    problems = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if policy_of(response) != SITE_POLICY:
            problems.append(f"{url}: policy {policy_of(response)}")
        if inline := inline_code(response.content.decode()):
            problems.append(f"{url}: {inline}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("url", ["/login/", "/api/v1/projects/", "/api/schema/", "/no-such-page/"])
def test_answers_outside_the_pages_carry_the_policy_too(url):
    """The login page, API answers, the schema and error pages carry the same policy."""
    response = Client().get(url)
    assert policy_of(response) == SITE_POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_lockout_page_carries_the_policy_and_inlines_nothing(settings):
    """The page a locked-out login gets is as strict as any other."""
    user = get_user_model().objects.create_user("guessed", password=PASSWORD)
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post("/login/", {"username": user.username, "password": "wrong"})
    assert response.status_code == 429
    assert policy_of(response) == SITE_POLICY
    assert inline_code(response.content.decode()) == []


def test_no_template_inlines_script_or_style():
    """No template file holds an inline <script>, a <style> block, a style= attribute or an on*=
    handler; templates that need inline code must carry the request's nonce instead."""
    problems = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for node in inline_code(template.read_text()):
            if "nonce={{ csp_nonce }}" not in node:
                problems.append(f"{template.relative_to(TEMPLATES)}: {node}")
    assert not problems, "\n".join(problems)


def test_the_api_docs_run_their_one_script_under_the_request_nonce():
    """The docs page's start-up script carries the nonce the header names; its styles come from
    files; its policy differs from the site's only in allowing Swagger UI's data: icons."""
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    (nonce,) = nonces_of(response)
    tree = HTMLParser(response.content.decode())
    inline = [node for node in tree.css("script") if "src" not in node.attributes]
    assert [node.attributes.get("nonce") for node in inline] == [nonce]
    assert tree.css("style") == []
    assert policy_of(response) == SITE_POLICY | {"img-src": {"'self'", "data:"}}


def test_every_answer_gets_a_fresh_nonce():
    """Two loads of the docs page get two different nonces, so one seen once is worth nothing."""
    first, second = (nonces_of(Client().get("/api/docs/")) for _ in range(2))
    assert first and second and first.isdisjoint(second)


def test_the_admin_change_list_style_carries_the_nonce():
    """Django's admin inlines one <style> on change lists, with the nonce: the policy allows it."""
    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 200
    nonces = nonces_of(response)
    for node in inline_code(response.content.decode()):
        assert node.startswith(("<style nonce=", "<script nonce=")), node
        assert node.split("=", 1)[1].rstrip(">") in nonces, node


def test_the_api_answers_json_with_the_policy():
    """An API answer carries the policy as well (a JSON body rendered as a page runs nothing)."""
    client = APIClient()
    client.force_authenticate(make_desk().editor)
    response = client.get("/api/v1/projects/")
    assert response.status_code == 200
    assert policy_of(response)["default-src"] == {"'self'"}

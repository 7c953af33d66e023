"""The conventions every endpoint under /api/ shares: JSON errors, pagination, ordering, schema."""

import json
from urllib.parse import urlsplit

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from selectolax.lexbor import LexborHTMLParser

from tests.factories import make_desk, make_project, make_user

pytestmark = pytest.mark.django_db


def test_unknown_api_url_answers_json_404(api_client):
    api_client.force_authenticate(make_user())
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unknown_page_outside_the_api_is_html():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_wrong_method_answers_json_405(api_client):
    api_client.force_authenticate(make_user())
    response = api_client.delete("/api/v1/projects/")
    assert response.status_code == 405
    assert "detail" in response.json()


def test_malformed_json_is_a_400_with_a_reason(api_client):
    api_client.force_authenticate(make_user())
    response = api_client.post("/api/v1/projects/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_list_instead_of_an_object_is_a_400(api_client):
    api_client.force_authenticate(make_user())
    response = api_client.post("/api/v1/projects/", data=[1, 2], format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_nul_characters_are_refused_not_stored(api_client):
    api_client.force_authenticate(make_user())
    response = api_client.post("/api/v1/projects/", {"name": "bad\x00name"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_pages_have_a_default_size_and_honour_page_size(api_client):
    user = make_user()
    for _ in range(3):
        make_project(creator=user)
    api_client.force_authenticate(user)
    body = api_client.get("/api/v1/projects/?page_size=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")
    assert len(api_client.get("/api/v1/projects/?page_size=2&page=2").json()["results"]) == 1


@pytest.mark.parametrize("size", ["0", "-1", "501", "ten"])
def test_bad_page_size_names_the_parameter(api_client, size):
    api_client.force_authenticate(make_user())
    response = api_client.get(f"/api/v1/projects/?page_size={size}")
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_page_past_the_end_is_404(api_client):
    api_client.force_authenticate(make_user())
    assert api_client.get("/api/v1/projects/?page=9").status_code == 404


def test_ordering_is_limited_to_a_fixed_list(api_client):
    user = make_user()
    make_project(creator=user, name="B desk")
    make_project(creator=user, name="A desk")
    api_client.force_authenticate(user)
    names = [p["name"] for p in api_client.get("/api/v1/projects/?ordering=-name").json()["results"]]
    assert names == ["B desk", "A desk"]
    response = api_client.get("/api/v1/projects/?ordering=created_by__password")
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_schema_is_openapi_3_and_covers_the_project_endpoints():
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/projects/" in schema["paths"]
    assert "/api/v1/projects/{project_pk}/members/{username}/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    ordering = next(
        p for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"] if p["name"] == "ordering"
    )
    assert set(ordering["schema"]["items"]["enum"]) >= {"name", "-name", "created_at"}


def test_schema_generation_has_no_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_interactive_docs_are_served_with_local_assets():
    """Every src and href of the docs page points at this host (no scheme, no other host), and
    each of those assets is served."""
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    tree = LexborHTMLParser(response.content.decode())
    links = [
        node.attributes[name]
        for node in tree.css("[src], [href]")
        for name in ("src", "href")
        if node.attributes.get(name)
    ]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in links
    off_host = [link for link in links if urlsplit(link).scheme or urlsplit(link).netloc]
    assert off_host == []
    for link in links:
        assert Client().get(link).status_code == 200, link


@pytest.mark.urls("tests.urls_failing")
def test_an_unexpected_failure_under_the_api_is_a_json_500():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/failing/")
    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "The server failed to answer this request."}


def test_session_login_reaches_the_api_too():
    desk = make_desk()
    client = Client()
    client.force_login(desk.annotator)
    response = client.get(reverse("api:project-list"))
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "bearer"])
def test_the_token_is_accepted_as_token_or_bearer(api_client, keyword):
    desk = make_desk()
    token = Token.objects.create(user=desk.annotator)
    api_client.credentials(HTTP_AUTHORIZATION=f"{keyword} {token.key}")
    response = api_client.get("/api/v1/projects/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("header", ["Bearer not-a-real-token", "Bearer", "Bearer two words"])
def test_a_bad_bearer_token_is_401(api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_another_scheme_is_not_mistaken_for_a_token(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert api_client.get("/api/v1/projects/").status_code == 401

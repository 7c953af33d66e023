"""Hostile bodies, database outages, a fresh database and a missing trailing slash: each answers
as documented, never 500."""

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from annotations.models import Annotation, Project, Verdict
from tests.factories import PASSWORD, make_article, make_desk, make_user

pytestmark = pytest.mark.django_db

DEEP = "[" * 10_000


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/annotations/", "/api/v1/verdicts/"])
def test_deeply_nested_json_is_a_400_naming_the_depth_limit(path, settings):
    """``[`` ten thousand deep answers 400 naming the depth bound, signed in or not."""
    editor = APIClient()
    editor.force_authenticate(make_desk().editor)
    response = editor.post(path, DEEP, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert f"deeper than {settings.DATA_UPLOAD_MAX_JSON_DEPTH} levels" in response.json()["detail"]
    anonymous = APIClient().post(path, DEEP, content_type="application/json")
    assert anonymous.status_code in (400, 401), anonymous.content
    assert Annotation.objects.count() == 0
    assert Verdict.objects.count() == 0


def test_brackets_inside_strings_do_not_count_as_nesting(api_client):
    """A name made of brackets is text, not depth: the project is created."""
    api_client.force_authenticate(make_user())
    response = api_client.post("/api/v1/projects/", {"name": "[[[[" * 20 + "{{{{" * 20}, format="json")
    assert response.status_code == 201, response.content


def test_a_body_over_the_size_limit_is_a_400_naming_it(api_client, settings):
    """A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE answers 400 with the limit and creates nothing."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api_client.force_authenticate(make_user())
    response = api_client.post("/api/v1/projects/", {"name": "x" * 2000}, format="json")
    assert response.status_code == 400
    assert "1000 bytes" in response.json()["detail"]
    assert not Project.objects.exists()


def test_a_body_with_too_many_fields_is_a_400_naming_the_limit(api_client, settings):
    """More keys and items than DATA_UPLOAD_MAX_JSON_FIELDS answers 400 naming the count."""
    settings.DATA_UPLOAD_MAX_JSON_FIELDS = 100
    api_client.force_authenticate(make_user())
    body = {"name": "Desk", **{f"k{n}": n for n in range(200)}}
    response = api_client.post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400
    assert "100 keys and items" in response.json()["detail"]
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("name=x", "application/x-www-form-urlencoded"), ("--b--", "multipart/form-data; boundary=b")],
)
def test_the_api_parses_json_only(api_client, body, content_type):
    """Form and multipart bodies answer 415, at the token endpoint too."""
    api_client.force_authenticate(make_user())
    assert api_client.generic("POST", "/api/v1/projects/", body, content_type=content_type).status_code == 415
    assert (
        APIClient().generic("POST", "/api/v1/auth/token/", body, content_type=content_type).status_code == 415
    )
    assert not Project.objects.exists()


def test_an_ordinary_annotation_still_parses(api_client):
    """The bounds leave an ordinary body alone."""
    desk = make_desk()
    article = make_article(desk)
    api_client.force_authenticate(desk.editor)
    response = api_client.get(f"/api/v1/annotations/?article={article.id}")
    assert response.status_code == 200


@contextmanager
def database_unreachable(tmp_path):
    """Points the connection at a database that cannot be opened, for the block's requests; the
    test database itself is left as it was, and is in use again after the block."""
    original = dict(connection.settings_dict)
    # The open connection is set aside rather than closed: closing it would drop SQLite's
    # in-memory test database.
    live, connection.connection = connection.connection, None
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "missing-directory" / "db.sqlite3")
    else:
        connection.settings_dict["PORT"] = "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
        connection.connection = live


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_answers_503_and_the_next_request_recovers(tmp_path):
    """API and pages answer 503 with Retry-After while the database is unreachable (JSON under
    /api/, short plain text elsewhere, no traceback); once it is back the same clients succeed."""
    desk = make_desk()
    token = APIClient().post(
        "/api/v1/auth/token/", {"username": desk.editor.username, "password": PASSWORD}, format="json"
    )
    api = APIClient(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    pages = Client(raise_request_exception=False)
    pages.force_login(desk.editor)
    page_url = f"/projects/{desk.project.id}/"

    with database_unreachable(tmp_path):
        answer = api.post("/api/v1/projects/", {"name": "During the outage"}, format="json")
        page = pages.get(page_url)
    assert answer.status_code == 503
    assert answer["Retry-After"].isdigit()
    assert answer.json() == {"detail": "The database is unavailable; try again shortly."}
    assert page.status_code == 503
    assert page["Retry-After"].isdigit()
    assert page["Content-Type"].startswith("text/plain")
    assert b"Traceback" not in page.content and len(page.content) < 200

    assert api.get("/api/v1/projects/").status_code == 200
    assert pages.get(page_url).status_code == 200
    assert not Project.objects.filter(name="During the outage").exists()


TOKEN_AFTER_MIGRATE = """
from django.test import Client
for body in ({"username": "nobody", "password": "wrong"}, {}):
    print(Client().post("/api/v1/auth/token/", body, content_type="application/json").status_code)
"""


def test_migrate_alone_makes_a_database_the_token_endpoint_works_on(tmp_path):
    """A new database set up by ``migrate`` alone has the cache table, and the token endpoint
    answers 400 for bad credentials instead of 500."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    answers = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", TOKEN_AFTER_MIGRATE],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert answers.stdout.split() == ["400", "400"], answers.stderr


def test_the_cache_table_comes_with_the_migrations():
    """The test database, built by ``migrate``, has the database cache's table."""
    assert settings.CACHES["default"]["LOCATION"] in connection.introspection.table_names()


def test_api_routes_answer_without_the_trailing_slash():
    """POST and GET without the trailing slash answer as with it, never a 301 redirect."""
    desk = make_desk()
    article = make_article(desk)
    client = APIClient()
    client.force_authenticate(desk.editor)
    created = client.post(
        "/api/v1/annotations",
        {"article": article.id, "start": 0, "end": 9, "quote": article.current_revision.text[:9]},
        format="json",
    )
    assert created.status_code == 201, created.content
    listed = client.get(f"/api/v1/annotations?article={article.id}")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["results"]] == [created.json()["id"]]
    assert client.get(f"/api/v1/annotations/{created.json()['id']}").status_code == 200
    token = APIClient().post("/api/v1/auth/token", {"username": "nobody", "password": "x"}, format="json")
    assert token.status_code == 400
    assert APIClient().get("/api/v1/no-such-thing").status_code in (401, 404)

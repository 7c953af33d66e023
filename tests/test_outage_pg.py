"""PostgreSQL stopped under a running server: 503 with Retry-After, nothing half-written, and the
same server serves again once the database is back, without a restart.

The test stops and starts the cluster itself, so it runs only where it may: on PostgreSQL, with
``WORKBENCH_TEST_PG_CLUSTER`` naming the cluster (``15/main``; ``.ci/run`` sets it) and the
right to run ``pg_ctlcluster``. Elsewhere it is skipped with the reason.
"""

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection, connections

from annotations.models import Project
from tests.factories import PASSWORD, make_desk

CLUSTER = os.environ.get("WORKBENCH_TEST_PG_CLUSTER", "")

pytestmark = [
    # It stops the cluster every other test process uses, so it runs alone (./desk test).
    pytest.mark.serial,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="stops a PostgreSQL server"),
    pytest.mark.skipif(not CLUSTER, reason="WORKBENCH_TEST_PG_CLUSTER names no cluster to stop"),
    pytest.mark.skipif(not shutil.which("pg_ctlcluster"), reason="pg_ctlcluster is not installed"),
]


def cluster(action: str) -> None:
    version, name = CLUSTER.split("/")
    subprocess.run(
        ["pg_ctlcluster", version, name, action, *(["-m", "fast"] if action == "stop" else [])], check=True
    )


def wait_until_ready(seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connections.close_all()
        try:
            connection.ensure_connection()
            return
        except Exception:  # any failure to connect means "not yet"
            time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back")


def call(url: str, *, method: str = "GET", body: bytes | None = None, headers=None, opener=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def browser_logged_in(base: str, username: str):
    """A cookie-keeping client signed in through the login form, as a browser is."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    _, _, form = call(f"{base}/login/", opener=opener)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1).decode()
    fields = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    status, _, _ = call(
        f"{base}/login/",
        method="POST",
        body=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        opener=opener,
    )
    assert status == 200  # the redirect after signing in, followed
    return opener


@pytest.mark.django_db(transaction=True)
def test_postgresql_stopped_under_a_running_server_answers_503_then_recovers(live_server):
    """While PostgreSQL is down, the API (a write and a read) answers 503 JSON and a signed-in page
    503 plain text, each with Retry-After and no traceback; once it is back the same server
    answers both again, and the write sent during the outage left nothing behind."""
    desk = make_desk()
    token_status, _, token = call(
        f"{live_server.url}/api/v1/auth/token/",
        method="POST",
        body=f'{{"username": "{desk.editor.username}", "password": "{PASSWORD}"}}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert token_status == 200
    api = {
        "Authorization": f"Token {json.loads(token)['token']}",
        "Content-Type": "application/json",
    }
    projects = f"{live_server.url}/api/v1/projects/"
    browser = browser_logged_in(live_server.url, desk.editor.username)
    project_page = f"{live_server.url}/projects/{desk.project.id}/"
    assert call(projects, headers=api)[0] == 200
    assert call(project_page, opener=browser)[0] == 200

    cluster("stop")
    try:
        write = call(projects, method="POST", body=b'{"name": "During the outage"}', headers=api)
        read = call(projects, headers=api)
        page = call(project_page, opener=browser)
    finally:
        cluster("start")
        wait_until_ready()

    for status, headers, body in (write, read):
        assert status == 503
        assert headers["Retry-After"].isdigit()
        assert headers["Content-Type"].startswith("application/json")
        assert b"Traceback" not in body
    status, headers, body = page
    assert status == 503
    assert headers["Retry-After"].isdigit()
    assert headers["Content-Type"].startswith("text/plain")
    assert b"Traceback" not in body

    # The same server, not restarted, serves again; the write made during the outage is not there.
    assert call(projects, headers=api)[0] == 200
    assert call(project_page, opener=browser)[0] == 200
    assert not Project.objects.filter(name="During the outage").exists()

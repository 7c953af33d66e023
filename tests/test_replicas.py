"""Read replicas (DATABASE_REPLICA_URLS): GET requests read from a replica, writes and their own
reads from the primary, and so do sessions, whose freshness a login depends on.

Each case runs a fresh interpreter whose replica is a copy of the primary's SQLite file taken
midway, so what a request reads shows where it read it: a row written after the copy is on the
primary only.
"""

import json

import pytest

from tests.test_settings import run_python

SCRIPT = r"""
import json, shutil, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from annotations.models import Article
from tests.factories import make_article, make_desk

primary, replica = sys.argv[1], sys.argv[2]
call_command("migrate", verbosity=0)
desk = make_desk()
make_article(desk, title="Before the copy")
with connections["default"].cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
connections.close_all()
shutil.copyfile(primary, replica)
make_article(desk, title="After the copy")

client = Client()
client.force_login(desk.annotator)
listed = client.get(f"/api/v1/articles/?project={desk.project.id}").json()
created = client.post(
    "/api/v1/articles/",
    {"project": desk.project.id, "title": "Written now", "text": "The river rose."},
    content_type="application/json",
)
page = client.get(f"/projects/{desk.project.id}/")
with transaction.atomic():
    in_transaction = sorted(Article.objects.values_list("title", flat=True))
print(json.dumps({
    "listed": [item["title"] for item in listed["results"]],
    "created": [created.status_code, created.json()["title"]],
    "page": page.status_code,
    "outside": Article.objects.all().db,
    "in_transaction": in_transaction,
    "routers": django.conf.settings.DATABASE_ROUTERS,
}))
"""


@pytest.fixture(scope="module")
def routed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replicas")
    primary, replica = folder / "primary.sqlite3", folder / "replica.sqlite3"
    result = run_python(
        "",
        {"DATABASE_URL": f"sqlite:///{primary}", "DATABASE_REPLICA_URLS": f"sqlite:///{replica}"},
        "-c",
        SCRIPT,
        str(primary),
        str(replica),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_get_request_reads_from_the_replica(routed):
    """The article written after the copy is on the primary only: the list does not show it."""
    assert routed["routers"] == ["workbench.routers.PrimaryReplicaRouter"]
    assert routed["outside"] == "replica1"
    assert routed["listed"] == ["Before the copy"]


def test_a_write_reads_back_from_the_primary(routed):
    """A POST answers with what it wrote, read from the primary, not 404 from a lagging replica."""
    assert routed["created"] == [201, "Written now"]


def test_reads_inside_a_transaction_and_sessions_stay_on_the_primary(routed):
    """The session made after the copy is found (the page answers, not a redirect to log in), and
    a transaction reads every article the primary holds."""
    assert routed["page"] == 200
    assert routed["in_transaction"] == ["After the copy", "Before the copy", "Written now"]


def test_without_replicas_there_is_no_router():
    """A single database (the default) needs no router and no middleware."""
    result = run_python(
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.DATABASE_ROUTERS, list(settings.DATABASES),"
        " 'workbench.routers.PrimaryForWritesMiddleware' in settings.MIDDLEWARE]))",
        {},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[], ["default"], False]

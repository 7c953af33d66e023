"""Settings come from the environment: each case runs a fresh interpreter with its own variables."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "WORKBENCH_PRODUCTION": "1",
    "SECRET_KEY": "s" * 20 + "-a-long-random-production-secret-for-tests-only-0123456789",
    "ALLOWED_HOSTS": "desk.example.org",
}
# Variables of the test run itself that must not leak into the interpreters under test
# (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly flags).
INHERITED_NOT = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "WORKBENCH_PRODUCTION"}
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "db = settings.DATABASES['default'];"
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'host': db.get('HOST'),"
    " 'user': db.get('USER'), 'conn_max_age': db['CONN_MAX_AGE'], 'health': db['CONN_HEALTH_CHECKS'],"
    " 'debug': settings.DEBUG, 'secret': settings.SECRET_KEY, 'hosts': settings.ALLOWED_HOSTS}))"
)


def run_python(code: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in INHERITED_NOT}
    base |= {"DJANGO_SETTINGS_MODULE": "workbench.settings"} | env
    command = [sys.executable, "-c", code] if code else [sys.executable, *args]
    return subprocess.run(command, cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)


def probe(env: dict) -> dict:
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_default_database_is_sqlite_with_persistent_connections(tmp_path):
    found = probe({"WORKBENCH_SECRET_FILE": str(tmp_path / "secret")})
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"].endswith("db.sqlite3")
    assert found["conn_max_age"] == 60
    assert found["health"] is True


def test_database_url_chooses_postgresql(tmp_path):
    found = probe(
        {
            "DATABASE_URL": "postgres://desk:pa%40ss@db.internal:5433/checks",
            "WORKBENCH_SECRET_FILE": str(tmp_path / "secret"),
        }
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert (found["name"], found["host"], found["user"]) == ("checks", "db.internal", "desk")


def test_debug_is_off_unless_asked_for(tmp_path):
    secret = {"WORKBENCH_SECRET_FILE": str(tmp_path / "secret")}
    assert probe(secret)["debug"] is False
    assert probe(secret | {"DEBUG": "0"})["debug"] is False
    assert probe(secret | {"DEBUG": "1"})["debug"] is True
    assert probe(PRODUCTION | {"DEBUG": "1"})["debug"] is False


def test_development_secret_is_generated_once_and_kept_private(tmp_path):
    secret_file = tmp_path / "secret"
    first = probe({"WORKBENCH_SECRET_FILE": str(secret_file)})["secret"]
    second = probe({"WORKBENCH_SECRET_FILE": str(secret_file)})["secret"]
    assert first == second
    assert len(first) >= 50
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_variables(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = run_python(PROBE, env)
    assert result.returncode != 0
    assert f"{missing} must" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = run_python("", PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_mode_is_flagged_by_the_deployment_checklist(tmp_path):
    result = run_python(
        "",
        {"WORKBENCH_SECRET_FILE": str(tmp_path / "secret")},
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


@pytest.mark.django_db
def test_migrations_match_the_models():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# Libraries only some requests need, each several megabytes in every server process: the
# agreement's statistics and the article fetcher's HTML parsers are imported on first use.
LOADED_ON_FIRST_USE = ("numpy", "krippendorff", "trafilatura", "selectolax")


def test_the_production_application_starts_without_the_libraries_of_rare_requests():
    code = (
        "import json, sys; from workbench.wsgi import application;"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        f"print(json.dumps([name for name in {LOADED_ON_FIRST_USE!r} if name in sys.modules]))"
    )
    result = run_python(code, PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == []

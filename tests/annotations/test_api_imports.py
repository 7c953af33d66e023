"""POST /api/v1/imports/labelstudio/ and /api/v1/imports/w3c/: the report, dry runs, roles, bounds."""

import json
from pathlib import Path

import pytest

from annotations.imports.limits import JOB_EXPORT_MAX_BYTES, MAX_TASKS
from annotations.models import Annotation, Article, ImportJob, Role, Verdict
from annotations.services.projects import add_member
from tests.factories import make_annotation, make_article, make_desk, make_user
from tests.workers import run_worker

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "labelstudio_export.json"
MAPPING = {"Faux": "false", "Vrai": "true", "Plutôt vrai": "mostly_true"}
LS = "/api/v1/imports/labelstudio/"
W3C = "/api/v1/imports/w3c/"


@pytest.fixture
def desk():
    desk = make_desk()
    alice = make_user(username="alice")
    alice.email = "alice@example.org"
    alice.save()
    add_member(actor=desk.admin, project_id=desk.project.id, username="alice", role=Role.REVIEWER)
    return desk


def body(desk, **extra):
    return {
        "project": desk.project.id,
        "export": json.loads(FIXTURE.read_text(encoding="utf-8")),
        "mapping": MAPPING,
        **extra,
    }


def test_a_dry_run_answers_200_with_the_report_and_changes_nothing(api_client, desk):
    api_client.force_authenticate(desk.editor)
    response = api_client.post(LS, body(desk, dry_run=True))
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["dry_run"] is True
    assert report["created"] == {"articles": 2, "annotations": 4, "verdicts": 3}
    assert {entry["value"] for entry in report["unmapped_labels"]} == {"Claim", "Chiffre", "Lieu"}
    assert report["unmapped_authors"] == [{"key": "8", "id": 8, "regions": 1}]
    assert [entry["where"] for entry in report["unplaced"]] == ["Task 101, annotation 2, region b2"]
    assert Article.objects.count() == 0


def test_an_import_answers_201_and_writes_the_work(api_client, desk):
    api_client.force_authenticate(desk.editor)
    response = api_client.post(LS, body(desk, fallback_author=desk.reviewers[0].username))
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == {"articles": 2, "annotations": 4, "verdicts": 4}
    assert response.json()["unplaced"][0]["where"] == "Task 101, annotation 2, region b2"
    assert Verdict.objects.filter(reviewer=desk.reviewers[0], rating="mostly_true").count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"mapping": {"Faux": "wrong"}}, "mapping"),
        ({"export": "not tasks"}, "export"),
        ({"authors": {"8": "nobody-here"}}, "authors"),
        ({"fallback_author": "nobody-here"}, "fallback_author"),
        ({"project": "x"}, "project"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_client, desk, extra, field):
    api_client.force_authenticate(desk.editor)
    response = api_client.post(LS, body(desk, **extra))
    assert response.status_code == 400
    assert field in response.json()
    assert Article.objects.count() == 0


def test_roles_and_outsiders(api_client, desk):
    """An annotator may not write in others' names (403); an outsider gets 404; anonymous 401."""
    assert api_client.post(LS, body(desk)).status_code == 401
    api_client.force_authenticate(desk.annotator)
    assert api_client.post(LS, body(desk)).status_code == 403
    api_client.force_authenticate(make_user())
    assert api_client.post(LS, body(desk)).status_code == 404
    article = make_article(desk)
    assert api_client.post(W3C, {"article": article.id, "export": []}).status_code == 404
    assert Article.objects.count() == 1


def large_export() -> list[dict]:
    """More tasks than a request waits for; the last has a region after an emoji."""
    text = "The river 🌊 rose 3.2 metres."
    start = text.index("rose 3.2 metres")
    region = {"start": start, "end": start + 15, "text": "rose 3.2 metres", "labels": ["Claim"]}
    tasks = [{"id": number, "data": {"text": f"Task {number}."}} for number in range(1, MAX_TASKS + 1)]
    work = [{"completed_by": 1, "result": [{"id": "r", "type": "labels", "value": region}]}]
    return [*tasks, {"id": 0, "data": {"text": text}, "annotations": work}]


# The worker closes the database connection, so the test cannot run inside a transaction.
@pytest.mark.django_db(transaction=True)
def test_a_large_export_runs_as_a_job_and_the_job_reports_what_it_did(api_client, desk):
    """Over 1,000 tasks: 202 with the job (queued, its address in Location); the worker imports it and
    the job's report is the import's."""
    api_client.force_authenticate(desk.annotator)
    response = api_client.post(LS, body(desk, export=large_export(), authors={"1": desk.annotator.username}))
    assert response.status_code == 202, response.json()
    assert response.json()["kind"] == "labelstudio" and response.json()["status"] == "queued"
    assert Article.objects.count() == 0
    run_worker()
    job = api_client.get(response["Location"]).json()
    assert job["status"] == "done", job
    # Every member reads the job: it shows nothing of the export, whose ratings blind review hides.
    assert job["payload"] == {"tasks": MAX_TASKS + 1, "dry_run": False}
    assert job["report"]["created"] == {"articles": MAX_TASKS + 1, "annotations": 1, "verdicts": 0}
    assert Annotation.objects.get().quote == "rose 3.2 metres"


# The worker closes the database connection, so the test cannot run inside a transaction.
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_import_is_refused_fails_with_the_reason_and_writes_nothing(api_client, desk):
    """An annotator's large export that gives work to another member: the job fails, saying why."""
    api_client.force_authenticate(desk.annotator)
    response = api_client.post(LS, body(desk, export=large_export(), authors={"1": "alice"}))
    assert response.status_code == 202
    run_worker()
    job = api_client.get(response["Location"]).json()
    assert job["status"] == "failed"
    assert "may not import this work" in job["error"]
    assert Article.objects.count() == 0


def test_an_export_over_every_bound_is_refused(api_client, desk):
    api_client.force_authenticate(desk.editor)
    big = [{"id": 1, "data": {"text": "x" * (JOB_EXPORT_MAX_BYTES + 10)}}]
    response = api_client.post(LS, body(desk, export=big))
    assert response.status_code == 400
    assert "MB" in response.json()["export"][0]
    assert not ImportJob.objects.exists()


def test_w3c_import_round_trips_through_the_api(api_client):
    """The pages of GET /api/v1/w3c/articles/{id}/ posted back onto a copy: every annotation placed."""
    desk = make_desk()
    text = "Café owners in 서울 said 😀 prices rose 12% in 2024.\n\nThe mayor denied it."
    article = make_article(desk, text=text)
    for quote in ("Café owners", "😀 prices", "The mayor denied it."):
        make_annotation(desk, article=article, quote=quote)
    api_client.force_authenticate(desk.annotator)
    page = api_client.get(f"/api/v1/w3c/articles/{article.id}/", {"page": 1}).json()
    copy = make_article(desk, text=text)
    dry = api_client.post(W3C, {"article": copy.id, "export": page, "dry_run": True})
    assert dry.status_code == 200 and dry.json()["created"]["annotations"] == 3
    assert not Annotation.objects.filter(article=copy).exists()
    response = api_client.post(W3C, {"article": copy.id, "export": page})
    assert response.status_code == 201
    assert response.json()["unplaced"] == []
    assert sorted(Annotation.objects.filter(article=copy).values_list("start", "end", "quote")) == sorted(
        Annotation.objects.filter(article=article).values_list("start", "end", "quote")
    )


@pytest.mark.django_db(transaction=True)
def test_an_export_with_more_keys_than_the_rest_of_the_api_allows_still_reaches_the_job(api_client, desk):
    """The API's bodies hold at most DATA_UPLOAD_MAX_JSON_FIELDS keys and items; an export of
    thousands of tasks holds more, and is still queued as a job rather than refused by the parser."""
    from django.conf import settings

    api_client.force_authenticate(desk.annotator)
    tasks = [
        {"id": number, "data": {"text": f"Task {number}.", "source": "wire", "language": "en"}}
        for number in range(1, 15 * MAX_TASKS)
    ]
    export = body(desk, export=tasks, authors={})
    assert json.dumps(export).count(",") > settings.DATA_UPLOAD_MAX_JSON_FIELDS
    response = api_client.post(LS, export)
    assert response.status_code == 202, response.json()
    elsewhere = api_client.post("/api/v1/articles/bulk/", {"articles": tasks})
    assert elsewhere.status_code == 400
    assert "keys and items" in str(elsewhere.json())

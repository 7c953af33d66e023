"""The "Bring work in" page: Label Studio and W3C files, dry run then import, errors on the page."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from annotations.models import Annotation, Article, Role, Verdict
from annotations.services.projects import add_member
from tests.factories import make_annotation, make_article, make_desk, make_user

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "labelstudio_export.json"


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def upload(content: bytes, name="export.json"):
    return SimpleUploadedFile(name, content, content_type="application/json")


@pytest.fixture
def desk():
    desk = make_desk()
    alice = make_user(username="alice")
    alice.email = "alice@example.org"
    alice.save()
    add_member(actor=desk.admin, project_id=desk.project.id, username="alice", role=Role.REVIEWER)
    return desk


def url(desk):
    return f"/projects/{desk.project.id}/bring-in/"


def test_the_page_offers_both_imports_and_is_linked_from_the_project(desk):
    client = client_for(desk.annotator)
    home = client.get(f"/projects/{desk.project.id}/")
    assert url(desk).encode() in home.content
    page = client.get(url(desk))
    assert page.status_code == 200
    assert b"From Label Studio" in page.content and b"W3C Web Annotations" in page.content


def test_a_dry_run_shows_the_report_and_offers_a_rating_per_value_found(desk):
    """The dry run changes nothing, lists the unmapped values with a select each, and keeps the
    export so that Import needs no second upload; Import then writes the work."""
    client = client_for(desk.editor)
    response = client.post(
        url(desk),
        {
            "source": "labelstudio",
            "export_file": upload(FIXTURE.read_bytes()),
            "mapping": "Faux = false\nVrai = true",
            "dry_run": "",
        },
    )
    assert response.status_code == 200
    assert Article.objects.count() == 0
    assert response.context["report"].dry_run
    assert {row["value"] for row in response.context["mapping_rows"] if row["unmapped"]} == {
        "Chiffre",
        "Claim",
        "Lieu",
        "Plutôt vrai",
    }
    form = response.context["ls_form"]
    carried = form["export_text"].value()
    assert json.loads(carried)[0]["id"] == 101
    assert b"Could not place" in response.content

    response = client.post(
        url(desk),
        {
            "source": "labelstudio",
            "export_text": carried,
            "mapping": "Faux = false\nVrai = true",
            "mapped_value": ["Plutôt vrai", "Claim"],
            "mapped_rating": ["mostly_true", "none"],
            "fallback_author": desk.reviewers[0].username,
            "import": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert not response.context["report"].dry_run
    assert Article.objects.count() == 2
    assert Verdict.objects.filter(reviewer=desk.reviewers[0], rating="mostly_true").count() == 1
    assert "Imported: 2 article(s)" in next(str(m) for m in response.context["messages"])
    assert response.context["ls_form"]["export_text"].value() == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", b"not JSON"),
        (b"\xff\xfe\x00bad", b"not UTF-8"),
        (b"[" * 5000, b"nests deeper"),
        (b'"a string"', b"list of tasks"),
    ],
)
def test_a_broken_file_is_a_message_on_the_page_never_a_500(desk, content, message):
    client = client_for(desk.editor)
    response = client.post(
        url(desk), {"source": "labelstudio", "export_file": upload(content), "dry_run": ""}
    )
    assert response.status_code == 400
    assert message in response.content
    assert Article.objects.count() == 0


def test_an_annotator_importing_others_work_gets_a_message_not_an_error_page(desk):
    client = client_for(desk.annotator)
    response = client.post(
        url(desk), {"source": "labelstudio", "export_file": upload(FIXTURE.read_bytes()), "import": ""}
    )
    assert response.status_code == 400
    assert b"needs an editor" in response.content
    assert Article.objects.count() == 0


def test_w3c_annotations_placed_onto_a_chosen_article(desk, api_client):
    text = "Café owners in 서울 said 😀 prices rose 12% in 2024."
    article = make_article(desk, text=text)
    make_annotation(desk, article=article, quote="😀 prices rose 12%")
    api_client.force_authenticate(desk.editor)
    page = api_client.get(f"/api/v1/w3c/articles/{article.id}/", {"page": 1}).content
    copy = make_article(desk, title="Copy", text=text)
    client = client_for(desk.annotator)
    response = client.post(
        url(desk), {"source": "w3c", "article": copy.id, "export_file": upload(page), "import": ""}
    )
    assert response.status_code == 200
    assert list(Annotation.objects.filter(article=copy).values_list("quote", flat=True)) == [
        "😀 prices rose 12%"
    ]
    # An article of another desk is no choice.
    elsewhere = make_article(make_desk())
    response = client.post(
        url(desk),
        {"source": "w3c", "article": elsewhere.id, "export_file": upload(page), "import": ""},
    )
    assert response.status_code == 400
    assert not Annotation.objects.filter(article=elsewhere).exists()


def test_outsiders_get_404(desk):
    client = client_for(make_user())
    assert client.get(url(desk)).status_code == 404
    assert client.post(url(desk), {"source": "w3c"}).status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(desk, django_assert_max_num_queries):
    for number in range(12):
        make_article(desk, title=f"Article {number}")
    client = client_for(desk.editor)
    with django_assert_max_num_queries(12):
        response = client.get(url(desk))
    assert response.status_code == 200
    assert response.content.count(b"<option") >= 12


# The worker closes the database connection, so the test cannot run inside a transaction.
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_imported_by_a_job_whose_progress_and_report_the_page_shows(desk):
    """Over 1,000 tasks: the page queues a job and shows it queued (reloading itself); after the
    worker's pass it shows the job's report. A job of another project, or no job id, is 404."""
    from tests.annotations.test_api_imports import large_export
    from tests.workers import run_worker

    client = client_for(desk.annotator)
    content = json.dumps(large_export()).encode()
    response = client.post(url(desk), {"source": "labelstudio", "export_file": upload(content), "import": ""})
    assert response.status_code == 302
    job_page = response["Location"]
    queued = client.get(job_page)
    assert b"Queued: waiting for a worker" in queued.content
    assert b'http-equiv="refresh"' in queued.content
    run_worker()
    done = client.get(job_page)
    assert b"What the import did" in done.content
    assert done.context["report_data"]["created"]["articles"] == 1001
    for odd in ("abc", "²", "9" * 30, ""):
        assert client.get(url(desk) + f"?job={odd}").status_code == 404
    other = make_desk()
    assert (
        client_for(other.annotator)
        .get(f"/projects/{other.project.id}/bring-in/?job={job_page.rsplit('=', 1)[1]}")
        .status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_a_file_import_job_opened_at_the_job_page_goes_to_the_page_that_reports_it(desk):
    """/imports/{id}/ shows URL imports; a Label Studio job opened there redirects to the Bring
    work in page that shows its progress and report, rather than a page about a missing address."""
    from tests.annotations.test_api_imports import large_export

    client = client_for(desk.annotator)
    content = json.dumps(large_export()).encode()
    response = client.post(url(desk), {"source": "labelstudio", "export_file": upload(content), "import": ""})
    job_id = response["Location"].rsplit("=", 1)[1]
    opened = client.get(f"/imports/{job_id}/")
    assert opened.status_code == 302
    assert opened["Location"] == f"{url(desk)}?job={job_id}"

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client

from sources.models import Domain, Source
from tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "pw"))
    return client


def source_form(project, **fields):
    return {
        "project": project.id,
        "url": "https://Example.org/report?utm_source=x",
        "kind": "other",
        **fields,
    }


def test_a_source_added_in_the_admin_is_normalized_and_its_domain_derived(admin_client):
    """The admin adds sources through get_or_create_source: one normalized url, its domain, stripped text."""
    project = make_project()
    response = admin_client.post("/admin/sources/source/add/", source_form(project, title="  A report  "))
    assert response.status_code == 302
    source = Source.objects.get()
    assert (source.url, source.domain, source.title) == (
        "https://example.org/report",
        "example.org",
        "A report",
    )
    assert LogEntry.objects.get().object_id == str(source.id)
    again = admin_client.post(
        "/admin/sources/source/add/", source_form(project, url="https://EXAMPLE.org/report")
    )
    assert again.status_code == 200
    assert again.context["adminform"].form.errors
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "Nul\x00 title"}, "title"),
        ({"archived_url": "https://user:secret@archive.example/x"}, "archived_url"),
    ],
)
def test_a_source_the_service_refuses_is_a_form_error_in_the_admin(admin_client, fields, field):
    """What the source service refuses shows on the admin form, naming the field; nothing is saved."""
    project = make_project()
    response = admin_client.post("/admin/sources/source/add/", source_form(project, **fields))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert Source.objects.count() == 0


def test_a_source_changed_in_the_admin_goes_through_update_source(admin_client):
    """Changing a source in the admin saves its descriptive fields the way update_source does."""
    project = make_project()
    admin_client.post("/admin/sources/source/add/", source_form(project))
    source = Source.objects.get()
    url = f"/admin/sources/source/{source.id}/change/"
    data = {"title": "  Annual report ", "kind": "research", "reliability": "high"}
    assert admin_client.post(url, data).status_code == 302
    source.refresh_from_db()
    assert (source.title, source.kind, source.reliability) == ("Annual report", "research", "high")
    response = admin_client.post(url, {**data, "archived_url": "javascript:alert(1)"})
    assert response.status_code == 200
    source.refresh_from_db()
    assert source.archived_url == ""


def test_a_domain_entry_added_and_changed_in_the_admin_goes_through_the_services(admin_client):
    """Domains are normalized on the way in, and later changes touch only reliability and note."""
    project = make_project()
    response = admin_client.post(
        "/admin/sources/domain/add/",
        {"project": project.id, "domain": "www.Example.ORG", "reliability": "low", "note": " Tabloid "},
    )
    assert response.status_code == 302
    entry = Domain.objects.get()
    assert (entry.domain, entry.reliability, entry.note) == ("example.org", "low", "Tabloid")
    url = f"/admin/sources/domain/{entry.id}/change/"
    assert admin_client.post(url, {"reliability": "medium", "note": "Mixed record"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.domain, entry.reliability, entry.note) == ("example.org", "medium", "Mixed record")
    response = admin_client.post(url, {"reliability": "medium", "note": "Nul\x00"})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.note == "Mixed record"

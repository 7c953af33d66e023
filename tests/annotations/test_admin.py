import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client

from annotations.models import Article, ArticleRevision, Membership, Project, Role, Status
from tests.factories import make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "pw"))
    return client


def form_data(response) -> dict:
    """What a browser would post back from an admin change form, as rendered."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is not None and value is not False:
                data[bound.html_name] = value
    return data


def test_changing_required_verdicts_in_the_admin_re_derives_the_statuses(admin_client):
    """Lowering required_verdicts to 1 makes a claim with one verdict agreed, as the project service does."""
    desk = make_desk()
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, rating="mostly_true")
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_REVIEW
    url = f"/admin/annotations/project/{desk.project.id}/change/"
    data = {**form_data(admin_client.get(url)), "required_verdicts": 1}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    desk.project.refresh_from_db()
    assert desk.project.required_verdicts == 1
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == (Status.AGREED, "mostly_true")


def test_memberships_are_read_only_in_the_admin_so_the_last_admin_stays(admin_client):
    """The membership inline changes and deletes nothing; it links to the members page instead."""
    desk = make_desk()
    url = f"/admin/annotations/project/{desk.project.id}/change/"
    page = admin_client.get(url)
    assert f'href="/projects/{desk.project.id}/members/"' in page.content.decode()
    data = form_data(page)
    admin_row = next(
        index
        for index, form in enumerate(page.context["inline_admin_formsets"][0].formset.forms)
        if form.instance.user == desk.admin
    )
    data[f"memberships-{admin_row}-DELETE"] = "on"
    data[f"memberships-{admin_row}-role"] = Role.ANNOTATOR
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert Membership.objects.get(project=desk.project, user=desk.admin).role == Role.ADMIN
    assert Membership.objects.filter(project=desk.project).count() == 5


def test_a_project_added_in_the_admin_has_its_creator_as_admin(admin_client):
    """The admin creates projects through the project service: its creator becomes the first admin."""
    add = "/admin/annotations/project/add/"
    response = admin_client.post(
        add, {**form_data(admin_client.get(add)), "name": "Desk", "required_verdicts": 3}
    )
    assert response.status_code == 302
    project = Project.objects.get(name="Desk")
    assert project.required_verdicts == 3
    assert Membership.objects.get(project=project).role == Role.ADMIN
    assert LogEntry.objects.get().object_id == str(project.id)


def test_an_article_url_changed_in_the_admin_moves_its_url_key(admin_client):
    """The article's metadata is saved through the article service, which keys it by its normalized url."""
    desk = make_desk()
    article = make_article(desk, url="https://example.org/old")
    url = f"/admin/annotations/article/{article.id}/change/"
    data = {**form_data(admin_client.get(url)), "url": "https://Example.org/new?utm_source=x"}
    assert admin_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.url, article.url_key) == (
        "https://Example.org/new?utm_source=x",
        "https://example.org/new",
    )
    response = admin_client.post(url, {**data, "url": "ftp://example.org/file"})
    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.url_key == "https://example.org/new"


def test_articles_and_revisions_are_not_added_or_changed_around_the_services(admin_client):
    """An article comes with its text and a revision re-anchors annotations: the admin adds neither."""
    desk = make_desk()
    article = make_article(desk)
    revision = article.current_revision
    assert admin_client.get("/admin/annotations/article/add/").status_code == 403
    assert admin_client.get("/admin/annotations/articlerevision/add/").status_code == 403
    response = admin_client.post(
        f"/admin/annotations/articlerevision/{revision.id}/change/", {"text": "Rewritten.", "number": 9}
    )
    assert response.status_code == 403
    revision.refresh_from_db()
    assert (revision.number, revision.text) == (1, article.current_revision.text)
    assert admin_client.get(f"/admin/annotations/articlerevision/{revision.id}/change/").status_code == 200
    assert Article.objects.count() == 1
    assert ArticleRevision.objects.count() == 1

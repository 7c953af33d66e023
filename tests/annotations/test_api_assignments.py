"""The assignments API: editors assign articles and claims to reviewers; every member lists them."""

import pytest

from annotations.models import Assignment, HistoryEntry
from annotations.services.assignments import assign
from tests.factories import make_annotation, make_article, make_desk, make_user

pytestmark = pytest.mark.django_db

TEXT = "The river rose 3.2 metres overnight. The mayor said 1,200 homes were flooded. Schools closed."


def url(desk, pk=None):
    base = f"/api/v1/projects/{desk.project.id}/assignments/"
    return base if pk is None else f"{base}{pk}/"


def test_an_editor_assigns_an_article_and_gets_201(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    api_client.force_authenticate(desk.editor)
    response = api_client.post(
        url(desk), {"assignee": desk.reviewers[0].username, "article": article.id}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {key: body[key] for key in ("project", "article", "annotation", "assignee", "assigned_by")} == {
        "project": desk.project.id,
        "article": article.id,
        "annotation": None,
        "assignee": desk.reviewers[0].username,
        "assigned_by": desk.editor.username,
    }


def test_an_editor_assigns_a_single_claim(api_client):
    desk = make_desk()
    claim = make_annotation(desk, article=make_article(desk, text=TEXT), quote="Schools closed.")
    api_client.force_authenticate(desk.editor)
    response = api_client.post(
        url(desk), {"assignee": desk.reviewers[1].username, "annotation": claim.id}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["article"], response.json()["annotation"]) == (claim.article_id, claim.id)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"article": 1}, "assignee"),
        ({"assignee": "x"}, "non_field_errors"),
        ({"assignee": "x", "article": "one"}, "article"),
        ({"assignee": "x", "article": 1, "annotation": 1}, "non_field_errors"),
        ({"assignee": "nobody-here", "article": None}, "article"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_changes_nothing(api_client, body, field):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    body = {key: article.id if value == 1 else value for key, value in body.items()}
    api_client.force_authenticate(desk.editor)
    response = api_client.post(url(desk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Assignment.objects.exists()


def test_an_assignee_who_only_annotates_is_400_on_assignee(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    api_client.force_authenticate(desk.editor)
    response = api_client.post(
        url(desk), {"assignee": desk.annotator.username, "article": article.id}, format="json"
    )
    assert response.status_code == 400
    assert "annotates in this project" in response.json()["assignee"][0]


def test_a_second_identical_assignment_is_409(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    api_client.force_authenticate(desk.editor)
    body = {"assignee": desk.reviewers[0].username, "article": article.id}
    assert api_client.post(url(desk), body, format="json").status_code == 201
    response = api_client.post(url(desk), body, format="json")
    assert response.status_code == 409
    assert "already" in response.json()["assignee"][0]
    assert Assignment.objects.count() == 1


def test_members_below_editor_get_403_and_outsiders_404(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    body = {"assignee": desk.reviewers[0].username, "article": article.id}
    for member in (desk.reviewers[0], desk.annotator):
        api_client.force_authenticate(member)
        assert api_client.post(url(desk), body, format="json").status_code == 403
    api_client.force_authenticate(make_user())
    assert api_client.post(url(desk), body, format="json").status_code == 404
    assert api_client.get(url(desk)).status_code == 404
    assert not Assignment.objects.exists()


def test_an_article_or_claim_of_another_project_is_404(api_client):
    desk, other = make_desk(), make_desk()
    foreign = make_annotation(other, article=make_article(other, text=TEXT))
    api_client.force_authenticate(desk.editor)
    name = desk.reviewers[0].username
    assert (
        api_client.post(
            url(desk), {"assignee": name, "article": foreign.article_id}, format="json"
        ).status_code
        == 404
    )
    assert (
        api_client.post(url(desk), {"assignee": name, "annotation": foreign.id}, format="json").status_code
        == 404
    )


def test_every_member_lists_the_assignments_in_a_fixed_number_of_queries(
    api_client, django_assert_max_num_queries
):
    desk = make_desk(reviewers=3)
    for n in range(12):
        article = make_article(desk, title=f"Article {n}", text=TEXT)
        assign(
            editor=desk.editor,
            project_id=desk.project.id,
            assignee=desk.reviewers[n % 3].username,
            article_id=article.id,
        )
    claim = make_annotation(desk, article=article, quote="Schools closed.")
    assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=desk.reviewers[1].username,
        annotation_id=claim.id,
    )
    api_client.force_authenticate(desk.annotator)
    with django_assert_max_num_queries(5):
        response = api_client.get(url(desk))
    assert response.status_code == 200
    assert response.json()["count"] == 13
    mine = api_client.get(
        url(desk), {"assignee": desk.reviewers[1].username, "whole_article": "false"}
    ).json()
    assert [row["annotation"] for row in mine["results"]] == [claim.id]


def test_an_editor_withdraws_an_assignment_and_others_cannot(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    assignment = assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=desk.reviewers[0].username,
        article_id=article.id,
    )
    api_client.force_authenticate(desk.reviewers[0])
    assert api_client.delete(url(desk, assignment.id)).status_code == 403
    api_client.force_authenticate(make_user())
    assert api_client.delete(url(desk, assignment.id)).status_code == 404
    assert api_client.get(url(desk, assignment.id)).status_code == 404
    api_client.force_authenticate(desk.editor)
    assert api_client.get(url(desk, assignment.id)).json()["assignee"] == desk.reviewers[0].username
    assert api_client.delete(url(desk, assignment.id)).status_code == 204
    assert api_client.delete(url(desk, assignment.id)).status_code == 404
    assert not Assignment.objects.exists()
    assert HistoryEntry.objects.filter(object_type="article", object_id=article.id).count() == 2


def test_an_assignment_is_not_found_through_another_project(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    assignment = assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=desk.reviewers[0].username,
        article_id=article.id,
    )
    elsewhere = make_desk()
    elsewhere_editor = elsewhere.editor
    api_client.force_authenticate(elsewhere_editor)
    assert (
        api_client.get(f"/api/v1/projects/{elsewhere.project.id}/assignments/{assignment.id}/").status_code
        == 404
    )
    assert (
        api_client.delete(f"/api/v1/projects/{elsewhere.project.id}/assignments/{assignment.id}/").status_code
        == 404
    )
    assert Assignment.objects.count() == 1


def test_the_to_review_queue_lists_my_assignments_first_and_filters_by_assignee(api_client):
    desk = make_desk()
    first = make_article(desk, title="First", text=TEXT)
    second = make_article(desk, title="Second", text=TEXT)
    old = make_annotation(desk, article=first, quote="The river rose")
    new = make_annotation(desk, article=second, quote="Schools closed.")
    me = desk.reviewers[0]
    assign(editor=desk.editor, project_id=desk.project.id, assignee=me.username, article_id=second.id)
    api_client.force_authenticate(me)
    ids = [row["id"] for row in api_client.get("/api/v1/queues/to_review/").json()["results"]]
    assert ids == [new.id, old.id]
    only = api_client.get("/api/v1/queues/to_review/", {"assignee": me.username}).json()["results"]
    assert [row["id"] for row in only] == [new.id]

import pytest

from annotations.models import Membership, Project, Role
from tests.factories import make_desk, make_project, make_user

pytestmark = pytest.mark.django_db

ROLES = [Role.ANNOTATOR, Role.REVIEWER, Role.EDITOR, Role.ADMIN]


def test_creating_a_project_makes_the_caller_its_admin(api_client):
    user = make_user()
    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/projects/", {"name": "Election desk"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Election desk"
    assert body["required_verdicts"] == 2
    assert body["role"] == "admin"
    assert Membership.objects.get(project_id=body["id"], user=user).role == Role.ADMIN


def test_project_creation_rejects_bad_input_and_creates_nothing(api_client):
    api_client.force_authenticate(make_user())
    response = api_client.post("/api/v1/projects/", {"name": "", "required_verdicts": 0}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"name", "required_verdicts"}
    assert all(isinstance(reason, str) for reasons in body.values() for reason in reasons)
    assert Project.objects.count() == 0


def test_project_list_shows_only_my_projects_with_my_role(api_client):
    desk = make_desk()
    make_project()  # someone else's
    api_client.force_authenticate(desk.reviewers[0])
    response = api_client.get("/api/v1/projects/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == desk.project.id
    assert body["results"][0]["role"] == "reviewer"


def test_project_list_query_count_is_flat(api_client, django_assert_max_num_queries):
    user = make_user()
    for _ in range(12):
        make_project(creator=user)
    api_client.force_authenticate(user)
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/projects/")
    assert response.json()["count"] == 12


def test_another_projects_id_is_404_for_every_method(api_client):
    mine = make_desk()
    theirs = make_project()
    api_client.force_authenticate(mine.admin)
    base = f"/api/v1/projects/{theirs.id}/"
    assert api_client.get(base).status_code == 404
    assert api_client.patch(base, {"name": "Mine now"}, format="json").status_code == 404
    assert api_client.get(base + "members/").status_code == 404
    response = api_client.post(
        base + "members/", {"username": mine.admin.username, "role": "admin"}, format="json"
    )
    assert response.status_code == 404
    assert api_client.delete(f"{base}members/{theirs.created_by.username}/").status_code == 404
    assert not Membership.objects.filter(project=theirs, user=mine.admin).exists()
    assert Project.objects.get(pk=theirs.pk).name == theirs.name


def test_unknown_and_malformed_project_ids_are_404(api_client):
    api_client.force_authenticate(make_user())
    assert api_client.get("/api/v1/projects/999999/").status_code == 404
    response = api_client.get("/api/v1/projects/abc/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/projects/", None),
        ("post", "/api/v1/projects/", {"name": "x"}),
        ("get", "/api/v1/projects/{id}/", None),
        ("patch", "/api/v1/projects/{id}/", {"name": "x"}),
        ("get", "/api/v1/projects/{id}/members/", None),
        ("post", "/api/v1/projects/{id}/members/", {"username": "x", "role": "reviewer"}),
        ("patch", "/api/v1/projects/{id}/members/{admin}/", {"role": "editor"}),
        ("delete", "/api/v1/projects/{id}/members/{admin}/", None),
    ],
)
def test_anonymous_callers_get_401(api_client, method, url, body):
    desk = make_desk()
    url = url.format(id=desk.project.id, admin=desk.admin.username)
    response = getattr(api_client, method)(url, body, format="json")
    assert response.status_code == 401
    assert "detail" in response.json()
    assert Project.objects.count() == 1


# What each role may do to a project and its members: (method, url, body) -> lowest role allowed.
PROJECT_RIGHTS = [
    ("get", "/api/v1/projects/{id}/", None, Role.ANNOTATOR, 200),
    ("get", "/api/v1/projects/{id}/members/", None, Role.ANNOTATOR, 200),
    ("get", "/api/v1/projects/{id}/members/{admin}/", None, Role.ANNOTATOR, 200),
    ("patch", "/api/v1/projects/{id}/", {"name": "Renamed"}, Role.ADMIN, 200),
    (
        "post",
        "/api/v1/projects/{id}/members/",
        {"username": "{newcomer}", "role": "reviewer"},
        Role.ADMIN,
        201,
    ),
    ("patch", "/api/v1/projects/{id}/members/{editor}/", {"role": "reviewer"}, Role.ADMIN, 200),
    ("delete", "/api/v1/projects/{id}/members/{editor}/", None, Role.ADMIN, 204),
]


@pytest.mark.parametrize(("method", "url", "body", "lowest", "success"), PROJECT_RIGHTS)
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.slug)
def test_each_role_may_do_exactly_what_its_rank_allows(api_client, role, method, url, body, lowest, success):
    desk = make_desk()
    newcomer = make_user()
    names = {"id": desk.project.id, "admin": desk.admin.username, "editor": desk.editor.username}
    url = url.format(**names)
    if body:
        body = {key: value.format(newcomer=newcomer.username) for key, value in body.items()}
    before = sorted(Membership.objects.values_list("user_id", "role"))
    api_client.force_authenticate(desk.member(role))
    response = getattr(api_client, method)(url, body, format="json")
    if role >= lowest:
        assert response.status_code == success, response.content
    else:
        assert response.status_code == 403
        assert "detail" in response.json()
        assert sorted(Membership.objects.values_list("user_id", "role")) == before
        assert Project.objects.get(pk=desk.project.pk).name == desk.project.name


def test_admin_adds_changes_and_removes_a_member(api_client):
    desk = make_desk()
    newcomer = make_user(username="dae-jung")
    api_client.force_authenticate(desk.admin)
    members = f"/api/v1/projects/{desk.project.id}/members/"

    response = api_client.post(members, {"username": "dae-jung", "role": "reviewer"}, format="json")
    assert response.status_code == 201
    assert response.json()["role"] == "reviewer"
    assert response.json()["username"] == "dae-jung"

    response = api_client.patch(members + "dae-jung/", {"role": "editor"}, format="json")
    assert response.status_code == 200
    assert Membership.objects.get(user=newcomer).role == Role.EDITOR

    assert api_client.delete(members + "dae-jung/").status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()
    assert api_client.get(members + "dae-jung/").status_code == 404


def test_members_list_is_paginated_filterable_and_flat_in_queries(api_client, django_assert_max_num_queries):
    desk = make_desk(reviewers=12)
    api_client.force_authenticate(desk.annotator)
    with django_assert_max_num_queries(4):
        response = api_client.get(
            f"/api/v1/projects/{desk.project.id}/members/?role=reviewer&ordering=-username"
        )
    body = response.json()
    assert body["count"] == 12
    names = [member["username"] for member in body["results"]]
    assert names == sorted(names, reverse=True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "nobody-here", "role": "reviewer"}, "username"),
        ({"username": "{newcomer}", "role": "overlord"}, "role"),
        ({"username": "{newcomer}"}, "role"),
        ({"role": "reviewer"}, "username"),
    ],
)
def test_bad_member_input_names_the_field_and_changes_nothing(api_client, body, field):
    desk = make_desk()
    newcomer = make_user()
    body = {key: value.format(newcomer=newcomer.username) for key, value in body.items()}
    api_client.force_authenticate(desk.admin)
    count = Membership.objects.count()
    response = api_client.post(f"/api/v1/projects/{desk.project.id}/members/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Membership.objects.count() == count


def test_adding_an_existing_member_is_409(api_client):
    desk = make_desk()
    api_client.force_authenticate(desk.admin)
    response = api_client.post(
        f"/api/v1/projects/{desk.project.id}/members/",
        {"username": desk.editor.username, "role": "reviewer"},
        format="json",
    )
    assert response.status_code == 409
    assert "username" in response.json()
    assert Membership.objects.get(project=desk.project, user=desk.editor).role == Role.EDITOR


def test_the_last_admin_can_neither_step_down_nor_leave(api_client):
    desk = make_desk()
    api_client.force_authenticate(desk.admin)
    me = f"/api/v1/projects/{desk.project.id}/members/{desk.admin.username}/"
    response = api_client.patch(me, {"role": "editor"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()
    assert api_client.delete(me).status_code == 400
    assert Membership.objects.get(project=desk.project, user=desk.admin).role == Role.ADMIN


def test_an_admin_may_leave_once_another_admin_exists(api_client):
    desk = make_desk()
    api_client.force_authenticate(desk.admin)
    members = f"/api/v1/projects/{desk.project.id}/members/"
    assert (
        api_client.patch(f"{members}{desk.editor.username}/", {"role": "admin"}, format="json").status_code
        == 200
    )
    assert api_client.delete(f"{members}{desk.admin.username}/").status_code == 204
    assert api_client.get(f"/api/v1/projects/{desk.project.id}/").status_code == 404


def test_admin_changes_required_verdicts(api_client):
    desk = make_desk()
    api_client.force_authenticate(desk.admin)
    response = api_client.patch(
        f"/api/v1/projects/{desk.project.id}/", {"required_verdicts": 3}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["required_verdicts"] == 3
    response = api_client.patch(
        f"/api/v1/projects/{desk.project.id}/", {"required_verdicts": "many"}, format="json"
    )
    assert response.status_code == 400
    assert "required_verdicts" in response.json()
    assert Project.objects.get(pk=desk.project.pk).required_verdicts == 3

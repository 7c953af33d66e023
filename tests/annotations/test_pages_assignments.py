"""Sharing work out in the pages: the assignment page, the article list's assignees, the queue's
order and the project page's progress and backlog."""

import pytest
from django.test import Client

from annotations.models import Assignment
from annotations.services.assignments import assign
from annotations.services.projects import set_review_blind
from tests.factories import make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

TEXT = "The river rose 3.2 metres overnight. The mayor said 1,200 homes were flooded. Schools closed."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assignments_url(desk):
    return f"/projects/{desk.project.id}/assignments/"


def test_an_editor_assigns_an_article_from_the_assignment_page():
    desk = make_desk()
    article = make_article(desk, title="Flood report", text=TEXT)
    client = client_for(desk.editor)
    form_page = client.get(assignments_url(desk), {"article": article.id})
    assert form_page.context["form"]["article"].value() == str(article.id)
    response = client.post(
        assignments_url(desk), {"article": article.id, "assignee": desk.reviewers[0].username}, follow=True
    )
    assert response.status_code == 200
    assert "“Flood report” is assigned to" in response.content.decode()
    assert Assignment.objects.get().assignee == desk.reviewers[0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"assignee": "reviewer"}, "article"),
        ({"article": "article"}, "assignee"),
        ({"article": "999999", "assignee": "reviewer"}, "article"),
    ],
)
def test_bad_input_is_a_message_on_the_page_and_changes_nothing(data, field):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    values = {"reviewer": desk.reviewers[0].username, "article": str(article.id)}
    data = {key: values.get(value, value) for key, value in data.items()}
    response = client_for(desk.editor).post(assignments_url(desk), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Assignment.objects.exists()


def test_assigning_the_same_article_twice_says_so_with_409():
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    data = {"article": article.id, "assignee": desk.reviewers[0].username}
    client = client_for(desk.editor)
    client.post(assignments_url(desk), data)
    response = client.post(assignments_url(desk), data)
    assert response.status_code == 409
    assert "assigned to" in response.content.decode() and "already" in response.content.decode()
    assert Assignment.objects.count() == 1


def test_members_below_editor_see_the_assignments_but_cannot_assign_or_withdraw():
    desk = make_desk()
    article = make_article(desk, title="Flood report", text=TEXT)
    assignment = assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=desk.reviewers[0].username,
        article_id=article.id,
    )
    client = client_for(desk.reviewers[1])
    page = client.get(assignments_url(desk))
    assert page.status_code == 200 and page.context["form"] is None
    assert "Flood report" in page.content.decode()
    post = client.post(assignments_url(desk), {"article": article.id, "assignee": desk.reviewers[1].username})
    assert post.status_code == 403
    withdraw = client.post(f"{assignments_url(desk)}{assignment.id}/withdraw/")
    assert withdraw.status_code == 403
    assert Assignment.objects.count() == 1
    outsider = client_for(make_user())
    assert outsider.get(assignments_url(desk)).status_code == 404
    assert outsider.post(f"{assignments_url(desk)}{assignment.id}/withdraw/").status_code == 404


def test_an_editor_withdraws_an_assignment():
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    assignment = assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=desk.reviewers[0].username,
        article_id=article.id,
    )
    response = client_for(desk.editor).post(f"{assignments_url(desk)}{assignment.id}/withdraw/", follow=True)
    assert "withdrawn" in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_assignment_page_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    desk = make_desk(reviewers=3)
    for number in range(12):
        article = make_article(desk, title=f"Report {number}", text=TEXT)
        assign(
            editor=desk.editor,
            project_id=desk.project.id,
            assignee=desk.reviewers[number % 3].username,
            article_id=article.id,
        )
    claim = make_annotation(desk, article=article, quote="Schools closed.")
    assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=desk.reviewers[1].username,
        annotation_id=claim.id,
    )
    client = client_for(desk.editor)
    with django_assert_max_num_queries(8):
        response = client.get(assignments_url(desk))
    assert len(response.context["page"].object_list) == 13


def test_the_article_list_offers_editors_an_assign_link_for_each_article():
    """Each row links to the assignment page with its article chosen; members below editor get none."""
    desk = make_desk()
    article = make_article(desk, title="Flood report", text=TEXT)
    link = f"/projects/{desk.project.id}/assignments/?article={article.id}"
    assert link in client_for(desk.editor).get(f"/projects/{desk.project.id}/articles/").content.decode()
    assert (
        link
        not in client_for(desk.reviewers[0]).get(f"/projects/{desk.project.id}/articles/").content.decode()
    )


def test_the_to_review_page_lists_my_assignments_first_with_a_badge_and_filters_them():
    desk = make_desk()
    first = make_article(desk, title="First", text=TEXT)
    second = make_article(desk, title="Second", text=TEXT)
    old = make_annotation(desk, article=first, quote="The river rose")
    new = make_annotation(desk, article=second, quote="Schools closed.")
    me = desk.reviewers[0]
    assign(editor=desk.editor, project_id=desk.project.id, assignee=me.username, article_id=second.id)
    client = client_for(me)
    url = f"/projects/{desk.project.id}/queues/to-review/"
    page = client.get(url)
    assert [claim.pk for claim in page.context["page"]] == [new.pk, old.pk]
    assert page.content.decode().count("Assigned to you") == 1
    only = client.get(url, {"assignee": me.username})
    assert [claim.pk for claim in only.context["page"]] == [new.pk]


def test_the_project_page_shows_each_reviewers_progress_and_the_backlog_to_an_editor(
    django_assert_max_num_queries,
):
    desk = make_desk(reviewers=2)
    r1, r2 = desk.reviewers
    for number in range(10):
        article = make_article(desk, title=f"Report {number}", text=TEXT)
        claim = make_annotation(desk, article=article, quote="The river rose")
        assign(editor=desk.editor, project_id=desk.project.id, assignee=r1.username, article_id=article.id)
        if number < 3:
            make_verdict(desk, annotation=claim, reviewer=r1)
    client = client_for(desk.editor)
    with django_assert_max_num_queries(14):
        response = client.get(f"/projects/{desk.project.id}/")
    rows = {row.username: (row.assigned, row.done, row.waiting) for row in response.context["progress"]}
    assert rows == {r1.username: (10, 3, 7), r2.username: (0, 0, 0)}
    body = response.content.decode()
    assert f'data-progress="{r1.username}"' in body
    assert "3 of 10 done, 7 waiting" in body
    assert "10 of 10 claims still open" in body
    assert "style=" not in body


def test_a_reviewer_sees_only_their_own_progress_on_the_project_page():
    desk = make_desk(reviewers=2)
    r1, r2 = desk.reviewers
    article = make_article(desk, text=TEXT)
    claim = make_annotation(desk, article=article, quote="The river rose")
    for reviewer in (r1, r2):
        assign(
            editor=desk.editor, project_id=desk.project.id, assignee=reviewer.username, article_id=article.id
        )
    make_verdict(desk, annotation=claim, reviewer=r2)
    response = client_for(r1).get(f"/projects/{desk.project.id}/")
    assert [row.username for row in response.context["progress"]] == [r1.username]
    assert f'data-progress="{r2.username}"' not in response.content.decode()


def test_an_editor_who_reviews_blind_sees_their_own_progress_only_and_is_told_why():
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    make_annotation(desk, article=article, quote="The river rose")
    set_review_blind(
        actor=desk.editor, project_id=desk.project.id, username=desk.editor.username, review_blind=True
    )
    for member in (desk.reviewers[0], desk.editor):
        assign(
            editor=desk.editor, project_id=desk.project.id, assignee=member.username, article_id=article.id
        )
    response = client_for(desk.editor).get(f"/projects/{desk.project.id}/")
    assert [row.username for row in response.context["progress"]] == [desk.editor.username]
    assert "only your own progress is shown" in response.content.decode()

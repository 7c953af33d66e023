"""Assigning articles and claims to reviewers: the service, its history, the queue's order and the
progress of each reviewer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from annotations.models import Assignment, HistoryEntry, Role
from annotations.selectors import queue
from annotations.selectors.assignments import assigned_first, reviewer_progress
from annotations.services.assignments import assign, unassign
from annotations.services.projects import change_member_role, remove_member
from annotations.services.review import adjudicate
from tests.factories import make_annotation, make_article, make_desk, make_verdict
from workbench.errors import StateConflict

pytestmark = pytest.mark.django_db

TEXT = "The river rose 3.2 metres overnight. The mayor said 1,200 homes were flooded. Schools closed."


def test_an_editor_assigns_an_article_and_history_records_the_assignees():
    """The assignment covers the article; its history entry names the assignees before and after."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    reviewer = desk.reviewers[0]
    assignment = assign(
        editor=desk.editor, project_id=desk.project.id, assignee=reviewer.username, article_id=article.id
    )
    assert (assignment.article, assignment.annotation, assignment.assignee) == (article, None, reviewer)
    entry = HistoryEntry.objects.get(object_type="article", object_id=article.id)
    assert (entry.action, entry.actor, entry.before, entry.after) == (
        "update",
        desk.editor,
        {"assignees": []},
        {"assignees": [reviewer.username]},
    )


def test_assigning_one_claim_records_it_on_the_claim():
    desk = make_desk()
    claim = make_annotation(desk, article=make_article(desk, text=TEXT), quote="Schools closed.")
    assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=desk.reviewers[1].username,
        annotation_id=claim.id,
    )
    entry = HistoryEntry.objects.filter(object_type="annotation", annotation_id=claim.id).latest("id")
    assert entry.after == {"assignees": [desk.reviewers[1].username]}


def test_unassigning_deletes_the_assignment_and_records_it():
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    names = sorted(reviewer.username for reviewer in desk.reviewers)
    first = assign(editor=desk.editor, project_id=desk.project.id, assignee=names[0], article_id=article.id)
    assign(editor=desk.editor, project_id=desk.project.id, assignee=names[1], article_id=article.id)
    unassign(editor=desk.editor, project_id=desk.project.id, assignment_id=first.id)
    assert list(Assignment.objects.values_list("assignee__username", flat=True)) == [names[1]]
    entry = HistoryEntry.objects.filter(object_type="article").latest("id")
    assert (entry.before, entry.after) == ({"assignees": names}, {"assignees": [names[1]]})


@pytest.mark.parametrize(
    ("who", "error"),
    [("annotator", PermissionDenied), ("reviewer", PermissionDenied), ("outsider", Http404)],
)
def test_only_editors_assign(who, error):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    actor = {"annotator": desk.annotator, "reviewer": desk.reviewers[0], "outsider": make_desk().editor}[who]
    with pytest.raises(error):
        assign(
            editor=actor,
            project_id=desk.project.id,
            assignee=desk.reviewers[0].username,
            article_id=article.id,
        )
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("assignee", "says"),
    [("annotator", "only reviewers, editors and admins judge"), ("stranger", "No member of this project")],
)
def test_an_assignee_who_does_not_review_here_is_refused_by_field(assignee, says):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    name = desk.annotator.username if assignee == "annotator" else make_desk().reviewers[0].username
    with pytest.raises(ValidationError) as raised:
        assign(editor=desk.editor, project_id=desk.project.id, assignee=name, article_id=article.id)
    assert says in raised.value.message_dict["assignee"][0]
    assert not Assignment.objects.exists() and not HistoryEntry.objects.filter(object_type="article").exists()


def test_the_same_assignment_twice_is_a_conflict_and_changes_nothing():
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    name = desk.reviewers[0].username
    assign(editor=desk.editor, project_id=desk.project.id, assignee=name, article_id=article.id)
    with pytest.raises(StateConflict):
        assign(editor=desk.editor, project_id=desk.project.id, assignee=name, article_id=article.id)
    assert Assignment.objects.count() == 1
    assert HistoryEntry.objects.filter(object_type="article").count() == 1


def test_a_resolved_claim_cannot_be_assigned():
    desk = make_desk()
    claim = make_annotation(desk, article=make_article(desk, text=TEXT), quote="Schools closed.")
    adjudicate(editor=desk.editor, annotation_id=claim.id, rating="true", rationale="Seen.")
    with pytest.raises(StateConflict):
        assign(
            editor=desk.editor,
            project_id=desk.project.id,
            assignee=desk.reviewers[0].username,
            annotation_id=claim.id,
        )


def test_an_article_of_another_project_is_not_found():
    desk, other = make_desk(), make_desk()
    article = make_article(other, text=TEXT)
    with pytest.raises(Http404):
        assign(
            editor=desk.editor,
            project_id=desk.project.id,
            assignee=desk.reviewers[0].username,
            article_id=article.id,
        )


def claims_of(desk):
    article_a = make_article(desk, title="A", text=TEXT)
    article_b = make_article(desk, title="B", text=TEXT)
    return {
        "a1": make_annotation(desk, article=article_a, quote="The river rose"),
        "a2": make_annotation(desk, article=article_a, quote="Schools closed."),
        "b1": make_annotation(desk, article=article_b, quote="The river rose"),
        "b2": make_annotation(desk, article=article_b, quote="The mayor said"),
    }


def test_the_to_review_queue_puts_my_assignments_first_oldest_first_within_each_part():
    desk = make_desk()
    claims = claims_of(desk)
    me = desk.reviewers[0]
    assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=me.username,
        article_id=claims["b1"].article_id,
    )
    assign(
        editor=desk.editor, project_id=desk.project.id, assignee=me.username, annotation_id=claims["a2"].id
    )
    ordered = list(assigned_first(me, queue(me, "to_review")))
    assert [claim.pk for claim in ordered] == [claims[key].pk for key in ("a2", "b1", "b2", "a1")]
    assert [claim.assigned_to_me for claim in ordered] == [True, True, True, False]


def test_each_reviewers_progress_counts_assigned_done_and_waiting_claims(django_assert_num_queries):
    """Done: judged by them; waiting: awaiting their verdict; the rest were settled without them."""
    desk = make_desk(reviewers=3)
    claims = claims_of(desk)
    r1, r2, r3 = desk.reviewers
    assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=r1.username,
        article_id=claims["a1"].article_id,
    )
    assign(
        editor=desk.editor, project_id=desk.project.id, assignee=r1.username, annotation_id=claims["b1"].id
    )
    assign(
        editor=desk.editor,
        project_id=desk.project.id,
        assignee=r2.username,
        article_id=claims["b1"].article_id,
    )
    make_verdict(desk, annotation=claims["a1"], reviewer=r1)
    # b1 becomes agreed without r1.
    make_verdict(desk, annotation=claims["b1"], reviewer=r2)
    make_verdict(desk, annotation=claims["b1"], reviewer=r3)
    with django_assert_num_queries(2):
        rows = {row.username: row for row in reviewer_progress(desk.editor, desk.project)}
    assert (rows[r1.username].assigned, rows[r1.username].done, rows[r1.username].waiting) == (3, 1, 1)
    assert rows[r1.username].settled == 1
    assert (rows[r2.username].assigned, rows[r2.username].done, rows[r2.username].waiting) == (2, 1, 1)
    assert (rows[r3.username].assigned, rows[r3.username].done, rows[r3.username].waiting) == (0, 0, 0)


def test_a_reviewer_sees_only_their_own_progress():
    """Who has judged which claims is hidden by blind review: others' rows are not shown."""
    desk = make_desk()
    claims = claims_of(desk)
    r1, r2 = desk.reviewers
    for reviewer in (r1, r2):
        assign(
            editor=desk.editor,
            project_id=desk.project.id,
            assignee=reviewer.username,
            article_id=claims["a1"].article_id,
        )
    make_verdict(desk, annotation=claims["a1"], reviewer=r2)
    assert [(row.username, row.done, row.waiting) for row in reviewer_progress(r1, desk.project)] == [
        (r1.username, 0, 2)
    ]
    assert reviewer_progress(desk.annotator, desk.project) == []


def test_a_member_who_leaves_has_their_assignments_withdrawn_in_history():
    """Removing a member withdraws their article and claim assignments (the counts and the queue's
    "assigned to me" would otherwise keep work for someone who cannot do it); others' stay."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    claim = make_annotation(desk, article=article, quote="Schools closed.")
    leaving, staying = desk.reviewers[0], desk.reviewers[1]
    project_id = desk.project.id
    assign(editor=desk.editor, project_id=project_id, assignee=leaving.username, article_id=article.id)
    assign(editor=desk.editor, project_id=project_id, assignee=leaving.username, annotation_id=claim.id)
    assign(editor=desk.editor, project_id=project_id, assignee=staying.username, article_id=article.id)
    remove_member(actor=desk.admin, project_id=project_id, username=leaving.username)
    assert list(Assignment.objects.values_list("assignee__username", flat=True)) == [staying.username]
    on_article = HistoryEntry.objects.filter(object_type="article", object_id=article.id).latest("id")
    on_claim = HistoryEntry.objects.filter(object_type="annotation", annotation_id=claim.id).latest("id")
    assert (on_article.actor, on_article.before, on_article.after) == (
        desk.admin,
        {"assignees": sorted([leaving.username, staying.username])},
        {"assignees": [staying.username]},
    )
    assert (on_claim.before, on_claim.after) == ({"assignees": [leaving.username]}, {"assignees": []})


def test_a_reviewer_made_annotator_has_their_assignments_withdrawn():
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    reviewer = desk.reviewers[0]
    assign(editor=desk.editor, project_id=desk.project.id, assignee=reviewer.username, article_id=article.id)
    change_member_role(
        actor=desk.admin, project_id=desk.project.id, username=reviewer.username, role=Role.EDITOR
    )
    assert Assignment.objects.count() == 1, "an editor still reviews: the assignment stays"
    change_member_role(
        actor=desk.admin, project_id=desk.project.id, username=reviewer.username, role=Role.ANNOTATOR
    )
    assert not Assignment.objects.exists()

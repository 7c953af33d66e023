"""Sharing work out: editors assign a whole article, or one claim, to a member who reviews.

Each write takes the article's row lock (:func:`annotations.services.locks.lock_article`) before
reading the claim, as every writer of the article's claims does: a merge or a deletion cannot
slip in between, and two changes to one article's assignments are recorded in history one after
the other, each with the assignees before and after it.

History: an article's assignment is recorded on the article, a claim's on the claim, as a change
of its ``assignees``; entries about articles and claims that do not touch a status are every
member's to see, as assignments are.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from annotations.models import (
    Action,
    Annotation,
    Article,
    Assignment,
    HistoryEntry,
    Membership,
    ObjectType,
    Role,
)
from annotations.permissions import get_project_for, judgement_refusal
from annotations.selectors.assignments import get_assignment_for, reviewers_of
from annotations.services.history import record
from annotations.services.locks import lock_article
from workbench.errors import StateConflict


def find_reviewer(project, username: str):
    """The member named ``username`` if they may review in ``project``; else ValidationError on
    ``assignee`` (a name that is not a member's reads the same as an unknown one)."""
    membership = reviewers_of(project).filter(user__username=username).first()
    if membership is not None:
        return membership.user
    if Membership.objects.filter(project=project, user__username=username).exists():
        raise ValidationError(
            {
                "assignee": [
                    f"“{username}” annotates in this project; only reviewers, editors and admins judge."
                ]
            },
            code="not_a_reviewer",
        )
    raise ValidationError(
        {"assignee": [f"No member of this project is named “{username}”."]}, code="not_a_member"
    )


def assignees(article: Article, claim: Annotation | None) -> list[str]:
    """The usernames the article as a whole (or the claim on its own) is assigned to."""
    return sorted(
        Assignment.objects.filter(article=article, annotation=claim).values_list(
            "assignee__username", flat=True
        )
    )


def record_change(*, actor, article: Article, claim: Annotation | None, before: list[str]) -> None:
    values = {"before": {"assignees": before}, "after": {"assignees": assignees(article, claim)}}
    if claim is not None:
        record(claim, claim, actor=actor, action=Action.UPDATE, **values)
        return
    HistoryEntry.objects.create(
        project_id=article.project_id,
        object_type=ObjectType.ARTICLE,
        object_id=article.pk,
        action=Action.UPDATE,
        actor=actor,
        **values,
    )


def live_claim_of(article: Article, annotation_id) -> Annotation:
    """The article's claim ``annotation_id`` while it is open for judgement; read under the article's lock."""
    claim = Annotation.objects.filter(article=article, pk=annotation_id).select_related("article").first()
    if claim is None:
        raise Http404("No such annotation.")
    if claim.orphaned:
        raise StateConflict(
            {"annotation": ["This claim lost its words in the article's new text; it cannot be assigned."]},
            code="orphaned",
        )
    if (refusal := judgement_refusal(claim)) is not None:
        raise StateConflict({"annotation": refusal.messages}, code=refusal.code)
    return claim


@transaction.atomic
def assign(
    *, editor, project_id: int, assignee: str, article_id: int | None = None, annotation_id: int | None = None
) -> Assignment:
    """Assign an article (``article_id``) or one claim (``annotation_id``) of the project to the
    member named ``assignee``, who must review there; recorded in history.

    Locks the article. Raises Http404 (the project, article or claim is not the editor's to see, or
    not of this project), PermissionDenied (below editor), ValidationError (neither or both of
    article and claim; the assignee is not a reviewer of the project), StateConflict (the claim is
    resolved, merged or orphaned; the assignee has this article or claim already).
    """
    project = get_project_for(editor, project_id, role=Role.EDITOR)
    if (article_id is None) == (annotation_id is None):
        raise ValidationError(
            {"non_field_errors": ["Name an article or an annotation (a claim) to assign, not both."]},
            code="target",
        )
    articles = Article.objects.filter(project=project)
    if annotation_id is not None:
        articles = articles.filter(annotations=annotation_id)
    article = articles.filter(pk=article_id).first() if article_id is not None else articles.first()
    if article is None:
        raise Http404("No such annotation." if annotation_id is not None else "No such article.")
    article = lock_article(article)
    claim = live_claim_of(article, annotation_id) if annotation_id is not None else None
    user = find_reviewer(project, assignee)
    before = assignees(article, claim)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                project=project, article=article, annotation=claim, assignee=user, assigned_by=editor
            )
    except IntegrityError:
        what = f"claim #{claim.pk}" if claim else "this article"
        raise StateConflict(
            {"assignee": [f"{what[0].upper()}{what[1:]} is assigned to “{assignee}” already."]},
            code="duplicate_assignment",
        ) from None
    record_change(actor=editor, article=article, claim=claim, before=before)
    return assignment


@transaction.atomic
def unassign(*, editor, project_id: int, assignment_id: int) -> None:
    """Withdraw an assignment; recorded in history. Verdicts given meanwhile stay.

    Locks the article. Raises Http404 (no such assignment in a project of the editor's),
    PermissionDenied (below editor). Withdrawing one that is gone already is Http404 too.
    """
    assignment = get_assignment_for(editor, project_id, assignment_id, role=Role.EDITOR)
    article = lock_article(assignment.article)
    claim = assignment.annotation
    before = assignees(article, claim)
    if not Assignment.objects.filter(pk=assignment.pk).delete()[0]:
        raise Http404("No such assignment.")
    record_change(actor=editor, article=article, claim=claim, before=before)


def withdraw_assignments_of(*, actor, project, user) -> int:
    """Withdraw every assignment of ``user`` in ``project``, each recorded in history as
    :func:`unassign` records it: they leave the project, or no longer review in it. Returns how
    many were withdrawn. Locks the articles in id order; the caller holds the transaction."""
    withdrawn = 0
    pending = Assignment.objects.filter(project=project, assignee=user).select_related("annotation")
    locked: dict[int, Article] = {}
    for assignment in pending.order_by("article_id", "pk"):
        if assignment.article_id not in locked:
            locked[assignment.article_id] = lock_article(Article(pk=assignment.article_id))
        article, claim = locked[assignment.article_id], assignment.annotation
        before = assignees(article, claim)
        if Assignment.objects.filter(pk=assignment.pk).delete()[0]:
            record_change(actor=actor, article=article, claim=claim, before=before)
            withdrawn += 1
    return withdrawn

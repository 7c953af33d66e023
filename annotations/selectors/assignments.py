"""Reads of assignments: who is asked to judge what, the queue's order, and each reviewer's progress.

Assignments are the desk's plan, not a judgement: every member of the project may see them. What a
reviewer has *done* of theirs is a different matter: which claims someone has judged is hidden by
blind review, so the progress of others is shown only to members who see everything
(:func:`annotations.permissions.sees_everything`).
"""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from annotations.models import Annotation, Assignment, Membership, Project, Role, Verdict
from annotations.permissions import get_project_for, sees_everything
from annotations.selectors.claims import awaiting_verdict_of, live_claims


def covering_assignments(claim: str = "") -> QuerySet[Assignment]:
    """The assignments covering the outer query's claim (``claim`` the path to it, empty for
    annotations themselves): those of the claim itself and those of its whole article."""
    return Assignment.objects.filter(
        Q(annotation=OuterRef(f"{claim}pk")) | Q(annotation__isnull=True, article=OuterRef(f"{claim}article"))
    )


def assigned_to(assignee, claim: str = "") -> Exists:
    """Whether the claim is assigned to ``assignee`` (a user, or an expression naming one)."""
    return Exists(covering_assignments(claim).filter(assignee=assignee))


def assigned_first(user, claims: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """``claims`` annotated with ``assigned_to_me``, the user's assignments first, each part oldest
    first (the order of the to-review queue).

    Whether a claim is the user's is asked of the user's assignments as two sets (claims, and
    whole articles), each read once and hashed: :func:`assigned_to`'s subquery is the same rule,
    but asked per claim it ran for every open claim of the project before the sort (16,429 probes
    at 100,000 claims), where a cheap sort key lets the planner sort first and check the queue's
    rule only on the rows of the page."""
    mine = Assignment.objects.filter(assignee=user)
    assigned_to_me = Q(pk__in=mine.filter(annotation__isnull=False).values("annotation")) | Q(
        article__in=mine.filter(annotation__isnull=True).values("article")
    )
    return claims.annotate(
        assigned_to_me=ExpressionWrapper(assigned_to_me, output_field=BooleanField())
    ).order_by(F("assigned_to_me").desc(), "created_at", "id")


def assigned_to_username(claims: QuerySet[Annotation], username: str) -> QuerySet[Annotation]:
    """The claims assigned to the member named ``username`` (none for an unknown name)."""
    return claims.filter(Exists(covering_assignments().filter(assignee__username=username)))


def project_assignments(project: Project) -> QuerySet[Assignment]:
    """The project's assignments, oldest first, with what a list of them names; one query."""
    return (
        Assignment.objects.filter(project=project)
        .select_related("article", "annotation", "assignee", "assigned_by")
        .defer("annotation__prefix", "annotation__suffix")
        .order_by("created_at", "id")
    )


def get_assignment_for(user, project_id, assignment_id, *, role: Role = Role.ANNOTATOR) -> Assignment:
    """The project's assignment ``assignment_id`` if the user is a member of the project holding at
    least ``role``: a missing one, or one of another project, raises Http404; a member below
    ``role`` gets PermissionDenied, whatever the id."""
    project = get_project_for(user, project_id, role=role)
    try:
        return project_assignments(project).get(pk=assignment_id)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such assignment.") from None


def reviewers_of(project: Project) -> QuerySet[Membership]:
    """The members who may review in the project (reviewers, editors, admins), by username: whom
    an article or a claim may be assigned to."""
    return (
        Membership.objects.filter(project=project, role__gte=Role.REVIEWER)
        .select_related("user")
        .order_by("user__username")
    )


@dataclass(frozen=True)
class Progress:
    """One reviewer's assigned claims: how many they have judged (``done``), how many await their
    verdict (``waiting``), and the rest, settled without them (``settled``)."""

    username: str
    assigned: int
    done: int
    waiting: int

    @property
    def settled(self) -> int:
        return self.assigned - self.done - self.waiting


def count_of(claims: QuerySet[Annotation]):
    return Coalesce(
        Subquery(claims.order_by().values("article__project").annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def reviewer_progress(user, project: Project) -> list[Progress]:
    """Each reviewer's assigned live claims, done and waiting (:class:`Progress`), by username, for
    the project's reviewers and the editors and admins who have assignments; one query.
    ``waiting`` is :func:`annotations.selectors.awaiting_verdict_of`'s rule, asked for each
    reviewer in turn. A member who does not see everything gets their own row only (none below
    reviewer): who has judged which claims is blind review's to hide."""
    # The claims are counted in subqueries of the membership row, whose rules nest one level
    # deeper still: the reviewer is the membership's user, two levels out.
    reviewer = OuterRef(OuterRef("user"))
    assigned = live_claims(project).filter(assigned_to(reviewer))
    judged = Exists(Verdict.objects.filter(reviewer=reviewer, annotation=OuterRef("pk")))
    reviewers = reviewers_of(project)
    if not sees_everything(user, project):
        reviewers = reviewers.filter(user=user)
    rows = reviewers.annotate(
        n_assigned=count_of(assigned),
        n_done=count_of(assigned.filter(judged)),
        n_waiting=count_of(awaiting_verdict_of(reviewer, assigned).filter(awaits_me=True)),
    ).filter(Q(role=Role.REVIEWER) | Q(n_assigned__gt=0))
    return [
        Progress(username=row.user.username, assigned=row.n_assigned, done=row.n_done, waiting=row.n_waiting)
        for row in rows
    ]

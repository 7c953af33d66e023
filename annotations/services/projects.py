"""Projects and their members: every write to them goes through these functions."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from annotations.models import Membership, Project, Role
from annotations.models.projects import DEFAULT_REQUIRED_VERDICTS
from annotations.permissions import get_project_for, require_role
from annotations.services.assignments import withdraw_assignments_of
from annotations.services.locks import lock_claims_where, lock_project
from annotations.services.review import refresh_statuses
from workbench.errors import StateConflict

User = get_user_model()


@transaction.atomic
def create_project(*, creator, name: str, required_verdicts: int = DEFAULT_REQUIRED_VERDICTS) -> Project:
    """Create a project with ``creator`` as its first admin."""
    project = Project(name=name, required_verdicts=required_verdicts, created_by=creator)
    project.full_clean()
    project.save()
    Membership.objects.create(project=project, user=creator, role=Role.ADMIN)
    project.my_role = Role.ADMIN
    return project


@transaction.atomic
def update_project(*, actor, project_id: int, **changes) -> Project:
    """Change a project's settings (admins only). Locks the project row; a new number of required
    verdicts re-derives the status of every claim in the project."""
    project = lock_project(get_project_for(actor, project_id, role=Role.ADMIN))
    return change_project_settings(project=project, **changes)


@transaction.atomic
def change_project_settings(*, project: Project, **changes) -> Project:
    """Apply ``changes`` to ``project`` (its row locked by the caller) and re-derive the status of
    every claim when the number of required verdicts changed: the checks of data behind
    ``update_project``, without its check of people, for callers that decide who may (the admin).
    Raises ValidationError keyed by field."""
    required_before = project.required_verdicts
    for field, value in changes.items():
        setattr(project, field, value)
    project.full_clean()
    project.save(update_fields=list(changes))
    if project.required_verdicts != required_before:
        # Statuses depend on how many verdicts a claim needs.
        refresh_statuses(lock_claims_where(article__project=project))
    return project


def find_user(username: str):
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise ValidationError(
            {"username": [f"There is no user named “{username}”."]}, code="unknown_user"
        ) from None


@transaction.atomic
def add_member(*, actor, project_id: int, username: str, role: Role) -> Membership:
    """Add a user to a project (admins only). Raises StateConflict when the user is a member already."""
    project = get_project_for(actor, project_id, role=Role.ADMIN, lock=True)
    user = find_user(username)
    try:
        with transaction.atomic():
            return Membership.objects.create(project=project, user=user, role=role)
    except IntegrityError:
        raise StateConflict(
            {"username": [f"“{username}” is already a member of this project."]}, code="duplicate_member"
        ) from None


def get_member(project: Project, username: str) -> Membership:
    membership = (
        Membership.objects.select_related("user").filter(project=project, user__username=username).first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


def ensure_an_admin_remains(project: Project, leaving: Membership) -> None:
    others = Membership.objects.filter(project=project, role=Role.ADMIN).exclude(pk=leaving.pk)
    if leaving.role == Role.ADMIN and not others.exists():
        raise ValidationError(
            {"role": ["A project needs at least one admin; make someone else admin first."]},
            code="last_admin",
        )


@transaction.atomic
def change_member_role(*, actor, project_id: int, username: str, role: Role) -> Membership:
    """Change a member's role (admins only). The last admin cannot step down. A member who no
    longer reviews (made annotator) has their assignments withdrawn.

    Locks the project row, so two admins demoting each other at once cannot leave it without one.
    """
    project = get_project_for(actor, project_id, role=Role.ADMIN, lock=True)
    membership = get_member(project, username)
    if role != Role.ADMIN:
        ensure_an_admin_remains(project, membership)
    if role < Role.REVIEWER <= membership.role:
        withdraw_assignments_of(actor=actor, project=project, user=membership.user)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, actor, project_id: int, username: str) -> None:
    """Remove a member (admins only). The last admin cannot be removed. Their assignments are
    withdrawn (recorded in history); their verdicts stay. Locks the project row."""
    project = get_project_for(actor, project_id, role=Role.ADMIN, lock=True)
    membership = get_member(project, username)
    ensure_an_admin_remains(project, membership)
    withdraw_assignments_of(actor=actor, project=project, user=membership.user)
    membership.delete()


@transaction.atomic
def set_review_blind(*, actor, project_id: int, username: str, review_blind: bool) -> Membership:
    """Switch blind review on or off for an editor or admin of the project: while it is on, their
    reads of claims they have not judged are blind like a reviewer's, so their verdicts count as
    independent. Members change their own; admins anyone's. Reviewers always review blind.

    Raises Http404 (not a member), PermissionDenied (someone else's, not an admin), ValidationError
    (the member is below editor).
    """
    project = get_project_for(actor, project_id)
    membership = get_member(project, username)
    if membership.user_id != actor.pk:
        require_role(actor, project, Role.ADMIN)
    if membership.role < Role.EDITOR:
        raise ValidationError(
            {
                "review_blind": [
                    "Reviewers and annotators always review blind; this is for editors and admins."
                ]
            },
            code="always_blind",
        )
    membership.review_blind = review_blind
    membership.save(update_fields=["review_blind"])
    return membership


@transaction.atomic
def change_member(
    *, actor, project_id: int, username: str, role: Role | None = None, review_blind: bool | None = None
) -> Membership:
    """Change a member's role (:func:`change_member_role`) and blind review switch
    (:func:`set_review_blind`) together, all or nothing; either may be left as it is (None)."""
    membership = None
    if role is not None:
        membership = change_member_role(actor=actor, project_id=project_id, username=username, role=role)
    if review_blind is not None:
        membership = set_review_blind(
            actor=actor, project_id=project_id, username=username, review_blind=review_blind
        )
    if membership is None:
        raise ValidationError({"non_field_errors": ["Send a role, review_blind or both."]}, code="nothing")
    return membership

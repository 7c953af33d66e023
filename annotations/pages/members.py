"""A project's members: adding them and changing or removing their roles (admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from annotations.models import Role
from annotations.pages.context import paginate, project_context, project_for
from annotations.pages.forms import (
    AddMemberForm,
    MemberRoleForm,
    add_service_error,
)
from annotations.selectors import (
    members_of,
)
from annotations.services.projects import add_member, change_member_role, remove_member, set_review_blind

MEMBERS_PAGE_SIZE = 50


def member_auto_id(username: str) -> str:
    # Usernames hold no white space, so they make unique ids for each member's row.
    return f"id_member-{username}_%s"


def member_list_response(
    request, project, *, add_form=None, bound: dict | None = None, refusals: dict | None = None, status=200
):
    """The members page; ``bound`` holds a row's role form with its errors, ``refusals`` the
    reasons a removal was refused, both by username."""
    context = project_context(project, "members")
    page = paginate(request, members_of(project), MEMBERS_PAGE_SIZE)
    bound, refusals = bound or {}, refusals or {}
    for membership in page:
        username = membership.user.username
        membership.role_label = Role(membership.role).label
        membership.refusals = refusals.get(username, [])
        membership.blind_switch = membership.role >= Role.EDITOR and (
            context["is_admin"] or membership.user_id == request.user.pk
        )
        if context["is_admin"]:
            form = bound.get(username) or MemberRoleForm(
                initial={"role": Role(membership.role).slug}, auto_id=member_auto_id(username)
            )
            form.fields["role"].label = f"Role of {username}"
            membership.role_form = form
    if context["is_admin"]:
        add_form = add_form or AddMemberForm(auto_id="id_new_%s")
    context.update(page=page, add_form=add_form)
    return render(request, "annotations/member_list.html", context, status=status)


@login_required
@require_GET
def member_list(request, project_id):
    return member_list_response(request, project_for(request, project_id))


@login_required
@require_POST
def member_add(request, project_id):
    project = project_for(request, project_id)
    form = AddMemberForm(request.POST, auto_id="id_new_%s")
    if form.is_valid():
        try:
            membership = add_member(
                actor=request.user,
                project_id=project.id,
                username=form.cleaned_data["username"],
                role=form.cleaned_role(),
            )
        except ValidationError as error:
            add_service_error(form, error)
    if form.errors:
        return member_list_response(request, project, add_form=form, status=400)
    messages.success(request, f"{membership.user.username} joined as {Role(membership.role).label.lower()}.")
    return redirect("annotations:member-list", project_id=project.id)


@login_required
@require_POST
def member_change(request, project_id, username):
    project = project_for(request, project_id)
    form = MemberRoleForm(request.POST, auto_id=member_auto_id(username))
    if form.is_valid():
        try:
            membership = change_member_role(
                actor=request.user, project_id=project.id, username=username, role=form.cleaned_role()
            )
        except ValidationError as error:
            add_service_error(form, error)
    if form.errors:
        return member_list_response(request, project, bound={username: form}, status=400)
    messages.success(request, f"{username} is now {Role(membership.role).label.lower()}.")
    if membership.user_id == request.user.pk and membership.role < Role.ADMIN:
        return redirect("annotations:project-home", project_id=project.id)
    return redirect("annotations:member-list", project_id=project.id)


@login_required
@require_POST
def member_remove(request, project_id, username):
    project = project_for(request, project_id)
    try:
        remove_member(actor=request.user, project_id=project.id, username=username)
    except ValidationError as error:
        reasons = [reason for reasons in error.message_dict.values() for reason in reasons]
        return member_list_response(request, project, refusals={username: reasons}, status=400)
    messages.success(request, f"{username} is no longer a member of {project.name}.")
    if username == request.user.username:
        return redirect("home")
    return redirect("annotations:member-list", project_id=project.id)


@login_required
@require_POST
def member_review_blind(request, project_id, username):
    """Switch blind review on (``review_blind=on``) or off for an editor or admin."""
    project = project_for(request, project_id)
    review_blind = request.POST.get("review_blind") == "on"
    try:
        set_review_blind(
            actor=request.user, project_id=project.id, username=username, review_blind=review_blind
        )
    except ValidationError as error:
        reasons = [reason for reasons in error.message_dict.values() for reason in reasons]
        return member_list_response(request, project, refusals={username: reasons}, status=400)
    who = "You review" if username == request.user.username else f"{username} reviews"
    if review_blind:
        messages.success(
            request,
            f"{who} blind now: verdicts on claims not yet judged stay hidden until the verdict is given.",
        )
    else:
        messages.success(request, f"{who} with every verdict in view again.")
    return redirect("annotations:member-list", project_id=project.id)

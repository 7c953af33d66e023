"""Sharing work out: a project's assignments, and the editors' forms that assign an article to a
reviewer or withdraw an assignment. Single claims are assigned through the API.

Every member sees who is assigned what; the services check again that the actor edits the project.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from annotations.models import Role
from annotations.pages.context import paginate, project_context, project_for, safe_next
from annotations.pages.forms import PageForm, add_service_error
from annotations.selectors.articles import chooser_articles
from annotations.selectors.assignments import project_assignments, reviewers_of
from annotations.services.assignments import assign, unassign
from workbench.errors import StateConflict


class AssignArticleForm(PageForm):
    id_prefix = "assign"

    article = forms.TypedChoiceField(coerce=int, label="Article")
    assignee = forms.ChoiceField(label="Reviewer", help_text="Reviewers, editors and admins of the project.")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.data.get("article") if self.is_bound else self.initial.get("article")
        self.fields["article"].choices = [("", "Choose an article"), *chooser_articles(project, chosen)]
        self.fields["assignee"].choices = [("", "Choose a reviewer")] + [
            (member.user.username, member.user.username) for member in reviewers_of(project)
        ]


def list_response(request, project, *, form=None, status: int = 200):
    context = project_context(project, "articles")
    if context["can_edit"] and form is None:
        form = AssignArticleForm(project=project, initial={"article": request.GET.get("article")})
    context.update(form=form, page=paginate(request, project_assignments(project)))
    return render(request, "annotations/assignments.html", context, status=status)


@login_required
def assignment_list(request, project_id):
    """GET: the project's assignments, and for editors the form; POST (editors): assign an article."""
    if request.method != "POST":
        return list_response(request, project_for(request, project_id))
    project = project_for(request, project_id, role=Role.EDITOR)
    form = AssignArticleForm(request.POST, project=project)
    if form.is_valid():
        try:
            assignment = assign(
                editor=request.user,
                project_id=project.pk,
                assignee=form.cleaned_data["assignee"],
                article_id=form.cleaned_data["article"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return list_response(
                request, project, form=form, status=409 if isinstance(error, StateConflict) else 400
            )
        messages.success(
            request, f"“{assignment.article.title}” is assigned to {assignment.assignee.username}."
        )
        return redirect(safe_next(request, reverse("annotations:assignment-list", args=[project.pk])))
    return list_response(request, project, form=form, status=400)


@login_required
@require_POST
def assignment_remove(request, project_id, assignment_id):
    project = project_for(request, project_id, role=Role.EDITOR)
    unassign(editor=request.user, project_id=project.pk, assignment_id=assignment_id)
    messages.success(request, "The assignment is withdrawn; verdicts given meanwhile stay.")
    return redirect(safe_next(request, reverse("annotations:assignment-list", args=[project.pk])))

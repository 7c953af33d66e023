"""A project's evidence sources, as blind review lets the member see them, and editors rating
their reliability."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from annotations.models import Role
from annotations.pages.context import paginate, project_context, project_for, safe_next
from annotations.pages.forms import (
    SourceFilterForm,
    SourceReliabilityForm,
    add_service_error,
)
from annotations.selectors import sources_visible_to
from sources.services import update_source


def source_list_response(request, project, *, bound: dict | None = None, status: int = 200):
    form = SourceFilterForm(request.GET or None)
    sources = sources_visible_to(request.user).filter(project=project).order_by("url", "id")
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            sources = sources.search(q)
        if kind := form.cleaned_data["kind"]:
            sources = sources.filter(kind=kind)
        if reliability := form.cleaned_data["reliability"]:
            sources = sources.filter(effective_reliability="" if reliability == "unrated" else reliability)
    page = paginate(request, sources)
    context = project_context(project, "sources")
    if context["can_edit"]:
        bound = bound or {}
        for source in page:
            source.reliability_form = bound.get(source.pk) or SourceReliabilityForm(
                initial={"reliability": source.reliability}, auto_id=f"id_source{source.pk}_%s"
            )
    context.update(form=form, page=page)
    return render(request, "annotations/source_list.html", context, status=400 if form.errors else status)


@login_required
@require_GET
def source_list(request, project_id):
    return source_list_response(request, project_for(request, project_id))


@login_required
@require_POST
def source_reliability(request, source_id):
    source = get_object_or_404(sources_visible_to(request.user), pk=source_id)
    project = project_for(request, source.project_id, role=Role.EDITOR)
    form = SourceReliabilityForm(request.POST, auto_id=f"id_source{source.pk}_%s")
    if form.is_valid():
        try:
            update_source(source=source, reliability=form.cleaned_data["reliability"])
        except ValidationError as error:
            add_service_error(form, error)
    if form.errors:
        return source_list_response(request, project, bound={source.pk: form}, status=400)
    label = form.cleaned_data["reliability"] or "inherited from its domain"
    messages.success(request, f"The reliability of {source.title or source.url} is now {label}.")
    return redirect(safe_next(request, reverse("annotations:source-list", args=[project.id])))

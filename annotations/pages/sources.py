"""A project's evidence sources, as blind review lets the member see them, with how many claims
cite each; a source's page, where editors describe it (kind, title, publisher) and rate its
reliability."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from annotations.models import Evidence, Role
from annotations.pages.context import paginate, project_context, project_for, safe_next
from annotations.pages.forms import (
    PageForm,
    SourceFilterForm,
    SourceReliabilityForm,
    add_service_error,
)
from annotations.selectors import adjudications_visible_to, evidence_visible_to, sources_visible_to
from sources.models import SOURCE_PUBLISHER_MAX_LENGTH, SOURCE_TITLE_MAX_LENGTH, Kind, Reliability
from sources.selectors import with_citing_claims
from sources.services import update_source


def citations_visible_to(user) -> QuerySet[Evidence]:
    """The evidence a member may count, each with its ``claim``: that of the verdicts blind review
    reveals to them (their own included) and of the adjudications they may see. Counting any other
    citation would tell a blind reviewer which sources hidden verdicts cite."""
    return Evidence.objects.filter(
        Q(pk__in=evidence_visible_to(user).values("pk"))
        | Q(adjudication__in=adjudications_visible_to(user).values("pk"))
    ).annotate(claim=Coalesce("verdict__annotation", "adjudication__annotation"))


def sources_counted_for(user) -> QuerySet:
    """The sources the user may see (:func:`annotations.selectors.sources_visible_to`), each with
    ``n_claims``, the claims citing it that the user may count."""
    return with_citing_claims(sources_visible_to(user), citations_visible_to(user))


def source_list_response(request, project, *, bound: dict | None = None, status: int = 200):
    form = SourceFilterForm(request.GET or None)
    sources = sources_counted_for(request.user).filter(project=project).order_by("url", "id")
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


class SourceForm(PageForm):
    """What an editor says of a source: its kind, title, publisher and own reliability."""

    id_prefix = "source"

    kind = forms.ChoiceField(choices=Kind.choices, label="Kind")
    title = forms.CharField(required=False, max_length=SOURCE_TITLE_MAX_LENGTH, label="Title")
    publisher = forms.CharField(required=False, max_length=SOURCE_PUBLISHER_MAX_LENGTH, label="Publisher")
    reliability = forms.ChoiceField(
        required=False,
        choices=[("", "Inherit from its domain"), *Reliability.choices],
        label="Reliability",
        help_text="Its own rating; blank takes the rating of its publisher's domain, if any.",
    )


@login_required
def source_detail(request, source_id):
    """GET: one source as blind review lets the member see it, with the claims citing it they may
    count; POST (editors): change its kind, title, publisher and reliability. Bad input is shown on
    the form with a 400 and changes nothing."""
    source = get_object_or_404(sources_counted_for(request.user), pk=source_id)
    project = project_for(
        request, source.project_id, role=Role.EDITOR if request.method == "POST" else Role.ANNOTATOR
    )
    context = project_context(project, "sources")
    fields = {name: getattr(source, name) for name in SourceForm.base_fields}
    form = SourceForm(request.POST if request.method == "POST" else None, initial=fields)
    if request.method == "POST" and form.is_valid():
        try:
            update_source(source=source, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['title'] or source.url} is saved.")
            return redirect("annotations:source-detail", source_id=source.pk)
        # The failed update changed the object in memory only; show it as it stands.
        source = get_object_or_404(sources_counted_for(request.user), pk=source_id)
    context.update(source=source, form=form if context["can_edit"] else None)
    return render(request, "annotations/source_detail.html", context, status=400 if form.errors else 200)

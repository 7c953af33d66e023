"""The article reader: the text with its highlighted claims, and highlighting a new one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from annotations.models import Status
from annotations.pages.claims import claim_url, panel_context
from annotations.pages.context import json_requested, project_context
from annotations.pages.forms import (
    AnnotateForm,
    add_service_error,
)
from annotations.permissions import (
    get_article_for,
    role_in,
)
from annotations.selectors import (
    claim_for,
    claims_of_article,
)
from annotations.services.annotations import create_annotation


def reader_context(request, article, *, current: int | None = None, annotate_form=None) -> dict:
    """Everything the reader shows around the claim panel: a fixed number of queries."""
    project = article.project
    project.my_role = role_in(request.user, project)
    context = project_context(project, "articles")
    claims = claims_of_article(request.user, article)
    context.update(
        article=article,
        revision=article.current_revision,
        claims=claims,
        current=current,
        annotate_form=annotate_form or AnnotateForm(initial={"revision": article.current_revision_id}),
        status_choices=Status.choices,
    )
    return context


@login_required
@require_GET
def article_detail(request, article_id):
    article = get_article_for(request.user, article_id)
    current = None
    claim_id = request.GET.get("claim", "")
    if claim_id.isdigit():
        current = int(claim_id)
    context = reader_context(request, article, current=current)
    if current is not None:
        claim = claim_for(request.user, current)
        if claim.article_id != article.id:
            raise Http404("No such claim in this article.")
        context.update(panel_context(request, claim))
    return render(request, "annotations/article_detail.html", context)


@login_required
@require_POST
def annotation_create(request, article_id):
    article = get_article_for(request.user, article_id)
    form = AnnotateForm(request.POST, article=article)
    if form.is_valid():
        try:
            annotation, created = create_annotation(
                author=request.user, article_id=article.id, **form.selection()
            )
        except ValidationError as error:
            add_service_error(form, error)
    if form.errors:
        if json_requested(request):
            return JsonResponse({"errors": form.messages()}, status=400)
        context = reader_context(request, article, annotate_form=form)
        return render(request, "annotations/article_detail.html", context, status=400)
    url = claim_url(annotation)
    if json_requested(request):
        return JsonResponse(
            {"id": annotation.id, "created": created, "url": url}, status=201 if created else 200
        )
    if created:
        messages.success(request, "The claim is highlighted.")
    else:
        messages.info(request, "These exact words were highlighted already; here is that claim.")
    return HttpResponseRedirect(url)

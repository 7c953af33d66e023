"""The article reader: the text with its highlighted claims, highlighting a new one (or a
suggested sentence: :mod:`annotations.selectors.suggestions`), and correcting a highlight
(re-cutting its words, deleting it) from the claim panel."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from annotations.models import Status
from annotations.pages.claims import claim_url, panel_context
from annotations.pages.context import json_requested, project_context
from annotations.pages.forms import (
    AnnotateForm,
    DeleteClaimForm,
    RecutForm,
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
from annotations.selectors.suggestions import suggested_claims
from annotations.services.annotations import create_annotation, delete_annotation, update_annotation
from workbench.errors import PreconditionFailed, StateConflict

# A claim is a sentence or two. A selection that crosses a paragraph break, holds more sentence
# ends than LONG_SELECTION_SENTENCES or more code points than LONG_SELECTION_LENGTH (a drag that
# started off screen, say) is saved only once the person confirms it.
LONG_SELECTION_LENGTH = 400
LONG_SELECTION_SENTENCES = 2
# A full stop, question or exclamation mark (closing quotes and brackets may follow) before white
# space or the end: "1.4 million" holds none.
SENTENCE_END = re.compile(r"[.!?…]+[\"'\u201d\u2019)\]]*(?=\s|$)")


def long_selection(quote: str) -> str:
    """Why ``quote`` is too long to save without asking, as a sentence; "" when it is not."""
    if "\n" in quote:
        reason = "crosses a paragraph break"
    elif len(quote) > LONG_SELECTION_LENGTH:
        reason = f"is {len(quote):,} characters long"
    elif (sentences := len(SENTENCE_END.findall(quote))) > LONG_SELECTION_SENTENCES:
        reason = f"holds {sentences} sentences"
    else:
        return ""
    return (
        f"This selection {reason}; a claim is usually a sentence or two. Check the selected words, "
        "then save this long highlight, or select the words again."
    )


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
        suggestions=suggested_claims(request.user, article, claims=claims),
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
    warning = ""
    if form.is_valid() and not form.cleaned_data["confirm_long"]:
        warning = long_selection(form.cleaned_data["quote"])
        if warning:
            form.add_error(None, ValidationError(warning, code="long_selection"))
    if form.is_valid():
        try:
            annotation, created = create_annotation(
                author=request.user, article_id=article.id, **form.selection()
            )
        except ValidationError as error:
            add_service_error(form, error)
    if form.errors:
        if json_requested(request):
            return JsonResponse({"errors": form.messages(), "confirm": bool(warning)}, status=400)
        context = reader_context(request, article, annotate_form=form)
        context["long_selection"] = warning
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


def reader_with_panel(request, annotation, *, status: int, **extra):
    """The reader with this claim's panel open, carrying a refused correction's form or message."""
    context = reader_context(request, annotation.article, current=annotation.id)
    context.update(panel_context(request, annotation, conflict=extra.pop("conflict", "")))
    context.update(extra)
    return render(request, "annotations/article_detail.html", context, status=status)


def correct(request, annotation, form, write, *, form_name: str, stale: str):
    """Run one correction of the claim (a re-cut, a deletion) from its panel's ``form`` (in the
    panel's context as ``form_name``), ``write`` taking its cleaned data. Returns
    ``(result, None)``, or ``(None, response)``: the reader again with the form carrying why
    nothing changed (400 for the form's or the service's field, 409 for the claim's state), or,
    when the claim changed since the panel was opened, the claim as it is now with ``stale``
    (412)."""
    status = 400
    if form.is_valid():
        try:
            return write(form.cleaned_data), None
        except StateConflict as error:
            form.add_error(None, error)
            status = 409
        except ValidationError as error:
            add_service_error(form, error)
        except PreconditionFailed:
            fresh = claim_for(request.user, annotation.id)
            return None, reader_with_panel(request, fresh, status=412, conflict=stale)
    return None, reader_with_panel(request, annotation, status=status, **{form_name: form})


@login_required
@require_POST
def annotation_recut(request, annotation_id):
    """Move the claim's start or end (the panel's word keys, or a new selection). The service
    decides whether its verdicts stay (small re-cuts) or the re-cut is refused."""
    annotation = claim_for(request.user, annotation_id)
    fresh, refused = correct(
        request,
        annotation,
        RecutForm(request.POST),
        lambda data: update_annotation(
            actor=request.user,
            annotation_id=annotation.id,
            expected_version=data["version"],
            start=data["start"],
            end=data["end"],
        ),
        form_name="recut_form",
        stale=(
            "This claim was changed by someone else after the panel was opened, so its words were not "
            "moved. Its words as they are now are shown; re-cut them again if they still need it."
        ),
    )
    if refused:
        return refused
    if (fresh.start, fresh.end) == (annotation.start, annotation.end):
        messages.info(request, "The highlight already covers these words; nothing changed.")
    else:
        messages.success(request, f"The highlight now reads “{fresh.quote[:200]}”.")
    return HttpResponseRedirect(claim_url(fresh))


@login_required
@require_POST
def annotation_delete(request, annotation_id):
    """Delete the claim: its author while nobody has judged it, editors always (the service decides)."""
    annotation = claim_for(request.user, annotation_id)
    _deleted, refused = correct(
        request,
        annotation,
        DeleteClaimForm(request.POST),
        lambda data: delete_annotation(
            actor=request.user, annotation_id=annotation.id, expected_version=data["version"]
        ),
        form_name="delete_form",
        stale=(
            "This claim was changed by someone else after the panel was opened, so it was not deleted. "
            "Look at it as it is now, then delete it again if it still should go."
        ),
    )
    if refused:
        return refused
    messages.success(request, f"Claim #{annotation.id} is deleted; its history keeps a record of it.")
    return HttpResponseRedirect(reverse("annotations:article-detail", args=[annotation.article_id]))

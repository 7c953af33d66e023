"""`n` in the reader: the next claim awaiting my verdict in the project, whichever article it is in
(:func:`annotations.selectors.next_claim.next_claim_awaiting` finds it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from annotations.pages.claims import claim_url
from annotations.pages.context import json_requested, project_for
from annotations.permissions import get_annotation_for
from annotations.selectors.next_claim import next_claim_awaiting

NOTHING_AWAITS = "No other claim in this project awaits your verdict."


def number(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
@require_GET
def next_claim(request, project_id):
    """Go to the next claim awaiting my verdict after ``?after=<claim>`` (or from the start of
    ``?article=<article>``); JSON ``{id, article, url}`` for the reader's script, else a redirect.
    When none awaits: ``url`` null and a message, or back to where the reviewer was."""
    project = project_for(request, project_id)
    after = None
    if (after_id := number(request, "after")) is not None:
        after = get_annotation_for(request.user, after_id)
        if after.article.project_id != project.id:
            raise Http404("No such claim in this project.")
    article_id = number(request, "article")
    found = next_claim_awaiting(request.user, project, after=after, article_id=article_id)
    if json_requested(request):
        if found is None:
            return JsonResponse({"id": None, "article": None, "url": None, "message": NOTHING_AWAITS})
        return JsonResponse({"id": found.id, "article": found.article_id, "url": claim_url(found)})
    if found is not None:
        return HttpResponseRedirect(claim_url(found))
    messages.info(request, NOTHING_AWAITS)
    if after is not None:
        return HttpResponseRedirect(claim_url(after))
    return HttpResponseRedirect(reverse("annotations:queue", args=[project.id, "to-review"]))

"""The claim panel's "Checked before" section: claims likely the same as this one, loaded apart
from the panel (the panel's own queries stay as they are), and editors' same-claim links.

The panel holds a link to :func:`checked_before`; static/js/similar.js replaces it with the list
(``X-Fragment: similar``), and its link buttons post to :func:`same_claim`, which answers the list
again. Without JavaScript the link opens the list as a page, and the buttons come back to it.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from annotations.models import Role
from annotations.pages.context import abilities, project_context
from annotations.permissions import require_role
from annotations.selectors import claim_for
from annotations.selectors.similar import similar_claims
from annotations.services.matching import link_claims, unlink_claims

# Matches the panel shows.
PANEL_MATCHES = 5


class SameClaimForm(forms.Form):
    same_as = forms.IntegerField(min_value=1, error_messages={"required": "Name the claim to link."})
    unlink = forms.BooleanField(required=False)


def fragment_requested(request) -> bool:
    return request.headers.get("X-Fragment") == "similar"


def render_similar(request, annotation, *, notice: str = "", status: int = 200):
    """The list alone (for similar.js) or as the claim's "checked before" page."""
    role = Role(annotation.my_role)
    annotation.article.project.my_role = role
    context = {
        "claim": annotation,
        "claim_abilities": abilities(role),
        "similar_claims": similar_claims(request.user, annotation, limit=PANEL_MATCHES),
        "notice": notice,
    }
    if fragment_requested(request):
        response = render(request, "annotations/similar_claims.html#list", context, status=status)
    else:
        context.update(project_context(annotation.article.project, "articles"))
        response = render(request, "annotations/similar_claims.html", context, status=status)
    patch_vary_headers(response, ["X-Fragment"])
    return response


@login_required
@require_GET
def checked_before(request, annotation_id):
    return render_similar(request, claim_for(request.user, annotation_id))


@login_required
@require_POST
def same_claim(request, annotation_id):
    """Link the claim as the same claim as ``same_as``, or unlink the two (editors); answers the
    list with what was done or why not (a page: back to the list, with a message)."""
    annotation = claim_for(request.user, annotation_id)
    require_role(request.user, annotation.article.project, Role.EDITOR)
    form = SameClaimForm(request.POST)
    notice, status = "", 200
    if form.is_valid():
        same_as, unlink = form.cleaned_data["same_as"], form.cleaned_data["unlink"]
        try:
            if unlink:
                unlink_claims(editor=request.user, annotation_id=annotation.id, same_as_id=same_as)
                notice = f"Claim #{same_as} is no longer linked to this one."
            else:
                link_claims(editor=request.user, annotation_id=annotation.id, same_as_id=same_as)
                notice = f"Linked: this is the same claim as #{same_as}."
        except ValidationError as error:
            reasons = (message for messages_ in error.message_dict.values() for message in messages_)
            notice, status = f"Not linked: {'; '.join(reasons)}", 400
    else:
        reasons = (error for errors in form.errors.values() for error in errors)
        notice, status = f"Not linked: {'; '.join(reasons)}", 400
    if fragment_requested(request):
        return render_similar(request, claim_for(request.user, annotation_id), notice=notice, status=status)
    if status == 200:
        messages.success(request, notice)
        return redirect(reverse("annotations:annotation-checked-before", args=[annotation.id]))
    return render_similar(request, annotation, notice=notice, status=status)

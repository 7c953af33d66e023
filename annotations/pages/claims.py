"""One claim's panel: its claim text, my verdict and its form, others' verdicts as blind review
allows, re-opening; alone for the reader's script (``X-Fragment: panel``) or as the claim's page.

A service's ValidationError is shown next to its field, a StateConflict (the claim was resolved
meanwhile) above the current state with status 409, a stale version with status 412.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from annotations.exports.claimreview import claim_review, json_ld_script, published_reviews
from annotations.models import PUBLISHED_STATUSES, Role, Status
from annotations.models.annotations import CONTEXT_WIDTH
from annotations.pages.context import EVIDENCE_PREFIX, abilities, fragment_requested, project_context
from annotations.pages.forms import (
    ClaimForm,
    EvidenceFormSet,
    ReopenForm,
    VerdictForm,
    add_service_error,
)
from annotations.permissions import can_change_annotation, can_judge
from annotations.selectors import (
    claim_for,
    claim_history,
    visible_verdicts,
)
from annotations.services.annotations import RECUT_SMALL_WORDS, update_annotation
from annotations.services.review import (
    reopen,
)
from annotations.services.verdicts import edit_verdict, submit_verdict
from workbench.errors import PreconditionFailed, StateConflict

PANEL_HISTORY_ITEMS = 8


def claim_url(annotation) -> str:
    return f"{reverse('annotations:article-detail', args=[annotation.article_id])}?claim={annotation.id}"


def my_verdict(annotation, user):
    return next(
        (verdict for verdict in visible_verdicts(annotation, user) if verdict.reviewer_id == user.pk), None
    )


def evidence_rows(verdict) -> list[tuple[str, str, str, str]]:
    return [
        (piece.source.url, piece.source.title, piece.stance, piece.quote) for piece in verdict.evidence.all()
    ]


def verdict_forms(mine=None):
    """Unbound verdict and evidence forms, filled with ``mine`` when the reviewer has a verdict."""
    if mine is None:
        return VerdictForm(), EvidenceFormSet(prefix=EVIDENCE_PREFIX)
    form = VerdictForm(
        initial={
            "rating": mine.rating,
            "confidence": mine.confidence,
            "rationale": mine.rationale,
            "version": mine.version,
        }
    )
    evidence = EvidenceFormSet(
        prefix=EVIDENCE_PREFIX,
        initial=[
            {
                "url": piece.source.url,
                "title": piece.source.title,
                "stance": piece.stance,
                "quote": piece.quote,
            }
            for piece in mine.evidence.all()
        ],
    )
    return form, evidence


def claimreview_snippet(user, annotation) -> str:
    """The claim's ClaimReview as an embeddable ``<script>`` element when it is published, else ""."""
    # Only agreed and resolved claims are published: the others need no query.
    if annotation.status not in PUBLISHED_STATUSES:
        return ""
    project = annotation.article.project
    published = published_reviews(user, project).filter(pk=annotation.pk).first()
    return json_ld_script(claim_review(published, project)) if published else ""


def panel_context(
    request,
    annotation,
    *,
    verdict_form=None,
    evidence_formset=None,
    claim_form=None,
    notice: str = "",
    conflict: str = "",
) -> dict:
    """The claim panel: the claim, my verdict and its form, others' verdicts as blind review
    allows, status and recent history."""
    user = request.user
    role = Role(annotation.my_role)
    annotation.article.project.my_role = role
    verdicts = visible_verdicts(annotation, user)
    mine = my_verdict(annotation, user)
    judging = can_judge(user, annotation)
    if judging and verdict_form is None:
        verdict_form, evidence_formset = verdict_forms(mine)
    can_change = can_change_annotation(user, annotation)
    if can_change and claim_form is None:
        claim_form = ClaimForm(initial={"claim": annotation.claim, "version": annotation.version})
    return {
        "claim": annotation,
        "claim_abilities": abilities(role),
        "my_verdict": mine,
        "claim_changed_since_mine": bool(
            mine and annotation.claim_changed_at and annotation.claim_changed_at > mine.updated_at
        ),
        "other_verdicts": [verdict for verdict in verdicts if verdict.reviewer_id != user.pk],
        "revealed": annotation.revealed,
        "can_judge": judging,
        "verdict_form": verdict_form if judging else None,
        "evidence_formset": evidence_formset if judging else None,
        "claim_form": claim_form if can_change else None,
        "claim_history": list(claim_history(user, annotation.pk)[:PANEL_HISTORY_ITEMS]),
        "claim_tags": sorted(tag.name for tag in annotation.tags.all()),
        "rating_choices": list(enumerate(VerdictForm.base_fields["rating"].choices, start=1)),
        "notice": notice,
        "conflict": conflict,
        "context_width": CONTEXT_WIDTH,
        "claimreview_snippet": claimreview_snippet(user, annotation),
        "recut_small_words": RECUT_SMALL_WORDS,
    }


def render_panel(request, annotation, *, status: int = 200, reopen_form=None, **forms):
    """The claim panel alone (for the reader's script) or the claim's page; ``reopen_form`` is the
    bound re-open form when re-opening was refused."""
    context = panel_context(request, annotation, **forms)
    context["reopen_form"] = reopen_form
    if fragment_requested(request):
        response = render(request, "annotations/claim.html#panel", context, status=status)
    else:
        project = annotation.article.project
        context.update(project_context(project, "articles"))
        response = render(request, "annotations/claim.html", context, status=status)
    patch_vary_headers(response, ["X-Fragment"])
    return response


@login_required
@require_GET
def annotation_detail(request, annotation_id):
    return render_panel(request, claim_for(request.user, annotation_id))


def evidence_unchanged(mine, items: list[dict]) -> bool:
    """Whether the rows repeat the verdict's evidence, so that saving it again records nothing."""
    before = [
        (piece.source.url, piece.source.title, piece.stance, piece.quote) for piece in mine.evidence.all()
    ]
    after = [(item["url"], item["title"] or "", item["stance"], item["quote"]) for item in items]
    return before == after


@login_required
@require_POST
def verdict_save(request, annotation_id):
    """Give a verdict, or change one's own (the form carries the version it was rendered with)."""
    annotation = claim_for(request.user, annotation_id)
    mine = next(
        (v for v in visible_verdicts(annotation, request.user) if v.reviewer_id == request.user.pk), None
    )
    form = VerdictForm(request.POST)
    evidence = EvidenceFormSet(request.POST, prefix=EVIDENCE_PREFIX)
    if not (form.is_valid() and evidence.is_valid()):
        return render_panel(request, annotation, status=400, verdict_form=form, evidence_formset=evidence)
    version = form.cleaned_data["version"]
    items = evidence.items()
    try:
        if version is None or mine is None:
            submit_verdict(
                reviewer=request.user, annotation_id=annotation.id, evidence=items, **form.verdict_fields()
            )
            notice = "Your verdict is saved."
        else:
            edit_verdict(
                reviewer=request.user,
                verdict_id=mine.id,
                expected_version=version,
                evidence=None if evidence_unchanged(mine, items) else items,
                **form.verdict_fields(),
            )
            notice = "Your verdict is changed."
    except StateConflict as error:
        fresh = claim_for(request.user, annotation_id)
        form, evidence = rebound_to_current(request, fresh)
        form.add_error(None, error)
        return render_panel(request, fresh, status=409, verdict_form=form, evidence_formset=evidence)
    except ValidationError as error:
        add_service_error(form, error)
        return render_panel(request, annotation, status=400, verdict_form=form, evidence_formset=evidence)
    except PreconditionFailed:
        return verdict_conflict(request, annotation_id)
    fresh = claim_for(request.user, annotation_id)
    if fragment_requested(request):
        return render_panel(request, fresh, notice=notice)
    messages.success(request, notice)
    return HttpResponseRedirect(claim_url(fresh))


def rebound_to_current(request, fresh):
    """The posted verdict forms, now carrying the version of the reviewer's saved verdict (if
    any), so that saving them again changes that verdict on purpose."""
    mine = my_verdict(fresh, request.user)
    data = request.POST.copy()
    data["version"] = str(mine.version) if mine is not None else ""
    form, evidence = VerdictForm(data), EvidenceFormSet(data, prefix=EVIDENCE_PREFIX)
    form.is_valid()
    evidence.is_valid()
    return form, evidence


def verdict_conflict(request, annotation_id):
    """A stale edit changed nothing: show the saved verdict, and keep what the person typed in the
    form, now carrying the current version, so that saving again is a deliberate overwrite."""
    fresh = claim_for(request.user, annotation_id)
    form, evidence = rebound_to_current(request, fresh)
    conflict = (
        "Your verdict was changed elsewhere (in another tab or window) after this form was opened, so "
        "nothing was saved. The saved verdict is shown above; your changes are still in the form. "
        "Save again to replace the saved verdict with them."
    )
    return render_panel(
        request, fresh, status=412, verdict_form=form, evidence_formset=evidence, conflict=conflict
    )


@login_required
@require_POST
def annotation_edit(request, annotation_id):
    annotation = claim_for(request.user, annotation_id)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return render_panel(request, annotation, status=400, claim_form=form)
    try:
        update_annotation(
            actor=request.user,
            annotation_id=annotation.id,
            expected_version=form.cleaned_data["version"],
            claim=form.cleaned_data["claim"],
        )
    except ValidationError as error:
        add_service_error(form, error)
        return render_panel(request, annotation, status=400, claim_form=form)
    except PreconditionFailed:
        fresh = claim_for(request.user, annotation_id)
        data = request.POST.copy()
        data["version"] = str(fresh.version)
        form = ClaimForm(data)
        form.is_valid()
        conflict = (
            "The claim text was changed by someone else after this form was opened, so nothing was saved. "
            "The saved text is shown above; your text is still in the form. Save again to replace it."
        )
        return render_panel(request, fresh, status=412, claim_form=form, conflict=conflict)
    fresh = claim_for(request.user, annotation_id)
    if fragment_requested(request):
        return render_panel(request, fresh, notice="The claim text is saved.")
    messages.success(request, "The claim text is saved.")
    return HttpResponseRedirect(claim_url(fresh))


@login_required
@require_POST
def annotation_reopen(request, annotation_id):
    annotation = claim_for(request.user, annotation_id)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return render_panel(request, annotation, status=400, reopen_form=form)
    try:
        reopened = reopen(
            editor=request.user, annotation_id=annotation.id, reason=form.cleaned_data["reason"]
        )
    except StateConflict as error:
        fresh = claim_for(request.user, annotation_id)
        return render_panel(request, fresh, status=409, conflict=" ".join(error.messages))
    notice = f"The claim is re-opened; it is {Status(reopened.status).label.lower()} again."
    fresh = claim_for(request.user, annotation_id)
    if fragment_requested(request):
        return render_panel(request, fresh, notice=notice)
    messages.success(request, notice)
    return HttpResponseRedirect(claim_url(fresh))

"""The review workflow's pages: the three queues, disagreements and how editors settle them
(adjudication, merge, keep both).

Which claims a queue holds is decided by :func:`annotations.selectors.queue`; who may open a
disagreement by :func:`annotations.permissions.get_disagreement_for` (members below editor 403,
others 404). A service's StateConflict (the claim was resolved meanwhile, the disagreement is
closed) is shown as a message above the current state, with status 409.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from annotations.limits import USERNAME_MAX_LENGTH
from annotations.models import (
    PUBLISHED_STATUSES,
    DisagreementKind,
    DisagreementStatus,
    Rating,
    Role,
)
from annotations.models.annotations import TAG_NAME_MAX_LENGTH
from annotations.pages.context import EVIDENCE_PREFIX, paginate, project_context, project_for
from annotations.pages.forms import (
    AdjudicationForm,
    DisagreementFilterForm,
    EvidenceFormSet,
    KeepBothForm,
    MergeForm,
    PageForm,
    add_service_error,
)
from annotations.permissions import (
    get_annotation_for,
    get_disagreement_for,
    judgement_refusal,
    sees_everything,
)
from annotations.selectors import (
    adjudications_of,
    claims_of_disagreement,
    open_disagreements_of,
    project_disagreements,
    project_queue,
    verdicts_with_evidence,
)
from annotations.selectors.assignments import assigned_first, assigned_to_username
from annotations.selectors.review import filter_claims, filter_disagreements
from annotations.services.review import (
    accept_converged_rating,
    adjudicate,
    converged_rating,
    keep_both,
    merge_annotations,
)
from annotations.templatetags.article_text import Span, segments
from workbench.errors import StateConflict
from workbench.filters import MAX_ID


@dataclass(frozen=True)
class Queue:
    name: str
    title: str
    role: Role
    intro: str
    empty: str


QUEUES = {
    "to-review": Queue(
        name="to_review",
        title="To review",
        role=Role.ANNOTATOR,
        intro="Claims that still need verdicts and that you have not judged: those assigned to you first, "
        "each part oldest first.",
        empty="Nothing awaits your verdict. New claims appear here as they are highlighted.",
    ),
    "disputed": Queue(
        name="disputed",
        title="Disputed",
        role=Role.EDITOR,
        intro="Claims in an open disagreement, oldest first: settle each on its disagreement's page.",
        empty="No claim is disputed.",
    ),
    "done": Queue(
        name="done",
        title="Done",
        role=Role.ANNOTATOR,
        intro="Agreed and resolved claims, ready to publish, oldest first.",
        empty="No claim is agreed or resolved yet.",
    ),
}


class QueueFilterForm(PageForm):
    """A queue's filters (:func:`annotations.selectors.review.filter_claims`): the rating only on
    Done, the one queue whose claims have a final rating; the reviewer where it can narrow. The
    article comes from a claim's row (its link to the article's claims), so that the form needs no
    list of the project's articles."""

    id_prefix = "filter"

    article = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    rating = forms.ChoiceField(required=False, choices=[("", "Any"), *Rating.choices], label="Final rating")
    tag = forms.CharField(required=False, max_length=TAG_NAME_MAX_LENGTH, label="Tag")
    reviewer = forms.CharField(required=False, max_length=USERNAME_MAX_LENGTH, label="Judged by (username)")

    def __init__(self, *args, rating: bool, reviewer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not rating:
            del self.fields["rating"]
        if not reviewer:
            del self.fields["reviewer"]


@login_required
@require_GET
def queue_page(request, project_id, queue_name):
    spec = QUEUES.get(queue_name)
    if spec is None:
        raise Http404("No such queue.")
    project = project_for(request, project_id, role=spec.role)
    claims = project_queue(request.user, project, spec.name)
    assignee = request.GET.get("assignee", "")
    if spec.name == "to_review":
        claims = assigned_first(request.user, claims)
        if assignee:
            claims = assigned_to_username(claims, assignee)
    filters = QueueFilterForm(
        request.GET or None,
        rating=spec.name == "done",
        # Whose verdicts a claim has shows only where blind review reveals them: a blind reviewer's
        # queue to review never holds a claim they judged, so the filter could only empty it.
        reviewer=spec.name == "done" or sees_everything(request.user, project),
    )
    if filters.is_bound and filters.is_valid():
        claims = filter_claims(request.user, claims, **filters.cleaned_data)
    page = paginate(request, claims)
    if spec.name == "disputed":
        found = open_disagreements_of(request.user, [claim.pk for claim in page])
        for claim in page:
            claim.open_disagreements = found.get(claim.pk, [])
    context = project_context(project, queue_name)
    context.update(queue=spec, queue_slug=queue_name, page=page, assignee=assignee)
    context["filters"] = filters
    if spec.name == "done":
        # The exports' filters for the claims this queue lists.
        scope = {"project": project.pk, "status": PUBLISHED_STATUSES, "orphaned": "false"}
        if filters.is_bound and filters.is_valid():
            # The exports take the queue's filters under the same names, with the same rules.
            scope.update((name, value) for name, value in filters.cleaned_data.items() if value)
        context["export_query"] = urlencode(scope, doseq=True)
    return render(request, "annotations/queue.html", context, status=400 if filters.errors else 200)


@login_required
@require_GET
def disagreement_list(request, project_id):
    project = project_for(request, project_id, role=Role.EDITOR)
    form = DisagreementFilterForm(request.GET or None)
    status, kind, narrowing = DisagreementStatus.OPEN, "", {}
    if form.is_bound and form.is_valid():
        status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
        narrowing = {name: form.cleaned_data[name] for name in ("article", "claim", "severity")}
    disagreements = filter_disagreements(project_disagreements(request.user, project), **narrowing)
    if status != DisagreementFilterForm.ANY:
        disagreements = disagreements.filter(status=status)
    if kind:
        disagreements = disagreements.filter(kind=kind)
    context = project_context(project, "disputed")
    context.update(form=form, page=paginate(request, disagreements), status=status)
    return render(request, "annotations/disagreement_list.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def claim_disagreement(request, annotation_id):
    """From a disputed claim's panel: its open disagreement, or the list of them when it has several."""
    claim = get_annotation_for(request.user, annotation_id, role=Role.EDITOR)
    found = open_disagreements_of(request.user, [claim.pk]).get(claim.pk, [])
    if len(found) == 1:
        return redirect(disagreement_url(found[0]))
    listing = reverse("annotations:disagreement-list", args=[claim.article.project_id])
    return redirect(f"{listing}?{urlencode({'status': 'open' if found else 'any', 'claim': claim.pk})}")


@dataclass(frozen=True)
class Piece:
    text: str
    in_a: bool = False
    in_b: bool = False
    starts: str = ""


# The words around two spans shown on a span disagreement's page: their paragraphs, cut to this
# many characters before the first span and after the last.
PASSAGE_CONTEXT = 280


def span_passage(first, second) -> list[list[Piece]]:
    """The paragraphs holding both spans, cut into pieces that know which span covers them."""
    text = first.revision.text
    lowest, highest = min(first.start, second.start), max(first.end, second.end)
    paragraphs = segments(
        text, [Span(first.id, first.start, first.end), Span(second.id, second.start, second.end)]
    )
    passage = []
    for pieces in paragraphs:
        if not pieces or pieces[-1].end <= lowest or pieces[0].start >= highest:
            continue
        passage.append(
            [
                Piece(
                    text=clipped(text, piece.start, piece.end, lowest, highest),
                    in_a=first.id in piece.claims,
                    in_b=second.id in piece.claims,
                    starts="".join(
                        label for label, claim in (("A", first), ("B", second)) if claim.start == piece.start
                    ),
                )
                for piece in pieces
            ]
        )
    return passage


def clipped(text: str, start: int, end: int, lowest: int, highest: int) -> str:
    if end <= lowest and lowest - start > PASSAGE_CONTEXT:
        return "…" + text[lowest - PASSAGE_CONTEXT : end]
    if start >= highest and end - highest > PASSAGE_CONTEXT:
        return text[start : highest + PASSAGE_CONTEXT] + "…"
    return text[start:end]


def disagreement_context(
    request,
    disagreement,
    *,
    adjudication_form=None,
    evidence_formset=None,
    keep_both_form=None,
    action_errors=(),
    conflict: str = "",
) -> dict:
    """Everything a disagreement's page shows: a fixed number of queries."""
    project = project_for(request, disagreement.project_id, role=Role.EDITOR)
    claims = claims_of_disagreement(request.user, disagreement)
    by_claim = {claim.pk: [] for claim in claims}
    for verdict in verdicts_with_evidence(request.user, by_claim):
        by_claim[verdict.annotation_id].append(verdict)
    for claim in claims:
        claim.listed_verdicts = by_claim[claim.pk]
    is_open = disagreement.status == DisagreementStatus.OPEN
    context = project_context(project, "disputed")
    context.update(disagreement=disagreement, claims=claims, is_open=is_open, conflict=conflict)
    context["action_errors"] = list(action_errors)
    if disagreement.kind == DisagreementKind.VERDICT:
        claim = claims[0]
        can_adjudicate = is_open and judgement_refusal(claim) is None
        if can_adjudicate and adjudication_form is None:
            adjudication_form = AdjudicationForm()
            evidence_formset = EvidenceFormSet(prefix=EVIDENCE_PREFIX)
        context.update(
            claim=claim,
            ratings=sorted(
                {verdict.blind_rating for verdict in claim.listed_verdicts if verdict.independent},
                key=Rating.values.index,
            ),
            converged=converged_rating(claim.listed_verdicts) if is_open else None,
            adjudications=adjudications_of(request.user, claim.pk),
            adjudication_form=adjudication_form if can_adjudicate else None,
            evidence_formset=evidence_formset if can_adjudicate else None,
        )
    else:
        first, second = claims
        same_text = first.revision_id == second.revision_id
        overlap = (max(first.start, second.start), min(first.end, second.end))
        context.update(
            first=first,
            second=second,
            passage=span_passage(first, second) if same_text else None,
            overlap=first.revision.text[overlap[0] : overlap[1]]
            if same_text and overlap[0] < overlap[1]
            else "",
            keep_both_form=keep_both_form or KeepBothForm(),
        )
    return context


def render_disagreement(request, disagreement, *, status: int = 200, **forms):
    context = disagreement_context(request, disagreement, **forms)
    return render(request, "annotations/disagreement_detail.html", context, status=status)


def disagreement_url(disagreement) -> str:
    return reverse("annotations:disagreement-detail", args=[disagreement.pk])


@login_required
@require_GET
def disagreement_detail(request, disagreement_id):
    return render_disagreement(request, get_disagreement_for(request.user, disagreement_id, role=Role.EDITOR))


def conflict_response(request, disagreement_id, error: ValidationError):
    """The page as it stands now, with the reason the action changed nothing."""
    fresh = get_disagreement_for(request.user, disagreement_id, role=Role.EDITOR)
    return render_disagreement(request, fresh, status=409, conflict=" ".join(error.messages))


@login_required
@require_POST
def disagreement_adjudicate(request, disagreement_id):
    disagreement = get_disagreement_for(request.user, disagreement_id, role=Role.EDITOR)
    if disagreement.kind != DisagreementKind.VERDICT:
        error = StateConflict(
            "Overlapping spans are settled by merging them or keeping both, not by a rating."
        )
        return conflict_response(request, disagreement_id, error)
    form = AdjudicationForm(request.POST)
    evidence = EvidenceFormSet(request.POST, prefix=EVIDENCE_PREFIX)
    forms = {"adjudication_form": form, "evidence_formset": evidence}
    if not (form.is_valid() and evidence.is_valid()):
        return render_disagreement(request, disagreement, status=400, **forms)
    try:
        adjudication = adjudicate(
            editor=request.user,
            annotation_id=disagreement.annotation_id,
            evidence=evidence.items(),
            **form.adjudication_fields(),
        )
    except StateConflict as error:
        return conflict_response(request, disagreement_id, error)
    except ValidationError as error:
        add_service_error(form, error)
        return render_disagreement(request, disagreement, status=400, **forms)
    label = Rating(adjudication.rating).label
    messages.success(request, f"Claim #{disagreement.annotation_id} is resolved. Final rating: {label}.")
    return redirect(disagreement_url(disagreement))


@login_required
@require_POST
def disagreement_accept(request, disagreement_id):
    """Resolve a verdict disagreement with the rating its reviewers converged on after the reveal."""
    disagreement = get_disagreement_for(request.user, disagreement_id, role=Role.EDITOR)
    try:
        adjudication = accept_converged_rating(editor=request.user, disagreement_id=disagreement.pk)
    except StateConflict as error:
        return conflict_response(request, disagreement_id, error)
    label = Rating(adjudication.rating).label
    messages.success(request, f"Claim #{disagreement.annotation_id} is resolved. Final rating: {label}.")
    return redirect(disagreement_url(disagreement))


@login_required
@require_POST
def disagreement_merge(request, disagreement_id):
    disagreement = get_disagreement_for(request.user, disagreement_id, role=Role.EDITOR)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return render_disagreement(
            request, disagreement, status=400, action_errors=["Choose the claim to keep."]
        )
    try:
        merge = merge_annotations(
            editor=request.user, disagreement_id=disagreement.pk, keep_id=form.cleaned_data["keep"]
        )
    except StateConflict as error:
        return conflict_response(request, disagreement_id, error)
    except ValidationError as error:
        return render_disagreement(request, disagreement, status=400, action_errors=error.messages)
    messages.success(request, merge.explanation)
    return redirect(disagreement_url(disagreement))


@login_required
@require_POST
def disagreement_keep_both(request, disagreement_id):
    disagreement = get_disagreement_for(request.user, disagreement_id, role=Role.EDITOR)
    form = KeepBothForm(request.POST)
    if form.is_valid():
        try:
            keep_both(editor=request.user, disagreement_id=disagreement.pk, note=form.cleaned_data["note"])
        except StateConflict as error:
            return conflict_response(request, disagreement_id, error)
        except ValidationError as error:
            add_service_error(form, error)
    if form.errors:
        return render_disagreement(request, disagreement, status=400, keep_both_form=form)
    messages.success(
        request,
        f"Claims #{disagreement.annotation_id} and #{disagreement.other_annotation_id} stay separate claims.",
    )
    return redirect(disagreement_url(disagreement))

"""The workbench's pages.

Each view parses a form, calls one domain function and renders. Who may see and do what is
decided by the access functions, selectors (blind review) and services the views call: a
service's ValidationError is shown next to its field, PermissionDenied answers 403 and objects
of other projects 404. The reader's script asks for the claim panel alone with the
``X-Fragment: panel`` header, and for JSON when it creates an annotation.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from annotations.forms import (
    AddMemberForm,
    AnnotateForm,
    ArticleFilterForm,
    ClaimForm,
    EvidenceFormSet,
    ImportArticleForm,
    MemberRoleForm,
    SourceFilterForm,
    SourceReliabilityForm,
    VerdictForm,
    add_service_error,
)
from annotations.models import Annotation, ObjectType, Role, Status
from annotations.models.annotations import CONTEXT_WIDTH
from annotations.page_selectors import (
    articles_with_claim_counts,
    claim_for,
    claim_history,
    claim_status_counts,
    claims_awaiting,
    claims_of_article,
    members_of,
    object_history,
    project_activity,
)
from annotations.permissions import (
    can_change_annotation,
    get_article_for,
    get_project_for,
    projects_of,
    role_in,
)
from annotations.selectors import visible_verdicts
from annotations.services.annotations import create_annotation, update_annotation
from annotations.services.articles import import_or_revise_article
from annotations.services.projects import add_member, change_member_role, remove_member
from annotations.services.verdicts import edit_verdict, submit_verdict
from sources.selectors import sources_of_projects
from sources.services import update_source
from workbench.errors import PreconditionFailed, StateConflict

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50
ACTIVITY_ITEMS = 15
PANEL_HISTORY_ITEMS = 8
EVIDENCE_PREFIX = "evidence"


def fragment_requested(request) -> bool:
    return request.headers.get("X-Fragment") == "panel"


def json_requested(request) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def abilities(role: Role) -> dict:
    """What the pages offer a member of this role; the services check again on every write."""
    return {
        "role": role,
        "can_review": role >= Role.REVIEWER,
        "can_edit": role >= Role.EDITOR,
        "is_admin": role >= Role.ADMIN,
    }


def project_for(request, project_id, role: Role = Role.ANNOTATOR):
    project = get_project_for(request.user, project_id, role=role)
    project.my_role = Role(project.my_role)
    return project


def project_context(project, section: str) -> dict:
    return {"project": project, "section": section, **abilities(project.my_role)}


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


@login_required
def home(request):
    projects = list(projects_of(request.user).annotate(n_articles=Count("articles")).order_by("name", "id"))
    for project in projects:
        project.my_role = Role(project.my_role)
    return render(request, "annotations/home.html", {"projects": projects})


@login_required
@require_GET
def project_home(request, project_id):
    project = project_for(request, project_id)
    context = project_context(project, "overview")
    counts = claim_status_counts(project)
    context.update(
        counts=counts,
        statuses=[(status, label, counts[status]) for status, label in Status.choices],
        to_review=claims_awaiting(request.user, project).count() if context["can_review"] else None,
        activity=list(project_activity(request.user, project)[:ACTIVITY_ITEMS]),
        recent_articles=list(articles_with_claim_counts(request.user, project)[:5]),
    )
    return render(request, "annotations/project_home.html", context)


@login_required
@require_GET
def article_list(request, project_id):
    project = project_for(request, project_id)
    form = ArticleFilterForm(request.GET or None)
    articles = articles_with_claim_counts(request.user, project)
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            articles = articles.filter(
                Q(title__icontains=q) | Q(publisher__icontains=q) | Q(author__icontains=q)
            )
        if status := form.cleaned_data["status"]:
            in_status = Annotation.objects.filter(
                article=OuterRef("pk"), orphaned=False, merged_into__isnull=True, status=status
            )
            articles = articles.filter(Exists(in_status))
        if form.cleaned_data["awaiting"]:
            articles = articles.filter(n_awaiting_me__gt=0)
    context = project_context(project, "articles")
    context.update(form=form, page=paginate(request, articles), statuses=Status.choices)
    return render(request, "annotations/article_list.html", context, status=400 if form.errors else 200)


IMPORTED = "The article is imported. Select the words of a claim to highlight it."
REIMPORTED = "This project had an article with this address: its text is updated as a new revision."


@login_required
def article_import(request, project_id):
    project = project_for(request, project_id)
    form = ImportArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article, created = import_or_revise_article(
                actor=request.user, project_id=project.id, **form.article_fields()
            )
        except ValidationError as error:
            add_service_error(form, error, aliases={"text": "body", "html": "body"})
        else:
            if created:
                messages.success(
                    request, "The article is imported. Select the words of a claim to highlight it."
                )
            else:
                messages.success(
                    request, "An article with this address existed: its text is updated as a new revision."
                )
            return redirect("annotations:article-detail", article_id=article.id)
    context = project_context(project, "import")
    context["form"] = form
    return render(request, "annotations/article_import.html", context, status=400 if form.errors else 200)


def reader_context(request, article, *, current: int | None = None, annotate_form=None) -> dict:
    """Everything the reader shows around the claim panel: a fixed number of queries."""
    project = article.project
    project.my_role = role_in(request.user, project)
    context = project_context(project, "articles")
    claims = claims_of_article(request.user, article)
    for claim in claims:
        claim.revealed = context["can_edit"] or claim.i_judged
        claim.awaits_me = context["can_review"] and claim.awaits_verdicts and not claim.i_judged
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


def claim_url(annotation) -> str:
    return f"{reverse('annotations:article-detail', args=[annotation.article_id])}?claim={annotation.id}"


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
    can_judge = role >= Role.REVIEWER and annotation.status != Status.RESOLVED
    if can_judge and verdict_form is None:
        verdict_form, evidence_formset = verdict_forms(mine)
    can_change = can_change_annotation(user, annotation)
    if can_change and claim_form is None:
        claim_form = ClaimForm(initial={"claim": annotation.claim, "version": annotation.version})
    return {
        "claim": annotation,
        "claim_abilities": abilities(role),
        "my_verdict": mine,
        "other_verdicts": [verdict for verdict in verdicts if verdict.reviewer_id != user.pk],
        "revealed": annotation.revealed,
        "can_judge": can_judge,
        "verdict_form": verdict_form if can_judge else None,
        "evidence_formset": evidence_formset if can_judge else None,
        "claim_form": claim_form if can_change else None,
        "claim_history": list(claim_history(user, annotation.pk)[:PANEL_HISTORY_ITEMS]),
        "claim_tags": sorted(tag.name for tag in annotation.tags.all()),
        "rating_choices": list(enumerate(VerdictForm.base_fields["rating"].choices, start=1)),
        "notice": notice,
        "conflict": conflict,
        "context_width": CONTEXT_WIDTH,
    }


def render_panel(request, annotation, *, status: int = 200, **forms):
    """The claim panel alone (for the reader's script) or the claim's page."""
    context = panel_context(request, annotation, **forms)
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


def source_list_response(request, project, *, bound: dict | None = None, status: int = 200):
    form = SourceFilterForm(request.GET or None)
    sources = sources_of_projects([project.id]).order_by("url", "id")
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
    source = get_object_or_404(sources_of_projects(projects_of(request.user).values("pk")), pk=source_id)
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


@login_required
@require_GET
def history(request, object_type, object_id):
    if object_type not in ObjectType.values:
        raise Http404("No such kind of object.")
    entries = object_history(request.user, object_type, object_id)
    page = paginate(request, entries, HISTORY_PAGE_SIZE)
    if not page.object_list:
        raise Http404("Nothing is recorded about this object, or it is not yours to see.")
    project = project_for(request, page.object_list[0].project_id)
    context = project_context(project, "history")
    context.update(
        page=page,
        object_type=object_type,
        object_label="claim" if object_type == ObjectType.ANNOTATION else ObjectType(object_type).label,
        object_id=object_id,
    )
    return render(request, "annotations/history.html", context)


def member_auto_id(username: str) -> str:
    # Usernames hold no white space, so they make unique ids for each member's row.
    return f"id_member-{username}_%s"


def member_list_response(
    request, project, *, add_form=None, bound: dict | None = None, refusals: dict | None = None, status=200
):
    """The members page; ``bound`` holds a row's role form with its errors, ``refusals`` the
    reasons a removal was refused, both by username."""
    context = project_context(project, "members")
    page = paginate(request, members_of(project), HISTORY_PAGE_SIZE)
    bound, refusals = bound or {}, refusals or {}
    for membership in page:
        username = membership.user.username
        membership.role_label = Role(membership.role).label
        membership.refusals = refusals.get(username, [])
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

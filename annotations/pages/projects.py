"""The list of one's projects and a project's overview."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from annotations.models import Role, Status
from annotations.pages.context import project_context, project_for
from annotations.permissions import (
    projects_of,
)
from annotations.selectors import (
    articles_with_claim_counts,
    claim_status_counts,
    claims_awaiting,
    project_activity,
)
from annotations.selectors.assignments import reviewer_progress

ACTIVITY_ITEMS = 15


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
    counts = claim_status_counts(request.user, project)
    context.update(
        counts=counts,
        statuses=[(status, label, counts[status]) for status, label in Status.choices],
        to_review=claims_awaiting(request.user, project).count() if context["can_review"] else None,
        activity=list(project_activity(request.user, project)[:ACTIVITY_ITEMS]),
        recent_articles=list(articles_with_claim_counts(request.user, project)[:5]),
        export_query=urlencode({"project": project.pk}),
        progress=reviewer_progress(request.user, project),
    )
    return render(request, "annotations/project_home.html", context)

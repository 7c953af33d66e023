"""An import job's page: its progress while a worker runs it, then the article or the reason it failed."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from annotations.models import ImportJob
from annotations.pages.context import project_context, project_for
from annotations.selectors.jobs import get_import_job_for


@login_required
@require_GET
def import_detail(request, job_id):
    job = get_import_job_for(request.user, job_id)
    project = project_for(request, job.project_id)
    if job.kind != ImportJob.Kind.URL:
        # File imports show their progress and report on the page they were sent from.
        return redirect(f"{reverse('annotations:work-import', args=[project.pk])}?job={job.pk}")
    context = project_context(project, "import")
    context.update(job=job, poll_url=reverse("api:import-detail", args=[job.pk]))
    return render(request, "annotations/import_detail.html", context)

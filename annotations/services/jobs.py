"""Import jobs: queuing one, and the writes that move it from queued to running to done or failed.

A job is queued by the request and run by a worker of Django's tasks framework
(``annotations.tasks.run_import_job``); these functions are the only writes to a job. Its status
lives on the job row, which is what the API and the pages show, whatever the task backend keeps.
"""

from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.extraction import Extracted
from annotations.models import ImportJob, Role
from annotations.permissions import get_project_for
from annotations.services.articles import import_or_revise_article, url_key_of


@transaction.atomic
def request_url_import(*, actor, project_id: int, url: str, **fields) -> ImportJob:
    """Queue the import of the article at ``url`` into the project; ``fields`` (title, publisher,
    author, published_at, language) are kept and win over what the page itself says.

    Annotators and up: Http404 for a project the actor cannot see, PermissionDenied below
    annotator, ValidationError naming ``url`` for an address that is no web page's. The task is
    enqueued once the job is committed, so a worker never looks for a job that is not there yet.
    """
    get_project_for(actor, project_id, role=Role.ANNOTATOR)
    try:
        url_key_of(url)
    except ValidationError as error:
        raise ValidationError({"url": error.error_list}) from None
    given = {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in fields.items()
        if value not in ("", None)
    }
    job = ImportJob.objects.create(
        project_id=project_id,
        created_by=actor,
        kind=ImportJob.Kind.URL,
        payload={"url": url, "fields": given},
    )
    transaction.on_commit(partial(enqueue_job, job.pk))
    return job


def enqueue_job(job_id: int) -> None:
    # Imported here: the task module imports these services.
    from annotations.tasks import run_import_job

    run_import_job.enqueue(job_id)


@transaction.atomic
def start_job(*, job_id: int) -> ImportJob | None:
    """Mark a queued job running and return it; None when it is no longer queued (a task
    delivered twice, or a job whose project was deleted), so a job runs at most once. Locks it."""
    job = (
        ImportJob.objects.select_for_update()
        .select_related("created_by")
        .filter(pk=job_id, status=ImportJob.Status.QUEUED)
        .first()
    )
    if job is None:
        return None
    job.status = ImportJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    return job


@transaction.atomic
def complete_url_import(*, job: ImportJob, extracted: Extracted, final_url: str) -> ImportJob:
    """Import the extracted article for ``job`` (running) as its creator, and mark the job done,
    in one transaction: the article at the job's URL (normalized) gets a new revision when its
    text changed, any other URL makes a new article.

    Raises what ``import_or_revise_article`` raises (Http404, PermissionDenied when the creator
    is no longer a member who may import; ValidationError for an empty text), with nothing written.
    """
    fields = {"title": extracted.title, **extracted.metadata(), **given_fields(job)}
    article, created = import_or_revise_article(
        actor=job.created_by,
        project_id=job.project_id,
        html=extracted.html,
        url=job.payload["url"],
        **fields,
    )
    revision = article.current_revision
    job.status = ImportJob.Status.DONE
    job.article = article
    job.finished_at = timezone.now()
    job.report = {
        "created": created,
        "revision": revision.number,
        "changed": created or revision.created_at >= job.started_at,
        "title": article.title,
        "final_url": final_url,
    }
    job.save(update_fields=["status", "article", "finished_at", "report"])
    return job


def given_fields(job: ImportJob) -> dict:
    fields = dict(job.payload.get("fields") or {})
    if "published_at" in fields:
        fields["published_at"] = datetime.fromisoformat(fields["published_at"])
    return fields


@transaction.atomic
def fail_job(*, job_id: int, error: str) -> None:
    """Mark the job failed with ``error``, a sentence saying why."""
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.FAILED, error=error, finished_at=timezone.now()
    )

"""The background task that runs a large import (:mod:`annotations.imports.jobs`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.tasks import task

from annotations.imports.jobs import failure, run_queued
from annotations.models import ImportJob
from annotations.services.jobs import fail_job, start_job


@task
def run_file_import(job_id: int, options: dict) -> str:
    """Run the Label Studio or W3C import job ``job_id`` with ``options`` (the import's arguments,
    the export among them) if it is still queued; answers the job's final status. A refused import
    ends the job ``failed`` with the reason; an unexpected error too, re-raised after that so that
    the worker logs it with its traceback."""
    job = start_job(job_id=job_id)
    if job is None:
        return "skipped"
    try:
        run_queued(job, options)
    except (Http404, PermissionDenied, ValidationError) as error:
        fail_job(job_id=job.pk, error=failure(error, job))
        return str(ImportJob.Status.FAILED)
    except Exception as error:
        fail_job(job_id=job.pk, error=failure(error, job))
        raise
    return str(ImportJob.Status.DONE)

"""Large imports as background jobs: an export over the bounds a request waits for
(:mod:`annotations.imports.limits`) is queued as an ``ImportJob`` of kind ``labelstudio`` or
``w3c``, and a worker of Django's tasks framework runs it (:mod:`annotations.imports.tasks`).

The export travels as the task's argument, kept by the task backend, and never in the job's
``payload``: every member of the project reads a job, and an export carries other reviewers'
ratings (a Label Studio export's choices, the verdict bodies of a W3C export) that blind review
hides from them. The payload says only what was asked (kind of export, its size, dry run); the
``report``, once done, what the import did, in the shape the API answers for an import done at once.
"""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from annotations.imports.labelstudio import import_labelstudio
from annotations.imports.limits import EXPORT_MAX_BYTES, JOB_EXPORT_MAX_BYTES, MAX_TASKS, TOO_LARGE
from annotations.imports.w3c import import_w3c
from annotations.models import ImportJob, Role
from annotations.permissions import get_article_for, get_project_for

KINDS = (ImportJob.Kind.LABEL_STUDIO, ImportJob.Kind.W3C)


def is_large(kind: str, *, size: int, export) -> bool:
    """Whether an export of ``size`` bytes runs as a job rather than while the request waits.
    ValidationError naming ``export`` past the bounds of any import."""
    if size > JOB_EXPORT_MAX_BYTES:
        raise ValidationError({"export": [TOO_LARGE]})
    many = kind == ImportJob.Kind.LABEL_STUDIO and isinstance(export, list) and len(export) > MAX_TASKS
    return size > EXPORT_MAX_BYTES or many


@transaction.atomic
def queue_import(*, actor, kind: str, options: dict) -> ImportJob:
    """Queue the import of ``options`` (the arguments of :func:`import_labelstudio` but ``actor``,
    or of :func:`import_w3c`) as a job of the actor's; enqueued once the job is committed.

    Checks what can be checked at once: Http404 for a project or article the actor cannot see,
    PermissionDenied below annotator. The rest (roles the work needs, the export's shape) is
    checked by the import itself, and a job that fails says why.
    """
    if kind == ImportJob.Kind.W3C:
        project_id = get_article_for(actor, options["article_id"], role=Role.ANNOTATOR).project_id
    else:
        project_id = get_project_for(actor, options["project_id"], role=Role.ANNOTATOR).pk
    job = ImportJob.objects.create(
        project_id=project_id, created_by=actor, kind=kind, payload=asked(kind, options)
    )
    transaction.on_commit(partial(enqueue, job.pk, options))
    return job


def asked(kind: str, options: dict) -> dict:
    """What a job's payload shows of its import: nothing of the export's content."""
    if kind == ImportJob.Kind.W3C:
        return {"article": options["article_id"], "dry_run": options["dry_run"]}
    export = options["export"]
    return {"tasks": len(export) if isinstance(export, list) else 1, "dry_run": options["dry_run"]}


def enqueue(job_id: int, options: dict) -> None:
    # Imported here: the task module imports this one.
    from annotations.imports.tasks import run_file_import

    run_file_import.enqueue(job_id, options)


def run_queued(job: ImportJob, options: dict) -> None:
    """Run the job's import (``job`` is running) and mark the job done with the report, in one
    transaction, so that a job is done exactly when its import is in. Raises what the import
    raises, with nothing written."""
    with transaction.atomic():
        if job.kind == ImportJob.Kind.W3C:
            report = import_w3c(actor=job.created_by, **options)
        else:
            report = import_labelstudio(actor=job.created_by, **options)
        job.status = ImportJob.Status.DONE
        job.report = report.as_dict()
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "report", "finished_at"])


def failure(error: Exception, job: ImportJob) -> str:
    """Why the job failed, as a sentence its creator can act on."""
    if isinstance(error, Http404):
        return f"{job.created_by} can no longer see this project or article."
    if isinstance(error, PermissionDenied):
        return f"{job.created_by} may not import this work: {error}"
    if isinstance(error, ValidationError):
        return "The export could not be imported: " + " ".join(error.messages)
    return "The import stopped on an unexpected error; it is logged for the site's administrators."

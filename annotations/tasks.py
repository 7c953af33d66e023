"""Background tasks, run by the workers of Django's tasks framework (``manage.py db_worker``).

A task carries only a job's id; the job row (``ImportJob``) holds what to do and records how it
went, so the API and the pages read a job's progress from the database.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.tasks import task

from annotations.extraction import ExtractionError, extract_article
from annotations.fetching import FetchError, Page, fetch_page
from annotations.models import ImportJob
from annotations.services.jobs import complete_url_import, fail_job, start_job

UNEXPECTED = "the import stopped on an unexpected error; it is logged for the site's administrators."


@task
def run_import_job(job_id: int) -> str:
    """Run the import job ``job_id`` if it is still queued; answers the job's final status.

    The slow part (fetching, extracting) runs outside any transaction; the write runs in one
    (``complete_url_import``). Every failure ends the job ``failed`` with its reason; an
    unexpected one is re-raised after that, so the worker logs it with its traceback.
    """
    job = start_job(job_id=job_id)
    if job is None:
        return "skipped"
    runner = RUNNERS.get(job.kind)
    if runner is None:
        fail_job(job_id=job.pk, error=f"imports of kind {job.kind!r} do not run in the background.")
        return str(ImportJob.Status.FAILED)
    try:
        runner(job)
    except (FetchError, ExtractionError) as error:
        fail_job(job_id=job.pk, error=str(error))
        return str(ImportJob.Status.FAILED)
    except Http404:
        fail_job(job_id=job.pk, error=f"{job.created_by} is no longer a member of this project.")
        return str(ImportJob.Status.FAILED)
    except PermissionDenied:
        fail_job(job_id=job.pk, error=f"{job.created_by} may no longer import articles into this project.")
        return str(ImportJob.Status.FAILED)
    except ValidationError as error:
        fail_job(job_id=job.pk, error="the article could not be imported: " + " ".join(error.messages))
        return str(ImportJob.Status.FAILED)
    except Exception:
        fail_job(job_id=job.pk, error=UNEXPECTED)
        raise
    return str(ImportJob.Status.DONE)


def run_url_import(job: ImportJob) -> None:
    page = fetch_page(job.payload["url"])
    extracted = extract_article(html_of(page), url=page.final_url)
    complete_url_import(job=job, extracted=extracted, final_url=page.final_url)


RUNNERS = {ImportJob.Kind.URL: run_url_import}


def html_of(page: Page) -> str | bytes:
    """The page decoded by the charset its server named; without one, the bytes, which
    trafilatura decodes by the page's own declaration or by detection."""
    if page.charset:
        try:
            return page.body.decode(page.charset, errors="replace")
        except LookupError:
            pass
    return page.body

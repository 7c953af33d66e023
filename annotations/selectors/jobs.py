"""Reads of import jobs: a job is seen by the members of its project, and by no one else."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from annotations.models import ImportJob
from annotations.permissions import member_projects


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(project__in=member_projects(user)).select_related("created_by", "article")


def get_import_job_for(user, job_id) -> ImportJob:
    """Missing jobs and those of other projects both 404, so ids are never revealed."""
    return get_object_or_404(import_jobs_visible_to(user), pk=job_id)

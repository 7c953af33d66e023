"""Reads of sources and domain entries, shaped for the API.

They take the ids of the projects the caller may see (a queryset the caller's permissions
build), so that this app never needs to know about memberships.
"""

from django.db.models import QuerySet

from sources.models import Domain, Source


def sources_of_projects(project_ids) -> QuerySet[Source]:
    """Sources of the given projects with ``effective_reliability`` annotated: one query a page."""
    return Source.objects.filter(project__in=project_ids).with_effective_reliability()


def domain_entries_of_projects(project_ids) -> QuerySet[Domain]:
    return Domain.objects.filter(project__in=project_ids)

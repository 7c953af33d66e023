"""Reads of a project's members."""

from django.db.models import QuerySet

from annotations.models import (
    Membership,
    Project,
)


def members_of(project: Project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user").order_by("user__username")

"""Reads of the recorded history, as blind review allows."""

from django.db.models import Q, QuerySet

from annotations.models import (
    HistoryEntry,
    Project,
)
from annotations.permissions import judged_by, member_projects, sees_everything_in


def history_visible_to(user) -> QuerySet[HistoryEntry]:
    """History of the user's projects, as blind review allows: entries about a claim's verdicts,
    evidence and adjudications by others, and the claim's own status changes (which name a past
    dispute, and an editor's reason for re-opening), stay hidden until the user has judged that
    claim (editors who do not review blind see all)."""
    if not user.is_authenticated:
        return HistoryEntry.objects.none()
    # A claim's status changes are recorded with "status" in their values; other entries about
    # the claim (its words, restatement, tags) are every member's to see.
    shared = Q(object_type__in=["annotation", "article"]) & (
        Q(after__isnull=True) | ~Q(after__has_key="status")
    )
    return (
        HistoryEntry.objects.select_related("actor")
        .filter(project__in=member_projects(user))
        .filter(
            Q(project__in=sees_everything_in(user))
            | shared
            | Q(actor=user)
            | Q(annotation_id__in=judged_by(user))
        )
    )


def claim_history(user, annotation_id: int) -> QuerySet[HistoryEntry]:
    """Everything recorded about one claim (its verdicts and evidence too), newest first."""
    return history_visible_to(user).filter(annotation_id=annotation_id).order_by("-at", "-id")


def object_history(user, object_type: str, object_id: int) -> QuerySet[HistoryEntry]:
    """History of one object, oldest first; for a claim, everything about it."""
    entries = history_visible_to(user)
    if object_type == "annotation":
        entries = entries.filter(annotation_id=object_id)
    else:
        entries = entries.filter(object_type=object_type, object_id=object_id)
    return entries.order_by("at", "id")


def project_activity(user, project: Project) -> QuerySet[HistoryEntry]:
    return history_visible_to(user).filter(project=project).order_by("-at", "-id")

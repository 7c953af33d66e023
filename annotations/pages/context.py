"""What every page needs: the project with the member's abilities, pagination, and
whether the reader's script asked for a fragment or for JSON.

The abilities only decide what a page offers; the services check again on every write.
"""

from django.core.paginator import Paginator
from django.utils.http import url_has_allowed_host_and_scheme

from annotations.models import Role
from annotations.permissions import (
    get_project_for,
)

PAGE_SIZE = 25


EVIDENCE_PREFIX = "evidence"


def fragment_requested(request) -> bool:
    return request.headers.get("X-Fragment") == "panel"


def json_requested(request) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def abilities(role: Role) -> dict:
    """What the pages offer a member of this role; the services check again on every write."""
    return {
        "role": role,
        "can_review": role >= Role.REVIEWER,
        "can_edit": role >= Role.EDITOR,
        "is_admin": role >= Role.ADMIN,
    }


def project_for(request, project_id, role: Role = Role.ANNOTATOR):
    project = get_project_for(request.user, project_id, role=role)
    project.my_role = Role(project.my_role)
    return project


def project_context(project, section: str) -> dict:
    return {"project": project, "section": section, **abilities(project.my_role)}


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback

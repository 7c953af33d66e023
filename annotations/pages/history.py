"""The recorded history of one object (for a claim: everything about it)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotations.models import ObjectType
from annotations.pages.context import paginate, project_context, project_for
from annotations.selectors import (
    object_history,
)

HISTORY_PAGE_SIZE = 50


@login_required
@require_GET
def history(request, object_type, object_id):
    if object_type not in ObjectType.values:
        raise Http404("No such kind of object.")
    entries = object_history(request.user, object_type, object_id)
    page = paginate(request, entries, HISTORY_PAGE_SIZE)
    if not page.object_list:
        raise Http404("Nothing is recorded about this object, or it is not yours to see.")
    project = project_for(request, page.object_list[0].project_id)
    context = project_context(project, "history")
    context.update(
        page=page,
        object_type=object_type,
        object_label="claim" if object_type == ObjectType.ANNOTATION else ObjectType(object_type).label,
        object_id=object_id,
    )
    return render(request, "annotations/history.html", context)

"""A project's archive: its admins download it; site staff upload one to create a project from it.

Importing writes records in other people's names and creates their accounts (inactive), which is
more than any project role may do: only Django staff may import.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from annotations.archive import (
    FORMAT_VERSION,
    MAX_ARCHIVE_BYTES,
    ArchiveError,
    archive_bytes,
    archive_filename,
    import_project,
    read_archive,
)
from annotations.models import Role
from annotations.pages.context import project_context, project_for
from annotations.pages.forms import PageForm, add_service_error


class ArchiveUploadForm(PageForm):
    id_prefix = "id_archive"
    archive = forms.FileField(
        label="Archive file", help_text="A .json file downloaded from a project's archive page."
    )

    def clean_archive(self):
        upload = self.cleaned_data["archive"]
        if upload.size > MAX_ARCHIVE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_ARCHIVE_BYTES // (1024 * 1024)} MiB.", code="too_large"
            )
        return upload


def archive_context(request, project=None, form=None) -> dict:
    context = project_context(project, "archive") if project is not None else {}
    context.update(
        can_import=request.user.is_staff,
        form=form or ArchiveUploadForm(),
        format_version=FORMAT_VERSION,
    )
    return context


@login_required
@require_GET
def project_archive(request, project_id):
    project = project_for(request, project_id, role=Role.ADMIN)
    return render(request, "annotations/archive.html", archive_context(request, project))


@login_required
@require_GET
def archive_download(request, project_id):
    project = project_for(request, project_id, role=Role.ADMIN)
    response = HttpResponse(archive_bytes(project), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{archive_filename(project)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def archive_import(request):
    if not request.user.is_staff:
        raise PermissionDenied("Only site staff may import a project archive.")
    if request.method == "GET":
        return render(request, "annotations/archive.html", archive_context(request))
    form = ArchiveUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            archive = read_archive(form.cleaned_data["archive"].read())
            project = import_project(archive, importer=request.user)
        except ArchiveError as error:
            add_service_error(form, error)
    if form.errors:
        return render(request, "annotations/archive.html", archive_context(request, form=form), status=400)
    messages.success(request, f"Imported “{project.name}” from the archive.")
    return redirect("annotations:project-home", project_id=project.pk)

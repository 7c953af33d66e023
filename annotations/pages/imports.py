"""Bringing work in: a Label Studio export into the project, W3C Web Annotations onto one of its
articles, each tried first in a dry run. The page shows what the import did (or would do):
created, skipped, could not place. The services live in :mod:`annotations.imports`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from annotations.imports.files import read_export
from annotations.imports.jobs import KINDS, is_large, queue_import
from annotations.imports.labelstudio import import_labelstudio
from annotations.imports.limits import JOB_EXPORT_MAX_BYTES, TOO_LARGE
from annotations.imports.w3c import import_w3c
from annotations.models import Article, ImportJob, Rating
from annotations.pages.context import project_context, project_for
from annotations.pages.forms import PageForm, add_service_error
from annotations.selectors.jobs import get_import_job_for
from annotations.selectors.members import members_of

# The articles a W3C import can be aimed at from the list: the newest ones.
ARTICLE_CHOICES = 200
MB = JOB_EXPORT_MAX_BYTES // (1024 * 1024)
QUEUED = "The export is large: it is imported in the background. This page shows how it goes."
# The select option that maps a value to no verdict; an empty option leaves it unmapped.
NO_VERDICT = "none"


class ExportForm(PageForm):
    """An export as a file, or (after a first try) as the text the page carried over."""

    export_file = forms.FileField(
        required=False, label="Export file", help_text=f"A JSON file of at most {MB} MB."
    )
    export_text = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)

    def clean(self):
        data = super().clean()
        upload = data.get("export_file")
        if upload is not None:
            if upload.size > JOB_EXPORT_MAX_BYTES:
                raise ValidationError({"export_file": [TOO_LARGE]})
            raw = upload.read()
        elif data.get("export_text"):
            raw = data["export_text"].encode("utf-8")
        else:
            raise ValidationError({"export_file": ["Choose the export file."]})
        try:
            data["export"] = read_export(raw, field="export_file")
        except ValidationError as error:
            raise ValidationError(error.error_dict) from None
        data["export_text"] = raw.decode("utf-8-sig")
        return data


class LabelStudioForm(ExportForm):
    id_prefix = "ls"

    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Label mapping",
        help_text="One line each: a Label Studio label or choice, “=”, and a rating "
        f"({', '.join(Rating.values)}), e.g. “Faux = false”. The choices below, once a dry run "
        "has found them, fill this in too.",
    )
    fallback_author = forms.ChoiceField(
        required=False,
        label="Work of authors who are not members",
        help_text="Label Studio authors are matched to members by e-mail, then username.",
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fallback_author"].choices = [("", "Leave it out")] + [
            (user.username, f"Give it to {user.username}") for user in members
        ]

    def clean_mapping(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), start=1):
            if not line.strip():
                continue
            value, sep, rating = line.rpartition("=")
            if not sep or not value.strip():
                raise ValidationError(f"Line {number} is not “value = rating”.")
            mapping[value.strip()] = rating.strip()
        return mapping


class W3CForm(ExportForm):
    id_prefix = "w3c"

    article = forms.TypedChoiceField(
        coerce=int, label="Article", help_text="The article the annotations mark."
    )

    def __init__(self, *args, articles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = articles


def article_choices(project) -> list[tuple[int, str]]:
    newest = Article.objects.filter(project=project).order_by("-created_at", "-id")[:ARTICLE_CHOICES]
    return list(newest.values_list("pk", "title"))


def chosen_mapping(request, form: LabelStudioForm) -> dict:
    """The textarea's lines, then the selects the page offers for each value a dry run found."""
    chosen = zip(request.POST.getlist("mapped_value"), request.POST.getlist("mapped_rating"), strict=False)
    selected = {value: "" if rating == NO_VERDICT else rating for value, rating in chosen if value and rating}
    return {**form.cleaned_data["mapping"], **selected}


def mapping_rows(report, mapping: dict) -> list[dict]:
    return [
        {"value": value, "count": count, "rating": mapping.get(value), "unmapped": value not in mapping}
        for value, count in sorted(report.labels_found.items())
    ]


@login_required
def work_import(request, project_id):
    project = project_for(request, project_id)
    members = [membership.user for membership in members_of(project)]
    source = request.POST.get("source") if request.method == "POST" else None
    posted = (request.POST, request.FILES)
    ls_form = LabelStudioForm(*(posted if source == "labelstudio" else ()), members=members)
    w3c_form = W3CForm(
        *(posted if source == "w3c" else ()),
        articles=article_choices(project),
        initial={"article": request.GET.get("article")},
    )
    context = project_context(project, "bring-in")
    context.update(ls_form=ls_form, w3c_form=w3c_form, ratings=Rating.choices, source=source)
    if request.method == "GET" and "job" in request.GET:
        job = job_of(request, project)
        context.update(job=job, report_data=job.report if job.status == ImportJob.Status.DONE else None)
    dry_run = "import" not in request.POST
    form = {"labelstudio": ls_form, "w3c": w3c_form}.get(source)
    failed = form is not None and not form.is_valid()
    kind, mapping = None, {}
    if form is ls_form and not failed:
        kind, mapping = ImportJob.Kind.LABEL_STUDIO, chosen_mapping(request, ls_form)
        options = {
            "project_id": project.id,
            "export": ls_form.cleaned_data["export"],
            "mapping": mapping,
            "fallback_author": ls_form.cleaned_data["fallback_author"] or None,
            "dry_run": dry_run,
        }
    elif form is w3c_form and not failed:
        kind = ImportJob.Kind.W3C
        options = {
            "article_id": w3c_form.cleaned_data["article"],
            "document": w3c_form.cleaned_data["export"],
            "dry_run": dry_run,
        }
    if kind is not None:
        try:
            size = len(form.cleaned_data["export_text"].encode("utf-8"))
            if is_large(kind, size=size, export=options.get("export")):
                job = queue_import(actor=request.user, kind=kind, options=options)
                messages.info(request, QUEUED)
                return redirect(f"{reverse('annotations:work-import', args=[project.id])}?job={job.pk}")
            run = import_labelstudio if kind == ImportJob.Kind.LABEL_STUDIO else import_w3c
            report = run(actor=request.user, **options)
        except (ValidationError, PermissionDenied) as error:
            failed = refuse(form, error)
        else:
            context["report"] = report
            if kind == ImportJob.Kind.LABEL_STUDIO:
                context["mapping_rows"] = mapping_rows(report, mapping)
            carry(form, report)
    # The articles an import just made are choices too.
    w3c_form.fields["article"].choices = article_choices(project)
    if "report" in context:
        # Lists, not the report's counters: a template looking up ``counter.items`` gets a count;
        # and the shape a job's report has.
        context["report_data"] = context["report"].as_dict()
    if "report" in context and not context["report"].dry_run:
        messages.success(request, summary(context["report"]))
    return render(request, "annotations/work_import.html", context, status=400 if failed else 200)


def job_of(request, project) -> ImportJob:
    """The project's Label Studio or W3C import job named by ``?job=``; 404 for any other."""
    job_id = request.GET["job"]
    if not (job_id.isascii() and job_id.isdigit() and len(job_id) < 19):
        raise Http404("No such import.")
    job = get_import_job_for(request.user, int(job_id))
    if job.project_id != project.id or job.kind not in KINDS:
        raise Http404("No such import.")
    return job


def refuse(form, error) -> bool:
    """Show a service's refusal on the form; the import changed nothing."""
    if isinstance(error, PermissionDenied):
        form.add_error(
            None,
            f"{error} Work attributed to other members needs an editor: import only your own work.",
        )
    else:
        add_service_error(form, error, aliases={"export": "export_file"})
    return True


def carry(form, report) -> None:
    """After a dry run the page keeps the export, so that Import needs no second upload; after
    an import it forgets it, so that a second click imports nothing twice."""
    form.data = form.data.copy()
    form.data[form.add_prefix("export_text")] = form.cleaned_data["export_text"] if report.dry_run else ""


def summary(report) -> str:
    return (
        f"Imported: {report.articles_created} article(s), {report.annotations_created} annotation(s), "
        f"{report.verdicts_created} verdict(s); {len(report.unplaced)} could not be placed."
    )

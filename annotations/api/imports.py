"""Bringing work in from other tools: a Label Studio JSON export into a project, W3C Web
Annotations onto an article. Each import is one transaction; a dry run answers the same report
and changes nothing. The services live in :mod:`annotations.imports`."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.jobs import ImportJobSerializer, job_accepted
from annotations.imports.jobs import is_large, queue_import
from annotations.imports.labelstudio import import_labelstudio
from annotations.imports.limits import (
    EXPORT_MAX_BYTES,
    JOB_EXPORT_MAX_BYTES,
    JOB_MAX_TASKS,
    MAX_ANNOTATIONS,
    MAX_JSON_FIELDS,
    MAX_TASKS,
    TOO_LARGE,
)
from annotations.imports.w3c import import_w3c
from annotations.models import ImportJob, Rating

MB = 1024 * 1024


class LabelStudioImportInput(serializers.Serializer):
    project = serializers.IntegerField()
    export = serializers.JSONField(
        help_text=f"The Label Studio JSON export: a list of up to {JOB_MAX_TASKS} tasks."
    )
    mapping = serializers.DictField(
        child=serializers.ChoiceField(choices=[("", "no verdict"), *Rating.choices], allow_blank=True),
        required=False,
        help_text="Label Studio label or choice value → rating; a region whose values map to one "
        "rating gets its author's verdict. Values left out are reported as unmapped.",
    )
    authors = serializers.DictField(
        child=serializers.CharField(max_length=150),
        required=False,
        help_text="Label Studio user id or e-mail → username of a member. Others are matched to "
        "members by e-mail, then username.",
    )
    fallback_author = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=150,
        help_text="A member who takes the work of authors no member answers to; without one it is left out.",
    )
    text_field = serializers.CharField(
        required=False, default="text", max_length=100, help_text="The task data key holding the text."
    )
    dry_run = serializers.BooleanField(default=False)


class W3CImportInput(serializers.Serializer):
    article = serializers.IntegerField()
    export = serializers.JSONField(
        help_text="An AnnotationCollection with its pages embedded, an AnnotationPage, a list of "
        "annotations or pages, or one Annotation."
    )
    dry_run = serializers.BooleanField(default=False)


class CountsSerializer(serializers.Serializer):
    articles = serializers.IntegerField()
    annotations = serializers.IntegerField()
    verdicts = serializers.IntegerField(required=False)


class SkippedSerializer(serializers.Serializer):
    where = serializers.CharField()
    reason = serializers.CharField()


class UnplacedSerializer(SkippedSerializer):
    quote = serializers.CharField(allow_blank=True)


class ValueCountSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class UnmappedAuthorSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The Label Studio user id (else e-mail) the export names.")
    id = serializers.IntegerField(required=False)
    email = serializers.CharField(required=False)
    username = serializers.CharField(required=False)
    regions = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    """What the import did, or what its dry run would do."""

    dry_run = serializers.BooleanField()
    created = CountsSerializer()
    existing = CountsSerializer(help_text="Articles re-imported (by url) and spans that were already marked.")
    placed_by_quote = serializers.IntegerField(
        help_text="W3C: annotations placed by quote, their positions off."
    )
    skipped = SkippedSerializer(many=True)
    unplaced = UnplacedSerializer(many=True, help_text="Annotations that could not be placed, with why.")
    unmapped_labels = ValueCountSerializer(many=True)
    labels_found = ValueCountSerializer(many=True)
    unmapped_authors = UnmappedAuthorSerializer(many=True)


def body_size(request) -> int:
    """The request body's declared size, refused past what any import takes (before it is read)."""
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    if size > JOB_EXPORT_MAX_BYTES:
        raise ValidationError({"export": [TOO_LARGE]})
    return size


def answer(report) -> Response:
    return Response(
        report.as_dict(), status=status.HTTP_200_OK if report.dry_run else status.HTTP_201_CREATED
    )


ERRORS = {
    400: OpenApiResponse(
        description="A bad export, mapping or author: `{field: [reason]}`; nothing changed."
    ),
    403: OpenApiResponse(description="Below the role the import needs."),
    404: OpenApiResponse(description="No such project or article among the caller's projects."),
    202: OpenApiResponse(
        ImportJobSerializer,
        description=f"An export over {EXPORT_MAX_BYTES // MB} MB (or, from Label Studio, {MAX_TASKS} "
        "tasks) is queued as an import job; its `url` (also in Location) tells its progress, and once "
        "it is done its `report` is this report.",
    ),
    409: OpenApiResponse(
        description="The work clashes with the desk's state (a resolved claim); nothing changed."
    ),
}


JOB_LOCATION = OpenApiParameter(
    "Location",
    str,
    OpenApiParameter.HEADER,
    response=[202],
    description="The import job's address (its `url`).",
)


class ImportLabelStudioView(APIView):
    max_json_fields = MAX_JSON_FIELDS

    @extend_schema(
        request=LabelStudioImportInput,
        responses={
            201: ImportReportSerializer,
            200: OpenApiResponse(ImportReportSerializer, description="A dry run: what an import would do."),
            **ERRORS,
        },
        parameters=[JOB_LOCATION],
        summary="Import a Label Studio export into a project, all or nothing",
        description=(
            "Tasks become articles, `labels` regions annotations (tagged with their labels), and a "
            "region's labels and per-region choices a verdict by its author through `mapping`. Offsets "
            "are read as code points (Label Studio's Text tag) or UTF-16 units (its older versions), "
            "whichever gives the region's saved text, and carried into the canonical text; a region "
            "that fits neither is reported in `unplaced`. Annotators and up import their own work; "
            "work attributed to other members needs an editor. At most "
            f"{JOB_EXPORT_MAX_BYTES // MB} MB, {JOB_MAX_TASKS} tasks and {MAX_ANNOTATIONS} regions."
        ),
    )
    def post(self, request):
        size = body_size(request)
        payload = LabelStudioImportInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        options = {
            "project_id": data["project"],
            "export": data["export"],
            "mapping": data.get("mapping"),
            "authors": data.get("authors"),
            "fallback_author": data.get("fallback_author") or None,
            "text_field": data["text_field"],
            "dry_run": data["dry_run"],
        }
        kind = ImportJob.Kind.LABEL_STUDIO
        if is_large(kind, size=size, export=data["export"]):
            return job_accepted(request, queue_import(actor=request.user, kind=kind, options=options))
        return answer(import_labelstudio(actor=request.user, **options))


class ImportW3CView(APIView):
    max_json_fields = MAX_JSON_FIELDS

    @extend_schema(
        request=W3CImportInput,
        responses={
            201: ImportReportSerializer,
            200: OpenApiResponse(ImportReportSerializer, description="A dry run: what an import would do."),
            **ERRORS,
        },
        parameters=[JOB_LOCATION],
        summary="Place W3C Web Annotations onto an article, all or nothing",
        description=(
            "Each annotation is placed by its TextPositionSelector (code points) when the words there "
            "equal its TextQuoteSelector's `exact`, else by the TextQuoteSelector (exact with its prefix "
            "and suffix, in one place only); one that cannot be placed is reported in `unplaced`, never "
            "guessed. The claim (`describing`) and tags (`tagging`) come along; the annotations are the "
            "caller's (annotators and up). This API's own export (`GET /api/v1/w3c/articles/{id}/?page=N`) "
            f"re-imports onto a copy of the article. At most {JOB_EXPORT_MAX_BYTES // MB} MB and "
            f"{MAX_ANNOTATIONS} annotations."
        ),
    )
    def post(self, request):
        size = body_size(request)
        payload = W3CImportInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        options = {"article_id": data["article"], "document": data["export"], "dry_run": data["dry_run"]}
        kind = ImportJob.Kind.W3C
        if is_large(kind, size=size, export=data["export"]):
            return job_accepted(request, queue_import(actor=request.user, kind=kind, options=options))
        return answer(import_w3c(actor=request.user, **options))

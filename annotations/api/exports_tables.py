from django.http import StreamingHttpResponse
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

from annotations.api.annotations import AnnotationFilter
from annotations.exports import tables
from annotations.permissions import get_project_for
from annotations.selectors import annotations_visible_to
from workbench.filters import IdFilter, blank_values
from workbench.schema import AutoSchema


class ClaimExportFilter(AnnotationFilter):
    """The annotation list's filters with the project required; an export is ordered by id."""

    project = IdFilter(field_name="article__project_id", required=True, label="The project's id")
    ordering = None


class ExportNegotiation(BaseContentNegotiation):
    """An export answers its own media type whatever Accept asks for, and its errors JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportSchema(AutoSchema):
    """An export is a list in a media type of its own: its query parameters are its filters."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


CSV = "text/csv"
JSONL = "application/x-ndjson"

COMMON = """
Give `project`; the annotation list's filters narrow the claims (`article`, `status` as blind
review shows it, `rating` the final rating, `reviewer`, `author`, `tag`, `orphaned`,
`created_after`/`created_before`, `q`). Claims come in id order. Bad filters answer 400 JSON before
anything streams; projects the caller is not a member of answer 404.

**Streamed.** The body is written as it is read, a page of claims at a time, so it can be any size;
a download that breaks off midway is incomplete (a JSONL file's last line, a CSV's last row). Pages
are read one after another, not as one snapshot: a claim changed during the export is written as
it was when its page was read. Served by a WSGI server, memory stays flat; an ASGI server collects
the whole body first (Django consumes synchronous streams there).

**Blind review.** Every member may export. Statuses read as blind review shows them (a dispute
reads `needs_review` until the caller has given their own verdict); final ratings are those of agreed
and resolved claims, which every member sees; verdicts and their evidence are those the caller may
see: all of them for editors and admins (unless they review blind), else their own and those on the
claims they have judged.

Offsets count Unicode code points of the revision's text (`start` inclusive, `end` exclusive).
Date-times are ISO 8601 in UTC.
"""

CSV_COMMON = """
**CSV.** UTF-8, comma-separated, RFC 4180 quoting, a header row. Empty cells are nulls; booleans
are `true`/`false`. Text cells beginning with `=`, `+`, `-`, `@`, a tab or a carriage return get a
leading `'` so that spreadsheet programs do not run them as formulas (OWASP's advice); strip it
when you need the exact text, or use the JSONL export. The three CSV exports are tidy tables that
join on ids: `claims.csv` (one row per claim), `claims-verdicts.csv` (one row per verdict, keyed by
`claim_id`) and `claims-evidence.csv` (one row per piece of evidence, keyed by `verdict_id` and
`claim_id`). In pandas: `claims = pd.read_csv(url)`, `verdicts = pd.read_csv(url2)`,
`claims.merge(verdicts, on="claim_id", how="left")`.
"""

CLAIMS_CSV = """
Columns: `claim_id`, `project_id`, `project_name`, `article_id`, `article_title`, `article_url`,
`revision` (the revision number the offsets count in), `start`, `end`, `quote`, `claim` (the claim
restated, may be empty), `tags` (names in name order joined by `|`), `status`, `final_rating`
(agreed and resolved claims only), `final_rating_value` (its position on the truth scale, 1 = false
... 5 = true; empty for ratings outside it), `orphaned`, `merged_into` (the claim this one was merged
into), `author` (who highlighted it), `created_at`, `updated_at`.
"""

VERDICTS_CSV = """
Columns: `verdict_id`, `claim_id`, `reviewer`, `rating` (the current rating), `blind_rating` (the
rating given before its author saw any other verdict; kept for good), `independent` (given blind:
only these count toward the status and agreement), `revised_after_reveal`, `confidence`,
`rationale`, `created_at`, `updated_at`. Rows in claim order, each claim's verdicts oldest first.
"""

EVIDENCE_CSV = """
Columns: `evidence_id`, `verdict_id`, `claim_id`, `url` (the source's normalized URL), `title`,
`stance` (supports, refutes, context), `quote` (the passage that matters).
"""

JSONL_DESCRIPTION = """
**JSONL** (`application/x-ndjson`): one JSON object per claim and line, UTF-8, each line ending in
`\\n` (U+2028 and U+2029 inside strings are escaped). In pandas: `pd.read_json(url, lines=True)`.
Each line: `id`, `project` `{id, name}`, `article` `{id, title, url}`, `revision`, `span` `{start,
end, unit: "code_point"}`, `quote`, `claim`, `tags` (names), `status`, `final_rating` and
`final_rating_value` (null unless agreed or resolved), `orphaned`, `merged_into`, `author`,
`created_at`, `updated_at`, and `verdicts`: each `{id, reviewer, rating, blind_rating, independent,
revised_after_reveal, confidence, rationale, created_at, updated_at, evidence: [{url, title, stance,
quote}]}`, oldest first.
"""

LINE_EXAMPLE = (
    '{"id":7,"project":{"id":1,"name":"Demo desk"},"article":{"id":3,"title":"São Paulo\'s record '
    'rainfall","url":"https://example.org/clima/sao-paulo-chuva"},"revision":1,"span":{"start":0,'
    '"end":45,"unit":"code_point"},"quote":"São Paulo recorded 312 mm of rain in February","claim":'
    '"São Paulo had 312 mm of rain in February.","tags":["climate"],"status":"agreed","final_rating":'
    '"true","final_rating_value":5,"orphaned":false,"merged_into":null,"author":"annotator",'
    '"created_at":"2026-03-01T10:00:00Z","updated_at":"2026-03-01T10:05:00Z","verdicts":[{"id":11,'
    '"reviewer":"reviewer1","rating":"true","blind_rating":"true","independent":true,'
    '"revised_after_reveal":false,"confidence":"high","rationale":"Matches the bulletin.",'
    '"created_at":"2026-03-01T10:02:00Z","updated_at":"2026-03-01T10:02:00Z","evidence":[{"url":'
    '"https://www.cgesp.org/v3/boletim-fevereiro","title":"CGE bulletin","stance":"supports",'
    '"quote":"312 mm"}]}]}\n'
)

ERRORS = {
    400: OpenApiResponse(
        description="A missing project, or a filter value that cannot be used: `{parameter: [reason]}`."
    ),
    404: OpenApiResponse(description="No such project among the caller's projects."),
}


ATTACHMENT = OpenApiParameter(
    "Content-Disposition",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    required=True,
    description='`attachment; filename="project-<id>-<name>.<extension>"`.',
)


def export_schema(*, operation_id: str, media_type: str, summary: str, description: str, example: str):
    return extend_schema_view(
        get=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description,
            parameters=[ATTACHMENT],
            responses={
                (200, media_type): OpenApiResponse(
                    OpenApiTypes.STR,
                    description="The export, streamed, as an attachment: Content-Disposition names the file.",
                    examples=[OpenApiExample("start", value=example, media_type=media_type)],
                ),
                **ERRORS,
            },
        )
    )


class ExportView(GenericAPIView):
    """Streams one export of a project's claims, selected with the annotation list's filters."""

    filterset_class = ClaimExportFilter
    pagination_class = None
    renderer_classes = [JSONRenderer]
    content_negotiation_class = ExportNegotiation
    schema = ExportSchema()
    media_type = ""
    extension = ""
    name = ""

    def get_queryset(self):
        return annotations_visible_to(self.request.user)

    def get(self, request):
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset(), request=request)
        if errors := blank_values(filterset):
            raise ValidationError(errors, code="blank")
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        project = get_project_for(request.user, filterset.form.cleaned_data["project"])
        claims = filterset.qs.filter(article__project=project)
        response = StreamingHttpResponse(
            self.stream(project, claims), content_type=f"{self.media_type}; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="project-{project.pk}-{self.name}.{self.extension}"'
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def stream(self, project, claims):
        raise NotImplementedError


class TableExportView(ExportView):
    media_type = CSV
    extension = "csv"
    table: tables.Table

    @property
    def name(self) -> str:
        return self.table.name

    def stream(self, project, claims):
        return tables.csv_stream(self.table, project, claims)


def csv_example(table: tables.Table) -> str:
    return ",".join(table.columns) + "\r\n"


@export_schema(
    operation_id="exports_claims_csv",
    media_type=CSV,
    summary="The project's claims as CSV, one row per claim",
    description=COMMON + CSV_COMMON + CLAIMS_CSV,
    example=csv_example(tables.CLAIMS),
)
class ClaimsCsvView(TableExportView):
    table = tables.CLAIMS


@export_schema(
    operation_id="exports_claims_verdicts_csv",
    media_type=CSV,
    summary="The verdicts on the project's claims as CSV, one row per verdict",
    description=COMMON + CSV_COMMON + VERDICTS_CSV,
    example=csv_example(tables.VERDICTS),
)
class ClaimVerdictsCsvView(TableExportView):
    table = tables.VERDICTS


@export_schema(
    operation_id="exports_claims_evidence_csv",
    media_type=CSV,
    summary="The evidence behind the verdicts on the project's claims as CSV, one row per item",
    description=COMMON + CSV_COMMON + EVIDENCE_CSV,
    example=csv_example(tables.EVIDENCE),
)
class ClaimEvidenceCsvView(TableExportView):
    table = tables.EVIDENCE


@export_schema(
    operation_id="exports_claims_jsonl",
    media_type=JSONL,
    summary="The project's claims as JSON Lines, verdicts and evidence nested",
    description=COMMON + JSONL_DESCRIPTION,
    example=LINE_EXAMPLE,
)
class ClaimsJsonlView(ExportView):
    media_type = JSONL
    extension = "jsonl"
    name = "claims"

    def stream(self, project, claims):
        return tables.jsonl_stream(project, claims)

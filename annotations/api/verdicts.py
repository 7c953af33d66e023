import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets

from annotations.api.etags import ETAG, IF_MATCH, VersionedViewMixin
from annotations.api.fields import IdField, StrictIntegerField
from annotations.limits import MAX_EVIDENCE
from annotations.models import Confidence, Evidence, Rating, Stance, Verdict
from annotations.models.verdicts import EVIDENCE_QUOTE_MAX_LENGTH, RATIONALE_MAX_LENGTH
from annotations.selectors import evidence_visible_to, verdicts_visible_to
from annotations.services.verdicts import edit_verdict, submit_verdict
from sources.models import SOURCE_TITLE_MAX_LENGTH
from sources.normalization import MAX_URL_LENGTH, normalize_url
from workbench.filters import DateTimeFilter, IdFilter
from workbench.serializers import PlannedListSerializer


class EvidenceInput(serializers.Serializer):
    url = serializers.CharField(
        max_length=MAX_URL_LENGTH, help_text="An http(s) URL; normalized to find the project's source."
    )
    title = serializers.CharField(max_length=SOURCE_TITLE_MAX_LENGTH, required=False, allow_blank=True)
    stance = serializers.ChoiceField(choices=Stance.choices)
    quote = serializers.CharField(
        max_length=EVIDENCE_QUOTE_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )

    def validate_url(self, value):
        return normalize_url(value)


class SubmitVerdictInput(serializers.Serializer):
    annotation = IdField()
    rating = serializers.ChoiceField(choices=Rating.choices)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=RATIONALE_MAX_LENGTH)
    evidence = EvidenceInput(many=True, required=False, max_length=MAX_EVIDENCE)


class EditVerdictInput(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=RATIONALE_MAX_LENGTH)
    evidence = EvidenceInput(
        many=True, required=False, max_length=MAX_EVIDENCE, help_text="Replaces the evidence."
    )
    version = StrictIntegerField(
        required=False, help_text="The version last read; an alternative to If-Match."
    )


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="source.url", read_only=True)
    title = serializers.CharField(source="source.title", read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "verdict", "source", "url", "title", "stance", "quote", "created_at"]
        read_only_fields = fields
        list_serializer_class = PlannedListSerializer


class VerdictSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "annotation",
            "reviewer",
            "rating",
            "blind_rating",
            "independent",
            "revised_after_reveal",
            "confidence",
            "rationale",
            "evidence",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        list_serializer_class = PlannedListSerializer


class VerdictFilter(django_filters.FilterSet):
    project = IdFilter(field_name="annotation__article__project_id")
    article = IdFilter(field_name="annotation__article_id")
    annotation = IdFilter(field_name="annotation_id")
    rating = django_filters.MultipleChoiceFilter(choices=Rating.choices)
    confidence = django_filters.ChoiceFilter(choices=Confidence.choices)
    reviewer = django_filters.CharFilter(field_name="reviewer__username")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    ordering = django_filters.OrderingFilter(fields=["id", "created_at", "updated_at", "rating"])

    class Meta:
        model = Verdict
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Verdicts that blind review lets the caller see"),
    retrieve=extend_schema(parameters=[ETAG], summary="A verdict, as blind review lets the caller see it"),
    create=extend_schema(
        parameters=[ETAG],
        request=SubmitVerdictInput,
        responses={
            201: VerdictSerializer,
            409: OpenApiResponse(description="A verdict of the caller exists, or the claim is resolved."),
        },
        summary="Give a verdict with its evidence (reviewers, editors, admins)",
    ),
    partial_update=extend_schema(
        parameters=[IF_MATCH, ETAG],
        request=EditVerdictInput,
        responses={
            200: VerdictSerializer,
            409: OpenApiResponse(description="The claim is resolved or merged; its verdicts are frozen."),
            412: OpenApiResponse(description="Stale If-Match or version."),
        },
        summary="Change one's own verdict until the claim is resolved",
    ),
)
class VerdictViewSet(
    VersionedViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Verdicts, as blind review lets the caller see them. Each answer carries the verdict's ETag; an
    edit sent with If-Match (or a `version` in its body) answers 412 when the verdict changed since."""

    serializer_class = VerdictSerializer
    filterset_class = VerdictFilter
    etag_kind = "verdict"
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return verdicts_visible_to(self.request.user).order_by("created_at", "id")

    def create(self, request):
        payload = SubmitVerdictInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        verdict = submit_verdict(reviewer=request.user, annotation_id=data.pop("annotation"), **data)
        return self.with_etag(verdict, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        payload = EditVerdictInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("version", None)
        verdict = edit_verdict(
            reviewer=request.user,
            verdict_id=pk,
            expected_version=self.client_version(pk),
            **data,
        )
        return self.with_etag(verdict)


class EvidenceFilter(django_filters.FilterSet):
    project = IdFilter(field_name="verdict__annotation__article__project_id")
    annotation = IdFilter(field_name="verdict__annotation_id")
    verdict = IdFilter(field_name="verdict_id")
    source = IdFilter(field_name="source_id")
    stance = django_filters.ChoiceFilter(choices=Stance.choices)
    ordering = django_filters.OrderingFilter(fields=["id", "created_at"])

    class Meta:
        model = Evidence
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Evidence behind the verdicts blind review lets the caller see"),
    retrieve=extend_schema(summary="One piece of evidence"),
)
class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return evidence_visible_to(self.request.user).order_by("id")

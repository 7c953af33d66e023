import django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from annotations.api.annotations import AnnotationFilter, AnnotationSerializer
from annotations.api.fields import IdField
from annotations.api.verdicts import EvidenceInput, EvidenceSerializer
from annotations.limits import MAX_EVIDENCE
from annotations.models import (
    Adjudication,
    Annotation,
    Disagreement,
    DisagreementKind,
    DisagreementStatus,
    Rating,
    Role,
)
from annotations.models.review import RESOLUTION_MAX_LENGTH
from annotations.models.verdicts import RATIONALE_MAX_LENGTH
from annotations.permissions import check_role_where_member
from annotations.selectors import QUEUE_NAMES, adjudications_visible_to, disagreements_visible_to, queue
from annotations.selectors.assignments import assigned_first, assigned_to_username
from annotations.selectors.review import SEVERITIES, filter_claims, filter_disagreements
from annotations.services.review import accept_converged_rating, adjudicate, keep_both, merge_annotations
from workbench.filters import MAX_ID, IdFilter

# OpenAPI 3.0 reads ``nullable`` only beside a ``type``, so null is admitted by the integer branch.
SEVERITY_SCHEMA = {
    "oneOf": [
        {"type": "integer", "minimum": 1, "maximum": 4, "nullable": True},
        {"type": "string", "enum": ["categorical"]},
    ],
}


@extend_schema_field(SEVERITY_SCHEMA)
class SeverityField(serializers.Field):
    """The distance of the ratings on the truth scale (1-4), ``categorical`` when a rating off the
    scale is involved, null for span disagreements."""

    def to_representation(self, disagreement):
        if disagreement.categorical:
            return "categorical"
        return disagreement.severity


class BriefAnnotationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.IntegerField(source="article_id")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    quote = serializers.CharField()


class DisagreementSerializer(serializers.ModelSerializer):
    severity = SeverityField(source="*", read_only=True)
    article = serializers.IntegerField(source="annotation.article_id", read_only=True)
    spans = serializers.SerializerMethodField()
    resolved_by = serializers.CharField(
        source="resolved_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Disagreement
        fields = [
            "id",
            "project",
            "article",
            "annotation",
            "other_annotation",
            "kind",
            "severity",
            "status",
            "spans",
            "resolution",
            "resolved_by",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(BriefAnnotationSerializer(many=True))
    def get_spans(self, disagreement):
        spans = [disagreement.annotation]
        if disagreement.other_annotation is not None:
            spans.append(disagreement.other_annotation)
        return BriefAnnotationSerializer(spans, many=True).data


@extend_schema_field({"type": "string", "enum": ["1", "2", "3", "4", "categorical"]})
class SeverityFilter(django_filters.ChoiceFilter):
    def filter(self, queryset, value):
        return filter_disagreements(queryset, severity=value or "")


class DisagreementFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id")
    article = IdFilter(field_name="annotation__article_id")
    annotation = IdFilter(method="filter_annotation", label="Involves this annotation")
    status = django_filters.ChoiceFilter(choices=DisagreementStatus.choices)
    kind = django_filters.ChoiceFilter(choices=DisagreementKind.choices)
    severity = SeverityFilter(choices=[(value, value) for value, _ in SEVERITIES])
    severity_min = django_filters.NumberFilter(
        field_name="severity", lookup_expr="gte", min_value=1, max_value=4
    )
    ordering = django_filters.OrderingFilter(fields=["id", "opened_at", "closed_at", "severity"])

    class Meta:
        model = Disagreement
        fields = []

    def filter_annotation(self, queryset, name, value):
        return filter_disagreements(queryset, claim=value)


class KeepBothInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=RESOLUTION_MAX_LENGTH)


class AcceptConvergedInput(serializers.Serializer):
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=RATIONALE_MAX_LENGTH)


class MergeInput(KeepBothInput):
    keep = IdField(help_text="The annotation to keep; the other is merged into it.")


class MergeSerializer(serializers.Serializer):
    kept = serializers.IntegerField(source="kept.pk")
    merged = serializers.IntegerField(source="merged.pk")
    moved_verdicts = serializers.SerializerMethodField()
    left_verdicts = serializers.SerializerMethodField()
    explanation = serializers.CharField()

    def get_moved_verdicts(self, merge) -> list[int]:
        return [verdict.pk for verdict in merge.moved]

    def get_left_verdicts(self, merge) -> list[int]:
        return [verdict.pk for verdict in merge.left]


class AdjudicationSerializer(serializers.ModelSerializer):
    editor = serializers.CharField(source="editor.username", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Adjudication
        fields = [
            "id",
            "annotation",
            "editor",
            "rating",
            "rationale",
            "evidence",
            "created_at",
            "superseded_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Disagreements the system found (verdict ones as blind review allows)"),
    retrieve=extend_schema(summary="One disagreement"),
)
class DisagreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DisagreementSerializer
    filterset_class = DisagreementFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return disagreements_visible_to(self.request.user).order_by("opened_at", "id")

    @extend_schema(
        request=MergeInput,
        responses={200: MergeSerializer, 409: OpenApiResponse(description="Not an open span disagreement.")},
        summary="Resolve a span disagreement by merging one annotation into the other (editors)",
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        payload = MergeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        result = merge_annotations(
            editor=request.user,
            disagreement_id=pk,
            keep_id=payload.validated_data["keep"],
            note=payload.validated_data.get("note", ""),
        )
        return Response(MergeSerializer(result).data)

    @extend_schema(
        request=KeepBothInput,
        responses={
            200: DisagreementSerializer,
            409: OpenApiResponse(description="Not an open span disagreement."),
        },
        summary="Resolve a span disagreement by keeping both annotations as separate claims (editors)",
    )
    @action(detail=True, methods=["post"], url_path="keep-both")
    def keep_both(self, request, pk=None):
        payload = KeepBothInput(data=request.data)
        payload.is_valid(raise_exception=True)
        disagreement = keep_both(editor=request.user, disagreement_id=pk, **payload.validated_data)
        return Response(DisagreementSerializer(self.get_queryset().get(pk=disagreement.pk)).data)

    @extend_schema(
        request=AcceptConvergedInput,
        responses={
            201: AdjudicationSerializer,
            409: OpenApiResponse(
                description="Not an open verdict disagreement, or the reviewers' ratings still differ."
            ),
        },
        summary="Resolve a verdict disagreement with the rating its reviewers converged on (editors)",
        description=(
            "After seeing each other's verdicts the reviewers may revise theirs; when all the independent "
            "verdicts now give one rating, an editor accepts it: the claim is resolved with that rating, "
            "recorded as an adjudication. Agreement figures keep counting the blind ratings."
        ),
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        payload = AcceptConvergedInput(data=request.data)
        payload.is_valid(raise_exception=True)
        adjudication = accept_converged_rating(
            editor=request.user, disagreement_id=pk, **payload.validated_data
        )
        fresh = adjudications_visible_to(request.user).get(pk=adjudication.pk)
        return Response(AdjudicationSerializer(fresh).data, status=status.HTTP_201_CREATED)


class AdjudicateInput(serializers.Serializer):
    annotation = IdField()
    rating = serializers.ChoiceField(choices=Rating.choices)
    rationale = serializers.CharField(max_length=RATIONALE_MAX_LENGTH)
    evidence = EvidenceInput(many=True, required=False, max_length=MAX_EVIDENCE)


class AdjudicationFilter(django_filters.FilterSet):
    project = IdFilter(field_name="annotation__article__project_id")
    article = IdFilter(field_name="annotation__article_id")
    annotation = IdFilter(field_name="annotation_id")
    rating = django_filters.ChoiceFilter(choices=Rating.choices)
    editor = django_filters.CharFilter(field_name="editor__username")
    standing = django_filters.BooleanFilter(field_name="superseded_at", lookup_expr="isnull")
    ordering = django_filters.OrderingFilter(fields=["id", "created_at"])

    class Meta:
        model = Adjudication
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Adjudications (editors see all; others those of claims they judged)"),
    retrieve=extend_schema(summary="One adjudication"),
    create=extend_schema(
        request=AdjudicateInput,
        responses={
            201: AdjudicationSerializer,
            409: OpenApiResponse(description="The claim is resolved already."),
        },
        summary="Set a claim's final rating (editors and admins); the claim becomes resolved",
    ),
)
class AdjudicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = AdjudicationSerializer
    filterset_class = AdjudicationFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return adjudications_visible_to(self.request.user).order_by("created_at", "id")

    def create(self, request):
        payload = AdjudicateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        adjudication = adjudicate(editor=request.user, annotation_id=data.pop("annotation"), **data)
        fresh = self.get_queryset().get(pk=adjudication.pk)
        return Response(AdjudicationSerializer(fresh).data, status=status.HTTP_201_CREATED)


class QueueFilter(AnnotationFilter):
    assignee = django_filters.CharFilter(
        method="filter_assignee", label="Assigned to this username (on its own or with its article)"
    )
    tag = django_filters.CharFilter(method="filter_queue", label="Has this tag")

    class Meta(AnnotationFilter.Meta):
        fields = []

    def filter_assignee(self, queryset, name, value):
        return assigned_to_username(queryset, value)

    # Rating, tag and reviewer as the queue pages apply them (one rule for both).
    def filter_rating(self, queryset, name, value):
        return self.filter_queue(queryset, "rating", value)

    def filter_reviewer(self, queryset, name, value):
        return self.filter_queue(queryset, "reviewer", value)

    def filter_queue(self, queryset, name, value):
        return filter_claims(self.request.user, queryset, **{name: value})


@extend_schema_view(
    list=extend_schema(
        summary="A review queue: to_review (awaiting my verdict), disputed (editors), done (publishable)",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(QUEUE_NAMES))],
        responses={
            200: AnnotationSerializer(many=True),
            403: OpenApiResponse(
                description="The disputed queue of a project (`project=ID`) the caller is a member of "
                "below editor."
            ),
        },
    )
)
class QueueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AnnotationSerializer
    filterset_class = QueueFilter

    queryset = Annotation.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Annotation.objects.none()
        name = self.kwargs.get("name")
        if name not in QUEUE_NAMES:
            raise NotFound(f"There is no queue named “{name}”; the queues are {', '.join(QUEUE_NAMES)}.")
        if name == "disputed":
            self.check_editor_of_requested_project()
        if name == "to_review":
            return assigned_first(self.request.user, queue(self.request.user, name))
        return queue(self.request.user, name)

    def check_editor_of_requested_project(self):
        project = self.request.query_params.get("project")
        # A malformed or out-of-range id is left for the filter to refuse with a 400.
        if project and project.isdigit() and int(project) <= MAX_ID:
            check_role_where_member(self.request.user, int(project), Role.EDITOR)

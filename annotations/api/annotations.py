from functools import cached_property

import django_filters
from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from annotations.anchoring import CONTEXT_WIDTH
from annotations.api.etags import ETAG, IF_MATCH, VersionedViewMixin
from annotations.api.fields import IdField, StrictIntegerField, TextField
from annotations.api.verdicts import EvidenceInput, VerdictSerializer
from annotations.limits import MAX_BULK, MAX_EVIDENCE, MAX_TAGS, QUOTE_MAX_LENGTH, REASON_MAX_LENGTH
from annotations.models import Annotation, Confidence, Evidence, Rating, Status, Verdict
from annotations.models.annotations import CLAIM_MAX_LENGTH, TAG_NAME_MAX_LENGTH
from annotations.models.verdicts import RATIONALE_MAX_LENGTH
from annotations.selectors import annotations_visible_to, visible_verdicts
from annotations.selectors.review import filter_claims
from annotations.services.annotations import (
    RECUT_SMALL_WORDS,
    create_annotation,
    delete_annotation,
    update_annotation,
)
from annotations.services.bulk import import_annotations
from annotations.services.review import reopen
from workbench.filters import DateTimeFilter, IdFilter
from workbench.serializers import PlannedListSerializer

TagList = serializers.ListField(
    child=serializers.CharField(max_length=TAG_NAME_MAX_LENGTH),
    required=False,
    max_length=MAX_TAGS,
    help_text="Tag names.",
)


class CreateAnnotationInput(serializers.Serializer):
    article = IdField()
    start = StrictIntegerField(
        min_value=0, help_text="Code point offset in the article's current text (inclusive)."
    )
    end = StrictIntegerField(min_value=1, help_text="Code point offset (exclusive).")
    # TextField: DRF's own surrogate check walks each value in Python, item after item in a bulk.
    quote = TextField(
        trim_whitespace=False, max_length=QUOTE_MAX_LENGTH, help_text="Exactly text[start:end]."
    )
    prefix = TextField(trim_whitespace=False, allow_blank=True, required=False, max_length=CONTEXT_WIDTH)
    suffix = TextField(trim_whitespace=False, allow_blank=True, required=False, max_length=CONTEXT_WIDTH)
    claim = TextField(allow_blank=True, required=False, max_length=CLAIM_MAX_LENGTH)
    tags = TagList


class BulkVerdictInput(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    rationale = TextField(required=False, allow_blank=True, max_length=RATIONALE_MAX_LENGTH)
    evidence = EvidenceInput(many=True, required=False, max_length=MAX_EVIDENCE)


class BulkAnnotationInput(CreateAnnotationInput):
    verdict = BulkVerdictInput(
        required=False, help_text="The caller's verdict on this claim (reviewers and up)."
    )


class BulkAnnotationsInput(serializers.Serializer):
    annotations = BulkAnnotationInput(many=True, min_length=1, max_length=MAX_BULK)


class ReopenInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)


class UpdateAnnotationInput(serializers.Serializer):
    claim = serializers.CharField(allow_blank=True, required=False, max_length=CLAIM_MAX_LENGTH)
    tags = TagList
    start = StrictIntegerField(
        min_value=0,
        required=False,
        help_text="Re-cut: the new start, a code point offset in the claim's text (inclusive); "
        "quote, prefix and suffix are read from the text.",
    )
    end = StrictIntegerField(
        min_value=1, required=False, help_text="Re-cut: the new end, a code point offset (exclusive)."
    )
    version = StrictIntegerField(
        required=False, help_text="The version last read; an alternative to If-Match."
    )


class AnnotationSerializer(serializers.ModelSerializer):
    revision = serializers.IntegerField(source="revision.number", read_only=True)
    tags = serializers.SerializerMethodField()
    author = serializers.CharField(source="author.username", read_only=True)
    status = serializers.ChoiceField(
        source="shown_status",
        choices=Status.choices,
        read_only=True,
        help_text="Derived from the independent verdicts. Blind review: a dispute reads needs_review "
        "until the caller has given their own verdict (editors see it).",
    )
    final_rating = serializers.SerializerMethodField()
    verdicts = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        fields = [
            "id",
            "article",
            "revision",
            "start",
            "end",
            "quote",
            "prefix",
            "suffix",
            "claim",
            "claim_changed_at",
            "tags",
            "status",
            "final_rating",
            "orphaned",
            "merged_into",
            "author",
            "version",
            "created_at",
            "updated_at",
            "verdicts",
        ]
        read_only_fields = fields
        list_serializer_class = PlannedListSerializer

    def get_tags(self, annotation) -> list[str]:
        return sorted(tag.name for tag in annotation.tags.all())

    @extend_schema_field(serializers.ChoiceField(choices=Rating.choices, allow_null=True))
    def get_final_rating(self, annotation):
        """The agreed or adjudicated rating, the desk's published result (every member sees it);
        null while the claim is neither agreed nor resolved."""
        return annotation.final_rating or None

    @extend_schema_field(VerdictSerializer(many=True))
    def get_verdicts(self, annotation):
        user = self.context["request"].user
        return self.verdict_list.to_representation(visible_verdicts(annotation, user))

    @cached_property
    def verdict_list(self) -> serializers.ListSerializer:
        """One verdict serializer for every annotation a list shows: building its fields anew for
        each annotation cost more than writing the verdicts."""
        return VerdictSerializer(many=True, context=self.context)


class AnnotationFilter(django_filters.FilterSet):
    project = IdFilter(field_name="article__project_id")
    article = IdFilter(field_name="article_id")
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, field_name="shown_status", label="Status, as blind review shows it"
    )
    rating = django_filters.ChoiceFilter(
        choices=Rating.choices,
        method="filter_rating",
        label="Final rating of agreed and resolved claims",
    )
    reviewer = django_filters.CharFilter(
        method="filter_reviewer",
        label="Has a verdict by this username (of others: among the claims blind review reveals)",
    )
    author = django_filters.CharFilter(field_name="author__username")
    tag = django_filters.CharFilter(field_name="tags__name")
    orphaned = django_filters.BooleanFilter()
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(method="filter_q", label="Quote, claim or article title contains")
    ordering = django_filters.OrderingFilter(
        fields=["id", "created_at", "updated_at", "start", ("shown_status", "status")]
    )

    class Meta:
        model = Annotation
        fields = []

    def filter_rating(self, queryset, name, value):
        return filter_claims(self.request.user, queryset, rating=value)

    def filter_reviewer(self, queryset, name, value):
        return filter_claims(self.request.user, queryset, reviewer=value)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(quote__icontains=value) | Q(claim__icontains=value) | Q(article__title__icontains=value)
        )


@extend_schema_view(
    list=extend_schema(summary="Annotations of the caller's projects"),
    retrieve=extend_schema(
        parameters=[ETAG], summary="An annotation with the verdicts blind review lets the caller see"
    ),
    create=extend_schema(
        parameters=[ETAG],
        request=CreateAnnotationInput,
        responses={
            201: AnnotationSerializer,
            200: OpenApiResponse(AnnotationSerializer, description="The same span exists: that annotation."),
        },
        summary="Highlight a claim",
    ),
    partial_update=extend_schema(
        parameters=[IF_MATCH, ETAG],
        request=UpdateAnnotationInput,
        responses={
            200: AnnotationSerializer,
            409: OpenApiResponse(
                description="The claim has verdicts and the caller is not an editor (`has_verdicts`), "
                "or a re-cut is refused: it changes more than a few words of a judged claim "
                "(`recut_too_large`), other words are that claim already (`span_taken`), or the "
                "claim is resolved, merged or orphaned."
            ),
            412: OpenApiResponse(description="Stale If-Match or version."),
        },
        summary="Change the claim text, tags or span (author, editors)",
        description="A re-cut (`start`, `end` or both) keeps the claim's verdicts when the new span "
        f"overlaps the old one and adds and drops at most {RECUT_SMALL_WORDS} words; the history keeps "
        "the old span.",
    ),
    destroy=extend_schema(
        parameters=[IF_MATCH],
        responses={
            204: None,
            409: OpenApiResponse(
                description="Has verdicts (authors), or another claim was merged into it (`has_merged`)."
            ),
            412: None,
        },
        summary="Delete an annotation (author before verdicts, editors always)",
    ),
)
class AnnotationViewSet(
    VersionedViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Highlighted claims. Each answer carries the annotation's ETag; an edit or a deletion sent
    with If-Match (or a `version` in its body) answers 412 when the annotation changed since, and
    changes nothing."""

    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter
    etag_kind = "annotation"
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        # The answer shows the revision's number only: its text (the article's whole text, once
        # per claim) is not read.
        return annotations_visible_to(self.request.user).defer("revision__text").order_by("created_at", "id")

    def create(self, request):
        payload = CreateAnnotationInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        annotation, created = create_annotation(author=request.user, article_id=data.pop("article"), **data)
        return self.with_etag(annotation, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def partial_update(self, request, pk=None):
        payload = UpdateAnnotationInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("version", None)
        annotation = update_annotation(
            actor=request.user,
            annotation_id=pk,
            expected_version=self.client_version(pk),
            **data,
        )
        return self.with_etag(annotation)

    def destroy(self, request, pk=None):
        delete_annotation(actor=request.user, annotation_id=pk, expected_version=self.client_version(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=BulkAnnotationsInput,
        responses={
            201: AnnotationSerializer(many=True),
            409: OpenApiResponse(description="A verdict of the caller exists, or a claim is resolved."),
        },
        summary=f"Load up to {MAX_BULK} annotations, each optionally with the caller's verdict and evidence",
        description=(
            "All or nothing. Bad items answer 400 `{annotations: {position: {field: [reason]}}}`; "
            "a verdict the caller already gave answers 409 in the same shape. Spans that exist already "
            "are reused, as with a single highlight. The answer lists the annotations in the items' order."
        ),
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        payload = BulkAnnotationsInput(data=request.data)
        payload.is_valid(raise_exception=True)
        placed = import_annotations(actor=request.user, items=payload.validated_data["annotations"])
        fresh = (
            self.get_queryset()
            # The verdicts' evidence with its sources in one query, and no verdict's claim again.
            .prefetch_related(None)
            .prefetch_related(
                "tags",
                Prefetch(
                    "verdicts",
                    queryset=Verdict.objects.select_related("reviewer").prefetch_related(
                        Prefetch("evidence", queryset=Evidence.objects.select_related("source"))
                    ),
                ),
            )
            .in_bulk([annotation.pk for annotation, _created in placed])
        )
        data = self.get_serializer([fresh[annotation.pk] for annotation, _created in placed], many=True).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ETAG],
        request=ReopenInput,
        responses={200: AnnotationSerializer, 409: OpenApiResponse(description="The claim is not resolved.")},
        summary="Re-open a resolved claim (editors and admins); its adjudication is kept, superseded",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        payload = ReopenInput(data=request.data)
        payload.is_valid(raise_exception=True)
        annotation = reopen(editor=request.user, annotation_id=pk, **payload.validated_data)
        return self.with_etag(annotation)

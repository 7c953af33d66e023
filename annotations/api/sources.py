"""Evidence sources and the reliability of publishers' domains: /api/v1/sources/ and /api/v1/domains/.

Sources are mostly created through evidence; here members read them, reviewers describe
them, and editors rate them, directly or through their domain's entry. Every read goes through
:func:`annotations.selectors.sources_visible_to`, so blind review hides the sources another
reviewer cited from lists, filters, details and answers alike.
"""

from datetime import timedelta
from typing import Literal

import django_filters
from django import forms
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from annotations.api.fields import IdField
from annotations.models import Role
from annotations.permissions import get_project_for, require_role
from annotations.selectors import domains_visible_to, sources_visible_to
from sources.models import (
    DOMAIN_NOTE_MAX_LENGTH,
    SOURCE_PUBLISHER_MAX_LENGTH,
    SOURCE_TITLE_MAX_LENGTH,
    Domain,
    Kind,
    Reliability,
    Source,
)
from sources.normalization import MAX_URL_LENGTH, clean_link, normalize_domain, normalize_url
from sources.selectors import inherited_reliability
from sources.services import (
    get_or_create_source,
    new_source,
    remove_domain_entry,
    set_domain_reliability,
    update_domain_entry,
    update_source,
)
from workbench.filters import DateTimeFilter, IdFilter

UNRATED = "unrated"
RELIABILITY_FILTER_CHOICES = [*Reliability.choices, (UNRATED, "Unrated")]
RELIABILITY_HELP = "high, medium or low; an empty string clears it."


class SourceDetailsInput(serializers.Serializer):
    title = serializers.CharField(max_length=SOURCE_TITLE_MAX_LENGTH, required=False, allow_blank=True)
    publisher = serializers.CharField(
        max_length=SOURCE_PUBLISHER_MAX_LENGTH, required=False, allow_blank=True
    )
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    accessed_on = serializers.DateField(required=False, allow_null=True)
    archived_url = serializers.CharField(
        max_length=MAX_URL_LENGTH,
        required=False,
        allow_blank=True,
        help_text="An http(s) address of an archived copy, kept as given.",
    )

    def validate_accessed_on(self, value):
        # A day of slack: the caller's today may be UTC's tomorrow.
        if value is not None and value > timezone.now().date() + timedelta(days=1):
            raise serializers.ValidationError("The access date cannot be in the future.")
        return value

    def validate_archived_url(self, value):
        return clean_link(value) if value else value


class CreateSourceInput(SourceDetailsInput):
    project = IdField()
    url = serializers.CharField(max_length=MAX_URL_LENGTH, help_text="An http(s) address; stored normalized.")

    def validate_url(self, value):
        return normalize_url(value)


class UpdateSourceInput(SourceDetailsInput):
    reliability = serializers.ChoiceField(
        choices=Reliability.choices,
        required=False,
        allow_blank=True,
        help_text=f"The source's own reliability (editors and admins): {RELIABILITY_HELP} "
        "Unrated sources inherit their domain's.",
    )


def reliability_output(help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Reliability.choices, allow_blank=True, read_only=True, help_text=help_text
    )


class SourceSerializer(serializers.ModelSerializer):
    archived_url = serializers.CharField(read_only=True, help_text='An archived copy\'s address, or "".')
    reliability = reliability_output("The source's own reliability; \"\" inherits its domain's.")
    effective_reliability = serializers.SerializerMethodField(
        help_text="The source's own reliability, else that of the project's most specific entry for "
        'its domain, else "".'
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "project",
            "url",
            "domain",
            "title",
            "publisher",
            "kind",
            "accessed_on",
            "archived_url",
            "reliability",
            "effective_reliability",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_effective_reliability(self, source) -> Literal["", "high", "medium", "low"]:
        return source.effective_reliability


class DomainNameField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return normalize_domain(value) if value else value


class DomainNameFilter(django_filters.CharFilter):
    field_class = DomainNameField


class ReliabilityFilter(django_filters.ChoiceFilter):
    """A reliability, or ``unrated`` for none."""

    def __init__(self, **kwargs):
        super().__init__(choices=RELIABILITY_FILTER_CHOICES, method=self.filter_reliability, **kwargs)

    def filter_reliability(self, queryset, name, value):
        return queryset.filter(**{name: "" if value == UNRATED else value})


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ties are broken by id, so that pages neither repeat nor skip rows."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "id") if value else qs


class SourceFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id")
    domain = DomainNameFilter(method="filter_domain", label="On this domain or its subdomains")
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    reliability = ReliabilityFilter(
        field_name="effective_reliability", label="Effective reliability (own, else the domain's)"
    )
    q = django_filters.CharFilter(method="search", label="URL, title or publisher contains")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    ordering = StableOrderingFilter(
        fields=["id", "url", "domain", "title", "publisher", "kind", "created_at", "updated_at"]
    )

    class Meta:
        model = Source
        fields = []

    def filter_domain(self, queryset, name, value):
        return queryset.for_domain(value)

    def search(self, queryset, name, value):
        return queryset.search(value)


@extend_schema_view(
    list=extend_schema(summary="Evidence sources of the caller's projects"),
    retrieve=extend_schema(summary="An evidence source"),
    create=extend_schema(
        request=CreateSourceInput,
        responses={
            201: SourceSerializer,
            200: OpenApiResponse(SourceSerializer, description="The project already had this source"),
        },
        summary="Find or create a source by its normalized URL (reviewers and up)",
        description=(
            "Creates the source (201), or answers the project's existing source for the same normalized "
            "URL (200), which keeps its fields but gets `title` if it had none. A source that another "
            "member cited as evidence the caller may not see yet (blind review) is answered as if new "
            "(201, with only what the caller sent) and stays hidden from them until that evidence is "
            "revealed to them, or they cite it themselves."
        ),
    ),
    partial_update=extend_schema(
        request=UpdateSourceInput,
        summary="Describe a source (reviewers and up); set its reliability (editors and up)",
    ),
)
class SourceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return sources_visible_to(self.request.user).order_by("url", "id")

    def fresh(self, source: Source) -> Source | None:
        return sources_visible_to(self.request.user).filter(pk=source.pk).first()

    def create(self, request):
        payload = CreateSourceInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        project = get_project_for(request.user, data.pop("project"), role=Role.REVIEWER)
        source, created = get_or_create_source(project=project, actor=request.user, **data)
        visible = self.fresh(source)
        if visible is None:
            # Neither a 200 nor the row's own fields: either would tell the caller that someone
            # cited this address already, and how they described it.
            return Response(
                SourceSerializer(as_if_new(source, project=project, sent=data)).data,
                status=status.HTTP_201_CREATED,
            )
        return Response(
            SourceSerializer(visible).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def partial_update(self, request, pk=None):
        source = self.get_object()
        project = get_project_for(request.user, source.project_id, role=Role.REVIEWER)
        payload = UpdateSourceInput(data=request.data)
        payload.is_valid(raise_exception=True)
        if "reliability" in payload.validated_data:
            require_role(request.user, project, Role.EDITOR)
        update_source(source=source, **payload.validated_data)
        return Response(SourceSerializer(self.fresh(source)).data)


def as_if_new(source: Source, *, project, sent: dict) -> Source:
    """What creating ``source`` from ``sent`` would have answered had the project not had it."""
    echo = new_source(project=project, **sent)
    echo.pk = source.pk
    echo.created_at = echo.updated_at = timezone.now()
    echo.effective_reliability = inherited_reliability(project_id=project.pk, domain=echo.domain)
    return echo


class SetDomainReliabilityInput(serializers.Serializer):
    project = IdField()
    domain = serializers.CharField(
        max_length=MAX_URL_LENGTH, help_text="A host name (www. is dropped) or an address on it."
    )
    reliability = serializers.ChoiceField(
        choices=Reliability.choices, allow_blank=True, help_text=RELIABILITY_HELP
    )
    note = serializers.CharField(
        max_length=DOMAIN_NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Left as it was when omitted.",
    )

    def validate_domain(self, value):
        return normalize_domain(value)


class UpdateDomainInput(serializers.Serializer):
    reliability = serializers.ChoiceField(
        choices=Reliability.choices, required=False, allow_blank=True, help_text=RELIABILITY_HELP
    )
    note = serializers.CharField(max_length=DOMAIN_NOTE_MAX_LENGTH, required=False, allow_blank=True)


class DomainSerializer(serializers.ModelSerializer):
    reliability = reliability_output('The rating sources on this domain inherit; "" for none.')

    class Meta:
        model = Domain
        fields = ["id", "project", "domain", "reliability", "note", "created_at", "updated_at"]
        read_only_fields = fields


class DomainFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id")
    reliability = ReliabilityFilter(field_name="reliability")
    q = django_filters.CharFilter(field_name="domain", lookup_expr="icontains", label="Domain contains")
    ordering = StableOrderingFilter(fields=["id", "domain", "reliability", "created_at", "updated_at"])

    class Meta:
        model = Domain
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Reliability of publishers' domains in the caller's projects"),
    retrieve=extend_schema(summary="A domain's reliability entry"),
    create=extend_schema(
        request=SetDomainReliabilityInput,
        responses={
            201: DomainSerializer,
            200: OpenApiResponse(DomainSerializer, description="The project's entry for the domain, updated"),
        },
        summary="Rate a domain (editors and up); its sources inherit the rating",
        description=(
            "Creates the project's entry for the domain (201) or updates the existing one (200). Sources on "
            "the domain or its subdomains without a reliability of their own inherit it; the most specific "
            "entry wins."
        ),
    ),
    partial_update=extend_schema(
        request=UpdateDomainInput, summary="Change a domain's rating or note (editors)"
    ),
    destroy=extend_schema(summary="Remove a domain's entry (editors); its sources stop inheriting from it"),
)
class DomainViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DomainSerializer
    filterset_class = DomainFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return domains_visible_to(self.request.user).order_by("domain", "id")

    def editable_entry(self) -> Domain:
        entry = self.get_object()
        get_project_for(self.request.user, entry.project_id, role=Role.EDITOR)
        return entry

    def create(self, request):
        payload = SetDomainReliabilityInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        project = get_project_for(request.user, data.pop("project"), role=Role.EDITOR)
        entry, created = set_domain_reliability(project=project, **data)
        return Response(
            DomainSerializer(entry).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def partial_update(self, request, pk=None):
        entry = self.editable_entry()
        payload = UpdateDomainInput(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(DomainSerializer(update_domain_entry(entry=entry, **payload.validated_data)).data)

    def destroy(self, request, pk=None):
        remove_domain_entry(entry=self.editable_entry())
        return Response(status=status.HTTP_204_NO_CONTENT)

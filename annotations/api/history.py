import re

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from annotations.models import Action, HistoryEntry, ObjectType
from annotations.selectors import history_visible_to
from workbench.filters import DateTimeFilter, IdFilter

OBJECT = re.compile(r"^(?P<type>[a-z]+):(?P<id>\d+)$")


class HistoryEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True)
    annotation = serializers.IntegerField(source="annotation_id", read_only=True, allow_null=True)

    class Meta:
        model = HistoryEntry
        fields = [
            "id",
            "project",
            "object_type",
            "object_id",
            "annotation",
            "action",
            "actor",
            "at",
            "before",
            "after",
        ]
        read_only_fields = fields


class HistoryFilter(django_filters.FilterSet):
    object = django_filters.CharFilter(method="filter_object", label="type:id, e.g. annotation:12")
    project = IdFilter(field_name="project_id")
    object_type = django_filters.ChoiceFilter(choices=ObjectType.choices)
    annotation = IdFilter(field_name="annotation_id", label="Everything about this claim")
    action = django_filters.ChoiceFilter(choices=Action.choices)
    user = django_filters.CharFilter(field_name="actor__username")
    at_after = DateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = DateTimeFilter(field_name="at", lookup_expr="lt")
    ordering = django_filters.OrderingFilter(fields=["id", "at"])

    class Meta:
        model = HistoryEntry
        fields = []

    def filter_object(self, queryset, name, value):
        match = OBJECT.match(value)
        if not match or match["type"] not in ObjectType.values:
            raise serializers.ValidationError(
                {"object": [f"Write it as type:id, type one of {', '.join(ObjectType.values)}."]}
            )
        return queryset.filter(object_type=match["type"], object_id=int(match["id"]))


@extend_schema_view(
    list=extend_schema(summary="Who created, changed or deleted what (as blind review allows)"),
    retrieve=extend_schema(summary="One history entry"),
)
class HistoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HistoryEntrySerializer
    filterset_class = HistoryFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return history_visible_to(self.request.user).order_by("at", "id")

import django_filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from annotations.api.fields import IdField
from annotations.limits import USERNAME_MAX_LENGTH
from annotations.models import Assignment
from annotations.permissions import get_project_for
from annotations.selectors.assignments import get_assignment_for, project_assignments
from annotations.services.assignments import assign, unassign
from workbench.filters import IdFilter


class AssignInput(serializers.Serializer):
    assignee = serializers.CharField(
        max_length=USERNAME_MAX_LENGTH,
        help_text="The username of a reviewer, editor or admin of the project.",
    )
    article = IdField(
        required=False, help_text="Assign the whole article: its claims, and those highlighted later."
    )
    annotation = IdField(required=False, help_text="Assign one claim; give this or article, not both.")


class AssignmentSerializer(serializers.ModelSerializer):
    assignee = serializers.CharField(source="assignee.username", read_only=True)
    assigned_by = serializers.CharField(source="assigned_by.username", read_only=True)
    annotation = serializers.IntegerField(
        source="annotation_id",
        read_only=True,
        allow_null=True,
        help_text="The claim; null for the whole article.",
    )

    class Meta:
        model = Assignment
        fields = ["id", "project", "article", "annotation", "assignee", "assigned_by", "created_at"]
        read_only_fields = fields


class AssignmentFilter(django_filters.FilterSet):
    assignee = django_filters.CharFilter(field_name="assignee__username")
    article = IdFilter(field_name="article_id")
    annotation = IdFilter(field_name="annotation_id")
    whole_article = django_filters.BooleanFilter(
        field_name="annotation",
        lookup_expr="isnull",
        label="Assignments of whole articles (true) or of claims",
    )
    ordering = django_filters.OrderingFilter(fields=["id", "created_at"])

    class Meta:
        model = Assignment
        fields = []


PROJECT_ID = OpenApiParameter("project_pk", int, OpenApiParameter.PATH, description="The project's id.")


@extend_schema_view(
    list=extend_schema(
        parameters=[PROJECT_ID], summary="Who is asked to judge which articles and claims (any member)"
    ),
    create=extend_schema(
        parameters=[PROJECT_ID],
        request=AssignInput,
        responses={
            201: AssignmentSerializer,
            409: OpenApiResponse(
                description="The assignee has this article or claim already, or the claim is resolved, "
                "merged or orphaned."
            ),
        },
        summary="Assign an article or one claim to a reviewer (editors)",
    ),
    retrieve=extend_schema(parameters=[PROJECT_ID], summary="One assignment"),
    destroy=extend_schema(
        parameters=[PROJECT_ID],
        responses={204: None},
        summary="Withdraw an assignment (editors); verdicts given meanwhile stay",
    ),
)
class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    queryset = Assignment.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return project_assignments(get_project_for(self.request.user, self.kwargs["project_pk"]))

    def retrieve(self, request, project_pk=None, pk=None):
        return Response(AssignmentSerializer(get_assignment_for(request.user, project_pk, pk)).data)

    def create(self, request, project_pk=None):
        payload = AssignInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        assignment = assign(
            editor=request.user,
            project_id=project_pk,
            assignee=data["assignee"],
            article_id=data.get("article"),
            annotation_id=data.get("annotation"),
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, project_pk=None, pk=None):
        unassign(editor=request.user, project_id=project_pk, assignment_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

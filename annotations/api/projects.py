import django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from annotations.api.fields import RoleField
from annotations.limits import USERNAME_MAX_LENGTH
from annotations.models import Membership, Project, Role
from annotations.models.projects import (
    DEFAULT_REQUIRED_VERDICTS,
    MAX_REQUIRED_VERDICTS,
    PROJECT_NAME_MAX_LENGTH,
    PUBLISHER_NAME_MAX_LENGTH,
)
from annotations.permissions import get_project_for, projects_of
from annotations.services.projects import (
    add_member,
    change_member,
    create_project,
    get_member,
    remove_member,
    update_project,
)
from sources.normalization import MAX_URL_LENGTH


class CreateProjectInput(serializers.Serializer):
    name = serializers.CharField(max_length=PROJECT_NAME_MAX_LENGTH)
    required_verdicts = serializers.IntegerField(
        min_value=1, max_value=MAX_REQUIRED_VERDICTS, required=False, default=DEFAULT_REQUIRED_VERDICTS
    )


class UpdateProjectInput(serializers.Serializer):
    name = serializers.CharField(max_length=PROJECT_NAME_MAX_LENGTH, required=False)
    required_verdicts = serializers.IntegerField(min_value=1, max_value=MAX_REQUIRED_VERDICTS, required=False)
    publisher_name = serializers.CharField(
        max_length=PUBLISHER_NAME_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="The desk's name as the author of its published reviews (blank: the project's name).",
    )
    publisher_url = serializers.URLField(
        max_length=MAX_URL_LENGTH,
        required=False,
        allow_blank=True,
        help_text="The desk's home page (http or https), given with its name in published reviews.",
    )
    review_url_template = serializers.CharField(
        max_length=MAX_URL_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Where the desk publishes each check, e.g. `https://desk.example.org/checks/{claim_id}`: "
        "an http(s) address with the placeholders {claim_id}, {article_id} and {project_id}, the url of "
        "each published review. Blank: reviews carry no url.",
    )


class ProjectSerializer(serializers.ModelSerializer):
    # A string, not a uri: "" (unset) is what a PATCH sends to clear it, and it reads back the same.
    publisher_url = serializers.CharField(
        read_only=True,
        help_text="The desk's home page (an http(s) address), named with it as the author of its published "
        'checks; "" when unset.',
    )
    role = RoleField(source="my_role", read_only=True, help_text="The caller's role in this project.")

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "required_verdicts",
            "publisher_name",
            "publisher_url",
            "review_url_template",
            "role",
            "created_at",
        ]
        read_only_fields = fields


class AddMemberInput(serializers.Serializer):
    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH)
    role = RoleField()


class ChangeMemberInput(serializers.Serializer):
    role = RoleField(required=False, help_text="The new role (admins).")
    review_blind = serializers.BooleanField(
        required=False,
        help_text="Editors and admins: review blind, so that their verdicts count as independent "
        "(the member themselves, or an admin).",
    )


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    role = RoleField(read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "username", "role", "review_blind", "joined_at"]
        read_only_fields = fields


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")
    ordering = django_filters.OrderingFilter(fields=["id", "name", "created_at"])

    class Meta:
        model = Project
        fields = []


@extend_schema_field({"type": "string", "enum": [role.slug for role in Role]})
class RoleChoiceFilter(django_filters.ChoiceFilter):
    pass


class MemberFilter(django_filters.FilterSet):
    role = RoleChoiceFilter(choices=[(role.slug, role.label) for role in Role], method="filter_role")
    ordering = django_filters.OrderingFilter(
        fields=[("user__username", "username"), ("created_at", "joined_at")]
    )

    class Meta:
        model = Membership
        fields = []

    def filter_role(self, queryset, name, value):
        return queryset.filter(role=Role.from_slug(value))


@extend_schema_view(
    list=extend_schema(summary="The caller's projects"),
    create=extend_schema(
        request=CreateProjectInput, summary="Create a project; the caller becomes its admin"
    ),
    partial_update=extend_schema(request=UpdateProjectInput, summary="Change a project's settings (admins)"),
)
class ProjectViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return projects_of(self.request.user).order_by("name", "id")

    def create(self, request):
        payload = CreateProjectInput(data=request.data)
        payload.is_valid(raise_exception=True)
        project = create_project(creator=request.user, **payload.validated_data)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        payload = UpdateProjectInput(data=request.data)
        payload.is_valid(raise_exception=True)
        project = update_project(actor=request.user, project_id=pk, **payload.validated_data)
        return Response(ProjectSerializer(project).data)


PROJECT_ID = OpenApiParameter("project_pk", int, OpenApiParameter.PATH, description="The project's id.")
USERNAME = OpenApiParameter("username", str, OpenApiParameter.PATH, description="The member's username.")


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT_ID], summary="A project's members (any member)"),
    create=extend_schema(
        parameters=[PROJECT_ID],
        request=AddMemberInput,
        responses={201: MemberSerializer, 409: OpenApiResponse(description="Already a member.")},
        summary="Add a member (admins)",
    ),
    retrieve=extend_schema(parameters=[PROJECT_ID, USERNAME]),
    partial_update=extend_schema(
        parameters=[PROJECT_ID, USERNAME],
        request=ChangeMemberInput,
        summary="Change a member's role (admins) or blind review switch (the member, or admins)",
    ),
    destroy=extend_schema(
        parameters=[PROJECT_ID, USERNAME],
        responses={204: None, 400: OpenApiResponse(description="The last admin cannot leave.")},
        summary="Remove a member (admins)",
    ),
)
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    queryset = Membership.objects.none()
    lookup_field = "username"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def project(self):
        return get_project_for(self.request.user, self.kwargs["project_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return (
            Membership.objects.filter(project=self.project())
            .select_related("user")
            .order_by("user__username")
        )

    def retrieve(self, request, project_pk=None, username=None):
        return Response(MemberSerializer(get_member(self.project(), username)).data)

    def create(self, request, project_pk=None):
        payload = AddMemberInput(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = add_member(actor=request.user, project_id=project_pk, **payload.validated_data)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, project_pk=None, username=None):
        payload = ChangeMemberInput(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = change_member(
            actor=request.user, project_id=project_pk, username=username, **payload.validated_data
        )
        return Response(MemberSerializer(membership).data)

    def destroy(self, request, project_pk=None, username=None):
        remove_member(actor=request.user, project_id=project_pk, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)

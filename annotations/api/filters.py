import django_filters

from annotations.models import Membership, Project, Role


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")
    ordering = django_filters.OrderingFilter(fields=["id", "name", "created_at"])

    class Meta:
        model = Project
        fields = []


class MemberFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(
        choices=[(role.slug, role.label) for role in Role], method="filter_role"
    )
    ordering = django_filters.OrderingFilter(
        fields=[("user__username", "username"), ("created_at", "joined_at")]
    )

    class Meta:
        model = Membership
        fields = []

    def filter_role(self, queryset, name, value):
        return queryset.filter(role=Role.from_slug(value))

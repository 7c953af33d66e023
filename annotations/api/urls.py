from django.urls import include, path
from rest_framework.routers import SimpleRouter

from annotations.api.views import MemberViewSet, ProjectViewSet

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")

members = MemberViewSet.as_view({"get": "list", "post": "create"})
member = MemberViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})

urlpatterns = [
    *router.urls,
    path("projects/<int:project_pk>/members/", members, name="member-list"),
    path("projects/<int:project_pk>/members/<str:username>/", member, name="member-detail"),
    path("", include("annotations.api.source_urls")),
]

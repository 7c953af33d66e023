from django.urls import include, path
from rest_framework.routers import SimpleRouter

from annotations.api.annotations import AnnotationViewSet
from annotations.api.articles import ArticleViewSet
from annotations.api.history import HistoryViewSet
from annotations.api.verdicts import EvidenceViewSet, VerdictViewSet
from annotations.api.projects import MemberViewSet, ProjectViewSet

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("articles", ArticleViewSet, basename="article")
router.register("annotations", AnnotationViewSet, basename="annotation")
router.register("verdicts", VerdictViewSet, basename="verdict")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("history", HistoryViewSet, basename="history")

members = MemberViewSet.as_view({"get": "list", "post": "create"})
member = MemberViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})

urlpatterns = [
    *router.urls,
    path("projects/<int:project_pk>/members/", members, name="member-list"),
    path("projects/<int:project_pk>/members/<str:username>/", member, name="member-detail"),
    path("", include("annotations.api.source_urls")),
]

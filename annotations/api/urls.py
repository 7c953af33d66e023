from django.urls import include, path
from rest_framework.routers import SimpleRouter

from annotations.api.agreement import AgreementDetailView
from annotations.api.annotations import AnnotationViewSet
from annotations.api.articles import ArticleViewSet
from annotations.api.assignments import AssignmentViewSet
from annotations.api.exports import ClaimReviewDetailView, ClaimReviewListView, ClaimReviewSnippetView
from annotations.api.exports_tables import (
    ClaimEvidenceCsvView,
    ClaimsCsvView,
    ClaimsJsonlView,
    ClaimVerdictsCsvView,
)
from annotations.api.history import HistoryViewSet
from annotations.api.imports import ImportLabelStudioView, ImportW3CView
from annotations.api.jobs import ImportJobDetailView
from annotations.api.projects import MemberViewSet, ProjectViewSet
from annotations.api.review import AdjudicationViewSet, DisagreementViewSet, QueueViewSet
from annotations.api.similar import ClaimLinkDetailView, ClaimLinkListView, SimilarClaimsView
from annotations.api.verdicts import EvidenceViewSet, VerdictViewSet
from annotations.api.w3c import W3CAnnotationView, W3CArticleView, W3CRevisionView

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("articles", ArticleViewSet, basename="article")
router.register("annotations", AnnotationViewSet, basename="annotation")
router.register("verdicts", VerdictViewSet, basename="verdict")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("history", HistoryViewSet, basename="history")
router.register("disagreements", DisagreementViewSet, basename="disagreement")
router.register("adjudications", AdjudicationViewSet, basename="adjudication")

members = MemberViewSet.as_view({"get": "list", "post": "create"})
member = MemberViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"})
assignments = AssignmentViewSet.as_view({"get": "list", "post": "create"})
assignment = AssignmentViewSet.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    *router.urls,
    path("queues/<str:name>/", QueueViewSet.as_view({"get": "list"}), name="queue"),
    path("annotations/<int:pk>/similar/", SimilarClaimsView.as_view(), name="annotation-similar"),
    path("annotations/<int:pk>/same-claims/", ClaimLinkListView.as_view(), name="annotation-same-claims"),
    path(
        "annotations/<int:pk>/same-claims/<int:annotation_id>/",
        ClaimLinkDetailView.as_view(),
        name="annotation-same-claim",
    ),
    path("projects/<int:project_pk>/members/", members, name="member-list"),
    path("projects/<int:project_pk>/members/<str:username>/", member, name="member-detail"),
    path("projects/<int:project_pk>/assignments/", assignments, name="assignment-list"),
    path("projects/<int:project_pk>/assignments/<int:pk>/", assignment, name="assignment-detail"),
    path("agreement/", AgreementDetailView.as_view(), name="agreement"),
    path("exports/claimreview/", ClaimReviewListView.as_view(), name="claimreview-list"),
    path(
        "exports/claimreview/<int:annotation_id>/", ClaimReviewDetailView.as_view(), name="claimreview-detail"
    ),
    path(
        "exports/claimreview/<int:annotation_id>/snippet/",
        ClaimReviewSnippetView.as_view(),
        name="claimreview-snippet",
    ),
    path("exports/claims.csv", ClaimsCsvView.as_view(), name="export-claims-csv"),
    path("exports/claims-verdicts.csv", ClaimVerdictsCsvView.as_view(), name="export-claims-verdicts-csv"),
    path("exports/claims-evidence.csv", ClaimEvidenceCsvView.as_view(), name="export-claims-evidence-csv"),
    path("exports/claims.jsonl", ClaimsJsonlView.as_view(), name="export-claims-jsonl"),
    path("w3c/annotations/<int:pk>/", W3CAnnotationView.as_view(), name="w3c-annotation"),
    path("w3c/articles/<int:pk>/", W3CArticleView.as_view(), name="w3c-article"),
    path("w3c/articles/<int:pk>/revisions/<int:number>/", W3CRevisionView.as_view(), name="w3c-revision"),
    path("imports/labelstudio/", ImportLabelStudioView.as_view(), name="import-labelstudio"),
    path("imports/w3c/", ImportW3CView.as_view(), name="import-w3c"),
    path("imports/<int:pk>/", ImportJobDetailView.as_view(), name="import-detail"),
    path("", include("annotations.api.source_urls")),
]

"""The pages (namespace ``annotations``): those of annotations/views.py, then the review
workflow's (queues, disagreements, adjudication, agreement) of annotations/review_views.py, which
the project navigation (templates/annotations/_project_nav.html) links to."""

from django.urls import path

from annotations import review_views, views

app_name = "annotations"

urlpatterns = [
    path("projects/<int:project_id>/", views.project_home, name="project-home"),
    path("projects/<int:project_id>/articles/", views.article_list, name="article-list"),
    path("projects/<int:project_id>/articles/import/", views.article_import, name="article-import"),
    path("projects/<int:project_id>/sources/", views.source_list, name="source-list"),
    path("projects/<int:project_id>/members/", views.member_list, name="member-list"),
    path("projects/<int:project_id>/members/add/", views.member_add, name="member-add"),
    path("projects/<int:project_id>/members/<str:username>/role/", views.member_change, name="member-change"),
    path(
        "projects/<int:project_id>/members/<str:username>/remove/", views.member_remove, name="member-remove"
    ),
    path("articles/<int:article_id>/", views.article_detail, name="article-detail"),
    path("articles/<int:article_id>/annotations/", views.annotation_create, name="annotation-create"),
    path("annotations/<int:annotation_id>/", views.annotation_detail, name="annotation-detail"),
    path("annotations/<int:annotation_id>/claim/", views.annotation_edit, name="annotation-edit"),
    path("annotations/<int:annotation_id>/verdict/", views.verdict_save, name="verdict-save"),
    path("sources/<int:source_id>/reliability/", views.source_reliability, name="source-reliability"),
    path("history/<str:object_type>/<int:object_id>/", views.history, name="history"),
    # The review workflow (annotations/review_views.py).
    path("projects/<int:project_id>/queues/<slug:queue_name>/", review_views.queue_page, name="queue"),
    path(
        "projects/<int:project_id>/disagreements/",
        review_views.disagreement_list,
        name="disagreement-list",
    ),
    path("projects/<int:project_id>/agreement/", review_views.agreement_dashboard, name="agreement"),
    path(
        "disagreements/<int:disagreement_id>/", review_views.disagreement_detail, name="disagreement-detail"
    ),
    path(
        "disagreements/<int:disagreement_id>/adjudicate/",
        review_views.disagreement_adjudicate,
        name="disagreement-adjudicate",
    ),
    path(
        "disagreements/<int:disagreement_id>/merge/",
        review_views.disagreement_merge,
        name="disagreement-merge",
    ),
    path(
        "disagreements/<int:disagreement_id>/keep-both/",
        review_views.disagreement_keep_both,
        name="disagreement-keep-both",
    ),
    path("annotations/<int:annotation_id>/reopen/", review_views.annotation_reopen, name="annotation-reopen"),
    path(
        "annotations/<int:annotation_id>/disagreement/",
        review_views.claim_disagreement,
        name="annotation-disagreement",
    ),
]

"""The pages (namespace ``annotations``). Review-workflow pages (queues, disagreements,
adjudication, agreement) join this list and the project navigation in
templates/annotations/_project_nav.html."""

from django.urls import path

from annotations import views

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
]

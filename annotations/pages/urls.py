"""The pages (namespace ``annotations``), one module of annotations/pages/ per concept, mirroring
annotations/api/; the project navigation (templates/annotations/_project_nav.html) links to them."""

from django.urls import path

from annotations.pages import (
    agreement,
    archive,
    articles,
    assignments,
    claims,
    history,
    jobs,
    members,
    next_claim,
    preferences,
    projects,
    reader,
    review,
    similar,
    sources,
)
from annotations.pages import imports as work_imports

app_name = "annotations"

urlpatterns = [
    path("projects/<int:project_id>/", projects.project_home, name="project-home"),
    path("projects/<int:project_id>/archive/", archive.project_archive, name="project-archive"),
    path("projects/<int:project_id>/archive/download/", archive.archive_download, name="archive-download"),
    path("projects/import-archive/", archive.archive_import, name="archive-import"),
    path("projects/<int:project_id>/articles/", articles.article_list, name="article-list"),
    path("projects/<int:project_id>/articles/import/", articles.article_import, name="article-import"),
    path("imports/<int:job_id>/", jobs.import_detail, name="import-detail"),
    path("projects/<int:project_id>/bring-in/", work_imports.work_import, name="work-import"),
    path("projects/<int:project_id>/sources/", sources.source_list, name="source-list"),
    path("projects/<int:project_id>/assignments/", assignments.assignment_list, name="assignment-list"),
    path(
        "projects/<int:project_id>/assignments/<int:assignment_id>/withdraw/",
        assignments.assignment_remove,
        name="assignment-remove",
    ),
    path("projects/<int:project_id>/members/", members.member_list, name="member-list"),
    path("projects/<int:project_id>/members/add/", members.member_add, name="member-add"),
    path(
        "projects/<int:project_id>/members/<str:username>/role/", members.member_change, name="member-change"
    ),
    path(
        "projects/<int:project_id>/members/<str:username>/review-blind/",
        members.member_review_blind,
        name="member-review-blind",
    ),
    path(
        "projects/<int:project_id>/members/<str:username>/remove/",
        members.member_remove,
        name="member-remove",
    ),
    path("preferences/", preferences.preferences, name="preferences"),
    path("articles/<int:article_id>/", reader.article_detail, name="article-detail"),
    path("articles/<int:article_id>/annotations/", reader.annotation_create, name="annotation-create"),
    path("annotations/<int:annotation_id>/", claims.annotation_detail, name="annotation-detail"),
    path("annotations/<int:annotation_id>/claim/", claims.annotation_edit, name="annotation-edit"),
    path("annotations/<int:annotation_id>/verdict/", claims.verdict_save, name="verdict-save"),
    path(
        "annotations/<int:annotation_id>/checked-before/",
        similar.checked_before,
        name="annotation-checked-before",
    ),
    path("annotations/<int:annotation_id>/same-claims/", similar.same_claim, name="annotation-same-claim"),
    path("annotations/<int:annotation_id>/span/", reader.annotation_recut, name="annotation-recut"),
    path("annotations/<int:annotation_id>/delete/", reader.annotation_delete, name="annotation-delete"),
    path("projects/<int:project_id>/next-claim/", next_claim.next_claim, name="next-claim"),
    path("sources/<int:source_id>/", sources.source_detail, name="source-detail"),
    path("sources/<int:source_id>/reliability/", sources.source_reliability, name="source-reliability"),
    path("history/<str:object_type>/<int:object_id>/", history.history, name="history"),
    # The review workflow.
    path("projects/<int:project_id>/queues/<slug:queue_name>/", review.queue_page, name="queue"),
    path(
        "projects/<int:project_id>/disagreements/",
        review.disagreement_list,
        name="disagreement-list",
    ),
    path("projects/<int:project_id>/agreement/", agreement.agreement_dashboard, name="agreement"),
    path("disagreements/<int:disagreement_id>/", review.disagreement_detail, name="disagreement-detail"),
    path(
        "disagreements/<int:disagreement_id>/adjudicate/",
        review.disagreement_adjudicate,
        name="disagreement-adjudicate",
    ),
    path(
        "disagreements/<int:disagreement_id>/accept/",
        review.disagreement_accept,
        name="disagreement-accept",
    ),
    path(
        "disagreements/<int:disagreement_id>/merge/",
        review.disagreement_merge,
        name="disagreement-merge",
    ),
    path(
        "disagreements/<int:disagreement_id>/keep-both/",
        review.disagreement_keep_both,
        name="disagreement-keep-both",
    ),
    path("annotations/<int:annotation_id>/reopen/", claims.annotation_reopen, name="annotation-reopen"),
    path(
        "annotations/<int:annotation_id>/disagreement/",
        review.claim_disagreement,
        name="annotation-disagreement",
    ),
]

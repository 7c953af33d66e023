"""Import jobs: the background imports (an article from a URL) and how each went.

``POST /api/v1/articles/`` with a ``url`` and no text answers 202 with the job; the job's ``url``
is where its progress is read: ``queued``, ``running``, ``done`` (with the ``article``) or
``failed`` (with the ``error``).
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response

from annotations.models import ImportJob
from annotations.selectors.jobs import get_import_job_for, import_jobs_visible_to


class ImportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where the job's progress is read (this object).")
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    payload = serializers.JSONField(
        read_only=True, help_text="What the import was asked: for a URL import, `{url, fields}`."
    )
    report = serializers.JSONField(
        read_only=True,
        help_text=(
            "What the import did, once done: for a URL import, `{created, revision, changed, title, "
            "final_url}` (`created` false for a re-import of an article with the same address)."
        ),
    )
    article_url = serializers.SerializerMethodField(
        help_text="The article made or revised, once the job is done; null before, and when it failed."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "project",
            "kind",
            "status",
            "payload",
            "report",
            "article",
            "article_url",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "article": {"help_text": "The article's id, once the job is done."},
            "error": {"help_text": "Why the job failed (empty unless `status` is failed)."},
        }

    def get_url(self, job) -> str:
        return self.absolute(reverse("api:import-detail", args=[job.pk]))

    def get_article_url(self, job) -> str | None:
        if job.article_id is None:
            return None
        return self.absolute(reverse("api:article-detail", args=[job.article_id]))

    def absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def job_accepted(request, job: ImportJob) -> Response:
    """The 202 answer to a request that queued ``job``: the job, and its address in Location."""
    data = ImportJobSerializer(job, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


@extend_schema(summary="An import job: queued, running, done (with the article) or failed (with the reason)")
class ImportJobDetailView(RetrieveAPIView):
    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.none()

    def get_queryset(self):
        return import_jobs_visible_to(self.request.user)

    def get_object(self):
        return get_import_job_for(self.request.user, self.kwargs["pk"])

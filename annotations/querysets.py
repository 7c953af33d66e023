"""Filter vocabulary for the annotations app: small, chainable, never writing."""

from django.db import models


class AnnotationQuerySet(models.QuerySet):
    def with_context(self):
        """Everything AnnotationSerializer reads, in one query (tags in one more)."""
        return self.select_related("article", "revision", "author").prefetch_related("tags")

    def in_projects(self, projects):
        return self.filter(article__project__in=projects)


class VerdictQuerySet(models.QuerySet):
    def with_context(self):
        """Everything VerdictSerializer reads, in one query (evidence and its sources in one more)."""
        return self.select_related("annotation__article", "reviewer").prefetch_related("evidence__source")

from django.conf import settings
from django.db import models
from django.db.models import Q


class Assignment(models.Model):
    """An editor's request that a reviewer judge a whole article's claims, or one claim.

    An article assignment (``annotation`` empty) covers every claim of the article, those
    highlighted later too. ``project`` repeats the article's, so that a project's assignments are
    listed and counted without a join.
    """

    project = models.ForeignKey("annotations.Project", on_delete=models.CASCADE, related_name="assignments")
    article = models.ForeignKey("annotations.Article", on_delete=models.CASCADE, related_name="assignments")
    annotation = models.ForeignKey(
        "annotations.Annotation", on_delete=models.CASCADE, related_name="assignments", null=True, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "assignee"],
                condition=Q(annotation__isnull=True),
                name="one_article_assignment_per_assignee",
            ),
            models.UniqueConstraint(
                fields=["annotation", "assignee"],
                condition=Q(annotation__isnull=False),
                name="one_claim_assignment_per_assignee",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "project"], name="assignment_assignee_project")]

    def __str__(self):
        target = f"claim {self.annotation_id}" if self.annotation_id else f"article {self.article_id}"
        return f"{target} to {self.assignee}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from annotations.anchoring import CONTEXT_WIDTH
from annotations.querysets import AnnotationQuerySet

CLAIM_MAX_LENGTH = 2000
TAG_NAME_MAX_LENGTH = 64


class Status(models.TextChoices):
    NEEDS_REVIEW = "needs_review", _("Needs review")
    DISPUTED = "disputed", _("Disputed")
    AGREED = "agreed", _("Agreed")
    RESOLVED = "resolved", _("Resolved")


# The statuses that carry a final rating: the desk's published result, which every member sees.
PUBLISHED_STATUSES = (Status.AGREED, Status.RESOLVED)


class Tag(models.Model):
    project = models.ForeignKey("annotations.Project", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=TAG_NAME_MAX_LENGTH)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="one_tag_name_per_project")]

    def __str__(self):
        return self.name


class Annotation(models.Model):
    """One highlighted span of one article revision, marking one claim.

    ``start``/``end`` count code points of ``revision.text`` (start inclusive, end exclusive).
    When the article gets a new revision the annotation is re-anchored onto it, or kept on its
    old revision and marked ``orphaned`` when its words cannot be found again.
    """

    article = models.ForeignKey("annotations.Article", on_delete=models.CASCADE, related_name="annotations")
    revision = models.ForeignKey(
        "annotations.ArticleRevision", on_delete=models.PROTECT, related_name="annotations"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    prefix = models.CharField(max_length=CONTEXT_WIDTH, blank=True)
    suffix = models.CharField(max_length=CONTEXT_WIDTH, blank=True)
    claim = models.TextField(blank=True, max_length=CLAIM_MAX_LENGTH)
    claim_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the claim text last changed after a verdict; earlier verdicts judged the old one."),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="annotations")
    status = models.CharField(max_length=16, choices=Status, default=Status.NEEDS_REVIEW, db_index=True)
    final_rating = models.CharField(max_length=16, blank=True)
    orphaned = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="merged",
        null=True,
        blank=True,
        help_text=_("Set when an editor merged this annotation into another; its verdicts moved there."),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="annotation_start_before_end"
            ),
            # The same words on the same revision are the same claim, also under concurrent requests.
            models.UniqueConstraint(
                fields=["revision", "start", "end"],
                condition=models.Q(orphaned=False),
                name="one_annotation_per_span",
            ),
        ]

    def __str__(self):
        return self.quote[:60]

    @property
    def project_id(self):
        return self.article.project_id


class Highlight(models.Model):
    """Someone who marked an annotation's words: its author, and everyone who marked the very same
    words later (they get the existing claim back). Span agreement counts these."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="highlights")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="highlights")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["annotation", "user"], name="one_highlight_per_person_and_annotation"
            )
        ]

    def __str__(self):
        return f"{self.user} marked {self.annotation_id}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from annotations.models.verdicts import RATIONALE_MAX_LENGTH, Rating

# An editor's note on how a disagreement was settled (keeping both claims, a merge).
RESOLUTION_MAX_LENGTH = 20_000


class DisagreementKind(models.TextChoices):
    VERDICT = "verdict", _("Verdicts differ")
    SPAN = "span", _("Spans overlap")


class DisagreementStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved by an editor")
    CLOSED = "closed", _("Closed: a claim in it was merged away or lost its words")


class Disagreement(models.Model):
    """A disagreement the system found: differing verdicts on one claim, or two people's spans
    that overlap without being identical. Never typed in by hand; never open twice for one thing."""

    project = models.ForeignKey("annotations.Project", on_delete=models.CASCADE, related_name="disagreements")
    kind = models.CharField(max_length=8, choices=DisagreementKind)
    annotation = models.ForeignKey(
        "annotations.Annotation", on_delete=models.CASCADE, related_name="disagreements"
    )
    other_annotation = models.ForeignKey(
        "annotations.Annotation",
        on_delete=models.CASCADE,
        related_name="span_disagreements",
        null=True,
        blank=True,
        help_text=_("For span disagreements: the second annotation (the first has the lower id)."),
    )
    severity = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Distance on the truth scale (1-4); empty when categorical or a span."),
    )
    categorical = models.BooleanField(
        default=False, help_text=_("A rating outside the truth scale is involved.")
    )
    status = models.CharField(max_length=8, choices=DisagreementStatus, default=DisagreementStatus.OPEN)
    resolution = models.TextField(blank=True, max_length=RESOLUTION_MAX_LENGTH)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    opened_at = models.DateTimeField(auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["annotation"],
                condition=models.Q(kind="verdict", status="open"),
                name="one_open_verdict_disagreement_per_annotation",
            ),
            models.UniqueConstraint(
                fields=["annotation", "other_annotation"],
                condition=models.Q(kind="span"),
                name="one_span_disagreement_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="verdict", other_annotation__isnull=True)
                | models.Q(
                    kind="span", other_annotation__isnull=False, annotation__lt=models.F("other_annotation")
                ),
                name="disagreement_annotations_fit_kind",
            ),
        ]

    def __str__(self):
        return f"{self.kind} disagreement on {self.annotation_id}"


class Adjudication(models.Model):
    """An editor's final rating of a claim, with rationale and evidence. Re-opening the claim
    keeps it, marked superseded."""

    annotation = models.ForeignKey(
        "annotations.Annotation", on_delete=models.CASCADE, related_name="adjudications"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adjudications"
    )
    rating = models.CharField(max_length=16, choices=Rating)
    rationale = models.TextField(max_length=RATIONALE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["annotation"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_standing_adjudication_per_annotation",
            ),
        ]

    def __str__(self):
        return f"{self.rating} by {self.editor}"

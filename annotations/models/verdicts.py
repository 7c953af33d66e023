from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from annotations.querysets import VerdictQuerySet

RATIONALE_MAX_LENGTH = 20_000
EVIDENCE_QUOTE_MAX_LENGTH = 5_000


class Rating(models.TextChoices):
    FALSE = "false", _("False")
    MOSTLY_FALSE = "mostly_false", _("Mostly false")
    MIXED = "mixed", _("Mixed")
    MOSTLY_TRUE = "mostly_true", _("Mostly true")
    TRUE = "true", _("True")
    MISLEADING = "misleading", _("Misleading")
    UNVERIFIABLE = "unverifiable", _("Unverifiable")
    NOT_CHECKABLE = "not_checkable", _("Not a checkable claim")


# Position on the truth scale (ClaimReview ratingValue, ordinal agreement); other ratings are nominal.
TRUTH_SCALE = {
    Rating.FALSE: 1,
    Rating.MOSTLY_FALSE: 2,
    Rating.MIXED: 3,
    Rating.MOSTLY_TRUE: 4,
    Rating.TRUE: 5,
}


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    REFUTES = "refutes", _("Refutes")
    CONTEXT = "context", _("Context")


class Verdict(models.Model):
    """One reviewer's judgement of one annotation; at most one per reviewer and annotation.

    A verdict given while its author could see no other verdict on the claim is ``independent``,
    and ``blind_rating`` keeps the rating it was given with for good: disagreements, statuses and
    agreement figures are computed on these. ``rating`` is the current one, which its author may
    revise after seeing the others (``revised_after_reveal``).
    """

    annotation = models.ForeignKey(
        "annotations.Annotation", on_delete=models.CASCADE, related_name="verdicts"
    )
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts")
    rating = models.CharField(max_length=16, choices=Rating)
    blind_rating = models.CharField(
        max_length=16,
        choices=Rating,
        help_text=_("The rating given before its author saw any other verdict on the claim; kept for good."),
    )
    independent = models.BooleanField(
        default=True,
        help_text=_(
            "Given while its author could see no other verdict on the claim. Only independent "
            "verdicts count toward the required number, the status and agreement."
        ),
    )
    revised_after_reveal = models.BooleanField(
        default=False, help_text=_("The rating was changed after its author saw other verdicts.")
    )
    confidence = models.CharField(max_length=8, choices=Confidence)
    rationale = models.TextField(blank=True, max_length=RATIONALE_MAX_LENGTH)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VerdictQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["annotation", "reviewer"], name="one_verdict_per_reviewer"),
        ]

    def __str__(self):
        return f"{self.reviewer}: {self.rating}"


class Evidence(models.Model):
    """A source behind a verdict (or an adjudication), with its stance and the passage that matters."""

    verdict = models.ForeignKey(
        Verdict, on_delete=models.CASCADE, related_name="evidence", null=True, blank=True
    )
    adjudication = models.ForeignKey(
        "annotations.Adjudication", on_delete=models.CASCADE, related_name="evidence", null=True, blank=True
    )
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=8, choices=Stance)
    quote = models.TextField(blank=True, max_length=EVIDENCE_QUOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verdict__isnull=False, adjudication__isnull=True)
                | models.Q(verdict__isnull=True, adjudication__isnull=False),
                name="evidence_backs_a_verdict_or_an_adjudication",
            ),
        ]

    def __str__(self):
        return f"{self.stance}: {self.source_id}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sources.normalization import MAX_DOMAIN_LENGTH, MAX_URL_LENGTH
from sources.querysets import SourceQuerySet

SOURCE_TITLE_MAX_LENGTH = 500
SOURCE_PUBLISHER_MAX_LENGTH = 200
DOMAIN_NOTE_MAX_LENGTH = 2000


class Kind(models.TextChoices):
    PRIMARY_DOCUMENT = "primary_document", _("Primary document")
    OFFICIAL_STATEMENT = "official_statement", _("Official statement")
    NEWS_REPORT = "news_report", _("News report")
    RESEARCH = "research", _("Research")
    DATASET = "dataset", _("Dataset")
    EXPERT = "expert", _("Expert")
    SOCIAL_MEDIA = "social_media", _("Social media")
    OTHER = "other", _("Other")


class Reliability(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Domain(models.Model):
    """A publisher's web domain in one project, with the reliability its sources inherit."""

    project = models.ForeignKey(
        "annotations.Project", on_delete=models.CASCADE, related_name="source_domains"
    )
    domain = models.CharField(max_length=MAX_DOMAIN_LENGTH)
    reliability = models.CharField(max_length=8, choices=Reliability, blank=True)
    note = models.TextField(blank=True, max_length=DOMAIN_NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["project", "domain"], name="one_domain_entry_per_project"),
        ]

    def __str__(self):
        return self.domain


class Source(models.Model):
    """An evidence source of one project, found by its normalized URL.

    ``added_as_evidence`` marks a source first added as the evidence of a verdict or an
    adjudication: blind review keeps it from the members who may not see that evidence yet.
    A source added directly (or before this was recorded and never cited) is the desk's to share.
    """

    project = models.ForeignKey("annotations.Project", on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(
        max_length=MAX_URL_LENGTH, help_text=_("Normalized: lowercase scheme and host, no fragment.")
    )
    domain = models.CharField(max_length=MAX_DOMAIN_LENGTH, db_index=True)
    title = models.CharField(max_length=SOURCE_TITLE_MAX_LENGTH, blank=True)
    publisher = models.CharField(max_length=SOURCE_PUBLISHER_MAX_LENGTH, blank=True)
    kind = models.CharField(max_length=24, choices=Kind, default=Kind.OTHER)
    accessed_on = models.DateField(null=True, blank=True)
    archived_url = models.URLField(max_length=MAX_URL_LENGTH, blank=True)
    reliability = models.CharField(
        max_length=8, choices=Reliability, blank=True, help_text=_("Blank: inherit the domain's reliability.")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who first added it; empty for sources added before this was recorded."),
    )
    added_as_evidence = models.BooleanField(
        default=False, help_text=_("First added as the evidence of a verdict or an adjudication.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        constraints = [
            models.UniqueConstraint(fields=["project", "url"], name="one_source_per_url_and_project"),
        ]

    def __str__(self):
        return self.title or self.url

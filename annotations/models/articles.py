from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sources.normalization import MAX_URL_LENGTH

TITLE_MAX_LENGTH = 500
PUBLISHER_MAX_LENGTH = 200
AUTHOR_MAX_LENGTH = 200
# RFC 5646 (section 4.4.1) asks for room for at least 35 characters of a BCP 47 tag.
LANGUAGE_MAX_LENGTH = 35


class Article(models.Model):
    """A news article of one project; its text lives in immutable revisions."""

    project = models.ForeignKey("annotations.Project", on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    url = models.URLField(max_length=MAX_URL_LENGTH, blank=True)
    url_key = models.CharField(
        max_length=MAX_URL_LENGTH,
        blank=True,
        editable=False,
        help_text=_("The url normalized: a re-import of the same page finds the article by it."),
    )
    publisher = models.CharField(max_length=PUBLISHER_MAX_LENGTH, blank=True)
    author = models.CharField(max_length=AUTHOR_MAX_LENGTH, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        max_length=LANGUAGE_MAX_LENGTH, blank=True, help_text=_("A BCP 47 language tag, e.g. en or ko.")
    )
    current_revision = models.ForeignKey(
        "annotations.ArticleRevision", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "url_key"], name="article_url_key")]

    def __str__(self):
        return self.title


class ArticleRevision(models.Model):
    """One immutable version of an article's canonical text, which annotation offsets count in."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="one_revision_number_per_article"),
        ]

    def __str__(self):
        return f"{self.article} (revision {self.number})"

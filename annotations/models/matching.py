from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from annotations.models.articles import LANGUAGE_MAX_LENGTH


class ClaimDocument(models.Model):
    """A live claim's text as the full-text indexes search it, one row per claim not merged away.

    Written only by database triggers (migration 0014) whenever a claim is created, reworded,
    merged or un-merged, or its article's language changes, so that every writer (services, bulk
    loads, imports, COPY) keeps it in step without knowing of it. On PostgreSQL the table also
    has ``document``, a tsvector of the text stemmed in the article's language and unstemmed,
    with a GIN index, and a trigram GIN index on ``text``; on SQLite an FTS5 table indexes it.
    """

    annotation = models.OneToOneField(
        "annotations.Annotation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    project = models.ForeignKey("annotations.Project", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=LANGUAGE_MAX_LENGTH, blank=True)
    text = models.TextField()

    def __str__(self):
        return self.text[:60]


class ClaimLink(models.Model):
    """An editor's word that two claims are the same claim: ``claim`` repeats ``same_as``."""

    claim = models.ForeignKey("annotations.Annotation", on_delete=models.CASCADE, related_name="links")
    same_as = models.ForeignKey("annotations.Annotation", on_delete=models.CASCADE, related_name="linked")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "same_as"], name="one_link_per_claim_pair"),
            models.CheckConstraint(
                condition=~models.Q(claim=models.F("same_as")), name="claim_link_not_to_itself"
            ),
        ]
        verbose_name = _("same-claim link")

    def __str__(self):
        return f"{self.claim_id} is the same claim as {self.same_as_id}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class ObjectType(models.TextChoices):
    ANNOTATION = "annotation", _("Annotation")
    VERDICT = "verdict", _("Verdict")
    EVIDENCE = "evidence", _("Evidence")
    ADJUDICATION = "adjudication", _("Adjudication")
    ARTICLE = "article", _("Article")


class HistoryEntry(models.Model):
    """Who created, changed or deleted what, when, with the values before and after.

    Written in the same transaction as the change. ``annotation_id`` names the claim an entry
    belongs to (for verdicts and evidence too) so that blind review can hide entries.
    """

    project = models.ForeignKey("annotations.Project", on_delete=models.CASCADE, related_name="history")
    object_type = models.CharField(max_length=16, choices=ObjectType)
    object_id = models.PositiveBigIntegerField()
    annotation_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=8, choices=Action)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "history entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="history_object")]

    def __str__(self):
        return f"{self.actor} {self.action} {self.object_type} {self.object_id}"

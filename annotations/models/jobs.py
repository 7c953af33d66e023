from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One import run by a background worker: what was asked (``payload``), how far it got
    (``status``), and what it did (``report``, the ``article`` made or revised) or why it failed
    (``error``). The task runner moves the status; the API and the pages read it from here."""

    class Kind(models.TextChoices):
        URL = "url", _("Article from a URL")
        LABEL_STUDIO = "labelstudio", _("Label Studio export")
        W3C = "w3c", _("W3C Web Annotations")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    project = models.ForeignKey("annotations.Project", on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind)
    status = models.CharField(max_length=8, choices=Status, default=Status.QUEUED)
    payload = models.JSONField(default=dict, blank=True, help_text=_("What the import was asked to do."))
    report = models.JSONField(default=dict, blank=True, help_text=_("What the import did."))
    article = models.ForeignKey(
        "annotations.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"], name="import_job_project_created")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

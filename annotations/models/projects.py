from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PROJECT_NAME_MAX_LENGTH = 200
DEFAULT_REQUIRED_VERDICTS = 2
MAX_REQUIRED_VERDICTS = 20


class Role(models.IntegerChoices):
    """Project roles, ordered: each role may do everything the roles below it may."""

    ANNOTATOR = 10, _("Annotator")
    REVIEWER = 20, _("Reviewer")
    EDITOR = 30, _("Editor")
    ADMIN = 40, _("Admin")

    @property
    def slug(self) -> str:
        return self.name.lower()

    @classmethod
    def from_slug(cls, slug: str) -> "Role":
        return cls[slug.upper()]


class Project(models.Model):
    name = models.CharField(max_length=PROJECT_NAME_MAX_LENGTH)
    required_verdicts = models.PositiveSmallIntegerField(
        default=DEFAULT_REQUIRED_VERDICTS, help_text=_("How many independent verdicts a claim needs.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(required_verdicts__gte=1, required_verdicts__lte=MAX_REQUIRED_VERDICTS),
                name="required_verdicts_1_to_20",
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.PositiveSmallIntegerField(choices=Role)
    review_blind = models.BooleanField(
        default=False,
        help_text=_(
            "For editors and admins: read the claims they have not judged blind, as a reviewer does, "
            "so that their verdicts count as independent."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_user_and_project"),
        ]

    def __str__(self):
        return f"{self.user} in {self.project} as {Role(self.role).slug}"

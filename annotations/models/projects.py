from string import Formatter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sources.normalization import MAX_URL_LENGTH

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


PUBLISHER_NAME_MAX_LENGTH = 200
# What a review URL template may name: each is filled in with the id of the published claim's object.
REVIEW_URL_PLACEHOLDERS = ("claim_id", "article_id", "project_id")
web_url = URLValidator(schemes=["http", "https"], message=_("Enter an http or https address."))


def validate_review_url_template(template: str) -> None:
    """A URL template for the page where the desk publishes each check: an http(s) address once
    its placeholders are filled in, naming only :data:`REVIEW_URL_PLACEHOLDERS`, each written
    plainly (``{claim_id}``: a conversion or format could fail on an id); ``{{`` and ``}}`` stand
    for literal braces."""
    known = ", ".join(f"{{{name}}}" for name in REVIEW_URL_PLACEHOLDERS)
    try:
        fields = [field for _text, *field in Formatter().parse(template) if field[0] is not None]
    except ValueError:
        raise ValidationError(
            _("Unbalanced braces: write a placeholder as {claim_id}, a literal brace as {{ or }}."),
            code="braces",
        ) from None
    for name, spec, conversion in fields:
        if name not in REVIEW_URL_PLACEHOLDERS:
            raise ValidationError(
                _("Unknown placeholder {%(name)s}: use %(known)s."),
                code="placeholder",
                params={"name": name, "known": known},
            )
        if spec or conversion:
            raise ValidationError(
                _("Write the placeholder plainly, as {%(name)s}, without a conversion or format."),
                code="placeholder_format",
                params={"name": name},
            )
    web_url(template.format(**dict.fromkeys(REVIEW_URL_PLACEHOLDERS, 1)))


class Project(models.Model):
    name = models.CharField(max_length=PROJECT_NAME_MAX_LENGTH)
    required_verdicts = models.PositiveSmallIntegerField(
        default=DEFAULT_REQUIRED_VERDICTS, help_text=_("How many independent verdicts a claim needs.")
    )
    publisher_name = models.CharField(
        max_length=PUBLISHER_NAME_MAX_LENGTH,
        blank=True,
        help_text=_("The desk's name as the author of its published checks; the project's name when blank."),
    )
    publisher_url = models.URLField(
        max_length=MAX_URL_LENGTH,
        blank=True,
        validators=[web_url],
        help_text=_("The desk's home page, named with it as the author of its published checks."),
    )
    review_url_template = models.CharField(
        max_length=MAX_URL_LENGTH,
        blank=True,
        validators=[validate_review_url_template],
        help_text=_(
            "Where the desk publishes each check, e.g. https://desk.example.org/checks/{claim_id}; "
            "placeholders {claim_id}, {article_id}, {project_id}. Published reviews carry no url when blank."
        ),
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

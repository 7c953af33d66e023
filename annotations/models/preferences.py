from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import models

# The session keeps a copy of the shortcuts preference, so that no page pays a query for it. The
# copy is made at sign-in and refreshed when the preferences page saves; another browser signed
# in as the same person takes up a change at its next sign-in.
SHORTCUTS_SESSION_KEY = "single_key_shortcuts"


class UserPreferences(models.Model):
    """How one person wants the pages to behave; a user without a row has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="preferences"
    )
    # WCAG 2.1.4: single-character shortcuts collide with speech input and some screen readers'
    # keys, so a person must be able to turn them off.
    single_key_shortcuts = models.BooleanField(
        default=True,
        help_text="Whether the pages answer single-key shortcuts (j, k, a, v, 1-8, c, ?).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "user preferences"
        verbose_name_plural = "user preferences"

    def __str__(self):
        return f"Preferences of user {self.user_id}"


def copy_preferences_to_session(sender, request, user, **kwargs):
    # Connected here, where the app registry imports it at start-up, so that the first sign-in of
    # a process is copied too.
    if request is None or not hasattr(request, "session"):
        return
    saved = UserPreferences.objects.filter(user=user).values_list("single_key_shortcuts", flat=True).first()
    request.session[SHORTCUTS_SESSION_KEY] = True if saved is None else saved


user_logged_in.connect(copy_preferences_to_session, dispatch_uid="copy_preferences_to_session")

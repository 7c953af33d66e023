"""A person's preferences: every write to them goes through here."""

from django.db import transaction

from annotations.models import UserPreferences


@transaction.atomic
def save_preferences(*, user, single_key_shortcuts: bool) -> UserPreferences:
    """Store ``user``'s own preferences; nobody sets another person's."""
    preferences, _created = UserPreferences.objects.update_or_create(
        user=user, defaults={"single_key_shortcuts": single_key_shortcuts}
    )
    return preferences

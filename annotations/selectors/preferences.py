"""A person's preferences for the pages."""

from annotations.models import UserPreferences


def preferences_of(user) -> UserPreferences:
    """``user``'s preferences, or the defaults (unsaved) when they never changed any: one query."""
    return UserPreferences.objects.filter(user=user).first() or UserPreferences(user=user)

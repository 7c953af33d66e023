"""API tokens: the one way a token stops working."""

from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def revoke_api_tokens(*, users) -> int:
    """Delete the API token of each of ``users``; answer how many there were.

    Every client sending a deleted token is answered 401 from its next request on. Idempotent: a
    user without a token is left as is. The user gets a new token from ``POST /api/v1/auth/token/``.
    """
    deleted, _ = Token.objects.filter(user__in=users).delete()
    return deleted

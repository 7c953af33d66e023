"""The signed-in person's own account: what the header's account area posts to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from workbench.tokens import revoke_api_tokens


@login_required
@require_POST
def revoke_my_api_token(request):
    """Revoke the API token of the person asking; every client using it is signed out at once."""
    if revoke_api_tokens(users=[request.user]):
        messages.success(
            request,
            "Your API token is revoked: every client that used it is signed out. "
            "A new one comes from POST /api/v1/auth/token/.",
        )
    else:
        messages.info(request, "You had no API token, so no client was signed in with one.")
    return redirect("home")

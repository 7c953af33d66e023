from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from workbench.login_throttling import address_locked_out, cooloff_seconds
from workbench.parsers import BoundedJSONParser
from workbench.tokens import revoke_api_tokens

ADDRESS_LOCKED_OUT = "Too many failed logins from your address, over several usernames."


class LockedOut(exceptions.Throttled):
    default_detail = "Too many failed logins for this username from your address."
    extra_detail_singular = "Try again in {wait} second."
    extra_detail_plural = "Try again in {wait} seconds."
    default_code = "locked_out"


class ObtainTokenView(ObtainAuthToken):
    """``{username, password}`` → ``{token}``; throttled per client address (``TOKEN_THROTTLE_RATE``)
    and locked per username and address after ``LOGIN_FAILURE_LIMIT`` failures, per address after
    ``LOGIN_ADDRESS_FAILURE_LIMIT`` over any usernames (429, Retry-After).

    Credentials sent along are ignored: a client holding a revoked token, or a logged-in browser
    without a CSRF token, still gets a token for a good username and password.
    """

    authentication_classes = []
    parser_classes = [BoundedJSONParser]
    renderer_classes = [JSONRenderer]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            # Axes marks the request when this attempt is refused, or just failed, for a lockout;
            # the right password of a locked-out pair lands here too, and learns nothing.
            if getattr(request, "axes_locked_out", False):
                if address_locked_out(request):
                    raise LockedOut(wait=cooloff_seconds(), detail=ADDRESS_LOCKED_OUT) from None
                raise LockedOut(wait=cooloff_seconds()) from None
            raise


class RevokeTokenView(APIView):
    """Revoke the caller's API token: every client using it is signed out (401) at once."""

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(
                inline_serializer("RevokedTokens", {"revoked": serializers.IntegerField()}),
                description="The token is gone (`revoked` is 0 when there was none); a new one comes "
                "from POST /api/v1/auth/token/.",
            )
        },
    )
    def post(self, request):
        revoked = revoke_api_tokens(users=[request.user])
        return Response({"revoked": revoked}, status=status.HTTP_200_OK)

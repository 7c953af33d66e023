from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import ScopedRateThrottle

from workbench.parsers import BoundedJSONParser


class ObtainTokenView(ObtainAuthToken):
    """``{username, password}`` → ``{token}``; throttled per client address (``TOKEN_THROTTLE_RATE``).

    Credentials sent along are ignored: a client holding a revoked token, or a logged-in browser
    without a CSRF token, still gets a token for a good username and password.
    """

    authentication_classes = []
    parser_classes = [BoundedJSONParser]
    renderer_classes = [JSONRenderer]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

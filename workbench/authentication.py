"""Token authentication that takes the token under either name a client may give it.

DRF's ``TokenAuthentication`` reads ``Authorization: Token <key>`` only, while clients generated
from an OpenAPI ``bearer`` scheme send ``Authorization: Bearer <key>``. Both name the same token.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` or ``Authorization: Bearer <key>`` (any case)."""

    # The first keyword is the one the 401 challenge (WWW-Authenticate) names.
    keywords = ("Token", "Bearer")

    def authenticate(self, request):
        given = authentication.get_authorization_header(request).split(maxsplit=1)
        if not given:
            return None
        for keyword in self.keywords:
            if given[0].lower() == keyword.lower().encode():
                # DRF builds its authenticators anew for each request: this names the one at hand.
                self.keyword = keyword
                return super().authenticate(request)
        return None

    def authenticate_header(self, request):
        return self.keywords[0]


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the token as an HTTP bearer scheme, which generated clients send as is."""

    target_class = TokenAuthentication
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "The token from POST /api/v1/auth/token/, sent as `Authorization: Bearer <token>` "
                "(or `Authorization: Token <token>`)."
            ),
        }

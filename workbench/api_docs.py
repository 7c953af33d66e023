"""The interactive API docs (Swagger UI, served from drf-spectacular-sidecar's local copy)."""

from django.conf import settings
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularSwaggerView


class ApiDocsView(SpectacularSwaggerView):
    """Swagger UI whose start-up script carries the request's CSP nonce and whose page styles come
    from a static file (templates/api_docs.html), so the site's policy needs no 'unsafe-inline'."""

    template_name = "api_docs.html"


# Swagger UI's stylesheet draws its icons as data: images; everything else is the site's policy.
API_DOCS_CSP = {**settings.SECURE_CSP, "img-src": [CSP.SELF, "data:"]}

api_docs = csp_override(API_DOCS_CSP)(ApiDocsView.as_view(url_name="schema"))

"""Middleware of the whole app.

A database that cannot be reached answers 503 with ``Retry-After``, not a 500.

The outage is the server's state, not a bug: a client should wait and retry, and nothing was
written (the failed statement never reached the database). Django drops a connection that
failed at the end of the request, so the next request connects afresh and the app recovers
without a restart.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.urls import is_valid_path

logger = logging.getLogger("workbench.database")

RETRY_AFTER_SECONDS = 30
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    message = "The database is unavailable; try again shortly."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Answers a view's database outage (``api_errors.server_error`` answers the rest)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            logger.error("Database unavailable at %s: %s", request.path, exception)
            return database_unavailable(request)
        return None


class ApiOptionalSlashMiddleware:
    """Answers an API route named without its trailing slash as if the slash were there.

    Django's APPEND_SLASH would redirect instead, with an HTML 301 that a client following it
    turns from a POST into a GET. Only ``/api/`` paths that do not resolve as sent and do
    resolve with the slash are changed; pages keep the redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/api/") and not path.endswith("/"):
            urlconf = getattr(request, "urlconf", None)
            if not is_valid_path(path, urlconf) and is_valid_path(f"{path}/", urlconf):
                request.path_info = f"{path}/"
                request.path = f"{request.path}/"
        return self.get_response(request)

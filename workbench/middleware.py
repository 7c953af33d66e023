"""A database that cannot be reached answers 503 with ``Retry-After``, not a 500.

The outage is the server's state, not a bug: a client should wait and retry, and nothing was
written (the failed statement never reached the database). Django drops a connection that
failed at the end of the request, so the next request connects afresh and the app recovers
without a restart.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

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

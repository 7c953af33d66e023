"""One error shape for the whole API.

400 answers ``{field: [reason, ...]}`` (``non_field_errors`` for the request as a whole); every
other error answers ``{"detail": reason}``, as DRF gives them. Services raise Django's own
exceptions so that the same code also works behind forms; this handler translates them.
"""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from workbench.errors import ItemErrors, PreconditionFailed, StateConflict
from workbench.middleware import OUTAGE_ERRORS, database_unavailable


class Conflict(exceptions.ValidationError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Precondition(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "This object was changed by someone else; reload it and try again."
    default_code = "precondition_failed"


def api_exception_handler(exc, context):
    if isinstance(exc, (DjangoValidationError, exceptions.ValidationError)):
        api_error = Conflict if isinstance(exc, StateConflict) else exceptions.ValidationError
        exc = api_error(as_serializer_error(exc))
    elif isinstance(exc, ItemErrors):
        exc = (Conflict if exc.conflict else exceptions.ValidationError)(exc.detail)
    elif isinstance(exc, PreconditionFailed):
        exc = Precondition(exc.message)
    elif isinstance(exc, RequestDataTooBig):
        # Django's own check, met when the body was read before the parser saw it.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = exceptions.ParseError(f"The request body is larger than {limit} bytes.")
    # None only for an unexpected exception: Django logs it and handler500 answers JSON.
    return drf_exception_handler(exc, context)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if is_api(request):
        return JsonResponse({"detail": "The request could not be read."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    # An outage met outside a view (a middleware reading the session, say) ends up here.
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        return database_unavailable(request)
    if is_api(request):
        return JsonResponse({"detail": "The server failed to answer this request."}, status=500)
    return defaults.server_error(request)

"""Login lockout (django-axes): who the client is, and what a locked-out client is told.

Axes counts failed logins per username and client address (settings, ``AXES_*``), and refuses
every username from an address whose failures over all usernames reach
``LOGIN_ADDRESS_FAILURE_LIMIT`` (:func:`failure_limit`). The page logins
(``/login/``, ``/admin/login/``) get the lockout page from ``axes.middleware.AxesMiddleware``
through ``lockout_response``; the token endpoint answers its own 429 (``workbench.api_auth``).
"""

import ipaddress
import math

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from rest_framework.throttling import BaseThrottle


def client_address(request) -> str | None:
    """The client's address as DRF's throttles see it (``NUM_PROXIES``, ``WORKBENCH_NUM_PROXIES``).

    With no proxy that is ``REMOTE_ADDR``, whatever X-Forwarded-For says. Behind N proxies it is the
    N-th hop from the right of X-Forwarded-For, the one the outermost proxy wrote. A hop that is no
    address (a proxy count set higher than the proxies there are) falls back to ``REMOTE_ADDR``, so
    a client cannot make up a key of its own.
    """
    address = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


def client_username(request, credentials=None) -> str | None:
    """The username the attempt names (from the credentials, else the posted form), cut to what
    axes' records hold: an overlong name, which no account can have, must not fail the write."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(username, str):
        return None
    return username[: AccessAttempt._meta.get_field("username").max_length]


def cooloff_seconds() -> int:
    """How long a locked-out username and address wait, at most, as Retry-After counts it."""
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds())


def cooloff_minutes() -> int:
    return math.ceil(cooloff_seconds() / 60)


def address_locked_out(request) -> bool:
    """Whether the client's address failed ``LOGIN_ADDRESS_FAILURE_LIMIT`` logins within the
    cool-off, over every username it named: then it is refused for any username."""
    recent = AccessAttempt.objects.filter(
        ip_address=client_address(request), attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )
    failures = recent.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
    return failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def failure_limit(request, credentials=None) -> int:
    """Axes' limit of failures for this attempt's username and address: ``LOGIN_FAILURE_LIMIT``,
    or none left (0) while the address as a whole is locked out."""
    return 0 if address_locked_out(request) else settings.LOGIN_FAILURE_LIMIT


def lockout_response(request, original_response=None, credentials=None):
    """The login page's answer to a locked-out attempt: 429, a page that says why, and Retry-After."""
    context = {
        "cooloff_minutes": cooloff_minutes(),
        "failure_limit": settings.LOGIN_FAILURE_LIMIT,
        "whole_address": address_locked_out(request),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(cooloff_seconds())
    return response

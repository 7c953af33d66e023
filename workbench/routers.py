"""Reads to the read replicas, everything else to the primary (``DATABASE_REPLICA_URLS``).

A replica lags its primary by a moment, so three kinds of read stay on the primary:

- reads inside a transaction of the primary (a write's own checks and locks);
- every read of a request that may write (any method but GET, HEAD and OPTIONS): its answer
  reads back what it wrote;
- the tables whose freshness is the point: sessions, API tokens, login attempts, the cache
  (throttle counters) and the task queue, so that a login, a lockout or a job is seen by the very
  next request.

Reads of GET requests outside a transaction spread over the replicas at random.
"""

import contextvars
import random

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PRIMARY_APPS = {"sessions", "authtoken", "axes", "django_cache", "django_tasks_db"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Set for the length of a request that may write.
reads_on_primary = contextvars.ContextVar("reads_on_primary", default=False)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            reads_on_primary.get()
            or model._meta.app_label in PRIMARY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return random.choice(replicas()) if replicas() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the primary's rows: objects read from any of them may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class PrimaryForWritesMiddleware:
    """Keeps every read of a request that may write on the primary (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        token = reads_on_primary.set(True)
        try:
            return self.get_response(request)
        finally:
            reads_on_primary.reset(token)

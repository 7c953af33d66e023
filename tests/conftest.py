from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''}".rstrip()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@contextmanager
def built_for_the_module(django_db_blocker):
    """Rows a module-scoped fixture builds once for all of a module's tests, as Django's
    ``setUpTestData`` does: inside an outer transaction that each test's own transaction nests in
    as a savepoint, so that whatever a test writes is rolled back to the rows as built, and the
    rows themselves when the module's tests are done."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def api_client():
    return APIClient()

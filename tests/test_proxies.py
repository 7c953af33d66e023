"""Headers a proxy would set count only when a setting says such a proxy stands in front.

X-Forwarded-Proto is trusted only with WORKBENCH_PROXY_SETS_X_FORWARDED_PROTO; X-Forwarded-For
only with WORKBENCH_NUM_PROXIES above 0 (tests/test_login_throttling.py shows the lockouts).
"""

import json

import pytest
from django.test import Client

from tests.test_settings import PRODUCTION, run_python

pytestmark = pytest.mark.django_db

PROXY_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'ssl_header': settings.SECURE_PROXY_SSL_HEADER,"
    " 'num_proxies': settings.REST_FRAMEWORK['NUM_PROXIES'],"
    " 'workbench_num_proxies': settings.WORKBENCH_NUM_PROXIES}))"
)


def proxy_settings(env: dict) -> dict:
    result = run_python(PROXY_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_trusts_no_forwarded_header_unless_told(tmp_path):
    """By default, in production too, no X-Forwarded-Proto is trusted and no proxy is counted."""
    found = proxy_settings(PRODUCTION)
    assert found == {"ssl_header": None, "num_proxies": 0, "workbench_num_proxies": 0}
    assert proxy_settings({"WORKBENCH_SECRET_FILE": str(tmp_path / "secret")})["ssl_header"] is None


def test_the_settings_name_the_proxy_in_front():
    """The two variables turn on the header trust and the proxy count, for throttles and lockouts alike."""
    found = proxy_settings(
        PRODUCTION | {"WORKBENCH_PROXY_SETS_X_FORWARDED_PROTO": "1", "WORKBENCH_NUM_PROXIES": "2"}
    )
    assert found == {
        "ssl_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "num_proxies": 2,
        "workbench_num_proxies": 2,
    }


def test_a_client_sent_x_forwarded_proto_does_not_make_plain_http_secure(settings):
    """With HTTPS required and no trusted proxy, a plain request claiming https is still redirected
    to https, and its cookies would not count as sent over TLS."""
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


def test_behind_a_proxy_that_sets_it_x_forwarded_proto_counts(settings):
    """With the setting on, the proxy's https is believed and the page is served."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert Client().get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert Client().get("/login/", HTTP_X_FORWARDED_PROTO="http").status_code == 301

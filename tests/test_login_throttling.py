"""Login lockout on every way in: the login page, the admin's login, the token endpoint.

A username that fails LOGIN_FAILURE_LIMIT times from one client address is refused from there,
right password included, until the cool-off ends. The client address is REMOTE_ADDR unless
WORKBENCH_NUM_PROXIES proxies stand in front, so a made-up X-Forwarded-For buys no new tries.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def limit(settings):
    return settings.LOGIN_FAILURE_LIMIT


def log_in_page(client, path, username, password, **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def ask_token(client, username, password, **extra):
    return client.post(TOKEN, {"username": username, "password": password}, format="json", **extra)


def is_logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_migrate_creates_the_lockout_tables():
    """The test database is built by migrate alone, and it holds axes' tables."""
    assert {"axes_accessattempt", "axes_accesslog"} <= set(connection.introspection.table_names())


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_page_login_locks_out_after_the_limit_even_with_the_right_password(path, limit):
    """After the limit of wrong passwords the right one gets the lockout page (429, Retry-After)
    with a message saying why and for how long, and no session."""
    user = get_user_model().objects.create_user("staffer", password=PASSWORD, is_staff=True)
    client = Client()
    for _ in range(limit - 1):
        assert log_in_page(client, path, user.username, "wrong").status_code == 200
    locking = log_in_page(client, path, user.username, "wrong")
    assert locking.status_code == 429
    response = log_in_page(client, path, user.username, PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "Try again in 15 minutes" in page
    assert not is_logged_in(client)


def test_page_login_below_the_limit_still_logs_in_and_forgets_the_failures(limit):
    """Failures below the limit do not stop the right password, which clears them."""
    user = make_user()
    client = Client()
    for _ in range(limit - 1):
        log_in_page(client, "/login/", user.username, "wrong")
    response = log_in_page(client, "/login/", user.username, PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_token_endpoint_locks_out_with_a_429_json_and_retry_after(limit):
    """The token endpoint refuses a locked-out username and address with 429 JSON naming the
    lockout, Retry-After, and no token, the right password included."""
    user = make_user()
    client = APIClient()
    answers = [ask_token(client, user.username, "wrong").status_code for _ in range(limit)]
    assert answers == [400] * (limit - 1) + [429]
    response = ask_token(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) == 15 * 60
    assert "Too many failed logins" in response.json()["detail"]
    assert not Token.objects.filter(user=user).exists()


def test_the_lockout_holds_for_one_username_and_address_only(limit):
    """Another username from the locked-out address, and the same username from another address,
    still log in."""
    user, other = make_user(), make_user()
    client = Client()
    for _ in range(limit):
        log_in_page(client, "/login/", user.username, "wrong")
    assert log_in_page(Client(), "/login/", other.username, PASSWORD).status_code == 302
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in_page(elsewhere, "/login/", user.username, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cooloff(limit, settings):
    """Once the cool-off has passed since the last failure, the right password logs in again."""
    user = make_user()
    client = Client()
    for _ in range(limit):
        log_in_page(client, "/login/", user.username, "wrong")
    assert log_in_page(client, "/login/", user.username, PASSWORD).status_code == 429
    # The failures age past the cool-off, as they would by waiting.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )
    assert log_in_page(client, "/login/", user.username, PASSWORD).status_code == 302


def test_guesses_failed_in_the_api_lock_the_login_page_too(limit):
    """One count covers every way in: failures at the token endpoint lock the page login."""
    user = make_user()
    for _ in range(limit):
        ask_token(APIClient(), user.username, "wrong")
    assert log_in_page(Client(), "/login/", user.username, PASSWORD).status_code == 429


def test_with_no_proxy_a_rotating_x_forwarded_for_does_not_bypass_the_lockout(limit):
    """With WORKBENCH_NUM_PROXIES 0 (the default) the address is REMOTE_ADDR: a new
    X-Forwarded-For on every guess still counts against the same address."""
    user = make_user()
    page, api = Client(), APIClient()
    for n in range(limit):
        log_in_page(page, "/login/", user.username, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = log_in_page(page, "/login/", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429
    token = ask_token(api, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.98")
    assert token.status_code == 429
    assert "Too many failed logins" in token.json()["detail"]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_the_token_throttle_ignores_a_rotating_x_forwarded_for_with_no_proxy(settings):
    """DRF's per-address rate on the token endpoint counts REMOTE_ADDR too, whatever the header."""
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
    client = APIClient()
    answers = [
        ask_token(client, f"nobody-{n}", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(rate + 1)
    ]
    assert answers == [400] * rate + [429]


@pytest.fixture
def one_proxy(settings):
    settings.WORKBENCH_NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


@pytest.mark.usefixtures("one_proxy")
def test_behind_one_proxy_the_right_most_hop_is_the_client(limit):
    """Behind one proxy the client is the address the proxy appended (right-most): what the
    client wrote to the left of it changes nothing, and another right-most address is another
    client, not locked out."""
    user = make_user()
    # The proxy itself is REMOTE_ADDR for every request.
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(limit):
        forwarded = f"198.51.100.{n}, 203.0.113.5"
        log_in_page(proxy, "/login/", user.username, "wrong", HTTP_X_FORWARDED_FOR=forwarded)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    spoofed = log_in_page(
        proxy, "/login/", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200, 203.0.113.5"
    )
    assert spoofed.status_code == 429
    token = ask_token(
        APIClient(REMOTE_ADDR="10.0.0.2"),
        user.username,
        PASSWORD,
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5",
    )
    assert token.status_code == 429
    another = log_in_page(proxy, "/login/", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert another.status_code == 302


@pytest.mark.usefixtures("one_proxy")
def test_behind_one_proxy_a_hop_that_is_no_address_counts_as_the_proxy(limit):
    """A right-most hop that is no IP address (a proxy count set too high) falls back to
    REMOTE_ADDR, so made-up keys buy no tries and nothing answers 500."""
    user = make_user()
    client = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(limit):
        log_in_page(client, "/login/", user.username, "wrong", HTTP_X_FORWARDED_FOR=f"not-an-ip-{n}")
    response = log_in_page(client, "/login/", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="garbage")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.2"}


def test_a_locked_out_admin_login_does_not_reach_the_admin(limit):
    """The admin's login is the same count: a locked-out superuser gets no admin session."""
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    for _ in range(limit):
        log_in_page(client, "/admin/login/", "root", "wrong")
    response = log_in_page(client, "/admin/login/", "root", PASSWORD)
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("path", ["/login/", "/admin/login/", TOKEN])
def test_an_overlong_username_is_a_failed_login_not_a_500(path, limit):
    """A username longer than any account's (and than axes' records) fails like any wrong one and
    is locked out like one, on PostgreSQL too, where the write of it used to fail."""
    username = "u" * 1000
    if path == TOKEN:
        client, failed = APIClient(raise_request_exception=False), 400
        answers = [ask_token(client, username, "wrong").status_code for _ in range(limit)]
    else:
        client, failed = Client(raise_request_exception=False), 200
        answers = [log_in_page(client, path, username, "wrong").status_code for _ in range(limit)]
    assert answers == [failed] * (limit - 1) + [429]
    (stored,) = AccessAttempt.objects.values_list("username", flat=True)
    assert stored == username[:255]


def test_one_address_failing_over_many_usernames_is_refused_for_every_username(settings):
    """A password spray (one guess for each of many usernames) locks the address as a whole once
    its failures reach LOGIN_ADDRESS_FAILURE_LIMIT within the cool-off: every username is refused
    from there, the right password included, on the pages and the token endpoint; another address
    is not, and the failures that age past the cool-off stop counting."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    user = make_user()
    sprayer = Client()
    for n in range(5):
        assert log_in_page(sprayer, "/login/", f"guess{n}", "wrong").status_code == 200
    assert log_in_page(sprayer, "/login/", user.username, PASSWORD).status_code == 302, "below the cap"
    sprayer = Client()
    assert log_in_page(sprayer, "/login/", "guess5", "wrong").status_code == 429, (
        "the failure that reaches it"
    )
    refused = log_in_page(Client(), "/login/", user.username, PASSWORD)
    assert refused.status_code == 429
    assert "for every username" in refused.content.decode()
    token = ask_token(APIClient(), user.username, PASSWORD)
    assert token.status_code == 429
    assert token.json()["detail"].startswith(
        "Too many failed logins from your address, over several usernames."
    )
    assert (
        log_in_page(Client(REMOTE_ADDR="198.51.100.7"), "/login/", user.username, PASSWORD).status_code == 302
    )
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )
    assert log_in_page(Client(), "/login/", user.username, PASSWORD).status_code == 302

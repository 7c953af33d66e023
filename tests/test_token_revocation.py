"""API tokens can be revoked: by their holder (the API, or the header's button) and by an admin."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

REVOKE = "/api/v1/auth/token/revoke/"


def token_client(user) -> tuple[APIClient, str]:
    key = Token.objects.create(user=user).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, key


def test_revoking_my_token_signs_out_every_client_that_uses_it():
    """POST revoke answers {revoked: 1}; the token then answers 401 on every client holding it."""
    user = make_user()
    client, key = token_client(user)
    other_client = APIClient()
    other_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert other_client.get("/api/v1/projects/").status_code == 200
    response = client.post(REVOKE)
    assert response.status_code == 200
    assert response.json() == {"revoked": 1}
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/api/v1/projects/").status_code == 401
    assert other_client.get("/api/v1/projects/").status_code == 401


def test_after_revoking_a_new_token_is_a_different_one():
    """The token endpoint hands out a new key after a revoke; the old one stays dead."""
    user = make_user()
    client, old = token_client(user)
    client.post(REVOKE)
    new = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert new.status_code == 200
    assert new.json()["token"] != old
    assert Token.objects.get(user=user).key == new.json()["token"]


def test_revoking_touches_no_one_elses_token():
    """Revoking one user's token leaves every other user's token working."""
    me, someone = make_user(), make_user()
    client, _ = token_client(me)
    their_client, their_key = token_client(someone)
    client.post(REVOKE)
    assert Token.objects.get(user=someone).key == their_key
    assert their_client.get("/api/v1/projects/").status_code == 200


def test_revoking_without_a_token_is_harmless_and_says_so():
    """A signed-in browser without a token revokes nothing: {revoked: 0}."""
    client = APIClient()
    client.force_authenticate(make_user())
    response = client.post(REVOKE)
    assert response.status_code == 200
    assert response.json() == {"revoked": 0}


def test_revoking_needs_credentials():
    """Anonymous callers get 401 and nothing is deleted."""
    Token.objects.create(user=make_user())
    response = APIClient().post(REVOKE)
    assert response.status_code == 401
    assert Token.objects.count() == 1


def test_a_browser_session_must_send_its_csrf_token_to_revoke():
    """With session credentials only, a forged cross-site POST (no CSRF token) is 403."""
    user = make_user()
    Token.objects.create(user=user)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(REVOKE).status_code == 403
    assert Token.objects.filter(user=user).exists()


def test_the_header_button_revokes_my_token_and_tells_me():
    """The account area's button posts to the revoke page, which deletes my token and says so."""
    user = make_user()
    Token.objects.create(user=user)
    client = Client()
    client.force_login(user)
    home = client.get("/").content.decode()
    assert 'action="/account/token/revoke/"' in home
    assert "Sign out API clients" in home
    response = client.post("/account/token/revoke/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Your API token is revoked" in response.content.decode()
    assert not Token.objects.filter(user=user).exists()
    # The browser session itself stays signed in.
    assert client.get("/").status_code == 200


def test_the_revoke_page_takes_post_only_and_needs_login():
    """GET changes nothing (405); anonymous POSTs go to the login page."""
    user = make_user()
    Token.objects.create(user=user)
    client = Client()
    client.force_login(user)
    assert client.get("/account/token/revoke/").status_code == 405
    anonymous = Client().post("/account/token/revoke/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    assert Token.objects.filter(user=user).exists()


def test_the_revoke_page_refuses_a_post_without_csrf():
    """A cross-site form cannot sign a reviewer's clients out."""
    user = make_user()
    Token.objects.create(user=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/account/token/revoke/").status_code == 403
    assert Token.objects.filter(user=user).exists()


def test_an_admin_revokes_the_tokens_of_chosen_users_from_the_user_list():
    """The admin's user list has an action that deletes the selected users' tokens only."""
    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    leaver, stayer = make_user(), make_user()
    for user in (leaver, stayer):
        Token.objects.create(user=user)
    client = Client()
    client.force_login(admin)
    changelist = client.get("/admin/auth/user/")
    assert "revoke_users_api_tokens" in changelist.content.decode()
    response = client.post(
        "/admin/auth/user/",
        {"action": "revoke_users_api_tokens", "_selected_action": [leaver.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Revoked 1 API token" in response.content.decode()
    assert not Token.objects.filter(user=leaver).exists()
    assert Token.objects.filter(user=stayer).exists()


def test_deleting_a_token_in_the_admin_revokes_it():
    """The admin's token page deletes a token, which then answers 401."""
    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    user = make_user()
    client_of_user, _ = token_client(user)
    client = Client()
    client.force_login(admin)
    response = client.post(f"/admin/authtoken/tokenproxy/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert client_of_user.get("/api/v1/projects/").status_code == 401

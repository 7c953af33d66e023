import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_desk, make_user

pytestmark = pytest.mark.django_db


def test_login_page_logs_in_and_lands_on_my_projects():
    desk = make_desk()
    client = Client()
    page = client.get("/login/")
    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in page.content
    response = client.post(
        "/login/", {"username": desk.reviewers[0].username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert desk.project.name in response.content.decode()
    assert "Reviewer" in response.content.decode()


def test_wrong_password_shows_a_message_and_stays_logged_out():
    user = make_user()
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert client.get("/").status_code == 302


def test_login_form_requires_csrf():
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403


def test_logout_is_a_post_and_ends_the_session():
    client = Client()
    client.force_login(make_user())
    assert client.get("/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_home_page_needs_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_home_page_query_count_is_flat(django_assert_max_num_queries):
    from tests.factories import make_project

    user = make_user()
    for _ in range(10):
        make_project(creator=user)
    client = Client()
    client.force_login(user)
    with django_assert_max_num_queries(4):
        response = client.get("/")
    assert response.content.decode().count("<tr>") == 11


def test_token_for_good_credentials_authenticates_api_calls():
    desk = make_desk()
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": desk.editor.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=desk.editor).key == token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    projects = client.get("/api/v1/projects/").json()
    assert [p["id"] for p in projects["results"]] == [desk.project.id]


def test_the_same_user_gets_the_same_token_again():
    user = make_user()
    client = APIClient()
    first = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    second = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert first.json()["token"] == second.json()["token"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "someone", "password": "wrong"}, "non_field_errors"),
        ({"username": "someone"}, "password"),
        ({"password": "x"}, "username"),
    ],
)
def test_bad_token_requests_are_400_with_the_reason(body, field):
    make_user(username="someone")
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Token.objects.count() == 0


def test_an_invalid_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_anonymous_api_calls_are_401_with_a_challenge():
    response = APIClient().get("/api/v1/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_endpoint_is_throttled_per_address_across_usernames(settings):
    """Guesses spread over many usernames (none locked out) are stopped by the address's rate."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    limit = int(rates["token"].split("/")[0])
    user = make_user()
    client = APIClient()
    answers = [
        client.post(
            "/api/v1/auth/token/", {"username": f"someone-{n}", "password": "guess"}, format="json"
        ).status_code
        for n in range(limit + 1)
    ]
    assert answers[:limit] == [400] * limit
    assert answers[limit] == 429
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert "detail" in response.json()
    assert "Retry-After" in response

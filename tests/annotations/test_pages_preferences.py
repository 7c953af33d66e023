"""The preferences page: each person turns their own single-key shortcuts on or off."""

import re

import pytest
from django.test import Client

from annotations.models import UserPreferences
from annotations.services.preferences import save_preferences
from tests.annotations.test_pages import client_for
from tests.factories import make_article, make_desk, make_user

pytestmark = pytest.mark.django_db

URL = "/preferences/"


def body_setting(response) -> str:
    return re.search(r'<body[^>]* data-shortcuts="([a-z]*)"', response.content.decode())[1]


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_stored():
    """Anonymous GET and POST redirect to the login page; no preference row appears."""
    client = Client()
    for response in (client.get(URL), client.post(URL, {"shortcuts": "off"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert not UserPreferences.objects.exists()


def test_shortcuts_are_on_until_turned_off_and_every_page_then_says_so():
    """A new user's pages carry data-shortcuts="on"; after saving "off" the reader and the
    preferences page carry "off", and the form shows the saved choice."""
    desk = make_desk()
    article = make_article(desk)
    client = client_for(desk.annotator)
    page = client.get(URL)
    assert page.status_code == 200
    assert body_setting(page) == "on"
    assert 'value="on" required id="preferences_shortcuts_0" checked' in page.content.decode()

    saved = client.post(URL, {"shortcuts": "off"}, follow=True)
    assert saved.redirect_chain == [(URL, 302)]
    assert "Single-key shortcuts are off." in saved.content.decode()
    assert body_setting(saved) == "off"
    assert 'value="off" required id="preferences_shortcuts_1" checked' in saved.content.decode()
    assert body_setting(client.get(f"/articles/{article.id}/")) == "off"
    assert UserPreferences.objects.get(user=desk.annotator).single_key_shortcuts is False

    client.post(URL, {"shortcuts": "on"})
    assert body_setting(client.get(f"/articles/{article.id}/")) == "on"


def test_one_persons_setting_leaves_everyone_elses_alone():
    """Turning shortcuts off changes only the signed-in person's pages and row."""
    desk = make_desk()
    article = make_article(desk)
    client_for(desk.reviewers[0]).post(URL, {"shortcuts": "off"})
    other = client_for(desk.reviewers[1])
    assert body_setting(other.get(f"/articles/{article.id}/")) == "on"
    assert body_setting(other.get(URL)) == "on"
    assert list(UserPreferences.objects.values_list("user", "single_key_shortcuts")) == [
        (desk.reviewers[0].id, False)
    ]


@pytest.mark.parametrize("data", [{"shortcuts": "maybe"}, {}, {"shortcuts": "x" * 10_000}])
def test_bad_input_gets_a_message_naming_the_field_and_changes_nothing(data):
    """An unknown or missing choice answers 400 with the field's message; nothing is saved."""
    user = make_user()
    save_preferences(user=user, single_key_shortcuts=False)
    client = client_for(user)
    response = client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Single-key shortcuts" in html
    assert ("Select a valid choice" in html) or ("This field is required" in html)
    assert UserPreferences.objects.get(user=user).single_key_shortcuts is False
    assert body_setting(response) == "off"


def test_a_session_signed_in_before_a_change_elsewhere_catches_up_on_the_preferences_page():
    """Another browser keeps its sign-in copy until it opens the preferences page, which reads
    the stored choice again."""
    user = make_user()
    first, second = client_for(user), client_for(user)
    first.post(URL, {"shortcuts": "off"})
    assert body_setting(second.get("/")) == "on"
    assert body_setting(second.get(URL)) == "off"
    assert body_setting(second.get("/")) == "off"


def test_a_signed_in_page_reads_the_setting_without_a_query(django_assert_max_num_queries):
    """A page costs no query more for a person who turned shortcuts off than for one who never
    changed them: the session holds the setting."""
    counts = []
    for wanted in (True, False):
        user = make_user()
        if not wanted:
            save_preferences(user=user, single_key_shortcuts=False)
        client = client_for(user)
        with django_assert_max_num_queries(4) as captured:
            response = client.get("/")
        assert body_setting(response) == ("on" if wanted else "off")
        counts.append(len(captured))
    assert counts[0] == counts[1]

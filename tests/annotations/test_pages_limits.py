"""Limited fields on the pages: the browser keeps a long paste whole (data-maxlength, counted by
static/js/counters.js, instead of maxlength), the server says what is too long, and evidence
addresses written without a scheme are taken as https, as in the API."""

import re

import pytest
from rest_framework.test import APIClient

from annotations.models import Verdict
from annotations.models.verdicts import RATIONALE_MAX_LENGTH
from sources.models import Source
from tests.annotations.test_pages import client_for, verdict_data
from tests.annotations.test_pages_forms import error_of
from tests.factories import make_annotation, make_article, make_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return make_desk()


def test_limited_fields_carry_data_maxlength_and_no_maxlength(desk):
    """The reader's and the import page's limited fields name their limit for the counter and
    none for the browser, which would cut a paste short without a word."""
    article = make_article(desk)
    claim = make_annotation(desk, article=article)
    reviewer = client_for(desk.reviewers[0])
    panel = reviewer.get(f"/articles/{article.id}/?claim={claim.id}").content.decode()
    import_page = f"/projects/{desk.project.id}/articles/import/"
    importer = client_for(desk.annotator).get(import_page).content.decode()
    assert re.search(rf'<textarea name="rationale"[^>]*data-maxlength="{RATIONALE_MAX_LENGTH}"', panel)
    assert re.search(r'<input type="text" name="title"[^>]*data-maxlength="500"', importer)
    for html in (panel, importer):
        assert " maxlength=" not in html
    assert "js/counters.js" in importer


def test_a_rationale_over_the_limit_is_refused_with_a_message_and_nothing_saved(desk):
    """A pasted rationale one character too long reaches the server whole and is refused with
    the limit named next to the field."""
    claim = make_annotation(desk)
    response = client_for(desk.reviewers[0]).post(
        f"/annotations/{claim.id}/verdict/", verdict_data(rationale="x" * (RATIONALE_MAX_LENGTH + 1))
    )
    assert response.status_code == 400
    message = error_of(response.content.decode(), "verdict_rationale")
    assert "at most 20000 characters" in message
    assert "20001" in message
    assert not Verdict.objects.exists()


def test_an_evidence_address_without_a_scheme_is_saved_as_https_on_the_page(desk):
    """www.example.org/… typed into the verdict form's source URL becomes https://www.example.org/…"""
    claim = make_annotation(desk)
    evidence = [{"url": "www.example.org/report?id=4", "stance": "supports"}]
    response = client_for(desk.reviewers[0]).post(
        f"/annotations/{claim.id}/verdict/", verdict_data(evidence=evidence)
    )
    assert response.status_code in (200, 302, 303)
    assert Source.objects.get().url == "https://www.example.org/report?id=4"


def test_an_evidence_address_without_a_scheme_is_saved_as_https_in_the_api(desk):
    """The API's verdict endpoint takes the same address the same way."""
    claim = make_annotation(desk)
    client = APIClient()
    client.force_authenticate(desk.reviewers[0])
    response = client.post(
        "/api/v1/verdicts/",
        {
            "annotation": claim.id,
            "rating": "true",
            "confidence": "high",
            "evidence": [{"url": "www.example.org/report?id=4", "stance": "supports"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["evidence"][0]["url"] == "https://www.example.org/report?id=4"
    assert Source.objects.get().url == "https://www.example.org/report?id=4"


def test_a_bare_word_is_still_refused_next_to_the_evidence_row(desk):
    """An address that does not start with a host name is refused, naming the row's field."""
    claim = make_annotation(desk)
    evidence = [{"url": "the ministry's report", "stance": "supports"}]
    response = client_for(desk.reviewers[0]).post(
        f"/annotations/{claim.id}/verdict/", verdict_data(evidence=evidence)
    )
    assert response.status_code == 400
    assert "http" in error_of(response.content.decode(), "id_evidence-0-url")
    assert not Verdict.objects.exists()

"""Suggested claims in the reader: what the page carries, accepting one through the reader's
highlight endpoint (and the API), the query count, and what a blind reviewer sees."""

import html
import re

import pytest
from rest_framework.test import APIClient

from annotations.models import Annotation
from annotations.services.verdicts import submit_verdict
from annotations.suggestions import MAX_SUGGESTIONS, suggest
from tests.annotations.test_pages import client_for
from tests.factories import make_annotation, make_article, make_desk

pytestmark = pytest.mark.django_db

TEXT = (
    "São Paulo recorded 312 mm of rain in February 🌧, the wettest month since 1943, according to the "
    "city's emergency centre. Residents disagree.\n\n"
    "Mayor Inês Conceição said the city spent R$ 2.1 billion on flood defences since 2021. "
    "Everyone should simply stay at home."
)
FORM = re.compile(
    r'<li data-suggestion data-start="(\d+)" data-end="(\d+)".*?name="start" value="(\d+)">\s*'
    r'<input type="hidden" name="end" value="(\d+)">\s*<input type="hidden" name="quote" value="([^"]*)">\s*'
    r'<input type="hidden" name="revision" value="(\d+)">',
    re.DOTALL,
)


@pytest.fixture
def desk():
    return make_desk()


def suggestion_forms(page) -> list[dict]:
    """The suggestions' forms as the page carries them: what a click on its button posts."""
    found = []
    for start, end, form_start, form_end, quote, revision in FORM.findall(page.content.decode()):
        assert (start, end) == (form_start, form_end)
        found.append(
            {"start": int(start), "end": int(end), "quote": html.unescape(quote), "revision": revision}
        )
    return found


def test_the_reader_lists_each_suggested_sentence_with_its_exact_offsets(desk):
    article = make_article(desk, text=TEXT)
    page = client_for(desk.annotator).get(f"/articles/{article.id}/")
    forms = suggestion_forms(page)
    text = article.current_revision.text
    assert [form["quote"] for form in forms] == [suggestion.quote for suggestion in suggest(text)]
    assert len(forms) == 2
    for form in forms:
        assert text[form["start"] : form["end"]] == form["quote"]
        assert form["revision"] == str(article.current_revision_id)
    body = page.content.decode()
    assert "Suggested claims (2)" in body
    assert "Holds a figure, an attribution" in body  # the reasons, in words, for every reader
    assert "Dotted underline" in body  # the legend


def test_accepting_a_suggestion_highlights_exactly_its_sentence_and_it_leaves_the_list(desk):
    article = make_article(desk, text=TEXT)
    client = client_for(desk.annotator)
    first = suggestion_forms(client.get(f"/articles/{article.id}/"))[0]
    answer = client.post(f"/articles/{article.id}/annotations/", first)
    claim = Annotation.objects.get(article=article)
    assert answer.status_code == 302
    assert answer.url.endswith(f"?claim={claim.id}")
    assert (claim.start, claim.end, claim.quote, claim.author) == (
        first["start"],
        first["end"],
        first["quote"],
        desk.annotator,
    )
    assert first["start"] == 0 and "🌧" in claim.quote
    remaining = suggestion_forms(client.get(f"/articles/{article.id}/"))
    assert [form["quote"] for form in remaining] == [suggestion_forms_quote(TEXT, 1)]


def suggestion_forms_quote(text: str, index: int) -> str:
    return suggest(text)[index].quote


def test_a_suggestion_sent_through_the_api_makes_the_same_claim(desk):
    article = make_article(desk, text=TEXT)
    first = suggestion_forms(client_for(desk.annotator).get(f"/articles/{article.id}/"))[0]
    api = APIClient()
    api.force_authenticate(desk.reviewers[0])
    answer = api.post(
        "/api/v1/annotations/",
        {"article": article.id, "start": first["start"], "end": first["end"], "quote": first["quote"]},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["start"], answer.json()["end"]) == (first["start"], first["end"])
    # Accepting it again in the page gives back that claim, as the same words always do.
    again = client_for(desk.annotator).post(f"/articles/{article.id}/annotations/", first)
    assert again.status_code == 302
    assert Annotation.objects.filter(article=article).count() == 1


def test_a_long_suggested_sentence_asks_before_it_is_saved_like_any_long_selection(desk):
    long_sentence = "According to the ministry, " + "officials counted 3,000 homes and " * 14 + "more."
    article = make_article(desk, text=long_sentence)
    client = client_for(desk.annotator)
    [form] = suggestion_forms(client.get(f"/articles/{article.id}/"))
    asked = client.post(f"/articles/{article.id}/annotations/", form)
    assert asked.status_code == 400
    assert "Save this long highlight" in asked.content.decode()
    assert not Annotation.objects.filter(article=article).exists()
    saved = client.post(f"/articles/{article.id}/annotations/", form | {"confirm_long": "true"})
    assert saved.status_code == 302
    assert Annotation.objects.get(article=article).quote == long_sentence


def test_a_suggestion_of_an_older_revision_is_refused_with_the_reason(desk):
    article = make_article(desk, text=TEXT)
    form = suggestion_forms(client_for(desk.annotator).get(f"/articles/{article.id}/"))[0]
    answer = client_for(desk.annotator).post(
        f"/articles/{article.id}/annotations/", form | {"revision": str(article.current_revision_id + 99)}
    )
    assert answer.status_code == 400
    assert "changed since this page was opened" in answer.content.decode()


def test_every_role_sees_the_same_suggestions_and_the_shortcut_sheet_lists_their_keys(desk):
    article = make_article(desk, text=TEXT)
    pages = [
        client_for(user).get(f"/articles/{article.id}/")
        for user in [desk.annotator, *desk.reviewers, desk.editor, desk.admin]
    ]
    forms = [[(f["start"], f["end"]) for f in suggestion_forms(page)] for page in pages]
    assert all(found == forms[0] for found in forms) and forms[0]
    sheet = pages[0].content.decode()
    assert "<kbd>s</kbd> <kbd>S</kbd></dt><dd>Next or previous suggested claim" in sheet
    assert "<kbd>y</kbd></dt><dd>Highlight the current suggested claim" in sheet


def test_a_blind_reviewer_learns_nothing_from_the_suggestions(desk):
    """Verdicts, disagreements and statuses change nothing in the suggestions' markup."""
    article = make_article(desk, text=TEXT)
    claim = make_annotation(desk, article=article, quote="Residents disagree.")
    blind = client_for(desk.reviewers[1])

    def suggestions_markup():
        body = blind.get(f"/articles/{article.id}/").content.decode()
        return body[
            body.index('id="suggested-claims"') : body.index(
                "</section>", body.index('id="suggested-claims"')
            )
        ]

    before = suggestions_markup()
    submit_verdict(reviewer=desk.reviewers[0], annotation_id=claim.id, rating="true", confidence="high")
    submit_verdict(reviewer=desk.editor, annotation_id=claim.id, rating="false", confidence="high")
    after = suggestions_markup()
    # The CSRF token differs between two pages; nothing else may.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub("", before) == token.sub("", after)
    assert "disputed" not in after and "verdict" not in after


def test_an_article_whose_sentences_all_hold_claims_shows_no_suggestion_section(desk):
    article = make_article(desk, text="Officials said 3,000 homes were flooded in 2024.")
    make_annotation(desk, article=article, quote="3,000 homes")
    body = client_for(desk.annotator).get(f"/articles/{article.id}/").content.decode()
    assert 'id="suggested-claims"' not in body
    assert "Dotted underline" not in body


def test_the_reader_with_suggestions_runs_a_fixed_number_of_queries(desk, django_assert_max_num_queries):
    """Suggestions are computed from the revision and the claims the reader loads already."""
    plain = make_article(desk, text="Nothing to see. Nothing at all.")
    sentences = [f"Officials said {n * 7} people saw {n % 13 + 2} ships in {2000 + n}." for n in range(60)]
    rich = make_article(desk, text=" ".join(sentences))
    for sentence in sentences[:12]:
        make_annotation(desk, article=rich, quote=sentence)
    client = client_for(desk.annotator)
    with django_assert_max_num_queries(6) as plain_queries:
        assert not suggestion_forms(client.get(f"/articles/{plain.id}/"))
    with django_assert_max_num_queries(6) as rich_queries:
        forms = suggestion_forms(client.get(f"/articles/{rich.id}/"))
    assert len(rich_queries) == len(plain_queries)
    assert len(forms) == MAX_SUGGESTIONS
    assert not {form["quote"] for form in forms} & set(sentences[:12])

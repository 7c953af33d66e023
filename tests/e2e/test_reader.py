"""The article reader in a browser: selecting words creates the same span the API would."""

import re

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from annotations.models import Annotation
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk


def api_annotation(user, annotation_id: int) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/annotations/{annotation_id}/").json()


@pytest.mark.parametrize(
    "quote",
    [
        "😀 prices rose 12%",  # starts on the emoji: UTF-16 and code points differ from here on
        "prices rose 12% in 2024",  # after the emoji: its start is one UTF-16 unit further
        "Café owners in 서울",  # accented letter (NFC) and Hangul
        "said 😀",  # ends on the emoji
    ],
)
def test_selecting_words_over_an_emoji_creates_the_span_the_api_reports(
    page, live_server, log_in_as, select_text, screenshot, quote
):
    desk = make_desk()
    article = make_article(desk, title="Prices in Seoul", text=EMOJI_TEXT)
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/articles/{article.id}/")

    select_text(page, quote)
    start = EMOJI_TEXT.index(quote)
    expect(page.get_by_text(f"(characters {start}–{start + len(quote)})")).to_be_visible()
    page.keyboard.press("a")

    expect(page).to_have_url(re.compile(r"\?claim=\d+$"))
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end, annotation.quote) == (start, start + len(quote), quote)
    answer = api_annotation(desk.annotator, annotation.id)
    assert (answer["start"], answer["end"], answer["quote"]) == (start, start + len(quote), quote)
    assert EMOJI_TEXT[answer["start"] : answer["end"]] == answer["quote"]
    panel = page.get_by_role("region", name=f"Claim #{annotation.id}")
    expect(panel.get_by_role("heading", name=f"Claim #{annotation.id}")).to_be_visible()
    expect(panel.get_by_text(f"{start}–{start + len(quote)}", exact=True)).to_be_visible()
    if quote.startswith("😀"):
        screenshot(page, "reader-new-claim")


def test_the_page_converts_utf16_offsets_to_code_points_like_python(page, live_server, log_in_as):
    desk = make_desk()
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/projects/{desk.project.id}/")
    samples = [EMOJI_TEXT, "e\u0301 👩🏽‍🔬 x", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 한국어", "plain"]
    results = page.evaluate(
        """async (samples) => {
            const offsets = await import("/static/js/offsets.js");
            const range = (n) => Array.from({length: n}, (_, i) => i);
            return samples.map((text) => ({
                length: offsets.codePointLength(text),
                starts: range(text.length + 1).map((i) => offsets.utf16ToCodePoint(text, i, "start")),
                ends: range(text.length + 1).map((i) => offsets.utf16ToCodePoint(text, i, "end")),
                back: range(offsets.codePointLength(text) + 1).map((n) => offsets.codePointToUtf16(text, n)),
            }));
        }""",
        samples,
    )
    for text, result in zip(samples, results, strict=True):
        units = [len(ch.encode("utf-16-le")) // 2 for ch in text]
        boundaries = [sum(units[:n]) for n in range(len(text) + 1)]
        assert result["length"] == len(text)
        assert result["back"] == boundaries
        for index in range(boundaries[-1] + 1):
            inside_pair = index not in boundaries
            at_or_before = max(n for n, b in enumerate(boundaries) if b <= index)
            assert result["starts"][index] == at_or_before
            assert result["ends"][index] == at_or_before + (1 if inside_pair else 0)


def test_a_selection_across_paragraphs_keeps_the_paragraph_break(page, live_server, log_in_as, select_text):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/articles/{article.id}/")
    page.evaluate(
        """() => {
            const root = document.getElementById("article-text");
            const [first, second] = root.querySelectorAll("p");
            const range = document.createRange();
            range.setStart(first.firstChild.firstChild, first.firstChild.firstChild.data.indexOf("2024"));
            range.setEnd(second.firstChild.firstChild, "The mayor".length);
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(range);
        }"""
    )
    page.get_by_role("button", name="Annotate selection").click()
    # A selection over a paragraph break is asked about before it is saved.
    page.get_by_role("button", name="Save this long highlight").click()
    expect(page).to_have_url(re.compile(r"\?claim=\d+$"))
    quote = "2024.\n\nThe mayor"
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.quote) == (EMOJI_TEXT.index(quote), quote)


def test_annotating_without_a_selection_explains_what_to_do(page, live_server, log_in_as):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    log_in_as(desk.annotator)
    page.goto(f"{live_server.url}/articles/{article.id}/")
    page.keyboard.press("a")
    expect(page.get_by_role("alert")).to_contain_text("Select the words of a claim")
    assert not Annotation.objects.exists()


def test_highlighting_existing_words_opens_that_claim(page, live_server, log_in_as, select_text):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    claim = make_annotation(desk, article=article, quote="prices rose 12%")
    log_in_as(desk.reviewers[0])
    page.goto(f"{live_server.url}/articles/{article.id}/")
    select_text(page, "prices rose 12%")
    page.get_by_role("button", name="Annotate selection").click()
    expect(page).to_have_url(re.compile(rf"\?claim={claim.id}$"))
    assert Annotation.objects.count() == 1

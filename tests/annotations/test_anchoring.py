"""Tests for annotations.anchoring: finding annotations again in a new revision of the text.

Plain functions, no database. Hypothesis runs without its example database so nothing is written
into the repository.
"""

import dataclasses

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from annotations.anchoring import (
    FUZZY_THRESHOLD,
    LENGTH_TOLERANCE,
    Anchor,
    context_of,
    reanchor,
    reanchor_all,
)

# Derandomized: the suite gives the same verdict on every run; raise max_examples to explore.
quick = settings(max_examples=300, deadline=None, database=None, derandomize=True)

ARTICLE = (
    "North Korea escalates: officials said 1.4 million volunteers signed up.\n\n"
    "Pyongyang sent 10,000 troops to Russia and moved 10,000 artillery pieces to the border, "
    "the goverment recieved 18 deserters."
)


@dataclasses.dataclass
class Span:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def span_of(text, quote, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    end = start + len(quote)
    return Span(start, end, quote, *context_of(text, start, end))


def anchor_in(new_text, span, old_text=ARTICLE):
    return reanchor(old_text=old_text, new_text=new_text, **dataclasses.asdict(span))


def test_context_of_takes_up_to_32_code_points_each_side():
    text = "a" * 40 + "QUOTE" + "b" * 40
    assert context_of(text, 40, 45) == ("a" * 32, "b" * 32)
    assert context_of("xxQUOTEyy", 2, 7) == ("xx", "yy")
    assert context_of("xxQUOTEyy", 2, 7, width=1) == ("x", "y")


def test_context_of_counts_code_points_not_utf16_units():
    text = "😀😀😀한국어😀😀"
    assert context_of(text, 3, 6, width=2) == ("😀😀", "😀😀")


def test_context_of_clamps_offsets_outside_the_text():
    assert context_of("abc", -5, 99) == ("", "")


def test_unchanged_text_keeps_every_annotation_in_place():
    span = span_of(ARTICLE, "10,000 troops")
    assert anchor_in(ARTICLE, span) == Anchor(span.start, span.end, "same_position", 100.0)


def test_text_inserted_before_the_span_shifts_it():
    new_text = "Updated: a correction was added. " + ARTICLE
    span = span_of(ARTICLE, "1.4 million volunteers")
    anchor = anchor_in(new_text, span)
    assert anchor.method == "exact"
    assert (anchor.start, anchor.end) == (span.start + 33, span.end + 33)
    assert new_text[anchor.start : anchor.end] == span.quote


def test_text_inserted_after_the_span_leaves_it_in_place():
    new_text = ARTICLE + "\n\nA new closing paragraph."
    span = span_of(ARTICLE, "18 deserters")
    assert anchor_in(new_text, span).method == "same_position"


def test_duplicate_quote_is_told_apart_by_its_context():
    span = span_of(ARTICLE, "10,000", occurrence=1)  # the artillery, not the troops
    new_text = ARTICLE.replace("Pyongyang sent", "Pyongyang reportedly sent")
    anchor = anchor_in(new_text, span)
    assert anchor.method == "exact"
    assert new_text[anchor.end : anchor.end + 10] == " artillery"


def test_duplicate_quote_follows_its_own_sentence_when_sentences_swap():
    first = "In the first week, the ministry said that 10,000 troops moved towards the northern border."
    second = "In the second week, a defector told reporters that 10,000 troops stayed in their barracks."
    old_text = f"{first} {second}"
    new_text = f"Summary. {second} {first}"
    for occurrence, sentence in enumerate([first, second]):
        span = span_of(old_text, "10,000 troops", occurrence)
        anchor = anchor_in(new_text, span, old_text=old_text)
        assert anchor.start == new_text.index(sentence) + sentence.index("10,000 troops")


def test_duplicate_quote_with_identical_context_goes_to_the_nearest():
    sentence = "The same sentence about 10,000 troops appears twice in this article. "
    old_text = sentence * 3
    span = span_of(old_text, "10,000 troops", occurrence=2)
    new_text = "New lead. " + old_text
    anchor = anchor_in(new_text, span, old_text=old_text)
    assert anchor.start == span.start + len("New lead. ")


def test_typo_fix_in_the_quote_is_followed_fuzzily():
    span = span_of(ARTICLE, "the goverment recieved 18 deserters")
    new_text = ARTICLE.replace("goverment recieved", "government received")
    anchor = anchor_in(new_text, span)
    assert anchor.method == "fuzzy"
    assert new_text[anchor.start : anchor.end] == "the government received 18 deserters"
    assert FUZZY_THRESHOLD <= anchor.score < 100


def test_typo_fix_that_shortens_the_quote_is_followed_fuzzily():
    old_text = "Officials in Seoul said the troops had crosssed the river at dawn, witnesses added."
    span = span_of(old_text, "said the troops had crosssed the river")
    new_text = "A new first sentence. " + old_text.replace("crosssed", "crossed")
    anchor = anchor_in(new_text, span, old_text=old_text)
    assert anchor.method == "fuzzy"
    assert new_text[anchor.start : anchor.end] == "said the troops had crossed the river"


def test_long_quote_found_once_needs_no_context():
    claim = "Pyongyang sent 10,000 troops to Russia by the end of October."
    old_text = f"Background first.\n\n{claim}\n\nAnalysis last."
    new_text = f"{claim}\n\nEntirely new analysis, then the background."
    anchor = anchor_in(new_text, span_of(old_text, claim), old_text=old_text)
    assert (anchor.method, anchor.start, anchor.end) == ("exact", 0, len(claim))


def test_long_quote_moved_with_its_paragraph_and_corrected_is_followed_fuzzily():
    claim = (
        "The defence ministry said on Tuesday that roughly 10,000 soldiers had been moved by train "
        "from the eastern provinces to the border region over the past fortnight, a claim that "
        "satelite imagery reviewed by independent analysts does not yet confirm."
    )
    paragraphs = [
        "Seoul, Wednesday. Tensions rose again along the border this week.",
        "Officials in Pyongyang declined to comment on the reports when asked by reporters.",
        claim,
    ]
    old_text = "\n\n".join(paragraphs)
    corrected = claim.replace("satelite", "satellite")
    new_text = "\n\n".join([corrected, "A new paragraph of background. " * 20, *paragraphs[:2]])
    anchor = anchor_in(new_text, span_of(old_text, claim), old_text=old_text)
    assert anchor.method == "fuzzy"
    assert new_text[anchor.start : anchor.end] == corrected


def test_split_word_is_a_spelling_fix():
    old_text = "Reports say NorthKorea sent troops to the front last week."
    span = span_of(old_text, "NorthKorea sent troops")
    anchor = anchor_in(old_text.replace("NorthKorea", "North Korea"), span, old_text=old_text)
    assert (anchor.method, anchor.start, anchor.end) == ("fuzzy", span.start, span.end + 1)


def test_deleted_quote_is_orphaned():
    span = span_of(ARTICLE, "officials said 1.4 million volunteers signed up")
    new_text = ARTICLE.replace("officials said 1.4 million volunteers signed up.", "")
    assert anchor_in(new_text, span) is None


def test_quote_rewritten_in_other_words_is_orphaned():
    span = span_of(ARTICLE, "Pyongyang sent 10,000 troops to Russia")
    new_text = ARTICLE.replace(
        "Pyongyang sent 10,000 troops to Russia", "The regime dispatched soldiers abroad"
    )
    assert anchor_in(new_text, span) is None


def test_changed_number_is_orphaned_not_followed():
    span = span_of(ARTICLE, "Pyongyang sent 10,000 troops to Russia")
    new_text = ARTICLE.replace("sent 10,000 troops", "sent 12,000 troops")
    assert anchor_in(new_text, span) is None


def test_changed_number_does_not_jump_to_the_same_number_elsewhere():
    span = span_of(ARTICLE, "10,000", occurrence=0)  # the troops
    new_text = ARTICLE.replace("sent 10,000 troops", "sent 12,000 troops")
    assert anchor_in(new_text, span) is None


def test_added_negation_is_orphaned_not_followed():
    span = span_of(ARTICLE, "Pyongyang sent 10,000 troops to Russia")
    new_text = ARTICLE.replace("Pyongyang sent", "Pyongyang never sent")
    assert anchor_in(new_text, span) is None


def test_removed_word_is_orphaned_not_followed():
    span = span_of(ARTICLE, "officials said 1.4 million volunteers signed up")
    new_text = ARTICLE.replace("million volunteers", "volunteers")
    assert anchor_in(new_text, span) is None


def test_same_words_far_away_in_another_context_are_not_taken():
    old_text = "The minister said troops were sent. Later, a spokesman denied everything."
    span = span_of(old_text, "troops were sent")
    new_text = "A spokesman denied everything. Analysts doubt that troops were sent at all, or ever will be."
    assert anchor_in(new_text, span, old_text=old_text) is None


def test_quote_that_kept_a_neighbour_follows_its_paragraph():
    old_text = "First paragraph here.\n\nPyongyang sent 10,000 troops to Russia.\n\nLast paragraph."
    new_text = "Pyongyang sent 10,000 troops to Russia.\n\nFirst paragraph here, expanded.\n\nLast paragraph."
    span = span_of(old_text, "sent 10,000 troops")
    anchor = anchor_in(new_text, span, old_text=old_text)
    assert (anchor.method, anchor.start) == ("exact", new_text.index("sent 10,000 troops"))


def test_spans_over_emoji_and_hangul_count_code_points():
    old_text = "😀 한국어 기사: 북한이 군대를 보냈다 😀. 끝."
    span = span_of(old_text, "한국어 기사")
    assert (span.start, span.end) == (2, 8)
    new_text = "😀😀 " + old_text
    anchor = anchor_in(new_text, span, old_text=old_text)
    assert (anchor.start, anchor.end, anchor.method) == (5, 11, "exact")
    assert new_text[anchor.start : anchor.end] == "한국어 기사"


def test_fuzzy_span_over_hangul_counts_code_points():
    old_text = "😀 서울 발표: 북한이 군대를 러시아에 보냈다고 정부가 밝혔다. 끝."
    span = span_of(old_text, "북한이 군대를 러시아에 보냈다고")
    new_text = "😀😀 " + old_text.replace("러시아에", "러시아로")
    anchor = anchor_in(new_text, span, old_text=old_text)
    assert anchor.method == "fuzzy"
    assert new_text[anchor.start : anchor.end] == "북한이 군대를 러시아로 보냈다고"


def test_emoji_quote_is_found_after_a_shift():
    old_text = "Reactions: 😀👍🏽 and 🇰🇷 flags."
    span = span_of(old_text, "👍🏽")
    new_text = "Fresh reactions: " + old_text
    anchor = anchor_in(new_text, span, old_text=old_text)
    assert new_text[anchor.start : anchor.end] == "👍🏽"
    assert anchor.end - anchor.start == 2


def test_stored_context_stands_in_when_the_old_text_does_not_hold_the_quote():
    first = "In the first week, the ministry said that 10,000 troops moved towards the northern border."
    second = "In the second week, a defector told reporters that 10,000 troops stayed in their barracks."
    new_text = f"{first} {second}"
    span = span_of(new_text, "10,000 troops", occurrence=1)
    anchor = reanchor(old_text="an unrelated text", new_text=new_text, **dataclasses.asdict(span))
    assert (anchor.start, anchor.method) == (span.start, "same_position")
    moved = dataclasses.replace(span, start=0, end=len(span.quote))
    anchor = reanchor(old_text="an unrelated text", new_text=new_text, **dataclasses.asdict(moved))
    assert (anchor.start, anchor.method) == (span.start, "exact")


@pytest.mark.parametrize(
    ("start", "end", "quote"),
    [(0, 0, ""), (5, 5, ""), (-5, 3, "North"), (500, 520, "North Korea"), (10, 5, "Pyongyang")],
)
def test_odd_offsets_and_empty_quotes_never_raise(start, end, quote):
    anchor = reanchor(old_text=ARTICLE, new_text=ARTICLE, start=start, end=end, quote=quote)
    assert anchor is None or ARTICLE[anchor.start : anchor.end] == quote
    if not quote:
        assert anchor is None


def test_empty_new_text_orphans_everything():
    assert anchor_in("", span_of(ARTICLE, "18 deserters")) is None


def test_reanchor_all_answers_in_order_like_reanchor():
    spans = [
        span_of(ARTICLE, "Pyongyang"),
        span_of(ARTICLE, "10,000", occurrence=1),
        span_of(ARTICLE, "the goverment recieved 18 deserters"),
        span_of(ARTICLE, "volunteers signed up"),
    ]
    new_text = "Lead. " + ARTICLE.replace("goverment recieved", "government received").replace(
        " signed up", ""
    )
    expected = [anchor_in(new_text, span) for span in spans]
    assert reanchor_all(ARTICLE, new_text, spans) == expected
    assert [anchor.method if anchor else None for anchor in expected] == ["exact", "exact", "fuzzy", None]


def test_reanchor_all_on_unchanged_text_keeps_everything_in_place():
    spans = [span_of(ARTICLE, quote) for quote in ["North", "10,000 troops", "18 deserters"]]
    anchors = reanchor_all(ARTICLE, ARTICLE, spans)
    assert all(anchor.method == "same_position" for anchor in anchors)


ALPHABET = "ab .😀한국"  # few letters, so quotes repeat and contexts look alike


@st.composite
def insertion_outside_a_span(draw):
    old_text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=120))
    start = draw(st.integers(0, len(old_text) - 1))
    end = draw(st.integers(start + 1, len(old_text)))
    at = draw(st.sampled_from([*range(0, start + 1), *range(end, len(old_text) + 1)]))
    inserted = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=60))
    return old_text, start, end, at, inserted


@quick
@given(insertion_outside_a_span())
def test_text_inserted_outside_the_span_always_reanchors_to_the_quote(case):
    old_text, start, end, at, inserted = case
    new_text = old_text[:at] + inserted + old_text[at:]
    quote = old_text[start:end]
    prefix, suffix = context_of(old_text, start, end)
    anchor = reanchor(
        old_text=old_text, new_text=new_text, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix
    )
    assert anchor is not None
    assert anchor.method in ("same_position", "exact")
    assert new_text[anchor.start : anchor.end] == quote
    # Counted with overlaps: "aaa" stands twice in "aaaa", and either place is right then.
    if sum(new_text.startswith(quote, i) for i in range(len(new_text))) == 1:
        shift = len(inserted) if at <= start else 0
        assert (anchor.start, anchor.end) == (start + shift, end + shift)


@quick
@given(
    st.text(alphabet=ALPHABET, min_size=1, max_size=120),
    st.text(alphabet=ALPHABET, max_size=120),
    st.data(),
)
def test_only_a_fuzzy_anchor_differs_from_its_quote(old_text, new_text, data):
    start = data.draw(st.integers(0, len(old_text) - 1))
    end = data.draw(st.integers(start + 1, len(old_text)))
    quote = old_text[start:end]
    prefix, suffix = context_of(old_text, start, end)
    anchor = reanchor(
        old_text=old_text, new_text=new_text, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix
    )
    if anchor is None:
        return
    assert 0 <= anchor.start < anchor.end <= len(new_text)
    if anchor.method == "fuzzy":
        assert anchor.score >= FUZZY_THRESHOLD
    else:
        assert new_text[anchor.start : anchor.end] == quote
        assert anchor.score == 100.0


@quick
@given(st.text(alphabet=ALPHABET, min_size=2, max_size=200), st.data())
def test_edits_elsewhere_never_move_an_annotation_onto_other_words(old_text, data):
    start = data.draw(st.integers(0, len(old_text) - 1))
    end = data.draw(st.integers(start + 1, len(old_text)))
    cut_from = data.draw(st.integers(0, len(old_text)))
    cut_to = data.draw(st.integers(cut_from, len(old_text)))
    assume(cut_to <= start or cut_from >= end)
    replacement = data.draw(st.text(alphabet=ALPHABET, max_size=20))
    new_text = old_text[:cut_from] + replacement + old_text[cut_to:]
    quote = old_text[start:end]
    anchor = reanchor(old_text=old_text, new_text=new_text, start=start, end=end, quote=quote)
    assert anchor is not None
    assert new_text[anchor.start : anchor.end] == quote


WORDS = ["troops", "sent", "the", "border", "10,000", "million", "officials", "said", "Korea", "한국어", "😀"]


@quick
@given(
    st.lists(st.sampled_from(WORDS), min_size=5, max_size=120),
    st.data(),
)
def test_a_fuzzy_anchor_is_similar_to_its_quote_and_of_plausible_length(words, data):
    old_text = " ".join(words)
    start = data.draw(st.integers(0, len(old_text) - 1))
    end = data.draw(st.integers(start + 1, min(len(old_text), start + 200)))
    characters = list(old_text)
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(characters) - 1))
        characters[position] = data.draw(st.sampled_from("aeioux 1"))
    new_text = "".join(characters)
    quote = old_text[start:end]
    anchor = reanchor(old_text=old_text, new_text=new_text, start=start, end=end, quote=quote)
    if anchor is None:
        return
    found = new_text[anchor.start : anchor.end]
    if anchor.method == "fuzzy":
        assert anchor.score == fuzz.ratio(quote, found) >= FUZZY_THRESHOLD
        assert abs(len(found) - len(quote)) <= len(quote) * LENGTH_TOLERANCE
    else:
        assert found == quote

"""The reader's text: segments between every span boundary, in code points, escaped."""

import re

from annotations.templatetags.article_text import Segment, Span, paragraphs, render_segments, segments

TEXT = "Café owners in 서울 said 😀 prices rose 12% in 2024.\n\nThe mayor denied it."


def test_paragraphs_are_the_stretches_between_blank_lines():
    assert paragraphs("One.\nStill one.\n\nTwo.") == [(0, 15), (17, 21)]


def test_nested_and_overlapping_spans_cut_the_text_into_segments():
    outer = Span(1, 0, 20)
    inner = Span(2, 5, 10)
    overlapping = Span(3, 15, 30)
    [pieces, *_] = segments(TEXT, [outer, inner, overlapping])
    assert [(piece.start, piece.end, piece.claims) for piece in pieces] == [
        (0, 5, (1,)),
        (5, 10, (2, 1)),
        (10, 15, (1,)),
        (15, 20, (3, 1)),
        (20, 30, (3,)),
        (30, 49, ()),
    ]
    assert pieces[1].starts_claim and pieces[1].ends_claim
    assert not pieces[2].starts_claim


def test_a_span_across_a_paragraph_break_covers_both_paragraphs_but_not_the_break():
    start = TEXT.index("2024")
    end = TEXT.index("mayor") + len("mayor")
    first, second = segments(TEXT, [Span(7, start, end)])
    assert first[-1] == Segment(start, 49, (7,), starts_claim=True, ends_claim=False)
    assert second[0] == Segment(51, end, (7,), starts_claim=False, ends_claim=True)


def test_segment_offsets_count_code_points_so_an_emoji_is_one():
    quote = "😀 prices"
    start = TEXT.index(quote)
    html = render_segments(TEXT, [Span(4, start, start + len(quote))])
    mark = re.search(r'data-s="(\d+)" data-e="(\d+)" data-claims="4">([^<]*)</mark>', html)
    assert (int(mark[1]), int(mark[2]), mark[3]) == (start, start + len(quote), quote)
    assert len(quote) == 8  # code points; the same words are 9 UTF-16 units in a browser


def test_deeper_nesting_shades_deeper_and_the_most_urgent_status_underlines():
    html = render_segments(
        TEXT,
        [Span(1, 0, 30, "agreed"), Span(2, 5, 25, "disputed"), Span(3, 8, 20, "resolved")],
        current=2,
    )
    deepest = re.search(r'<mark class="([^"]*)" data-s="8" data-e="20"', html)[1].split()
    assert "d3" in deepest and "u-disputed" in deepest and "current" in deepest
    outer = re.search(r'<mark class="([^"]*)" data-s="0" data-e="5"', html)[1].split()
    assert outer == ["hl", "d1", "u-agreed", "b-start"]


def test_the_text_is_escaped():
    html = render_segments("<img src=x onerror=alert(1)> & more", [Span(1, 0, 5)])
    assert "<img" not in html
    assert "&lt;img" in html and "&amp; more" in html

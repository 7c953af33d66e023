"""The reader's text tells a screen reader where each claim starts and ends, its number and
status, and which claims it overlaps, in words that no selection offset counts."""

import re

import pytest

from annotations.templatetags.article_text import Span, render_segments
from tests.annotations.test_pages import client_for
from tests.factories import make_annotation, make_article, make_desk, make_verdict

TEXT = "Café owners in 서울 said 😀 prices rose 12% in 2024.\n\nThe mayor denied it."
SAID = re.compile(r'<span class="visually-hidden" data-said>([^<]*)</span>')


def said(html: str) -> list[str]:
    return SAID.findall(html)


def test_each_claim_is_said_to_start_and_end_with_its_number_status_and_neighbours():
    """Claim numbers follow the list; nesting and partial overlap are named both ways."""
    html = render_segments(
        TEXT,
        [
            Span(11, 0, 30, "agreed", 1, "mostly_true"),
            Span(12, 5, 25, "disputed", 2),
            Span(13, 20, 40, "needs_review", 3),
        ],
    )
    assert said(html) == [
        "[claim 1 start, agreed: Mostly true, contains claim 2, overlaps claim 3]",
        "[claim 2 start, disputed, inside claim 1, overlaps claim 3]",
        "[claim 3 start, needs review, overlaps claim 1, overlaps claim 2]",
        "[claim 2 end]",
        "[claim 1 end]",
        "[claim 3 end]",
    ]


def test_the_words_said_sit_between_segments_so_offsets_count_only_the_text():
    """Every data-s/data-e segment holds exactly the text's characters at its offsets, and the
    segments together spell the text: the hidden words are in none of them."""
    spans = [Span(1, 0, 20, number=1), Span(2, 5, 10, number=2), Span(3, 15, 60, number=3)]
    html = render_segments(TEXT, spans)
    pieces = re.findall(r'<(span|mark)[^>]* data-s="(\d+)" data-e="(\d+)"[^>]*>([^<]*)</\1>', html)
    assert pieces, html
    for _tag, start, end, words in pieces:
        assert words == TEXT[int(start) : int(end)]
    assert "".join(words for *_rest, words in pieces) == TEXT.replace("\n\n", "")
    assert not re.search(r'data-s="\d+"[^>]*>[^<]*<span class="visually-hidden"', html)


def test_a_claim_across_a_paragraph_break_starts_in_one_paragraph_and_ends_in_the_next():
    start, end = TEXT.index("2024"), TEXT.index("mayor") + len("mayor")
    first, second = render_segments(TEXT, [Span(7, start, end, number=4)]).split("</p>")[:2]
    assert said(first) == ["[claim 4 start, needs review]"]
    assert said(second) == ["[claim 4 end]"]


def test_the_words_said_are_escaped():
    html = render_segments(TEXT, [Span(1, 0, 4, status="<b>")])
    assert "[claim 1 start, &lt;b&gt;]" in html


@pytest.mark.django_db
def test_the_reader_numbers_claims_as_its_list_does_and_keeps_blind_statuses():
    """On the page, claim N is the N-th item of the claim list; a reviewer who has not judged a
    disputed claim hears "needs review", as the list shows them, while the editor hears "disputed"."""
    desk = make_desk(reviewers=3)
    article = make_article(desk, text=TEXT)
    later = make_annotation(desk, article=article, quote="The mayor denied it.")
    earlier = make_annotation(desk, article=article, quote="prices rose 12%")
    make_verdict(desk, annotation=earlier, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=earlier, reviewer=desk.reviewers[1], rating="false")
    html = client_for(desk.reviewers[2]).get(f"/articles/{article.id}/").content.decode()
    assert re.findall(r'data-claim-item="(\d+)"', html) == [str(earlier.id), str(later.id)]
    assert said(html) == [
        "[claim 1 start, needs review]",
        "[claim 1 end]",
        "[claim 2 start, needs review]",
        "[claim 2 end]",
    ]
    editor = client_for(desk.editor).get(f"/articles/{article.id}/").content.decode()
    assert said(editor)[0] == "[claim 1 start, disputed]"

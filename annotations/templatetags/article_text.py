"""The article reader's text: segments between every span boundary, each knowing its claims.

Spans may overlap and nest, so the text is cut at every claim's start and end (and at every
paragraph break). Each piece becomes one element that lists the claims covering it, innermost
first; the more claims cover a piece, the deeper its shade. ``data-s``/``data-e`` carry the
piece's code point offsets, which the page's script turns selections into.
"""

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations.models import Status

register = template.Library()

PARAGRAPH_BREAK = re.compile(r"\n{2,}")
MAX_DEPTH_CLASS = 4
# The underline of a piece covered by several claims shows the one that most needs attention.
STATUS_PRIORITY = [Status.DISPUTED, Status.NEEDS_REVIEW, Status.AGREED, Status.RESOLVED]


@dataclass(frozen=True)
class Span:
    id: int
    start: int
    end: int
    status: str = Status.NEEDS_REVIEW


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    claims: tuple[int, ...] = ()
    starts_claim: bool = False
    ends_claim: bool = False


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph: the stretches between runs of blank lines."""
    bounds, position = [], 0
    for match in PARAGRAPH_BREAK.finditer(text):
        bounds.append((position, match.start()))
        position = match.end()
    bounds.append((position, len(text)))
    return [(start, end) for start, end in bounds if start < end]


def segments(text: str, spans: Sequence[Span]) -> list[list[Segment]]:
    """The text's paragraphs, each cut into segments at every span boundary.

    A segment lists the spans covering it, shortest (innermost) first; spans reaching outside
    the text are clipped to it.
    """
    length = len(text)
    spans = [span for span in spans if span.start < span.end and span.start < length]
    cuts = {0, length}
    for span in spans:
        cuts.add(span.start)
        cuts.add(min(span.end, length))
    starts = {span.start for span in spans}
    ends = {min(span.end, length) for span in spans}
    by_start = sorted(spans, key=lambda span: span.start)
    result = []
    for paragraph_start, paragraph_end in paragraphs(text):
        points = sorted(
            {paragraph_start, paragraph_end} | {c for c in cuts if paragraph_start < c < paragraph_end}
        )
        pieces = []
        for start, end in itertools.pairwise(points):
            covering = sorted(
                covering_spans(by_start, start, end), key=lambda span: (span.end - span.start, span.id)
            )
            pieces.append(
                Segment(
                    start,
                    end,
                    tuple(span.id for span in covering),
                    starts_claim=start in starts,
                    ends_claim=end in ends,
                )
            )
        result.append(pieces)
    return result


def covering_spans(by_start: Sequence[Span], start: int, end: int) -> Iterable[Span]:
    for span in by_start:
        if span.start > start:
            break
        if span.end >= end:
            yield span


def status_class(statuses: Iterable[str]) -> str:
    present = set(statuses)
    for status in STATUS_PRIORITY:
        if status in present:
            return status
    return ""


def render_segments(
    text: str, spans: Sequence[Span], *, current: int | None = None, revision_id: int | None = None
) -> SafeString:
    status_of = {span.id: span.status for span in spans}
    html = [
        f'<div class="article-text" id="article-text" data-length="{len(text)}"'
        f' data-revision="{revision_id or ""}">'
    ]
    for pieces in segments(text, spans):
        html.append("<p>")
        for piece in pieces:
            words = escape(text[piece.start : piece.end])
            if not piece.claims:
                html.append(f'<span data-s="{piece.start}" data-e="{piece.end}">{words}</span>')
                continue
            classes = [
                "hl",
                f"d{min(len(piece.claims), MAX_DEPTH_CLASS)}",
                f"u-{status_class(status_of[claim] for claim in piece.claims)}",
            ]
            if piece.starts_claim:
                classes.append("b-start")
            if piece.ends_claim:
                classes.append("b-end")
            if current in piece.claims:
                classes.append("current")
            ids = " ".join(str(claim) for claim in piece.claims)
            html.append(
                f'<mark class="{" ".join(classes)}" data-s="{piece.start}" data-e="{piece.end}"'
                f' data-claims="{ids}">{words}</mark>'
            )
        html.append("</p>")
    html.append("</div>")
    return mark_safe("".join(html))  # every piece of text above is escaped


@register.simple_tag
def article_text(revision, claims, current=None):
    """``{% article_text revision claims current %}``: the revision's text with ``claims``
    (annotations with start, end and ``shown_status``) highlighted; ``current`` is the open claim's id."""
    spans = [Span(claim.id, claim.start, claim.end, claim.shown_status) for claim in claims]
    return render_segments(revision.text, spans, current=current, revision_id=revision.id)

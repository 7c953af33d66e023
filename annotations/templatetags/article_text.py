"""The article reader's text: segments between every span boundary, each knowing its claims.

Spans may overlap and nest, so the text is cut at every claim's start and end (and at every
paragraph break). Each piece becomes one element that lists the claims covering it, innermost
first; the more claims cover a piece, the deeper its shade. ``data-s``/``data-e`` carry the
piece's code point offsets, which the page's script turns selections into.

For assistive technology each claim's start and end are said in words, visually hidden,
between the segments ("[claim 3 start, disputed, overlaps claim 2]" … "[claim 3 end]"): never
inside one, so that a selection's offsets, read from the segments alone, do not count them.
"""

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations.models import Rating, Status

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
    # The claim's place in the reader's list of claims (1 = first); 0 for its place in ``spans``.
    number: int = 0
    final_rating: str = ""


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


def relations(spans: Sequence[Span]) -> dict[int, list[tuple[str, Span]]]:
    """For each span, the spans sharing characters with it, as ``("inside" | "contains" |
    "overlaps", other)``, in text order."""
    found = {span.id: [] for span in spans}
    by_start = sorted(spans, key=lambda span: (span.start, -span.end, span.id))
    for index, span in enumerate(by_start):
        for other in by_start[index + 1 :]:
            if other.start >= span.end:
                break
            if other.end <= span.end:
                found[span.id].append(("contains", other))
                found[other.id].append(("inside", span))
            else:
                found[span.id].append(("overlaps", other))
                found[other.id].append(("overlaps", span))
    for related in found.values():
        related.sort(key=lambda pair: (pair[1].start, pair[1].id))
    return found


def boundary_words(spans: Sequence[Span]) -> tuple[dict[int, str], dict[int, str]]:
    """What a screen reader says where each claim starts and where it ends, by span id."""
    numbers = {span.id: span.number or place for place, span in enumerate(spans, 1)}
    related = relations(spans)
    starts, ends = {}, {}
    for span in spans:
        number = numbers[span.id]
        status = Status(span.status).label.lower() if span.status in Status.values else span.status
        if span.final_rating in Rating.values:
            status = f"{status}: {Rating(span.final_rating).label}"
        words = [f"claim {number} start", status] if status else [f"claim {number} start"]
        words += [f"{relation} claim {numbers[other.id]}" for relation, other in related[span.id]]
        starts[span.id] = f"[{', '.join(words)}]"
        ends[span.id] = f"[claim {number} end]"
    return starts, ends


def hidden_words(words: Iterable[str]) -> str:
    return "".join(f'<span class="visually-hidden" data-said>{escape(said)}</span>' for said in words)


def render_segments(
    text: str, spans: Sequence[Span], *, current: int | None = None, revision_id: int | None = None
) -> SafeString:
    status_of = {span.id: span.status for span in spans}
    said_at_start, said_at_end = boundary_words(spans)
    paragraphs_of_text = segments(text, spans)
    # A claim is said to start before the first segment it covers and to end after its last, which
    # also holds for a span clipped to the text or starting in a paragraph break.
    first_piece, last_piece = {}, {}
    for piece in itertools.chain.from_iterable(paragraphs_of_text):
        for claim in piece.claims:
            first_piece.setdefault(claim, piece)
            last_piece[claim] = piece
    order = {span.id: (span.number, place) for place, span in enumerate(spans)}
    html = [
        f'<div class="article-text" id="article-text" data-length="{len(text)}"'
        f' data-revision="{revision_id or ""}">'
    ]
    for pieces in paragraphs_of_text:
        html.append("<p>")
        for piece in pieces:
            words = escape(text[piece.start : piece.end])
            in_order = sorted(piece.claims, key=order.__getitem__)
            html.append(hidden_words(said_at_start[c] for c in in_order if first_piece[c] is piece))
            closing = hidden_words(said_at_end[c] for c in reversed(in_order) if last_piece[c] is piece)
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
            html.append(closing)
        html.append("</p>")
    html.append("</div>")
    return mark_safe("".join(html))  # every piece of text above is escaped


@register.simple_tag
def article_text(revision, claims, current=None):
    """``{% article_text revision claims current %}``: the revision's text with ``claims``
    (annotations with start, end and ``shown_status``) highlighted; ``current`` is the open claim's id."""
    spans = [
        Span(claim.id, claim.start, claim.end, claim.shown_status, number, claim.final_rating or "")
        for number, claim in enumerate(claims, 1)
    ]
    return render_segments(revision.text, spans, current=current, revision_id=revision.id)

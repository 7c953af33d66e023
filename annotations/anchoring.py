"""Re-anchoring annotations when an article's text changes.

An annotation is anchored twice over, as W3C Web Annotations are: by position (``start``/``end``,
code point offsets into the canonical text, start inclusive, end exclusive) and by quote
(``quote`` with up to 32 code points of ``prefix`` and ``suffix`` context). When a new revision
replaces the text, the quote is looked for in the new text in this order:

1. ``same_position``: the new text holds the quote at the old offsets;
2. ``exact``: the quote occurs elsewhere; among several occurrences, the one whose surroundings
   best match the old context, then the one closest to where the old offsets map to;
3. ``fuzzy``: a span of the new text reads as the quote with spelling-level edits only (see
   ``fuzzy_span``);
4. none: the quote was deleted or reworded, and the annotation is orphaned.

An annotation is never moved onto other words, nor onto the same words in another place: every
span must stand in its old context (``Context.surrounds``), so that when "10,000 troops" is
corrected to "12,000 troops" an annotation of that "10,000" does not jump to the "10,000
artillery pieces" of the next sentence, nor stay at its old offsets when another "10,000" has
moved there. Only a quote of ``DISTINCTIVE_LENGTH`` or more that occurs at most once in the new
text is taken wherever it is found.

Pure functions over ``str``; no Django.
"""

import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Literal, Protocol

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

CONTEXT_WIDTH = 32
# A quote at least this long that occurs at most once in the new text needs no context: forty
# identical code points are the same claim, wherever they moved.
DISTINCTIVE_LENGTH = 40
# Minimum rapidfuzz ``fuzz.ratio`` (0-100, normalized Indel similarity) between the quote and a
# fuzzy span. 85 lets one wrong letter in every seven or so through ("recieved" → "received",
# "Pyongang" → "Pyongyang") and orphans a quote whose words were replaced.
FUZZY_THRESHOLD = 85.0
# A fuzzy span is at most this fraction longer or shorter than the quote.
LENGTH_TOLERANCE = 0.25
# Within a reworded stretch, a word counts as the same word misspelled when it is at least this
# similar to its counterpart ("teh" and "the" score 67).
WORD_THRESHOLD = 60.0
# Minimum ``Context.similarity`` for a span to stand in its old context when neither neighbour
# is intact. Unrelated stretches of English score about 35 (median) and 50 (90th percentile).
CONTEXT_THRESHOLD = 60.0
# partial_ratio_alignment compares windows as long as the quote, so a quote that gained or lost
# letters scores a little below its final ratio: candidates are gathered with this slack.
SEARCH_SLACK = 5.0
# rapidfuzz matches strings up to 64 code points with bit-parallel algorithms, in microseconds.
BIT_PARALLEL_LENGTH = 64
# A longer quote is found through exact pieces of it: PIECES pieces of PIECE_LENGTH code points,
# each followed to at most PIECE_OCCURRENCES places, and the FAR_WINDOWS places that most pieces
# point to are tried.
PIECES = 8
PIECE_LENGTH = 16
PIECE_OCCURRENCES = 8
FAR_WINDOWS = 3
# How many characters that do not improve a fuzzy span's edge are crossed looking for a better
# one (an inserted or deleted word near the edge).
EDGE_PATIENCE = 8

WORDS = re.compile(r"\w+")
DIGITS = re.compile(r"\d+")

Method = Literal["same_position", "exact", "fuzzy"]


@dataclasses.dataclass(frozen=True)
class Anchor:
    """Where an annotation's quote lies in a new text.

    ``score`` is the similarity (0-100) of ``new_text[start:end]`` to the quote: 100.0 for the
    ``same_position`` and ``exact`` methods, whose span text equals the quote, and at least
    ``FUZZY_THRESHOLD`` for ``fuzzy``, whose span text differs and must replace the stored quote.
    """

    start: int
    end: int
    method: Method
    score: float


class QuotedSpan(Protocol):
    """What re-anchoring reads from an annotation; an ``Annotation`` instance qualifies."""

    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def context_of(text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> tuple[str, str]:
    """Return the ``(prefix, suffix)`` of ``text[start:end]``: up to ``width`` code points each."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return text[max(0, start - width) : start], text[end : end + width]


def reanchor(
    *, old_text: str, new_text: str, start: int, end: int, quote: str, prefix: str = "", suffix: str = ""
) -> Anchor | None:
    """Find the annotation quoting ``quote`` at ``old_text[start:end]`` in ``new_text``.

    The context is read from ``old_text`` around the old offsets; ``prefix`` and ``suffix`` (as
    stored with the annotation, from ``context_of``) stand in only when ``old_text[start:end]``
    is not the quote. Returns ``None`` when the quote is empty or cannot be found by any method
    of the module docstring; the caller keeps the annotation as orphaned. Never raises on offsets
    outside either text. An ``exact`` or ``same_position`` anchor always satisfies
    ``new_text[anchor.start:anchor.end] == quote``.
    """
    reanchoring = Reanchoring(old_text, new_text)
    return reanchoring.anchor(start=start, end=end, quote=quote, prefix=prefix, suffix=suffix)


def reanchor_all(old_text: str, new_text: str, spans: Sequence[QuotedSpan]) -> list[Anchor | None]:
    """``reanchor`` for every span of one revision change, in order.

    Cheaper than one ``reanchor`` call per span: the alignment of the two texts and the
    occurrences of repeated quotes are computed once.
    """
    reanchoring = Reanchoring(old_text, new_text)
    return [
        reanchoring.anchor(
            start=span.start, end=span.end, quote=span.quote, prefix=span.prefix, suffix=span.suffix
        )
        for span in spans
    ]


@dataclasses.dataclass(frozen=True)
class Context:
    """The text around a quote, up to ``CONTEXT_WIDTH`` code points on each side.

    A side shorter than that reached the start or end of its text, and only matches there.
    """

    prefix: str
    suffix: str

    def intact_sides(self, text: str, start: int, end: int) -> int:
        """How many sides (0-2) of ``text[start:end]`` read exactly as this context."""
        prefix_intact = text.endswith(self.prefix, 0, start) and (
            len(self.prefix) >= CONTEXT_WIDTH or start == len(self.prefix)
        )
        suffix_intact = text.startswith(self.suffix, end) and (
            len(self.suffix) >= CONTEXT_WIDTH or end + len(self.suffix) == len(text)
        )
        return prefix_intact + suffix_intact

    def similarity(self, text: str, start: int, end: int) -> float:
        """How much the text around ``text[start:end]`` reads like this context (0-100).

        ``fuzz.ratio`` of each side, weighted by its length; an empty context scores 0.
        """
        weight = len(self.prefix) + len(self.suffix)
        if not weight:
            return 0.0
        before = text[max(0, start - len(self.prefix)) : start]
        after = text[end : end + len(self.suffix)]
        return (
            len(self.prefix) * fuzz.ratio(self.prefix, before)
            + len(self.suffix) * fuzz.ratio(self.suffix, after)
        ) / weight

    def surrounds(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` stands where the quote stood: one side intact, or both alike.

        Text inserted or deleted on one side of a quote leaves the other side intact; editing
        both sides leaves them similar (``CONTEXT_THRESHOLD``).
        """
        return (
            bool(self.intact_sides(text, start, end))
            or self.similarity(text, start, end) >= CONTEXT_THRESHOLD
        )


class Reanchoring:
    """One revision change, with what every annotation of it shares."""

    def __init__(self, old_text: str, new_text: str):
        self.old_text = old_text
        self.new_text = new_text
        self.occurrences_cache: dict[str, list[int]] = {}
        if old_text == new_text:
            self.head = self.tail = len(old_text)
        else:
            self.head = common_prefix_length(old_text, new_text)
            shorter = min(len(old_text), len(new_text))
            self.tail = common_suffix_length(old_text, new_text, limit=shorter - self.head)

    def anchor(self, *, start: int, end: int, quote: str, prefix: str, suffix: str) -> Anchor | None:
        """See ``reanchor``."""
        if not quote:
            return None
        context: Context | None
        if 0 <= start < end and self.old_text[start:end] == quote:
            context = Context(*context_of(self.old_text, start, end))
        else:
            context = Context(prefix, suffix)
        if len(quote) >= DISTINCTIVE_LENGTH and len(self.occurrences(quote)) <= 1:
            # A long quote that occurs at most once speaks for itself: it may have moved with
            # its whole paragraph, leaving no old neighbour.
            context = None
        if (
            0 <= start < end
            and self.new_text[start:end] == quote
            and (context is None or context.surrounds(self.new_text, start, end))
        ):
            return Anchor(start, end, "same_position", 100.0)
        expected = self.expected_position(start)
        occurrences = self.occurrences(quote)
        if occurrences:
            if context is None:
                return Anchor(occurrences[0], occurrences[0] + len(quote), "exact", 100.0)
            position = self.best_occurrence(occurrences, len(quote), context, expected)
            if context.surrounds(self.new_text, position, position + len(quote)):
                return Anchor(position, position + len(quote), "exact", 100.0)
        return fuzzy_span(self.new_text, quote, expected, context)

    def expected_position(self, old_offset: int) -> int:
        """Map an offset of the old text to the new one, around the stretch that changed.

        Offsets in the common head stay, offsets in the common tail move by the length
        difference, and offsets inside the changed stretch scale with it.
        """
        old_length, new_length = len(self.old_text), len(self.new_text)
        # The tail first: text inserted right at the offset moves what follows it.
        if old_offset >= old_length - self.tail:
            return old_offset + new_length - old_length
        if old_offset <= self.head:
            return old_offset
        old_changed = old_length - self.tail - self.head
        new_changed = new_length - self.tail - self.head
        return self.head + (old_offset - self.head) * new_changed // old_changed

    def occurrences(self, quote: str) -> list[int]:
        """Every start of ``quote`` in the new text, overlapping ones included."""
        if quote not in self.occurrences_cache:
            found = []
            position = self.new_text.find(quote)
            while position != -1:
                found.append(position)
                position = self.new_text.find(quote, position + 1)
            self.occurrences_cache[quote] = found
        return self.occurrences_cache[quote]

    def best_occurrence(self, occurrences: list[int], length: int, context: Context, expected: int) -> int:
        """The occurrence that stands most as the quote did.

        Most intact sides first, then the most similar context, then the nearest to ``expected``.
        Whether it stands close enough is for ``Context.surrounds`` to say.
        """
        if len(occurrences) == 1:
            return occurrences[0]
        text = self.new_text
        intact = {
            position: context.intact_sides(text, position, position + length) for position in occurrences
        }
        most_intact = max(intact.values())
        candidates = [position for position in occurrences if intact[position] == most_intact]
        if most_intact == 2:
            # Both neighbours intact leaves nothing for a fuzzy comparison to decide, which
            # matters for quotes that occur hundreds of times.
            return min(candidates, key=lambda position: abs(position - expected))
        return max(
            candidates,
            key=lambda position: (
                context.similarity(text, position, position + length),
                -abs(position - expected),
            ),
        )


def fuzzy_span(text: str, quote: str, expected: int, context: Context | None) -> Anchor | None:
    """The span of ``text`` that reads as ``quote`` with spelling-level edits, or ``None``.

    Tries the rough places of ``rough_spans`` in turn. A span qualifies only when all of these
    hold, so that an annotation is never moved onto a different claim:

    * it stands in the quote's old ``context`` (``Context.surrounds``), unless no context is
      needed (``None``);
    * ``fuzz.ratio`` with the quote is at least ``FUZZY_THRESHOLD``;
    * its length is within ``LENGTH_TOLERANCE`` of the quote's;
    * it holds the same numbers (digit runs) in the same order: "10,000 troops" never becomes
      "12,000 troops", whose verdict may differ;
    * no word was added or removed, and each reworded word is a misspelling of the one it
      replaces (``WORD_THRESHOLD``): "did not send troops" never becomes "did send troops".
    """
    tried = set()
    for rough in rough_spans(text, quote, expected):
        if rough in tried:
            continue
        tried.add(rough)
        start, end, score = best_boundaries(text, quote, *rough)
        if plausible_rewording(quote, text[start:end], score) and (
            context is None or context.surrounds(text, start, end)
        ):
            return Anchor(start, end, "fuzzy", score)
    return None


def rough_spans(text: str, quote: str, expected: int) -> Iterator[tuple[int, int]]:
    """Places of ``text`` that may hold ``quote`` reworded, as ``(start, end)``, likeliest first.

    A quote that fits rapidfuzz's bit-parallel matching (``BIT_PARALLEL_LENGTH``) is aligned with
    ``partial_ratio_alignment``, which costs microseconds: near ``expected`` first (edits are
    local, and a nearby match beats a better one across the article), then in the whole text.
    A longer quote would cost milliseconds per alignment, so its place is found by voting instead:
    each exact occurrence of one of its ``PIECES`` pieces votes for where the quote would start,
    and the ``FAR_WINDOWS`` places with the most votes are proposed.
    """
    if len(quote) <= BIT_PARALLEL_LENGTH:
        margin = 2 * len(quote) + 64
        nearby = (max(0, expected - margin), min(len(text), expected + len(quote) + margin))
        for offset, limit in (nearby, (0, len(text))):
            alignment = fuzz.partial_ratio_alignment(
                quote, text[offset:limit], score_cutoff=FUZZY_THRESHOLD - SEARCH_SLACK
            )
            if alignment is not None:
                yield offset + alignment.dest_start, offset + alignment.dest_end
        return
    votes = []
    for offset in range(0, len(quote) - PIECE_LENGTH + 1, len(quote) // PIECES):
        piece = quote[offset : offset + PIECE_LENGTH]
        position = text.find(piece)
        for _ in range(PIECE_OCCURRENCES):
            if position == -1:
                break
            votes.append(position - offset)
            position = text.find(piece, position + 1)
    # Edits between pieces shift their votes a little, so close votes count together.
    drift = round(len(quote) * LENGTH_TOLERANCE)
    groups: list[list[int]] = []
    for start in sorted(votes):
        if groups and start - groups[-1][0] <= drift:
            groups[-1].append(start)
        else:
            groups.append([start])
    groups.sort(key=lambda group: (-len(group), abs(group[0] - expected)))
    for group in groups[:FAR_WINDOWS]:
        start = max(0, group[len(group) // 2])
        yield start, min(len(text), start + len(quote))


def best_boundaries(text: str, quote: str, start: int, end: int) -> tuple[int, int, float]:
    """Move ``start``, then ``end``, to where ``text[start:end]`` is most similar to the quote.

    A rough span is as long as the quote, so a span that gained or lost letters needs its edges
    moved: each edge walks outwards and inwards while the score improves, crossing up to
    ``EDGE_PATIENCE`` characters that do not improve it, and never further than
    ``LENGTH_TOLERANCE`` allows. Among equal scores the smallest move wins.
    """
    reach = max(2, round(len(quote) * LENGTH_TOLERANCE))
    start = climb(
        lambda candidate: fuzz.ratio(quote, text[candidate:end]), start, max(0, start - reach), end - 1
    )
    end = climb(
        lambda candidate: fuzz.ratio(quote, text[start:candidate]),
        end,
        start + 1,
        min(len(text), end + reach),
    )
    return start, end, fuzz.ratio(quote, text[start:end])


def climb(score: Callable[[int], float], origin: int, low: int, high: int) -> int:
    """The position in ``[low, high]`` near ``origin`` that ``score`` rates highest (see above)."""
    best, best_score = origin, score(origin)
    for step in (-1, 1):
        position, misses = origin, 0
        while misses < EDGE_PATIENCE and low <= position + step <= high:
            position += step
            candidate_score = score(position)
            if candidate_score > best_score:
                best, best_score, misses = position, candidate_score, 0
            else:
                misses += 1
    return best


def plausible_rewording(quote: str, candidate: str, score: float) -> bool:
    """Whether ``candidate`` is ``quote`` with spelling-level edits only (see ``fuzzy_span``)."""
    if score < FUZZY_THRESHOLD:
        return False
    if abs(len(candidate) - len(quote)) > len(quote) * LENGTH_TOLERANCE:
        return False
    if DIGITS.findall(quote) != DIGITS.findall(candidate):
        return False
    quote_words, candidate_words = WORDS.findall(quote), WORDS.findall(candidate)
    for before, after in reworded_stretches(quote_words, candidate_words):
        if not before or not after:
            return False
        if fuzz.ratio("".join(before), "".join(after)) < WORD_THRESHOLD:
            return False
    return True


def reworded_stretches(before: list[str], after: list[str]) -> list[tuple[list[str], list[str]]]:
    """The runs of words that differ between two word lists, as (old words, new words) pairs.

    Adjacent edits form one run, so a word split in two ("NorthKorea" → "North Korea") is one
    reworded stretch rather than a replacement plus an added word.
    """
    stretches = []
    pending = None
    for edit in Levenshtein.opcodes(before, after):
        if edit.tag == "equal":
            if pending:
                stretches.append(pending)
            pending = None
            continue
        if pending is None:
            pending = ([], [])
        pending[0].extend(before[edit.src_start : edit.src_end])
        pending[1].extend(after[edit.dest_start : edit.dest_end])
    if pending:
        stretches.append(pending)
    return stretches


def common_prefix_length(a: str, b: str) -> int:
    """Length of the longest common prefix, by binary search over slices (compared in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def common_suffix_length(a: str, b: str, *, limit: int) -> int:
    """Length of the longest common suffix, at most ``limit``."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low

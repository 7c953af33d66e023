"""Suggested claims: the sentences of an article most likely to hold a checkable claim.

The reader underlines them lightly, so that a reviewer can highlight one as a claim with one key
instead of selecting its words. Everything here is pure: it reads the revision's canonical text
(and the spans already taken by claims) and returns code point offsets into it, Python ``str``
indices like every offset of the workbench, so ``text[start:end]`` is the suggestion's quote.

**Sentences.** A line (canonical text has no line break inside a paragraph but may hold single
``\\n`` line breaks, which end a sentence too) is cut after ``.``, ``!``, ``?`` or ``…`` (closing
quotes or brackets may follow) before white space and a word that may start a sentence: not
after a known abbreviation ("Mr.", "approx.", "Jan.") or initials ("U.S. and its allies"), and
not before a lower-case word. "1.4 million" holds no cut (no white space after the dot). Leading
and trailing white space is left out of each sentence, so its start and end sit on its first
and past its last character.

**Score.** Each sentence collects the weights of the features it shows; each feature found is
also a reason, said to the reviewer ("a figure", "an attribution"):

- *figures*: a number with what it counts or measures (a unit, a percentage, money, "million"),
  a number in words ("two to three cups", "halved"), or a bare number or year;
- *comparisons*: "more than", "at least", "approximately", superlatives ("the largest"), "since";
- *attributions*: "according to", reporting verbs ("said", "estimate", "found that"), and the
  kinds of sources fact-checkers cite (a study, a survey, officials, an agency, intelligence);
- *named sources*: runs of capitalized words inside the sentence (a name, an institution, a
  place), the first word excepted;
- against: opinion and prediction ("should", "will surely", "the best"), a question, a hedge
  ("likely", "appears to"), and very short lines (headings), which are rarely checkable as they
  stand.

A sentence scoring at least ``THRESHOLD`` is suggested, unless a claim already shares a
character with it; at most ``MAX_SUGGESTIONS`` are suggested, the highest scores, in reading
order, from the first ``SCANNED_LENGTH`` code points of the text. The weights were set by hand
on the demo desk's articles and are measured there by ``bench/suggestions.py`` (precision and
recall against the demo's own claims); see ``docs/suggested-claims.md``. The score never
depends on verdicts, so suggestions say nothing a blind reviewer may not know.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD = 3.0
MAX_SUGGESTIONS = 20
# Sentences shorter than this many words are headings or fragments more often than claims.
MIN_WORDS = 5
# Only the first this many code points of a text are scanned (a few milliseconds for 6,000): a
# book-length text would otherwise hold up its reader for a second on every view.
SCANNED_LENGTH = 100_000
# Reasons said with a suggestion, the strongest first.
SHOWN_REASONS = 3

# Words that end in a full stop without ending the sentence (compared in lower case, no dot).
# fmt: off
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "sgt", "lt", "col", "gen", "maj", "capt", "cmdr", "adm",
    "gov", "sen", "rep", "pres", "rev", "hon", "jr", "sr", "inc", "ltd", "co", "corp", "plc", "llc",
    "bros", "dept", "univ", "assn", "est", "approx", "ca", "cf", "vs", "etc", "al", "fig", "no",
    "nos", "vol", "pp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "e.g", "i.e", "a.m", "p.m",
    "u.s", "u.k", "u.n", "e.u"
})
# fmt: on
# Quotation marks and brackets that may open or close a sentence (escapes: ruff flags the
# typographic ones as look-alikes).
OPENING = "\"'\u201c\u2018(["
CLOSING = "\"'\u201d\u2019)]"

SENTENCE_END = re.compile(r"[.!?…]+[\"'\u201d\u2019)\]]*(?=\s)")
# The white space after a sentence end, and the next sentence's first letter or digit (opening
# quotes and brackets may come first).
NEXT_START = re.compile(r"\s+[^\w]*(\w)?")
WORD_BEFORE = re.compile(r"(\S+)$")
# Initials and dotted abbreviations, their last dot left out: "U.S", "J", "e.g".
INITIALS = re.compile(r"(?:\w\.)*[A-Za-z]")

NUMBER = r"\d[\d,.\u202f\u00a0']*\d|\d"
SCALE = r"(?:million|billion|trillion|thousand|hundred|bn|m|k)\b"
UNIT = (
    r"(?:%|°|(?:per\s?cent|percent|percentage points?|mm|cm|km|kg|tonnes?|tons?|miles?|metres?|meters?|"
    r"litres?|liters?|degrees?|hectares?|acres?|square|mph|km/h|years?|months?|weeks?|days?|hours?|"
    r"minutes?|people|persons|residents|citizens|soldiers|troops|volunteers|deaths?|cases|votes|"
    r"jobs|homes|students|children|members|followers|pieces|units|times)\b)"
)
CURRENCY = r"(?:[$€£¥₩₹]|R\$|US\$|USD|EUR|GBP)"

FEATURES: list[tuple[str, float, re.Pattern]] = [
    # Figures: what a fact-checker can look up or count.
    (
        "a figure",
        3.0,
        re.compile(rf"(?:{CURRENCY}\s?(?:{NUMBER}))|(?:(?:{NUMBER})\s?(?:{SCALE}|{UNIT}))", re.IGNORECASE),
    ),
    (
        "a number in words",
        2.0,
        re.compile(
            r"\b(?:(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
            r"fifty|hundred|thousand|dozens?|hundreds|thousands|millions|billions)\s+(?:to\s+\w+\s+)?"
            r"(?:\w+\s+)?(?:years?|months?|days?|cups?|times|people|percent|per cent|%)|halved|"
            r"doubled|tripled|quadrupled|a (?:third|quarter|half) of|one in (?:two|three|four|five|ten))\b",
            re.IGNORECASE,
        ),
    ),
    ("a number", 1.5, re.compile(rf"(?<![\w.]){NUMBER}(?![\w])")),
    # Comparisons and quantities.
    (
        "a comparison",
        1.5,
        re.compile(
            r"\b(?:more|fewer|less|greater|higher|lower|larger|smaller|bigger|older|younger|faster|"
            r"slower|cheaper|wetter|drier|hotter|colder)\s+than\b|\b(?:at least|at most|up to|"
            r"as many as|as much as|approximately|roughly|nearly|almost|around|about|some|over|"
            r"under)\s+(?:\d|a |one |two |three |ten |half)|\b(?:the\s+)?(?:largest|biggest|highest|"
            r"lowest|smallest|wettest|driest|hottest|coldest|deadliest|fastest|longest|worst|"
            r"most|least)\b[^.?!]{0,60}\b(?:since|in|of|ever|on record)\b|\brecords? began\b|"
            r"\bsince\s+(?:\d{4}|the\s+[A-Z]\w+|[A-Z]\w+)|\b(?:increased|decreased|rose|fell|grew|"
            r"dropped|declined|surged|doubled|halved)\b|\bcompared (?:with|to)\b",
        ),
    ),
    # Attributions: who says so, which the reviewer can check against the source.
    (
        "an attribution",
        2.0,
        re.compile(
            r"\b(?:according to|citing|quoted by|in a statement|reports? (?:indicate|say|suggest|show)|"
            r"reported|announced|confirmed|estimates?d?|told|said|says|stated|claimed|claims|"
            r"found that|showed that|shows that|concluded|revealed|published)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "a cited source",
        1.5,
        re.compile(
            r"\b(?:study|survey|poll|census|report|data|statistics|figures|research|researchers|"
            r"officials?|ministry|agency|intelligence|government|regime|authorities|police|"
            r"spokesperson|spokesman|spokeswoman|institute|university|bureau|office|council|"
            r"department|centre|center|commission|parliament|assembly|court)\b",
            re.IGNORECASE,
        ),
    ),
    # A verb of a reported event in the past or present perfect: something that happened or not.
    (
        "a reported event",
        1.0,
        re.compile(
            r"\b(?:has|have|had|was|were)\s+(?:\w+ly\s+)?(?:been\s+)?\w+(?:ed|en|wn|nt|ft|ld)\b|"
            r"\b(?:recorded|deployed|positioned|sent|fled|killed|destroyed|demolished|violated|"
            r"dropped|launched|signed|passed|spent|built|closed|opened|arrested|banned|raised|cut)\b",
            re.IGNORECASE,
        ),
    ),
    # Against: opinion, prediction, hedges and questions are not checkable as they stand.
    (
        "opinion or prediction",
        -2.5,
        re.compile(
            r"\b(?:should|must|ought to|will surely|will certainly|is sure to|will (?:never|always)|"
            r"the best|the worst|everyone|nobody|in my view|i think|we believe|clearly|obviously|"
            r"undoubtedly|must be|would be|could easily|could quickly|could be|may well|might)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "a hedge",
        -1.0,
        re.compile(
            r"\b(?:likely|unlikely|appears? to|seems? to|suggests?|perhaps|possibly|potentially|"
            r"arguably|reportedly believed)\b",
            re.IGNORECASE,
        ),
    ),
]

NAME = re.compile(
    r"(?<![\w'\u2019])[A-Z][\w\u2019'\-]*"
    r"(?:(?:\s+(?:of|the|de|do|da|du|von|van|and))?\s+[A-Z][\w\u2019'\-]*)*"
)
ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
# Capitalized words that are not names.
# fmt: off
NOT_NAMES = frozenset({
    "The", "A", "An", "In", "On", "At", "By", "For", "From", "With", "As", "Of", "And", "But", "Or",
    "If", "While", "When", "Where", "After", "Before", "Amid", "Over", "Under", "Since", "This",
    "These", "That", "Those", "It", "Its", "Their", "They", "He", "She", "We", "I", "You", "Our",
    "Moreover", "However", "Additionally", "Simultaneously", "Should", "Any", "Every", "Some",
    "Most", "Many"
})
# fmt: on

REASON_WEIGHTS = {"a named source": 1.0}


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    quote: str
    score: float
    reasons: tuple[str, ...]

    @property
    def because(self) -> str:
        """The strongest reasons as words for the reviewer: "a figure, an attribution"."""
        return ", ".join(self.reasons[:SHOWN_REASONS])


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, each ``text[start:end]``, white space trimmed."""
    found = []
    position = 0
    for line in text.split("\n"):
        line_start = position
        position += len(line) + 1
        piece_start = 0
        for match in SENTENCE_END.finditer(line):
            cut = match.end()
            if not ends_sentence(line, match.start(), cut):
                continue
            found.extend(trimmed(line, line_start, piece_start, cut))
            piece_start = cut
        found.extend(trimmed(line, line_start, piece_start, len(line)))
    return found


def ends_sentence(line: str, mark: int, cut: int) -> bool:
    """Whether the punctuation from ``mark`` to ``cut`` ends a sentence of ``line``."""
    after = NEXT_START.match(line, cut)
    if after is None:
        return False
    first = after.group(1)
    if first is not None and first.islower():
        return False
    if line[mark] != "." or line[mark:cut].startswith(".."):
        return True
    before = WORD_BEFORE.search(line[: mark + 1])
    word = before.group(1).lstrip(OPENING).rstrip(".") if before else ""
    return not (word.lower() in ABBREVIATIONS or INITIALS.fullmatch(word))


def trimmed(line: str, line_start: int, start: int, end: int) -> list[Sentence]:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    start += len(piece) - len(piece.lstrip())
    end = start + len(stripped)
    return [Sentence(line_start + start, line_start + end, stripped)]


def named_sources(sentence: str) -> list[str]:
    """Names in the sentence (runs of capitalized words and acronyms), its first word excepted."""
    names = []
    for match in NAME.finditer(sentence):
        words = match.group(0).split()
        if match.start() == len(sentence) - len(sentence.lstrip()) or words[0] in NOT_NAMES:
            words = words[1:]
        if words and not (len(words) == 1 and words[0] in NOT_NAMES):
            names.append(" ".join(words))
    names += [acronym for acronym in ACRONYM.findall(sentence) if acronym not in names]
    return names


def score(sentence: str) -> tuple[float, tuple[str, ...]]:
    """The sentence's score and the reasons behind it (the features found, strongest first)."""
    found: list[tuple[float, str]] = []
    has_figure = False
    for reason, weight, pattern in FEATURES:
        if reason == "a number" and has_figure:
            continue
        if pattern.search(sentence):
            found.append((weight, reason))
            has_figure |= reason in ("a figure", "a number in words")
    if named_sources(sentence):
        found.append((REASON_WEIGHTS["a named source"], "a named source"))
    words = len(sentence.split())
    total = sum(weight for weight, _reason in found)
    if words < MIN_WORDS:
        total -= 3.0
    if sentence.rstrip(CLOSING).endswith("?"):
        total -= 2.0
    reasons = tuple(reason for weight, reason in sorted(found, key=lambda pair: -pair[0]) if weight > 0)
    return total, reasons


def overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(span_start < end and start < span_end for span_start, span_end in spans)


def suggest(
    text: str,
    *,
    taken: Iterable[tuple[int, int]] = (),
    threshold: float = THRESHOLD,
    limit: int = MAX_SUGGESTIONS,
) -> list[Suggestion]:
    """The sentences of ``text`` worth suggesting as claims, in reading order: scoring at least
    ``threshold``, sharing no character with a ``(start, end)`` span of ``taken`` (the claims
    already highlighted), at most ``limit`` of them (the highest scores; earlier ones on a tie)."""
    taken = list(taken)
    candidates = []
    scanned = sentences(text[:SCANNED_LENGTH])
    if len(text) > SCANNED_LENGTH and scanned:
        scanned.pop()  # cut off where the scan stopped: its end is not the sentence's
    for sentence in scanned:
        if overlaps(sentence.start, sentence.end, taken):
            continue
        total, reasons = score(sentence.text)
        if total >= threshold:
            candidates.append(Suggestion(sentence.start, sentence.end, sentence.text, total, reasons))
    best = sorted(candidates, key=lambda suggestion: (-suggestion.score, suggestion.start))[:limit]
    return sorted(best, key=lambda suggestion: suggestion.start)

"""How likely two claims are the same claim, from their parts (:mod:`annotations.matching.text`),
and the reasons a fact-checker can check.

The score is a weighted sum of five signals, each between 0 and 1:

- ``words``: the share of stemmed content words the two claims have in common (cosine of the sets);
- ``trigrams``: the similarity of their trigram sets, as pg_trgm's ``similarity()`` computes it
  (it catches spelling variants and names across languages that stemming misses);
- ``numbers``: the share of quantities that agree, value and unit (see :func:`number_match`);
- ``entities``: the share of words of named entities in common;
- ``relevance``: the database's full-text rank of the candidate, relative to the best candidate
  (PostgreSQL's ``ts_rank``, SQLite's ``bm25``), which weighs rare words above common ones.

Then two penalties that a fact-checker applies without thinking: the same number counting a
different thing (``10,000 troops`` against ``10,000 artillery pieces``), and claims about numbers
whose numbers all differ (``12 percent`` against ``15 percent``), are most likely other claims.
An editor's link ("same claim as #123") outranks every score.
"""

import math
from dataclasses import dataclass, field

from annotations.matching.text import GENERIC_UNITS, UNIT_CLASS_NAMES, ClaimParts, Quantity, unit_of

WEIGHTS = {"words": 0.35, "trigrams": 0.15, "numbers": 0.3, "entities": 0.1, "relevance": 0.1}
# Factors on the score: a shared figure counting another thing, and figures that all differ.
UNIT_CONFLICT = 0.5
VALUE_CONFLICT = 0.6
# A year agreeing is weak evidence of the same claim; it counts this much of a figure.
YEAR_WEIGHT = 0.3
# Matches scoring below this are noise and are not listed.
MIN_SCORE = 0.12


@dataclass
class Match:
    """One candidate's score and its reasons: shared figures, named entities and words, as written
    in the candidate."""

    score: float
    numbers: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def set_cosine(a, b) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def jaccard(a, b) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def unit_words(parts: ClaimParts) -> set[str]:
    """Every content word of the claim as a unit (its class or stem), for units named elsewhere
    in the claim than right after the number."""
    return {unit_of(word, lambda _folded, stem=stem: stem) for stem, word in parts.words.items()}


def units_agree(
    a: Quantity, b: Quantity, a_words: set[str], b_words: set[str], *, one_language: bool = True
) -> bool:
    """Whether two equal figures count the same thing, by the heads of their phrases ("troops" of
    "10,000 North Korean troops"): they meet, or one's is named anywhere in the other claim, or
    either names none or only people. Across languages, heads are told apart only where one is of
    the known classes (troops, percent, euros…), which fold every language's word: "vols" and
    "flights" share no stem, and are no conflict."""
    if not a.head or not b.head or (a.head | b.head) & GENERIC_UNITS:
        return True
    if a.head & b.head or a.head & b_words or b.head & a_words:
        return True
    return not one_language and not (a.head & UNIT_CLASS_NAMES or b.head & UNIT_CLASS_NAMES)


def number_match(query: ClaimParts, candidate: ClaimParts) -> tuple[float, list[str], list[str], float]:
    """``(share, shared figures, conflicts, penalty factor)`` of the two claims' quantities."""
    if not query.quantities or not candidate.quantities:
        return 0.0, [], [], 1.0
    query_words, candidate_words = unit_words(query), unit_words(candidate)
    one_language = query.language == candidate.language
    agreed, conflicts, weight_agreed = [], [], 0.0
    unit_conflict = False
    for mine in query.quantities:
        same_value = [theirs for theirs in candidate.quantities if mine.same_value(theirs)]
        fitting = [
            theirs
            for theirs in same_value
            if units_agree(mine, theirs, query_words, candidate_words, one_language=one_language)
        ]
        if fitting:
            agreed.append(fitting[0].text)
            weight_agreed += YEAR_WEIGHT if mine.is_year else 1.0
        elif same_value:
            unit_conflict = True
            conflicts.append(f"{mine.text} / {same_value[0].text}")

    def weight(quantities):
        return sum(YEAR_WEIGHT if quantity.is_year else 1.0 for quantity in quantities)

    share = weight_agreed / max(weight(query.quantities), weight(candidate.quantities))
    penalty = 1.0
    if unit_conflict and not agreed:
        penalty = UNIT_CONFLICT
    figures = [quantity for quantity in query.quantities if not quantity.is_year]
    their_figures = [quantity for quantity in candidate.quantities if not quantity.is_year]
    if figures and their_figures and not any(a.same_value(b) for a in figures for b in their_figures):
        penalty = min(penalty, VALUE_CONFLICT)
    # A figure restated in the claim and its quote is one reason, not two.
    return share, list(dict.fromkeys(agreed)), list(dict.fromkeys(conflicts)), penalty


def entity_words(parts: ClaimParts) -> dict[str, str]:
    return {word: word for name in parts.entities for word in name.split()}


def score(query: ClaimParts, candidate: ClaimParts, *, relevance: float = 0.0) -> Match:
    """The likelihood that ``candidate`` states the same claim as ``query``, with its reasons;
    ``relevance`` is the database's full-text rank, relative to the best candidate (0 to 1)."""
    shared_words = query.words.keys() & candidate.words.keys()
    words = set_cosine(query.words.keys(), candidate.words.keys())
    numbers, shared_numbers, conflicts, penalty = number_match(query, candidate)
    query_entity_words, candidate_entity_words = entity_words(query), entity_words(candidate)
    entities = set_cosine(query_entity_words.keys(), candidate_entity_words.keys())
    shared_entities = [
        name for folded, name in candidate.entities.items() if set(folded.split()) & query_entity_words.keys()
    ]
    signals = {
        "words": words,
        "trigrams": jaccard(query.trigrams, candidate.trigrams),
        "numbers": numbers,
        "entities": entities,
        "relevance": max(0.0, min(1.0, relevance)),
    }
    total = sum(WEIGHTS[name] * value for name, value in signals.items()) * penalty
    entity_stems = {
        stem for stem, word in candidate.words.items() if word.casefold() in candidate_entity_words
    }
    return Match(
        score=round(total, 4),
        numbers=shared_numbers,
        entities=shared_entities,
        words=sorted(candidate.words[stem] for stem in shared_words - entity_stems),
        conflicts=conflicts,
    )

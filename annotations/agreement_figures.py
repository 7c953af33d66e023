"""What the agreement figures are: the rating scale they use and the result types of
:mod:`annotations.agreement`, which computes them.

These are kept apart from the computation so that a process can describe, serialize and build
figures without loading numpy and krippendorff (about 24 MB of memory in every server process);
:mod:`annotations.agreement` re-exports all of them.
"""

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

TRUTH_SCALE: dict[str, int] = {
    "false": 1,
    "mostly_false": 2,
    "mixed": 3,
    "mostly_true": 4,
    "true": 5,
}
"""Ordinal/interval position of each truth rating; the only ratings alpha uses at those levels."""

OFF_SCALE_RATINGS: tuple[str, ...] = ("misleading", "unverifiable", "not_checkable")
"""Known ratings outside the truth scale: categories for nominal figures, missing for ordinal/interval."""

AlphaLevel = Literal["nominal", "ordinal", "interval"]
ALPHA_LEVELS: tuple[AlphaLevel, ...] = ("nominal", "ordinal", "interval")

SpanMode = Literal["exact", "overlap"]
SPAN_MODES: tuple[SpanMode, ...] = ("exact", "overlap")

MIN_CLAIMS = 2
"""Fewest claims with two or more ratings a chance-corrected figure, or any interval, is computed on."""

CONFIDENCE = 0.95
N_RESAMPLES = 1000
BOOTSTRAP_SEED = 20110101
"""Seed of every bootstrap: fixed, so the same data always gives the same interval."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Interval:
    """A percentile bootstrap confidence interval over claims (see the module docstring).

    Either ``low <= high`` are both set, or both are ``None`` and ``reason`` says why.
    """

    low: float | None
    high: float | None
    reason: str | None = None
    confidence: float = CONFIDENCE
    n_resamples: int = N_RESAMPLES

    def __post_init__(self) -> None:
        if (self.low is None) != (self.high is None) or (self.low is None) == (self.reason is None):
            raise ValueError("An Interval has both bounds or a reason, not both and not neither.")
        if self.low is not None and not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError("Interval bounds must be finite.")
        if self.low is not None and self.low > self.high:
            raise ValueError("An Interval's low bound cannot exceed its high bound.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """One agreement figure.

    Exactly one of ``value`` and ``reason`` is set. ``n_claims`` and ``n_verdicts`` count the claims and
    verdicts the figure was computed from (for a figure that could not be computed: the ones that were
    available). ``interval`` is its bootstrap confidence interval; every verdict figure of this module
    has one (possibly ``None``-bounded with a reason), ``None`` only on figures built elsewhere.
    """

    value: float | None
    reason: str | None = None
    n_claims: int
    n_verdicts: int
    interval: Interval | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.reason is None):
            raise ValueError("A Figure has either a value or a reason, not both and not neither.")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError("A Figure value must be finite.")

    @property
    def n_pairable(self) -> int:
        """The pairable values behind the figure: the ratings of the claims holding two or more of them,
        sum of m_u over claims with m_u >= 2 (Krippendorff's n..); for a reviewer pair, two per claim
        both rated. Every figure of this module is computed from its pairable values only, so this is
        ``n_verdicts`` under the name a methods reader looks for."""
        return self.n_verdicts


@dataclass(frozen=True, slots=True, kw_only=True)
class PairAgreement:
    """Agreement between two reviewers over the claims both rated (``reviewer_a < reviewer_b``).

    ``confusion[rating_a][rating_b]`` counts the claims ``reviewer_a`` rated ``rating_a`` and
    ``reviewer_b`` rated ``rating_b``. Only nonzero cells are present (the table is sparse: a handful of
    the eight ratings co-occur for most pairs), in rating order: truth scale, off-scale, others.
    """

    reviewer_a: Hashable
    reviewer_b: Hashable
    n: int
    cohen_kappa: Figure
    percent_agreement: Figure
    confusion: dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementSummary:
    """Every verdict-agreement figure for one set of verdicts.

    ``n_claims`` counts claims with at least one verdict, ``n_verdicts`` all verdicts, ``n_reviewers``
    the reviewers with at least one verdict. ``krippendorff_alpha`` is keyed by level (``nominal``,
    ``ordinal``, ``interval``). ``pairs`` lists every reviewer pair sharing at least one claim.
    """

    n_claims: int
    n_verdicts: int
    n_reviewers: int
    percent_agreement: Figure
    fleiss_kappa: Figure
    krippendorff_alpha: dict[AlphaLevel, Figure]
    pairs: tuple[PairAgreement, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SpanFigure:
    """Span F1 ``2 * matched / (n_a + n_b)``; ``value`` is ``None`` (with ``reason``) when undefined."""

    value: float | None
    reason: str | None = None
    n_a: int
    n_b: int
    matched: int

    def __post_init__(self) -> None:
        if (self.value is None) == (self.reason is None):
            raise ValueError("A SpanFigure has either a value or a reason, not both and not neither.")


@dataclass(frozen=True, slots=True, kw_only=True)
class SpanPair:
    """Span agreement between two reviewers (``reviewer_a < reviewer_b``), in both modes."""

    reviewer_a: Hashable
    reviewer_b: Hashable
    exact: SpanFigure
    overlap: SpanFigure


@dataclass(frozen=True, slots=True, kw_only=True)
class SpanAgreement:
    """Per-pair span F1 and, per mode, the micro-average over pairs (``n_a``/``n_b``/``matched`` summed)."""

    pairs: tuple[SpanPair, ...]
    overall: dict[SpanMode, SpanFigure]

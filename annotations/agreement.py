"""Inter-rater agreement for fact-check verdicts and highlighted spans.

Pure statistics over plain data: no Django or ORM import, so the functions can be fed from a queryset,
a fixture or a CSV alike.

Input conventions
-----------------
* A verdict is a ``(claim_id, reviewer_id, rating)`` tuple. Ids are hashable; reviewer ids must be
  mutually orderable (pairs are reported as ``a < b``). A reviewer who did not rate a claim simply has
  no tuple for it: missing verdicts are normal.
* Ratings are strings. :data:`TRUTH_SCALE` maps the five truth ratings to 1..5; :data:`OFF_SCALE_RATINGS`
  (and any other string) are nominal categories only.
* When the same ``(claim_id, reviewer_id)`` occurs more than once, the last tuple wins; a rating of
  ``None`` withdraws that reviewer's verdict on that claim.
* :func:`agreement_summary_from_columns` and :func:`span_agreement_from_columns` take the same data as
  columns, one sequence per field, as a database query returns it, and give the same figures; the work
  per verdict or span is then numpy's, with no Python object or dictionary entry for each (at 100,000
  claims that work was most of the agreement's time).

Output conventions
------------------
A figure that cannot be computed is a :class:`Figure` whose ``value`` is ``None`` and whose ``reason``
says why; no function raises or returns NaN for degenerate data. Every figure carries the number of
claims and verdicts it was computed from. All returned numbers are plain Python ``int``/``float``, so
``dataclasses.asdict`` output is JSON-serialisable once the reviewer ids are.

Too few claims
--------------
A chance-corrected figure (Fleiss' and Cohen's kappa, Krippendorff's alpha) needs at least
:data:`MIN_CLAIMS` claims with two or more ratings: on a single claim its expected agreement would be
estimated from that claim alone, a number that means nothing. Below that it is ``None`` with the
reason. Percent agreement is an observed share and is given from one claim on ("1 of 1 agreed").

Confidence intervals
--------------------
Every verdict figure carries a :class:`Interval`: the 95 % percentile bootstrap interval over claims.
The claims behind the figure (its ``n_claims``) are resampled with replacement, ``n_claims`` at a time,
:data:`N_RESAMPLES` times; the figure is recomputed on each resample and the 2.5th and 97.5th
percentiles of those values are the bounds. Claims are the unit resampled because they are what was
sampled; the ratings of one claim are not independent of each other (cf. Zapf et al. 2016, "Measuring
inter-rater reliability for nominal data -- which coefficients and confidence intervals are
appropriate?", BMC Medical Research Methodology 16:93). The generator is seeded with
:data:`BOOTSTRAP_SEED`, so the same data always gives the same interval, whatever order the verdicts
come in.

The interval is ``None`` with a reason when the figure itself is ``None``, when there are fewer than
:data:`MIN_CLAIMS` claims to resample, or when the figure is undefined on any resample (for example a
resample that holds a single rating): dropping those resamples would bias the interval, and their
presence says the figure rests on very few claims with differing ratings.

A resample only changes how often each claim occurs, and claims with the same ratings (the same row
of the claims x ratings count table) contribute identically. So each distinct row is counted once,
its multiplicities across all resamples are drawn at once from the multinomial distribution that
drawing claims with replacement gives, and each figure is computed for all resamples together from
per-row sums -- for alpha from the rows' coincidence matrices weighted by the multiplicities. The cost
grows with the number of distinct rows (a few hundred at most for two to four verdicts per claim), not
with resamples x claims.

Libraries
---------
Krippendorff's alpha is computed by the ``krippendorff`` package (it handles missing values and
reproduces Krippendorff's 2011 worked example at every level, see :func:`krippendorff_alpha`). The kappas
and percent agreement are short closed formulas over count tables, computed here with numpy so that the
whole summary needs one pass over the data; the tests cross-check them against scikit-learn and
statsmodels. The bootstrap draws with numpy's ``Generator.multinomial`` and takes its percentiles with
``numpy.quantile``; alpha over a resample is the same coincidence-matrix formula the package
implements, applied to all resamples at once (``scipy.stats.bootstrap`` would recompute every figure
from resampled claim indices, resamples x claims work per figure), and the tests check it against
``krippendorff.alpha`` on each resample.
"""

import math
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import krippendorff
import numpy as np

from annotations.agreement_figures import (
    ALPHA_LEVELS,
    BOOTSTRAP_SEED,
    CONFIDENCE,
    MIN_CLAIMS,
    N_RESAMPLES,
    OFF_SCALE_RATINGS,
    SPAN_MODES,
    TRUTH_SCALE,
    AgreementSummary,
    AlphaLevel,
    Figure,
    Interval,
    PairAgreement,
    SpanAgreement,
    SpanFigure,
    SpanMode,
    SpanPair,
)

__all__ = [
    "ALPHA_LEVELS",
    "BOOTSTRAP_SEED",
    "CONFIDENCE",
    "MIN_CLAIMS",
    "N_RESAMPLES",
    "OFF_SCALE_RATINGS",
    "SPAN_MODES",
    "TRUTH_SCALE",
    "AgreementSummary",
    "AlphaLevel",
    "Figure",
    "Interval",
    "PairAgreement",
    "SpanAgreement",
    "SpanFigure",
    "SpanMode",
    "SpanPair",
    "agreement_summary",
    "agreement_summary_from_columns",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "pairwise",
    "percent_agreement",
    "span_agreement",
    "span_agreement_from_columns",
    "span_f1",
]


Verdict = tuple[Hashable, Hashable, str | None]
Span = tuple[Hashable, int, int]

# Column order of every count table: the truth scale first (so its columns are 0..4 and line up with the
# values 1..5), then the known off-scale ratings, then any other rating string, sorted.
_KNOWN_RATINGS: tuple[str, ...] = (*TRUTH_SCALE, *OFF_SCALE_RATINGS)
_SCALE_VALUES = np.array(list(TRUTH_SCALE.values()), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Verdicts:
    """Deduplicated verdicts as integer codes, sorted by (claim, reviewer)."""

    ratings: tuple[str, ...]
    reviewers: tuple[Hashable, ...]
    claim: np.ndarray
    reviewer: np.ndarray
    rating: np.ndarray
    # counts[claim, rating]: how many reviewers gave that rating to that claim.
    counts: np.ndarray
    # Bootstrap resamples drawn so far, shared by the figures over the same claims (see _resamples).
    resamples: dict[str, "_Resamples"] = field(default_factory=dict, compare=False)
    # The rows of counts with two or more ratings, as _rows selected them.
    multi_rated: dict[str, np.ndarray] = field(default_factory=dict, compare=False)


def _prepare(units: Iterable[Verdict]) -> _Verdicts:
    latest: dict[tuple[Hashable, Hashable], str] = {}
    for claim_id, reviewer_id, rating in units:
        if rating is None:
            latest.pop((claim_id, reviewer_id), None)
        elif isinstance(rating, str):
            latest[(claim_id, reviewer_id)] = rating
        else:
            raise TypeError(f"A rating must be a string or None, not {type(rating).__name__}.")

    reviewers, reviewer = _codes([reviewer_id for _, reviewer_id in latest])
    claim_code: dict[Hashable, int] = {}
    claim = np.fromiter(
        (claim_code.setdefault(claim_id, len(claim_code)) for claim_id, _ in latest), np.int64, len(latest)
    )
    return _encoded(claim, len(claim_code), reviewers, reviewer, *_rating_codes(list(latest.values())))


def _prepare_columns(claims, reviewers: Sequence[Hashable], ratings: Sequence[str]) -> _Verdicts:
    """:func:`_prepare` of verdicts given as columns, each (claim, reviewer) once; claims numbered in
    order of first appearance, as :func:`_prepare` numbers them, so that both give the same table."""
    claims = np.asarray(claims, dtype=np.int64)
    if not len(claims) == len(reviewers) == len(ratings):
        raise ValueError("The claims, reviewers and ratings columns differ in length.")
    distinct, first, inverse = np.unique(claims, return_index=True, return_inverse=True)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(distinct))
    labels, reviewer = _codes(reviewers)
    verdicts = _encoded(rank[inverse], len(distinct), labels, reviewer, *_rating_codes(ratings))
    same = (verdicts.claim[1:] == verdicts.claim[:-1]) & (verdicts.reviewer[1:] == verdicts.reviewer[:-1])
    if same.any():
        raise ValueError("A reviewer has two verdicts on one claim in the columns.")
    return verdicts


def _codes(values: Sequence[Hashable]) -> tuple[tuple[Hashable, ...], np.ndarray]:
    """The distinct values in order, and each value's position among them."""
    labels = tuple(sorted(set(values)))
    position = {label: code for code, label in enumerate(labels)}
    return labels, np.fromiter(map(position.__getitem__, values), np.int64, len(values))


def _rating_codes(values: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """The ratings' columns of the count table (the known ratings, then any other, sorted) and each
    value's column."""
    extra = sorted(set(values) - set(_KNOWN_RATINGS))
    ratings = (*_KNOWN_RATINGS, *extra)
    position = {rating: code for code, rating in enumerate(ratings)}
    return ratings, np.fromiter(map(position.__getitem__, values), np.int64, len(values))


def _sort_order(*columns: np.ndarray) -> np.ndarray:
    """The indices that sort the rows of integer ``columns`` (the first the most significant); rows
    equal in every column come in no particular order.

    The columns are packed into one integer per row where it fits in int64, since one sort of those is
    many times faster than :func:`numpy.lexsort`'s stable sort per column.
    """
    keys = np.zeros(len(columns[0]), dtype=np.int64)
    room = 1
    for column in columns:
        column = column.astype(np.int64, copy=False)
        low = int(column.min()) if len(column) else 0
        width = (int(column.max()) if len(column) else 0) - low + 1
        room *= width
        if room >= 2**63:
            return np.lexsort(columns[::-1])
        keys = keys * width + (column - low)
    return np.argsort(keys)


def _encoded(claim, n_claims, reviewers, reviewer, ratings, rating) -> _Verdicts:
    """The verdicts as codes sorted by (claim, reviewer), with their claims x ratings count table."""
    order = _sort_order(claim, reviewer)
    claim, reviewer, rating = claim[order], reviewer[order], rating[order]
    n_ratings = len(ratings)
    counts = np.bincount(claim * n_ratings + rating, minlength=n_claims * n_ratings).reshape(
        n_claims, n_ratings
    )
    return _Verdicts(ratings, reviewers, claim, reviewer, rating, counts)


# --- Figures with bootstrap intervals -------------------------------------------------------------

NO_FIGURE_NO_INTERVAL = "The figure itself could not be computed, so it has no interval."
# The messages say "two" for MIN_CLAIMS.
TOO_FEW_TO_RESAMPLE = "An interval needs at least two claims to resample."


@dataclass(frozen=True, slots=True)
class _Resamples:
    """The distinct rows of a count table (one row per claim) and how often each occurs in every
    bootstrap resample: ``weights[b, p]`` is the multiplicity of ``patterns[p]`` in resample ``b``, and
    every row of ``weights`` sums to ``n_claims``."""

    patterns: np.ndarray
    weights: np.ndarray
    n_claims: int


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``rows`` in lexicographic order, and how often each occurs.

    Sorted by the data alone, so that the resamples drawn over them do not depend on the order of the
    claims (``numpy.unique(axis=0)`` gives the same, several times slower).
    """
    width = rows.shape[1]
    if len(rows) and (base := int(rows.max()) + 1) ** width < 2**63:
        # Each row read as a number in base (largest count + 1), its first column the most significant
        # digit: the numbers sort as the rows do, so one sort of them replaces a sort per column.
        keys = rows @ base ** np.arange(width - 1, -1, -1, dtype=np.int64)
        _, first, frequencies = np.unique(keys, return_index=True, return_counts=True)
        return rows[first], frequencies
    ordered = rows[np.lexsort(rows.T[::-1])]
    starts = np.flatnonzero(np.r_[True, np.any(ordered[1:] != ordered[:-1], axis=1)])
    return ordered[starts], np.diff(np.r_[starts, len(ordered)])


def _resample(patterns: np.ndarray, frequencies: np.ndarray) -> _Resamples:
    """:data:`N_RESAMPLES` resamples, with replacement, of claims of which ``frequencies[p]`` have the
    count row ``patterns[p]``.

    Drawing ``n`` claims with replacement and counting each distinct row among them gives multinomial
    counts whose probabilities are the rows' shares, so the counts are drawn directly.
    """
    n = int(frequencies.sum())
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    # Float weights, so that the products below run as BLAS matrix products.
    weights = rng.multinomial(n, frequencies / n, size=N_RESAMPLES).astype(np.float64)
    return _Resamples(patterns, weights, n)


def _interval(distribution: np.ndarray, what: str) -> Interval:
    """The percentile interval of a bootstrap distribution, in which NaN marks an undefined resample."""
    undefined = int(np.count_nonzero(np.isnan(distribution)))
    if undefined:
        return Interval(
            low=None,
            high=None,
            reason=f"{what} is undefined on {undefined} of {len(distribution)} resamples of the claims "
            "(those holding a single rating): too few claims with differing ratings for an interval.",
        )
    low, high = np.quantile(distribution, [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2])
    return Interval(low=float(low), high=float(high))


def _missing(reason: str, *, n_claims: int, n_verdicts: int) -> Figure:
    interval = Interval(low=None, high=None, reason=NO_FIGURE_NO_INTERVAL)
    return Figure(value=None, reason=reason, n_claims=n_claims, n_verdicts=n_verdicts, interval=interval)


def _value(
    value: float,
    distribution: Callable[[], np.ndarray],
    *,
    n_claims: int,
    n_verdicts: int,
    what: str,
) -> Figure:
    """A Figure for a computed value with its interval from ``distribution()`` (the value on every
    resample, NaN where undefined); a non-finite value becomes a reason instead of NaN/inf."""
    value = float(value)
    if not math.isfinite(value):
        return _missing(f"{what} is undefined for these data.", n_claims=n_claims, n_verdicts=n_verdicts)
    if n_claims < MIN_CLAIMS:
        interval = Interval(low=None, high=None, reason=TOO_FEW_TO_RESAMPLE)
    else:
        interval = _interval(distribution(), what)
    return Figure(value=value, n_claims=n_claims, n_verdicts=n_verdicts, interval=interval)


def _too_few_claims(rows: np.ndarray, label: str) -> Figure | None:
    """The missing Figure of a chance-corrected coefficient over ``rows`` when they are too few."""
    n_claims, n_verdicts = len(rows), int(rows.sum())
    if n_claims == 0:
        return _missing(f"No claim has two or more {label}.", n_claims=0, n_verdicts=0)
    if n_claims < MIN_CLAIMS:
        return _missing(
            f"Only one claim has two or more {label}: a chance-corrected figure needs at least two, "
            "since on one claim its chance agreement would come from that claim alone.",
            n_claims=n_claims,
            n_verdicts=n_verdicts,
        )
    return None


def _rows(verdicts: _Verdicts, *, scale: bool) -> np.ndarray:
    """The count rows of the claims with two or more ratings: every rating, or truth-scale ones only;
    selected once per set of verdicts, since every figure over them asks."""
    key = "scale" if scale else "every rating"
    if key not in verdicts.multi_rated:
        counts = verdicts.counts[:, : len(TRUTH_SCALE)] if scale else verdicts.counts
        verdicts.multi_rated[key] = counts[counts.sum(axis=1) >= 2]
    return verdicts.multi_rated[key]


def _resamples(verdicts: _Verdicts, *, scale: bool) -> _Resamples:
    """The resamples of :func:`_rows`, drawn once per set of verdicts: percent agreement, Fleiss' kappa and
    nominal alpha (or ordinal and interval alpha) are figures over the same claims and share them."""
    key = "scale" if scale else "every rating"
    if key not in verdicts.resamples:
        verdicts.resamples[key] = _resample(*_distinct_rows(_rows(verdicts, scale=scale)))
    return verdicts.resamples[key]


def _pair_agreement_per_claim(counts: np.ndarray) -> np.ndarray:
    """Per row, the share of agreeing ordered rater pairs, each row with its own n_i."""
    n = counts.sum(axis=1)
    return (counts * (counts - 1)).sum(axis=1) / (n * (n - 1))


def _percent_distribution(resamples: _Resamples) -> np.ndarray:
    return resamples.weights @ _pair_agreement_per_claim(resamples.patterns) / resamples.n_claims


def _percent_agreement(verdicts: _Verdicts) -> Figure:
    rows = _rows(verdicts, scale=False)
    n_claims, n_verdicts = len(rows), int(rows.sum())
    if n_claims == 0:
        return _missing("No claim has two or more verdicts.", n_claims=0, n_verdicts=0)
    return _value(
        float(np.mean(_pair_agreement_per_claim(rows))),
        lambda: _percent_distribution(_resamples(verdicts, scale=False)),
        n_claims=n_claims,
        n_verdicts=n_verdicts,
        what="Percent agreement",
    )


def percent_agreement(units: Iterable[Verdict]) -> Figure:
    """Observed agreement over claims with two or more verdicts.

    For claim i with n_i verdicts of which n_ij are rating j, P_i = sum_j n_ij (n_ij - 1) / (n_i (n_i - 1)),
    the share of agreeing ordered pairs of its reviewers; the figure is the unweighted mean of P_i over
    claims (Fleiss 1971, "Measuring nominal scale agreement among many raters", Psychological Bulletin
    76(5), P-bar), each claim using its own n_i as Gwet (2014, Handbook of Inter-Rater Reliability, 4th
    ed.) does for missing ratings, cf. ``pa.coeff.raw`` in his irrCAC package. Ratings are compared as
    nominal categories. Given from one claim on; its interval needs :data:`MIN_CLAIMS`.
    """
    return _percent_agreement(_prepare(units))


def _fleiss_from(observed, totals):
    """Fleiss' kappa from P-bar and the rating totals (the last axis); NaN where only one rating occurs."""
    shares = totals / totals.sum(axis=-1, keepdims=True)
    chance = (shares * shares).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (observed - chance) / (1.0 - chance)
    return np.where(np.count_nonzero(totals, axis=-1) >= 2, kappa, np.nan)


def _fleiss_kappa(verdicts: _Verdicts) -> Figure:
    rows = _rows(verdicts, scale=False)
    if (missing := _too_few_claims(rows, "verdicts")) is not None:
        return missing
    n_claims, n_verdicts = len(rows), int(rows.sum())
    totals = rows.sum(axis=0)
    if np.count_nonzero(totals) < 2:
        return _missing(
            "Only one rating was given, so chance agreement is 1 and kappa is undefined.",
            n_claims=n_claims,
            n_verdicts=n_verdicts,
        )

    def distribution():
        resamples = _resamples(verdicts, scale=False)
        return _fleiss_from(_percent_distribution(resamples), resamples.weights @ resamples.patterns)

    kappa = _fleiss_from(float(np.mean(_pair_agreement_per_claim(rows))), totals)
    return _value(kappa, distribution, n_claims=n_claims, n_verdicts=n_verdicts, what="Fleiss' kappa")


def fleiss_kappa(units: Iterable[Verdict]) -> Figure:
    """Fleiss' kappa over claims with two or more verdicts, allowing unequal numbers of reviewers.

    kappa = (P-bar - P_e) / (1 - P_e), with

    * P-bar the mean over claims of P_i = sum_j n_ij (n_ij - 1) / (n_i (n_i - 1)), each claim using its own
      number of verdicts n_i -- exactly :func:`percent_agreement`, and the observed agreement of Gwet's
      generalized Fleiss' kappa for missing ratings (Gwet 2014, Handbook of Inter-Rater Reliability, 4th
      ed.; ``fleiss.kappa.raw`` in his irrCAC package);
    * P_e = sum_j p_j^2, with p_j = sum_i n_ij / sum_i n_i the share of rating j among all verdicts on
      those claims: Fleiss' (1971) p_j = sum_i n_ij / (N n) with the constant N n replaced by the actual
      number of verdicts, so every verdict weighs the same.

    When every claim has the same number of verdicts this is textbook Fleiss (1971, Psychological
    Bulletin 76(5), 378-382) and equals ``statsmodels.stats.inter_rater.fleiss_kappa``. With unequal
    counts it differs slightly from Gwet's variant, whose p_j is the mean over claims of each claim's
    share of rating j (claims, not verdicts, weigh the same) and includes single-verdict claims; here
    claims with a single verdict are left out, as they carry no agreement information. ``None`` when
    fewer than :data:`MIN_CLAIMS` claims have two verdicts or only one rating occurs.
    """
    return _fleiss_kappa(_prepare(units))


def _alpha_from_coincidences(coincidences: np.ndarray, level: AlphaLevel) -> np.ndarray:
    """Krippendorff's alpha of each ``values x values`` coincidence matrix in ``coincidences[..., :, :]``.

    alpha = 1 - D_o / D_e = 1 - (n - 1) sum_ck o_ck delta_ck / sum_ck n_c n_k delta_ck (Krippendorff 2011),
    with n_c the marginals and n their sum. The nominal metric is [c != k]; the interval metric
    (c - k)^2 over the truth-scale values 1..5; the ordinal metric (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2
    depends on each matrix's own marginals. NaN where fewer than two values occur (D_e = 0).
    """
    marginals = coincidences.sum(axis=-1)
    n = marginals.sum(axis=-1)
    size = coincidences.shape[-1]
    if level == "nominal":
        delta = 1.0 - np.eye(size)
    elif level == "interval":
        delta = np.subtract.outer(_SCALE_VALUES, _SCALE_VALUES) ** 2
    else:
        # For c <= k, sum_{g=c..k} n_g - (n_c + n_k) / 2 = N_k - N_c + (n_c - n_k) / 2 with N the
        # cumulative marginals; the same expression for c > k is its negative, so squaring covers both.
        cumulative = np.cumsum(marginals, axis=-1)
        delta = (
            cumulative[..., None, :]
            - cumulative[..., :, None]
            + (marginals[..., :, None] - marginals[..., None, :]) / 2
        ) ** 2
    observed = (coincidences * delta).sum(axis=(-2, -1))
    expected = (marginals[..., :, None] * marginals[..., None, :] * delta).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    return np.where(np.count_nonzero(marginals, axis=-1) >= 2, alpha, np.nan)


def _alpha_distribution(resamples: _Resamples, level: AlphaLevel) -> np.ndarray:
    """Alpha on every resample, from the claims' coincidence matrices weighted by their multiplicities.

    A claim with m values, n_c of them c, adds o_ck = n_c (n_k - [c = k]) / (m - 1) to the coincidence
    matrix (Krippendorff 2011), so a resample's matrix is the weighted sum of its distinct claims'
    matrices: one matrix product for all resamples.
    """
    patterns = resamples.patterns.astype(np.float64)
    n_patterns, size = patterns.shape
    per_claim = patterns[:, :, None] * (patterns[:, None, :] - np.eye(size))
    per_claim /= (patterns.sum(axis=1) - 1.0)[:, None, None]
    coincidences = (resamples.weights @ per_claim.reshape(n_patterns, size * size)).reshape(-1, size, size)
    return _alpha_from_coincidences(coincidences, level)


def _krippendorff_alpha(verdicts: _Verdicts, level: AlphaLevel) -> Figure:
    if level == "nominal":
        label = "ratings"
    elif level in ("ordinal", "interval"):
        # Off-scale ratings have no position on the truth scale: at these levels they are missing values.
        label = "truth-scale ratings"
    else:
        raise ValueError(f"level must be one of {ALPHA_LEVELS}, not {level!r}.")
    scale = level != "nominal"

    # Krippendorff's alpha only uses pairable values: units holding two or more of them.
    rows = _rows(verdicts, scale=scale)
    if (missing := _too_few_claims(rows, label)) is not None:
        return missing
    n_claims, n_verdicts = len(rows), int(rows.sum())
    used = rows.sum(axis=0) > 0
    if np.count_nonzero(used) < 2:
        return _missing(
            f"Only one of the {label} occurs, so there is no variation to measure agreement against.",
            n_claims=n_claims,
            n_verdicts=n_verdicts,
        )
    if level == "nominal":
        # Nominal distances ignore the codes' values: unused ratings can be dropped, the rest coded 0..k.
        table = rows[:, used]
        domain = np.arange(table.shape[1], dtype=np.float64)
    else:
        # The interval metric uses the values themselves and the ordinal metric their order, so every
        # column keeps its truth-scale value 1..5 (an unused column has zero marginal and adds nothing).
        table, domain = rows, _SCALE_VALUES
    value = krippendorff.alpha(value_counts=table, value_domain=domain, level_of_measurement=level)
    return _value(
        value,
        lambda: _alpha_distribution(_resamples(verdicts, scale=scale), level),
        n_claims=n_claims,
        n_verdicts=n_verdicts,
        what="Krippendorff's alpha",
    )


def krippendorff_alpha(units: Iterable[Verdict], level: AlphaLevel) -> Figure:
    """Krippendorff's alpha at ``level`` ``"nominal"``, ``"ordinal"`` or ``"interval"``.

    alpha = 1 - D_o / D_e from the coincidence matrix of pairable values (Krippendorff 2011, "Computing
    Krippendorff's Alpha-Reliability", Annenberg School for Communication Departmental Papers 43), which
    uses every claim with two or more values and needs no equal number of reviewers. Nominal uses every
    rating as a category; ordinal and interval use only :data:`TRUTH_SCALE` ratings at their values 1..5
    and treat every other rating as missing. The ordinal metric is Krippendorff's rank-based
    delta^2_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2, the interval metric (c - k)^2.

    Computed by the ``krippendorff`` package (``alpha(value_counts=...)``, the claims x ratings count
    table it documents as an alternative to the reliability matrix, and the table this module already
    holds). It reproduces Krippendorff's (2011) worked example -- 4 observers x 12 units with missing
    values -- at all three levels (nominal 0.743, ordinal 0.815, interval 0.849), and its ordinal metric is
    the one above, so no hand-written formula is needed for the value. The interval's resamples are
    computed by :func:`_alpha_distribution` (see the module docstring).

    ``None`` when fewer than :data:`MIN_CLAIMS` claims have two values at that level, or when only one
    value occurs among them (D_e = 0). Raises ``ValueError`` for an unknown level.
    """
    return _krippendorff_alpha(_prepare(units), level)


def _claim_cells(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The claims two reviewers both rated, as distinct rows and their frequencies: a claim's row is the
    flat index of its cell in their confusion table, and the table holds how many claims each has."""
    cells = np.flatnonzero(table)
    return cells[:, None], table.ravel()[cells]


def _pair_distributions(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cohen's kappa (NaN where chance agreement is 1) and percent agreement of two reviewers on every
    resample of the claims both rated, each claim being one cell of their confusion table."""
    n, size = int(table.sum()), table.shape[0]
    resamples = _resample(*_claim_cells(table))
    rows, columns = np.divmod(resamples.patterns[:, 0], size)
    categories = np.arange(size)
    agreeing = resamples.weights @ (rows == columns).astype(np.float64)
    by_row = resamples.weights @ (rows[:, None] == categories).astype(np.float64)
    by_column = resamples.weights @ (columns[:, None] == categories).astype(np.float64)
    # Integer-valued floats far below 2**53, so chance == n * n is exact.
    chance = (by_row * by_column).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (n * agreeing - chance) / (n * n - chance)
    return np.where(chance == n * n, np.nan, kappa), agreeing / n


def _pair_figures(table: np.ndarray) -> tuple[Figure, Figure]:
    """Cohen's kappa and percent agreement of two reviewers from their square confusion table.

    kappa = (p_o - p_e) / (1 - p_e) = (n * agree - chance) / (n^2 - chance), where agree is the trace and
    chance = sum_k rows_k * cols_k (Cohen 1960, "A coefficient of agreement for nominal scales",
    Educational and Psychological Measurement 20(1)), in exact integer arithmetic so that p_e = 1 is
    detected exactly. Both figures' intervals come from the same resamples of the claims both rated.
    """
    n = int(table.sum())
    shape = {"n_claims": n, "n_verdicts": 2 * n}
    agree = int(np.trace(table))
    chance = sum(int(r) * int(c) for r, c in zip(table.sum(axis=1), table.sum(axis=0), strict=True))
    distributions = _pair_distributions(table) if n >= MIN_CLAIMS else None

    if n == 0:
        percent = _missing("The two reviewers rated no claim in common.", **shape)
    else:
        percent = _value(agree / n, lambda: distributions[1], **shape, what="Percent agreement")
    if n < MIN_CLAIMS:
        kappa = _missing("Fewer than two claims were rated by both reviewers.", **shape)
    elif chance == n * n:
        kappa = _missing(
            "Both reviewers gave one and the same rating throughout, so chance agreement is 1.", **shape
        )
    else:
        kappa = _value(
            (n * agree - chance) / (n * n - chance), lambda: distributions[0], **shape, what="Cohen's kappa"
        )
    return kappa, percent


def cohen_kappa(pairs_of_ratings: Iterable[tuple[str | None, str | None]]) -> Figure:
    """Cohen's (1960) kappa for two reviewers from ``(rating_a, rating_b)`` pairs, one per claim.

    Pairs in which either rating is ``None`` are skipped (the claim was not rated by both). Ratings are
    nominal categories. ``None`` when fewer than :data:`MIN_CLAIMS` claims remain, or when the expected
    agreement is 1 (both reviewers used one and the same rating). Equals
    ``sklearn.metrics.cohen_kappa_score``.
    """
    cells = Counter((a, b) for a, b in pairs_of_ratings if a is not None and b is not None)
    labels = sorted({rating for pair in cells for rating in pair})
    index = {rating: i for i, rating in enumerate(labels)}
    table = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for (a, b), count in cells.items():
        table[index[a], index[b]] = count
    return _pair_figures(table)[0]


def _pairwise(verdicts: _Verdicts) -> tuple[PairAgreement, ...]:
    n_ratings, n_reviewers = len(verdicts.ratings), len(verdicts.reviewers)
    claim, reviewer, rating = verdicts.claim, verdicts.reviewer, verdicts.rating
    most = int(verdicts.counts.sum(axis=1).max()) if len(verdicts.counts) else 0

    # Verdicts are sorted by (claim, reviewer) with one verdict per reviewer and claim, so every pair of
    # reviewers sharing a claim sits at some distance d < (most verdicts on a claim) within that claim's
    # run, with the smaller reviewer first. One vectorised shift per d enumerates all co-ratings in
    # O(most * verdicts), however sparse the design.
    keys = []
    for d in range(1, most):
        same = claim[d:] == claim[:-d]
        pair = reviewer[:-d][same] * n_reviewers + reviewer[d:][same]
        keys.append((pair * n_ratings + rating[:-d][same]) * n_ratings + rating[d:][same])
    if not keys:
        return ()
    cells, cell_counts = np.unique(np.concatenate(keys), return_counts=True)
    pairs, cells = np.divmod(cells, n_ratings * n_ratings)
    starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]])
    ends = np.r_[starts[1:], len(pairs)]

    result = []
    for start, end in zip(starts, ends, strict=True):
        table = np.zeros(n_ratings * n_ratings, dtype=np.int64)
        table[cells[start:end]] = cell_counts[start:end]
        table = table.reshape(n_ratings, n_ratings)
        confusion: dict[str, dict[str, int]] = {}
        for a, b in zip(*np.nonzero(table), strict=True):
            confusion.setdefault(verdicts.ratings[a], {})[verdicts.ratings[b]] = int(table[a, b])
        a_code, b_code = divmod(int(pairs[start]), n_reviewers)
        kappa, percent = _pair_figures(table)
        result.append(
            PairAgreement(
                reviewer_a=verdicts.reviewers[a_code],
                reviewer_b=verdicts.reviewers[b_code],
                n=int(table.sum()),
                cohen_kappa=kappa,
                percent_agreement=percent,
                confusion=confusion,
            )
        )
    return tuple(result)


def pairwise(units: Iterable[Verdict]) -> tuple[PairAgreement, ...]:
    """Agreement of every reviewer pair ``(a, b)``, ``a < b``, that shares at least one claim.

    Sorted by ``(reviewer_a, reviewer_b)``. ``n`` counts the claims both rated; ``cohen_kappa`` is
    Cohen's (1960) kappa over them (``None`` below :data:`MIN_CLAIMS` claims or with chance agreement 1);
    ``percent_agreement`` is the share of those claims they rated alike; ``confusion`` holds the nonzero
    cells of their ``rating_a -> rating_b -> count`` table. Both figures carry intervals from resampling
    the claims both rated. Pairs sharing no claim are left out, as they have nothing to compare.
    """
    return _pairwise(_prepare(units))


def agreement_summary(units: Iterable[Verdict]) -> AgreementSummary:
    """All verdict-agreement figures for ``units`` in one pass over the data; see :class:`AgreementSummary`.

    Each figure follows its function: :func:`percent_agreement`, :func:`fleiss_kappa`,
    :func:`krippendorff_alpha` at each of :data:`ALPHA_LEVELS`, and :func:`pairwise`. The figures over
    the same claims share their bootstrap resamples, and equal the single functions' figures exactly.
    """
    return _summary(_prepare(units))


def agreement_summary_from_columns(
    claims: Sequence[int], reviewers: Sequence[Hashable], ratings: Sequence[str]
) -> AgreementSummary:
    """:func:`agreement_summary` of the verdicts ``(claims[i], reviewers[i], ratings[i])``, given as
    three columns (as a query returns them) instead of a tuple per verdict; the same figures.

    Claims are integer ids. Each ``(claim, reviewer)`` occurs once and every rating is a string, as a
    table with one verdict per reviewer and claim holds them (raises ``ValueError`` on a repeat).
    """
    return _summary(_prepare_columns(claims, reviewers, ratings))


def _summary(verdicts: _Verdicts) -> AgreementSummary:
    return AgreementSummary(
        n_claims=len(verdicts.counts),
        n_verdicts=len(verdicts.claim),
        n_reviewers=len(verdicts.reviewers),
        percent_agreement=_percent_agreement(verdicts),
        fleiss_kappa=_fleiss_kappa(verdicts),
        krippendorff_alpha={level: _krippendorff_alpha(verdicts, level) for level in ALPHA_LEVELS},
        pairs=_pairwise(verdicts),
    )


@dataclass(frozen=True, slots=True)
class _Spans:
    """One reviewer's distinct spans as columns sorted by (article, start, end), articles as integers."""

    article: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.article)

    def on(self, articles: np.ndarray) -> "_Spans":
        keep = np.isin(self.article, articles)
        return _Spans(self.article[keep], self.start[keep], self.end[keep])


def _distinct_spans(article: np.ndarray, start: np.ndarray, end: np.ndarray) -> _Spans:
    order = _sort_order(article, start, end)
    article, start, end = article[order], start[order], end[order]
    keep = np.ones(len(article), dtype=bool)
    keep[1:] = (article[1:] != article[:-1]) | (start[1:] != start[:-1]) | (end[1:] != end[:-1])
    return _Spans(article[keep], start[keep], end[keep])


def _span_columns(spans: Iterable[Span], article_code: dict[Hashable, int]) -> _Spans:
    """One reviewer's ``(article_id, start, end)`` spans, their articles numbered in ``article_code``."""
    spans = list(spans)
    for article_id, start, end in spans:
        if end < start:
            raise ValueError(f"A span ends before it starts: {(article_id, start, end)!r}.")
    size = len(spans)
    article = np.fromiter(
        (article_code.setdefault(article_id, len(article_code)) for article_id, _, _ in spans), np.int64, size
    )
    start = np.fromiter((start for _, start, _ in spans), np.int64, size)
    end = np.fromiter((end for _, _, end in spans), np.int64, size)
    return _distinct_spans(article, start, end)


def _overlap_matching(spans_a: set[tuple[int, int]], spans_b: set[tuple[int, int]]) -> int:
    """Size of a maximum one-to-one matching of overlapping spans (a.start < b.end and b.start < a.end).

    Augmenting paths found breadth-first (Kuhn's algorithm, iterative so deep chains cannot hit the
    recursion limit). A greedy pass is not used because it can miss the maximum when one span overlaps
    several others.
    """
    b_spans = sorted(spans_b)
    b_starts = [start for start, _ in b_spans]
    neighbours = [
        [j for j in range(bisect_left(b_starts, end)) if b_spans[j][1] > start]
        for start, end in sorted(spans_a)
    ]
    match_of_a = [-1] * len(neighbours)
    match_of_b = [-1] * len(b_spans)
    for root in range(len(neighbours)):
        reached_from: dict[int, int] = {}
        queue = deque([root])
        free = -1
        while queue and free < 0:
            a = queue.popleft()
            for b in neighbours[a]:
                if b in reached_from:
                    continue
                reached_from[b] = a
                if match_of_b[b] < 0:
                    free = b
                    break
                queue.append(match_of_b[b])
        b = free
        while b >= 0:
            a = reached_from[b]
            previous = match_of_a[a]
            match_of_a[a], match_of_b[b] = b, a
            b = previous
    return sum(1 for b in match_of_a if b >= 0)


def _span_figure(matched: int, n_a: int, n_b: int) -> SpanFigure:
    if n_a + n_b == 0:
        return SpanFigure(value=None, reason="Neither side marked a span.", n_a=0, n_b=0, matched=0)
    return SpanFigure(value=2 * matched / (n_a + n_b), n_a=n_a, n_b=n_b, matched=matched)


def _overlap_matched(article: np.ndarray, start: np.ndarray, end: np.ndarray, of_b: np.ndarray) -> int:
    """The size of a maximum one-to-one matching of overlapping spans between two sides, given their
    distinct spans together sorted by (article, start, end), ``of_b`` marking the second side's.

    In that order the spans fall into clusters: a span starting before the furthest end reached so
    far on its article joins the cluster of the spans before it, any other opens one. Spans of two
    clusters never overlap, so the maximum matching is the sum of the clusters'; and every span of a
    cluster of two or more overlaps another span of it. A cluster holding one span of a side and some
    of the other therefore matches exactly one pair, and one holding spans of one side only none; the
    rest (two or more spans of each side, a rarity) are matched by :func:`_overlap_matching`.
    """
    if not len(article):
        return 0
    # Each article's positions are shifted past the previous article's, so that one running maximum
    # of the ends restarts at every article (Python integers should the shifts outgrow int64).
    low, width = int(start.min()), int(end.max()) - int(start.min()) + 1
    rank = np.cumsum(np.r_[True, article[1:] != article[:-1]]) - 1
    dtype = np.int64 if (int(rank[-1]) + 1) * width < 2**62 else object
    shift = rank.astype(dtype) * width - low
    reach = np.maximum.accumulate(end + shift)
    opens = np.r_[True, (start + shift)[1:] >= reach[:-1]]
    cluster = np.cumsum(opens) - 1
    n_clusters = int(cluster[-1]) + 1
    in_b = np.bincount(cluster[of_b], minlength=n_clusters)
    fewer = np.minimum(np.bincount(cluster, minlength=n_clusters) - in_b, in_b)
    matched = int(np.count_nonzero(fewer == 1))
    bounds = np.r_[np.flatnonzero(opens), len(opens)]
    for first, last in zip(bounds[:-1][fewer >= 2].tolist(), bounds[1:][fewer >= 2].tolist(), strict=True):
        members = zip(
            start[first:last].tolist(), end[first:last].tolist(), of_b[first:last].tolist(), strict=True
        )
        sides: tuple[set, set] = (set(), set())
        for span_start, span_end, side in members:
            sides[side].add((span_start, span_end))
        matched += _overlap_matching(*sides)
    return matched


def _span_counts(a: _Spans, b: _Spans, modes: Iterable[str]) -> dict[SpanMode, tuple[int, int, int]]:
    """(matched, n_a, n_b) of two reviewers' distinct spans in each of ``modes``."""
    modes = tuple(modes)
    for mode in modes:
        if mode not in SPAN_MODES:
            raise ValueError(f"mode must be one of {SPAN_MODES}, not {mode!r}.")
    article = np.concatenate((a.article, b.article))
    start = np.concatenate((a.start, b.start))
    end = np.concatenate((a.end, b.end))
    of_b = np.r_[np.zeros(len(a), dtype=bool), np.ones(len(b), dtype=bool)]
    order = _sort_order(article, start, end, of_b)
    article, start, end, of_b = article[order], start[order], end[order], of_b[order]
    counts = {}
    if "exact" in modes:
        # Each side's spans are distinct, so a span both marked is two neighbours in this order.
        same = (article[1:] == article[:-1]) & (start[1:] == start[:-1]) & (end[1:] == end[:-1])
        counts["exact"] = (int(np.count_nonzero(same)), len(a), len(b))
    if "overlap" in modes:
        counts["overlap"] = (_overlap_matched(article, start, end, of_b), len(a), len(b))
    return counts


def span_f1(spans_a: Iterable[Span], spans_b: Iterable[Span], mode: SpanMode) -> SpanFigure:
    """F1 = 2 * matched / (len_a + len_b) between two reviewers' ``(article_id, start, end)`` spans.

    Duplicate spans count once. ``"exact"`` matches identical spans; ``"overlap"`` matches spans of the
    same article that overlap (a.start < b.end and b.start < a.end, so touching spans do not), one-to-one,
    by maximum bipartite matching. ``None`` with a reason when both sides are empty; 0.0 when only one is.
    Raises ``ValueError`` for an unknown mode or a span ending before it starts.
    """
    article_code: dict[Hashable, int] = {}
    a, b = _span_columns(spans_a, article_code), _span_columns(spans_b, article_code)
    return _span_figure(*_span_counts(a, b, (mode,))[mode])


def span_agreement(
    spans_by_reviewer: Mapping[Hashable, Iterable[Span]],
    *,
    articles_by_reviewer: Mapping[Hashable, Iterable[Hashable]] | None = None,
) -> SpanAgreement:
    """Span F1 for every reviewer pair ``a < b`` and its micro-average over pairs, in both modes.

    The overall figure per mode is 2 * sum(matched) / sum(n_a + n_b) over all pairs (its ``n_a``,
    ``n_b`` and ``matched`` are those sums); ``None`` when there are fewer than two reviewers or no span.

    A span on an article the other reviewer never annotated counts as unmatched. To compare each pair
    only on the articles both annotated, pass ``articles_by_reviewer`` (reviewer -> article ids they
    annotated, including articles where they marked nothing); a reviewer missing from it annotated none.
    """
    reviewers = sorted(spans_by_reviewer)
    article_code: dict[Hashable, int] = {}
    parsed = {reviewer: _span_columns(spans_by_reviewer[reviewer], article_code) for reviewer in reviewers}
    coverage = None
    if articles_by_reviewer is not None:
        coverage = {
            reviewer: np.array(
                sorted({article_code.setdefault(article, len(article_code)) for article in articles}),
                dtype=np.int64,
            )
            for reviewer in reviewers
            for articles in (articles_by_reviewer.get(reviewer, ()),)
        }
    return _span_agreement(reviewers, parsed, coverage)


def span_agreement_from_columns(
    reviewers: Sequence[Hashable], articles: Sequence[int], starts: Sequence[int], ends: Sequence[int]
) -> SpanAgreement:
    """:func:`span_agreement` of the spans ``(articles[i], starts[i], ends[i])`` that ``reviewers[i]``
    marked, given as columns (as a query returns them) instead of tuples, with each pair compared on
    the articles both marked a span in (``articles_by_reviewer`` holding each one's own articles).
    Articles are integer ids. Raises ``ValueError`` for a span ending before it starts."""
    labels, reviewer = _codes(reviewers)
    article = np.asarray(articles, dtype=np.int64)
    start = np.asarray(starts, dtype=np.int64)
    end = np.asarray(ends, dtype=np.int64)
    if not len(article) == len(start) == len(end) == len(reviewer):
        raise ValueError("The reviewers, articles, starts and ends columns differ in length.")
    if len(backwards := np.flatnonzero(end < start)):
        wrong = backwards[0]
        raise ValueError(
            f"A span ends before it starts: {(int(article[wrong]), int(start[wrong]), int(end[wrong]))!r}."
        )
    parsed = {}
    for code, label in enumerate(labels):
        mine = reviewer == code
        parsed[label] = _distinct_spans(article[mine], start[mine], end[mine])
    coverage = {label: np.unique(spans.article) for label, spans in parsed.items()}
    return _span_agreement(labels, parsed, coverage)


def _span_agreement(
    reviewers: Sequence[Hashable],
    parsed: Mapping[Hashable, _Spans],
    coverage: Mapping[Hashable, np.ndarray] | None,
) -> SpanAgreement:
    totals = {mode: [0, 0, 0] for mode in SPAN_MODES}
    pairs = []
    for reviewer_a, reviewer_b in combinations(reviewers, 2):
        a, b = parsed[reviewer_a], parsed[reviewer_b]
        if coverage is not None:
            shared = np.intersect1d(coverage[reviewer_a], coverage[reviewer_b])
            a, b = a.on(shared), b.on(shared)
        figures = {}
        for mode, counts in _span_counts(a, b, SPAN_MODES).items():
            figures[mode] = _span_figure(*counts)
            for i, count in enumerate(counts):
                totals[mode][i] += count
        pairs.append(SpanPair(reviewer_a=reviewer_a, reviewer_b=reviewer_b, **figures))

    overall: dict[SpanMode, SpanFigure] = {}
    for mode in SPAN_MODES:
        if not pairs:
            overall[mode] = SpanFigure(
                value=None, reason="Fewer than two reviewers to compare.", n_a=0, n_b=0, matched=0
            )
        else:
            overall[mode] = _span_figure(*totals[mode])
    return SpanAgreement(pairs=tuple(pairs), overall=overall)

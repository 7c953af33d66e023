"""Tests for annotations.agreement: published worked examples, cross-checks, edge cases, span F1.

Plain functions, no database. Hypothesis runs without its example database so nothing is written
into the repository.
"""

import dataclasses
import itertools
import math
import random
import re
import statistics
from collections import Counter

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

from annotations import models
from annotations.agreement import (
    ALPHA_LEVELS,
    CONFIDENCE,
    MIN_CLAIMS,
    N_RESAMPLES,
    OFF_SCALE_RATINGS,
    TRUTH_SCALE,
    Figure,
    Interval,
    _alpha_distribution,
    _claim_cells,
    _distinct_rows,
    _overlap_matching,
    _resample,
    _Resamples,
    agreement_summary,
    agreement_summary_from_columns,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise,
    percent_agreement,
    span_agreement,
    span_agreement_from_columns,
    span_f1,
)

RATINGS = (*TRUTH_SCALE, *OFF_SCALE_RATINGS)
SCALE_NAME = {value: name for name, value in TRUTH_SCALE.items()}

quick = settings(max_examples=60, deadline=None, database=None, derandomize=True)


def assert_missing(figure, *, contains=""):
    assert figure.value is None
    assert figure.reason
    assert contains.lower() in figure.reason.lower()


def assert_no_interval(interval, *, contains=""):
    assert (interval.low, interval.high) == (None, None)
    assert interval.reason
    assert contains.lower() in interval.reason.lower()


def assert_clean(figure):
    """A figure is either a finite float or None with a reason: never NaN. So is its interval, which is
    None-bounded whenever the figure is None."""
    interval = figure.interval
    assert interval is not None
    if figure.value is None:
        assert figure.reason
        assert_no_interval(interval)
    else:
        assert isinstance(figure.value, float)
        assert math.isfinite(figure.value)
        assert figure.reason is None
        if interval.low is None:
            assert interval.reason
        else:
            assert type(interval.low) is type(interval.high) is float
            assert interval.low <= interval.high <= 1.0 + 1e-12
            assert interval.reason is None


# --- Published worked examples -------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", worked example: 4 observers x 12 units,
# values 1..5 with missing data ('.'), mapped here onto the truth scale false..true.
KRIPPENDORFF_2011 = {
    "A": "1 2 3 3 2 1 4 1 2 . . .",
    "B": "1 2 3 3 2 2 4 1 2 5 . 3",
    "C": ". 3 3 3 2 3 4 2 2 5 1 .",
    "D": "1 2 3 3 2 4 4 1 2 5 1 .",
}


def krippendorff_2011_units():
    return [
        (unit, observer, SCALE_NAME[int(value)])
        for observer, line in KRIPPENDORFF_2011.items()
        for unit, value in enumerate(line.split(), start=1)
        if value != "."
    ]


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_krippendorff_2011_worked_example(level, expected):
    figure = krippendorff_alpha(krippendorff_2011_units(), level)

    assert figure.value == pytest.approx(expected, abs=5e-4)
    # Unit 12 holds a single value and is not pairable: 11 units, 40 pairable values (the paper's n..).
    assert (figure.n_claims, figure.n_verdicts) == (11, 40)


# Fleiss (1971) as tabulated in Wikipedia's "Fleiss' kappa" worked example: 10 subjects, 14 raters,
# counts per category 1..5; P-bar = 0.378, P_e = 0.213, kappa = 0.210.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def units_from_table(table, categories):
    """Units from a subjects x categories count table, with synthetic rater ids 0..n_i-1 per subject."""
    units = []
    for subject, row in enumerate(table):
        ratings = [category for category, count in zip(categories, row, strict=True) for _ in range(count)]
        units.extend((subject, rater, rating) for rater, rating in enumerate(ratings))
    return units


def test_fleiss_1971_worked_example():
    units = units_from_table(FLEISS_TABLE, list(TRUTH_SCALE))

    kappa = fleiss_kappa(units)
    agreement = percent_agreement(units)

    assert kappa.value == pytest.approx(0.210, abs=5e-4)
    assert agreement.value == pytest.approx(0.378, abs=5e-4)
    assert (kappa.n_claims, kappa.n_verdicts) == (10, 140)


def test_cohen_wikipedia_worked_example():
    # Wikipedia "Cohen's kappa": 50 items, Yes/Yes 20, Yes/No 5, No/Yes 10, No/No 15 -> p_o 0.7, p_e 0.5.
    cells = {("true", "true"): 20, ("true", "false"): 5, ("false", "true"): 10, ("false", "false"): 15}
    pairs = [pair for pair, count in cells.items() for _ in range(count)]

    figure = cohen_kappa(pairs)

    assert figure.value == pytest.approx(0.4)
    assert (figure.n_claims, figure.n_verdicts) == (50, 100)

    units = [unit for claim, (a, b) in enumerate(pairs) for unit in ((claim, 1, a), (claim, 2, b))]
    (pair,) = pairwise(units)
    assert (pair.reviewer_a, pair.reviewer_b, pair.n) == (1, 2, 50)
    assert pair.cohen_kappa.value == pytest.approx(0.4)
    assert pair.percent_agreement.value == pytest.approx(0.7)
    assert pair.confusion == {"true": {"true": 20, "false": 5}, "false": {"true": 10, "false": 15}}


# --- Cross-checks against independent implementations ------------------------------------------

rating = st.sampled_from(RATINGS)
few_ratings = st.lists(rating, min_size=1, max_size=4, unique=True)


@st.composite
def rating_pairs(draw):
    palette = st.sampled_from(draw(few_ratings))
    return draw(st.lists(st.tuples(palette, palette), min_size=2, max_size=40))


@st.composite
def sparse_units(draw, max_reviewers=5):
    """Units with missing verdicts: each claim rated by a random subset of reviewers."""
    palette = draw(few_ratings)
    n_reviewers = draw(st.integers(1, max_reviewers))
    n_claims = draw(st.integers(0, 25))
    units = []
    for claim in range(n_claims):
        for reviewer in range(n_reviewers):
            value = draw(st.one_of(st.none(), st.sampled_from(palette)))
            if value is not None:
                units.append((claim, reviewer, value))
    return units


def single_rating(pairs):
    return len({value for pair in pairs for value in pair}) == 1


@quick
@given(rating_pairs())
def test_cohen_matches_sklearn(pairs):
    figure = cohen_kappa(pairs)

    assert_clean(figure)
    if single_rating(pairs):
        assert_missing(figure, contains="chance agreement is 1")
    else:
        a, b = zip(*pairs, strict=True)
        assert figure.value == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


@quick
@given(sparse_units(max_reviewers=4))
def test_pairwise_matches_sklearn_on_shared_claims(units):
    by_reviewer = {}
    for claim, reviewer, value in units:
        by_reviewer.setdefault(reviewer, {})[claim] = value

    pairs = pairwise(units)

    expected_pairs = []
    for a, b in itertools.combinations(sorted(by_reviewer), 2):
        shared = sorted(by_reviewer[a].keys() & by_reviewer[b].keys())
        if shared:
            expected_pairs.append((a, b, [(by_reviewer[a][c], by_reviewer[b][c]) for c in shared]))
    assert [(p.reviewer_a, p.reviewer_b, p.n) for p in pairs] == [
        (a, b, len(shared)) for a, b, shared in expected_pairs
    ]
    for pair, (_, _, shared) in zip(pairs, expected_pairs, strict=True):
        assert_clean(pair.cohen_kappa)
        confusion = Counter({(x, y): n for x, row in pair.confusion.items() for y, n in row.items()})
        assert confusion == Counter(shared)
        assert pair.percent_agreement.value == pytest.approx(sum(x == y for x, y in shared) / len(shared))
        if len(shared) < 2:
            assert_missing(pair.cohen_kappa, contains="fewer than two")
        elif single_rating(shared):
            assert_missing(pair.cohen_kappa)
        else:
            a, b = zip(*shared, strict=True)
            assert pair.cohen_kappa.value == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


@st.composite
def complete_units(draw):
    """Every claim rated by the same number of reviewers, as textbook Fleiss requires."""
    palette = draw(few_ratings)
    n_raters = draw(st.integers(2, 6))
    n_claims = draw(st.integers(1, 25))
    grid = draw(
        st.lists(
            st.lists(st.sampled_from(palette), min_size=n_raters, max_size=n_raters),
            min_size=n_claims,
            max_size=n_claims,
        )
    )
    return [(claim, rater, value) for claim, row in enumerate(grid) for rater, value in enumerate(row)]


@quick
@given(complete_units())
def test_fleiss_matches_statsmodels_with_equal_raters(units):
    figure = fleiss_kappa(units)

    assert_clean(figure)
    categories = sorted({value for _, _, value in units})
    if len({claim for claim, _, _ in units}) < MIN_CLAIMS:
        assert_missing(figure, contains="only one claim")
        return
    if len(categories) == 1:
        assert_missing(figure, contains="only one rating")
        return
    table = np.zeros((1 + max(claim for claim, _, _ in units), len(categories)))
    for claim, _, value in units:
        table[claim, categories.index(value)] += 1
    assert figure.value == pytest.approx(statsmodels_fleiss_kappa(table), abs=1e-12)


def reference_fleiss(units):
    """Fleiss' kappa and percent agreement recomputed claim by claim, for checking the resampled
    intervals (the point figures are checked above against statsmodels and a published example)."""
    by_claim = {}
    for claim, _, value in units:
        by_claim.setdefault(claim, []).append(value)
    rated = [values for values in by_claim.values() if len(values) >= 2]
    if not rated:
        return None, None
    p_i = []
    for values in rated:
        n = len(values)
        p_i.append(sum(c * (c - 1) for c in Counter(values).values()) / (n * (n - 1)))
    everything = Counter(value for values in rated for value in values)
    total = sum(everything.values())
    chance = sum((count / total) ** 2 for count in everything.values())
    p_bar = sum(p_i) / len(p_i)
    if len(everything) < 2 or len(rated) < MIN_CLAIMS:
        return None, p_bar
    return (p_bar - chance) / (1 - chance), p_bar


@st.composite
def missing_verdicts_equal_counts(draw):
    """Claims each judged by its own subset of the reviewers, the subsets all of one size k >= 2,
    beside claims that got a single verdict: verdicts are missing, their number per claim is not."""
    palette = st.sampled_from(draw(few_ratings))
    n_reviewers = draw(st.integers(2, 6))
    k = draw(st.integers(2, n_reviewers))
    units = []
    for claim in range(draw(st.integers(1, 20))):
        reviewers = draw(st.permutations(range(n_reviewers)))[:k]
        units += [(claim, reviewer, draw(palette)) for reviewer in reviewers]
    for claim in range(100, 100 + draw(st.integers(0, 4))):
        units.append((claim, draw(st.integers(0, n_reviewers - 1)), draw(palette)))
    return units


@quick
@given(missing_verdicts_equal_counts())
def test_fleiss_with_missing_verdicts_matches_statsmodels_on_the_claims_judged_twice(units):
    """Which reviewers judged a claim does not matter, and a claim with a single verdict carries no
    agreement: the figure is statsmodels' Fleiss kappa of the claims with two or more verdicts."""
    figure = fleiss_kappa(units)

    assert_clean(figure)
    by_claim = Counter(claim for claim, _, _ in units)
    judged = sorted(claim for claim, n in by_claim.items() if n >= 2)
    categories = sorted({value for claim, _, value in units if claim in judged})
    if len(judged) < MIN_CLAIMS:
        assert_missing(figure, contains="only one claim")
        return
    if len(categories) == 1:
        assert_missing(figure, contains="only one rating")
        return
    table = np.zeros((len(judged), len(categories)))
    for claim, _, value in units:
        if claim in judged:
            table[judged.index(claim), categories.index(value)] += 1
    assert figure.value == pytest.approx(statsmodels_fleiss_kappa(table), abs=1e-12)
    assert (figure.n_claims, figure.n_verdicts) == (len(judged), int(table.sum()))


@quick
@given(sparse_units())
def test_percent_agreement_with_missing_verdicts_is_the_mean_share_of_agreeing_pairs(units):
    """Fleiss (1971) defines a claim's agreement as the share of agreeing pairs among its verdicts;
    here the pairs are enumerated, whatever number of verdicts each claim got."""
    figure = percent_agreement(units)

    assert_clean(figure)
    by_claim = {}
    for claim, _, value in units:
        by_claim.setdefault(claim, []).append(value)
    shares = [
        statistics.mean(a == b for a, b in itertools.combinations(values, 2))
        for values in by_claim.values()
        if len(values) >= 2
    ]
    if not shares:
        assert figure.value is None
    else:
        assert figure.value == pytest.approx(statistics.mean(shares), abs=1e-12)
        assert figure.n_claims == len(shares)


# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., computes Fleiss' kappa with missing
# ratings on 4 raters x 12 units (irrCAC's raw_4raters; R's cac.raw4raters), the very data of
# Krippendorff (2011) above. Its observed agreement over the 11 units rated twice or more is
# P_a = 0.81818 (irrCAC 0.4.4: pa 0.81818, pe 0.23872, kappa 0.76117). Gwet's chance agreement
# averages each unit's shares of the ratings and counts unit 12's lone rating; this implementation
# weighs every pairable verdict alike, which gives Krippendorff's (2011) published marginals of the
# coincidence matrix, n_c = 9, 13, 10, 5, 3 of n = 40 (irrCAC's Krippendorff pe: 0.24), so
# P_e = 0.24 and kappa = (0.81818 - 0.24) / 0.76. irrCAC itself cannot join the test dependencies:
# 0.4.4 pins scipy==1.12.0, which has no wheels for Python 3.13, and pandas below 3.
GWET_2014_OBSERVED_AGREEMENT = 0.81818
KRIPPENDORFF_2011_MARGINALS = (9, 13, 10, 5, 3)


def test_fleiss_with_missing_ratings_gwet_2014_worked_example():
    units = krippendorff_2011_units()
    n = sum(KRIPPENDORFF_2011_MARGINALS)
    chance = sum((count / n) ** 2 for count in KRIPPENDORFF_2011_MARGINALS)

    agreement, kappa = percent_agreement(units), fleiss_kappa(units)

    assert agreement.value == pytest.approx(GWET_2014_OBSERVED_AGREEMENT, abs=5e-6)
    assert chance == pytest.approx(0.24)
    assert kappa.value == pytest.approx((GWET_2014_OBSERVED_AGREEMENT - chance) / (1 - chance), abs=1e-5)
    assert (kappa.n_claims, kappa.n_verdicts) == (11, 40)


def reference_alpha(units, level):
    """Krippendorff (2011) by its coincidence-matrix recipe, written out with plain loops.

    Independent of the ``krippendorff`` package the production code uses.
    """
    by_claim = {}
    for claim, _, value in units:
        if level == "nominal":
            by_claim.setdefault(claim, []).append(value)
        elif value in TRUTH_SCALE:
            by_claim.setdefault(claim, []).append(TRUTH_SCALE[value])
    coincidences = Counter()
    for values in by_claim.values():
        m = len(values)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            coincidences[values[i], values[j]] += 1 / (m - 1)
    marginals = Counter()
    for (c, _), o in coincidences.items():
        marginals[c] += o
    n = sum(marginals.values())
    if len(marginals) < 2 or sum(len(values) >= 2 for values in by_claim.values()) < MIN_CLAIMS:
        return None
    ordered = sorted(marginals)

    def delta(c, k):
        if level == "nominal":
            return float(c != k)
        if level == "interval":
            return float(c - k) ** 2
        low, high = sorted((c, k))
        between = sum(marginals[g] for g in ordered if low <= g <= high)
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    observed = sum(o * delta(c, k) for (c, k), o in coincidences.items())
    expected = sum(marginals[c] * marginals[k] * delta(c, k) for c in ordered for k in ordered) / (n - 1)
    return 1 - observed / expected


@quick
@given(sparse_units(), st.sampled_from(ALPHA_LEVELS))
def test_krippendorff_alpha_matches_reference(units, level):
    figure = krippendorff_alpha(units, level)

    assert_clean(figure)
    expected = reference_alpha(units, level)
    if expected is None:
        assert figure.value is None
    else:
        assert figure.value == pytest.approx(expected, abs=1e-9)


def test_reference_alpha_reproduces_krippendorff_2011():
    units = krippendorff_2011_units()
    assert [round(reference_alpha(units, level), 3) for level in ALPHA_LEVELS] == [0.743, 0.815, 0.849]


@quick
@given(sparse_units())
def test_summary_equals_the_single_figures(units):
    summary = agreement_summary(units)

    assert summary.percent_agreement == percent_agreement(units)
    assert summary.fleiss_kappa == fleiss_kappa(units)
    assert summary.krippendorff_alpha == {level: krippendorff_alpha(units, level) for level in ALPHA_LEVELS}
    assert summary.pairs == pairwise(units)
    assert summary.n_verdicts == len(units)
    assert summary.n_claims == len({claim for claim, _, _ in units})


# --- Edge cases ----------------------------------------------------------------------------------


def test_empty_input():
    summary = agreement_summary([])

    assert (summary.n_claims, summary.n_verdicts, summary.n_reviewers, summary.pairs) == (0, 0, 0, ())
    for figure in (summary.percent_agreement, summary.fleiss_kappa, *summary.krippendorff_alpha.values()):
        assert_missing(figure, contains="no claim")
        assert (figure.n_claims, figure.n_verdicts) == (0, 0)
    assert_missing(cohen_kappa([]), contains="fewer than two")


def test_one_claim_with_one_verdict():
    summary = agreement_summary([(1, 7, "true")])

    assert (summary.n_claims, summary.n_verdicts, summary.pairs) == (1, 1, ())
    for figure in (summary.percent_agreement, summary.fleiss_kappa, *summary.krippendorff_alpha.values()):
        assert_missing(figure, contains="no claim has two")


def test_one_claim_two_agreeing_reviewers():
    summary = agreement_summary([(1, 7, "true"), (1, 8, "true")])

    assert summary.percent_agreement.value == 1.0
    assert_no_interval(summary.percent_agreement.interval, contains="at least two claims")
    assert_missing(summary.fleiss_kappa, contains="only one claim")
    for figure in summary.krippendorff_alpha.values():
        assert_missing(figure, contains="only one claim")
    (pair,) = summary.pairs
    assert pair.n == 1
    assert pair.percent_agreement.value == 1.0
    assert_missing(pair.cohen_kappa, contains="fewer than two claims")


def test_one_category_only():
    units = [(claim, reviewer, "mixed") for claim in range(20) for reviewer in range(3)]

    summary = agreement_summary(units)

    assert summary.percent_agreement.value == 1.0
    assert_missing(summary.fleiss_kappa, contains="only one rating")
    for figure in summary.krippendorff_alpha.values():
        assert_missing(figure, contains="no variation")
        assert (figure.n_claims, figure.n_verdicts) == (20, 60)
    for pair in summary.pairs:
        assert pair.n == 20
        assert_missing(pair.cohen_kappa, contains="chance agreement is 1")


def test_single_reviewer():
    summary = agreement_summary([(claim, 7, RATINGS[claim % 8]) for claim in range(30)])

    assert (summary.n_claims, summary.n_verdicts, summary.n_reviewers, summary.pairs) == (30, 30, 1, ())
    for figure in (summary.percent_agreement, summary.fleiss_kappa, *summary.krippendorff_alpha.values()):
        assert_missing(figure)


def test_reviewers_without_a_shared_claim_form_no_pair():
    units = [(1, 7, "true"), (2, 8, "false"), (3, 9, "mixed")]

    assert pairwise(units) == ()
    assert_missing(fleiss_kappa(units))


def test_off_scale_ratings_drop_out_of_ordinal_and_interval():
    units = [
        (1, "ann", "true"),
        (1, "bob", "misleading"),
        (2, "ann", "false"),
        (2, "bob", "false"),
        (3, "ann", "true"),
        (3, "bob", "true"),
        (4, "ann", "unverifiable"),
        (4, "bob", "not_checkable"),
    ]

    alpha = agreement_summary(units).krippendorff_alpha

    assert (alpha["nominal"].n_claims, alpha["nominal"].n_verdicts) == (4, 8)
    assert alpha["nominal"].value < 1
    for level in ("ordinal", "interval"):
        assert alpha[level].value == 1.0
        assert (alpha[level].n_claims, alpha[level].n_verdicts) == (2, 4)


def test_only_off_scale_ratings_leave_ordinal_and_interval_undefined():
    units = [(1, 1, "misleading"), (1, 2, "unverifiable"), (2, 1, "misleading"), (2, 2, "misleading")]

    alpha = agreement_summary(units).krippendorff_alpha

    assert alpha["nominal"].value is not None
    assert_missing(alpha["ordinal"], contains="truth-scale")
    assert_missing(alpha["interval"], contains="truth-scale")


def test_last_verdict_wins_and_none_withdraws():
    units = [(1, 1, "true"), (1, 2, "false"), (1, 2, "true"), (2, 1, "mixed"), (2, 2, "mixed"), (2, 2, None)]

    summary = agreement_summary(units)

    assert (summary.n_claims, summary.n_verdicts) == (2, 3)
    assert summary.percent_agreement.value == 1.0


def test_unknown_level_is_a_programming_error():
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha([], "ratio")


def test_figure_holds_a_value_or_a_reason():
    with pytest.raises(ValueError):
        Figure(value=None, n_claims=0, n_verdicts=0)
    with pytest.raises(ValueError):
        Figure(value=0.5, reason="both", n_claims=0, n_verdicts=0)
    with pytest.raises(ValueError):
        Figure(value=float("nan"), n_claims=0, n_verdicts=0)


def test_summary_is_plain_data():
    summary = agreement_summary(krippendorff_2011_units())

    data = dataclasses.asdict(summary)

    assert data["krippendorff_alpha"]["ordinal"]["n_verdicts"] == 40
    assert all(type(pair["cohen_kappa"]["value"]) is float for pair in data["pairs"])


# --- Confidence intervals ------------------------------------------------------------------------


def desk_like_units(*, claims: int, seed: int = 3):
    """Verdicts shaped like a desk's: four reviewers, each claim judged by two or three of them, three
    in four verdicts on the claim's most likely rating and the rest anywhere on the scale."""
    rng = random.Random(seed)
    units = []
    for claim in range(claims):
        base = rng.choice(RATINGS[:7])
        for reviewer in rng.sample(["ana", "ben", "cy", "dee"], rng.choice((2, 2, 3))):
            units.append((claim, reviewer, base if rng.random() < 0.75 else rng.choice(RATINGS)))
    return units


def every_figure(summary):
    yield "percent agreement", summary.percent_agreement
    yield "Fleiss' kappa", summary.fleiss_kappa
    for level, figure in summary.krippendorff_alpha.items():
        yield f"alpha {level}", figure
    for pair in summary.pairs:
        yield f"Cohen's kappa {pair.reviewer_a}-{pair.reviewer_b}", pair.cohen_kappa
        yield f"percent agreement {pair.reviewer_a}-{pair.reviewer_b}", pair.percent_agreement


def test_every_figure_on_real_shaped_data_has_a_95_percent_interval_around_it():
    """On 400 claims every figure, pairs included, has a proper interval that holds the figure."""
    summary = agreement_summary(desk_like_units(claims=400))

    assert len(summary.pairs) == 6
    for name, figure in every_figure(summary):
        interval = figure.interval
        assert interval.reason is None, name
        assert (interval.confidence, interval.n_resamples) == (CONFIDENCE, N_RESAMPLES) == (0.95, 1000)
        assert interval.low < figure.value < interval.high, name
        assert interval.high - interval.low < 0.3, name


def test_intervals_are_seeded_so_the_same_data_gives_the_same_interval_in_any_order():
    """The same verdicts give the same intervals on every call, shuffled and under other claim ids too."""
    units = desk_like_units(claims=200)
    shuffled = [(f"claim-{claim}", reviewer, rating) for claim, reviewer, rating in units]
    random.Random(1).shuffle(shuffled)

    first, again, reordered = (agreement_summary(data) for data in (units, units, shuffled))

    assert first == again
    for (name, figure), (_, other) in zip(every_figure(first), every_figure(reordered), strict=True):
        assert figure.interval == other.interval, name
        assert figure.value == pytest.approx(other.value, abs=1e-12), name


def test_a_figure_that_cannot_be_computed_has_no_interval_either():
    """A None figure has a None interval, whose reason says the figure could not be computed."""
    for summary in (
        agreement_summary([]),
        agreement_summary([(c, r, "mixed") for c in range(9) for r in (1, 2)]),
    ):
        for figure in (summary.fleiss_kappa, *summary.krippendorff_alpha.values()):
            assert figure.value is None
            assert_no_interval(figure.interval, contains="could not be computed")


def test_a_single_claim_gives_percent_agreement_without_interval_and_no_coefficient():
    """One claim with two verdicts: percent agreement 0 without an interval; kappa and alpha None."""
    summary = agreement_summary([(1, "ana", "true"), (1, "ben", "false")])

    assert summary.percent_agreement.value == 0.0
    assert_no_interval(summary.percent_agreement.interval, contains="at least two claims")
    for figure in (summary.fleiss_kappa, *summary.krippendorff_alpha.values()):
        assert_missing(figure, contains="only one claim has two or more")
    (pair,) = summary.pairs
    assert_no_interval(pair.percent_agreement.interval, contains="at least two claims")
    assert_missing(pair.cohen_kappa, contains="fewer than two claims")


def test_an_interval_is_refused_when_some_resamples_leave_the_figure_undefined():
    """Three claims, only one of them split: a third of the resamples hold one rating only, where
    kappa and alpha are undefined, so the figure stands but its interval is None with the count."""
    units = [(1, 1, "true"), (1, 2, "true"), (2, 1, "true"), (2, 2, "true"), (3, 1, "true"), (3, 2, "false")]

    summary = agreement_summary(units)

    for figure in (summary.fleiss_kappa, *summary.krippendorff_alpha.values(), summary.pairs[0].cohen_kappa):
        assert figure.value is not None
        assert_no_interval(figure.interval, contains="resamples of the claims")
        undefined = int(re.search(r"undefined on (\d+) of 1000", figure.interval.reason)[1])
        assert 250 < undefined < 350  # (2/3)^3 = 0.30 of the resamples miss the split claim
    # Percent agreement is defined on every resample; 1/27 of them draw the split claim thrice.
    assert (summary.percent_agreement.interval.low, summary.percent_agreement.interval.high) == (0.0, 1.0)


def test_claims_that_all_look_alike_give_an_interval_of_one_point():
    """Resampling identical claims gives the figure back every time: the interval is the figure."""
    units = [
        (claim, reviewer, rating) for claim in range(10) for reviewer, rating in ((1, "true"), (2, "false"))
    ]

    figure = fleiss_kappa(units)

    assert figure.value == -1.0
    assert (figure.interval.low, figure.interval.high) == (-1.0, -1.0)


def test_n_pairable_counts_the_values_in_claims_with_two_or_more():
    """n_pairable is Krippendorff's n..: 40 in his 2011 example; two per shared claim for a pair."""
    summary = agreement_summary(krippendorff_2011_units())

    assert {
        level: figure.n_pairable for level, figure in summary.krippendorff_alpha.items()
    } == dict.fromkeys(ALPHA_LEVELS, 40)
    assert summary.fleiss_kappa.n_pairable == summary.percent_agreement.n_pairable == 40
    for pair in summary.pairs:
        assert pair.cohen_kappa.n_pairable == pair.percent_agreement.n_pairable == 2 * pair.n


def test_interval_holds_two_ordered_bounds_or_a_reason():
    """An Interval has a low and a high bound, low <= high, both finite, or a reason instead."""
    with pytest.raises(ValueError):
        Interval(low=None, high=None)
    with pytest.raises(ValueError):
        Interval(low=0.1, high=0.2, reason="both")
    with pytest.raises(ValueError):
        Interval(low=0.1, high=None, reason="one bound")
    with pytest.raises(ValueError):
        Interval(low=0.3, high=0.2)
    with pytest.raises(ValueError):
        Interval(low=float("nan"), high=0.2)


def pairable_table(units, level):
    """The claims x values count table of the claims holding two or more values at ``level``, and the
    reliability matrix (reviewers x those claims, NaN where missing) the same values make."""
    values = {rating: code for code, rating in enumerate(RATINGS)} if level == "nominal" else TRUTH_SCALE
    reviewers = sorted({reviewer for _, reviewer, _ in units}, key=str)
    by_claim = {}
    for claim, reviewer, rating in units:
        if rating in values:
            by_claim.setdefault(claim, {})[reviewer] = values[rating]
    claims = [claim for claim, rated in by_claim.items() if len(rated) >= 2]
    matrix = np.array(
        [[by_claim[claim].get(reviewer, np.nan) for claim in claims] for reviewer in reviewers], dtype=float
    )
    domain = sorted(values.values())
    table = np.array([[list(by_claim[claim].values()).count(v) for v in domain] for claim in claims])
    return table, matrix


def krippendorff_or_nan(reliability_data, level):
    """krippendorff.alpha, or NaN where fewer than two values occur (the package refuses those)."""
    if len(np.unique(reliability_data[~np.isnan(reliability_data)])) < 2:
        return np.nan
    return krippendorff.alpha(reliability_data=reliability_data, level_of_measurement=level)


DATASETS = {
    "Krippendorff 2011": krippendorff_2011_units,
    "desk-like": lambda: desk_like_units(claims=40, seed=11),
}


@pytest.mark.parametrize("level", ALPHA_LEVELS)
@pytest.mark.parametrize("dataset", DATASETS)
def test_vectorised_alpha_bootstrap_equals_krippendorff_recomputed_on_each_resample(dataset, level):
    """Given the same resampled claim indices, alpha from the claims' coincidence matrices weighted by
    their multiplicities equals krippendorff.alpha run on each resample's reliability data."""
    table, matrix = pairable_table(DATASETS[dataset](), level)
    n = len(table)
    indices = np.random.default_rng(7).integers(0, n, size=(300, n))
    weights = np.stack([np.bincount(row, minlength=n) for row in indices]).astype(float)

    vectorised = _alpha_distribution(_Resamples(table, weights, n), level)

    naive = [krippendorff_or_nan(matrix[:, row], level) for row in indices]
    np.testing.assert_allclose(vectorised, naive, rtol=0, atol=1e-9)
    assert np.isfinite(vectorised).mean() > 0.9


def test_distinct_rows_are_numpys_unique_rows():
    """The claims' distinct count rows and their frequencies are numpy.unique's, in the same order."""
    rows = np.random.default_rng(3).multinomial(3, [0.4, 0.3, 0.1, 0.1, 0.1], size=500)

    patterns, frequencies = _distinct_rows(rows)

    expected_patterns, expected_frequencies = np.unique(rows, axis=0, return_counts=True)
    np.testing.assert_array_equal(patterns, expected_patterns)
    np.testing.assert_array_equal(frequencies, expected_frequencies)


def test_distinct_rows_of_counts_too_large_to_pack_are_numpys_unique_rows():
    """Counts whose rows cannot be packed into one int64 each take the sort by column instead."""
    rows = np.random.default_rng(4).integers(0, 3, size=(300, 8)) * 2**40

    patterns, frequencies = _distinct_rows(rows)

    expected_patterns, expected_frequencies = np.unique(rows, axis=0, return_counts=True)
    np.testing.assert_array_equal(patterns, expected_patterns)
    np.testing.assert_array_equal(frequencies, expected_frequencies)


def percentile_interval(distribution):
    return tuple(np.quantile(distribution, [0.025, 0.975]))


@pytest.mark.parametrize("level", ALPHA_LEVELS)
def test_alpha_interval_is_the_percentile_interval_of_krippendorff_on_the_resampled_claims(level):
    """The reported interval equals the 2.5 and 97.5 percentiles of krippendorff.alpha recomputed on
    every one of the module's own resamples of the claims, expanded back into claims."""
    units = desk_like_units(claims=80, seed=5)
    table, _ = pairable_table(units, level)
    resamples = _resample(*_distinct_rows(table))
    assert len(resamples.patterns) < len(table)  # claims with the same ratings are counted once
    domain = np.arange(table.shape[1], dtype=float) if level == "nominal" else np.arange(1.0, 6.0)

    naive = [
        krippendorff.alpha(
            value_counts=np.repeat(resamples.patterns, weights.astype(int), axis=0),
            value_domain=domain,
            level_of_measurement=level,
        )
        for weights in resamples.weights
    ]

    interval = krippendorff_alpha(units, level).interval
    assert (interval.low, interval.high) == pytest.approx(percentile_interval(naive), abs=1e-9)


def test_fleiss_and_percent_intervals_are_the_percentiles_of_the_reference_on_the_resamples():
    """Fleiss' kappa and percent agreement recomputed by the claim-by-claim reference on each resample
    give the reported intervals."""
    units = desk_like_units(claims=80, seed=5)
    table, _ = pairable_table(units, "nominal")
    resamples = _resample(*_distinct_rows(table))

    naive = [
        reference_fleiss(
            units_from_table(np.repeat(resamples.patterns, weights.astype(int), axis=0), RATINGS)
        )
        for weights in resamples.weights
    ]

    kappa, agreement = fleiss_kappa(units).interval, percent_agreement(units).interval
    assert (kappa.low, kappa.high) == pytest.approx(percentile_interval([k for k, _ in naive]), abs=1e-9)
    assert (agreement.low, agreement.high) == pytest.approx(
        percentile_interval([p for _, p in naive]), abs=1e-9
    )


def test_cohen_interval_is_the_percentile_interval_of_sklearn_on_the_resampled_claims():
    """A pair's kappa and percent agreement recomputed by scikit-learn on each resample of the claims
    both rated give the reported intervals."""
    units = desk_like_units(claims=150, seed=5)
    pair = pairwise(units)[0]
    labels = list(RATINGS)
    table = np.array([[pair.confusion.get(a, {}).get(b, 0) for b in labels] for a in labels])
    resamples = _resample(*_claim_cells(table))

    kappas, shares = [], []
    for weights in resamples.weights:
        cells = np.repeat(resamples.patterns[:, 0], weights.astype(int))
        a, b = np.divmod(cells, len(labels))
        kappas.append(cohen_kappa_score(a, b))
        shares.append(float(np.mean(a == b)))

    kappa, agreement = pair.cohen_kappa.interval, pair.percent_agreement.interval
    assert (kappa.low, kappa.high) == pytest.approx(percentile_interval(kappas), abs=1e-9)
    assert (agreement.low, agreement.high) == pytest.approx(percentile_interval(shares), abs=1e-9)


# --- The truth scale ----------------------------------------------------------------------------


def test_the_truth_scale_here_is_the_models():
    """annotations.agreement keeps its own copy of the truth scale (it imports no Django); it names the
    same ratings at the same positions as the model's, and its other ratings are the model's others."""
    assert [(str(rating), position) for rating, position in models.TRUTH_SCALE.items()] == list(
        TRUTH_SCALE.items()
    )
    assert (*TRUTH_SCALE, *OFF_SCALE_RATINGS) == tuple(models.Rating.values)


# --- Span F1 -------------------------------------------------------------------------------------


def test_span_f1_exact_versus_overlap():
    spans_a = [(1, 0, 10), (1, 20, 30), (2, 5, 8)]
    spans_b = [(1, 0, 10), (1, 25, 35), (2, 8, 12)]

    exact = span_f1(spans_a, spans_b, "exact")
    overlap = span_f1(spans_a, spans_b, "overlap")

    assert (exact.matched, exact.n_a, exact.n_b) == (1, 3, 3)
    assert exact.value == pytest.approx(1 / 3)
    # (2, 5, 8) and (2, 8, 12) only touch: no overlap.
    assert overlap.matched == 2
    assert overlap.value == pytest.approx(2 / 3)


def test_span_overlap_is_one_to_one_and_maximal():
    # A long span overlaps both short ones but may be matched once; the second long span only overlaps
    # the first short one, so a maximum matching pairs (0,10)-(0,2) and (12,20)-(5,15).
    spans_a = [(1, 0, 10), (1, 12, 20)]
    spans_b = [(1, 5, 15), (1, 0, 2)]
    assert span_f1(spans_a, spans_b, "overlap").matched == 2

    one_long = span_f1([(1, 0, 100)], [(1, 0, 10), (1, 20, 30)], "overlap")
    assert one_long.matched == 1
    assert one_long.value == pytest.approx(2 / 3)


def test_span_f1_articles_and_duplicates():
    assert span_f1([(1, 0, 10)], [(2, 0, 10)], "overlap").value == 0.0
    duplicated = span_f1([(1, 0, 10), (1, 0, 10)], [(1, 0, 10)], "exact")
    assert (duplicated.n_a, duplicated.value) == (1, 1.0)


def test_span_f1_empty_sides():
    both_empty = span_f1([], [], "exact")
    assert both_empty.value is None
    assert "neither" in both_empty.reason.lower()
    assert span_f1([(1, 0, 5)], [], "overlap").value == 0.0


def test_span_f1_rejects_bad_input():
    with pytest.raises(ValueError, match="mode"):
        span_f1([], [], "fuzzy")
    with pytest.raises(ValueError, match="ends before"):
        span_f1([(1, 5, 2)], [], "exact")


def to_span(article, start, length):
    return (article, start, start + length)


spans = st.lists(st.builds(to_span, st.integers(1, 2), st.integers(0, 20), st.integers(1, 8)), max_size=6)


def brute_force_overlap_matching(spans_a, spans_b):
    a, b = sorted(set(spans_a)), sorted(set(spans_b))

    def overlaps(x, y):
        return x[0] == y[0] and x[1] < y[2] and y[1] < x[2]

    for size in range(min(len(a), len(b)), 0, -1):
        for chosen_a in itertools.combinations(a, size):
            for chosen_b in itertools.permutations(b, size):
                if all(overlaps(x, y) for x, y in zip(chosen_a, chosen_b, strict=True)):
                    return size
    return 0


@settings(max_examples=80, deadline=None, database=None, derandomize=True)
@given(spans, spans)
def test_span_overlap_matching_is_maximum(spans_a, spans_b):
    figure = span_f1(spans_a, spans_b, "overlap")

    assert figure.matched == brute_force_overlap_matching(spans_a, spans_b)
    assert figure.matched >= span_f1(spans_a, spans_b, "exact").matched


def test_span_agreement_per_pair_and_micro_average():
    result = span_agreement(
        {
            "cy": [(1, 0, 10)],
            "ann": [(1, 0, 10), (1, 20, 30)],
            "bob": [(1, 0, 10), (1, 22, 30)],
        }
    )

    names = [(pair.reviewer_a, pair.reviewer_b) for pair in result.pairs]
    assert names == [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]
    ann_bob = result.pairs[0]
    assert ann_bob.exact.value == pytest.approx(0.5)
    assert ann_bob.overlap.value == pytest.approx(1.0)
    # Micro-average: exact matched 1 + 1 + 1 over 4 + 3 + 3 spans; overlap 2 + 1 + 1 over the same.
    assert result.overall["exact"].value == pytest.approx(2 * 3 / 10)
    assert result.overall["overlap"].value == pytest.approx(2 * 4 / 10)
    overlap = result.overall["overlap"]
    assert (overlap.matched, overlap.n_a, overlap.n_b) == (4, 6, 4)


def test_span_agreement_restricted_to_shared_articles():
    spans_by_reviewer = {"ann": [(1, 0, 10), (2, 0, 10)], "bob": [(1, 0, 10)]}

    unrestricted = span_agreement(spans_by_reviewer)
    restricted = span_agreement(spans_by_reviewer, articles_by_reviewer={"ann": [1, 2], "bob": [1]})

    assert unrestricted.overall["exact"].value == pytest.approx(2 / 3)
    assert restricted.overall["exact"].value == 1.0


def test_span_agreement_needs_two_reviewers():
    result = span_agreement({"ann": [(1, 0, 10)]})

    assert result.pairs == ()
    for mode in ("exact", "overlap"):
        assert result.overall[mode].value is None
        assert result.overall[mode].reason


def test_span_agreement_without_any_span():
    result = span_agreement({"ann": [], "bob": []})

    assert result.pairs[0].exact.value is None
    assert result.overall["overlap"].value is None


# --- Columns, as the database gives them ---------------------------------------------------------


def test_summary_from_columns_equals_the_summary_of_the_same_verdicts():
    """Three columns give exactly the figures of the tuples, intervals and pairs included, whatever
    the order of the rows."""
    units = desk_like_units(claims=300, seed=8)
    random.Random(2).shuffle(units)
    claims, reviewers, ratings = zip(*units, strict=True)

    assert agreement_summary_from_columns(claims, reviewers, ratings) == agreement_summary(units)
    assert agreement_summary_from_columns((), (), ()) == agreement_summary([])


def test_summary_from_columns_refuses_two_verdicts_of_one_reviewer_on_a_claim():
    with pytest.raises(ValueError, match="two verdicts on one claim"):
        agreement_summary_from_columns([1, 1], ["ana", "ana"], ["true", "false"])
    with pytest.raises(ValueError, match="length"):
        agreement_summary_from_columns([1, 2], ["ana"], ["true", "false"])


def by_article_reference(spans_by_reviewer):
    """Span agreement as first written: every pair on the articles both marked, one maximum matching
    per article (no clusters)."""
    parsed = {
        reviewer: {article: {(s, e) for a, s, e in spans if a == article} for article, _, _ in spans}
        for reviewer, spans in spans_by_reviewer.items()
    }
    result = {}
    for a, b in itertools.combinations(sorted(parsed), 2):
        shared = parsed[a].keys() & parsed[b].keys()
        n_a = sum(len(parsed[a][article]) for article in shared)
        n_b = sum(len(parsed[b][article]) for article in shared)
        exact = sum(len(parsed[a][article] & parsed[b][article]) for article in shared)
        overlap = sum(_overlap_matching(parsed[a][article], parsed[b][article]) for article in shared)
        result[(a, b)] = (exact, overlap, n_a, n_b)
    return result


# Spans in few places, so that they chain and nest: clusters with several spans of each side, empty
# spans (start = end), duplicates and spans that only touch.
crowded_spans = st.lists(
    st.tuples(
        st.sampled_from(["ann", "bob", "cy"]), st.integers(1, 3), st.integers(0, 30), st.integers(0, 9)
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(crowded_spans)
def test_span_agreement_from_columns_equals_a_matching_per_article(marked):
    """The columns' clusters give the counts of one maximum matching per article, in both modes."""
    spans_by_reviewer = {}
    for reviewer, article, start, length in marked:
        spans_by_reviewer.setdefault(reviewer, []).append((article, start, start + length))
    columns = [[], [], [], []]
    for reviewer, spans in spans_by_reviewer.items():
        for span in spans:
            for column, value in zip(columns, (reviewer, *span), strict=True):
                column.append(value)

    result = span_agreement_from_columns(*columns)

    expected = by_article_reference(spans_by_reviewer)
    assert [(pair.reviewer_a, pair.reviewer_b) for pair in result.pairs] == list(expected)
    for pair in result.pairs:
        exact, overlap, n_a, n_b = expected[(pair.reviewer_a, pair.reviewer_b)]
        assert (pair.exact.matched, pair.exact.n_a, pair.exact.n_b) == (exact, n_a, n_b)
        assert (pair.overlap.matched, pair.overlap.n_a, pair.overlap.n_b) == (overlap, n_a, n_b)
    articles = {
        reviewer: {article for article, _, _ in spans} for reviewer, spans in spans_by_reviewer.items()
    }
    assert result == span_agreement(spans_by_reviewer, articles_by_reviewer=articles)


def test_span_agreement_from_columns_at_positions_too_large_to_pack():
    """Positions past what one int64 per span can hold with the article are still compared exactly."""
    far = 2**61
    spans = {
        "ann": [(1, far, far + 10), (2, 0, 5), (3, far + 3, far + 9)],
        "bob": [(1, far + 5, far + 20), (2, 5, 9), (3, far + 3, far + 9)],
    }
    columns = list(
        zip(*[(reviewer, *span) for reviewer, found in spans.items() for span in found], strict=True)
    )

    result = span_agreement_from_columns(*columns)

    assert (result.overall["exact"].matched, result.overall["overlap"].matched) == (1, 2)
    assert (result.overall["exact"].n_a, result.overall["exact"].n_b) == (3, 3)


def test_span_agreement_from_columns_refuses_a_span_ending_before_it_starts():
    with pytest.raises(ValueError, match=r"ends before it starts: \(7, 5, 2\)"):
        span_agreement_from_columns(["ann"], [7], [5], [2])
    assert span_agreement_from_columns((), (), (), ()).pairs == ()

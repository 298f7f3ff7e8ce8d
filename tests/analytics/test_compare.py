"""Period comparison of counts: exact conditional test, E-test, FDR and classification."""

import doctest
from fractions import Fraction
from math import comb

import numpy as np
import pytest
from scipy import stats

from trygg.analytics import compare
from trygg.analytics.compare import (
    FALL,
    NO_CLEAR_CHANGE,
    RISE,
    TOO_FEW_EVENTS,
    compare_periods,
    compare_rates,
)


def _exact_two_sided_p(k1, k2, pi0):
    """Sum of the binomial probabilities no larger than that of k1, in fractions."""
    n = k1 + k2
    pi0 = Fraction(pi0)
    pmf = [comb(n, k) * pi0**k * (1 - pi0) ** (n - k) for k in range(n + 1)]
    return float(sum(p for p in pmf if p <= pmf[k1]))


@pytest.mark.parametrize(
    ("k1", "k2", "e1", "e2", "expected"),
    [
        # Equal exposures: Binomial(12, 1/2), 2 × (1 + 12 + 66) / 4096.
        (10, 2, 1.0, 1.0, 158 / 4096),
        (2, 10, 7.0, 7.0, 158 / 4096),
        # No events now, five before: 2 / 32.
        (0, 5, 1.0, 1.0, 0.0625),
        (4, 4, 1.0, 1.0, 1.0),
    ],
)
def test_it_gives_hand_computed_binomial_p_values(k1, k2, e1, e2, expected):
    res = compare_rates(k1, k2, current_exposure=e1, reference_exposure=e2)
    assert float(res.p_value) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("k1", "k2", "e1", "e2"), [(6, 4, 1, 3), (9, 30, 7, 28), (1, 14, 2, 3)])
def test_it_uses_the_exposure_share_as_the_null_probability(k1, k2, e1, e2):
    res = compare_rates(k1, k2, current_exposure=e1, reference_exposure=e2)
    expected = _exact_two_sided_p(k1, k2, Fraction(e1, e1 + e2))
    assert float(res.p_value) == pytest.approx(expected, rel=1e-9)
    assert float(res.rate_ratio) == pytest.approx((k1 / e1) / (k2 / e2))


@pytest.mark.parametrize(("k1", "k2", "e1", "e2"), [(30, 12, 1, 1), (12, 20, 7, 28), (3, 0, 1, 1)])
def test_its_interval_is_the_clopper_pearson_interval_mapped_to_the_rate_ratio(k1, k2, e1, e2):
    res = compare_rates(k1, k2, current_exposure=e1, reference_exposure=e2, confidence_level=0.9)
    n = k1 + k2
    low = stats.beta.ppf(0.05, k1, n - k1 + 1) if k1 > 0 else 0.0
    high = stats.beta.ppf(0.95, k1 + 1, n - k1) if k2 > 0 else 1.0
    to_ratio = lambda pi: pi / (1 - pi) * e2 / e1 if pi < 1 else np.inf  # noqa: E731
    assert float(res.ci_low) == pytest.approx(to_ratio(low), rel=1e-8)
    assert float(res.ci_high) == pytest.approx(to_ratio(high), rel=1e-8)
    assert res.ci_low <= res.rate_ratio <= res.ci_high


@pytest.mark.parametrize(
    ("k1", "k2", "paper_p"),
    [
        # Krishnamoorthy & Thomson (2004), section 6, Example 1: dodder seeds in
        # two 100 g samples of clover seed (Przyborowski & Wilenski 1940).
        (0, 3, 0.0884),
        (2, 6, 0.1749),
    ],
)
def test_its_etest_reproduces_krishnamoorthy_and_thomsons_example(k1, k2, paper_p):
    etest = compare_rates(k1, k2, current_exposure=100, reference_exposure=100, method="etest")
    assert float(etest.p_value) == pytest.approx(paper_p, abs=1e-4)
    assert float(etest.p_value) == pytest.approx(
        stats.poisson_means_test(k1, 100, k2, 100).pvalue, rel=1e-12
    )
    # The conditional test on the same data: 2/8 and 2 × 37/256. The paper's
    # point is that the E-test is the more powerful of the two.
    conditional = compare_rates(k1, k2, current_exposure=100, reference_exposure=100)
    assert float(conditional.p_value) == pytest.approx(_exact_two_sided_p(k1, k2, Fraction(1, 2)))
    assert etest.p_value < conditional.p_value


def test_its_etest_depends_on_the_exposures_only_through_their_ratio():
    a = compare_rates(3, 20, current_exposure=100, reference_exposure=300, method="etest")
    b = compare_rates(3, 20, current_exposure=1, reference_exposure=3, method="etest")
    assert float(a.p_value) == pytest.approx(0.12202725450896404, abs=2e-6)
    assert float(a.p_value) == pytest.approx(float(b.p_value), rel=1e-12)


def test_it_is_vectorised_over_areas_and_categories():
    rng = np.random.default_rng(3)
    current = rng.poisson(6, size=(12, 5))
    reference = rng.poisson(6, size=(12, 5))
    res = compare_rates(current, reference)
    assert res.p_value.shape == res.classification.shape == (12, 5)
    for idx in [(0, 0), (3, 2), (11, 4)]:
        one = compare_rates(int(current[idx]), int(reference[idx]))
        assert res.p_value[idx] == one.p_value
        assert res.ci_low[idx] == one.ci_low and res.ci_high[idx] == one.ci_high

    per_area_days = np.array([28.0, 28.0, 29.0])[:, None]
    broadcast = compare_rates(
        [[10, 3], [0, 0], [7, 30]],
        [[2, 3], [0, 5], [7, 10]],
        current_exposure=per_area_days,
        reference_exposure=28.0,
    )
    assert broadcast.current_exposure.shape == (3, 2)


def test_its_fdr_flag_uses_benjamini_hochberg_over_the_testable_cells():
    current = np.array([30, 14, 20, 3, 0, 25])
    reference = np.array([12, 11, 8, 1, 0, 25])
    res = compare_rates(current, reference)

    testable = (current + reference) >= 6
    np.testing.assert_allclose(
        res.q_value[testable], stats.false_discovery_control(res.p_value[testable], method="bh")
    )
    assert np.isnan(res.q_value[~testable]).all()
    assert list(res.classification) == [
        RISE,
        NO_CLEAR_CHANGE,
        NO_CLEAR_CHANGE,
        TOO_FEW_EVENTS,
        TOO_FEW_EVENTS,
        NO_CLEAR_CHANGE,
    ]
    # 20 against 8 is p = 0.036 on its own, but not among four cells.
    assert res.p_value[2] < 0.05 < res.q_value[2]
    unadjusted = compare_rates(current, reference, fdr=False)
    assert unadjusted.classification[2] == RISE


def test_it_calls_a_fall_and_a_rise_from_nothing():
    res = compare_rates([2, 12], [20, 0])
    assert list(res.classification) == [FALL, RISE]
    assert res.rate_ratio[1] == np.inf and res.ci_high[1] == np.inf
    assert res.ci_low[1] > 1


def test_it_defines_the_empty_cell():
    res = compare_rates(0, 0)
    assert float(res.p_value) == 1.0
    assert np.isnan(res.rate_ratio) and np.isnan(res.q_value)
    assert float(res.ci_low) == 0.0 and float(res.ci_high) == np.inf
    assert str(res.classification) == TOO_FEW_EVENTS


def test_its_too_few_threshold_is_where_a_change_becomes_detectable():
    five = compare_rates(5, 0, fdr=False)
    six = compare_rates(6, 0, fdr=False)
    assert str(five.classification) == TOO_FEW_EVENTS
    assert float(five.p_value) > 0.05
    assert str(six.classification) == RISE
    assert str(compare_rates(5, 0, min_events=5, fdr=False).classification) == NO_CLEAR_CHANGE


def test_it_compares_with_the_previous_period_and_last_year():
    res = compare_periods([[48, 9]], [[24, 10]], [[44, 3]], current_days=28, last_year_days=29)
    assert list(res.vs_previous.classification[0]) == [RISE, NO_CLEAR_CHANGE]
    assert list(res.vs_last_year.classification[0]) == [NO_CLEAR_CHANGE, NO_CLEAR_CHANGE]
    np.testing.assert_allclose(res.vs_last_year.rate_ratio, [[(48 / 28) / (44 / 29), 3 * 29 / 28]])
    same = compare_rates([48, 9], [44, 3], current_exposure=28, reference_exposure=29)
    np.testing.assert_array_equal(res.vs_last_year.p_value[0], same.p_value)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([-1], [2]), {}, "non-negative"),
        (([1.5], [2]), {}, "whole numbers"),
        ((["a"], [2]), {}, "counts"),
        (([1], [2]), {"current_exposure": 0}, "positive"),
        (([1, 2, 3], [1, 2]), {}, "broadcast"),
        (([1], [2]), {"method": "wald"}, "method"),
        (([1], [2]), {"alpha": 1.5}, "alpha"),
    ],
)
def test_it_rejects_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare_rates(*args, **kwargs)


def test_its_docstring_examples_run():
    assert doctest.testmod(compare, raise_on_error=False).failed == 0

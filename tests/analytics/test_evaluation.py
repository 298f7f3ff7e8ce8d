"""Evaluation of a measure: relative effect size, WDQ, total net effect and verdicts."""

import doctest
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from trygg.analytics import evaluation
from trygg.analytics.evaluation import (
    DIFFUSION_GREATER_THAN_EFFECT,
    DISPLACEMENT_GREATER_THAN_EFFECT,
    DISPLACEMENT_NOT_INTERPRETABLE,
    FALL_LIKELY_REAL,
    NO_CLEAR_CHANGE,
    NO_DISPLACEMENT_OR_DIFFUSION,
    RISE_LIKELY_REAL,
    SOME_DIFFUSION,
    SOME_DISPLACEMENT,
    TOO_FEW_EVENTS,
    evaluate_measure,
    relative_effect_size,
    weighted_displacement_quotient,
)

# Guerette (2009), Analyzing Crime Displacement and Diffusion, POP Tool Guide
# No. 10, appendix D: Lancashire Constabulary's "MOPPIN up Dodge" project.
LANCASHIRE = {"A0": 207, "A1": 110, "B0": 178, "B1": 157, "C0": 308, "C1": 318}

WDQ_ARGUMENTS = (
    "target_before",
    "target_after",
    "buffer_before",
    "buffer_after",
    "control_before",
    "control_after",
)


def _log_scale_interval(a, b, c, d, level=0.95, dispersion=1.0):
    """Wald interval of ln(ad/bc) written out with scipy's normal quantile."""
    log_res = np.log(a) + np.log(d) - np.log(b) - np.log(c)
    se = np.sqrt(dispersion * (1 / a + 1 / b + 1 / c + 1 / d))
    q = stats.norm.ppf(1 - (1 - level) / 2)
    p = 2 * stats.norm.sf(abs(log_res) / se)
    return np.exp(log_res - q * se), np.exp(log_res + q * se), p


# Relative effect size --------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "c", "d"),
    [
        # Farrington et al. (2007), appendix: RES = 2 "if crimes doubled in the
        # control area and stayed constant in the experimental area, or if
        # crimes decreased by half in the experimental area and stayed
        # constant in the control area".
        (60, 60, 60, 120),
        (120, 60, 80, 80),
    ],
)
def test_it_reproduces_farringtons_res_of_two(a, b, c, d):
    res = relative_effect_size(a, b, c, d)
    assert res.res == pytest.approx(2.0, rel=1e-12)
    assert res.percent_change == pytest.approx(-50.0, rel=1e-12)


def test_it_gives_the_lancashire_res_by_hand():
    res = relative_effect_size(207, 110, 308, 318)
    assert res.res == pytest.approx(207 * 318 / (110 * 308), rel=1e-12)
    assert res.var_log_res == pytest.approx(1 / 207 + 1 / 110 + 1 / 308 + 1 / 318, rel=1e-12)
    # Target fell 207 -> 110 while the comparison area rose 308 -> 318.
    assert res.percent_change == pytest.approx((110 / 207) / (318 / 308) * 100 - 100, rel=1e-12)
    assert res.target_expected_after == pytest.approx(207 * 318 / 308)
    assert res.verdict.code == FALL_LIKELY_REAL


@pytest.mark.parametrize(
    ("a", "b", "c", "d", "level", "dispersion"),
    [
        (207, 110, 308, 318, 0.95, 1.0),
        (45, 30, 120, 115, 0.95, 1.0),
        (45, 30, 120, 115, 0.90, 2.5),
        (12, 25, 400, 380, 0.99, 1.3),
        # A p-value of about 1e-30 keeps its relative accuracy.
        (400, 100, 1000, 1000, 0.95, 1.0),
    ],
)
def test_its_interval_and_p_value_are_the_wald_interval_on_the_log_scale(
    a, b, c, d, level, dispersion
):
    res = relative_effect_size(a, b, c, d, confidence_level=level, overdispersion=dispersion)
    low, high, p = _log_scale_interval(a, b, c, d, level, dispersion)
    assert res.ci_low == pytest.approx(low, rel=1e-10)
    assert res.ci_high == pytest.approx(high, rel=1e-10)
    assert res.p_value == pytest.approx(p, rel=1e-8)
    assert res.percent_change_ci_low == pytest.approx((1 / high - 1) * 100, rel=1e-10)
    assert res.percent_change_ci_high == pytest.approx((1 / low - 1) * 100, rel=1e-10)
    assert res.ci_low < res.res < res.ci_high


def test_overdispersion_widens_the_interval_by_its_square_root():
    plain = relative_effect_size(45, 30, 120, 115)
    wide = relative_effect_size(45, 30, 120, 115, overdispersion=4.0)
    assert wide.res == plain.res
    assert math.log(wide.ci_high / wide.res) == pytest.approx(
        2 * math.log(plain.ci_high / plain.res), rel=1e-12
    )


def test_overdispersion_can_take_away_a_verdict():
    # 80 -> 50 against a steady comparison area: clear under Poisson, not
    # when the variance is doubled.
    assert relative_effect_size(80, 50, 400, 400).verdict.code == FALL_LIKELY_REAL
    assert relative_effect_size(80, 50, 400, 400, overdispersion=2.0).verdict.code == (
        NO_CLEAR_CHANGE
    )


@pytest.mark.parametrize(
    ("a", "b", "c", "d", "code"),
    [
        (207, 110, 308, 318, FALL_LIKELY_REAL),
        (20, 60, 100, 100, RISE_LIKELY_REAL),
        (30, 25, 100, 100, NO_CLEAR_CHANGE),
        # The target fell, but so did the comparison area: no effect.
        (100, 50, 400, 200, NO_CLEAR_CHANGE),
    ],
)
def test_it_gives_a_verdict_from_the_interval(a, b, c, d, code):
    res = relative_effect_size(a, b, c, d)
    assert res.verdict.code == code
    assert res.verdict.params["percent_change"] == res.percent_change
    assert res.verdict.params["confidence_level"] == 0.95
    assert not res.too_few


def test_the_verdict_agrees_with_the_z_test():
    for a, b, c, d in [(207, 110, 308, 318), (20, 60, 100, 100), (30, 25, 100, 100)]:
        res = relative_effect_size(a, b, c, d)
        assert (res.verdict.code != NO_CLEAR_CHANGE) == (res.p_value < 0.05)
        assert res.z == pytest.approx(res.log_res / math.sqrt(res.var_log_res))


def test_unequal_periods_scale_the_rates_but_not_the_res():
    # A year before, half a year after: 73 and 30 in the target, 365 and 180
    # in the comparison area.
    res = relative_effect_size(73, 30, 365, 180, before_days=365, after_days=182.5)
    assert res.res == pytest.approx(73 * 180 / (30 * 365), rel=1e-12)
    assert res.res == relative_effect_size(73, 30, 365, 180).res
    assert res.target_rate_before == pytest.approx(0.2)
    assert res.target_rate_after == pytest.approx(30 / 182.5)
    assert res.comparison_rate_before == pytest.approx(1.0)
    assert res.comparison_rate_after == pytest.approx(180 / 182.5)
    expected = (30 / 182.5 - 0.2) - (180 / 182.5 - 1.0)
    assert res.rate_difference_in_differences == pytest.approx(expected, rel=1e-12)


def test_equal_periods_give_the_difference_in_differences_of_counts_per_day():
    res = relative_effect_size(60, 30, 100, 110, before_days=30, after_days=30)
    assert res.rate_difference_in_differences == pytest.approx(((30 - 60) - (110 - 100)) / 30)


# Too few and zero counts ------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "c", "d"),
    [(12, 0, 50, 60), (0, 14, 50, 60), (20, 15, 0, 40), (20, 15, 40, 0), (0, 0, 0, 0)],
)
def test_a_zero_cell_gives_too_few_events_with_a_documented_correction(a, b, c, d):
    res = relative_effect_size(a, b, c, d)
    assert res.too_few and res.continuity_corrected
    assert res.verdict.code == TOO_FEW_EVENTS
    corrected = (a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5))
    assert res.res == pytest.approx(corrected, rel=1e-12)
    low, high, _ = _log_scale_interval(a + 0.5, b + 0.5, c + 0.5, d + 0.5)
    assert res.ci_low == pytest.approx(low, rel=1e-10)
    assert res.ci_high == pytest.approx(high, rel=1e-10)
    assert all(math.isfinite(x) for x in (res.res, res.ci_low, res.ci_high, res.p_value))


def test_no_comparison_events_before_leaves_the_expected_count_undefined():
    assert relative_effect_size(20, 15, 0, 40).target_expected_after is None


def test_fewer_than_ten_target_events_gives_no_verdict_of_effect():
    # 6 + 3 and 8 + 1 are below the documented minimum of 10.
    for a, b in [(6, 3), (8, 1)]:
        res = relative_effect_size(a, b, 200, 200)
        assert res.too_few and not res.continuity_corrected
        assert res.verdict.code == TOO_FEW_EVENTS
        assert res.verdict.params == {
            "target_events": a + b,
            "comparison_events": 400,
            "min_events": 10,
        }


def test_ten_target_events_are_enough_to_be_judged():
    res = relative_effect_size(6, 4, 500, 500)
    assert not res.too_few
    assert res.verdict.code == NO_CLEAR_CHANGE


def test_a_small_comparison_area_is_too_few_too():
    assert relative_effect_size(100, 40, 5, 4).verdict.code == TOO_FEW_EVENTS


def test_min_events_is_adjustable():
    assert relative_effect_size(12, 8, 100, 100, min_events=25).verdict.code == TOO_FEW_EVENTS


# Input validation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"target_before": -1}, "target_before"),
        ({"target_after": 2.5}, "target_after"),
        ({"comparison_before": "12"}, "comparison_before"),
        ({"comparison_after": True}, "comparison_after"),
        ({"comparison_after": float("nan")}, "comparison_after"),
    ],
)
def test_it_rejects_counts_that_are_not_counts(kwargs, name):
    args = {
        "target_before": 20,
        "target_after": 10,
        "comparison_before": 30,
        "comparison_after": 30,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        relative_effect_size(**args)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"before_days": 0}, "before_days"),
        ({"after_days": -7}, "after_days"),
        ({"after_days": float("inf")}, "after_days"),
        ({"overdispersion": 0.5}, "overdispersion"),
        ({"confidence_level": 1.0}, "confidence_level"),
        ({"min_events": 0}, "min_events"),
    ],
)
def test_it_rejects_bad_options(kwargs, name):
    with pytest.raises(ValueError, match=name):
        relative_effect_size(20, 10, 30, 30, **kwargs)


def test_it_accepts_whole_floats_and_numpy_integers():
    res = relative_effect_size(np.int64(207), 110.0, np.int32(308), 318)
    assert (res.target_before, res.target_after) == (207, 110)
    assert isinstance(res.target_after, int)


# Weighted Displacement Quotient ----------------------------------------------


def test_it_reproduces_guerettes_lancashire_example():
    L = LANCASHIRE
    res = weighted_displacement_quotient(L["A0"], L["A1"], L["B0"], L["B1"], L["C0"], L["C1"])
    # Published: GE = 207 - 110 = 97, NE = .326, TNE = 130.5.
    assert res.gross_effect == 97
    assert round(res.net_effect, 3) == 0.326
    assert res.total_net_effect == pytest.approx(130.5, abs=1e-12)
    # The guide prints WDQ = .411, but its own formula (appendix B, eq. 3)
    # with these counts gives (157/318 - 178/308) / (110/318 - 207/308)
    # = -8248/97944 / (-31946/97944) = 8248/31946 = 0.2582. Both lie in
    # (0, 1]: some diffusion of benefits, less than the direct effect, as
    # the guide concludes.
    assert res.success_measure == pytest.approx(-31946 / 97944, rel=1e-12)
    assert res.buffer_displacement_measure == pytest.approx(-8248 / 97944, rel=1e-12)
    assert res.wdq == pytest.approx(8248 / 31946, rel=1e-12)
    assert res.verdict.code == SOME_DIFFUSION
    assert res.target_net_effect == pytest.approx(207 * 318 / 308 - 110)
    assert res.buffer_net_effect == pytest.approx(178 * 318 / 308 - 157)


@pytest.mark.parametrize(
    ("b0", "b1", "wdq", "code"),
    [
        # Target 100 -> 50 against a steady control of 100: SM = -1/2, and
        # the buffer's change over 100 is BDM; WDQ = BDM / SM.
        (100, 0, Fraction(2), DIFFUSION_GREATER_THAN_EFFECT),
        (100, 50, Fraction(1), SOME_DIFFUSION),
        (60, 40, Fraction(2, 5), SOME_DIFFUSION),
        (80, 80, Fraction(0), NO_DISPLACEMENT_OR_DIFFUSION),
        (40, 60, Fraction(-2, 5), SOME_DISPLACEMENT),
        (50, 100, Fraction(-1), SOME_DISPLACEMENT),
        (20, 120, Fraction(-2), DISPLACEMENT_GREATER_THAN_EFFECT),
    ],
)
def test_it_classifies_the_wdq_by_bowers_and_johnsons_bands(b0, b1, wdq, code):
    res = weighted_displacement_quotient(100, 50, b0, b1, 100, 100)
    assert res.success_measure == -0.5
    assert res.buffer_displacement_measure == float(Fraction(b1 - b0, 100))
    assert res.wdq == float(wdq)
    assert res.verdict.code == code
    assert res.verdict.reason is None


def test_the_bands_are_exact_when_the_control_changes():
    # Control 300 -> 100: SM = 10/100 - 31/300 = -1/300 and BDM = 9/100 -
    # 28/300 = -1/300, so WDQ is exactly 1 ("some diffusion"); in floating
    # point the same quotient comes out as 1.0000000000000042.
    assert (9 / 100 - 28 / 300) / (10 / 100 - 31 / 300) > 1
    res = weighted_displacement_quotient(31, 10, 28, 9, 300, 100)
    assert res.wdq == 1.0
    assert res.verdict.code == SOME_DIFFUSION


def test_the_total_net_effect_uses_the_controls_trend():
    # Control 200 -> 100 halves the expected count: target 80 -> 30 is 10
    # fewer than the expected 40, buffer 60 -> 35 is 5 more than 30.
    res = weighted_displacement_quotient(80, 30, 60, 35, 200, 100)
    assert res.target_net_effect == 10
    assert res.buffer_net_effect == -5
    assert res.total_net_effect == 5
    # SM = 30/100 - 80/200 = -1/10, BDM = 35/100 - 60/200 = 1/20.
    assert res.wdq == -0.5
    assert res.verdict.code == SOME_DISPLACEMENT


@pytest.mark.parametrize(("a0", "a1"), [(50, 60), (50, 50)])
def test_without_success_the_wdq_is_not_interpretable(a0, a1):
    res = weighted_displacement_quotient(a0, a1, 40, 20, 100, 100)
    assert res.wdq is None
    assert res.success_measure == pytest.approx((a1 - a0) / 100)
    assert res.verdict.code == DISPLACEMENT_NOT_INTERPRETABLE
    assert res.verdict.reason == "no_success"
    assert res.total_net_effect == pytest.approx((a0 - a1) + (40 - 20))


@pytest.mark.parametrize(("c0", "c1"), [(0, 10), (10, 0)])
def test_without_control_events_nothing_is_divided_by_zero(c0, c1):
    res = weighted_displacement_quotient(50, 20, 30, 30, c0, c1)
    assert res.gross_effect == 30
    assert res.wdq is None and res.success_measure is None and res.total_net_effect is None
    assert res.verdict.reason == "no_control_events"


@pytest.mark.parametrize("position", WDQ_ARGUMENTS)
@pytest.mark.parametrize("bad", [-3, 1.5])
def test_the_wdq_rejects_bad_counts_by_name(position, bad):
    args = dict.fromkeys(WDQ_ARGUMENTS, 10)
    args[position] = bad
    with pytest.raises(ValueError, match=position):
        weighted_displacement_quotient(**args)


# Evaluation of a measure -----------------------------------------------------


def test_it_evaluates_the_lancashire_measure():
    L = LANCASHIRE
    ev = evaluate_measure(
        L["A0"], L["A1"], L["C0"], L["C1"], buffer_before=L["B0"], buffer_after=L["B1"]
    )
    assert ev.effect.verdict.code == FALL_LIKELY_REAL
    assert ev.displacement.total_net_effect == pytest.approx(130.5)
    assert ev.displacement_verdict.code == SOME_DIFFUSION
    assert ev.displacement_verdict.params["wdq"] == pytest.approx(8248 / 31946)


def test_it_does_not_read_displacement_without_a_clear_fall():
    ev = evaluate_measure(30, 22, 300, 300, buffer_before=40, buffer_after=25)
    assert ev.effect.verdict.code == NO_CLEAR_CHANGE
    assert ev.displacement.verdict.code == DIFFUSION_GREATER_THAN_EFFECT
    assert ev.displacement_verdict.code == DISPLACEMENT_NOT_INTERPRETABLE
    assert ev.displacement_verdict.reason == "no_clear_fall"


def test_it_does_not_read_displacement_with_too_few_events():
    ev = evaluate_measure(6, 1, 300, 300, buffer_before=10, buffer_after=12)
    assert ev.effect.verdict.code == TOO_FEW_EVENTS
    assert ev.displacement_verdict.reason == "no_clear_fall"


def test_it_works_without_a_buffer():
    ev = evaluate_measure(207, 110, 308, 318, before_days=365, after_days=365)
    assert ev.displacement is None and ev.displacement_verdict is None
    assert ev.effect.res == relative_effect_size(207, 110, 308, 318).res


def test_it_wants_both_buffer_counts():
    with pytest.raises(ValueError, match="buffer_before and buffer_after"):
        evaluate_measure(207, 110, 308, 318, buffer_before=178)


def test_its_doctests_pass():
    assert doctest.testmod(evaluation, raise_on_error=False).failed == 0


def test_the_difference_in_differences_of_rates_has_a_poisson_interval():
    """Worked by hand: rates 30/56 → 5/56 against 20/56 → 20/56 per day."""
    found = relative_effect_size(30, 5, 20, 20, before_days=56, after_days=56)
    did = (5 - 30) / 56 - (20 - 20) / 56
    se = math.sqrt((30 + 20) / 56**2 + (5 + 20) / 56**2)
    z = stats.norm.ppf(0.975)
    assert found.rate_difference_in_differences == pytest.approx(did)
    assert (found.rate_did_ci_low, found.rate_did_ci_high) == pytest.approx(
        (did - z * se, did + z * se)
    )
    assert found.rate_did_ci_high < 0

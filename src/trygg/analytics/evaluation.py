"""Did a crime-prevention measure work? Before/after with a comparison area.

A measure has a target area and a start date. Counts in the target area and
in a comparison area, before and after the start, give the relative effect
size of Welsh & Farrington (an odds ratio of counts) with a confidence
interval, a z-test and a plain difference in differences of daily rates.
Counts in a buffer around the target give Bowers & Johnson's (2003)
Weighted Displacement Quotient: did crime move round the corner, or did the
benefit spread? Each result carries a verdict code with parameters, for the
interface to put into words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Integral, Real
from statistics import NormalDist
from typing import Final, Literal

__all__ = [
    "DIFFUSION_GREATER_THAN_EFFECT",
    "DISPLACEMENT_GREATER_THAN_EFFECT",
    "DISPLACEMENT_NOT_INTERPRETABLE",
    "FALL_LIKELY_REAL",
    "NO_CLEAR_CHANGE",
    "NO_DISPLACEMENT_OR_DIFFUSION",
    "RISE_LIKELY_REAL",
    "SOME_DIFFUSION",
    "SOME_DISPLACEMENT",
    "TOO_FEW_EVENTS",
    "DisplacementEstimate",
    "EffectEstimate",
    "MeasureEvaluation",
    "Verdict",
    "evaluate_measure",
    "relative_effect_size",
    "weighted_displacement_quotient",
]

FALL_LIKELY_REAL: Final = "fall_likely_real"
RISE_LIKELY_REAL: Final = "rise_likely_real"
NO_CLEAR_CHANGE: Final = "no_clear_change"
TOO_FEW_EVENTS: Final = "too_few_events"

DIFFUSION_GREATER_THAN_EFFECT: Final = "diffusion_greater_than_effect"
SOME_DIFFUSION: Final = "some_diffusion"
NO_DISPLACEMENT_OR_DIFFUSION: Final = "no_displacement_or_diffusion"
SOME_DISPLACEMENT: Final = "some_displacement"
DISPLACEMENT_GREATER_THAN_EFFECT: Final = "displacement_greater_than_effect"
DISPLACEMENT_NOT_INTERPRETABLE: Final = "not_interpretable"

EffectCode = Literal["fall_likely_real", "rise_likely_real", "no_clear_change", "too_few_events"]
DisplacementCode = Literal[
    "diffusion_greater_than_effect",
    "some_diffusion",
    "no_displacement_or_diffusion",
    "some_displacement",
    "displacement_greater_than_effect",
    "not_interpretable",
]
NotInterpretableReason = Literal["no_success", "no_control_events", "no_clear_fall"]

# Haldane (1956) and Anscombe (1956): adding 1/2 to every cell gives a finite
# log odds ratio with a smaller bias than any other constant.
_CONTINUITY_CORRECTION: Final = 0.5


@dataclass(frozen=True)
class Verdict:
    """A verdict for people: a code to translate and the numbers to fill in.

    Attributes
    ----------
    code : str
        One of the module's code constants, e.g. :data:`FALL_LIKELY_REAL`.
    params : dict of str to float
        The numbers the sentence needs; which keys depend on the code and
        are listed in :func:`relative_effect_size` and
        :func:`weighted_displacement_quotient`.
    reason : str or None
        Why a displacement code is :data:`DISPLACEMENT_NOT_INTERPRETABLE`:
        ``"no_success"``, ``"no_control_events"`` or ``"no_clear_fall"``;
        None otherwise.
    """

    code: str
    params: dict[str, float] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True)
class EffectEstimate:
    """Result of :func:`relative_effect_size`.

    Attributes
    ----------
    target_before, target_after, comparison_before, comparison_after : int
        The four counts ``a, b, c, d``.
    before_days, after_days : float
        Lengths of the two periods.
    res : float
        Relative effect size ``(a d) / (b c)``; above 1 means the target
        improved relative to the comparison area.
    log_res, var_log_res : float
        ``ln RES`` and its variance, overdispersion included.
    ci_low, ci_high : float
        Confidence interval of RES.
    percent_change : float
        Change in the target relative to the comparison,
        ``(1 / RES - 1) * 100``; negative is a fall.
    percent_change_ci_low, percent_change_ci_high : float
        The interval of RES on the percentage scale (``ci_high`` gives the
        low end).
    z, p_value : float
        ``ln RES / sqrt(var_log_res)`` and its two-sided normal p-value.
    target_rate_before, target_rate_after : float
        Target counts per day in each period.
    comparison_rate_before, comparison_rate_after : float
        Comparison counts per day in each period.
    rate_difference_in_differences : float
        ``(target_rate_after - target_rate_before) -
        (comparison_rate_after - comparison_rate_before)`` in events per
        day; negative means the target fell by more (or rose by less).
    rate_did_ci_low, rate_did_ci_high : float
        Its confidence interval, from the four counts' Poisson variances
        (``Var(n / t) = n / t²``, times the overdispersion) summed, on the
        normal approximation.
    target_expected_after : float or None
        ``a d / c``, the target count expected after the start had it
        followed the comparison area; None when ``c = 0``.
    overdispersion : float
        Factor the Poisson variance was multiplied by.
    confidence_level : float
        Level of the interval.
    min_events : int
        Fewest events, before and after together, needed in each area.
    continuity_corrected : bool
        Whether 0.5 was added to every cell because one was 0.
    too_few : bool
        A cell is 0 or an area has fewer than ``min_events`` events; the
        numbers are shown but the verdict is :data:`TOO_FEW_EVENTS`.
    verdict : Verdict
        The effect code and its parameters.
    """

    target_before: int
    target_after: int
    comparison_before: int
    comparison_after: int
    before_days: float
    after_days: float
    res: float
    log_res: float
    var_log_res: float
    ci_low: float
    ci_high: float
    percent_change: float
    percent_change_ci_low: float
    percent_change_ci_high: float
    z: float
    p_value: float
    target_rate_before: float
    target_rate_after: float
    comparison_rate_before: float
    comparison_rate_after: float
    rate_difference_in_differences: float
    rate_did_ci_low: float
    rate_did_ci_high: float
    target_expected_after: float | None
    overdispersion: float
    confidence_level: float
    min_events: int
    continuity_corrected: bool
    too_few: bool
    verdict: Verdict


@dataclass(frozen=True)
class DisplacementEstimate:
    """Result of :func:`weighted_displacement_quotient`.

    Measures that need a control ratio are None when a control count is 0.

    Attributes
    ----------
    target_before, target_after : int
        Target area counts ``A0, A1``.
    buffer_before, buffer_after : int
        Buffer area counts ``B0, B1``.
    control_before, control_after : int
        Control area counts ``C0, C1``.
    gross_effect : int
        ``A0 - A1``; positive is a fall in the target.
    net_effect : float or None
        ``A0/C0 - A1/C1``; positive is a fall relative to the control.
    success_measure : float or None
        ``A1/C1 - A0/C0``; negative is success.
    buffer_displacement_measure : float or None
        ``B1/C1 - B0/C0``; positive hints at displacement, negative at
        diffusion of benefits.
    wdq : float or None
        ``buffer_displacement_measure / success_measure``; None unless the
        success measure is negative.
    target_net_effect, buffer_net_effect : float or None
        ``A0 C1/C0 - A1`` and ``B0 C1/C0 - B1``: crimes fewer than expected
        from the control's trend, in the target and in the buffer.
    total_net_effect : float or None
        Their sum, in numbers of crimes; positive is a net reduction.
    verdict : Verdict
        The displacement code; ``reason`` says why when not interpretable.
    """

    target_before: int
    target_after: int
    buffer_before: int
    buffer_after: int
    control_before: int
    control_after: int
    gross_effect: int
    net_effect: float | None
    success_measure: float | None
    buffer_displacement_measure: float | None
    wdq: float | None
    target_net_effect: float | None
    buffer_net_effect: float | None
    total_net_effect: float | None
    verdict: Verdict


@dataclass(frozen=True)
class MeasureEvaluation:
    """Result of :func:`evaluate_measure`.

    Attributes
    ----------
    effect : EffectEstimate
        Target against comparison area.
    displacement : DisplacementEstimate or None
        Buffer against comparison area; None without buffer counts.
    displacement_verdict : Verdict or None
        ``displacement.verdict`` when the effect verdict is
        :data:`FALL_LIKELY_REAL`; otherwise
        :data:`DISPLACEMENT_NOT_INTERPRETABLE` with reason
        ``"no_clear_fall"``. None without buffer counts.
    """

    effect: EffectEstimate
    displacement: DisplacementEstimate | None
    displacement_verdict: Verdict | None


def relative_effect_size(
    target_before: int,
    target_after: int,
    comparison_before: int,
    comparison_after: int,
    *,
    before_days: float = 1.0,
    after_days: float = 1.0,
    overdispersion: float = 1.0,
    confidence_level: float = 0.95,
    min_events: int = 10,
) -> EffectEstimate:
    r"""Relative effect size of a measure against a comparison area, with a verdict.

    Parameters
    ----------
    target_before, target_after : int
        Events in the target area before and after the start (``a, b``).
    comparison_before, comparison_after : int
        Events in the comparison area in the same periods (``c, d``).
    before_days, after_days : float, default 1.0
        Lengths of the periods, shared by both areas; they scale the daily
        rates but cancel in RES.
    overdispersion : float, default 1.0
        Factor :math:`D \ge 1` multiplying the Poisson variance of
        :math:`\ln \mathrm{RES}` (Farrington et al. 2007); 1 is Poisson.
    confidence_level : float, default 0.95
        Level of the interval; the verdict calls a change likely real when
        the whole interval lies on one side of 1.
    min_events : int, default 10
        Fewest events, before and after together, in each area for a
        verdict other than :data:`TOO_FEW_EVENTS`.

    Returns
    -------
    EffectEstimate
        RES, its interval, the percentage change, the z-test, daily rates
        and the verdict.

    Raises
    ------
    ValueError
        Naming the argument, for negative or non-integer counts,
        non-positive or non-finite period lengths, an overdispersion below
        1, a confidence level outside (0, 1) or ``min_events < 1``.

    Notes
    -----
    With counts :math:`a, b` in the target area and :math:`c, d` in the
    comparison area, before and after (Welsh & Farrington 2002; Farrington
    et al. 2007, appendix),

    .. math::

        \mathrm{RES} = \frac{a d}{b c}, \qquad
        \operatorname{Var}(\ln \mathrm{RES}) =
            D \left(\frac1a + \frac1b + \frac1c + \frac1d\right).

    RES = 2 means the comparison area's after/before ratio is twice the
    target's: crime halved in the target while steady in the comparison
    area, or doubled in the comparison area while steady in the target. The
    variance is the delta-method variance of a log odds ratio of four
    independent Poisson counts; Farrington et al. (2007) found recorded
    crime overdispersed and multiplied it by a factor :math:`D` estimated
    from monthly counts, passed here as ``overdispersion``. The interval is
    :math:`\exp(\ln \mathrm{RES} \pm z_{1-\alpha/2}\,\mathrm{SE})` and the
    test :math:`z = \ln \mathrm{RES} / \mathrm{SE}`. The percentage change
    in the target relative to the comparison is :math:`(1/\mathrm{RES} -
    1) \cdot 100`.

    Because both areas share the periods, the period lengths cancel in RES;
    they matter for the daily rates and their difference in differences,
    reported so that a reader sees the counts behind the ratio.

    *Thresholds.* With any count 0 the ratio is 0 or infinite; 0.5 is then
    added to every cell (Haldane 1956) so that the numbers stay finite,
    ``continuity_corrected`` and ``too_few`` are set and no verdict of
    effect is given. The log-normal approximation is poor for small counts,
    so an area with fewer than ``min_events`` events (default 10, before
    and after together) also gives :data:`TOO_FEW_EVENTS`.

    *Verdict parameters.* :data:`FALL_LIKELY_REAL`,
    :data:`RISE_LIKELY_REAL` and :data:`NO_CLEAR_CHANGE` carry
    ``percent_change``, ``percent_change_ci_low``,
    ``percent_change_ci_high``, ``confidence_level`` and ``p_value``;
    :data:`TOO_FEW_EVENTS` carries ``target_events``, ``comparison_events``
    and ``min_events``.

    References
    ----------
    Welsh, B. C., & Farrington, D. P. (2002). *Crime prevention effects of
    closed circuit television: a systematic review*. Home Office Research
    Study 252. London: Home Office.

    Farrington, D. P., Gill, M., Waples, S. J., & Argomaniz, J. (2007). The
    effects of closed-circuit television on crime: meta-analysis of an
    English national quasi-experimental multi-site evaluation. *Journal of
    Experimental Criminology*, 3(1), 21–38.

    Haldane, J. B. S. (1956). The estimation and significance of the
    logarithm of a ratio of frequencies. *Annals of Human Genetics*, 20(4),
    309–311.

    Examples
    --------
    Lancashire's "MOPPIN up Dodge" project (Guerette 2009, appendix D):
    207 crimes before and 110 after in the target area, 308 and 318 in the
    comparison area over the same year-long periods:

    >>> res = relative_effect_size(207, 110, 308, 318, before_days=365, after_days=365)
    >>> round(res.res, 3), round(res.ci_low, 3), round(res.ci_high, 3)
    (1.943, 1.469, 2.569)
    >>> round(res.percent_change, 1)
    -48.5
    >>> res.verdict.code
    'fall_likely_real'

    Five burglaries before and three after is too few to say anything:

    >>> relative_effect_size(5, 3, 40, 41).verdict.code
    'too_few_events'
    """
    a = _as_count(target_before, "target_before")
    b = _as_count(target_after, "target_after")
    c = _as_count(comparison_before, "comparison_before")
    d = _as_count(comparison_after, "comparison_after")
    t0 = _as_days(before_days, "before_days")
    t1 = _as_days(after_days, "after_days")
    if not (isinstance(overdispersion, Real) and math.isfinite(overdispersion)):
        raise ValueError("overdispersion must be a finite number of at least 1")
    if overdispersion < 1.0:
        raise ValueError("overdispersion must be at least 1 (1 is Poisson)")
    if not (isinstance(confidence_level, Real) and 0.0 < confidence_level < 1.0):
        raise ValueError("confidence_level must be between 0 and 1")
    if isinstance(min_events, bool) or not isinstance(min_events, Integral) or min_events < 1:
        raise ValueError("min_events must be a whole number of at least 1")
    dispersion = float(overdispersion)
    level = float(confidence_level)
    minimum = int(min_events)

    corrected = min(a, b, c, d) == 0
    shift = _CONTINUITY_CORRECTION if corrected else 0.0
    ca, cb, cc, cd = a + shift, b + shift, c + shift, d + shift
    log_res = math.log(ca) + math.log(cd) - math.log(cb) - math.log(cc)
    var_log_res = dispersion * (1.0 / ca + 1.0 / cb + 1.0 / cc + 1.0 / cd)
    se = math.sqrt(var_log_res)
    z_crit = NormalDist().inv_cdf(0.5 + level / 2.0)
    res = math.exp(log_res)
    ci_low = math.exp(log_res - z_crit * se)
    ci_high = math.exp(log_res + z_crit * se)
    z = log_res / se
    p_value = math.erfc(abs(z) / math.sqrt(2.0))

    percent_change = _percent(res)
    percent_low = _percent(ci_high)
    percent_high = _percent(ci_low)

    too_few = corrected or (a + b) < minimum or (c + d) < minimum
    if too_few:
        verdict = Verdict(
            TOO_FEW_EVENTS,
            {
                "target_events": float(a + b),
                "comparison_events": float(c + d),
                "min_events": float(minimum),
            },
        )
    else:
        if ci_low > 1.0:
            code: EffectCode = FALL_LIKELY_REAL
        elif ci_high < 1.0:
            code = RISE_LIKELY_REAL
        else:
            code = NO_CLEAR_CHANGE
        verdict = Verdict(
            code,
            {
                "percent_change": percent_change,
                "percent_change_ci_low": percent_low,
                "percent_change_ci_high": percent_high,
                "confidence_level": level,
                "p_value": p_value,
            },
        )

    rate_a, rate_b, rate_c, rate_d = a / t0, b / t1, c / t0, d / t1
    did = (rate_b - rate_a) - (rate_d - rate_c)
    did_se = math.sqrt(dispersion * ((a + c) / t0**2 + (b + d) / t1**2))
    return EffectEstimate(
        target_before=a,
        target_after=b,
        comparison_before=c,
        comparison_after=d,
        before_days=t0,
        after_days=t1,
        res=res,
        log_res=log_res,
        var_log_res=var_log_res,
        ci_low=ci_low,
        ci_high=ci_high,
        percent_change=percent_change,
        percent_change_ci_low=percent_low,
        percent_change_ci_high=percent_high,
        z=z,
        p_value=p_value,
        target_rate_before=rate_a,
        target_rate_after=rate_b,
        comparison_rate_before=rate_c,
        comparison_rate_after=rate_d,
        rate_difference_in_differences=did,
        rate_did_ci_low=did - z_crit * did_se,
        rate_did_ci_high=did + z_crit * did_se,
        target_expected_after=a * d / c if c > 0 else None,
        overdispersion=dispersion,
        confidence_level=level,
        min_events=minimum,
        continuity_corrected=corrected,
        too_few=too_few,
        verdict=verdict,
    )


def weighted_displacement_quotient(
    target_before: int,
    target_after: int,
    buffer_before: int,
    buffer_after: int,
    control_before: int,
    control_after: int,
) -> DisplacementEstimate:
    r"""Bowers & Johnson's Weighted Displacement Quotient and the total net effect.

    Parameters
    ----------
    target_before, target_after : int
        Events in the target area before and after the start (``A0, A1``).
    buffer_before, buffer_after : int
        Events in the buffer around it (``B0, B1``).
    control_before, control_after : int
        Events in the control area (``C0, C1``).

    Returns
    -------
    DisplacementEstimate
        Success and buffer displacement measures, the WDQ, the net effects
        and the displacement verdict.

    Raises
    ------
    ValueError
        Naming the argument, for negative or non-integer counts.

    Notes
    -----
    Bowers & Johnson (2003) compare each area with the control area, which
    absorbs the trend crime would have followed anyway:

    .. math::

        \mathrm{SM} = \frac{A_1}{C_1} - \frac{A_0}{C_0}, \qquad
        \mathrm{BDM} = \frac{B_1}{C_1} - \frac{B_0}{C_0}, \qquad
        \mathrm{WDQ} = \frac{\mathrm{BDM}}{\mathrm{SM}}.

    A negative success measure is a fall in the target relative to the
    control; the WDQ then weighs the buffer's change against it. When
    :math:`\mathrm{SM} \ge 0` the measure did not succeed and the quotient
    means nothing: ``wdq`` is None, the code
    :data:`DISPLACEMENT_NOT_INTERPRETABLE` with reason ``"no_success"``
    (``"no_control_events"`` when a control count is 0). Otherwise
    (Bowers & Johnson 2003; Guerette 2009, appendix C):

    ======================  =========================================
    WDQ > 1                 :data:`DIFFUSION_GREATER_THAN_EFFECT`
    0 < WDQ ≤ 1             :data:`SOME_DIFFUSION`
    WDQ = 0                 :data:`NO_DISPLACEMENT_OR_DIFFUSION`
    −1 ≤ WDQ < 0            :data:`SOME_DISPLACEMENT` (less than the
                            direct effect)
    WDQ < −1                :data:`DISPLACEMENT_GREATER_THAN_EFFECT`
                            (the measure backfired)
    ======================  =========================================

    The bands are decided in exact rational arithmetic, so WDQ = 1 or 0 is
    not lost to rounding. The total net effect (Guerette 2009, appendix B,
    eq. 4) counts the crimes prevented, with the control's after/before
    ratio as the expected trend:

    .. math::

        \mathrm{TNE} = \left(A_0 \frac{C_1}{C_0} - A_1\right)
                     + \left(B_0 \frac{C_1}{C_0} - B_1\right).

    Period lengths cancel in every measure because the three areas share
    the periods. The WDQ has no sampling error of its own; read it only
    when the fall in the target is itself unlikely to be chance
    (:func:`evaluate_measure` does this).

    *Verdict parameters.* ``wdq``, ``success_measure``,
    ``buffer_displacement_measure`` and ``total_net_effect`` when defined.

    References
    ----------
    Bowers, K. J., & Johnson, S. D. (2003). Measuring the geographical
    displacement and diffusion of benefit effects of crime prevention
    activity. *Journal of Quantitative Criminology*, 19(3), 275–301.

    Guerette, R. T. (2009). *Analyzing crime displacement and diffusion*.
    Problem-Oriented Guides for Police, Problem-Solving Tools Series No. 10.
    Washington, DC: Office of Community Oriented Policing Services.

    Examples
    --------
    Lancashire's "MOPPIN up Dodge" (Guerette 2009, appendix D): target
    207 → 110, buffer 178 → 157, control 308 → 318:

    >>> res = weighted_displacement_quotient(207, 110, 178, 157, 308, 318)
    >>> res.gross_effect, round(res.net_effect, 3), res.total_net_effect
    (97, 0.326, 130.5)
    >>> round(res.wdq, 3), res.verdict.code
    (0.258, 'some_diffusion')
    """
    a0 = _as_count(target_before, "target_before")
    a1 = _as_count(target_after, "target_after")
    b0 = _as_count(buffer_before, "buffer_before")
    b1 = _as_count(buffer_after, "buffer_after")
    c0 = _as_count(control_before, "control_before")
    c1 = _as_count(control_after, "control_after")

    counts = (a0, a1, b0, b1, c0, c1)
    if c0 == 0 or c1 == 0:
        no_control = Verdict(DISPLACEMENT_NOT_INTERPRETABLE, {}, "no_control_events")
        return DisplacementEstimate(
            *counts,
            gross_effect=a0 - a1,
            net_effect=None,
            success_measure=None,
            buffer_displacement_measure=None,
            wdq=None,
            target_net_effect=None,
            buffer_net_effect=None,
            total_net_effect=None,
            verdict=no_control,
        )

    sm = Fraction(a1, c1) - Fraction(a0, c0)
    bdm = Fraction(b1, c1) - Fraction(b0, c0)
    trend = Fraction(c1, c0)
    target_net = a0 * trend - a1
    buffer_net = b0 * trend - b1
    params = {
        "success_measure": float(sm),
        "buffer_displacement_measure": float(bdm),
        "total_net_effect": float(target_net + buffer_net),
    }
    wdq: float | None = None
    if sm >= 0:
        verdict = Verdict(DISPLACEMENT_NOT_INTERPRETABLE, params, "no_success")
    else:
        wdq = float(bdm / sm)
        verdict = Verdict(_displacement_code(bdm / sm), {"wdq": wdq, **params})

    return DisplacementEstimate(
        *counts,
        gross_effect=a0 - a1,
        net_effect=float(-sm),
        success_measure=float(sm),
        buffer_displacement_measure=float(bdm),
        wdq=wdq,
        target_net_effect=float(target_net),
        buffer_net_effect=float(buffer_net),
        total_net_effect=params["total_net_effect"],
        verdict=verdict,
    )


def evaluate_measure(
    target_before: int,
    target_after: int,
    comparison_before: int,
    comparison_after: int,
    *,
    buffer_before: int | None = None,
    buffer_after: int | None = None,
    before_days: float = 1.0,
    after_days: float = 1.0,
    overdispersion: float = 1.0,
    confidence_level: float = 0.95,
    min_events: int = 10,
) -> MeasureEvaluation:
    """Effect of a measure and, given a buffer, its displacement or diffusion.

    Parameters
    ----------
    target_before, target_after, comparison_before, comparison_after : int
        As in :func:`relative_effect_size`; the comparison area is the
        control area of the WDQ.
    buffer_before, buffer_after : int, optional
        Events in the buffer around the target; both or neither.
    before_days, after_days, overdispersion, confidence_level, min_events
        As in :func:`relative_effect_size`.

    Returns
    -------
    MeasureEvaluation
        The effect, the displacement measures and the displacement verdict.

    Raises
    ------
    ValueError
        As :func:`relative_effect_size` and
        :func:`weighted_displacement_quotient`, or when only one buffer
        count is given.

    Notes
    -----
    Displacement and diffusion are measured relative to the direct effect,
    so the displacement verdict is given only when the effect verdict is
    :data:`FALL_LIKELY_REAL`; otherwise it is
    :data:`DISPLACEMENT_NOT_INTERPRETABLE` with reason ``"no_clear_fall"``,
    and the WDQ, if any, is still in ``displacement`` for the analyst.

    References
    ----------
    See :func:`relative_effect_size` and :func:`weighted_displacement_quotient`.

    Examples
    --------
    >>> ev = evaluate_measure(207, 110, 308, 318, buffer_before=178, buffer_after=157)
    >>> ev.effect.verdict.code, ev.displacement_verdict.code
    ('fall_likely_real', 'some_diffusion')

    A fall of 30 to 22 against a steady comparison area is within chance,
    so a large WDQ is not read:

    >>> ev = evaluate_measure(30, 22, 300, 300, buffer_before=40, buffer_after=25)
    >>> ev.effect.verdict.code, round(ev.displacement.wdq, 2)
    ('no_clear_change', 1.88)
    >>> ev.displacement_verdict.code, ev.displacement_verdict.reason
    ('not_interpretable', 'no_clear_fall')
    """
    if (buffer_before is None) != (buffer_after is None):
        raise ValueError("buffer_before and buffer_after must be given together")
    effect = relative_effect_size(
        target_before,
        target_after,
        comparison_before,
        comparison_after,
        before_days=before_days,
        after_days=after_days,
        overdispersion=overdispersion,
        confidence_level=confidence_level,
        min_events=min_events,
    )
    if buffer_before is None or buffer_after is None:
        return MeasureEvaluation(effect=effect, displacement=None, displacement_verdict=None)

    displacement = weighted_displacement_quotient(
        target_before,
        target_after,
        buffer_before,
        buffer_after,
        comparison_before,
        comparison_after,
    )
    if effect.verdict.code == FALL_LIKELY_REAL:
        displacement_verdict = displacement.verdict
    else:
        displacement_verdict = Verdict(
            DISPLACEMENT_NOT_INTERPRETABLE, dict(displacement.verdict.params), "no_clear_fall"
        )
    return MeasureEvaluation(
        effect=effect, displacement=displacement, displacement_verdict=displacement_verdict
    )


def _displacement_code(wdq: Fraction) -> DisplacementCode:
    if wdq > 1:
        return DIFFUSION_GREATER_THAN_EFFECT
    if wdq > 0:
        return SOME_DIFFUSION
    if wdq == 0:
        return NO_DISPLACEMENT_OR_DIFFUSION
    if wdq >= -1:
        return SOME_DISPLACEMENT
    return DISPLACEMENT_GREATER_THAN_EFFECT


def _percent(res: float) -> float:
    return (1.0 / res - 1.0) * 100.0


def _as_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a count (a non-negative whole number)")
    if isinstance(value, Integral):
        count = int(value)
    else:
        number = float(value)
        if not math.isfinite(number) or not number.is_integer():
            raise ValueError(f"{name} must be a whole number, not {value!r}")
        count = int(number)
    if count < 0:
        raise ValueError(f"{name} must not be negative")
    return count


def _as_days(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a positive number of days")
    days = float(value)
    if not math.isfinite(days) or days <= 0.0:
        raise ValueError(f"{name} must be positive and finite")
    return days

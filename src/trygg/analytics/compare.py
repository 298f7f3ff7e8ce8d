"""Period comparison of event counts: is this a rise, a fall, or a wobble?

Counts per area × category in this period are compared with the previous
period and with the same period last year by an exact test for two Poisson
counts, so that a random wobble in a small number is not called a rise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

# scipy ships no type hints; scipy-stubs is not among the dependencies (yet).
from scipy.stats import (  # type: ignore[import-untyped, unused-ignore]
    binomtest,
    false_discovery_control,
    poisson_means_test,
)

__all__ = [
    "FALL",
    "NO_CLEAR_CHANGE",
    "RISE",
    "TOO_FEW_EVENTS",
    "PeriodComparison",
    "RateComparison",
    "compare_periods",
    "compare_rates",
]

RISE: Final = "rise"
FALL: Final = "fall"
NO_CLEAR_CHANGE: Final = "no clear change"
TOO_FEW_EVENTS: Final = "too few events"

Method = Literal["exact-conditional", "etest"]


@dataclass(frozen=True)
class RateComparison:
    """Result of :func:`compare_rates`; every array has the broadcast shape.

    Attributes
    ----------
    current, reference : ndarray of int64
        The counts compared.
    current_exposure, reference_exposure : ndarray of float64
        Their exposures (e.g. period lengths in days).
    rate_ratio : ndarray of float64
        ``(current / current_exposure) / (reference / reference_exposure)``;
        ``inf`` when only the reference is 0, NaN when both are.
    ci_low, ci_high : ndarray of float64
        Exact (Clopper–Pearson based) confidence interval of the rate ratio.
    p_value : ndarray of float64
        Two-sided p-value; 1 where both counts are 0.
    q_value : ndarray of float64
        Benjamini–Hochberg adjusted p-value over the cells with enough
        events; NaN for the others.
    significant : ndarray of bool
        ``q_value <= alpha`` (or ``p_value <= alpha`` with ``fdr=False``),
        never for cells with too few events.
    classification : ndarray of str
        :data:`RISE`, :data:`FALL`, :data:`NO_CLEAR_CHANGE` or
        :data:`TOO_FEW_EVENTS`.
    method : {"exact-conditional", "etest"}
        The test that gave ``p_value``.
    alpha, confidence_level : float
        Significance level and confidence level used.
    min_events : int
        Fewest events (both periods together) for a cell to be tested.
    fdr : bool
        Whether ``significant`` uses the adjusted ``q_value``.
    """

    current: NDArray[np.int64]
    reference: NDArray[np.int64]
    current_exposure: NDArray[np.float64]
    reference_exposure: NDArray[np.float64]
    rate_ratio: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    p_value: NDArray[np.float64]
    q_value: NDArray[np.float64]
    significant: NDArray[np.bool_]
    classification: NDArray[np.str_]
    method: Method
    alpha: float
    confidence_level: float
    min_events: int
    fdr: bool


@dataclass(frozen=True)
class PeriodComparison:
    """Result of :func:`compare_periods`.

    Attributes
    ----------
    vs_previous : RateComparison
        This period against the period before it.
    vs_last_year : RateComparison
        This period against the same period a year earlier.
    """

    vs_previous: RateComparison
    vs_last_year: RateComparison


def compare_rates(
    current: ArrayLike,
    reference: ArrayLike,
    *,
    current_exposure: ArrayLike = 1.0,
    reference_exposure: ArrayLike = 1.0,
    method: Method = "exact-conditional",
    alpha: float = 0.05,
    confidence_level: float = 0.95,
    min_events: int = 6,
    fdr: bool = True,
) -> RateComparison:
    r"""Compare two Poisson counts per cell: rate ratio, exact test, classification.

    Vectorised over arrays of areas × categories (any broadcastable shapes).

    Parameters
    ----------
    current, reference : array_like of int
        Event counts in this period and in the reference period.
    current_exposure, reference_exposure : array_like of float, default 1.0
        Exposure of each count, e.g. the period lengths in days; only their
        ratio matters. Must be positive.
    method : {"exact-conditional", "etest"}, default "exact-conditional"
        ``"exact-conditional"`` is the conditional binomial test (the
        "C-test", Przyborowski & Wilenski 1940); ``"etest"`` is the E-test of
        Krishnamoorthy & Thomson (2004) through
        :func:`scipy.stats.poisson_means_test`.
    alpha : float, default 0.05
        Significance level (false discovery rate with ``fdr=True``).
    confidence_level : float, default 0.95
        Level of the rate-ratio confidence interval.
    min_events : int, default 6
        Cells with ``current + reference < min_events`` are classified
        :data:`TOO_FEW_EVENTS` and left out of the test family.
    fdr : bool, default True
        Classify by the Benjamini–Hochberg adjusted p-values (controls the
        share of false "rise"/"fall" calls across all cells) rather than the
        raw ones.

    Returns
    -------
    RateComparison
        Rate ratios, intervals, p- and q-values and a classification per cell.

    Raises
    ------
    ValueError
        On negative or non-integer counts, non-positive exposures, shapes
        that do not broadcast, or an unknown method.

    Notes
    -----
    Let :math:`n_1 \sim \text{Poisson}(\lambda_1 e_1)` and :math:`n_2 \sim
    \text{Poisson}(\lambda_2 e_2)` be the counts with exposures :math:`e_1,
    e_2`. Given the total :math:`n = n_1 + n_2`,

    .. math::

        n_1 \mid n \sim \text{Binomial}\left(n,\; \pi\right), \qquad
        \pi = \frac{\lambda_1 e_1}{\lambda_1 e_1 + \lambda_2 e_2},

    and under :math:`H_0: \lambda_1 = \lambda_2` the success probability is
    :math:`\pi_0 = e_1 / (e_1 + e_2)` whatever the common rate, so the test is
    exact (Przyborowski & Wilenski 1940). The two-sided p-value is that of
    :func:`scipy.stats.binomtest`: the total probability of all outcomes no
    more likely than the observed one. The rate ratio
    :math:`\rho = \lambda_1 / \lambda_2` is a monotone function of
    :math:`\pi`,

    .. math::

        \rho = \frac{\pi}{1 - \pi} \cdot \frac{e_2}{e_1},

    so the Clopper–Pearson interval :math:`[\pi_L, \pi_U]` for :math:`\pi`
    maps to an exact interval :math:`[\rho(\pi_L), \rho(\pi_U)]` for the rate
    ratio; :math:`\pi_U = 1` (no reference events) gives an infinite upper
    limit. The same interval is reported with ``method="etest"``, whose
    p-value comes from the E-test and may disagree with it at the margin.

    *Thresholds.* A cell is :data:`TOO_FEW_EVENTS` when ``n < min_events``.
    The default 6 is the smallest total for which the two-sided exact test
    can reach 5 % at all with equal exposures (``2 × 0.5**5 = 0.0625``, but
    ``2 × 0.5**6 = 0.031``). Because the conditional test conditions on
    :math:`n`, leaving those cells out of the Benjamini–Hochberg family does
    not bias the others (Tarone 1990). Otherwise a cell is a :data:`RISE`
    (or :data:`FALL`) when it is significant and the rate ratio is above
    (below) 1, and :data:`NO_CLEAR_CHANGE` when it is not significant.

    Each unique (count, count, exposure share) combination is tested once
    and the result reused, so large tables of small counts are cheap.

    References
    ----------
    Przyborowski, J., & Wilenski, H. (1940). Homogeneity of results in
    testing samples from Poisson series. *Biometrika*, 31(3/4), 313–323.

    Krishnamoorthy, K., & Thomson, J. (2004). A more powerful test for
    comparing two Poisson means. *Journal of Statistical Planning and
    Inference*, 119(1), 23–35.

    Clopper, C. J., & Pearson, E. S. (1934). The use of confidence or
    fiducial limits illustrated in the case of the binomial. *Biometrika*,
    26(4), 404–413.

    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery
    rate. *Journal of the Royal Statistical Society, Series B*, 57(1),
    289–300.

    Tarone, R. E. (1990). A modified Bonferroni method for discrete data.
    *Biometrics*, 46(2), 515–522.

    Examples
    --------
    Three areas, this month against last month:

    >>> res = compare_rates([30, 14, 3], [12, 11, 1])
    >>> res.classification
    array(['rise', 'no clear change', 'too few events'], dtype='<U15')
    >>> res.rate_ratio.round(2)
    array([2.5 , 1.27, 3.  ])
    >>> float(res.p_value[0].round(4))
    0.0079

    A week against the four weeks before it:

    >>> res = compare_rates(12, 20, current_exposure=7, reference_exposure=28)
    >>> float(res.rate_ratio), str(res.classification)
    (2.4, 'rise')
    """
    if method not in ("exact-conditional", "etest"):
        raise ValueError("method must be 'exact-conditional' or 'etest'")
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must be between 0 and 1")
    if not 0.0 < confidence_level < 1.0:
        raise ValueError("confidence_level must be between 0 and 1")
    if min_events < 1:
        raise ValueError("min_events must be at least 1")

    n1 = _as_counts(current, "current")
    n2 = _as_counts(reference, "reference")
    e1 = _as_exposure(current_exposure, "current_exposure")
    e2 = _as_exposure(reference_exposure, "reference_exposure")
    try:
        n1, n2, e1, e2 = np.broadcast_arrays(n1, n2, e1, e2)
    except ValueError as exc:
        raise ValueError(f"counts and exposures do not broadcast: {exc}") from None
    shape = n1.shape

    share = e1 / (e1 + e2)
    keys = np.column_stack([n1.ravel(), n2.ravel(), share.ravel()]).astype(np.float64)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)

    u_p = np.empty(unique.shape[0])
    u_low = np.empty(unique.shape[0])
    u_high = np.empty(unique.shape[0])
    for row, (k1f, k2f, pi0) in enumerate(unique):
        k1, k2 = int(k1f), int(k2f)
        u_p[row], u_low[row], u_high[row] = _test_one(k1, k2, float(pi0), method, confidence_level)

    p_value = u_p[inverse].reshape(shape)
    pi_low = u_low[inverse].reshape(shape)
    pi_high = u_high[inverse].reshape(shape)

    odds_scale = e2 / e1
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_ratio = (n1 / e1) / (n2 / e2)
        ci_low = pi_low / (1.0 - pi_low) * odds_scale
        ci_high = np.where(pi_high >= 1.0, np.inf, pi_high / (1.0 - pi_high) * odds_scale)
    rate_ratio = np.where((n1 == 0) & (n2 == 0), np.nan, rate_ratio)

    tested = (n1 + n2) >= min_events
    q_value = np.full(shape, np.nan)
    if np.any(tested):
        q_value[tested] = false_discovery_control(p_value[tested], method="bh")
    decisive = q_value if fdr else p_value
    significant = tested & (decisive <= alpha)

    classification = np.full(shape, NO_CLEAR_CHANGE, dtype="<U15")
    classification[significant & (rate_ratio > 1.0)] = RISE
    classification[significant & (rate_ratio < 1.0)] = FALL
    classification[~tested] = TOO_FEW_EVENTS

    return RateComparison(
        current=n1.astype(np.int64),
        reference=n2.astype(np.int64),
        current_exposure=e1.astype(np.float64),
        reference_exposure=e2.astype(np.float64),
        rate_ratio=rate_ratio.astype(np.float64),
        ci_low=ci_low.astype(np.float64),
        ci_high=ci_high.astype(np.float64),
        p_value=p_value.astype(np.float64),
        q_value=q_value.astype(np.float64),
        significant=significant,
        classification=classification,
        method=method,
        alpha=alpha,
        confidence_level=confidence_level,
        min_events=min_events,
        fdr=fdr,
    )


def compare_periods(
    current: ArrayLike,
    previous: ArrayLike,
    last_year: ArrayLike,
    *,
    current_days: ArrayLike = 1.0,
    previous_days: ArrayLike | None = None,
    last_year_days: ArrayLike | None = None,
    method: Method = "exact-conditional",
    alpha: float = 0.05,
    confidence_level: float = 0.95,
    min_events: int = 6,
    fdr: bool = True,
) -> PeriodComparison:
    """Compare this period with the previous one and with the same period last year.

    Parameters
    ----------
    current, previous, last_year : array_like of int
        Counts per area × category in this period, the period before it and
        the same period a year earlier (broadcastable shapes).
    current_days : array_like of float, default 1.0
        Length of this period; only ratios of lengths matter.
    previous_days, last_year_days : array_like of float, optional
        Lengths of the reference periods; default ``current_days``.
    method, alpha, confidence_level, min_events, fdr
        As in :func:`compare_rates`.

    Returns
    -------
    PeriodComparison
        ``vs_previous`` and ``vs_last_year``, each a :class:`RateComparison`.

    Notes
    -----
    Each comparison is its own family for the false discovery rate: they
    answer different questions ("is it rising now?" and "is it higher than a
    year ago, season for season?") and are read separately. The test and
    its thresholds are those of :func:`compare_rates`.

    References
    ----------
    See :func:`compare_rates`.

    Examples
    --------
    Two areas over four weeks. The first doubled since the previous four
    weeks but is where it was a year ago; the second tripled since last year,
    but 3 → 9 is still within what chance produces:

    >>> res = compare_periods([48, 9], [24, 10], [44, 3], current_days=28)
    >>> res.vs_previous.classification
    array(['rise', 'no clear change'], dtype='<U15')
    >>> res.vs_last_year.classification
    array(['no clear change', 'no clear change'], dtype='<U15')
    >>> res.vs_last_year.p_value.round(3)
    array([0.755, 0.146])
    """
    previous_len = current_days if previous_days is None else previous_days
    last_year_len = current_days if last_year_days is None else last_year_days
    vs_previous = compare_rates(
        current,
        previous,
        current_exposure=current_days,
        reference_exposure=previous_len,
        method=method,
        alpha=alpha,
        confidence_level=confidence_level,
        min_events=min_events,
        fdr=fdr,
    )
    vs_last_year = compare_rates(
        current,
        last_year,
        current_exposure=current_days,
        reference_exposure=last_year_len,
        method=method,
        alpha=alpha,
        confidence_level=confidence_level,
        min_events=min_events,
        fdr=fdr,
    )
    return PeriodComparison(vs_previous=vs_previous, vs_last_year=vs_last_year)


def _test_one(
    k1: int, k2: int, pi0: float, method: Method, confidence_level: float
) -> tuple[float, float, float]:
    """Two-sided p-value and Clopper–Pearson limits of π for one pair of counts."""
    n = k1 + k2
    if n == 0:
        return 1.0, 0.0, 1.0
    binomial = binomtest(k1, n, pi0, alternative="two-sided")
    ci = binomial.proportion_ci(confidence_level=confidence_level, method="exact")
    if method == "etest":
        # The E-test depends on the exposures only through their ratio.
        p = float(poisson_means_test(k1, pi0, k2, 1.0 - pi0).pvalue)
    else:
        p = float(binomial.pvalue)
    return min(p, 1.0), float(ci.low), float(ci.high)


def _as_counts(values: ArrayLike, name: str) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be counts (non-negative integers)")
    as_float = arr.astype(np.float64)
    if not np.all(np.isfinite(as_float)) or np.any(as_float < 0):
        raise ValueError(f"{name} must be counts (non-negative integers)")
    if np.any(as_float != np.round(as_float)):
        raise ValueError(f"{name} must be whole numbers")
    return arr.astype(np.int64)


def _as_exposure(values: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be positive and finite")
    return arr

"""Accuracy of a hotspot map against the events of the next period.

A hotspot map is a boolean mask over grid cells (or areas), or a ranked
score from which the top cells covering a chosen share of the area are
taken. It is judged by the events that happen afterwards: the hit rate, the
Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008) and the Recapture
Rate Index (Levine 2008).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "HotspotAccuracy",
    "PAICurve",
    "hit_rate",
    "hotspot_accuracy",
    "hotspot_from_score",
    "pai",
    "pai_curve",
    "rri",
]

# Area shares such as 0.1 × 1000 cells are not exact in binary; a share is
# reached when the cumulative area is within this relative distance of it.
_SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class HotspotAccuracy:
    """Result of :func:`hotspot_accuracy`.

    Attributes
    ----------
    n_hit : float
        Events of the evaluation period inside the hotspot (``n``).
    n_total : float
        Events of the evaluation period in all cells (``N``).
    area_hotspot : float
        Area of the hotspot (``a``).
    area_total : float
        Area of the study region (``A``).
    hit_rate : float
        ``n / N``; NaN when ``N = 0``.
    pai : float
        ``(n / N) / (a / A)``; NaN when ``N = 0``.
    rri : float
        ``(n2 / n1) / (N2 / N1)`` against the period the hotspot was built
        from; NaN when that period's counts were not given or a denominator
        is 0.
    """

    n_hit: float
    n_total: float
    area_hotspot: float
    area_total: float
    hit_rate: float
    pai: float
    rri: float


@dataclass(frozen=True)
class PAICurve:
    """Result of :func:`pai_curve`; one entry per requested area share.

    Attributes
    ----------
    area_share : ndarray of float64
        The requested shares.
    area_share_achieved : ndarray of float64
        The share of area actually covered by the selected cells (at least
        the requested one).
    n_cells : ndarray of int64
        Number of cells selected.
    hit_rate : ndarray of float64
        Share of the events in the selected cells.
    pai : ndarray of float64
        ``hit_rate / area_share_achieved``.
    """

    area_share: NDArray[np.float64]
    area_share_achieved: NDArray[np.float64]
    n_cells: NDArray[np.int64]
    hit_rate: NDArray[np.float64]
    pai: NDArray[np.float64]


def hotspot_accuracy(
    hotspot: ArrayLike,
    counts: ArrayLike,
    *,
    cell_area: ArrayLike | None = None,
    counts_before: ArrayLike | None = None,
) -> HotspotAccuracy:
    r"""Hit rate, PAI and RRI of a hotspot mask against next period's events.

    Parameters
    ----------
    hotspot : array_like of bool
        Cells of the hotspot map (any shape, e.g. a grid).
    counts : array_like of float
        Events per cell in the evaluation period (the period after the map
        was made), same shape.
    cell_area : array_like of float, optional
        Area of each cell, same shape; cells of area 0 lie outside the study
        region and never count as hotspot, their events count towards
        :math:`N` only. Default: every cell has the same area.
    counts_before : array_like of float, optional
        Events per cell in the period the hotspot was built from; needed for
        the RRI.

    Returns
    -------
    HotspotAccuracy
        The counts, areas and the three measures.

    Raises
    ------
    ValueError
        If the hotspot has no area, the study region has no area, shapes
        differ, or counts or areas are negative or not finite.

    See Also
    --------
    hit_rate, pai, rri : the measures one at a time.
    pai_curve : the PAI of a ranked score over many area shares.

    Notes
    -----
    With :math:`n` of the :math:`N` events of the evaluation period inside
    the hotspot, of area :math:`a` in a study region of area :math:`A`,

    .. math::

        \text{hit rate} = \frac{n}{N}, \qquad
        \mathrm{PAI} = \frac{n / N}{a / A}
        \quad\text{(Chainey, Tompson \& Uhlig 2008)}.

    A PAI of 1 is what a hotspot drawn at random would score; 5 means the
    hotspot holds five times its area share of the events. With
    :math:`n_1, N_1` the same counts in the period the hotspot was built
    from and :math:`n_2, N_2` those of the evaluation period,

    .. math::

        \mathrm{RRI} = \frac{n_2 / n_1}{N_2 / N_1}
        \quad\text{(Levine 2008)},

    the ratio of the hotspot's share of events afterwards to its share
    before: 1 when the hotspot keeps its share, which corrects the PAI for a
    change in the total number of events.

    Undefined values are NaN, not errors: the hit rate and PAI when
    :math:`N = 0` (no events to judge by), the RRI when :math:`n_1`,
    :math:`N_1` or :math:`N_2` is 0. A hotspot of area 0 is an error, since
    it is not a hotspot map at all.

    References
    ----------
    Chainey, S., Tompson, L., & Uhlig, S. (2008). The utility of hotspot
    mapping for predicting spatial patterns of crime. *Security Journal*,
    21(1–2), 4–28.

    Levine, N. (2008). The "hottest" part of a hotspot: comments on "The
    utility of hotspot mapping for predicting spatial patterns of crime".
    *Security Journal*, 21(4), 295–302.

    Examples
    --------
    One cell in ten holds half of next month's events:

    >>> import numpy as np
    >>> hotspot = np.zeros(10, dtype=bool)
    >>> hotspot[0] = True
    >>> counts = np.array([10, 2, 1, 1, 1, 1, 1, 1, 1, 1])
    >>> res = hotspot_accuracy(hotspot, counts)
    >>> res.hit_rate, res.pai
    (0.5, 5.0)

    It held 8 of 40 events the month before, and 10 of 20 now:

    >>> before = np.array([8, 4, 4, 4, 4, 4, 3, 3, 3, 3])
    >>> hotspot_accuracy(hotspot, counts, counts_before=before).rri
    2.5
    """
    mask, events, area = _prepare(hotspot, counts, cell_area)
    mask = mask & (area > 0)
    n_hit = float(events[mask].sum())
    n_total = float(events.sum())
    a = float(area[mask].sum())
    total_area = float(area.sum())
    if total_area <= 0:
        raise ValueError("the study region has no area")
    if a <= 0:
        raise ValueError("the hotspot has no area")
    rate = n_hit / n_total if n_total > 0 else float("nan")
    accuracy_index = rate / (a / total_area)

    recapture = float("nan")
    if counts_before is not None:
        before = _as_counts(counts_before, "counts_before", mask.shape)
        n1 = float(before[mask].sum())
        total_before = float(before.sum())
        if n1 > 0 and total_before > 0 and n_total > 0:
            recapture = (n_hit / n1) / (n_total / total_before)

    return HotspotAccuracy(
        n_hit=n_hit,
        n_total=n_total,
        area_hotspot=a,
        area_total=total_area,
        hit_rate=rate,
        pai=accuracy_index,
        rri=recapture,
    )


def hit_rate(hotspot: ArrayLike, counts: ArrayLike) -> float:
    """Share of the events that fall in the hotspot cells.

    Parameters
    ----------
    hotspot : array_like of bool
        Cells of the hotspot map.
    counts : array_like of float
        Events per cell, same shape.

    Returns
    -------
    float
        ``n / N``; NaN when there are no events.

    See Also
    --------
    hotspot_accuracy : for the method, edge cases and references.

    Examples
    --------
    >>> hit_rate([True, False, False, False], [3, 1, 0, 0])
    0.75
    """
    mask, events, _ = _prepare(hotspot, counts, None)
    total = float(events.sum())
    return float(events[mask].sum()) / total if total > 0 else float("nan")


def pai(hotspot: ArrayLike, counts: ArrayLike, *, cell_area: ArrayLike | None = None) -> float:
    """Predictive Accuracy Index ``(n / N) / (a / A)`` (Chainey et al. 2008).

    Parameters
    ----------
    hotspot : array_like of bool
        Cells of the hotspot map.
    counts : array_like of float
        Events per cell in the evaluation period, same shape.
    cell_area : array_like of float, optional
        Area of each cell; default equal areas.

    Returns
    -------
    float
        The PAI; NaN when there are no events.

    Raises
    ------
    ValueError
        If the hotspot has no area.

    See Also
    --------
    hotspot_accuracy : for the method, edge cases and references.

    Examples
    --------
    Half the events in a tenth of the area:

    >>> pai([True] + [False] * 9, [5, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    5.0
    """
    return hotspot_accuracy(hotspot, counts, cell_area=cell_area).pai


def rri(hotspot: ArrayLike, counts_before: ArrayLike, counts_after: ArrayLike) -> float:
    """Recapture Rate Index ``(n2 / n1) / (N2 / N1)`` (Levine 2008).

    Parameters
    ----------
    hotspot : array_like of bool
        Cells of the hotspot map.
    counts_before : array_like of float
        Events per cell in the period the hotspot was built from.
    counts_after : array_like of float
        Events per cell in the evaluation period.

    Returns
    -------
    float
        The RRI; NaN when ``n1``, ``N1`` or ``N2`` is 0.

    See Also
    --------
    hotspot_accuracy : for the method, edge cases and references.

    Examples
    --------
    The hotspot held 40 of 100 events, then 30 of 60:

    >>> rri([True, False], [40, 60], [30, 30])
    1.25
    """
    return hotspot_accuracy(hotspot, counts_after, counts_before=counts_before).rri


def hotspot_from_score(
    score: ArrayLike, area_share: float, *, cell_area: ArrayLike | None = None
) -> NDArray[np.bool_]:
    """The highest-scoring cells that together cover a share of the area.

    Parameters
    ----------
    score : array_like of float
        Risk score per cell (e.g. a KDE surface); higher is hotter. NaN
        scores rank last.
    area_share : float
        Share of the study area to cover, in (0, 1].
    cell_area : array_like of float, optional
        Area of each cell; cells of area 0 are never selected. Default
        equal areas.

    Returns
    -------
    ndarray of bool
        The hotspot mask, same shape as ``score``.

    See Also
    --------
    pai_curve : for the selection rule.

    Examples
    --------
    >>> hotspot_from_score([0.1, 0.9, 0.5, 0.3], 0.5)
    array([False,  True,  True, False])
    """
    scores, area = _prepare_score(score, cell_area)
    order, cum_area = _ranking(scores, area)
    k = _cells_for_shares(np.array([_check_share(area_share)]), cum_area)[0]
    flat = np.zeros(scores.size, dtype=bool)
    flat[order[:k]] = True
    return flat.reshape(scores.shape)


def pai_curve(
    score: ArrayLike,
    counts: ArrayLike,
    area_shares: ArrayLike,
    *,
    cell_area: ArrayLike | None = None,
) -> PAICurve:
    r"""Hit rate and PAI of a ranked score over a range of area shares.

    Parameters
    ----------
    score : array_like of float
        Risk score per cell; higher is hotter. NaN scores rank last.
    counts : array_like of float
        Events per cell in the evaluation period, same shape.
    area_shares : array_like of float
        Shares of the study area in (0, 1], e.g. ``np.linspace(0.01, 0.2, 20)``.
    cell_area : array_like of float, optional
        Area of each cell; cells of area 0 are never selected and their
        events count towards :math:`N` only. Default equal areas.

    Returns
    -------
    PAICurve
        Achieved share, number of cells, hit rate and PAI per requested share.

    Raises
    ------
    ValueError
        On a share outside (0, 1], mismatched shapes, or no area at all.

    Notes
    -----
    Cells are ranked by descending score; ties keep the cells' order in the
    flattened (row-major) array, which makes the result reproducible (add a
    tiny random jitter first for random tie-breaking). For share :math:`s`
    the hotspot is the shortest run of top-ranked cells whose area reaches
    :math:`sA`, so the area covered is at least the requested share; the PAI
    uses the share actually covered, :math:`a/A`, not the requested one. The
    hit rate and PAI are NaN when there are no events. The whole curve costs
    one sort and two cumulative sums.

    References
    ----------
    Chainey, S., Tompson, L., & Uhlig, S. (2008). The utility of hotspot
    mapping for predicting spatial patterns of crime. *Security Journal*,
    21(1–2), 4–28.

    Examples
    --------
    >>> import numpy as np
    >>> score = np.array([0.9, 0.8, 0.1, 0.2, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0])
    >>> counts = np.array([6, 2, 0, 1, 1, 0, 0, 0, 0, 0])
    >>> curve = pai_curve(score, counts, [0.1, 0.2, 0.5, 1.0])
    >>> curve.hit_rate
    array([0.6, 0.8, 1. , 1. ])
    >>> curve.pai
    array([6., 4., 2., 1.])
    """
    scores, area = _prepare_score(score, cell_area)
    events = _as_counts(counts, "counts", scores.shape).ravel()
    shares = np.atleast_1d(np.asarray(area_shares, dtype=np.float64))
    if shares.ndim != 1:
        raise ValueError("area_shares must be one-dimensional")
    for share in shares:
        _check_share(float(share))

    order, cum_area = _ranking(scores, area)
    k = _cells_for_shares(shares, cum_area)
    cum_events = np.cumsum(events[order])
    total_events = float(events.sum())
    total_area = float(cum_area[-1])

    achieved = cum_area[k - 1] / total_area
    with np.errstate(divide="ignore", invalid="ignore"):
        hits = (
            cum_events[k - 1] / total_events if total_events > 0 else np.full(shares.shape, np.nan)
        )
    return PAICurve(
        area_share=shares,
        area_share_achieved=achieved.astype(np.float64),
        n_cells=k.astype(np.int64),
        hit_rate=np.asarray(hits, dtype=np.float64),
        pai=np.asarray(hits / achieved, dtype=np.float64),
    )


def _prepare(
    hotspot: ArrayLike, counts: ArrayLike, cell_area: ArrayLike | None
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    raw = np.asarray(hotspot)
    if raw.dtype != np.bool_:
        raise ValueError("hotspot must be a boolean mask (use hotspot_from_score for a score)")
    events = _as_counts(counts, "counts", raw.shape)
    area = _as_area(cell_area, raw.shape)
    return raw, events, area


def _prepare_score(
    score: ArrayLike, cell_area: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    scores = np.asarray(score, dtype=np.float64)
    if scores.size == 0:
        raise ValueError("score is empty")
    area = _as_area(cell_area, scores.shape)
    if float(area.sum()) <= 0:
        raise ValueError("the study region has no area")
    return scores, area


def _as_counts(values: ArrayLike, name: str, shape: tuple[int, ...]) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative and finite")
    return arr


def _as_area(values: ArrayLike | None, shape: tuple[int, ...]) -> NDArray[np.float64]:
    if values is None:
        return np.ones(shape, dtype=np.float64)
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != shape:
        raise ValueError(f"cell_area has shape {arr.shape}, expected {shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("cell_area must be non-negative and finite")
    return arr


def _check_share(share: float) -> float:
    if not 0.0 < share <= 1.0:
        raise ValueError("area shares must be in (0, 1]")
    return share


def _ranking(
    scores: NDArray[np.float64], area: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Cells inside the region by descending score (stable) and their cumulative area."""
    flat_scores = scores.ravel()
    flat_area = area.ravel()
    inside = np.flatnonzero(flat_area > 0)
    key = np.where(np.isnan(flat_scores[inside]), -np.inf, flat_scores[inside])
    order = inside[np.argsort(-key, kind="stable")]
    return order.astype(np.intp), np.cumsum(flat_area[order])


def _cells_for_shares(
    shares: NDArray[np.float64], cum_area: NDArray[np.float64]
) -> NDArray[np.intp]:
    """Fewest top cells whose cumulative area reaches each share of the total."""
    total = cum_area[-1]
    targets = shares * total * (1.0 - _SHARE_TOLERANCE)
    k = np.searchsorted(cum_area, targets, side="left") + 1
    return np.asarray(np.minimum(k, cum_area.shape[0]), dtype=np.intp)

r"""Local Moran's :math:`I_i` (LISA) on areas with spatial weights.

Local Moran's :math:`I_i` tells, for every area, whether its value resembles
its neighbours' (high among high, low among low: a cluster) or stands out
(high among low, low among high: an outlier), and how surprising that is.
Areas may be anything with a weights matrix: districts, police areas, grid
cells (:func:`grid_contiguity`), or areas given by an adjacency list
(:func:`weights_from_adjacency`).

The statistic and quadrants equal PySAL's ``esda.Moran_Local``, and the
analytical moments are Anselin's (esda's ``EI`` and ``VI``), checked to 1e-9
on the Columbus data; see :func:`local_moran` for the one scaling to mind.

References
----------
.. [1] Anselin, L. (1995). Local indicators of spatial association - LISA.
   *Geographical Analysis* 27(2), 93-115.
   doi:10.1111/j.1538-4632.1995.tb00338.x
.. [2] Sokal, R. R., Oden, N. L. and Thomson, B. A. (1998). Local spatial
   autocorrelation in a biological model. *Geographical Analysis* 30(4),
   331-354 (the moments, eqs. A3 and A4).
.. [3] Rey, S. J. and Anselin, L. (2007). PySAL: A Python library of spatial
   analytical methods. *The Review of Regional Studies* 37(1), 5-27
   (``esda.Moran_Local``).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

# scipy ships no type hints; scipy-stubs is not among the dependencies (yet).
from scipy import sparse  # type: ignore[import-untyped, unused-ignore]

from trygg.analytics.hotspots import p_from_z
from trygg.analytics.permutation import (
    Alternative,
    PermutationTest,
    affine_test,
    draw,
    lag_null,
)
from trygg.analytics.weights import (
    as_weights,
    band_weights,
    check_permutations,
    max_neighbours,
    split_diagonal,
)

__all__ = [
    "HH",
    "HL",
    "LH",
    "LL",
    "QUADRANTS",
    "LocalMoran",
    "MoranTransform",
    "grid_contiguity",
    "local_moran",
    "local_moran_permutations",
    "weights_from_adjacency",
]

FloatArray = NDArray[np.float64]
MoranTransform = Literal["R", "B", "O"]

HH, LH, LL, HL = 1, 2, 3, 4
"""Quadrant codes of the Moran scatterplot, esda's (not GeoDa's) numbering."""

QUADRANTS = {HH: "HH", LH: "LH", LL: "LL", HL: "HL"}
"""Quadrant code to label: high-high, low-high, low-low, high-low (value, then neighbours)."""


@dataclass(frozen=True)
class LocalMoran:
    r"""Local Moran's :math:`I_i` of every area with its analytical inference.

    Attributes
    ----------
    i : ndarray of float64
        The statistic (esda's ``Is``).
    q : ndarray of int8
        Quadrant: 1 HH (value above the mean, neighbours' lag above 0), 2 LH,
        3 LL, 4 HL; a value exactly at the mean counts as low (as esda); 0
        where the values are constant.
    z : ndarray of float64
        ``(i - expected) / sqrt(variance)`` under total randomisation; NaN for
        areas without neighbours.
    p : ndarray of float64
        The p-value of ``z`` under the normal approximation, for
        ``alternative``.
    expected, variance : ndarray of float64
        The moments of ``i`` under total randomisation (Anselin [1]_,
        Sokal et al. [2]_), scaled to esda's statistic: ``(n - 1) / n`` and
        ``((n - 1) / n)**2`` times esda's ``EI`` and ``VI``.
    lag : ndarray of float64
        The spatial lag of the standardised values, the y axis of the Moran
        scatterplot (standardised values on the x axis).
    alternative : {"two-sided", "greater", "less"}
        The alternative hypothesis ``p`` was computed for.
    """

    i: FloatArray
    q: NDArray[np.int8]
    z: FloatArray
    p: FloatArray
    expected: FloatArray
    variance: FloatArray
    lag: FloatArray
    alternative: Alternative


def local_moran(
    y: ArrayLike,
    w: Any,
    *,
    transform: MoranTransform = "R",
    alternative: Alternative = "two-sided",
) -> LocalMoran:
    r"""Local Moran's :math:`I_i` of every area (Anselin's LISA).

    Method: with :math:`z_i = (y_i - \bar y) / s` the values standardised by
    their population standard deviation and :math:`w_{ij}` the (by default
    row-standardised) weights,

    .. math::

        I_i = (n - 1) \, \frac{z_i \sum_j w_{ij} z_j}{\sum_j z_j^2}
            = \frac{n - 1}{n} \, z_i \sum_j w_{ij} z_j,

    esda's (and GeoDa's) scaling, :math:`(n-1)/n` times Anselin's
    :math:`z_i \sum_j w_{ij} z_j / m_2`. Under total randomisation
    Anselin's statistic has (Anselin [1]_ eq. 13, in Sokal et al.'s [2]_
    form, with :math:`w_i = \sum_j w_{ij}`, :math:`w_{i(2)} = \sum_j
    w_{ij}^2`, :math:`b_2 = m_4 / m_2^2`)

    .. math::

        E = -\frac{w_i}{n - 1}, \qquad
        \mathrm{Var} = \frac{w_{i(2)} (n - b_2)}{n - 1}
          + \frac{(w_i^2 - w_{i(2)})(2 b_2 - n)}{(n - 1)(n - 2)}
          - \frac{w_i^2}{(n - 1)^2},

    esda's ``EI`` and ``VI``, which this function scales by :math:`(n-1)/n`
    and its square to be the moments of the :math:`I_i` it returns. The
    z-score is the same either way; esda's ``(Is - EI) / sqrt(VI)`` is not
    quite it. The normal approximation is rough for local statistics (few
    neighbours, skewed data); prefer :func:`local_moran_permutations` for
    decisions, as Anselin advises.

    Parameters
    ----------
    y : array_like, shape ``(n,)``
        Finite values, one per area; at least three.
    w : scipy.sparse matrix or array, or array_like, shape ``(n, n)``
        Non-negative weights without self-neighbours (zero diagonal); a
        libpysal ``W``'s ``.sparse``, :func:`grid_contiguity` or
        :func:`weights_from_adjacency`.
    transform : {"R", "B", "O"}, optional
        ``"R"`` (default) row-standardises the weights, ``"B"`` sets every
        positive weight to 1, ``"O"`` takes them as given: esda's
        ``transformation``.
    alternative : {"two-sided", "greater", "less"}, optional
        For ``p``: ``"two-sided"`` (default), ``"greater"`` (clusters,
        positive :math:`I_i`), ``"less"`` (outliers).

    Returns
    -------
    LocalMoran
        ``i``, ``q``, ``z``, ``p``, ``expected``, ``variance``, ``lag``, each
        of shape ``(n,)``. If all values are equal, everything is NaN and
        ``q`` is 0.

    Raises
    ------
    ValueError
        If ``y`` is not 1-d or not finite, has fewer than three values, the
        weights do not match, are negative, or have a non-zero diagonal.

    See Also
    --------
    local_moran_permutations : conditional permutation pseudo p-values.

    References
    ----------
    Anselin (1995) [1]_; Sokal, Oden and Thomson (1998) [2]_; esda [3]_.

    Examples
    --------
    Five areas in a row, the first two high:

    >>> import numpy as np
    >>> w = weights_from_adjacency([[1], [0, 2], [1, 3], [2, 4], [3]])
    >>> lisa = local_moran([9.0, 8.0, 2.0, 1.0, 1.0], w)
    >>> lisa.i.round(3)
    array([ 1.162,  0.315, -0.042,  0.55 ,  0.652])
    >>> [QUADRANTS[q] for q in lisa.q]
    ['HH', 'HH', 'LH', 'LL', 'LL']
    """
    values = _as_values(y)
    matrix = _moran_weights(w, values.size, transform)
    _check_alternative(alternative)
    n = values.size
    mean = float(values.mean())
    sd = float(values.std())
    if sd == 0 or not math.isfinite(sd):
        nan = np.full(n, np.nan)
        return LocalMoran(
            i=nan,
            q=np.zeros(n, dtype=np.int8),
            z=nan.copy(),
            p=nan.copy(),
            expected=nan.copy(),
            variance=nan.copy(),
            lag=nan.copy(),
            alternative=alternative,
        )
    z = (values - mean) / sd
    lag: FloatArray = matrix @ z
    statistic = (n - 1) * z * lag / float(np.sum(z * z))
    w_i = matrix.sum(axis=1)
    w_i2 = matrix.power(2).sum(axis=1)
    m2 = float(np.sum(z * z)) / n
    b2 = float(np.sum(z**4)) / n / m2**2
    expected_anselin = -w_i / (n - 1)
    variance_anselin = (
        w_i2 * (n - b2) / (n - 1)
        + (w_i * w_i - w_i2) * (2 * b2 - n) / ((n - 1) * (n - 2))
        - expected_anselin**2
    )
    scale = (n - 1) / n
    expected = scale * expected_anselin
    variance = scale**2 * variance_anselin
    with np.errstate(divide="ignore", invalid="ignore"):
        zscore = (statistic - expected) / np.sqrt(variance)
    return LocalMoran(
        i=statistic,
        q=_quadrants(z, lag),
        z=zscore,
        p=p_from_z(zscore, alternative),
        expected=expected,
        variance=variance,
        lag=lag,
        alternative=alternative,
    )


def local_moran_permutations(
    y: ArrayLike,
    w: Any,
    *,
    rng: np.random.Generator,
    permutations: int = 999,
    transform: MoranTransform = "R",
    alternative: Alternative = "two-sided",
) -> PermutationTest:
    """Conditional permutation pseudo p-values for local Moran's :math:`I_i`.

    Method (Anselin [1]_, as esda's ``crand``): each area keeps its value and
    its neighbours get values drawn at random, without replacement, from the
    other areas, ``permutations`` times; one draw of positions serves every
    area (see :func:`trygg.analytics.hotspots.gi_star_permutations`). The
    permuted :math:`I_i` are compared with the observed; see
    :class:`~trygg.analytics.permutation.PermutationTest` for the p-value and
    how esda's ``p_sim`` follows from ``n_greater``.

    Parameters
    ----------
    y, w, transform
        As :func:`local_moran`.
    rng : numpy.random.Generator
        The source of randomness, e.g. ``numpy.random.default_rng(seed)``.
    permutations : int, optional
        Number of permutations, at least 1; default 999.
    alternative : {"two-sided", "greater", "less"}, optional
        For ``p``; default ``"two-sided"``.

    Returns
    -------
    PermutationTest
        Arrays of shape ``(n,)``; ``mean`` and ``std`` are esda's ``EI_sim``
        and ``seI_sim``, ``z`` its ``z_sim``.

    References
    ----------
    Anselin (1995) [1]_; esda [3]_.

    Examples
    --------
    >>> import numpy as np
    >>> w = grid_contiguity((6, 6), rule="queen")
    >>> values = np.zeros((6, 6))
    >>> values[:3, :3] = 10.0
    >>> test = local_moran_permutations(
    ...     values.ravel(), w, rng=np.random.default_rng(1), permutations=99,
    ...     alternative="greater")
    >>> float(test.p[7]), float(test.p[35])
    (0.01, 0.36)
    """
    values = _as_values(y)
    matrix = _moran_weights(w, values.size, transform)
    _check_alternative(alternative)
    permutations = check_permutations(permutations)
    n = values.size
    sd = float(values.std())
    draws = draw(n, max_neighbours(matrix), permutations, rng)
    constant = sd == 0 or not math.isfinite(sd)
    z = np.zeros(n) if constant else (values - float(values.mean())) / sd
    null = lag_null(z, matrix, draws)
    slope = (n - 1) * z / max(float(np.sum(z * z)), np.finfo(float).tiny)
    return affine_test(null, np.zeros(n), slope, permutations, alternative)


def grid_contiguity(
    shape: tuple[int, int],
    *,
    rule: Literal["queen", "rook"] = "queen",
    mask: ArrayLike | None = None,
) -> Any:
    """Binary contiguity weights between the cells of a regular grid.

    Rook neighbours share an edge (up to 4), queen neighbours an edge or a
    corner (up to 8): libpysal's ``lat2W(ny, nx, rook=...)``. Cells are
    numbered in row-major order (``row * nx + column``), counting only the
    cells inside ``mask``, as :func:`trygg.analytics.weights.band_weights`.

    Parameters
    ----------
    shape : tuple of int
        ``(ny, nx)``.
    rule : {"queen", "rook"}, optional
        Default ``"queen"``.
    mask : array_like of bool, shape ``(ny, nx)``, optional
        The cells of the study area; default all.

    Returns
    -------
    scipy.sparse.csr_array of float64, shape ``(n, n)``
        Symmetric, binary, zero diagonal.

    Examples
    --------
    >>> grid_contiguity((2, 2), rule="rook").toarray().astype(int)
    array([[0, 1, 1, 0],
           [1, 0, 0, 1],
           [1, 0, 0, 1],
           [0, 1, 1, 0]])
    >>> grid_contiguity((3, 3)).sum(axis=1).astype(int)
    array([3, 5, 3, 5, 8, 5, 3, 5, 3])
    """
    if rule not in ("queen", "rook"):
        raise ValueError(f"rule must be 'queen' or 'rook', got {rule!r}")
    reach = math.sqrt(2.0) if rule == "queen" else 1.0
    return band_weights(shape, 1.0, reach, mask=mask)


def weights_from_adjacency(
    neighbours: Sequence[Iterable[int]] | Mapping[int, Iterable[int]],
    weights: Sequence[Iterable[float]] | Mapping[int, Iterable[float]] | None = None,
    *,
    n: int | None = None,
) -> Any:
    """A sparse weights matrix from an adjacency list.

    Parameters
    ----------
    neighbours : sequence or mapping of iterables of int
        ``neighbours[i]`` lists the areas adjacent to area ``i`` (0-based);
        a mapping may leave out areas without neighbours. This is libpysal's
        ``W.neighbors`` with ids ``0 .. n-1``.
    weights : sequence or mapping of iterables of float, optional
        The matching weights (``W.weights``); default 1 for every neighbour.
    n : int, optional
        The number of areas; default one more than the largest id seen.

    Returns
    -------
    scipy.sparse.csr_array of float64, shape ``(n, n)``
        Row ``i`` holds area ``i``'s neighbours. Not symmetrised: list each
        adjacency both ways for a symmetric matrix.

    Raises
    ------
    ValueError
        If an id is out of range, an area is its own neighbour or listed twice
        as one, a weight is negative or not finite, or the weights do not
        match the neighbours.

    Examples
    --------
    >>> weights_from_adjacency({0: [1], 1: [0, 2], 2: [1]}).toarray()
    array([[0., 1., 0.],
           [1., 0., 1.],
           [0., 1., 0.]])
    """
    items = neighbours.items() if isinstance(neighbours, Mapping) else enumerate(neighbours)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for key, adjacent in items:
        i = operator.index(key)
        ids = [operator.index(j) for j in adjacent]
        if weights is None:
            ws = [1.0] * len(ids)
        else:
            ws = [float(v) for v in weights[i]]
            if len(ws) != len(ids):
                raise ValueError(f"area {i} has {len(ids)} neighbours but {len(ws)} weights")
        if len(set(ids)) != len(ids):
            raise ValueError(f"area {i} lists a neighbour twice")
        if i in ids:
            raise ValueError(f"area {i} is listed as its own neighbour")
        rows.extend([i] * len(ids))
        cols.extend(ids)
        vals.extend(ws)
    if n is not None:
        size = operator.index(n)
    else:
        listed = 0 if isinstance(neighbours, Mapping) else len(neighbours)
        size = max([listed, *(i + 1 for i in rows), *(j + 1 for j in cols)])
    if rows and (min(rows + cols) < 0 or max(rows + cols) >= size):
        raise ValueError(f"area ids must lie in 0 .. {size - 1}")
    data = np.asarray(vals, dtype=np.float64)
    if not np.isfinite(data).all() or (data < 0).any():
        raise ValueError("weights must be finite and non-negative")
    matrix = sparse.csr_array((data, (rows, cols)), shape=(size, size))
    matrix.sort_indices()
    return matrix


# -- helpers ---------------------------------------------------------------------------------


def _as_values(y: ArrayLike) -> FloatArray:
    values = np.asarray(y, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"y must be 1-d, got shape {values.shape}")
    if values.size < 3:
        raise ValueError("local Moran's I needs at least three areas")
    if not np.isfinite(values).all():
        raise ValueError("values must be finite")
    return values


def _check_alternative(alternative: str) -> None:
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(
            f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}"
        )


def _moran_weights(w: Any, n: int, transform: str) -> Any:
    """The checked, transformed weights; rows without neighbours stay empty."""
    if transform not in ("R", "B", "O"):
        raise ValueError(f"transform must be 'R', 'B' or 'O', got {transform!r}")
    matrix = as_weights(w, n)
    off, diagonal = split_diagonal(matrix)
    if diagonal.any():
        raise ValueError("local Moran's I takes weights without self-neighbours (zero diagonal)")
    if transform == "B":
        off.data[:] = 1.0
    elif transform == "R":
        sums = off.sum(axis=1)
        off.data /= np.repeat(sums, np.diff(off.indptr))
    return off


def _quadrants(z: FloatArray, lag: FloatArray) -> NDArray[np.int8]:
    high = z > 0
    high_lag = lag > 0
    q = np.where(high, np.where(high_lag, HH, HL), np.where(high_lag, LH, LL))
    return q.astype(np.int8)

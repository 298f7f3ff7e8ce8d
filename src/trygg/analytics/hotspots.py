r"""Hot spots: the Getis-Ord local :math:`G_i^*` statistic and false discovery rate control.

:math:`G_i^*` asks, for every cell of a grid of counts (or any area), whether
the values within a distance band around it, the cell itself included, sum to
more (a hot spot) or less (a cold spot) than chance would give. On a regular
grid the neighbourhood sum is a correlation of the count grid with the small
kernel of the band, so :func:`gi_star` costs a few convolutions instead of
building an n × n weights matrix: a 400 × 400 grid takes milliseconds.
:func:`gi_star_weights` computes the same statistic for any sparse weights
(areas of any shape), :func:`gi_star_permutations` and
:func:`gi_star_weights_permutations` give conditional permutation pseudo
p-values, and :func:`fdr` selects the cells that stay significant when
thousands are tested at once.

The distance-band weights (:func:`~trygg.analytics.weights.band_kernel`,
:func:`~trygg.analytics.weights.band_weights`) live in
:mod:`trygg.analytics.weights` and the conditional permutation machinery
(:class:`~trygg.analytics.permutation.PermutationTest`) in
:mod:`trygg.analytics.permutation`; both are re-exported here. This module
holds the statistic itself: its moments, the permutation test of
:math:`G_i^*` built on the permuted lags, and the FDR.

The module is checked against PySAL's ``esda.G_Local`` (``star=True``) to
1e-9 in the z-scores; where conventions differ from esda they are named in
the docstrings.

References
----------
.. [1] Getis, A. and Ord, J. K. (1992). The analysis of spatial association by
   use of distance statistics. *Geographical Analysis* 24(3), 189-206.
   doi:10.1111/j.1538-4632.1992.tb00261.x
.. [2] Ord, J. K. and Getis, A. (1995). Local spatial autocorrelation
   statistics: distributional issues and an application. *Geographical
   Analysis* 27(4), 286-306. doi:10.1111/j.1538-4632.1995.tb00912.x
.. [3] Anselin, L. (1995). Local indicators of spatial association - LISA.
   *Geographical Analysis* 27(2), 93-115 (conditional randomisation).
   doi:10.1111/j.1538-4632.1995.tb00338.x
.. [4] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery
   rate: a practical and powerful approach to multiple testing. *Journal of
   the Royal Statistical Society B* 57(1), 289-300.
   doi:10.1111/j.2517-6161.1995.tb02031.x
.. [5] Rey, S. J. and Anselin, L. (2007). PySAL: A Python library of spatial
   analytical methods. *The Review of Regional Studies* 37(1), 5-27
   (``esda.G_Local``, ``esda.crand``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

# scipy ships no type hints; scipy-stubs is not among the dependencies (yet).
from scipy import special  # type: ignore[import-untyped, unused-ignore]

from trygg.analytics.permutation import (
    Alternative,
    LagNull,
    PermutationTest,
    affine_test,
    draw,
    grid_lag_null,
    lag_null,
)
from trygg.analytics.weights import (
    WeightsKind,
    as_mask,
    band_kernel,
    band_weights,
    check_permutations,
    check_transform_alternative,
    check_values,
    correlate,
    full_grid_sum,
    gi_weights,
    max_neighbours,
    nearest_weight,
    scatter,
    scatter_int,
)

__all__ = [
    "Alternative",
    "GiStar",
    "PermutationTest",
    "Transform",
    "WeightsKind",
    "band_kernel",
    "band_weights",
    "fdr",
    "gi_star",
    "gi_star_permutations",
    "gi_star_weights",
    "gi_star_weights_permutations",
]

FloatArray = NDArray[np.float64]
Transform = Literal["B", "R"]


@dataclass(frozen=True)
class GiStar:
    """The local :math:`G_i^*` of every cell or area, with its analytical inference.

    Arrays have the shape of the input: ``(ny, nx)`` from :func:`gi_star`
    (NaN outside the mask), ``(n,)`` from :func:`gi_star_weights`.

    Attributes
    ----------
    z : ndarray of float64
        The z-score (esda's ``Zs``): positive in hot spots, negative in cold
        spots. NaN where it is undefined (all values equal, or a neighbourhood
        that covers the whole study area).
    p : ndarray of float64
        The p-value of ``z`` under the normal approximation, for
        ``alternative``. esda's ``p_norm`` is the one-sided tail beyond
        ``|z|``: half the two-sided ``p``.
    g : ndarray of float64
        The statistic itself (esda's ``Gs``): the weighted neighbourhood sum
        over the total, :math:`\\sum_j w_{ij} x_j / \\sum_j x_j`.
    expected : ndarray of float64
        Its expectation under the null (esda's ``EGs``).
    variance : ndarray of float64
        Its variance under the null (esda's ``VGs``).
    alternative : {"two-sided", "greater", "less"}
        The alternative hypothesis ``p`` was computed for.
    """

    z: FloatArray
    p: FloatArray
    g: FloatArray
    expected: FloatArray
    variance: FloatArray
    alternative: Alternative


def gi_star(
    counts: ArrayLike,
    cell: float,
    band: float,
    *,
    weights: WeightsKind = "binary",
    alpha: float = 1.0,
    transform: Transform = "B",
    mask: ArrayLike | None = None,
    alternative: Alternative = "two-sided",
) -> GiStar:
    r"""Getis-Ord :math:`G_i^*` of every cell of a grid, with a distance band.

    Method (Getis and Ord [1]_, Ord and Getis [2]_): with :math:`x_j` the
    count of cell :math:`j`, :math:`w_{ij}` the weight of cell :math:`j` for
    cell :math:`i` (the cell itself included), :math:`n` the number of cells
    in the study area, :math:`\bar x` and :math:`s^2 = \frac1n\sum_j x_j^2 -
    \bar x^2` their mean and (population) variance,
    :math:`W_i = \sum_j w_{ij}` and :math:`S_{1i} = \sum_j w_{ij}^2`,

    .. math::

        G_i^* = \frac{\sum_j w_{ij} x_j}{\sum_j x_j}, \qquad
        z_i = \frac{\sum_j w_{ij} x_j - \bar x W_i}
                   {s \sqrt{(n S_{1i} - W_i^2) / (n - 1)}}

    (Ord and Getis 1995, eq. 3; with binary weights :math:`S_{1i} = W_i` and
    this is Getis and Ord 1992's). The z-score is unchanged by any per-cell
    rescaling of the weights, so it is also the exact z for row-standardised
    weights.

    ``transform="R"`` reproduces esda's default instead: row-standardised
    weights with esda's binary-weight moments at :math:`W_i = 1`,
    :math:`E = 1/n` and :math:`\mathrm{Var} = s^2 / (n \bar x)^2`, so that
    :math:`z_i = (\sum_j w_{ij} x_j / W_i - \bar x) / s`, the local weighted
    mean's distance from the mean in standard deviations of single cells.
    That is not a standard normal score: with binary weights it is smaller
    than the exact z by :math:`\sqrt{W_i (n - 1) / (n - W_i)}`, about 5.4 for
    a 300 m band on 100 m cells, and its p-values are correspondingly too
    large. Use ``"R"`` only to compare with esda.

    Weights: binary, :math:`w_{ij} = 1` when the centres are at most ``band``
    apart, or inverse distance, :math:`w_{ij} = d_{ij}^{-\alpha}` within the
    band. The self-weight :math:`w_{ii}` is 1 for binary weights and, for
    inverse distance, the weight of the cell's nearest neighbour in the study
    area (:math:`\mathrm{cell}^{-\alpha}` wherever an adjacent cell is in it):
    the cell counts as much as its closest neighbour. This is esda's
    convention when given weights without a diagonal (``G_Local(star=True)``
    fills the diagonal with 1, or with the row's largest weight for
    ``transform="R"``). A cell with no neighbour within the band is its own
    neighbourhood (esda leaves it NaN for inverse distance).

    Fast path: :math:`\sum_j w_{ij} x_j`, :math:`W_i` and :math:`S_{1i}` are
    correlations of the count grid, the study-area mask and the mask with
    the band's stencil (:func:`~trygg.analytics.weights.band_kernel`) and its
    square, with cells beyond the grid and outside the mask counted as
    absent: at edges a cell simply has fewer neighbours, exactly as esda's
    weights on the same cells.
    Small stencils are summed directly (exact for whole counts), larger ones
    by FFT (relative error about 1e-15).

    Parameters
    ----------
    counts : array_like, shape ``(ny, nx)``
        Non-negative values per cell, usually
        :func:`trygg.analytics.grid.counts`. Values outside ``mask`` are
        ignored and may be NaN.
    cell : float
        The side of a cell in metres.
    band : float
        The distance band in metres between cell centres (inclusive).
    weights : {"binary", "inverse"}, optional
        Default ``"binary"``, the standard :math:`G_i^*`.
    alpha : float, optional
        Power of inverse-distance weights; default 1. libpysal's ``alpha=-1``.
    transform : {"B", "R"}, optional
        ``"B"`` (default): the weights as built, binary or inverse distance,
        with the exact Ord-Getis moments; equals esda's ``transform="B"``
        for binary weights (esda's ``"B"`` turns inverse-distance weights
        into binary ones). ``"R"``: row-standardised with esda's moments,
        equal to esda's ``transform="R"`` and not a standard normal z (above).
    mask : array_like of bool, shape ``(ny, nx)``, optional
        The cells of the study area. Cells outside are not part of the
        problem at all (not in :math:`n`, the mean, the variance, nor anyone's
        neighbourhood) and get NaN. Default: every cell.
    alternative : {"two-sided", "greater", "less"}, optional
        For ``p``: ``"two-sided"`` (default, hot or cold), ``"greater"``
        (hot spots), ``"less"`` (cold spots).

    Returns
    -------
    GiStar
        ``z``, ``p``, ``g``, ``expected``, ``variance``, each ``(ny, nx)``.

    Raises
    ------
    ValueError
        If ``counts`` is not 2-d, has negative or non-finite values inside the
        mask, the mask does not match, fewer than two cells are in the study
        area, or a parameter is out of range.

    See Also
    --------
    gi_star_weights : the same statistic for any sparse weights.
    gi_star_permutations : conditional permutation pseudo p-values.
    fdr : which cells stay significant among many.

    References
    ----------
    Getis and Ord (1992) [1]_; Ord and Getis (1995) [2]_; PySAL esda [5]_.

    Examples
    --------
    A busy block of 3 × 3 cells in a quiet 7 × 7 grid of 100 m cells, binary
    weights within 150 m (a cell and its eight surrounding cells):

    >>> import numpy as np
    >>> counts = np.ones((7, 7))
    >>> counts[2:5, 2:5] = 10.0
    >>> result = gi_star(counts, cell=100.0, band=150.0)
    >>> result.z[3].round(2)
    array([-1.23,  1.27,  4.1 ,  6.93,  4.1 ,  1.27, -1.23])
    >>> bool(result.p[3, 3] < 1e-9), bool(fdr(result.p)[0, 0])
    (True, False)
    """
    x = np.asarray(counts, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"counts must be a 2-d grid, got shape {x.shape}")
    inside = as_mask(mask, x.shape)
    check_transform_alternative(transform, alternative)
    values = x[inside]
    check_values(values)
    kernel = band_kernel(cell, band, weights=weights, alpha=alpha)
    grid = np.where(inside, x, 0.0)
    if weights == "binary":
        self_weight: FloatArray | float = 1.0
    else:
        self_weight = nearest_weight(inside, kernel)
    lag = correlate(grid, kernel) + self_weight * grid
    if mask is None:
        w_sum = full_grid_sum(x.shape, kernel) + self_weight
        s1 = full_grid_sum(x.shape, kernel * kernel) + np.square(self_weight)
    else:
        ones = inside.astype(np.float64)
        w_sum = correlate(ones, kernel) + self_weight * ones
        s1 = correlate(ones, kernel * kernel) + np.square(self_weight) * ones
    z, p, g, expected, variance = _gi_moments(
        lag[inside], w_sum[inside], s1[inside], values, transform, alternative
    )
    return GiStar(
        z=scatter(z, inside),
        p=scatter(p, inside),
        g=scatter(g, inside),
        expected=scatter(expected, inside),
        variance=scatter(variance, inside),
        alternative=alternative,
    )


def gi_star_weights(
    y: ArrayLike,
    w: Any,
    *,
    transform: Transform = "B",
    alternative: Alternative = "two-sided",
) -> GiStar:
    r"""Getis-Ord :math:`G_i^*` for any spatial weights.

    The statistic, moments and conventions of :func:`gi_star`, for values on
    areas of any shape with a weights matrix, such as a distance band between
    district centroids or :func:`~trygg.analytics.weights.band_weights` of a
    grid.

    Self-weights: a diagonal in ``w`` is used as given (rows whose diagonal
    is zero then get :math:`G_i` for that area). If ``w`` has no diagonal,
    each row gets its largest weight as the self-weight: 1 for binary
    weights, the nearest neighbour's weight for distance decay; a row
    without neighbours gets the largest weight of the matrix (1 if it has
    none). This is esda's fill for ``G_Local(star=True)``, except for such a
    row under non-binary weights, which esda leaves without a self-weight
    (and a NaN z).

    Parameters
    ----------
    y : array_like, shape ``(n,)``
        Non-negative finite values, one per area.
    w : scipy.sparse matrix or array, or array_like, shape ``(n, n)``
        Non-negative weights; row ``i`` holds area ``i``'s neighbours. A
        libpysal ``W``'s ``.sparse`` will do.
    transform : {"B", "R"}, optional
        ``"B"`` (default): weights as given, exact Ord-Getis moments (esda's
        ``"B"`` for binary weights); ``"R"``: row-standardised with esda's
        moments, for comparison with esda only (see :func:`gi_star`).
    alternative : {"two-sided", "greater", "less"}, optional
        For ``p``; default ``"two-sided"``.

    Returns
    -------
    GiStar
        Arrays of shape ``(n,)``.

    Raises
    ------
    ValueError
        If the shapes disagree, values or weights are negative or not finite,
        or there are fewer than two areas.

    References
    ----------
    Ord and Getis (1995) [2]_; PySAL esda [5]_.

    Examples
    --------
    Four areas in a row, each the neighbour of the next:

    >>> import numpy as np
    >>> w = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]])
    >>> gi_star_weights([10.0, 8.0, 1.0, 0.0], w).z.round(3)
    array([ 1.703,  1.099, -1.214, -1.703])
    """
    values = np.asarray(y, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"y must be 1-d, got shape {values.shape}")
    check_transform_alternative(transform, alternative)
    check_values(values)
    off, diagonal = gi_weights(w, values.size)
    lag = off @ values + diagonal * values
    w_sum = off.sum(axis=1) + diagonal
    s1 = off.power(2).sum(axis=1) + diagonal * diagonal
    z, p, g, expected, variance = _gi_moments(lag, w_sum, s1, values, transform, alternative)
    return GiStar(z=z, p=p, g=g, expected=expected, variance=variance, alternative=alternative)


def gi_star_permutations(
    counts: ArrayLike,
    cell: float,
    band: float,
    *,
    rng: np.random.Generator,
    permutations: int = 999,
    weights: WeightsKind = "binary",
    alpha: float = 1.0,
    transform: Transform = "B",
    mask: ArrayLike | None = None,
    alternative: Alternative = "two-sided",
) -> PermutationTest:
    r"""Conditional permutation pseudo p-values for the :math:`G_i^*` of a grid.

    Method (Anselin [3]_, as esda's ``crand``): for each of ``permutations``
    rounds one random draw of ``k`` distinct positions is taken from the
    ``n - 1`` other cells, ``k`` being the largest neighbourhood; every cell
    ``i`` keeps its own count and gives its neighbours the counts at the first
    of those positions, counted over the cells other than ``i`` (positions at
    or after ``i`` move one on). Each cell's neighbours thus get a uniform
    random sample, without replacement, of the other cells' counts; one draw
    serves all cells, so the cost is one ``(n, k) × (k, permutations)``
    product plus a correction for the positions that fall near each cell.
    The permuted :math:`G_i^*` is compared with the observed one; see
    :class:`~trygg.analytics.permutation.PermutationTest` for the p-value and
    esda's ``p_sim``.

    The pseudo p-value does not depend on ``transform``: row standardisation
    rescales a cell's observed and permuted statistics alike. The z-score of
    the permutation distribution (``z``) is esda's ``z_sim``.

    Parameters
    ----------
    counts, cell, band, weights, alpha, transform, mask
        As :func:`gi_star`.
    rng : numpy.random.Generator
        The source of randomness, e.g. ``numpy.random.default_rng(seed)``;
        the same seed gives the same result.
    permutations : int, optional
        Number of permutations, at least 1; default 999.
    alternative : {"two-sided", "greater", "less"}, optional
        For ``p``; default ``"two-sided"``.

    Returns
    -------
    PermutationTest
        Arrays of shape ``(ny, nx)``, NaN (counts 0) outside the mask.

    Notes
    -----
    No weights matrix is built: each chunk of cells takes its neighbours'
    weights from the band's stencil, so memory stays within about 16 MB
    beyond the grid whatever the band. Time grows as cells × neighbours ×
    permutations: about half a second for 300 × 300 cells, a 300 m band on
    100 m cells and 999 permutations.

    References
    ----------
    Anselin (1995) [3]_; PySAL esda [5]_.

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.ones((7, 7))
    >>> counts[2:5, 2:5] = 10.0
    >>> test = gi_star_permutations(
    ...     counts, 100.0, 150.0, rng=np.random.default_rng(7), permutations=99,
    ...     alternative="greater")
    >>> float(test.p[3, 3]), float(test.p[0, 0])
    (0.01, 1.0)
    """
    x = np.asarray(counts, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"counts must be a 2-d grid, got shape {x.shape}")
    inside = as_mask(mask, x.shape)
    check_transform_alternative(transform, alternative)
    values = x[inside]
    check_values(values)
    permutations = check_permutations(permutations)
    kernel = band_kernel(cell, band, weights=weights, alpha=alpha)
    ones = inside.astype(np.float64)
    neighbours = np.rint(correlate(ones, (kernel > 0).astype(np.float64))[inside])
    draws = draw(values.size, int(neighbours.max()), permutations, rng)
    null = grid_lag_null(np.where(inside, x, 0.0), inside, kernel, draws)
    row_sums = correlate(ones, kernel)[inside]
    if weights == "binary":
        diagonal = np.ones(values.size)
    else:
        diagonal = nearest_weight(inside, kernel)[inside]
    test = _gi_test(values, diagonal, row_sums, null, transform, alternative, permutations)
    return PermutationTest(
        p=scatter(test.p, inside),
        z=scatter(test.z, inside),
        mean=scatter(test.mean, inside),
        std=scatter(test.std, inside),
        n_greater=scatter_int(test.n_greater, inside),
        n_less=scatter_int(test.n_less, inside),
        permutations=permutations,
        alternative=alternative,
    )


def gi_star_weights_permutations(
    y: ArrayLike,
    w: Any,
    *,
    rng: np.random.Generator,
    permutations: int = 999,
    transform: Transform = "B",
    alternative: Alternative = "two-sided",
) -> PermutationTest:
    """Conditional permutation pseudo p-values for :func:`gi_star_weights`.

    The method of :func:`gi_star_permutations` for any weights, with the
    self-weights of :func:`gi_star_weights`.

    Parameters
    ----------
    y, w, transform
        As :func:`gi_star_weights`.
    rng : numpy.random.Generator
        The source of randomness; the same seed gives the same result.
    permutations : int, optional
        Number of permutations, at least 1; default 999.
    alternative : {"two-sided", "greater", "less"}, optional
        For ``p``; default ``"two-sided"``.

    Returns
    -------
    PermutationTest
        Arrays of shape ``(n,)``.

    References
    ----------
    Anselin (1995) [3]_; PySAL esda [5]_.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]])
    >>> test = gi_star_weights_permutations(
    ...     [10.0, 8.0, 1.0, 0.0], w, rng=np.random.default_rng(0), permutations=99)
    >>> test.n_greater.tolist(), test.n_less.tolist()
    ([23, 27, 99, 99], [99, 99, 42, 35])
    """
    values = np.asarray(y, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"y must be 1-d, got shape {values.shape}")
    check_transform_alternative(transform, alternative)
    check_values(values)
    permutations = check_permutations(permutations)
    off, diagonal = gi_weights(w, values.size)
    draws = draw(values.size, max_neighbours(off), permutations, rng)
    null = lag_null(values, off, draws)
    return _gi_test(values, diagonal, off.sum(axis=1), null, transform, alternative, permutations)


def fdr(p: ArrayLike, q: float = 0.05) -> NDArray[np.bool_]:
    r"""Which tests to reject at false discovery rate ``q`` (Benjamini-Hochberg).

    Method (Benjamini and Hochberg [4]_): with the :math:`m` p-values sorted,
    :math:`p_{(1)} \le \dots \le p_{(m)}`, reject the hypotheses of the
    :math:`k` smallest, :math:`k` the largest index with
    :math:`p_{(k)} \le k q / m`. Computed as the adjusted p-values
    :math:`\min_{j \ge i} \min(1, p_{(j)} m / j) \le q`, the arithmetic of
    :func:`scipy.stats.false_discovery_control`, so the two agree exactly.
    Valid for independent or positively dependent tests, the usual standing
    of neighbouring hot-spot cells.

    Parameters
    ----------
    p : array_like
        p-values in [0, 1], any shape (a grid of them, say). NaN marks a test
        not made (a cell outside the study area): it is neither counted in
        :math:`m` nor rejected.
    q : float, optional
        The false discovery rate, in (0, 1]; default 0.05.

    Returns
    -------
    ndarray of bool
        Of the shape of ``p``: True where the null hypothesis is rejected.

    Raises
    ------
    ValueError
        If a p-value lies outside [0, 1] or ``q`` outside (0, 1].

    Examples
    --------
    >>> fdr([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    array([ True,  True, False, False, False, False, False, False, False,
           False])
    >>> fdr([[0.01, float("nan")], [0.02, 0.5]], q=0.05)
    array([[ True, False],
           [ True, False]])
    """
    ps = np.asarray(p, dtype=np.float64)
    q = float(q)
    if not (0 < q <= 1):
        raise ValueError(f"q must lie in (0, 1], got {q}")
    tested = ~np.isnan(ps)
    values = ps[tested]
    if ((values < 0) | (values > 1)).any():
        raise ValueError("p-values must lie in [0, 1]")
    reject = np.zeros(ps.shape, dtype=bool)
    m = values.size
    if m == 0:
        return reject
    order = np.argsort(values)
    adjusted = values[order] * (m / np.arange(1, m + 1, dtype=np.float64))
    adjusted = np.minimum.accumulate(adjusted[::-1])[::-1]
    np.minimum(adjusted, 1.0, out=adjusted)
    chosen = np.empty(m, dtype=bool)
    chosen[order] = adjusted <= q
    reject[tested] = chosen
    return reject


# -- moments ---------------------------------------------------------------------------------


def _gi_moments(
    lag: FloatArray,
    w_sum: FloatArray,
    s1: FloatArray,
    values: FloatArray,
    transform: Transform,
    alternative: Alternative,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """z, p, G, E[G], Var[G] from the per-site sums (Ord and Getis 1995; esda for "R")."""
    n = values.size
    total = float(values.sum())
    mean = total / n
    var = float(np.mean(np.square(values - mean)))
    sd = math.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "B":
            g = lag / total
            expected = w_sum / n
            spread = np.maximum(n * s1 - w_sum * w_sum, 0.0) / (n - 1)
            # Equal weights on every site make G* a constant: no z, whatever rounding says.
            spread[spread <= 1e-12 * s1 * n / (n - 1)] = 0.0
            variance = spread / n**2 * (var / mean**2)
            z = np.where(spread > 0, (lag - mean * w_sum) / (sd * np.sqrt(spread)), np.nan)
        else:
            g = lag / (w_sum * total)
            expected = np.full(n, 1.0 / n)
            variance = np.full(n, var / (n * mean) ** 2)
            z = (lag / w_sum - mean) / sd
    return z, p_from_z(z, alternative), g, expected, variance


def p_from_z(z: FloatArray, alternative: Alternative) -> FloatArray:
    if alternative == "greater":
        out: FloatArray = special.ndtr(-z)
    elif alternative == "less":
        out = special.ndtr(z)
    else:
        out = 2.0 * special.ndtr(-np.abs(z))
    return out


# -- permutation test ------------------------------------------------------------------------


def _gi_test(
    values: FloatArray,
    diagonal: FloatArray,
    row_sums: FloatArray,
    null: LagNull,
    transform: Transform,
    alternative: Alternative,
    permutations: int,
) -> PermutationTest:
    """The permutation test of G* from the null of the lags (``row_sums`` without self-weights)."""
    denominator = np.full(values.size, float(values.sum()))
    if transform == "R":
        denominator *= row_sums + diagonal
    # All-zero values leave G* undefined (0/0): NaN statistics, p = 1 as every permutation ties.
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = 1.0 / denominator
        return affine_test(null, diagonal * values * slope, slope, permutations, alternative)

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

# scipy ships no type hints; scipy-stubs is not among the dependencies (yet).
from scipy import ndimage, sparse, special  # type: ignore[import-untyped, unused-ignore]
from scipy.signal import fftconvolve  # type: ignore[import-untyped, unused-ignore]

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
WeightsKind = Literal["binary", "inverse"]
Transform = Literal["B", "R"]
Alternative = Literal["two-sided", "greater", "less"]

_DIRECT_MAX_KERNEL = 81
"""Kernels of up to this many cells (9 × 9) are correlated directly, larger ones by FFT.

Measured on 300² to 2000² grids: direct correlation wins below about 9 × 9,
the FFT from there on, and direct sums of whole counts are exact.
"""

_MAX_KERNEL_CELLS = 1_000_000
"""A band of more than about 560 cells' radius is refused: a mistake in units, not a question."""

_CHUNK_ELEMENTS = 1 << 21
"""At most this many cells × permutations are held at once by the permutation test (16 MB)."""

_CHUNK_CELLS = 512
"""Cells per chunk of the permutation test: the correction for positions inside a chunk
grows with its size, and 256-1024 was fastest on 400 × 400 grids with 300 m and 1 km bands."""


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


@dataclass(frozen=True)
class PermutationTest:
    """Conditional permutation inference for a local statistic.

    For every site the statistic is recomputed ``permutations`` times with the
    site's own value fixed and its neighbours' values drawn at random, without
    replacement, from all other sites (Anselin [3]_). Arrays have the shape of
    the statistic (NaN, or 0 for the counts, outside a grid's mask).

    Attributes
    ----------
    p : ndarray of float64
        The pseudo p-value for ``alternative``: ``(n_greater + 1) /
        (permutations + 1)`` for ``"greater"``, ``(n_less + 1) / (permutations
        + 1)`` for ``"less"``, twice the smaller of the two (at most 1) for
        ``"two-sided"``. Never below ``1 / (permutations + 1)``.
    z : ndarray of float64
        ``(observed - mean) / std`` (esda's ``z_sim``); NaN where the
        permutation distribution has no spread.
    mean, std : ndarray of float64
        Mean and standard deviation of the permuted statistic (esda's
        ``EG_sim``/``seG_sim``, ``EI_sim``/``seI_sim``).
    n_greater, n_less : ndarray of int64
        How many permutations gave a statistic at least, and at most, as large
        as the observed one; ties count in both. esda's ``p_sim`` (its
        "directed" alternative) is ``(min(n_greater, permutations - n_greater)
        + 1) / (permutations + 1)``.
    permutations : int
        The number of permutations.
    alternative : {"two-sided", "greater", "less"}
        The alternative hypothesis ``p`` was computed for.

    Notes
    -----
    esda's default p-value counts ties only on the upper side, so that a site
    whose statistic equals every permuted value (an empty cell amid empty
    cells, common in sparse count grids) gets the smallest possible p-value;
    counting ties on both sides gives such a site ``p = 1``. Without ties the
    two agree: ``p_sim`` equals ``min(p_greater, p_less)``.
    """

    p: FloatArray
    z: FloatArray
    mean: FloatArray
    std: FloatArray
    n_greater: NDArray[np.int64]
    n_less: NDArray[np.int64]
    permutations: int
    alternative: Alternative


def band_kernel(
    cell: float, band: float, *, weights: WeightsKind = "binary", alpha: float = 1.0
) -> FloatArray:
    r"""The weights of a cell's neighbours within a distance band, as a square stencil.

    Entry ``[r + dy, r + dx]`` is the weight of the cell ``dy`` rows and ``dx``
    columns away, whose centre lies at :math:`d = \mathrm{cell}\sqrt{dy^2 +
    dx^2}`: 1 (``"binary"``) or :math:`d^{-\alpha}` (``"inverse"``) when
    :math:`0 < d \le \mathrm{band}`, else 0. The centre (the cell itself) is
    0: self-weights are set by the statistic.

    Parameters
    ----------
    cell : float
        The side of a cell in metres.
    band : float
        The distance band in metres, measured between cell centres; a pair
        exactly ``band`` apart are neighbours (as libpysal's ``DistanceBand``).
    weights : {"binary", "inverse"}, optional
        Binary (default) or inverse-distance weights.
    alpha : float, optional
        The power of inverse-distance weights, :math:`w = d^{-\alpha}`;
        default 1. libpysal's ``DistanceBand(..., alpha=-a)`` is our
        ``alpha=a``. Ignored for binary weights.

    Returns
    -------
    ndarray of float64, shape ``(2r + 1, 2r + 1)``
        ``r`` is the largest whole number of cells within the band.

    Raises
    ------
    ValueError
        If ``cell`` or ``band`` is not finite and positive, ``alpha`` is
        negative or not finite, or the stencil would exceed a million cells.

    Examples
    --------
    >>> band_kernel(100.0, 100.0)
    array([[0., 1., 0.],
           [1., 0., 1.],
           [0., 1., 0.]])
    >>> band_kernel(100.0, 150.0, weights="inverse").round(5)
    array([[0.00707, 0.01   , 0.00707],
           [0.01   , 0.     , 0.01   ],
           [0.00707, 0.01   , 0.00707]])
    """
    cell, band = _positive(cell, "cell"), _positive(band, "band")
    if weights not in ("binary", "inverse"):
        raise ValueError(f"weights must be 'binary' or 'inverse', got {weights!r}")
    alpha = float(alpha)
    if not (math.isfinite(alpha) and alpha >= 0):
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha}")
    # One cell more than band // cell, so that rounding in the quotient never
    # drops a ring; the distance test decides and the empty border is cut.
    r = int(band // cell) + 1
    if (2 * r + 1) ** 2 > _MAX_KERNEL_CELLS:
        raise ValueError(
            f"a band of {band:g} m on {cell:g} m cells spans more than a million cells; "
            "are the band and the cell size in the same unit?"
        )
    offsets = np.arange(-r, r + 1, dtype=np.float64)
    distance = cell * np.hypot(offsets[:, None], offsets[None, :])
    within = (distance <= band) & (distance > 0)
    kernel = np.zeros_like(distance)
    if weights == "binary":
        kernel[within] = 1.0
    else:
        kernel[within] = distance[within] ** -alpha
    reach = int(np.abs(np.argwhere(within) - r).max()) if within.any() else 0
    return kernel[r - reach : r + reach + 1, r - reach : r + reach + 1]


def band_weights(
    shape: tuple[int, int],
    cell: float,
    band: float,
    *,
    weights: WeightsKind = "binary",
    alpha: float = 1.0,
    mask: ArrayLike | None = None,
) -> Any:
    """The sparse distance-band weights between the cells of a grid.

    The matrix that :func:`gi_star` applies implicitly, for use with
    :func:`gi_star_weights`, :func:`trygg.analytics.moran.local_moran` or any
    other statistic on sparse weights. Cells are numbered in row-major order
    (``row * nx + column``), counting only the cells inside ``mask``.

    Parameters
    ----------
    shape : tuple of int
        ``(ny, nx)``.
    cell, band, weights, alpha
        As :func:`band_kernel`.
    mask : array_like of bool, shape ``(ny, nx)``, optional
        The cells of the study area; default all.

    Returns
    -------
    scipy.sparse.csr_array of float64, shape ``(n, n)``
        ``n`` cells inside the mask; symmetric, zero diagonal, sorted indices.

    Examples
    --------
    >>> w = band_weights((2, 3), 100.0, 100.0)
    >>> w.toarray().astype(int)
    array([[0, 1, 0, 1, 0, 0],
           [1, 0, 1, 0, 1, 0],
           [0, 1, 0, 0, 0, 1],
           [1, 0, 0, 0, 1, 0],
           [0, 1, 0, 1, 0, 1],
           [0, 0, 1, 0, 1, 0]])
    """
    ny, nx = (int(s) for s in shape)
    if ny < 1 or nx < 1:
        raise ValueError(f"the grid must have at least one cell, got shape {shape}")
    inside = _as_mask(mask, (ny, nx))
    kernel = band_kernel(cell, band, weights=weights, alpha=alpha)
    n = int(inside.sum())
    index = np.full((ny, nx), -1, dtype=np.int64)
    index[inside] = np.arange(n)
    r = kernel.shape[0] // 2
    rows, cols, vals = [], [], []
    for a, b in np.argwhere(kernel > 0):
        dy, dx = int(a) - r, int(b) - r
        if abs(dy) >= ny or abs(dx) >= nx:
            continue
        src = index[max(0, -dy) : ny - max(0, dy), max(0, -dx) : nx - max(0, dx)]
        dst = index[max(0, dy) : ny - max(0, -dy), max(0, dx) : nx - max(0, -dx)]
        both = (src >= 0) & (dst >= 0)
        rows.append(src[both])
        cols.append(dst[both])
        vals.append(np.full(int(both.sum()), kernel[a, b]))
    if rows:
        coo = sparse.coo_array(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
        )
    else:
        coo = sparse.coo_array((n, n), dtype=np.float64)
    w = sparse.csr_array(coo)
    w.sum_duplicates()
    return w


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
    the band's stencil (:func:`band_kernel`) and its square, with cells
    beyond the grid and outside the mask counted as absent: at edges a cell
    simply has fewer neighbours, exactly as esda's weights on the same cells.
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
    inside = _as_mask(mask, x.shape)
    _check_transform_alternative(transform, alternative)
    values = x[inside]
    _check_values(values)
    kernel = band_kernel(cell, band, weights=weights, alpha=alpha)
    grid = np.where(inside, x, 0.0)
    if weights == "binary":
        self_weight: FloatArray | float = 1.0
    else:
        self_weight = _nearest_weight(inside, kernel)
    lag = _correlate(grid, kernel) + self_weight * grid
    if mask is None:
        w_sum = _full_grid_sum(x.shape, kernel) + self_weight
        s1 = _full_grid_sum(x.shape, kernel * kernel) + np.square(self_weight)
    else:
        ones = inside.astype(np.float64)
        w_sum = _correlate(ones, kernel) + self_weight * ones
        s1 = _correlate(ones, kernel * kernel) + np.square(self_weight) * ones
    z, p, g, expected, variance = _gi_moments(
        lag[inside], w_sum[inside], s1[inside], values, transform, alternative
    )
    return GiStar(
        z=_scatter(z, inside),
        p=_scatter(p, inside),
        g=_scatter(g, inside),
        expected=_scatter(expected, inside),
        variance=_scatter(variance, inside),
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
    district centroids or :func:`band_weights` of a grid.

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
    _check_transform_alternative(transform, alternative)
    _check_values(values)
    off, diagonal = _gi_weights(w, values.size)
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
    :class:`PermutationTest` for the p-value and esda's ``p_sim``.

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
    inside = _as_mask(mask, x.shape)
    _check_transform_alternative(transform, alternative)
    values = x[inside]
    _check_values(values)
    permutations = _check_permutations(permutations)
    kernel = band_kernel(cell, band, weights=weights, alpha=alpha)
    ones = inside.astype(np.float64)
    neighbours = np.rint(_correlate(ones, (kernel > 0).astype(np.float64))[inside])
    draws = _draw(values.size, int(neighbours.max()), permutations, rng)
    null = _grid_lag_null(np.where(inside, x, 0.0), inside, kernel, draws)
    row_sums = _correlate(ones, kernel)[inside]
    if weights == "binary":
        diagonal = np.ones(values.size)
    else:
        diagonal = _nearest_weight(inside, kernel)[inside]
    test = _gi_test(values, diagonal, row_sums, null, transform, alternative, permutations)
    return PermutationTest(
        p=_scatter(test.p, inside),
        z=_scatter(test.z, inside),
        mean=_scatter(test.mean, inside),
        std=_scatter(test.std, inside),
        n_greater=_scatter_int(test.n_greater, inside),
        n_less=_scatter_int(test.n_less, inside),
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
    _check_transform_alternative(transform, alternative)
    _check_values(values)
    permutations = _check_permutations(permutations)
    off, diagonal = _gi_weights(w, values.size)
    draws = _draw(values.size, _max_neighbours(off), permutations, rng)
    null = _lag_null(values, off, draws)
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
    return z, _p_from_z(z, alternative), g, expected, variance


def _p_from_z(z: FloatArray, alternative: Alternative) -> FloatArray:
    if alternative == "greater":
        out: FloatArray = special.ndtr(-z)
    elif alternative == "less":
        out = special.ndtr(z)
    else:
        out = 2.0 * special.ndtr(-np.abs(z))
    return out


# -- grids -----------------------------------------------------------------------------------


def _correlate(grid: FloatArray, kernel: FloatArray) -> FloatArray:
    """Correlate with zero padding beyond the grid; ``kernel`` is odd-sized."""
    if kernel.size <= _DIRECT_MAX_KERNEL:
        out: FloatArray = ndimage.correlate(grid, kernel, mode="constant", cval=0.0)
    else:
        out = fftconvolve(grid, kernel[::-1, ::-1], mode="same")
    return out


def _full_grid_sum(shape: tuple[int, ...], kernel: FloatArray) -> FloatArray:
    """``_correlate(ones(shape), kernel)`` exactly: rows in grid · kernel · (columns in grid)ᵀ."""
    r = kernel.shape[0] // 2
    reach = np.arange(-r, r + 1)
    rows = np.arange(shape[0])[:, None] + reach[None, :]
    cols = np.arange(shape[1])[:, None] + reach[None, :]
    row_in = ((rows >= 0) & (rows < shape[0])).astype(np.float64)
    col_in = ((cols >= 0) & (cols < shape[1])).astype(np.float64)
    out: FloatArray = row_in @ kernel @ col_in.T
    return out


def _nearest_weight(inside: NDArray[np.bool_], kernel: FloatArray) -> FloatArray:
    """Per cell, the largest kernel weight of a neighbour in the study area (esda's row max).

    Rings of equal weight are tried from the nearest outwards; cells without
    any neighbour get the kernel's largest weight (or 1 if it has none).
    """
    ones = inside.astype(np.float64)
    out = np.zeros(inside.shape)
    todo = inside.copy()
    for value in np.unique(kernel[kernel > 0])[::-1]:
        if not todo.any():
            break
        ring = (kernel == value).astype(np.float64)
        hit = todo & (_correlate(ones, ring) > 0.5)
        out[hit] = value
        todo &= ~hit
    out[todo] = kernel.max() if kernel.max() > 0 else 1.0
    return out


def _scatter(values: FloatArray, inside: NDArray[np.bool_]) -> FloatArray:
    out = np.full(inside.shape, np.nan)
    out[inside] = values
    return out


def _scatter_int(values: NDArray[np.int64], inside: NDArray[np.bool_]) -> NDArray[np.int64]:
    out = np.zeros(inside.shape, dtype=np.int64)
    out[inside] = values
    return out


# -- validation ------------------------------------------------------------------------------


def _positive(value: float, name: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive number of metres, got {value}")
    return v


def _as_mask(mask: ArrayLike | None, shape: tuple[int, ...]) -> NDArray[np.bool_]:
    if mask is None:
        return np.ones(shape, dtype=bool)
    m = np.asarray(mask)
    if m.shape != shape:
        raise ValueError(f"the mask must have the grid's shape {shape}, got {m.shape}")
    if m.dtype != np.bool_:
        raise ValueError(f"the mask must be boolean, got {m.dtype}")
    return m


def _check_values(values: FloatArray) -> None:
    if values.size < 2:
        raise ValueError("the study area needs at least two cells or areas")
    if not np.isfinite(values).all():
        raise ValueError("values must be finite inside the study area")
    if (values < 0).any():
        raise ValueError("G* needs non-negative values (counts, rates)")


def _check_transform_alternative(transform: str, alternative: str) -> None:
    if transform not in ("B", "R"):
        raise ValueError(f"transform must be 'B' or 'R', got {transform!r}")
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(
            f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}"
        )


def _check_permutations(permutations: int) -> int:
    k = int(permutations)
    if k < 1:
        raise ValueError(f"permutations must be at least 1, got {permutations}")
    return k


def _as_weights(w: Any, n: int) -> Any:
    """``w`` as a canonical float64 CSR array (sorted indices, no duplicates), checked."""
    matrix = sparse.csr_array(w, dtype=np.float64, copy=True)  # the caller's stays as it is
    if matrix.shape != (n, n):
        raise ValueError(f"the weights must be {n} × {n} for {n} values, got {matrix.shape}")
    matrix.sum_duplicates()
    if not np.isfinite(matrix.data).all() or (matrix.data < 0).any():
        raise ValueError("weights must be finite and non-negative")
    return matrix


def _split_diagonal(matrix: Any) -> tuple[Any, FloatArray]:
    """The off-diagonal part (stored order kept, explicit zeros dropped) and the diagonal."""
    n = matrix.shape[0]
    rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
    keep = (matrix.indices != rows) & (matrix.data != 0)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=n))])
    off = sparse.csr_array((matrix.data[keep], matrix.indices[keep], indptr), shape=(n, n))
    diagonal: FloatArray = np.asarray(matrix.diagonal(), dtype=np.float64)
    return off, diagonal


def _gi_weights(w: Any, n: int) -> tuple[Any, FloatArray]:
    """Off-diagonal weights and self-weights: the given diagonal, else each row's largest."""
    off, diagonal = _split_diagonal(_as_weights(w, n))
    if not diagonal.any():
        diagonal = _row_max(off)
    return off, diagonal


def _row_max(off: Any) -> FloatArray:
    """Each row's largest weight; rows without neighbours get the matrix's largest, or 1."""
    n = off.shape[0]
    out = np.zeros(n)
    counts = np.diff(off.indptr)
    has = counts > 0
    if has.any():
        out[has] = np.maximum.reduceat(off.data, off.indptr[:-1][has])
    out[~has] = off.data.max() if off.nnz else 1.0
    return out


def _max_neighbours(off: Any) -> int:
    return int(np.diff(off.indptr).max()) if off.shape[0] else 0


# -- conditional permutation -----------------------------------------------------------------


def _draw(n: int, k: int, permutations: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """``permutations`` rows of ``k`` distinct positions among ``n - 1`` (as esda's draws)."""
    draws = np.empty((permutations, k), dtype=np.int64)
    if k == 0:
        return draws
    for row in draws:
        row[:] = rng.choice(n - 1, size=k, replace=False)
    return draws


@dataclass(frozen=True)
class _LagNull:
    """The observed spatial lag of every site and its conditional permutation distribution."""

    observed: FloatArray
    n_greater: NDArray[np.int64]
    n_less: NDArray[np.int64]
    mean: FloatArray
    std: FloatArray


def _lag_null(
    values: FloatArray, off: Any, draws: NDArray[np.int64], *, chunk: int | None = None
) -> _LagNull:
    """The permutation null of the lags ``off @ values``, neighbours in ``off``'s stored order."""
    k = draws.shape[1]
    indptr = off.indptr

    def rows(lo: int, hi: int) -> FloatArray:
        counts = np.diff(indptr[lo : hi + 1])
        start = indptr[lo]
        row = np.repeat(np.arange(hi - lo), counts)
        position = np.arange(indptr[hi] - start) - np.repeat(indptr[lo:hi] - start, counts)
        dense = np.zeros((hi - lo, k))
        dense[row, position] = off.data[start : indptr[hi]]
        return dense

    observed: FloatArray = off @ values
    return _permuted_lags(values, draws, rows, observed, off.sum(axis=1), chunk=chunk)


def _grid_lag_null(
    grid: FloatArray,
    inside: NDArray[np.bool_],
    kernel: FloatArray,
    draws: NDArray[np.int64],
    *,
    chunk: int | None = None,
) -> _LagNull:
    """As :func:`_lag_null` for :func:`band_weights` of a grid, without building the matrix.

    The stencil's offsets in row-major order are the neighbours in ascending
    cell number, the order of :func:`band_weights`' sorted rows, so the same
    draws give the same result.
    """
    k = draws.shape[1]
    ny, nx = inside.shape
    r = kernel.shape[0] // 2
    offsets = np.argwhere(kernel > 0) - r
    weights = kernel[kernel > 0]
    ys, xs = np.nonzero(inside)

    def rows(lo: int, hi: int) -> FloatArray:
        yy = ys[lo:hi, None] + offsets[None, :, 0]
        xx = xs[lo:hi, None] + offsets[None, :, 1]
        present = (yy >= 0) & (yy < ny) & (xx >= 0) & (xx < nx)
        present[present] = inside[yy[present], xx[present]]
        position = np.cumsum(present, axis=1) - 1
        row, which = np.nonzero(present)
        dense = np.zeros((hi - lo, k))
        dense[row, position[row, which]] = weights[which]
        return dense

    observed = _correlate(grid, kernel)[inside]
    row_sums = _correlate(inside.astype(np.float64), kernel)[inside]
    return _permuted_lags(grid[inside], draws, rows, observed, row_sums, chunk=chunk)


def _permuted_lags(
    values: FloatArray,
    draws: NDArray[np.int64],
    rows: Callable[[int, int], FloatArray],
    observed: FloatArray,
    row_sums: FloatArray,
    *,
    chunk: int | None = None,
) -> _LagNull:
    """Conditional permutation of :math:`\\sum_{j \\ne i} w_{ij} v_j` for every site ``i``.

    ``rows(lo, hi)`` gives the neighbour weights of sites ``lo .. hi - 1`` as
    a dense ``(hi - lo, k)`` array, each row's neighbours in a fixed order and
    zero-padded; ``observed`` the observed lags and ``row_sums`` the weight
    sums (for the rounding tolerance). ``draws[p, :]`` are distinct
    positions among the ``n - 1`` sites other than ``i``; position ``t`` is
    site ``t`` if ``t < i`` else ``t + 1`` (esda's ``_prepare_univariate``),
    and site ``i``'s ``k``-th neighbour gets the value at ``draws[p, k]``.
    With ``A = v[draws]`` and ``A' = v[draws + 1]`` the permuted lags of a
    chunk of sites ``[lo, hi)`` are ``rows(lo, hi) @ B.T`` with ``B = A'``
    where the position is at or beyond ``hi`` and ``A`` elsewhere, plus
    ``A' - A`` for the few positions ``t`` in ``[lo, hi)``, added to sites
    ``lo .. t``.

    Ties (a permuted lag equal to the observed one up to rounding, 1e-12 of
    the largest possible lag) count as both greater and less.
    """
    n = values.size
    permutations, k = draws.shape
    n_greater = np.empty(n, dtype=np.int64)
    n_less = np.empty(n, dtype=np.int64)
    mean = np.empty(n)
    std = np.empty(n)
    if k == 0:
        n_greater[:] = permutations
        n_less[:] = permutations
        mean[:] = 0.0
        std[:] = 0.0
        return _LagNull(observed, n_greater, n_less, mean, std)
    low = values[draws]
    high = values[draws + 1]
    step = (high - low).ravel()
    flat = draws.ravel()
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    tolerance = 1e-12 * np.abs(row_sums) * float(np.abs(values).max())
    size = chunk or max(1, min(_CHUNK_CELLS, _CHUNK_ELEMENTS // permutations))
    for lo in range(0, n, size):
        hi = min(n, lo + size)
        dense = rows(lo, hi)
        lags = dense @ np.where(draws >= hi, high, low).T
        first, last = np.searchsorted(ordered, [lo, hi])
        if last > first:
            entries = order[first:last]
            reach = flat[entries] - lo + 1
            sites = np.arange(int(reach.sum())) - np.repeat(np.cumsum(reach) - reach, reach)
            perm, slot = np.divmod(np.repeat(entries, reach), k)
            added = dense[sites, slot] * np.repeat(step[entries], reach)
            flat_index = sites * permutations + perm
            lags += np.bincount(flat_index, added, minlength=lags.size).reshape(lags.shape)
        obs = observed[lo:hi, None]
        tol = tolerance[lo:hi, None]
        n_greater[lo:hi] = (lags >= obs - tol).sum(axis=1)
        n_less[lo:hi] = (lags <= obs + tol).sum(axis=1)
        mean[lo:hi] = lags.mean(axis=1)
        std[lo:hi] = lags.std(axis=1)
    return _LagNull(observed, n_greater, n_less, mean, std)


def _affine_test(
    null: _LagNull,
    intercept: FloatArray,
    slope: FloatArray,
    permutations: int,
    alternative: Alternative,
) -> PermutationTest:
    """The test of a statistic ``intercept + slope * lag`` from the null of the lag."""
    up, down = slope > 0, slope < 0
    n_greater = np.where(up, null.n_greater, np.where(down, null.n_less, permutations))
    n_less = np.where(up, null.n_less, np.where(down, null.n_greater, permutations))
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = intercept + slope * null.observed
        mean = intercept + slope * null.mean
        std = np.abs(slope) * null.std
        z = np.where(std > 0, (observed - mean) / std, np.nan)
    return PermutationTest(
        p=_pseudo_p(n_greater, n_less, permutations, alternative),
        z=z,
        mean=mean,
        std=std,
        n_greater=n_greater.astype(np.int64),
        n_less=n_less.astype(np.int64),
        permutations=permutations,
        alternative=alternative,
    )


def _pseudo_p(
    n_greater: NDArray[np.int64],
    n_less: NDArray[np.int64],
    permutations: int,
    alternative: Alternative,
) -> FloatArray:
    if alternative == "greater":
        tail = n_greater
    elif alternative == "less":
        tail = n_less
    else:
        tail = np.minimum(n_greater, n_less)
    p = (tail + 1.0) / (permutations + 1.0)
    if alternative == "two-sided":
        p = np.minimum(1.0, 2.0 * p)
    return p.astype(np.float64)


def _gi_test(
    values: FloatArray,
    diagonal: FloatArray,
    row_sums: FloatArray,
    null: _LagNull,
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
        return _affine_test(null, diagonal * values * slope, slope, permutations, alternative)

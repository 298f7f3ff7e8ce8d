"""Spatial weights for the local statistics: distance bands on grids, sparse matrices.

A distance band makes two cells neighbours when their centres are at most
``band`` apart, with binary or inverse-distance weights (Getis and Ord [1]_;
libpysal's ``DistanceBand`` [2]_). On a regular grid every cell's
neighbourhood is the same stencil, :func:`band_kernel`, so neighbourhood sums
are correlations of the grid with it (:func:`correlate`) and no n × n matrix
is needed; :func:`band_weights` builds the sparse matrix for the statistics
that take one (:func:`trygg.analytics.hotspots.gi_star_weights`,
:func:`trygg.analytics.moran.local_moran`).

The module also holds the package-internal helpers that
:mod:`trygg.analytics.hotspots`, :mod:`trygg.analytics.permutation` and
:mod:`trygg.analytics.moran` share: correlation with a stencil and scattering
back onto a grid, canonical sparse weights and their diagonal, the
self-weights of :math:`G_i^*` (esda's fill for ``G_Local(star=True)`` [2]_)
and the validation of inputs.

References
----------
.. [1] Getis, A. and Ord, J. K. (1992). The analysis of spatial association by
   use of distance statistics. *Geographical Analysis* 24(3), 189-206.
   doi:10.1111/j.1538-4632.1992.tb00261.x
.. [2] Rey, S. J. and Anselin, L. (2007). PySAL: A Python library of spatial
   analytical methods. *The Review of Regional Studies* 37(1), 5-27
   (``libpysal.weights.DistanceBand``, ``esda.G_Local``).
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

# scipy ships no type hints; scipy-stubs is not among the dependencies (yet).
from scipy import ndimage, sparse  # type: ignore[import-untyped, unused-ignore]
from scipy.signal import fftconvolve  # type: ignore[import-untyped, unused-ignore]

__all__ = ["WeightsKind", "band_kernel", "band_weights"]

FloatArray = NDArray[np.float64]
WeightsKind = Literal["binary", "inverse"]

_MAX_KERNEL_CELLS = 1_000_000
"""A band of more than about 560 cells' radius is refused: a mistake in units, not a question."""


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

    The matrix that :func:`trygg.analytics.hotspots.gi_star` applies
    implicitly, for use with :func:`trygg.analytics.hotspots.gi_star_weights`,
    :func:`trygg.analytics.moran.local_moran` or any other statistic on sparse
    weights. Cells are numbered in row-major order
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
    inside = as_mask(mask, (ny, nx))
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


# -- grids -----------------------------------------------------------------------------------


_DIRECT_MAX_KERNEL = 81
"""Kernels of up to this many cells (9 × 9) are correlated directly, larger ones by FFT.

Measured on 300² to 2000² grids: direct correlation wins below about 9 × 9,
the FFT from there on, and direct sums of whole counts are exact.
"""


def correlate(grid: FloatArray, kernel: FloatArray) -> FloatArray:
    """Correlate with zero padding beyond the grid; ``kernel`` is odd-sized."""
    if kernel.size <= _DIRECT_MAX_KERNEL:
        out: FloatArray = ndimage.correlate(grid, kernel, mode="constant", cval=0.0)
    else:
        out = fftconvolve(grid, kernel[::-1, ::-1], mode="same")
    return out


def full_grid_sum(shape: tuple[int, ...], kernel: FloatArray) -> FloatArray:
    """``correlate(ones(shape), kernel)`` exactly: rows in grid · kernel · (columns in grid)ᵀ."""
    r = kernel.shape[0] // 2
    reach = np.arange(-r, r + 1)
    rows = np.arange(shape[0])[:, None] + reach[None, :]
    cols = np.arange(shape[1])[:, None] + reach[None, :]
    row_in = ((rows >= 0) & (rows < shape[0])).astype(np.float64)
    col_in = ((cols >= 0) & (cols < shape[1])).astype(np.float64)
    out: FloatArray = row_in @ kernel @ col_in.T
    return out


def nearest_weight(inside: NDArray[np.bool_], kernel: FloatArray) -> FloatArray:
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
        hit = todo & (correlate(ones, ring) > 0.5)
        out[hit] = value
        todo &= ~hit
    out[todo] = kernel.max() if kernel.max() > 0 else 1.0
    return out


def scatter(values: FloatArray, inside: NDArray[np.bool_]) -> FloatArray:
    out = np.full(inside.shape, np.nan)
    out[inside] = values
    return out


def scatter_int(values: NDArray[np.int64], inside: NDArray[np.bool_]) -> NDArray[np.int64]:
    out = np.zeros(inside.shape, dtype=np.int64)
    out[inside] = values
    return out


# -- weight matrices -------------------------------------------------------------------------


def as_weights(w: Any, n: int) -> Any:
    """``w`` as a canonical float64 CSR array (sorted indices, no duplicates), checked."""
    matrix = sparse.csr_array(w, dtype=np.float64, copy=True)  # the caller's stays as it is
    if matrix.shape != (n, n):
        raise ValueError(f"the weights must be {n} × {n} for {n} values, got {matrix.shape}")
    matrix.sum_duplicates()
    if not np.isfinite(matrix.data).all() or (matrix.data < 0).any():
        raise ValueError("weights must be finite and non-negative")
    return matrix


def split_diagonal(matrix: Any) -> tuple[Any, FloatArray]:
    """The off-diagonal part (stored order kept, explicit zeros dropped) and the diagonal."""
    n = matrix.shape[0]
    rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
    keep = (matrix.indices != rows) & (matrix.data != 0)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=n))])
    off = sparse.csr_array((matrix.data[keep], matrix.indices[keep], indptr), shape=(n, n))
    diagonal: FloatArray = np.asarray(matrix.diagonal(), dtype=np.float64)
    return off, diagonal


def gi_weights(w: Any, n: int) -> tuple[Any, FloatArray]:
    """Off-diagonal weights and self-weights: the given diagonal, else each row's largest."""
    off, diagonal = split_diagonal(as_weights(w, n))
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


def max_neighbours(off: Any) -> int:
    return int(np.diff(off.indptr).max()) if off.shape[0] else 0


# -- validation ------------------------------------------------------------------------------


def _positive(value: float, name: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive number of metres, got {value}")
    return v


def as_mask(mask: ArrayLike | None, shape: tuple[int, ...]) -> NDArray[np.bool_]:
    if mask is None:
        return np.ones(shape, dtype=bool)
    m = np.asarray(mask)
    if m.shape != shape:
        raise ValueError(f"the mask must have the grid's shape {shape}, got {m.shape}")
    if m.dtype != np.bool_:
        raise ValueError(f"the mask must be boolean, got {m.dtype}")
    return m


def check_values(values: FloatArray) -> None:
    if values.size < 2:
        raise ValueError("the study area needs at least two cells or areas")
    if not np.isfinite(values).all():
        raise ValueError("values must be finite inside the study area")
    if (values < 0).any():
        raise ValueError("G* needs non-negative values (counts, rates)")


def check_transform_alternative(transform: str, alternative: str) -> None:
    if transform not in ("B", "R"):
        raise ValueError(f"transform must be 'B' or 'R', got {transform!r}")
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(
            f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}"
        )


def check_permutations(permutations: int) -> int:
    k = int(permutations)
    if k < 1:
        raise ValueError(f"permutations must be at least 1, got {permutations}")
    return k

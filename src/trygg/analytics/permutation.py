r"""Conditional permutation inference for local spatial statistics.

Conditional randomisation (Anselin [1]_) keeps each site's own value and
gives its neighbours values drawn at random, without replacement, from the
other sites. The local statistics of :mod:`trygg.analytics.hotspots`
(:math:`G_i^*`) and :mod:`trygg.analytics.moran` (:math:`I_i`) are affine in
a site's spatial lag :math:`\sum_{j \ne i} w_{ij} v_j`, so only the lags are
permuted: :func:`draw` takes one set of neighbour positions per permutation
for all sites, as esda's ``crand`` [2]_ does, :func:`lag_null` (any sparse
weights) and :func:`grid_lag_null` (a grid's band stencil, without building
the matrix) count how often the permuted lags reach the observed ones, and
:func:`affine_test` turns those counts into the :class:`PermutationTest` of a
statistic ``intercept + slope * lag``.

References
----------
.. [1] Anselin, L. (1995). Local indicators of spatial association - LISA.
   *Geographical Analysis* 27(2), 93-115 (conditional randomisation).
   doi:10.1111/j.1538-4632.1995.tb00338.x
.. [2] Rey, S. J. and Anselin, L. (2007). PySAL: A Python library of spatial
   analytical methods. *The Review of Regional Studies* 37(1), 5-27
   (``esda.crand``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from trygg.analytics.weights import correlate

__all__ = ["Alternative", "PermutationTest"]

FloatArray = NDArray[np.float64]
Alternative = Literal["two-sided", "greater", "less"]


@dataclass(frozen=True)
class PermutationTest:
    """Conditional permutation inference for a local statistic.

    For every site the statistic is recomputed ``permutations`` times with the
    site's own value fixed and its neighbours' values drawn at random, without
    replacement, from all other sites (Anselin [1]_). Arrays have the shape of
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


# -- conditional permutation -----------------------------------------------------------------


def draw(n: int, k: int, permutations: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """``permutations`` rows of ``k`` distinct positions among ``n - 1`` (as esda's draws)."""
    draws = np.empty((permutations, k), dtype=np.int64)
    if k == 0:
        return draws
    for row in draws:
        row[:] = rng.choice(n - 1, size=k, replace=False)
    return draws


@dataclass(frozen=True)
class LagNull:
    """The observed spatial lag of every site and its conditional permutation distribution."""

    observed: FloatArray
    n_greater: NDArray[np.int64]
    n_less: NDArray[np.int64]
    mean: FloatArray
    std: FloatArray


def lag_null(
    values: FloatArray, off: Any, draws: NDArray[np.int64], *, chunk: int | None = None
) -> LagNull:
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


def grid_lag_null(
    grid: FloatArray,
    inside: NDArray[np.bool_],
    kernel: FloatArray,
    draws: NDArray[np.int64],
    *,
    chunk: int | None = None,
) -> LagNull:
    """As :func:`lag_null` for a grid's band weights, without building the matrix.

    The stencil's offsets in row-major order are the neighbours in ascending
    cell number, the order of the sorted rows of
    :func:`~trygg.analytics.weights.band_weights`, so the same draws give the
    same result.
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

    observed = correlate(grid, kernel)[inside]
    row_sums = correlate(inside.astype(np.float64), kernel)[inside]
    return _permuted_lags(grid[inside], draws, rows, observed, row_sums, chunk=chunk)


_CHUNK_ELEMENTS = 1 << 21
"""At most this many cells × permutations are held at once by the permutation test (16 MB)."""

_CHUNK_CELLS = 512
"""Cells per chunk of the permutation test: the correction for positions inside a chunk
grows with its size, and 256-1024 was fastest on 400 × 400 grids with 300 m and 1 km bands."""


def _permuted_lags(
    values: FloatArray,
    draws: NDArray[np.int64],
    rows: Callable[[int, int], FloatArray],
    observed: FloatArray,
    row_sums: FloatArray,
    *,
    chunk: int | None = None,
) -> LagNull:
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
        return LagNull(observed, n_greater, n_less, mean, std)
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
    return LagNull(observed, n_greater, n_less, mean, std)


def affine_test(
    null: LagNull,
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

"""Kernel density estimation of points on a :class:`~trygg.analytics.grid.Grid`.

The estimate is computed the fast way, as in KDEpy's ``FFTKDE`` and
statsmodels: the points are binned onto the cell centres, and the binned grid
is convolved once with the kernel sampled at the same spacing (an FFT
convolution), which costs ``O(N + M log M)`` for ``N`` points and ``M`` cells
instead of the ``O(N·M)`` of summing every kernel at every cell.

References
----------
.. [1] Silverman, B. W. (1986). *Density Estimation for Statistics and Data
   Analysis*. Chapman & Hall. Sections 4.2 (the 2-d kernels) and 3.5 (FFT).
.. [2] Wand, M. P. and Jones, M. C. (1995). *Kernel Smoothing*. Chapman &
   Hall. Appendix D (binned kernel estimators).
.. [3] Fan, J. and Marron, J. S. (1994). Fast implementations of nonparametric
   curve estimators. *Journal of Computational and Graphical Statistics*
   3(1), 35-56. doi:10.1080/10618600.1994.10474629 (linear binning).
.. [4] Levine, N. (2015). *CrimeStat IV*, chapter 10: Kernel density
   interpolation. National Institute of Justice (the quartic kernel).
.. [5] Chainey, S., Tompson, L. and Uhlig, S. (2008). The utility of hotspot
   mapping for predicting spatial patterns of crime. *Security Journal* 21,
   4-28. doi:10.1057/palgrave.sj.8350066.
.. [6] Odland, T. (2018). KDEpy: kernel density estimation in Python.
   https://github.com/tommyod/KDEpy
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

# scipy ships no type hints; scipy-stubs is not among the dependencies (yet).
from scipy.signal import fftconvolve  # type: ignore[import-untyped, unused-ignore]

from trygg.analytics.grid import _CHUNK, DEFAULT_MAX_CELLS, Grid, _as_coordinates

__all__ = ["Binning", "Kernel", "kde"]

Kernel = Literal["gaussian", "quartic"]
Binning = Literal["linear", "simple"]

_MAX_WORK_CELLS = 4 * DEFAULT_MAX_CELLS
"""The largest FFT (in cells) :func:`kde` runs: four times the largest grid."""


def kde(
    grid: Grid,
    x: ArrayLike,
    y: ArrayLike,
    bandwidth: float,
    *,
    kernel: Kernel = "gaussian",
    weights: ArrayLike | None = None,
    binning: Binning = "linear",
    truncate: float = 4.0,
) -> NDArray[np.float64]:
    r"""Kernel density of points at the cell centres of a grid, in points per square metre.

    The estimate at a cell centre :math:`c` is

    .. math:: \hat f(c) = \sum_i w_i \, K(\lVert c - p_i \rVert)

    with the point :math:`p_i` replaced by its binned position (below), the
    weights :math:`w_i` (1 by default) and one of two radial kernels, both
    integrating to 1 over the plane, at distance :math:`d`:

    ``"gaussian"``
        :math:`K(d) = \frac{1}{2\pi\sigma^2} e^{-d^2 / 2\sigma^2}` with
        ``bandwidth`` :math:`\sigma`, the standard deviation in metres along
        each axis (KDEpy's ``bw`` and scipy's ``sigma`` mean the same). It is
        cut to zero beyond ``truncate`` · σ (a disc); the mass cut away is
        :math:`e^{-t^2/2}` of each point, 0.034 % at the default 4σ, and the
        cut-off value is :math:`e^{-t^2/2}` of the peak.
    ``"quartic"``
        :math:`K(d) = \frac{3}{\pi h^2} \left(1 - \frac{d^2}{h^2}\right)^2`
        for :math:`d < h`, else 0, with ``bandwidth`` :math:`h` the search
        radius in metres: the biweight kernel of Silverman [1]_ (eq. 4.5) and
        the default of CrimeStat [4]_ and QGIS's Heatmap. It equals KDEpy's
        ``"biweight"`` with ``bw = h / sqrt(7)``.

    Normalisation: the result is an intensity, expected points (or weight) per
    square metre, so ``density.sum() * grid.cell_area`` is about the number
    of points (summed weight): exactly so up to what the kernel carries off
    the grid (edge loss), the Gaussian's truncation, and the error of summing
    the kernel at cell centres instead of integrating it, which is negligible
    once the bandwidth spans a few cells (1e-8 for a σ of one cell, less
    beyond; 0.2 % for a quartic radius of three cells, 1.5 % at two). Multiply by ``1e6`` for points
    per km². The values are the kernel sum at the cell centres, not cell
    averages: the convention of KDEpy, CrimeStat and QGIS.

    Binning: with ``binning="linear"`` (the default, as KDEpy's ``FFTKDE``)
    each point is shared among the four cell centres around it in proportion
    to the opposite sub-rectangle's area (bilinear weights, Fan and Marron
    [3]_), which keeps the binning error of order (cell / bandwidth)²; with
    ``"simple"`` a point counts wholly at the centre of the cell holding it,
    an error of order cell / bandwidth: on the grid this is the convolution of
    :func:`~trygg.analytics.grid.counts` with the kernel.

    Points off the grid contribute wherever their kernel reaches onto it, so
    the estimate inside does not depend on where the grid happens to end;
    points with a non-finite coordinate are ignored.

    Parameters
    ----------
    grid : Grid
        The grid to estimate on.
    x, y : array_like
        1-d arrays of one length: the points' coordinates in metres.
    bandwidth : float
        σ in metres for the Gaussian kernel, the radius h in metres for the
        quartic; finite and positive.
    kernel : {"gaussian", "quartic"}, optional
        The kernel; default ``"gaussian"``.
    weights : array_like, optional
        One non-negative weight per point (for example a severity); default 1.
    binning : {"linear", "simple"}, optional
        How points are assigned to cell centres; default ``"linear"``.
    truncate : float, optional
        Where to cut the Gaussian, in standard deviations; default 4. Positive,
        may be ``numpy.inf`` (no cut within the reach of the grid). Ignored by
        the quartic, which ends at h.

    Returns
    -------
    ndarray of float64, shape ``(ny, nx)``
        The density per square metre at each cell centre, never negative.

    Raises
    ------
    ValueError
        If the bandwidth is not finite and positive, the kernel, binning or
        truncation is unknown or not positive, the weights do not match the
        points, or the kernel would need an FFT of more than 16 million cells
        (a bandwidth far larger than the grid's cells allow).

    References
    ----------
    See the module's references; the method is that of KDEpy's ``FFTKDE`` [6]_
    and Wand and Jones [2]_, the quartic kernel that of [4]_ and [5]_.

    Examples
    --------
    One point in the middle of a 2 km square of 100 m cells:

    >>> import numpy as np
    >>> from trygg.analytics.grid import Grid
    >>> g = Grid(x0=0.0, y0=0.0, cell=100.0, nx=20, ny=20)
    >>> d = kde(g, [1_000.0], [1_000.0], bandwidth=200.0)
    >>> round(float(d.sum() * g.cell_area), 3)
    1.0
    >>> q = kde(g, [1_050.0], [1_050.0], bandwidth=300.0, kernel="quartic")
    >>> bool(np.isclose(q[10, 10], 3 / (np.pi * 300.0**2)))
    True
    """
    bw = float(bandwidth)
    if not (math.isfinite(bw) and bw > 0):
        raise ValueError(f"the bandwidth must be a positive number of metres, got {bandwidth}")
    if kernel == "gaussian":
        t = float(truncate)
        if not t > 0:  # also refuses NaN
            raise ValueError(f"truncate must be a positive number of standard deviations, got {t}")
        reach = t * bw
    elif kernel == "quartic":
        reach = bw
    else:
        raise ValueError(f"unknown kernel {kernel!r}; use 'gaussian' or 'quartic'")
    if binning not in ("linear", "simple"):
        raise ValueError(f"unknown binning {binning!r}; use 'linear' or 'simple'")

    xa, ya = _as_coordinates(x, y)
    w: NDArray[np.float64] | None = None
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != xa.shape:
            raise ValueError(f"weights must have one value per point, got {w.shape} for {xa.shape}")

    # Positions are counted in cells: from the centre of cell (0, 0) for linear
    # binning, and as the index of the cell holding the point for simple binning.
    linear = binning == "linear"
    half = 0.5 * grid.cell if linear else 0.0
    origin = (grid.x0 + half, grid.y0 + half)
    extent = _finite_extent(xa, ya)
    if extent is None:
        return np.zeros(grid.shape, dtype=np.float64)
    west = _position(extent[0], origin[0], grid.cell, grid.nx, linear)
    south = _position(extent[1], origin[1], grid.cell, grid.ny, linear)
    east = _position(extent[2], origin[0], grid.cell, grid.nx, linear)
    north = _position(extent[3], origin[1], grid.cell, grid.ny, linear)

    # The kernel reaches `radius` cell centres away; the binning grid is padded by as
    # much as points off the grid need, and the stencil is as large as any offset
    # between a binned centre and a grid cell, so an infinite reach stays finite.
    radius = math.floor(reach / grid.cell) if math.isfinite(reach) else math.inf
    pad_w = _pad(-math.floor(west), radius)
    pad_e = _pad(math.ceil(east) - (grid.nx - 1), radius)
    pad_s = _pad(-math.floor(south), radius)
    pad_n = _pad(math.ceil(north) - (grid.ny - 1), radius)
    half_x = int(min(radius, grid.nx - 1 + max(pad_w, pad_e)))
    half_y = int(min(radius, grid.ny - 1 + max(pad_s, pad_n)))
    work_x = grid.nx + pad_w + pad_e
    work_y = grid.ny + pad_s + pad_n
    fft_cells = (work_x + 2 * half_x) * (work_y + 2 * half_y)
    if fft_cells > _MAX_WORK_CELLS:
        raise ValueError(
            f"a bandwidth of {bw:g} m on {grid.cell:g} m cells needs a {fft_cells:,}-cell "
            f"convolution, more than the limit of {_MAX_WORK_CELLS:,}; use larger cells "
            "or a smaller bandwidth"
        )

    # One spare centre on every side of the padded grid takes the share of
    # linearly binned points that falls beyond it (out of the kernel's reach).
    binned = _bin(
        xa,
        ya,
        w,
        origin=origin,
        cell=grid.cell,
        grid_shape=grid.shape,
        shift=(pad_w + 1, pad_s + 1),
        shape=(work_y + 2, work_x + 2),
        linear=linear,
    )[1:-1, 1:-1]

    stencil = _stencil(kernel, bw, reach, grid.cell, half_x, half_y)
    full: NDArray[np.float64] = fftconvolve(binned, stencil, mode="full")
    # full[k] sums binned[j] * stencil[k - j]; stencil index half is offset 0.
    out = full[
        pad_s + half_y : pad_s + half_y + grid.ny,
        pad_w + half_x : pad_w + half_x + grid.nx,
    ]
    # Round-off of the FFT leaves values of about 1e-16 of the peak, some negative.
    return np.maximum(out, 0.0)


def _position(v: float, origin: float, cell: float, n: int, linear: bool) -> float:
    """One coordinate in cells, exactly as :func:`_bin` computes it for every point."""
    t = (v - origin) / cell
    if linear:
        return t
    return float(math.floor(n - 1 if t == n else t))


def _finite_extent(
    x: NDArray[np.float64], y: NDArray[np.float64]
) -> tuple[float, float, float, float] | None:
    """``(xmin, ymin, xmax, ymax)`` over the points with finite coordinates, if any."""
    if x.size == 0:
        return None
    extent = (float(x.min()), float(y.min()), float(x.max()), float(y.max()))
    if all(math.isfinite(e) for e in extent):
        return extent
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return None
    fx, fy = x[finite], y[finite]
    return (float(fx.min()), float(fy.min()), float(fx.max()), float(fy.max()))


def _pad(beyond: int, radius: float) -> int:
    """Cells of padding on one side: as far as the points lie, at most the kernel's reach."""
    return int(min(max(beyond, 0), radius))


def _bin(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    w: NDArray[np.float64] | None,
    *,
    origin: tuple[float, float],
    cell: float,
    grid_shape: tuple[int, int],
    shift: tuple[int, int],
    shape: tuple[int, int],
    linear: bool,
) -> NDArray[np.float64]:
    """Bin points onto the centres of a working array of ``shape``.

    A point's position in cells is ``(x - origin) / cell`` (for simple binning
    floored to its cell of the grid of ``grid_shape``, whose far edges belong
    to its last cells) plus ``shift``. With ``linear`` each point is shared
    among the four centres around it with bilinear weights, and points whose
    lower-left centre is off the array are dropped; otherwise it counts at its
    own centre. Off-array and non-finite points go to one spare bin, which is
    dropped, so the points are never compacted; the element-wise passes run a
    cache-sized chunk at a time, as in :func:`~trygg.analytics.grid.counts`.
    """
    ny, nx = shape
    size = nx * ny
    last_x = nx - 1 if linear else nx
    last_y = ny - 1 if linear else ny
    grid_ny, grid_nx = grid_shape
    n = x.size
    flat = np.empty(n, dtype=np.intp)
    shares = np.empty((4, n), dtype=np.float64) if linear else None
    buf_x = np.empty(min(n, _CHUNK), dtype=np.float64)
    buf_y = np.empty_like(buf_x)
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        tx, ty = buf_x[: stop - start], buf_y[: stop - start]
        np.subtract(x[start:stop], origin[0], out=tx)
        tx /= cell
        np.subtract(y[start:stop], origin[1], out=ty)
        ty /= cell
        if not linear:
            tx[tx == grid_nx] = grid_nx - 1  # as counts() and numpy.histogram2d
            ty[ty == grid_ny] = grid_ny - 1
            np.floor(tx, out=tx)
            np.floor(ty, out=ty)
        tx += shift[0]
        ty += shift[1]
        # NaN fails every comparison, so non-finite points count as outside.
        inside = tx >= 0
        inside &= tx < last_x
        inside &= ty >= 0
        inside &= ty < last_y
        with np.errstate(invalid="ignore", over="ignore"):  # off-array points, masked
            ix = tx.astype(np.intp)
            iy = ty.astype(np.intp)
        chunk = flat[start:stop]
        np.multiply(iy, nx, out=chunk)
        chunk += ix
        np.logical_not(inside, out=inside)
        chunk[inside] = size
        if shares is not None:
            with np.errstate(invalid="ignore", over="ignore"):
                tx -= ix  # the fractions towards the next centre east and north
                ty -= iy
                gx = 1.0 - tx
                gy = 1.0 - ty
                if w is not None:
                    gy *= w[start:stop]
                    ty *= w[start:stop]
                np.multiply(gx, gy, out=shares[0, start:stop])
                np.multiply(tx, gy, out=shares[1, start:stop])
                np.multiply(gx, ty, out=shares[2, start:stop])
                np.multiply(tx, ty, out=shares[3, start:stop])

    def binned(weights: NDArray[np.float64] | None) -> NDArray[np.float64]:
        sums = np.bincount(flat, weights=weights, minlength=size + 1)[:size]
        return sums.astype(np.float64, copy=False).reshape(shape)

    if shares is None:
        return binned(w)
    out = binned(shares[0])
    out[:, 1:] += binned(shares[1])[:, :-1]
    out[1:, :] += binned(shares[2])[:-1, :]
    out[1:, 1:] += binned(shares[3])[:-1, :-1]
    return out


def _stencil(
    kernel: Kernel, bw: float, reach: float, cell: float, half_x: int, half_y: int
) -> NDArray[np.float64]:
    """The kernel sampled at offsets ``-half … half`` cells, zero beyond ``reach`` metres."""
    ox = cell * np.arange(-half_x, half_x + 1, dtype=np.float64)
    oy = cell * np.arange(-half_y, half_y + 1, dtype=np.float64)
    d2 = oy[:, np.newaxis] ** 2 + ox[np.newaxis, :] ** 2
    if kernel == "gaussian":
        values = np.exp(d2 / (-2.0 * bw * bw)) / (2.0 * math.pi * bw * bw)
        values[d2 > reach * reach] = 0.0
    else:
        u = np.clip(1.0 - d2 / (bw * bw), 0.0, None)
        values = (3.0 / (math.pi * bw * bw)) * u * u
    return values

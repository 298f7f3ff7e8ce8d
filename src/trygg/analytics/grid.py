"""A regular square grid in projected metres, and counting points into it.

Every grid-based statistic in :mod:`trygg.analytics` (counts, kernel density,
Getis-Ord Gi*, local Moran's I, comparisons) works on the same :class:`Grid`:
square cells of side ``cell`` metres, ``nx`` columns eastwards and ``ny`` rows
northwards from the lower-left corner ``(x0, y0)``. Coordinates are SWEREF 99
TM (EPSG:3006): x east, y north, in metres.

Arrays on a grid have shape ``(ny, nx)`` and are indexed ``[row, column]``;
row 0 is the southernmost row, so draw them with ``origin="lower"``. The flat
index of cell ``(row, column)`` is ``row * nx + column`` (C order), so
``values.ravel()[cell_index(grid, x, y)]`` looks a point's cell up.

Cells are half-open, ``[x0 + i·cell, x0 + (i+1)·cell)``, except the last column
and the last row, which also hold their upper edge: the convention of
:func:`numpy.histogram2d`, so that a grid from :meth:`Grid.covering` holds
every point of its bounds.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["DEFAULT_MAX_CELLS", "Grid", "cell_index", "counts"]

DEFAULT_MAX_CELLS = 4_000_000
"""The largest grid :meth:`Grid.covering` builds unless told otherwise (about 32 MB a layer)."""


@dataclass(frozen=True)
class Grid:
    """A regular grid of square cells in projected metres.

    Parameters
    ----------
    x0, y0 : float
        The lower-left (south-west) corner of the grid, in metres.
    cell : float
        The side of a cell, in metres; finite and positive.
    nx, ny : int
        The number of columns (eastwards) and rows (northwards); at least 1.

    Raises
    ------
    ValueError
        If ``cell`` is not a finite positive number, ``x0`` or ``y0`` is not
        finite, or ``nx`` or ``ny`` is below 1.

    See Also
    --------
    Grid.covering : the grid of a given cell size over a bounding box.

    Examples
    --------
    >>> g = Grid(x0=670_000.0, y0=6_570_000.0, cell=100.0, nx=3, ny=2)
    >>> g.shape
    (2, 3)
    >>> g.bounds
    (670000.0, 6570000.0, 670300.0, 6570200.0)
    >>> g.x_centres
    array([670050., 670150., 670250.])
    """

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int

    def __post_init__(self) -> None:
        cell = float(self.cell)
        if not (math.isfinite(cell) and cell > 0):
            raise ValueError(f"the cell size must be a positive number of metres, got {self.cell}")
        x0, y0 = float(self.x0), float(self.y0)
        if not (math.isfinite(x0) and math.isfinite(y0)):
            raise ValueError(f"the grid corner must be finite, got ({self.x0}, {self.y0})")
        nx, ny = operator.index(self.nx), operator.index(self.ny)
        if nx < 1 or ny < 1:
            raise ValueError(f"a grid needs at least one column and one row, got {nx} × {ny}")
        # Normalise numpy scalars to Python numbers so grids compare and hash alike.
        object.__setattr__(self, "x0", x0)
        object.__setattr__(self, "y0", y0)
        object.__setattr__(self, "cell", cell)
        object.__setattr__(self, "nx", nx)
        object.__setattr__(self, "ny", ny)

    @classmethod
    def covering(
        cls,
        bounds: tuple[float, float, float, float],
        cell: float,
        max_cells: int = DEFAULT_MAX_CELLS,
    ) -> Grid:
        """The grid of ``cell``-metre cells, snapped to multiples of ``cell``, holding ``bounds``.

        The corner is rounded down and the far edges up to whole multiples of
        ``cell``, so grids of one cell size over different areas line up and
        their cells can be compared one to one.

        Parameters
        ----------
        bounds : tuple of float
            ``(xmin, ymin, xmax, ymax)`` in metres, as shapely's ``.bounds``.
        cell : float
            The side of a cell in metres; finite and positive.
        max_cells : int, optional
            Refuse grids of more than this many cells (default 4,000,000).

        Returns
        -------
        Grid
            The smallest snapped grid whose closed extent contains ``bounds``;
            at least one cell in each direction.

        Raises
        ------
        ValueError
            If ``cell`` is not positive, the bounds are not finite or inverted,
            or the grid would have more than ``max_cells`` cells; the message
            names the limit.

        Examples
        --------
        >>> g = Grid.covering((670_120.0, 6_570_010.0, 670_480.0, 6_570_200.0), cell=100.0)
        >>> g
        Grid(x0=670100.0, y0=6570000.0, cell=100.0, nx=4, ny=2)
        >>> Grid.covering((0.0, 0.0, 100_000.0, 100_000.0), cell=10.0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: a 10 m grid ... 100,000,000 cells, more than the limit of 4,000,000
        """
        cell = float(cell)
        if not (math.isfinite(cell) and cell > 0):
            raise ValueError(f"the cell size must be a positive number of metres, got {cell}")
        xmin, ymin, xmax, ymax = (float(b) for b in bounds)
        if not all(math.isfinite(b) for b in (xmin, ymin, xmax, ymax)):
            raise ValueError(f"the bounds must be finite, got {bounds}")
        if xmin > xmax or ymin > ymax:
            raise ValueError(f"the bounds must be (xmin, ymin, xmax, ymax), got {bounds}")
        ix0, nx = _snap(xmin, xmax, cell)
        iy0, ny = _snap(ymin, ymax, cell)
        if nx * ny > max_cells:
            raise ValueError(
                f"a {cell:g} m grid over these bounds would have {nx * ny:,} cells, "
                f"more than the limit of {max_cells:,}"
            )
        return cls(x0=ix0 * cell, y0=iy0 * cell, cell=cell, nx=nx, ny=ny)

    @property
    def shape(self) -> tuple[int, int]:
        """``(ny, nx)``: the shape of an array of values on the grid."""
        return (self.ny, self.nx)

    @property
    def size(self) -> int:
        """The number of cells, ``nx * ny``."""
        return self.nx * self.ny

    @property
    def cell_area(self) -> float:
        """The area of one cell in square metres."""
        return self.cell * self.cell

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the grid in metres."""
        return (
            self.x0,
            self.y0,
            self.x0 + self.nx * self.cell,
            self.y0 + self.ny * self.cell,
        )

    @property
    def x_edges(self) -> NDArray[np.float64]:
        """The ``nx + 1`` column edges in metres, west to east."""
        return self.x0 + self.cell * np.arange(self.nx + 1, dtype=np.float64)

    @property
    def y_edges(self) -> NDArray[np.float64]:
        """The ``ny + 1`` row edges in metres, south to north."""
        return self.y0 + self.cell * np.arange(self.ny + 1, dtype=np.float64)

    @property
    def x_centres(self) -> NDArray[np.float64]:
        """The ``nx`` column centres in metres, west to east."""
        return self.x0 + self.cell * (np.arange(self.nx, dtype=np.float64) + 0.5)

    @property
    def y_centres(self) -> NDArray[np.float64]:
        """The ``ny`` row centres in metres, south to north."""
        return self.y0 + self.cell * (np.arange(self.ny, dtype=np.float64) + 0.5)

    @property
    def centres(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(x, y)``: the centre of every cell, two arrays of shape ``(ny, nx)``."""
        xx, yy = np.meshgrid(self.x_centres, self.y_centres)
        return xx, yy


def _snap(lo: float, hi: float, cell: float) -> tuple[int, int]:
    """The first multiple of ``cell`` at or below ``lo``, and the cells to reach ``hi``."""
    first = math.floor(lo / cell)
    if first * cell > lo:  # lo / cell rounded up to a whole number
        first -= 1
    last = math.ceil(hi / cell)
    if last * cell < hi:
        last += 1
    return first, max(1, last - first)


def _as_coordinates(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be 1-d arrays of one length, got {xa.shape} and {ya.shape}")
    return xa, ya


_CHUNK = 1 << 16
"""Points processed at a time by the element-wise passes, so their temporaries stay in cache."""


def _flat_index(
    grid: Grid, x: NDArray[np.float64], y: NDArray[np.float64], outside: int
) -> NDArray[np.intp]:
    """Flat cell index of each point, ``outside`` for points off the grid or not finite.

    The points are taken a chunk at a time: the dozen element-wise passes then
    run on arrays that fit in the CPU cache, about 2.5 times faster for a
    million points than on whole arrays.
    """
    n = x.size
    out = np.empty(n, dtype=np.intp)
    buf_x = np.empty(min(n, _CHUNK), dtype=np.float64)
    buf_y = np.empty_like(buf_x)
    nx, ny = grid.nx, grid.ny
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        fx, fy = buf_x[: stop - start], buf_y[: stop - start]
        np.subtract(x[start:stop], grid.x0, out=fx)
        fx /= grid.cell
        np.subtract(y[start:stop], grid.y0, out=fy)
        fy /= grid.cell
        # NaN fails every comparison, so non-finite points count as outside.
        inside = fx >= 0
        inside &= fx <= nx
        inside &= fy >= 0
        inside &= fy <= ny
        with np.errstate(invalid="ignore"):  # casting NaN and far-off points; they are masked
            ix = fx.astype(np.intp)
            iy = fy.astype(np.intp)
        # The last column and row hold their upper edge (numpy.histogram2d's convention).
        np.minimum(ix, nx - 1, out=ix)
        np.minimum(iy, ny - 1, out=iy)
        flat = out[start:stop]
        np.multiply(iy, nx, out=flat)
        flat += ix
        np.logical_not(inside, out=inside)
        flat[inside] = outside
    return out


def cell_index(grid: Grid, x: ArrayLike, y: ArrayLike) -> NDArray[np.intp]:
    """The flat index of the cell holding each point, ``-1`` for points off the grid.

    Cell ``(row, column)`` has flat index ``row * nx + column``. Use it to
    look values up (``values.ravel()[i]`` where ``i >= 0``) or to build masks
    with one's own polygon tests on the points.

    Parameters
    ----------
    grid : Grid
        The grid.
    x, y : array_like
        1-d arrays of one length: the points' coordinates in metres.

    Returns
    -------
    ndarray of intp
        One flat index per point; ``-1`` where the point lies outside the grid
        or has a non-finite coordinate.

    Examples
    --------
    >>> g = Grid(x0=0.0, y0=0.0, cell=10.0, nx=3, ny=2)
    >>> cell_index(g, [5.0, 25.0, 30.0, 31.0], [5.0, 15.0, 20.0, 5.0])
    array([ 0,  5,  5, -1])
    """
    xa, ya = _as_coordinates(x, y)
    return _flat_index(grid, xa, ya, outside=-1)


def counts(
    grid: Grid, x: ArrayLike, y: ArrayLike, weights: ArrayLike | None = None
) -> NDArray[np.float64]:
    """The number (or summed weight) of points in each cell.

    Method: each point's flat cell index is computed arithmetically,
    ``floor((x - x0) / cell)`` and ``floor((y - y0) / cell)``, a cache-sized
    chunk of points at a time; points off the grid are sent to one spare bin,
    a single :func:`numpy.bincount` sums them and the spare bin is dropped.
    The result is that of
    ``numpy.histogram2d(y, x, bins=(grid.y_edges, grid.x_edges), weights=weights)[0]``
    (but for points within a rounding error of a cell edge, which numpy places
    by comparing with the edges) at a tenth of its cost or less.

    Parameters
    ----------
    grid : Grid
        The grid.
    x, y : array_like
        1-d arrays of one length: the points' coordinates in metres. Points off
        the grid or with a non-finite coordinate are dropped.
    weights : array_like, optional
        One weight per point; summed instead of counting each point once.

    Returns
    -------
    ndarray of float64, shape ``(ny, nx)``
        The count (or weight sum) per cell; row 0 is the south edge.

    Examples
    --------
    >>> g = Grid(x0=0.0, y0=0.0, cell=10.0, nx=3, ny=2)
    >>> counts(g, [1.0, 2.0, 15.0, 29.0, 99.0], [1.0, 3.0, 15.0, 19.0, 1.0])
    array([[2., 0., 0.],
           [0., 1., 1.]])
    """
    xa, ya = _as_coordinates(x, y)
    w: NDArray[np.float64] | None = None
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != xa.shape:
            raise ValueError(f"weights must have one value per point, got {w.shape} for {xa.shape}")
    flat = _flat_index(grid, xa, ya, outside=grid.size)
    binned = np.bincount(flat, weights=w, minlength=grid.size + 1)
    return binned[: grid.size].astype(np.float64, copy=False).reshape(grid.shape)

"""The analysis grid and counting points into it, checked against numpy.histogram2d."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import trygg.analytics.grid
from trygg.analytics.grid import DEFAULT_MAX_CELLS, Grid, cell_index, counts

# A 3 × 2 km grid of 100 m cells in SWEREF 99 TM, around Älvsjö.
X0, Y0 = 671_000.0, 6_571_000.0
GRID = Grid(x0=X0, y0=Y0, cell=100.0, nx=30, ny=20)


def histogram(grid: Grid, x, y, weights=None):
    """The reference: numpy's own 2-d histogram over the grid's edges, as (ny, nx)."""
    h, _, _ = np.histogram2d(y, x, bins=(grid.y_edges, grid.x_edges), weights=weights)
    return h


def test_it_describes_its_cells():
    g = Grid(x0=10.0, y0=20.0, cell=5.0, nx=3, ny=2)
    assert g.shape == (2, 3)
    assert g.size == 6
    assert g.cell_area == 25.0
    assert g.bounds == (10.0, 20.0, 25.0, 30.0)
    np.testing.assert_array_equal(g.x_edges, [10.0, 15.0, 20.0, 25.0])
    np.testing.assert_array_equal(g.y_edges, [20.0, 25.0, 30.0])
    np.testing.assert_array_equal(g.x_centres, [12.5, 17.5, 22.5])
    np.testing.assert_array_equal(g.y_centres, [22.5, 27.5])
    xx, yy = g.centres
    assert xx.shape == yy.shape == g.shape
    np.testing.assert_array_equal(xx[1], g.x_centres)
    np.testing.assert_array_equal(yy[:, 2], g.y_centres)


def test_it_is_a_frozen_value():
    g = Grid(x0=np.float32(0.0), y0=0, cell=np.int64(100), nx=np.int64(4), ny=3)
    assert g == Grid(x0=0.0, y0=0.0, cell=100.0, nx=4, ny=3)
    assert hash(g) == hash(Grid(x0=0.0, y0=0.0, cell=100.0, nx=4, ny=3))
    assert type(g.nx) is int and type(g.cell) is float
    with pytest.raises(AttributeError):
        g.cell = 50.0  # type: ignore[misc]


@pytest.mark.parametrize("cell", [0.0, -100.0, math.nan, math.inf])
def test_it_refuses_a_cell_that_is_not_positive(cell):
    with pytest.raises(ValueError, match="cell size"):
        Grid(x0=0.0, y0=0.0, cell=cell, nx=1, ny=1)


@pytest.mark.parametrize(("nx", "ny"), [(0, 1), (1, 0), (-3, 2)])
def test_it_refuses_an_empty_grid(nx, ny):
    with pytest.raises(ValueError, match="at least one column and one row"):
        Grid(x0=0.0, y0=0.0, cell=1.0, nx=nx, ny=ny)


def test_it_refuses_a_fractional_number_of_cells():
    with pytest.raises(TypeError):
        Grid(x0=0.0, y0=0.0, cell=1.0, nx=2.5, ny=1)  # type: ignore[arg-type]


def test_covering_snaps_to_multiples_of_the_cell():
    g = Grid.covering((671_020.0, 6_571_090.0, 673_950.0, 6_572_901.0), cell=100.0)
    assert g == Grid(x0=671_000.0, y0=6_571_000.0, cell=100.0, nx=30, ny=20)


def test_covering_bounds_on_cell_edges_adds_no_extra_cells():
    g = Grid.covering((0.0, 0.0, 1000.0, 500.0), cell=100.0)
    assert g.shape == (5, 10)
    assert g.bounds == (0.0, 0.0, 1000.0, 500.0)


def test_covering_a_point_gives_one_cell():
    assert Grid.covering((250.0, 300.0, 250.0, 300.0), cell=100.0).shape == (1, 1)


@given(
    xmin=st.floats(-1e7, 1e7),
    ymin=st.floats(-1e7, 1e7),
    width=st.floats(0, 5e4),
    height=st.floats(0, 5e4),
    cell=st.sampled_from([1.0, 2.5, 10.0, 25.0, 100.0, 250.0, 333.3, 1000.0]),
)
def test_covering_holds_its_bounds_with_the_fewest_snapped_cells(xmin, ymin, width, height, cell):
    xmax, ymax = xmin + width, ymin + height
    g = Grid.covering((xmin, ymin, xmax, ymax), cell=cell, max_cells=10**12)
    gx0, gy0, gx1, gy1 = g.bounds
    assert gx0 <= xmin and gy0 <= ymin and gx1 >= xmax and gy1 >= ymax
    assert g.x0 == round(g.x0 / cell) * cell and g.y0 == round(g.y0 / cell) * cell
    # One column fewer would no longer reach the bounds (allowing for float round-off).
    assert g.nx == 1 or g.x0 + (g.nx - 1) * cell < xmax + 1e-9 * abs(xmax) + 1e-9
    assert g.ny == 1 or g.y0 + (g.ny - 1) * cell < ymax + 1e-9 * abs(ymax) + 1e-9
    # Every point of the bounds falls in a cell.
    corners_x = [xmin, xmax, xmin, xmax]
    corners_y = [ymin, ymin, ymax, ymax]
    assert (cell_index(g, corners_x, corners_y) >= 0).all()


def test_covering_refuses_more_cells_than_the_limit_and_names_it():
    bounds = (0.0, 0.0, 100_000.0, 100_000.0)
    with pytest.raises(ValueError, match="more than the limit of 4,000,000") as caught:
        Grid.covering(bounds, cell=10.0)
    assert "100,000,000 cells" in str(caught.value)
    assert DEFAULT_MAX_CELLS == 4_000_000
    with pytest.raises(ValueError, match="more than the limit of 1,000"):
        Grid.covering((0.0, 0.0, 1010.0, 1000.0), cell=10.0, max_cells=1_000)


def test_covering_allows_exactly_the_limit():
    g = Grid.covering((0.0, 0.0, 2000.0, 2000.0), cell=1.0)
    assert g.size == DEFAULT_MAX_CELLS


@pytest.mark.parametrize("cell", [0.0, -10.0, math.nan, math.inf])
def test_covering_refuses_a_cell_that_is_not_positive(cell):
    with pytest.raises(ValueError, match="cell size"):
        Grid.covering((0.0, 0.0, 1000.0, 1000.0), cell=cell)


@pytest.mark.parametrize(
    "bounds",
    [(10.0, 0.0, 0.0, 10.0), (0.0, 10.0, 10.0, 0.0), (0.0, 0.0, math.nan, 1.0)],
)
def test_covering_refuses_bounds_that_are_inverted_or_not_finite(bounds):
    with pytest.raises(ValueError, match="bounds"):
        Grid.covering(bounds, cell=1.0)


def test_counts_equal_numpy_histogram2d():
    rng = np.random.default_rng(20240611)
    # Points over and around the grid, so some fall outside on every side.
    x = rng.uniform(X0 - 500.0, X0 + 3500.0, 20_000)
    y = rng.uniform(Y0 - 500.0, Y0 + 2500.0, 20_000)
    c = counts(GRID, x, y)
    assert c.shape == (20, 30)
    assert c.dtype == np.float64
    np.testing.assert_array_equal(c, histogram(GRID, x, y))
    assert 0 < c.sum() < x.size


def test_counts_of_many_points_equal_numpy_histogram2d():
    rng = np.random.default_rng(8)
    n = 300_001  # several chunks of the index loop, the last one short
    x = rng.uniform(X0 - 300.0, X0 + 3_300.0, n)
    y = rng.uniform(Y0 - 300.0, Y0 + 2_300.0, n)
    w = rng.uniform(0.0, 3.0, n)
    np.testing.assert_array_equal(counts(GRID, x, y), histogram(GRID, x, y))
    np.testing.assert_allclose(
        counts(GRID, x, y, weights=w), histogram(GRID, x, y, weights=w), rtol=1e-9
    )
    i = cell_index(GRID, x, y)
    np.testing.assert_array_equal(
        np.bincount(i[i >= 0], minlength=GRID.size).reshape(GRID.shape), histogram(GRID, x, y)
    )


def test_weighted_counts_equal_numpy_histogram2d():
    rng = np.random.default_rng(7)
    x = rng.uniform(X0 - 200.0, X0 + 3200.0, 5_000)
    y = rng.uniform(Y0 - 200.0, Y0 + 2200.0, 5_000)
    w = rng.uniform(0.0, 5.0, 5_000)
    np.testing.assert_allclose(
        counts(GRID, x, y, weights=w), histogram(GRID, x, y, weights=w), rtol=1e-12
    )


def test_points_on_edges_go_where_histogram2d_puts_them():
    g = Grid(x0=0.0, y0=0.0, cell=10.0, nx=3, ny=2)
    # Inner edges belong to the cell above; the outer far edges to the last cell.
    x = [0.0, 10.0, 20.0, 30.0, 30.0, 0.0, 15.0]
    y = [0.0, 0.0, 10.0, 20.0, 5.0, 20.0, 10.0]
    expected = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 2.0]])
    np.testing.assert_array_equal(counts(g, x, y), expected)
    np.testing.assert_array_equal(counts(g, x, y), histogram(g, x, y))


def test_points_outside_or_not_finite_are_dropped():
    g = Grid(x0=0.0, y0=0.0, cell=10.0, nx=3, ny=2)
    eps = 1e-9
    x = [-eps, 30.0 + eps, 5.0, 5.0, math.nan, 5.0, math.inf, -math.inf, -5.0, 1e300]
    y = [5.0, 5.0, -eps, 20.0 + eps, 5.0, math.nan, 5.0, 5.0, -0.5, 1e300]
    assert counts(g, x, y).sum() == 0
    np.testing.assert_array_equal(cell_index(g, x, y), -1)


def test_cell_index_is_the_flat_row_major_cell():
    g = Grid(x0=0.0, y0=0.0, cell=10.0, nx=3, ny=2)
    x = [5.0, 15.0, 25.0, 5.0, 29.9, 30.0, 31.0]
    y = [5.0, 5.0, 5.0, 15.0, 19.9, 20.0, 5.0]
    np.testing.assert_array_equal(cell_index(g, x, y), [0, 1, 2, 3, 5, 5, -1])


def test_cell_index_agrees_with_counts():
    rng = np.random.default_rng(3)
    x = rng.uniform(X0 - 300.0, X0 + 3300.0, 10_000)
    y = rng.uniform(Y0 - 300.0, Y0 + 2300.0, 10_000)
    i = cell_index(GRID, x, y)
    inside = i >= 0
    by_index = np.bincount(i[inside], minlength=GRID.size).reshape(GRID.shape)
    np.testing.assert_array_equal(by_index, counts(GRID, x, y))
    # The index looks each point's cell up in an array on the grid.
    xx, yy = GRID.centres
    assert np.all(np.abs(xx.ravel()[i[inside]] - x[inside]) <= 50.0)
    assert np.all(np.abs(yy.ravel()[i[inside]] - y[inside]) <= 50.0)


def test_counts_of_no_points_are_zero():
    c = counts(GRID, [], [])
    assert c.shape == GRID.shape and not c.any()


def test_counts_refuse_mismatched_arrays():
    with pytest.raises(ValueError, match="x and y"):
        counts(GRID, [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="x and y"):
        counts(GRID, [[1.0]], [[1.0]])
    with pytest.raises(ValueError, match="weights"):
        counts(GRID, [X0 + 1.0], [Y0 + 1.0], weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="x and y"):
        cell_index(GRID, [1.0, 2.0], [1.0])


@settings(max_examples=60, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.integers(-20, 320), st.integers(-20, 220)), min_size=0, max_size=200
    ),
    cell=st.sampled_from([1, 2, 5, 10, 20]),
)
def test_counts_match_histogram2d_on_whole_metre_points(points, cell):
    # Whole-metre points hit the cell edges exactly and often.
    g = Grid(x0=0.0, y0=0.0, cell=float(cell), nx=300 // cell, ny=200 // cell)
    x = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    c = counts(g, x, y)
    np.testing.assert_array_equal(c, histogram(g, x, y))
    inside = (x >= 0) & (x <= 300) & (y >= 0) & (y <= 200)
    assert c.sum() == inside.sum()


def test_the_docstring_examples_run():
    assert doctest.testmod(trygg.analytics.grid, raise_on_error=True).attempted > 0

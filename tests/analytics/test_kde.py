"""Kernel density on a grid, checked against KDEpy, scipy and direct summation."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from KDEpy import FFTKDE
from scipy.ndimage import gaussian_filter

import trygg.analytics.kde
from trygg.analytics.grid import Grid, counts
from trygg.analytics.kde import kde

X0, Y0 = 671_000.0, 6_571_000.0


def gaussian(d2, sigma):
    return np.exp(-d2 / (2 * sigma**2)) / (2 * np.pi * sigma**2)


def quartic(d2, h):
    return np.where(d2 < h * h, 3 / (np.pi * h * h) * (1 - d2 / (h * h)) ** 2, 0.0)


def direct(grid, px, py, kernel, weights=None):
    """O(points × cells) reference: the kernel summed over every point at every centre."""
    xx, yy = grid.centres
    out = np.zeros(grid.shape)
    weights = np.ones(len(px)) if weights is None else weights
    for x, y, w in zip(px, py, weights, strict=True):
        out += w * kernel((xx - x) ** 2 + (yy - y) ** 2)
    return out


def snapped(grid, x, y):
    """Each point moved to the centre of the cell it falls in: what simple binning sums."""
    u = (np.asarray(x, dtype=float) - grid.x0) / grid.cell
    v = (np.asarray(y, dtype=float) - grid.y0) / grid.cell
    # Points on the grid's far edges belong to its last column and row.
    u[u == grid.nx] = grid.nx - 1
    v[v == grid.ny] = grid.ny - 1
    ix, iy = np.floor(u), np.floor(v)
    return grid.x0 + (ix + 0.5) * grid.cell, grid.y0 + (iy + 0.5) * grid.cell


def kdepy_on(grid, x, y, *, kernel, bw, weights=None, unit=1.0):
    """KDEpy's FFTKDE at the grid's cell centres, as points per m² on an (ny, nx) array.

    KDEpy wants its evaluation points as the sorted cartesian product (x slowest) and
    returns a probability density (integrating to 1) in the data's units; scaled by the
    number of points (or total weight) and the unit it is our intensity per m².
    """
    xs, ys = grid.x_centres / unit, grid.y_centres / unit
    points = np.array(np.meshgrid(xs, ys, indexing="ij")).reshape(2, -1).T
    data = np.column_stack([x, y]) / unit
    fitted = FFTKDE(kernel=kernel, bw=bw / unit).fit(data, weights=weights)
    density = fitted.evaluate(points).reshape(grid.nx, grid.ny).T
    total = len(x) if weights is None else float(np.sum(weights))
    return density * total / unit**2


def inside_centres(rng, grid, n):
    """Points strictly inside the hull of the cell centres, as KDEpy's FFTKDE demands."""
    x = rng.uniform(grid.x_centres[0] + 1e-3, grid.x_centres[-1] - 1e-3, n)
    y = rng.uniform(grid.y_centres[0] + 1e-3, grid.y_centres[-1] - 1e-3, n)
    return x, y


def assert_close(actual, expected, rtol):
    # Elementwise relative agreement; cells below 1e-12 of the peak are FFT round-off.
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-12 * np.max(expected))


# KDEpy cuts its Gaussian to a square of L cells, where L is where the 1-d density
# (in the data's own units) falls below 1e-4, plus brentq's xtol of 1e-3: a cut that
# depends on the unit of length and in metres lies at about 2.4σ for σ = 200 m. To
# compare the sums themselves, both must sum every point at every cell: ours with
# truncate=inf, KDEpy with a window as large as the grid. Two ways to get the
# latter: a grid within KDEpy's window in metres (25 cells of 20 m, window 24 cells),
# or coordinates handed to KDEpy in units of 2**31 m (an exact power-of-two scaling),
# where its window comes out at thousands of cells, wider than any test grid.
KDEPY_CASES = [
    pytest.param(Grid(x0=X0, y0=Y0, cell=20.0, nx=25, ny=22), 1.0, id="metres"),
    pytest.param(Grid(x0=X0, y0=Y0, cell=100.0, nx=40, ny=30), 2.0**31, id="rescaled"),
]


@pytest.mark.parametrize(("grid", "unit"), KDEPY_CASES)
def test_gaussian_equals_kdepy(grid, unit):
    rng = np.random.default_rng(11)
    x, y = inside_centres(rng, grid, 2_000)
    sigma = 200.0
    window = FFTKDE(kernel="gaussian", bw=sigma / unit).kernel.practical_support(sigma / unit)
    assert math.floor(window / (grid.cell / unit)) >= max(grid.nx, grid.ny) - 1

    ours = kde(grid, x, y, sigma, kernel="gaussian", truncate=np.inf)
    assert_close(ours, kdepy_on(grid, x, y, kernel="gaussian", bw=sigma, unit=unit), rtol=1e-6)


def test_weighted_gaussian_equals_kdepy():
    grid = Grid(x0=X0, y0=Y0, cell=100.0, nx=40, ny=30)
    rng = np.random.default_rng(12)
    # More points than one chunk of the binning loop, and not a multiple of it.
    x, y = inside_centres(rng, grid, 150_001)
    w = rng.uniform(0.1, 4.0, x.size)
    ours = kde(grid, x, y, 250.0, weights=w, truncate=np.inf)
    reference = kdepy_on(grid, x, y, kernel="gaussian", bw=250.0, weights=w, unit=2.0**31)
    assert_close(ours, reference, rtol=1e-6)


@pytest.mark.parametrize("radius", [250.0, 450.0, 1_000.0])
def test_quartic_equals_kdepy_biweight(radius):
    # KDEpy's bw is the standard deviation of the 1-d biweight, h / sqrt(7); its window
    # is the kernel's own support, so no rescaling is needed.
    grid = Grid(x0=X0, y0=Y0, cell=50.0, nx=60, ny=45)
    rng = np.random.default_rng(13)
    x, y = inside_centres(rng, grid, 3_000)
    w = rng.uniform(0.5, 2.0, x.size)
    ours = kde(grid, x, y, radius, kernel="quartic", weights=w)
    reference = kdepy_on(grid, x, y, kernel="biweight", bw=radius / math.sqrt(7), weights=w)
    assert_close(ours, reference, rtol=1e-6)


def test_gaussian_equals_scipy_gaussian_filter_with_simple_binning():
    # gaussian_filter convolves the counts with a normalised sampled Gaussian; with
    # σ = 2.3 cells and a window wider than the grid, its normalisation equals
    # 1 / (2πσ²) to double precision, so the two must agree.
    grid = Grid(x0=X0, y0=Y0, cell=100.0, nx=50, ny=40)
    rng = np.random.default_rng(14)
    x = rng.uniform(X0, X0 + 5_000.0, 3_000)
    y = rng.normal(Y0 + 2_000.0, 700.0, 3_000).clip(Y0, Y0 + 4_000.0)
    sigma = 230.0
    s = sigma / grid.cell
    reference = (
        gaussian_filter(counts(grid, x, y), sigma=s, mode="constant", cval=0.0, truncate=60 / s)
        / grid.cell_area
    )
    ours = kde(grid, x, y, sigma, binning="simple", truncate=np.inf)
    assert_close(ours, reference, rtol=1e-6)


def test_gaussian_equals_direct_summation_truncated_at_4_sigma():
    grid = Grid(x0=X0, y0=Y0, cell=100.0, nx=30, ny=25)
    rng = np.random.default_rng(15)
    # Some points lie off the grid: their kernels still reach onto it.
    x = rng.uniform(X0 - 800.0, X0 + 3_800.0, 300)
    y = rng.uniform(Y0 - 800.0, Y0 + 3_300.0, 300)
    sigma = 230.0  # no centre-to-centre distance equals 4σ exactly
    sx, sy = snapped(grid, x, y)
    reference = direct(grid, sx, sy, lambda d2: gaussian(d2, sigma) * (d2 <= (4 * sigma) ** 2))
    assert_close(kde(grid, x, y, sigma, binning="simple"), reference, rtol=1e-6)


@pytest.mark.parametrize("radius", [230.0, 370.0])
def test_quartic_equals_direct_summation(radius):
    grid = Grid(x0=X0, y0=Y0, cell=50.0, nx=36, ny=28)
    rng = np.random.default_rng(16)
    x = rng.uniform(X0 - 400.0, X0 + 2_200.0, 250)
    y = rng.uniform(Y0 - 400.0, Y0 + 1_800.0, 250)
    w = rng.integers(1, 4, x.size).astype(float)
    sx, sy = snapped(grid, x, y)
    reference = direct(grid, sx, sy, lambda d2: quartic(d2, radius), weights=w)
    ours = kde(grid, x, y, radius, kernel="quartic", weights=w, binning="simple")
    assert_close(ours, reference, rtol=1e-9)


def test_linear_binning_is_exact_for_points_on_cell_centres():
    grid = Grid(x0=X0, y0=Y0, cell=50.0, nx=30, ny=30)
    rng = np.random.default_rng(17)
    x = grid.x0 + (rng.integers(0, 30, 200) + 0.5) * grid.cell
    y = grid.y0 + (rng.integers(0, 30, 200) + 0.5) * grid.cell
    reference = direct(grid, x, y, lambda d2: quartic(d2, 310.0))
    assert_close(kde(grid, x, y, 310.0, kernel="quartic"), reference, rtol=1e-9)


@pytest.mark.parametrize("kernel", ["gaussian", "quartic"])
def test_linear_binning_is_closer_to_the_exact_estimate_than_simple(kernel):
    grid = Grid(x0=X0, y0=Y0, cell=100.0, nx=30, ny=30)
    rng = np.random.default_rng(18)
    x = rng.uniform(X0 + 500.0, X0 + 2_500.0, 400)
    y = rng.uniform(Y0 + 500.0, Y0 + 2_500.0, 400)
    bw = 250.0 if kernel == "gaussian" else 500.0
    k = (lambda d2: gaussian(d2, bw)) if kernel == "gaussian" else (lambda d2: quartic(d2, bw))
    exact = direct(grid, x, y, k)
    peak = exact.max()
    linear = np.abs(kde(grid, x, y, bw, kernel=kernel, truncate=np.inf) - exact).max() / peak
    simple = np.abs(
        kde(grid, x, y, bw, kernel=kernel, binning="simple", truncate=np.inf) - exact
    ).max()
    assert linear < 0.02
    assert linear < 0.5 * simple / peak


@pytest.mark.parametrize(
    ("kernel", "bandwidth", "truncate", "expected", "rtol"),
    [
        ("gaussian", 250.0, 8.0, 1.0, 1e-9),  # σ = 5 cells: the sum is the integral
        ("gaussian", 100.0, 8.0, 1.0, 1e-7),  # σ = 2 cells
        ("gaussian", 250.0, 4.0, 1 - math.exp(-8), 2e-5),  # the 4σ cut loses e^-8
        ("quartic", 500.0, 4.0, 1.0, 1e-4),  # h = 10 cells
    ],
)
@pytest.mark.parametrize("binning", ["linear", "simple"])
def test_mass_is_conserved_away_from_the_edges(
    kernel, bandwidth, truncate, expected, rtol, binning
):
    grid = Grid(x0=X0, y0=Y0, cell=50.0, nx=120, ny=100)
    rng = np.random.default_rng(19)
    # At least 8σ (or h) from every edge, so nothing is carried off the grid.
    x = rng.uniform(X0 + 2_100.0, X0 + 3_900.0, 5_000)
    y = rng.uniform(Y0 + 2_100.0, Y0 + 2_900.0, 5_000)
    d = kde(grid, x, y, bandwidth, kernel=kernel, binning=binning, truncate=truncate)
    mass = d.sum() * grid.cell_area
    assert mass == pytest.approx(x.size * expected, rel=rtol)


@pytest.mark.parametrize("binning", ["linear", "simple"])
def test_the_density_of_many_points_is_the_sum_over_any_split(binning):
    grid = Grid(x0=X0, y0=Y0, cell=100.0, nx=40, ny=30)
    rng = np.random.default_rng(20)
    n = 200_003  # several chunks of the binning loop, the last one short
    x = rng.uniform(X0 - 500.0, X0 + 4_500.0, n)
    y = rng.uniform(Y0 - 500.0, Y0 + 3_500.0, n)
    w = rng.uniform(0.0, 2.0, n)
    whole = kde(grid, x, y, 220.0, weights=w, binning=binning)
    cut = 70_001
    parts = kde(grid, x[:cut], y[:cut], 220.0, weights=w[:cut], binning=binning) + kde(
        grid, x[cut:], y[cut:], 220.0, weights=w[cut:], binning=binning
    )
    np.testing.assert_allclose(whole, parts, rtol=1e-9, atol=1e-12 * whole.max())


def test_mass_near_an_edge_is_lost_not_piled_up():
    grid = Grid(x0=0.0, y0=0.0, cell=10.0, nx=50, ny=50)
    d = kde(grid, [0.0], [250.0], 40.0)
    # A point on the west edge keeps half its mass on the grid.
    assert d.sum() * grid.cell_area == pytest.approx(0.5, rel=2e-3)


@settings(max_examples=40, deadline=None)
@given(
    col=st.integers(0, 25),
    row=st.integers(0, 20),
    nx=st.integers(1, 30),
    ny=st.integers(1, 25),
    kernel=st.sampled_from(["gaussian", "quartic"]),
    binning=st.sampled_from(["linear", "simple"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_window_of_the_grid_has_the_same_density(col, row, nx, ny, kernel, binning, seed):
    # The estimate at a cell does not depend on where the grid ends: points off the
    # grid count where their kernel reaches, and nothing is reflected or piled up.
    big = Grid(x0=X0, y0=Y0, cell=100.0, nx=56, ny=46)
    window = Grid(x0=X0 + col * 100.0, y0=Y0 + row * 100.0, cell=100.0, nx=nx, ny=ny)
    rng = np.random.default_rng(seed)
    x = rng.uniform(X0 - 1_000.0, X0 + 6_600.0, 400)
    y = rng.uniform(Y0 - 1_000.0, Y0 + 5_600.0, 400)
    bw = 230.0 if kernel == "gaussian" else 420.0
    whole = kde(big, x, y, bw, kernel=kernel, binning=binning)
    part = kde(window, x, y, bw, kernel=kernel, binning=binning)
    np.testing.assert_allclose(
        part,
        whole[row : row + ny, col : col + nx],
        rtol=1e-9,
        atol=1e-9 * max(whole.max(), 1e-300),
    )


@settings(max_examples=30, deadline=None)
@given(
    scale=st.floats(0.01, 1000.0),
    kernel=st.sampled_from(["gaussian", "quartic"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_weights_scale_the_density_and_it_is_never_negative(scale, kernel, seed):
    grid = Grid(x0=X0, y0=Y0, cell=100.0, nx=20, ny=15)
    rng = np.random.default_rng(seed)
    x = rng.uniform(X0 - 300.0, X0 + 2_300.0, 50)
    y = rng.uniform(Y0 - 300.0, Y0 + 1_800.0, 50)
    plain = kde(grid, x, y, 300.0, kernel=kernel)
    weighted = kde(grid, x, y, 300.0, kernel=kernel, weights=np.full(x.size, scale))
    assert (plain >= 0).all()
    np.testing.assert_allclose(weighted, scale * plain, rtol=1e-9, atol=1e-12 * plain.max())
    assert plain.sum() * grid.cell_area <= x.size * (1 + 1e-9)


@pytest.mark.parametrize("bandwidth", [0.0, -200.0, math.nan, math.inf])
@pytest.mark.parametrize("kernel", ["gaussian", "quartic"])
def test_it_refuses_a_bandwidth_that_is_not_positive(bandwidth, kernel):
    grid = Grid(x0=0.0, y0=0.0, cell=100.0, nx=10, ny=10)
    with pytest.raises(ValueError, match="bandwidth must be a positive number"):
        kde(grid, [500.0], [500.0], bandwidth, kernel=kernel)


def test_it_refuses_unknown_options():
    grid = Grid(x0=0.0, y0=0.0, cell=100.0, nx=10, ny=10)
    with pytest.raises(ValueError, match="unknown kernel"):
        kde(grid, [500.0], [500.0], 100.0, kernel="epanechnikov")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown binning"):
        kde(grid, [500.0], [500.0], 100.0, binning="nearest")  # type: ignore[arg-type]
    for truncate in (0.0, -1.0, math.nan):
        with pytest.raises(ValueError, match="truncate"):
            kde(grid, [500.0], [500.0], 100.0, truncate=truncate)
    with pytest.raises(ValueError, match="weights"):
        kde(grid, [500.0], [500.0], 100.0, weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="x and y"):
        kde(grid, [500.0, 1.0], [500.0], 100.0)


def test_it_refuses_a_bandwidth_too_large_for_the_cells_and_names_the_limit():
    grid = Grid(x0=0.0, y0=0.0, cell=1.0, nx=2_000, ny=2_000)
    with pytest.raises(ValueError, match="more than the limit of 16,000,000"):
        kde(grid, [0.0, 1_999.0], [0.0, 1_999.0], 500.0)


def test_no_points_give_zero_density():
    grid = Grid(x0=0.0, y0=0.0, cell=100.0, nx=10, ny=8)
    assert not kde(grid, [], [], 100.0).any()
    assert kde(grid, [], [], 100.0).shape == (8, 10)
    assert not kde(grid, [math.nan], [500.0], 100.0).any()


def test_points_that_are_not_finite_are_ignored():
    grid = Grid(x0=0.0, y0=0.0, cell=100.0, nx=10, ny=8)
    x = [420.0, math.nan, math.inf, 330.0, -math.inf]
    y = [310.0, 100.0, 100.0, math.nan, 500.0]
    np.testing.assert_array_equal(
        kde(grid, x, y, 150.0, truncate=np.inf), kde(grid, [420.0], [310.0], 150.0, truncate=np.inf)
    )


def test_points_far_off_the_grid_do_not_count():
    grid = Grid(x0=0.0, y0=0.0, cell=100.0, nx=10, ny=10)
    far = kde(grid, [50.0, 1e7, -1e9], [50.0, 50.0, 1e12], 100.0)
    near = kde(grid, [50.0], [50.0], 100.0)
    # Far points widen the padding and so the FFT, whose round-off differs by 1e-16.
    np.testing.assert_allclose(far, near, rtol=1e-12, atol=1e-15 * near.max())


def test_the_docstring_examples_run():
    assert doctest.testmod(trygg.analytics.kde, raise_on_error=True).attempted > 0

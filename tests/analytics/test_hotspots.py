"""Getis-Ord Gi* and FDR, checked against PySAL esda, scipy and worked examples.

References: ``esda.G_Local(star=True)`` on libpysal ``DistanceBand`` weights
(z, G, E[G], Var[G] to 1e-9; pseudo p-values exactly, with esda's own
permutation draws), a dense implementation of Ord and Getis (1995) eq. 3 for
inverse-distance weights without standardisation (which esda cannot do), and
``scipy.stats.false_discovery_control`` plus Benjamini and Hochberg's (1995)
worked example for the FDR.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from trygg.analytics import hotspots
from trygg.analytics.grid import Grid
from trygg.analytics.hotspots import (
    band_kernel,
    band_weights,
    fdr,
    gi_star,
    gi_star_permutations,
    gi_star_weights,
    gi_star_weights_permutations,
)
from trygg.analytics.permutation import draw, grid_lag_null, lag_null
from trygg.analytics.weights import as_weights, gi_weights, max_neighbours

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning:libpysal")

esda = pytest.importorskip("esda")
libpysal = pytest.importorskip("libpysal")
from esda.crand import vec_permutations  # noqa: E402

CELL = 100.0
TOL = 1e-9


def _problem(seed: int = 1, shape: tuple[int, int] = (15, 20)):
    """A random count grid and its cell centres in row-major order (esda's order)."""
    grid = Grid(x0=670_000.0, y0=6_570_000.0, cell=CELL, nx=shape[1], ny=shape[0])
    counts = np.random.default_rng(seed).poisson(3.0, size=grid.shape).astype(float)
    xx, yy = grid.centres
    return counts, np.column_stack([xx.ravel(), yy.ravel()])


def _esda_gi(y, points, band, *, binary=True, alpha=1.0, transform="B", permutations=0, seed=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands, star fill, crand's alternative notice
        w = libpysal.weights.DistanceBand(
            points, threshold=band, binary=binary, alpha=-alpha, silence_warnings=True
        )
        return esda.G_Local(
            y, w, transform=transform, star=True, permutations=permutations, seed=seed, n_jobs=1
        )


def _ord_getis_dense(y, w):
    """Ord and Getis (1995) eq. 3 with a dense matrix, self-weights on the diagonal."""
    n = y.size
    mean = y.mean()
    s = np.sqrt((y**2).mean() - mean**2)
    w_sum = w.sum(axis=1)
    s1 = (w**2).sum(axis=1)
    return (w @ y - mean * w_sum) / (s * np.sqrt((n * s1 - w_sum**2) / (n - 1)))


# -- the analytical statistic against esda ----------------------------------------------------


@pytest.mark.parametrize("transform", ["B", "R"])
@pytest.mark.parametrize("band", [100.0, 150.0, 250.0, 300.0, 500.0])
def test_binary_band_matches_esda(band, transform):
    counts, points = _problem()
    ours = gi_star(counts, CELL, band, transform=transform)
    ref = _esda_gi(counts.ravel(), points, band, transform=transform)
    np.testing.assert_allclose(ours.z.ravel(), ref.Zs, rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.g.ravel(), ref.Gs, rtol=TOL)
    np.testing.assert_allclose(ours.expected.ravel(), ref.EGs, rtol=TOL)
    np.testing.assert_allclose(ours.variance.ravel(), ref.VGs, rtol=TOL)
    np.testing.assert_allclose(ours.p.ravel(), 2 * ref.p_norm, rtol=0, atol=TOL)


@pytest.mark.parametrize("alpha", [1.0, 2.0])
@pytest.mark.parametrize("band", [150.0, 300.0, 500.0])
def test_inverse_distance_row_standardised_matches_esda(band, alpha):
    counts, points = _problem(seed=2)
    ours = gi_star(counts, CELL, band, weights="inverse", alpha=alpha, transform="R")
    ref = _esda_gi(counts.ravel(), points, band, binary=False, alpha=alpha, transform="R")
    np.testing.assert_allclose(ours.z.ravel(), ref.Zs, rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.g.ravel(), ref.Gs, rtol=TOL)


@pytest.mark.parametrize("band", [150.0, 300.0])
def test_inverse_distance_unstandardised_follows_ord_getis(band):
    # esda's transform="B" turns inverse-distance weights binary, so the
    # reference is the formula itself on libpysal's weights, self-weight 1/cell.
    counts, points = _problem(seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.DistanceBand(points, threshold=band, binary=False, alpha=-1.0)
    dense = w.sparse.toarray()
    np.fill_diagonal(dense, 1.0 / CELL)
    ours = gi_star(counts, CELL, band, weights="inverse", alpha=1.0, transform="B")
    np.testing.assert_allclose(
        ours.z.ravel(), _ord_getis_dense(counts.ravel(), dense), rtol=0, atol=TOL
    )


@pytest.mark.parametrize(
    ("weights", "transform"), [("binary", "B"), ("binary", "R"), ("inverse", "R")]
)
def test_masked_grid_matches_esda_on_the_cells_inside(weights, transform):
    counts, points = _problem(seed=4)
    rng = np.random.default_rng(40)
    mask = rng.random(counts.shape) < 0.75
    mask[5:9, 6:12] = False  # a lake
    counts[~mask] = np.nan  # values outside the study area are never read
    ours = gi_star(counts, CELL, 250.0, weights=weights, transform=transform, mask=mask)
    ref = _esda_gi(
        counts[mask], points[mask.ravel()], 250.0, binary=weights == "binary", transform=transform
    )
    assert np.isnan(ours.z[~mask]).all() and np.isnan(ours.p[~mask]).all()
    inside = ours.z[mask]
    assert np.isfinite(inside).all()
    # esda has no self-weight, hence NaN, for a cell without neighbours under inverse distance.
    defined = np.isfinite(ref.Zs)
    assert defined.mean() > 0.95
    np.testing.assert_allclose(inside[defined], ref.Zs[defined], rtol=0, atol=TOL)


def _columbus():
    path = libpysal.examples.get_path("columbus.shp")
    dbf = libpysal.io.open(libpysal.examples.get_path("columbus.dbf"))
    crime = np.array(dbf.by_col("CRIME"), dtype=float)
    dbf.close()
    points = libpysal.weights.util.get_points_array_from_shapefile(path)
    band = 1.2 * libpysal.weights.min_threshold_distance(points)
    return crime, points, band


@pytest.mark.parametrize(
    ("binary", "transform"), [(True, "B"), (True, "R"), (False, "R")], ids=["B", "R", "inverse-R"]
)
def test_any_weights_match_esda_on_columbus(binary, transform):
    crime, points, band = _columbus()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.DistanceBand(points, threshold=band, binary=binary, alpha=-1.0)
    matrix = w.sparse.copy()  # esda fills the diagonal of its own copy
    ours = gi_star_weights(crime, matrix, transform=transform)
    ref = _esda_gi(crime, points, band, binary=binary, transform=transform)
    np.testing.assert_allclose(ours.z, ref.Zs, rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.g, ref.Gs, rtol=TOL)
    np.testing.assert_allclose(ours.variance, ref.VGs, rtol=TOL)
    np.testing.assert_allclose(ours.p, 2 * ref.p_norm, rtol=0, atol=TOL)


def test_any_weights_keep_a_given_diagonal():
    crime, points, band = _columbus()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal's 1 / 0 on the diagonal, dropped
        w = libpysal.weights.DistanceBand(points, threshold=band, binary=False, alpha=-1.0)
    dense = w.sparse.toarray()
    np.fill_diagonal(dense, np.linspace(0.5, 3.0, crime.size))
    ours = gi_star_weights(crime, dense)
    np.testing.assert_allclose(ours.z, _ord_getis_dense(crime, dense), rtol=0, atol=TOL)


@settings(max_examples=60, deadline=None)
@given(
    ny=st.integers(2, 12),
    nx=st.integers(2, 12),
    band_cells=st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.3, 3.0, 5.5]),
    weights=st.sampled_from(["binary", "inverse"]),
    alpha=st.sampled_from([0.5, 1.0, 2.0]),
    transform=st.sampled_from(["B", "R"]),
    masked=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_grid_agrees_with_its_sparse_weights(
    ny, nx, band_cells, weights, alpha, transform, masked, seed
):
    rng = np.random.default_rng(seed)
    counts = rng.poisson(2.0, size=(ny, nx)).astype(float)
    counts[0, 0] += 1.0  # never constant
    mask = rng.random((ny, nx)) < 0.8 if masked else None
    if mask is not None:
        mask[0, 0] = mask[0, 1] = True
    band = band_cells * CELL
    ours = gi_star(counts, CELL, band, weights=weights, alpha=alpha, transform=transform, mask=mask)
    w = band_weights((ny, nx), CELL, band, weights=weights, alpha=alpha, mask=mask)
    inside = np.ones((ny, nx), bool) if mask is None else mask
    generic = gi_star_weights(counts[inside], w, transform=transform)
    np.testing.assert_allclose(ours.z[inside], generic.z, rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.g[inside], generic.g, rtol=1e-12, atol=1e-15)


@settings(max_examples=30, deadline=None)
@given(
    scale=st.floats(0.01, 1000.0),
    shift=st.floats(0.0, 100.0),
    weights=st.sampled_from(["binary", "inverse"]),
    seed=st.integers(0, 1000),
)
def test_z_does_not_depend_on_the_unit_or_a_constant_offset(scale, shift, weights, seed):
    counts, _ = _problem(seed=seed, shape=(8, 9))
    base = gi_star(counts, CELL, 200.0, weights=weights)
    moved = gi_star(counts * scale + shift, CELL, 200.0, weights=weights)
    np.testing.assert_allclose(moved.z, base.z, rtol=0, atol=1e-8)


def test_alternatives_are_the_tails_of_z():
    counts, _ = _problem()
    two = gi_star(counts, CELL, 200.0)
    greater = gi_star(counts, CELL, 200.0, alternative="greater")
    less = gi_star(counts, CELL, 200.0, alternative="less")
    np.testing.assert_allclose(greater.p, stats.norm.sf(two.z), rtol=1e-12)
    np.testing.assert_allclose(less.p, stats.norm.cdf(two.z), rtol=1e-12)
    np.testing.assert_allclose(two.p, 2 * np.minimum(greater.p, less.p), rtol=1e-12)


def test_a_cluster_is_a_hot_spot_and_its_surroundings_are_cold():
    counts = np.ones((9, 9))
    counts[3:6, 3:6] = 12.0
    result = gi_star(counts, CELL, 150.0)
    assert result.z[4, 4] == result.z.max() > 5
    assert (result.z[0, :] < 0).all()
    assert fdr(result.p)[4, 4] and not fdr(result.p)[0, 0]


def test_constant_counts_have_no_z():
    result = gi_star(np.full((4, 5), 2.0), CELL, 150.0)
    assert np.isnan(result.z).all() and np.isnan(result.p).all()
    assert not fdr(result.p).any()


def test_band_kernel_matches_the_band():
    k = band_kernel(100.0, 300.0)
    assert k.shape == (7, 7) and k.sum() == 28  # 29 cells within 300 m, less the centre
    assert band_kernel(100.0, 99.0).shape == (1, 1)
    inverse = band_kernel(100.0, 300.0, weights="inverse", alpha=2.0)
    assert inverse[3, 6] == pytest.approx(1 / 300.0**2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counts": -np.ones((3, 3))}, "non-negative"),
        ({"counts": np.ones(9)}, "2-d"),
        ({"mask": np.ones((2, 2), bool)}, "shape"),
        ({"mask": np.ones((3, 3))}, "boolean"),
        ({"band": -1.0}, "band"),
        ({"cell": 0.0}, "cell"),
        ({"transform": "r"}, "transform"),
        ({"alternative": "lesser"}, "alternative"),
        ({"weights": "gaussian"}, "weights"),
        ({"alpha": -1.0}, "alpha"),
        ({"band": 1e9}, "same unit"),
    ],
)
def test_it_rejects_bad_input(kwargs, message):
    args = {"counts": np.ones((3, 3)), "cell": 100.0, "band": 150.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        gi_star(**args)


def test_it_needs_two_cells():
    mask = np.zeros((3, 3), bool)
    mask[1, 1] = True
    with pytest.raises(ValueError, match="two cells"):
        gi_star(np.ones((3, 3)), CELL, 150.0, mask=mask)


# -- permutations ----------------------------------------------------------------------------


def _ours_with_draws(counts, band, draws, *, transform="B"):
    """gi_star_permutations' computation with given draws instead of an rng."""
    inside = np.ones(counts.shape, bool)
    kernel = band_kernel(CELL, band)
    null = grid_lag_null(counts, inside, kernel, draws)
    row_sums = band_weights(counts.shape, CELL, band).sum(axis=1)
    diagonal = np.ones(counts.size)
    return hotspots._gi_test(
        counts.ravel(), diagonal, row_sums, null, transform, "two-sided", draws.shape[0]
    )


@pytest.mark.parametrize("band", [150.0, 300.0])
def test_permutations_match_esda_given_its_draws(band):
    counts, points = _problem(seed=5)
    permutations, seed = 499, 20251125
    ref = _esda_gi(counts.ravel(), points, band, permutations=permutations, seed=seed)
    off = band_weights(counts.shape, CELL, band)
    k = int(np.diff(off.indptr).max())
    draws = vec_permutations(k, counts.size, permutations, seed)
    ours = _ours_with_draws(counts, band, draws)
    larger = ours.n_greater
    directed = (np.minimum(larger, permutations - larger) + 1) / (permutations + 1)
    np.testing.assert_allclose(directed, ref.p_sim, rtol=0, atol=1e-6)  # esda keeps float32
    np.testing.assert_allclose(ours.mean, ref.EG_sim, rtol=TOL)
    np.testing.assert_allclose(ours.std, ref.seG_sim, rtol=TOL)
    np.testing.assert_allclose(ours.z, ref.z_sim, rtol=0, atol=TOL)


def test_weights_permutations_match_esda_given_its_draws():
    crime, points, band = _columbus()
    permutations, seed = 999, 4242
    ref = _esda_gi(crime, points, band, permutations=permutations, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.DistanceBand(points, threshold=band, binary=True)
    off, diagonal = gi_weights(w.sparse, crime.size)
    draws = vec_permutations(max_neighbours(off), crime.size, permutations, seed)
    null = lag_null(crime, off, draws)
    ours = hotspots._gi_test(crime, diagonal, off.sum(axis=1), null, "B", "two-sided", permutations)
    larger = ours.n_greater
    directed = (np.minimum(larger, permutations - larger) + 1) / (permutations + 1)
    np.testing.assert_allclose(directed, ref.p_sim, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.z, ref.z_sim, rtol=0, atol=TOL)


@settings(max_examples=40, deadline=None)
@given(
    ny=st.integers(1, 9),
    nx=st.integers(2, 9),
    band_cells=st.sampled_from([1.0, 1.5, 2.3, 4.0]),
    weights=st.sampled_from(["binary", "inverse"]),
    masked=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_grid_permutations_equal_those_of_its_sparse_weights(
    ny, nx, band_cells, weights, masked, seed
):
    rng = np.random.default_rng(seed)
    values = rng.gamma(2.0, size=(ny, nx))
    inside = rng.random((ny, nx)) < 0.7 if masked else np.ones((ny, nx), bool)
    inside.flat[:2] = True
    band = band_cells * CELL
    off = band_weights((ny, nx), CELL, band, weights=weights, mask=inside)
    draws = draw(int(inside.sum()), max_neighbours(off), 23, rng)
    kernel = band_kernel(CELL, band, weights=weights)
    grid = grid_lag_null(np.where(inside, values, 0.0), inside, kernel, draws, chunk=4)
    sparse = lag_null(values[inside], off, draws, chunk=5)
    np.testing.assert_allclose(grid.observed, sparse.observed, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(grid.n_greater, sparse.n_greater)
    np.testing.assert_array_equal(grid.n_less, sparse.n_less)
    np.testing.assert_allclose(grid.mean, sparse.mean, rtol=1e-12, atol=1e-15)


def test_weights_permutations_are_reproducible():
    crime, points, band = _columbus()
    w = libpysal.weights.DistanceBand(points, threshold=band, binary=True).sparse
    a, b = (
        gi_star_weights_permutations(crime, w, rng=np.random.default_rng(3), permutations=99)
        for _ in range(2)
    )
    np.testing.assert_array_equal(a.p, b.p)


def test_permutation_p_values_do_not_depend_on_the_transform():
    counts, _ = _problem(seed=6)
    draws = draw(counts.size, 28, 199, np.random.default_rng(6))
    b = _ours_with_draws(counts, 300.0, draws, transform="B")
    r = _ours_with_draws(counts, 300.0, draws, transform="R")
    np.testing.assert_array_equal(b.n_greater, r.n_greater)
    np.testing.assert_array_equal(b.n_less, r.n_less)
    np.testing.assert_allclose(b.z, r.z, rtol=1e-12)


def test_permutations_are_reproducible_with_a_seed():
    counts, _ = _problem(seed=7)
    run = [
        gi_star_permutations(counts, CELL, 200.0, rng=np.random.default_rng(s), permutations=99)
        for s in (11, 11, 12)
    ]
    np.testing.assert_array_equal(run[0].p, run[1].p)
    np.testing.assert_array_equal(run[0].mean, run[1].mean)
    assert not np.array_equal(run[0].n_greater, run[2].n_greater)


def test_a_strong_cluster_gets_the_smallest_pseudo_p_value():
    counts = np.random.default_rng(8).poisson(1.0, size=(20, 20)).astype(float)
    counts[8:13, 8:13] = 25.0
    test = gi_star_permutations(
        counts, CELL, 150.0, rng=np.random.default_rng(8), permutations=999, alternative="greater"
    )
    assert test.p[10, 10] == pytest.approx(1 / 1000)
    assert test.z[10, 10] > 5
    two_sided = gi_star_permutations(counts, CELL, 150.0, rng=np.random.default_rng(8))
    assert two_sided.p[10, 10] == pytest.approx(2 / 1000)


def test_empty_cells_among_empty_cells_are_not_significant():
    counts = np.zeros((12, 12))
    counts[2, 2] = counts[9, 9] = 5.0
    test = gi_star_permutations(counts, CELL, 150.0, rng=np.random.default_rng(9), permutations=99)
    # Every permutation is at least as large (most tie at 0): not a cold spot, p = 1 ...
    assert test.n_greater[5, 6] == 99 and test.p[5, 6] == 1.0
    # ... where esda's p_sim, counting ties as larger only, would give the smallest p.
    larger = test.n_greater[5, 6]
    assert (min(larger, 99 - larger) + 1) / 100 == 0.01


def test_pseudo_p_values_are_calibrated_under_the_null():
    values = np.random.default_rng(10).gamma(2.0, size=(30, 30))
    test = gi_star_permutations(
        values, CELL, 150.0, rng=np.random.default_rng(10), permutations=199, alternative="greater"
    )
    assert 0.03 < (test.p <= 0.05).mean() < 0.07
    assert 0.45 < np.median(test.p) < 0.55


def test_masked_permutations_leave_the_outside_empty():
    counts, _ = _problem(seed=11)
    mask = np.random.default_rng(11).random(counts.shape) < 0.7
    test = gi_star_permutations(
        counts, CELL, 250.0, rng=np.random.default_rng(1), permutations=49, mask=mask
    )
    assert np.isnan(test.p[~mask]).all() and np.isfinite(test.p[mask]).all()
    assert (test.n_greater[~mask] == 0).all()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 25), density=st.floats(0.0, 0.6), seed=st.integers(0, 10_000))
def test_vectorised_permutations_equal_a_loop_over_sites(n, density, seed):
    rng = np.random.default_rng(seed)
    dense = (rng.random((n, n)) < density) * rng.random((n, n))
    np.fill_diagonal(dense, 0.0)
    off = as_weights(dense, n)
    values = rng.normal(size=n)
    draws = draw(n, max_neighbours(off), 17, rng)
    null = lag_null(values, off, draws, chunk=3)
    for i in range(n):
        others = np.delete(values, i)
        row = slice(off.indptr[i], off.indptr[i + 1])
        w_i = off.data[row]
        lags = others[draws[:, : w_i.size]] @ w_i if w_i.size else np.zeros(17)
        observed = values[off.indices[row]] @ w_i
        assert null.observed[i] == pytest.approx(observed, abs=1e-12)
        assert null.n_greater[i] == (lags >= observed - 1e-9).sum()
        assert null.n_less[i] == (lags <= observed + 1e-9).sum()
        assert null.mean[i] == pytest.approx(lags.mean(), abs=1e-12)
        assert null.std[i] == pytest.approx(lags.std(), abs=1e-12)


# -- false discovery rate --------------------------------------------------------------------


def test_fdr_reproduces_benjamini_hochberg_worked_example():
    # Benjamini and Hochberg (1995), section 4.2: 15 p-values, q = 0.05, four rejections.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240]
    p += [0.4262, 0.5719, 0.6528, 0.7590, 1.000]
    assert fdr(p, q=0.05).tolist() == [True] * 4 + [False] * 11


@settings(max_examples=200, deadline=None)
@given(
    p=st.lists(
        st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.01, 0.05, 0.5, 1.0])),
        min_size=2,
        max_size=80,
    ),
    q=st.sampled_from([0.01, 0.05, 0.1, 0.2, 1.0]),
)
def test_fdr_equals_scipy(p, q):
    expected = stats.false_discovery_control(p, method="bh") <= q
    np.testing.assert_array_equal(fdr(p, q=q), expected)


def test_fdr_leaves_untested_cells_out():
    p = np.array([[0.001, np.nan, 0.02], [np.nan, 0.04, 0.9]])
    finite = p[~np.isnan(p)]
    expected = stats.false_discovery_control(finite) <= 0.05
    chosen = fdr(p)
    assert chosen.shape == p.shape and not chosen[np.isnan(p)].any()
    np.testing.assert_array_equal(chosen[~np.isnan(p)], expected)
    assert not fdr(np.full(4, np.nan)).any()


@pytest.mark.parametrize(("p", "q"), [([0.1, 1.5], 0.05), ([-0.1], 0.05), ([0.1], 0.0)])
def test_fdr_rejects_bad_input(p, q):
    with pytest.raises(ValueError):
        fdr(p, q=q)


def test_the_documented_examples_run():
    import doctest

    import trygg.analytics.hotspots

    assert doctest.testmod(trygg.analytics.hotspots, raise_on_error=True).attempted > 0


def test_the_documented_examples_of_the_weights_run():
    import doctest

    import trygg.analytics.weights

    assert doctest.testmod(trygg.analytics.weights, raise_on_error=True).attempted > 0

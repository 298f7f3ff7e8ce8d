"""Local Moran's I, checked against PySAL esda on the Columbus data and by exact enumeration.

References: ``esda.Moran_Local`` with libpysal ``Queen`` weights on Columbus
``CRIME`` (Is, q, EI, VI to 1e-9; pseudo p-values exactly given esda's own
permutation draws), the moments of Anselin (1995) against every permutation
of a small example, and libpysal's ``lat2W`` and ``W`` for the weights helpers.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trygg.analytics.moran import (
    HH,
    HL,
    LH,
    LL,
    QUADRANTS,
    grid_contiguity,
    local_moran,
    local_moran_permutations,
    weights_from_adjacency,
)
from trygg.analytics.permutation import affine_test, lag_null
from trygg.analytics.weights import as_weights

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning:libpysal")

esda = pytest.importorskip("esda")
libpysal = pytest.importorskip("libpysal")
from esda.crand import vec_permutations  # noqa: E402

TOL = 1e-9


@pytest.fixture
def columbus():
    """Columbus CRIME and Queen weights, fresh per test: esda transforms a W in place."""
    dbf = libpysal.io.open(libpysal.examples.get_path("columbus.dbf"))
    crime = np.array(dbf.by_col("CRIME"), dtype=float)
    dbf.close()
    w = libpysal.weights.Queen.from_shapefile(libpysal.examples.get_path("columbus.shp"))
    return crime, w


def _esda_local(y, w, transform="R", **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # crand's notice about its default alternative
        return esda.Moran_Local(y, w, transformation=transform, n_jobs=1, **kwargs)


@pytest.mark.parametrize("transform", ["R", "B", "O"])
def test_it_matches_esda_on_columbus(columbus, transform):
    crime, w = columbus
    matrix = w.sparse.copy()  # esda transforms its W in place
    ours = local_moran(crime, matrix, transform=transform)
    ref = _esda_local(crime, w, transform, permutations=0)
    n = crime.size
    np.testing.assert_allclose(ours.i, ref.Is, rtol=0, atol=TOL)
    np.testing.assert_array_equal(ours.q, ref.q)
    # esda's EI and VI are the moments of Anselin's I_i = n / (n - 1) * Is.
    np.testing.assert_allclose(ours.expected, ref.EI * (n - 1) / n, rtol=TOL)
    np.testing.assert_allclose(ours.variance, ref.VI * ((n - 1) / n) ** 2, rtol=TOL)
    z_anselin = (ref.Is * n / (n - 1) - ref.EI) / np.sqrt(ref.VI)
    np.testing.assert_allclose(ours.z, z_anselin, rtol=0, atol=TOL)


def test_moments_equal_every_permutation_of_a_small_example():
    # Total randomisation: the values are assigned to the areas in all 720 ways.
    w = weights_from_adjacency([[1, 2], [0, 2, 3], [0, 1, 4], [1, 5], [2, 5], [3, 4]])
    y = np.array([3.0, 7.0, 1.0, 9.0, 4.0, 4.5])
    ours = local_moran(y, w)
    everything = np.array([local_moran(y[list(p)], w).i for p in itertools.permutations(range(6))])
    np.testing.assert_allclose(ours.expected, everything.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(ours.variance, everything.var(axis=0), rtol=1e-12)


def test_permutations_match_esda_given_its_draws(columbus):
    crime, w = columbus
    permutations, seed = 999, 12345
    ref = _esda_local(crime, w, permutations=permutations, seed=seed)
    matrix = as_weights(ref.w.sparse, crime.size)
    draws = vec_permutations(int(np.diff(matrix.indptr).max()), crime.size, permutations, seed)
    z = (crime - crime.mean()) / crime.std()
    null = lag_null(z, matrix, draws)
    slope = (crime.size - 1) * z / np.sum(z * z)
    ours = affine_test(null, np.zeros(crime.size), slope, permutations, "two-sided")
    larger = ours.n_greater
    directed = (np.minimum(larger, permutations - larger) + 1) / (permutations + 1)
    np.testing.assert_allclose(directed, ref.p_sim, rtol=0, atol=1e-6)  # esda keeps float32
    np.testing.assert_allclose(ours.mean, ref.EI_sim, rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.std, ref.seI_sim, rtol=TOL)
    np.testing.assert_allclose(ours.z, ref.z_sim, rtol=0, atol=TOL)


def test_public_permutations_agree_with_esda_in_distribution(columbus):
    crime, w = columbus
    ours = local_moran_permutations(
        crime, w.sparse.copy(), rng=np.random.default_rng(3), permutations=9999
    )
    ref = _esda_local(crime, w, permutations=9999, seed=3)
    # Different random streams: p-values differ by Monte Carlo error only (sd <= 0.005 each).
    esda_two_sided = np.minimum(1.0, 2 * ref.p_sim)
    assert np.abs(ours.p - esda_two_sided).max() < 0.04
    np.testing.assert_allclose(ours.mean, ref.EI_sim, atol=0.05)


def test_permutations_are_reproducible_with_a_seed(columbus):
    crime, w = columbus
    a, b, c = (
        local_moran_permutations(crime, w.sparse, rng=np.random.default_rng(s), permutations=199)
        for s in (1, 1, 2)
    )
    np.testing.assert_array_equal(a.p, b.p)
    np.testing.assert_array_equal(a.z, b.z)
    assert not np.array_equal(a.n_greater, c.n_greater)


def test_a_cluster_and_an_outlier_on_a_grid():
    values = np.ones((8, 8))
    values[:3, :3] = 20.0  # a high cluster in one corner
    values[6, 6] = 20.0  # a high outlier among lows
    w = grid_contiguity((8, 8), rule="rook")
    lisa = local_moran(values.ravel(), w)
    q = lisa.q.reshape(8, 8)
    assert q[1, 1] == HH and q[6, 6] == HL and q[6, 5] == LH and q[4, 4] == LL
    test = local_moran_permutations(
        values.ravel(), w, rng=np.random.default_rng(5), permutations=999, alternative="greater"
    )
    assert test.p.reshape(8, 8)[1, 1] <= 0.005
    assert lisa.z.reshape(8, 8)[1, 1] > 3


def test_it_matches_esda_on_a_grid_with_lat2w():
    values = np.random.default_rng(4).poisson(4.0, size=(9, 11)).astype(float)
    ours = local_moran(values.ravel(), grid_contiguity((9, 11), rule="rook"))
    ref = _esda_local(values.ravel(), libpysal.weights.lat2W(9, 11, rook=True), permutations=0)
    np.testing.assert_allclose(ours.i, ref.Is, rtol=0, atol=TOL)
    np.testing.assert_array_equal(ours.q, ref.q)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.floats(-100, 100), min_size=9, max_size=9),
    rule=st.sampled_from(["queen", "rook"]),
)
def test_quadrants_follow_the_signs(values, rule):
    y = np.array(values)
    if np.ptp(y) < 1e-6:
        return
    lisa = local_moran(y, grid_contiguity((3, 3), rule=rule))
    z = (y - y.mean()) / y.std()
    assert ((lisa.q == HH) == ((z > 0) & (lisa.lag > 0))).all()
    assert ((lisa.q == LL) == ((z <= 0) & (lisa.lag <= 0))).all()
    assert set(QUADRANTS) == {HH, LH, LL, HL}
    assert np.all(np.sign(lisa.i) == np.sign(z * lisa.lag))


def test_constant_values_are_undefined():
    lisa = local_moran(np.full(9, 3.0), grid_contiguity((3, 3)))
    assert np.isnan(lisa.i).all() and np.isnan(lisa.z).all() and (lisa.q == 0).all()
    test = local_moran_permutations(
        np.full(9, 3.0), grid_contiguity((3, 3)), rng=np.random.default_rng(0), permutations=19
    )
    assert (test.p == 1.0).all()


def test_an_island_has_no_z():
    w = weights_from_adjacency([[1], [0, 2], [1], []])
    lisa = local_moran([1.0, 5.0, 2.0, 8.0], w)
    assert lisa.i[3] == 0 and np.isnan(lisa.z[3]) and np.isfinite(lisa.z[:3]).all()


# -- weights ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["queen", "rook"])
def test_grid_contiguity_equals_lat2w(rule):
    ref = libpysal.weights.lat2W(7, 5, rook=rule == "rook").sparse.toarray()
    np.testing.assert_array_equal(grid_contiguity((7, 5), rule=rule).toarray(), ref)


def test_grid_contiguity_with_a_mask_is_the_submatrix():
    mask = np.random.default_rng(2).random((6, 7)) < 0.6
    full = grid_contiguity((6, 7)).toarray()
    inside = mask.ravel()
    np.testing.assert_array_equal(
        grid_contiguity((6, 7), mask=mask).toarray(), full[np.ix_(inside, inside)]
    )


def test_weights_from_adjacency_equal_libpysal(columbus):
    _, w = columbus
    assert w.id_order == list(range(w.n))
    neighbours = {i: w.neighbors[i] for i in w.id_order}
    weights = {i: w.weights[i] for i in w.id_order}
    ours = weights_from_adjacency(neighbours, weights)
    np.testing.assert_array_equal(ours.toarray(), w.sparse.toarray())
    listed = weights_from_adjacency([w.neighbors[i] for i in w.id_order])
    np.testing.assert_array_equal(listed.toarray(), w.sparse.toarray())


def test_weights_from_adjacency_keeps_trailing_islands():
    assert weights_from_adjacency([[1], [0], []]).shape == (3, 3)
    assert weights_from_adjacency({0: [1], 1: [0]}, n=4).shape == (4, 4)


@pytest.mark.parametrize(
    ("neighbours", "weights", "message"),
    [
        ([[0]], None, "own neighbour"),
        ([[1, 1], [0]], None, "twice"),
        ([[2], [0]], None, "0 .. 1"),
        ([[1], [0]], [[1.0, 2.0], [1.0]], "weights"),
        ([[1], [0]], [[-1.0], [1.0]], "non-negative"),
    ],
)
def test_weights_from_adjacency_rejects_bad_lists(neighbours, weights, message):
    with pytest.raises(ValueError, match=message):
        weights_from_adjacency(neighbours, weights, n=2 if message == "0 .. 1" else None)


@pytest.mark.parametrize(
    ("y", "w", "kwargs", "message"),
    [
        ([1.0, 2.0], np.zeros((2, 2)), {}, "three"),
        ([1.0, 2.0, np.nan], np.zeros((3, 3)), {}, "finite"),
        ([1.0, 2.0, 3.0], np.eye(3), {}, "self-neighbours"),
        ([1.0, 2.0, 3.0], np.ones((2, 2)), {}, "3 × 3"),
        ([1.0, 2.0, 3.0], -np.ones((3, 3)) + np.eye(3), {}, "non-negative"),
        ([1.0, 2.0, 3.0], np.ones((3, 3)) - np.eye(3), {"transform": "r"}, "transform"),
    ],
)
def test_local_moran_rejects_bad_input(y, w, kwargs, message):
    with pytest.raises(ValueError, match=message):
        local_moran(y, w, **kwargs)


def test_the_documented_examples_run():
    import doctest

    import trygg.analytics.moran

    assert doctest.testmod(trygg.analytics.moran, raise_on_error=True).attempted > 0

"""Knox test for near repeats: brute force, planted clusters and published tables."""

import doctest
import math

import numpy as np
import pytest

from trygg.analytics import nearrepeat
from trygg.analytics.nearrepeat import knox_test

SPACE_EDGES = [0, 100, 200, 300, 400]
TIME_EDGES = [0, 7, 14, 21, 28]


def _band(value, edges, closed):
    """Index of the band holding value; len(edges) - 1 is the beyond band."""
    for k in range(len(edges) - 1):
        lo, hi = edges[k], edges[k + 1]
        if closed == "right":
            inside = lo <= value <= hi if k == 0 else lo < value <= hi
        else:
            inside = lo <= value < hi
        if inside:
            return k
    return len(edges) - 1


def _brute_force_table(x, y, t, space_edges, time_edges, closed="right", metric="euclidean"):
    table = np.zeros((len(space_edges), len(time_edges)), dtype=np.int64)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            d = math.hypot(dx, dy) if metric == "euclidean" else abs(dx) + abs(dy)
            dt = abs(t[i] - t[j])
            table[_band(d, space_edges, closed), _band(dt, time_edges, closed)] += 1
    return table


def _lattice_events(n, seed):
    """Events on a 10 m lattice and whole days, so many pairs sit exactly on an edge."""
    rng = np.random.default_rng(seed)
    x = 10.0 * rng.integers(0, 50, n)
    y = 10.0 * rng.integers(0, 50, n)
    t = rng.integers(0, 60, n).astype(float)
    return x, y, t


@pytest.mark.parametrize("closed", ["right", "left"])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_it_matches_brute_force_over_all_pairs(closed, metric):
    x, y, t = _lattice_events(60, seed=3)
    space_edges = [0, 0, 100, 200, 300] if closed == "right" else [0, 1, 100, 200, 300]
    iterations = 25

    res = knox_test(
        x,
        y,
        t,
        space_edges,
        TIME_EDGES,
        iterations=iterations,
        rng=np.random.default_rng(42),
        closed=closed,
        metric=metric,
    )

    expected_observed = _brute_force_table(x, y, t, space_edges, TIME_EDGES, closed, metric)
    np.testing.assert_array_equal(res.observed, expected_observed)

    same_permutations = np.random.default_rng(42)
    brute_sims = np.stack(
        [
            _brute_force_table(
                x, y, t[same_permutations.permutation(60)], space_edges, TIME_EDGES, closed, metric
            )
            for _ in range(iterations)
        ]
    )
    np.testing.assert_array_equal(res.simulated, brute_sims)

    mean = brute_sims.mean(axis=0)
    np.testing.assert_allclose(res.expected, mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.testing.assert_allclose(
            res.knox_ratio, np.where(mean > 0, expected_observed / mean, np.nan)
        )
    exceed = (brute_sims >= expected_observed).sum(axis=0)
    np.testing.assert_allclose(res.p_value, (exceed + 1) / (iterations + 1))
    assert res.observed.sum() == res.n_pairs == 60 * 59 // 2
    assert (res.simulated.sum(axis=(1, 2)) == res.n_pairs).all()


def test_it_puts_pairs_exactly_on_an_edge_in_the_lower_band():
    # 0 → 100 m apart and 7 days apart; 1 → 100.5 m and 7.5 days.
    x = np.array([0.0, 100.0, 0.0, 100.5])
    y = np.array([0.0, 0.0, 1000.0, 1000.0])
    t = np.array([0.0, 7.0, 0.0, 7.5])
    res = knox_test(x, y, t, [0, 100, 200], [0, 7, 14], iterations=1, rng=np.random.default_rng(0))
    assert res.observed[0, 0] == 1
    assert res.observed[1, 1] == 1

    left = knox_test(
        x,
        y,
        t,
        [0, 100, 200],
        [0, 7, 14],
        iterations=1,
        rng=np.random.default_rng(0),
        closed="left",
    )
    assert left.observed[1, 1] == 2


@pytest.mark.parametrize("unit", ["D", "s", "ns"])
def test_it_takes_datetimes_in_any_unit_and_counts_whole_days_exactly(unit):
    x, y, days = _lattice_events(40, seed=5)
    start = np.datetime64("2024-01-01T10:00:00", "s")
    t = (start + (days * 86400).astype("timedelta64[s]")).astype(f"datetime64[{unit}]")

    from_dates = knox_test(
        x, y, t, SPACE_EDGES, TIME_EDGES, iterations=5, rng=np.random.default_rng(1)
    )
    from_days = knox_test(
        x, y, days, SPACE_EDGES, TIME_EDGES, iterations=5, rng=np.random.default_rng(1)
    )
    np.testing.assert_array_equal(from_dates.observed, from_days.observed)
    np.testing.assert_array_equal(from_dates.simulated, from_days.simulated)


def test_a_second_past_the_edge_is_in_the_next_band():
    t = np.array(
        [
            "2024-03-01T22:00:00",
            "2024-03-08T22:00:00",
            "2024-03-01T22:00:00",
            "2024-03-08T22:00:01",
        ],
        dtype="datetime64[s]",
    )
    x = np.array([0.0, 10.0, 5000.0, 5010.0])
    y = np.zeros(4)
    res = knox_test(x, y, t, [0, 100], [0, 7, 14], iterations=1, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(res.observed[0], [1, 1, 0])


def test_the_monte_carlo_mean_converges_to_the_exact_permutation_mean():
    x, y, t = _lattice_events(80, seed=11)
    res = knox_test(x, y, t, SPACE_EDGES, TIME_EDGES, iterations=2000, rng=np.random.default_rng(2))
    se = res.simulated.std(axis=0) / math.sqrt(res.iterations)
    assert np.all(np.abs(res.expected - res.expected_exact) <= 5 * se + 1e-12)
    np.testing.assert_allclose(res.expected_exact.sum(), res.n_pairs)


def _clustered_events(rng, n_background=400, n_seeds=40, followers=3):
    """Uniform background over 5 km × 5 km and a year, plus near-repeat clusters."""
    x = [rng.uniform(0, 5000, n_background)]
    y = [rng.uniform(0, 5000, n_background)]
    t = [rng.uniform(0, 365, n_background)]
    sx, sy, st = (
        rng.uniform(0, 5000, n_seeds),
        rng.uniform(0, 5000, n_seeds),
        rng.uniform(0, 330, n_seeds),
    )
    for _ in range(followers):
        angle = rng.uniform(0, 2 * np.pi, n_seeds)
        radius = rng.uniform(0, 60, n_seeds)
        x.append(sx + radius * np.cos(angle))
        y.append(sy + radius * np.sin(angle))
        t.append(st + rng.uniform(0, 5, n_seeds))
    x.append(sx)
    y.append(sy)
    t.append(st)
    return np.concatenate(x), np.concatenate(y), np.concatenate(t)


def test_it_finds_a_planted_near_repeat_pattern():
    rng = np.random.default_rng(2024)
    x, y, t = _clustered_events(rng)
    res = knox_test(x, y, t, SPACE_EDGES, TIME_EDGES, iterations=99, rng=rng)
    assert res.knox_ratio[0, 0] > 2
    assert res.p_value[0, 0] <= 0.05
    assert res.p_value[0, 0] == pytest.approx(0.01)


def test_it_finds_nothing_in_a_random_pattern():
    rng = np.random.default_rng(2024)
    n = 560
    x, y, t = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n), rng.uniform(0, 365, n)
    res = knox_test(x, y, t, SPACE_EDGES, TIME_EDGES, iterations=99, rng=rng)
    assert res.p_value[0, 0] > 0.05
    assert 0.5 < res.knox_ratio[0, 0] < 1.5


def _burkitt():
    libpysal = pytest.importorskip("libpysal")
    dbf = libpysal.io.open(libpysal.examples.get_path("burkitt.dbf"))
    try:
        return tuple(np.array(dbf.by_col(name), dtype=float) for name in ("X", "Y", "T"))
    finally:
        dbf.close()


def test_it_reproduces_the_burkitt_lymphoma_knox_table():
    # Burkitt's lymphoma in the West Nile district of Uganda (Williams et al.
    # 1978), 188 cases as shipped with libpysal. PySAL pointpats documents
    # the Knox table for "close" = within 20 km and 5 days: observed
    # [[13, 3416], [39, 14110]], expected 10.1438161 close pairs.
    x, y, t = _burkitt()
    res = knox_test(x, y, t, [0, 20], [0, 5], iterations=99, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(res.observed, [[13, 3416], [39, 14110]])
    np.testing.assert_allclose(
        res.expected_exact,
        [[10.1438161, 3418.85618], [41.8561839, 14107.1438]],
        rtol=1e-8,
    )
    assert res.expected_exact[0, 0] == 3429 * 52 / 17578


def test_it_reproduces_the_near_repeat_calculators_published_pathological_tables():
    # Steenbeek's NearRepeat vignette: two events 100 m and 3 days apart. The
    # Near Repeat Calculator 1.3 reports the pair in "1 to 200 m × 4 to 6 days"
    # (200 m × 2 bands, 3 days × 2 bands) and in "101 to 200 m × 4 to 6 days"
    # (100 m bands): it computes [a - 1, b) for a band labelled "a to b".
    x = np.array([0.0, 0.0])
    y = np.array([0.0, 100.0])
    t = np.array(["2019-01-01", "2019-01-04"], dtype="datetime64[D]")

    def table(bandwidth, closed, same_location):
        space_edges = [0, same_location, bandwidth, 2 * bandwidth]
        return knox_test(
            x,
            y,
            t,
            space_edges,
            [0, 3, 6],
            iterations=1,
            rng=np.random.default_rng(0),
            closed=closed,
        ).observed

    nrc_200 = np.zeros((4, 3), dtype=int)
    nrc_200[1, 1] = 1
    np.testing.assert_array_equal(table(200, "left", 1), nrc_200)
    nrc_100 = np.zeros((4, 3), dtype=int)
    nrc_100[2, 1] = 1
    np.testing.assert_array_equal(table(100, "left", 1), nrc_100)

    # As labelled ("1 to 100 m", "0 to 3 days"), which is the default.
    labelled = np.zeros((4, 3), dtype=int)
    labelled[1, 0] = 1
    np.testing.assert_array_equal(table(100, "right", 0), labelled)


def test_it_uses_only_the_generator_it_is_given():
    x, y, t = _lattice_events(30, seed=8)
    np.random.seed(0)
    a = knox_test(x, y, t, SPACE_EDGES, TIME_EDGES, iterations=10, rng=np.random.default_rng(5))
    np.random.seed(1)
    b = knox_test(x, y, t, SPACE_EDGES, TIME_EDGES, iterations=10, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.simulated, b.simulated)
    with pytest.raises(TypeError):
        knox_test(x, y, t, SPACE_EDGES, TIME_EDGES)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"space_edges": [50, 100]}, "start at 0"),
        ({"space_edges": [0, 200, 100]}, "increase"),
        ({"space_edges": [0, 0, 0, 100]}, "increase"),
        ({"space_edges": [0]}, "at least two"),
        ({"time_edges": [0, 7, np.inf]}, "finite"),
        ({"space_edges": [0, 0, 100], "closed": "left"}, "zero-width"),
        ({"iterations": 0}, "iterations"),
    ],
)
def test_it_rejects_bad_arguments(kwargs, message):
    x, y, t = _lattice_events(10, seed=1)
    args = {"space_edges": SPACE_EDGES, "time_edges": TIME_EDGES, "iterations": 5}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        knox_test(x, y, t, rng=np.random.default_rng(0), **args)


def test_it_rejects_bad_events():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="at least two"):
        knox_test([0.0], [0.0], [0.0], SPACE_EDGES, TIME_EDGES, rng=rng)
    with pytest.raises(ValueError, match="same length"):
        knox_test([0.0, 1.0], [0.0], [0.0, 1.0], SPACE_EDGES, TIME_EDGES, rng=rng)
    with pytest.raises(ValueError, match="finite"):
        knox_test([0.0, np.nan], [0.0, 1.0], [0.0, 1.0], SPACE_EDGES, TIME_EDGES, rng=rng)
    with pytest.raises(ValueError, match="one time per event"):
        knox_test([0.0, 1.0], [0.0, 1.0], [0.0], SPACE_EDGES, TIME_EDGES, rng=rng)
    with pytest.raises(ValueError, match="NaT"):
        t = np.array(["2024-01-01", "NaT"], dtype="datetime64[D]")
        knox_test([0.0, 1.0], [0.0, 1.0], t, SPACE_EDGES, TIME_EDGES, rng=rng)
    with pytest.raises(ValueError, match="whole multiples"):
        t = np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]")
        knox_test([0.0, 1.0], [0.0, 1.0], t, SPACE_EDGES, [0, 0.5], rng=rng)


def test_its_docstring_examples_run():
    assert doctest.testmod(nearrepeat, raise_on_error=False).failed == 0

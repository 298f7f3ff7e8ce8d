"""The near-repeat section: which events are tested, the Knox table, suppression and the partial."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from trygg.situation.queries import Events, day_number
from trygg.situation.repeats import (
    MAX_EVENTS,
    MIN_EVENTS,
    SPACE_EDGES_M,
    TIME_EDGES_DAYS,
    WINDOW_DAYS,
    NearRepeats,
    near_repeats,
    shared,
)

END = dt.date(2026, 1, 1)
STOP = day_number(END)
BURGLARY, THEFT, LITTERING = 1, 2, 9
REPEAT_PRONE = {BURGLARY: "Burglary", THEFT: "Theft"}
SIDE_M = 3000.0


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def make_events(x, y, day, category=None, spot=None) -> Events:
    n = len(x)
    return Events(
        x=np.asarray(x, dtype=np.float64),
        y=np.asarray(y, dtype=np.float64),
        day=np.asarray(day, dtype=np.int64),
        weekday=np.zeros(n, dtype=np.int64),
        hour=np.zeros(n, dtype=np.int64),
        category=np.full(n, BURGLARY, dtype=np.int64)
        if category is None
        else np.asarray(category, dtype=np.int64),
        spot=np.ones(n, dtype=bool) if spot is None else np.asarray(spot, dtype=bool),
        district=np.zeros(n, dtype=np.int64),
    )


def uniform(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = 674000.0 + rng.uniform(0, SIDE_M, n)
    y = 6575000.0 + rng.uniform(0, SIDE_M, n)
    # Days 5 to 355 before the end, so that a planted event 3 days later stays inside.
    day = STOP - rng.integers(5, WINDOW_DAYS - 10, n)
    return x, y, day


def planted(seed: int = 1, pairs: int = 40, background: int = 150) -> Events:
    """Burglaries in pairs 50 m and 3 days apart, plus uniform background."""
    rng = np.random.default_rng(seed)
    x0, y0, d0 = uniform(rng, pairs)
    angle = rng.uniform(0, 2 * np.pi, pairs)
    x1, y1, d1 = x0 + 50 * np.cos(angle), y0 + 50 * np.sin(angle), d0 + 3
    xb, yb, db = uniform(rng, background)
    return make_events(
        np.concatenate([x0, x1, xb]), np.concatenate([y0, y1, yb]), np.concatenate([d0, d1, db])
    )


def brute_force(x, y, day) -> np.ndarray:
    """Pairs per band, every pair looked at: the upper edge of each band belongs to it."""
    space = np.asarray(SPACE_EDGES_M)[1:]
    days = np.asarray(TIME_EDGES_DAYS)[1:]
    table = np.zeros((space.size + 1, days.size + 1), dtype=np.int64)
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            d = np.hypot(x[i] - x[j], y[i] - y[j])
            apart = abs(int(day[i]) - int(day[j]))
            s = next((k for k, e in enumerate(space) if d <= e), space.size)
            t = next((k for k, e in enumerate(days) if apart <= e), days.size)
            table[s, t] += 1
    return table


def observed(result: NearRepeats) -> np.ndarray:
    return np.array(
        [[-1 if c.observed is None else c.observed for c in cells] for _s, cells in result.table]
    )


def cell(result: NearRepeats, s: int, t: int):
    return result.table[s][1][t]


def test_it_finds_a_planted_near_repeat_pattern():
    events = planted()
    result = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    assert result is not None and not result.too_few
    first = cell(result, 0, 0)
    assert first.space == "0–100 m" and first.time == "0–7 days"
    assert first.elevated
    assert first.p_value < 0.05
    assert first.knox_ratio > 1.2
    assert result.n_events == len(events)
    assert result.pattern
    assert result.sentence.startswith("Burglary and Theft: after one event, the risk of another")
    assert "within 100 m in the following 7 days" in result.sentence


def test_observed_counts_match_a_brute_force_pair_count():
    events = planted(seed=2, pairs=20, background=120)
    result = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    reference = brute_force(events.x, events.y, events.day)
    np.testing.assert_array_equal(observed(result), reference)
    assert int(reference.sum()) == len(events) * (len(events) - 1) // 2


def test_uniform_events_show_no_pattern():
    rng = np.random.default_rng(20260101)
    events = make_events(*uniform(rng, 300))
    result = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    assert result is not None and not result.too_few
    assert not cell(result, 0, 0).elevated
    assert not result.elevated
    assert not result.pattern
    assert result.sentence == "No near-repeat pattern beyond chance."


def test_it_seldom_claims_a_pattern_in_uniform_events():
    # Cell by cell, nine cells at 0.05 mark one in about a quarter of these tables;
    # the sentence must be wrong no more often than the 5 % it promises.
    results = [
        near_repeats(
            make_events(*uniform(np.random.default_rng(seed), 200)),
            categories=REPEAT_PRONE,
            end=END,
            minimum_shown=None,
        )
        for seed in range(60)
    ]
    assert sum(r.elevated for r in results) >= 6
    claims = [r for r in results if r.pattern]
    assert len(claims) <= 8
    quiet = [r for r in results if r.elevated and not r.pattern]
    assert quiet and all(
        r.sentence.startswith("No near-repeat pattern beyond chance.") for r in quiet
    )


def test_it_is_the_same_whatever_order_the_events_come_in():
    events = planted()
    shuffled = events.select(np.random.default_rng(5).permutation(len(events)))
    first = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    again = near_repeats(shuffled, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    assert first == again


def test_too_few_events_says_so():
    rng = np.random.default_rng(3)
    events = make_events(*uniform(rng, MIN_EVENTS - 1))
    result = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    assert result.too_few
    assert result.cells == () and result.table == []
    assert result.sentence.startswith("Too few events for a near-repeat test")
    assert result.n_events == MIN_EVENTS - 1


def test_events_far_apart_are_too_few_pairs():
    # Thirty events a kilometre apart: no pair within 400 m to test.
    x = np.arange(30) * 1000.0
    events = make_events(x, np.zeros(30), STOP - 1 - np.arange(30))
    result = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    assert result.too_few


def test_no_repeat_prone_category_shows_nothing():
    assert near_repeats(planted(), categories={}, end=END, minimum_shown=None) is None


def test_it_uses_only_spot_events_of_repeat_prone_categories():
    tested = planted(seed=4, pairs=15, background=60)
    rng = np.random.default_rng(8)
    # Tight clusters that would dominate the near cells if they were counted.
    lx = np.repeat(tested.x[:20], 3) + rng.normal(0, 5, 60)
    ly = np.repeat(tested.y[:20], 3)
    ld = np.repeat(tested.day[:20], 3) + 1
    events = make_events(
        np.concatenate([tested.x, lx, lx]),
        np.concatenate([tested.y, ly, ly]),
        np.concatenate([tested.day, ld, ld]),
        category=np.concatenate(
            [
                np.where(np.arange(len(tested)) % 2, BURGLARY, THEFT),
                np.full(60, LITTERING),
                np.full(60, BURGLARY),
            ]
        ),
        spot=np.concatenate([np.ones(len(tested) + 60, bool), np.zeros(60, bool)]),
    )
    result = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    assert result.n_events == len(tested)
    assert result.categories == ("Burglary", "Theft")
    np.testing.assert_array_equal(observed(result), brute_force(tested.x, tested.y, tested.day))


def test_it_ignores_events_outside_the_window():
    inside = planted(seed=6, pairs=15, background=60)
    rng = np.random.default_rng(9)
    ox = inside.x[:10] + rng.normal(0, 5, 10)
    outside_days = np.array([STOP - WINDOW_DAYS - 1] * 5 + [STOP, STOP + 3, STOP, STOP + 1, STOP])
    edge = STOP - WINDOW_DAYS
    events = make_events(
        np.concatenate([inside.x, ox, [inside.x[0]]]),
        np.concatenate([inside.y, inside.y[:10], [inside.y[0]]]),
        np.concatenate([inside.day, outside_days, [edge]]),
    )
    result = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    assert result.n_events == len(inside) + 1
    x = np.concatenate([inside.x, [inside.x[0]]])
    y = np.concatenate([inside.y, [inside.y[0]]])
    day = np.concatenate([inside.day, [edge]])
    np.testing.assert_array_equal(observed(result), brute_force(x, y, day))


def test_suppression_hides_small_pair_counts():
    events = planted(seed=2, pairs=20, background=120)
    exact = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    shared = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=3)
    small = [(a, b) for a, b in zip(exact.cells, shared.cells, strict=True) if 0 < a.observed < 3]
    assert small, "the data set must have cells with one or two pairs"
    for a, b in small:
        assert b.observed is None and b.knox_ratio is None and b.p_value is None
        assert not b.elevated
        assert b.expected == a.expected
    for a, b in zip(exact.cells, shared.cells, strict=True):
        if a.observed == 0 or a.observed >= 3:
            assert (b.observed, b.knox_ratio, b.p_value) == (a.observed, a.knox_ratio, a.p_value)
    assert shared.n_events == exact.n_events


def test_the_shared_sentence_pools_no_suppressed_count():
    # Pairs 150 m and 10 days apart; the 0–100 m × 0–7 days cell holds two pairs by chance.
    rng = np.random.default_rng(1)
    x0, y0, d0 = uniform(rng, 30)
    angle = rng.uniform(0, 2 * np.pi, 30)
    xb, yb, db = uniform(rng, 60)
    events = make_events(
        np.concatenate([x0, x0 + 150 * np.cos(angle), xb]),
        np.concatenate([y0, y0 + 150 * np.sin(angle), yb]),
        np.concatenate([d0, d0 + 10, db]),
    )
    exact = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    shared = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=3)
    assert cell(exact, 0, 0).observed == 2
    assert "within 200 m in the following 14 days" in exact.sentence
    # Its pooled ratio and the shown counts would give the suppressed count back.
    assert "within" not in shared.sentence
    assert "pairs of events 101–200 m and 8–14 days apart" in shared.sentence
    assert shared.pattern


@pytest.mark.parametrize(
    "events",
    [
        planted(seed=2, pairs=20, background=120),
        make_events([0.0, 10.0], [0.0, 0.0], [STOP - 2, STOP - 1]),
    ],
    ids=["planted", "too-few"],
)
def test_the_shared_version_made_from_the_exact_one_is_the_same(events):
    exact = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    computed = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=3)

    made = shared(exact, 3)

    assert made == computed
    assert shared(None, 3) is None


def test_suppression_hides_a_small_number_of_events():
    events = make_events([0.0, 10.0], [0.0, 0.0], [STOP - 2, STOP - 1])
    result = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=3)
    assert result.too_few and result.n_events is None


def test_it_is_fast_enough_for_a_page():
    events = planted(seed=7, pairs=100, background=300)
    near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    start = time.perf_counter()
    near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    # Well under 0.2 s on a developer machine; loose here so a busy CI runner does not fail it.
    assert time.perf_counter() - start < 1.0


def test_the_partial_renders_the_table_with_elevated_cells_marked():
    result = near_repeats(planted(), categories=REPEAT_PRONE, end=END, minimum_shown=3)
    html = render_to_string(
        "situation/partials/near_repeat.html", {"repeats": result, "below": "<3"}
    )
    assert "<caption>" in html
    assert '<th scope="col">0–7 days</th>' in html
    assert '<th scope="row">0–100 m</th>' in html
    assert '<td class="elevated">' in html
    assert '<strong class="flag">elevated</strong>' in html
    assert result.sentence in html
    assert "style=" not in html and "<script" not in html


def test_the_partial_writes_suppressed_counts_as_below():
    result = near_repeats(
        planted(seed=2, pairs=20, background=120),
        categories=REPEAT_PRONE,
        end=END,
        minimum_shown=3,
    )
    html = render_to_string(
        "situation/partials/near_repeat.html", {"repeats": result, "below": "<3"}
    )
    assert "&lt;3 pairs" in html


def test_the_partial_renders_nothing_without_a_result():
    assert render_to_string("situation/partials/near_repeat.html", {"repeats": None}).strip() == ""


def test_the_partial_says_when_there_are_too_few_events():
    result = near_repeats(
        make_events([0.0, 10.0], [0.0, 0.0], [STOP - 2, STOP - 1]),
        categories=REPEAT_PRONE,
        end=END,
        minimum_shown=None,
    )
    html = render_to_string(
        "situation/partials/near_repeat.html", {"repeats": result, "below": "<3"}
    )
    assert "Too few events" in html and "<table" not in html


def test_a_very_large_year_is_tested_on_a_stable_sample():
    """Ten thousand burglaries: a sample of MAX_EVENTS is tested, the same one every time."""
    n = 10_000
    events = make_events(*uniform(np.random.default_rng(3), n))
    first = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)
    again = near_repeats(events, categories=REPEAT_PRONE, end=END, minimum_shown=None)

    assert first.tested == MAX_EVENTS and first.n_events == n
    assert first.cells == again.cells
    assert sum(c.observed for c in first.cells) <= MAX_EVENTS * (MAX_EVENTS - 1) // 2

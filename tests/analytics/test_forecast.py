"""Hotspot forecast accuracy: hit rate, PAI (Chainey et al. 2008), RRI (Levine 2008)."""

import doctest

import numpy as np
import pytest

from trygg.analytics import forecast
from trygg.analytics.forecast import (
    hit_rate,
    hotspot_accuracy,
    hotspot_from_score,
    pai,
    pai_curve,
    rri,
)


def test_half_the_events_in_a_tenth_of_the_area_is_a_pai_of_five():
    grid = np.zeros((10, 10), dtype=bool)
    grid[:1, :] = True  # 10 of 100 cells
    counts = np.ones((10, 10))
    counts[0, :] = 9.0  # 90 of the 180 events
    res = hotspot_accuracy(grid, counts)
    assert (res.n_hit, res.n_total, res.area_hotspot, res.area_total) == (90, 180, 10, 100)
    assert res.hit_rate == 0.5
    assert res.pai == pytest.approx(5.0)
    assert pai(grid, counts) == pytest.approx(5.0)
    assert hit_rate(grid, counts) == 0.5


@pytest.mark.parametrize(
    ("hot_cells", "hot_events", "cells", "events", "expected"),
    [
        (20, 60, 100, 100, 3.0),  # 60 % of events in 20 % of the area
        (1, 1, 4, 4, 1.0),  # as good as chance
        (5, 0, 50, 12, 0.0),  # misses everything
        (50, 50, 50, 50, 1.0),  # the whole map
    ],
)
def test_its_pai_is_hit_share_over_area_share(hot_cells, hot_events, cells, events, expected):
    mask = np.zeros(cells, dtype=bool)
    mask[:hot_cells] = True
    counts = np.zeros(cells)
    counts[0] = hot_events
    counts[-1] += events - hot_events
    assert pai(mask, counts) == pytest.approx(expected)


def test_its_pai_uses_the_cells_areas():
    # A hotspot of two small cells (2 + 3 = 5 of 50 m²) holds 4 of 8 events.
    mask = np.array([True, True, False, False])
    area = np.array([2.0, 3.0, 20.0, 25.0])
    counts = np.array([1, 3, 2, 2])
    assert pai(mask, counts, cell_area=area) == pytest.approx((4 / 8) / (5 / 50))
    # Cells outside the study region (area 0) are never hotspot area, but
    # their events are events all the same.
    outside = hotspot_accuracy(
        np.array([True, True, False]), np.array([3, 5, 2]), cell_area=np.array([1.0, 0.0, 1.0])
    )
    assert (outside.n_hit, outside.n_total, outside.area_hotspot) == (3, 10, 1)


def test_its_rri_is_levines_ratio_of_recapture_rates():
    # Built from a period in which the hotspot held 40 of 100 events; in the
    # next period it holds 30 of 60: (30 / 40) / (60 / 100) = 1.25.
    mask = np.array([True, False, False])
    before = np.array([40, 35, 25])
    after = np.array([30, 20, 10])
    assert rri(mask, before, after) == pytest.approx(1.25)
    assert hotspot_accuracy(mask, after, counts_before=before).rri == pytest.approx(1.25)
    # Keeping its share exactly gives 1, whatever the totals do.
    assert rri(mask, before, before * 3) == pytest.approx(1.0)


def test_it_defines_the_measures_when_there_are_no_events():
    mask = np.array([True, False])
    res = hotspot_accuracy(mask, [0, 0], counts_before=[4, 4])
    assert np.isnan(res.hit_rate) and np.isnan(res.pai) and np.isnan(res.rri)
    assert np.isnan(hit_rate(mask, [0, 0]))
    assert np.isnan(rri(mask, [0, 4], [2, 2]))  # nothing in the hotspot before
    assert np.isnan(rri(mask, [0, 0], [2, 2]))
    assert np.isnan(hotspot_accuracy(mask, [1, 1]).rri)  # no earlier counts given


def test_it_refuses_a_hotspot_without_area():
    with pytest.raises(ValueError, match="hotspot has no area"):
        pai(np.zeros(5, dtype=bool), np.ones(5))
    with pytest.raises(ValueError, match="hotspot has no area"):
        pai(np.array([True, False]), [1, 1], cell_area=[0.0, 1.0])
    with pytest.raises(ValueError, match="study region has no area"):
        pai(np.array([True, False]), [1, 1], cell_area=[0.0, 0.0])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pai([1, 0], [1, 1]), "boolean mask"),
        (lambda: pai([True, False], [1, 1, 1]), "shape"),
        (lambda: pai([True, False], [1, -1]), "non-negative"),
        (lambda: pai([True, False], [1, np.nan]), "finite"),
        (lambda: pai([True, False], [1, 1], cell_area=[1.0]), "shape"),
        (lambda: hotspot_from_score([1.0, 2.0], 0.0), r"\(0, 1\]"),
        (lambda: pai_curve([1.0, 2.0], [1, 1], [0.5, 1.5]), r"\(0, 1\]"),
    ],
)
def test_it_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_it_turns_a_score_into_a_hotspot_of_the_chosen_area_share():
    score = np.arange(100, dtype=float).reshape(10, 10)
    mask = hotspot_from_score(score, 0.1)
    assert mask.shape == (10, 10) and mask.sum() == 10
    assert mask[9].all()  # the ten highest scores
    # 0.1 × 1000 is not exactly 100 in binary; still 100 cells.
    assert hotspot_from_score(np.random.default_rng(0).random(1000), 0.1).sum() == 100
    # At least the share: 25 % of 10 cells needs 3 of them.
    assert hotspot_from_score(np.arange(10.0), 0.25).sum() == 3


def test_it_breaks_ties_by_cell_order_and_ranks_nan_last():
    assert list(hotspot_from_score([1.0, 5.0, 5.0, 5.0], 0.5)) == [False, True, True, False]
    assert list(hotspot_from_score([np.nan, 0.0, 1.0], 2 / 3)) == [False, True, True]


def test_it_selects_by_area_when_cells_differ():
    score = np.array([3.0, 2.0, 1.0, 0.0])
    area = np.array([10.0, 10.0, 40.0, 40.0])
    assert list(hotspot_from_score(score, 0.2, cell_area=area)) == [True, True, False, False]
    assert list(hotspot_from_score(score, 0.21, cell_area=area)) == [True, True, True, False]


def test_its_pai_curve_matches_pointwise_hotspots():
    rng = np.random.default_rng(7)
    score = rng.random((20, 30))
    counts = rng.poisson(5 * score**3)
    area = rng.uniform(0.5, 1.5, size=(20, 30))
    shares = np.array([0.01, 0.05, 0.1, 0.2, 0.5, 1.0])
    curve = pai_curve(score, counts, shares, cell_area=area)
    for i, share in enumerate(shares):
        mask = hotspot_from_score(score, share, cell_area=area)
        one = hotspot_accuracy(mask, counts, cell_area=area)
        assert curve.n_cells[i] == mask.sum()
        assert curve.area_share_achieved[i] == pytest.approx(one.area_hotspot / one.area_total)
        assert curve.area_share_achieved[i] >= share * (1 - 1e-9)
        assert curve.hit_rate[i] == pytest.approx(one.hit_rate)
        assert curve.pai[i] == pytest.approx(one.pai)
    assert curve.pai[-1] == pytest.approx(1.0) and curve.hit_rate[-1] == pytest.approx(1.0)
    assert np.all(np.diff(curve.hit_rate) >= 0)


def test_its_pai_curve_of_a_perfect_score():
    # Events only in the 10 top cells out of 100: PAI = 1 / share up to 10 %.
    score = np.linspace(1.0, 0.0, 100)
    counts = np.zeros(100)
    counts[:10] = 1.0
    curve = pai_curve(score, counts, [0.05, 0.1, 0.2])
    np.testing.assert_allclose(curve.hit_rate, [0.5, 1.0, 1.0])
    np.testing.assert_allclose(curve.pai, [10.0, 10.0, 5.0])


def test_its_pai_curve_without_events_is_nan():
    curve = pai_curve(np.arange(4.0), np.zeros(4), [0.25, 1.0])
    assert np.isnan(curve.hit_rate).all() and np.isnan(curve.pai).all()
    np.testing.assert_allclose(curve.area_share_achieved, [0.25, 1.0])


def test_its_docstring_examples_run():
    assert doctest.testmod(forecast, raise_on_error=False).failed == 0

"""The figures of a situation picture, computed from the events arrays with trygg.analytics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from numpy.typing import NDArray
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from trygg.analytics.compare import FALL, NO_CLEAR_CHANGE, RISE, TOO_FEW_EVENTS, compare_periods
from trygg.analytics.grid import Grid, cell_index, counts
from trygg.analytics.hotspots import fdr, gi_star
from trygg.analytics.kde import kde
from trygg.geo.projection import SWEREF99TM, WGS84, reproject, to_wgs84
from trygg.situation.periods import CUSTOM, MONTH, TERTIAL, WEEK, YEAR, Period
from trygg.situation.queries import Events, day_number

CELL_M = 100.0
KDE_BANDWIDTH_M = 200.0
GI_BAND_M = 300.0
FDR_Q = 0.05
# On a quiet week a lone report stands out against an almost empty district and Gi* calls
# its surroundings significant; a hotspot needs at least this many reports within the band.
MIN_HOTSPOT_EVENTS = 4
# Heat cells below this share of the peak are left off the map: they would only tint the ground.
HEAT_THRESHOLD = 0.05
TREND_WEEKS = 12
# More report points than this are drawn as clusters on a grid of this cell size.
CLUSTER_ABOVE = 300
CLUSTER_CELL_M = 250.0
TOP = 5


@dataclass(frozen=True)
class Grain:
    """How fine the map's analysis is: grid cell, kernel bandwidth and Gi* band, in metres."""

    cell: float = CELL_M
    bandwidth: float = KDE_BANDWIDTH_M

    @property
    def band(self) -> float:
        # Gi* needs neighbours: the band reaches at least two cells out.
        return max(GI_BAND_M, 2 * self.cell)


def _change_labels() -> dict[str, str]:
    return {
        RISE: _("Rise"),
        FALL: _("Fall"),
        NO_CLEAR_CHANGE: _("No clear change"),
        TOO_FEW_EVENTS: _("Too few events"),
    }


@dataclass(frozen=True)
class Change:
    category: str
    current: int
    previous: int
    last_year: int
    vs_previous: str
    vs_previous_label: str
    vs_last_year: str
    vs_last_year_label: str


@dataclass(frozen=True)
class TrendWeek:
    week: dt.date
    count: int
    last_year_week: dt.date
    last_year_count: int


@dataclass
class Picture:
    period: Period
    previous: Period
    last_year: Period
    total: int
    previous_total: int
    last_year_total: int
    spot_total: int
    top_places: list[tuple[str, int]]
    top_categories: list[tuple[str, int]]
    trend: list[TrendWeek]
    weekday_hour: list[tuple[str, list[int]]]
    changes: list[Change]
    heat_cells: int
    hotspot_cells: int
    summary: list[str]
    features: list[dict[str, Any]] = field(default_factory=list)
    grain: Grain = Grain()


def span(period: Period) -> Period:
    """The one span of dates the picture of ``period`` reads: it and all it is compared with."""
    firsts = [period.previous().start, period.last_year().start]
    firsts += [last_year.start for _week, last_year in _trend_weeks(period)]
    return Period(CUSTOM, min(firsts), period.end)


def _trend_weeks(period: Period) -> list[tuple[Period, Period]]:
    """The last twelve ISO weeks of the period, each with the same week number a year earlier."""
    last = Period.containing(period.end - dt.timedelta(days=1))
    weeks = [
        Period(WEEK, last.start - dt.timedelta(weeks=n), last.end - dt.timedelta(weeks=n))
        for n in range(TREND_WEEKS - 1, -1, -1)
    ]
    return [(w, w.last_year()) for w in weeks]


def _count_in(events: Events, period: Period) -> int:
    return int(
        np.count_nonzero(
            (events.day >= day_number(period.start)) & (events.day < day_number(period.end))
        )
    )


def _previous_phrase(period: Period) -> str:
    return {
        WEEK: _("the week before"),
        MONTH: _("the month before"),
        TERTIAL: _("the tertial before"),
        YEAR: _("the year before"),
    }.get(period.kind, _("the period before"))


def build(
    *,
    events: Events,
    period: Period,
    area_name: str,
    outline: BaseGeometry,
    category_names: dict[int, str],
    top_places: list[tuple[str, int]],
    grain: Grain = Grain(),
) -> Picture:
    """Everything the page shows but the map's boundaries and the reporting effort."""
    previous, last_year = period.previous(), period.last_year()
    now = events.within(period)
    before, year_ago = events.within(previous), events.within(last_year)
    spots = now.select(now.spot)

    by_category = np.bincount(now.category) if len(now) else np.zeros(0, dtype=np.int64)
    top_categories = sorted(
        ((category_names.get(i, "?"), int(n)) for i, n in enumerate(by_category) if n),
        key=lambda pair: (-pair[1], pair[0]),
    )[:TOP]

    trend = [
        TrendWeek(w.start, _count_in(events, w), ly.start, _count_in(events, ly))
        for w, ly in _trend_weeks(period)
    ]

    table = np.zeros((7, 24), dtype=np.int64)
    np.add.at(table, (now.weekday, now.hour), 1)
    weekdays = [
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    ]
    weekday_hour = [
        (name, [int(v) for v in row]) for name, row in zip(weekdays, table, strict=True)
    ]

    changes = _changes(now, before, year_ago, period, previous, last_year, category_names)
    features, heat_cells, hotspot_cells = _grid_layers(spots, outline, grain)
    summary = _summary(
        period=period,
        area=area_name,
        total=len(now),
        previous_total=len(before),
        top_places=top_places,
        changes=changes,
    )
    return Picture(
        period=period,
        previous=previous,
        last_year=last_year,
        total=len(now),
        previous_total=len(before),
        last_year_total=len(year_ago),
        spot_total=len(spots),
        top_places=top_places,
        top_categories=top_categories,
        trend=trend,
        weekday_hour=weekday_hour,
        changes=changes,
        heat_cells=heat_cells,
        hotspot_cells=hotspot_cells,
        summary=summary,
        features=features + _points(spots, category_names),
        grain=grain,
    )


def _changes(
    now: Events,
    before: Events,
    year_ago: Events,
    period: Period,
    previous: Period,
    last_year: Period,
    names: dict[int, str],
) -> list[Change]:
    ids = sorted(
        set(now.category.tolist()) | set(before.category.tolist()) | set(year_ago.category.tolist())
    )
    if not ids:
        return []
    index = {c: i for i, c in enumerate(ids)}

    def per_category(e: Events) -> NDArray[np.int64]:
        out = np.zeros(len(ids), dtype=np.int64)
        for c in e.category.tolist():
            out[index[c]] += 1
        return out

    current, prev, ly = per_category(now), per_category(before), per_category(year_ago)
    result = compare_periods(
        current,
        prev,
        ly,
        current_days=float(period.days),
        previous_days=float(previous.days),
        last_year_days=float(last_year.days),
    )
    labels = _change_labels()
    rows = [
        Change(
            category=names.get(c, "?"),
            current=int(current[i]),
            previous=int(prev[i]),
            last_year=int(ly[i]),
            vs_previous=str(result.vs_previous.classification[i]),
            vs_previous_label=labels[str(result.vs_previous.classification[i])],
            vs_last_year=str(result.vs_last_year.classification[i]),
            vs_last_year_label=labels[str(result.vs_last_year.classification[i])],
        )
        for i, c in enumerate(ids)
    ]
    return sorted(rows, key=lambda r: (-r.current, r.category))


def _square(
    x0: NDArray[np.float64], y0: NDArray[np.float64], cell: float
) -> list[list[list[float]]]:
    """Closed lon/lat rings of the squares with south-west corners (x0, y0), in metres."""
    xs = np.stack([x0, x0 + cell, x0 + cell, x0, x0], axis=1)
    ys = np.stack([y0, y0, y0 + cell, y0 + cell, y0], axis=1)
    lon, lat = to_wgs84(xs.ravel(), ys.ravel())
    lon = np.round(lon, 6).reshape(xs.shape)
    lat = np.round(lat, 6).reshape(ys.shape)
    return [
        [[float(a), float(b)] for a, b in zip(lo, la, strict=True)]
        for lo, la in zip(lon, lat, strict=True)
    ]


def _cell_features(
    grid: Grid, cells: NDArray[np.bool_], level: str, values: NDArray[np.float64] | None = None
) -> list[dict[str, Any]]:
    rows, cols = np.nonzero(cells)
    rings = _square(grid.x0 + cols * grid.cell, grid.y0 + rows * grid.cell, grid.cell)
    features = []
    for k, ring in enumerate(rings):
        properties: dict[str, Any] = {"level": level}
        if values is not None:
            properties["value"] = round(float(values[rows[k], cols[k]]), 3)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": properties,
            }
        )
    return features


def _hotspot_outlines(grid: Grid, hot: NDArray[np.bool_]) -> list[dict[str, Any]]:
    """Neighbouring significant cells merged into one outlined area: a hotspot, not a lattice."""
    rows, cols = np.nonzero(hot)
    if not rows.size:
        return []
    x0, y0 = grid.x0 + cols * grid.cell, grid.y0 + rows * grid.cell
    merged = shapely.union_all(shapely.box(x0, y0, x0 + grid.cell, y0 + grid.cell))
    merged = reproject(merged, SWEREF99TM, WGS84)
    parts = getattr(merged, "geoms", [merged])
    return [
        {
            "type": "Feature",
            "geometry": mapping(shapely.set_precision(part, 1e-6)),
            "properties": {"level": "hotspot"},
        }
        for part in parts
    ]


def _grid_layers(
    spots: Events, outline: BaseGeometry, grain: Grain
) -> tuple[list[dict[str, Any]], int, int]:
    """KDE heat cells and significant Gi* hot spots on a grid over the area."""
    if not len(spots):
        return [], 0, 0
    grid = Grid.covering(outline.bounds, grain.cell)
    xx, yy = grid.centres
    mask = shapely.contains_xy(outline, xx, yy)
    if np.count_nonzero(mask) < 2:
        return [], 0, 0
    density = kde(grid, spots.x, spots.y, grain.bandwidth)
    peak = float(density[mask].max()) if mask.any() else 0.0
    features: list[dict[str, Any]] = []
    heat = np.zeros(grid.shape, dtype=bool)
    if peak > 0:
        value = density / peak
        heat = mask & (value >= HEAT_THRESHOLD)
        features += _cell_features(grid, heat, "heat", value)
    binned = counts(grid, spots.x, spots.y)
    hot = np.zeros(grid.shape, dtype=bool)
    if binned[mask].sum() > 0:
        gi = gi_star(binned, grain.cell, grain.band, mask=mask)
        z = np.nan_to_num(gi.z, nan=0.0)
        # Binary weights: G*_i is the share of all events within the band of cell i.
        nearby = np.nan_to_num(gi.g, nan=0.0) * binned[mask].sum()
        hot = fdr(gi.p, FDR_Q) & (z > 0) & (nearby >= MIN_HOTSPOT_EVENTS - 0.5)
        features += _hotspot_outlines(grid, hot)
    return features, int(np.count_nonzero(heat)), int(np.count_nonzero(hot))


def _points(spots: Events, names: dict[int, str]) -> list[dict[str, Any]]:
    """The reports as points; past CLUSTER_ABOVE, those in one cell of a coarse grid as one circle.

    Thousands of dots hide each other and make the page heavy; a circle with a number
    tells as much about where reports are, and a single report in its cell stays a point.
    """
    if not len(spots):
        return []
    if len(spots) <= CLUSTER_ABOVE:
        properties = [{"level": "report", "name": names.get(int(c), "")} for c in spots.category]
        return _located(spots.x, spots.y, properties)
    grid = Grid.covering(
        (spots.x.min(), spots.y.min(), spots.x.max() + 1, spots.y.max() + 1), CLUSTER_CELL_M
    )
    cell = cell_index(grid, spots.x, spots.y)
    order = np.argsort(cell, kind="stable")
    _cells, first, sizes = np.unique(cell[order], return_index=True, return_counts=True)
    xs, ys, properties = [], [], []
    for start, size in zip(first.tolist(), sizes.tolist(), strict=True):
        members = order[start : start + size]
        xs.append(float(spots.x[members].mean()))
        ys.append(float(spots.y[members].mean()))
        if size == 1:
            properties.append(
                {"level": "report", "name": names.get(int(spots.category[members[0]]), "")}
            )
        else:
            label = ngettext("%(count)d report", "%(count)d reports", size) % {"count": size}
            properties.append({"level": "cluster", "count": size, "name": label})
    return _located(np.array(xs), np.array(ys), properties)


def _located(
    x: NDArray[np.float64], y: NDArray[np.float64], properties: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    lon, lat = to_wgs84(x, y)
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(a), 6), round(float(b), 6)]},
            "properties": p,
        }
        for a, b, p in zip(lon, lat, properties, strict=True)
    ]


def _summary(
    *,
    period: Period,
    area: str,
    total: int,
    previous_total: int,
    top_places: list[tuple[str, int]],
    changes: list[Change],
) -> list[str]:
    """A few Swedish sentences written from the figures, for the minutes of the meeting."""
    if not total:
        return [_("%(period)s: no reports in %(area)s.") % {"period": period.label, "area": area}]
    first = ngettext(
        "%(period)s: %(count)d event in %(area)s",
        "%(period)s: %(count)d events in %(area)s",
        total,
    ) % {"period": period.label, "count": total, "area": area}
    diff = total - previous_total
    before = _previous_phrase(period)
    if diff > 0:
        first += ", " + _("%(diff)d more than %(previous)s") % {"diff": diff, "previous": before}
    elif diff < 0:
        first += ", " + _("%(diff)d fewer than %(previous)s") % {"diff": -diff, "previous": before}
    else:
        first += ", " + _("as many as %(previous)s") % {"previous": before}
    sentences = [first + "."]
    if top_places:
        name, n = top_places[0]
        sentences.append(_("Most around %(place)s (%(count)d).") % {"place": name, "count": n})
    for change in changes:
        if change.vs_last_year == RISE:
            sentences.append(
                _("%(category)s rose compared with last year.") % {"category": change.category}
            )
        elif change.vs_last_year == FALL:
            sentences.append(
                _("%(category)s fell compared with last year.") % {"category": change.category}
            )
        if period.kind == YEAR:  # the year before is last year: said once above
            continue
        if change.vs_previous == RISE:
            sentences.append(
                _("%(category)s rose compared with %(previous)s.")
                % {"category": change.category, "previous": before}
            )
        elif change.vs_previous == FALL:
            sentences.append(
                _("%(category)s fell compared with %(previous)s.")
                % {"category": change.category, "previous": before}
            )
    return sentences

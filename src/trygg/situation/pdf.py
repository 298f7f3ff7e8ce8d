"""The situation picture as a PDF: the page's figures typeset with Typst on A4, in Swedish.

The figures go to the Typst template (``typst/picture.typ``) as one JSON document in
``sys.inputs``, so no name of a place, category or organisation is ever read as markup.
The map is an SVG drawn here from the same layers the page's map shows, in SWEREF 99 TM;
the trend and weekday-hour charts are the page's (``charts``), passed the same way.
``figures_pdf`` needs only the ``Figures``, not the request, so published editions can be
typeset from stored figures.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import typst
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from trygg.geo.projection import to_sweref
from trygg.situation import areas, charts, privacy
from trygg.situation.figures import Figures
from trygg.situation.picture import Picture
from trygg.situation.ranking import Need
from trygg.situation.repeats import NearRepeats

TEMPLATE = Path(__file__).parent / "typst" / "picture.typ"
MAP_WIDTH = 480.0
WEEKDAYS = ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"]
# The largest cluster circle's radius on the map, in SVG units of a map MAP_WIDTH wide.
CLUSTER_MAX_RADIUS = 16.0
NOT_SHOWN = "visas inte"


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _to_sweref(ring: Sequence[Sequence[float]]) -> np.ndarray:
    lon, lat = to_sweref(np.array([p[0] for p in ring]), np.array([p[1] for p in ring]))
    return np.stack([lon, lat], axis=1)


def map_svg(picture: Picture, boundary: dict[str, Any] | None) -> str:
    """Area boundary, heat cells, hotspot outlines, report points and clusters as a plain SVG.

    ``boundary`` is the area's GeoJSON geometry in SWEREF 99 TM; the picture's layers are
    in WGS 84 and are projected back. North is up; one unit is the same length both ways.
    A cluster of reports is a circle whose area grows with its count, the count written in it.
    """
    outline = [np.asarray(r, dtype=float) for r in _rings(boundary)] if boundary else []
    heat: list[tuple[np.ndarray, float]] = []
    hot: list[np.ndarray] = []
    points: list[tuple[float, float]] = []
    clusters: list[tuple[float, float, int]] = []
    for feature in picture.features:
        level, geometry = feature["properties"]["level"], feature["geometry"]
        if level == "heat":
            for ring in _rings(geometry):
                heat.append((_to_sweref(ring), float(feature["properties"].get("value", 0.5))))
        elif level == "hotspot":
            hot += [_to_sweref(ring) for ring in _rings(geometry)]
        elif level == "report":
            lon, lat = geometry["coordinates"]
            xs, ys = to_sweref(np.array([lon]), np.array([lat]))
            points.append((float(xs[0]), float(ys[0])))
        elif level == "cluster":
            lon, lat = geometry["coordinates"]
            xs, ys = to_sweref(np.array([lon]), np.array([lat]))
            clusters.append((float(xs[0]), float(ys[0]), int(feature["properties"]["count"])))
    everything = outline + [r for r, _v in heat] + hot
    if points:
        everything.append(np.array(points))
    if clusters:
        everything.append(np.array([(x, y) for x, y, _n in clusters]))
    if not everything:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="120" '
            'viewBox="0 0 480 120"><rect width="480" height="120" fill="#f4f4f4"/></svg>'
        )
    stacked = np.concatenate(everything)
    (x0, y0), (x1, y1) = stacked.min(axis=0), stacked.max(axis=0)
    pad = max(x1 - x0, y1 - y0, 100.0) * 0.03
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    scale = MAP_WIDTH / (x1 - x0)
    height = min((y1 - y0) * scale, MAP_WIDTH * 1.2)
    scale = min(scale, height / (y1 - y0))
    width = (x1 - x0) * scale

    def path(ring: np.ndarray) -> str:
        xs, ys = (ring[:, 0] - x0) * scale, (y1 - ring[:, 1]) * scale
        return "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True)) + "Z"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.1f} {height:.1f}">',
        f'<rect width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
    ]
    if outline:
        d = "".join(path(r) for r in outline)
        parts.append(f'<path d="{d}" fill="#eef2f7" fill-rule="evenodd" stroke="none"/>')
    for cell, value in heat:
        opacity = 0.15 + 0.6 * min(max(value, 0.0), 1.0)
        parts.append(f'<path d="{path(cell)}" fill="#e07b00" fill-opacity="{opacity:.2f}"/>')
    if hot:
        d = "".join(path(r) for r in hot)
        parts.append(
            f'<path d="{d}" fill="#b00020" fill-opacity="0.25" fill-rule="evenodd" '
            'stroke="#b00020" stroke-width="1.5"/>'
        )
    if outline:
        d = "".join(path(r) for r in outline)
        parts.append(f'<path d="{d}" fill="none" stroke="#1d3f72" stroke-width="1.5"/>')
    radius, opacity = (1.8, 0.7) if len(points) <= 200 else (1.0, 0.45)
    for x, y in points:
        cx, cy = (x - x0) * scale, (y1 - y) * scale
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="#222222" '
            f'fill-opacity="{opacity}"/>'
        )
    parts += _cluster_marks(clusters, lambda x, y: ((x - x0) * scale, (y1 - y) * scale))
    parts.append("</svg>")
    return "".join(parts)


def _cluster_marks(
    clusters: Sequence[tuple[float, float, int]],
    at: Any,
) -> list[str]:
    """Circles with area proportional to the count (largest first, so small ones stay on top)."""
    if not clusters:
        return []
    largest = max(n for _x, _y, n in clusters)
    unit = min(4.0, CLUSTER_MAX_RADIUS / np.sqrt(largest))
    circles, labels = [], []
    for x, y, n in sorted(clusters, key=lambda c: -c[2]):
        cx, cy = at(x, y)
        r = unit * np.sqrt(n)
        size = min(9.0, 1.1 * r, 3.0 * r / len(str(n)))
        circles.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="#1d3f72" '
            'fill-opacity="0.75" stroke="#ffffff" stroke-width="0.6"/>'
        )
        labels.append(
            f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="{size:.1f}" text-anchor="middle" '
            f'dominant-baseline="central" fill="#ffffff">{n}</text>'
        )
    # The counts over all circles, so that an overlapping circle never hides a number.
    return circles + labels


def _week_label(day: dt.date) -> str:
    iso = day.isocalendar()
    return f"v. {iso.week}, {iso.year}"


def picture_data(
    picture: Picture,
    *,
    city_name: str,
    generated_at: dt.datetime,
    area_name: str = "",
    illustrative: bool = False,
    effort_weeks: Sequence[dt.date] = (),
    effort_rows: Iterable[tuple[str, Sequence[Any]]] = (),
    minimum: int | None = None,
) -> dict[str, Any]:
    """Everything the template prints, as plain JSON values.

    ``minimum`` is given for the shared picture (see ``privacy.shared``): its suppressed
    counts are None and are printed as ``privacy.below(minimum)``, and the effort table
    says only whether an organisation reported, not how many reports.
    """
    effort = []
    for name, cells in effort_rows:
        reports = sum(getattr(c, "reports", 0) or 0 for c in cells if c is not None)
        nils = sum(1 for c in cells if c is not None and getattr(c, "nil_return", False))
        effort.append(
            {
                "name": name,
                "reported": reports > 0,
                "reports": reports if minimum is None else None,
                "nil_returns": nils,
                "unobserved": sum(
                    1
                    for c in cells
                    if c is None or not (c.reports or getattr(c, "nil_return", False))
                ),
            }
        )
    if picture.total is None or picture.spot_total is None:
        coarse = None
    else:
        coarse = picture.total - picture.spot_total
        if minimum is not None:
            coarse = privacy.suppress_one(coarse, minimum)
    return {
        "city": city_name,
        "exact": minimum is None,
        "below": "" if minimum is None else privacy.below(minimum),
        "suppressed_note": (
            ""
            if minimum is None
            else _("Counts below %(minimum)d are shown as %(below)s.")
            % {"minimum": minimum, "below": privacy.below(minimum)}
        ),
        "area": area_name,
        "illustrative": illustrative,
        "period": picture.period.label,
        "previous": picture.previous.label,
        "last_year": picture.last_year.label,
        "start": picture.period.start.isoformat(),
        "end": (picture.period.end - dt.timedelta(days=1)).isoformat(),
        "generated": generated_at.strftime("%Y-%m-%d %H:%M"),
        "total": picture.total,
        "previous_total": picture.previous_total,
        "last_year_total": picture.last_year_total,
        "spot_total": picture.spot_total,
        "coarse": coarse,
        "heat_cells": picture.heat_cells,
        "hotspot_cells": picture.hotspot_cells,
        "cell": f"{picture.grain.cell:g}",
        "bandwidth": f"{picture.grain.bandwidth:g}",
        "band": f"{picture.grain.band:g}",
        "summary": list(picture.summary),
        "top_places": [[name, n] for name, n in picture.top_places],
        "top_categories": [[name, n] for name, n in picture.top_categories],
        "changes": [
            {
                "category": c.category,
                "current": c.current,
                "previous": c.previous,
                "last_year": c.last_year,
                "vs_previous": c.vs_previous,
                "vs_previous_label": c.vs_previous_label,
                "vs_last_year": c.vs_last_year,
                "vs_last_year_label": c.vs_last_year_label,
            }
            for c in picture.changes
        ],
        "trend": [
            {"week": _week_label(t.week), "count": t.count, "last_year": t.last_year_count}
            for t in picture.trend
        ],
        "weekday_hour": [
            [WEEKDAYS[i] if i < len(WEEKDAYS) else name, values]
            for i, (name, values) in enumerate(picture.weekday_hour)
        ],
        "effort_weeks": [_week_label(w) for w in effort_weeks],
        "effort": effort,
    }


def _area_line(area: areas.PictureArea) -> str:
    """What the area is, for the heading table: "Älvsjö, stadsdelsområde i Stockholm"."""
    city = area.city.name
    if area.kind == areas.CITY:
        return area.name
    if area.kind == areas.POLICE_AREA:
        return f"{area.name}, lokalpolisområde i {city}"
    if area.kind == areas.PLACE and area.district is not None:
        return f"{area.name}, plats i {area.district.name} ({city})"
    if area.kind == areas.POLYGON:
        return f"Ritat område i {city}"
    return f"{area.name}, stadsdelsområde i {city}"


def _boundary_label(kind: str) -> str:
    """Whose boundary the map's blue line is."""
    if kind == areas.DISTRICT:
        return "stadsdelsområdets gräns"
    if kind == areas.POLYGON:
        return "det ritade områdets gräns"
    return "områdets gräns"


def _decimal(value: float, places: int) -> str:
    return number_format(round(value, places), places)


def _score(score: float) -> str:
    """As the page prints it (``floatformat:"-1"``): one decimal, none when whole."""
    return _decimal(score, 0 if round(score, 1) == round(score) else 1)


def ranking_data(needs: Sequence[Need], *, below: str) -> list[dict[str, Any]]:
    """The ranking's rows as printed; a suppressed value is ``below`` or "visas inte".

    Call within ``translation.override("sv")``: the change and reason labels are translated.
    """
    rows = []
    for need in needs:
        weighted = NOT_SHOWN if need.weighted is None else str(need.weighted)
        if need.share_percent is not None:
            weighted += f" ({need.share_percent} % av allt)"
        change = need.change_label
        if need.rate_ratio is not None:
            change += f" ({_decimal(need.rate_ratio, 2)} gånger förra årets takt)"
        rows.append(
            {
                "rank": str(need.rank),
                "name": need.name,
                "count": below if need.count is None else str(need.count),
                "weighted": weighted,
                "change": need.change,
                "change_label": change,
                "perceived": (
                    "ingen mätning"
                    if need.perceived_percent is None
                    else f"{need.perceived_percent} % känner sig trygga"
                ),
                "score": NOT_SHOWN if need.score is None else _score(need.score),
                "reasons": "; ".join(need.reason_labels) or "Inga",
            }
        )
    return rows


def near_repeat_data(found: NearRepeats, *, below: str) -> dict[str, Any]:
    """The near-repeat section as plain values: the sentence and the Knox table's cells as text.

    Call within ``translation.override("sv")``: the sentence and band labels are translated.
    """
    tested = (
        f"Testat: {', '.join(found.categories)}, placerade vid en punkt eller gata, "
        f"under de senaste {found.window_days} dagarna."
    )
    if found.n_events is not None:
        tested += f" {found.n_events} {'händelse' if found.n_events == 1 else 'händelser'}."
    rows = []
    for space, cells in [] if found.too_few else found.table:
        row = []
        for cell in cells:
            if cell.observed is None:
                row.append({"ratio": "", "pairs": f"{below} par", "elevated": False})
                continue
            pairs = f"{cell.observed} par"
            if cell.p_value is not None:
                pairs += f", p {_decimal(cell.p_value, 2)}"
            ratio = "–" if cell.knox_ratio is None else _decimal(cell.knox_ratio, 2)
            row.append({"ratio": ratio, "pairs": pairs, "elevated": cell.elevated})
        rows.append({"space": space, "cells": row})
    return {
        "tested": tested,
        "sentence": found.sentence,
        "too_few": found.too_few,
        "time_labels": list(found.time_labels),
        "rows": rows,
        "iterations": found.iterations,
    }


def figures_pdf(shown: Figures, *, generated_at: dt.datetime) -> bytes:
    """The situation picture of ``shown`` typeset as an A4 PDF in Swedish.

    Needs no request: whatever the viewer may see is already in ``shown`` (see
    ``figures.for_partners``), so a stored edition is typeset the same way.
    """
    area = shown.asked.area
    minimum = None if shown.exact else shown.minimum
    with translation.override("sv"):
        data = picture_data(
            shown.picture,
            city_name=area.city.name,
            generated_at=generated_at,
            area_name=area.name,
            illustrative=area.city.illustrative,
            effort_weeks=shown.effort_weeks,
            effort_rows=shown.effort_rows,
            minimum=minimum,
        )
        hidden = privacy.below(shown.minimum)
        data["area_line"] = _area_line(area)
        data["boundary"] = _boundary_label(area.kind)
        data["effort_by_district"] = len(area.district_ids) > 1
        data["clusters"] = any(
            f["properties"]["level"] == "cluster" for f in shown.picture.features
        )
        data["ranking"] = ranking_data(shown.ranking, below=hidden)
        data["near_repeats"] = (
            None
            if shown.near_repeats is None
            else near_repeat_data(shown.near_repeats, below=hidden)
        )
        data["map_svg"] = map_svg(shown.picture, area.geometry_sweref)
        data["trend_svg"] = charts.trend_svg(shown.picture.trend, suppressed_label=data["below"])
        data["weekday_hour_svg"] = charts.weekday_hour_svg(
            data["weekday_hour"], suppressed_label=data["below"]
        )
    pdf = typst.compile(
        str(TEMPLATE),
        root=str(TEMPLATE.parent),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        timestamp=int(generated_at.timestamp()),
    )
    assert isinstance(pdf, bytes)
    return pdf

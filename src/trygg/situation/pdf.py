"""The situation picture as a PDF: the page's figures typeset with Typst on A4, in Swedish.

The figures go to the Typst template (``typst/picture.typ``) as one JSON document in
``sys.inputs``, so no name of a place, category or organisation is ever read as markup.
The map is an SVG drawn here from the same layers the page's map shows, in SWEREF 99 TM;
the trend and weekday-hour charts are the page's (``charts``), passed the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import typst
from django.utils.translation import gettext as _

from trygg.geo.projection import to_sweref
from trygg.situation import charts, privacy
from trygg.situation.picture import Picture

TEMPLATE = Path(__file__).parent / "typst" / "picture.typ"
MAP_WIDTH = 480.0
WEEKDAYS = ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"]


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
    """District boundary, heat cells, hotspot outlines and report points as a plain SVG.

    ``boundary`` is the district's GeoJSON geometry in SWEREF 99 TM; the picture's layers are
    in WGS 84 and are projected back. North is up; one unit is the same length both ways.
    """
    outline = [np.asarray(r, dtype=float) for r in _rings(boundary)] if boundary else []
    heat: list[tuple[np.ndarray, float]] = []
    hot: list[np.ndarray] = []
    points: list[tuple[float, float]] = []
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
    everything = outline + [r for r, _v in heat] + hot
    if points:
        everything.append(np.array(points))
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
    parts.append("</svg>")
    return "".join(parts)


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


def picture_pdf(
    picture: Picture,
    *,
    city_name: str,
    generated_at: dt.datetime,
    area_name: str = "",
    boundary: dict[str, Any] | None = None,
    illustrative: bool = False,
    effort_weeks: Sequence[dt.date] = (),
    effort_rows: Iterable[tuple[str, Sequence[Any]]] = (),
    minimum: int | None = None,
) -> bytes:
    """The situation picture typeset as an A4 PDF in Swedish.

    Pass ``minimum`` when ``picture`` is the shared one (``privacy.shared(picture, minimum)``).
    """
    data = picture_data(
        picture,
        city_name=city_name,
        generated_at=generated_at,
        area_name=area_name,
        illustrative=illustrative,
        effort_weeks=effort_weeks,
        effort_rows=effort_rows,
        minimum=minimum,
    )
    data["map_svg"] = map_svg(picture, boundary)
    data["trend_svg"] = charts.trend_svg(picture.trend, suppressed_label=data["below"])
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

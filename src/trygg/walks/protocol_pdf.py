"""A walk's protocol as a PDF: A4, in Swedish, typeset with Typst.

Everything printed goes to the template (``typst/protocol.typ``) as one JSON document in
``sys.inputs``, as for the situation picture, so no finding or organisation name is read
as markup. The map is an SVG drawn here in SWEREF 99 TM; photos travel inside small SVGs
as data URIs, re-encoded as JPEG thumbnails. No participant, recorder or sign-up name is
printed: the protocol is public once published.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import typst
from django.utils import timezone, translation
from PIL import Image

from trygg.geo.projection import to_sweref
from trygg.walks import queries
from trygg.walks.models import Finding, Walk

TEMPLATE = Path(__file__).parent / "typst" / "protocol.typ"
MAP_WIDTH = 480.0
MAX_PHOTOS = 6
PHOTO_PIXELS = 900


def _rings(geometry: dict[str, Any] | None) -> list[np.ndarray]:
    if not geometry:
        return []
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [np.asarray(ring, dtype=float) for polygon in polygons for ring in polygon]


def _sweref(points: Sequence[Sequence[float]]) -> np.ndarray:
    if not points:
        return np.empty((0, 2))
    xs, ys = to_sweref(np.array([p[0] for p in points]), np.array([p[1] for p in points]))
    return np.stack([xs, ys], axis=1)


def map_svg(walk: Walk, findings: Sequence[Finding]) -> str:
    """District and place outlines, the route, numbered stops and numbered findings.

    The view is fitted to the route, stops, findings and place; the district fills in only
    when there is nothing else. North is up; one unit is the same length both ways.
    """
    district = _rings(walk.district.geometry_sweref)
    place = _rings(walk.place.geometry_sweref) if walk.place else []
    route = _sweref(walk.route["coordinates"]) if walk.route else np.empty((0, 2))
    stops = list(walk.stops.all())
    stop_xy = _sweref([(s.lon, s.lat) for s in stops])
    finding_xy = np.array([(f.x, f.y) for f in findings]).reshape(-1, 2)
    focus = [a for a in [*place, route, stop_xy, finding_xy] if len(a)] or district
    if not focus:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="120" '
            'viewBox="0 0 480 120"><rect width="480" height="120" fill="#f4f4f4"/></svg>'
        )
    stacked = np.concatenate(focus)
    (x0, y0), (x1, y1) = stacked.min(axis=0), stacked.max(axis=0)
    pad = max(x1 - x0, y1 - y0, 200.0) * 0.08
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    scale = MAP_WIDTH / (x1 - x0)
    height = min((y1 - y0) * scale, MAP_WIDTH * 0.9)
    scale = min(scale, height / (y1 - y0))
    width, height = (x1 - x0) * scale, (y1 - y0) * scale

    def at(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * scale, (y1 - y) * scale

    def path(ring: np.ndarray, close: bool = True) -> str:
        d = "L".join("{:.1f},{:.1f}".format(*at(x, y)) for x, y in ring)
        return "M" + d + ("Z" if close else "")

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.1f} {height:.1f}">',
        f'<rect width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
    ]
    if district:
        d = "".join(path(r) for r in district)
        parts.append(
            f'<path d="{d}" fill="#eef2f7" fill-rule="evenodd" stroke="#1d3f72" '
            'stroke-width="1.2"/>'
        )
    if place:
        d = "".join(path(r) for r in place)
        parts.append(
            f'<path d="{d}" fill="#b3261e" fill-opacity="0.08" fill-rule="evenodd" '
            'stroke="#b3261e" stroke-width="1" stroke-dasharray="4 3"/>'
        )
    if len(route):
        parts.append(
            f'<path d="{path(route, close=False)}" fill="none" stroke="#e07b00" '
            'stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for stop, (x, y) in zip(stops, stop_xy, strict=True):
        cx, cy = at(x, y)
        parts.append(
            f'<rect x="{cx - 7:.1f}" y="{cy - 7:.1f}" width="14" height="14" rx="2" '
            'fill="#1d3f72" stroke="#ffffff" stroke-width="1"/>'
            f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="9" text-anchor="middle" '
            f'dominant-baseline="central" fill="#ffffff">{stop.number}</text>'
        )
    for finding, (x, y) in zip(findings, finding_xy, strict=True):
        cx, cy = at(x, y)
        number = escape(str(getattr(finding, "number", finding.pk)))
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6.5" fill="#b00020" '
            'stroke="#ffffff" stroke-width="1"/>'
            f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="7.5" text-anchor="middle" '
            f'dominant-baseline="central" fill="#ffffff">{number}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def photo_svg(content: bytes) -> tuple[str, float]:
    """A photo as a JPEG thumbnail inside an SVG, and its aspect (width over height)."""
    with Image.open(io.BytesIO(content)) as image:
        image = image.convert("RGB")
        image.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        w, h = image.size
    data = base64.b64encode(out.getvalue()).decode("ascii")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}"><image width="{w}" height="{h}" '
        f'href="data:image/jpeg;base64,{data}"/></svg>'
    )
    return svg, w / h


def _photos(findings: Sequence[Finding]) -> tuple[list[dict[str, Any]], int]:
    shown, total = [], 0
    for finding in findings:
        for photo in finding.photos.all():
            total += 1
            if len(shown) >= MAX_PHOTOS:
                continue
            try:
                with photo.image.open("rb") as handle:
                    svg, aspect = photo_svg(handle.read())
            except (OSError, ValueError):
                continue
            shown.append(
                {"svg": svg, "aspect": aspect, "finding": str(getattr(finding, "number", ""))}
            )
    return shown, total - len(shown)


def _moment(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def protocol_data(
    walk: Walk, findings: Sequence[Finding], *, generated_at: dt.datetime
) -> dict[str, Any]:
    """Everything the template prints, as plain JSON values, in Swedish."""
    with translation.override("sv"):
        photos, more_photos = _photos(findings)
        return {
            "title": walk.title,
            "city": walk.district.city.name,
            "district": walk.district.name,
            "place": walk.place.name if walk.place else "",
            "starts": _moment(walk.starts_at),
            "after_dark": walk.after_dark,
            "meeting_point": walk.meeting_point,
            "invited": [o.name for o in walk.invited.order_by("name")],
            "introduction": _moment(walk.introduction_at),
            "introduction_notes": walk.introduction_notes.splitlines(),
            "feedback": _moment(walk.feedback_at),
            "published": walk.published,
            "published_at": _moment(walk.published_at),
            "status": str(walk.get_status_display()),
            "generated": _moment(generated_at),
            "has_route": bool(walk.route),
            "stops": [{"number": s.number, "name": s.name} for s in walk.stops.all()],
            "findings": [
                {
                    "number": str(getattr(f, "number", f.pk)),
                    "stop": str(f.stop.number) if f.stop else "",
                    "factors": ", ".join(queries.factor_labels(f.factors)),
                    "score": str(f.score),
                    "text": f.text,
                    "owner": f.owner.name if f.owner else "",
                    "status": queries.answer_status(f),
                    "answer": f.answer_text,
                }
                for f in findings
            ],
            "map_svg": map_svg(walk, findings),
            "photos": photos,
            "more_photos": more_photos,
        }


def protocol_pdf(walk: Walk, *, generated_at: dt.datetime) -> bytes:
    """The walk's protocol typeset as an A4 PDF in Swedish."""
    data = protocol_data(walk, queries.findings_of(walk), generated_at=generated_at)
    pdf = typst.compile(
        str(TEMPLATE),
        root=str(TEMPLATE.parent),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        timestamp=int(generated_at.timestamp()),
    )
    assert isinstance(pdf, bytes)
    return pdf

"""Reading a GeoJSON file of areas: every feature checked, every fault named.

Parsing knows nothing of the database; `services.areas_import` adds the checks
that need it (a place inside its district) and writes all or nothing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.utils.translation import gettext as _
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from trygg.geo.projection import SWEREF99TM, WGS84, reproject

# Names under which files announce the two coordinate systems we accept.
_CRS_ALIASES = {
    WGS84: {
        "epsg:4326",
        "urn:ogc:def:crs:epsg::4326",
        "urn:ogc:def:crs:epsg:4326",
        "urn:ogc:def:crs:ogc:1.3:crs84",
        "urn:ogc:def:crs:ogc::crs84",
        "crs84",
        "wgs84",
    },
    SWEREF99TM: {
        "epsg:3006",
        "urn:ogc:def:crs:epsg::3006",
        "urn:ogc:def:crs:epsg:3006",
        "sweref99tm",
        "sweref 99 tm",
    },
}


@dataclass(frozen=True)
class FeatureError:
    """A fault in one feature (number counts from 1 as people do) or in the whole file (0)."""

    number: int
    name: str
    message: str

    def __str__(self) -> str:
        if self.number == 0:
            return self.message
        if self.name:
            return _("Feature %(number)s (“%(name)s”): %(message)s") % {
                "number": self.number,
                "name": self.name,
                "message": self.message,
            }
        return _("Feature %(number)s: %(message)s") % {
            "number": self.number,
            "message": self.message,
        }


@dataclass
class ParsedFeature:
    number: int
    name: str
    properties: dict[str, Any]
    geometry: BaseGeometry
    geometry_sweref: BaseGeometry


@dataclass
class ParsedFile:
    crs: str
    features: list[ParsedFeature] = field(default_factory=list)
    errors: list[FeatureError] = field(default_factory=list)


def _crs_of(document: dict[str, Any]) -> str | None:
    crs = document.get("crs")
    if crs is None:
        return WGS84
    name = ""
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        name = str(crs["properties"].get("name", ""))
    normalised = name.strip().lower()
    for code, aliases in _CRS_ALIASES.items():
        if normalised in aliases:
            return code
    return None


def _validity_reason(geometry: BaseGeometry) -> str:
    reason = explain_validity(geometry)
    known = {
        "Self-intersection": _("the boundary crosses itself"),
        "Ring Self-intersection": _("a ring touches itself"),
        "Too few points": _("a ring has too few points"),
        "Hole lies outside shell": _("a hole lies outside the polygon"),
        "Nested shells": _("polygons are nested in each other"),
        "Interior is disconnected": _("the polygon falls apart into pieces"),
        "Duplicate Rings": _("a ring is repeated"),
        "Nested holes": _("holes are nested in each other"),
    }
    for key, text in known.items():
        if reason.startswith(key):
            return text
    return reason


def read_geometry(raw: Any, crs: str = WGS84) -> tuple[BaseGeometry | None, str]:
    if not isinstance(raw, dict) or "type" not in raw:
        return None, _("the feature has no geometry")
    if raw.get("type") not in ("Polygon", "MultiPolygon"):
        return None, _("the geometry must be a Polygon or MultiPolygon, not %(type)s") % {
            "type": raw.get("type")
        }
    try:
        geometry = shape(raw)
    except (GEOSException, ValueError, TypeError, IndexError, AttributeError):
        return None, _("the coordinates cannot be read as a polygon")
    if geometry.is_empty:
        return None, _("the geometry is empty")
    coordinates = shapely.get_coordinates(geometry)
    if not all(math.isfinite(value) for value in coordinates.flat):
        return None, _("the coordinates must be numbers")
    if crs == WGS84 and (
        (abs(coordinates[:, 0]) > 180).any() or (abs(coordinates[:, 1]) > 90).any()
    ):
        return None, _(
            "the coordinates are outside WGS84 longitude/latitude; if they are SWEREF 99 TM, "
            "say so with a crs member (EPSG:3006)"
        )
    if not geometry.is_valid:
        return None, _("invalid geometry: %(reason)s") % {"reason": _validity_reason(geometry)}
    return geometry, ""


def parse_areas(data: bytes | str) -> ParsedFile:
    """Read a FeatureCollection of polygons with a `name` property each."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return ParsedFile(
            crs="",
            errors=[
                FeatureError(0, "", _("The file is not valid JSON: %(error)s") % {"error": exc})
            ],
        )
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return ParsedFile(
            crs="", errors=[FeatureError(0, "", _("The file must be a GeoJSON FeatureCollection."))]
        )
    crs = _crs_of(document)
    if crs is None:
        return ParsedFile(
            crs="",
            errors=[
                FeatureError(
                    0,
                    "",
                    _(
                        "Unknown coordinate reference system %(crs)s; use WGS84 (EPSG:4326) "
                        "or SWEREF 99 TM (EPSG:3006)."
                    )
                    % {"crs": json.dumps(document.get("crs"))[:120]},
                )
            ],
        )
    raw_features = document.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        return ParsedFile(
            crs=crs, errors=[FeatureError(0, "", _("The file contains no features."))]
        )

    parsed = ParsedFile(crs=crs)
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_features, start=1):
        if not isinstance(raw, dict) or raw.get("type") != "Feature":
            parsed.errors.append(FeatureError(number, "", _("not a GeoJSON Feature")))
            continue
        properties = raw.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        name = str(properties.get("name") or "").strip()
        if not name:
            parsed.errors.append(FeatureError(number, "", _("the property “name” is missing")))
        elif len(name) > 200:
            parsed.errors.append(FeatureError(number, name[:40], _("the name is too long")))
        elif name.casefold() in seen:
            parsed.errors.append(
                FeatureError(
                    number,
                    name,
                    _("the name is used by feature %(other)s too")
                    % {"other": seen[name.casefold()]},
                )
            )
        else:
            seen[name.casefold()] = number
        geometry, problem = read_geometry(raw.get("geometry"), crs)
        if geometry is None:
            parsed.errors.append(FeatureError(number, name, problem))
            continue
        if crs == SWEREF99TM:
            sweref = geometry
            geometry = reproject(geometry, SWEREF99TM, WGS84)
        else:
            sweref = reproject(geometry, WGS84, SWEREF99TM)
        if name:
            parsed.features.append(ParsedFeature(number, name, properties, geometry, sweref))
    return parsed

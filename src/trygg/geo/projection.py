"""WGS84 (lon/lat) for storage and the web; SWEREF 99 TM (EPSG:3006, metres) for analysis."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"


@lru_cache(maxsize=8)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def to_sweref(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x, y = _transformer(WGS84, SWEREF99TM).transform(np.asarray(lon), np.asarray(lat))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_wgs84(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lon, lat = _transformer(SWEREF99TM, WGS84).transform(np.asarray(x), np.asarray(y))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def reproject(geometry: BaseGeometry, source: str, target: str) -> BaseGeometry:
    transformer = _transformer(source, target)

    def _apply(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, _apply)


def area_fields(geometry_wgs84: BaseGeometry) -> dict[str, Any]:
    """The stored, derived columns of an Area for a polygon given in WGS84."""
    sweref = reproject(geometry_wgs84, WGS84, SWEREF99TM)
    sweref = shapely.transform(sweref, lambda c: np.round(c, 2))
    min_lon, min_lat, max_lon, max_lat = geometry_wgs84.bounds
    return {
        "geometry": mapping(geometry_wgs84),
        "geometry_sweref": mapping(sweref),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "area_m2": float(sweref.area),
    }


def sweref_shape(geojson: dict[str, Any]) -> BaseGeometry:
    return shape(geojson)

"""Where is a point, and where does a text say something happened: one city's gazetteer.

Built once per request or import from the city's districts, places and
localities, then asked many times; points are tested in SWEREF 99 TM metres
with shapely's vectorised predicates, so a million imported events take
seconds, not hours.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db import connection
from django.db.models import Count, F, Max, Model, QuerySet, Sum
from numpy.typing import NDArray
from shapely.geometry import shape

from trygg.geo.models import City, District, Locality, Place
from trygg.geo.projection import to_sweref, to_wgs84

# A place drawn a few metres off its true edge still holds a report made at that edge.
EDGE_TOLERANCE_M = 5.0


@dataclass(frozen=True)
class Named:
    """A gazetteer hit: what was named, how precise it is, and a point to put it at."""

    kind: str  # "place", "district" or "locality"
    pk: int
    name: str
    lon: float
    lat: float
    district_id: int | None


class Locator:
    def __init__(self, city: City) -> None:
        self.city = city
        districts = list(District.objects.filter(city=city).only("pk", "name", "geometry_sweref"))
        places = list(
            Place.objects.filter(district__city=city).only(
                "pk", "name", "district_id", "geometry_sweref"
            )
        )
        self.district_ids = np.array([d.pk for d in districts], dtype=np.int64)
        self.district_shapes = [shape(d.geometry_sweref) for d in districts]
        self.place_ids = np.array([p.pk for p in places], dtype=np.int64)
        self.place_districts = {p.pk: p.district_id for p in places}
        self.place_shapes = [shape(p.geometry_sweref).buffer(EDGE_TOLERANCE_M) for p in places]
        for geometry in self.district_shapes + self.place_shapes:
            shapely.prepare(geometry)
        self._names = self._gazetteer(districts, places)
        self._pattern = (
            re.compile(
                r"(?<!\w)("
                + "|".join(re.escape(n) for n in sorted(self._names, key=len, reverse=True))
                + r")(?!\w)",
                re.IGNORECASE,
            )
            if self._names
            else None
        )

    def _gazetteer(self, districts: list[District], places: list[Place]) -> dict[str, Named]:
        names: dict[str, Named] = {}
        for locality in Locality.objects.filter(city=self.city):
            x, y = to_sweref(locality.lon, locality.lat)
            (district_id,) = self.districts_of(np.atleast_1d(x), np.atleast_1d(y))
            names[locality.name.casefold()] = Named(
                "locality",
                locality.pk,
                locality.name,
                locality.lon,
                locality.lat,
                int(district_id) or None,
            )
        for kind, areas in (("district", districts), ("place", places)):
            for area in areas:
                geometry = shape(area.geometry_sweref)
                point = geometry.representative_point()
                lon, lat = to_wgs84(point.x, point.y)
                names[area.name.casefold()] = Named(
                    kind,
                    area.pk,
                    area.name,
                    float(lon),
                    float(lat),
                    area.pk if kind == "district" else area.district_id,
                )
        return names

    def districts_of(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.int64]:
        """The district id of each point, 0 where a point lies in none of the city's districts."""
        result = np.zeros(len(x), dtype=np.int64)
        for district_id, geometry in zip(self.district_ids, self.district_shapes, strict=True):
            todo = result == 0
            if not todo.any():
                break
            inside = shapely.contains_xy(geometry, x[todo], y[todo])
            result[np.flatnonzero(todo)[inside]] = district_id
        return result

    def places_of(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> list[list[int]]:
        """The ids of the places that hold each point (places may overlap)."""
        found: list[list[int]] = [[] for _ in range(len(x))]
        for place_id, geometry in zip(self.place_ids, self.place_shapes, strict=True):
            for index in np.flatnonzero(shapely.contains_xy(geometry, x, y)):
                found[index].append(int(place_id))
        return found

    def named_in(self, text: str) -> Named | None:
        """The most precise area named in a text: a place before a locality before a district."""
        if not self._pattern or not text:
            return None
        rank = {"place": 0, "locality": 1, "district": 2}
        hits = [self._names[m.group(1).casefold()] for m in self._pattern.finditer(text)]
        return min(hits, key=lambda named: rank[named.kind]) if hits else None


# Intake asks for a city's areas many times a second, while they change a few times a
# year. Each process keeps the Locator it built per city and, before every use, checks
# with one small query that the areas are still the ones it was built from.
_built: dict[int, tuple[tuple[Any, ...], Locator]] = {}
_built_lock = threading.Lock()
MAX_CACHED_CITIES = 64
# A stand-in city id while the fingerprint query is compiled; the real ones are parameters.
_SQL_CITY = 0
_FINGERPRINT_PARAMS = 3


def _summary(model: type[Model], city_path: str, extent: Any) -> QuerySet[Any]:
    """One row for the model's areas in the city: how many, the highest id, their extents."""
    return (
        model._default_manager.filter(**{city_path: _SQL_CITY})
        .order_by()
        .values(city_path)
        .annotate(n=Count("pk"), top=Max("pk"), extent=Sum(extent))
        .values_list("n", "top", "extent")
    )


@functools.cache
def _fingerprint_sql() -> str:
    """The fingerprint query, compiled once: compiling it costs more than running it.

    It covers what point lookups depend on, which areas there are and where their extents
    lie: any import, drawing or edit of an area changes its id set, its area or its bounding
    box. Names are not covered (see `locator_for`).
    """
    box = F("area_m2") + F("min_lon") + F("max_lon") + F("min_lat") + F("max_lat")
    query = _summary(District, "city", box).union(
        _summary(Place, "district__city", box),
        _summary(Locality, "city", F("lon") + F("lat")),
        all=True,
    )
    sql, params = query.query.sql_with_params()
    if params != (_SQL_CITY,) * _FINGERPRINT_PARAMS:
        raise RuntimeError(f"the locator fingerprint expects only city ids, not {params!r}")
    return sql


def _fingerprint(city: City) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(), [city.pk] * _FINGERPRINT_PARAMS)
        # Sorted, as a union promises no order; the same areas give the same rows.
        return tuple(sorted(cursor.fetchall(), key=repr))


def locator_for(city: City) -> Locator:
    """The city's Locator for placing points, rebuilt only when its areas have changed.

    For `districts_of` and `places_of`; a gazetteer search by name (`named_in`) after a
    renaming should build its own `Locator`, since names are not part of the check.
    """
    fingerprint = _fingerprint(city)
    cached = _built.get(city.pk)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    locator = Locator(city)
    with _built_lock:
        if len(_built) >= MAX_CACHED_CITIES:
            _built.clear()
        _built[city.pk] = (fingerprint, locator)
    return locator

"""Placing rows: checking positions and geocoding the feed's text against the gazetteer."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from trygg.geo.locator import Named
from trygg.geo.models import City, District, Locality, Place
from trygg.geo.projection import to_sweref
from trygg.reports.imports.rows import (
    NEAR_CITY_M,
    Context,
    ImportFormat,
    Placed,
    Row,
)
from trygg.reports.models import Precision
from trygg.reports.services import locate


def _as_float(value: Any) -> float:
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _municipality(name: str) -> str:
    key = name.strip().casefold()
    for suffix in (" stad", " kommun"):
        key = key.removesuffix(suffix)
    return key


def names_city(area: str, city: City) -> bool:
    """Whether the feed's area is the city's municipality ("Stockholm" is Stockholms stad)."""
    key, own = _municipality(area), _municipality(city.name)
    return bool(key) and own in (key, key + "s")


class Placer:
    """Checks and places the rows of one chunk with whole-array projection and lookups."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.locator = ctx.locator
        bounds = np.array([g.bounds for g in self.locator.district_shapes]).reshape(-1, 4)
        self.box = (
            (*(bounds[:, :2].min(axis=0) - NEAR_CITY_M), *(bounds[:, 2:].max(axis=0) + NEAR_CITY_M))
            if len(bounds)
            else None
        )
        self.geocoded: dict[str, Named | None] = {}
        # A plain alternation over lower-cased text lets the regex engine skip ahead by
        # first letters, which the gazetteer's own pattern with its word-boundary checks
        # cannot: most texts name nothing and are ruled out five times faster, and only
        # those that may name something are asked of `named_in`.
        names = [
            *District.objects.filter(city=ctx.city).values_list("name", flat=True),
            *Place.objects.filter(district__city=ctx.city).values_list("name", flat=True),
            *Locality.objects.filter(city=ctx.city).values_list("name", flat=True),
        ]
        self.mentions = (
            re.compile("|".join(re.escape(n.lower()) for n in sorted(names, key=len, reverse=True)))
            if names
            else None
        )
        self.named_xy: dict[tuple[str, int], tuple[float, float]] = {}
        self.city_areas: dict[str, bool] = {}

    def _near(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.box is None:
            return np.zeros(len(x), dtype=bool)
        min_x, min_y, max_x, max_y = self.box
        return (x >= min_x) & (x <= max_x) & (y >= min_y) & (y <= max_y)

    def _named_in(self, text: str) -> Named | None:
        if self.mentions is None or not self.mentions.search(text.lower()):
            return None
        if text not in self.geocoded:
            if len(self.geocoded) > 200_000:
                self.geocoded.clear()
            self.geocoded[text] = self.locator.named_in(text)
        return self.geocoded[text]

    def _named_xy(self, named: Named) -> tuple[float, float]:
        key = (named.kind, named.pk)
        if key not in self.named_xy:
            x, y = to_sweref(np.array([named.lon]), np.array([named.lat]))
            self.named_xy[key] = (float(x[0]), float(y[0]))
        return self.named_xy[key]

    def _names_city(self, area: str) -> bool:
        if area not in self.city_areas:
            self.city_areas[area] = names_city(area, self.ctx.city)
        return self.city_areas[area]

    def place(self, rows: list[Row]) -> list[Placed | str]:
        """Each row placed, or the reason its position is refused."""
        city = self.ctx.city
        police = self.ctx.format == ImportFormat.POLICE
        lon = np.array([_as_float(r.lon) for r in rows])
        lat = np.array([_as_float(r.lat) for r in rows])
        valid = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
        x, y = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
        x[valid], y[valid] = to_sweref(lon[valid], lat[valid])
        district = np.zeros(len(rows), dtype=np.int64)
        district[valid] = self.locator.districts_of(x[valid], y[valid])
        near = valid & self._near(x, y) if police else district != 0
        swapped = np.zeros(len(rows), dtype=bool)
        suspect = np.flatnonzero(valid & ~near & (np.abs(lon) <= 90))
        if len(suspect):
            sx, sy = to_sweref(lat[suspect], lon[suspect])
            inside = self.locator.districts_of(sx, sy) != 0
            swapped[suspect] = inside | self._near(sx, sy) if police else inside
        places: list[list[int]] = [[] for _ in rows]
        if not police:
            for index, found in zip(
                np.flatnonzero(near), self.locator.places_of(x[near], y[near]), strict=True
            ):
                places[index] = found
        outside = _("The position is outside %(city)s.") % {"city": city.name}
        lons, lats, xs, ys = lon.tolist(), lat.tolist(), x.tolist(), y.tolist()
        districts = district.tolist()
        placed: list[Placed | str] = []
        for i, row in enumerate(rows):
            if not valid[i]:
                placed.append(self._coordinate_problem(row))
            elif swapped[i]:
                placed.append(
                    _(
                        "The position is outside %(city)s, but would be inside with latitude "
                        "and longitude swapped."
                    )
                    % {"city": city.name}
                )
            elif not near[i]:
                placed.append(outside)
            elif police:
                placed.append(self._police(row, lons[i], lats[i], xs[i], ys[i], districts[i]))
            else:
                placed.append(
                    Placed(
                        row,
                        lons[i],
                        lats[i],
                        xs[i],
                        ys[i],
                        Precision.POINT,
                        districts[i] or None,
                        places[i],
                    )
                )
        return placed

    def _coordinate_problem(self, row: Row) -> str:
        """The reason from the single-report check; empty when the field's absence is
        already the row's problem."""
        if row.lon is None or row.lat is None:
            return ""
        try:
            locate(city=self.ctx.city, lon=row.lon, lat=row.lat, locator=self.locator)
        except ValidationError as error:
            return " ".join(error.message_dict.get("position", error.messages))
        return _("The position must be two numbers.")

    def _police(
        self, row: Row, lon: float, lat: float, x: float, y: float, district_id: int
    ) -> Placed | str:
        """A named place or locality in the text beats the feed's centroid; the centroid
        alone is kept, with no district, only when the feed names the city itself."""
        own_area = self._names_city(row.area)
        if not own_area and not district_id:
            return _("The position is outside %(city)s.") % {"city": self.ctx.city.name}
        named = self._named_in(row.text)
        if named is not None:
            nx, ny = self._named_xy(named)
            if named.kind == "place":
                precision, place_ids = Precision.PLACE, [named.pk]
            else:
                precision, place_ids = Precision.LOCALITY, []
            return Placed(
                row, named.lon, named.lat, nx, ny, precision, named.district_id, place_ids
            )
        if not own_area:
            return _("The event is placed only in %(area)s, not in a part of %(city)s.") % {
                "area": row.area or "–",
                "city": self.ctx.city.name,
            }
        return Placed(row, lon, lat, x, y, Precision.MUNICIPALITY, None, [])

"""The areas a situation picture covers: a city, police area, district, place or drawn polygon.

Whatever the kind, an area comes down to the same few things: the districts whose
reports may enter, an outline in SWEREF 99 TM for the grid, and, for a polygon drawn
on the map, the shape every event must lie in. A user may choose only among areas made
of districts they work in; a polygon is clipped to those districts, so drawing across
the city boundary keeps the part inside.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from trygg.core import policy
from trygg.geo.geojson import read_geometry
from trygg.geo.models import City, District, Place, PoliceArea
from trygg.geo.projection import SWEREF99TM, WGS84, reproject, sweref_shape

CITY, POLICE_AREA, DISTRICT, PLACE, POLYGON = "city", "police_area", "district", "place", "polygon"
# A hand-drawn area has tens of corners; thousands would only be a way to make the page slow.
MAX_POLYGON_POINTS = 1000


@dataclass(frozen=True)
class PictureArea:
    kind: str
    name: str
    city: City
    district_ids: tuple[int, ...]
    outline: BaseGeometry
    query: dict[str, Any]
    district: District | None = None
    place: Place | None = None
    # Events must lie inside this shape too: a drawn polygon cuts across districts.
    clip: BaseGeometry | None = None

    @property
    def key(self) -> str:
        """A short stable name of the area, for caches and stored editions."""
        if self.kind == POLYGON:
            digest = hashlib.sha256(self.query[POLYGON].encode()).hexdigest()[:16]
            return f"{POLYGON}-{digest}"
        return f"{self.kind}-{self.query[self.kind]}"

    @property
    def choice(self) -> str:
        """The value of the area chooser that selects this area; a place chooses its district."""
        if self.kind in (PLACE, POLYGON):
            return f"{DISTRICT}-{self.district.pk}" if self.district else ""
        return self.key

    @property
    def geometry_sweref(self) -> dict[str, Any]:
        return mapping(self.outline)

    @property
    def wgs84_geometry(self) -> dict[str, Any]:
        return mapping(shapely.set_precision(reproject(self.outline, SWEREF99TM, WGS84), 1e-7))


@dataclass(frozen=True)
class Choices:
    """The areas a user may open, read once per request."""

    cities: list[City]
    police_areas: list[PoliceArea]
    districts: list[District]

    def options(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Grouped options for the area chooser: value and label."""
        groups = [
            (_("City"), [(f"{CITY}-{c.pk}", c.name) for c in self.cities]),
            (
                _("Local police areas"),
                [(f"{POLICE_AREA}-{a.pk}", a.name) for a in self.police_areas],
            ),
            (_("Districts"), [(f"{DISTRICT}-{d.pk}", d.name) for d in self.districts]),
        ]
        return [(label, options) for label, options in groups if options]


def choices(user: Any, districts: list[District]) -> Choices:
    """The cities a user administers, and the police areas over the districts they work in."""
    ids = [d.pk for d in districts]
    scope = policy.scope(user)
    city_ids = {d.city_id for d in districts}
    cities = [
        c for c in policy.visible(user, City).filter(pk__in=city_ids) if scope.is_admin_of(c.pk)
    ]
    police_areas = list(
        policy.visible(user, PoliceArea)
        .filter(districts__in=ids)
        .select_related("city")
        .prefetch_related("districts")
        .distinct()
        .order_by("name")
    )
    return Choices(cities, police_areas, districts)


def _outline(areas: list[Any]) -> BaseGeometry:
    return shapely.union_all([sweref_shape(a.geometry_sweref) for a in areas])


def _from_district(district: District) -> PictureArea:
    return PictureArea(
        kind=DISTRICT,
        name=district.name,
        city=district.city,
        district_ids=(district.pk,),
        outline=sweref_shape(district.geometry_sweref),
        query={DISTRICT: district.pk},
        district=district,
    )


def _from_place(place: Place, district: District) -> PictureArea:
    return PictureArea(
        kind=PLACE,
        name=place.name,
        city=district.city,
        district_ids=(district.pk,),
        outline=sweref_shape(place.geometry_sweref),
        query={DISTRICT: district.pk, PLACE: place.pk},
        district=district,
        place=place,
    )


def _from_city(city: City, districts: list[District]) -> PictureArea:
    mine = [d for d in districts if d.city_id == city.pk]
    return PictureArea(
        kind=CITY,
        name=city.name,
        city=city,
        district_ids=tuple(d.pk for d in mine),
        outline=_outline(mine),
        query={CITY: city.pk},
    )


def _from_police_area(area: PoliceArea, districts: list[District]) -> PictureArea:
    covered = {d.pk for d in area.districts.all()}
    mine = [d for d in districts if d.pk in covered]
    return PictureArea(
        kind=POLICE_AREA,
        name=area.name,
        city=area.city,
        district_ids=tuple(d.pk for d in mine),
        outline=sweref_shape(area.geometry_sweref),
        query={POLICE_AREA: area.pk},
    )


def _polygon(raw: str, districts: list[District], wanted: District | None) -> PictureArea:
    """A drawn polygon (GeoJSON geometry in WGS 84), clipped to the districts the user works in."""

    def refuse(message: str) -> ValidationError:
        return ValidationError({POLYGON: [_("The drawn area: %(reason)s.") % {"reason": message}]})

    try:
        document = json.loads(raw)
    except ValueError:
        raise refuse(_("it is not GeoJSON")) from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = document.get("geometry")
    geometry, problem = read_geometry(document)
    if geometry is None:
        raise refuse(problem)
    if shapely.get_num_coordinates(geometry) > MAX_POLYGON_POINTS:
        raise refuse(_("it has more than %(n)d corners") % {"n": MAX_POLYGON_POINTS})
    drawn = reproject(geometry, WGS84, SWEREF99TM)
    city_id = wanted.city_id if wanted else None
    inside = []
    for district in districts:
        if city_id is not None and district.city_id != city_id:
            continue
        outline = sweref_shape(district.geometry_sweref)
        if outline.intersects(drawn):
            inside.append((district, outline))
    if not inside:
        raise refuse(_("it lies outside the districts you work in"))
    city = inside[0][0].city
    inside = [(d, o) for d, o in inside if d.city_id == city.pk]
    clipped = shapely.intersection(drawn, shapely.union_all([o for _d, o in inside]))
    if clipped.is_empty or clipped.area < 1.0:
        raise refuse(_("it lies outside the districts you work in"))
    return PictureArea(
        kind=POLYGON,
        name=_("Drawn area"),
        city=city,
        district_ids=tuple(d.pk for d, _o in inside),
        outline=clipped,
        query={POLYGON: raw},
        district=wanted if wanted in [d for d, _o in inside] else inside[0][0],
        clip=clipped,
    )


def _number(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _wanted(params: QueryDict) -> dict[str, str]:
    """The area parameters of a request: a drawn polygon first, then the chooser, then links."""
    names = (CITY, POLICE_AREA, DISTRICT, PLACE, POLYGON)
    given = {name: params[name] for name in names if params.get(name, "").strip()}
    if params.get("area"):
        kind, _sep, pk = params["area"].rpartition("-")
        if kind not in (CITY, POLICE_AREA, DISTRICT):
            raise Http404
        chosen = {kind: pk}
        return {**chosen, POLYGON: given[POLYGON]} if POLYGON in given else chosen
    return given


def choose(user: Any, params: QueryDict, districts: list[District]) -> PictureArea:
    """The area a request asks for, among those the user may open; Http404 for any other.

    The chooser sends ``area=<kind>-<id>``; links carry ``city``, ``police_area``,
    ``district`` (with ``place``) or ``polygon``. A place in another district than the one
    chosen is left behind, so choosing a new district in the form drops the place. A drawn
    polygon wins over the chooser, which then only says in which city it was drawn.
    """
    if not districts:
        raise Http404
    wanted = _wanted(params)
    district = None
    district_pk = _number(wanted.get(DISTRICT))
    if district_pk is not None:
        district = next((d for d in districts if d.pk == district_pk), None)
        if district is None:
            raise Http404
    if POLYGON in wanted:
        return _polygon(wanted[POLYGON], districts, district)
    city_pk, police_pk = _number(wanted.get(CITY)), _number(wanted.get(POLICE_AREA))
    if city_pk is not None:
        city = next((c for c in choices(user, districts).cities if c.pk == city_pk), None)
        if city is None:
            raise Http404
        return _from_city(city, districts)
    if police_pk is not None:
        found = choices(user, districts).police_areas
        area = next((a for a in found if a.pk == police_pk), None)
        if area is None:
            raise Http404
        return _from_police_area(area, districts)
    place_pk = _number(wanted.get(PLACE))
    if place_pk is not None:
        place = (
            policy.visible(user, Place)
            .filter(pk=place_pk, district_id__in=[d.pk for d in districts])
            .first()
        )
        if place is None:
            raise Http404
        if district is None or district.pk == place.district_id:
            return _from_place(place, next(d for d in districts if d.pk == place.district_id))
    return _from_district(district or districts[0])

"""Writes of geography: imports and drawn places, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from trygg.core.models import User
from trygg.geo.geojson import FeatureError, ParsedFeature, parse_areas, read_geometry
from trygg.geo.models import City, District, Place, PoliceArea
from trygg.geo.projection import SWEREF99TM, WGS84, area_fields, reproject

# Places drawn by hand along a district border may stray this far (metres) outside it.
BORDER_TOLERANCE_M = 5.0
# A police area covers a district when at least this share of the district lies inside it.
COVER_SHARE = 0.5


class AreaLevel(models.TextChoices):
    DISTRICT = "district", gettext_lazy("Districts")
    POLICE_AREA = "police_area", gettext_lazy("Local police areas")
    PLACE = "place", gettext_lazy("Places")


class AreaImportError(Exception):
    def __init__(self, errors: list[FeatureError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _district_shapes(city: City) -> list[tuple[District, BaseGeometry]]:
    return [(d, shape(d.geometry_sweref)) for d in District.objects.filter(city=city)]


def _find_district(
    feature: ParsedFeature, districts: list[tuple[District, BaseGeometry]], city: City
) -> tuple[District | None, str]:
    wanted = str(feature.properties.get("district") or "").strip()
    if wanted:
        match = [(d, g) for d, g in districts if d.name.casefold() == wanted.casefold()]
        if not match:
            return None, _("there is no district “%(district)s” in %(city)s") % {
                "district": wanted,
                "city": city.name,
            }
        district, geometry = match[0]
        if not geometry.buffer(BORDER_TOLERANCE_M).covers(feature.geometry_sweref):
            return None, _("the place lies outside its district %(district)s") % {
                "district": district.name
            }
        return district, ""
    for district, geometry in districts:
        if geometry.buffer(BORDER_TOLERANCE_M).covers(feature.geometry_sweref):
            return district, ""
    return None, _("the place lies outside every district of %(city)s") % {"city": city.name}


def _covered_districts(
    feature: ParsedFeature, districts: list[tuple[District, BaseGeometry]]
) -> tuple[list[District], str]:
    raw = feature.properties.get("districts")
    if raw:
        names = raw if isinstance(raw, list) else str(raw).split(",")
        by_name = {d.name.casefold(): d for d, _g in districts}
        chosen, unknown = [], []
        for name in (str(n).strip() for n in names):
            if name.casefold() in by_name:
                chosen.append(by_name[name.casefold()])
            elif name:
                unknown.append(name)
        if unknown:
            return [], _("unknown districts: %(names)s") % {"names": ", ".join(unknown)}
        return chosen, ""
    chosen = [
        d
        for d, g in districts
        if g.area > 0 and g.intersection(feature.geometry_sweref).area >= COVER_SHARE * g.area
    ]
    if not chosen:
        return [], _("the police area covers no district")
    return chosen, ""


def _existing(city: City, level: str) -> list[Any]:
    if level == AreaLevel.DISTRICT:
        return list(District.objects.filter(city=city))
    if level == AreaLevel.PLACE:
        return list(Place.objects.filter(district__city=city))
    return list(PoliceArea.objects.filter(city=city))


def _by_name(areas: list[Any]) -> dict[tuple[int | None, str], Any]:
    """Areas keyed by (district, case-folded name): places are named within their district.

    Folding in Python, since SQLite's case-insensitive match knows only ASCII (Ä ≠ ä).
    """
    return {(getattr(a, "district_id", None), a.name.casefold()): a for a in areas}


def _check_places_stay_inside(feature: ParsedFeature, city: City) -> str:
    existing = _by_name(_existing(city, AreaLevel.DISTRICT)).get((None, feature.name.casefold()))
    if existing is None:
        return ""
    outer = feature.geometry_sweref.buffer(BORDER_TOLERANCE_M)
    stranded = [p.name for p in existing.places.all() if not outer.covers(shape(p.geometry_sweref))]
    if stranded:
        return _("the new boundary would leave these places outside: %(names)s") % {
            "names": ", ".join(stranded)
        }
    return ""


def areas_import(
    *, city: City, level: str, data: bytes | str, by: User | None = None
) -> ImportResult:
    """Import districts, police areas or places from GeoJSON; store every feature or none.

    Areas are matched by name within the city (places: within their district), so a
    corrected file can be imported again to update boundaries.
    """
    parsed = parse_areas(data)
    errors = list(parsed.errors)
    districts = _district_shapes(city) if level != AreaLevel.DISTRICT else []
    plan: list[tuple[ParsedFeature, Any]] = []
    for feature in parsed.features:
        if level == AreaLevel.PLACE:
            district, problem = _find_district(feature, districts, city)
            target: Any = district
        elif level == AreaLevel.POLICE_AREA:
            target, problem = _covered_districts(feature, districts)
        elif level == AreaLevel.DISTRICT:
            target, problem = None, _check_places_stay_inside(feature, city)
        else:
            raise ValueError(f"unknown area level {level!r}")
        if problem:
            errors.append(FeatureError(feature.number, feature.name, problem))
        else:
            plan.append((feature, target))
    if errors:
        raise AreaImportError(sorted(errors, key=lambda e: e.number))

    created = updated = 0
    existing = _by_name(_existing(city, level))
    with transaction.atomic():
        for feature, target in plan:
            obj = existing.get((getattr(target, "pk", None), feature.name.casefold()))
            if obj is None:
                if level == AreaLevel.DISTRICT:
                    obj = District(city=city)
                elif level == AreaLevel.PLACE:
                    obj = Place(district=target)
                else:
                    obj = PoliceArea(city=city)
            if level == AreaLevel.PLACE:
                obj.description = str(feature.properties.get("description") or obj.description)
            is_new = obj.pk is None
            obj.name = feature.name
            for key, value in area_fields(feature.geometry).items():
                setattr(obj, key, value)
            obj.full_clean()
            obj.save()
            if level == AreaLevel.POLICE_AREA:
                obj.districts.set(target)
            created += is_new
            updated += not is_new
    return ImportResult(created=created, updated=updated)


def place_create(
    *, by: User, district: District, name: str, geometry: dict[str, Any], description: str = ""
) -> Place:
    """A place drawn on the map (or pasted as GeoJSON), checked like an imported one."""
    polygon, problem = read_geometry(geometry, WGS84)
    if polygon is None:
        raise ValidationError({"geometry": problem})
    sweref = reproject(polygon, WGS84, SWEREF99TM)
    if not shape(district.geometry_sweref).buffer(BORDER_TOLERANCE_M).covers(sweref):
        raise ValidationError(
            {
                "geometry": _("The place lies outside its district %(district)s.")
                % {"district": district.name}
            }
        )
    name = name.strip()
    if (district.pk, name.casefold()) in _by_name(list(district.places.all())):
        raise ValidationError(
            {
                "name": _("%(district)s already has a place with this name.")
                % {"district": district.name}
            }
        )
    place = Place(district=district, name=name, description=description, **area_fields(polygon))
    place.full_clean()
    place.save()
    return place

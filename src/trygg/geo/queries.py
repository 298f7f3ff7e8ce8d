"""Reads of geography for maps and lists, always through the permission policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from trygg.core import policy
from trygg.geo.models import City, District, Place


def districts_with_places(*, user: Any) -> QuerySet[District]:
    places = policy.visible(user, Place).order_by("name")
    return (
        policy.visible(user, District)
        .select_related("city")
        .prefetch_related(Prefetch("places", queryset=places))
        .order_by("city__name", "name")
    )


def home_districts(*, user: Any) -> QuerySet[District]:
    """The districts a user works in: their organisations', or every district they administer."""
    s = policy.scope(user)
    own = {d for g in s.grants for d in g.district_ids}
    query = policy.visible(user, District)
    if s.is_superuser or s.admin_city_ids:
        return query.filter(city_id__in=s.admin_city_ids) if not s.is_superuser else query
    return query.filter(pk__in=own)


def _feature(area: Any, level: str, url: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": area.geometry,
        "properties": {"name": area.name, "level": level, "url": url},
    }


def map_features(*, districts: Any, places: Any) -> dict[str, Any]:
    """A FeatureCollection for the map: districts under places, each linking to its page."""
    features = [
        _feature(d, "district", reverse("geo:district", args=[d.pk])) for d in districts
    ] + [_feature(p, "place", reverse("geo:place", args=[p.pk])) for p in places]
    return {"type": "FeatureCollection", "features": features}


def illustrative(*, districts: Any) -> bool:
    return City.objects.filter(districts__in=districts, illustrative=True).exists()

"""Published editions: what a picture said when it was published, and what is new since.

An edition keeps the figures as JSON (``snapshot``) and its PDF; ``since`` compares
today's picture of the same area with the latest edition before it, for the meeting's
"what is new since last time".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import shapely
from django.db.models import QuerySet
from shapely.geometry import shape

from trygg.core import policy
from trygg.situation import picture, privacy, queries
from trygg.situation.areas import PictureArea
from trygg.situation.figures import Figures
from trygg.situation.models import Edition
from trygg.situation.periods import Period


def snapshot(shown: Figures) -> dict[str, Any]:
    """The figures of a picture as plain JSON: enough to show the edition as it was."""
    p = shown.picture
    repeats = shown.near_repeats
    return {
        "exact": shown.exact,
        "minimum": shown.minimum,
        "period": p.period.label,
        "previous": p.previous.label,
        "last_year": p.last_year.label,
        "summary": p.summary,
        "total": p.total,
        "previous_total": p.previous_total,
        "last_year_total": p.last_year_total,
        "spot_total": p.spot_total,
        "top_places": [list(pair) for pair in shown.places[: picture.TOP]],
        "top_categories": [list(pair) for pair in p.top_categories],
        "changes": [dataclasses.asdict(c) for c in p.changes],
        "hotspot_cells": p.hotspot_cells,
        "hotspots": [f for f in p.features if f["properties"]["level"] == "hotspot"],
        "outline": shown.asked.area.wgs84_geometry,
        "near_repeats": repeats.sentence if repeats is not None else "",
        "ranking": [
            {
                "rank": n.rank,
                "name": n.name,
                "count": n.count,
                "weighted": n.weighted,
                "change": n.change_label,
                "score": n.score,
            }
            for n in shown.ranking
        ],
        "grain": dataclasses.asdict(p.grain),
    }


def reviews_all(user: Any, city_id: int, district_ids: list[int] | tuple[int, ...]) -> bool:
    """Whether the user reviews every district of an area: they may see its exact figures."""
    s = policy.scope(user)
    return s.is_admin_of(city_id) or s.reviewer_district_ids.issuperset(district_ids)


def visible(user: Any) -> QuerySet[Edition]:
    """The editions of areas made only of districts the user works in."""
    districts = list(queries.situation_districts(user=user).values_list("pk", "city_id"))
    home = {pk for pk, _city in districts}
    found = Edition.objects.filter(city_id__in={city for _pk, city in districts}).values_list(
        "pk", "district_ids"
    )
    return Edition.objects.filter(pk__in=[pk for pk, ids in found if home.issuperset(ids)])


def figures_for(user: Any, edition: Edition) -> dict[str, Any]:
    """The exact figures for the area's reviewers, those with small counts hidden for others."""
    if reviews_all(user, edition.city_id, edition.district_ids):
        return edition.figures
    return edition.shared_figures


def latest_before(user: Any, area: PictureArea, period: Period) -> Edition | None:
    """The edition a meeting looking at ``period`` last saw: the latest of an earlier period."""
    return (
        visible(user)
        .filter(
            city_id=area.city.pk,
            area_key=area.key,
            period_kind=period.kind,
            period_start__lt=period.start,
        )
        .select_related("published_by")
        .order_by("-period_start", "-published_at")
        .first()
    )


@dataclass(frozen=True)
class Since:
    edition: Edition
    new_reports: int | None
    new_hotspots: int
    new_places: list[str]
    new_rises: list[str]


def since(user: Any, shown: Figures) -> Since | None:
    """What today's picture has that the last edition before it did not."""
    area, period = shown.asked.area, shown.period
    last = latest_before(user, area, period)
    if last is None:
        return None
    then = figures_for(user, last)
    arrived = (
        queries.counted_reports(
            user=user,
            district_ids=area.district_ids,
            place=area.place,
            period=Period(period.kind, last.period_start, period.end),
            categories=shown.asked.selected,
        )
        .filter(created_at__gt=last.published_at)
        .count()
    )
    before = [shape(f["geometry"]) for f in then["hotspots"]]
    old = shapely.union_all(before) if before else None
    now = [
        shape(f["geometry"])
        for f in shown.picture.features
        if f["properties"]["level"] == "hotspot"
    ]
    new_hotspots = sum(1 for h in now if old is None or not h.intersects(old))
    earlier_places = {name for name, _n in then["top_places"]}
    earlier_rises = {c["category"] for c in then["changes"] if c["vs_previous"] == "rise"}
    return Since(
        edition=last,
        new_reports=arrived if shown.exact else privacy.suppress_one(arrived, shown.minimum),
        new_hotspots=new_hotspots,
        new_places=[name for name, _n in shown.places if name not in earlier_places],
        new_rises=[
            c.category
            for c in shown.picture.changes
            if c.vs_previous == "rise" and c.category not in earlier_rises
        ],
    )

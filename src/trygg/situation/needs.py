"""Which areas of a picture need the most: its districts, or the places of a district.

The tertial analysis and the yearly edition rank the parts of the area they cover
(see ``ranking``); this picks the parts and says which event lies in which.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from trygg.geo.models import District
from trygg.geo.projection import sweref_shape
from trygg.situation import areas, ranking
from trygg.situation.areas import PictureArea
from trygg.situation.periods import TERTIAL, YEAR, Period
from trygg.situation.queries import Events

# The weekly edition is about this week's spots; ranking areas is for the longer look.
RANKED_KINDS = (TERTIAL, YEAR)


def needs(
    *,
    area: PictureArea,
    places: list[Any],
    events: Events,
    period: Period,
    harm: dict[int, int],
) -> list[ranking.Need]:
    """The area's districts (or a district's places) ranked by need; empty for other pictures."""
    if period.kind not in RANKED_KINDS or area.kind in (areas.PLACE, areas.POLYGON):
        return []
    now, last_year = events.within(period), events.within(period.last_year())
    common = {"harm": harm, "period": period, "last_year_period": period.last_year()}
    if area.kind != areas.DISTRICT:
        districts = District.objects.filter(pk__in=area.district_ids).order_by("name")
        parts = [(d.pk, d.name) for d in districts]
        return ranking.rank_areas(areas=parts, now=now, last_year=last_year, **common)
    if not places:
        return []
    # A report inside two overlapping places counts in both, as on the places' own pictures.
    now_in, now_place = _in_places(now, places)
    ly_in, ly_place = _in_places(last_year, places)
    return ranking.rank_areas(
        areas=[(p.pk, p.name) for p in places],
        now=now_in,
        last_year=ly_in,
        now_area=now_place,
        last_year_area=ly_place,
        **common,
    )


def _in_places(events: Events, places: list[Any]) -> tuple[Events, NDArray[np.int64]]:
    """The events inside each place, one copy per place, and the place of each copy."""
    inside = [
        np.flatnonzero(shapely.contains_xy(sweref_shape(p.geometry_sweref), events.x, events.y))
        for p in places
    ]
    index = np.concatenate(inside)
    place = np.concatenate(
        [np.full(i.size, p.pk, dtype=np.int64) for p, i in zip(places, inside, strict=True)]
    )
    taken = Events(**{f.name: getattr(events, f.name)[index] for f in dataclasses.fields(Events)})
    return taken, place

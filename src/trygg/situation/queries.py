"""Reads for the situation picture: events as numpy arrays, always through the permission policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db.models import Count, QuerySet
from django.utils import timezone
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from trygg.core import policy
from trygg.geo import queries as geo_queries
from trygg.geo.models import District, Place
from trygg.reports.models import SPOT_PRECISIONS, Report
from trygg.reports.workflow import COUNTED
from trygg.situation.periods import Period

_SPOT = frozenset(str(p) for p in SPOT_PRECISIONS)


@dataclass(frozen=True)
class Events:
    """Counted reports as parallel arrays, one element per report.

    ``day`` is the local (Europe/Stockholm) date as days since 1970-01-01,
    ``weekday`` 0 for Monday and ``hour`` the local hour; ``spot`` marks the
    reports placed finely enough (a point or a street) for hotspot analysis.
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    day: NDArray[np.int64]
    weekday: NDArray[np.int64]
    hour: NDArray[np.int64]
    category: NDArray[np.int64]
    spot: NDArray[np.bool_]
    district: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.x.size)

    def select(self, keep: NDArray[np.bool_]) -> Events:
        return Events(
            x=self.x[keep],
            y=self.y[keep],
            day=self.day[keep],
            weekday=self.weekday[keep],
            hour=self.hour[keep],
            category=self.category[keep],
            spot=self.spot[keep],
            district=self.district[keep],
        )

    def within(self, period: Period) -> Events:
        return self.select(
            (self.day >= day_number(period.start)) & (self.day < day_number(period.end))
        )


_EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def counted_reports(
    *,
    user: Any,
    district_ids: Iterable[int] | None = None,
    place: Place | None = None,
    period: Period,
    categories: Iterable[int] = (),
) -> QuerySet[Report]:
    """The reports the user may see that count in the picture of this area and period."""
    query = policy.visible(user, Report).filter(
        status__in=COUNTED,
        occurred_from__gte=day_start(period.start),
        occurred_from__lt=day_start(period.end),
    )
    if place is not None:
        query = query.filter(places=place)
    elif district_ids is not None:
        query = query.filter(district_id__in=list(district_ids))
    categories = list(categories)
    if categories:
        query = query.filter(category_id__in=categories)
    return query


def events(
    *,
    user: Any,
    district_ids: Iterable[int] | None = None,
    place: Place | None = None,
    clip: BaseGeometry | None = None,
    period: Period,
    categories: Iterable[int] = (),
) -> Events:
    """The counted reports of an area and period as arrays, fetched with one query.

    ``clip`` (SWEREF 99 TM) keeps only the reports placed inside it: a drawn area.
    """
    query = counted_reports(
        user=user, district_ids=district_ids, place=place, period=period, categories=categories
    )
    if clip is not None:
        xmin, ymin, xmax, ymax = clip.bounds
        query = query.filter(x__gte=xmin, x__lte=xmax, y__gte=ymin, y__lte=ymax)
    rows = list(
        query.values_list("x", "y", "occurred_from", "category_id", "precision", "district_id")
    )
    if clip is not None:
        inside = shapely.contains_xy(
            clip, np.array([r[0] for r in rows], dtype=float), np.array([r[1] for r in rows])
        )
        rows = [row for row, keep in zip(rows, inside, strict=True) if keep]
    n = len(rows)
    zone = timezone.get_current_timezone()
    local = [row[2].astimezone(zone) for row in rows]
    return Events(
        x=np.fromiter((row[0] for row in rows), dtype=np.float64, count=n),
        y=np.fromiter((row[1] for row in rows), dtype=np.float64, count=n),
        day=np.fromiter((day_number(t.date()) for t in local), dtype=np.int64, count=n),
        weekday=np.fromiter((t.weekday() for t in local), dtype=np.int64, count=n),
        hour=np.fromiter((t.hour for t in local), dtype=np.int64, count=n),
        category=np.fromiter((row[3] for row in rows), dtype=np.int64, count=n),
        spot=np.fromiter((row[4] in _SPOT for row in rows), dtype=np.bool_, count=n),
        district=np.fromiter(
            (-1 if row[5] is None else row[5] for row in rows), dtype=np.int64, count=n
        ),
    )


def top_places(
    *,
    user: Any,
    place_ids: Iterable[int],
    period: Period,
    categories: Iterable[int] = (),
    limit: int = 5,
) -> list[tuple[str, int]]:
    """Of these places, those with the most counted reports in the period."""
    rows = (
        counted_reports(user=user, period=period, categories=categories)
        .filter(places__in=list(place_ids))
        .values("places__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "places__name")[:limit]
    )
    return [(row["places__name"], row["n"]) for row in rows]


def situation_districts(*, user: Any) -> QuerySet[District]:
    """The districts whose picture a user may open: those they work in or administer."""
    return geo_queries.home_districts(user=user).select_related("city").order_by("name")

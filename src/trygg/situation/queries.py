"""Reads for the situation picture: events as numpy arrays, always through the permission policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db import connections
from django.db.models import BigIntegerField, Case, Count, Func, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from trygg.core import policy
from trygg.geo import queries as geo_queries
from trygg.geo.models import District, Place
from trygg.reports.models import SPOT_PRECISIONS, Precision, Report
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
    counted_in_city: int | None = None,
) -> QuerySet[Report]:
    """The reports the user may see that count in the picture of this area and period.

    With ``counted_in_city``, every report of that city, to be counted only (see
    ``policy.aggregated_reports``).
    """
    base = (
        policy.visible(user, Report)
        if counted_in_city is None
        else policy.aggregated_reports(user, counted_in_city)
    )
    query = base.filter(
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
    counted_in_city: int | None = None,
) -> Events:
    """The counted reports of an area and period as arrays, fetched with one query.

    ``clip`` (SWEREF 99 TM) keeps only the reports placed inside it: a drawn area.
    """
    query = counted_reports(
        user=user,
        district_ids=district_ids,
        place=place,
        period=period,
        categories=categories,
        counted_in_city=counted_in_city,
    )
    if clip is not None:
        xmin, ymin, xmax, ymax = clip.bounds
        query = query.filter(x__gte=xmin, x__lte=xmax, y__gte=ymin, y__lte=ymax)
    # Numbers only, straight from the cursor into one structured array: a datetime, a
    # string and a Django converter per row are most of the time at a few hundred
    # thousand rows.
    query = query.annotate(
        epoch=EpochSeconds("occurred_from"),
        is_spot=Case(When(precision__in=_SPOT, then=Value(1)), default=Value(0)),
        district_or_none=Coalesce("district_id", Value(-1), output_field=BigIntegerField()),
    ).values_list("x", "y", "epoch", "category_id", "is_spot", "district_or_none")
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        table = np.array(cursor.fetchall(), dtype=_ROW)
    if clip is not None:
        table = table[shapely.contains_xy(clip, table["x"], table["y"])]
    epoch = table["epoch"]
    local = epoch + utc_offsets(epoch, timezone.get_current_timezone())
    day = local // _DAY_S
    return Events(
        x=np.ascontiguousarray(table["x"]),
        y=np.ascontiguousarray(table["y"]),
        day=day,
        weekday=(day + _EPOCH_WEEKDAY) % 7,
        hour=local % _DAY_S // 3600,
        category=np.ascontiguousarray(table["category"]),
        spot=table["spot"].astype(np.bool_),
        district=np.ascontiguousarray(table["district"]),
    )


_ROW = np.dtype(
    [
        ("x", np.float64),
        ("y", np.float64),
        ("epoch", np.int64),
        ("category", np.int64),
        ("spot", np.int8),
        ("district", np.int64),
    ]
)
_DAY_S = 86_400
_EPOCH_WEEKDAY = _EPOCH.weekday()


class EpochSeconds(Func):
    """Whole seconds since 1970-01-01 UTC, the fraction dropped: a number, not a datetime.

    A datetime per row costs a parse and an aware object in Python; at a few hundred
    thousand rows that is most of a picture's time.
    """

    output_field = BigIntegerField()
    template = "CAST(EXTRACT(EPOCH FROM DATE_TRUNC('second', %(expressions)s)) AS BIGINT)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps SQLite datetimes as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]"; the
        # fraction is cut off because SQLite rounds it to milliseconds (.9999995 is the next
        # second). The percent sign is doubled for this template and for the placeholders.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(STRFTIME('%%%%s', SUBSTR(%(expressions)s, 1, 19)) AS INTEGER)",
        )


def utc_offsets(epoch: NDArray[np.int64], zone: dt.tzinfo) -> NDArray[np.int64]:
    """The zone's UTC offset in seconds at each instant (epoch seconds).

    Looked up once per distinct UTC hour: where the offset at the hour's first and last
    second agree (every hour but one holding a change of offset) it holds for the whole
    hour; the rows of an hour holding a change are looked up one by one.
    """
    hours, index = np.unique(epoch // 3600, return_inverse=True)
    index = index.reshape(epoch.shape)

    def offset(seconds: int) -> int:
        utc_offset = dt.datetime.fromtimestamp(seconds, zone).utcoffset()
        assert utc_offset is not None
        return int(utc_offset.total_seconds())

    first = np.array([offset(int(h) * 3600) for h in hours], dtype=np.int64)
    last = np.array([offset(int(h) * 3600 + 3599) for h in hours], dtype=np.int64)
    result = first[index]
    for row in np.flatnonzero((first != last)[index]):
        result[row] = offset(int(epoch[row]))
    return result


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


def top_streets(
    *,
    user: Any,
    district_ids: Iterable[int],
    place: Place | None,
    period: Period,
    categories: Iterable[int] = (),
    limit: int = 5,
) -> list[tuple[str, int]]:
    """The streets with the most counted reports placed at street precision, by their address."""
    rows = (
        counted_reports(
            user=user, district_ids=district_ids, place=place, period=period, categories=categories
        )
        .filter(precision=Precision.STREET)
        .exclude(address="")
        .values("address")
        .annotate(n=Count("pk"))
        .order_by("-n", "address")[:limit]
    )
    return [(row["address"], row["n"]) for row in rows]


def situation_districts(*, user: Any) -> QuerySet[District]:
    """The districts whose picture a user may open: those they work in or administer."""
    return geo_queries.home_districts(user=user).select_related("city").order_by("name")

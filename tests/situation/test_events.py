import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM
from trygg.reports import services
from trygg.reports.models import Precision
from trygg.situation import queries
from trygg.situation.periods import Period

UTC = dt.UTC


def _instants() -> list[dt.datetime]:
    """Instants around Stockholm's changes of offset in 2025 and around local midnights."""
    found = []
    # Summer time began 2025-03-30 01:00 UTC and ended 2025-10-26 01:00 UTC.
    for change in (
        dt.datetime(2025, 3, 30, 1, tzinfo=UTC),
        dt.datetime(2025, 10, 26, 1, tzinfo=UTC),
    ):
        for minutes in range(-150, 151, 30):
            found.append(change + dt.timedelta(minutes=minutes))
        found += [change - dt.timedelta(microseconds=1), change + dt.timedelta(seconds=1)]
    # Local midnight in winter (23:00 UTC) and in summer (22:00 UTC), and New Year.
    for midnight in (
        dt.datetime(2025, 2, 11, 23, tzinfo=UTC),
        dt.datetime(2025, 7, 15, 22, tzinfo=UTC),
        dt.datetime(2024, 12, 31, 23, tzinfo=UTC),
    ):
        found += [
            midnight - dt.timedelta(microseconds=1),
            midnight,
            midnight + dt.timedelta(seconds=59),
        ]
    found.append(dt.datetime(2025, 12, 31, 22, 59, 59, 999_999, tzinfo=UTC))
    return found


@pytest.fixture
def year_of_reports(world, categories):
    codes = ["klotter", "narkotika"]
    for n, when in enumerate(_instants()):
        services.report_create(
            city=world.stockholm,
            category=categories[codes[n % 2]],
            lon=IN_ALVSJO[0] if n % 3 else IN_ALVSJO_CENTRUM[0],
            lat=IN_ALVSJO[1] if n % 3 else IN_ALVSJO_CENTRUM[1],
            occurred_from=when,
            by=world.anna,
            organisation=world.orgs["alvsjo_sdf"],
            description="Sett på plats.",
            precision=Precision.POINT if n % 4 else Precision.LOCALITY,
        )
    return Period.year(2025)


def test_it_gives_the_local_day_weekday_and_hour_of_each_report(world, year_of_reports):
    period = year_of_reports

    found = queries.events(user=world.anna, district_ids=[world.alvsjo.pk], period=period)

    rows = queries.counted_reports(
        user=world.anna, district_ids=[world.alvsjo.pk], period=period
    ).values_list("x", "y", "occurred_from", "category_id", "precision", "district_id")
    local = [row[2].astimezone(timezone.get_current_timezone()) for row in rows]
    assert len(found) == len(rows) == len(_instants()) - 1  # one lies in 2024
    np.testing.assert_array_equal(found.day, [queries.day_number(t.date()) for t in local])
    np.testing.assert_array_equal(found.weekday, [t.weekday() for t in local])
    np.testing.assert_array_equal(found.hour, [t.hour for t in local])
    np.testing.assert_array_equal(found.x, [row[0] for row in rows])
    np.testing.assert_array_equal(found.y, [row[1] for row in rows])
    np.testing.assert_array_equal(found.category, [row[3] for row in rows])
    np.testing.assert_array_equal(found.spot, [row[4] == Precision.POINT for row in rows])
    np.testing.assert_array_equal(found.district, [row[5] for row in rows])
    for array in (found.day, found.weekday, found.hour, found.category, found.district):
        assert array.dtype == np.int64


def test_it_counts_the_hours_of_the_night_summer_time_ends_twice(world, year_of_reports):
    found = queries.events(user=world.anna, district_ids=[world.alvsjo.pk], period=year_of_reports)

    assert len(found)
    night = found.select(found.day == queries.day_number(dt.date(2025, 10, 26)))
    # From 00:00 to 01:59:59 UTC it is 02:xx local: summer time's last hour and winter
    # time's first; six of the reports fall in them.
    assert night.hour.tolist().count(2) == 6


def test_it_gives_empty_arrays_without_reports(world, categories):
    found = queries.events(
        user=world.anna, district_ids=[world.alvsjo.pk], period=Period.year(2025)
    )

    assert len(found) == 0
    assert found.day.dtype == np.int64 and found.spot.dtype == np.bool_


@pytest.mark.parametrize("zone", ["Europe/Stockholm", "Australia/Lord_Howe", "America/St_Johns"])
def test_utc_offsets_match_the_zone_at_every_instant(zone):
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    rng = np.random.default_rng(7)
    # Every quarter-hour of two years, and random seconds, across several changes of offset.
    start = int(dt.datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    epoch = np.concatenate(
        [
            np.arange(start, start + 2 * 366 * 86_400, 900, dtype=np.int64),
            rng.integers(start, start + 2 * 366 * 86_400, size=20_000),
        ]
    )

    offsets = queries.utc_offsets(epoch, tz)

    expected = [
        int(dt.datetime.fromtimestamp(int(s), tz).utcoffset().total_seconds()) for s in epoch
    ]
    np.testing.assert_array_equal(offsets, expected)

"""The tertial analysis ranks areas by need; burglary-like categories get a near-repeat test."""

import datetime as dt

import numpy as np
from django.urls import reverse
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM, IN_HAGERSTEN
from tests.situation.test_page import report
from trygg.geo.projection import to_sweref, to_wgs84
from trygg.situation.periods import Period

URL = reverse("situation:picture")


def tertial():
    today = timezone.localdate() - dt.timedelta(days=40)
    return Period.tertial(today.year, (today.month - 1) // 4 + 1)


def when(period, n=0):
    day = period.start + dt.timedelta(days=n % max(1, (period.days - 1)))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_the_city_tertial_ranks_districts_by_harm(world, categories, login):
    period = tertial()
    report(
        world, categories["vald"], when(period), where=IN_HAGERSTEN, by=world.petra, org="police"
    )
    for n in range(3):
        report(world, categories["nedskrapning"], when(period, n), where=IN_ALVSJO)

    page = login(world.ingrid).get(URL, {"city": world.stockholm.pk, "period": period.key})

    assert page.status_code == 200
    ranked = [(need.name, need.count, need.weighted) for need in page.context["ranking"]]
    assert ranked == [("Hägersten", 1, 10), ("Älvsjö", 3, 3)]
    assert "Områden rangordnade efter behov" in page.content.decode()


def test_the_district_tertial_ranks_its_places(world, categories, login):
    period = tertial()
    report(world, categories["nedskrapning"], when(period), where=IN_ALVSJO_CENTRUM)
    report(world, categories["nedskrapning"], when(period), where=IN_ALVSJO)

    page = login(world.anna).get(URL, {"district": world.alvsjo.pk, "period": period.key})

    assert [(n.name, n.count) for n in page.context["ranking"]] == [("Älvsjö centrum", 1)]


def test_the_weekly_edition_does_not_rank(world, categories, login):
    page = login(world.anna).get(URL, {"district": world.alvsjo.pk})
    assert page.context["ranking"] == []
    assert "Områden rangordnade efter behov" not in page.content.decode()


def test_burglaries_in_pairs_show_a_near_repeat_pattern(world, categories, login):
    """Thirty burglaries, each followed two days later by one 40 m away: a planted pattern."""
    rng = np.random.default_rng(7)
    x0, y0 = to_sweref([IN_ALVSJO_CENTRUM[0]], [IN_ALVSJO_CENTRUM[1]])
    period = Period.year(timezone.localdate().year - 1)
    for n in range(30):
        x, y = x0[0] + rng.uniform(-800, 800), y0[0] + rng.uniform(-500, 500)
        first = when(period, 11 * n)
        for dx, days in ((0, 0), (40, 2)):
            lon, lat = to_wgs84([x + dx], [y])
            report(
                world,
                categories["inbrott"],
                first + dt.timedelta(days=days),
                where=(float(lon[0]), float(lat[0])),
            )

    page = login(world.anna).get(URL, {"district": world.alvsjo.pk, "period": period.key})

    found = page.context["near_repeats"]
    assert found is not None and found.pattern
    assert found.table[0][1][0].elevated  # 0–100 m, 0–7 days
    assert "Upprepning i närheten" in page.content.decode()

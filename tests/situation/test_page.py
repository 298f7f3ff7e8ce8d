import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM, IN_HAGERSTEN
from trygg.reports import services
from trygg.reports.models import Precision
from trygg.reports.workflow import Status
from trygg.situation.periods import Period

URL = reverse("situation:picture")


@pytest.fixture
def week():
    """A whole ISO week in the past, so that every report in it may be made."""
    return Period.containing(timezone.localdate() - dt.timedelta(days=14))


def at(period, day=2, hour=12):
    local = dt.datetime.combine(period.start + dt.timedelta(days=day), dt.time(hour))
    return timezone.make_aware(local)


def report(world, category, when, *, by=None, org="alvsjo_sdf", where=IN_ALVSJO_CENTRUM, **kw):
    lon, lat = where
    return services.report_create(
        city=world.stockholm,
        category=category,
        lon=lon,
        lat=lat,
        occurred_from=when,
        by=by or world.anna,
        organisation=world.orgs[org],
        description="Sett på plats.",
        **kw,
    )


def picture_of(client, world, period, **params):
    query = {"district": world.alvsjo.pk, "period": period.key, **params}
    return client.get(URL, query)


def test_it_counts_the_reports_of_the_period(world, categories, login, week):
    graffiti, drugs = categories["klotter"], categories["narkotika"]
    for n in range(3):
        report(world, graffiti, at(week, hour=10 + n))
    report(world, drugs, at(week, day=4, hour=22))
    report(world, drugs, at(week.previous()))
    report(world, graffiti, at(week.next()))
    report(world, graffiti, at(week), where=IN_HAGERSTEN, by=world.petra, org="police")

    response = picture_of(login(world.anna), world, week)

    assert response.status_code == 200
    picture = response.context["picture"]
    assert (picture.total, picture.previous_total) == (4, 1)
    assert dict(picture.top_categories) == {graffiti.label: 3, drugs.label: 1}
    assert picture.top_places == [("Älvsjö centrum", 4)]
    weekday_hour = dict(picture.weekday_hour)
    assert weekday_hour["Fredag"][22] == 1
    assert sum(sum(row) for row in weekday_hour.values()) == 4
    assert picture.trend[-1].count == 4 and picture.trend[-2].count == 1
    text = response.content.decode()
    assert f"Vecka {week.start.isocalendar().week}, " in text
    assert "4 händelser i Älvsjö, 3 fler än veckan innan." in text
    assert "Flest kring Älvsjö centrum (4)." in text


def test_it_defaults_to_the_first_home_district_and_this_week(world, categories, login):
    response = login(world.anna).get(URL)
    assert response.status_code == 200
    assert response.context["area"].district == world.alvsjo
    assert response.context["period"] == Period.containing(timezone.localdate())


def test_rejected_reports_do_not_count(world, categories, login, week):
    kept = report(world, categories["klotter"], at(week))
    thrown = report(world, categories["klotter"], at(week))
    services.report_transition(report=thrown, to=Status.REJECTED, by=world.anna, reason="Fel")
    picture = picture_of(login(world.anna), world, week).context["picture"]
    assert picture.total == 1
    assert kept.status in (Status.RECEIVED, Status.ACCEPTED)


def test_another_districts_coordinator_gets_404(world, categories, login, week):
    report(world, categories["klotter"], at(week))
    assert picture_of(login(world.olle), world, week).status_code == 404
    assert login(world.olle).get(URL, {"district": "nonsense"}).status_code == 404


def test_a_reporter_counts_only_what_she_may_see(world, categories, login, week):
    report(world, categories["klotter"], at(week), by=world.rut, org="property")
    report(world, categories["klotter"], at(week, hour=14), by=world.rut, org="property")
    for n in range(5):
        report(world, categories["klotter"], at(week, hour=8 + n))

    rut = picture_of(login(world.rut), world, week).context["picture"]
    anna = picture_of(login(world.anna), world, week).context["picture"]

    assert (rut.total, anna.total) == (2, 7)


def test_coarse_reports_count_in_totals_but_not_in_hotspots(world, categories, login, week):
    for n in range(8):
        report(world, categories["klotter"], at(week, hour=8 + n), precision=Precision.PLACE)

    response = picture_of(login(world.anna), world, week)

    picture = response.context["picture"]
    assert (picture.total, picture.spot_total) == (8, 0)
    assert (picture.heat_cells, picture.hotspot_cells) == (0, 0)
    levels = {f["properties"]["level"] for f in response.context["map_data"]["features"]}
    assert levels == {"district", "place"}


def test_a_cluster_of_spot_reports_makes_heat_and_a_hotspot(world, categories, login, week):
    for n in range(10):
        report(world, categories["klotter"], at(week, hour=8 + n))
    report(world, categories["klotter"], at(week), where=IN_ALVSJO)
    for n in range(10):
        report(world, categories["klotter"], at(week, hour=8 + n), precision=Precision.PLACE)

    response = picture_of(login(world.anna), world, week)

    picture = response.context["picture"]
    assert (picture.total, picture.spot_total) == (21, 11)
    assert picture.heat_cells > 0
    assert picture.hotspot_cells > 0
    features = response.context["map_data"]["features"]
    heat = [f for f in features if f["properties"]["level"] == "heat"]
    assert all(0 < f["properties"]["value"] <= 1 for f in heat)
    assert max(f["properties"]["value"] for f in heat) == 1
    assert len([f for f in features if f["properties"]["level"] == "report"]) == 11


def test_an_empty_week_says_there_are_no_reports(world, categories, login, week):
    response = picture_of(login(world.anna), world, week)
    assert response.status_code == 200
    assert "Inga rapporter" in response.content.decode()
    assert response.context["picture"].changes == []


def test_a_future_period_is_refused_on_the_page(world, categories, login):
    future = Period.containing(timezone.localdate() + dt.timedelta(days=8))
    response = picture_of(login(world.anna), world, future)
    assert response.status_code == 400
    assert "har inte börjat" in response.content.decode()


def test_a_significant_rise_is_marked(world, categories, login, week):
    drugs = categories["narkotika"]
    for n in range(14):
        report(world, drugs, at(week, day=n % 7, hour=8 + n % 10))
    response = picture_of(login(world.anna), world, week)
    (row,) = response.context["picture"].changes
    assert (row.current, row.previous, row.vs_previous) == (14, 0, "rise")
    text = response.content.decode()
    assert "Ökning" in text
    assert f"{drugs.label} ökade jämfört med veckan innan." in text


def test_the_links_lead_to_the_previous_week_and_last_year(world, categories, login, week):
    response = picture_of(login(world.anna), world, week)
    assert f"period={week.previous().key}" in response.context["previous_url"]
    assert f"period={week.last_year().key}" in response.context["last_year_url"]
    assert "Samma vecka förra året" in response.content.decode()


def test_the_menu_offers_the_picture_to_those_with_an_organisation(world, categories, login):
    assert "Lägesbild" in login(world.anna).get(reverse("core:overview")).content.decode()
    assert "Lägesbild" not in login(world.nobody).get(reverse("core:overview")).content.decode()


def test_the_page_needs_few_queries(world, categories, login, week, django_assert_max_num_queries):
    for n in range(20):
        report(world, categories["klotter" if n % 2 else "narkotika"], at(week, hour=n % 24))
    client = login(world.anna)
    # The figures, plus the waiting reviews, overdue measures, the last edition and the menu.
    with django_assert_max_num_queries(30):
        response = picture_of(client, world, week)
    assert response.context["picture"].total == 20


def test_a_category_filter_narrows_the_picture(world, categories, login, week):
    graffiti, drugs = categories["klotter"], categories["narkotika"]
    report(world, graffiti, at(week))
    report(world, drugs, at(week))
    report(world, drugs, at(week, hour=14))

    response = picture_of(login(world.anna), world, week, category=[drugs.pk])

    picture = response.context["picture"]
    assert picture.total == 2
    assert dict(picture.top_categories) == {drugs.label: 2}
    assert f"category={drugs.pk}" in response.context["last_year_url"]


def test_a_custom_span_is_shown_and_its_links_keep_the_length(world, categories, login, week):
    report(world, categories["klotter"], at(week, day=1))
    report(world, categories["klotter"], at(week, day=5))
    first, last = week.start + dt.timedelta(days=1), week.start + dt.timedelta(days=3)

    response = login(world.anna).get(
        URL, {"district": world.alvsjo.pk, "start": first.isoformat(), "end": last.isoformat()}
    )

    assert response.status_code == 200
    assert response.context["picture"].total == 1
    earlier = (first - dt.timedelta(days=3)).isoformat()
    assert f"start={earlier}" in response.context["previous_url"]


def test_a_lone_report_on_a_quiet_week_is_no_hotspot(world, categories, login, week):
    """Against an empty district one report is 'significant'; a hotspot needs a few together."""
    report(world, categories["klotter"], at(week))
    alone = picture_of(login(world.anna), world, week).context["picture"]
    assert alone.heat_cells > 0 and alone.hotspot_cells == 0

    for n in range(5):
        report(world, categories["klotter"], at(week, hour=9 + n))
    together = picture_of(login(world.anna), world, week).context["picture"]
    assert together.hotspot_cells > 0


def test_streets_with_the_most_reports_are_listed(world, categories, login, week):
    for n in range(3):
        report(
            world,
            categories["klotter"],
            at(week, hour=8 + n),
            where=IN_ALVSJO,
            precision=Precision.STREET,
            address="Götalandsvägen",
        )
    report(world, categories["klotter"], at(week), where=IN_ALVSJO, address="Ej gata")

    page = picture_of(login(world.anna), world, week)

    assert page.context["streets"] == [("Götalandsvägen", 3)]
    assert "Gator med flest rapporter" in page.content.decode()

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO
from tests.situation.test_page import at, report
from trygg.reports.models import Precision
from trygg.situation.periods import Period

CSV_URL = reverse("situation:data_csv")
GEOJSON_URL = reverse("situation:data_geojson")
PAGE_URL = reverse("situation:picture")


@pytest.fixture
def week():
    return Period.containing(timezone.localdate() - dt.timedelta(days=14))


def params(world, period, **more):
    return {"district": world.alvsjo.pk, "period": period.key, **more}


def sections(response):
    """The CSV's sections by title: each a list of rows, the header first."""
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    out, title = {}, None
    for row in rows:
        if not row:
            title = None
        elif title is None and len(row) == 1:
            title = row[0]
            out[title] = []
        elif title is not None:
            out[title].append(row)
    return out


@pytest.fixture
def busy_week(world, categories, week):
    graffiti, drugs = categories["klotter"], categories["narkotika"]
    for n in range(10):
        report(world, graffiti, at(week, hour=8 + n))
    report(world, graffiti, at(week), where=IN_ALVSJO)
    report(world, drugs, at(week, day=4, hour=22), precision=Precision.PLACE)
    report(world, drugs, at(week.previous()))
    return week


def test_the_csv_holds_the_pages_figures(world, categories, login, busy_week):
    client = login(world.anna)
    shown = client.get(PAGE_URL, params(world, busy_week))
    page = shown.context["picture"]

    response = client.get(CSV_URL, params(world, busy_week))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert f"{busy_week.key}.csv" in response["Content-Disposition"]
    data = sections(response)
    assert set(data) == {
        "Totalt",
        "Kategorier",
        "Platser",
        "Gator",
        "Veckotrend",
        "Veckodag och timme",
        "Rapporteringsinsats",
    }
    effort = {row[0]: row[1:] for row in data["Rapporteringsinsats"][1:]}
    for name, cells in shown.context["effort_rows"]:
        expected = [str(c.reports) if c and c.reports else "" for c in cells]
        assert effort[name] == expected
    assert set(effort) == {name for name, _cells in shown.context["effort_rows"]}
    totals = {row[0]: int(row[1]) for row in data["Totalt"][1:]}
    assert totals[busy_week.label] == page.total == 12
    assert totals[page.previous.label] == page.previous_total == 1
    changes = {row[0]: row[1:] for row in data["Kategorier"][1:]}
    for change in page.changes:
        assert int(changes[change.category][0]) == change.current
        assert int(changes[change.category][1]) == change.previous
        assert changes[change.category][2] == change.vs_previous_label
    assert data["Platser"][0] == ["Plats", "Rapporter"]
    places = {row[0]: int(row[1]) for row in data["Platser"][1:]}
    assert list(places.items())[: len(page.top_places)] == page.top_places
    trend = data["Veckotrend"][1:]
    assert [int(row[1]) for row in trend] == [w.count for w in page.trend]
    year, number, _day = busy_week.start.isocalendar()
    assert trend[-1][0] == f"{year}-W{number:02d}"
    hours = data["Veckodag och timme"]
    assert len(hours[0]) == 25
    assert [[int(v) for v in row[1:]] for row in hours[1:]] == [
        values for _day, values in page.weekday_hour
    ]


def test_the_geojson_holds_only_cell_polygons(world, categories, login, busy_week):
    client = login(world.anna)
    page = client.get(PAGE_URL, params(world, busy_week)).context

    response = client.get(GEOJSON_URL, params(world, busy_week))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    assert features
    assert {f["geometry"]["type"] for f in features} == {"Polygon"}
    assert {f["properties"]["level"] for f in features} == {"heat", "hotspot"}
    heat = [f for f in features if f["properties"]["level"] == "heat"]
    assert len(heat) == page["picture"].heat_cells
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"][0][0]
        assert 17.9 < lon < 18.2 and 59.2 < lat < 59.4
    # A reviewer's page has the report points; the download never has them.
    assert any(f["properties"]["level"] == "report" for f in page["map_data"]["features"])


def test_an_empty_week_downloads_empty_tables(world, categories, login, week):
    client = login(world.anna)
    data = sections(client.get(CSV_URL, params(world, week)))
    assert data["Kategorier"][1:] == [] and data["Platser"][1:] == []
    assert json.loads(client.get(GEOJSON_URL, params(world, week)).content)["features"] == []


def test_another_districts_coordinator_gets_404(world, categories, login, busy_week):
    client = login(world.olle)
    assert client.get(CSV_URL, params(world, busy_week)).status_code == 404
    assert client.get(GEOJSON_URL, params(world, busy_week)).status_code == 404


def test_the_downloads_need_a_login(world, client, busy_week):
    assert client.get(CSV_URL, params(world, busy_week)).status_code == 302


def test_a_bad_period_is_refused(world, categories, login):
    response = login(world.anna).get(CSV_URL, {"district": world.alvsjo.pk, "period": "nonsense"})
    assert response.status_code == 400


def test_the_page_links_to_the_downloads(world, categories, login, week):
    text = login(world.anna).get(PAGE_URL, params(world, week)).content.decode()
    assert f"{CSV_URL}?district={world.alvsjo.pk}&amp;period={week.key}" in text
    assert f"{GEOJSON_URL}?district={world.alvsjo.pk}&amp;period={week.key}" in text


def test_the_downloads_need_few_queries(
    world, categories, login, busy_week, django_assert_max_num_queries
):
    client = login(world.anna)
    with django_assert_max_num_queries(16):
        assert client.get(CSV_URL, params(world, busy_week)).status_code == 200
    # The same question again is answered from the cache: only the fingerprint is read.
    with django_assert_max_num_queries(8):
        assert client.get(GEOJSON_URL, params(world, busy_week)).status_code == 200


# The picture of a place ---------------------------------------------------------


def test_a_place_shows_only_the_reports_in_it(world, categories, login, busy_week):
    client = login(world.anna)
    query = {"place": world.alvsjo_centrum.pk, "period": busy_week.key}

    response = client.get(PAGE_URL, query)

    assert response.status_code == 200
    assert response.context["area"].district == world.alvsjo
    assert response.context["area"].place == world.alvsjo_centrum
    picture = response.context["picture"]
    assert picture.total == 11  # not the one report elsewhere in Älvsjö
    assert picture.heat_cells > 0
    text = response.content.decode()
    assert "Lägesbild: Älvsjö centrum (Älvsjö)" in text
    assert "Hela Älvsjö" in text
    assert f"place={world.alvsjo_centrum.pk}" in response.context["previous_url"]
    assert "place=" not in response.context["district_url"]
    data = sections(client.get(CSV_URL, query))
    assert {row[0]: int(row[1]) for row in data["Totalt"][1:]}[busy_week.label] == 11
    download = client.get(GEOJSON_URL, query)
    assert "lagesbild-alvsjo-centrum-" in download["Content-Disposition"]
    assert {f["geometry"]["type"] for f in json.loads(download.content)["features"]} == {"Polygon"}


def test_the_district_page_links_to_its_places(world, categories, login, week):
    response = login(world.anna).get(PAGE_URL, params(world, week))
    (link,) = [url for place, url in response.context["place_links"]]
    assert f"place={world.alvsjo_centrum.pk}" in link
    assert "Älvsjö centrum" in response.content.decode()


def test_a_place_is_open_only_to_those_who_see_its_district(world, categories, login, week):
    query = {"place": world.alvsjo_centrum.pk, "period": week.key}
    assert login(world.olle).get(PAGE_URL, query).status_code == 404
    assert login(world.olle).get(CSV_URL, query).status_code == 404
    anna = login(world.anna)
    assert anna.get(PAGE_URL, {"place": world.liljeholmen.pk}).status_code == 404
    assert anna.get(PAGE_URL, {"place": "nonsense"}).status_code == 404
    assert login(world.sara).get(PAGE_URL, query).status_code == 200


def test_choosing_another_district_leaves_the_place_behind(world, categories, login, week):
    response = login(world.petra).get(
        PAGE_URL, {"district": world.hagersten.pk, "place": world.alvsjo_centrum.pk}
    )
    assert response.status_code == 200
    assert (response.context["area"].district, response.context["area"].place) == (
        world.hagersten,
        None,
    )


def test_a_name_excel_would_run_is_written_as_text(world, categories, login, busy_week):
    world.alvsjo_centrum.name = "=HYPERLINK(1)"
    world.alvsjo_centrum.save()
    data = sections(login(world.anna).get(CSV_URL, params(world, busy_week)))
    assert data["Platser"][1][0] == "'=HYPERLINK(1)"

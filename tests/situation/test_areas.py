"""The situation picture of a city, a police area and a polygon drawn on the map."""

import json

import pytest
from django.urls import reverse

from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM, IN_HAGERSTEN
from tests.situation.test_page import at, report
from tests.situation.test_page import week as week  # noqa: F401  (a fixture)
from trygg.geo.projection import sweref_shape

URL = reverse("situation:picture")


def square(lon0, lat0, lon1, lat1):
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.fixture
def reports(world, categories, week):
    graffiti = categories["klotter"]
    report(world, graffiti, at(week), where=IN_ALVSJO_CENTRUM)
    report(world, graffiti, at(week), where=IN_ALVSJO)
    report(world, graffiti, at(week), where=IN_HAGERSTEN, by=world.petra, org="police")


def test_the_city_administrator_sees_the_whole_city(world, login, week, reports):
    response = login(world.ingrid).get(URL, {"area": f"city-{world.stockholm.pk}", **week.query()})

    assert response.status_code == 200
    assert response.context["area"].name == "Stockholms stad"
    assert response.context["picture"].total == 3
    # Several districts: the reporting effort has a row per district.
    assert [name for name, _cells in response.context["effort_rows"]] == ["Hägersten", "Älvsjö"]


def test_a_coordinator_of_one_district_cannot_open_the_city(world, login, week):
    anna = login(world.anna)
    assert anna.get(URL, {"city": world.stockholm.pk}).status_code == 404
    assert anna.get(URL, {"area": f"city-{world.stockholm.pk}"}).status_code == 404
    assert anna.get(URL, {"area": "garden-1"}).status_code == 404


def test_the_police_see_their_police_area(world, login, week, reports):
    petra = login(world.petra)
    page = petra.get(URL, {"police_area": world.police_area.pk, **week.query()})

    assert page.status_code == 200
    assert page.context["picture"].total == 3
    options = dict(page.context["area_options"])
    assert (f"police_area-{world.police_area.pk}", world.police_area.name) in options[
        "Lokalpolisområden"
    ]


def test_the_police_area_holds_only_the_districts_the_user_works_in(world, login, week, reports):
    """Anna works in Älvsjö: the police area's picture shows her Älvsjö's part of it."""
    page = login(world.anna).get(URL, {"police_area": world.police_area.pk, **week.query()})

    assert page.status_code == 200
    assert page.context["area"].district_ids == (world.alvsjo.pk,)
    assert page.context["picture"].total == 2


def test_a_drawn_polygon_counts_only_what_lies_inside(world, login, week, reports):
    around_centrum = square(18.0, 59.272, 18.02, 59.283)
    page = login(world.anna).get(URL, {"polygon": around_centrum, **week.query()})

    assert page.status_code == 200
    assert page.context["area"].kind == "polygon"
    assert page.context["picture"].total == 1
    assert [p.name for p, _url in page.context["place_links"]] == ["Älvsjö centrum"]


def test_a_polygon_across_the_boundary_is_clipped(world, login, week, reports):
    """Drawn from Älvsjö far out over the water: only Älvsjö's part is kept."""
    across = square(17.9, 59.2, 18.1, 59.285)
    page = login(world.anna).get(URL, {"polygon": across, **week.query()})

    assert page.status_code == 200
    area = page.context["area"]
    alvsjo = sweref_shape(world.alvsjo.geometry_sweref)
    assert area.outline.difference(alvsjo).area == pytest.approx(0, abs=1.0)
    assert 0.5 * alvsjo.area < area.outline.area < 0.95 * alvsjo.area
    assert area.district_ids == (world.alvsjo.pk,)
    assert page.context["picture"].total == 2


@pytest.mark.parametrize(
    ("polygon", "reason"),
    [
        ("not json", "det är inte GeoJSON"),
        (json.dumps({"type": "Point", "coordinates": [18, 59]}), "Polygon"),
        (square(12.0, 57.0, 12.1, 57.1), "utanför de stadsdelar du arbetar i"),
        (
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[18, 59.27], [18.02, 59.28], [18.02, 59.27], [18, 59.28], [18, 59.27]]
                    ],
                }
            ),
            "korsar sig själv",
        ),
    ],
)
def test_a_bad_polygon_is_refused_with_the_reason(world, login, polygon, reason):
    page = login(world.anna).get(URL, {"polygon": polygon})

    assert page.status_code == 400
    text = page.content.decode()
    assert "Det ritade området" in text and reason in text


def test_a_finer_grid_and_a_wider_kernel_can_be_asked_for(world, login, week, reports):
    page = login(world.anna).get(URL, {"cell": "50", "bandwidth": "400", **week.query()})

    assert page.status_code == 200
    grain = page.context["picture"].grain
    assert (grain.cell, grain.bandwidth, grain.band) == (50, 400, 300)
    assert "cell=50" in page.context["previous_url"] and "cell=50" in page.context["csv_url"]
    assert "Täthet (kärnskattning, 400 m)" in page.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bandwidth": "0"}, "Bandbredden måste vara större än 0 och högst 5000 meter."),
        ({"bandwidth": "abc"}, "Ange ett antal meter."),
        ({"cell": "2"}, "Rutstorleken måste vara minst 10 meter."),
    ],
)
def test_a_bad_grid_or_bandwidth_is_refused(world, login, params, message):
    page = login(world.anna).get(URL, params)

    assert page.status_code == 400
    assert message in page.content.decode()


def test_a_grid_with_too_many_cells_is_refused_with_the_limit_named(world, login, monkeypatch):
    monkeypatch.setattr("trygg.situation.figures.DEFAULT_MAX_CELLS", 10_000)

    page = login(world.anna).get(URL, {"cell": "20"})

    assert page.status_code == 400
    text = page.content.decode()
    assert "gränsen är 10\xa0000" in text and "Välj en större ruta" in text

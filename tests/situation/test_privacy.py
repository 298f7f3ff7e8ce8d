import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO
from tests.situation.test_downloads import CSV_URL, GEOJSON_URL, PAGE_URL, params, sections
from tests.situation.test_page import at, report
from trygg.reports import services
from trygg.reports.models import Precision
from trygg.reports.workflow import Status
from trygg.situation.periods import Period
from trygg.situation.privacy import suppress


@pytest.fixture
def week():
    return Period.containing(timezone.localdate() - dt.timedelta(days=14))


def accepted(world, r):
    """Partners see only reports a coordinator has accepted."""
    if r.status == Status.RECEIVED:
        services.report_transition(report=r, to=Status.ACCEPTED, by=world.anna)
    return r


@pytest.fixture
def shared_week(world, categories, week):
    """Four graffiti reports at one spot, one drug report, two drug reports the week before."""
    graffiti, drugs = categories["klotter"], categories["narkotika"]
    for n in range(4):
        accepted(world, report(world, graffiti, at(week, hour=8 + n)))
    accepted(world, report(world, drugs, at(week, day=4, hour=22), precision=Precision.PLACE))
    for n in range(2):
        accepted(world, report(world, drugs, at(week.previous(), hour=8 + n)))
    return week


def test_small_counts_become_none():
    assert suppress([0, 1, 2, 3, 7], 3) == [0, None, None, 3, 7]
    assert suppress([0, 1, 2], 1) == [0, 1, 2]
    assert suppress([], 3) == []


def test_a_partner_downloads_suppressed_counts_and_no_identities(
    world, categories, login, shared_week
):
    client = login(world.sara)
    response = client.get(CSV_URL, params(world, shared_week))

    assert response.status_code == 200
    data = sections(response)
    totals = {row[0]: row[1] for row in data["Totalt"][1:]}
    assert totals[shared_week.label] == "5"
    assert totals[shared_week.previous().label] == "<3"
    changes = {row[0]: row[1:3] for row in data["Kategorier"][1:]}
    assert changes[categories["klotter"].label] == ["4", "0"]
    assert changes[categories["narkotika"].label] == ["<3", "<3"]
    assert {tuple(row) for row in data["Platser"][1:]} == {("Älvsjö centrum", "5")}
    cells = [v for row in data["Veckodag och timme"][1:] for v in row[1:]]
    assert "1" not in cells and "2" not in cells and cells.count("<3") == 5
    text = response.content.decode("utf-8-sig")
    assert "Antal under 3 visas som <3." in text
    for secret in ("anna", world.anna.get_full_name() or "anna", "Sett på plats"):
        assert secret not in text

    features = json.loads(client.get(GEOJSON_URL, params(world, shared_week)).content)["features"]
    assert features and {f["geometry"]["type"] for f in features} == {"Polygon"}


def test_a_partner_sees_the_page_suppressed_without_report_points(
    world, categories, login, shared_week
):
    response = login(world.sara).get(PAGE_URL, params(world, shared_week))

    assert response.status_code == 200
    picture = response.context["picture"]
    assert (picture.total, picture.previous_total) == (5, None)
    assert dict(picture.top_categories) == {
        categories["klotter"].label: 4,
        categories["narkotika"].label: None,
    }
    assert picture.summary == []  # it would quote the small count of the week before
    levels = {f["properties"]["level"] for f in response.context["map_data"]["features"]}
    assert "report" not in levels and "heat" in levels
    text = response.content.decode()
    assert "&lt;3" in text
    assert "visas som &lt;3" in text


def test_a_reviewer_sees_exact_counts_and_points(world, categories, login, shared_week):
    client = login(world.anna)
    data = sections(client.get(CSV_URL, params(world, shared_week)))
    changes = {row[0]: row[1:3] for row in data["Kategorier"][1:]}
    assert changes[categories["narkotika"].label] == ["1", "2"]
    assert "<3" not in client.get(CSV_URL, params(world, shared_week)).content.decode()

    response = client.get(PAGE_URL, params(world, shared_week))
    assert response.context["picture"].previous_total == 2
    levels = {f["properties"]["level"] for f in response.context["map_data"]["features"]}
    assert "report" in levels
    assert "visas som" not in response.content.decode()


def test_another_districts_coordinator_gets_404(world, categories, login, shared_week):
    client = login(world.olle)
    assert client.get(CSV_URL, params(world, shared_week)).status_code == 404
    assert client.get(GEOJSON_URL, params(world, shared_week)).status_code == 404


def test_a_heat_layer_over_too_few_reports_is_not_shared(world, categories, login, week, settings):
    for n in range(2):
        accepted(world, report(world, categories["klotter"], at(week, hour=8 + n)))
    accepted(world, report(world, categories["klotter"], at(week), where=IN_ALVSJO))
    for n in range(3):
        report_ = report(world, categories["klotter"], at(week, hour=n), precision=Precision.PLACE)
        accepted(world, report_)
    # Three spot reports: enough for a heat layer at the minimum of three, not at five.
    anna = json.loads(login(world.anna).get(GEOJSON_URL, params(world, week)).content)
    sara = login(world.sara)
    assert anna["features"]
    assert json.loads(sara.get(GEOJSON_URL, params(world, week)).content)["features"]

    settings.TRYGG_MIN_SHARED_COUNT = 5
    assert json.loads(sara.get(GEOJSON_URL, params(world, week)).content)["features"] == []
    totals = sections(sara.get(CSV_URL, params(world, week)))["Totalt"]
    assert totals[1][1] == "6" and totals[2][1] == "0"
    assert "&lt;5" in sara.get(PAGE_URL, params(world, week)).content.decode()


def test_a_reporter_who_sees_only_her_own_reports_sees_them_exactly(world, categories, login, week):
    report(world, categories["klotter"], at(week), by=world.rut, org="property")
    report(world, categories["klotter"], at(week, hour=14), by=world.rut, org="property")
    data = sections(login(world.rut).get(CSV_URL, params(world, week)))
    assert {row[0]: row[1] for row in data["Totalt"][1:]}[week.label] == "2"


def test_a_partners_download_needs_few_queries(
    world, categories, login, shared_week, django_assert_max_num_queries
):
    client = login(world.sara)
    with django_assert_max_num_queries(16):
        assert client.get(CSV_URL, params(world, shared_week)).status_code == 200


def test_the_page_offers_the_downloads_to_a_partner(world, categories, login, shared_week):
    text = login(world.sara).get(PAGE_URL, params(world, shared_week)).content.decode()
    assert reverse("situation:data_csv") in text and reverse("situation:data_geojson") in text

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM, IN_HAGERSTEN
from trygg.reports import services
from trygg.reports.models import Report, Source
from trygg.reports.workflow import Status

BOM = "\ufeff".encode()


@pytest.fixture
def reports(world, categories):
    """Two reports in Älvsjö (one graffiti, one drugs), one in Hägersten."""

    def make(category, at, hours_ago, **extra):
        values = dict(
            city=world.stockholm,
            category=categories[category],
            lon=at[0],
            lat=at[1],
            occurred_from=timezone.now() - dt.timedelta(hours=hours_ago),
            description="Försäljning vid trappan",
            by=world.petra,
            organisation=world.orgs["police"],
        )
        values.update(extra)
        return services.report_create(**values)

    return {
        "drugs": make("narkotika", IN_ALVSJO_CENTRUM, 1),
        "graffiti": make("klotter", IN_ALVSJO, 2, description='=HYPERLINK("http://x")'),
        "hagersten": make(
            "klotter",
            IN_HAGERSTEN,
            3,
            source=Source.RESIDENT,
            by=None,
            organisation=None,
            contact_email="boende@example.org",
        ),
    }


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith(BOM)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    return rows[0], rows[1:]


def read_geojson(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    return json.loads(b"".join(response.streaming_content))


def csv_ids(response):
    _header, rows = read_csv(response)
    return [int(row[0]) for row in rows]


def test_the_csv_opens_in_swedish_excel(world, reports, login):
    header, rows = read_csv(login(world.anna).get(reverse("reports:export_csv")))
    with translation.override("sv"):
        assert header[0] == gettext("ID")
        assert capfirst(gettext("district")) in header
        assert gettext("Category code") in header
    assert len(header) == len(rows[0])
    assert [int(row[0]) for row in rows] == [reports["drugs"].pk, reports["graffiti"].pk]
    drugs = dict(zip(header, rows[0], strict=True))
    with translation.override("sv"):
        longitude = drugs[capfirst(gettext("longitude"))]
        places = drugs[capfirst(gettext("places"))]
    assert float(longitude.replace(",", ".")) == pytest.approx(IN_ALVSJO_CENTRUM[0])
    assert places == "Älvsjö centrum"


def test_a_formula_in_free_text_is_not_run_by_excel(world, reports, login):
    header, rows = read_csv(login(world.anna).get(reverse("reports:export_csv")))
    graffiti = next(row for row in rows if int(row[0]) == reports["graffiti"].pk)
    assert '\'=HYPERLINK("http://x")' in graffiti


def test_the_csv_respects_filters(world, categories, reports, login):
    client = login(world.anna)
    url = reverse("reports:export_csv")
    assert csv_ids(client.get(url, {"category": categories["klotter"].pk})) == [
        reports["graffiti"].pk
    ]
    assert csv_ids(client.get(url, {"place": world.alvsjo_centrum.pk})) == [reports["drugs"].pk]
    services.report_transition(report=reports["drugs"], to=Status.ACCEPTED, by=world.anna)
    assert csv_ids(client.get(url, {"status": "accepted"})) == [reports["drugs"].pk]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert csv_ids(client.get(url, {"start": tomorrow.isoformat()})) == []


@pytest.mark.parametrize("export", ["reports:export_csv", "reports:export_geojson"])
@pytest.mark.parametrize(
    "params, name",
    [
        ({"start": "1 maj"}, "start"),
        ({"district": "Älvsjö"}, "district"),
        ({"status": "x"}, "status"),
    ],
)
def test_a_bad_parameter_is_named(world, login, export, params, name):
    response = login(world.anna).get(reverse(export), params)
    assert response.status_code == 400
    assert name in response.content.decode()


@pytest.mark.parametrize("who", ["olle", "gustav", "nobody", "maja"])
def test_others_see_nothing_of_alvsjo(world, reports, login, who):
    client = login(world.people[who])
    expected = [reports["hagersten"].pk] if who == "olle" else []
    assert csv_ids(client.get(reverse("reports:export_csv"))) == expected
    features = read_geojson(client.get(reverse("reports:export_geojson")))["features"]
    assert [f["id"] for f in features] == expected


def test_a_partner_sees_only_what_a_coordinator_let_through(world, reports, login):
    services.report_transition(report=reports["graffiti"], to=Status.ACCEPTED, by=world.anna)
    assert csv_ids(login(world.sara).get(reverse("reports:export_csv"))) == [reports["graffiti"].pk]


def test_the_geojson_is_a_collection_of_points(world, reports, login):
    document = read_geojson(login(world.anna).get(reverse("reports:export_geojson")))
    assert document["type"] == "FeatureCollection"
    first = document["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": list(IN_ALVSJO_CENTRUM)}
    assert first["properties"]["category_code"] == "narkotika"
    assert first["properties"]["district"] == "Älvsjö"
    assert first["properties"]["places"] == "Älvsjö centrum"
    assert first["properties"]["occurred_from"].endswith(("+01:00", "+02:00"))


def test_the_geojson_respects_filters(world, reports, login):
    url = reverse("reports:export_geojson")
    document = read_geojson(login(world.anna).get(url, {"district": world.hagersten.pk}))
    assert document["features"] == []


def test_the_feedback_email_is_never_exported(world, reports, login):
    client = login(world.olle)
    for name in ("reports:export_csv", "reports:export_geojson"):
        content = b"".join(client.get(reverse(name)).streaming_content)
        assert str(reports["hagersten"].pk).encode() in content
        assert b"boende@example.org" not in content
        assert b"contact_email" not in content


def test_an_empty_export_still_has_its_header(world, login):
    header, rows = read_csv(login(world.nobody).get(reverse("reports:export_csv")))
    assert header and rows == []
    assert read_geojson(login(world.nobody).get(reverse("reports:export_geojson"))) == {
        "type": "FeatureCollection",
        "features": [],
    }


@pytest.mark.parametrize("export", ["reports:export_csv", "reports:export_geojson"])
def test_exports_need_a_login(client, export, reports):
    response = client.get(reverse(export))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert Report.objects.count() == 3

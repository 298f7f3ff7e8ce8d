import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM, IN_HAGERSTEN
from trygg.geo.models import Locality
from trygg.reports.imports import (
    ImportFileError,
    ImportFormat,
    names_city,
    parse_time,
    reports_import,
)
from trygg.reports.models import Precision, Report, ReportEvent, Source
from trygg.reports.workflow import Status

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "police_events_sample.json"
STOCKHOLM_GPS = "59.329324,18.068581"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def solberga(world):
    """A neighbourhood in the gazetteer, inside the cast's Älvsjö."""
    return Locality.objects.create(city=world.stockholm, name="Solberga", lon=18.0, lat=59.285)


def run(world, data, fmt=ImportFormat.POLICE, dry_run=False, **kwargs):
    if isinstance(data, str):
        data = data.encode()
    return reports_import(
        city=world.stockholm,
        by=kwargs.pop("by", None),
        data=data,
        format=fmt,
        dry_run=dry_run,
        **kwargs,
    )


def event(number, kind="Rån", summary="Ett rån i Stockholm.", gps=STOCKHOLM_GPS, **overrides):
    item = {
        "id": number,
        "datetime": "2017-03-01 21:15:00 +01:00",
        "name": f"2017-03-01 21:15, {kind}, Stockholm",
        "summary": summary,
        "type": kind,
        "location": {"name": "Stockholm", "gps": gps},
    }
    item.update(overrides)
    return item


def feed(*events):
    return json.dumps(list(events))


def reasons(result):
    return {row.number: row.reason for row in result.rejected}


# The police feed -----------------------------------------------------------------------


def test_the_police_sample_imports(world, categories, solberga):
    result = run(world, SAMPLE.read_bytes(), by=world.petra, organisation=world.orgs["police"])
    assert (result.created, result.skipped, result.rejected_count) == (17, 0, 3)
    report = Report.objects.get(source=Source.POLICE_FEED, source_id="900001")
    assert report.category == categories["ran"]
    assert report.status == Status.ACCEPTED
    assert report.answer_due_at is None
    assert report.reporter == world.petra
    assert report.organisation == world.orgs["police"]
    assert report.occurred_from == dt.datetime(2017, 3, 1, 20, 15, tzinfo=dt.UTC)
    assert "Älvsjö centrum" in report.description
    assert not ReportEvent.objects.exists()


def test_a_second_import_stores_nothing_twice(world, categories, solberga):
    run(world, SAMPLE.read_bytes())
    again = run(world, SAMPLE.read_bytes())
    assert (again.created, again.skipped, again.rejected_count) == (0, 17, 3)
    assert Report.objects.count() == 17


def test_a_dry_run_writes_nothing(world, categories, solberga):
    result = run(world, SAMPLE.read_bytes(), dry_run=True)
    assert result.created == 17
    assert not Report.objects.exists()
    first = result.preview[0]
    assert (first.number, first.source_id, first.district) == (1, "900001", "Älvsjö")
    assert first.places == "Älvsjö centrum"
    assert len(result.preview) == 17


def test_a_place_locality_or_district_in_the_text_sets_the_precision(world, categories, solberga):
    run(world, SAMPLE.read_bytes())
    stored = {r.source_id: r for r in Report.objects.prefetch_related("places")}
    centrum = stored["900001"]
    assert centrum.precision == Precision.PLACE
    assert list(centrum.places.all()) == [world.alvsjo_centrum]
    assert centrum.district == world.alvsjo
    assert 18.005 <= centrum.lon <= 18.015 and 59.275 <= centrum.lat <= 59.28
    assert stored["900004"].precision == Precision.PLACE
    assert stored["900004"].district == world.hagersten
    assert (stored["900003"].precision, stored["900003"].district) == (
        Precision.LOCALITY,
        world.alvsjo,
    )
    assert (stored["900003"].lon, stored["900003"].lat) == (18.0, 59.285)
    assert (stored["900002"].precision, stored["900002"].district) == (
        Precision.LOCALITY,
        world.alvsjo,
    )
    assert not stored["900002"].places.exists()
    assert stored["900010"].district == world.hagersten


def test_an_event_named_only_by_the_city_keeps_the_feed_point_and_no_district(world, categories):
    run(world, SAMPLE.read_bytes())
    brand = Report.objects.get(source_id="900006")
    assert brand.precision == Precision.MUNICIPALITY
    assert brand.district is None
    assert (brand.lat, brand.lon) == (59.329324, 18.068581)
    assert brand.x == pytest.approx(674_700, abs=2_000)
    counts = Report.objects.filter(precision=Precision.MUNICIPALITY).count()
    assert counts == 8  # 900003 too: without the locality Solberga means nothing


def test_the_sample_names_its_bad_events(world, categories, solberga):
    result = run(world, SAMPLE.read_bytes())
    assert reasons(result) == {
        16: "Unknown category “Sammanfattning natt”.",
        17: "Longitude must lie between -180 and 180 and latitude between -90 and 90.",
        18: "The position is outside Stockholms stad.",
    }
    assert str(result.rejected[0]) == "Event 16: Unknown category “Sammanfattning natt”."


def test_an_unpadded_hour_in_the_feed_is_read(world, categories):
    run(world, SAMPLE.read_bytes())
    report = Report.objects.get(source_id="900020")
    assert report.occurred_from == dt.datetime(2017, 3, 8, 6, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"gps": "18.01,59.2775"}, "swapped"),
        ({"gps": "59.2775"}, "must be two numbers"),
        ({"gps": "57.70,11.97"}, "outside Stockholms stad"),
        ({"kind": "Bilbrand"}, "Unknown category “Bilbrand”"),
        ({"datetime": "igår kväll"}, "The time “igår kväll” cannot be read"),
        ({"datetime": "2999-01-01 10:00:00 +01:00"}, "The time lies in the future."),
        ({"datetime": None}, "The field “datetime” is missing."),
        ({"id": None}, "The field “id” is missing."),
        ({"location": {"name": "Stockholm"}}, "The field “location.gps” is missing."),
    ],
)
def test_each_bad_event_is_rejected_with_its_number_and_reason(world, categories, changes, reason):
    kind = changes.pop("kind", "Rån")
    gps = changes.pop("gps", STOCKHOLM_GPS)
    result = run(world, feed(event(1), event(2, kind=kind, gps=gps, **changes), event(3)))
    assert (result.created, result.rejected_count) == (2, 1)
    assert result.rejected[0].number == 2
    assert reason in result.rejected[0].reason
    assert Report.objects.count() == 2


def test_another_municipalitys_event_is_not_placed_by_a_name_the_city_shares(world, categories):
    gothenburg = event(
        1,
        summary="Bråk vid Liljeholmen i Göteborg.",
        gps="57.708870,11.974560",
        location={"name": "Göteborg", "gps": "57.708870,11.974560"},
    )
    county = event(
        2,
        summary="Trafikkontroll i länet.",
        location={"name": "Stockholms län", "gps": "59.30,18.00"},
    )
    county_spot = event(
        3,
        summary="Trafikkontroll vid Liljeholmen.",
        location={"name": "Stockholms län", "gps": "59.30,18.00"},
    )
    result = run(world, feed(gothenburg, county, county_spot))
    assert result.created == 1
    assert "outside Stockholms stad" in reasons(result)[1]
    assert "placed only in Stockholms län" in reasons(result)[2]
    assert Report.objects.get().precision == Precision.PLACE


def test_an_event_repeated_in_the_file_is_stored_once(world, categories):
    result = run(world, feed(event(1), event(1)))
    assert (result.created, result.skipped) == (1, 1)


def test_a_mapping_given_for_the_import_adds_types(world, categories):
    result = run(
        world,
        feed(event(1, kind="Sammanfattning natt")),
        mapping={"Sammanfattning natt": categories["ovrigt"]},
    )
    assert result.created == 1
    assert Report.objects.get().category == categories["ovrigt"]


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"{not json", "not valid JSON"),
        (b'[{"id": 1}, {"id": 2,', "not valid JSON"),
        (b'[{"id": 1} {"id": 2}]', "not valid JSON"),
        (b'{"events": []}', "a JSON list of events"),
        (b"[]\xff\xfe", "not UTF-8"),
        (json.dumps([{"summary": "Rån i Älvsjö"}]).encode("utf-16"), "not UTF-8"),
        (b"", "empty"),
        (b"[] []", "more than one JSON list"),
    ],
)
def test_a_malformed_feed_is_refused_whole(world, categories, data, expected):
    with pytest.raises(ImportFileError) as error:
        run(world, data)
    assert expected in str(error.value)
    assert not Report.objects.exists()


def test_a_fault_late_in_the_file_stores_nothing_of_it(world, categories, monkeypatch):
    monkeypatch.setattr("trygg.reports.imports.service.CHUNK_ROWS", 2)
    monkeypatch.setattr("trygg.reports.imports.readers.READ_BYTES", 64)
    data = feed(*(event(n) for n in range(1, 8)))[:-1] + ", nonsense]"
    with pytest.raises(ImportFileError):
        run(world, data)
    assert not Report.objects.exists()


def test_the_feed_is_read_across_chunk_boundaries(world, categories, monkeypatch):
    monkeypatch.setattr("trygg.reports.imports.service.CHUNK_ROWS", 3)
    monkeypatch.setattr("trygg.reports.imports.readers.READ_BYTES", 17)
    text = json.dumps([event(n, summary=f"Rån nummer {n} i Älvsjö ✓") for n in range(1, 12)])
    result = run(world, text)
    assert result.created == 11
    assert Report.objects.filter(district=world.alvsjo).count() == 11


def test_only_an_importer_may_import(world, categories):
    with pytest.raises(PermissionDenied):
        run(world, SAMPLE.read_bytes(), by=world.rut)
    with pytest.raises(PermissionDenied):
        run(world, SAMPLE.read_bytes(), by=world.gustav)


def test_the_organisation_must_be_the_importers_own(world, categories):
    with pytest.raises(ValidationError):
        run(world, SAMPLE.read_bytes(), by=world.anna, organisation=world.orgs["police"])
    with pytest.raises(ValidationError):
        run(world, SAMPLE.read_bytes(), organisation=world.orgs["angered_sdf"])


@pytest.mark.parametrize(
    "area, city, expected",
    [
        ("Stockholm", "Stockholms stad", True),
        ("stockholm", "Stockholms stad", True),
        ("Göteborg", "Göteborgs stad", True),
        ("Västerås", "Västerås stad", True),
        ("Uppsala", "Uppsala kommun", True),
        ("Stockholms län", "Stockholms stad", False),
        ("Solna", "Stockholms stad", False),
        ("", "Stockholms stad", False),
    ],
)
def test_the_feed_names_a_city_by_its_municipality(area, city, expected):
    from trygg.geo.models import City

    assert names_city(area, City(name=city)) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2017-03-01 21:15:00 +01:00", dt.datetime(2017, 3, 1, 20, 15, tzinfo=dt.UTC)),
        ("2017-03-01 9:05:00 +01:00", dt.datetime(2017, 3, 1, 8, 5, tzinfo=dt.UTC)),
        ("2017-03-01T21:15:00Z", dt.datetime(2017, 3, 1, 21, 15, tzinfo=dt.UTC)),
        ("2017-07-01 21:15", dt.datetime(2017, 7, 1, 19, 15, tzinfo=dt.UTC)),
        ("2017-03-01", None),
        ("01/03/2017 21:15", None),
        ("2017-02-30 10:00", None),
    ],
)
def test_times_are_read_as_iso_8601_and_local_without_an_offset(text, expected):
    assert parse_time(text) == expected


# CSV -----------------------------------------------------------------------------------


def test_a_swedish_excel_csv_is_read(world, categories):
    text = (
        "Tid;Kategori;Latitud;Longitud;Beskrivning\r\n"
        f"2017-03-01 21:15;Klotter;{IN_ALVSJO_CENTRUM[1]};{IN_ALVSJO_CENTRUM[0]};"
        "Klotter på väggen vid torget\r\n"
        "2017-03-02 08:00;Skadegörelse;59,265;17,99;Krossad ruta\r\n"
    )
    result = run(world, text.encode("cp1252"), ImportFormat.CSV)
    assert (result.created, result.rejected_count) == (2, 0)
    graffiti = Report.objects.get(category=categories["klotter"])
    assert graffiti.description == "Klotter på väggen vid torget"
    assert graffiti.source == Source.CSV and graffiti.source_id.startswith("h-")
    assert graffiti.precision == Precision.POINT
    assert list(graffiti.places.all()) == [world.alvsjo_centrum]
    assert graffiti.occurred_from == dt.datetime(2017, 3, 1, 20, 15, tzinfo=dt.UTC)
    broken = Report.objects.get(category=categories["skadegorelse"])
    assert (broken.lon, broken.lat) == IN_ALVSJO
    assert broken.district == world.alvsjo


def test_a_csv_saved_again_in_another_encoding_stores_nothing_twice(world, categories):
    rows = ["2017-03-02 08:00", "Skadegörelse", "59.265", "17.99", "Krossad ruta"]
    run(world, ("\ufefftime,category,lat,lon,description\n" + ",".join(rows)), ImportFormat.CSV)
    excel = "tid;kategori;latitud;longitud;beskrivning\n" + ";".join(rows).replace(".", ",")
    again = run(world, excel.encode("latin-1"), ImportFormat.CSV)
    assert (again.created, again.skipped) == (0, 1)
    assert Report.objects.count() == 1


def test_a_csv_id_column_becomes_the_source_id(world, categories):
    lon, lat = IN_HAGERSTEN
    text = (
        f"id,time,category,lon,lat,end\nA-17,2017-03-01 21:15,vald,{lon},{lat},2017-03-01 22:00\n"
    )
    run(world, text, ImportFormat.CSV)
    report = Report.objects.get(source_id="A-17")
    assert report.category == categories["vald"]
    assert report.occurred_to == dt.datetime(2017, 3, 1, 21, 0, tzinfo=dt.UTC)


def test_each_bad_csv_row_names_its_line_and_reason(world, categories):
    lon, lat = IN_ALVSJO
    future = (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    text = "\n".join(
        [
            "time,category,lon,lat,description",  # 1
            f'2017-03-01 21:15,Klotter,{lon},{lat},"På två',  # 2
            'rader"',  # 3
            f"2017-03-01 21:15,Klotter,200,{lat},bad coordinates",  # 4
            f"2017-03-01 21:15,Klotter,{lat},{lon},swapped",  # 5
            "2017-03-01 21:15,Klotter,11.97,57.70,Göteborg",  # 6
            f"2017-03-01 21:15,Cykelstöld,{lon},{lat},unknown category",  # 7
            f"förra veckan,Klotter,{lon},{lat},unparseable time",  # 8
            f"{future},Klotter,{lon},{lat},future",  # 9
            f"2017-03-01 21:15,Klotter,{lon},,missing",  # 10
            "",  # 11
            f"2017-03-01 21:16,Klotter,{lon},{lat},good",  # 12
        ]
    )
    result = run(world, text, ImportFormat.CSV)
    assert result.created == 2
    found = reasons(result)
    assert sorted(found) == [4, 5, 6, 7, 8, 9, 10]
    assert "between -180 and 180" in found[4]
    assert "swapped" in found[5]
    assert found[6] == "The position is outside Stockholms stad."
    assert found[7] == "Unknown category “Cykelstöld”."
    assert "cannot be read" in found[8]
    assert found[9] == "The time lies in the future."
    assert found[10] == "The field “lat” is missing."
    assert str(result.rejected[0]).startswith("Line 4: ")
    assert Report.objects.filter(description="På två\nrader").exists()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "empty"),
        ("when,what\n2017-03-01,Klotter\n", "lacks the columns time, category, lon, lat"),
    ],
)
def test_a_csv_without_the_columns_is_refused(world, categories, text, expected):
    with pytest.raises(ImportFileError, match=expected):
        run(world, text, ImportFormat.CSV)


# GeoJSON -------------------------------------------------------------------------------


def point(lon, lat, **properties):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def test_geojson_points_are_imported(world, categories):
    document = {
        "type": "FeatureCollection",
        "features": [
            point(*IN_ALVSJO_CENTRUM, time="2017-03-01T21:15:00+01:00", category="Klotter", id=7),
            point(*IN_HAGERSTEN, time="2017-03-01T22:15:00+01:00", category="Hot"),
            {"type": "Feature", "geometry": None, "properties": {"time": "2017-03-01T21:15"}},
        ],
    }
    result = run(world, json.dumps(document), ImportFormat.GEOJSON)
    assert result.created == 2
    assert reasons(result) == {
        3: "The feature must have a Point geometry. The field “category” is missing."
    }
    assert str(result.rejected[0]).startswith("Feature 3: ")
    assert Report.objects.get(source_id="7").source == Source.GEOJSON
    assert Report.objects.get(category=categories["hot"]).district == world.hagersten


def test_geojson_must_be_a_feature_collection(world, categories):
    with pytest.raises(ImportFileError, match="FeatureCollection"):
        run(world, json.dumps(point(18.0, 59.27)), ImportFormat.GEOJSON)


# The command line ----------------------------------------------------------------------


def test_the_command_imports_and_lists_the_rejected(world, categories):
    out = StringIO()
    call_command(
        "import_reports",
        str(SAMPLE),
        city="Stockholms stad",
        format="police",
        organisation="Lokalpolisområde Söderort",
        user="petra",
        language="en",
        stdout=out,
    )
    printed = out.getvalue()
    assert "Imported: 17 new, 0 already imported, 3 rejected." in printed
    assert "Event 17: Longitude must lie" in printed
    assert Report.objects.filter(reporter=world.petra).count() == 17


def test_the_command_dry_run_stores_nothing(world, categories):
    out = StringIO()
    call_command(
        "import_reports",
        str(SAMPLE),
        city="Stockholms stad",
        format="police",
        dry_run=True,
        language="en",
        stdout=out,
    )
    assert "Dry run" in out.getvalue()
    assert not Report.objects.exists()


def test_the_command_fails_on_a_malformed_file(world, categories, tmp_path):
    path = tmp_path / "events.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command(
            "import_reports", str(path), city="Stockholms stad", format="police", language="en"
        )


def test_the_command_checks_the_users_right(world, categories):
    with pytest.raises(CommandError, match="may not import"):
        call_command(
            "import_reports",
            str(SAMPLE),
            city="Stockholms stad",
            format="police",
            user="rut",
            language="en",
        )


# The page ------------------------------------------------------------------------------


def upload(data: bytes, name="handelser.json"):
    return SimpleUploadedFile(name, data, "application/json")


def test_a_coordinator_checks_then_imports(world, categories, login, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = login(world.anna)
    assert client.get(reverse("reports:import")).status_code == 200
    response = client.post(
        reverse("reports:import"),
        {
            "city": world.stockholm.pk,
            "format": "police",
            "organisation": world.orgs["alvsjo_sdf"].pk,
            "file": upload(SAMPLE.read_bytes()),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sammanfattning natt" in page
    assert response.context["result"].created == 17
    assert not Report.objects.exists()
    token = client.session["reports_import"]["token"]
    assert (tmp_path / "imports" / f"{token}.upload").exists()

    response = client.post(reverse("reports:import"), {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert Report.objects.filter(organisation=world.orgs["alvsjo_sdf"]).count() == 17
    assert not list((tmp_path / "imports").iterdir())
    assert "reports_import" not in client.session


def test_a_stale_confirmation_stores_nothing(world, categories, login, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = login(world.anna)
    response = client.post(reverse("reports:import"), {"confirm": "1", "token": "x" * 32})
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_a_malformed_upload_is_named_on_the_page(world, categories, login, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    response = login(world.petra).post(
        reverse("reports:import"),
        {"city": world.stockholm.pk, "format": "police", "file": upload(b"{not json")},
    )
    assert response.status_code == 400
    assert "JSON" in response.context["file_error"]
    assert response.context["file_error"] in response.content.decode()
    assert not list((tmp_path / "imports").iterdir())


@pytest.mark.parametrize("name", ["rut", "sara", "maja", "alva", "nobody"])
def test_the_page_is_not_there_for_others(world, categories, login, name):
    client = login(world.people[name])
    assert client.get(reverse("reports:import")).status_code == 404
    response = client.post(
        reverse("reports:import"),
        {"city": world.stockholm.pk, "format": "police", "file": upload(SAMPLE.read_bytes())},
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_an_importer_of_another_city_cannot_choose_this_one(world, categories, login):
    response = login(world.gustav).post(
        reverse("reports:import"),
        {"city": world.stockholm.pk, "format": "police", "file": upload(SAMPLE.read_bytes())},
    )
    assert response.status_code == 400
    assert not Report.objects.exists()

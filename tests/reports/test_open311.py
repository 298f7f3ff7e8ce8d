"""Open311 GeoReport v2: services, posting with an API key, and what anyone may read back."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import CityFactory
from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM, IN_HAGERSTEN
from trygg.reports import services
from trygg.reports.catalogue import categories_seed
from trygg.reports.models import Category, Open311Client, Report, Source
from trygg.reports.workflow import Status

KEY = "tryggappen-testnyckel"
STOCKHOLM = "stockholms-stad"
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
PUBLIC_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "lat",
    "long",
}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture(autouse=True)
def fresh_limits():
    """Rate-limit counts live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def app(world, categories):
    client, _key = services.open311_client_create(
        city=world.stockholm, name="Tryggappen", organisation=world.orgs["city_office"], key=KEY
    )
    return client


def url(name, fmt="json", **kwargs):
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


def post(client, fmt="json", **fields):
    data = {
        "api_key": KEY,
        "jurisdiction_id": STOCKHOLM,
        "service_code": "klotter",
        "lat": IN_ALVSJO_CENTRUM[1],
        "long": IN_ALVSJO_CENTRUM[0],
        "description": "Klotter på tunnelns vägg",
        "email": "boende@example.org",
    }
    data.update(fields)
    return client.post(url("requests", fmt), {k: v for k, v in data.items() if v is not None})


def errors(response) -> list[str]:
    body = response.json()
    assert response["Content-Type"] == "application/json"
    assert body and all(e["code"] == response.status_code for e in body)
    return [e["description"] for e in body]


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own answer, not untrusted input)


def resident_report(world, categories, **overrides):
    values = dict(
        city=world.stockholm,
        category=categories["klotter"],
        lon=IN_ALVSJO[0],
        lat=IN_ALVSJO[1],
        occurred_from=timezone.now() - dt.timedelta(hours=2),
        description="Kalle Svensson på Storgatan 5 klottrade, portkod 1234",
        source=Source.RESIDENT,
        contact_email="granne@example.org",
    )
    values.update(overrides)
    return services.report_create(**values)


# Services ------------------------------------------------------------------------


def test_services_are_the_citys_active_public_categories(client, world, categories):
    Category.objects.filter(city=world.stockholm, code="brand").update(active=False)
    Category.objects.filter(city=world.stockholm, code="hot").update(public=False)
    response = client.get(url("services"), {"jurisdiction_id": STOCKHOLM})
    assert response.status_code == 200
    body = response.json()
    expected = set(
        Category.objects.filter(city=world.stockholm, active=True, public=True).values_list(
            "code", flat=True
        )
    )
    assert {s["service_code"] for s in body} == expected
    assert "brand" not in expected and "hot" not in expected
    drugs = next(s for s in body if s["service_code"] == "narkotika")
    assert drugs == {
        "service_code": "narkotika",
        "service_name": "Narkotikahandel eller narkotikabruk",
        "description": "",
        "metadata": False,
        "type": "realtime",
        "keywords": "Drug dealing or use",
        "group": "Brott",
    }


def test_services_in_xml_use_the_spec_element_names(client, world, categories):
    root = xml(client.get(url("services", "xml"), {"jurisdiction_id": STOCKHOLM}))
    assert root.tag == "services"
    services_ = root.findall("service")
    assert len(services_) == len(categories)
    assert {child.tag for child in services_[0]} == SERVICE_FIELDS
    assert services_[0].findtext("metadata") == "false"
    assert services_[0].findtext("type") == "realtime"


def test_a_service_definition_has_no_attributes(client, world, categories):
    response = client.get(url("service", service_code="narkotika"), {"jurisdiction_id": STOCKHOLM})
    assert response.json() == {"service_code": "narkotika", "attributes": []}
    root = xml(
        client.get(url("service", "xml", service_code="narkotika"), {"jurisdiction_id": STOCKHOLM})
    )
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "narkotika"
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0


@pytest.mark.parametrize("code", ["finns-inte", "hot"])
def test_an_unknown_or_closed_service_is_a_404_with_an_error_body(client, world, categories, code):
    Category.objects.filter(city=world.stockholm, code="hot").update(public=False)
    response = client.get(url("service", service_code=code), {"jurisdiction_id": STOCKHOLM})
    assert response.status_code == 404
    assert errors(response)[0].startswith("service_code: ")
    root = xml(client.get(url("service", "xml", service_code=code), {"jurisdiction_id": STOCKHOLM}))
    assert root.tag == "errors"
    assert root.find("error").findtext("code") == "404"
    assert root.find("error").findtext("description").startswith("service_code: ")


@pytest.mark.parametrize("fmt", ["csv", "html", "JSON"])
def test_an_unknown_format_is_a_404(client, world, categories, fmt):
    response = client.get(url("services", fmt), {"jurisdiction_id": STOCKHOLM})
    assert response.status_code == 404
    assert errors(response)


# Jurisdictions -------------------------------------------------------------------


def test_a_jurisdiction_is_a_city_slug_or_id(client, world, categories):
    Category.objects.create(city=world.goteborg, code="sparvagn", name="Spårvagn")
    for wanted in ["goteborgs-stad", "Göteborgs stad", str(world.goteborg.pk)]:
        body = client.get(url("services"), {"jurisdiction_id": wanted}).json()
        assert "sparvagn" in {s["service_code"] for s in body}, wanted
    body = client.get(url("services"), {"jurisdiction_id": STOCKHOLM}).json()
    assert "sparvagn" not in {s["service_code"] for s in body}


def test_with_several_cities_the_jurisdiction_is_required(client, world, categories):
    response = client.get(url("services"))
    assert response.status_code == 400
    assert errors(response)[0].startswith("jurisdiction_id: ")


@pytest.mark.parametrize("wanted", ["malmo-stad", "999999", "9" * 40])
def test_an_unknown_jurisdiction_is_a_404(client, world, categories, wanted):
    response = client.get(url("services"), {"jurisdiction_id": wanted})
    assert response.status_code == 404
    assert errors(response)[0].startswith("jurisdiction_id: ")


def test_with_one_city_the_jurisdiction_may_be_left_out(client, db):
    city = CityFactory(name="Ekerö kommun")
    categories_seed(city=city)
    response = client.get(url("services"))
    assert response.status_code == 200
    assert len(response.json()) == city.categories.count()


# Posting -------------------------------------------------------------------------


def test_a_request_is_posted_with_an_api_key(client, world, app):
    response = post(client)
    assert response.status_code == 200
    [created] = response.json()
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    assert created["account_id"] is None
    report = Report.objects.get(pk=created["service_request_id"])
    assert report.public_token == created["token"]
    assert report.source == Source.OPEN311
    assert report.organisation == world.orgs["city_office"]
    assert report.category.code == "klotter"
    assert report.district == world.alvsjo
    assert report.contact_email == "boende@example.org"
    assert report.description == "Klotter på tunnelns vägg"
    assert report.status == Status.RECEIVED
    assert timezone.localdate(report.answer_due_at).isoformat() in created["service_notice"]


def test_the_jurisdiction_may_be_left_out_when_posting(client, world, app):
    response = post(client, jurisdiction_id=None)
    assert response.status_code == 200
    assert Report.objects.get().city == world.stockholm


def test_a_posted_request_answers_in_xml(client, world, app):
    root = xml(post(client, "xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert {child.tag for child in request} == {
        "service_request_id",
        "token",
        "service_notice",
        "account_id",
    }
    report = Report.objects.get()
    assert request.findtext("service_request_id") == str(report.pk)
    assert request.findtext("token") == report.public_token


@pytest.mark.parametrize(
    "fields, parameter",
    [
        ({"service_code": None}, "service_code"),
        ({"service_code": ""}, "service_code"),
        ({"service_code": "finns-inte"}, "service_code"),
        ({"lat": None, "long": None}, "lat/long"),
        ({"lat": "", "long": ""}, "lat/long"),
        ({"lat": None}, "lat/long"),
        ({"lat": "norr", "long": "öster"}, "lat/long"),
        ({"lat": 95, "long": 18.0}, "lat/long"),
        ({"lat": 59.3, "long": 200}, "lat/long"),
        ({"lat": "nan", "long": "inf"}, "lat/long"),
        ({"lat": 57.7, "long": 11.97}, "lat/long"),
        ({"description": ""}, "description"),
        ({"description": "   \n "}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"email": "inte en adress"}, "email"),
    ],
)
def test_bad_input_is_refused_with_the_parameter_named(client, world, app, fields, parameter):
    response = post(client, **fields)
    assert response.status_code == 400
    assert any(d.startswith(f"{parameter}: ") for d in errors(response)), errors(response)
    assert not Report.objects.exists()


def test_swapped_coordinates_are_named(client, world, app):
    response = post(client, lat=IN_ALVSJO[0], long=IN_ALVSJO[1])
    assert response.status_code == 400
    [description] = errors(response)
    assert description.startswith("lat/long: ")
    assert re.search("swapped|förväxlade|bytt plats", description)


def test_an_address_alone_is_refused_because_there_is_no_geocoder(client, world, app):
    response = post(client, lat=None, long=None, address_string="Älvsjö torg 1, Stockholm")
    assert response.status_code == 400
    [description] = errors(response)
    assert description.startswith("lat/long: ")
    assert "address_string" in description
    assert not Report.objects.exists()


def test_every_immediate_problem_is_listed_at_once(client, world, app):
    response = post(client, service_code=None, lat=None, long=None)
    assert response.status_code == 400
    assert sorted(d.split(":")[0] for d in errors(response)) == ["lat/long", "service_code"]


def test_a_category_of_another_city_is_unknown_here(client, world, app):
    Category.objects.create(city=world.goteborg, code="sparvagn", name="Spårvagn")
    response = post(client, service_code="sparvagn")
    assert response.status_code == 400
    assert errors(response)[0].startswith("service_code: ")
    assert not Report.objects.exists()


@pytest.mark.parametrize("change", [{"public": False}, {"active": False}])
def test_a_category_closed_to_residents_is_refused(client, world, app, change):
    Category.objects.filter(city=world.stockholm, code="klotter").update(**change)
    response = post(client)
    assert response.status_code == 400
    assert errors(response)[0].startswith("service_code: ")
    assert not Report.objects.exists()


def test_html_in_a_description_is_kept_as_plain_text(client, world, app):
    markup = '<script>alert("x")</script><b>Klotter</b> & trasig lampa'
    response = post(client, fmt="xml", description=markup)
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.description == markup
    for answer in [
        response,
        client.get(url("request", service_request_id=report.pk), {"jurisdiction_id": STOCKHOLM}),
        client.get(
            url("request", "xml", service_request_id=report.pk), {"jurisdiction_id": STOCKHOLM}
        ),
    ]:
        assert b"<script>" not in answer.content
        assert b"alert" not in answer.content


@pytest.mark.parametrize(
    "key", [None, "", "fel-nyckel", KEY.upper(), f"{KEY} "[:-1] + "x"], ids=repr
)
def test_a_missing_or_unknown_api_key_is_a_403(client, world, app, key):
    response = post(client, api_key=key)
    assert response.status_code == 403
    assert errors(response)[0].startswith("api_key: ")
    assert not Report.objects.exists()


def test_an_inactive_api_key_is_a_403(client, world, app):
    Open311Client.objects.filter(pk=app.pk).update(active=False)
    root = xml(post(client, "xml"))
    assert root.tag == "errors"
    assert root.find("error").findtext("code") == "403"
    assert not Report.objects.exists()


def test_a_key_posts_only_to_its_own_city(client, world, app):
    services.open311_client_create(city=world.goteborg, name="Göteborgsappen", key="gbg-nyckel")
    response = post(client, api_key="gbg-nyckel")
    assert response.status_code == 403
    assert errors(response)[0].startswith("jurisdiction_id: ")
    assert not Report.objects.exists()


def test_the_api_key_needs_no_csrf_token(world, app):
    response = post(Client(enforce_csrf_checks=True))
    assert response.status_code == 200


def test_open311_answers_keep_the_security_headers(client, world, app):
    for response in [post(client), client.get(url("services"), {"jurisdiction_id": STOCKHOLM})]:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response


def test_other_methods_are_not_allowed(client, world, app):
    assert client.put(url("requests")).status_code == 405
    assert client.post(url("services"), {"jurisdiction_id": STOCKHOLM}).status_code == 405


# Rate limits ---------------------------------------------------------------------


def test_an_api_key_past_its_rate_gets_a_429(client, world, app, settings):
    settings.TRYGG_API_KEY_RATE = "2/d"
    assert [post(client).status_code for _ in range(2)] == [200, 200]
    response = post(client)
    assert response.status_code == 429
    assert len(errors(response)) == 1
    root = xml(post(client, "xml"))
    assert root.find("error").findtext("code") == "429"
    assert Report.objects.count() == 2


def test_each_api_key_has_its_own_allowance(client, world, app, settings):
    settings.TRYGG_API_KEY_RATE = "1/d"
    services.open311_client_create(city=world.stockholm, name="Andra appen", key="andra-nyckel")
    assert post(client).status_code == 200
    assert post(client).status_code == 429
    assert post(client, api_key="andra-nyckel").status_code == 200


def test_a_valid_key_is_not_held_to_the_per_address_rate(client, world, app, settings):
    # One partner server posts for many residents from one address.
    settings.TRYGG_PUBLIC_RATE = "1/d"
    assert [post(client).status_code for _ in range(3)] == [200, 200, 200]


def test_refused_keys_are_counted_per_address(client, world, app, settings):
    settings.TRYGG_PUBLIC_RATE = "2/d"
    codes = [post(client, api_key="gissning").status_code for _ in range(3)]
    assert codes == [403, 403, 429]
    assert errors(post(client, api_key="gissning"))[0]
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert post(other, api_key="gissning").status_code == 403


# Reading requests ----------------------------------------------------------------


def test_requests_list_only_what_residents_sent_in(client, world, categories, app):
    resident = resident_report(world, categories)
    via_app = post(client).json()[0]["service_request_id"]
    police = resident_report(
        world,
        categories,
        source=Source.REPORTER,
        by=world.petra,
        organisation=world.orgs["police"],
        contact_email="",
    )
    body = client.get(url("requests"), {"jurisdiction_id": STOCKHOLM}).json()
    assert {r["service_request_id"] for r in body} == {resident.pk, via_app}
    assert police.pk not in {r["service_request_id"] for r in body}


def test_requests_reveal_nothing_about_the_reporter(client, world, categories, app):
    report = resident_report(world, categories, lon=18.012345, lat=59.276789)
    post(client, description="Jag heter Eva och bor i port 3")
    app_report = Report.objects.get(source=Source.OPEN311)
    for fmt in ["json", "xml"]:
        for response in [
            client.get(url("requests", fmt), {"jurisdiction_id": STOCKHOLM}),
            client.get(
                url("request", fmt, service_request_id=report.pk),
                {"jurisdiction_id": world.stockholm.pk},
            ),
        ]:
            assert response.status_code == 200
            body = response.content.decode()
            for secret in [
                "Kalle",
                "portkod",
                "Eva",
                "granne@example.org",
                "boende@example.org",
                report.public_token,
                app_report.public_token,
                "12345",
                "76789",
            ]:
                assert secret not in body, (fmt, secret)
    body = client.get(url("requests"), {"jurisdiction_id": STOCKHOLM}).json()
    assert all(set(r) == PUBLIC_FIELDS for r in body)
    mine = next(r for r in body if r["service_request_id"] == report.pk)
    assert (mine["lat"], mine["long"]) == (59.277, 18.012)


def test_a_request_in_xml_uses_the_spec_element_names(client, world, categories):
    report = resident_report(world, categories)
    root = xml(
        client.get(
            url("request", "xml", service_request_id=report.pk), {"jurisdiction_id": STOCKHOLM}
        )
    )
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert {child.tag for child in request} == PUBLIC_FIELDS
    assert request.findtext("service_request_id") == str(report.pk)
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "klotter"


def test_times_are_iso_8601_with_the_stockholm_offset(client, world, categories):
    report = resident_report(world, categories)
    [found] = client.get(
        url("request", service_request_id=report.pk), {"jurisdiction_id": STOCKHOLM}
    ).json()
    for field in ["requested_datetime", "updated_datetime", "expected_datetime"]:
        assert ISO_WITH_OFFSET.match(found[field]), found[field]
        assert found[field][-6:] in ("+01:00", "+02:00")
    assert dt.datetime.fromisoformat(found["requested_datetime"]) == report.created_at.replace(
        microsecond=0
    )


def test_status_is_open_or_closed_with_the_public_label_only(client, world, categories):
    accepted = resident_report(world, categories)
    services.report_transition(report=accepted, to=Status.ACCEPTED, by=world.anna)
    rejected = resident_report(world, categories)
    services.report_transition(
        report=rejected, to=Status.REJECTED, by=world.anna, reason="Eva Andersson ringde redan"
    )
    body = {
        r["service_request_id"]: r
        for r in client.get(url("requests"), {"jurisdiction_id": STOCKHOLM}).json()
    }
    assert body[accepted.pk]["status"] == "open"
    assert body[rejected.pk]["status"] == "closed"
    assert body[accepted.pk]["status_notes"] and body[rejected.pk]["status_notes"]
    assert "Eva" not in str(body)
    only_closed = client.get(url("requests"), {"jurisdiction_id": STOCKHOLM, "status": "closed"})
    assert [r["service_request_id"] for r in only_closed.json()] == [rejected.pk]
    only_open = client.get(url("requests"), {"jurisdiction_id": STOCKHOLM, "status": "open"})
    assert [r["service_request_id"] for r in only_open.json()] == [accepted.pk]
    both = client.get(url("requests"), {"jurisdiction_id": STOCKHOLM, "status": "open,closed"})
    assert len(both.json()) == 2


def test_requests_filter_by_service_code_and_ids(client, world, categories):
    graffiti = resident_report(world, categories)
    litter = resident_report(world, categories, category=categories["nedskrapning"])
    police = resident_report(
        world, categories, source=Source.REPORTER, by=world.petra, organisation=world.orgs["police"]
    )
    by_code = client.get(
        url("requests"), {"jurisdiction_id": STOCKHOLM, "service_code": "nedskrapning"}
    )
    assert [r["service_request_id"] for r in by_code.json()] == [litter.pk]
    by_ids = client.get(
        url("requests"),
        {
            "jurisdiction_id": STOCKHOLM,
            "service_request_id": f"{graffiti.pk},{police.pk},x,99999",
            "service_code": "nedskrapning",
        },
    )
    assert [r["service_request_id"] for r in by_ids.json()] == [graffiti.pk]


def test_requests_default_to_the_last_90_days(client, world, categories):
    long_ago = timezone.now() - dt.timedelta(days=120)
    old = resident_report(
        world, categories, occurred_from=long_ago - dt.timedelta(hours=1), now=long_ago
    )
    recent = resident_report(world, categories)
    body = client.get(url("requests"), {"jurisdiction_id": STOCKHOLM}).json()
    assert [r["service_request_id"] for r in body] == [recent.pk]
    start = timezone.localtime(long_ago - dt.timedelta(days=1)).isoformat()
    then = client.get(url("requests"), {"jurisdiction_id": STOCKHOLM, "start_date": start})
    assert [r["service_request_id"] for r in then.json()] == [old.pk]
    day = client.get(
        url("requests"),
        {"jurisdiction_id": STOCKHOLM, "end_date": timezone.localdate(long_ago).isoformat()},
    )
    assert [r["service_request_id"] for r in day.json()] == [old.pk]


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"start_date": "igår"}, "start_date"),
        ({"end_date": "2024-13-45"}, "end_date"),
        ({"start_date": "2024-01-01T00:00:00+01:00", "end_date": "2024-06-01"}, "end_date"),
        ({"start_date": "2024-06-01", "end_date": "2024-05-01"}, "end_date"),
        ({"status": "pending"}, "status"),
    ],
)
def test_bad_request_filters_are_refused(client, world, categories, params, parameter):
    response = client.get(url("requests"), {"jurisdiction_id": STOCKHOLM, **params})
    assert response.status_code == 400
    assert errors(response)[0].startswith(f"{parameter}: ")


def test_a_listing_costs_the_same_queries_however_long(
    client, world, categories, django_assert_num_queries
):
    resident_report(world, categories)
    with django_assert_num_queries(2):
        client.get(url("requests"), {"jurisdiction_id": STOCKHOLM})
    for _ in range(5):
        resident_report(world, categories)
    with django_assert_num_queries(2):
        assert len(client.get(url("requests"), {"jurisdiction_id": STOCKHOLM}).json()) == 6


def test_one_request_that_is_not_public_is_a_404(client, world, categories):
    police = resident_report(
        world, categories, source=Source.REPORTER, by=world.petra, organisation=world.orgs["police"]
    )
    resident = resident_report(world, categories, lon=IN_HAGERSTEN[0], lat=IN_HAGERSTEN[1])
    for pk, jurisdiction in [
        (police.pk, STOCKHOLM),
        (999999, STOCKHOLM),
        ("abc", STOCKHOLM),
        (resident.pk, "goteborgs-stad"),
    ]:
        response = client.get(
            url("request", service_request_id=pk), {"jurisdiction_id": jurisdiction}
        )
        assert response.status_code == 404, pk
        assert errors(response)[0].startswith("service_request_id: ")


# Tokens --------------------------------------------------------------------------


def test_a_token_leads_to_its_request(client, world, app):
    created = post(client).json()[0]
    token = created["token"]
    response = client.get(url("token", token=token), {"jurisdiction_id": STOCKHOLM})
    assert response.json() == [
        {"service_request_id": created["service_request_id"], "token": token}
    ]
    root = xml(client.get(url("token", "xml", token=token), {"jurisdiction_id": STOCKHOLM}))
    assert root.tag == "service_requests"
    assert root.find("request").findtext("service_request_id") == str(created["service_request_id"])


def test_an_unknown_token_is_a_404(client, world, app):
    token = post(client).json()[0]["token"]
    for wanted, jurisdiction in [("inte-en-token", STOCKHOLM), (token, "goteborgs-stad")]:
        response = client.get(url("token", token=wanted), {"jurisdiction_id": jurisdiction})
        assert response.status_code == 404
        assert errors(response)[0].startswith("token: ")


# API keys ------------------------------------------------------------------------


def test_only_the_digest_of_a_key_is_stored(world):
    client, key = services.open311_client_create(city=world.stockholm, name="  Appen  ")
    assert len(key) >= 40
    assert client.name == "Appen"
    assert client.key_digest == services.open311_key_digest(key)
    assert key not in client.key_digest


def test_a_client_cannot_file_under_another_citys_organisation(world):
    with pytest.raises(ValidationError) as error:
        services.open311_client_create(
            city=world.stockholm, name="Appen", organisation=world.orgs["angered_sdf"]
        )
    assert "organisation" in error.value.message_dict
    assert not Open311Client.objects.exists()


def test_the_command_prints_a_working_key_once(client, world, categories):
    out = StringIO()
    call_command(
        "open311_client",
        "Tryggappen",
        "--city",
        "Stockholms stad",
        "--organisation",
        "Stadsledningskontoret",
        stdout=out,
    )
    key = out.getvalue().strip().splitlines()[-1]
    assert STOCKHOLM in out.getvalue()
    stored = Open311Client.objects.get()
    assert stored.organisation == world.orgs["city_office"]
    assert key not in stored.key_digest
    assert post(client, api_key=key).status_code == 200


@pytest.mark.parametrize(
    "args",
    [
        ["--city", "Malmö stad"],
        ["--city", "Stockholms stad", "--organisation", "Angereds stadsdelsförvaltning"],
    ],
)
def test_the_command_names_what_it_cannot_find(world, args):
    with pytest.raises(CommandError):
        call_command("open311_client", "Appen", *args, stdout=StringIO())
    assert not Open311Client.objects.exists()

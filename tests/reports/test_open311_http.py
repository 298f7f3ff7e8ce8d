"""A partner app's round trip over real HTTP: no test client, no browser, just urllib."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from tests.reports.conftest import IN_ALVSJO_CENTRUM
from trygg.reports import services
from trygg.reports.models import Report, Source

KEY = "partnerappens-nyckel"
JURISDICTION = "stockholms-stad"


@pytest.fixture
def partner(transactional_db, world, categories):
    cache.clear()
    client, _key = services.open311_client_create(
        city=world.stockholm, name="Partnerappen", key=KEY
    )
    yield client
    cache.clear()


def call(live_server, path, *, params=None, form=None):
    """One HTTP exchange; returns the status, the content type and the raw body."""
    query = "?" + urllib.parse.urlencode(params) if params else ""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    # The URL is always Django's live server over http.
    request = urllib.request.Request(f"{live_server.url}/open311/v2/{path}{query}", data=data)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_a_partner_app_posts_and_follows_a_request(live_server, partner, world):
    where = {"jurisdiction_id": JURISDICTION}
    status, kind, body = call(live_server, "services.json", params=where)
    assert (status, kind) == (200, "application/json")
    assert "klotter" in {s["service_code"] for s in json.loads(body)}

    form = {
        "api_key": KEY,
        "jurisdiction_id": JURISDICTION,
        "service_code": "klotter",
        "lat": IN_ALVSJO_CENTRUM[1],
        "long": IN_ALVSJO_CENTRUM[0],
        "description": "Nytt klotter på perrongtaket",
        "email": "resenar@example.org",
        "media_url": "https://example.org/bild.jpg",
    }
    status, kind, body = call(live_server, "requests.json", form=form)
    assert (status, kind) == (200, "application/json")
    [created] = json.loads(body)
    request_id, token = created["service_request_id"], created["token"]

    status, _kind, body = call(live_server, f"requests/{request_id}.json", params=where)
    assert status == 200
    [found] = json.loads(body)
    assert found["service_request_id"] == request_id
    assert (found["status"], found["service_code"]) == ("open", "klotter")
    assert "description" not in found and b"perrongtaket" not in body

    status, kind, body = call(live_server, f"requests/{request_id}.xml", params=where)
    assert (status, kind) == (200, "text/xml; charset=utf-8")
    root = ET.fromstring(body)  # noqa: S314 (our own answer, not untrusted input)
    assert root.tag == "service_requests"
    assert root.find("request").findtext("service_request_id") == str(request_id)
    assert root.find("request").findtext("status") == "open"

    status, _kind, body = call(live_server, f"tokens/{token}.json", params=where)
    assert status == 200
    assert json.loads(body) == [{"service_request_id": request_id, "token": token}]

    report = Report.objects.get(pk=request_id)
    assert report.source == Source.OPEN311
    assert report.district == world.alvsjo
    assert report.description == "Nytt klotter på perrongtaket"
    assert report.contact_email == "resenar@example.org"
    assert report.public_token == token


def test_a_wrong_key_gets_the_spec_error_body(live_server, partner):
    form = {"api_key": "fel", "jurisdiction_id": JURISDICTION, "service_code": "klotter"}
    status, kind, body = call(live_server, "requests.xml", form=form)
    assert (status, kind) == (403, "text/xml; charset=utf-8")
    root = ET.fromstring(body)  # noqa: S314 (our own answer, not untrusted input)
    assert root.tag == "errors"
    assert root.find("error").findtext("code") == "403"
    assert not Report.objects.exists()


def test_the_demo_key_printed_by_trygg_demo_posts_into_the_demo(transactional_db, live_server):
    import json
    import urllib.parse
    import urllib.request

    from trygg.demo.loader import DEMO_OPEN311_KEY, load_demo

    load_demo()
    body = urllib.parse.urlencode(
        {
            "api_key": DEMO_OPEN311_KEY,
            "jurisdiction_id": "stockholms-stad",
            "service_code": "belysning",
            "lat": "59.2785",
            "long": "18.0105",
            "description": "Trasig lampa vid trappan",
        }
    ).encode()
    with urllib.request.urlopen(  # noqa: S310 - the test's own live server
        live_server.url + "/open311/v2/requests.json", data=body, timeout=30
    ) as response:
        created = json.loads(response.read())
    assert created[0]["service_request_id"]

"""Recording a safety walk on a phone with a poor connection: nothing lost, nothing twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, open_page
from tests.e2e.test_reports_browser import log_in
from tests.reports.conftest import IN_ALVSJO_CENTRUM
from trygg.walks import services
from trygg.walks.models import Finding, Walk

ROUTE = {"type": "LineString", "coordinates": [[18.006, 59.2775], [18.014, 59.2775]]}
# Long enough for the queue's 15-second retry, should an `online` event go unnoticed.
RECONNECT_MS = 25_000


@pytest.fixture
def walk(transactional_db, world):
    planned = Walk(
        district=world.alvsjo,
        place=world.alvsjo_centrum,
        title="Trygghetsvandring Älvsjö centrum",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        route=ROUTE,
    )
    return services.walk_save(
        walk=planned,
        by=world.anna,
        invited=[world.orgs["police"]],
        stops=[("Entrén", 18.006, 59.2775), ("Torget", 18.010, 59.2775)],
    )


@pytest.fixture
def phone(browser, live_server):
    page = open_page(
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": IN_ALVSJO_CENTRUM[1], "longitude": IN_ALVSJO_CENTRUM[0]},
        permissions=["geolocation"],
        console_errors=False,
    )
    yield page
    page.context.close()


def png() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 90, 90)).save(out, format="PNG")
    return {"name": "lampa.png", "mimeType": "image/png", "buffer": out.getvalue()}


def record(phone, *, stop: str | None, score: int, factor: str, text: str, photo=False) -> None:
    if stop:
        phone.locator("#id_stop").select_option(label=stop)
    else:
        phone.locator("[data-locate]").click()
        expect(phone.locator("#id_lon")).not_to_have_value("")
    phone.locator(f"input[name=score][value='{score}']").check()
    phone.locator(f"input[name=factors][value='{factor}']").check()
    phone.locator("input[name=felt_by][value='women']").check()
    phone.locator("#id_text").fill(text)
    if photo:
        phone.locator("#id_photos").set_input_files(png())
    phone.locator("form[data-walk-record] button[type=submit]").click()


def entries(phone):
    return phone.locator("[data-entries] [data-entry]")


def test_three_findings_with_the_network_cut_before_the_third_are_stored_once(
    walk, world, phone, live_server
):
    log_in(phone, live_server, "anna")
    phone.goto(live_server.url + reverse("walks:record", args=[walk.pk]))
    assert_accessible(phone)
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

    record(phone, stop="1. Entrén", score=2, factor="lighting", text="Mörk entré", photo=True)
    expect(entries(phone).nth(0)).to_have_attribute("data-state", "saved")
    record(phone, stop=None, score=3, factor="vegetation", text="Höga buskar")
    expect(entries(phone).nth(1)).to_have_attribute("data-state", "saved")
    assert Finding.objects.count() == 2

    phone.context.set_offline(True)
    record(phone, stop="2. Torget", score=1, factor="people", text="Folk som hänger", photo=True)
    third = entries(phone).nth(2)
    expect(third).to_have_attribute("data-state", "waiting")
    phone.wait_for_timeout(1_000)
    expect(third).to_have_attribute("data-state", "waiting")
    assert Finding.objects.count() == 2
    assert_accessible(phone)

    phone.context.set_offline(False)
    expect(third).to_have_attribute("data-state", "saved", timeout=RECONNECT_MS)

    findings = list(Finding.objects.order_by("recorded_at"))
    assert [f.text for f in findings] == ["Mörk entré", "Höga buskar", "Folk som hänger"]
    assert len({f.key for f in findings}) == 3
    assert [f.photos.count() for f in findings] == [1, 0, 1]
    assert findings[2].stop.name == "Torget" and findings[2].felt_by == ["women"]
    assert findings[1].lon == pytest.approx(IN_ALVSJO_CENTRUM[0], abs=1e-5)
    assert all(f.recorded_by == world.anna for f in findings)
    assert entries(phone).count() == 3
    assert_accessible(phone)


def test_an_entry_whose_answer_was_lost_survives_a_reload_and_is_stored_once(
    walk, phone, live_server
):
    log_in(phone, live_server, "anna")
    phone.goto(live_server.url + reverse("walks:record", args=[walk.pk]))
    endpoint = live_server.url + reverse("walks:finding_post", args=[walk.pk])
    network = {"answer": "lost"}

    def poor_connection(route):
        # First the server gets the entry but the phone never hears back; then nothing gets through.
        if network["answer"] == "lost":
            network["server"] = route.fetch().status
            network["answer"] = "none"
        route.abort("internetdisconnected")

    phone.route(endpoint, poor_connection)
    record(phone, stop="2. Torget", score=2, factor="graffiti", text="Klotter på muren")
    for _ in range(100):
        if "server" in network:
            break
        phone.wait_for_timeout(100)
    assert network["server"] == 201 and Finding.objects.count() == 1
    expect(entries(phone).nth(0)).to_have_attribute("data-state", "waiting")

    phone.reload()
    expect(entries(phone)).to_have_count(1)
    expect(entries(phone).nth(0)).to_have_attribute("data-state", "waiting")

    phone.unroute(endpoint, poor_connection)
    phone.context.set_offline(True)
    phone.context.set_offline(False)
    expect(entries(phone).nth(0)).to_have_attribute("data-state", "saved", timeout=RECONNECT_MS)
    assert Finding.objects.get().text == "Klotter på muren"

    phone.reload()
    expect(phone.locator("[data-entries-section]")).to_be_visible()
    assert entries(phone).count() == 0


def test_a_refused_entry_is_shown_beside_it_and_not_sent_again(walk, phone, live_server):
    log_in(phone, live_server, "petra")
    phone.goto(live_server.url + reverse("walks:record", args=[walk.pk]))

    phone.locator("#id_lon").fill("12.045")
    phone.locator("#id_lat").fill("57.795")
    phone.locator("input[name=score][value='4']").check()
    phone.locator("form[data-walk-record] button[type=submit]").click()

    refused = entries(phone).nth(0)
    expect(refused).to_have_attribute("data-state", "rejected")
    expect(refused.locator(".error li")).to_have_count(1)
    assert not Finding.objects.exists()
    assert_accessible(phone)
    refused.get_by_role("button").click()
    expect(entries(phone)).to_have_count(0)
    phone.reload()
    assert entries(phone).count() == 0

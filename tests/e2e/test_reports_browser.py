"""Reporting in a real browser: a reporter on a phone, the coordinator's queue, a resident."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.conftest import assert_accessible, open_page
from tests.e2e.test_browser import log_in as log_in_demo
from tests.factories import PASSWORD
from tests.reports.conftest import IN_ALVSJO_CENTRUM
from trygg.demo.loader import DEMO_USERS, load_demo
from trygg.reports.catalogue import categories_seed
from trygg.reports.models import Report, Source
from trygg.reports.workflow import Status


@pytest.fixture
def cast(transactional_db, world):
    categories_seed(city=world.stockholm)
    return world


@pytest.fixture
def phone(browser, live_server):
    page = open_page(
        browser,
        live_server,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": IN_ALVSJO_CENTRUM[1], "longitude": IN_ALVSJO_CENTRUM[0]},
        permissions=["geolocation"],
    )
    yield page
    page.context.close()


def log_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_reporter_on_a_phone_reports_and_the_coordinator_accepts(cast, phone, page, live_server):
    log_in(phone, live_server, "rut")
    phone.goto(live_server.url + reverse("reports:new"))
    phone.wait_for_selector("[data-map][data-ready]")
    assert_accessible(phone)
    phone.get_by_label("Vad hände?").select_option(label="Klotter")
    phone.get_by_role("button", name="Använd min position").click()
    phone.wait_for_selector("[data-spot]")
    assert float(phone.get_by_label("Longitud (öst)").input_value()) == pytest.approx(
        IN_ALVSJO_CENTRUM[0], abs=1e-5
    )
    # A tap on the map moves the spot.
    # The tap is in page coordinates: the map must be on the screen, not below the fold,
    # and done zooming to the phone's position (Leaflet swallows a tap mid-animation).
    phone.locator("[data-map]").scroll_into_view_if_needed()
    phone.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    phone.wait_for_timeout(400)
    box = phone.locator("[data-map]").bounding_box()
    phone.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.3)
    tapped = float(phone.get_by_label("Longitud (öst)").input_value())
    assert tapped != pytest.approx(IN_ALVSJO_CENTRUM[0], abs=1e-7)
    phone.get_by_label("Kort beskrivning").fill("Nytt klotter på elskåpet vid trappan")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    phone.get_by_role("button", name="Skicka rapporten").click()
    phone.wait_for_url(live_server.url + reverse("reports:mine"))
    assert phone.get_by_text("Tack").first.is_visible()
    assert_accessible(phone)
    report = Report.objects.get()
    assert report.lon == pytest.approx(tapped, abs=1e-6)
    assert report.district == cast.alvsjo

    log_in(page, live_server, "anna")
    page.goto(live_server.url + reverse("reports:queue"))
    page.wait_for_selector("[data-map][data-ready]")
    assert page.locator("path.leaflet-interactive").count() >= 1
    assert_accessible(page)
    page.locator(f"a[href='{reverse('reports:detail', args=[report.pk])}']").first.click()
    page.wait_for_selector("[data-map][data-ready]")
    assert_accessible(page)
    page.get_by_role("button", name="Godkänn", exact=True).click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    assert_accessible(page)


def test_a_resident_reports_without_logging_in_and_follows_the_status(cast, phone, live_server):
    phone.goto(live_server.url + reverse("reports:public_new"))
    assert_accessible(phone)
    phone.get_by_role("link", name="Stockholms stad").click()
    phone.wait_for_selector("[data-map][data-ready]")
    assert_accessible(phone)
    phone.get_by_label("Vad gäller det?").select_option(label="Dålig belysning")
    phone.get_by_label("Eller välj en plats").select_option(label="Älvsjö centrum")
    phone.get_by_label("Beskriv problemet").fill("Lampan i gångtunneln är trasig")
    phone.get_by_role("button", name="Skicka").click()
    phone.wait_for_url("**/reports/status/**")
    assert phone.get_by_text("Mottagen").first.is_visible()
    assert_accessible(phone)
    report = Report.objects.get()
    assert report.source == Source.RESIDENT
    assert phone.url.endswith(reverse("reports:status", args=[report.public_token]))


def test_every_report_page_passes_axe_with_the_demo_data(transactional_db, page, live_server):
    load_demo()
    log_in_demo(page, live_server)
    sample = Report.objects.filter(district__name="Älvsjö", photos__isnull=True).first()
    for name, args in [
        ("reports:queue", []),
        ("reports:effort", []),
        ("reports:new", []),
        ("reports:week", []),
        ("reports:mine", []),
        ("reports:import", []),
        ("reports:detail", [sample.pk]),
        ("core:overview", []),
    ]:
        page.goto(live_server.url + reverse(name, args=args))
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() == 1, name
        assert_accessible(page)

    page.get_by_role("button", name="Logga ut").click()
    ingrid = next(user for user in DEMO_USERS if user.username == "ingrid")
    log_in_demo(page, live_server, ingrid)
    page.goto(live_server.url + reverse("reports:categories"))
    assert_accessible(page)
    page.get_by_role("link", name="Klotter").click()
    assert_accessible(page)

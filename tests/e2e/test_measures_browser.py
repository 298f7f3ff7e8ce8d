"""The weekly meeting and a measure in a real browser: coordinator to property owner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser import log_in
from trygg.demo.loader import DEMO_USERS, load_demo
from trygg.measures.models import Measure, Meeting

RUT = next(user for user in DEMO_USERS if user.username == "rut")

# Opens the popup of the first hotspot on the map that offers a new measure.
OPEN_HOTSPOT = """() => {
  const map = document.querySelector("[data-map]").trygg;
  let opened = false;
  map.data.eachLayer((layer) => {
    const p = layer.feature.properties;
    if (!opened && p.level === "hotspot" && p.url) {
      layer.openPopup(layer.getBounds().getCenter());
      opened = true;
    }
  });
  return opened;
}"""


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_a_meeting_decides_a_measure_from_a_hotspot_and_the_owner_carries_it_out(
    demo, page, live_server
):
    log_in(page, live_server)
    page.get_by_role("link", name="Möten", exact=True).click()
    page.get_by_role("link", name="Veckans möte i Älvsjö").click()
    page.wait_for_selector("[data-map][data-ready]")
    assert_accessible(page)

    centrum = page.get_by_role("checkbox", name="Älvsjö centrum", exact=True)
    if centrum.is_checked():  # the demo's own meeting may have chosen it already
        centrum.uncheck()
        page.get_by_role("button", name="Spara").first.click()
        page.wait_for_selector("[data-map][data-ready]")
        assert "Älvsjö centrum" not in Meeting.objects.get(
            district__name="Älvsjö", closed_at__isnull=True
        ).focus_places.values_list("name", flat=True)
    page.get_by_role("checkbox", name="Älvsjö centrum", exact=True).check()
    page.get_by_role("button", name="Spara").first.click()
    page.wait_for_selector("[data-map][data-ready]")
    meeting = Meeting.objects.get(district__name="Älvsjö", closed_at__isnull=True)
    assert "Älvsjö centrum" in meeting.focus_places.values_list("name", flat=True)

    # Last week's picture has the hotspots around Älvsjö centrum.
    page.goto(live_server.url + reverse("situation:picture"))
    page.get_by_role("link", name="Föregående vecka").click()
    page.wait_for_selector("[data-map][data-ready]")
    assert page.evaluate(OPEN_HOTSPOT)
    page.get_by_role("link", name="Skapa en åtgärd här").click()
    page.wait_for_selector("form")
    assert_accessible(page)
    page.get_by_label("Titel").fill("Ökad närvaro vid hotspoten")
    page.get_by_label("Typ:", exact=True).select_option("cleaning")
    page.get_by_label("Ansvarig organisation").select_option(
        label="Fastighets AB Älvsjö Centrum (illustrativ)"
    )
    today = timezone.localdate()
    page.get_by_label("Start:", exact=True).fill(today.isoformat())
    page.get_by_label("Klart senast:", exact=True).fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Spara åtgärden").click()
    page.get_by_role("button", name="Besluta").click()

    measure = Measure.objects.get(title="Ökad närvaro vid hotspoten")
    assert measure.target_area["type"] in ("Polygon", "MultiPolygon")
    assert measure.status == "decided" and measure.responsible.name.startswith("Fastighets AB")

    page.get_by_role("button", name="Logga ut").click()
    owner = page
    log_in(owner, live_server, RUT)
    owner.get_by_role("link", name="Åtgärder", exact=True).click()
    owner.get_by_role("link", name="Ökad närvaro vid hotspoten").click()
    assert_accessible(owner)
    owner.get_by_role("button", name="Markera som klar").click()

    measure.refresh_from_db()
    assert measure.status == "done"
    assert owner.get_by_text("Klar").first.is_visible()
    assert not page.js_errors

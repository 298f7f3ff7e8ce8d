"""The situation picture in a real browser: the demo's Älvsjö, its hotspots, last year, the PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser import log_in
from trygg.demo.loader import load_demo
from trygg.situation.periods import Period

# True when a hotspot drawn on the map lies on or next to (within 200 m of) Älvsjö centrum.
HOTSPOT_AT_CENTRUM = """() => {
  const map = document.querySelector("[data-map]").trygg;
  let centrum = null;
  const hot = [];
  map.data.eachLayer((layer) => {
    const p = layer.feature.properties;
    if (p.level === "hotspot") hot.push(layer.getBounds());
    if (p.level === "place" && p.name === "Älvsjö centrum") centrum = layer.getBounds();
  });
  if (!centrum) return false;
  const near = L.latLngBounds(
    [centrum.getSouth() - 0.0018, centrum.getWest() - 0.0035],
    [centrum.getNorth() + 0.0018, centrum.getEast() + 0.0035]
  );
  return hot.some((b) => near.intersects(b));
}"""


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_a_coordinator_reads_the_weekly_edition_last_years_and_the_pdf(demo, page, live_server):
    # The weekly picture is where a coordinator lands.
    log_in(page, live_server)
    page.wait_for_selector("[data-map][data-ready]")
    this_week = Period.containing(timezone.localdate())
    assert this_week.label in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)

    # Last week is whole: the one the meeting discusses.
    page.get_by_role("link", name="Föregående vecka").click()
    page.wait_for_selector("[data-map][data-ready]")
    week = this_week.previous()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "Älvsjö" in heading and week.label in heading
    drawn = page.locator("path[data-level=heat]").count()
    assert drawn == int(page.locator("[data-map]").get_attribute("data-heat-cells")) > 0
    assert page.locator("path[data-level=hotspot]").count() > 0
    assert page.evaluate(HOTSPOT_AT_CENTRUM)
    assert page.locator("path[data-level=district]").count() == 1
    assert_accessible(page)

    page.get_by_role("link", name="Samma vecka förra året").click()
    page.wait_for_selector("[data-map][data-ready]")
    last_year = week.last_year()
    assert f"period={last_year.key}" in page.url
    assert last_year.label in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("path[data-level=hotspot]").count() > 0
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    document = pdfium.PdfDocument(io.BytesIO(data))
    assert len(document) >= 2
    first = document[0]
    assert last_year.label in first.get_textpage().get_text_range()
    image = first.render(scale=1).to_pil()
    png = io.BytesIO()
    image.save(png, format="PNG")
    assert image.width > 500 and len(png.getvalue()) > 10_000
    assert not page.js_errors


def test_a_coordinator_publishes_the_week_and_reads_it_back(demo, page, live_server):
    log_in(page, live_server)
    page.wait_for_selector("[data-map][data-ready]")
    page.get_by_label("Anteckning till mötet (frivillig)").fill("Fokus: Älvsjö centrum kvällstid.")
    page.get_by_role("button", name="Publicera").click()
    page.wait_for_selector("[data-map][data-ready]")

    assert "Fokus: Älvsjö centrum kvällstid." in page.content()
    assert page.get_by_role("link", name="PDF som publicerad").is_visible()
    assert_accessible(page)
    assert not page.js_errors

"""The situation picture in a real browser: the demo's Älvsjö, its heat map, last year."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser import log_in
from trygg.demo.loader import load_demo
from trygg.situation.periods import Period


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_a_coordinator_reads_the_weeks_picture_and_last_years(demo, page, live_server):
    log_in(page, live_server)
    page.get_by_role("link", name="Lägesbild").click()
    page.wait_for_selector("[data-map][data-ready]")

    this_week = Period.containing(timezone.localdate())
    heading = page.get_by_role("heading", level=1)
    assert "Älvsjö" in heading.inner_text()
    assert this_week.label in heading.inner_text()
    # Early on a Monday the week may hold no report yet; what is drawn is what was computed.
    drawn = page.locator("path[data-level=heat]").count()
    assert drawn == int(page.locator("[data-map]").get_attribute("data-heat-cells"))
    assert page.locator("path[data-level=district]").count() == 1
    assert_accessible(page)

    page.get_by_role("link", name="Samma vecka förra året").click()
    page.wait_for_selector("[data-map][data-ready]")
    last_year = this_week.last_year()
    assert f"period={last_year.key}" in page.url
    assert last_year.label in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("path[data-level=heat]").count() > 0
    assert page.locator("path[data-level=hotspot]").count() > 0
    assert not page.js_errors
    assert reverse("situation:picture") in page.url

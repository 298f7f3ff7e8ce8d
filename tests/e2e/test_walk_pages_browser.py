"""Planning a walk and reading its public protocol in a real browser."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_reports_browser import log_in
from trygg.reports.catalogue import categories_seed
from trygg.walks import services
from trygg.walks.models import Walk

ROUTE = {"type": "LineString", "coordinates": [[18.006, 59.2775], [18.014, 59.2775]]}


@pytest.fixture
def cast(transactional_db, world):
    categories_seed(city=world.stockholm)
    return world


def test_a_coordinator_plans_a_walk_on_the_map_page(cast, page, live_server):
    log_in(page, live_server, "anna")
    page.goto(live_server.url + reverse("walks:new"))
    page.wait_for_selector("[data-map][data-ready]")
    assert_accessible(page)

    page.get_by_label("Titel").fill("Kvällsvandring i Älvsjö centrum")
    start = (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT18:00")
    page.locator("#id_starts_at").fill(start)
    page.locator("#id_stops_text").fill("Entrén; 18.006; 59.2775\nTorget; 18.010; 59.2775")
    page.locator("#id_route_text").fill(
        '{"type": "LineString", "coordinates": [[18.006, 59.2775], [18.014, 59.2775]]}'
    )
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/new/" not in url)

    walk = Walk.objects.get(title="Kvällsvandring i Älvsjö centrum")
    assert [s.name for s in walk.stops.all()] == ["Entrén", "Torget"]
    assert walk.route["type"] == "LineString"
    assert_accessible(page)


def test_the_public_reads_the_protocol_with_the_owners_answer(cast, page, live_server):
    world = cast
    walk = services.walk_save(
        walk=Walk(
            district=world.alvsjo,
            place=world.alvsjo_centrum,
            title="Trygghetsvandring Älvsjö centrum",
            starts_at=timezone.now() - dt.timedelta(hours=2),
            route=ROUTE,
        ),
        by=world.anna,
        invited=[world.orgs["property"]],
    )
    finding, _new = services.finding_record(
        walk=walk,
        by=world.anna,
        key="k1",
        lon=18.010,
        lat=59.2776,
        score=2,
        factors=["graffiti"],
        text="Klotter på elskåpet",
    )
    services.finding_answer(finding=finding, by=world.rut, answer="already_done", text="Sanerat.")
    services.walk_publish(walk=walk, by=world.anna)

    page.goto(live_server.url + reverse("walks:public_protocol", args=[walk.pk]))
    page.wait_for_selector("[data-map][data-ready]")

    text = page.locator("main").inner_text()
    assert "Klotter på elskåpet" in text and "Sanerat." in text
    assert world.orgs["property"].name in text
    assert world.anna.get_full_name() not in text and world.rut.username not in text
    assert_accessible(page)

"""What a demo user sees in a real browser, checked with axe-core on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.conftest import assert_accessible
from trygg.demo.loader import DEMO_USERS, load_demo
from trygg.geo.models import District, Place

ANNA = next(user for user in DEMO_USERS if user.username == "anna")


@pytest.fixture
def demo(transactional_db):
    load_demo()


def log_in(page, live_server, user=ANNA):
    page.goto(live_server.url + reverse("login"))
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(user.password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_coordinator_logs_in_and_sees_the_districts_on_the_map(demo, page, live_server):
    log_in(page, live_server)
    page.goto(live_server.url + reverse("core:overview"))

    page.wait_for_selector("[data-map][data-ready]")
    assert page.get_by_role("heading", name="Översikt").is_visible()
    assert page.get_by_role("link", name="Älvsjö stadsdelsförvaltning").is_visible()
    districts = page.locator("path[data-level=district]")
    assert districts.count() >= 1
    assert (
        page.locator("path[data-level=place]").count()
        == Place.objects.filter(district__name="Älvsjö").count()
    )
    assert page.get_by_text("Illustrativa gränser").is_visible()
    assert_accessible(page)


def test_every_page_of_the_foundation_passes_axe(demo, page, live_server):
    log_in(page, live_server)
    alvsjo = District.objects.get(name="Älvsjö")
    centrum = Place.objects.get(name="Älvsjö centrum")
    pages = [
        reverse("core:organisations"),
        reverse("geo:areas"),
        reverse("geo:district", args=[alvsjo.pk]),
        reverse("geo:place", args=[centrum.pk]),
        reverse("geo:place_create"),
        reverse("core:account"),
        reverse("password_change"),
    ]
    for path in pages:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    page.goto(live_server.url + reverse("core:organisations"))
    page.get_by_role("link", name="Älvsjö stadsdelsförvaltning").first.click()
    assert page.get_by_role("heading", name="Älvsjö stadsdelsförvaltning").is_visible()
    assert_accessible(page)


def test_login_and_the_skip_link_work_by_keyboard_alone(demo, page, live_server):
    page.goto(live_server.url + reverse("login"))
    # The browser applies autofocus on its own schedule after load; wait for it, briefly.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'")
    page.keyboard.type(ANNA.username)
    page.keyboard.press("Tab")
    page.keyboard.type(ANNA.password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_overview_fits_a_phone_at_200_percent_zoom(demo, browser, live_server):
    # 200 % zoom on a 640 px wide phone leaves 320 CSS pixels, WCAG 1.4.10's reflow width.
    context = browser.new_context(locale="sv-SE", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    page.js_errors = []
    try:
        log_in(page, live_server)
        for path in (reverse("core:overview"), reverse("geo:areas"), reverse("login")):
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    finally:
        context.close()


def test_a_coordinator_draws_a_place_on_the_map(demo, page, live_server):
    log_in(page, live_server)
    alvsjo = District.objects.get(name="Älvsjö")
    page.goto(live_server.url + reverse("geo:place_create"))
    page.wait_for_selector("[data-map][data-ready]")
    page.get_by_label("Namn").fill("Solberga torg")
    page.get_by_label("Stadsdelsområde").select_option(str(alvsjo.pk))

    # Draw a small rectangle in the middle of Älvsjö with the drawing tool.
    centre = alvsjo.geometry_sweref and _centre_on_screen(page, alvsjo)
    page.locator(".leaflet-draw-draw-rectangle").click()
    page.mouse.move(centre[0] - 10, centre[1] - 10)
    page.mouse.down()
    page.mouse.move(centre[0] + 10, centre[1] + 10, steps=5)
    page.mouse.up()
    assert page.locator("#id_geometry").input_value().startswith('{"type":"Polygon"')
    page.get_by_role("button", name="Spara platsen").click()

    place = Place.objects.get(name="Solberga torg")
    page.wait_for_url(live_server.url + reverse("geo:place", args=[place.pk]))
    assert place.district == alvsjo
    assert 0 < place.area_m2 < 500_000
    assert_accessible(page)


def _centre_on_screen(page, district):
    from shapely.geometry import shape

    point = shape(district.geometry).representative_point()
    return page.evaluate(
        """([lat, lon]) => {
            const element = document.querySelector('[data-map]');
            const p = element.trygg.map.latLngToContainerPoint([lat, lon]);
            const box = element.getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [point.y, point.x],
    )

"""A place collaboration in a real browser: the district starts it, the partner follows it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import assert_accessible, open_page
from tests.e2e.test_reports_browser import log_in
from tests.reports.conftest import IN_ALVSJO_CENTRUM
from tests.situation.test_page import report
from trygg.agreements.models import CollaborationContact, PlaceCollaboration
from trygg.reports.catalogue import categories_seed
from trygg.reports.models import Category


@pytest.fixture
def cast(transactional_db, world):
    categories_seed(city=world.stockholm)
    return world


def test_the_district_starts_a_collaboration_and_the_partner_follows_it(
    cast, page, live_server, browser
):
    world = cast
    today = timezone.localdate()
    drugs = Category.objects.get(city=world.stockholm, code="narkotika")
    for days in (40, 10, 3):
        report(world, drugs, timezone.now() - dt.timedelta(days=days), where=IN_ALVSJO_CENTRUM)

    log_in(page, live_server, "anna")
    page.goto(live_server.url + reverse("collaborations:new") + f"?place={world.alvsjo_centrum.pk}")
    assert_accessible(page)
    page.locator("#id_goal").fill("Stoppa narkotikahandeln vid Älvsjö centrum")
    page.locator("#id_lead").select_option(str(world.orgs["police"].pk))
    for partner in ("sl", "property"):
        page.locator(f"input[name=partners][value='{world.orgs[partner].pk}']").check()
    page.locator("#id_started_on").fill((today - dt.timedelta(days=60)).isoformat())
    page.locator(f"input[name=categories][value='{drugs.pk}']").check()
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url(lambda url: "/new/" not in url)
    collaboration = PlaceCollaboration.objects.get()
    assert {o.pk for o in collaboration.partners.all()} == {
        world.orgs["sl"].pk,
        world.orgs["property"].pk,
    }
    assert_accessible(page)

    page.goto(live_server.url + reverse("collaborations:contacts", args=[collaboration.pk]))
    page.locator("#id_contact-organisation").select_option(str(world.orgs["sl"].pk))
    page.locator("#id_contact-name").fill("Sara Berg")
    page.locator("#id_contact-role").fill("Trygghetsansvarig")
    page.locator("#id_contact-phone").fill("08-686 16 00")
    page.get_by_role("button", name="Lägg till kontaktpersonen").click()
    page.wait_for_selector("text=Sara Berg")
    assert CollaborationContact.objects.filter(collaboration=collaboration).count() == 1
    assert_accessible(page)

    page.goto(live_server.url + reverse("collaborations:detail", args=[collaboration.pk]))
    page.locator("#id_held_on").fill(today.isoformat())
    page.locator("#id_agenda").fill("Läget vid pendeltågsentrén")
    page.locator("#id_decisions").fill("Polisen patrullerar fredagskvällar")
    page.get_by_role("button", name="Spara mötet").click()
    page.wait_for_selector("text=Polisen patrullerar fredagskvällar")

    sl = open_page(browser, live_server)
    try:
        log_in(sl, live_server, "sara")
        # Her only cooperation page: a link of its own, not a group of one.
        sl.get_by_role("link", name="Platssamverkan").click()
        sl.get_by_role("link", name="Älvsjö centrum").click()
        assert "Polisen patrullerar fredagskvällar" in sl.content()
        assert "08-686 16 00" in sl.content()
        assert sl.get_by_role("link", name="Ändra platssamverkan").count() == 0
        assert_accessible(sl)
        sl.get_by_role("link", name="Platsens lägesbild").click()
        sl.wait_for_selector("[data-map][data-ready]")
        assert "Älvsjö centrum" in sl.locator("h1").inner_text()
        assert_accessible(sl)

        other = PlaceCollaboration.objects.create(
            city=world.stockholm,
            place=world.liljeholmen,
            goal="Tryggare Liljeholmen",
            lead=world.orgs["hagersten_sdf"],
            started_on=today,
        )
        response = sl.goto(live_server.url + reverse("collaborations:contacts", args=[other.pk]))
        assert response.status == 404
    finally:
        sl.context.close()

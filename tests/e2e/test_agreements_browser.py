"""A cooperation agreement in a real browser: revise it, add a priority, link a measure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_reports_browser import log_in
from tests.reports.conftest import IN_ALVSJO_CENTRUM
from tests.situation.test_page import report
from trygg.agreements import services
from trygg.agreements.models import Agreement
from trygg.measures.models import Measure
from trygg.reports.catalogue import categories_seed
from trygg.reports.models import Category


@pytest.fixture
def cast(transactional_db, world):
    categories_seed(city=world.stockholm)
    return world


def test_a_coordinator_revises_the_agreement_and_follows_up_a_priority(cast, page, live_server):
    world = cast
    year = timezone.localdate().year
    first = services.agreement_save(
        agreement=Agreement(
            district=world.alvsjo,
            police_area=world.police_area,
            title="Samverkansöverenskommelse Älvsjö",
            valid_from=dt.date(year - 1, 1, 1),
            valid_to=dt.date(year + 1, 12, 31),
            signed_on=dt.date(year - 1, 1, 20),
        ),
        by=world.anna,
    )
    drugs = Category.objects.get(city=world.stockholm, code="narkotika")
    when = timezone.now() - dt.timedelta(hours=2)
    for _n in range(2):
        report(world, drugs, when, where=IN_ALVSJO_CENTRUM)

    log_in(page, live_server, "anna")
    page.goto(live_server.url + reverse("agreements:detail", args=[first.pk]))
    assert_accessible(page)
    page.locator("#id_revision-valid_from").fill(f"{year}-01-01")
    page.locator("#id_revision-valid_to").fill(f"{year + 2}-12-31")
    page.locator("[data-revision-form] button[type=submit]").click()
    page.wait_for_selector("[data-agreement-state=draft]")
    revision = Agreement.objects.get(previous=first)
    assert revision.version == 2

    page.locator("[data-new-priority] summary").click()
    page.locator("#id_priority-problem").fill("Narkotikahandel vid Älvsjö centrum")
    page.locator("#id_priority-place").select_option(str(world.alvsjo_centrum.pk))
    page.locator(f"input[name=priority-categories][value='{drugs.pk}']").check()
    page.locator("#id_priority-indicator").fill("Rapporter om narkotika i centrum")
    page.locator("#id_priority-baseline").fill("8")
    page.locator("#id_priority-target").fill("4")
    page.locator("[data-new-priority] button[type=submit]").click()
    page.wait_for_selector("[data-priority='1']")
    assert_accessible(page)
    priority = revision.priorities.get()

    page.locator("[data-priority='1'] a[href*='origin=agreement_priority']").click()
    page.wait_for_selector("#id_title")
    page.locator("#id_title").fill("Kvällsvandring vid centrum")
    page.locator("#id_kind").select_option("cleaning")
    page.locator("#id_responsible").select_option(str(world.orgs["property"].pk))
    page.locator("#id_due").fill(f"{year}-12-31")
    page.get_by_role("button", name="Spara åtgärden").click()
    page.wait_for_url(lambda url: "/new/" not in url)
    measure = Measure.objects.get(title="Kvällsvandring vid centrum")
    assert (measure.origin, measure.origin_ref) == ("agreement_priority", str(priority.pk))

    page.goto(live_server.url + reverse("agreements:followup", args=[revision.pk, year]))
    row = page.locator("[data-priority='1']")
    assert row.locator("[data-count]").inner_text() == "2"
    assert row.locator("[data-target]").inner_text() == "4"
    assert row.locator("[data-met]").get_attribute("data-met") == "yes"
    assert "Kvällsvandring vid centrum" in row.inner_text()
    assert_accessible(page)

"""Publishing a picture for the meeting keeps it as it was; the next picture says what is new."""

import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from tests.reports.conftest import IN_ALVSJO_CENTRUM
from tests.situation.test_page import at, report
from tests.situation.test_page import week as week  # noqa: F401  (a fixture)
from tests.situation.test_privacy import accepted
from trygg.measures import services as measure_services
from trygg.situation.models import Edition

PAGE = reverse("situation:picture")


def publish(client, world, period, note=""):
    query = f"?district={world.alvsjo.pk}&period={period.key}"
    return client.post(reverse("situation:publish") + query, {"note": note})


def test_a_published_edition_keeps_what_the_picture_said(world, categories, login, week):
    for n in range(4):
        report(world, categories["klotter"], at(week, hour=8 + n))
    anna = login(world.anna)

    response = publish(anna, world, week, note="Fokus på Älvsjö centrum.")

    edition = Edition.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "situation:edition", args=[edition.pk]
    )
    assert (edition.area_name, edition.period_label) == ("Älvsjö", week.label)
    assert edition.published_by == world.anna
    # A late report changes today's picture, not the edition.
    report(world, categories["klotter"], at(week, hour=20))
    assert (
        anna.get(PAGE, {"district": world.alvsjo.pk, **week.query()}).context["picture"].total == 5
    )
    page = anna.get(reverse("situation:edition", args=[edition.pk]))
    assert page.status_code == 200
    assert page.context["shown"]["total"] == 4
    text = page.content.decode()
    assert "Fokus på Älvsjö centrum." in text and "4 händelser i Älvsjö" in text
    pdf = anna.get(reverse("situation:edition_pdf", args=[edition.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(io.BytesIO(pdf.content))
    assert len(document) >= 2
    assert bytes(edition.pdf) == pdf.content


def test_partners_read_the_edition_with_small_counts_hidden(world, categories, login, week):
    for n in range(2):
        accepted(world, report(world, categories["klotter"], at(week, hour=8 + n)))
    publish(login(world.anna), world, week)
    edition = Edition.objects.get()

    sara = login(world.sara)
    page = sara.get(reverse("situation:edition", args=[edition.pk]))

    assert page.status_code == 200
    assert page.context["shown"]["total"] is None
    assert "&lt;3" in page.content.decode()
    assert (
        bytes(edition.shared_pdf)
        == sara.get(reverse("situation:edition_pdf", args=[edition.pk])).content
    )


def test_the_shared_edition_has_the_near_repeat_section_too(world, categories, login, week):
    accepted(world, report(world, categories["inbrott"], at(week, hour=9)))
    publish(login(world.anna), world, week)
    edition = Edition.objects.get()

    sentence = edition.shared_figures["near_repeats"]

    assert sentence and sentence == edition.figures["near_repeats"]
    assert (
        sentence
        in login(world.sara).get(reverse("situation:edition", args=[edition.pk])).content.decode()
    )


def test_only_the_areas_reviewers_may_publish(world, categories, login, week):
    report(world, categories["klotter"], at(week))
    assert publish(login(world.sara), world, week).status_code == 403
    assert publish(login(world.olle), world, week).status_code == 404
    assert login(world.anna).get(reverse("situation:publish")).status_code == 405
    assert not Edition.objects.exists()


def test_another_districts_coordinator_cannot_read_an_edition(world, categories, login, week):
    publish(login(world.anna), world, week)
    edition = Edition.objects.get()

    olle = login(world.olle)
    assert olle.get(reverse("situation:edition", args=[edition.pk])).status_code == 404
    assert olle.get(reverse("situation:edition_pdf", args=[edition.pk])).status_code == 404
    assert edition.pk not in [
        e.pk for e in olle.get(reverse("situation:editions")).context["editions"]
    ]


def test_the_next_week_says_what_is_new_since_the_last_edition(world, categories, login, week):
    report(world, categories["klotter"], at(week))
    anna = login(world.anna)
    publish(anna, world, week)
    following = week.next()
    for n in range(3):
        report(world, categories["narkotika"], at(following, hour=18 + n), where=IN_ALVSJO_CENTRUM)

    page = anna.get(PAGE, {"district": world.alvsjo.pk, **following.query()})

    since = page.context["since"]
    assert since.edition == Edition.objects.get()
    assert since.new_reports == 3
    text = page.content.decode()
    assert "Nytt sedan förra lägesbilden" in text and "3 rapporter har kommit in sedan dess" in text


def test_coordinators_land_on_the_weekly_picture_and_partners_on_the_overview(world, login):
    assert login(world.anna).get(reverse("situation:start")).url == PAGE
    assert login(world.rut).get(reverse("situation:start")).url == reverse("core:overview")


@pytest.mark.parametrize("name", ["anna", "petra"])
def test_the_page_offers_publishing_to_reviewers(world, login, name):
    text = login(world.people[name]).get(PAGE).content.decode()
    assert reverse("situation:publish") in text


def test_a_hotspot_offers_a_measure_to_those_who_run_the_district(world, categories, login, week):
    for n in range(12):
        accepted(world, report(world, categories["klotter"], at(week, hour=8 + n % 12)))
    query = {"district": world.alvsjo.pk, **week.query()}

    anna = login(world.anna).get(PAGE, query).context["map_data"]["features"]
    hot = [f for f in anna if f["properties"]["level"] == "hotspot"]
    assert hot and all(f["properties"]["url"].startswith(reverse("measures:new")) for f in hot)

    petra_sees = login(world.sara).get(PAGE, query).context["map_data"]["features"]
    assert not any(
        "url" in f["properties"] for f in petra_sees if f["properties"]["level"] == "hotspot"
    )


def test_the_start_page_flags_overdue_measures(world, categories, login, make_measure):
    late = make_measure(start=dt.date(2026, 1, 5), due=dt.date(2026, 1, 30))
    measure_services.measure_transition(measure=late, to="decided", by=world.anna)

    text = login(world.anna).get(PAGE).content.decode()

    assert "Försenade åtgärder" in text and late.title in text

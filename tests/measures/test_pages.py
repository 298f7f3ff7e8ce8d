"""The measure pages: list, form, detail with its next steps, progress and history."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from tests.reports.conftest import IN_ALVSJO_CENTRUM
from tests.situation.test_page import report as make_report
from trygg.measures import queries, services
from trygg.measures.models import Measure
from trygg.measures.workflow import Status
from trygg.reports import services as report_services
from trygg.reports.models import Source
from trygg.reports.workflow import Status as ReportStatus


def sv(message):
    with translation.override("sv"):
        return gettext(message)


def accepted_report(world, categories, *, by=None, source=None, code="klotter"):
    """A report in Älvsjö centrum, accepted by anna; rut's unless a resident's."""
    report = report_services.report_create(
        city=world.stockholm,
        category=categories[code],
        lon=IN_ALVSJO_CENTRUM[0],
        lat=IN_ALVSJO_CENTRUM[1],
        occurred_from=timezone.now() - dt.timedelta(hours=2),
        description="Klotter på elskåpet",
        by=by,
        organisation=by and world.orgs["property"],
        source=source or Source.REPORTER,
    )
    return report_services.report_transition(report=report, to=ReportStatus.ACCEPTED, by=world.anna)


def form_data(world, **fields):
    data = {
        "title": "Ny belysning vid elskåpet",
        "description": "Två nya armaturer.",
        "kind": "lighting",
        "technique": "natural_surveillance",
        "district": world.alvsjo.pk,
        "place": world.alvsjo_centrum.pk,
        "responsible": world.orgs["property"].pk,
        "partners": [world.orgs["sl"].pk],
        "start": "2026-03-02",
        "due": "2026-04-30",
        "cost_estimate": "40000",
        "expected_effect": "Färre klotter",
        "indicator": "Klotterrapporter vid elskåpet",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def error_of(body, field):
    """The error text shown beside one field of the form."""
    found = re.search(rf'id="id_{field}_error">(.*?)</ul>', body, re.S)
    return found.group(1) if found else ""


# The list -------------------------------------------------------------------------


def test_the_coordinator_lists_measures_with_overdue_ones_flagged_in_words(
    world, login, make_measure
):
    make_measure(title="Röjning vid stationen", kind="vegetation", technique="")
    late = make_measure(title="Sen belysning", start=dt.date(2020, 1, 1), due=dt.date(2020, 2, 1))
    services.measure_transition(measure=late, to="decided", by=world.anna)

    body = login(world.anna).get(reverse("measures:list")).content.decode()

    assert "Röjning vid stationen" in body and "Sen belysning" in body
    assert body.count(sv("Overdue")) == 1
    assert reverse("measures:new") in body


def test_the_list_filters_by_overdue_and_by_my_organisation(world, login, make_measure):
    make_measure(
        title="Polisens insats", kind="patrol", technique="", responsible=world.orgs["police"]
    )
    late = make_measure(title="Sen belysning", start=dt.date(2020, 1, 1), due=dt.date(2020, 2, 1))
    services.measure_transition(measure=late, to="decided", by=world.anna)
    client = login(world.petra)

    overdue = client.get(reverse("measures:list"), {"overdue": "on"}).content.decode()
    mine = client.get(reverse("measures:list"), {"mine": "on"}).content.decode()

    assert "Sen belysning" in overdue and "Polisens insats" not in overdue
    assert "Polisens insats" in mine and "Sen belysning" not in mine


def test_the_list_costs_the_same_queries_for_1_and_10_measures(world, login, make_measure):
    client = login(world.anna)
    make_measure()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("measures:list"))
    for n in range(9):
        make_measure(title=f"Åtgärd {n}", place=None if n % 2 else world.alvsjo_centrum)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(reverse("measures:list")).content.decode().count("<tr") == 11

    assert len(ten.captured_queries) == len(one.captured_queries)


def test_a_partner_lists_only_their_organisations_measures_and_cannot_create(
    world, login, make_measure
):
    make_measure(title="Fastighetens belysning")
    make_measure(title="SL:s kameror", kind="camera", technique="", responsible=world.orgs["sl"])

    response = login(world.rut).get(reverse("measures:list"))

    body = response.content.decode()
    assert "Fastighetens belysning" in body and "SL:s kameror" not in body
    assert reverse("measures:new") not in body
    assert login(world.rut).get(reverse("measures:new")).status_code == 403


def test_the_overdue_box_lists_the_users_overdue_measures(world, make_measure):
    late = make_measure(title="Sen belysning", start=dt.date(2020, 1, 1), due=dt.date(2020, 2, 1))
    services.measure_transition(measure=late, to="decided", by=world.anna)
    make_measure(title="I tid")

    today = dt.date(2026, 1, 1)
    html = render_to_string(
        "measures/partials/overdue.html",
        {"overdue_measures": queries.overdue(world.anna, today)},
    )
    assert "Sen belysning" in html and "I tid" not in html
    assert list(queries.overdue(world.olle, today)) == []


# Creating -------------------------------------------------------------------------


def test_a_coordinator_creates_a_measure_from_a_report(world, categories, login):
    report = accepted_report(world, categories, by=world.rut)
    client = login(world.anna)

    page = client.get(reverse("measures:new"), {"report": report.pk})
    body = page.content.decode()
    assert page.status_code == 200
    assert f'value="{report.pk}"' in body
    assert f'<option value="{world.alvsjo_centrum.pk}" selected>' in body
    assert "<optgroup" in body

    response = client.post(
        reverse("measures:new"),
        form_data(
            world,
            reports=[report.pk],
            categories=[categories["klotter"].pk],
            origin="report",
            origin_ref=str(report.pk),
        ),
    )

    assert response.status_code == 302, response.content.decode()
    measure = Measure.objects.get()
    assert response.url == reverse("measures:detail", args=[measure.pk])
    assert (measure.title, measure.responsible, measure.created_by) == (
        "Ny belysning vid elskåpet",
        world.orgs["property"],
        world.anna,
    )
    assert list(measure.partners.all()) == [world.orgs["sl"]]
    assert list(measure.reports.all()) == [report]
    report.refresh_from_db()
    assert report.status == ReportStatus.MEASURE_PLANNED


def test_a_hotspot_becomes_the_target_area_shown_on_a_map(world, login):
    hotspot = {
        "type": "Polygon",
        "coordinates": [
            [[18.0, 59.27], [18.01, 59.27], [18.01, 59.275], [18.0, 59.275], [18.0, 59.27]]
        ],
    }
    client = login(world.anna)

    body = client.get(
        reverse("measures:new"), {"hotspot": json.dumps(hotspot), "district": world.alvsjo.pk}
    ).content.decode()
    assert 'data-map data-geojson="measure-map-data"' in body
    assert 'id="measure-map-data"' in body
    # Strict CSP: scripts come from files, data only as JSON.
    for tag in re.findall(r"<script[^>]*>", body):
        assert " src=" in tag or 'type="application/json"' in tag

    response = client.post(
        reverse("measures:new"),
        form_data(world, target_area=json.dumps(hotspot), origin="hotspot", place=None),
    )
    assert response.status_code == 302
    assert Measure.objects.get().target_area == hotspot


def test_a_due_date_before_the_start_is_shown_beside_the_due_field(world, login):
    response = login(world.anna).post(
        reverse("measures:new"), form_data(world, start="2026-04-01", due="2026-03-01")
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert sv("The due date cannot be before the start.") in error_of(body, "due")
    assert not Measure.objects.exists()


def test_a_responsible_organisation_outside_the_district_is_refused(world, login):
    # petra runs both districts, so Hägersten's administration is a choice, but not for Älvsjö.
    response = login(world.petra).post(
        reverse("measures:new"),
        form_data(world, responsible=world.orgs["hagersten_sdf"].pk, partners=None),
    )

    assert response.status_code == 400
    assert "Hägerstens stadsdelsförvaltning" in error_of(response.content.decode(), "responsible")
    assert not Measure.objects.exists()


def test_a_technique_for_a_social_measure_is_refused(world, login):
    response = login(world.anna).post(reverse("measures:new"), form_data(world, kind="field_work"))

    assert response.status_code == 400
    assert error_of(response.content.decode(), "technique")
    assert not Measure.objects.exists()


def test_a_coordinator_cannot_create_in_another_district(world, login):
    response = login(world.olle).post(reverse("measures:new"), form_data(world))

    assert response.status_code == 400
    assert error_of(response.content.decode(), "district")
    assert not Measure.objects.exists()


# The page, its steps and its history -------------------------------------------------


def test_the_responsible_partner_sees_the_measure_and_sets_it_done(world, login, make_measure):
    measure = make_measure()
    services.measure_transition(measure=measure, to="decided", by=world.anna)
    client = login(world.rut)

    body = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert 'name="to" value="in_progress"' in body and 'name="to" value="done"' in body
    assert 'value="rejected"' not in body
    assert reverse("measures:edit", args=[measure.pk]) not in body
    assert reverse("measures:evaluation", args=[measure.pk]) in body

    response = client.post(reverse("measures:status", args=[measure.pk]), {"to": "done"})
    assert response.status_code == 302
    client.post(reverse("measures:progress", args=[measure.pk]), {"note": "Armaturerna uppsatta"})

    measure.refresh_from_db()
    assert (measure.status, measure.progress) == ("done", "Armaturerna uppsatta")


def test_a_partner_may_not_decide_or_edit(world, login, make_measure):
    measure = make_measure()
    client = login(world.rut)

    response = client.post(reverse("measures:status", args=[measure.pk]), {"to": "decided"})

    assert response.status_code == 403
    assert client.get(reverse("measures:edit", args=[measure.pk])).status_code == 403
    measure.refresh_from_db()
    assert measure.status == "proposed"


@pytest.mark.parametrize("who", ["sara", "olle", "gustav", "nobody"])
def test_others_get_404(world, login, make_measure, who):
    measure = make_measure()
    client = login(getattr(world, who))

    assert client.get(reverse("measures:detail", args=[measure.pk])).status_code == 404
    assert (
        client.post(reverse("measures:status", args=[measure.pk]), {"to": "done"}).status_code
        == 404
    )
    assert (
        client.post(reverse("measures:progress", args=[measure.pk]), {"note": "x"}).status_code
        == 404
    )


def test_a_partner_named_as_partner_sees_it_but_may_not_carry_it_out(world, login, make_measure):
    measure = make_measure()
    measure.partners.add(world.orgs["sl"])
    services.measure_transition(measure=measure, to="decided", by=world.anna)
    client = login(world.sara)

    body = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert 'name="to"' not in body
    assert (
        client.post(reverse("measures:status", args=[measure.pk]), {"to": "done"}).status_code
        == 403
    )


def test_rejecting_without_a_reason_is_refused_with_a_message(world, login, make_measure):
    measure = make_measure()
    client = login(world.anna)

    body = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert 'name="reason"' in body

    response = client.post(
        reverse("measures:status", args=[measure.pk]), {"to": "rejected"}, follow=True
    )
    assert sv("Give a reason; it is kept in the history.") in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == "proposed"

    client.post(
        reverse("measures:status", args=[measure.pk]), {"to": "rejected", "reason": "För dyrt"}
    )
    measure.refresh_from_db()
    assert (measure.status, measure.status_reason) == ("rejected", "För dyrt")


def test_the_history_shows_who_changed_the_status(world, login, make_measure):
    measure = make_measure()
    services.measure_transition(measure=measure, to="decided", by=world.anna)
    login(world.rut).post(reverse("measures:status", args=[measure.pk]), {"to": "in_progress"})

    body = login(world.anna).get(reverse("measures:detail", args=[measure.pk])).content.decode()

    table = body[body.index('class="measure-history"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == 3
    assert "Rut Testsson" in rows[2]
    with translation.override("sv"):
        assert f"{Status.DECIDED.label} → {Status.IN_PROGRESS.label}" in rows[2]
        assert capfirst(str(Measure._meta.get_field("status").verbose_name)) in rows[2]
    assert "Anna Testsson" in rows[1]


def test_the_detail_shows_only_reports_the_user_may_see(world, categories, login, make_measure):
    report = accepted_report(world, categories, by=world.rut)
    measure = make_measure()
    measure.reports.add(report)

    anna = login(world.anna).get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert reverse("reports:detail", args=[report.pk]) in anna


def test_the_coordinator_edits_the_measure(world, login, make_measure):
    measure = make_measure()
    client = login(world.anna)

    assert client.get(reverse("measures:edit", args=[measure.pk])).status_code == 200
    response = client.post(
        reverse("measures:edit", args=[measure.pk]),
        form_data(world, title="Ändrad titel", due="2026-05-31"),
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.due) == ("Ändrad titel", dt.date(2026, 5, 31))


# The reports' side ----------------------------------------------------------------------


def test_the_report_page_offers_a_measure_and_lists_those_it_contributed_to(
    world, categories, login, make_measure
):
    report = accepted_report(world, categories, by=world.rut)
    url = reverse("reports:detail", args=[report.pk])

    body = login(world.anna).get(url).content.decode()
    assert f"{reverse('measures:new')}?report={report.pk}" in body

    measure = make_measure(title="Klottersanering vid elskåpet", kind="graffiti", technique="")
    measure.reports.add(report)
    body = login(world.anna).get(url).content.decode()
    assert reverse("measures:detail", args=[measure.pk]) in body

    rut = login(world.rut).get(url).content.decode()
    assert "Klottersanering vid elskåpet" in rut
    assert reverse("measures:new") not in rut

    mine = login(world.rut).get(reverse("reports:mine")).content.decode()
    with translation.override("sv"):
        expected = gettext("Your report contributed to the measure “%(title)s” (%(status)s).") % {
            "title": "Klottersanering vid elskåpet",
            "status": str(measure.get_status_display()).lower(),
        }
    assert expected in mine


def test_the_public_status_page_names_the_measure_but_no_one(world, categories, client, login):
    report = accepted_report(world, categories, source=Source.RESIDENT, code="belysning")
    response = login(world.anna).post(
        reverse("measures:new"),
        form_data(
            world,
            title="Ny belysning i gångtunneln",
            responsible_person=world.rut.pk,
            reports=[report.pk],
        ),
    )
    assert response.status_code == 302
    client.logout()

    body = client.get(reverse("reports:status", args=[report.public_token])).content.decode()

    assert "Ny belysning i gångtunneln" in body
    for name in ("Rut", "Anna", "Testsson", "Fastighets AB Centrum"):
        assert name not in body


def test_ticked_reports_in_the_queue_become_one_measure(world, categories, login):
    ticked = [
        make_report(world, categories["klotter"], timezone.now() - dt.timedelta(hours=n))
        for n in (1, 2)
    ]
    anna = login(world.anna)
    queue = anna.get(reverse("reports:queue")).content.decode()
    assert 'form="measure-from-reports"' in queue

    form = anna.get(reverse("measures:new"), {"report": [r.pk for r in ticked]})

    assert form.status_code == 200
    assert {r.pk for r in form.context["linked_reports"]} == {r.pk for r in ticked}


def test_the_history_shows_changed_partners_and_linked_reports(
    world, categories, login, make_measure
):
    measure = make_measure(by=world.anna)
    report = accepted_report(world, categories, by=world.rut)
    services.measure_save(
        measure=measure,
        by=world.petra,
        partners=[world.orgs["sl"]],
        categories=[categories["belysning"]],
        reports=[report],
    )

    rows = queries.history(measure)

    assert [row.created for row in rows] == [True, False]
    changes = {change.label: (change.old, change.new) for change in rows[1].changes}
    with translation.override("sv"):
        label = str(Measure._meta.get_field("partners").verbose_name)
        reports = str(Measure._meta.get_field("reports").verbose_name)
    assert changes[label] == ("–", "SL")
    assert changes[reports] == ("0 rapporter", "1 rapport")
    assert rows[1].by == "Petra Testsson"
    assert measure.history.count() == 2

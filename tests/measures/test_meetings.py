import datetime as dt
import json

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO
from tests.situation.test_page import at, report
from trygg.measures import meetings, services
from trygg.measures.models import Meeting
from trygg.measures.workflow import Status
from trygg.situation.periods import Period


@pytest.fixture
def week():
    """A whole ISO week in the past, so that every report in it may be made."""
    return Period.containing(timezone.localdate() - dt.timedelta(days=14))


@pytest.fixture
def meeting(world, week):
    return services.meeting_open(district=world.alvsjo, week=week.start, by=world.anna)


@pytest.fixture
def this_week(world):
    return services.meeting_open(district=world.alvsjo, week=timezone.localdate(), by=world.anna)


def url(meeting, name="measures:meeting"):
    return reverse(name, args=[meeting.pk])


def pdf_text(body):
    document = pdfium.PdfDocument(body)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return " ".join(text.split())


def decided(make_measure, world, **fields):
    measure = make_measure(**fields)
    return services.measure_transition(measure=measure, to=Status.DECIDED, by=world.anna)


def test_this_weeks_meeting_is_opened_for_the_coordinator(world, login):
    response = login(world.anna).get(reverse("measures:meeting_this_week"))

    meeting = Meeting.objects.get(district=world.alvsjo)
    assert response.status_code == 302
    assert response["Location"] == url(meeting)
    today = timezone.localdate()
    assert meeting.week == today - dt.timedelta(days=today.weekday())


def test_this_weeks_meeting_of_another_district_is_not_found(world, login):
    response = login(world.olle).get(
        reverse("measures:meeting_this_week"), {"district": world.alvsjo.pk}
    )

    assert response.status_code == 404
    assert not Meeting.objects.exists()


def test_the_list_shows_the_districts_meetings_by_week(
    world, login, meeting, django_assert_max_num_queries
):
    client = login(world.anna)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("measures:meetings"))

    assert response.status_code == 200
    assert Period.containing(meeting.week).label in response.content.decode()
    assert url(meeting) in response.content.decode()
    assert reverse("measures:meeting_this_week") in response.content.decode()
    assert url(meeting) not in login(world.olle).get(reverse("measures:meetings")).content.decode()


def test_the_agenda_lists_an_overdue_measure(world, login, meeting, make_measure):
    today = timezone.localdate()
    late = decided(
        make_measure,
        world,
        title="Klipp buskarna vid stationen",
        start=today - dt.timedelta(days=30),
        due=today - dt.timedelta(days=1),
    )
    decided(
        make_measure,
        world,
        title="Ny belysning i parken",
        start=today - dt.timedelta(days=30),
        due=today + dt.timedelta(days=10),
    )

    agenda = meetings.agenda(meeting, world.anna, today)
    response = login(world.anna).get(url(meeting))

    assert [m["pk"] for m in agenda["overdue_measures"]["items"]] == [late.pk]
    assert response.status_code == 200
    assert "Klipp buskarna vid stationen" in response.content.decode()


def test_the_agenda_lists_a_place_with_three_reports_in_the_week(
    world, categories, login, meeting, week
):
    for hour in (9, 12, 15):
        report(world, categories["klotter"], at(week, hour=hour))
    report(world, categories["klotter"], at(week.previous()))

    agenda = meetings.agenda(meeting, world.anna, timezone.localdate())

    assert agenda["repeated_places"] == [
        {"pk": world.alvsjo_centrum.pk, "name": "Älvsjö centrum", "count": 3}
    ]
    page = login(world.anna).get(url(meeting)).content.decode()
    assert f"place={world.alvsjo_centrum.pk}" in page
    assert f"meeting={meeting.pk}" in page


def test_two_reports_at_a_place_are_not_repeated(world, categories, meeting, week):
    for hour in (9, 12):
        report(world, categories["klotter"], at(week, hour=hour))

    assert meetings.agenda(meeting, world.anna, timezone.localdate())["repeated_places"] == []


def test_the_agenda_lists_last_weeks_decisions_and_their_status(
    world, login, meeting, make_measure
):
    earlier = services.meeting_open(
        district=world.alvsjo, week=meeting.week - dt.timedelta(days=7), by=world.anna
    )
    measure = decided(make_measure, world, title="Väktare på lördagskvällar", meeting=earlier)

    agenda = meetings.agenda(meeting, world.anna, timezone.localdate())

    assert agenda["last_week"]["meeting"] == earlier.pk
    assert [(m["pk"], m["status"]) for m in agenda["last_week"]["decisions"]] == [
        (measure.pk, Status.DECIDED)
    ]
    assert "Väktare på lördagskvällar" in login(world.anna).get(url(meeting)).content.decode()


def test_the_agenda_is_plain_json(world, categories, this_week, make_measure):
    report(world, categories["klotter"], timezone.now() - dt.timedelta(minutes=5))
    decided(make_measure, world, meeting=this_week)

    agenda = meetings.agenda(this_week, world.anna, timezone.localdate())

    assert json.loads(json.dumps(agenda)) == agenda
    assert len(agenda["new_reports"]["items"]) == 1
    assert agenda["decided"][0]["responsible"] == "Fastighets AB Centrum"


def test_the_coordinator_saves_focus_places_participants_and_minutes(world, login, meeting):
    client = login(world.anna)
    response = client.post(
        url(meeting),
        {
            "focus_places": [world.alvsjo_centrum.pk],
            "participants": [world.orgs["sl"].pk, world.orgs["police"].pk],
            "minutes": "Polisen rapporterade om helgen.",
        },
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert list(meeting.focus_places.all()) == [world.alvsjo_centrum]
    assert set(meeting.participants.all()) == {world.orgs["sl"], world.orgs["police"]}
    assert meeting.minutes == "Polisen rapporterade om helgen."
    page = client.get(url(meeting)).content.decode()
    assert f'value="{world.alvsjo_centrum.pk}" data-place="{world.alvsjo_centrum.pk}" checked' in (
        page
    )


def test_a_focus_place_of_another_district_is_refused(world, login, meeting):
    response = login(world.anna).post(
        url(meeting), {"focus_places": [world.liljeholmen.pk], "minutes": "Utkast"}
    )

    assert response.status_code == 400
    assert not meeting.focus_places.exists()
    assert "Utkast" in response.content.decode()


def test_closing_freezes_the_meeting(world, categories, login, this_week, make_measure):
    report(world, categories["klotter"], timezone.now() - dt.timedelta(minutes=5))
    decided(make_measure, world, meeting=this_week)
    client = login(world.anna)
    client.post(url(this_week), {"minutes": "Beslut om belysning."})

    response = client.post(url(this_week, "measures:meeting_close"))

    assert response.status_code == 302
    this_week.refresh_from_db()
    assert this_week.closed and this_week.closed_by == world.anna
    assert bytes(this_week.pdf).startswith(b"%PDF")
    frozen = this_week.agenda
    assert len(frozen["new_reports"]["items"]) == 1

    report(world, categories["narkotika"], timezone.now() - dt.timedelta(minutes=1))
    live = meetings.agenda(this_week, world.anna, timezone.localdate())
    page = client.get(url(this_week))

    assert len(live["new_reports"]["items"]) == 2
    assert len(page.context["agenda"]["new_reports"]["items"]) == 1
    this_week.refresh_from_db()
    assert this_week.agenda == frozen
    body = page.content.decode()
    assert 'name="minutes"' not in body
    assert reverse("measures:meeting_close", args=[this_week.pk]) not in body
    assert "Beslut om belysning." in body


def test_a_closed_meeting_refuses_changes(world, login, meeting):
    client = login(world.anna)
    client.post(url(meeting), {"minutes": "Före."})
    client.post(url(meeting, "measures:meeting_close"))

    response = client.post(
        url(meeting), {"minutes": "Efter.", "focus_places": [world.alvsjo_centrum.pk]}
    )
    again = client.post(url(meeting, "measures:meeting_close"))

    assert response.status_code == 400
    assert "The meeting is closed" in response.content.decode() or "Mötet är stängt" in (
        response.content.decode()
    )
    assert again.status_code == 400
    meeting.refresh_from_db()
    assert meeting.minutes == "Före."
    assert not meeting.focus_places.exists()


def test_the_minutes_pdf_downloads(world, login, this_week, make_measure):
    decided(make_measure, world, title="Bättre belysning i gångtunneln", meeting=this_week)
    client = login(world.anna)
    client.post(
        url(this_week),
        {
            "participants": [world.orgs["police"].pk],
            "focus_places": [world.alvsjo_centrum.pk],
            "minutes": "Punkt #1: *viktigt* $x$ <b>\nNästa rad",
        },
    )
    client.post(url(this_week, "measures:meeting_close"))

    response = client.get(url(this_week, "measures:meeting_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Älvsjö" in text
    assert "Bättre belysning i gångtunneln" in text
    assert "Lokalpolisområde Söderort" in text
    assert "Protokoll" in text
    assert "Punkt #1: *viktigt* $x$ <b> Nästa rad" in text


def test_an_open_meeting_gives_a_draft_pdf(world, login, meeting):
    response = login(world.anna).get(url(meeting, "measures:meeting_pdf"))

    assert response.status_code == 200
    assert "Utkast" in pdf_text(response.content)


@pytest.mark.parametrize("name", ["measures:meeting", "measures:meeting_pdf"])
def test_another_districts_coordinator_gets_404(world, login, meeting, name):
    assert login(world.olle).get(url(meeting, name)).status_code == 404


def test_another_districts_coordinator_cannot_post(world, login, meeting):
    client = login(world.olle)

    assert client.post(url(meeting), {"minutes": "Nej"}).status_code == 404
    assert client.post(url(meeting, "measures:meeting_close")).status_code == 404
    meeting.refresh_from_db()
    assert not meeting.closed and meeting.minutes == ""


def test_a_participating_partner_reads_but_does_not_change(world, login, meeting):
    services.meeting_update(
        meeting=meeting, by=world.anna, participants=[world.orgs["sl"]], minutes="Läst"
    )
    client = login(world.sara)

    page = client.get(url(meeting))
    post = client.post(url(meeting), {"minutes": "Ändrat"})
    close = client.post(url(meeting, "measures:meeting_close"))

    assert page.status_code == 200
    assert 'name="minutes"' not in page.content.decode()
    assert "Läst" in page.content.decode()
    assert post.status_code == 403
    assert close.status_code == 403
    meeting.refresh_from_db()
    assert meeting.minutes == "Läst" and not meeting.closed


def test_a_partner_who_did_not_take_part_gets_404(world, login, meeting):
    assert login(world.sara).get(url(meeting)).status_code == 404


def test_a_new_hotspot_comes_with_its_places_and_a_measure_link(
    world, categories, login, meeting, week
):
    for n in range(10):
        report(world, categories["klotter"], at(week, hour=8 + n))
    report(world, categories["klotter"], at(week), where=IN_ALVSJO)

    agenda = meetings.agenda(meeting, world.anna, timezone.localdate())

    situation = agenda["situation"]
    assert situation["available"] and situation["summary"]
    assert situation["compared_with"] == "previous_week"
    assert situation["new_hotspots"]
    assert {"pk": world.alvsjo_centrum.pk, "name": "Älvsjö centrum"} in situation["new_hotspots"][
        0
    ]["places"]
    page = login(world.anna).get(url(meeting)).content.decode()
    assert "hotspot=" in page
    assert situation["url"] in page.replace("&amp;", "&")


def test_a_participant_does_not_see_the_closers_reports_in_the_frozen_agenda(
    world, categories, login, this_week
):
    """The agenda was frozen as Anna saw it; SL may not read a report not yet let through."""
    report(world, categories["narkotika"], timezone.now() - dt.timedelta(minutes=1))
    anna = login(world.anna)
    services.meeting_update(meeting=this_week, by=world.anna, participants=[world.orgs["sl"]])
    anna.post(url(this_week, "measures:meeting_close"))
    this_week.refresh_from_db()
    assert this_week.closed and this_week.agenda["new_reports"]["items"]

    sara = login(world.sara)
    page = sara.get(url(this_week)).content.decode()
    pdf = sara.get(url(this_week, "measures:meeting_pdf"))

    assert 'data-reports="new"' not in page
    assert "Enskilda rapporter visas bara" in page
    text = "".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(pdf.content))
    assert "Narkotikahandel" not in text
    assert bytes(this_week.pdf) != pdf.content

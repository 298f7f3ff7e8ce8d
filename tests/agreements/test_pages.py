"""Agreement pages: versions, the form's errors, the diff, the yearly follow-up, the city."""

import datetime as dt

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.reports.conftest import (
    IN_ALVSJO,
    IN_HAGERSTEN,
)
from tests.situation.test_page import report
from trygg.agreements import services
from trygg.agreements.models import Agreement, Priority, Responsibility
from trygg.measures import services as measure_services
from trygg.measures.models import Measure
from trygg.reports.catalogue import categories_seed
from trygg.reports.models import Category

LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def categories(world):
    categories_seed(city=world.stockholm)
    return {c.code: c for c in Category.objects.filter(city=world.stockholm)}


@pytest.fixture
def agreement(world):
    agreement = services.agreement_save(
        agreement=Agreement(
            district=world.alvsjo,
            police_area=world.police_area,
            title="Samverkansöverenskommelse Älvsjö",
            valid_from=dt.date(LAST_YEAR, 1, 1),
            valid_to=dt.date(LAST_YEAR + 2, 12, 31),
            signed_on=dt.date(LAST_YEAR, 1, 20),
        ),
        by=world.anna,
        signatories=[(world.anna, "Stadsdelsdirektör"), (world.petra, "Lokalpolisområdeschef")],
    )
    return agreement


def form_data(world, **fields):
    return {
        "district": world.alvsjo.pk,
        "police_area": world.police_area.pk,
        "title": "Samverkansöverenskommelse Älvsjö",
        "valid_from": f"{LAST_YEAR}-01-01",
        "valid_to": f"{LAST_YEAR + 1}-12-31",
        "signed_on": "",
        "followup_schedule": "Varje år i januari.",
        "signatories": [world.anna.pk],
        **fields,
    }


def at_noon(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_it_creates_an_agreement(world, login):
    response = login(world.anna).post(reverse("agreements:new"), form_data(world))
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:detail", args=[agreement.pk])
    assert [s.user for s in agreement.signatories.all()] == [world.anna]


def test_a_refused_overlap_is_said_in_swedish_beside_valid_from(world, login, agreement):
    response = login(world.anna).post(reverse("agreements:new"), form_data(world))

    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["valid_from"])
    assert "har redan en överenskommelse som gäller" in message
    assert f"{LAST_YEAR}-01-01" in message
    page = response.content.decode()
    field = page.index('name="valid_from"')
    assert page.index("har redan en överenskommelse", field) < page.index('name="valid_to"')
    assert Agreement.objects.count() == 1


def test_it_creates_a_revised_version(world, login, agreement):
    Priority.objects.create(
        agreement=agreement, number=1, problem="Narkotikahandel", indicator="Rapporter", target=90
    )
    response = login(world.anna).post(
        reverse("agreements:revise", args=[agreement.pk]),
        {
            "revision-valid_from": f"{LAST_YEAR + 1}-07-01",
            "revision-valid_to": f"{LAST_YEAR + 3}-06-30",
        },
    )
    revision = Agreement.objects.get(previous=agreement)
    assert response.status_code == 302
    assert revision.version == 2 and not revision.signed
    assert revision.priorities.get().problem == "Narkotikahandel"
    agreement.refresh_from_db()
    assert agreement.valid_to == dt.date(LAST_YEAR + 1, 6, 30)

    page = login(world.anna).get(reverse("agreements:detail", args=[revision.pk]))
    assert page.status_code == 200
    assert [v.version for v in page.context["versions"]] == [1, 2]


def test_the_diff_shows_a_changed_target(world, login, agreement):
    Priority.objects.create(
        agreement=agreement, number=1, problem="Narkotikahandel", indicator="Rapporter", target=90
    )
    revision = services.revise(
        agreement=agreement,
        by=world.anna,
        valid_from=dt.date(LAST_YEAR + 1, 7, 1),
        valid_to=dt.date(LAST_YEAR + 3, 6, 30),
    )
    revision.priorities.update(target=60)

    response = login(world.anna).get(reverse("agreements:diff", args=[revision.pk]))

    assert response.status_code == 200
    rows = [(before, after) for _what, before, after in response.context["rows"]]
    assert ("Narkotikahandel (Rapporter, 90)", "Narkotikahandel (Rapporter, 60)") in rows
    assert "Narkotikahandel (Rapporter, 60)" in response.content.decode()


def test_a_coordinator_adds_a_priority_and_a_responsibility(world, login, agreement, categories):
    client = login(world.anna)
    response = client.post(
        reverse("agreements:priority_new", args=[agreement.pk]),
        {
            "priority-number": 1,
            "priority-problem": "Narkotikahandel vid Älvsjö centrum",
            "priority-place": world.alvsjo_centrum.pk,
            "priority-categories": [categories["narkotika"].pk],
            "priority-indicator": "Rapporter om narkotika per år",
            "priority-baseline": 12,
            "priority-target": 6,
        },
    )
    assert response.status_code == 302
    priority = agreement.priorities.get()
    assert priority.target == 6 and list(priority.categories.all()) == [categories["narkotika"]]

    again = client.post(
        reverse("agreements:priority_new", args=[agreement.pk]),
        {"priority-number": 1, "priority-problem": "Klotter", "priority-indicator": "Rapporter"},
    )
    assert again.status_code == 400
    assert "number" in again.context["priority_form"].errors

    response = client.post(
        reverse("agreements:responsibility_new", args=[agreement.pk]),
        {
            "responsibility-organisation": world.orgs["police"].pk,
            "responsibility-topic": "Älvsjö centrum",
            "responsibility-duty": "Riktade insatser kvällstid",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert "Riktade insatser kvällstid" in page
    assert "origin=agreement_priority" in page and f"origin_ref={priority.pk}" in page


@pytest.fixture
def followed(world, agreement, categories):
    drugs, graffiti = categories["narkotika"], categories["klotter"]
    centre = Priority.objects.create(
        agreement=agreement,
        number=1,
        problem="Narkotikahandel vid Älvsjö centrum",
        place=world.alvsjo_centrum,
        indicator="Rapporter om narkotika",
        baseline=5,
        target=2,
    )
    centre.categories.set([drugs])
    district = Priority.objects.create(
        agreement=agreement,
        number=2,
        problem="Klotter i Älvsjö",
        indicator="Rapporter om klotter",
        target=5,
    )
    district.categories.set([graffiti])
    day = dt.date(LAST_YEAR, 3, 10)
    for n in range(3):
        report(world, drugs, at_noon(day + dt.timedelta(days=n)))
    report(world, drugs, at_noon(day), where=IN_ALVSJO)  # in the district, not the place
    report(world, drugs, at_noon(dt.date(LAST_YEAR - 1, 6, 1)))  # the year before
    report(world, graffiti, at_noon(day), where=IN_ALVSJO)
    report(world, graffiti, at_noon(day), where=IN_HAGERSTEN, by=world.petra, org="police")
    measure_services.measure_save(
        measure=Measure(
            kind="lighting",
            technique="natural_surveillance",
            district=world.alvsjo,
            place=world.alvsjo_centrum,
            responsible=world.orgs["property"],
            start=dt.date(LAST_YEAR, 4, 1),
            due=dt.date(LAST_YEAR, 6, 30),
            indicator="Färre rapporter",
            title="Kameraövervakning vid centrum",
            origin="agreement_priority",
            origin_ref=str(centre.pk),
        ),
        by=world.anna,
    )
    return agreement


def test_the_followup_counts_the_year_against_the_target(world, login, followed):
    response = login(world.anna).get(reverse("agreements:followup", args=[followed.pk, LAST_YEAR]))

    assert response.status_code == 200
    rows = {row.priority.number: row for row in response.context["rows"]}
    assert (rows[1].count, rows[1].met) == (3, False)
    assert (rows[2].count, rows[2].met) == (1, True)
    assert [m.title for m in rows[1].measures] == ["Kameraövervakning vid centrum"]
    page = response.content.decode()
    assert 'data-met="no"' in page and 'data-met="yes"' in page


def test_the_followup_renders_to_pdf(world, login, followed):
    response = login(world.anna).get(
        reverse("agreements:followup_pdf", args=[followed.pk, LAST_YEAR])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(response.content)
    text = " ".join(" ".join(p.get_textpage().get_text_range() for p in document).split())
    assert "Narkotikahandel vid Älvsjö centrum" in text
    assert "Målet nått" in text and "Kameraövervakning vid centrum" in text


def test_the_overview_lists_every_district_with_its_state(world, login, agreement):
    response = login(world.ingrid).get(reverse("agreements:overview"))
    assert response.status_code == 200
    states = {row.district.name: row.state for row in response.context["rows"]}
    assert states == {"Älvsjö": "signed", "Hägersten": "none"}
    assert "citizen_promises_and_collaborations" not in response.content.decode()


def test_the_overview_is_for_city_administrators(world, login):
    assert login(world.anna).get(reverse("agreements:overview")).status_code == 403


def test_another_districts_coordinator_gets_404(world, login, agreement):
    client = login(world.olle)
    assert client.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 404
    assert (
        client.get(reverse("agreements:followup", args=[agreement.pk, LAST_YEAR])).status_code
        == 404
    )
    assert client.get(reverse("agreements:list")).context["districts"] == []


def test_a_reader_without_change_cannot_add_a_priority(world, login, agreement):
    response = login(world.olle).post(
        reverse("agreements:priority_new", args=[agreement.pk]),
        {"priority-number": 1, "priority-problem": "X", "priority-indicator": "Y"},
    )
    assert response.status_code == 404
    assert not Priority.objects.exists()


def test_each_signatory_signs_as_a_title(world, login):
    client = login(world.anna)
    data = form_data(world, signatories=[world.anna.pk, world.petra.pk])
    data[f"role_{world.anna.pk}"] = "Stadsdelsdirektör"
    data[f"role_{world.petra.pk}"] = "Lokalpolisområdeschef"

    assert client.post(reverse("agreements:new"), data).status_code == 302

    agreement = Agreement.objects.get()
    roles = {s.user: s.role for s in agreement.signatories.all()}
    assert roles == {world.anna: "Stadsdelsdirektör", world.petra: "Lokalpolisområdeschef"}
    assert (
        "(Lokalpolisområdeschef)"
        in client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    )
    form = client.get(reverse("agreements:edit", args=[agreement.pk])).context["form"]
    assert form[f"role_{world.anna.pk}"].value() == "Stadsdelsdirektör"


def test_a_revised_version_stays_as_it_was(world, login, agreement):
    revision = services.revise(
        agreement=agreement,
        by=world.anna,
        valid_from=dt.date(LAST_YEAR + 1, 1, 1),
        valid_to=dt.date(LAST_YEAR + 2, 12, 31),
    )
    client = login(world.anna)

    added = client.post(
        reverse("agreements:priority_new", args=[agreement.pk]),
        {"priority-number": 1, "priority-problem": "Klotter", "priority-indicator": "Rapporter"},
    )
    assert added.status_code == 400
    assert "har reviderats" in " ".join(added.context["priority_form"].non_field_errors())
    assert not agreement.priorities.exists()

    again = client.post(
        reverse("agreements:revise", args=[agreement.pk]),
        {
            "revision-valid_from": f"{LAST_YEAR + 3}-01-01",
            "revision-valid_to": f"{LAST_YEAR + 3}-12-31",
        },
    )
    assert again.status_code == 400 and "valid_from" in again.context["form"].errors
    assert Agreement.objects.filter(previous=agreement).get() == revision

    edit = client.get(reverse("agreements:edit", args=[agreement.pk]))
    assert edit["Location"] == reverse("agreements:detail", args=[agreement.pk])
    page = client.get(reverse("agreements:detail", args=[agreement.pk]))
    assert not page.context["may_change"]
    assert reverse("agreements:edit", args=[agreement.pk]) not in page.content.decode()


def test_priorities_and_responsibilities_stay_in_the_district(world, agreement, categories):
    with pytest.raises(ValidationError) as error:
        services.priority_save(
            priority=Priority(
                agreement=agreement, number=1, problem="X", indicator="Y", place=world.liljeholmen
            ),
            by=world.anna,
        )
    assert "place" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.responsibility_save(
            row=Responsibility(
                agreement=agreement,
                organisation=world.orgs["hagersten_sdf"],
                topic="Liljeholmen",
                duty="Allt",
            ),
            by=world.anna,
        )
    assert "Hägerstens stadsdelsförvaltning" in error.value.message_dict["organisation"][0]
    with pytest.raises(PermissionDenied):
        services.priority_save(
            priority=Priority(agreement=agreement, number=1, problem="X", indicator="Y"),
            by=world.olle,
        )
    assert not agreement.priorities.exists() and not agreement.responsibilities.exists()


def test_a_year_before_the_reports_begin_is_not_counted_as_met(world, login, followed):
    response = login(world.anna).get(reverse("agreements:followup", args=[followed.pk, LAST_YEAR]))
    assert response.context["reports_begin"] == dt.date(LAST_YEAR - 1, 6, 1)
    followed.valid_from = dt.date(LAST_YEAR - 2, 1, 1)
    followed.save()

    before = login(world.anna).get(
        reverse("agreements:followup", args=[followed.pk, LAST_YEAR - 2])
    )

    assert [(row.count, row.met) for row in before.context["rows"]] == [(None, None)] * 2
    page = before.content.decode()
    assert 'data-coverage="none"' in page and 'data-met="yes"' not in page
    partial = login(world.anna).get(
        reverse("agreements:followup", args=[followed.pk, LAST_YEAR - 1])
    )
    assert 'data-coverage="part"' in partial.content.decode()


def test_the_parties_write_the_years_conclusions(world, login, followed):
    url = reverse("agreements:followup", args=[followed.pk, LAST_YEAR])
    client = login(world.anna)

    empty = client.post(url, {"assessment": "  "})
    assert empty.status_code == 400 and "assessment" in empty.context["form"].errors
    assert not followed.followups.exists()

    assert (
        client.post(url, {"assessment": "Handeln har flyttat till\nstationen."}).status_code == 302
    )
    assert (
        client.post(url, {"assessment": "Handeln har flyttat till stationen."}).status_code == 302
    )

    written = followed.followups.get()
    assert (written.year, written.written_by) == (LAST_YEAR, world.anna)
    assert "Handeln har flyttat till stationen." in client.get(url).content.decode()
    pdf = client.get(reverse("agreements:followup_pdf", args=[followed.pk, LAST_YEAR]))
    document = pdfium.PdfDocument(pdf.content)
    text = " ".join(" ".join(p.get_textpage().get_text_range() for p in document).split())
    assert "Parternas slutsatser" in text and "Handeln har flyttat till stationen." in text

    assert login(world.olle).post(url, {"assessment": "Nej"}).status_code == 404
    assert followed.followups.get().assessment == "Handeln har flyttat till stationen."

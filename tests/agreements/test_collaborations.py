"""Citizen promises and place collaborations: period rules, who sees a collaboration, the
indicator, the district's public page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO, categories  # noqa: F401
from tests.situation.test_page import report
from trygg.agreements import collaborations
from trygg.agreements.models import CitizenPromise, CollaborationContact, PlaceCollaboration
from trygg.core import policy


def promise(world, **fields):
    values = {
        "district": world.alvsjo,
        "police_area": world.police_area,
        "title": "Tryggare Älvsjö centrum",
        "text": "Vi ska minska narkotikahandeln vid Älvsjö centrum.",
        "activities": "Fler kvällspatruller.",
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": dt.date(2026, 12, 31),
        "followup": "Patrullerna har ökat.",
        "public": True,
        **fields,
    }
    return CitizenPromise(**values)


def collaboration_at(world, place, *, lead="police", partners=("sl", "property"), cats=()):
    return collaborations.collaboration_save(
        collaboration=PlaceCollaboration(
            place=place,
            goal=f"Stoppa narkotikahandeln vid {place.name}",
            lead=world.orgs[lead],
            started_on=dt.date(2026, 3, 1),
        ),
        by=world.ingrid if place.district != world.alvsjo else world.anna,
        partners=[world.orgs[p] for p in partners],
        categories=cats,
    )


@pytest.fixture
def centrum(world, categories):  # noqa: F811
    collaboration = collaboration_at(world, world.alvsjo_centrum, cats=[categories["narkotika"]])
    collaborations.contact_save(
        contact=CollaborationContact(
            collaboration=collaboration,
            organisation=world.orgs["sl"],
            name="Stina Trafik",
            role="Trygghetssamordnare",
            phone="08-123 45",
        ),
        by=world.petra,
    )
    collaborations.meeting_add(
        collaboration=collaboration,
        by=world.petra,
        held_on=dt.date(2026, 4, 2),
        agenda="Läget vid tunnelbanan",
        decisions="Ny belysning vid uppgången",
    )
    return collaboration


@pytest.fixture
def liljeholmen(world):
    """Another place's collaboration, without SL."""
    collaboration = collaboration_at(world, world.liljeholmen, partners=("hagersten_sdf",))
    collaborations.contact_save(
        contact=CollaborationContact(
            collaboration=collaboration,
            organisation=world.orgs["hagersten_sdf"],
            name="Hemlig Kontakt",
        ),
        by=world.petra,
    )
    return collaboration


# Promises ----------------------------------------------------------------------------


def test_a_promise_period_must_not_end_before_it_starts(world):
    with pytest.raises(ValidationError) as error:
        collaborations.promise_save(
            promise=promise(world, valid_to=dt.date(2025, 12, 31)), by=world.anna
        )
    assert "valid_to" in error.value.message_dict


def test_the_database_refuses_a_reversed_promise_period(world):
    reversed_period = promise(world, city=world.stockholm, valid_to=dt.date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        reversed_period.save()


def test_the_public_district_page_lists_public_promises_only(world, client):
    collaborations.promise_save(promise=promise(world), by=world.anna)
    collaborations.promise_save(
        promise=promise(world, title="Internt utkast", public=False), by=world.anna
    )
    response = client.get(reverse("walks:public_district", args=[world.alvsjo.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Tryggare Älvsjö centrum" in text and "Patrullerna har ökat." in text
    assert "Internt utkast" not in text


def test_promises_are_for_those_who_run_the_district(world, login):
    saved = collaborations.promise_save(promise=promise(world), by=world.anna)
    assert (
        login(world.anna).get(reverse("collaborations:promise", args=[saved.pk])).status_code == 200
    )
    assert (
        login(world.sara).get(reverse("collaborations:promise", args=[saved.pk])).status_code == 404
    )


# Collaborations ----------------------------------------------------------------------


def test_a_contact_must_belong_to_a_party(world, centrum):
    with pytest.raises(ValidationError) as error:
        collaborations.contact_save(
            contact=CollaborationContact(
                collaboration=centrum, organisation=world.orgs["hagersten_sdf"], name="X"
            ),
            by=world.anna,
        )
    assert "organisation" in error.value.message_dict


def test_the_partner_sees_its_collaboration_meetings_and_contacts(world, login, centrum):
    client = login(world.sara)
    response = client.get(reverse("collaborations:detail", args=[centrum.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Läget vid tunnelbanan" in text and "Ny belysning vid uppgången" in text
    assert "Stina Trafik" in text
    contacts = client.get(reverse("collaborations:contacts", args=[centrum.pk]))
    assert contacts.status_code == 200 and "Stina Trafik" in contacts.content.decode()
    listed = client.get(reverse("collaborations:list")).context["collaborations"]
    assert listed == [centrum]


def test_the_partner_gets_404_for_another_places_collaboration(world, login, liljeholmen):
    client = login(world.sara)
    assert client.get(reverse("collaborations:detail", args=[liljeholmen.pk])).status_code == 404
    assert client.get(reverse("collaborations:contacts", args=[liljeholmen.pk])).status_code == 404
    assert not policy.visible(world.sara, type(liljeholmen.contacts.get())).exists()


def test_outsiders_get_404(world, login, centrum):
    for person in (world.olle, world.gustav, world.nobody, world.maja):
        response = login(person).get(reverse("collaborations:contacts", args=[centrum.pk]))
        assert response.status_code == 404, person


def test_a_partner_may_not_record_meetings_but_the_lead_may(world, login, centrum):
    url = reverse("collaborations:meeting_add", args=[centrum.pk])
    data = {"held_on": "2026-05-05", "agenda": "Uppföljning", "minutes": "", "decisions": ""}
    assert login(world.sara).post(url, data).status_code == 403
    assert login(world.petra).post(url, data).status_code == 302
    assert centrum.meetings.count() == 2


def test_the_partner_opens_the_places_situation_picture(world, login, centrum):
    response = login(world.sara).get(
        reverse("situation:picture"),
        {"district": world.alvsjo.pk, "place": world.alvsjo_centrum.pk},
    )
    assert response.status_code == 200
    detail = login(world.sara).get(reverse("collaborations:detail", args=[centrum.pk]))
    assert detail.context["picture_url"].endswith(
        f"?district={world.alvsjo.pk}&place={world.alvsjo_centrum.pk}"
    )


def _noon(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_the_indicator_counts_reports_at_the_place_per_month(world, categories, centrum):  # noqa: F811
    drugs, graffiti = categories["narkotika"], categories["klotter"]
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    earlier = (last_month - dt.timedelta(days=1)).replace(day=1)
    for n in range(3):
        report(world, drugs, _noon(last_month + dt.timedelta(days=n + 1)))
    report(world, drugs, _noon(earlier + dt.timedelta(days=3)))
    report(world, graffiti, _noon(last_month + dt.timedelta(days=2)))  # not an indicator
    report(world, drugs, _noon(last_month + dt.timedelta(days=2)), where=IN_ALVSJO)  # elsewhere

    months = {m.month: m for m in collaborations.indicator(user=world.anna, collaboration=centrum)}
    assert len(months) == 24
    assert months[last_month].count == 3
    assert months[earlier].count == 1
    shared = {m.month: m for m in collaborations.indicator(user=world.sara, collaboration=centrum)}
    assert shared[last_month].count == 3 and shared[earlier].count is None


def test_the_detail_page_draws_the_indicator_with_the_start_marked(world, login, centrum):
    centrum.started_on = timezone.localdate().replace(day=1) - dt.timedelta(days=40)
    centrum.save()
    response = login(world.anna).get(reverse("collaborations:detail", args=[centrum.pk]))
    assert response.status_code == 200
    assert response.context["chart"].startswith("data:image/svg+xml;base64,")
    assert sum(m.started for m in response.context["months"]) == 1
    assert "origin=place_collaboration" in response.context["measure_url"]

"""The weekly digest: one mail per responsible person, only their own measures."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from trygg.core.models import Membership
from trygg.measures import services
from trygg.measures.digest import digests, send_digests
from trygg.measures.models import Measure

MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def decided(world, make_measure):
    """A measure made by the district's coordinator and decided at once."""

    def make(by=None, **fields):
        measure = make_measure(by=by, **fields)
        services.measure_transition(measure=measure, to="decided", by=by or world.anna)
        return measure

    return make


def _mail_to(messages, user):
    found = [m for m in messages if m.to == [user.email]]
    assert len(found) == 1, [m.to for m in messages]
    return found[0]


def test_each_person_gets_one_mail_with_only_their_own_measures(world, decided):
    overdue = decided(title="Klotter saneras", responsible_person=world.rut)
    soon = decided(
        title="Kvällspatrull vid torget",
        kind="patrol",
        technique="",
        responsible=world.orgs["police"],
        responsible_person=world.petra,
        due=MONDAY + dt.timedelta(days=5),
    )
    theirs = decided(
        by=world.olle,
        title="Belysning vid Liljeholmstorget",
        district=world.hagersten,
        place=world.liljeholmen,
        responsible=world.orgs["hagersten_sdf"],
        responsible_person=world.olle,
    )

    messages = digests(MONDAY)

    assert sorted(m.to[0] for m in messages) == sorted(
        u.email for u in (world.rut, world.petra, world.olle)
    )
    rut = _mail_to(messages, world.rut)
    assert overdue.title in rut.body and f"/measures/{overdue.pk}/" in rut.body
    assert soon.title not in rut.body and theirs.title not in rut.body
    petra = _mail_to(messages, world.petra)
    assert soon.title in petra.body
    assert overdue.title not in petra.body and theirs.title not in petra.body
    olle = _mail_to(messages, world.olle)
    assert theirs.title in olle.body and overdue.title not in olle.body


def test_people_with_nothing_overdue_or_due_get_nothing(world, decided, make_measure):
    decided(responsible_person=world.rut, due=MONDAY + dt.timedelta(days=8))
    make_measure(title="Bara föreslagen", responsible_person=world.rut)
    done = decided(title="Redan klar", responsible_person=world.rut)
    services.measure_transition(measure=done, to="done", by=world.rut)

    assert digests(MONDAY) == []


def test_without_a_responsible_person_the_organisations_coordinators_hear_of_it(world, decided):
    measure = decided(
        title="Ökad polisnärvaro",
        kind="patrol",
        technique="",
        responsible=world.orgs["police"],
    )
    # Rut has left the property owner: her measure goes to its coordinators, of which
    # it has none, and never to her.
    left = decided(title="Extra tömning", responsible_person=world.rut)
    Membership.objects.filter(user=world.rut).delete()

    messages = digests(MONDAY)

    assert [m.to for m in messages] == [[world.petra.email]]
    assert measure.title in messages[0].body and left.title not in messages[0].body


def test_a_person_with_two_organisations_gets_one_mail(world, decided):
    Membership.objects.create(
        user=world.petra, organisation=world.orgs["property"], role="reporter"
    )
    decided(title="Polisens åtgärd", kind="patrol", technique="", responsible=world.orgs["police"])
    decided(title="Fastighetens åtgärd", responsible_person=world.petra)

    messages = digests(MONDAY)

    assert len(messages) == 1
    assert "Polisens åtgärd" in messages[0].body and "Fastighetens åtgärd" in messages[0].body


def test_links_are_absolute_from_the_site_url(world, decided, settings):
    settings.TRYGG_SITE_URL = "https://trygg.example.se/"
    measure = decided(responsible_person=world.rut)

    (message,) = digests(MONDAY)

    assert f"https://trygg.example.se/measures/{measure.pk}/" in message.body


def test_sending_puts_the_mails_in_the_outbox(world, decided):
    decided(responsible_person=world.rut)
    decided(title="Patrull", kind="patrol", technique="", responsible=world.orgs["police"])

    assert send_digests(MONDAY) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.rut.email, world.petra.email])


def test_the_command_sends_them_for_the_day_given(world, decided):
    decided(responsible_person=world.rut)

    call_command("measures_digest", "--date", MONDAY.isoformat())
    assert len(mail.outbox) == 1
    call_command("measures_digest", "--date", "2026-01-05")
    assert len(mail.outbox) == 1
    assert Measure.objects.count() == 1

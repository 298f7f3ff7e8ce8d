"""Cooperation agreements: versions, signatories of the parties, one valid agreement at a time."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from trygg.agreements import services
from trygg.agreements.models import Agreement, Priority, Responsibility


def draft(world, **fields):
    values = {
        "district": world.alvsjo,
        "police_area": world.police_area,
        "title": "Samverkansöverenskommelse Älvsjö",
        "valid_from": dt.date(2017, 1, 1),
        "valid_to": dt.date(2018, 12, 31),
        "signed_on": dt.date(2017, 1, 20),
        **fields,
    }
    return Agreement(**values)


@pytest.fixture
def signed(world):
    agreement = services.agreement_save(
        agreement=draft(world),
        by=world.anna,
        signatories=[(world.anna, "Stadsdelsdirektör"), (world.petra, "Lokalpolisområdeschef")],
    )
    Priority.objects.create(
        agreement=agreement,
        number=1,
        problem="Narkotikahandel vid Älvsjö centrum",
        indicator="Narkotikarapporter per år",
        baseline=120,
        target=90,
    )
    Responsibility.objects.create(
        agreement=agreement,
        organisation=world.orgs["police"],
        topic="Älvsjö centrum",
        duty="Riktade insatser kvällstid",
    )
    return agreement


def test_the_parties_sign(world, signed):
    assert {(s.user, s.organisation) for s in signed.signatories.all()} == {
        (world.anna, world.orgs["alvsjo_sdf"]),
        (world.petra, world.orgs["police"]),
    }


def test_a_period_ending_before_it_starts_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.agreement_save(
            agreement=draft(world, valid_to=dt.date(2016, 12, 31)), by=world.anna
        )
    assert "valid_to" in error.value.message_dict
    assert not Agreement.objects.exists()


def test_a_signatory_outside_the_parties_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.agreement_save(
            agreement=draft(world), by=world.anna, signatories=[(world.rut, "")]
        )
    assert "signatories" in error.value.message_dict


def test_a_second_valid_agreement_at_the_same_time_is_refused(world, signed):
    with pytest.raises(ValidationError) as error:
        services.agreement_save(
            agreement=draft(world, valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2019, 12, 31)),
            by=world.anna,
        )
    assert "valid_from" in error.value.message_dict
    assert Agreement.objects.count() == 1


def test_a_revision_is_a_new_version_and_closes_the_earlier(world, signed):
    revision = services.revise(
        agreement=signed,
        by=world.anna,
        valid_from=dt.date(2018, 1, 1),
        valid_to=dt.date(2019, 12, 31),
    )
    revision.priorities.filter(number=1).update(target=80)

    signed.refresh_from_db()
    assert (revision.version, revision.previous) == (2, signed)
    assert signed.valid_to == dt.date(2017, 12, 31)
    assert revision.responsibilities.count() == 1 and not revision.signed
    changes = dict((what, (a, b)) for what, a, b in services.differences(signed, revision))
    assert changes["Prioritering 1"] == (
        "Narkotikahandel vid Älvsjö centrum (Narkotikarapporter per år, 90)",
        "Narkotikahandel vid Älvsjö centrum (Narkotikarapporter per år, 80)",
    )
    assert "giltig från" in changes


def test_only_those_who_run_the_district_write_agreements(world):
    for person in (world.olle, world.rut, world.sara):
        with pytest.raises(PermissionDenied):
            services.agreement_save(agreement=draft(world), by=person)

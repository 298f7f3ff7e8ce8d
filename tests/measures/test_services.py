"""A measure's life: who may decide it, who carries it out, what is refused and why."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from trygg.measures import services
from trygg.measures.models import Measure, Meeting


def test_the_coordinator_decides_and_the_owner_carries_it_out(world, make_measure):
    measure = make_measure()
    services.measure_transition(measure=measure, to="decided", by=world.anna)

    services.measure_transition(measure=measure, to="in_progress", by=world.rut)
    services.measure_transition(measure=measure, to="done", by=world.rut)

    measure.refresh_from_db()
    assert measure.status == "done"
    steps = [(h.status, h.history_user) for h in measure.history.order_by("history_date")]
    assert steps == [
        ("proposed", world.anna),
        ("decided", world.anna),
        ("in_progress", world.rut),
        ("done", world.rut),
    ]


def test_the_owner_may_not_decide_or_reject(world, make_measure):
    measure = make_measure()
    with pytest.raises(PermissionDenied):
        services.measure_transition(measure=measure, to="decided", by=world.rut)
    with pytest.raises(PermissionDenied):
        services.measure_transition(measure=measure, to="in_progress", by=world.sara)


def test_rejecting_needs_a_reason_and_skipping_steps_is_refused(world, make_measure):
    measure = make_measure()
    with pytest.raises(ValidationError) as error:
        services.measure_transition(measure=measure, to="rejected", by=world.anna)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.measure_transition(measure=measure, to="followed_up", by=world.anna)
    assert "status" in error.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"due": dt.date(2026, 1, 1)}, "due"),
        ({"kind": "field_work"}, "technique"),
        ({"place": "liljeholmen"}, "place"),
        ({"responsible": "angered_sdf"}, "responsible"),
        ({"comparison_district": "alvsjo"}, "comparison_district"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, make_measure, fields, field):
    resolved = {
        k: getattr(world, v, None) or world.orgs.get(v) if isinstance(v, str) and k != "kind" else v
        for k, v in fields.items()
    }
    with pytest.raises(ValidationError) as error:
        make_measure(**resolved)
    assert field in error.value.message_dict
    assert not Measure.objects.exists()


def test_a_comparison_district_beside_the_target_is_accepted(world, make_measure):
    measure = make_measure(comparison_district=world.hagersten)
    assert measure.comparison_district == world.hagersten


def test_only_the_districts_coordinators_create_measures(world, make_measure):
    for person in (world.olle, world.rut, world.sara):
        with pytest.raises(PermissionDenied):
            make_measure(by=person)


def test_a_closed_meeting_is_frozen(world):
    meeting = services.meeting_open(district=world.alvsjo, week=dt.date(2026, 3, 4), by=world.anna)
    assert meeting.week == dt.date(2026, 3, 2)
    services.meeting_update(meeting=meeting, by=world.anna, minutes="Beslut: mer ljus.")
    services.meeting_close(meeting=meeting, by=world.anna, agenda={"items": []}, pdf=b"%PDF-")

    with pytest.raises(ValidationError) as error:
        services.meeting_update(meeting=meeting, by=world.anna, minutes="Ändrat i efterhand.")
    assert "meeting" in error.value.message_dict
    assert Meeting.objects.get().minutes == "Beslut: mer ljus."

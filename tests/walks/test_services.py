"""A safety walk's findings: stored once, flagged when off the route, answered by their owner."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from trygg.reports.models import Report, Source
from trygg.walks import services
from trygg.walks.models import Finding


def record(walk, by, key="k1", lon=18.010, lat=59.2776, **kw):
    return services.finding_record(
        walk=walk, by=by, key=key, lon=lon, lat=lat, score=kw.pop("score", 2), **kw
    )


def test_the_same_entry_sent_twice_is_stored_once(world, walk):
    first, new = record(walk, world.anna, factors=["lighting"], text="Mörk passage")
    again, new_again = record(walk, world.anna, factors=["lighting"], text="Mörk passage")

    assert (new, new_again) == (True, False)
    assert first.pk == again.pk and Finding.objects.count() == 1


def test_a_finding_off_the_route_is_kept_and_flagged(world, walk):
    near, _ = record(walk, world.anna, key="near")
    far, _ = record(walk, world.anna, key="far", lon=17.99, lat=59.265)

    assert not near.outside and far.outside
    assert Finding.objects.count() == 2


def test_an_invited_organisation_records_and_others_may_not(world, walk):
    finding, _ = record(walk, world.petra, key="police")
    assert finding.recorded_by == world.petra
    with pytest.raises(PermissionDenied):
        record(walk, world.sara, key="sl")


@pytest.mark.parametrize(("score", "field"), [(0, "score"), (6, "score"), ("x", "score")])
def test_a_bad_score_is_refused_naming_the_field(world, walk, score, field):
    with pytest.raises(ValidationError) as error:
        record(walk, world.anna, score=score)
    assert field in error.value.message_dict
    assert not Finding.objects.exists()


def test_the_owner_is_suggested_by_factor_and_only_the_owner_answers(world, walk):
    finding, _ = record(walk, world.anna, factors=["graffiti"])
    assert finding.owner == world.orgs["property"]

    with pytest.raises(PermissionDenied):
        services.finding_answer(finding=finding, by=world.petra, answer="already_done")
    with pytest.raises(ValidationError) as error:
        services.finding_answer(finding=finding, by=world.rut, answer="will_do")
    assert "answer_date" in error.value.message_dict

    services.finding_answer(
        finding=finding, by=world.rut, answer="will_do", date=dt.date(2026, 12, 15)
    )
    finding.refresh_from_db()
    assert (finding.answer, finding.answered_by) == ("will_do", world.rut)


def test_publishing_puts_the_findings_in_the_situation_picture(world, categories, walk):
    lamp, _ = record(walk, world.anna, key="lamp", factors=["lighting"])
    dark, _ = record(walk, world.anna, key="dark", factors=["people"])

    services.walk_publish(walk=walk, by=world.anna)

    walk.refresh_from_db()
    assert walk.published
    reports = Report.objects.filter(source=Source.WALK)
    assert {r.category.code for r in reports} == {"belysning", "otrygg-plats"}
    assert all(r.status == "accepted" for r in reports)
    with pytest.raises(PermissionDenied):
        record(walk, world.anna, key="late")


def test_an_edited_finding_is_followed_by_its_observation(world, categories, walk):
    lamp, _ = record(walk, world.anna, key="lamp", factors=["lighting"], text="Mörkt")
    services.walk_publish(walk=walk, by=world.anna)
    lamp.refresh_from_db()

    services.finding_edit(
        finding=lamp,
        by=world.anna,
        text="Klotter på elskåpet",
        score=2,
        factors=["graffiti"],
        owner=None,
        stop=None,
    )

    report = Report.objects.get(pk=lamp.report_id)
    assert (report.category.code, report.description) == ("klotter", "Klotter på elskåpet")
    event = report.events.get(kind="corrected")
    assert event.by == world.anna and event.changes["description"] == [
        "Mörkt",
        "Klotter på elskåpet",
    ]


def test_public_places_are_capped(world, walk):
    services.signup(walk=walk, name="Eva", email="eva@example.se")
    with pytest.raises(ValidationError) as twice:
        services.signup(walk=walk, name="Eva", email="EVA@example.se")
    assert "email" in twice.value.message_dict
    services.signup(walk=walk, name="Omar", email="omar@example.se")
    with pytest.raises(ValidationError) as full:
        services.signup(walk=walk, name="Lina", email="lina@example.se")
    assert "walk" in full.value.message_dict


def test_a_resident_who_signs_up_gets_a_confirmation(
    world, walk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.signup(walk=walk, name="Eva", email="eva@example.se")

    assert [m.to for m in mail.outbox] == [["eva@example.se"]]
    assert "Trygghetsvandring Älvsjö centrum" in mail.outbox[0].subject
    assert "Vid pendeltågsentrén" in mail.outbox[0].body and "Hej Eva" in mail.outbox[0].body

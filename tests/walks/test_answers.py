"""The owners' answers: the list of assigned findings, the answer page, and the measure made
from a finding, linked both ways."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trygg.core.navigation import menu_for
from trygg.measures import queries as measure_queries
from trygg.measures import services as measure_services
from trygg.measures.models import Measure
from trygg.walks import services
from trygg.walks.models import Finding


def record(walk, by, key, **kw):
    finding, _ = services.finding_record(
        walk=walk,
        by=by,
        key=key,
        lon=kw.pop("lon", 18.010),
        lat=kw.pop("lat", 59.2776),
        score=kw.pop("score", 2),
        **kw,
    )
    return finding


@pytest.fixture
def graffiti(world, walk):
    """Assigned to the property owner by its factor."""
    return record(walk, world.anna, "graffiti", factors=["graffiti"], text="Klotter på elskåpet")


@pytest.fixture
def dark(world, walk):
    """Assigned to the police by its factor."""
    return record(walk, world.anna, "dark", factors=["people"], text="Folk samlas i mörkret")


def answer_url(finding):
    return reverse("walks:answer", args=[finding.pk])


def test_the_owner_answers_on_the_page(world, login, graffiti):
    client = login(world.rut)

    page = client.get(answer_url(graffiti))
    assert page.status_code == 200
    assert "Klotter på elskåpet" in page.content.decode()

    response = client.post(
        answer_url(graffiti),
        {"answer": "will_do", "answer_date": "2026-12-15", "answer_text": "Saneras i veckan."},
    )

    assert response.status_code == 302
    assert response.url == reverse("walks:assigned")
    graffiti.refresh_from_db()
    assert graffiti.answer == Finding.Answer.WILL_DO
    assert graffiti.answer_date == dt.date(2026, 12, 15)
    assert (graffiti.answer_text, graffiti.answered_by) == ("Saneras i veckan.", world.rut)


def test_another_organisations_user_who_sees_the_finding_is_refused(world, login, graffiti):
    # The police are invited to the walk and see its findings, but this one is not theirs.
    client = login(world.petra)

    assert client.get(answer_url(graffiti)).status_code == 403
    response = client.post(answer_url(graffiti), {"answer": "already_done"})

    assert response.status_code == 403
    graffiti.refresh_from_db()
    assert graffiti.answer == ""


@pytest.mark.parametrize("who", ["sara", "olle", "gustav", "nobody"])
def test_a_user_who_cannot_see_the_finding_gets_not_found(world, login, graffiti, who):
    client = login(world.people[who])

    assert client.get(answer_url(graffiti)).status_code == 404
    assert client.post(answer_url(graffiti), {"answer": "already_done"}).status_code == 404


def test_the_pages_need_a_login(client, graffiti):
    assert client.get(answer_url(graffiti)).status_code == 302
    assert client.get(reverse("walks:assigned")).status_code == 302


def test_will_do_without_a_date_is_refused_naming_the_date(world, login, graffiti):
    response = login(world.rut).post(answer_url(graffiti), {"answer": "will_do"})

    assert response.status_code == 400
    assert "answer_date" in response.context["form"].errors
    assert "Ange när det ska vara klart." in response.content.decode()
    graffiti.refresh_from_db()
    assert graffiti.answer == ""


def test_wont_do_without_a_reason_is_refused_naming_the_text(world, login, graffiti):
    response = login(world.rut).post(answer_url(graffiti), {"answer": "wont_do"})

    assert response.status_code == 400
    assert "answer_text" in response.context["form"].errors


def test_the_list_shows_only_the_own_organisations_findings(world, login, graffiti, dark):
    page = login(world.rut).get(reverse("walks:assigned"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Klotter på elskåpet" in body and answer_url(graffiti) in body
    assert "Folk samlas i mörkret" not in body and answer_url(dark) not in body

    police = login(world.petra).get(reverse("walks:assigned")).content.decode()
    assert "Folk samlas i mörkret" in police and "Klotter på elskåpet" not in police


def test_the_list_puts_the_unanswered_first(world, login, walk):
    first = record(walk, world.anna, "a", factors=["graffiti"], text="Först besvarad")
    record(walk, world.anna, "b", factors=["graffiti"], text="Ännu obesvarad")
    services.finding_answer(finding=first, by=world.rut, answer="already_done")

    body = login(world.rut).get(reverse("walks:assigned")).content.decode()

    assert body.index("Ännu obesvarad") < body.index("Först besvarad")


def test_the_list_costs_the_same_queries_for_more_findings(world, login, walk):
    client = login(world.rut)
    record(walk, world.anna, "one", factors=["graffiti"])
    client.get(reverse("walks:assigned"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("walks:assigned"))
    for n in range(4):
        record(walk, world.anna, f"more-{n}", factors=["maintenance"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("walks:assigned"))

    assert len(many) == len(few)


def test_the_menu_offers_the_list_to_owners_only(world, graffiti):
    assert "walks:assigned" in [item.url_name for item in menu_for(world.rut)]
    assert "walks:assigned" not in [item.url_name for item in menu_for(world.sara)]


def test_the_coordinator_gets_the_turn_into_a_measure_link(world, login, walk):
    # The district administration owns what has no better owner, and its coordinator
    # may make measures in the district.
    finding = record(walk, world.anna, "bench", factors=[], text="Trasig bänk")
    assert finding.owner == world.orgs["alvsjo_sdf"]

    page = login(world.anna).get(answer_url(finding))

    link = page.context["measure_url"]
    assert link.startswith(reverse("measures:new") + "?")
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "origin": ["walk_finding"],
        "origin_ref": [str(finding.pk)],
        "district": [str(world.alvsjo.pk)],
        "place": [str(world.alvsjo_centrum.pk)],
    }
    assert link.replace("&", "&amp;") in page.content.decode()


def test_an_owner_who_cannot_make_measures_is_told_who_can(world, login, graffiti):
    page = login(world.rut).get(answer_url(graffiti))

    assert page.context["measure_url"] == ""
    assert "kan samordnaren för Älvsjö göra en åtgärd av iakttagelsen" in page.content.decode()


def test_a_measure_made_from_a_finding_is_linked_both_ways(world, graffiti):
    measure = measure_services.measure_save(
        measure=Measure(
            title="Klottersanering vid elskåpen",
            kind="graffiti",
            district=world.alvsjo,
            place=world.alvsjo_centrum,
            responsible=world.orgs["property"],
            start=dt.date(2026, 12, 1),
            due=dt.date(2027, 1, 31),
            origin="walk_finding",
            origin_ref=str(graffiti.pk),
        ),
        by=world.anna,
    )

    graffiti.refresh_from_db()
    assert graffiti.measure == measure
    origin = measure_queries.origin_of(measure)
    assert origin is not None
    assert origin.url == reverse("walks:detail", args=[graffiti.walk_id])


def test_a_finding_in_another_district_is_not_linked(world, graffiti):
    measure_services.measure_save(
        measure=Measure(
            title="Belysning i Liljeholmen",
            kind="lighting",
            district=world.hagersten,
            responsible=world.orgs["sl"],
            start=dt.date(2026, 12, 1),
            due=dt.date(2027, 1, 31),
            origin="walk_finding",
            origin_ref=str(graffiti.pk),
        ),
        by=world.olle,
    )

    graffiti.refresh_from_db()
    assert graffiti.measure is None


def test_the_answer_page_links_the_measure_made_from_it(world, login, graffiti):
    measure = measure_services.measure_save(
        measure=Measure(
            title="Klottersanering vid elskåpen",
            kind="graffiti",
            district=world.alvsjo,
            place=world.alvsjo_centrum,
            responsible=world.orgs["property"],
            start=dt.date(2026, 12, 1),
            due=dt.date(2027, 1, 31),
            origin="walk_finding",
            origin_ref=str(graffiti.pk),
        ),
        by=world.anna,
    )

    page = login(world.rut).get(answer_url(graffiti)).content.decode()

    assert "Klottersanering vid elskåpen" in page
    assert reverse("measures:detail", args=[measure.pk]) in page

"""Pages that write citizen promises, place collaborations and their contacts: who may,
what a bad form shows, and that nothing half-written is stored."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.agreements.test_collaborations import centrum, liljeholmen, promise  # noqa: F401
from tests.reports.conftest import categories  # noqa: F401
from trygg.agreements import collaborations
from trygg.agreements.models import CitizenPromise, CollaborationContact, PlaceCollaboration


def promise_data(world, **fields):
    return {
        "district": world.alvsjo.pk,
        "police_area": world.police_area.pk,
        "title": "Tryggare Älvsjö station",
        "text": "Vi ska göra stationen tryggare på kvällarna.",
        "activities": "Kvällsvandringar.",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "followup": "Vandringarna har börjat.",
        "public": "on",
        **fields,
    }


def collaboration_data(world, **fields):
    return {
        "place": world.alvsjo_centrum.pk,
        "goal": "Färre rån vid stationen",
        "lead": world.orgs["police"].pk,
        "partners": [world.orgs["sl"].pk, world.orgs["property"].pk],
        "started_on": "2026-02-01",
        **fields,
    }


def contact_data(world, **fields):
    return {
        "contact-organisation": world.orgs["property"].pk,
        "contact-name": "Frida Fastighet",
        "contact-role": "Förvaltare",
        "contact-phone": "08-555 00",
        "contact-email": "frida@example.org",
        **fields,
    }


# Citizen promises ----------------------------------------------------------------------


def test_a_coordinator_creates_a_public_promise(world, login, client):
    anna = login(world.anna)
    listing = anna.get(reverse("collaborations:promises"))
    new_url = reverse("collaborations:promise_new")
    assert new_url in listing.content.decode()
    response = anna.post(new_url, promise_data(world))
    saved = CitizenPromise.objects.get(title="Tryggare Älvsjö station")
    assert response.status_code == 302
    assert response["Location"] == reverse("collaborations:promise", args=[saved.pk])
    assert saved.public and saved.city_id == world.stockholm.pk
    assert saved in anna.get(reverse("collaborations:promises")).context["promises"]
    client.logout()
    public = client.get(reverse("walks:public_district", args=[world.alvsjo.pk]))
    assert "Tryggare Älvsjö station" in public.content.decode()


def test_the_district_is_preselected_from_the_link(world, login):
    response = login(world.petra).get(
        reverse("collaborations:promise_new"), {"district": world.hagersten.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].initial["district"] == world.hagersten.pk


def test_a_reversed_period_is_shown_beside_valid_to_and_nothing_is_stored(world, login):
    response = login(world.anna).post(
        reverse("collaborations:promise_new"), promise_data(world, valid_to="2025-12-31")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["valid_to"]
    assert not CitizenPromise.objects.exists()


def test_a_coordinator_changes_the_promise(world, login):
    saved = collaborations.promise_save(promise=promise(world), by=world.anna)
    anna = login(world.anna)
    url = reverse("collaborations:promise_edit", args=[saved.pk])
    assert url in anna.get(reverse("collaborations:promise", args=[saved.pk])).content.decode()
    response = anna.post(url, promise_data(world, title="Ändrat löfte", public=""))
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.title == "Ändrat löfte" and not saved.public


def test_a_partner_may_not_write_promises(world, login):
    sara = login(world.sara)
    assert sara.get(reverse("collaborations:promise_new")).status_code == 403
    assert sara.post(reverse("collaborations:promise_new"), promise_data(world)).status_code == 403
    assert reverse("collaborations:promise_new") not in (
        sara.get(reverse("collaborations:promises")).content.decode()
    )
    assert not CitizenPromise.objects.exists()


def test_another_districts_coordinator_gets_404_on_the_promise(world, login):
    saved = collaborations.promise_save(promise=promise(world), by=world.anna)
    olle = login(world.olle)
    url = reverse("collaborations:promise_edit", args=[saved.pk])
    assert olle.get(url).status_code == 404
    assert olle.post(url, promise_data(world, district=world.hagersten.pk)).status_code == 404
    saved.refresh_from_db()
    assert saved.district == world.alvsjo


# Place collaborations -----------------------------------------------------------------


def test_a_coordinator_creates_a_collaboration_with_partners(world, login, categories):  # noqa: F811
    anna = login(world.anna)
    assert (
        reverse("collaborations:new") in anna.get(reverse("collaborations:list")).content.decode()
    )
    form = anna.get(reverse("collaborations:new"), {"place": world.alvsjo_centrum.pk})
    assert form.context["form"].initial["place"] == world.alvsjo_centrum.pk
    data = collaboration_data(world, categories=[categories["narkotika"].pk])
    response = anna.post(reverse("collaborations:new"), data)
    saved = PlaceCollaboration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("collaborations:detail", args=[saved.pk])
    assert saved.lead == world.orgs["police"]
    assert set(saved.partners.all()) == {world.orgs["sl"], world.orgs["property"]}
    assert list(saved.categories.all()) == [categories["narkotika"]]


def test_a_city_office_may_take_part_anywhere_in_its_city(world, login):
    data = collaboration_data(world, partners=[world.orgs["city_office"].pk])
    assert login(world.anna).post(reverse("collaborations:new"), data).status_code == 302
    assert list(PlaceCollaboration.objects.get().partners.all()) == [world.orgs["city_office"]]


def test_a_partner_not_working_in_the_district_is_refused(world, login):
    """Petra runs both districts, so Hägersten's administration is among her choices; it
    does not work in Älvsjö, where the place lies."""
    data = collaboration_data(world, partners=[world.orgs["hagersten_sdf"].pk])
    response = login(world.petra).post(reverse("collaborations:new"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["partners"]
    assert world.orgs["hagersten_sdf"].name in errors["partners"][0]
    assert world.alvsjo.name in errors["partners"][0]
    assert not PlaceCollaboration.objects.exists()


def test_a_coordinator_is_offered_only_organisations_of_her_districts(world, login):
    data = collaboration_data(world, partners=[world.orgs["hagersten_sdf"].pk])
    response = login(world.anna).post(reverse("collaborations:new"), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["partners"]
    assert not PlaceCollaboration.objects.exists()


def test_a_lead_not_working_in_the_district_is_refused(world):
    with pytest.raises(collaborations.ValidationError) as error:
        collaborations.collaboration_save(
            collaboration=PlaceCollaboration(
                place=world.alvsjo_centrum,
                goal="Mål",
                lead=world.orgs["hagersten_sdf"],
                started_on=dt.date(2026, 1, 1),
            ),
            by=world.anna,
        )
    assert list(error.value.message_dict) == ["lead"]


def test_only_those_who_run_a_district_create_collaborations(world, login):
    sara = login(world.sara)
    assert sara.get(reverse("collaborations:new")).status_code == 403
    assert sara.post(reverse("collaborations:new"), collaboration_data(world)).status_code == 403
    olle = login(world.olle)
    refused = olle.post(reverse("collaborations:new"), collaboration_data(world))
    assert refused.status_code == 400 and "place" in refused.context["form"].errors
    assert not PlaceCollaboration.objects.exists()


def test_the_lead_changes_the_goal(world, login, centrum):  # noqa: F811
    petra = login(world.petra)
    url = reverse("collaborations:edit", args=[centrum.pk])
    detail = petra.get(reverse("collaborations:detail", args=[centrum.pk])).content.decode()
    assert url in detail
    assert petra.get(url).status_code == 200
    response = petra.post(url, collaboration_data(world, goal="Inga rån vid stationen"))
    assert response.status_code == 302
    centrum.refresh_from_db()
    assert centrum.goal == "Inga rån vid stationen"
    assert centrum.place == world.alvsjo_centrum


def test_a_lead_member_who_does_not_run_the_district_may_change_it(world, login, centrum):  # noqa: F811
    """A property owner leading the collaboration: the lead's members change it."""
    centrum.lead = world.orgs["property"]
    centrum.save()
    centrum.partners.set([world.orgs["sl"], world.orgs["police"]])
    url = reverse("collaborations:edit", args=[centrum.pk])
    data = collaboration_data(
        world,
        lead=world.orgs["property"].pk,
        partners=[world.orgs["sl"].pk, world.orgs["police"].pk],
        goal="Fastighetsägaren leder",
    )
    assert login(world.rut).post(url, data).status_code == 302
    centrum.refresh_from_db()
    assert centrum.goal == "Fastighetsägaren leder"


def test_a_partner_may_not_change_the_collaboration(world, login, centrum):  # noqa: F811
    sara = login(world.sara)
    url = reverse("collaborations:edit", args=[centrum.pk])
    assert sara.get(url).status_code == 403
    assert sara.post(url, collaboration_data(world, goal="Nytt")).status_code == 403
    detail = sara.get(reverse("collaborations:detail", args=[centrum.pk])).content.decode()
    assert url not in detail
    centrum.refresh_from_db()
    assert centrum.goal != "Nytt"


def test_another_districts_coordinator_gets_404_on_edit(world, login, centrum):  # noqa: F811
    url = reverse("collaborations:edit", args=[centrum.pk])
    olle = login(world.olle)
    assert olle.get(url).status_code == 404
    assert olle.post(url, collaboration_data(world, goal="Nytt")).status_code == 404


def test_removing_a_partner_with_contacts_is_refused(world, login, centrum):  # noqa: F811
    """SL has a contact in the collaboration; unticking SL would drop it unseen."""
    data = collaboration_data(world, partners=[world.orgs["property"].pk])
    response = login(world.anna).post(reverse("collaborations:edit", args=[centrum.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["partners"] and world.orgs["sl"].name in errors["partners"][0]
    assert world.orgs["sl"] in centrum.partners.all()
    assert centrum.contacts.filter(organisation=world.orgs["sl"]).exists()


def test_removing_a_partner_without_contacts_is_fine(world, login, centrum):  # noqa: F811
    data = collaboration_data(world, partners=[world.orgs["sl"].pk])
    response = login(world.anna).post(reverse("collaborations:edit", args=[centrum.pk]), data)
    assert response.status_code == 302
    assert list(centrum.partners.all()) == [world.orgs["sl"]]


def test_a_partner_who_reports_gets_a_link_to_report_at_the_place(world, login, centrum):  # noqa: F811
    expected = f"{reverse('reports:new')}?place={world.alvsjo_centrum.pk}"
    rut = login(world.rut).get(reverse("collaborations:detail", args=[centrum.pk]))
    assert expected in rut.content.decode()
    sara = login(world.sara).get(reverse("collaborations:detail", args=[centrum.pk]))
    assert expected not in sara.content.decode()


# Contacts -----------------------------------------------------------------------------


def test_the_lead_adds_changes_and_removes_a_contact(world, login, centrum):  # noqa: F811
    petra = login(world.petra)
    url = reverse("collaborations:contacts", args=[centrum.pk])
    assert petra.get(url).context["form"] is not None
    assert petra.post(url, contact_data(world)).status_code == 302
    contact = centrum.contacts.get(name="Frida Fastighet")
    assert contact.organisation == world.orgs["property"] and contact.role == "Förvaltare"

    edit = reverse("collaborations:contact_edit", args=[centrum.pk, contact.pk])
    assert edit in petra.get(url).content.decode()
    data = {
        "organisation": world.orgs["property"].pk,
        "name": "Frida Fastighet",
        "role": "Driftchef",
        "phone": "",
        "email": "",
    }
    assert petra.get(edit).status_code == 200
    assert petra.post(edit, data).status_code == 302
    contact.refresh_from_db()
    assert contact.role == "Driftchef" and contact.phone == ""

    delete = reverse("collaborations:contact_delete", args=[centrum.pk, contact.pk])
    assert petra.get(delete).status_code == 405
    assert petra.post(delete).status_code == 302
    assert not CollaborationContact.objects.filter(pk=contact.pk).exists()


def test_a_partner_reads_contacts_but_may_not_write_them(world, login, centrum):  # noqa: F811
    sara = login(world.sara)
    contact = centrum.contacts.get()
    url = reverse("collaborations:contacts", args=[centrum.pk])
    page = sara.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    edit = reverse("collaborations:contact_edit", args=[centrum.pk, contact.pk])
    assert edit not in page.content.decode()
    assert sara.post(url, contact_data(world)).status_code == 403
    assert sara.get(edit).status_code == 403
    delete = reverse("collaborations:contact_delete", args=[centrum.pk, contact.pk])
    assert sara.post(delete).status_code == 403
    assert list(centrum.contacts.all()) == [contact]


def test_outsiders_get_404_on_contact_writes(world, login, centrum):  # noqa: F811
    contact = centrum.contacts.get()
    olle = login(world.olle)
    assert (
        olle.post(
            reverse("collaborations:contacts", args=[centrum.pk]), contact_data(world)
        ).status_code
        == 404
    )
    delete = reverse("collaborations:contact_delete", args=[centrum.pk, contact.pk])
    assert olle.post(delete).status_code == 404
    assert centrum.contacts.count() == 1


def test_a_contact_of_another_collaboration_is_404(world, login, centrum, liljeholmen):  # noqa: F811
    other = liljeholmen.contacts.get()
    petra = login(world.petra)
    edit = reverse("collaborations:contact_edit", args=[centrum.pk, other.pk])
    delete = reverse("collaborations:contact_delete", args=[centrum.pk, other.pk])
    assert petra.get(edit).status_code == 404
    assert petra.post(delete).status_code == 404
    assert CollaborationContact.objects.filter(pk=other.pk).exists()


def test_a_contact_of_a_non_party_is_refused(world, login, centrum):  # noqa: F811
    url = reverse("collaborations:contacts", args=[centrum.pk])
    data = contact_data(world, **{"contact-organisation": world.orgs["hagersten_sdf"].pk})
    response = login(world.petra).post(url, data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["organisation"]
    assert not centrum.contacts.filter(name="Frida Fastighet").exists()


def test_the_service_refuses_moving_a_contact_to_a_non_party(world, centrum):  # noqa: F811
    contact = centrum.contacts.get()
    with pytest.raises(collaborations.ValidationError) as error:
        contact.organisation = world.orgs["hagersten_sdf"]
        collaborations.contact_save(contact=contact, by=world.petra)
    assert list(error.value.message_dict) == ["organisation"]
    contact.refresh_from_db()
    assert contact.organisation == world.orgs["sl"]


def test_a_partner_may_not_remove_a_contact_through_the_service(world, centrum):  # noqa: F811
    with pytest.raises(collaborations.PermissionDenied):
        collaborations.contact_remove(contact=centrum.contacts.get(), by=world.sara)

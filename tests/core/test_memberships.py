import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import UserFactory, member
from trygg.core import services
from trygg.core.models import Membership, Role, User


def roles_of(user, organisation):
    return set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )


def test_a_coordinator_adds_a_new_person_who_gets_an_invitation(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.anna)
    sdf = world.orgs["alvsjo_sdf"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:organisation", args=[sdf.pk]),
            {
                "email": "Karin.Ny@Example.org",
                "first_name": "Karin",
                "last_name": "Ny",
                "roles": [Role.REPORTER],
            },
        )
    assert response.status_code == 302
    karin = User.objects.get(email="karin.ny@example.org")
    assert roles_of(karin, sdf) == {Role.REPORTER}
    assert len(mail.outbox) == 1
    assert "Älvsjö stadsdelsförvaltning" in mail.outbox[0].subject
    assert "/password/reset/" in mail.outbox[0].body


def test_adding_an_existing_person_adds_roles_without_a_new_account(world, login):
    client = login(world.anna)
    sdf = world.orgs["alvsjo_sdf"]
    client.post(
        reverse("core:organisation", args=[sdf.pk]),
        {"email": "rut@example.org", "first_name": "R", "last_name": "E", "roles": [Role.REPORTER]},
    )
    assert User.objects.filter(email="rut@example.org").count() == 1
    assert roles_of(world.rut, sdf) == {Role.REPORTER}
    assert roles_of(world.rut, world.orgs["property"]) == {Role.REPORTER}
    assert mail.outbox == []


def test_a_coordinator_gives_partners_no_more_than_reporter_and_partner(world):
    with pytest.raises(PermissionDenied):
        services.membership_set_roles(
            by=world.anna,
            organisation=world.orgs["property"],
            user=world.rut,
            roles=[Role.REPORTER, Role.COORDINATOR],
        )
    assert roles_of(world.rut, world.orgs["property"]) == {Role.REPORTER}


def test_only_an_administrator_makes_administrators(world):
    office = world.orgs["city_office"]
    services.membership_set_roles(
        by=world.ingrid, organisation=office, user=world.alva, roles=[Role.ADMINISTRATOR]
    )
    assert roles_of(world.alva, office) == {Role.ADMINISTRATOR}
    with pytest.raises(PermissionDenied):
        services.membership_set_roles(
            by=world.anna, organisation=office, user=world.rut, roles=[Role.ADMINISTRATOR]
        )


def test_the_form_offers_only_the_roles_one_may_give(world, login):
    page = login(world.anna).get(reverse("core:organisation", args=[world.orgs["property"].pk]))
    choices = page.context["role_choices"]
    assert {value for value, _ in choices} == {Role.REPORTER, Role.PARTNER}


def test_a_prevention_role_belongs_only_in_a_prevention_group(world):
    with pytest.raises(ValidationError) as error:
        services.membership_set_roles(
            by=world.ingrid,
            organisation=world.orgs["alvsjo_sdf"],
            user=world.rut,
            roles=[Role.PREVENTION_MEMBER],
        )
    assert "roles" in error.value.message_dict


def test_a_coordinator_manages_partners_in_their_district(world, login):
    client = login(world.anna)
    sl = world.orgs["sl"]
    response = client.post(
        reverse("core:member_roles", args=[sl.pk, world.sara.pk]),
        {"roles": [Role.PARTNER, Role.REPORTER]},
    )
    assert response.status_code == 302
    assert roles_of(world.sara, sl) == {Role.PARTNER, Role.REPORTER}


def test_removing_every_role_removes_the_person(world, login):
    client = login(world.anna)
    sl = world.orgs["sl"]
    client.post(reverse("core:member_roles", args=[sl.pk, world.sara.pk]), {})
    assert roles_of(world.sara, sl) == set()


def test_roles_one_may_not_give_are_left_as_they_were(world):
    sdf = world.orgs["alvsjo_sdf"]
    lars = member(UserFactory(username="lars"), world.orgs["sl"], Role.COORDINATOR)
    services.membership_set_roles(
        by=world.anna, organisation=world.orgs["sl"], user=lars, roles=[Role.REPORTER]
    )
    assert roles_of(lars, world.orgs["sl"]) == {Role.COORDINATOR, Role.REPORTER}
    assert roles_of(world.anna, sdf) == {Role.COORDINATOR}


def test_a_coordinator_of_another_district_gets_not_found(world, login):
    client = login(world.olle)
    sdf = world.orgs["alvsjo_sdf"]
    response = client.post(
        reverse("core:member_roles", args=[sdf.pk, world.anna.pk]), {"roles": []}
    )
    assert response.status_code == 404
    assert roles_of(world.anna, sdf) == {Role.COORDINATOR}


def test_a_reporter_may_read_but_not_change_their_organisation(world, login):
    client = login(world.rut)
    org = world.orgs["property"]
    assert client.get(reverse("core:organisation", args=[org.pk])).status_code == 200
    response = client.post(
        reverse("core:organisation", args=[org.pk]),
        {"email": "x@example.org", "first_name": "X", "last_name": "Y", "roles": ["reporter"]},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_administrator_cannot_remove_their_own_administrator_role(world):
    with pytest.raises(ValidationError):
        services.membership_set_roles(
            by=world.ingrid, organisation=world.orgs["city_office"], user=world.ingrid, roles=[]
        )
    assert roles_of(world.ingrid, world.orgs["city_office"]) == {Role.ADMINISTRATOR}


def test_a_bad_address_is_named(world, login):
    client = login(world.anna)
    response = client.post(
        reverse("core:organisation", args=[world.orgs["alvsjo_sdf"].pk]),
        {"email": "inte-en-adress", "first_name": "A", "last_name": "B", "roles": ["reporter"]},
    )
    assert response.status_code == 400
    assert "email" in response.context["form"].errors


def test_the_organisation_list_costs_a_fixed_number_of_queries(
    world, login, django_assert_max_num_queries
):
    client = login(world.ingrid)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("core:organisations"))
    assert response.status_code == 200
    assert len(response.context["organisations"]) == 8


def test_the_organisation_list_shows_only_what_one_may_see(world, login):
    response = login(world.rut).get(reverse("core:organisations"))
    assert [o.name for o in response.context["organisations"]] == ["Fastighets AB Centrum"]


def test_the_overview_shows_ones_organisations_and_districts(world, login):
    response = login(world.sara).get(reverse("core:overview"))
    assert [e.organisation.name for e in response.context["organisations"]] == ["SL"]
    assert {d.name for d in response.context["districts"]} == {"Älvsjö", "Hägersten"}
    names = {f["properties"]["name"] for f in response.context["map_data"]["features"]}
    assert names == {"Älvsjö", "Hägersten", "Älvsjö centrum", "Liljeholmen"}


def test_the_menu_follows_the_roles(world, login):
    def menu(user):
        return {item.url_name for item in login(user).get(reverse("core:overview")).context["menu"]}

    assert "geo:import" in menu(world.ingrid)
    assert "geo:import" not in menu(world.anna)
    assert "geo:place_create" in menu(world.anna)
    assert "geo:place_create" not in menu(world.rut)


def test_the_menu_keeps_daily_work_in_sight_and_groups_the_rest(world, login):
    page = login(world.anna).get(reverse("core:overview"))
    entries = page.context["menu_entries"]
    links = [e.single.url_name for e in entries if e.single]
    groups = {str(e.label): [i.url_name for i in e.items] for e in entries if not e.single}

    assert links == [
        "core:overview",
        "reports:new",
        "reports:mine",
        "situation:picture",
        "measures:list",
        "measures:meetings",
        "reports:queue",
    ]
    assert groups["Samverkan"] == [
        "walks:list",
        "agreements:list",
        "collaborations:list",
        "collaborations:promises",
    ]
    assert "geo:place_create" in groups["Områden och organisationer"]
    html = page.content.decode()
    assert html.count('<details class="menu-group">') == 2
    assert f'href="{reverse("core:account")}"' in html


def test_no_door_puts_a_city_administrator_into_an_ordinary_organisation(world):
    membership = Membership(
        user=world.anna, organisation=world.orgs["alvsjo_sdf"], role="administrator"
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "role" in error.value.message_dict

"""Every role of the cast against every kind of object, by the policy and by URL.

The expected table is docs/permissions.md written as data; a change to the
policy that is not also a change here (and there) fails.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo.models import City, District, Place, PoliceArea

CAST = ["anna", "petra", "rut", "sara", "olle", "maja", "alva", "ingrid", "gustav", "nobody"]
STOCKHOLM = {"anna", "petra", "rut", "sara", "olle", "maja", "alva", "ingrid"}

# (object, action) -> the people allowed.
EXPECTED = {
    ("org:alvsjo_sdf", "view"): {"anna", "petra", "ingrid"},
    ("org:alvsjo_sdf", "manage_members"): {"anna", "ingrid"},
    ("org:hagersten_sdf", "view"): {"olle", "petra", "ingrid"},
    ("org:hagersten_sdf", "manage_members"): {"olle", "ingrid"},
    ("org:police", "view"): {"petra", "anna", "olle", "ingrid"},
    ("org:police", "manage_members"): {"petra", "ingrid"},
    ("org:property", "view"): {"rut", "anna", "petra", "ingrid"},
    ("org:property", "manage_members"): {"anna", "petra", "ingrid"},
    ("org:sl", "view"): {"sara", "anna", "petra", "olle", "ingrid"},
    ("org:sl", "manage_members"): {"anna", "petra", "olle", "ingrid"},
    ("org:prevention", "view"): {"maja", "ingrid"},
    ("org:prevention", "manage_members"): {"ingrid"},
    ("org:advisory", "view"): {"alva", "ingrid"},
    ("org:advisory", "manage_members"): {"ingrid"},
    ("org:city_office", "view"): {"ingrid"},
    ("org:city_office", "manage_members"): {"ingrid"},
    ("org:angered_sdf", "view"): {"gustav"},
    ("org:angered_sdf", "manage_members"): {"gustav"},
    ("city:stockholm", "view"): STOCKHOLM,
    ("city:stockholm", "import_areas"): {"ingrid"},
    ("city:goteborg", "view"): {"gustav"},
    ("city:goteborg", "import_areas"): set(),
    ("district:alvsjo", "view"): STOCKHOLM,
    ("district:alvsjo", "change"): {"ingrid"},
    ("district:alvsjo", "create_place"): {"anna", "petra", "ingrid"},
    ("district:hagersten", "create_place"): {"olle", "petra", "ingrid"},
    ("district:angered", "view"): {"gustav"},
    ("district:angered", "change"): set(),
    ("district:angered", "create_place"): {"gustav"},
    ("police_area", "view"): STOCKHOLM,
    ("police_area", "change"): {"ingrid"},
    ("place:alvsjo_centrum", "view"): STOCKHOLM,
    ("place:alvsjo_centrum", "change"): {"anna", "petra", "ingrid"},
    ("place:liljeholmen", "change"): {"olle", "petra", "ingrid"},
    ("place:angered_torg", "view"): {"gustav"},
    ("place:angered_torg", "change"): {"gustav"},
}


def resolve(world, key: str):
    kind, _, name = key.partition(":")
    if kind == "org":
        return world.orgs[name]
    if kind == "police_area":
        return world.police_area
    return getattr(world, name)


@pytest.mark.parametrize("key,action", sorted(EXPECTED))
@pytest.mark.parametrize("person", CAST)
def test_policy_answers_as_the_matrix_says(world, person, key, action):
    user = world.people[person]
    obj = resolve(world, key)
    assert policy.can(user, action, obj) == (person in EXPECTED[(key, action)])


@pytest.mark.parametrize("person", CAST)
def test_lists_hold_exactly_what_may_be_seen(world, person):
    user = world.people[person]
    for model, prefix in [
        (Organisation, "org:"),
        (City, "city:"),
        (District, "district:"),
        (Place, "place:"),
        (PoliceArea, "police_area"),
    ]:
        listed = set(policy.visible(user, model))
        for (key, action), allowed in EXPECTED.items():
            if action == "view" and key.startswith(prefix):
                assert (resolve(world, key) in listed) == (person in allowed), (model, key)


def test_anonymous_may_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for key, action in EXPECTED:
        assert not policy.can(anonymous, action, resolve(world, key))
    assert not policy.visible(anonymous, Organisation).exists()
    assert not policy.visible(anonymous, District).exists()


def test_a_superuser_may_do_everything(world):
    root = world.nobody
    root.is_superuser = True
    root.save()
    for key, action in EXPECTED:
        assert policy.can(root, action, resolve(world, key))


def test_an_inactive_member_loses_every_right(world):
    anna = world.anna
    anna.is_active = False
    anna.save()
    assert not policy.can(anna, "view", world.orgs["alvsjo_sdf"])
    assert not policy.visible(anna, District).exists()


URLS = {
    "org": "core:organisation",
    "district": "geo:district",
    "place": "geo:place",
}


@pytest.mark.parametrize(
    "key", sorted({k for k, a in EXPECTED if a == "view" and k.split(":")[0] in URLS})
)
@pytest.mark.parametrize("person", CAST)
def test_a_page_outside_ones_reach_is_not_found(world, client, person, key):
    client.force_login(world.people[person])
    obj = resolve(world, key)
    response = client.get(reverse(URLS[key.split(":")[0]], args=[obj.pk]))
    assert response.status_code == (200 if person in EXPECTED[(key, "view")] else 404)


@pytest.mark.parametrize("key", ["org:alvsjo_sdf", "district:alvsjo", "place:alvsjo_centrum"])
def test_anonymous_is_sent_to_login(world, client, key):
    obj = resolve(world, key)
    response = client.get(reverse(URLS[key.split(":")[0]], args=[obj.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

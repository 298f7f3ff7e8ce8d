"""Every role of the cast against every kind of object, by the policy and by URL.

The expected table is docs/permissions.md written as data; a change to the
policy that is not also a change here (and there) fails.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from trygg.agreements.models import Agreement, CitizenPromise, PlaceCollaboration
from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo.models import City, District, Place, PoliceArea
from trygg.measures.models import Measure
from trygg.reports import services
from trygg.reports.catalogue import categories_seed
from trygg.reports.models import Precision, Report, Source
from trygg.reports.workflow import Status
from trygg.walks.models import Walk

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
    ("report:alvsjo_received", "view"): {"anna", "petra", "rut", "ingrid"},
    ("report:alvsjo_received", "review"): {"anna", "petra", "ingrid"},
    ("report:alvsjo_accepted", "view"): {"anna", "petra", "rut", "sara", "ingrid"},
    ("report:alvsjo_accepted", "review"): {"anna", "petra", "ingrid"},
    ("report:hagersten_resident", "view"): {"olle", "petra", "ingrid"},
    ("report:hagersten_resident", "review"): {"olle", "petra", "ingrid"},
    ("report:stockholm_coarse", "view"): {"anna", "petra", "olle", "ingrid"},
    ("report:stockholm_coarse", "review"): {"anna", "petra", "olle", "ingrid"},
    ("report:angered", "view"): {"gustav"},
    ("report:angered", "review"): {"gustav"},
    ("city:stockholm", "import_reports"): {"anna", "petra", "olle", "ingrid"},
    ("city:goteborg", "import_reports"): {"gustav"},
    ("agreement:alvsjo", "view"): {"anna", "petra", "ingrid"},
    ("agreement:alvsjo", "change"): {"anna", "petra", "ingrid"},
    ("promise:alvsjo", "view"): {"anna", "petra", "ingrid"},
    ("promise:alvsjo", "change"): {"anna", "petra", "ingrid"},
    ("collaboration:alvsjo_centrum", "view"): {"anna", "petra", "sara", "ingrid"},
    ("collaboration:alvsjo_centrum", "change"): {"anna", "petra", "ingrid"},
    ("collaboration:liljeholmen", "view"): {"olle", "petra", "rut", "ingrid"},
    ("collaboration:liljeholmen", "change"): {"olle", "petra", "ingrid"},
    ("measure:alvsjo", "view"): {"anna", "petra", "rut", "sara", "ingrid"},
    ("measure:alvsjo", "change"): {"anna", "petra", "ingrid"},
    ("measure:alvsjo", "progress"): {"anna", "petra", "rut", "ingrid"},
    ("walk:alvsjo", "view"): {"anna", "petra", "sara", "ingrid"},
    ("walk:alvsjo", "change"): {"anna", "petra", "ingrid"},
    ("walk:alvsjo", "record"): {"anna", "petra", "sara", "ingrid"},
}


@pytest.fixture(autouse=True)
def reports(world):
    """One report of each kind the policy tells apart, in the cast's districts."""
    categories_seed(city=world.stockholm)
    categories_seed(city=world.goteborg)
    when = timezone.now() - dt.timedelta(hours=2)

    def report(by, org, lon, lat, city=world.stockholm, **extra):
        return services.report_create(
            city=city,
            category=city.categories.get(code="klotter"),
            lon=lon,
            lat=lat,
            occurred_from=when,
            description="Klotter på väggen",
            by=by,
            organisation=org,
            **extra,
        )

    received = report(world.rut, world.orgs["property"], 18.01, 59.2775)
    accepted = report(world.rut, world.orgs["property"], 18.02, 59.27)
    services.report_transition(report=accepted, to=Status.ACCEPTED, by=world.anna)
    coarse = report(world.petra, world.orgs["police"], 18.0, 59.28)
    Report.objects.filter(pk=coarse.pk).update(
        district=None, precision=Precision.MUNICIPALITY, status=Status.ACCEPTED
    )
    world.reports = {
        "alvsjo_received": received,
        "alvsjo_accepted": Report.objects.get(pk=accepted.pk),
        "hagersten_resident": report(None, None, 18.0, 59.30, source=Source.RESIDENT),
        "stockholm_coarse": Report.objects.get(pk=coarse.pk),
        "angered": report(
            world.gustav, world.orgs["angered_sdf"], 12.05, 57.80, city=world.goteborg
        ),
    }
    return world.reports


@pytest.fixture(autouse=True)
def cooperation(world):
    """An agreement, a promise, a measure and a walk in Älvsjö; collaborations in both
    districts. SL is a partner of the measure and invited to the walk."""
    period = {"valid_from": dt.date(2026, 1, 1), "valid_to": dt.date(2026, 12, 31)}
    world.cooperation = {
        "agreement:alvsjo": Agreement.objects.create(
            city=world.stockholm,
            district=world.alvsjo,
            police_area=world.police_area,
            title="Samverkansöverenskommelse Älvsjö",
            **period,
        ),
        "promise:alvsjo": CitizenPromise.objects.create(
            city=world.stockholm, district=world.alvsjo, title="Löfte", text="Vi lovar", **period
        ),
    }
    for place, lead, partner in [
        ("alvsjo_centrum", "police", "sl"),
        ("liljeholmen", "hagersten_sdf", "property"),
    ]:
        collaboration = PlaceCollaboration.objects.create(
            city=world.stockholm,
            place=getattr(world, place),
            goal="Tryggare plats",
            lead=world.orgs[lead],
            started_on=dt.date(2026, 3, 1),
        )
        collaboration.partners.set([world.orgs[partner]])
        world.cooperation[f"collaboration:{place}"] = collaboration
    measure = Measure.objects.create(
        city=world.stockholm,
        district=world.alvsjo,
        title="Bättre belysning",
        kind="lighting",
        responsible=world.orgs["property"],
        start=dt.date(2026, 1, 12),
        due=dt.date(2026, 2, 27),
        indicator="Färre rapporter",
    )
    measure.partners.set([world.orgs["sl"]])
    walk = Walk.objects.create(
        city=world.stockholm,
        district=world.alvsjo,
        title="Kvällsvandring",
        starts_at=timezone.now() + dt.timedelta(days=7),
    )
    walk.invited.set([world.orgs["sl"]])
    world.cooperation.update({"measure:alvsjo": measure, "walk:alvsjo": walk})
    return world.cooperation


def resolve(world, key: str):
    kind, _, name = key.partition(":")
    if key in getattr(world, "cooperation", {}):
        return world.cooperation[key]
    if kind == "org":
        return world.orgs[name]
    if kind == "police_area":
        return world.police_area
    if kind == "report":
        return world.reports[name]
    return getattr(world, name)


@pytest.mark.parametrize("key,action", sorted(EXPECTED))
def test_policy_answers_as_the_matrix_says(world, key, action):
    obj = resolve(world, key)
    allowed = {person for person in CAST if policy.can(world.people[person], action, obj)}
    assert allowed == EXPECTED[(key, action)]


@pytest.mark.parametrize("person", CAST)
def test_lists_hold_exactly_what_may_be_seen(world, person):
    user = world.people[person]
    for model, prefix in [
        (Organisation, "org:"),
        (City, "city:"),
        (District, "district:"),
        (Place, "place:"),
        (PoliceArea, "police_area"),
        (Report, "report:"),
        (Agreement, "agreement:"),
        (CitizenPromise, "promise:"),
        (PlaceCollaboration, "collaboration:"),
        (Measure, "measure:"),
        (Walk, "walk:"),
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
    "report": "reports:detail",
    "org": "core:organisation",
    "district": "geo:district",
    "place": "geo:place",
    "agreement": "agreements:detail",
    "promise": "collaborations:promise",
    "collaboration": "collaborations:detail",
    "measure": "measures:detail",
    "walk": "walks:detail",
}


@pytest.mark.parametrize(
    "key", sorted({k for k, a in EXPECTED if a == "view" and k.split(":")[0] in URLS})
)
def test_a_page_outside_ones_reach_is_not_found(world, client, key):
    url = reverse(URLS[key.split(":")[0]], args=[resolve(world, key).pk])
    answers = {}
    for person in CAST:
        client.force_login(world.people[person])
        answers[person] = client.get(url).status_code
    assert answers == {p: 200 if p in EXPECTED[(key, "view")] else 404 for p in CAST}


@pytest.mark.parametrize("key", ["org:alvsjo_sdf", "district:alvsjo", "place:alvsjo_centrum"])
def test_anonymous_is_sent_to_login(world, client, key):
    obj = resolve(world, key)
    response = client.get(reverse(URLS[key.split(":")[0]], args=[obj.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

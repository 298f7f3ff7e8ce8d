"""The Älvsjö demo: clearly illustrative data that follows the seed document.

Every step is idempotent, so `trygg demo` can run again and again without
duplicating anything; later capabilities add their data here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from trygg.core.models import Membership, Organisation, OrganisationKind, Role, User
from trygg.demo import geography
from trygg.demo.agreements import agreements_generate
from trygg.demo.measures import measures_generate
from trygg.demo.reports import REPORT_PERIOD, reports_generate
from trygg.demo.walks import walks_generate
from trygg.geo.models import City, District, Locality
from trygg.geo.services import AreaLevel, areas_import
from trygg.reports.catalogue import categories_seed
from trygg.reports.models import Open311Client, Report
from trygg.reports.services import open311_client_create, open311_key_digest

K = OrganisationKind


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    roles: tuple[str, ...]
    description: str

    @property
    def password(self) -> str:
        return f"demo-{self.username}-2017"


# (name, kind, districts it works in)
ORGANISATIONS = [
    ("Stadsledningskontoret", K.CITY_OFFICE, []),
    ("Älvsjö stadsdelsförvaltning", K.DISTRICT_ADMINISTRATION, ["Älvsjö"]),
    (
        "Hägersten-Liljeholmens stadsdelsförvaltning",
        K.DISTRICT_ADMINISTRATION,
        ["Hägersten-Liljeholmen"],
    ),
    (
        "Lokalpolisområde Söderort syd",
        K.LOCAL_POLICE_AREA,
        geography.POLICE_AREAS["Lokalpolisområde Söderort syd"],
    ),
    ("Fastighets AB Älvsjö Centrum (illustrativ)", K.PROPERTY_OWNER, ["Älvsjö"]),
    ("Brf Solbergahöjden (illustrativ)", K.HOUSING_COOPERATIVE, ["Älvsjö"]),
    ("SL", K.PUBLIC_TRANSPORT, ["Älvsjö", "Hägersten-Liljeholmen"]),
    ("Trafikkontoret", K.TRAFFIC_OFFICE, ["Älvsjö", "Hägersten-Liljeholmen"]),
    ("Nattvandrarna i Älvsjö (illustrativ)", K.CIVIL_SOCIETY, ["Älvsjö"]),
    ("Securitas (illustrativ)", K.SECURITY_COMPANY, ["Älvsjö"]),
    ("Rådgivande organ för brottsförebyggande arbete", K.ADVISORY_BOARD, []),
    ("Preventionsgruppen Älvsjö", K.PREVENTION_GROUP, ["Älvsjö"]),
]

# Printed by `trygg demo` so a reporting app can be tried against /open311/v2/ at once.
DEMO_OPEN311_KEY = "demo-open311-alvsjo-2017"

DEMO_USERS = [
    DemoUser(
        "anna",
        "Anna",
        "Lind",
        "Älvsjö stadsdelsförvaltning",
        (Role.COORDINATOR, Role.REPORTER),
        "trygghetssamordnare, Älvsjö",
    ),
    DemoUser(
        "petra",
        "Petra",
        "Holm",
        "Lokalpolisområde Söderort syd",
        (Role.COORDINATOR, Role.REPORTER),
        "kommunpolis",
    ),
    DemoUser(
        "rut",
        "Rut",
        "Ek",
        "Fastighets AB Älvsjö Centrum (illustrativ)",
        (Role.REPORTER,),
        "rapportör, fastighetsskötare",
    ),
    DemoUser("sara", "Sara", "Berg", "SL", (Role.PARTNER, Role.REPORTER), "partner, SL"),
    DemoUser(
        "bo",
        "Bo",
        "Nyberg",
        "Brf Solbergahöjden (illustrativ)",
        (Role.PARTNER,),
        "partner, bostadsrättsförening",
    ),
    DemoUser(
        "tove",
        "Tove",
        "Lund",
        "Trafikkontoret",
        (Role.PARTNER,),
        "partner, trafikkontoret",
    ),
    DemoUser(
        "maja",
        "Maja",
        "Sund",
        "Preventionsgruppen Älvsjö",
        (Role.PREVENTION_MEMBER,),
        "preventionsgruppen",
    ),
    DemoUser(
        "alva",
        "Alva",
        "Strand",
        "Rådgivande organ för brottsförebyggande arbete",
        (Role.ADVISORY_MEMBER,),
        "rådgivande organ (forskare)",
    ),
    DemoUser(
        "olle",
        "Olle",
        "Dahl",
        "Hägersten-Liljeholmens stadsdelsförvaltning",
        (Role.COORDINATOR,),
        "trygghetssamordnare, Hägersten-Liljeholmen",
    ),
    DemoUser(
        "ingrid", "Ingrid", "Wall", "Stadsledningskontoret", (Role.ADMINISTRATOR,), "administratör"
    ),
]


def _police_area_collection(city: City) -> dict:
    geometries = {d.name: shape(d.geometry) for d in District.objects.filter(city=city)}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name, "districts": names},
                "geometry": mapping(unary_union([geometries[n] for n in names])),
            }
            for name, names in geography.POLICE_AREAS.items()
        ],
    }


@transaction.atomic
def load_demo() -> bool:
    """Load the demo; returns False when it was there already."""
    city, created = City.objects.get_or_create(name=geography.CITY, defaults={"illustrative": True})
    if created or not city.districts.exists():
        areas_import(
            city=city,
            level=AreaLevel.DISTRICT,
            data=json.dumps(geography.district_collection()),
        )
        areas_import(
            city=city, level=AreaLevel.PLACE, data=json.dumps(geography.place_collection())
        )
        areas_import(
            city=city, level=AreaLevel.POLICE_AREA, data=json.dumps(_police_area_collection(city))
        )
    for name, lon, lat in geography.LOCALITIES:
        Locality.objects.get_or_create(city=city, name=name, defaults={"lon": lon, "lat": lat})
    categories_seed(city=city)
    districts = {d.name: d for d in city.districts.all()}
    organisations = {}
    for name, kind, district_names in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(city=city, name=name, defaults={"kind": kind})
        org.districts.add(*(districts[n] for n in district_names))
        organisations[name] = org
    for demo_user in DEMO_USERS:
        user, user_created = User.objects.get_or_create(
            username=demo_user.username,
            defaults={
                "first_name": demo_user.first_name,
                "last_name": demo_user.last_name,
                "email": f"{demo_user.username}@example.org",
                "is_staff": Role.ADMINISTRATOR in demo_user.roles,
            },
        )
        if user_created:
            user.set_password(demo_user.password)
            user.save(update_fields=["password"])
        for role in demo_user.roles:
            Membership.objects.get_or_create(
                user=user, organisation=organisations[demo_user.organisation], role=role
            )
    # One day for both: the measures' dates and the effects in the reports must agree.
    today = timezone.localdate()
    if not Report.objects.filter(city=city).exists():
        reports_generate(city=city, start=today - REPORT_PERIOD, end=today)
    measures_generate(city=city, today=today)
    walks_generate(city=city, today=today)
    agreements_generate(city=city, today=today)
    if not Open311Client.objects.filter(key_digest=open311_key_digest(DEMO_OPEN311_KEY)).exists():
        open311_client_create(city=city, name="Demoappen (Open311)", key=DEMO_OPEN311_KEY)
    return created

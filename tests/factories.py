"""Factories for the test world: plain objects saved through the ORM, no fixtures with ids."""

from __future__ import annotations

from functools import lru_cache

import factory
from django.contrib.auth.hashers import make_password
from shapely.geometry import box

from trygg.core.models import Membership, Organisation, OrganisationKind, User
from trygg.geo.models import City, District, Place, PoliceArea
from trygg.geo.projection import area_fields

PASSWORD = "rätt-lösenord-2017"


@lru_cache(maxsize=1)
def password_hash() -> str:
    # Hashing with Argon2 once per run keeps a cast of ten people cheap to build.
    return make_password(PASSWORD)


def bbox_fields(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    return area_fields(box(min_lon, min_lat, max_lon, max_lat))


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stad {n}")


def district(city: City, name: str, bounds: tuple[float, float, float, float]) -> District:
    return District.objects.create(city=city, name=name, **bbox_fields(*bounds))


def police_area(
    city: City, name: str, bounds: tuple[float, float, float, float], districts: list[District]
) -> PoliceArea:
    area = PoliceArea.objects.create(city=city, name=name, **bbox_fields(*bounds))
    area.districts.set(districts)
    return area


def place(district: District, name: str, bounds: tuple[float, float, float, float]) -> Place:
    return Place.objects.create(district=district, name=name, **bbox_fields(*bounds))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.PROPERTY_OWNER

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.LazyAttribute(lambda o: o.username.capitalize())
    last_name = "Testsson"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.LazyFunction(password_hash)


def member(user: User, organisation: Organisation, *roles: str) -> User:
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user

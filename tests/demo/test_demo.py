"""The demo's city, districts, places, organisations and people. Loaded once for the class."""

from django.test import TestCase
from shapely.geometry import shape

from trygg.core.models import Membership, Organisation, OrganisationKind, Role, User
from trygg.demo.loader import DEMO_USERS, load_demo
from trygg.geo.models import City, District, Place, PoliceArea


def counts():
    return [
        m.objects.count()
        for m in (City, District, Place, PoliceArea, Organisation, User, Membership)
    ]


class DemoTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()

    def test_loading_twice_adds_nothing(self) -> None:
        before = counts()
        assert load_demo() is False
        assert counts() == before

    def test_it_has_stockholms_fourteen_districts_marked_illustrative(self) -> None:
        city = City.objects.get()
        assert city.illustrative
        assert city.districts.count() == 14
        assert city.districts.filter(name="Älvsjö").exists()

    def test_the_districts_do_not_overlap(self) -> None:
        shapes = [shape(d.geometry_sweref) for d in District.objects.all()]
        for i, a in enumerate(shapes):
            for b in shapes[i + 1 :]:
                assert a.intersection(b).area < 1.0

    def test_every_place_lies_in_its_district(self) -> None:
        for place in Place.objects.select_related("district"):
            district = shape(place.district.geometry_sweref).buffer(5)
            assert district.covers(shape(place.geometry_sweref))
        assert Place.objects.filter(name="Älvsjö centrum", district__name="Älvsjö").exists()

    def test_the_seeds_organisations_are_there(self) -> None:
        kinds = set(Organisation.objects.values_list("kind", flat=True))
        for kind in [
            OrganisationKind.DISTRICT_ADMINISTRATION,
            OrganisationKind.LOCAL_POLICE_AREA,
            OrganisationKind.PROPERTY_OWNER,
            OrganisationKind.HOUSING_COOPERATIVE,
            OrganisationKind.PUBLIC_TRANSPORT,
            OrganisationKind.TRAFFIC_OFFICE,
            OrganisationKind.CIVIL_SOCIETY,
            OrganisationKind.ADVISORY_BOARD,
            OrganisationKind.PREVENTION_GROUP,
        ]:
            assert kind in kinds

    def test_there_is_a_demo_user_for_every_role_who_can_log_in(self) -> None:
        roles = set(Membership.objects.values_list("role", flat=True))
        assert roles == set(Role.values)
        for demo_user in DEMO_USERS:
            assert User.objects.get(username=demo_user.username).check_password(demo_user.password)

    def test_alvsjo_is_covered_by_a_local_police_area(self) -> None:
        assert PoliceArea.objects.filter(districts__name="Älvsjö").count() == 1

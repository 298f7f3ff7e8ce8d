"""The public walk pages: the published protocol with answers, sign-up, the district's walks."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from trygg.walks import services
from trygg.walks.models import Signup


@pytest.fixture
def answered(world, walk, categories):
    """The walk with a finding noted by the police, answered by the property owner, published."""
    finding, _new = services.finding_record(
        walk=walk,
        by=world.petra,
        key="k1",
        lon=18.010,
        lat=59.2776,
        score=2,
        factors=["graffiti"],
        text="Klotter på gångtunnelns väggar",
    )
    services.signup(walk=walk, name="Kerstin", email="kerstin@example.se")
    services.finding_answer(
        finding=finding,
        by=world.rut,
        answer="will_do",
        text="Vi sanerar väggarna",
        date=dt.date(2026, 12, 15),
    )
    services.walk_publish(walk=walk, by=world.anna)
    return finding


def test_an_owners_answer_shows_on_the_public_protocol(client, answered):
    response = client.get(reverse("walks:public_protocol", args=[answered.walk_id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Klotter på gångtunnelns väggar" in page
    assert "Fastighets AB Centrum" in page and "Vi sanerar väggarna" in page
    assert "2026-12-15" in page


def test_the_public_protocol_names_no_person(client, world, answered):
    page = client.get(reverse("walks:public_protocol", args=[answered.walk_id])).content.decode()

    for person in (world.petra, world.rut, world.anna):
        assert person.get_full_name() not in page and person.email not in page
    assert "Kerstin" not in page and "kerstin@example.se" not in page


def test_the_public_pdf_and_photos_of_a_published_walk_need_no_login(client, answered):
    response = client.get(reverse("walks:protocol_pdf", args=[answered.walk_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_an_unpublished_walks_protocol_is_404(client, world, walk):
    assert client.get(reverse("walks:public_protocol", args=[walk.pk])).status_code == 404


def test_the_district_page_lists_protocols_and_walks_open_for_sign_up(client, world, answered):
    coming = services.walk_save(
        walk=services.Walk(
            district=world.alvsjo,
            title="Vårvandring Älvsjö",
            starts_at=timezone.now() + dt.timedelta(days=30),
            public_places=5,
        ),
        by=world.anna,
    )

    page = client.get(reverse("walks:public_district", args=[world.alvsjo.pk])).content.decode()

    assert reverse("walks:public_protocol", args=[answered.walk_id]) in page
    assert reverse("walks:signup", args=[coming.pk]) in page and "5 platser kvar" in page
    other = client.get(reverse("walks:public_district", args=[world.hagersten.pk]))
    assert answered.walk.title not in other.content.decode()


@pytest.fixture
def coming(world):
    return services.walk_save(
        walk=services.Walk(
            district=world.alvsjo,
            title="Vårvandring Älvsjö",
            starts_at=timezone.now() + dt.timedelta(days=30),
            meeting_point="Vid biblioteket",
            public_places=1,
        ),
        by=world.anna,
    )


def test_a_resident_signs_up(client, coming):
    response = client.post(
        reverse("walks:signup", args=[coming.pk]), {"name": "Kerstin", "email": "K@example.se"}
    )

    assert response.status_code == 302
    assert Signup.objects.get().email == "k@example.se"


def test_a_signup_without_name_names_the_field(client, coming):
    response = client.post(reverse("walks:signup", args=[coming.pk]), {"email": "k@example.se"})

    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not Signup.objects.exists()


def test_the_same_email_twice_is_refused(client, world, coming):
    coming.public_places = 3
    coming.save()
    url = reverse("walks:signup", args=[coming.pk])
    client.post(url, {"name": "Kerstin", "email": "k@example.se"})

    response = client.post(url, {"name": "Kerstin", "email": "k@example.se"})

    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert Signup.objects.count() == 1


def test_a_full_walk_takes_no_more_sign_ups(client, coming):
    url = reverse("walks:signup", args=[coming.pk])
    client.post(url, {"name": "Kerstin", "email": "k@example.se"})

    page = client.get(url)
    response = client.post(url, {"name": "Sven", "email": "s@example.se"})

    assert "Alla platser på den här vandringen är tagna" in page.content.decode()
    assert response.status_code == 400
    assert Signup.objects.count() == 1


def test_signing_up_needs_the_csrf_token(world, coming):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("walks:signup", args=[coming.pk]), {"name": "Kerstin", "email": "k@example.se"}
    )
    assert response.status_code == 403


def test_a_walk_without_public_places_has_no_sign_up_page(client, walk):
    walk.public_places = 0
    walk.save()
    assert client.get(reverse("walks:signup", args=[walk.pk])).status_code == 404


def test_a_published_walks_photos_are_public(client, world, walk, categories, settings, tmp_path):
    import io

    from PIL import Image

    from trygg.reports.photos import CleanPhoto

    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 10, 10)).save(out, "PNG")
    photo = CleanPhoto(
        content=out.getvalue(), content_type="image/png", extension="png", width=40, height=30
    )
    finding, _new = services.finding_record(
        walk=walk, by=world.anna, key="p", lon=18.01, lat=59.2776, score=3, photos=[photo]
    )
    url = reverse("walks:photo", args=[finding.photos.get().token])
    assert client.get(url).status_code == 404

    services.walk_publish(walk=walk, by=world.anna)

    assert client.get(url).status_code == 200
    page = client.get(reverse("walks:public_protocol", args=[walk.pk])).content.decode()
    assert url in page

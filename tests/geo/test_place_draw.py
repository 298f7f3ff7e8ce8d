import json

from django.urls import reverse
from shapely.geometry import box, mapping

from trygg.geo.models import Place


def drawn(min_lon, min_lat, max_lon, max_lat):
    return json.dumps(mapping(box(min_lon, min_lat, max_lon, max_lat)))


def test_a_coordinator_draws_a_place_in_their_district(world, login):
    client = login(world.anna)
    response = client.post(
        reverse("geo:place_create"),
        {
            "name": "Solberga torg",
            "district": world.alvsjo.pk,
            "geometry": drawn(17.99, 59.28, 17.995, 59.285),
            "description": "Torget",
        },
    )
    place = Place.objects.get(name="Solberga torg")
    assert response.status_code == 302
    assert response.url == reverse("geo:place", args=[place.pk])
    assert place.district == world.alvsjo
    assert 660_000 < place.geometry_sweref["coordinates"][0][0][0] < 680_000


def test_a_drawn_feature_is_accepted_as_well_as_a_bare_geometry(world, login):
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": json.loads(drawn(17.99, 59.28, 17.995, 59.285)),
    }
    login(world.anna).post(
        reverse("geo:place_create"),
        {"name": "Torg", "district": world.alvsjo.pk, "geometry": json.dumps(feature)},
    )
    assert Place.objects.filter(name="Torg").exists()


def test_a_place_drawn_outside_the_district_is_refused(world, login):
    response = login(world.anna).post(
        reverse("geo:place_create"),
        {
            "name": "Bortom",
            "district": world.alvsjo.pk,
            "geometry": drawn(18.2, 59.28, 18.3, 59.29),
        },
    )
    assert response.status_code == 400
    assert "geometry" in response.context["form"].errors
    assert not Place.objects.filter(name="Bortom").exists()


def test_a_duplicate_name_in_the_district_is_refused(world, login):
    response = login(world.anna).post(
        reverse("geo:place_create"),
        {
            "name": "älvsjö centrum",
            "district": world.alvsjo.pk,
            "geometry": drawn(17.99, 59.28, 17.995, 59.285),
        },
    )
    assert response.status_code == 400
    assert "name" in response.context["form"].errors


def test_a_boundary_that_is_not_geojson_is_refused(world, login):
    response = login(world.anna).post(
        reverse("geo:place_create"),
        {"name": "X", "district": world.alvsjo.pk, "geometry": "[[18, 59]"},
    )
    assert response.status_code == 400
    assert "geometry" in response.context["form"].errors


def test_a_coordinator_may_not_draw_in_another_district(world, login):
    response = login(world.olle).post(
        reverse("geo:place_create"),
        {
            "name": "Inkräkt",
            "district": world.alvsjo.pk,
            "geometry": drawn(17.99, 59.28, 17.995, 59.285),
        },
    )
    assert response.status_code == 400
    assert not Place.objects.filter(name="Inkräkt").exists()


def test_a_reporter_may_not_draw_places(world, login):
    assert login(world.rut).get(reverse("geo:place_create")).status_code == 403


def test_the_drawing_page_offers_the_tools(world, login):
    page = login(world.anna).get(reverse("geo:place_create")).content.decode()
    assert "leaflet/draw/leaflet.draw.js" in page
    assert 'id="id_geometry"' in page

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from shapely.geometry import box, mapping, shape

from trygg.geo.models import District, Place, PoliceArea
from trygg.geo.projection import SWEREF99TM, WGS84, reproject, to_sweref
from trygg.geo.services import AreaImportError, AreaLevel, areas_import


def feature(name, geometry, **properties):
    return {"type": "Feature", "properties": {"name": name, **properties}, "geometry": geometry}


def collection(*features, crs=None):
    document = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document)


def square(min_lon, min_lat, max_lon, max_lat):
    return mapping(box(min_lon, min_lat, max_lon, max_lat))


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[18.0, 59.0], [18.1, 59.1], [18.1, 59.0], [18.0, 59.1], [18.0, 59.0]]],
}


def test_a_good_file_stores_every_district(world):
    data = collection(
        feature("Farsta", square(18.05, 59.22, 18.12, 59.26)),
        feature("Skarpnäck", square(18.12, 59.24, 18.16, 59.28)),
    )
    result = areas_import(city=world.stockholm, level=AreaLevel.DISTRICT, data=data)
    assert (result.created, result.updated) == (2, 0)
    farsta = District.objects.get(city=world.stockholm, name="Farsta")
    lon, lat = zip(*farsta.geometry["coordinates"][0], strict=True)
    x, y = to_sweref(lon, lat)
    stored = farsta.geometry_sweref["coordinates"][0]
    assert [p[0] for p in stored] == pytest.approx(list(x), abs=0.01)
    assert [p[1] for p in stored] == pytest.approx(list(y), abs=0.01)
    assert farsta.area_m2 == pytest.approx(shape(farsta.geometry_sweref).area)


def test_one_bad_feature_stores_nothing_and_is_named(world):
    before = District.objects.count()
    data = collection(
        feature("Farsta", square(18.05, 59.22, 18.12, 59.26)),
        feature("Trasig", BOWTIE),
        feature("Skarpnäck", square(18.12, 59.24, 18.16, 59.28)),
    )
    with pytest.raises(AreaImportError) as error:
        areas_import(city=world.stockholm, level=AreaLevel.DISTRICT, data=data)
    assert District.objects.count() == before
    [problem] = error.value.errors
    assert problem.number == 2
    assert "Trasig" in str(problem)
    assert "korsar sig själv" in str(problem)


def test_every_bad_feature_is_reported_at_once(world):
    data = collection(
        feature("", square(18.05, 59.22, 18.12, 59.26)),
        feature("Punkt", {"type": "Point", "coordinates": [18.0, 59.0]}),
        {"type": "Feature", "properties": {"name": "Tom"}, "geometry": None},
        feature("Dubbel", square(18.05, 59.22, 18.12, 59.26)),
        feature("dubbel", square(18.05, 59.22, 18.12, 59.26)),
    )
    with pytest.raises(AreaImportError) as error:
        areas_import(city=world.stockholm, level=AreaLevel.DISTRICT, data=data)
    assert [e.number for e in error.value.errors] == [1, 2, 3, 5]


def test_sweref_99_tm_given_as_crs_is_read(world):
    polygon = reproject(box(18.05, 59.22, 18.12, 59.26), WGS84, SWEREF99TM)
    data = collection(feature("Farsta", mapping(polygon)), crs="urn:ogc:def:crs:EPSG::3006")
    areas_import(city=world.stockholm, level=AreaLevel.DISTRICT, data=data)
    farsta = District.objects.get(name="Farsta")
    assert farsta.min_lon == pytest.approx(18.05, abs=1e-6)
    assert farsta.max_lat == pytest.approx(59.26, abs=1e-6)


@pytest.mark.parametrize(
    "data,expected",
    [
        ("{not json", "inte giltig JSON"),
        (json.dumps({"type": "Feature"}), "FeatureCollection"),
        (collection(crs="EPSG:3857"), "Okänt koordinatsystem"),
        (json.dumps({"type": "FeatureCollection", "features": []}), "inga objekt"),
    ],
)
def test_a_malformed_file_is_refused_with_a_reason(world, data, expected):
    with pytest.raises(AreaImportError) as error:
        areas_import(city=world.stockholm, level=AreaLevel.DISTRICT, data=data)
    assert expected in str(error.value.errors[0])


def test_sweref_coordinates_without_a_crs_are_refused(world):
    polygon = reproject(box(18.05, 59.22, 18.12, 59.26), WGS84, SWEREF99TM)
    with pytest.raises(AreaImportError) as error:
        areas_import(
            city=world.stockholm,
            level=AreaLevel.DISTRICT,
            data=collection(feature("Farsta", mapping(polygon))),
        )
    assert "EPSG:3006" in str(error.value.errors[0])


def test_a_place_outside_its_district_is_refused(world):
    data = collection(
        feature("Torget", square(18.00, 59.27, 18.01, 59.275), district="Älvsjö"),
        feature("Bortom", square(18.10, 59.27, 18.11, 59.275), district="Älvsjö"),
    )
    with pytest.raises(AreaImportError) as error:
        areas_import(city=world.stockholm, level=AreaLevel.PLACE, data=data)
    [problem] = error.value.errors
    assert "Bortom" in str(problem) and "utanför" in str(problem)
    assert not Place.objects.filter(name="Torget").exists()


def test_a_place_finds_its_district_when_none_is_named(world):
    data = collection(feature("Torget", square(18.00, 59.27, 18.01, 59.275)))
    areas_import(city=world.stockholm, level=AreaLevel.PLACE, data=data)
    assert Place.objects.get(name="Torget").district == world.alvsjo


def test_a_place_of_another_city_is_not_placed_there(world):
    data = collection(feature("Torget", square(18.00, 59.27, 18.01, 59.275)))
    with pytest.raises(AreaImportError):
        areas_import(city=world.goteborg, level=AreaLevel.PLACE, data=data)


def test_a_police_area_covers_the_districts_mostly_inside_it(world):
    data = collection(feature("LPO Syd", square(17.97, 59.255, 18.05, 59.295)))
    areas_import(city=world.stockholm, level=AreaLevel.POLICE_AREA, data=data)
    area = PoliceArea.objects.get(name="LPO Syd")
    assert list(area.districts.all()) == [world.alvsjo]


def test_importing_again_updates_by_name(world):
    areas_import(
        city=world.stockholm,
        level=AreaLevel.DISTRICT,
        data=collection(feature("älvsjö", square(17.975, 59.255, 18.045, 59.295))),
    )
    world.alvsjo.refresh_from_db()
    assert world.alvsjo.min_lon == pytest.approx(17.975)
    assert District.objects.filter(city=world.stockholm).count() == 2


def test_a_new_boundary_may_not_strand_a_place(world):
    with pytest.raises(AreaImportError) as error:
        areas_import(
            city=world.stockholm,
            level=AreaLevel.DISTRICT,
            data=collection(feature("Älvsjö", square(17.98, 59.26, 18.00, 59.29))),
        )
    assert "Älvsjö centrum" in str(error.value.errors[0])
    world.alvsjo.refresh_from_db()
    assert world.alvsjo.max_lon == pytest.approx(18.04)


def test_the_command_line_imports_and_reports(world, tmp_path):
    path = tmp_path / "omraden.geojson"
    path.write_text(collection(feature("Farsta", square(18.05, 59.22, 18.12, 59.26))))
    out = StringIO()
    call_command("import_areas", str(path), city="Stockholms stad", level="district", stdout=out)
    assert District.objects.filter(name="Farsta").exists()
    assert "1" in out.getvalue()


def test_the_command_line_names_every_bad_feature(world, tmp_path):
    path = tmp_path / "omraden.geojson"
    path.write_text(
        collection(feature("Farsta", square(18.05, 59.22, 18.12, 59.26)), feature("Trasig", BOWTIE))
    )
    with pytest.raises(CommandError) as error:
        call_command("import_areas", str(path), city="Stockholms stad", level="district")
    assert "Trasig" in str(error.value)
    assert not District.objects.filter(name="Farsta").exists()


def upload(content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("omraden.geojson", content.encode(), "application/geo+json")


def test_the_import_page_stores_a_good_file(world, login):
    client = login(world.ingrid)
    response = client.post(
        reverse("geo:import"),
        {
            "city": world.stockholm.pk,
            "level": "district",
            "file": upload(collection(feature("Farsta", square(18.05, 59.22, 18.12, 59.26)))),
        },
    )
    assert response.status_code == 302
    assert District.objects.filter(name="Farsta").exists()


def test_the_import_page_lists_the_faults(world, login):
    client = login(world.ingrid)
    response = client.post(
        reverse("geo:import"),
        {
            "city": world.stockholm.pk,
            "level": "district",
            "file": upload(
                collection(
                    feature("Farsta", square(18.05, 59.22, 18.12, 59.26)), feature("Trasig", BOWTIE)
                )
            ),
        },
    )
    assert response.status_code == 400
    assert "Trasig" in response.content.decode()
    assert not District.objects.filter(name="Farsta").exists()


def test_the_import_page_is_for_administrators(world, login):
    response = login(world.anna).get(reverse("geo:import"))
    assert response.status_code == 403


def test_an_administrator_may_not_import_into_another_city(world, login):
    response = login(world.ingrid).post(
        reverse("geo:import"),
        {
            "city": world.goteborg.pk,
            "level": "district",
            "file": upload(collection(feature("Hisingen", square(11.9, 57.7, 12.0, 57.75)))),
        },
    )
    assert response.status_code == 400
    assert not District.objects.filter(name="Hisingen").exists()


def test_the_command_refuses_an_unknown_city(world, tmp_path):
    path = tmp_path / "a.geojson"
    path.write_text(collection(feature("Farsta", square(18.05, 59.22, 18.12, 59.26))))
    with pytest.raises(CommandError):
        call_command("import_areas", str(path), city="Atlantis", level="district")

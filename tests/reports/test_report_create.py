import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pyproj import Transformer

from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM
from trygg.reports import services
from trygg.reports.models import Report, ReportEvent, Source


def create(world, categories, when, **overrides):
    values = dict(
        city=world.stockholm,
        category=categories["narkotika"],
        lon=IN_ALVSJO_CENTRUM[0],
        lat=IN_ALVSJO_CENTRUM[1],
        occurred_from=when,
        description="Försäljning vid trappan",
        by=world.petra,
        organisation=world.orgs["police"],
    )
    values.update(overrides)
    return services.report_create(**values)


def test_a_report_derives_its_district_places_and_sweref(world, categories, an_hour_ago):
    report = create(world, categories, an_hour_ago)
    assert report.district == world.alvsjo
    assert list(report.places.all()) == [world.alvsjo_centrum]
    reference = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    assert (report.x, report.y) == pytest.approx(reference.transform(*IN_ALVSJO_CENTRUM), abs=0.01)
    assert report.events.get().kind == ReportEvent.Kind.CREATED
    assert report.answer_due_at > timezone.now()


def test_a_point_outside_the_city_is_refused(world, categories, an_hour_ago):
    with pytest.raises(ValidationError) as error:
        create(world, categories, an_hour_ago, lon=11.97, lat=57.70)
    assert "position" in error.value.message_dict
    assert not Report.objects.exists()


def test_swapped_coordinates_are_named(world, categories, an_hour_ago):
    with pytest.raises(ValidationError, match="swapped|förväxlade|bytt plats"):
        create(world, categories, an_hour_ago, lon=IN_ALVSJO[1], lat=IN_ALVSJO[0])


@pytest.mark.parametrize("lon, lat", [(200, 59.2), (18.0, -91), ("öst", 59.2), (float("nan"), 1)])
def test_impossible_coordinates_are_refused(world, categories, an_hour_ago, lon, lat):
    with pytest.raises(ValidationError) as error:
        create(world, categories, an_hour_ago, lon=lon, lat=lat)
    assert "position" in error.value.message_dict


def test_a_time_in_the_future_is_refused(world, categories):
    with pytest.raises(ValidationError) as error:
        create(world, categories, timezone.now() + dt.timedelta(hours=1))
    assert "occurred_from" in error.value.message_dict


def test_a_span_ending_before_it_starts_is_refused(world, categories, an_hour_ago):
    with pytest.raises(ValidationError) as error:
        create(world, categories, an_hour_ago, occurred_to=an_hour_ago - dt.timedelta(minutes=1))
    assert "occurred_to" in error.value.message_dict


def test_a_description_is_required_from_a_reporter(world, categories, an_hour_ago):
    with pytest.raises(ValidationError) as error:
        create(world, categories, an_hour_ago, description="   ")
    assert "description" in error.value.message_dict


def test_a_category_of_another_city_is_refused(world, categories, an_hour_ago):
    goteborg = world.goteborg.categories.get(code="narkotika")
    with pytest.raises(ValidationError) as error:
        create(world, categories, an_hour_ago, category=goteborg)
    assert "category" in error.value.message_dict


def test_nobody_reports_for_an_organisation_they_do_not_belong_to(world, categories, an_hour_ago):
    with pytest.raises(ValidationError) as error:
        create(world, categories, an_hour_ago, by=world.rut)
    assert "organisation" in error.value.message_dict


def test_html_is_stored_as_text(world, categories, an_hour_ago):
    report = create(world, categories, an_hour_ago, description="<script>alert(1)</script>")
    assert Report.objects.get(pk=report.pk).description == "<script>alert(1)</script>"


def test_a_resident_report_gets_a_status_token(world, categories, an_hour_ago):
    report = create(
        world, categories, an_hour_ago, source=Source.RESIDENT, by=None, organisation=None
    )
    assert len(report.public_token) >= 20

"""The report pages: intake, weekly list, nil return, the review queue and the resident's pages."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM, IN_HAGERSTEN
from trygg.reports import services
from trygg.reports.models import NilReturn, Precision, Report, ReportEvent, Source
from trygg.reports.workflow import Status


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def report_by_rut(world, categories, when, lon_lat=IN_ALVSJO_CENTRUM, code="klotter"):
    return services.report_create(
        city=world.stockholm,
        category=categories[code],
        lon=lon_lat[0],
        lat=lon_lat[1],
        occurred_from=when,
        description="Klotter på elskåpet",
        by=world.rut,
        organisation=world.orgs["property"],
    )


def rut_reports(world, categories, login, **fields):
    """Post the report form as rut (property owner, Älvsjö), a klotter by default."""
    data = {
        "organisation": world.orgs["property"].pk,
        "category": categories["klotter"].pk,
        "lon": IN_ALVSJO_CENTRUM[0],
        "lat": IN_ALVSJO_CENTRUM[1],
        "occurred_from": local(timezone.now() - dt.timedelta(hours=1)),
        "description": "Klotter",
    }
    data.update(fields)
    return login(world.rut).post(
        reverse("reports:new"), {k: v for k, v in data.items() if v is not None}
    )


def jpeg_with_gps():
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "Kameratillverkare"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (59.0, 16.0, 39.0), 3: "E", 4: (18.0, 0.0, 36.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    out.seek(0)
    out.name = "bild.jpg"
    return out


def test_a_reporter_reports_at_a_spot_with_a_photo_without_exif(
    world, categories, login, an_hour_ago, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    photo = jpeg_with_gps()
    assert b"Kameratillverkare" in photo.getvalue()
    response = rut_reports(
        world,
        categories,
        login,
        occurred_from=local(an_hour_ago),
        description="Nytt klotter på elskåpet",
        photos=[photo],
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.organisation, report.district) == (
        world.rut,
        world.orgs["property"],
        world.alvsjo,
    )
    stored = report.photos.get()
    data = stored.image.read()
    assert b"Kameratillverkare" not in data
    assert not Image.open(io.BytesIO(data)).getexif()
    assert login(world.anna).get(reverse("reports:photo", args=[stored.token])).status_code == 200
    assert login(world.olle).get(reverse("reports:photo", args=[stored.token])).status_code == 404


def test_a_file_that_claims_to_be_a_jpeg_but_is_not_is_refused(
    world, categories, login, an_hour_ago, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fake = io.BytesIO(b"%PDF-1.4 not an image at all")
    fake.name = "bild.jpg"
    response = rut_reports(
        world, categories, login, occurred_from=local(an_hour_ago), photos=[fake]
    )
    assert response.status_code == 400
    assert "inte en JPEG-, PNG- eller WebP-bild" in response.content.decode()
    assert not Report.objects.exists()


def test_a_too_large_photo_is_refused(world, categories, login, an_hour_ago, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TRYGG_MAX_PHOTO_BYTES = 1024
    big = io.BytesIO(b"\xff\xd8" + b"0" * 5000)
    big.name = "stor.jpg"
    response = rut_reports(world, categories, login, occurred_from=local(an_hour_ago), photos=[big])
    assert response.status_code == 400
    assert "större än" in response.content.decode()
    assert not Report.objects.exists()


def test_a_place_picked_by_name_gives_place_precision(world, categories, login, an_hour_ago):
    response = rut_reports(
        world,
        categories,
        login,
        category=categories["nedskrapning"].pk,
        lon=None,
        lat=None,
        place=world.alvsjo_centrum.pk,
        occurred_from=local(an_hour_ago),
        description="Skräp vid bänkarna",
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.precision == Precision.PLACE
    assert list(report.places.all()) == [world.alvsjo_centrum]


def test_a_spot_outside_the_city_is_explained_and_nothing_stored(
    world, categories, login, an_hour_ago
):
    response = rut_reports(
        world, categories, login, lon=59.2775, lat=18.01, occurred_from=local(an_hour_ago)
    )
    assert response.status_code == 400
    assert "utanför Stockholms stad" in response.content.decode()
    assert not Report.objects.exists()


def test_people_without_a_reporting_role_cannot_report(world, categories, login):
    assert login(world.maja).get(reverse("reports:new")).status_code == 403


def test_the_weekly_list_stores_every_row_or_none(world, categories, login):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    rows = {
        "organisation": world.orgs["property"].pk,
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "30",
        "rows-0-day": yesterday.isoformat(),
        "rows-0-time": "21:30",
        "rows-0-category": categories["samlingar"].pk,
        "rows-0-place": world.alvsjo_centrum.pk,
        "rows-0-description": "Grupp vid trappan",
        "rows-1-day": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "rows-1-category": categories["klotter"].pk,
        "rows-1-place": world.alvsjo_centrum.pk,
        "rows-1-description": "Klotter",
    }
    client = login(world.rut)
    response = client.post(reverse("reports:week"), rows)
    assert response.status_code == 400
    assert "framtiden" in response.content.decode()
    assert not Report.objects.exists()

    rows["rows-1-day"] = (yesterday - dt.timedelta(days=2)).isoformat()
    response = client.post(reverse("reports:week"), rows)
    assert response.status_code == 302
    assert Report.objects.count() == 2
    assert timezone.localtime(Report.objects.order_by("-occurred_from")[0].occurred_from).hour == 21


def test_a_nil_return_is_stored_once_a_week_and_listed_in_the_effort(world, categories, login):
    client = login(world.rut)
    for _ in range(2):
        response = client.post(
            reverse("reports:nil_return"),
            {"organisation": world.orgs["property"].pk, "district": world.alvsjo.pk},
        )
        assert response.status_code == 302
    nil = NilReturn.objects.get()
    assert nil.week == services.week_start(timezone.localdate())
    from trygg.reports.queries import reporting_effort

    effort = reporting_effort(user=world.anna, weeks=[nil.week], district_ids=[world.alvsjo.pk])
    assert [(e.organisation, e.reports, e.nil_return) for e in effort] == [
        ("Fastighets AB Centrum", 0, True)
    ]


def test_a_nil_return_for_an_area_the_organisation_does_not_work_in_is_refused(world, categories):
    with pytest.raises(Exception, match="arbetar inte i|does not work in"):
        services.nil_return_create(
            by=world.rut,
            organisation=world.orgs["property"],
            district=world.hagersten,
            week=timezone.localdate(),
        )


def test_own_reports_are_listed_with_their_status(world, categories, login, an_hour_ago):
    report_by_rut(world, categories, an_hour_ago)
    body = login(world.rut).get(reverse("reports:mine")).content.decode()
    assert "Klotter" in body and "Mottagen" in body


def test_the_queue_shows_a_coordinator_their_districts_only(
    world, categories, login, an_hour_ago, django_assert_max_num_queries
):
    mine = report_by_rut(world, categories, an_hour_ago)
    services.report_create(
        city=world.stockholm,
        category=categories["klotter"],
        lon=IN_HAGERSTEN[0],
        lat=IN_HAGERSTEN[1],
        occurred_from=an_hour_ago,
        description="Klotter i Hägersten",
        by=world.olle,
        organisation=world.orgs["hagersten_sdf"],
    )
    client = login(world.anna)
    with django_assert_max_num_queries(15):
        body = client.get(reverse("reports:queue")).content.decode()
    assert reverse("reports:detail", args=[mine.pk]) in body
    assert "Klotter i Hägersten" not in body
    assert login(world.rut).get(reverse("reports:queue")).status_code == 403


def test_the_queue_filters_by_category_and_period(world, categories, login, an_hour_ago):
    report_by_rut(world, categories, an_hour_ago)
    client = login(world.anna)
    today = timezone.localdate().isoformat()
    other = client.get(reverse("reports:queue"), {"category": categories["ran"].pk})
    assert other.context["reports"] == []
    same = client.get(
        reverse("reports:queue"), {"category": categories["klotter"].pk, "end": today}
    )
    assert len(same.context["reports"]) == 1
    bad = client.get(reverse("reports:queue"), {"start": today, "end": "2000-01-01"})
    assert "före" in bad.content.decode()


def test_a_coordinator_accepts_rejects_with_reason_and_corrects(
    world, categories, login, an_hour_ago
):
    report = report_by_rut(world, categories, an_hour_ago)
    client = login(world.anna)
    url = reverse("reports:review", args=[report.pk])
    client.post(url, {"action": "rejected", "reason": ""})
    report.refresh_from_db()
    assert report.status == Status.RECEIVED
    client.post(url, {"action": "accepted"})
    client.post(
        url,
        {
            "action": "correct",
            "category": categories["skadegorelse"].pk,
            "lon": IN_ALVSJO[0],
            "lat": IN_ALVSJO[1],
        },
    )
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED and report.answer_due_at is None
    assert report.category == categories["skadegorelse"]
    assert not report.places.exists()
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == ["created", "status", "corrected"]
    assert login(world.olle).post(url, {"action": "done"}).status_code == 404
    assert login(world.rut).post(url, {"action": "done"}).status_code == 403


def test_nearby_reports_of_the_same_kind_are_suggested_and_merged(
    world, categories, login, an_hour_ago
):
    first = report_by_rut(world, categories, an_hour_ago - dt.timedelta(hours=3))
    second = report_by_rut(world, categories, an_hour_ago, lon_lat=(18.0102, 59.2776))
    far = report_by_rut(world, categories, an_hour_ago, lon_lat=IN_ALVSJO)
    client = login(world.anna)
    response = client.get(reverse("reports:detail", args=[second.pk]))
    assert response.context["duplicates"] == [first]
    client.post(reverse("reports:review", args=[second.pk]), {"action": "merge", "into": first.pk})
    second.refresh_from_db()
    assert (second.status, second.duplicate_of) == (Status.DUPLICATE, first)
    assert first.events.filter(kind=ReportEvent.Kind.MERGED).exists()
    assert far.status == Status.RECEIVED


def test_a_resident_reports_without_an_account_and_follows_the_link(world, categories, client):
    response = client.post(
        reverse("reports:public_new_city", args=[world.stockholm.pk]),
        {
            "category": categories["belysning"].pk,
            "lon": IN_ALVSJO[0],
            "lat": IN_ALVSJO[1],
            "description": "Lampan i gångtunneln är trasig <b>igen</b>",
            "email": "boende@example.org",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.source == Source.RESIDENT and report.contact_email == "boende@example.org"
    page = client.get(response.url)
    body = page.content.decode()
    assert "Mottagen" in body
    assert "&lt;b&gt;igen&lt;/b&gt;" in body
    assert "boende@example.org" not in body

    services.report_transition(report=report, to=Status.ACCEPTED, by=world.anna)
    services.report_transition(
        report=report, to=Status.DONE, by=world.anna, reason="Lampan är bytt"
    )
    body = client.get(response.url).content.decode()
    assert "Åtgärdad" in body and "Lampan är bytt" in body
    client.post(response.url, {"reason": "Fortfarande mörkt"})
    report.refresh_from_db()
    assert report.status == Status.RECEIVED and report.answer_due_at is not None
    assert "Fortfarande mörkt" in client.get(response.url).content.decode()


def test_the_status_page_of_an_unknown_token_is_not_found(world, client):
    assert client.get(reverse("reports:status", args=["nej"])).status_code == 404


def test_a_bot_filling_the_honeypot_stores_nothing(world, categories, client):
    response = client.post(
        reverse("reports:public_new_city", args=[world.stockholm.pk]),
        {
            "category": categories["belysning"].pk,
            "lon": IN_ALVSJO[0],
            "lat": IN_ALVSJO[1],
            "description": "Köp billiga klockor",
            "website": "http://spam.example",
        },
    )
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_residents_see_only_categories_open_to_them(world, categories, client):
    categories["narkotika"].public = False
    categories["narkotika"].save()
    body = client.get(reverse("reports:public_new_city", args=[world.stockholm.pk])).content
    assert "Narkotikahandel" not in body.decode()
    assert "Dålig belysning" in body.decode()


def test_overdue_reports_are_flagged_in_the_queue(world, categories, login):
    report = report_by_rut(world, categories, timezone.now() - dt.timedelta(days=20))
    Report.objects.filter(pk=report.pk).update(answer_due_at=timezone.now() - dt.timedelta(days=1))
    response = login(world.anna).get(reverse("reports:queue"), {"overdue": "on"})
    assert [r.pk for r in response.context["reports"]] == [report.pk]
    assert "Försenad" in response.content.decode()


def test_an_administrator_edits_the_category_list(world, categories, login):
    client = login(world.ingrid)
    url = reverse("reports:category_edit", args=[world.stockholm.pk, categories["ovrigt"].pk])
    data = {
        "name": "Övrigt",
        "name_en": "Other",
        "code": "ovrigt",
        "group": "Övrigt",
        "description": "",
        "answer_days": 7,
        "harm_weight": 2,
        "repeat_prone": "on",
        "public": "on",
        "active": "on",
        "order": 1,
    }
    refused = client.post(url, {**data, "harm_weight": 11})
    assert refused.status_code == 400 and "10" in refused.content.decode()
    assert client.post(url, data).status_code == 302
    categories["ovrigt"].refresh_from_db()
    assert categories["ovrigt"].answer_days == 7
    assert (categories["ovrigt"].harm_weight, categories["ovrigt"].repeat_prone) == (2, True)
    assert login(world.anna).post(url, data).status_code == 403
    gustav = login(world.gustav).get(url)
    assert gustav.status_code == 404
    assert re.search(
        r"Dålig belysning", login(world.ingrid).get(reverse("reports:categories")).content.decode()
    )


def test_the_effort_page_tells_reported_nil_and_unobserved_apart(
    world, categories, login, an_hour_ago
):
    report_by_rut(world, categories, an_hour_ago)
    services.nil_return_create(
        by=world.petra,
        organisation=world.orgs["police"],
        district=world.alvsjo,
        week=timezone.localdate(),
    )
    response = login(world.anna).get(reverse("reports:effort"))
    tables = dict(response.context["tables"])
    rows = dict(tables[world.alvsjo])
    this_week = rows["Fastighets AB Centrum"][-1]
    assert (this_week.reports, this_week.nil_return) == (1, False)
    assert rows["Lokalpolisområde Söderort"][-1].nil_return
    assert rows["SL"][-1] is None
    body = response.content.decode()
    assert "nollrapport" in body and "inte bevakad" in body
    assert login(world.rut).get(reverse("reports:effort")).status_code == 403


def test_a_partners_coordinator_does_not_review_reports(world, categories, login, an_hour_ago):
    from trygg.core import policy
    from trygg.core.models import Membership, Role

    report = report_by_rut(world, categories, an_hour_ago)
    Membership.objects.create(user=world.sara, organisation=world.orgs["sl"], role=Role.COORDINATOR)
    assert not policy.can(world.sara, policy.REVIEW, report)
    assert not policy.can(world.sara, policy.VIEW, report)
    assert not policy.can(world.sara, policy.IMPORT_REPORTS, world.stockholm)
    assert login(world.sara).get(reverse("reports:queue")).status_code == 403


def test_imported_rows_do_not_fill_the_importers_own_list(world, categories, login, an_hour_ago):
    report = report_by_rut(world, categories, an_hour_ago)
    Report.objects.filter(pk=report.pk).update(source=Source.CSV)
    assert login(world.rut).get(reverse("reports:mine")).context["reports"] == []

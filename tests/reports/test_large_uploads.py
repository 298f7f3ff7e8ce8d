"""A 50 MB upload is refused with a reason, and nothing is stored."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO_CENTRUM
from trygg.reports.models import Report

FIFTY_MB = 50 * 1024 * 1024


def test_a_50_mb_photo_is_refused(world, categories, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = io.BytesIO(b"\xff\xd8\xff\xe0" + bytes(FIFTY_MB))
    photo.name = "stor.jpg"
    response = login(world.rut).post(
        reverse("reports:new"),
        {
            "organisation": world.orgs["property"].pk,
            "category": categories["klotter"].pk,
            "lon": IN_ALVSJO_CENTRUM[0],
            "lat": IN_ALVSJO_CENTRUM[1],
            "occurred_from": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "description": "Klotter",
            "photos": [photo],
        },
    )
    assert response.status_code == 400
    assert "större än 10 MB" in response.content.decode()
    assert not Report.objects.exists()
    assert not any(tmp_path.rglob("*.jpg"))


def test_a_50_mb_import_file_is_refused(world, categories, login, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    big = SimpleUploadedFile("polisen.json", b"[" + b" " * FIFTY_MB + b"]")
    response = login(world.anna).post(
        reverse("reports:import"),
        {"city": world.stockholm.pk, "format": "police", "file": big},
    )
    assert "större än 20 MB" in response.content.decode()
    assert not Report.objects.exists()
    assert not list(tmp_path.rglob("*.upload"))

"""CSV and GeoJSON exports of the reports a person may see, filtered like the list and the API.

Both stream: rows are read from the database in chunks and written as they
come, so an export of a whole city neither fills the memory of an app process
nor runs into a proxy's timeout before the first byte.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from trygg.geo.models import Place
from trygg.reports.filters import filters_from_params
from trygg.reports.models import Precision, Report, Source
from trygg.reports.queries import reports_visible
from trygg.reports.workflow import Status

# Reports fetched per database round trip while streaming (their places in one more query).
EXPORT_CHUNK = 2000
# Excel runs a cell that starts with one of these as a formula; free text must never do that.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _export_query(request: HttpRequest) -> QuerySet[Report]:
    filters = filters_from_params(request.GET)
    return (
        reports_visible(user=request.user, filters=filters)
        .prefetch_related(Prefetch("places", queryset=Place.objects.only("pk", "name")))
        .order_by("-occurred_from", "-pk")
    )


def _refused(error: ValidationError) -> HttpResponse:
    lines = [
        f"{field}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


def _filename(extension: str) -> str:
    return f"trygg-reports-{timezone.localdate():%Y-%m-%d}.{extension}"


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _number(value: float, decimals: int) -> str:
    """In the reader's language, so Swedish Excel sees a decimal comma and reads a number."""
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True)


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _label(model_field: str) -> str:
    return capfirst(str(Report._meta.get_field(model_field).verbose_name))


def _places(report: Report) -> str:
    return ", ".join(p.name for p in report.places.all())


def _csv_columns() -> list[tuple[str, Callable[[Report], Any]]]:
    return [
        (_("ID"), lambda r: r.pk),
        (_label("category"), lambda r: r.category.label),
        (_("Category code"), lambda r: r.category.code),
        (_label("occurred_from"), lambda r: _local(r.occurred_from)),
        (_label("occurred_to"), lambda r: _local(r.occurred_to)),
        (_label("description"), lambda r: _text(r.description)),
        (_label("address"), lambda r: _text(r.address)),
        (_label("lon"), lambda r: _number(r.lon, 6)),
        (_label("lat"), lambda r: _number(r.lat, 6)),
        (_label("x"), lambda r: _number(r.x, 1)),
        (_label("y"), lambda r: _number(r.y, 1)),
        (_label("precision"), lambda r: Precision(r.precision).label),
        (_label("district"), lambda r: r.district.name if r.district else ""),
        (_label("places"), _places),
        (_label("status"), lambda r: Status(r.status).label),
        (_label("organisation"), lambda r: r.organisation.name if r.organisation else ""),
        (_label("source"), lambda r: Source(r.source).label),
        (_label("created_at"), lambda r: _local(r.created_at)),
        (_label("answer_due_at"), lambda r: _local(r.answer_due_at)),
    ]


class _Echo:
    """A file that hands back what is written, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(query: QuerySet[Report], language: str) -> Iterator[str]:
    # The body is written after the view has returned; keep the reader's language for it.
    with translation.override(language):
        columns = _csv_columns()
        writer = csv.writer(_Echo(), delimiter=";")
        # The byte order mark is how Excel knows the file is UTF-8 (å, ä, ö).
        yield "\ufeff" + writer.writerow([str(header) for header, _value in columns])
        for report in query.iterator(chunk_size=EXPORT_CHUNK):
            yield writer.writerow([value(report) for _header, value in columns])


@login_required
@require_GET
def reports_export_csv(request: HttpRequest) -> HttpResponse:
    """A semicolon-separated file for Excel with Swedish column names."""
    try:
        query = _export_query(request)
    except ValidationError as error:
        return _refused(error)
    response = StreamingHttpResponse(
        _csv_lines(query, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def _iso(moment: Any) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _feature(report: Report) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": report.pk,
        "geometry": {"type": "Point", "coordinates": [report.lon, report.lat]},
        "properties": {
            "id": report.pk,
            "category_id": report.category_id,
            "category_code": report.category.code,
            "category": report.category.name,
            "occurred_from": _iso(report.occurred_from),
            "occurred_to": _iso(report.occurred_to),
            "description": report.description,
            "address": report.address,
            "x": report.x,
            "y": report.y,
            "precision": report.precision,
            "district_id": report.district_id,
            "district": report.district.name if report.district else None,
            "place_ids": [p.pk for p in report.places.all()],
            "places": _places(report),
            "status": report.status,
            "public_status": str(report.public_status),
            "organisation_id": report.organisation_id,
            "organisation": report.organisation.name if report.organisation else None,
            "source": report.source,
            "created_at": _iso(report.created_at),
            "answer_due_at": _iso(report.answer_due_at),
        },
    }


def _geojson_chunks(query: QuerySet[Report]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    separator = ""
    for report in query.iterator(chunk_size=EXPORT_CHUNK):
        yield separator + json.dumps(_feature(report), ensure_ascii=False)
        separator = ",\n"
    yield "]}\n"


@login_required
@require_GET
def reports_export_geojson(request: HttpRequest) -> HttpResponse:
    """A FeatureCollection of WGS84 points (RFC 7946) for QGIS and other map tools."""
    try:
        query = _export_query(request)
    except ValidationError as error:
        return _refused(error)
    response = StreamingHttpResponse(
        _geojson_chunks(query), content_type="application/geo+json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("geojson")}"'
    return response

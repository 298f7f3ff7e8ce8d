"""Downloads of a situation picture's aggregates: CSV for Excel and GeoJSON for a GIS.

They take the page's query parameters (district, period or start/end, category)
and hold the same figures as the page. Only aggregates leave: counts per
category, place, week and hour, and the heat and hotspot cells; never single
reports or who reported them. Viewers who do not review the district get the
small counts suppressed, as on the page (see ``privacy``).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trygg.geo.models import Area
from trygg.reports.models import Category
from trygg.situation import picture, privacy, queries
from trygg.situation.periods import Period, parse_period
from trygg.situation.views import area_of

# Places in the download: all the district's places with reports, not only the page's top five.
PLACE_LIMIT = 500


@dataclass(frozen=True)
class Figures:
    area: Area
    period: Period
    picture: picture.Picture
    places: list[tuple[str, int | None]]
    exact: bool
    minimum: int


def _figures(request: HttpRequest) -> Figures | HttpResponse:
    """The picture the page would show for these parameters, suppressed for partners."""
    districts = list(queries.situation_districts(user=request.user))
    district, place = area_of(request, districts)
    names = {c.pk: c.label for c in Category.objects.filter(city_id=district.city_id)}
    selected = [int(c) for c in request.GET.getlist("category") if c.isdigit() and int(c) in names]
    try:
        period = parse_period(
            request.GET.get("period"),
            today=timezone.localdate(),
            start=request.GET.get("start"),
            end=request.GET.get("end"),
        )
    except ValidationError as error:
        messages = [m for ms in error.message_dict.values() for m in ms]
        return HttpResponseBadRequest(" ".join(messages), content_type="text/plain; charset=utf-8")
    events = queries.events(
        user=request.user,
        district_ids=None if place else [district.pk],
        place=place,
        period=picture.span(period),
        categories=selected,
    )
    places = (
        []
        if place
        else queries.top_places(
            user=request.user,
            district=district,
            period=period,
            categories=selected,
            limit=PLACE_LIMIT,
        )
    )
    result = picture.build(
        events=events,
        period=period,
        district=place or district,
        category_names=names,
        top_places=places[: picture.TOP],
    )
    exact = privacy.sees_exact(
        request.user, district, period=picture.span(period), categories=selected
    )
    minimum = settings.TRYGG_MIN_SHARED_COUNT
    shown: list[tuple[str, int | None]] = list(places)
    if not exact:
        result = privacy.shared(result, minimum)
        shown = [(name, privacy.suppress_one(n, minimum)) for name, n in places]
    return Figures(place or district, period, result, shown, exact, minimum)


def _filename(figures: Figures, extension: str) -> str:
    return f"lagesbild-{slugify(figures.area.name)}-{figures.period.key}.{extension}"


def _rows(figures: Figures) -> list[list[Any]]:
    """The CSV as sections: a title line, a header line, the rows and an empty line."""
    p = figures.picture
    below = privacy.below(figures.minimum)

    def n(value: int | None) -> Any:
        return below if value is None else value

    rows: list[list[Any]] = [
        [_("Situation picture"), figures.area.name, p.period.label],
        [_("Created"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]
    if not figures.exact:
        rows.append(
            [
                _("Counts below %(minimum)d are shown as %(below)s.")
                % {"minimum": figures.minimum, "below": below}
            ]
        )
    rows += [
        [],
        [_("Totals")],
        [_("Period"), _("Reports")],
        [p.period.label, n(p.total)],
        [p.previous.label, n(p.previous_total)],
        [p.last_year.label, n(p.last_year_total)],
        [],
        [_("Categories")],
        [
            _("Category"),
            p.period.label,
            p.previous.label,
            _("Against the period before"),
            p.last_year.label,
            _("Against last year"),
        ],
    ]
    rows += [
        [
            c.category,
            n(c.current),
            n(c.previous),
            c.vs_previous_label,
            n(c.last_year),
            c.vs_last_year_label,
        ]
        for c in p.changes
    ]
    rows += [[], [_("Places")], [_("Place"), _("Reports")]]
    rows += [[name, n(count)] for name, count in figures.places]
    rows += [[], [_("Weekly trend")], [_("Week"), _("Reports"), _("Same week last year")]]
    rows += [
        [
            f"{w.week.isocalendar().year}-W{w.week.isocalendar().week:02d}",
            n(w.count),
            n(w.last_year_count),
        ]
        for w in p.trend
    ]
    rows += [[], [_("Weekday and hour")], [_("Day")] + [f"{h:02d}" for h in range(24)]]
    rows += [[day] + [n(v) for v in values] for day, values in p.weekday_hour]
    return rows


def _safe(value: Any) -> Any:
    """A name that Excel would run as a formula (=, +, -, @) is written as text instead."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@login_required
def data_csv(request: HttpRequest) -> HttpResponse:
    """The picture's aggregates as CSV: UTF-8 with BOM and ';' so that Swedish Excel opens it."""
    figures = _figures(request)
    if isinstance(figures, HttpResponse):
        return figures
    out = io.StringIO()
    out.write("\ufeff")
    rows = [[_safe(value) for value in row] for row in _rows(figures)]
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(figures, "csv")}"'
    return response


@login_required
def data_geojson(request: HttpRequest) -> HttpResponse:
    """The heat and hotspot cells as WGS84 polygons with their values; no report points."""
    figures = _figures(request)
    if isinstance(figures, HttpResponse):
        return figures
    features = [
        f
        for f in figures.picture.features
        if f["properties"]["level"] in ("heat", "hotspot") and f["geometry"]["type"] == "Polygon"
    ]
    collection = {
        "type": "FeatureCollection",
        "name": _filename(figures, "geojson").removesuffix(".geojson"),
        "features": features,
    }
    response = HttpResponse(
        json.dumps(collection, ensure_ascii=False), content_type="application/geo+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(figures, "geojson")}"'
    return response

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
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trygg.situation import privacy, queries
from trygg.situation.figures import Figures, asked, figures

# Places in the download: all the district's places with reports, not only the page's top five.
PLACE_LIMIT = 500


def _figures(request: HttpRequest) -> Figures | HttpResponse:
    """The picture the page would show for these parameters, suppressed for partners."""
    try:
        what = asked(request, list(queries.situation_districts(user=request.user)))
        return figures(request, what, place_limit=PLACE_LIMIT)
    except ValidationError as error:
        messages = [m for ms in error.message_dict.values() for m in ms]
        return HttpResponseBadRequest(" ".join(messages), content_type="text/plain; charset=utf-8")


def _filename(figures: Figures, extension: str) -> str:
    return f"lagesbild-{slugify(figures.asked.area.name)}-{figures.period.key}.{extension}"


def _rows(figures: Figures) -> list[list[Any]]:
    """The CSV as sections: a title line, a header line, the rows and an empty line."""
    p = figures.picture
    below = privacy.below(figures.minimum)

    def n(value: int | None) -> Any:
        return below if value is None else value

    rows: list[list[Any]] = [
        [_("Situation picture"), figures.asked.area.name, p.period.label],
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
    rows += [[], [_("Streets")], [_("Street"), _("Reports")]]
    rows += [[name, n(count)] for name, count in figures.streets]
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
    rows += [[], [_("Reporting effort")], [""] + [f"{w:%G-W%V}" for w in figures.effort_weeks]]
    rows += [
        [name] + [_effort(cell, figures.exact) for cell in cells]
        for name, cells in figures.effort_rows
    ]
    return rows


def _effort(cell: Any, exact: bool) -> Any:
    """As on the page: the number of reports for reviewers, that someone looked for others."""
    if cell is None or not (cell.reports or cell.nil_return):
        return ""
    if cell.reports:
        return cell.reports if exact else _("reported")
    return _("nil return")


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

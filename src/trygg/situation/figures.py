"""What a request for a situation picture asks for, and the figures it gets.

The page, the downloads and the PDF read the same query parameters (district,
place, period or start/end, category) and must show the same figures, with the
same privacy rule; they all come through here.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from trygg.analytics.grid import DEFAULT_MAX_CELLS
from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo.models import District, Place
from trygg.geo.projection import sweref_shape
from trygg.reports.models import Category
from trygg.reports.queries import reporting_effort
from trygg.situation import areas, cache, charts, picture, privacy, queries, ranking, repeats
from trygg.situation.areas import PictureArea
from trygg.situation.needs import needs
from trygg.situation.periods import Period, parse_period

# Finer cells than this say more about the position error of reports than about places.
MIN_CELL_M = 10
# A wider kernel than this smooths a district into one blur.
MAX_BANDWIDTH_M = 5000
# Columns of the reporting-effort table at most; a year's picture shows its last weeks.
EFFORT_WEEKS = 13


@dataclass(frozen=True)
class Asked:
    """The area and categories a request asks for, already checked against what the user sees."""

    area: PictureArea
    categories: list[Category]
    selected: list[int]

    @property
    def names(self) -> dict[int, str]:
        return {c.pk: c.label for c in self.categories}


@dataclass(frozen=True)
class Figures:
    asked: Asked
    period: Period
    picture: picture.Picture
    # Places by count, small counts suppressed for those who may not see them exactly.
    places: list[tuple[str, int | None]]
    # Streets (addresses of reports placed at street precision) by count; none for a drawn area.
    streets: list[tuple[str, int | None]]
    exact: bool
    minimum: int
    effort_weeks: list[Any]
    effort_rows: list[Any]
    near_repeats: repeats.NearRepeats | None
    ranking: list[ranking.Need]
    # Drawn once with the figures, so that a cached page costs no drawing.
    trend_chart: str
    weekday_chart: str


def asked(request: HttpRequest, districts: list[District]) -> Asked:
    """Raises Http404 for an area the user may not open, ValidationError for a bad polygon."""
    area = areas.choose(request.user, request.GET, districts)
    categories = list(Category.objects.filter(city_id=area.city.pk))
    known = {c.pk for c in categories}
    selected = [int(c) for c in request.GET.getlist("category") if c.isdigit() and int(c) in known]
    return Asked(area, categories, selected)


def figures(request: HttpRequest, what: Asked, *, place_limit: int = picture.TOP) -> Figures:
    """The picture for the request, from the cache while its reports are unchanged.

    Raises ValidationError naming a bad period.
    """
    period = parse_period(
        request.GET.get("period"),
        today=timezone.localdate(),
        start=request.GET.get("start"),
        end=request.GET.get("end"),
    )
    area = what.area
    grain = grain_of(request, area)
    question = (
        grain,
        area.key,
        area.district_ids,
        period,
        tuple(what.selected),
        place_limit,
        translation.get_language(),
        timezone.localdate(),
        settings.TRYGG_MIN_SHARED_COUNT,
    )
    return cache.remember(
        request.user,
        area.city.pk,
        question,
        lambda: _figures(request.user, what, period, place_limit, grain),
    )


def _metres(request: HttpRequest, name: str, default: float) -> float:
    raw = request.GET.get(name, "").strip().replace(",", ".")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValidationError({name: [_("Give a number of metres.")]}) from None
    if not math.isfinite(value):
        raise ValidationError({name: [_("Give a number of metres.")]})
    return value


def grain_of(request: HttpRequest, area: PictureArea) -> picture.Grain:
    """The grid cell and kernel bandwidth asked for, within what the analysis can carry."""
    cell = _metres(request, "cell", picture.CELL_M)
    bandwidth = _metres(request, "bandwidth", picture.KDE_BANDWIDTH_M)
    if cell < MIN_CELL_M:
        raise ValidationError(
            {"cell": [_("The grid cell must be at least %(min)d metres.") % {"min": MIN_CELL_M}]}
        )
    if not 0 < bandwidth <= MAX_BANDWIDTH_M:
        raise ValidationError(
            {
                "bandwidth": [
                    _("The bandwidth must be more than 0 and at most %(max)d metres.")
                    % {"max": MAX_BANDWIDTH_M}
                ]
            }
        )
    xmin, ymin, xmax, ymax = area.outline.bounds
    cells = math.ceil((xmax - xmin) / cell + 1) * math.ceil((ymax - ymin) / cell + 1)
    if cells > DEFAULT_MAX_CELLS:
        message = _(
            "A grid cell of %(cell)s m would make %(cells)s cells over %(area)s; "
            "the limit is %(limit)s. Choose a larger cell."
        ) % {
            "cell": number_format(cell),
            "cells": number_format(cells, force_grouping=True),
            "area": area.name,
            "limit": number_format(DEFAULT_MAX_CELLS, force_grouping=True),
        }
        raise ValidationError({"cell": [message]})
    return picture.Grain(cell=cell, bandwidth=bandwidth)


def _figures(
    user: Any, what: Asked, period: Period, place_limit: int, grain: picture.Grain
) -> Figures:
    area = what.area
    span = picture.span(period)
    events = queries.events(
        user=user,
        district_ids=area.district_ids,
        place=area.place,
        clip=area.clip,
        period=span,
        categories=what.selected,
    )
    places_shown = [] if area.place else places_in(user, area)
    counted = (
        []
        if area.place
        else queries.top_places(
            user=user,
            place_ids=[p.pk for p in places_shown],
            period=period,
            categories=what.selected,
            limit=place_limit,
        )
    )
    result = picture.build(
        events=events,
        period=period,
        area_name=area.name,
        outline=area.outline,
        category_names=what.names,
        top_places=counted[: picture.TOP],
        grain=grain,
    )
    weeks, rows = effort(user, area, period)
    repeat_prone = {
        c.pk: c.label
        for c in what.categories
        if c.repeat_prone and (not what.selected or c.pk in what.selected)
    }
    streets = (
        []
        if area.clip is not None
        else queries.top_streets(
            user=user,
            district_ids=area.district_ids,
            place=area.place,
            period=period,
            categories=what.selected,
            limit=place_limit,
        )
    )
    exact = Figures(
        asked=what,
        period=period,
        picture=result,
        places=list(counted),
        streets=list(streets),
        exact=True,
        minimum=settings.TRYGG_MIN_SHARED_COUNT,
        effort_weeks=weeks,
        effort_rows=rows,
        near_repeats=repeats.near_repeats(
            events, categories=repeat_prone, end=period.end, minimum_shown=None
        ),
        ranking=needs(
            area=area,
            places=places_shown,
            events=events,
            period=period,
            harm={c.pk: c.harm_weight for c in what.categories},
        ),
        trend_chart=charts.data_uri(charts.trend_svg(result.trend)),
        weekday_chart=charts.data_uri(charts.weekday_hour_svg(result.weekday_hour)),
    )
    # Partners see small counts suppressed and no report points; reviewers see everything.
    if privacy.sees_exact(user, area, period=span, categories=what.selected):
        return exact
    return for_partners(exact)


def for_partners(exact: Figures) -> Figures:
    """The figures as those who do not review the area may see them: small counts hidden."""
    minimum = exact.minimum
    result = privacy.shared(exact.picture, minimum)
    hidden = privacy.below(minimum)
    return dataclasses.replace(
        exact,
        picture=result,
        places=[(name, privacy.suppress_one(n, minimum)) for name, n in exact.places],
        streets=[(name, privacy.suppress_one(n, minimum)) for name, n in exact.streets],
        exact=False,
        near_repeats=repeats.shared(exact.near_repeats, minimum),
        ranking=ranking.suppressed(exact.ranking, minimum),
        trend_chart=charts.data_uri(charts.trend_svg(result.trend, suppressed_label=hidden)),
        weekday_chart=charts.data_uri(
            charts.weekday_hour_svg(result.weekday_hour, suppressed_label=hidden)
        ),
    )


def places_in(user: Any, area: PictureArea) -> list[Place]:
    """The places the user sees in the area; for a drawn area, those it touches."""
    found = list(
        policy.visible(user, Place)
        .filter(district_id__in=area.district_ids)
        .select_related("district")
        .order_by("name")
    )
    if area.clip is None:
        return found
    return [p for p in found if sweref_shape(p.geometry_sweref).intersects(area.clip)]


def effort(user: Any, area: PictureArea, period: Period) -> tuple[list[Any], list[Any]]:
    """Who reported or sent a nil return in the area, for the period's last weeks.

    One district's table has a row per organisation; an area of several districts has a
    row per district, so that a district nobody looked at stands out as unobserved.
    """
    weeks = period.weeks()[-EFFORT_WEEKS:]
    ids = list(area.district_ids)
    found = reporting_effort(user=user, weeks=weeks, district_ids=ids)
    if len(ids) > 1:
        names = District.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)
        cells: dict[tuple[str, Any], Any] = {}
        for e in found:
            cell = cells.setdefault((e.district, e.week), Tally())
            cell.reports += e.reports
            cell.nil_return = cell.nil_return or e.nil_return
        return weeks, [(name, [cells.get((name, w)) for w in weeks]) for name in names]
    by_organisation = {(e.organisation, e.week): e for e in found}
    organisations = (
        policy.visible(user, Organisation)
        .filter(districts__in=ids)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )
    return weeks, [
        (name, [by_organisation.get((name, w)) for w in weeks]) for name in organisations
    ]


@dataclass
class Tally:
    """The reporting effort of all organisations in one district and week."""

    reports: int = 0
    nil_return: bool = False

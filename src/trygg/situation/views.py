from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from trygg.core import policy
from trygg.geo import queries as geo_queries
from trygg.measures import queries as measure_queries
from trygg.reports import queries as report_queries
from trygg.situation import areas, editions, figures, privacy, queries
from trygg.situation.areas import PictureArea
from trygg.situation.periods import Period


def _link(area: dict[str, Any], period: Period, categories: list[int]) -> str:
    """A link to another picture; grid and bandwidth, when set, travel in ``area``."""
    params: dict[str, Any] = {**area, **period.query()}
    if categories:
        params["category"] = categories
    return reverse("situation:picture") + "?" + urlencode(params, doseq=True)


def _boundaries(area: PictureArea, districts: list[Any], places: list[Any]) -> list[Any]:
    """The outlines drawn under the layers: the area's districts, or the drawn area, and places."""
    shown = [d for d in districts if d.pk in area.district_ids]
    if area.kind == areas.DISTRICT or area.kind == areas.PLACE:
        shown = [area.district]
    features = geo_queries.map_features(districts=shown, places=places)["features"]
    if area.clip is not None:
        features.insert(
            0,
            {
                "type": "Feature",
                "geometry": area.wgs84_geometry,
                "properties": {"name": area.name, "level": "drawn", "url": ""},
            },
        )
    return features


def _measure_link(feature: dict[str, Any], district: int) -> dict[str, Any]:
    """A hotspot that links to a new measure aimed at it; other cells as they are."""
    if feature["properties"]["level"] != "hotspot":
        return feature
    query = urlencode({"district": district, "hotspot": json.dumps(feature["geometry"])})
    link = {"url": reverse("measures:new") + "?" + query, "name": _("Create a measure here")}
    return {**feature, "properties": {**feature["properties"], **link}}


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where a login lands: the weekly picture for those who run the meeting, else the overview."""
    if policy.is_reviewer(request.user) and queries.situation_districts(user=request.user):
        return redirect("situation:picture")
    return redirect("core:overview")


@login_required
def situation(request: HttpRequest) -> HttpResponse:
    """The situation picture of an area and a period: map, figures, change, effort."""
    districts = list(queries.situation_districts(user=request.user))
    context: dict[str, Any] = {"districts": districts}
    if not districts:
        return render(request, "situation/picture.html", context)
    context["area_options"] = areas.choices(request.user, districts).options()
    context["period_value"] = request.GET.get("period", "")
    context["polygon_value"] = request.GET.get(areas.POLYGON, "")
    context["cell_value"] = request.GET.get("cell", "")
    context["bandwidth_value"] = request.GET.get("bandwidth", "")
    try:
        what = figures.asked(request, districts)
        context.update(area=what.area, categories=what.categories, selected=what.selected)
        shown = figures.figures(request, what)
    except ValidationError as error:
        context["errors"] = [m for messages in error.message_dict.values() for m in messages]
        context["errors_grain"] = {"cell", "bandwidth"} & set(error.message_dict)
        return render(request, "situation/picture.html", context, status=400)
    area, selected = what.area, what.selected
    # The grid and bandwidth chosen stay with the area through links and downloads.
    tuning = {k: request.GET[k] for k in ("cell", "bandwidth") if request.GET.get(k, "").strip()}
    here = {**area.query, **tuning}
    period, result, exact, minimum = shown.period, shown.picture, shown.exact, shown.minimum
    today = timezone.localdate()
    places = figures.places_in(request.user, area)
    boundaries = _boundaries(area, districts, [area.place] if area.place else places)
    cells = [f for f in result.features if f["properties"]["level"] in ("heat", "hotspot")]
    if area.district and policy.runs_districts(request.user).filter(pk=area.district.pk).exists():
        cells = [_measure_link(f, area.district.pk) for f in cells]
    points = [f for f in result.features if f["properties"]["level"] in ("report", "cluster")]
    following = period.next()
    query = urlencode({**here, **period.query(), "category": selected}, doseq=True)
    district_query = {areas.DISTRICT: area.district.pk, **tuning} if area.district else here
    context.update(
        period=period,
        picture=result,
        exact=exact,
        minimum=minimum,
        below=privacy.below(minimum),
        csv_url=reverse("situation:data_csv") + "?" + query,
        pdf_url=reverse("situation:picture_pdf") + "?" + query,
        geojson_url=reverse("situation:data_geojson") + "?" + query,
        period_value=period.key,
        map_data={
            "type": "FeatureCollection",
            "features": boundaries[:1] + cells + boundaries[1:] + points,
        },
        illustrative=area.city.illustrative,
        effort_weeks=shown.effort_weeks,
        effort_by_district=len(area.district_ids) > 1,
        effort_rows=shown.effort_rows,
        near_repeats=shown.near_repeats,
        since=editions.since(request.user, shown),
        may_publish=shown.exact
        and editions.reviews_all(request.user, area.city.pk, area.district_ids),
        publish_url=reverse("situation:publish") + "?" + query,
        overdue_measures=list(
            measure_queries.overdue(request.user, today)
            .filter(district_id__in=area.district_ids)
            .select_related("responsible")[:10]
        ),
        waiting=report_queries.waiting(user=request.user)
        if policy.is_reviewer(request.user)
        else None,
        streets=shown.streets,
        trend_chart=shown.trend_chart,
        weekday_chart=shown.weekday_chart,
        ranking=shown.ranking,
        previous_url=_link(here, result.previous, selected),
        next_url=_link(here, following, selected) if following.start <= today else "",
        last_year_url=_link(here, result.last_year, selected),
        district_url=_link(district_query, period, selected),
        place_links=[
            (
                p,
                _link(
                    {areas.DISTRICT: p.district_id, areas.PLACE: p.pk, **tuning}, period, selected
                ),
            )
            for p in places
            if p != area.place
        ],
    )
    return render(request, "situation/picture.html", context)

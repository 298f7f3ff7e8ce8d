from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from trygg.core import policy
from trygg.geo import queries as geo_queries
from trygg.geo.models import Place
from trygg.situation import figures, privacy, queries
from trygg.situation.periods import Period


def _link(area: dict[str, int], period: Period, categories: list[int]) -> str:
    params: dict[str, Any] = {**area, **period.query()}
    if categories:
        params["category"] = categories
    return reverse("situation:picture") + "?" + urlencode(params, doseq=True)


@login_required
def situation(request: HttpRequest) -> HttpResponse:
    """The situation picture of a district or place and a period: map, figures, change, effort."""
    districts = list(queries.situation_districts(user=request.user))
    context: dict[str, Any] = {"districts": districts}
    if not districts:
        return render(request, "situation/picture.html", context)
    what = figures.asked(request, districts)
    district, place, selected = what.district, what.place, what.selected
    context.update(
        district=district,
        place=place,
        categories=what.categories,
        selected=selected,
        period_value=request.GET.get("period", ""),
    )
    try:
        shown = figures.figures(request, what)
    except ValidationError as error:
        context["errors"] = [m for messages in error.message_dict.values() for m in messages]
        return render(request, "situation/picture.html", context, status=400)
    period, result, exact, minimum = shown.period, shown.picture, shown.exact, shown.minimum
    today = timezone.localdate()
    places = list(policy.visible(request.user, Place).filter(district=district))
    boundaries = geo_queries.map_features(
        districts=[district], places=[place] if place else places
    )["features"]
    cells = [f for f in result.features if f["properties"]["level"] in ("heat", "hotspot")]
    points = [f for f in result.features if f["properties"]["level"] == "report"]
    weeks, effort_rows = figures.effort(request.user, district, period)
    following = period.next()
    area = figures.area_query(district, place)
    query = urlencode({**area, **period.query(), "category": selected}, doseq=True)
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
        illustrative=district.city.illustrative,
        effort_weeks=weeks,
        effort_rows=effort_rows,
        previous_url=_link(area, result.previous, selected),
        next_url=_link(area, following, selected) if following.start <= today else "",
        last_year_url=_link(area, result.last_year, selected),
        district_url=_link(figures.area_query(district, None), period, selected),
        place_links=[
            (p, _link(figures.area_query(district, p), period, selected))
            for p in places
            if p != place
        ],
    )
    return render(request, "situation/picture.html", context)

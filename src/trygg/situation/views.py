from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo import queries as geo_queries
from trygg.geo.models import Place
from trygg.reports.models import Category
from trygg.reports.queries import reporting_effort
from trygg.situation import picture, queries
from trygg.situation.periods import Period, parse_period

# Columns of the reporting-effort table at most; a year's picture shows its last weeks.
EFFORT_WEEKS = 13


def _link(district_id: int, period: Period, categories: list[int]) -> str:
    params: dict[str, Any] = {"district": district_id, **period.query()}
    if categories:
        params["category"] = categories
    return reverse("situation:picture") + "?" + urlencode(params, doseq=True)


def _effort(user: Any, district: Any, period: Period) -> tuple[list[Any], list[Any]]:
    weeks = period.weeks()[-EFFORT_WEEKS:]
    cells = {
        (e.organisation, e.week): e
        for e in reporting_effort(user=user, weeks=weeks, district_ids=[district.pk])
    }
    organisations = (
        policy.visible(user, Organisation)
        .filter(districts=district)
        .order_by("name")
        .values_list("name", flat=True)
    )
    return weeks, [(name, [cells.get((name, w)) for w in weeks]) for name in organisations]


@login_required
def situation(request: HttpRequest) -> HttpResponse:
    """The situation picture of one district and period: map, figures, change and effort."""
    districts = list(queries.situation_districts(user=request.user))
    context: dict[str, Any] = {"districts": districts}
    if not districts:
        return render(request, "situation/picture.html", context)
    wanted = request.GET.get("district")
    if wanted:
        district = next((d for d in districts if str(d.pk) == wanted.strip()), None)
        if district is None:
            raise Http404
    else:
        district = districts[0]
    categories = list(Category.objects.filter(city_id=district.city_id))
    names = {c.pk: c.label for c in categories}
    selected = [int(c) for c in request.GET.getlist("category") if c.isdigit() and int(c) in names]
    context.update(
        district=district,
        categories=categories,
        selected=selected,
        period_value=request.GET.get("period", ""),
    )
    today = timezone.localdate()
    try:
        period = parse_period(
            request.GET.get("period"),
            today=today,
            start=request.GET.get("start"),
            end=request.GET.get("end"),
        )
    except ValidationError as error:
        context["errors"] = [m for messages in error.message_dict.values() for m in messages]
        return render(request, "situation/picture.html", context, status=400)
    events = queries.events(
        user=request.user,
        district_ids=[district.pk],
        period=picture.span(period),
        categories=selected,
    )
    top_places = queries.top_places(
        user=request.user, district=district, period=period, categories=selected
    )
    result = picture.build(
        events=events,
        period=period,
        district=district,
        category_names=names,
        top_places=top_places,
    )
    places = list(policy.visible(request.user, Place).filter(district=district))
    boundaries = geo_queries.map_features(districts=[district], places=places)["features"]
    cells = [f for f in result.features if f["properties"]["level"] in ("heat", "hotspot")]
    points = [f for f in result.features if f["properties"]["level"] == "report"]
    weeks, effort_rows = _effort(request.user, district, period)
    following = period.next()
    context.update(
        period=period,
        picture=result,
        period_value=period.key,
        map_data={
            "type": "FeatureCollection",
            "features": boundaries[:1] + cells + boundaries[1:] + points,
        },
        illustrative=district.city.illustrative,
        effort_weeks=weeks,
        effort_rows=effort_rows,
        previous_url=_link(district.pk, result.previous, selected),
        next_url=_link(district.pk, following, selected) if following.start <= today else "",
        last_year_url=_link(district.pk, result.last_year, selected),
    )
    return render(request, "situation/picture.html", context)

from __future__ import annotations

from typing import Any

from django.conf import settings
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
from trygg.geo.models import District, Place
from trygg.reports.models import Category
from trygg.reports.queries import reporting_effort
from trygg.situation import picture, privacy, queries
from trygg.situation.periods import Period, parse_period

# Columns of the reporting-effort table at most; a year's picture shows its last weeks.
EFFORT_WEEKS = 13


def area_query(district: District, place: Place | None) -> dict[str, int]:
    """The query parameters that select the area: the place with its district, or the district."""
    if place is not None:
        return {"district": district.pk, "place": place.pk}
    return {"district": district.pk}


def _link(area: dict[str, int], period: Period, categories: list[int]) -> str:
    params: dict[str, Any] = {**area, **period.query()}
    if categories:
        params["category"] = categories
    return reverse("situation:picture") + "?" + urlencode(params, doseq=True)


def area_of(request: HttpRequest, districts: list[District]) -> tuple[District, Place | None]:
    """The district asked for (the first by default), and the place in it if one is.

    A place is open to those who may see the district it lies in; one in another
    district than the one asked for is ignored, so that choosing a new district
    in the form leaves the place behind. Raises Http404 for anything else.
    """
    wanted = request.GET.get("district", "").strip()
    district = next((d for d in districts if str(d.pk) == wanted), None) if wanted else None
    if wanted and district is None:
        raise Http404
    wanted_place = request.GET.get("place", "").strip()
    if wanted_place:
        if not wanted_place.isdigit():
            raise Http404
        place = (
            policy.visible(request.user, Place)
            .filter(pk=int(wanted_place), district_id__in=[d.pk for d in districts])
            .first()
        )
        if place is None:
            raise Http404
        if district is None or district.pk == place.district_id:
            return next(d for d in districts if d.pk == place.district_id), place
    if district is None:
        if not districts:
            raise Http404
        district = districts[0]
    return district, None


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
    """The situation picture of a district or place and a period: map, figures, change, effort."""
    districts = list(queries.situation_districts(user=request.user))
    context: dict[str, Any] = {"districts": districts}
    if not districts:
        return render(request, "situation/picture.html", context)
    district, place = area_of(request, districts)
    categories = list(Category.objects.filter(city_id=district.city_id))
    names = {c.pk: c.label for c in categories}
    selected = [int(c) for c in request.GET.getlist("category") if c.isdigit() and int(c) in names]
    context.update(
        district=district,
        place=place,
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
        district_ids=None if place else [district.pk],
        place=place,
        period=picture.span(period),
        categories=selected,
    )
    top_places = (
        []
        if place
        else queries.top_places(
            user=request.user, district=district, period=period, categories=selected
        )
    )
    result = picture.build(
        events=events,
        period=period,
        district=place or district,
        category_names=names,
        top_places=top_places,
    )
    # Partners see small counts suppressed and no report points; reviewers see everything.
    exact = privacy.sees_exact(
        request.user, district, period=picture.span(period), categories=selected
    )
    minimum = settings.TRYGG_MIN_SHARED_COUNT
    if not exact:
        result = privacy.shared(result, minimum)
    places = list(policy.visible(request.user, Place).filter(district=district))
    boundaries = geo_queries.map_features(
        districts=[district], places=[place] if place else places
    )["features"]
    cells = [f for f in result.features if f["properties"]["level"] in ("heat", "hotspot")]
    points = [f for f in result.features if f["properties"]["level"] == "report"]
    weeks, effort_rows = _effort(request.user, district, period)
    following = period.next()
    area = area_query(district, place)
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
        district_url=_link(area_query(district, None), period, selected),
        place_links=[
            (p, _link(area_query(district, p), period, selected)) for p in places if p != place
        ],
    )
    return render(request, "situation/picture.html", context)

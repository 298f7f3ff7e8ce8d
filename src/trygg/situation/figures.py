"""What a request for a situation picture asks for, and the figures it gets.

The page, the downloads and the PDF read the same query parameters (district,
place, period or start/end, category) and must show the same figures, with the
same privacy rule; they all come through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone

from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo.models import Area, District, Place
from trygg.reports.models import Category
from trygg.reports.queries import reporting_effort
from trygg.situation import picture, privacy, queries
from trygg.situation.periods import Period, parse_period

# Columns of the reporting-effort table at most; a year's picture shows its last weeks.
EFFORT_WEEKS = 13


@dataclass(frozen=True)
class Asked:
    """The area and categories a request asks for, already checked against what the user sees."""

    district: District
    place: Place | None
    categories: list[Category]
    selected: list[int]

    @property
    def area(self) -> Area:
        return self.place or self.district

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
    exact: bool
    minimum: int


def area_query(district: District, place: Place | None) -> dict[str, int]:
    """The query parameters that select the area: the place with its district, or the district."""
    if place is not None:
        return {"district": district.pk, "place": place.pk}
    return {"district": district.pk}


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


def asked(request: HttpRequest, districts: list[District]) -> Asked:
    district, place = area_of(request, districts)
    categories = list(Category.objects.filter(city_id=district.city_id))
    known = {c.pk for c in categories}
    selected = [int(c) for c in request.GET.getlist("category") if c.isdigit() and int(c) in known]
    return Asked(district, place, categories, selected)


def figures(request: HttpRequest, what: Asked, *, place_limit: int = picture.TOP) -> Figures:
    """The picture for the request; raises ValidationError naming a bad period."""
    period = parse_period(
        request.GET.get("period"),
        today=timezone.localdate(),
        start=request.GET.get("start"),
        end=request.GET.get("end"),
    )
    user, district, place = request.user, what.district, what.place
    span = picture.span(period)
    events = queries.events(
        user=user,
        district_ids=None if place else [district.pk],
        place=place,
        period=span,
        categories=what.selected,
    )
    counted = (
        []
        if place
        else queries.top_places(
            user=user,
            district=district,
            period=period,
            categories=what.selected,
            limit=place_limit,
        )
    )
    result = picture.build(
        events=events,
        period=period,
        district=what.area,
        category_names=what.names,
        top_places=counted[: picture.TOP],
    )
    # Partners see small counts suppressed and no report points; reviewers see everything.
    exact = privacy.sees_exact(user, district, period=span, categories=what.selected)
    minimum = settings.TRYGG_MIN_SHARED_COUNT
    places: list[tuple[str, int | None]] = list(counted)
    if not exact:
        result = privacy.shared(result, minimum)
        places = [(name, privacy.suppress_one(n, minimum)) for name, n in counted]
    return Figures(what, period, result, places, exact, minimum)


def effort(user: Any, district: District, period: Period) -> tuple[list[Any], list[Any]]:
    """Who reported or sent a nil return in the district, for the period's last weeks."""
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

"""The situation picture as a PDF download: same query parameters and access as the page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.text import slugify

from trygg.reports.models import Category
from trygg.situation import picture, privacy, queries
from trygg.situation.pdf import picture_pdf
from trygg.situation.periods import parse_period
from trygg.situation.views import _effort


def _filename(district_name: str, key: str, start: str) -> str:
    return f"lagesbild-{slugify(district_name) or 'omrade'}-{key or start}.pdf"


@login_required
def picture_pdf_view(request: HttpRequest) -> HttpResponse:
    """The PDF edition of the situation picture of one district and period."""
    districts = list(queries.situation_districts(user=request.user))
    if not districts:
        raise Http404
    wanted = request.GET.get("district")
    if wanted:
        district = next((d for d in districts if str(d.pk) == wanted.strip()), None)
        if district is None:
            raise Http404
    else:
        district = districts[0]
    with translation.override("sv"):
        names = {c.pk: c.label for c in Category.objects.filter(city_id=district.city_id)}
        selected = [
            int(c) for c in request.GET.getlist("category") if c.isdigit() and int(c) in names
        ]
        try:
            period = parse_period(
                request.GET.get("period"),
                today=timezone.localdate(),
                start=request.GET.get("start"),
                end=request.GET.get("end"),
            )
        except ValidationError as error:
            messages = [m for ms in error.message_dict.values() for m in ms]
            return HttpResponseBadRequest(" ".join(messages), content_type="text/plain")
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
        # As on the page: partners get the shared version, without small counts or points.
        exact = privacy.sees_exact(
            request.user, district, period=picture.span(period), categories=selected
        )
        minimum = settings.TRYGG_MIN_SHARED_COUNT
        if not exact:
            result = privacy.shared(result, minimum)
        weeks, effort_rows = _effort(request.user, district, period)
        pdf = picture_pdf(
            result,
            city_name=district.city.name,
            generated_at=timezone.localtime(),
            area_name=district.name,
            boundary=district.geometry_sweref,
            illustrative=district.city.illustrative,
            effort_weeks=weeks,
            effort_rows=effort_rows,
            minimum=None if exact else minimum,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _filename(district.name, period.key, period.start.isoformat())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

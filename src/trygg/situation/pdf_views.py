"""The situation picture as a PDF download: same query parameters and access as the page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.text import slugify

from trygg.situation import queries
from trygg.situation.figures import asked, figures
from trygg.situation.pdf import picture_pdf


def _filename(district_name: str, key: str, start: str) -> str:
    return f"lagesbild-{slugify(district_name) or 'omrade'}-{key or start}.pdf"


@login_required
def picture_pdf_view(request: HttpRequest) -> HttpResponse:
    """The PDF edition of the situation picture of one district and period."""
    districts = list(queries.situation_districts(user=request.user))
    # The PDF is a document for the EST meeting: always in Swedish.
    with translation.override("sv"):
        try:
            what = asked(request, districts)
            shown = figures(request, what)
        except ValidationError as error:
            messages = [m for ms in error.message_dict.values() for m in ms]
            return HttpResponseBadRequest(" ".join(messages), content_type="text/plain")
        area, period = what.area, shown.period
        pdf = picture_pdf(
            shown.picture,
            city_name=area.city.name,
            generated_at=timezone.localtime(),
            area_name=area.name,
            boundary=area.geometry_sweref,
            illustrative=area.city.illustrative,
            effort_weeks=shown.effort_weeks,
            effort_rows=shown.effort_rows,
            minimum=None if shown.exact else shown.minimum,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _filename(what.area.name, period.key, period.start.isoformat())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

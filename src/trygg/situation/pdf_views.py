"""The situation picture as a PDF download: same query parameters and access as the page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.text import slugify

from trygg.situation import queries
from trygg.situation.figures import asked, figures
from trygg.situation.pdf import figures_pdf


def _filename(area_name: str, key: str, start: str) -> str:
    return f"lagesbild-{slugify(area_name) or 'omrade'}-{key or start}.pdf"


@login_required
def picture_pdf_view(request: HttpRequest) -> HttpResponse:
    """The PDF edition of the situation picture of one area and period."""
    districts = list(queries.situation_districts(user=request.user))
    # The PDF is a document for the EST meeting: always in Swedish, errors included.
    with translation.override("sv"):
        try:
            what = asked(request, districts)
            shown = figures(request, what)
        except ValidationError as error:
            messages = [m for ms in error.message_dict.values() for m in ms]
            return HttpResponseBadRequest(" ".join(messages), content_type="text/plain")
    pdf = figures_pdf(shown, generated_at=timezone.localtime())
    period = shown.period
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _filename(what.area.name, period.key, period.start.isoformat())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""Publishing a situation picture for the meeting, and reading published editions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from trygg.situation import editions, privacy, queries, services
from trygg.situation.figures import asked, figures
from trygg.situation.models import Edition


@login_required
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    """Publish the picture the page shows (the same query string) as this meeting's edition."""
    # An edition is a document of the Swedish meeting, like the PDF: its words are Swedish.
    with translation.override("sv"):
        try:
            what = asked(request, list(queries.situation_districts(user=request.user)))
            shown = figures(request, what)
        except ValidationError as error:
            messages = [m for ms in error.message_dict.values() for m in ms]
            return HttpResponseBadRequest(
                " ".join(messages), content_type="text/plain; charset=utf-8"
            )
        note = request.POST.get("note", "")[:4000]
        edition = services.edition_publish(shown=shown, by=request.user, note=note)
    return redirect("situation:edition", pk=edition.pk)


def _edition(request: HttpRequest, pk: int) -> Edition:
    edition = editions.visible(request.user).select_related("published_by").filter(pk=pk).first()
    if edition is None:
        raise Http404
    return edition


@login_required
def edition_list(request: HttpRequest) -> HttpResponse:
    found = editions.visible(request.user).select_related("published_by")[:200]
    return render(request, "situation/edition_list.html", {"editions": found})


@login_required
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(request, pk)
    shown = editions.figures_for(request.user, edition)
    return render(
        request,
        "situation/edition.html",
        {
            "edition": edition,
            "shown": shown,
            "below": privacy.below(shown["minimum"]),
            "live_url": reverse("situation:picture")
            + "?"
            + urlencode(
                {**edition.area_query, **edition.period.query(), "category": edition.categories},
                doseq=True,
            ),
            "map_data": {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": shown["outline"],
                        "properties": {"name": edition.area_name, "level": "district"},
                    },
                    *shown["hotspots"],
                ],
            },
        },
    )


@login_required
def edition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF exactly as it was published."""
    edition = _edition(request, pk)
    exact = editions.reviews_all(request.user, edition.city_id, edition.district_ids)
    response = HttpResponse(
        bytes(edition.pdf if exact else edition.shared_pdf), content_type="application/pdf"
    )
    name = f"lagesbild-{slugify(edition.area_name) or 'omrade'}-{edition.period_start}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""Public walk pages, no account needed: the published protocol, sign-up, the district's walks.

Nothing here names a person: not the participants, not who noted or answered a finding, and
nothing of the sign-ups but how many places are left.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trygg.agreements import collaborations
from trygg.core import policy
from trygg.geo import queries as geo_queries
from trygg.geo.models import District
from trygg.reports.throttle import over_limit
from trygg.walks import queries, services
from trygg.walks.forms import SignupForm
from trygg.walks.models import Walk


def protocol(request: HttpRequest, pk: int) -> HttpResponse:
    walk = get_object_or_404(policy.public_walks().select_related("district__city", "place"), pk=pk)
    findings = queries.findings_of(walk)
    for finding in findings:
        finding.status_label = queries.answer_status(finding)  # type: ignore[attr-defined]
        finding.factor_labels = queries.factor_labels(finding.factors)  # type: ignore[attr-defined]
    return render(
        request,
        "walks/public_protocol.html",
        {
            "walk": walk,
            "findings": findings,
            "stops": list(walk.stops.all()),
            "invited": list(walk.invited.order_by("name")),
            "map_data": queries.map_data(walk, findings, public=True),
            "illustrative": geo_queries.illustrative(districts=[walk.district]),
        },
    )


def _open_walks() -> QuerySet[Walk]:
    """Planned walks still to come that take residents' sign-ups, with their places taken."""
    return (
        Walk.objects.filter(
            status=Walk.Status.PLANNED, public_places__gt=0, starts_at__gte=timezone.now()
        )
        .select_related("district__city", "place")
        .annotate(taken=Count("signups"))
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    walk = get_object_or_404(_open_walks(), pk=pk)
    left = max(walk.public_places - walk.taken, 0)
    form = SignupForm(request.POST or None)
    status = 400
    if request.method == "POST" and form.is_valid():
        if over_limit(request, group="walk-signup"):
            form.add_error(None, _("Too many sign-ups from your connection. Try again later."))
            status = 429
        else:
            try:
                services.signup(
                    walk=walk, name=form.cleaned_data["name"], email=form.cleaned_data["email"]
                )
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            else:
                messages.success(
                    request,
                    _("You are signed up for %(title)s. Welcome at %(where)s.")
                    % {"title": walk.title, "where": walk.meeting_point or walk.district.name},
                )
                return redirect("walks:public_district", pk=walk.district_id)
    return render(
        request,
        "walks/public_signup.html",
        {"walk": walk, "form": form, "left": left},
        status=status if form.errors else 200,
    )


def district(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(District.objects.select_related("city"), pk=pk)
    published = (
        policy.public_walks()
        .filter(district=place)
        .select_related("place")
        .annotate(
            finding_count=Count("findings", distinct=True),
            answered=Count("findings", filter=~Q(findings__answer=""), distinct=True),
        )
        .order_by("-published_at", "-pk")
    )
    upcoming = list(_open_walks().filter(district=place).order_by("starts_at"))
    for walk in upcoming:
        walk.left = max(walk.public_places - walk.taken, 0)
    return render(
        request,
        "walks/public_district.html",
        {
            "district": place,
            "published": list(published),
            "upcoming": upcoming,
            "promises": list(collaborations.public_promises_of(district_id=place.pk)),
        },
    )

"""Pages of place collaborations and citizen promises for those who take part in them.

A collaboration, its contact list and its meetings are seen by members of its lead and
partner organisations and by those who run the place's district; anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trygg.agreements import collaborations
from trygg.agreements.models import CitizenPromise, CollaborationMeeting, PlaceCollaboration
from trygg.core import policy
from trygg.situation import charts


class MeetingForm(forms.ModelForm):
    class Meta:
        model = CollaborationMeeting
        fields = ["held_on", "agenda", "minutes", "decisions"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"held_on": gettext_lazy("Held on")}


def _collaboration(user: Any, pk: int, *, action: str = policy.VIEW) -> PlaceCollaboration:
    return policy.access(user, PlaceCollaboration, pk, action=action)


@login_required
def collaboration_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agreements/collaboration_list.html",
        {"collaborations": list(collaborations.collaborations_visible_to(user=request.user))},
    )


def _detail(
    request: HttpRequest, collaboration: PlaceCollaboration, form: MeetingForm | None = None
) -> HttpResponse:
    user = request.user
    place = collaboration.place
    can_change = policy.can(user, policy.CHANGE, collaboration)
    months = collaborations.indicator(user=user, collaboration=collaboration)
    measure_query = urlencode(
        {
            "origin": collaborations.ORIGIN,
            "origin_ref": collaboration.pk,
            "district": place.district_id,
            "place": place.pk,
        }
    )
    picture_query = urlencode({"district": place.district_id, "place": place.pk})
    return render(
        request,
        "agreements/collaboration_detail.html",
        {
            "collaboration": collaboration,
            "partners": list(collaboration.partners.order_by("name")),
            "categories": list(collaboration.categories.all()),
            "contacts": list(collaboration.contacts.select_related("organisation")),
            "meetings": list(collaboration.meetings.all()),
            "measures": list(
                collaborations.shared_measures(user=user, collaboration=collaboration)
            ),
            "months": months,
            "chart": charts.data_uri(
                charts.monthly_svg(months, started_label=_("Collaboration started"))
            ),
            "can_change": can_change,
            "minimum": settings.TRYGG_MIN_SHARED_COUNT,
            "can_add_measure": policy.runs_districts(user).filter(pk=place.district_id).exists(),
            "form": form if form is not None else (MeetingForm() if can_change else None),
            "measure_url": f"{reverse('measures:new')}?{measure_query}",
            "picture_url": f"{reverse('situation:picture')}?{picture_query}",
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def collaboration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _collaboration(request.user, pk))


@login_required
def collaboration_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    collaboration = _collaboration(request.user, pk)
    return render(
        request,
        "agreements/collaboration_contacts.html",
        {
            "collaboration": collaboration,
            "contacts": list(collaboration.contacts.select_related("organisation")),
        },
    )


@login_required
@require_POST
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    collaboration = _collaboration(request.user, pk, action=policy.CHANGE)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            collaborations.meeting_add(
                collaboration=collaboration, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("collaborations:detail", pk=collaboration.pk)
    return _detail(request, collaboration, form)


@login_required
def promise_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agreements/promise_list.html",
        {"promises": list(collaborations.promises_visible_to(user=request.user))},
    )


@login_required
def promise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    promise = policy.access(request.user, CitizenPromise, pk)
    return render(request, "agreements/promise_detail.html", {"promise": promise})

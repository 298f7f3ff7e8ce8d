"""Pages of place collaborations and citizen promises for those who take part in them.

A collaboration, its contact list and its meetings are seen by members of its lead and
partner organisations and by those who run the place's district; anyone else gets 404.
Those who run the district and the lead's members change it and its contacts; partners
only read (403). Promises are written by those who run their district.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trygg.agreements import collaborations
from trygg.agreements.collaboration_forms import (
    CollaborationForm,
    ContactForm,
    MeetingForm,
    PromiseForm,
)
from trygg.agreements.models import CitizenPromise, CollaborationContact, PlaceCollaboration
from trygg.core import policy
from trygg.core.forms import apply_errors, preselected
from trygg.geo.models import District, Place
from trygg.situation import charts


def _collaboration(user: Any, pk: int, *, action: str = policy.VIEW) -> PlaceCollaboration:
    return policy.access(user, PlaceCollaboration, pk, action=action)


@login_required
def collaboration_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agreements/collaboration_list.html",
        {
            "collaborations": list(collaborations.collaborations_visible_to(user=request.user)),
            "can_create": policy.runs_districts(request.user).exists(),
        },
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
            "may_report": bool(policy.reporting_organisation_ids(user)),
            "report_url": f"{reverse('reports:new')}?{urlencode({'place': place.pk})}",
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


def _collaboration_form(
    request: HttpRequest, form: CollaborationForm, collaboration: PlaceCollaboration
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = collaborations.collaboration_save(
                collaboration=form.instance,
                by=request.user,
                partners=form.cleaned_data["partners"],
                categories=form.cleaned_data["categories"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The place collaboration is saved."))
            return redirect("collaborations:detail", pk=saved.pk)
    return render(
        request,
        "agreements/collaboration_form.html",
        {"form": form, "collaboration": collaboration},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_new(request: HttpRequest) -> HttpResponse:
    districts = policy.runs_districts(request.user)
    if not districts.exists():
        raise PermissionDenied
    form = CollaborationForm(
        request.POST or None,
        instance=PlaceCollaboration(),
        districts=districts,
        initial=preselected(request.GET, "place", Place.objects.filter(district__in=districts)),
    )
    return _collaboration_form(request, form, form.instance)


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    collaboration = _collaboration(request.user, pk, action=policy.CHANGE)
    form = CollaborationForm(
        request.POST or None,
        instance=collaboration,
        districts=District.objects.filter(pk=collaboration.place.district_id),
    )
    return _collaboration_form(request, form, collaboration)


def _contacts(
    request: HttpRequest, collaboration: PlaceCollaboration, form: ContactForm | None = None
) -> HttpResponse:
    can_change = policy.can(request.user, policy.CHANGE, collaboration)
    if form is None and can_change:
        form = ContactForm(collaboration=collaboration, prefix="contact")
    return render(
        request,
        "agreements/collaboration_contacts.html",
        {
            "collaboration": collaboration,
            "contacts": list(collaboration.contacts.select_related("organisation")),
            "can_change": can_change,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """The contact list; those who may change the collaboration add to it here."""
    if request.method != "POST":
        return _contacts(request, _collaboration(request.user, pk))
    collaboration = _collaboration(request.user, pk, action=policy.CHANGE)
    form = ContactForm(
        request.POST,
        instance=CollaborationContact(collaboration=collaboration),
        collaboration=collaboration,
        prefix="contact",
    )
    if form.is_valid():
        try:
            collaborations.contact_save(contact=form.instance, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("collaborations:contacts", pk=collaboration.pk)
    return _contacts(request, collaboration, form)


def _contact(request: HttpRequest, pk: int, contact_pk: int) -> CollaborationContact:
    """A contact of a collaboration the user may change; another collaboration's is a 404."""
    collaboration = _collaboration(request.user, pk, action=policy.CHANGE)
    return get_object_or_404(
        CollaborationContact.objects.select_related("collaboration", "organisation"),
        pk=contact_pk,
        collaboration=collaboration,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    contact = _contact(request, pk, contact_pk)
    collaboration = contact.collaboration
    form = ContactForm(request.POST or None, instance=contact, collaboration=collaboration)
    if request.method == "POST" and form.is_valid():
        try:
            collaborations.contact_save(contact=form.instance, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("collaborations:contacts", pk=collaboration.pk)
    return render(
        request,
        "agreements/collaboration_contact_form.html",
        {"form": form, "collaboration": collaboration, "contact": contact},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def contact_delete(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    contact = _contact(request, pk, contact_pk)
    collaborations.contact_remove(contact=contact, by=request.user)
    messages.success(request, _("The contact is removed."))
    return redirect("collaborations:contacts", pk=pk)


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
            apply_errors(form, error)
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("collaborations:detail", pk=collaboration.pk)
    return _detail(request, collaboration, form)


@login_required
def promise_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agreements/promise_list.html",
        {
            "promises": list(collaborations.promises_visible_to(user=request.user)),
            "can_create": policy.runs_districts(request.user).exists(),
        },
    )


@login_required
def promise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    promise = policy.access(request.user, CitizenPromise, pk)
    return render(
        request,
        "agreements/promise_detail.html",
        {"promise": promise, "can_change": policy.can(request.user, policy.CHANGE, promise)},
    )


def _promise_form(request: HttpRequest, form: PromiseForm, promise: CitizenPromise) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = collaborations.promise_save(promise=form.instance, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The citizen promise is saved."))
            return redirect("collaborations:promise", pk=saved.pk)
    return render(
        request,
        "agreements/promise_form.html",
        {"form": form, "promise": promise},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def promise_new(request: HttpRequest) -> HttpResponse:
    districts = policy.runs_districts(request.user)
    if not districts.exists():
        raise PermissionDenied
    form = PromiseForm(
        request.POST or None,
        instance=CitizenPromise(),
        districts=districts,
        initial=preselected(request.GET, "district", districts),
    )
    return _promise_form(request, form, form.instance)


@login_required
@require_http_methods(["GET", "POST"])
def promise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    promise = policy.access(request.user, CitizenPromise, pk, action=policy.CHANGE)
    form = PromiseForm(
        request.POST or None, instance=promise, districts=policy.runs_districts(request.user)
    )
    return _promise_form(request, form, promise)

"""Measure pages: the list, the form for a new or changed measure, and its page."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from trygg.core import policy
from trygg.core.forms import apply_errors
from trygg.core.models import Organisation
from trygg.geo import queries as geo_queries
from trygg.geo.geojson import read_geometry
from trygg.geo.models import District, Place
from trygg.measures import queries, services, workflow
from trygg.measures.forms import MeasureFilterForm, MeasureForm, ProgressForm, TransitionForm
from trygg.measures.models import Measure, Meeting
from trygg.measures.queries import MeasureFilters
from trygg.measures.workflow import Status
from trygg.reports.models import Report

LIST_LIMIT = 500
# Shown by default: what is still to be decided or done.
NOT_FINISHED = [Status.PROPOSED, Status.DECIDED, Status.IN_PROGRESS, Status.POSTPONED]
# The buttons say what they do, not the status they lead to.
ACTIONS = {
    Status.PROPOSED: gettext_lazy("Propose again"),
    Status.DECIDED: gettext_lazy("Decide"),
    Status.IN_PROGRESS: gettext_lazy("Start the work"),
    Status.DONE: pgettext_lazy("measure", "Mark as done"),
    Status.FOLLOWED_UP: gettext_lazy("Mark as followed up"),
    Status.REJECTED: pgettext_lazy("measure", "Reject"),
    Status.POSTPONED: gettext_lazy("Postpone"),
}


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _area_map(
    *, district: District | None, place: Place | None, area: dict[str, Any] | None
) -> dict[str, Any]:
    data = geo_queries.map_features(
        districts=[district] if district else [], places=[place] if place else []
    )
    if area:
        data["features"].append(
            {
                "type": "Feature",
                "geometry": area,
                "properties": {"name": _("Target area"), "level": "drawn"},
            }
        )
    return data


@login_required
def measure_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = policy.visible(request.user, Measure)
    form = MeasureFilterForm(
        request.GET or None,
        districts=District.objects.filter(pk__in=visible.values("district_id")).order_by("name"),
        organisations=Organisation.objects.filter(pk__in=visible.values("responsible_id")).order_by(
            "name"
        ),
    )
    filters = MeasureFilters(statuses=NOT_FINISHED)
    if form.is_valid():
        data = form.cleaned_data
        status = data.get("status")
        filters = MeasureFilters(
            statuses=[] if status == "all" else [status] if status else NOT_FINISHED,
            district=data["district"].pk if data.get("district") else None,
            responsible=data["responsible"].pk if data.get("responsible") else None,
            overdue=data.get("overdue", False),
            mine=data.get("mine", False),
        )
    measures = list(
        queries.measures_visible_to(user=request.user, filters=filters, today=today)[:LIST_LIMIT]
    )
    for measure in measures:
        measure.overdue = measure.overdue_on(today)
    return render(
        request,
        "measures/measure_list.html",
        {
            "form": form,
            "measures": measures,
            "limit": LIST_LIMIT,
            "can_create": policy.runs_districts(request.user).exists(),
        },
    )


def _initial(user: Any, params: QueryDict) -> tuple[dict[str, Any], list[str]]:
    """A new measure's fields taken from the page it was started from."""
    initial: dict[str, Any] = {"start": timezone.localdate()}
    problems: list[str] = []
    runs = policy.runs_districts(user)
    district_id = params.get("district", "")
    if district_id.isdigit() and runs.filter(pk=district_id).exists():
        initial["district"] = int(district_id)
    place_id = params.get("place", "")
    if place_id.isdigit():
        place = Place.objects.filter(pk=place_id, district__in=runs).first()
        if place is not None:
            initial.update(place=place.pk, district=place.district_id)
    meeting_id = params.get("meeting", "")
    if meeting_id.isdigit():
        meeting = policy.visible(user, Meeting).filter(pk=meeting_id, district__in=runs).first()
        if meeting is not None:
            initial.update(
                meeting=meeting.pk,
                district=meeting.district_id,
                origin="meeting",
                origin_ref=str(meeting.pk),
            )
    report_ids = _ids(params.getlist("report"))
    if report_ids:
        reports = list(
            policy.visible(user, Report)
            .filter(pk__in=report_ids)
            .prefetch_related("places")
            .order_by("pk")
        )
        if reports:
            first = reports[0]
            initial.update(
                reports=[r.pk for r in reports],
                categories=sorted({r.category_id for r in reports}),
                origin="report",
                origin_ref=str(first.pk),
            )
            if first.district_id and runs.filter(pk=first.district_id).exists():
                initial.setdefault("district", first.district_id)
                places = list(first.places.all())
                if places and "place" not in initial:
                    initial["place"] = places[0].pk
    hotspot = params.get("hotspot", "")
    if hotspot:
        try:
            document = json.loads(hotspot)
        except ValueError:
            document = None
        if isinstance(document, dict) and document.get("type") == "Feature":
            document = document.get("geometry")
        area, problem = read_geometry(document)
        if area is None:
            problems.append(_("The hotspot could not be read: %(reason)s.") % {"reason": problem})
        else:
            initial.update(target_area=document, origin="hotspot", origin_ref="")
    if params.get("origin"):
        initial["origin"] = params["origin"][:32]
        initial["origin_ref"] = params.get("origin_ref", "")[:64]
    return initial, problems


def _form_context(request: HttpRequest, form: MeasureForm) -> dict[str, Any]:
    def value(name: str) -> Any:
        return form[name].value() if name in form.fields else None

    area = value("target_area")
    if isinstance(area, str):
        try:
            area = json.loads(area) if area else None
        except ValueError:
            area = None
    if isinstance(area, dict) and area.get("type") == "Feature":
        area = area.get("geometry")
    report_ids = value("reports") or []
    meeting_id = value("meeting")
    return {
        "form": form,
        "measure": form.instance,
        "linked_reports": policy.visible(request.user, Report)
        .filter(pk__in=_ids([str(r) for r in report_ids]))
        .select_related("category"),
        "meeting": policy.visible(request.user, Meeting).filter(pk=meeting_id).first()
        if str(meeting_id or "").isdigit()
        else None,
        "map_data": _area_map(district=None, place=None, area=area) if area else None,
    }


def _save(request: HttpRequest, form: MeasureForm) -> Measure | None:
    data = form.cleaned_data
    try:
        return services.measure_save(
            measure=form.instance,
            by=request.user,
            categories=data.get("categories") or [],
            partners=data.get("partners") or [],
            reports=data.get("reports") or [],
        )
    except ValidationError as error:
        apply_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def measure_new(request: HttpRequest) -> HttpResponse:
    if not policy.runs_districts(request.user).exists():
        raise PermissionDenied
    if request.method == "POST":
        form = MeasureForm(request.POST, instance=Measure(), user=request.user)
    else:
        initial, problems = _initial(request.user, request.GET)
        for problem in problems:
            messages.warning(request, problem)
        form = MeasureForm(initial=initial, instance=Measure(), user=request.user)
    if request.method == "POST" and form.is_valid():
        measure = _save(request, form)
        if measure is not None:
            messages.success(request, _("The measure is saved."))
            return redirect("measures:detail", pk=measure.pk)
    return render(
        request,
        "measures/measure_form.html",
        _form_context(request, form),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = policy.access(request.user, Measure, pk, action=policy.CHANGE)
    form = MeasureForm(request.POST or None, instance=measure, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form) is not None:
        messages.success(request, _("The measure is saved."))
        return redirect("measures:detail", pk=measure.pk)
    return render(
        request,
        "measures/measure_form.html",
        _form_context(request, form),
        status=400 if form.errors else 200,
    )


def _moves(user: Any, measure: Measure) -> list[tuple[str, str]]:
    """The next steps this user may take, in the workflow's order."""
    if policy.can(user, policy.CHANGE, measure):
        allowed = workflow.NEXT[Status(measure.status)]
    elif policy.can(user, policy.PROGRESS, measure):
        allowed = workflow.NEXT[Status(measure.status)] & workflow.RESPONSIBLE_MAY
    else:
        allowed = set()
    return [(value, ACTIONS[Status(value)]) for value in Status.values if value in allowed]


@login_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(
        policy.visible(request.user, Measure)
        .select_related(
            "district",
            "place",
            "responsible",
            "responsible_person",
            "comparison_district",
            "meeting__district",
            "created_by",
        )
        .prefetch_related("categories", "partners"),
        pk=pk,
    )
    today = timezone.localdate()
    moves = _moves(request.user, measure)
    may_progress = policy.can(request.user, policy.PROGRESS, measure)
    return render(
        request,
        "measures/measure_detail.html",
        {
            "measure": measure,
            "overdue": measure.overdue_on(today),
            "may_change": policy.can(request.user, policy.CHANGE, measure),
            "moves": moves,
            "needs_reason": any(m in workflow.NEEDS_REASON for m, _label in moves),
            "transition_form": TransitionForm(),
            "progress_form": ProgressForm(initial={"note": measure.progress})
            if may_progress
            else None,
            "reports": queries.reports_of(user=request.user, measure=measure),
            "origin": queries.origin_of(measure),
            "history": queries.history(measure),
            "map_data": _area_map(
                district=measure.district, place=measure.place, area=measure.target_area
            ),
            "illustrative": geo_queries.illustrative(districts=[measure.district]),
        },
    )


@login_required
@require_POST
def measure_status(request: HttpRequest, pk: int) -> HttpResponse:
    measure = policy.access(request.user, Measure, pk)
    to = request.POST.get("to", "")
    if to not in Status.values:
        messages.error(request, _("Choose a next step."))
        return redirect("measures:detail", pk=measure.pk)
    form = TransitionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.measure_transition(measure=measure, to=to, by=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The measure is now: %(status)s.") % {"status": Status(to).label}
        )
    return redirect("measures:detail", pk=measure.pk)


@login_required
@require_POST
def measure_progress(request: HttpRequest, pk: int) -> HttpResponse:
    measure = policy.access(request.user, Measure, pk, action=policy.PROGRESS)
    form = ProgressForm(request.POST)
    if form.is_valid():
        services.measure_progress(measure=measure, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("The progress note is saved."))
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect("measures:detail", pk=measure.pk)

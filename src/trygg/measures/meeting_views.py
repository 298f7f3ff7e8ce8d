"""Pages of the weekly EST meeting: the list, the meeting with its drafted agenda, closing, PDF.

Those who run the district change an open meeting; the organisations that took part may
read it. A closed meeting shows the agenda as it was frozen, never a new draft.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo.models import Place
from trygg.measures import meetings, services
from trygg.measures.meetings import week_of
from trygg.measures.minutes_pdf import minutes_pdf
from trygg.measures.models import Meeting


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings the user may read, by week, with a way to this week's."""
    raw = request.GET.get("district", "")
    district_id = int(raw) if raw.isdigit() else None
    runs = list(policy.runs_districts(request.user).order_by("name"))
    found = meetings.meetings_of(request.user, district_id=district_id)
    return render(
        request,
        "measures/meeting_list.html",
        {
            "meetings": [(m, week_of(m)) for m in found],
            "runs": runs,
            "district_id": district_id,
        },
    )


@login_required
def meeting_this_week(request: HttpRequest) -> HttpResponse:
    """This week's meeting of a district the user runs, opened the first time it is asked for."""
    runs = policy.runs_districts(request.user).select_related("city").order_by("name")
    raw = request.GET.get("district", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        district = get_object_or_404(runs, pk=int(raw))
    else:
        district = runs.first()
        if district is None:
            messages.info(request, _("You run no district's meetings."))
            return redirect("measures:meetings")
    meeting = services.meeting_open(district=district, week=timezone.localdate(), by=request.user)
    return redirect("measures:meeting", pk=meeting.pk)


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    """The meeting if the user may read it; 404 otherwise."""
    query = policy.visible(request.user, Meeting).select_related("district__city", "closed_by")
    return get_object_or_404(query, pk=pk)


def _place_choices(request: HttpRequest, meeting: Meeting) -> list[Place]:
    return list(
        policy.visible(request.user, Place).filter(district_id=meeting.district_id).order_by("name")
    )


def _participant_choices(request: HttpRequest, meeting: Meeting) -> list[Organisation]:
    """The organisations working in the district the user sees, and those already taking part."""
    seen = policy.visible(request.user, Organisation).filter(districts=meeting.district_id)
    chosen = meeting.participants.values("pk")
    return list(
        Organisation.objects.filter(Q(pk__in=seen.values("pk")) | Q(pk__in=chosen)).order_by("name")
    )


def _new_measure_url(meeting: Meeting, **extra: Any) -> str:
    query = {"meeting": meeting.pk, "district": meeting.district_id, **extra}
    return reverse("measures:new") + "?" + urlencode(query)


def _map_data(
    meeting: Meeting, places: list[Place], focus: set[int], hotspots: list[dict[str, Any]]
) -> dict[str, Any]:
    """The district, its places (each saying whether it is a focus place) and the new hotspots."""
    district = meeting.district
    features = [
        {
            "type": "Feature",
            "geometry": district.geometry,
            "properties": {"name": district.name, "level": "district"},
        }
    ]
    features += [
        {
            "type": "Feature",
            "geometry": p.geometry,
            "properties": {"name": p.name, "level": "place", "pk": p.pk, "focus": p.pk in focus},
        }
        for p in places
    ]
    features += [
        {"type": "Feature", "geometry": h["geometry"], "properties": {"level": "hotspot"}}
        for h in hotspots
    ]
    return {"type": "FeatureCollection", "features": features}


def _page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    errors: list[str] | None = None,
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    may_change = policy.can(request.user, policy.CHANGE, meeting)
    if meeting.closed:
        agenda = meetings.labelled(_for_reader(request.user, meeting, meeting.agenda))
    else:
        agenda = meetings.labelled(meetings.agenda(meeting, request.user, timezone.localdate()))
    situation = agenda.get("situation", {})
    hotspots = situation.get("new_hotspots", [])
    if may_change:
        for hotspot in hotspots:
            hotspot["new_measure_url"] = _new_measure_url(
                meeting, hotspot=json.dumps(hotspot["geometry"], separators=(",", ":"))
            )
        for place in agenda.get("repeated_places", []):
            place["new_measure_url"] = _new_measure_url(meeting, place=place["pk"])
    places = _place_choices(request, meeting)
    if posted is not None:
        focus, participants, minutes = posted["focus"], posted["participants"], posted["minutes"]
    elif meeting.closed:
        focus = {p["pk"] for p in agenda.get("focus_places", [])}
        participants = {o["pk"] for o in agenda.get("participants", [])}
        minutes = meeting.minutes
    else:
        focus = set(meeting.focus_places.values_list("pk", flat=True))
        participants = set(meeting.participants.values_list("pk", flat=True))
        minutes = meeting.minutes
    context = {
        "meeting": meeting,
        "period": week_of(meeting),
        "agenda": agenda,
        "situation": situation,
        "may_change": may_change,
        "errors": errors or [],
        "places": places if may_change else [],
        "organisations": _participant_choices(request, meeting) if may_change else [],
        "focus": focus,
        "participants": participants,
        "minutes": minutes,
        "new_measure_url": _new_measure_url(meeting) if may_change else "",
        "map_data": _map_data(meeting, places, focus, hotspots),
    }
    return render(request, "measures/meeting.html", context, status=status)


# The frozen agenda lists single reports as the one who closed the meeting saw them.
REPORT_SECTIONS = ("overdue_reports", "new_reports")


def _for_reader(user: Any, meeting: Meeting, agenda: dict[str, Any]) -> dict[str, Any]:
    """The stored agenda without its single reports for a participant who does not run the
    district: they may see reports only as the policy lets them, not as the closer did."""
    if policy.runs_districts(user).filter(pk=meeting.district_id).exists():
        return agenda
    hidden = {"items": [], "more": 0, "hidden": True}
    return {**agenda, **{name: hidden for name in REPORT_SECTIONS if name in agenda}}


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting and its drafted (or frozen) agenda; POST saves places, participants, minutes."""
    meeting = _meeting(request, pk)
    if request.method != "POST":
        return _page(request, meeting)
    focus_ids, org_ids = (
        _ids(request.POST.getlist("focus_places")),
        _ids(request.POST.getlist("participants")),
    )
    minutes = request.POST.get("minutes", "")
    try:
        services.meeting_update(
            meeting=meeting,
            by=request.user,
            minutes=minutes,
            focus_places=policy.visible(request.user, Place).filter(pk__in=focus_ids),
            participants=Organisation.objects.filter(
                pk__in=[o.pk for o in _participant_choices(request, meeting) if o.pk in org_ids]
            ),
        )
    except ValidationError as error:
        posted = None
        if not meeting.closed:
            posted = {"focus": set(focus_ids), "participants": set(org_ids), "minutes": minutes}
        return _page(request, meeting, errors=_messages(error), posted=posted, status=400)
    messages.success(request, _("The meeting is saved."))
    return redirect("measures:meeting", pk=meeting.pk)


def _messages(error: ValidationError) -> list[str]:
    return [m for ms in error.message_dict.values() for m in ms]


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze the meeting: the agenda as drafted now, its minutes and the minutes PDF."""
    meeting = _meeting(request, pk)
    agenda: dict[str, Any] = {}
    pdf = b""
    # Only a close that can succeed costs a drafted agenda and a PDF; the service refuses
    # the others, a closed meeting with its own message.
    if policy.can(request.user, policy.CHANGE, meeting):
        # The minutes are a Swedish document, the frozen agenda's sentences too.
        with translation.override("sv"):
            agenda = meetings.agenda(meeting, request.user, timezone.localdate())
        closing = Meeting.objects.select_related("district__city").get(pk=meeting.pk)
        closing.closed_at, closing.closed_by = timezone.now(), request.user
        pdf = minutes_pdf(closing, agenda, generated_at=timezone.localtime())
    try:
        services.meeting_close(meeting=meeting, by=request.user, agenda=agenda, pdf=pdf)
    except ValidationError as error:
        return _page(request, meeting, errors=_messages(error), status=400)
    messages.success(request, _("The meeting is closed; its minutes are kept as they are."))
    return redirect("measures:meeting", pk=meeting.pk)


@login_required
def meeting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as a PDF: as frozen for a closed meeting, a draft for an open one."""
    meeting = _meeting(request, pk)
    reader_agenda = _for_reader(request.user, meeting, meeting.agenda) if meeting.closed else None
    if meeting.closed and meeting.pdf and reader_agenda is meeting.agenda:
        pdf = bytes(meeting.pdf)
        name = "protokoll"
    elif meeting.closed:
        with translation.override("sv"):
            pdf = minutes_pdf(meeting, reader_agenda, generated_at=meeting.closed_at)
        name = "protokoll"
    else:
        with translation.override("sv"):
            agenda = meetings.agenda(meeting, request.user, timezone.localdate())
        pdf = minutes_pdf(meeting, agenda, generated_at=timezone.localtime(), draft=True)
        name = "protokollsutkast"
    response = HttpResponse(pdf, content_type="application/pdf")
    district = slugify(meeting.district.name) or "omrade"
    filename = f"{name}-{district}-{week_of(meeting).key}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

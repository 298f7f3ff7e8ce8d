"""Reads for the weekly EST meeting: the agenda Trygg drafts for a district and week.

The agenda is plain JSON (ids, names, ISO dates, status codes), so that closing a meeting
can store it as it stood and the closed meeting, its page and its PDF show exactly that,
however the reports and measures change afterwards. ``labelled`` turns a stored agenda
into what a template prints: dates as dates, status codes as labels in today's language.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import shapely
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from shapely.geometry import shape

from trygg.core import policy
from trygg.geo.models import Place
from trygg.geo.projection import SWEREF99TM, WGS84, reproject, sweref_shape
from trygg.measures import workflow
from trygg.measures.models import Measure, Meeting
from trygg.reports.models import Report
from trygg.reports.workflow import COUNTED
from trygg.reports.workflow import Status as ReportStatus
from trygg.situation import areas, editions, figures, privacy, queries
from trygg.situation.periods import Period

# A place with this many counted reports in one week comes up at the meeting.
REPEATED = 3
# The meeting reads the newest reports; the rest are in the review queue.
NEW_REPORTS = 20
# Long lists of overdue work are cut; the meeting sees how many more there are.
OVERDUE_SHOWN = 20
# Bumped when the stored shape changes, so an old frozen agenda can still be read.
VERSION = 1


def week_of(meeting: Meeting) -> Period:
    return Period.containing(meeting.week)


def situation_url(meeting: Meeting) -> str:
    """The situation picture of the meeting's district and week."""
    query = {areas.DISTRICT: meeting.district_id, **week_of(meeting).query()}
    return f"{reverse('situation:picture')}?{urlencode(query)}"


def agenda(meeting: Meeting, user: Any, today: dt.date) -> dict[str, Any]:
    """The agenda Trygg proposes for the meeting, as the user may see it, in plain JSON."""
    district = meeting.district
    period = week_of(meeting)
    places = list(policy.visible(user, Place).filter(district=district).order_by("name"))
    drafted = {
        "version": VERSION,
        "district": {"pk": district.pk, "name": district.name},
        "week": {"monday": period.start.isoformat(), "key": period.key},
        "drafted_at": timezone.now().isoformat(),
        "situation": _situation(meeting, user, period, places),
        "repeated_places": _repeated_places(meeting, user, period),
        "overdue_measures": _overdue_measures(meeting, user, today),
        "overdue_reports": _overdue_reports(meeting, user),
        "last_week": _last_week(meeting, user),
        "new_reports": _new_reports(meeting, user, period),
        "focus_places": [
            {"pk": p.pk, "name": p.name} for p in meeting.focus_places.order_by("name")
        ],
        "participants": [
            {"pk": o.pk, "name": o.name} for o in meeting.participants.order_by("name")
        ],
        "decided": [
            _measure(m) for m in _measures(user).filter(meeting=meeting).order_by("due", "pk")
        ],
    }
    # Geometries come as tuples from shapely; stored and fresh agendas must be alike.
    plain: dict[str, Any] = json.loads(json.dumps(drafted))
    return plain


def _measures(user: Any) -> Any:
    return policy.visible(user, Measure).select_related(
        "responsible", "responsible_person", "place"
    )


def _measure(measure: Measure) -> dict[str, Any]:
    person = measure.responsible_person
    return {
        "pk": measure.pk,
        "title": measure.title,
        "responsible": measure.responsible.name,
        "responsible_person": (person.get_full_name() or person.username) if person else "",
        "place": measure.place.name if measure.place else "",
        "start": measure.start.isoformat(),
        "due": measure.due.isoformat(),
        "status": measure.status,
    }


def _report(report: Report) -> dict[str, Any]:
    local = timezone.localtime
    return {
        "pk": report.pk,
        "category": report.category.label,
        "occurred": local(report.occurred_from).isoformat(),
        "received": local(report.created_at).isoformat(),
        "answer_due": local(report.answer_due_at).isoformat() if report.answer_due_at else "",
        "address": report.address,
        "places": sorted(p.name for p in report.places.all()),
        "status": report.status,
    }


def _situation(meeting: Meeting, user: Any, period: Period, places: list[Place]) -> dict[str, Any]:
    """The week's picture of the district: its summary and its new hotspots with their places.

    A hotspot is new if it touches none of the hotspots of the last published edition the
    meeting saw, or, with no edition, of the week before.
    """
    found: dict[str, Any] = {
        "url": situation_url(meeting),
        "available": False,
        "summary": [],
        "total": None,
        "hotspots": 0,
        "new_hotspots": [],
        "compared_with": "",
        "edition": None,
    }
    districts = list(queries.situation_districts(user=user))
    request = HttpRequest()
    request.user = user
    request.GET = QueryDict(mutable=True)
    request.GET.update({areas.DISTRICT: str(meeting.district_id), "period": period.key})
    try:
        what = figures.asked(request, districts)
        shown = figures.figures(request, what)
    except (Http404, ValidationError):
        # The user may not open this district's picture; the agenda goes on without it.
        return found
    now = [f for f in shown.picture.features if f["properties"]["level"] == "hotspot"]
    last = editions.latest_before(user, what.area, period)
    if last is not None:
        before = editions.figures_for(user, last)["hotspots"]
        found["compared_with"] = "edition"
        found["edition"] = {"pk": last.pk, "period": last.period_label}
    else:
        request.GET["period"] = period.previous().key
        previous = figures.figures(request, what)
        before = [f for f in previous.picture.features if f["properties"]["level"] == "hotspot"]
        found["compared_with"] = "previous_week"
    earlier = shapely.union_all([shape(f["geometry"]) for f in before]) if before else None
    outlines = [(p, sweref_shape(p.geometry_sweref)) for p in places]
    new = []
    for feature in now:
        outline = shape(feature["geometry"])
        if earlier is not None and outline.intersects(earlier):
            continue
        metres = reproject(outline, WGS84, SWEREF99TM)
        new.append(
            {
                "geometry": feature["geometry"],
                "places": [
                    {"pk": p.pk, "name": p.name} for p, o in outlines if o.intersects(metres)
                ],
            }
        )
    found.update(
        available=True,
        summary=list(shown.picture.summary),
        total=shown.picture.total,
        exact=shown.exact,
        below=privacy.below(shown.minimum),
        hotspots=len(now),
        new_hotspots=new,
    )
    return found


def _repeated_places(meeting: Meeting, user: Any, period: Period) -> list[dict[str, Any]]:
    """Places with at least REPEATED counted reports in the week, most first.

    Those who may not see exact counts see only places at or above the sharing minimum.
    """
    area = areas.PictureArea(
        kind=areas.DISTRICT,
        name=meeting.district.name,
        city=meeting.district.city,
        district_ids=(meeting.district_id,),
        outline=sweref_shape(meeting.district.geometry_sweref),
        query={areas.DISTRICT: meeting.district_id},
        district=meeting.district,
    )
    least = REPEATED
    if not privacy.sees_exact(user, area, period=period):
        least = max(REPEATED, settings.TRYGG_MIN_SHARED_COUNT)
    rows = (
        queries.counted_reports(user=user, district_ids=[meeting.district_id], period=period)
        .filter(places__district_id=meeting.district_id)
        .values("places__pk", "places__name")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gte=least)
        .order_by("-n", "places__name")
    )
    return [{"pk": r["places__pk"], "name": r["places__name"], "count": r["n"]} for r in rows]


def _overdue_measures(meeting: Meeting, user: Any, today: dt.date) -> dict[str, Any]:
    query = _measures(user).filter(
        district_id=meeting.district_id, status__in=workflow.OPEN, due__lt=today
    )
    shown = list(query.order_by("due", "pk")[:OVERDUE_SHOWN])
    return {"items": [_measure(m) for m in shown], "more": max(query.count() - len(shown), 0)}


def _reports(user: Any) -> Any:
    return policy.visible(user, Report).select_related("category").prefetch_related("places")


def _overdue_reports(meeting: Meeting, user: Any) -> dict[str, Any]:
    """Counted reports in the district still waiting for an answer past their answer time."""
    query = _reports(user).filter(
        district_id=meeting.district_id,
        status__in=COUNTED,
        answer_due_at__lt=timezone.now(),
    )
    shown = list(query.order_by("answer_due_at", "pk")[:OVERDUE_SHOWN])
    return {"items": [_report(r) for r in shown], "more": max(query.count() - len(shown), 0)}


def _last_week(meeting: Meeting, user: Any) -> dict[str, Any]:
    """What last week's meeting decided, and where each decision stands now."""
    earlier = Meeting.objects.filter(
        district_id=meeting.district_id, week=meeting.week - dt.timedelta(days=7)
    ).first()
    if earlier is None:
        return {"meeting": None, "decisions": []}
    decided = _measures(user).filter(meeting=earlier).order_by("due", "pk")
    return {"meeting": earlier.pk, "decisions": [_measure(m) for m in decided]}


def _new_reports(meeting: Meeting, user: Any, period: Period) -> dict[str, Any]:
    """Reports received in the district during the week, newest first."""
    query = (
        _reports(user)
        .filter(
            district_id=meeting.district_id,
            created_at__gte=queries.day_start(period.start),
            created_at__lt=queries.day_start(period.end),
        )
        .exclude(status__in=[ReportStatus.REJECTED, ReportStatus.DUPLICATE])
    )
    shown = list(query.order_by("-created_at", "-pk")[:NEW_REPORTS])
    return {"items": [_report(r) for r in shown], "more": max(query.count() - len(shown), 0)}


def labelled(agenda: dict[str, Any]) -> dict[str, Any]:
    """A copy of a drafted or stored agenda for printing: dates parsed, statuses labelled."""
    shown: dict[str, Any] = json.loads(json.dumps(agenda))
    measure_statuses = dict(workflow.Status.choices)
    report_statuses = dict(ReportStatus.choices)

    def measures(items: list[dict[str, Any]]) -> None:
        for m in items:
            m["due"] = dt.date.fromisoformat(m["due"])
            m["start"] = dt.date.fromisoformat(m["start"])
            m["status_label"] = measure_statuses.get(m["status"], m["status"])

    def reports(items: list[dict[str, Any]]) -> None:
        for r in items:
            for key in ("occurred", "received", "answer_due"):
                r[key] = dt.datetime.fromisoformat(r[key]) if r.get(key) else None
            r["status_label"] = report_statuses.get(r["status"], r["status"])

    measures(shown.get("overdue_measures", {}).get("items", []))
    measures(shown.get("last_week", {}).get("decisions", []))
    measures(shown.get("decided", []))
    reports(shown.get("overdue_reports", {}).get("items", []))
    reports(shown.get("new_reports", {}).get("items", []))
    if shown.get("drafted_at"):
        shown["drafted_at"] = dt.datetime.fromisoformat(shown["drafted_at"])
    return shown


def meetings_of(user: Any, *, district_id: int | None = None) -> Any:
    """The meetings the user may read, newest week first, with how many measures each decided."""
    query = policy.visible(user, Meeting).select_related("district")
    if district_id is not None:
        query = query.filter(district_id=district_id)
    return query.annotate(decided=Count("measures", distinct=True)).order_by(
        "-week", "district__name"
    )

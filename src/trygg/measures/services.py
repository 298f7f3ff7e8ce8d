"""Writes of measures and meetings: validated, permission-checked, atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo.models import District, Place
from trygg.geo.projection import SWEREF99TM, WGS84, reproject, sweref_shape
from trygg.measures import workflow
from trygg.measures.kinds import GROUP_OF, SITUATIONAL, Kind
from trygg.measures.models import Measure, Meeting
from trygg.measures.workflow import Status
from trygg.reports import services as report_services
from trygg.reports.models import Category, Report
from trygg.reports.workflow import Status as ReportStatus
from trygg.walks.models import Finding

FIELDS = (
    "title",
    "description",
    "kind",
    "technique",
    "district",
    "place",
    "target_area",
    "responsible",
    "responsible_person",
    "start",
    "due",
    "cost_estimate",
    "expected_effect",
    "indicator",
    "comparison_district",
    "origin",
    "origin_ref",
    "meeting",
)


def _check(measure: Measure, categories: list[Category], partners: list[Organisation]) -> None:
    """Everything a measure must satisfy beyond its fields' own rules; errors name the field."""
    errors: dict[str, str] = {}
    if measure.start and measure.due and measure.due < measure.start:
        errors["due"] = _("The due date cannot be before the start.")
    if measure.technique and GROUP_OF.get(Kind(measure.kind)) != SITUATIONAL:
        errors["technique"] = _("Only situational measures have a situational technique.")
    district = measure.district
    if measure.place_id and measure.place.district_id != district.pk:
        errors["place"] = _("The place must lie in the measure's district.")
    responsible = measure.responsible
    if not policy.works_in(responsible, district):
        errors["responsible"] = _(
            "%(organisation)s does not work in %(district)s and may not see the area."
        ) % {"organisation": responsible.name, "district": district.name}
    person = measure.responsible_person
    if person is not None and not person.memberships.filter(organisation=responsible).exists():
        errors["responsible_person"] = _("The responsible person must belong to %(org)s.") % {
            "org": responsible.name
        }
    if any(c.city_id != district.city_id for c in categories):
        errors["categories"] = _("The categories must be the city's own.")
    if any(p.city_id != district.city_id for p in partners):
        errors["partners"] = _("The partners must work in the same city.")
    comparison = measure.comparison_district
    if comparison is not None:
        if comparison.pk == district.pk or comparison.city_id != district.city_id:
            errors["comparison_district"] = _(
                "The comparison district must be another district of the same city."
            )
        elif (
            _target_outline(measure).intersection(sweref_shape(comparison.geometry_sweref)).area
            > 1.0
        ):
            errors["comparison_district"] = _(
                "The comparison district overlaps the target area; choose one beside it."
            )
    if errors:
        raise ValidationError(errors)


def _target_outline(measure: Measure) -> Any:
    """The measure's target area in SWEREF 99 TM: its drawn area, its place or its district."""

    if measure.target_area:
        return reproject(shape(measure.target_area), WGS84, SWEREF99TM)
    area = measure.place or measure.district
    return sweref_shape(area.geometry_sweref)


def measure_save(
    *,
    measure: Measure,
    by: Any,
    categories: Iterable[Category] = (),
    partners: Iterable[Organisation] = (),
    reports: Iterable[Report] = (),
) -> Measure:
    """Create or edit a measure; only those who run the district's EST work may."""
    if not policy.runs_districts(by).filter(pk=measure.district_id).exists():
        raise PermissionDenied
    categories, partners, reports = list(categories), list(partners), list(reports)
    new = measure.pk is None
    if new:
        measure.city_id = measure.district.city_id
        measure.created_by = by
    # The constraints are checked by _check, which names the field.
    measure.full_clean(exclude=["city", "created_by"], validate_constraints=False)
    _check(measure, categories, partners)
    with transaction.atomic():
        before = None if new else measure.history.aggregate(last=Max("history_id"))["last"]
        measure._history_user = by  # type: ignore[attr-defined]
        measure.save()
        measure.categories.set(categories)
        measure.partners.set(partners)
        visible = policy.visible(by, Report).filter(pk__in=[r.pk for r in reports])
        measure.reports.add(*visible)
        _one_history_record(measure, since=before)
        # The reports it answers now say so to those who sent them.
        for report in visible.filter(status=ReportStatus.ACCEPTED):
            report_services.report_transition(report=report, to=ReportStatus.MEASURE_PLANNED, by=by)
        if new and measure.origin == "walk_finding" and measure.origin_ref.isdigit():
            _finding_link(measure, by)
    return measure


def _one_history_record(measure: Measure, *, since: int | None) -> None:
    """One save is one change: the fields and each set of links made a record each, and
    the last holds them all, so the others go. The first record of all says "created"."""
    made = list(
        measure.history.filter(history_id__gt=since or 0)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
    )
    if len(made) < 2:
        return
    measure.history.filter(history_id__in=made[1:]).delete()
    if since is None:
        measure.history.filter(history_id=made[0]).update(history_type="+")


def _finding_link(measure: Measure, by: Any) -> None:
    """The walk finding a new measure was started from points back to it."""
    finding = (
        policy.visible(by, Finding)
        .filter(pk=int(measure.origin_ref), walk__district_id=measure.district_id)
        .first()
    )
    if finding is None or finding.measure_id is not None:
        return
    finding.measure = measure
    finding._history_user = by  # type: ignore[attr-defined]
    finding.save(update_fields=["measure"])


def measure_transition(*, measure: Measure, to: str, by: Any, reason: str = "") -> Measure:
    """Move a measure along its life; the responsible organisation may carry it out."""
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        may_decide = policy.can(by, policy.CHANGE, measure)
        if not may_decide and not (
            to in workflow.RESPONSIBLE_MAY and policy.can(by, policy.PROGRESS, measure)
        ):
            raise PermissionDenied
        if not workflow.allowed(measure.status, to):
            raise ValidationError(
                {
                    "status": _("A measure that is %(current)s cannot become %(target)s.")
                    % {
                        "current": Status(measure.status).label.lower(),
                        "target": Status(to).label.lower(),
                    }
                }
            )
        reason = reason.strip()
        if to in workflow.NEEDS_REASON and not reason:
            raise ValidationError({"reason": _("Give a reason; it is kept in the history.")})
        measure.status = to
        measure.status_reason = reason
        measure._history_user = by  # type: ignore[attr-defined]
        measure.save(update_fields=["status", "status_reason", "updated_at"])
    return measure


def measure_progress(*, measure: Measure, by: Any, note: str) -> Measure:
    """The responsible organisation notes how it is going."""
    if not policy.can(by, policy.PROGRESS, measure):
        raise PermissionDenied
    measure.progress = note.strip()
    measure._history_user = by  # type: ignore[attr-defined]
    measure.save(update_fields=["progress", "updated_at"])
    return measure


def meeting_open(*, district: District, week: dt.date, by: Any) -> Meeting:
    """This week's meeting of the district, made the first time someone opens it."""
    if not policy.runs_districts(by).filter(pk=district.pk).exists():
        raise PermissionDenied
    monday = week - dt.timedelta(days=week.weekday())
    meeting, _created = Meeting.objects.get_or_create(district=district, week=monday)
    return meeting


def meeting_update(
    *,
    meeting: Meeting,
    by: Any,
    minutes: str | None = None,
    focus_places: Iterable[Place] | None = None,
    participants: Iterable[Organisation] | None = None,
) -> Meeting:
    """Change an open meeting; a closed one is frozen."""
    _may_change(meeting, by)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _may_change(meeting, by)
        if focus_places is not None:
            places = list(focus_places)
            if any(p.district_id != meeting.district_id for p in places):
                raise ValidationError({"focus_places": _("Focus places must lie in the district.")})
            meeting.focus_places.set(places)
        if participants is not None:
            orgs = list(participants)
            if any(o.city_id != meeting.district.city_id for o in orgs):
                raise ValidationError({"participants": _("Participants must be of the same city.")})
            meeting.participants.set(orgs)
        if minutes is not None:
            meeting.minutes = minutes.strip()
            meeting.save(update_fields=["minutes"])
    return meeting


def _may_change(meeting: Meeting, by: Any) -> None:
    if meeting.closed:
        raise ValidationError({"meeting": _("The meeting is closed and can no longer be changed.")})
    if not policy.can(by, policy.CHANGE, meeting):
        raise PermissionDenied


def meeting_close(*, meeting: Meeting, by: Any, agenda: dict[str, Any], pdf: bytes) -> Meeting:
    """Freeze the meeting: the agenda as drafted, its minutes and a PDF are kept as they are."""
    _may_change(meeting, by)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _may_change(meeting, by)
        meeting.agenda = agenda
        meeting.pdf = pdf
        meeting.closed_at = timezone.now()
        meeting.closed_by = by
        meeting.save(update_fields=["agenda", "pdf", "closed_at", "closed_by"])
    return meeting

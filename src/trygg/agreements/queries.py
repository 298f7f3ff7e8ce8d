"""Reads of cooperation agreements: versions, the action plan, the yearly follow-up, the city.

The follow-up counts a priority's reports as the situation picture does
(``situation.queries.counted_reports``), in its place or else the whole district, for
one calendar year, counted only (``counted_in_city``), so a coordinator sees the figure
without seeing the single reports of another organisation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, QuerySet
from django.utils import timezone

from trygg.agreements.models import Agreement, CitizenPromise, PlaceCollaboration, Priority
from trygg.core import policy
from trygg.geo.models import District
from trygg.measures.models import Measure
from trygg.measures.workflow import Status
from trygg.reports.workflow import COUNTED
from trygg.situation.periods import Period
from trygg.situation.queries import counted_reports

ORIGIN = "agreement_priority"
FINISHED = (Status.DONE, Status.FOLLOWED_UP)


def agreements_visible_to(*, user: Any) -> QuerySet[Agreement]:
    return policy.visible(user, Agreement).select_related("district", "police_area", "city")


def versions(agreement: Agreement) -> list[Agreement]:
    """Every version of this agreement, the first first: back through ``previous``, then on."""
    chain = [agreement]
    earlier = agreement.previous
    while earlier is not None:
        chain.insert(0, earlier)
        earlier = earlier.previous
    later = Agreement.objects.filter(previous=agreement).first()
    while later is not None:
        chain.append(later)
        later = Agreement.objects.filter(previous=later).first()
    return chain


def action_plan(priorities: list[Priority]) -> dict[int, list[Measure]]:
    """The measures started from each priority, by the priority's pk."""
    refs = {str(p.pk): p.pk for p in priorities}
    plan: dict[int, list[Measure]] = {p.pk: [] for p in priorities}
    measures = (
        Measure.objects.filter(origin=ORIGIN, origin_ref__in=list(refs))
        .select_related("responsible")
        .order_by("due", "title")
    )
    for measure in measures:
        plan[refs[measure.origin_ref]].append(measure)
    return plan


def year_period(year: int) -> Period:
    return Period("custom", dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


@dataclass
class PriorityFollowup:
    priority: Priority
    count: int | None  # None: the year lies before the district's reports begin
    met: bool | None
    measures: list[Measure] = field(default_factory=list)
    finished: int = 0

    @property
    def change(self) -> int | None:
        baseline = self.priority.baseline
        return None if baseline is None or self.count is None else self.count - baseline


def reports_begin(*, user: Any, agreement: Agreement) -> dt.date | None:
    """The day of the district's first counted report: before it, Trygg cannot count.

    A year the city did not yet report in would otherwise read as zero reports, every
    target met.
    """
    first = (
        policy.aggregated_reports(user, agreement.city_id)
        .filter(district_id=agreement.district_id, status__in=COUNTED)
        .aggregate(first=Min("occurred_from"))["first"]
    )
    return None if first is None else timezone.localtime(first).date()


def followup(*, user: Any, agreement: Agreement, year: int) -> list[PriorityFollowup]:
    """Per priority: the year's count against its target, and the state of its measures.

    A target is met when the count is at most the target (targets are reports a year to
    come down to); without a target, ``met`` is None. Before the district's reports
    begin there is nothing to count: ``count`` and ``met`` are None.
    """
    period = year_period(year)
    begin = reports_begin(user=user, agreement=agreement)
    counted = begin is not None and begin < period.end
    priorities = list(agreement.priorities.select_related("place").prefetch_related("categories"))
    plan = action_plan(priorities)
    rows = []
    for priority in priorities:
        count = (
            counted_reports(
                user=user,
                district_ids=[agreement.district_id],
                place=priority.place,
                period=period,
                categories=[c.pk for c in priority.categories.all()],
                counted_in_city=agreement.city_id,
            ).count()
            if counted
            else None
        )
        measures = plan[priority.pk]
        rows.append(
            PriorityFollowup(
                priority=priority,
                count=count,
                met=None if priority.target is None or count is None else count <= priority.target,
                measures=measures,
                finished=sum(1 for m in measures if m.status in FINISHED),
            )
        )
    return rows


def current(agreements: list[Agreement], today: dt.date) -> Agreement | None:
    """The version valid today, or else the latest one to start."""
    valid = [a for a in agreements if a.valid_from <= today <= a.valid_to]
    if valid:
        return max(valid, key=lambda a: (a.valid_from, a.version))
    return max(agreements, key=lambda a: (a.valid_from, a.version), default=None)


def followup_due(agreement: Agreement, today: dt.date) -> dt.date | None:
    """The yearly follow-up is due when a year of validity ends, the last at ``valid_to``."""
    if today > agreement.valid_to:
        return None
    return min(dt.date(max(today.year, agreement.valid_from.year), 12, 31), agreement.valid_to)


@dataclass
class DistrictState:
    district: District
    agreement: Agreement | None
    state: str  # "signed", "draft" or "none"
    followup_due: dt.date | None
    promises: list[Any] = field(default_factory=list)
    collaborations: list[Any] = field(default_factory=list)


def city_overview(*, user: Any, today: dt.date) -> list[DistrictState]:
    """Every district of the cities the user administers, with its current agreement."""
    districts = District.objects.filter(city_id__in=policy.administered_cities(user)).order_by(
        "city__name", "name"
    )
    by_district: dict[int, list[Agreement]] = {}
    for agreement in policy.visible(user, Agreement).filter(district__in=districts):
        by_district.setdefault(agreement.district_id, []).append(agreement)
    promises: dict[int, list[CitizenPromise]] = {}
    for promise in policy.visible(user, CitizenPromise).filter(
        district__in=districts, valid_to__gte=today
    ):
        promises.setdefault(promise.district_id, []).append(promise)
    collaborations: dict[int, list[PlaceCollaboration]] = {}
    for found in (
        policy.visible(user, PlaceCollaboration)
        .filter(place__district__in=districts)
        .select_related("place")
    ):
        collaborations.setdefault(found.place.district_id, []).append(found)
    rows = []
    for district in districts.select_related("city"):
        agreement = current(by_district.get(district.pk, []), today)
        state = "none" if agreement is None else "signed" if agreement.signed else "draft"
        rows.append(
            DistrictState(
                district=district,
                agreement=agreement,
                state=state,
                followup_due=followup_due(agreement, today) if agreement else None,
                promises=promises.get(district.pk, []),
                collaborations=collaborations.get(district.pk, []),
            )
        )
    return rows

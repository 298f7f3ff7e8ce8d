"""Reads of reports, always through the permission policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from trygg.core import policy
from trygg.reports.models import NilReturn, Report, Source
from trygg.reports.workflow import Status

# Two reports of one category this close in space and time may be the same thing seen twice.
DUPLICATE_RADIUS_M = 150.0
DUPLICATE_WINDOW = dt.timedelta(hours=48)


@dataclass
class ReportFilters:
    """The filters of the review queue, the lists, the API and the exports alike."""

    start: dt.date | None = None
    end: dt.date | None = None
    categories: list[int] = field(default_factory=list)
    organisations: list[int] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    districts: list[int] = field(default_factory=list)
    places: list[int] = field(default_factory=list)
    overdue: bool = False

    def apply(self, query: QuerySet[Report]) -> QuerySet[Report]:
        if self.start:
            query = query.filter(occurred_from__gte=_day_start(self.start))
        if self.end:
            query = query.filter(occurred_from__lt=_day_start(self.end + dt.timedelta(days=1)))
        if self.categories:
            query = query.filter(category_id__in=self.categories)
        if self.organisations:
            query = query.filter(organisation_id__in=self.organisations)
        if self.statuses:
            query = query.filter(status__in=self.statuses)
        if self.districts:
            query = query.filter(district_id__in=self.districts)
        if self.places:
            query = query.filter(places__in=self.places).distinct()
        if self.overdue:
            query = query.filter(answer_due_at__lt=timezone.now())
        return query


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def reports_visible(*, user: Any, filters: ReportFilters | None = None) -> QuerySet[Report]:
    query = policy.visible(user, Report).select_related(
        "category", "organisation", "district", "reporter"
    )
    return (filters or ReportFilters()).apply(query)


def review_queue(*, user: Any, filters: ReportFilters | None = None) -> QuerySet[Report]:
    """What a coordinator has to look at: by default every report not yet answered."""
    filters = filters or ReportFilters()
    if not filters.statuses:
        filters.statuses = [Status.RECEIVED]
    query = policy.reviewable_reports(user).select_related(
        "category", "organisation", "district", "reporter"
    )
    return filters.apply(query).order_by("answer_due_at", "created_at")


# Files someone imported are not their own observations.
IMPORTED = (Source.POLICE_FEED, Source.CSV, Source.GEOJSON)


def own_reports(*, user: Any) -> QuerySet[Report]:
    return (
        Report.objects.filter(reporter=user)
        .exclude(source__in=IMPORTED)
        .select_related("category", "organisation", "district")
        .order_by("-created_at")
    )


def possible_duplicates(*, user: Any, report: Report, limit: int = 5) -> list[Report]:
    """Reports of the same category nearby and close in time, nearest first."""
    window = Q(
        occurred_from__gte=report.occurred_from - DUPLICATE_WINDOW,
        occurred_from__lte=report.occurred_from + DUPLICATE_WINDOW,
    )
    box = Q(
        x__gte=report.x - DUPLICATE_RADIUS_M,
        x__lte=report.x + DUPLICATE_RADIUS_M,
        y__gte=report.y - DUPLICATE_RADIUS_M,
        y__lte=report.y + DUPLICATE_RADIUS_M,
    )
    candidates = (
        policy.visible(user, Report)
        .filter(window, box, category_id=report.category_id)
        .exclude(pk=report.pk)
        .exclude(status__in=[Status.REJECTED, Status.DUPLICATE])
        .select_related("category", "organisation")[:50]
    )
    near = [
        (((c.x - report.x) ** 2 + (c.y - report.y) ** 2) ** 0.5, c)
        for c in candidates
        if ((c.x - report.x) ** 2 + (c.y - report.y) ** 2) ** 0.5 <= DUPLICATE_RADIUS_M
    ]
    return [c for _, c in sorted(near, key=lambda pair: pair[0])[:limit]]


def report_for_token(token: str) -> Report | None:
    if not token:
        return None
    return Report.objects.filter(public_token=token).select_related("category", "city").first()


@dataclass(frozen=True)
class Effort:
    organisation: str
    district: str
    week: dt.date
    reports: int
    nil_return: bool


def reporting_effort(*, user: Any, weeks: list[dt.date], district_ids: list[int]) -> list[Effort]:
    """Who reported or sent a nil return, per organisation, district and ISO week (Monday)."""
    if not weeks:
        return []
    first, stop = min(weeks), max(weeks) + dt.timedelta(days=7)
    # Counted in the database, one filtered count per local week: the week's bounds are
    # instants computed here, so SQLite and PostgreSQL need no time-zone arithmetic.
    mondays: list[dt.date] = []
    monday = first - dt.timedelta(days=first.weekday())
    while monday < stop:
        mondays.append(monday)
        monday += dt.timedelta(days=7)
    bounds = [_day_start(max(m, first)) for m in mondays] + [_day_start(stop)]
    per_week = {
        f"week_{k}": Count("pk", filter=Q(created_at__gte=bounds[k], created_at__lt=bounds[k + 1]))
        for k in range(len(mondays))
    }
    counted = (
        policy.visible(user, Report)
        .filter(
            district_id__in=district_ids,
            organisation__isnull=False,
            created_at__gte=bounds[0],
            created_at__lt=bounds[-1],
        )
        .order_by()
        .values("organisation__name", "district__name")
        .annotate(**per_week)
    )
    tally: dict[tuple[str, str, dt.date], int] = {}
    for row in counted:
        for k, monday in enumerate(mondays):
            if n := row[f"week_{k}"]:
                tally[(row["organisation__name"], row["district__name"], monday)] = n
    nils = NilReturn.objects.filter(district_id__in=district_ids, week__in=weeks).values_list(
        "organisation__name", "district__name", "week"
    )
    nil_keys = set(nils)
    keys = set(tally) | nil_keys
    return sorted(
        (Effort(o, d, w, tally.get((o, d, w), 0), (o, d, w) in nil_keys) for o, d, w in keys),
        key=lambda e: (e.week, e.district, e.organisation),
    )


def status_counts(*, user: Any) -> dict[str, int]:
    rows = policy.reviewable_reports(user).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Waiting:
    unanswered: int
    overdue: int


def waiting(*, user: Any) -> Waiting:
    """For a coordinator's start page: how many reports wait for an answer, how many too long."""
    open_ = policy.reviewable_reports(user).filter(status=Status.RECEIVED)
    return Waiting(
        unanswered=open_.count(),
        overdue=open_.filter(answer_due_at__lt=timezone.now()).count(),
    )

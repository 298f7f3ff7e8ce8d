"""Reports and categories over the REST API: thin endpoints over the queries and services.

What a person may see and send is decided by the permission policy, exactly as
on the pages: an invisible report is a 404, never a 403. The reporter's e-mail
for feedback (`contact_email`) is never part of any schema here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as HttpStatus

from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo.models import City, District, Place
from trygg.reports import services
from trygg.reports.filters import filters_from_params
from trygg.reports.models import Category, Precision, Report, Source
from trygg.reports.queries import reports_visible
from trygg.reports.workflow import PublicStatus, Status

router = Router(tags=["reports"])

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
# Ids are 64-bit in the database; a larger number is simply not there.
MAX_ID = 2**63 - 1


class Detail(Schema):
    detail: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Reasons keyed by the field or parameter they concern."
    )


class Ref(Schema):
    id: int
    name: str


class CategoryRef(Schema):
    id: int
    code: str
    name: str
    name_en: str


class CategoryOut(Schema):
    id: int
    city: Ref
    code: str
    name: str
    name_en: str
    group: str
    public: bool
    active: bool
    answer_days: int


class ReportOut(Schema):
    id: int
    category: CategoryRef
    occurred_from: dt.datetime = Field(description="Europe/Stockholm, ISO 8601 with offset.")
    occurred_to: dt.datetime | None
    description: str
    address: str
    lon: float = Field(description="WGS84 longitude (east).")
    lat: float = Field(description="WGS84 latitude (north).")
    x: float = Field(description="SWEREF 99 TM easting, metres.")
    y: float = Field(description="SWEREF 99 TM northing, metres.")
    precision: Precision
    district: Ref | None
    places: list[Ref]
    status: Status
    public_status: PublicStatus
    organisation: Ref | None
    source: Source
    created_at: dt.datetime
    answer_due_at: dt.datetime | None

    @staticmethod
    def resolve_occurred_from(report: Report) -> dt.datetime:
        return timezone.localtime(report.occurred_from)

    @staticmethod
    def resolve_occurred_to(report: Report) -> dt.datetime | None:
        return timezone.localtime(report.occurred_to) if report.occurred_to else None

    @staticmethod
    def resolve_created_at(report: Report) -> dt.datetime:
        return timezone.localtime(report.created_at)

    @staticmethod
    def resolve_answer_due_at(report: Report) -> dt.datetime | None:
        return timezone.localtime(report.answer_due_at) if report.answer_due_at else None

    @staticmethod
    def resolve_places(report: Report) -> list[dict[str, Any]]:
        return [{"id": p.pk, "name": p.name} for p in report.places.all()]


class ReportPage(Schema):
    count: int = Field(description="How many reports match, over all pages.")
    limit: int
    offset: int
    items: list[ReportOut]


class ReportQuery(Schema):
    """The list's parameters; read by `filters_from_params`, shared with the exports."""

    start: str = Field("", description="First day (YYYY-MM-DD) the report happened.")
    end: str = Field("", description="Last day (YYYY-MM-DD), inclusive.")
    category: list[str] = Field(default_factory=list, description="Category id; repeatable.")
    organisation: list[str] = Field(
        default_factory=list, description="Reporting organisation id; repeatable."
    )
    status: list[str] = Field(
        default_factory=list, description=f"One of {', '.join(Status.values)}; repeatable."
    )
    district: list[str] = Field(default_factory=list, description="District id; repeatable.")
    place: list[str] = Field(default_factory=list, description="Place id; repeatable.")
    overdue: str = Field("", description="true: only reports past their answer time.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class ReportIn(Schema):
    category: int = Field(ge=1, le=MAX_ID, description="A category id of the organisation's city.")
    organisation: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The organisation you report for; optional if you have only one.",
    )
    occurred_from: dt.datetime = Field(description="Without an offset read as Europe/Stockholm.")
    occurred_to: dt.datetime | None = None
    description: str = Field("", max_length=2000)
    address: str = Field("", max_length=200)
    lon: float = Field(description="WGS84 longitude (east).")
    lat: float = Field(description="WGS84 latitude (north).")
    precision: Precision = Precision.POINT


def _place_names() -> Prefetch:
    # Names only: an area's polygons are large and not part of any answer.
    return Prefetch("places", queryset=Place.objects.only("pk", "name"))


def _with_places(query: QuerySet[Report]) -> QuerySet[Report]:
    return query.prefetch_related(_place_names())


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _reporting_organisation(user: Any, organisation_id: int | None) -> Organisation:
    """The organisation to report for: the one named, or the only one the person has."""
    ids = policy.reporting_organisation_ids(user)
    if organisation_id is None and len(ids) == 1:
        (organisation_id,) = ids
    if organisation_id is None:
        message = (
            _("Give the organisation you report for.")
            if ids
            else _("You do not report for any organisation.")
        )
        raise ValidationError({"organisation": message})
    if organisation_id not in ids:
        raise ValidationError({"organisation": _("You cannot report for this organisation.")})
    return Organisation.objects.select_related("city").get(pk=organisation_id)


@router.get("/reports", response={200: ReportPage, 401: Detail, 422: ErrorOut})
def report_list(request: HttpRequest, params: Query[ReportQuery]) -> dict[str, Any]:
    """The reports you may see, newest first, filtered like the lists and the exports."""
    filters = filters_from_params(request.GET)
    query = reports_visible(user=request.auth, filters=filters).order_by("-occurred_from", "-pk")
    items = list(_with_places(query)[params.offset : params.offset + params.limit])
    return {
        "count": query.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": items,
    }


@router.post("/reports", response={201: ReportOut, 401: Detail, 422: ErrorOut})
def report_create(request: HttpRequest, payload: ReportIn) -> HttpStatus[Report]:
    """Send a report for one of your organisations; it lands in that city's review queue."""
    user = request.auth
    organisation = _reporting_organisation(user, payload.organisation)
    try:
        category = Category.objects.get(pk=payload.category)
    except Category.DoesNotExist:
        raise ValidationError({"category": _("There is no such category.")}) from None
    report = services.report_create(
        city=organisation.city,
        category=category,
        lon=payload.lon,
        lat=payload.lat,
        occurred_from=_aware(payload.occurred_from),
        occurred_to=_aware(payload.occurred_to),
        description=payload.description,
        address=payload.address,
        precision=payload.precision,
        source=Source.API,
        by=user,
        organisation=organisation,
    )
    # The reporter always sees their own report; the answer needs only the names of its areas.
    prefetch_related_objects([report], _place_names())
    if report.district_id is not None:
        report.district = District.objects.only("pk", "name").get(pk=report.district_id)
    return HttpStatus(201, report)


@router.get("/reports/{report_id}", response={200: ReportOut, 401: Detail, 404: Detail})
def report_detail(request: HttpRequest, report_id: int = Path(..., ge=1, le=MAX_ID)) -> Report:
    """One report, if you may see it; otherwise 404, so ids reveal nothing."""
    return get_object_or_404(_with_places(reports_visible(user=request.auth)), pk=report_id)


@router.get("/categories", response={200: list[CategoryOut], 401: Detail})
def category_list(request: HttpRequest) -> QuerySet[Category]:
    """The categories of the cities you see, including inactive ones that old reports carry."""
    cities = policy.visible(request.auth, City)
    return (
        Category.objects.filter(city__in=cities)
        .select_related("city")
        .order_by("city__name", "order", "name")
    )

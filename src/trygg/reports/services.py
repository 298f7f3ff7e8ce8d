"""Writes of reports: intake, review, the resident's "not fixed", and nil returns."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.core import policy
from trygg.core.models import Organisation, User
from trygg.geo.locator import Locator, locator_for
from trygg.geo.models import City, District
from trygg.geo.projection import to_sweref
from trygg.reports import photos, workflow
from trygg.reports.models import (
    Category,
    NilReturn,
    Open311Client,
    Precision,
    Report,
    ReportEvent,
    ReportPhoto,
    Source,
)
from trygg.reports.photos import CleanPhoto
from trygg.reports.workflow import Status

# Clocks drift and phones lie a little; beyond this a time in the future is a mistake.
FUTURE_SLACK = dt.timedelta(minutes=5)
# Interactive intake needs words; imported feeds may come with a type alone.
NEEDS_DESCRIPTION = frozenset({Source.REPORTER, Source.RESIDENT, Source.OPEN311, Source.API})
PUBLIC_SOURCES = frozenset({Source.RESIDENT, Source.OPEN311})
# Fields report_create has checked itself or holds as loaded objects.
INTAKE_CHECKED = ["places", "city", "category", "organisation", "reporter", "district"]


@dataclass(frozen=True)
class Position:
    lon: float
    lat: float
    x: float
    y: float
    district_id: int | None
    place_ids: tuple[int, ...]


def locate(
    *,
    city: City,
    lon: Any,
    lat: Any,
    locator: Locator | None = None,
    precision: str = Precision.POINT,
) -> Position:
    """Check a WGS84 position against the city and derive SWEREF 99 TM, district and places.

    A point outside every district of the city is refused with a reason that
    says whether the numbers look swapped or are simply elsewhere.
    """
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise ValidationError({"position": _("The position must be two numbers.")}) from None
    if not (np.isfinite(lon) and np.isfinite(lat)) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(
            {
                "position": _(
                    "Longitude must lie between -180 and 180 and latitude between -90 and 90."
                )
            }
        )
    locator = locator or locator_for(city)
    x, y = to_sweref(np.array([lon]), np.array([lat]))
    (district_id,) = locator.districts_of(x, y)
    if not district_id:
        sx, sy = to_sweref(np.array([lat]), np.array([lon]))
        if -90 <= lon <= 90 and locator.districts_of(sx, sy)[0]:
            message = _(
                "The position is outside %(city)s, but would be inside with latitude and "
                "longitude swapped. Give longitude (east) first, then latitude (north)."
            )
        else:
            message = _("The position is outside %(city)s.")
        raise ValidationError({"position": message % {"city": city.name}})
    # A locality or municipality centroid says nothing about which place it was.
    coarse = precision in (Precision.LOCALITY, Precision.MUNICIPALITY)
    places = [] if coarse else locator.places_of(x, y)[0]
    return Position(lon, lat, float(x[0]), float(y[0]), int(district_id), tuple(places))


def check_time(
    occurred_from: dt.datetime, occurred_to: dt.datetime | None, *, now: dt.datetime
) -> None:
    if occurred_from > now + FUTURE_SLACK:
        raise ValidationError({"occurred_from": _("The time lies in the future.")})
    if occurred_to is not None:
        if occurred_to < occurred_from:
            raise ValidationError({"occurred_to": _("The end lies before the start.")})
        if occurred_to > now + FUTURE_SLACK:
            raise ValidationError({"occurred_to": _("The time lies in the future.")})


def check_category(category: Category, *, city: City, source: str) -> None:
    if category.city_id != city.pk or not category.active:
        raise ValidationError(
            {"category": _("This category is not used in %(city)s.") % {"city": city.name}}
        )
    if source in PUBLIC_SOURCES and not category.public:
        raise ValidationError({"category": _("This category cannot be reported by residents.")})


def reporting_organisations(user: Any, city: City | None = None) -> list[Organisation]:
    """The organisations a person may report for."""
    ids = policy.reporting_organisation_ids(user)
    query = Organisation.objects.filter(pk__in=ids).order_by("name")
    return list(query.filter(city=city) if city else query)


@transaction.atomic
def report_create(
    *,
    city: City,
    category: Category,
    lon: Any,
    lat: Any,
    occurred_from: dt.datetime,
    occurred_to: dt.datetime | None = None,
    description: str = "",
    source: str = Source.REPORTER,
    by: User | None = None,
    organisation: Organisation | None = None,
    address: str = "",
    contact_email: str = "",
    photos: Iterable[CleanPhoto] = (),
    precision: str = Precision.POINT,
    source_id: str = "",
    now: dt.datetime | None = None,
) -> Report:
    now = now or timezone.now()
    description = description.strip()
    errors: dict[str, Any] = {}
    if source in NEEDS_DESCRIPTION and not description:
        errors["description"] = _("Describe briefly what you saw.")
    for check in (
        lambda: check_category(category, city=city, source=source),
        lambda: check_time(occurred_from, occurred_to, now=now),
    ):
        try:
            check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if source in (Source.REPORTER, Source.API) and (
        organisation is None or organisation.pk not in policy.reporting_organisation_ids(by)
    ):
        errors["organisation"] = _("You cannot report for this organisation.")
    position = None
    try:
        position = locate(city=city, lon=lon, lat=lat, precision=precision)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert position is not None
    report = Report(
        city=city,
        category=category,
        source=source,
        source_id=source_id,
        organisation=organisation,
        reporter=by,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        description=description,
        address=address.strip(),
        lon=position.lon,
        lat=position.lat,
        x=position.x,
        y=position.y,
        precision=precision,
        district_id=position.district_id,
        contact_email=contact_email.strip(),
        public_token=secrets.token_urlsafe(18) if source in PUBLIC_SOURCES else "",
        answer_due_at=now + dt.timedelta(days=category.answer_days),
        created_at=now,
    )
    # The checks above already answer what the table's check constraints and foreign keys
    # would ask again (about ten queries a report); the database still enforces them. A
    # source id keeps its constraint check, so a duplicate import gets a readable reason.
    report.full_clean(exclude=INTAKE_CHECKED, validate_constraints=bool(source_id))
    report.save()
    if position.place_ids:
        report.places.add(*position.place_ids)
    for photo in photos:
        photo_add(report=report, photo=photo)
    ReportEvent.objects.create(
        report=report, kind=ReportEvent.Kind.CREATED, by=by, to_status=report.status, at=now
    )
    return report


def photo_add(*, report: Report, photo: CleanPhoto) -> ReportPhoto:
    return photos.store(ReportPhoto(report=report), photo)


@transaction.atomic
def report_transition(
    *, report: Report, to: str, by: User | None, reason: str = "", now: dt.datetime | None = None
) -> Report:
    """Move a report along its workflow; reviewers need the policy's REVIEW right."""
    now = now or timezone.now()
    report = Report.objects.select_for_update().select_related("category").get(pk=report.pk)
    if by is not None and not policy.can(by, policy.REVIEW, report):
        raise PermissionDenied
    if not workflow.allowed(report.status, to):
        raise ValidationError(
            {
                "status": _("A report that is %(current)s cannot become %(target)s.")
                % {
                    "current": Status(report.status).label.lower(),
                    "target": Status(to).label.lower(),
                }
            }
        )
    reason = reason.strip()
    if (to in workflow.NEEDS_REASON or to == Status.RECEIVED) and not reason:
        raise ValidationError({"reason": _("Give a reason; the reporter will see it.")})
    previous = report.status
    report.status = to
    report.status_reason = reason
    if to == Status.RECEIVED:
        report.answer_due_at = now + dt.timedelta(days=report.category.answer_days)
        report.duplicate_of = None
    elif previous == Status.RECEIVED:
        report.answer_due_at = None
    report.save(
        update_fields=["status", "status_reason", "answer_due_at", "duplicate_of", "updated_at"]
    )
    ReportEvent.objects.create(
        report=report,
        kind=ReportEvent.Kind.REOPENED if to == Status.RECEIVED else ReportEvent.Kind.STATUS,
        by=by,
        at=now,
        from_status=previous,
        to_status=to,
        reason=reason,
    )
    return report


@transaction.atomic
def report_correct(
    *,
    report: Report,
    by: User,
    category: Category | None = None,
    lon: Any = None,
    lat: Any = None,
    description: str | None = None,
) -> Report:
    """A reviewer fixes the category, the position or the description; the places follow
    the point."""
    if not policy.can(by, policy.REVIEW, report):
        raise PermissionDenied
    changes: dict[str, list[Any]] = {}
    places = None
    if category is not None and category.pk != report.category_id:
        check_category(category, city=report.city, source=Source.REPORTER)
        changes["category"] = [report.category.name, category.name]
        report.category = category
    if lon is not None and lat is not None and (float(lon), float(lat)) != (report.lon, report.lat):
        position = locate(city=report.city, lon=lon, lat=lat)
        changes["position"] = [[report.lon, report.lat], [position.lon, position.lat]]
        report.lon, report.lat, report.x, report.y = (
            position.lon,
            position.lat,
            position.x,
            position.y,
        )
        report.district_id = position.district_id
        report.precision = Precision.POINT
        places = position.place_ids
    if description is not None and description.strip() != report.description:
        changes["description"] = [report.description, description.strip()]
        report.description = description.strip()
    if not changes:
        return report
    report.save()
    if places is not None:
        report.places.set(places)
    ReportEvent.objects.create(
        report=report, kind=ReportEvent.Kind.CORRECTED, by=by, changes=changes
    )
    return report


@transaction.atomic
def report_merge(*, report: Report, into: Report, by: User) -> Report:
    """Mark `report` as a duplicate of `into`; both stay, linked, with their own history."""
    if report.pk == into.pk or into.duplicate_of_id == report.pk:
        raise ValidationError({"duplicate_of": _("A report cannot be a duplicate of itself.")})
    if into.city_id != report.city_id or not policy.can(by, policy.REVIEW, into):
        raise PermissionDenied
    if into.status == Status.DUPLICATE:
        into = into.duplicate_of or into
    report = report_transition(report=report, to=Status.DUPLICATE, by=by)
    report.duplicate_of = into
    report.save(update_fields=["duplicate_of"])
    for item, other in ((report, into), (into, report)):
        ReportEvent.objects.create(
            report=item, kind=ReportEvent.Kind.MERGED, by=by, changes={"with": other.pk}
        )
    return report


def report_reopen(*, token: str, reason: str) -> Report:
    """A resident says "not fixed": the report goes back to the review queue."""
    report = Report.objects.filter(public_token=token).exclude(public_token="").first()
    if report is None:
        raise Report.DoesNotExist
    if not workflow.reopenable(report.status):
        raise ValidationError({"reason": _("The report is still open; it is being handled.")})
    return report_transition(report=report, to=Status.RECEIVED, by=None, reason=reason)


FINISHED = (Status.DONE, Status.CLOSED, Status.REJECTED, Status.DUPLICATE)


def contacts_forget(*, now: dt.datetime) -> int:
    """Erase reporters' e-mail addresses of reports finished `TRYGG_CONTACT_RETENTION_DAYS` ago.

    The address is kept only so that the coordinator can answer the resident; once the
    report is finished and the time to ask again has passed, it has no purpose left.
    A report reopened later is answered through its public status page. Returns how many
    addresses were erased.
    """
    before = now - dt.timedelta(days=settings.TRYGG_CONTACT_RETENTION_DAYS)
    return (
        Report.objects.filter(status__in=FINISHED, updated_at__lt=before)
        .exclude(contact_email="")
        .update(contact_email="")
    )


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def nil_return_create(
    *, by: User, organisation: Organisation, district: District, week: dt.date
) -> NilReturn:
    """Say "nothing to report this week" for an area, once per organisation and week."""
    if organisation.pk not in policy.reporting_organisation_ids(by):
        raise PermissionDenied
    if not organisation.districts.filter(pk=district.pk).exists():
        raise ValidationError(
            {
                "district": _("%(org)s does not work in %(district)s.")
                % {"org": organisation.name, "district": district.name}
            }
        )
    monday = week_start(week)
    if monday > week_start(timezone.localdate()):
        raise ValidationError({"week": _("The week has not begun yet.")})
    nil, _created = NilReturn.objects.get_or_create(
        organisation=organisation, district=district, week=monday, defaults={"by": by}
    )
    return nil


def open311_key_digest(key: str) -> str:
    """Keys are stored as SHA-256 digests: a leaked database holds no usable key."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_client_create(
    *, city: City, name: str, organisation: Organisation | None = None, key: str | None = None
) -> tuple[Open311Client, str]:
    """Register a partner app for Open311; the key is returned once and only its digest kept."""
    if organisation is not None and organisation.city_id != city.pk:
        raise ValidationError(
            {
                "organisation": _("%(org)s is not an organisation of %(city)s.")
                % {"org": organisation.name, "city": city.name}
            }
        )
    key = key or secrets.token_urlsafe(32)
    client = Open311Client(
        city=city, organisation=organisation, name=name.strip(), key_digest=open311_key_digest(key)
    )
    client.full_clean()
    client.save()
    return client, key

"""Citizen promises and place collaborations: their writes and reads.

Bad input refused here: a promise whose period ends before it starts; a collaboration
party that does not work in the place's district; dropping a party that still has
contacts (they would vanish unseen); a contact of an organisation that is neither the
collaboration's lead nor one of its partners.
Who may see what is the policy's (``policy.visible``); a collaboration outside the
user's reach is a 404 in the views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.agreements.models import (
    CitizenPromise,
    CollaborationContact,
    CollaborationMeeting,
    PlaceCollaboration,
)
from trygg.core import policy
from trygg.core.models import Organisation
from trygg.measures.models import Measure
from trygg.situation import privacy, queries
from trygg.situation.periods import Period

ORIGIN = "place_collaboration"
INDICATOR_MONTHS = 24


# Citizen promises ----------------------------------------------------------------


@transaction.atomic
def promise_save(*, promise: CitizenPromise, by: Any) -> CitizenPromise:
    """Create or change a citizen promise of a district the user runs.

    A change is checked against the stored promise too, so moving one out of a district
    the user does not run is refused like writing into it.
    """
    runs = policy.runs_districts(by)
    if not runs.filter(pk=promise.district_id).exists():
        raise PermissionDenied
    if promise.pk:
        stored = CitizenPromise.objects.get(pk=promise.pk)
        if not policy.can(by, policy.CHANGE, stored):
            raise PermissionDenied
    promise.city_id = promise.district.city_id
    errors: dict[str, str] = {}
    if promise.valid_from and promise.valid_to and promise.valid_to < promise.valid_from:
        errors["valid_to"] = _("The period ends before it starts.")
    area = promise.police_area
    if area is not None and not area.districts.filter(pk=promise.district_id).exists():
        errors["police_area"] = _("%(area)s does not cover %(district)s.") % {
            "area": area.name,
            "district": promise.district.name,
        }
    if errors:
        raise ValidationError(errors)
    promise.full_clean()
    promise.save()
    return promise


def promises_visible_to(*, user: Any) -> QuerySet[CitizenPromise]:
    return policy.visible(user, CitizenPromise).select_related("district", "police_area")


def public_promises_of(*, district_id: int) -> QuerySet[CitizenPromise]:
    return policy.public_promises().filter(district_id=district_id).order_by("-valid_from", "pk")


# Place collaborations ----------------------------------------------------------------


def _may_save(by: Any, collaboration: PlaceCollaboration) -> bool:
    """A new one is for those who run the place's district; a change, for those who may
    change the stored one (they, or the lead's members), and a move to another place for
    those who run that place's district too."""
    runs_new_place = policy.runs_districts(by).filter(pk=collaboration.place.district_id).exists()
    if collaboration.pk is None:
        return runs_new_place
    stored = PlaceCollaboration.objects.select_related("place").get(pk=collaboration.pk)
    if not policy.can(by, policy.CHANGE, stored):
        return False
    return stored.place_id == collaboration.place_id or runs_new_place


def _party_errors(
    collaboration: PlaceCollaboration, partners: list[Organisation], categories: list[Any]
) -> dict[str, str]:
    district = collaboration.place.district
    errors: dict[str, str] = {}
    for name, organisations in (("lead", [collaboration.lead]), ("partners", partners)):
        outside = [o for o in organisations if not policy.works_in(o, district)]
        if outside:
            errors[name] = _("%(names)s does not work in %(district)s.") % {
                "names": ", ".join(o.name for o in outside),
                "district": district.name,
            }
    if any(c.city_id != district.city_id for c in categories):
        errors["categories"] = _("The categories must be the city's own.")
    if collaboration.pk is None or errors:
        return errors
    stored = PlaceCollaboration.objects.get(pk=collaboration.pk)
    staying = {collaboration.lead_id, *(o.pk for o in partners)}
    leaving = members_of(stored) - staying
    with_contacts = Organisation.objects.filter(
        pk__in=stored.contacts.filter(organisation_id__in=leaving).values("organisation_id")
    ).order_by("name")
    for organisation in with_contacts:
        field = "lead" if organisation.pk == stored.lead_id else "partners"
        errors.setdefault(field, _("Remove %(org)s's contacts first.") % {"org": organisation.name})
    return errors


@transaction.atomic
def collaboration_save(
    *,
    collaboration: PlaceCollaboration,
    by: Any,
    partners: Iterable[Organisation] = (),
    categories: Iterable[Any] = (),
) -> PlaceCollaboration:
    """Create or change a collaboration on a place; every party must work in its district.

    A party that leaves while its contacts are still listed is refused rather than its
    contacts deleted, so nothing stored is lost by an unticked box.
    """
    if not _may_save(by, collaboration):
        raise PermissionDenied
    collaboration.city_id = collaboration.place.district.city_id
    partners, categories = list(partners), list(categories)
    errors = _party_errors(collaboration, partners, categories)
    if errors:
        raise ValidationError(errors)
    collaboration.full_clean()
    collaboration.save()
    collaboration.partners.set(partners)
    collaboration.categories.set(categories)
    return collaboration


def members_of(collaboration: PlaceCollaboration) -> set[int]:
    """The ids of the lead and partner organisations."""
    return {collaboration.lead_id, *collaboration.partners.values_list("pk", flat=True)}


def _check_party(collaboration: PlaceCollaboration, organisation: Organisation) -> None:
    if organisation.pk not in members_of(collaboration):
        raise ValidationError(
            {
                "organisation": _("%(org)s is not a party to this collaboration.")
                % {"org": organisation.name}
            }
        )


@transaction.atomic
def contact_save(*, contact: CollaborationContact, by: Any) -> CollaborationContact:
    """Add or change a contact person of one of the collaboration's parties."""
    collaboration = contact.collaboration
    if not policy.can(by, policy.CHANGE, collaboration):
        raise PermissionDenied
    _check_party(collaboration, contact.organisation)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_remove(*, contact: CollaborationContact, by: Any) -> None:
    if not policy.can(by, policy.CHANGE, contact.collaboration):
        raise PermissionDenied
    contact.delete()


@transaction.atomic
def meeting_add(
    *,
    collaboration: PlaceCollaboration,
    by: Any,
    held_on: dt.date,
    agenda: str = "",
    minutes: str = "",
    decisions: str = "",
) -> CollaborationMeeting:
    if not policy.can(by, policy.CHANGE, collaboration):
        raise PermissionDenied
    meeting = CollaborationMeeting(
        collaboration=collaboration,
        held_on=held_on,
        agenda=agenda,
        minutes=minutes,
        decisions=decisions,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def collaborations_visible_to(*, user: Any) -> QuerySet[PlaceCollaboration]:
    return policy.visible(user, PlaceCollaboration).select_related("place__district", "lead")


def shared_measures(*, user: Any, collaboration: PlaceCollaboration) -> QuerySet[Measure]:
    """The measures the user sees that were started from this collaboration."""
    return policy.visible(user, Measure).filter(origin=ORIGIN, origin_ref=str(collaboration.pk))


@dataclass(frozen=True)
class IndicatorMonth:
    month: dt.date
    count: int | None  # None: suppressed, fewer than the shared minimum
    started: bool  # the month the collaboration started


def _months(last: dt.date, n: int) -> list[dt.date]:
    months = []
    year, month = last.year, last.month
    for _i in range(n):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def indicator(
    *, user: Any, collaboration: PlaceCollaboration, today: dt.date | None = None
) -> list[IndicatorMonth]:
    """Reports per month of the indicator categories at the place, the last 24 months.

    Counts only, over every report of the city; small counts are suppressed for those
    who do not run the place's district, as in the situation picture.
    """
    today = today or timezone.localdate()
    months = _months(today, INDICATOR_MONTHS)
    first, last = (
        Period.month(months[0].year, months[0].month),
        Period.month(today.year, today.month),
    )
    span = Period(first.kind, first.start, last.end)
    counted = queries.counted_reports(
        user=user,
        place=collaboration.place,
        period=span,
        categories=collaboration.categories.values_list("pk", flat=True),
        counted_in_city=collaboration.city_id,
    )
    by_month: dict[dt.date, int] = {}
    rows = (
        counted.annotate(month=TruncMonth("occurred_from"))
        .values("month")
        .annotate(n=Count("pk", distinct=True))
        .values_list("month", "n")
    )
    for month, n in rows:
        day = month.date() if isinstance(month, dt.datetime) else month
        by_month[day.replace(day=1)] = by_month.get(day.replace(day=1), 0) + n
    exact = policy.runs_districts(user).filter(pk=collaboration.place.district_id).exists()
    minimum = settings.TRYGG_MIN_SHARED_COUNT
    started = collaboration.started_on.replace(day=1)
    return [
        IndicatorMonth(
            month=m,
            count=by_month.get(m, 0)
            if exact
            else privacy.suppress_one(by_month.get(m, 0), minimum),
            started=m == started,
        )
        for m in months
    ]

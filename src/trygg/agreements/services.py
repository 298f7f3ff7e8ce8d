"""Writes of cooperation agreements: a version, its signatories, revisions and their rules.

Issue 8's bad input: a period ending before it starts; a signatory not a member of a
party; two valid agreements for the same district and police area at the same time.
A revision closes the version it revises the day before the new one starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.agreements.models import (
    Agreement,
    Priority,
    Responsibility,
    Signatory,
    YearlyFollowup,
)
from trygg.core import policy
from trygg.core.models import Membership, Organisation, OrganisationKind
from trygg.reports.models import Category

PARTY_KINDS = (OrganisationKind.DISTRICT_ADMINISTRATION, OrganisationKind.LOCAL_POLICE_AREA)


def parties(agreement: Agreement) -> list[Organisation]:
    """The district's administration and the police area's organisation(s) in the city."""
    return list(
        Organisation.objects.filter(
            city_id=agreement.district.city_id,
            kind__in=PARTY_KINDS,
            districts=agreement.district,
        ).distinct()
    )


def revised(agreement: Agreement) -> bool:
    """A version that has been revised stays as it was signed; only the latest changes."""
    return agreement.pk is not None and Agreement.objects.filter(previous=agreement).exists()


def revised_reason(agreement: Agreement) -> str:
    return _(
        "Version %(version)d has been revised and stays as it was; "
        "change the latest version instead."
    ) % {"version": agreement.version}


def _refuse_if_revised(agreement: Agreement, field: str = "__all__") -> None:
    if revised(agreement):
        raise ValidationError({field: revised_reason(agreement)})


def _may_change(agreement: Agreement, by: Any) -> None:
    if not policy.can(by, policy.CHANGE, agreement):
        raise PermissionDenied
    _refuse_if_revised(agreement)


def _overlapping(agreement: Agreement) -> list[Agreement]:
    found = Agreement.objects.filter(
        district_id=agreement.district_id,
        police_area_id=agreement.police_area_id,
        valid_from__lte=agreement.valid_to,
        valid_to__gte=agreement.valid_from,
    )
    if agreement.pk:
        found = found.exclude(pk=agreement.pk)
    if agreement.previous_id:
        found = found.exclude(pk=agreement.previous_id)
    return list(found)


def agreement_save(
    *, agreement: Agreement, by: Any, signatories: Iterable[tuple[Any, str]] = ()
) -> Agreement:
    """Create or change a version; signatories are (user, role) pairs of the parties' members.

    A new version that revises another closes the earlier one the day before it starts.
    """
    if not policy.runs_districts(by).filter(pk=agreement.district_id).exists():
        raise PermissionDenied
    _refuse_if_revised(agreement)
    signatories = list(signatories)
    errors: dict[str, str] = {}
    if agreement.valid_from and agreement.valid_to and agreement.valid_to < agreement.valid_from:
        errors["valid_to"] = _("The period ends before it starts.")
    if not agreement.police_area.districts.filter(pk=agreement.district_id).exists():
        errors["police_area"] = _("%(area)s does not cover %(district)s.") % {
            "area": agreement.police_area.name,
            "district": agreement.district.name,
        }
    members = {
        (m.user_id, m.organisation_id)
        for m in Membership.objects.filter(organisation__in=parties(agreement))
    }
    party_of = {user_id: org_id for user_id, org_id in members}
    outsiders = [u for u, _role in signatories if u.pk not in party_of]
    if outsiders:
        errors["signatories"] = _("%(names)s is not a member of a party to the agreement.") % {
            "names": ", ".join(u.get_full_name() or u.username for u in outsiders)
        }
    if agreement.previous_id and agreement.previous.valid_from >= agreement.valid_from:
        errors["valid_from"] = _("A revision starts after the version it revises.")
    if "valid_to" not in errors and (clash := _overlapping(agreement)):
        errors["valid_from"] = _(
            "%(district)s and %(area)s already have an agreement valid %(start)s–%(end)s; "
            "revise it instead of adding a second one."
        ) % {
            "district": agreement.district.name,
            "area": agreement.police_area.name,
            "start": clash[0].valid_from.isoformat(),
            "end": clash[0].valid_to.isoformat(),
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if agreement.pk is None:
            agreement.city_id = agreement.district.city_id
            agreement.created_by = by
            if agreement.previous_id:
                agreement.version = agreement.previous.version + 1
                earlier = Agreement.objects.select_for_update().get(pk=agreement.previous_id)
                if earlier.valid_to >= agreement.valid_from:
                    earlier.valid_to = agreement.valid_from - dt.timedelta(days=1)
                    earlier._history_user = by  # type: ignore[attr-defined]
                    earlier.save(update_fields=["valid_to"])
        agreement._history_user = by  # type: ignore[attr-defined]
        agreement.save()
        agreement.signatories.all().delete()
        Signatory.objects.bulk_create(
            Signatory(agreement=agreement, user=user, organisation_id=party_of[user.pk], role=role)
            for user, role in signatories
        )
    return agreement


def revise(*, agreement: Agreement, by: Any, valid_from: dt.date, valid_to: dt.date) -> Agreement:
    """A new version carrying over the title, responsibilities and priorities, unsigned."""
    _refuse_if_revised(agreement, "valid_from")
    draft = Agreement(
        district=agreement.district,
        police_area=agreement.police_area,
        previous=agreement,
        title=agreement.title,
        problem_picture=agreement.problem_picture,
        followup_schedule=agreement.followup_schedule,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    with transaction.atomic():
        revision = agreement_save(agreement=draft, by=by)
        for row in agreement.responsibilities.all():
            row.pk = None
            row.agreement = revision
            row.save()
        for priority in agreement.priorities.all():
            categories = list(priority.categories.all())
            priority.pk = None
            priority.agreement = revision
            priority.save()
            priority.categories.set(categories)
    return revision


@transaction.atomic
def priority_save(*, priority: Priority, by: Any, categories: Iterable[Category] = ()) -> Priority:
    """Add or change a joint priority; its place lies in the district, its categories the city's."""
    agreement = priority.agreement
    _may_change(agreement, by)
    categories = list(categories)
    errors: dict[str, str] = {}
    if priority.place_id and priority.place.district_id != agreement.district_id:
        errors["place"] = _("The place must lie in %(district)s.") % {
            "district": agreement.district.name
        }
    if any(c.city_id != agreement.city_id for c in categories):
        errors["categories"] = _("The indicator categories must be the city's own.")
    clash = agreement.priorities.filter(number=priority.number).exclude(pk=priority.pk)
    if clash.exists():
        errors["number"] = _("The agreement already has a priority %(n)d.") % {"n": priority.number}
    if errors:
        raise ValidationError(errors)
    priority.full_clean(exclude=["agreement", "place", "categories"])
    priority.save()
    priority.categories.set(categories)
    return priority


@transaction.atomic
def responsibility_save(*, row: Responsibility, by: Any) -> Responsibility:
    """Add or change a row of the responsibility table, for an organisation of the district."""
    agreement = row.agreement
    _may_change(agreement, by)
    if not policy.works_in(row.organisation, agreement.district):
        raise ValidationError(
            {
                "organisation": _("%(organisation)s does not work in %(district)s.")
                % {"organisation": row.organisation.name, "district": agreement.district.name}
            }
        )
    row.full_clean(exclude=["agreement", "organisation"])
    row.save()
    return row


@transaction.atomic
def responsibility_remove(*, row: Responsibility, by: Any) -> None:
    _may_change(row.agreement, by)
    row.delete()


@transaction.atomic
def followup_write(*, agreement: Agreement, year: int, assessment: str, by: Any) -> YearlyFollowup:
    """The year's written conclusions; a revised version's past years may still be written."""
    if not policy.can(by, policy.CHANGE, agreement):
        raise PermissionDenied
    if not agreement.valid_from.year <= year <= agreement.valid_to.year:
        raise ValidationError(
            {
                "year": _("The agreement is valid %(start)d–%(end)d.")
                % {"start": agreement.valid_from.year, "end": agreement.valid_to.year}
            }
        )
    if not assessment.strip():
        raise ValidationError({"assessment": _("Write the year's conclusions.")})
    followup, _created = YearlyFollowup.objects.update_or_create(
        agreement=agreement,
        year=year,
        defaults={"assessment": assessment.strip(), "written_by": by, "written_at": timezone.now()},
    )
    return followup


def differences(old: Agreement, new: Agreement) -> list[tuple[str, str, str]]:
    """What changed between two versions: (what, before, after), for people to read."""
    rows: list[tuple[str, str, str]] = []
    for field in ("title", "valid_from", "valid_to", "signed_on", "followup_schedule"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            label = str(Agreement._meta.get_field(field).verbose_name)
            rows.append((label, str(before or "–"), str(after or "–")))
    old_p = {p.number: p for p in old.priorities.all()}
    new_p = {p.number: p for p in new.priorities.all()}
    for number in sorted(set(old_p) | set(new_p)):
        a, b = old_p.get(number), new_p.get(number)
        before = f"{a.problem} ({a.indicator}, {a.target})" if a else "–"
        after = f"{b.problem} ({b.indicator}, {b.target})" if b else "–"
        if before != after:
            rows.append((_("Priority %(n)d") % {"n": number}, before, after))
    old_r = {(r.organisation_id, r.topic): r.duty for r in old.responsibilities.all()}
    new_r = {(r.organisation_id, r.topic): r.duty for r in new.responsibilities.all()}
    for key in sorted(set(old_r) | set(new_r), key=lambda k: (k[1], k[0])):
        if old_r.get(key) != new_r.get(key):
            rows.append(
                (
                    _("Responsibility: %(topic)s") % {"topic": key[1]},
                    old_r.get(key, "–"),
                    new_r.get(key, "–"),
                )
            )
    return rows

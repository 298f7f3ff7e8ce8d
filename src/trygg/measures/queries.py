"""Reads of measures, limited to what the permission policy lets the user see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import get_m2m_reverse_field_name

from trygg.core import policy
from trygg.measures.models import Measure
from trygg.measures.workflow import OPEN
from trygg.reports.models import Report
from trygg.walks.models import Finding

# Where a measure can come from; `origin_ref` says which one.
ORIGINS = {
    "report": gettext_lazy("Reports"),
    "hotspot": gettext_lazy("Hotspot in the situation picture"),
    "situation": gettext_lazy("Situation picture"),
    "meeting": gettext_lazy("Weekly meeting"),
    "walk": gettext_lazy("Safety walk"),
    "walk_finding": gettext_lazy("Finding on a safety walk"),
    "survey": gettext_lazy("Safety survey"),
    "agreement": gettext_lazy("Cooperation agreement"),
    "promise": gettext_lazy("Citizen promise"),
    "advisory": gettext_lazy("Advisory board"),
}


@dataclass(frozen=True)
class MeasureFilters:
    statuses: list[str] = field(default_factory=list)
    district: int | None = None
    responsible: int | None = None
    overdue: bool = False
    # Only the measures the user's own organisations answer for.
    mine: bool = False


def measures_visible_to(
    *, user: Any, filters: MeasureFilters | None = None, today: dt.date | None = None
) -> QuerySet[Measure]:
    filters = filters or MeasureFilters()
    measures = policy.visible(user, Measure).select_related("district", "place", "responsible")
    if filters.statuses:
        measures = measures.filter(status__in=filters.statuses)
    if filters.district:
        measures = measures.filter(district_id=filters.district)
    if filters.responsible:
        measures = measures.filter(responsible_id=filters.responsible)
    if filters.mine:
        measures = measures.filter(responsible_id__in=policy.scope(user).member_org_ids)
    if filters.overdue:
        measures = measures.filter(status__in=OPEN, due__lt=today or dt.date.today())
    return measures.order_by("due", "pk")


def overdue(user: Any, today: dt.date) -> QuerySet[Measure]:
    """The open measures past their due date that the user sees, the longest overdue first."""
    return measures_visible_to(user=user, filters=MeasureFilters(overdue=True), today=today)


@dataclass(frozen=True)
class Origin:
    label: str
    ref: str = ""
    url: str = ""


def origin_of(measure: Measure) -> Origin | None:
    """What the measure came from, with a link where Trygg has a page for it."""
    if not measure.origin:
        return None
    label = str(ORIGINS.get(measure.origin, measure.origin))
    ref = measure.origin_ref
    url = ""
    if ref.isdigit():
        if measure.origin == "report":
            url = reverse("reports:detail", args=[int(ref)])
        elif measure.origin == "meeting":
            url = reverse("measures:meeting", args=[int(ref)])
        elif measure.origin == "walk_finding":
            walk_id = Finding.objects.filter(pk=int(ref)).values_list("walk_id", flat=True).first()
            if walk_id is not None:
                url = reverse("walks:detail", args=[walk_id])
    return Origin(label=label, ref=ref, url=url)


def reports_of(*, user: Any, measure: Measure) -> QuerySet[Report]:
    """The reports a measure answers, as far as the user may see them."""
    return (
        policy.visible(user, Report)
        .filter(measures=measure)
        .select_related("category", "district")
        .order_by("-occurred_from")
    )


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    by: str
    created: bool
    changes: list[Change]


def _shown(measure_field: Any, value: Any, names: dict[tuple[str, Any], str]) -> str:
    if measure_field.many_to_many:
        return _m2m_shown(measure_field, value, names)
    if value in (None, ""):
        return "–"
    if measure_field.choices:
        return str(dict(measure_field.flatchoices).get(value, value))
    if measure_field.is_relation:
        return names.get((measure_field.name, value), str(value))
    if measure_field.name == "target_area":
        return _("drawn area")
    return str(value)


def _m2m_ids(measure_field: Any, rows: list[dict[str, Any]]) -> list[Any]:
    """The related ids of a many-to-many snapshot, whose rows are the through table's."""
    other = get_m2m_reverse_field_name(measure_field)
    return [row[other] for row in rows]


def _m2m_shown(measure_field: Any, rows: list[dict[str, Any]], names: dict[Any, str]) -> str:
    ids = _m2m_ids(measure_field, rows)
    if measure_field.name == "reports":
        # A count: the history is read by people who may not see every linked report.
        return ngettext("%(n)d report", "%(n)d reports", len(ids)) % {"n": len(ids)}
    return ", ".join(sorted(names.get((measure_field.name, pk), str(pk)) for pk in ids)) or "–"


def history(measure: Measure) -> list[HistoryRow]:
    """Who changed what and when, oldest first, each record against the one before it."""
    records = list(measure.history.select_related("history_user").order_by("history_date", "pk"))
    deltas = [
        new.diff_against(old, excluded_fields=["created_by", "created_at", "city"])
        for old, new in zip(records, records[1:], strict=False)
    ]
    # Names of the related rows once, not one query per changed value.
    names: dict[tuple[str, Any], str] = {}
    wanted: dict[str, set[Any]] = {}
    for delta in deltas:
        for change in delta.changes:
            model_field = Measure._meta.get_field(change.field)
            if model_field.many_to_many and change.field != "reports":
                ids = _m2m_ids(model_field, change.old) + _m2m_ids(model_field, change.new)
                wanted.setdefault(change.field, set()).update(ids)
            elif model_field.is_relation and not model_field.many_to_many:
                wanted.setdefault(change.field, set()).update({change.old, change.new} - {None})
    for name, pks in wanted.items():
        related = Measure._meta.get_field(name).related_model
        for obj in related._default_manager.filter(pk__in=pks):  # type: ignore[union-attr]
            person = name == "responsible_person"
            names[(name, obj.pk)] = (
                (obj.get_full_name() or obj.get_username())
                if person
                else getattr(obj, "label", None) or str(obj)
            )
    rows = []
    for index, record in enumerate(records):
        changes = []
        if index:
            for change in deltas[index - 1].changes:
                model_field = Measure._meta.get_field(change.field)
                changes.append(
                    Change(
                        label=str(model_field.verbose_name),
                        old=_shown(model_field, change.old, names),
                        new=_shown(model_field, change.new, names),
                    )
                )
            if not changes:
                continue
        user = record.history_user
        rows.append(
            HistoryRow(
                at=record.history_date,
                by=(user.get_full_name() or user.get_username()) if user else "–",
                created=index == 0,
                changes=changes,
            )
        )
    return rows

"""The menu a user sees, derived from what the permission policy lets them do.

The daily work (report, picture, measures, meetings, review) stays in sight; the
cooperation pages and the administration open from a group each, so a coordinator's
menu fits one line on a laptop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from trygg.agreements.models import Agreement, CitizenPromise, PlaceCollaboration
from trygg.core import policy
from trygg.walks.models import Finding, Walk

COOPERATION = _("Cooperation")
AREAS = _("Areas and organisations")


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: Any
    group: Any = None


@dataclass
class MenuEntry:
    """A link of its own, or a group of links opened from its label."""

    label: Any
    items: list[MenuItem] = field(default_factory=list)

    @property
    def single(self) -> MenuItem | None:
        return self.items[0] if len(self.items) == 1 else None


def menu_for(user: Any) -> list[MenuItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    runs = policy.runs_districts(user).exists()
    sees_picture = policy.is_reviewer(user) or bool(policy.scope(user).grants)
    items = [MenuItem("core:overview", _("Overview"))]
    if policy.reporting_organisation_ids(user):
        items.append(MenuItem("reports:new", _("Report")))
        items.append(MenuItem("reports:mine", _("My reports")))
    if sees_picture:
        items.append(MenuItem("situation:picture", _("Situation picture")))
        items.append(MenuItem("measures:list", _("Measures")))
    if runs:
        items.append(MenuItem("measures:meetings", _("Meetings")))
    if policy.is_reviewer(user):
        items.append(MenuItem("reports:queue", _("Review")))
    if runs or policy.visible(user, Walk).exists():
        items.append(MenuItem("walks:list", _("Safety walks"), COOPERATION))
    if Finding.objects.filter(owner_id__in=policy.scope(user).member_org_ids).exists():
        items.append(MenuItem("walks:assigned", _("Findings to answer"), COOPERATION))
    if runs or policy.visible(user, Agreement).exists():
        items.append(MenuItem("agreements:list", _("Agreements"), COOPERATION))
    if runs or policy.visible(user, PlaceCollaboration).exists():
        items.append(MenuItem("collaborations:list", _("Place collaborations"), COOPERATION))
    if runs or policy.visible(user, CitizenPromise).exists():
        items.append(MenuItem("collaborations:promises", _("Citizen promises"), COOPERATION))
    items.append(MenuItem("geo:areas", _("Areas"), AREAS))
    items.append(MenuItem("core:organisations", _("Organisations"), AREAS))
    if policy.administered_cities(user):
        items.append(MenuItem("reports:categories", _("Categories"), AREAS))
    if policy.place_districts(user).exists():
        items.append(MenuItem("geo:place_create", _("New place"), AREAS))
    if policy.importable_cities(user).exists():
        items.append(MenuItem("geo:import", _("Import areas"), AREAS))
    return items


def grouped(items: list[MenuItem]) -> list[MenuEntry]:
    """Links in order, each group where its first link falls; a group of one is a link."""
    entries: list[MenuEntry] = []
    groups: dict[Any, MenuEntry] = {}
    for item in items:
        if item.group is None:
            entries.append(MenuEntry(item.label, [item]))
        elif item.group in groups:
            groups[item.group].items.append(item)
        else:
            groups[item.group] = MenuEntry(item.group, [item])
            entries.append(groups[item.group])
    return entries

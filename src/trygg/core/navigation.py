"""The menu a user sees, derived from what the permission policy lets them do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from trygg.agreements.models import Agreement
from trygg.core import policy
from trygg.walks.models import Finding, Walk


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: Any


def menu_for(user: Any) -> list[MenuItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = [
        MenuItem("core:overview", _("Overview")),
        MenuItem("geo:areas", _("Areas")),
        MenuItem("core:organisations", _("Organisations")),
    ]
    if policy.reporting_organisation_ids(user):
        items.append(MenuItem("reports:new", _("Report")))
        items.append(MenuItem("reports:mine", _("My reports")))
    if policy.is_reviewer(user) or policy.scope(user).grants:
        items.append(MenuItem("situation:picture", _("Situation picture")))
    if policy.is_reviewer(user) or policy.scope(user).grants:
        items.append(MenuItem("measures:list", _("Measures")))
    if policy.runs_districts(user).exists():
        items.append(MenuItem("measures:meetings", _("Meetings")))
    if policy.runs_districts(user).exists() or policy.visible(user, Walk).exists():
        items.append(MenuItem("walks:list", _("Safety walks")))
    if policy.runs_districts(user).exists() or policy.visible(user, Agreement).exists():
        items.append(MenuItem("agreements:list", _("Agreements")))
    if Finding.objects.filter(owner_id__in=policy.scope(user).member_org_ids).exists():
        items.append(MenuItem("walks:assigned", _("Findings to answer")))
    if policy.is_reviewer(user):
        items.append(MenuItem("reports:queue", _("Review")))
    if policy.administered_cities(user):
        items.append(MenuItem("reports:categories", _("Categories")))
    if policy.place_districts(user).exists():
        items.append(MenuItem("geo:place_create", _("New place")))
    if policy.importable_cities(user).exists():
        items.append(MenuItem("geo:import", _("Import areas")))
    items.append(MenuItem("core:account", _("My account")))
    return items

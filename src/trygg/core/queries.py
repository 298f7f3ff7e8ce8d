"""Reads of organisations and people, always through the permission policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from trygg.core import policy
from trygg.core.models import Membership, Organisation, Role, User


@dataclass(frozen=True)
class OrganisationRoles:
    organisation: Organisation
    roles: list[str]

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles]


@dataclass(frozen=True)
class Member:
    user: User
    roles: list[str]

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles]


def organisations_of(*, user: Any) -> list[OrganisationRoles]:
    """The user's own organisations with their roles in each."""
    grouped: dict[int, OrganisationRoles] = {}
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    for m in memberships.order_by("organisation__name", "role"):
        entry = grouped.setdefault(m.organisation_id, OrganisationRoles(m.organisation, []))
        entry.roles.append(m.role)
    return list(grouped.values())


def members_of(*, user: Any, organisation: Organisation) -> list[Member]:
    """The people of an organisation the user may see."""
    if not policy.can(user, policy.VIEW, organisation):
        raise PermissionDenied
    grouped: dict[int, Member] = {}
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    )
    for m in memberships:
        grouped.setdefault(m.user_id, Member(m.user, [])).roles.append(m.role)
    return list(grouped.values())

"""The permission policy: the one place that says who may see and do what.

Two questions, asked by every view, API endpoint and export:
- `can(user, action, obj)`: may this user do this to this object?
- `visible(user, Model)`: which objects of this kind may this user see?

Rights come from memberships: an organisation in a city, a role, and the
districts the organisation works in. Objects a user may not see are answered
with 404 (`access_*`), so ids leak nothing; seen but read-only is 403.
The role × object matrix is written out in docs/permissions.md and proven by
tests/core/test_permission_matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from trygg.agreements.models import (
    Agreement,
    CitizenPromise,
    CollaborationContact,
    CollaborationMeeting,
    PlaceCollaboration,
)
from trygg.core.models import (
    ROLE_REQUIRES_KIND,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)
from trygg.geo.models import City, District, Place, PoliceArea
from trygg.measures.models import Measure, Meeting
from trygg.reports.models import Report
from trygg.walks.models import Finding, Walk

M = TypeVar("M", bound=models.Model)

VIEW = "view"
CHANGE = "change"
MANAGE_MEMBERS = "manage_members"
CREATE_PLACE = "create_place"
IMPORT_AREAS = "import_areas"
REVIEW = "review"
IMPORT_REPORTS = "import_reports"
# Measures: carry one out (set it in progress or done, note progress) or decide it.
PROGRESS = "progress"
# Safety walks: note findings on a walk; answer a finding assigned to one's organisation.
RECORD = "record"
ANSWER = "answer"

# Organisations whose membership lists are nobody else's business: a district
# coordinator may neither read nor change them.
SENSITIVE_KINDS = frozenset({OrganisationKind.PREVENTION_GROUP, OrganisationKind.ADVISORY_BOARD})
# Authorities manage their own people; a coordinator elsewhere may read but not change them.
AUTHORITY_KINDS = SENSITIVE_KINDS | {
    OrganisationKind.CITY_OFFICE,
    OrganisationKind.DISTRICT_ADMINISTRATION,
    OrganisationKind.LOCAL_POLICE_AREA,
}
# Who may send reports for their organisation.
REPORTING_ROLES = frozenset({Role.REPORTER, Role.COORDINATOR})
# Whose coordinators review reports: the district administrations and the police.
REVIEWING_KINDS = frozenset(
    {OrganisationKind.DISTRICT_ADMINISTRATION, OrganisationKind.LOCAL_POLICE_AREA}
)
# Partners see reports a coordinator has let through, never the raw intake.
PARTNER_REPORT_STATUSES = ("accepted", "measure_planned", "done", "closed")

# What a coordinator may hand out to people of partner organisations in their districts.
PARTNER_GRANTABLE = (Role.REPORTER, Role.PARTNER)


@dataclass(frozen=True)
class Grant:
    organisation_id: int
    city_id: int
    kind: str
    role: str
    district_ids: frozenset[int]


@dataclass
class Scope:
    """Everything one user's memberships allow, read once per request."""

    is_superuser: bool = False
    grants: list[Grant] = field(default_factory=list)
    user_id: int | None = None

    def __post_init__(self) -> None:
        self.city_ids = frozenset(g.city_id for g in self.grants)
        self.member_org_ids = frozenset(g.organisation_id for g in self.grants)
        self.admin_city_ids = frozenset(
            g.city_id for g in self.grants if g.role == Role.ADMINISTRATOR
        )
        coordinating = [g for g in self.grants if g.role == Role.COORDINATOR]
        self.coordinator_org_ids = frozenset(g.organisation_id for g in coordinating)
        self.coordinator_district_ids = frozenset(d for g in coordinating for d in g.district_ids)
        self.coordinator_city_ids = frozenset(g.city_id for g in coordinating)
        # Reports are reviewed by the authorities' coordinators, not by a partner's.
        reviewing = [g for g in coordinating if g.kind in REVIEWING_KINDS]
        self.reviewer_district_ids = frozenset(d for g in reviewing for d in g.district_ids)
        self.reviewer_city_ids = frozenset(g.city_id for g in reviewing)
        self.partner_district_ids = frozenset(
            d for g in self.grants if g.role == Role.PARTNER for d in g.district_ids
        )
        self.reporting_org_ids = frozenset(
            g.organisation_id for g in self.grants if g.role in REPORTING_ROLES
        )
        self.police_city_ids = frozenset(
            g.city_id
            for g in self.grants
            if g.kind == OrganisationKind.LOCAL_POLICE_AREA and g.role in REPORTING_ROLES
        )

    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def is_admin_of(self, city_id: int) -> bool:
        return self.is_superuser or city_id in self.admin_city_ids

    def sees_city(self, city_id: int) -> bool:
        return self.is_superuser or city_id in self.city_ids


def scope(user: Any) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_trygg_scope", None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user).values_list(
            "organisation_id", "organisation__city_id", "organisation__kind", "role"
        )
    )
    org_ids = {m[0] for m in memberships}
    districts: dict[int, set[int]] = {}
    through = Organisation.districts.through.objects.filter(organisation_id__in=org_ids)
    for org_id, district_id in through.values_list("organisation_id", "district_id"):
        districts.setdefault(org_id, set()).add(district_id)
    result = Scope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        grants=[
            Grant(org_id, city_id, kind, role, frozenset(districts.get(org_id, ())))
            for org_id, city_id, kind, role in memberships
        ],
    )
    user._trygg_scope = result
    return result


def forget(user: Any) -> None:
    """Drop the cached scope after memberships change within a request."""
    if hasattr(user, "_trygg_scope"):
        del user._trygg_scope


# Organisations ---------------------------------------------------------------


def _org_district_ids(org: Organisation) -> set[int]:
    return set(org.districts.values_list("pk", flat=True))


def _coordinates_partner(s: Scope, org: Organisation, *, manage: bool = False) -> bool:
    """A coordinator's reach into the other organisations working in their districts."""
    return (
        org.kind not in (AUTHORITY_KINDS if manage else SENSITIVE_KINDS)
        and bool(s.coordinator_district_ids)
        and bool(_org_district_ids(org) & s.coordinator_district_ids)
    )


def _organisation(s: Scope, action: str, org: Organisation) -> bool:
    if s.is_admin_of(org.city_id):
        return True
    if action == VIEW:
        return org.pk in s.member_org_ids or _coordinates_partner(s, org)
    if action == MANAGE_MEMBERS:
        return org.pk in s.coordinator_org_ids or _coordinates_partner(s, org, manage=True)
    return False


def grantable_roles(user: Any, org: Organisation) -> list[str]:
    """The roles this user may hand out in this organisation."""
    s = scope(user)
    valid = [
        role for role in Role.values if ROLE_REQUIRES_KIND.get(Role(role), org.kind) == org.kind
    ]
    if s.is_admin_of(org.city_id):
        return valid
    if org.pk in s.coordinator_org_ids:
        return [r for r in valid if r != Role.ADMINISTRATOR]
    if _coordinates_partner(s, org, manage=True):
        return [r for r in valid if r in PARTNER_GRANTABLE]
    return []


# Geography -------------------------------------------------------------------


def _city(s: Scope, action: str, city: City) -> bool:
    if action == VIEW:
        return s.sees_city(city.pk)
    if action in (CHANGE, IMPORT_AREAS):
        return s.is_admin_of(city.pk)
    if action == IMPORT_REPORTS:
        return (
            s.is_admin_of(city.pk) or city.pk in s.reviewer_city_ids or city.pk in s.police_city_ids
        )
    return False


def _district(s: Scope, action: str, district: District) -> bool:
    if action == VIEW:
        return s.sees_city(district.city_id)
    if action == CHANGE:
        return s.is_admin_of(district.city_id)
    if action == CREATE_PLACE:
        return s.is_admin_of(district.city_id) or district.pk in s.coordinator_district_ids
    return False


def _police_area(s: Scope, action: str, area: PoliceArea) -> bool:
    if action == VIEW:
        return s.sees_city(area.city_id)
    if action == CHANGE:
        return s.is_admin_of(area.city_id)
    return False


def _place(s: Scope, action: str, place: Place) -> bool:
    city_id = place.district.city_id
    if action == VIEW:
        return s.sees_city(city_id)
    if action == CHANGE:
        return s.is_admin_of(city_id) or place.district_id in s.coordinator_district_ids
    return False


# Reports -----------------------------------------------------------------------


def _reviews(s: Scope, report: Report) -> bool:
    """Coordinators review their districts; reports placed no finer than the city go to all."""
    if s.is_admin_of(report.city_id):
        return True
    if report.district_id is None:
        return report.city_id in s.reviewer_city_ids
    return report.district_id in s.reviewer_district_ids


def _report(s: Scope, action: str, report: Report) -> bool:
    if action == REVIEW:
        return _reviews(s, report)
    if action == VIEW:
        return (
            _reviews(s, report)
            or (s.user_id is not None and report.reporter_id == s.user_id)
            or (
                report.district_id in s.partner_district_ids
                and report.status in PARTNER_REPORT_STATUSES
            )
        )
    return False


def _visible_reports(s: Scope) -> QuerySet[Report]:
    if s.is_superuser:
        return Report.objects.all()
    return Report.objects.filter(
        Q(city_id__in=s.admin_city_ids)
        | Q(district_id__in=s.reviewer_district_ids)
        | Q(district__isnull=True, city_id__in=s.reviewer_city_ids)
        | Q(reporter_id=s.user_id)
        | Q(district_id__in=s.partner_district_ids, status__in=PARTNER_REPORT_STATUSES)
    )


def reviewable_reports(user: Any) -> QuerySet[Report]:
    """The reports whose review falls to this user."""
    s = scope(user)
    if s.is_superuser:
        return Report.objects.all()
    return Report.objects.filter(
        Q(city_id__in=s.admin_city_ids)
        | Q(district_id__in=s.reviewer_district_ids)
        | Q(district__isnull=True, city_id__in=s.reviewer_city_ids)
    )


def is_reviewer(user: Any) -> bool:
    """Whether the review queue is theirs at all: coordinators and administrators."""
    s = scope(user)
    return s.is_superuser or bool(s.reviewer_city_ids or s.admin_city_ids)


# Roles whose holders see others' reports, manage people or keep the prevention register.
SECOND_FACTOR_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR, Role.PREVENTION_MEMBER})


def needs_second_factor(user: Any) -> bool:
    """Whether a stolen password alone would open too much: staff, reviewers, the register."""
    if not getattr(user, "is_authenticated", False):
        return False
    s = scope(user)
    return (
        s.is_superuser
        or user.is_staff
        or is_reviewer(user)
        or bool(s.roles() & SECOND_FACTOR_ROLES)
    )


def reporting_organisation_ids(user: Any) -> frozenset[int]:
    return scope(user).reporting_org_ids


_RULES: dict[type[models.Model], Callable[[Scope, str, Any], bool]] = {
    Organisation: _organisation,
    City: _city,
    District: _district,
    PoliceArea: _police_area,
    Place: _place,
    Report: _report,
    Measure: lambda s, action, m: _measure(s, action, m),
    Meeting: lambda s, action, m: _meeting(s, action, m),
    Walk: lambda s, action, w: _walk(s, action, w),
    Finding: lambda s, action, f: _finding(s, action, f),
    Agreement: lambda s, action, a: _agreement(s, action, a),
    CitizenPromise: lambda s, action, p: _promise(s, action, p),
    PlaceCollaboration: lambda s, action, c: _collaboration(s, action, c),
    CollaborationContact: lambda s, action, c: _collaboration(s, action, c.collaboration),
    CollaborationMeeting: lambda s, action, m: _collaboration(s, action, m.collaboration),
}


def can(user: Any, action: str, obj: models.Model) -> bool:
    rule = _RULES.get(type(obj))
    if rule is None:
        raise TypeError(f"the permission policy has no rule for {type(obj).__name__}")
    return rule(scope(user), action, obj)


# Measures and meetings --------------------------------------------------------


def _runs_district(s: Scope, city_id: int, district_id: int) -> bool:
    """Those who run a district's EST work: its reviewing coordinators, the city's admins."""
    return s.is_admin_of(city_id) or district_id in s.reviewer_district_ids


def _measure(s: Scope, action: str, measure: Measure) -> bool:
    runs = _runs_district(s, measure.city_id, measure.district_id)
    if action == VIEW:
        return runs or _visible_measures(s).filter(pk=measure.pk).exists()
    if action == CHANGE:
        return runs
    if action == PROGRESS:
        return runs or measure.responsible_id in s.member_org_ids
    return False


def _meeting(s: Scope, action: str, meeting: Meeting) -> bool:
    runs = _runs_district(s, meeting.district.city_id, meeting.district_id)
    if action == VIEW:
        return runs or _visible_meetings(s).filter(pk=meeting.pk).exists()
    if action == CHANGE:
        return runs and not meeting.closed
    return False


def _visible_measures(s: Scope) -> QuerySet[Measure]:
    """Partners see the measures their organisation answers for or takes part in."""
    if s.is_superuser:
        return Measure.objects.all()
    partner_measures = Measure.partners.through.objects.filter(
        organisation_id__in=s.member_org_ids
    ).values("measure_id")
    return Measure.objects.filter(
        Q(city_id__in=s.admin_city_ids)
        | Q(district_id__in=s.reviewer_district_ids)
        | Q(responsible_id__in=s.member_org_ids)
        | Q(pk__in=partner_measures)
    )


def _visible_meetings(s: Scope) -> QuerySet[Meeting]:
    """The meetings of districts one runs, and those one's organisation took part in."""
    if s.is_superuser:
        return Meeting.objects.all()
    attended = Meeting.participants.through.objects.filter(
        organisation_id__in=s.member_org_ids
    ).values("meeting_id")
    return Meeting.objects.filter(
        Q(district__city_id__in=s.admin_city_ids)
        | Q(district_id__in=s.reviewer_district_ids)
        | Q(pk__in=attended)
    )


def aggregated_reports(user: Any, city_id: int) -> QuerySet[Report]:
    """Every report of a city the user works in, to be counted, never listed.

    Judging a measure compares its area with a comparison district and a buffer whose
    reports the user may not read one by one; counts per area and period, the same for
    every viewer, are what the evaluation of a measure shows. Small counts are hidden
    from those who do not run the district, as in the situation picture.
    """
    s = scope(user)
    if not s.sees_city(city_id):
        return Report.objects.none()
    return Report.objects.filter(city_id=city_id)


# Safety walks ------------------------------------------------------------------


def _walk(s: Scope, action: str, walk: Walk) -> bool:
    runs = _runs_district(s, walk.city_id, walk.district_id)
    if action == CHANGE:
        return runs
    invited = runs or walk.invited.filter(pk__in=s.member_org_ids).exists()
    if action == VIEW:
        return invited
    if action == RECORD:
        return invited and not walk.published
    return False


def _finding(s: Scope, action: str, finding: Finding) -> bool:
    if action == ANSWER:
        return finding.owner_id is not None and finding.owner_id in s.member_org_ids
    return _walk(s, action, finding.walk)


def _visible_walks(s: Scope) -> QuerySet[Walk]:
    """The walks of districts one runs, and those one's organisation is invited to."""
    if s.is_superuser:
        return Walk.objects.all()
    invited = Walk.invited.through.objects.filter(organisation_id__in=s.member_org_ids).values(
        "walk_id"
    )
    return Walk.objects.filter(
        Q(city_id__in=s.admin_city_ids)
        | Q(district_id__in=s.reviewer_district_ids)
        | Q(pk__in=invited)
    )


def _visible_findings(s: Scope) -> QuerySet[Finding]:
    """The findings of walks one sees, and those assigned to one's organisation."""
    return Finding.objects.filter(Q(walk__in=_visible_walks(s)) | Q(owner_id__in=s.member_org_ids))


# Cooperation agreements ------------------------------------------------------------


def _agreement(s: Scope, action: str, agreement: Agreement) -> bool:
    """The parties' coordinators and the city's administrators read and write agreements."""
    if action in (VIEW, CHANGE):
        return _runs_district(s, agreement.city_id, agreement.district_id)
    return False


def _visible_agreements(s: Scope) -> QuerySet[Agreement]:
    if s.is_superuser:
        return Agreement.objects.all()
    return Agreement.objects.filter(
        Q(city_id__in=s.admin_city_ids) | Q(district_id__in=s.reviewer_district_ids)
    )


def _promise(s: Scope, action: str, promise: CitizenPromise) -> bool:
    """Those who run the district write its citizen promises; the public reads published ones."""
    if action in (VIEW, CHANGE):
        return _runs_district(s, promise.city_id, promise.district_id)
    return False


def _visible_promises(s: Scope) -> QuerySet[CitizenPromise]:
    if s.is_superuser:
        return CitizenPromise.objects.all()
    return CitizenPromise.objects.filter(
        Q(city_id__in=s.admin_city_ids) | Q(district_id__in=s.reviewer_district_ids)
    )


def public_promises() -> QuerySet[CitizenPromise]:
    """Citizen promises made public: anyone may read them."""
    return CitizenPromise.objects.filter(public=True)


# Place collaborations ----------------------------------------------------------------


def _collaboration(s: Scope, action: str, collaboration: PlaceCollaboration) -> bool:
    """Members of the lead and partner organisations, and those who run the place's district.

    They alone read the collaboration, its contact list and its meetings; the lead and
    those who run the district record meetings.
    """
    runs = _runs_district(s, collaboration.city_id, collaboration.place.district_id)
    lead = collaboration.lead_id in s.member_org_ids
    if action == VIEW:
        return runs or lead or collaboration.partners.filter(pk__in=s.member_org_ids).exists()
    if action == CHANGE:
        return runs or lead
    return False


def _visible_collaborations(s: Scope) -> QuerySet[PlaceCollaboration]:
    if s.is_superuser:
        return PlaceCollaboration.objects.all()
    partnered = PlaceCollaboration.partners.through.objects.filter(
        organisation_id__in=s.member_org_ids
    ).values("placecollaboration_id")
    return PlaceCollaboration.objects.filter(
        Q(city_id__in=s.admin_city_ids)
        | Q(place__district_id__in=s.reviewer_district_ids)
        | Q(lead_id__in=s.member_org_ids)
        | Q(pk__in=partnered)
    )


def public_walks() -> QuerySet[Walk]:
    """Walks whose protocol is published: anyone may read them, without personal data."""
    return Walk.objects.filter(status=Walk.Status.PUBLISHED)


def works_in(organisation: Organisation, district: District) -> bool:
    """Whether an organisation works in a district: of its city, and there or city-wide.

    Who answers for a measure, a row of an agreement or a place collaboration must be
    one that works in the area, for it will see the area's reports.
    """
    return organisation.city_id == district.city_id and (
        organisation.kind == OrganisationKind.CITY_OFFICE
        or organisation.districts.filter(pk=district.pk).exists()
    )


def runs_districts(user: Any) -> QuerySet[District]:
    """The districts whose measures and meetings the user decides on."""
    s = scope(user)
    if s.is_superuser:
        return District.objects.all()
    return District.objects.filter(
        Q(city_id__in=s.admin_city_ids) | Q(pk__in=s.reviewer_district_ids)
    )


# Lists -----------------------------------------------------------------------


def _visible_organisations(s: Scope) -> QuerySet[Organisation]:
    if s.is_superuser:
        return Organisation.objects.all()
    partner_ids = Organisation.districts.through.objects.filter(
        district_id__in=s.coordinator_district_ids
    ).values("organisation_id")
    return Organisation.objects.filter(
        Q(city_id__in=s.admin_city_ids)
        | Q(pk__in=s.member_org_ids)
        | (Q(pk__in=partner_ids) & ~Q(kind__in=SENSITIVE_KINDS))
    )


def _in_cities(model: type[M], path: str) -> Callable[[Scope], QuerySet[M]]:
    def query(s: Scope) -> QuerySet[M]:
        if s.is_superuser:
            return model._default_manager.all()
        return model._default_manager.filter(**{f"{path}__in": s.city_ids})

    return query


_LISTS: dict[type[models.Model], Callable[[Scope], QuerySet[Any]]] = {
    Organisation: _visible_organisations,
    City: _in_cities(City, "pk"),
    District: _in_cities(District, "city_id"),
    PoliceArea: _in_cities(PoliceArea, "city_id"),
    Place: lambda s: _in_cities(Place, "district__city_id")(s).select_related("district__city"),
    Report: _visible_reports,
    Measure: _visible_measures,
    Meeting: _visible_meetings,
    Walk: _visible_walks,
    Finding: _visible_findings,
    Agreement: _visible_agreements,
    CitizenPromise: lambda s: _visible_promises(s),
    PlaceCollaboration: lambda s: _visible_collaborations(s),
    CollaborationContact: lambda s: CollaborationContact.objects.filter(
        collaboration__in=_visible_collaborations(s)
    ),
    CollaborationMeeting: lambda s: CollaborationMeeting.objects.filter(
        collaboration__in=_visible_collaborations(s)
    ),
}


def visible(user: Any, model: type[M]) -> QuerySet[M]:
    query = _LISTS.get(model)
    if query is None:
        raise TypeError(f"the permission policy has no list rule for {model.__name__}")
    return query(scope(user))


def access(user: Any, model: type[M], pk: Any, *, action: str = VIEW) -> M:
    """The object if the user may see it (else 404) and may do `action` to it (else 403)."""
    obj = get_object_or_404(visible(user, model), pk=pk)
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj


def manageable_organisations(user: Any) -> QuerySet[Organisation]:
    s = scope(user)
    if s.is_superuser:
        return Organisation.objects.all()
    partner_ids = Organisation.districts.through.objects.filter(
        district_id__in=s.coordinator_district_ids
    ).values("organisation_id")
    return Organisation.objects.filter(
        Q(city_id__in=s.admin_city_ids)
        | Q(pk__in=s.coordinator_org_ids)
        | (Q(pk__in=partner_ids) & ~Q(kind__in=AUTHORITY_KINDS))
    )


def place_districts(user: Any) -> QuerySet[District]:
    """Districts in which the user may draw new places."""
    s = scope(user)
    if s.is_superuser:
        return District.objects.all()
    return District.objects.filter(
        Q(city_id__in=s.admin_city_ids) | Q(pk__in=s.coordinator_district_ids)
    )


def importable_cities(user: Any) -> QuerySet[City]:
    s = scope(user)
    if s.is_superuser:
        return City.objects.all()
    return City.objects.filter(pk__in=s.admin_city_ids)


def administered_cities(user: Any) -> frozenset[int]:
    s = scope(user)
    return (
        s.admin_city_ids
        if not s.is_superuser
        else frozenset(City.objects.values_list("pk", flat=True))
    )


def imports_reports(user: Any) -> bool:
    """Whether the report import page is theirs at all."""
    s = scope(user)
    return s.is_superuser or bool(s.admin_city_ids or s.reviewer_city_ids or s.police_city_ids)

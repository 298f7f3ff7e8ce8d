from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in; what they may do comes from their memberships."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    # Kept by core.two_factor beside the devices: the user row is read on every request
    # anyway, so the check for a second factor costs no query and is never stale.
    has_second_factor = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class OrganisationKind(models.TextChoices):
    CITY_OFFICE = "city_office", _("City executive office")
    DISTRICT_ADMINISTRATION = "district_administration", _("District administration")
    LOCAL_POLICE_AREA = "local_police_area", _("Local police area")
    PROPERTY_OWNER = "property_owner", _("Property owner")
    HOUSING_COOPERATIVE = "housing_cooperative", _("Housing cooperative")
    PUBLIC_TRANSPORT = "public_transport", _("Public transport operator")
    TRAFFIC_OFFICE = "traffic_office", _("Traffic office")
    CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")
    SECURITY_COMPANY = "security_company", _("Security company")
    SCHOOL = "school", _("School")
    BUSINESS = "business", _("Business")
    RESEARCH = "research", _("Research body")
    ADVISORY_BOARD = "advisory_board", _("Advisory board")
    PREVENTION_GROUP = "prevention_group", _("Prevention group")


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner")
    PREVENTION_MEMBER = "prevention_member", _("Prevention group member")
    ADVISORY_MEMBER = "advisory_member", _("Advisory board member")
    ADMINISTRATOR = "administrator", _("Administrator")


class Organisation(models.Model):
    city = models.ForeignKey(
        "geo.City", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    districts = models.ManyToManyField(
        "geo.District",
        blank=True,
        related_name="organisations",
        verbose_name=_("districts"),
        help_text=_("The districts the organisation works in."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="organisation_unique_name"),
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# A role that only makes sense inside one kind of organisation.
ROLE_REQUIRES_KIND = {
    Role.PREVENTION_MEMBER: OrganisationKind.PREVENTION_GROUP,
    Role.ADVISORY_MEMBER: OrganisationKind.ADVISORY_BOARD,
    Role.ADMINISTRATOR: OrganisationKind.CITY_OFFICE,
}


def role_misfit(role: str, kind: str) -> str | None:
    """Why `role` cannot be held in an organisation of `kind`, or None if it can.

    The administrator role grants rights over a whole city, so it must never land in
    an ordinary organisation through any door, the Django admin included.
    """
    required = ROLE_REQUIRES_KIND.get(Role(role))
    if required is None or kind == required:
        return None
    return _("The role %(role)s is only given in a %(kind)s.") % {
        "role": Role(role).label,
        "kind": required.label,
    }


class Membership(models.Model):
    """One role of one person in one organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__last_name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.role in Role.values and self.organisation_id:
            misfit = role_misfit(self.role, self.organisation.kind)
            if misfit:
                raise ValidationError({"role": misfit})


class ApiToken(models.Model):
    """A personal token for the REST API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=120)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} – {self.name}"

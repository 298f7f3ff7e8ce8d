from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trygg.core.models import Organisation
from trygg.geo.models import City, District, Place, PoliceArea


class Agreement(models.Model):
    """A samverkansöverenskommelse between a district and its local police area, one version.

    A revised agreement is a new version with ``previous`` set; earlier versions stay as
    they were, readable, and the differences between two versions can be shown.
    """

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("district")
    )
    police_area = models.ForeignKey(
        PoliceArea,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("local police area"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revision",
        verbose_name=_("revises"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    problem_picture = models.ForeignKey(
        "situation.Edition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("problem picture (published situation picture)"),
    )
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    followup_schedule = models.TextField(_("follow-up schedule"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["district__name", "-valid_from", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="agreement_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def signed(self) -> bool:
        return self.signed_on is not None


class Signatory(models.Model):
    """Who signed for a party: a member of the district's administration or of the police."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("signs as"), max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "user"], name="signatory_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class Responsibility(models.Model):
    """A row of the responsibility table: who does what, by area and topic."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="responsibilities"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("topic or area"), max_length=200)
    duty = models.TextField(_("what they do"))

    class Meta:
        ordering = ["topic", "organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.topic}"


class Priority(models.Model):
    """A joint local priority: a problem, where, an indicator and a target to follow up."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField(_("number"))
    problem = models.CharField(_("problem"), max_length=300)
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    categories = models.ManyToManyField(
        "reports.Category", blank=True, related_name="+", verbose_name=_("indicator categories")
    )
    indicator = models.CharField(_("indicator"), max_length=300)
    baseline = models.PositiveIntegerField(_("baseline (reports a year)"), null=True, blank=True)
    target = models.PositiveIntegerField(_("target (reports a year)"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="priority_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.problem}"


class CitizenPromise(models.Model):
    """A medborgarlöfte: the police's and the district's public promise for a period."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="promises", verbose_name=_("district")
    )
    police_area = models.ForeignKey(
        PoliceArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promises",
        verbose_name=_("local police area"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("promise"))
    activities = models.TextField(_("activities"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    followup = models.TextField(_("public follow-up"), blank=True)
    public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("citizen promise")
        verbose_name_plural = _("citizen promises")
        ordering = ["district__name", "-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="promise_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlaceCollaboration(models.Model):
    """A platssamverkan: organisations working together on one place towards one goal."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="collaborations", verbose_name=_("place")
    )
    goal = models.CharField(_("goal"), max_length=300)
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_collaborations",
        verbose_name=_("lead organisation"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="collaborations", verbose_name=_("partners")
    )
    started_on = models.DateField(_("started"))
    categories = models.ManyToManyField(
        "reports.Category", blank=True, related_name="+", verbose_name=_("indicator categories")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("place collaboration")
        verbose_name_plural = _("place collaborations")
        ordering = ["place__name", "-started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.place}: {self.goal}"


class CollaborationContact(models.Model):
    """A partner's contact person, seen only by the collaboration's members."""

    collaboration = models.ForeignKey(
        PlaceCollaboration, on_delete=models.CASCADE, related_name="contacts"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class CollaborationMeeting(models.Model):
    """A meeting of a place collaboration: its agenda, minutes and decisions."""

    collaboration = models.ForeignKey(
        PlaceCollaboration, on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("held on"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.collaboration.place} {self.held_on}"


class YearlyFollowup(models.Model):
    """The parties' written conclusions of a year, read beside the counted figures.

    The counts come from the reports; what they mean, and what happens next, is for the
    parties to write. A year before the city's reports begin has only this text.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="followups")
    year = models.PositiveSmallIntegerField(_("year"))
    assessment = models.TextField(_("assessment"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="followup_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.year}"

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trygg.core.models import Organisation
from trygg.geo.models import City, District, Place
from trygg.measures.kinds import GROUP_OF, Kind, Technique
from trygg.measures.workflow import OPEN, Status
from trygg.reports.models import Category, Report


class Meeting(models.Model):
    """The weekly EST meeting of a district: its agenda, focus places, decisions and minutes.

    Closing it freezes it: the agenda as drafted, the minutes and a PDF are kept and
    nothing of it can be changed afterwards.
    """

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("district")
    )
    week = models.DateField(_("week (its Monday)"))
    focus_places = models.ManyToManyField(
        Place, blank=True, related_name="+", verbose_name=_("focus places for the coming week")
    )
    participants = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("participating organisations")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    agenda = models.JSONField(_("agenda as drafted"), default=dict, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pdf = models.BinaryField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-week", "district__name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "week"], name="meeting_once_a_week"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.week:%G-W%V}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class Measure(models.Model):
    """An åtgärd: what is done about a problem, by whom, by when, and whether it worked."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    technique = models.CharField(
        _("situational technique"),
        max_length=40,
        choices=Technique.choices,
        blank=True,
        help_text=_("One of Clarke and Cornish's 25 techniques; only for situational measures."),
    )
    # The problem it answers.
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="measures", verbose_name=_("district")
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("place"),
    )
    target_area = models.JSONField(
        _("target area (GeoJSON, WGS 84)"),
        null=True,
        blank=True,
        help_text=_("A hotspot or a drawn area; without one, the place or the district."),
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories it targets")
    )
    reports = models.ManyToManyField(
        Report, blank=True, related_name="measures", verbose_name=_("reports it answers")
    )
    origin = models.CharField(_("came from"), max_length=32, blank=True)
    origin_ref = models.CharField(max_length=64, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("decided at"),
    )
    # Who.
    responsible = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("responsible organisation"),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_measures", verbose_name=_("partners")
    )
    # When and at what cost.
    start = models.DateField(_("start"))
    due = models.DateField(_("due"))
    cost_estimate = models.DecimalField(
        _("cost estimate (SEK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    expected_effect = models.TextField(_("expected effect"), blank=True)
    indicator = models.CharField(
        _("indicator"),
        max_length=300,
        blank=True,
        help_text=_("E.g. fewer drug-related reports in Älvsjö centrum in the evenings."),
    )
    comparison_district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comparison district"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    progress = models.TextField(_("progress note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The categories, partners and linked reports are part of what was decided; a change
    # to them is a change of the measure.
    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=[categories, reports, partners]
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due__gte=models.F("start")), name="measure_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="measure_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status", "due"]),
            models.Index(fields=["responsible", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def group(self) -> str:
        return GROUP_OF.get(Kind(self.kind), "other")

    def overdue_on(self, day: dt.date) -> bool:
        return self.status in OPEN and self.due < day

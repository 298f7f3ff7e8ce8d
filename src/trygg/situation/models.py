from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.geo.models import City
from trygg.situation.periods import Period


class Edition(models.Model):
    """A situation picture as it was published for a meeting, figures and PDF frozen.

    Next week's meeting looks back at what this week's picture said, even after late
    reports have changed the figures of the week. Two versions are kept: the exact one
    for those who review the area's reports, and the one with small counts hidden for
    partners, made at the same moment from the same figures.
    """

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    area_key = models.CharField(max_length=80)
    area_name = models.CharField(_("area"), max_length=200)
    area_query = models.JSONField(default=dict)
    district_ids = models.JSONField(default=list)
    period_kind = models.CharField(max_length=16)
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(_("period"), max_length=80)
    categories = models.JSONField(default=list)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    note = models.TextField(_("note for the meeting"), blank=True)
    figures = models.JSONField()
    shared_figures = models.JSONField()
    pdf = models.BinaryField()
    shared_pdf = models.BinaryField()

    class Meta:
        verbose_name = _("published situation picture")
        verbose_name_plural = _("published situation pictures")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["city", "area_key", "published_at"])]

    def __str__(self) -> str:
        return f"{self.area_name} {self.period_label}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start, self.period_end)

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    illustrative = models.BooleanField(
        _("illustrative boundaries"),
        default=False,
        help_text=_("The area boundaries are simplified and must not be read as real ones."),
    )

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A polygon stored as GeoJSON twice: WGS84 for the web, SWEREF 99 TM metres for analysis.

    The bounding box in lon/lat lets point-in-area lookups prefilter with an index.
    """

    name = models.CharField(_("name"), max_length=200)
    geometry = models.JSONField(_("geometry (WGS84)"))
    geometry_sweref = models.JSONField(_("geometry (SWEREF 99 TM)"), editable=False)
    min_lon = models.FloatField(editable=False)
    min_lat = models.FloatField(editable=False)
    max_lon = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    area_m2 = models.FloatField(_("area (m²)"), editable=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def area_km2(self) -> float:
        return self.area_m2 / 1_000_000


class District(Area):
    """A stadsdelsområde: the unit a district administration answers for."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="districts", verbose_name=_("city")
    )

    class Meta(Area.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="district_unique_name"),
        ]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]


class PoliceArea(Area):
    """A lokalpolisområde, covering one or more districts."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="police_areas", verbose_name=_("city")
    )
    districts = models.ManyToManyField(
        District, related_name="police_areas", verbose_name=_("districts")
    )

    class Meta(Area.Meta):
        verbose_name = _("local police area")
        verbose_name_plural = _("local police areas")
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="police_area_unique_name"),
        ]


class Place(Area):
    """A plats such as a town centre or a station, always inside one district."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="places", verbose_name=_("district")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta(Area.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="place_unique_name"),
        ]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]


class Locality(models.Model):
    """A named spot in the gazetteer (a neighbourhood, a square) that imports geocode against."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="localities", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=200)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))

    class Meta:
        verbose_name = _("locality")
        verbose_name_plural = _("localities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="locality_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

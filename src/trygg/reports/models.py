"""Reports (händelser och iakttagelser): what reporters, residents and imports put in."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from trygg.core.models import Organisation
from trygg.geo.models import City, District, Place
from trygg.reports.workflow import PUBLIC, PublicStatus, Status


class Category(models.Model):
    """An EST report category of one city, with its Open311 service code and answer target."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="categories", verbose_name=_("city")
    )
    code = models.SlugField(_("code"), max_length=64, help_text=_("Also the Open311 service code."))
    name = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=120, blank=True)
    public = models.BooleanField(
        _("residents may use it"), default=True, help_text=_("Shown on the public report page.")
    )
    answer_days = models.PositiveSmallIntegerField(
        _("days to a first answer"), default=5, help_text=_("Reports past this are overdue.")
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    harm_weight = models.PositiveSmallIntegerField(
        _("harm weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "How much one report of this kind weighs when areas are ranked by need, "
            "from 1 (littering) to 10 (violence)."
        ),
    )
    repeat_prone = models.BooleanField(
        _("near repeats likely"),
        default=False,
        help_text=_(
            "Burglary-like: one event raises the risk nearby for a while. "
            "The situation picture tests these for near-repeat patterns."
        ),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="category_unique_code"),
            models.UniqueConstraint(fields=["city", "name"], name="category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class Precision(models.TextChoices):
    """How exactly a report's position is known; analysis must not read a centroid as a spot."""

    POINT = "point", _("Exact point")
    STREET = "street", _("Street")
    PLACE = "place", _("Place")
    LOCALITY = "locality", _("Locality")
    MUNICIPALITY = "municipality", _("Municipality")


# Fine enough to be drawn as a point and counted in a grid cell.
SPOT_PRECISIONS = frozenset({Precision.POINT, Precision.STREET})


class Source(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    RESIDENT = "resident", _("Resident")
    OPEN311 = "open311", _("Open311 app")
    API = "api", _("API")
    POLICE_FEED = "police_feed", _("Police event feed")
    CSV = "csv", _("CSV import")
    GEOJSON = "geojson", _("GeoJSON import")
    WALK = "walk", _("Safety walk")


class Report(models.Model):
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="reports")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category")
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_id = models.CharField(_("source id"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("organisation"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reported by"),
    )
    occurred_from = models.DateTimeField(_("happened"))
    occurred_to = models.DateTimeField(_("until"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address or spot"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    x = models.FloatField(_("easting (SWEREF 99 TM)"))
    y = models.FloatField(_("northing (SWEREF 99 TM)"))
    precision = models.CharField(
        _("position precision"), max_length=16, choices=Precision.choices, default=Precision.POINT
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("district"),
    )
    places = models.ManyToManyField(
        Place, blank=True, related_name="reports", verbose_name=_("places")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    answer_due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    contact_email = models.EmailField(_("e-mail for feedback"), blank=True)
    public_token = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-occurred_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "source", "source_id"],
                condition=~Q(source_id=""),
                name="report_unique_source_id",
            ),
            models.UniqueConstraint(
                fields=["public_token"],
                condition=~Q(public_token=""),
                name="report_unique_public_token",
            ),
            models.CheckConstraint(
                condition=Q(occurred_to__isnull=True)
                | Q(occurred_to__gte=models.F("occurred_from")),
                name="report_span_ordered",
            ),
            models.CheckConstraint(
                condition=Q(lon__gte=-180, lon__lte=180, lat__gte=-90, lat__lte=90),
                name="report_lonlat_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="report_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["city", "occurred_from"]),
            # The situation picture's cache asks for the city's latest change on every view.
            models.Index(fields=["city", "updated_at"]),
            models.Index(fields=["district", "occurred_from"]),
            # The reporting effort counts what each organisation sent in a district by week.
            models.Index(fields=["district", "created_at"]),
            models.Index(fields=["category", "occurred_from"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["answer_due_at"]),
            models.Index(fields=["reporter", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.occurred_from:%Y-%m-%d}"

    @property
    def public_status(self) -> str:
        return PUBLIC[Status(self.status)]

    @property
    def public_status_label(self) -> str:
        return PublicStatus(self.public_status).label

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.answer_due_at is not None and self.answer_due_at < (now or timezone.now())


class ReportEvent(models.Model):
    """One step in a report's history; rows are only ever added."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Received")
        STATUS = "status", _("Status changed")
        CORRECTED = "corrected", _("Corrected")
        MERGED = "merged", _("Duplicate merged")
        REOPENED = "reopened", _("Reopened by the reporter")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def to_status_label(self) -> str:
        return Status(self.to_status).label if self.to_status else ""

    @property
    def public_status_label(self) -> str:
        return PublicStatus(PUBLIC[Status(self.to_status)]).label if self.to_status else ""


def _photo_path(photo: ReportPhoto, filename: str) -> str:
    return f"reports/{timezone.now():%Y/%m}/{photo.token}.{filename.rsplit('.', 1)[-1]}"


class ReportPhoto(models.Model):
    """A photo re-encoded without EXIF (no GPS, no camera); served only through the policy."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True, editable=False)
    image = models.FileField(upload_to=_photo_path)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.token}.{self.content_type.rsplit('/', 1)[-1]}"


class NilReturn(models.Model):
    """ "Nothing to report this week": a quiet area is observed, not unknown."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="nil_returns")
    week = models.DateField(_("week (its Monday)"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nil return")
        verbose_name_plural = _("nil returns")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "district", "week"], name="nil_return_once_a_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.district} {self.week:%G-W%V}"


class CategoryMapping(models.Model):
    """Which Trygg category a type in an imported source becomes (e.g. "Rån" → robbery)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16, choices=Source.choices)
    source_type = models.CharField(_("type in the source"), max_length=120)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("category mapping")
        verbose_name_plural = _("category mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "source", "source_type"], name="mapping_unique_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_type} → {self.category}"


class Open311Client(models.Model):
    """A partner app allowed to post into Trygg's Open311 endpoint with an API key."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name

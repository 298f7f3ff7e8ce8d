from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trygg.core.models import Organisation
from trygg.geo.models import City, District, Place


class Factor(models.TextChoices):
    """The usual factors of a Swedish safety walk (trygghetsvandring), for the checklist."""

    LIGHTING = "lighting", _("Lighting")
    SIGHTLINES = "sightlines", _("Sightlines and visibility")
    VEGETATION = "vegetation", _("Vegetation")
    MAINTENANCE = "maintenance", _("Maintenance and litter")
    GRAFFITI = "graffiti", _("Graffiti and damage")
    PEOPLE = "people", _("People and activity around")
    ESCAPE = "escape", _("Escape routes and orientation")
    SIGNAGE = "signage", _("Signage")
    HELP = "help", _("Access to help and public transport")


class FeltBy(models.TextChoices):
    """Who feels unsafe here."""

    WOMEN = "women", _("Women")
    CHILDREN = "children", _("Children")
    ELDERLY = "elderly", _("Elderly")
    DISABLED = "disabled", _("People with disabilities")


class Walk(models.Model):
    """A trygghetsvandring: planned, walked, and published as a protocol with answers."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        WALKED = "walked", _("Walked")
        PUBLISHED = "published", _("Published")

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="walks", verbose_name=_("district")
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="walks",
        verbose_name=_("place"),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    after_dark = models.BooleanField(_("after dark"), default=True)
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    route = models.JSONField(
        _("route (GeoJSON LineString, WGS 84)"),
        null=True,
        blank=True,
        help_text=_("Drawn on the map; a walk without a route places findings by position."),
    )
    invited = models.ManyToManyField(
        Organisation, blank=True, related_name="walks", verbose_name=_("invited organisations")
    )
    public_places = models.PositiveSmallIntegerField(
        _("places for residents"),
        default=0,
        help_text=_("How many residents may sign up on the public page; 0 closes it."),
    )
    introduction_at = models.DateTimeField(_("introduction meeting"), null=True, blank=True)
    introduction_notes = models.TextField(_("views collected at the introduction"), blank=True)
    feedback_at = models.DateTimeField(_("feedback meeting"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("repeat of"),
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("safety walk")
        verbose_name_plural = _("safety walks")
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Stop(models.Model):
    """A numbered stop on the route."""

    walk = models.ForeignKey(Walk, on_delete=models.CASCADE, related_name="stops")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=120)
    lon = models.FloatField()
    lat = models.FloatField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["walk", "number"], name="stop_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Signup(models.Model):
    """A resident's place on a walk, from the public page: a first name and an e-mail, no more."""

    walk = models.ForeignKey(Walk, on_delete=models.CASCADE, related_name="signups")
    name = models.CharField(_("first name"), max_length=80, blank=True)
    # Emptied some weeks after the walk (`signups_forget`); the place still counts.
    email = models.EmailField(_("e-mail"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["walk", "email"],
                condition=Q(email__isnull=False),
                name="signup_once_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """Something noted on the walk that makes the spot feel unsafe, routed to whoever owns it."""

    class Answer(models.TextChoices):
        WILL_DO = "will_do", _("Will do")
        WONT_DO = "wont_do", _("Will not do")
        ALREADY_DONE = "already_done", _("Already done")

    walk = models.ForeignKey(Walk, on_delete=models.CASCADE, related_name="findings")
    stop = models.ForeignKey(
        Stop, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    # The phone makes this key once per entry; a second delivery of the same entry is the same.
    key = models.CharField(max_length=64)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    x = models.FloatField()
    y = models.FloatField()
    outside = models.BooleanField(_("outside the walk's area"), default=False)
    factors = models.JSONField(_("factors"), default=list, blank=True)
    felt_by = models.JSONField(_("who feels unsafe here"), default=list, blank=True)
    score = models.PositiveSmallIntegerField(
        _("feeling (1 very unsafe – 5 safe)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    text = models.TextField(_("what was seen"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("responsible organisation"),
    )
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices, blank=True)
    answer_text = models.TextField(_("answer text"), blank=True)
    answer_date = models.DateField(_("to be done by"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    measure = models.ForeignKey(
        "measures.Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    report = models.OneToOneField(
        "reports.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="finding",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["stop__number", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["walk", "key"], name="finding_once_per_key"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="finding_score"),
        ]

    def __str__(self) -> str:
        return self.text[:60] or str(self.pk)


def _photo_path(photo: FindingPhoto, filename: str) -> str:
    return f"walks/{timezone.now():%Y/%m}/{photo.token}.{filename.rsplit('.', 1)[-1]}"


class FindingPhoto(models.Model):
    """A photo of a finding, re-encoded without EXIF as report photos are (reports.photos)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True, editable=False)
    image = models.FileField(upload_to=_photo_path)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.token}.{self.content_type.rsplit('/', 1)[-1]}"

"""Writes of safety walks: plan, sign up, record findings, assign, answer, publish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import shapely
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from shapely.geometry import shape

from trygg.core import policy
from trygg.core.models import Organisation, OrganisationKind
from trygg.geo.projection import SWEREF99TM, WGS84, reproject, sweref_shape
from trygg.reports import photos
from trygg.reports import services as report_services
from trygg.reports.models import Category, Precision, Source
from trygg.reports.photos import CleanPhoto
from trygg.reports.workflow import Status as ReportStatus
from trygg.walks.models import Factor, FeltBy, Finding, FindingPhoto, Signup, Stop, Walk

# A finding farther than this from the route (or outside the place or district) is kept
# but flagged: it may be a slip of the thumb, or something seen across the street.
NEAR_ROUTE_M = 150.0
MAX_PHOTOS = 3


def walk_save(
    *, walk: Walk, by: Any, invited: Iterable[Organisation] = (), stops: Any = None
) -> Walk:
    """Plan or change a walk; only those who run the district's safety work may."""
    if not policy.runs_districts(by).filter(pk=walk.district_id).exists():
        raise PermissionDenied
    invited = list(invited)
    errors: dict[str, str] = {}
    if walk.place_id and walk.place.district_id != walk.district_id:
        errors["place"] = _("The place must lie in the walk's district.")
    if walk.route:
        try:
            line = shape(walk.route)
            if line.geom_type != "LineString" or len(line.coords) < 2 or not line.is_valid:
                raise ValueError
        except (ValueError, TypeError, KeyError, AttributeError):
            errors["route"] = _("The route must be a line of at least two points.")
    if any(o.city_id != walk.district.city_id for o in invited):
        errors["invited"] = _("Invited organisations must work in the same city.")
    if walk.feedback_at and walk.feedback_at < walk.starts_at:
        errors["feedback_at"] = _("The feedback meeting comes after the walk.")
    stops = None if stops is None else list(stops)
    if stops is not None and walk.pk and (kept := _stops_with_findings(walk, len(stops))):
        errors["stops"] = _(
            "%(stops)s has findings; keep the stop, or move its findings to another first."
        ) % {"stops": ", ".join(str(stop) for stop in kept)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if walk.pk is None:
            walk.city_id = walk.district.city_id
            walk.created_by = by
        walk._history_user = by  # type: ignore[attr-defined]
        walk.save()
        walk.invited.set(invited)
        if stops is not None:
            _stops_replace(walk, stops)
    return walk


def _stops_with_findings(walk: Walk, count: int) -> list[Stop]:
    """The stops a new list of ``count`` stops would drop, that findings were noted at."""
    return list(walk.stops.filter(number__gt=count, findings__isnull=False).distinct())


def _stops_replace(walk: Walk, stops: list[Any]) -> None:
    """Stop n becomes the n-th of the new list, in place, so its findings stay with it."""
    existing = {stop.number: stop for stop in walk.stops.all()}
    for number, (name, lon, lat) in enumerate(stops, start=1):
        stop = existing.pop(number, None) or Stop(walk=walk, number=number)
        stop.name, stop.lon, stop.lat = str(name)[:120], float(lon), float(lat)
        stop.save()
    Stop.objects.filter(pk__in=[stop.pk for stop in existing.values()]).delete()


def signup(*, walk: Walk, name: str, email: str) -> Signup:
    """A resident takes one of the walk's public places; refused when they are taken."""
    name, email = name.strip(), email.strip().lower()
    errors = {}
    if not name:
        errors["name"] = _("Give your first name.")
    if "@" not in email:
        errors["email"] = _("Give an e-mail address, for the confirmation of your place.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Walk.objects.select_for_update().get(pk=walk.pk)
        if locked.status != Walk.Status.PLANNED or locked.public_places == 0:
            raise ValidationError({"walk": _("This walk takes no sign-ups.")})
        if Signup.objects.filter(walk=locked, email=email).exists():
            raise ValidationError({"email": _("You have already signed up for this walk.")})
        if Signup.objects.filter(walk=locked).count() >= locked.public_places:
            raise ValidationError({"walk": _("All places on this walk are taken.")})
        place = Signup.objects.create(walk=locked, name=name[:80], email=email)
        transaction.on_commit(lambda: _confirm(locked, place))
    return place


def signups_forget(*, now: dt.datetime) -> int:
    """Forget who signed up for walks that ended over `TRYGG_SIGNUP_RETENTION_DAYS` ago.

    The name and e-mail were for the confirmation and the day itself; the count of
    residents who came stays. Returns how many sign-ups were forgotten.
    """
    before = now - dt.timedelta(days=settings.TRYGG_SIGNUP_RETENTION_DAYS)
    return Signup.objects.filter(walk__starts_at__lt=before, email__isnull=False).update(
        name="", email=None
    )


def _confirm(walk: Walk, place: Signup) -> None:
    """Tell the resident their place is booked: when and where to meet."""
    with translation.override("sv"):
        when = formats.date_format(timezone.localtime(walk.starts_at), "j F Y H:i")
        body = _(
            "Hello %(name)s,\n\nyou have a place on the safety walk “%(title)s” on %(when)s. "
            "We meet at: %(where)s.\n\nIf you cannot come, answer this e-mail so that someone "
            "else can have the place."
        ) % {
            "name": place.name,
            "title": walk.title,
            "when": when,
            "where": walk.meeting_point or walk.district.name,
        }
        subject = _("Your place on the safety walk %(title)s") % {"title": walk.title}
    send_mail(subject, body, None, [place.email])


def _area(walk: Walk) -> Any:
    """Where findings are expected, in SWEREF 99 TM: near the route, else the place or district."""
    if walk.route:
        return reproject(shape(walk.route), WGS84, SWEREF99TM).buffer(NEAR_ROUTE_M)
    return sweref_shape((walk.place or walk.district).geometry_sweref)


def finding_record(
    *,
    walk: Walk,
    by: Any,
    key: str,
    lon: Any,
    lat: Any,
    score: Any,
    factors: Iterable[str] = (),
    felt_by: Iterable[str] = (),
    text: str = "",
    stop: Stop | None = None,
    photos: Iterable[CleanPhoto] = (),
    recorded_at: dt.datetime | None = None,
) -> tuple[Finding, bool]:
    """Store a finding from the walk, once: the same key again returns the one stored.

    Returns the finding and whether it was new. A position outside the walk's area is
    kept and flagged, not refused: the leader may have noted it from across the street.
    """
    if not policy.can(by, policy.RECORD, walk):
        raise PermissionDenied
    key = str(key).strip()[:64]
    existing = Finding.objects.filter(walk=walk, key=key).first() if key else None
    if existing is not None:
        return existing, False
    errors: dict[str, str] = {}
    if not key:
        errors["key"] = _("The entry has no key; the page must send one.")
    try:
        score = int(score)
        if not 1 <= score <= 5:
            raise ValueError
    except (TypeError, ValueError):
        errors["score"] = _("Give a feeling from 1 (very unsafe) to 5 (safe).")
    factors, felt_by = list(factors), list(felt_by)
    if any(f not in Factor.values for f in factors):
        errors["factors"] = _("Unknown factor.")
    if any(f not in FeltBy.values for f in felt_by):
        errors["felt_by"] = _("Unknown group.")
    if stop is not None and stop.walk_id != walk.pk:
        errors["stop"] = _("The stop is not on this walk.")
    position = None
    try:
        position = report_services.locate(city=walk.district.city, lon=lon, lat=lat)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert position is not None
    photos = list(photos)[:MAX_PHOTOS]
    outside = not shapely.contains_xy(_area(walk), position.x, position.y)
    try:
        with transaction.atomic():
            finding = Finding.objects.create(
                walk=walk,
                stop=stop,
                key=key,
                lon=position.lon,
                lat=position.lat,
                x=position.x,
                y=position.y,
                outside=bool(outside),
                factors=factors,
                felt_by=felt_by,
                score=score,
                text=text.strip(),
                recorded_by=by,
                recorded_at=recorded_at or timezone.now(),
                owner=suggest_owner(walk, factors),
            )
            for photo in photos:
                _photo_add(finding, photo)
    except IntegrityError:
        # The same entry arrived twice at once (a retry racing the first send).
        return Finding.objects.get(walk=walk, key=key), False
    return finding, True


def _photo_add(finding: Finding, photo: CleanPhoto) -> FindingPhoto:
    return photos.store(FindingPhoto(finding=finding), photo)


# Who usually answers for a factor: the first kind that works in the district is suggested.
OWNER_KINDS = {
    Factor.LIGHTING: [OrganisationKind.TRAFFIC_OFFICE, OrganisationKind.PROPERTY_OWNER],
    Factor.SIGHTLINES: [OrganisationKind.PROPERTY_OWNER, OrganisationKind.TRAFFIC_OFFICE],
    Factor.VEGETATION: [OrganisationKind.TRAFFIC_OFFICE, OrganisationKind.PROPERTY_OWNER],
    Factor.MAINTENANCE: [OrganisationKind.PROPERTY_OWNER, OrganisationKind.TRAFFIC_OFFICE],
    Factor.GRAFFITI: [OrganisationKind.PROPERTY_OWNER, OrganisationKind.TRAFFIC_OFFICE],
    Factor.PEOPLE: [OrganisationKind.LOCAL_POLICE_AREA],
    Factor.ESCAPE: [OrganisationKind.TRAFFIC_OFFICE],
    Factor.SIGNAGE: [OrganisationKind.TRAFFIC_OFFICE],
    Factor.HELP: [OrganisationKind.PUBLIC_TRANSPORT, OrganisationKind.TRAFFIC_OFFICE],
}


def suggest_owner(walk: Walk, factors: list[str]) -> Organisation | None:
    """The organisation that usually owns what the finding is about, in the walk's district.

    The coordinator can change it; without a matching factor, the district administration.
    """
    working = list(Organisation.objects.filter(districts=walk.district_id).order_by("name"))
    for factor in factors:
        for kind in OWNER_KINDS.get(Factor(factor), []):
            found = next((o for o in working if o.kind == kind), None)
            if found is not None:
                return found
    return next((o for o in working if o.kind == OrganisationKind.DISTRICT_ADMINISTRATION), None)


def finding_edit(
    *,
    finding: Finding,
    by: Any,
    text: str,
    score: int,
    factors: list[str],
    owner: Organisation | None,
    stop: Stop | None,
) -> Finding:
    """The coordinator tidies a finding after the walk, places it at a stop, gives it an owner."""
    if not policy.can(by, policy.CHANGE, finding.walk):
        raise PermissionDenied
    if owner is not None and owner.city_id != finding.walk.city_id:
        raise ValidationError({"owner": _("The owner must work in the same city.")})
    if stop is not None and stop.walk_id != finding.walk_id:
        raise ValidationError({"stop": _("The stop is not on this walk.")})
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("Give a feeling from 1 (very unsafe) to 5 (safe).")})
    finding.text, finding.score, finding.factors, finding.owner, finding.stop = (
        text.strip(),
        score,
        factors,
        owner,
        stop,
    )
    with transaction.atomic():
        finding._history_user = by  # type: ignore[attr-defined]
        finding.save()
        _observation_follows(finding, by)
    return finding


def finding_answer(
    *, finding: Finding, by: Any, answer: str, text: str = "", date: dt.date | None = None
) -> Finding:
    """The owner answers: will do (by a date), will not (with a reason), or already done."""
    if not policy.can(by, policy.ANSWER, finding):
        raise PermissionDenied
    errors = {}
    if answer not in Finding.Answer.values:
        errors["answer"] = _("Choose an answer.")
    elif answer == Finding.Answer.WILL_DO and date is None:
        errors["answer_date"] = _("Say by when it will be done.")
    elif answer == Finding.Answer.WONT_DO and not text.strip():
        errors["answer_text"] = _("Give the reason; the residents will read it.")
    if errors:
        raise ValidationError(errors)
    finding.answer, finding.answer_text = answer, text.strip()
    finding.answer_date = date if answer == Finding.Answer.WILL_DO else None
    finding.answered_by, finding.answered_at = by, timezone.now()
    finding._history_user = by  # type: ignore[attr-defined]
    finding.save()
    return finding


# The report category a finding enters the situation picture as.
CATEGORY_OF = {
    Factor.LIGHTING: "belysning",
    Factor.GRAFFITI: "klotter",
    Factor.MAINTENANCE: "nedskrapning",
}


def _category_of(finding: Finding, categories: dict[str, Category]) -> Category | None:
    code = next((CATEGORY_OF[f] for f in finding.factors if f in CATEGORY_OF), None)
    return categories.get(code or "") or categories.get("otrygg-plats")


def _observe(walk: Walk, finding: Finding, by: Any) -> None:
    """The finding enters the situation picture as an accepted observation."""
    categories = {c.code: c for c in Category.objects.filter(city_id=walk.city_id)}
    category = _category_of(finding, categories)
    if category is None:
        return
    report = report_services.report_create(
        city=walk.district.city,
        category=category,
        lon=finding.lon,
        lat=finding.lat,
        occurred_from=min(finding.recorded_at, timezone.now()),
        description=finding.text
        or _("Noted on the safety walk %(title)s.") % {"title": walk.title},
        source=Source.WALK,
        by=finding.recorded_by or by,
        precision=Precision.POINT,
        source_id=f"walk-{walk.pk}-{finding.pk}",
    )
    report_services.report_transition(report=report, to=ReportStatus.ACCEPTED, by=None)
    finding.report = report
    finding.save(update_fields=["report"])


def _observation_follows(finding: Finding, by: Any) -> None:
    """After an edit, the observation in the picture says what the finding now says."""
    report = finding.report
    if report is None:
        return
    categories = {c.code: c for c in Category.objects.filter(city_id=report.city_id)}
    report_services.report_correct(
        report=report,
        by=by,
        category=_category_of(finding, categories),
        description=finding.text or report.description,
    )


def walk_publish(*, walk: Walk, by: Any) -> Walk:
    """Publish the protocol; its findings enter the situation picture as observations."""
    if not policy.can(by, policy.CHANGE, walk):
        raise PermissionDenied
    with transaction.atomic():
        walk = Walk.objects.select_for_update().get(pk=walk.pk)
        for finding in walk.findings.filter(report__isnull=True):
            _observe(walk, finding, by)
        walk.status = Walk.Status.PUBLISHED
        walk.published_at = timezone.now()
        walk._history_user = by  # type: ignore[attr-defined]
        walk.save(update_fields=["status", "published_at"])
    return walk


def walked(*, walk: Walk, by: Any) -> Walk:
    """The walk has taken place: recording stays open until the protocol is published."""
    if not policy.can(by, policy.CHANGE, walk):
        raise PermissionDenied
    walk.status = Walk.Status.WALKED
    walk._history_user = by  # type: ignore[attr-defined]
    walk.save(update_fields=["status"])
    return walk

"""Recording findings on the walk, from a phone: a page that works without JavaScript, and the
endpoint its offline queue (static/trygg/js/walk-record.js) delivers entries to.

Each entry carries a key made once on the phone; the same entry delivered twice is stored once.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from trygg.core import policy
from trygg.reports.photos import CleanPhoto, clean_photo
from trygg.walks import services
from trygg.walks.models import Factor, FeltBy, Walk

SCORES = [
    (1, gettext_lazy("Very unsafe")),
    (2, gettext_lazy("Rather unsafe")),
    (3, gettext_lazy("Neither safe nor unsafe")),
    (4, gettext_lazy("Rather safe")),
    (5, gettext_lazy("Safe")),
]


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _entry(data: Any) -> dict[str, Any]:
    """What was posted, as the page shows it again after a refusal."""
    return {
        "key": str(data.get("key", "")).strip()[:64],
        "lon": str(data.get("lon", "")).strip(),
        "lat": str(data.get("lat", "")).strip(),
        "stop": str(data.get("stop", "")).strip(),
        "score": str(data.get("score", "")).strip(),
        "factors": data.getlist("factors"),
        "felt_by": data.getlist("felt_by"),
        "text": str(data.get("text", "")),
    }


def _page(
    request: HttpRequest,
    walk: Walk,
    *,
    entry: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    entry = entry or {"key": str(uuid.uuid4()), "factors": [], "felt_by": []}
    return render(
        request,
        "walks/record.html",
        {
            "walk": walk,
            "stops": list(walk.stops.all()),
            "entry": entry,
            "errors": errors or {},
            "factors": Factor.choices,
            "felt_by_choices": FeltBy.choices,
            "scores": [(str(n), label) for n, label in SCORES],
            "max_photos": services.MAX_PHOTOS,
            "max_photo_bytes": settings.TRYGG_MAX_PHOTO_BYTES,
            "recorded": walk.findings.filter(recorded_by=request.user).count(),
        },
        status=status,
    )


@login_required
@require_GET
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone page: one finding at a time, at a stop or anywhere on the route."""
    walk = policy.access(request.user, Walk, pk, action=policy.RECORD)
    return _page(request, walk)


def _photos(request: HttpRequest) -> tuple[list[CleanPhoto], list[str]]:
    uploads = request.FILES.getlist("photos")
    if len(uploads) > services.MAX_PHOTOS:
        return [], [_("At most %(n)d photos.") % {"n": services.MAX_PHOTOS}]
    photos, problems = [], []
    for upload in uploads:
        try:
            photos.append(clean_photo(upload, name=upload.name or "photo", field="photos"))
        except ValidationError as error:
            problems += error.message_dict.get("photos", error.messages)
    return photos, problems


def _recorded_at(value: str) -> Any:
    """When the phone made the entry: kept for entries sent later, never in the future."""
    try:
        when = parse_datetime(value.strip()) if value else None
    except ValueError:
        when = None
    if when is None:
        return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return min(when, timezone.now())


@login_required
@require_POST
def finding_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Store one entry, from the form or the page's queue; the same key again is a repeat."""
    as_json = _wants_json(request)
    try:
        return _finding_post(request, pk, as_json=as_json)
    except PermissionDenied:
        if as_json:
            message = _("You may not record findings on this walk.")
            return JsonResponse({"errors": {"walk": [message]}}, status=403)
        raise


def _finding_post(request: HttpRequest, pk: int, *, as_json: bool) -> HttpResponse:
    walk = policy.access(request.user, Walk, pk, action=policy.RECORD)
    entry = _entry(request.POST)
    errors: dict[str, list[str]] = {}
    stop = None
    if entry["stop"]:
        stop = walk.stops.filter(pk=entry["stop"]).first() if entry["stop"].isdigit() else None
        if stop is None:
            errors["stop"] = [_("The stop is not on this walk.")]
    lon, lat = entry["lon"], entry["lat"]
    if stop is not None and not lon and not lat:
        lon, lat = stop.lon, stop.lat
    elif not lon or not lat:
        errors["position"] = [_("Choose a stop, use your position or type the position.")]
    photos, photo_problems = _photos(request)
    if photo_problems:
        errors["photos"] = photo_problems
    finding, new = None, False
    if not errors:
        try:
            finding, new = services.finding_record(
                walk=walk,
                by=request.user,
                key=entry["key"],
                lon=lon,
                lat=lat,
                score=entry["score"],
                factors=entry["factors"],
                felt_by=entry["felt_by"],
                text=entry["text"],
                stop=stop,
                photos=photos,
                recorded_at=_recorded_at(request.POST.get("recorded_at", "")),
            )
        except ValidationError as error:
            errors = error.message_dict
    if finding is None:
        if as_json:
            return JsonResponse({"errors": errors}, status=400)
        return _page(request, walk, entry=entry, errors=errors, status=400)

    warning = (
        _("The position is outside the walk's area. The finding is kept; check it after the walk.")
        if finding.outside
        else ""
    )
    if as_json:
        return JsonResponse(
            {
                "id": finding.pk,
                "key": finding.key,
                "stored": True,
                "new": new,
                "outside": finding.outside,
                "warning": warning,
            },
            status=201 if new else 200,
        )
    if not new:
        messages.info(request, _("This finding was already saved."))
    elif warning:
        messages.warning(request, warning)
    else:
        messages.success(request, _("Finding saved."))
    return redirect("walks:record", pk=walk.pk)

"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2/) at /open311/v2/.

Existing citizen-reporting apps list a city's services, post requests with an
API key and follow them by id or token. Intake goes through
`services.report_create` like every other channel; what anyone may read back is
the deliberately narrow `public_request`. docs/api-open311.md is the partner's manual.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from trygg.geo.models import City
from trygg.reports import queries, services, throttle
from trygg.reports.models import Category, Open311Client, Report, Source
from trygg.reports.workflow import OPEN, PUBLIC, Status

FORMATS = frozenset({"json", "xml"})
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# The spec's bounds for GET requests: a span of at most 90 days, at most 1000 requests.
MAX_SPAN = dt.timedelta(days=90)
MAX_REQUESTS = 1000
# The spec's bound for a description.
MAX_DESCRIPTION = 4000
# Three decimals is about 110 m north-south and 60 m east-west at Swedish latitudes:
# enough to put a request on a map, too coarse to point at a front door.
PUBLIC_DECIMALS = 3
# Trygg's field names as an Open311 client knows them.
PARAMETERS = {
    "category": "service_code",
    "position": "lat/long",
    "contact_email": "email",
    "address": "address_string",
}
# Child element names of lists inside an XML object.
XML_ITEMS = {"attributes": "attribute"}


class Open311Error(Exception):
    """An answer in the spec's error format: HTTP status and one description per problem."""

    def __init__(self, status: int, descriptions: list[str]) -> None:
        super().__init__(descriptions)
        self.status = status
        self.descriptions = descriptions


def _problem(field: str, message: str) -> str:
    return f"{field}: {message}"


def _descriptions(error: ValidationError) -> list[str]:
    return [
        message if field == NON_FIELD_ERRORS else _problem(PARAMETERS.get(field, field), message)
        for field, messages in error.message_dict.items()
        for message in messages
    ]


# Formats -------------------------------------------------------------------------


def _xml_fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for name, item in value.items():
            child = ET.SubElement(element, name)
            if isinstance(item, list):
                for entry in item:
                    _xml_fill(ET.SubElement(child, XML_ITEMS.get(name, "item")), entry)
            else:
                _xml_fill(child, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def render(fmt: str, data: Any, *, root: str, item: str = "", status: int = 200) -> HttpResponse:
    """JSON as it is; XML under the spec's root element, one `item` element per list entry."""
    if fmt == "json":
        return JsonResponse(
            data, safe=False, status=status, json_dumps_params={"ensure_ascii": False}
        )
    element = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_fill(ET.SubElement(element, item), entry)
    else:
        _xml_fill(element, data)
    return HttpResponse(
        XML_DECLARATION + ET.tostring(element, encoding="utf-8"),
        content_type="text/xml; charset=utf-8",
        status=status,
    )


def render_errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    errors = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, errors, root="errors", item="error", status=status)


def open311(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Check the format suffix and turn an `Open311Error` into the spec's error body."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in FORMATS:
            return render_errors("json", 404, [_("Unknown format; use .json or .xml.")])
        if request.method in ("GET", "HEAD") and throttle.over_limit(
            request, group="open311-read", rate=settings.TRYGG_PUBLIC_READ_RATE
        ):
            return render_errors(fmt, 429, [_("Too many requests; try again later.")])
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return render_errors(fmt, error.status, error.descriptions)

    return wrapper


# Parameters ----------------------------------------------------------------------


def _param(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or request.GET.get(name) or "").strip()


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def jurisdiction(request: HttpRequest, *, default: City | None = None) -> City:
    """The city a request is about: `jurisdiction_id` is the slug of its name or its id.

    It may be left out where the answer is unambiguous: on a server with one
    city, or when posting (the API key belongs to one city).
    """
    wanted = _param(request, "jurisdiction_id")
    if not wanted:
        if default is not None:
            return default
        cities = list(City.objects.all()[:2])
        if len(cities) == 1:
            return cities[0]
        if cities:
            raise Open311Error(
                400,
                [_problem("jurisdiction_id", _("Required: this server serves several cities."))],
            )
        city = None
    elif (pk := _int(wanted)) is not None:
        city = City.objects.filter(pk=pk).first()
    else:
        slug = slugify(wanted)
        city = next((c for c in City.objects.all() if slugify(c.name) == slug), None)
    if city is None:
        raise Open311Error(404, [_problem("jurisdiction_id", _("There is no such jurisdiction."))])
    return city


def _moment(request: HttpRequest, name: str, *, end: bool = False) -> dt.datetime | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if "T" in value and " " in value:
        # An unencoded "+02:00" in a query string arrives as " 02:00".
        value = value.replace(" ", "+")
    try:
        day = parse_date(value)
        moment = parse_datetime(value) if day is None else None
    except ValueError:
        day = moment = None
    if day is not None:
        # A bare day as end_date means through that day.
        moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if moment is None:
        raise Open311Error(
            400,
            [
                _problem(
                    name,
                    _("Give a date and time in ISO 8601, such as 2024-05-01T08:00:00+02:00."),
                )
            ],
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _stamp(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# What anyone may read ---------------------------------------------------------------


def public_requests(*, city: City) -> QuerySet[Report]:
    """The reports residents sent in (resident page or an Open311 app) in one city.

    Reports from reporters, partners, imports and the police feed are the city's
    working material and are never listed here.
    """
    return (
        Report.objects.filter(city=city, source__in=services.PUBLIC_SOURCES)
        .select_related("category")
        .order_by("-created_at", "-pk")
    )


def public_request(report: Report) -> dict[str, Any]:
    """What anyone on the internet may read about a resident's report.

    GET requests needs no key, so nothing here may lead back to the person who
    reported: no description (residents write names, number plates and door codes
    into it), no e-mail, no address, no photo, no token, and the position is
    rounded to about 100 m. `status_notes` is the public status only; the
    coordinator's reason is written for the reporter, who reads it through their
    token, and may well name people.
    """
    public = PUBLIC[Status(report.status)]
    return {
        "service_request_id": report.pk,
        "status": "open" if report.status in OPEN else "closed",
        "status_notes": str(public.label),
        "service_name": report.category.name,
        "service_code": report.category.code,
        "requested_datetime": _stamp(report.created_at),
        "updated_datetime": _stamp(report.updated_at),
        "expected_datetime": _stamp(report.answer_due_at),
        "lat": round(report.lat, PUBLIC_DECIMALS),
        "long": round(report.lon, PUBLIC_DECIMALS),
    }


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": category.name_en,
        "group": category.group,
    }


def _filtered(query: QuerySet[Report], request: HttpRequest) -> QuerySet[Report]:
    """The spec's filters; without dates, the last 90 days."""
    codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
    if codes:
        query = query.filter(category__code__in=codes)
    statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, [_problem("status", _("Use open, closed or both."))])
    if statuses == {"open"}:
        query = query.filter(status__in=OPEN)
    elif statuses == {"closed"}:
        query = query.exclude(status__in=OPEN)
    start = _moment(request, "start_date")
    end = _moment(request, "end_date", end=True)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if end < start or end - start > MAX_SPAN:
        raise Open311Error(
            400,
            [_problem("end_date", _("The span must run forwards and be at most 90 days."))],
        )
    return query.filter(created_at__gte=start, created_at__lte=end)


# Intake --------------------------------------------------------------------------


def _client(request: HttpRequest) -> Open311Client:
    """The partner app behind the API key; refusals are counted per address, so guessing is slow."""
    key = _param(request, "api_key")
    client = None
    if key:
        client = (
            Open311Client.objects.select_related("city", "organisation")
            .filter(key_digest=services.open311_key_digest(key), active=True)
            .first()
        )
    if client is None:
        if throttle.over_limit(request, group="open311-refused"):
            raise Open311Error(429, [_("Too many requests; try again later.")])
        raise Open311Error(
            403, [_problem("api_key", _("The API key is missing, unknown or no longer active."))]
        )
    if throttle.over_limit(request, group="open311", key=str(client.pk)):
        raise Open311Error(429, [_("Too many requests; try again later.")])
    return client


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request)
    city = jurisdiction(request, default=client.city)
    if city.pk != client.city_id:
        raise Open311Error(
            403, [_problem("jurisdiction_id", _("This API key cannot post to this jurisdiction."))]
        )
    problems = []
    code = request.POST.get("service_code", "").strip()
    category = Category.objects.filter(city=city, code=code).first() if code else None
    if not code:
        problems.append(_problem("service_code", _("Required.")))
    elif category is None:
        problems.append(
            _problem(
                "service_code",
                _("There is no service with this code in %(city)s.") % {"city": city.name},
            )
        )
    lat, lon = request.POST.get("lat", "").strip(), request.POST.get("long", "").strip()
    if not (lat or lon):
        if _param(request, "address_string") or _param(request, "address_id"):
            message = _(
                "A location is required. Trygg has no geocoder for addresses, so "
                "address_string or address_id alone cannot place a request; send lat and long."
            )
        else:
            message = _("A location is required; send lat and long (WGS84).")
        problems.append(_problem("lat/long", message))
    description = request.POST.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        problems.append(
            _problem("description", _("At most %(max)s characters.") % {"max": MAX_DESCRIPTION})
        )
    if problems:
        raise Open311Error(400, problems)
    assert category is not None
    try:
        report = services.report_create(
            city=city,
            category=category,
            lon=lon,
            lat=lat,
            occurred_from=timezone.now(),
            description=description,
            source=Source.OPEN311,
            organisation=client.organisation,
            contact_email=request.POST.get("email", ""),
        )
    except ValidationError as error:
        raise Open311Error(400, _descriptions(error)) from None
    notice = _("Received. %(city)s aims to answer by %(date)s.") % {
        "city": city.name,
        "date": timezone.localdate(report.answer_due_at).isoformat(),
    }
    created = {
        "service_request_id": report.pk,
        "token": report.public_token,
        "service_notice": notice,
        "account_id": None,
    }
    return render(fmt, [created], root="service_requests", item="request")


# Views ---------------------------------------------------------------------------


@require_safe
@open311
def services_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    city = jurisdiction(request)
    categories = Category.objects.filter(city=city, active=True, public=True)
    return render(fmt, [_service(c) for c in categories], root="services", item="service")


@require_safe
@open311
def service_definition(request: HttpRequest, *, service_code: str, fmt: str) -> HttpResponse:
    """Trygg's services have no extra attributes; the definition exists because clients ask."""
    city = jurisdiction(request)
    category = Category.objects.filter(
        city=city, code=service_code, active=True, public=True
    ).first()
    if category is None:
        raise Open311Error(
            404,
            [
                _problem(
                    "service_code",
                    _("There is no service with this code in %(city)s.") % {"city": city.name},
                )
            ],
        )
    return render(fmt, {"service_code": category.code, "attributes": []}, root="service_definition")


# An API authenticated by its key, not by a browser session: no CSRF token to carry.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@open311
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    query = public_requests(city=jurisdiction(request))
    ids = request.GET.get("service_request_id", "").strip()
    if ids:
        # The spec: a list of ids overrides every other filter.
        wanted = [pk for part in ids.split(",") if (pk := _int(part)) is not None]
        query = query.filter(pk__in=wanted[:MAX_REQUESTS])
    else:
        query = _filtered(query, request)
    found = [public_request(r) for r in query[:MAX_REQUESTS]]
    return render(fmt, found, root="service_requests", item="request")


@require_safe
@open311
def request_detail(request: HttpRequest, *, service_request_id: str, fmt: str) -> HttpResponse:
    city = jurisdiction(request)
    pk = _int(service_request_id)
    report = public_requests(city=city).filter(pk=pk).first() if pk is not None else None
    if report is None:
        raise Open311Error(404, [_problem("service_request_id", _("There is no such request."))])
    return render(fmt, [public_request(report)], root="service_requests", item="request")


@require_safe
@open311
def token_detail(request: HttpRequest, *, token: str, fmt: str) -> HttpResponse:
    city = jurisdiction(request)
    report = queries.report_for_token(token)
    if report is None or report.city_id != city.pk:
        raise Open311Error(404, [_problem("token", _("There is no such token."))])
    found = {"service_request_id": report.pk, "token": report.public_token}
    return render(fmt, [found], root="service_requests", item="request")

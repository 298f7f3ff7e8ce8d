from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from shapely.geometry import shape

from trygg.core import policy
from trygg.core.forms import apply_errors, preselected
from trygg.core.models import Organisation
from trygg.geo import queries as geo_queries
from trygg.geo.models import City, District, Place
from trygg.reports import catalogue, queries, services, workflow
from trygg.reports.forms import (
    CategoryForm,
    CorrectForm,
    NilReturnForm,
    PublicReportForm,
    QueueFilterForm,
    ReasonForm,
    ReportForm,
    WeekFormSet,
    WeekHeaderForm,
)
from trygg.reports.models import Category, Precision, Report, ReportPhoto, Source
from trygg.reports.photos import clean_photo
from trygg.reports.queries import ReportFilters
from trygg.reports.workflow import Status

QUEUE_MAP_LIMIT = 500


def _reporting(user: Any) -> tuple[Any, Any, Any]:
    """The organisations, categories and places a reporter works with."""
    organisations = Organisation.objects.filter(
        pk__in=policy.reporting_organisation_ids(user)
    ).order_by("name")
    cities = organisations.values("city_id")
    categories = Category.objects.filter(city_id__in=cities, active=True)
    places = policy.visible(user, Place).filter(district__city_id__in=cities).order_by("name")
    return organisations, categories, places


def _position(data: dict[str, Any]) -> tuple[float, float, str]:
    if data.get("lon") is not None and data.get("lat") is not None:
        return data["lon"], data["lat"], Precision.POINT
    point = shape(data["place"].geometry).representative_point()
    return point.x, point.y, Precision.PLACE


def _report_map(reports: list[Report], districts: Any = ()) -> dict[str, Any]:
    data = geo_queries.map_features(districts=districts, places=[])
    data["features"] += [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
            "properties": {
                "name": f"{r.category.label} {timezone.localtime(r.occurred_from):%Y-%m-%d %H:%M}",
                "level": "report",
                "url": reverse("reports:detail", args=[r.pk]),
            },
        }
        for r in reports
    ]
    return data


def _home_map(user: Any) -> dict[str, Any]:
    districts = list(geo_queries.home_districts(user=user))
    places = list(policy.visible(user, Place).filter(district__in=districts))
    return geo_queries.map_features(districts=districts, places=places)


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    organisations, categories, places = _reporting(request.user)
    if not organisations:
        raise PermissionDenied
    # A link from a place (a place collaboration's page) starts the report there.
    initial = preselected(request.GET, "place", places)
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        categories=categories,
        places=places,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lon, lat, precision = _position(data)
        try:
            photos = [clean_photo(f, name=f.name, field="photos") for f in data.get("photos") or []]
            report = services.report_create(
                city=data["organisation"].city,
                category=data["category"],
                lon=lon,
                lat=lat,
                precision=precision,
                occurred_from=data["occurred_from"],
                occurred_to=data.get("occurred_to"),
                description=data["description"],
                by=request.user,
                organisation=data["organisation"],
                photos=photos,
            )
        except ValidationError as error:
            apply_errors(form, error, {"position": "lon"})
        else:
            messages.success(
                request,
                _("Thank you. Your report (%(category)s) is sent to the coordinator.")
                % {"category": report.category.label},
            )
            return redirect("reports:mine")
    return render(
        request,
        "reports/report_form.html",
        {"form": form, "map_data": _home_map(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_week(request: HttpRequest) -> HttpResponse:
    """Several observations of the past week in one sitting; all are stored or none."""
    organisations, categories, places = _reporting(request.user)
    if not organisations:
        raise PermissionDenied
    header = WeekHeaderForm(request.POST or None, organisations=organisations)
    rows = WeekFormSet(request.POST or None, categories=categories, places=places, prefix="rows")
    if request.method == "POST" and header.is_valid() and rows.is_valid():
        filled = [row for row in rows if row.has_changed() and row.cleaned_data]
        if not filled:
            header.add_error(None, _("Fill in at least one row, or send a nil return."))
        else:
            try:
                with transaction.atomic():
                    for row in filled:
                        data = row.cleaned_data
                        lon, lat, precision = _position(data)
                        try:
                            services.report_create(
                                city=header.cleaned_data["organisation"].city,
                                category=data["category"],
                                lon=lon,
                                lat=lat,
                                precision=precision,
                                occurred_from=row.occurred(),
                                description=data["description"],
                                by=request.user,
                                organisation=header.cleaned_data["organisation"],
                            )
                        except ValidationError as error:
                            apply_errors(row, error, {"position": "lon"})
                            raise
            except ValidationError:
                pass
            else:
                messages.success(request, _("%(n)d observations sent.") % {"n": len(filled)})
                return redirect("reports:mine")
    return render(
        request,
        "reports/report_week.html",
        {"header": header, "rows": rows},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def report_mine(request: HttpRequest) -> HttpResponse:
    organisations, _categories, _places = _reporting(request.user)
    districts = District.objects.filter(organisations__in=organisations).distinct()
    reports = list(queries.own_reports(user=request.user)[:200])
    return render(
        request,
        "reports/report_mine.html",
        {
            "reports": reports,
            "nil_form": NilReturnForm(organisations=organisations, districts=districts)
            if organisations
            else None,
            "can_report": bool(organisations),
            "can_import": policy.imports_reports(request.user),
            "week": services.week_start(timezone.localdate()),
        },
    )


@login_required
@require_POST
def nil_return(request: HttpRequest) -> HttpResponse:
    organisations, _categories, _places = _reporting(request.user)
    districts = District.objects.filter(organisations__in=organisations).distinct()
    form = NilReturnForm(request.POST, organisations=organisations, districts=districts)
    if form.is_valid():
        try:
            services.nil_return_create(
                by=request.user,
                organisation=form.cleaned_data["organisation"],
                district=form.cleaned_data["district"],
                week=timezone.localdate(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Noted: nothing to report from %(org)s in %(district)s this week.")
                % {
                    "org": form.cleaned_data["organisation"].name,
                    "district": form.cleaned_data["district"].name,
                },
            )
    else:
        messages.error(request, _("Choose an organisation and an area."))
    return redirect("reports:mine")


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not policy.is_reviewer(request.user):
        raise PermissionDenied
    reviewable = policy.reviewable_reports(request.user)
    cities = City.objects.filter(pk__in=reviewable.values("city_id"))
    form = QueueFilterForm(
        request.GET or None,
        categories=Category.objects.filter(city__in=cities),
        organisations=Organisation.objects.filter(city__in=cities).order_by("name"),
        places=policy.visible(request.user, Place).filter(district__city__in=cities),
    )
    filters = ReportFilters()
    if form.is_valid():
        data = form.cleaned_data
        status = data.get("status")
        filters = ReportFilters(
            start=data.get("start"),
            end=data.get("end"),
            categories=[data["category"].pk] if data.get("category") else [],
            organisations=[data["organisation"].pk] if data.get("organisation") else [],
            statuses=list(Status.values) if status == "all" else [status] if status else [],
            places=[data["place"].pk] if data.get("place") else [],
            overdue=data.get("overdue", False),
        )
    reports = list(queries.review_queue(user=request.user, filters=filters)[:QUEUE_MAP_LIMIT])
    now = timezone.now()
    for report in reports:
        report.overdue = report.is_overdue(now)
    districts = geo_queries.home_districts(user=request.user)
    return render(
        request,
        "reports/queue.html",
        {
            "form": form,
            "export_query": _export_query(filters),
            "can_import": policy.imports_reports(request.user),
            "reports": reports,
            "limit": QUEUE_MAP_LIMIT,
            "map_data": _report_map(reports, districts),
            "counts": queries.status_counts(user=request.user),
        },
    )


def _export_query(filters: ReportFilters) -> str:
    """The queue's filters as the export's query string, so "export these" means these."""
    params: dict[str, Any] = {
        "start": filters.start.isoformat() if filters.start else None,
        "end": filters.end.isoformat() if filters.end else None,
        "category": filters.categories,
        "organisation": filters.organisations,
        "status": filters.statuses or [Status.RECEIVED],
        "place": filters.places,
        "overdue": "true" if filters.overdue else None,
    }
    return urlencode({k: v for k, v in params.items() if v}, doseq=True)


EFFORT_WEEKS = 8


@login_required
def effort(request: HttpRequest) -> HttpResponse:
    """Who reported, or said there was nothing, per area and week: quiet is not the same as safe."""
    if not policy.is_reviewer(request.user):
        raise PermissionDenied
    this_week = services.week_start(timezone.localdate())
    weeks = [this_week - dt.timedelta(weeks=n) for n in range(EFFORT_WEEKS - 1, -1, -1)]
    districts = list(geo_queries.home_districts(user=request.user).order_by("name"))
    cells = {
        (e.district, e.organisation, e.week): e
        for e in queries.reporting_effort(
            user=request.user, weeks=weeks, district_ids=[d.pk for d in districts]
        )
    }
    tables = []
    for district in districts:
        organisations = (
            policy.visible(request.user, Organisation)
            .filter(districts=district)
            .order_by("name")
            .values_list("name", flat=True)
        )
        rows = [
            (name, [cells.get((district.name, name, week)) for week in weeks])
            for name in organisations
        ]
        tables.append((district, rows))
    return render(
        request,
        "reports/effort.html",
        {"weeks": weeks, "tables": tables},
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = policy.access(request.user, Report, pk)
    reviewer = policy.can(request.user, policy.REVIEW, report)
    context: dict[str, Any] = {
        "report": report,
        "reviewer": reviewer,
        "events": report.events.select_related("by"),
        "photos": report.photos.all(),
        "places": report.places.all(),
        "overdue": report.is_overdue(),
        "map_data": _report_map([report], [report.district] if report.district else []),
    }
    if reviewer:
        context.update(
            duplicates=queries.possible_duplicates(user=request.user, report=report),
            moves=workflow.moves(report.status),
            reason_form=ReasonForm(),
            correct_form=CorrectForm(
                categories=Category.objects.filter(city=report.city_id, active=True),
                initial={"category": report.category_id, "lon": report.lon, "lat": report.lat},
            ),
        )
    return render(request, "reports/report_detail.html", context)


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One reviewer action: a status move, a correction, or a merge into another report."""
    report = policy.access(request.user, Report, pk, action=policy.REVIEW)
    action = request.POST.get("action", "")
    try:
        if action == "correct":
            form = CorrectForm(
                request.POST, categories=Category.objects.filter(city=report.city_id)
            )
            if not form.is_valid():
                raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
            services.report_correct(
                report=report,
                by=request.user,
                category=form.cleaned_data["category"],
                lon=form.cleaned_data["lon"],
                lat=form.cleaned_data["lat"],
            )
            messages.success(request, _("The report is corrected."))
        elif action == "merge":
            into = policy.access(request.user, Report, request.POST.get("into"))
            services.report_merge(report=report, into=into, by=request.user)
            messages.success(request, _("Marked as a duplicate; both reports stay linked."))
        elif action in Status.values:
            services.report_transition(
                report=report, to=action, by=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(
                request, _("The report is now: %(status)s.") % {"status": Status(action).label}
            )
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:detail", pk=report.pk)
    if action == Status.ACCEPTED and request.POST.get("next") == "queue":
        return redirect("reports:queue")
    return redirect("reports:detail", pk=report.pk)


@login_required
def photo(request: HttpRequest, token: str) -> FileResponse:
    item = get_object_or_404(ReportPhoto.objects.select_related("report"), token=token)
    if not policy.can(request.user, policy.VIEW, item.report):
        raise Http404
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# Residents ---------------------------------------------------------------------


def _public_city(city_id: int | None) -> City:
    if city_id is not None:
        return get_object_or_404(City, pk=city_id)
    cities = list(City.objects.all()[:2])
    if len(cities) != 1:
        raise Http404
    return cities[0]


@require_http_methods(["GET", "POST"])
def public_new(request: HttpRequest, city_id: int | None = None) -> HttpResponse:
    """Anyone may report a problem without an account; a status link is the receipt."""
    from trygg.reports.throttle import over_limit

    if city_id is None and City.objects.count() > 1:
        return render(request, "reports/public_cities.html", {"cities": City.objects.all()})
    city = _public_city(city_id)
    form = PublicReportForm(
        request.POST or None,
        categories=Category.objects.filter(city=city, active=True, public=True),
        places=Place.objects.filter(district__city=city).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            # Answer a bot as if all went well, and store nothing.
            return redirect("reports:public_thanks")
        if over_limit(request, group="public-report"):
            form.add_error(None, _("Too many reports from your connection. Try again later."))
            return render(
                request, "reports/public_form.html", _public_context(city, form), status=429
            )
        data = form.cleaned_data
        lon, lat, precision = _position(data)
        try:
            report = services.report_create(
                city=city,
                category=data["category"],
                lon=lon,
                lat=lat,
                precision=precision,
                occurred_from=timezone.now(),
                description=data["description"],
                source=Source.RESIDENT,
                contact_email=data.get("email") or "",
            )
        except ValidationError as error:
            apply_errors(form, error, {"position": "lon"})
        else:
            messages.success(
                request,
                _("Thank you! Save this page's address to follow what happens to your report."),
            )
            return redirect("reports:status", token=report.public_token)
    return render(
        request,
        "reports/public_form.html",
        _public_context(city, form),
        status=400 if form.errors else 200,
    )


def _public_context(city: City, form: PublicReportForm) -> dict[str, Any]:
    districts = list(District.objects.filter(city=city))
    return {
        "city": city,
        "form": form,
        "map_data": geo_queries.map_features(districts=districts, places=[]),
        "illustrative": city.illustrative,
    }


def public_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/public_thanks.html")


@require_http_methods(["GET", "POST"])
def public_status(request: HttpRequest, token: str) -> HttpResponse:
    """What happened to one report, for whoever holds its link; nothing about anyone else."""
    report = queries.report_for_token(token)
    if report is None:
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_reopen(token=token, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error, {"position": "lon"})
        else:
            messages.success(request, _("Thank you. The report is opened again for review."))
            return redirect("reports:status", token=token)
    report.refresh_from_db()
    events = [
        e
        for e in report.events.all()
        if e.kind in ("created", "status", "reopened") and e.to_status
    ]
    return render(
        request,
        "reports/public_status.html",
        {
            "report": report,
            "events": events,
            "form": form,
            "reopenable": report.public_status in ("done", "closed"),
            "overdue": report.is_overdue(),
        },
        status=400 if form.errors else 200,
    )


# Categories --------------------------------------------------------------------


def _admin_city(user: Any, city_id: int) -> City:
    city = policy.access(user, City, city_id)
    if not policy.can(user, policy.CHANGE, city):
        raise PermissionDenied
    return city


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    cities = [
        c for c in policy.visible(request.user, City) if policy.can(request.user, policy.CHANGE, c)
    ]
    if not cities:
        raise PermissionDenied
    return render(
        request,
        "reports/category_list.html",
        {"cities": [(c, Category.objects.filter(city=c)) for c in cities]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, city_id: int, pk: int | None = None) -> HttpResponse:
    city = _admin_city(request.user, city_id)
    category = get_object_or_404(Category, city=city, pk=pk) if pk else Category(city=city)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        catalogue.category_save(category=form.save(commit=False), by=request.user)
        messages.success(request, _("The category is saved."))
        return redirect("reports:categories")
    return render(
        request,
        "reports/category_form.html",
        {"form": form, "city": city, "category": category},
        status=400 if form.errors else 200,
    )

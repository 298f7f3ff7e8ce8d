"""Walk pages for those who run or join them: list, plan, the walk and its protocol, comparison."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trygg.core import policy
from trygg.core.forms import apply_errors
from trygg.geo import queries as geo_queries
from trygg.geo.models import District
from trygg.walks import queries, services
from trygg.walks.forms import FindingForm, WalkForm
from trygg.walks.models import Finding, FindingPhoto, Walk
from trygg.walks.protocol_pdf import protocol_pdf as typeset_protocol

# The service names the route and stops; the form has them as typed text.
ROUTE_FIELDS = {"route": "route_text", "stops": "stops_text"}


def _walk(user: Any, pk: int, *, action: str = policy.VIEW) -> Walk:
    return policy.access(user, Walk, pk, action=action)


@login_required
def walk_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "walks/walk_list.html",
        {
            "walks": list(queries.walks_visible_to(user=request.user)),
            "can_create": policy.runs_districts(request.user).exists(),
        },
    )


def _form_map(districts: QuerySet[District], walk: Walk) -> dict[str, Any]:
    if walk.pk:
        return geo_queries.map_features(
            districts=[walk.district], places=[walk.place] if walk.place else []
        )
    return geo_queries.map_features(districts=list(districts), places=[])


def _save(request: HttpRequest, form: WalkForm) -> Walk | None:
    data = form.cleaned_data
    walk = form.instance
    walk.route = data["route_text"]
    try:
        return services.walk_save(
            walk=walk, by=request.user, invited=data.get("invited") or [], stops=data["stops_text"]
        )
    except ValidationError as error:
        apply_errors(form, error, ROUTE_FIELDS)
        return None


def _form_page(request: HttpRequest, form: WalkForm, districts: QuerySet[District]) -> HttpResponse:
    return render(
        request,
        "walks/walk_form.html",
        {
            "form": form,
            "walk": form.instance,
            "map_data": _form_map(districts, form.instance),
            "illustrative": geo_queries.illustrative(districts=districts),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def walk_new(request: HttpRequest) -> HttpResponse:
    districts = policy.runs_districts(request.user)
    if not districts.exists():
        raise PermissionDenied
    initial: dict[str, Any] = {}
    if districts.count() == 1:
        initial["district"] = districts.get().pk
    form = WalkForm(request.POST or None, instance=Walk(), districts=districts, initial=initial)
    if request.method == "POST" and form.is_valid():
        walk = _save(request, form)
        if walk is not None:
            messages.success(request, _("The walk is planned."))
            return redirect("walks:detail", pk=walk.pk)
    return _form_page(request, form, districts)


@login_required
@require_http_methods(["GET", "POST"])
def walk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    walk = _walk(request.user, pk, action=policy.CHANGE)
    districts = policy.runs_districts(request.user)
    form = WalkForm(request.POST or None, instance=walk, districts=districts)
    if request.method == "POST" and form.is_valid() and _save(request, form) is not None:
        messages.success(request, _("The walk is saved."))
        return redirect("walks:detail", pk=walk.pk)
    return _form_page(request, form, districts)


@login_required
def walk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    walk = get_object_or_404(
        policy.visible(request.user, Walk).select_related("district__city", "place", "previous"),
        pk=pk,
    )
    may_change = policy.can(request.user, policy.CHANGE, walk)
    findings = queries.findings_of(walk)
    if may_change:
        owners = queries.owners_for(walk)
        for finding in findings:
            finding.form = FindingForm.for_finding(finding, owners)  # type: ignore[attr-defined]
    for finding in findings:
        finding.status_label = queries.answer_status(finding)  # type: ignore[attr-defined]
        finding.factor_labels = queries.factor_labels(finding.factors)  # type: ignore[attr-defined]
    return render(
        request,
        "walks/walk_detail.html",
        {
            "walk": walk,
            "findings": findings,
            "stops": list(walk.stops.all()),
            "invited": list(walk.invited.order_by("name")),
            "signup_count": walk.signups.count(),
            "signups": list(walk.signups.filter(email__isnull=False).order_by("created_at"))
            if may_change
            else [],
            "may_change": may_change,
            "may_record": policy.can(request.user, policy.RECORD, walk),
            "repeats": list(walk.repeats.all()),
            "map_data": queries.map_data(walk, findings),
            "illustrative": geo_queries.illustrative(districts=[walk.district]),
        },
    )


@login_required
@require_POST
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(policy.visible(request.user, Finding).select_related("walk"), pk=pk)
    walk = finding.walk
    if not policy.can(request.user, policy.VIEW, walk):
        raise Http404
    if not policy.can(request.user, policy.CHANGE, walk):
        raise PermissionDenied
    form = FindingForm.for_finding(finding, queries.owners_for(walk), data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_edit(
                finding=finding,
                by=request.user,
                text=data["text"],
                score=data["score"],
                factors=data["factors"],
                owner=data["owner"],
                stop=data["stop"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The finding is saved."))
    else:
        problems = [f"{form.fields[n].label}: {' '.join(e)}" for n, e in form.errors.items()]
        messages.error(request, " ".join(problems))
    return redirect(reverse("walks:detail", args=[walk.pk]) + f"#finding-{finding.pk}")


@login_required
@require_POST
def walk_walked(request: HttpRequest, pk: int) -> HttpResponse:
    walk = _walk(request.user, pk, action=policy.CHANGE)
    services.walked(walk=walk, by=request.user)
    messages.success(request, _("The walk is marked as walked; findings can still be added."))
    return redirect("walks:detail", pk=walk.pk)


@login_required
@require_POST
def walk_publish(request: HttpRequest, pk: int) -> HttpResponse:
    walk = _walk(request.user, pk, action=policy.CHANGE)
    services.walk_publish(walk=walk, by=request.user)
    messages.success(request, _("The protocol is published on the district's public page."))
    return redirect("walks:detail", pk=walk.pk)


def a_year_later(moment: dt.datetime) -> dt.datetime:
    """The same local date and time next year; 28 February for a 29th."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year + 1)
    except ValueError:
        return local.replace(year=local.year + 1, day=28)


@login_required
@require_POST
def walk_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    walk = _walk(request.user, pk, action=policy.CHANGE)
    again = Walk(
        district=walk.district,
        place=walk.place,
        title=walk.title,
        starts_at=a_year_later(walk.starts_at),
        after_dark=walk.after_dark,
        meeting_point=walk.meeting_point,
        route=walk.route,
        public_places=walk.public_places,
        previous=walk,
    )
    again = services.walk_save(
        walk=again,
        by=request.user,
        invited=list(walk.invited.all()),
        stops=[(s.name, s.lon, s.lat) for s in walk.stops.all()],
    )
    messages.success(
        request, _("A new walk along the same route is planned; check its date and time.")
    )
    return redirect("walks:edit", pk=again.pk)


@login_required
def walk_compare(request: HttpRequest, pk: int) -> HttpResponse:
    walk = get_object_or_404(
        policy.visible(request.user, Walk).select_related("previous", "district"), pk=pk
    )
    previous_visible = walk.previous is not None and policy.can(
        request.user, policy.VIEW, walk.previous
    )
    rows = queries.compare(walk) if previous_visible else []
    for row in rows:
        row.before_mean = queries.rounded(row.before.mean)  # type: ignore[attr-defined]
        row.after_mean = queries.rounded(row.after.mean)  # type: ignore[attr-defined]
        row.change_text = (  # type: ignore[attr-defined]
            "–"
            if row.change is None
            else ("+" if row.change >= 0 else "−") + queries.rounded(abs(row.change))
        )
    return render(
        request,
        "walks/walk_compare.html",
        {"walk": walk, "previous": walk.previous if previous_visible else None, "rows": rows},
    )


def protocol_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The protocol as a PDF: anyone's once published, else those who see the walk."""
    walk = policy.public_walks().filter(pk=pk).first()
    if walk is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        walk = _walk(request.user, pk)
    walk = Walk.objects.select_related("district__city", "place").get(pk=walk.pk)
    pdf = typeset_protocol(walk, generated_at=timezone.now())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="protokoll-vandring-{walk.pk}.pdf"'
    return response


def photo(request: HttpRequest, token: str) -> FileResponse:
    """A finding's photo: to anyone once the protocol is published, else to those who see
    the walk and to the organisation that is to answer the finding."""
    item = get_object_or_404(FindingPhoto.objects.select_related("finding__walk"), token=token)
    finding = item.finding
    if not (
        finding.walk.published
        or policy.can(request.user, policy.VIEW, finding.walk)
        or policy.can(request.user, policy.ANSWER, finding)
    ):
        raise Http404
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response

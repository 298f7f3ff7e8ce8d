"""Agreement pages: versions, one version, its forms, a diff, the follow-up, the city."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trygg.agreements import queries, services
from trygg.agreements.followup_pdf import followup_pdf
from trygg.agreements.forms import (
    AgreementForm,
    AssessmentForm,
    PriorityForm,
    ResponsibilityForm,
    RevisionForm,
)
from trygg.agreements.models import Agreement, Priority, Responsibility
from trygg.core import policy
from trygg.core.forms import apply_errors, preselected


def _agreement(request: HttpRequest, pk: int, *, action: str = policy.VIEW) -> Agreement:
    """An agreement the user may read (404 otherwise), or change (403 if only read)."""
    agreement = get_object_or_404(
        queries.agreements_visible_to(user=request.user).select_related(
            "problem_picture", "previous"
        ),
        pk=pk,
    )
    if action != policy.VIEW and not policy.can(request.user, action, agreement):
        raise PermissionDenied
    return agreement


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = list(queries.agreements_visible_to(user=request.user))
    today = timezone.localdate()
    districts: dict[Any, list[Agreement]] = {}
    for agreement in agreements:
        districts.setdefault(agreement.district, []).append(agreement)
    return render(
        request,
        "agreements/list.html",
        {
            "districts": [
                {"district": d, "versions": v, "current": queries.current(v, today)}
                for d, v in districts.items()
            ],
            "today": today,
            "can_create": policy.runs_districts(request.user).exists(),
            "oversees": bool(policy.administered_cities(request.user)),
        },
    )


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    may_change = policy.can(request.user, policy.CHANGE, agreement) and not services.revised(
        agreement
    )
    return render(
        request, "agreements/detail.html", _detail_context(request, agreement, may_change)
    )


def _detail_context(
    request: HttpRequest,
    agreement: Agreement,
    may_change: bool,
    *,
    priority_form: PriorityForm | None = None,
    responsibility_form: ResponsibilityForm | None = None,
) -> dict[str, Any]:
    priorities = list(agreement.priorities.select_related("place").prefetch_related("categories"))
    plan = queries.action_plan(priorities)
    for priority in priorities:
        priority.measures = plan[priority.pk]
        priority.new_measure_url = (
            reverse("measures:new")
            + "?"
            + urlencode(
                {
                    "origin": queries.ORIGIN,
                    "origin_ref": priority.pk,
                    "district": agreement.district_id,
                    **({"place": priority.place_id} if priority.place_id else {}),
                }
            )
        )
    today = timezone.localdate()
    return {
        "agreement": agreement,
        "versions": queries.versions(agreement),
        "parties": services.parties(agreement),
        "signatories": agreement.signatories.select_related("user", "organisation"),
        "responsibilities": agreement.responsibilities.select_related("organisation"),
        "priorities": priorities,
        "may_change": may_change,
        "priority_form": priority_form
        or (PriorityForm(agreement=agreement, prefix="priority") if may_change else None),
        "responsibility_form": responsibility_form
        or (
            ResponsibilityForm(agreement=agreement, prefix="responsibility") if may_change else None
        ),
        "revision_form": RevisionForm(prefix="revision") if may_change else None,
        "followup_years": list(
            range(agreement.valid_from.year, min(agreement.valid_to.year, today.year) + 1)
        ),
    }


def _save_agreement(request: HttpRequest, form: AgreementForm) -> Agreement | None:
    try:
        return services.agreement_save(
            agreement=form.instance,
            by=request.user,
            signatories=form.signed_by(),
        )
    except ValidationError as error:
        apply_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest) -> HttpResponse:
    districts = policy.runs_districts(request.user)
    if not districts.exists():
        raise PermissionDenied
    form = AgreementForm(
        request.POST or None,
        instance=Agreement(),
        districts=districts,
        initial=preselected(request.GET, "district", districts),
    )
    if request.method == "POST" and form.is_valid():
        agreement = _save_agreement(request, form)
        if agreement is not None:
            messages.success(request, _("The agreement is saved."))
            return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/form.html",
        {"form": form, "agreement": form.instance},
        status=400 if form.errors else 200,
    )


def _latest_only(request: HttpRequest, agreement: Agreement) -> HttpResponse | None:
    """Back to a revised version's page, saying why it cannot be changed."""
    if not services.revised(agreement):
        return None
    messages.error(request, services.revised_reason(agreement))
    return redirect("agreements:detail", pk=agreement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, action=policy.CHANGE)
    if request.method == "GET" and (back := _latest_only(request, agreement)):
        return back
    form = AgreementForm(
        request.POST or None, instance=agreement, districts=policy.runs_districts(request.user)
    )
    if request.method == "POST" and form.is_valid() and _save_agreement(request, form):
        messages.success(request, _("The agreement is saved."))
        return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/form.html",
        {"form": form, "agreement": agreement},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of this one, for a new period; it closes this one the day before."""
    agreement = _agreement(request, pk, action=policy.CHANGE)
    if request.method == "GET" and (back := _latest_only(request, agreement)):
        return back
    form = RevisionForm(request.POST or None, prefix="revision")
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.revise(
                agreement=agreement,
                by=request.user,
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The revised version is saved, unsigned."))
            return redirect("agreements:detail", pk=revision.pk)
    return render(
        request,
        "agreements/revise.html",
        {"form": form, "agreement": agreement},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def priority_save(request: HttpRequest, pk: int, priority_pk: int | None = None) -> HttpResponse:
    agreement = _agreement(request, pk, action=policy.CHANGE)
    instance = (
        get_object_or_404(Priority, pk=priority_pk, agreement=agreement)
        if priority_pk
        else Priority(agreement=agreement)
    )
    form = PriorityForm(request.POST, instance=instance, agreement=agreement, prefix="priority")
    if form.is_valid():
        try:
            services.priority_save(
                priority=form.instance,
                by=request.user,
                categories=form.cleaned_data.get("categories") or [],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The priority is saved."))
            return redirect("agreements:detail", pk=agreement.pk)
    if priority_pk:
        return render(
            request,
            "agreements/priority_form.html",
            {"form": form, "agreement": agreement, "priority": instance},
            status=400,
        )
    return render(
        request,
        "agreements/detail.html",
        _detail_context(request, agreement, True, priority_form=form),
        status=400,
    )


@login_required
def priority_edit(request: HttpRequest, pk: int, priority_pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, action=policy.CHANGE)
    if back := _latest_only(request, agreement):
        return back
    priority = get_object_or_404(Priority, pk=priority_pk, agreement=agreement)
    form = PriorityForm(instance=priority, agreement=agreement, prefix="priority")
    return render(
        request,
        "agreements/priority_form.html",
        {"form": form, "agreement": agreement, "priority": priority},
    )


@login_required
@require_POST
def responsibility_save(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, action=policy.CHANGE)
    form = ResponsibilityForm(
        request.POST,
        instance=Responsibility(agreement=agreement),
        agreement=agreement,
        prefix="responsibility",
    )
    if form.is_valid():
        try:
            services.responsibility_save(row=form.instance, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The responsibility is saved."))
            return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/detail.html",
        _detail_context(request, agreement, True, responsibility_form=form),
        status=400,
    )


@login_required
@require_POST
def responsibility_delete(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, action=policy.CHANGE)
    row = get_object_or_404(Responsibility, pk=row_pk, agreement=agreement)
    try:
        services.responsibility_remove(row=row, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The responsibility is removed."))
    return redirect("agreements:detail", pk=agreement.pk)


@login_required
def agreement_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed against the version this one revises."""
    agreement = _agreement(request, pk)
    if agreement.previous is None:
        raise Http404
    return render(
        request,
        "agreements/diff.html",
        {
            "agreement": agreement,
            "old": agreement.previous,
            "rows": services.differences(agreement.previous, agreement),
        },
    )


def _followup(request: HttpRequest, pk: int, year: int) -> tuple[Agreement, list[Any]]:
    agreement = _agreement(request, pk)
    if not agreement.valid_from.year <= year <= agreement.valid_to.year:
        raise Http404
    return agreement, queries.followup(user=request.user, agreement=agreement, year=year)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_followup(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The year's figures per priority, and the parties' written conclusions beside them."""
    agreement, rows = _followup(request, pk, year)
    written = agreement.followups.filter(year=year).select_related("written_by").first()
    may_write = policy.can(request.user, policy.CHANGE, agreement)
    form = None
    if may_write:
        form = AssessmentForm(
            request.POST or None, initial={"assessment": written.assessment if written else ""}
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.followup_write(
                    agreement=agreement,
                    year=year,
                    assessment=form.cleaned_data["assessment"],
                    by=request.user,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The follow-up is saved."))
                return redirect("agreements:followup", pk=agreement.pk, year=year)
    return render(
        request,
        "agreements/followup.html",
        {
            "agreement": agreement,
            "year": year,
            "rows": rows,
            "written": written,
            "form": form,
            "reports_begin": queries.reports_begin(user=request.user, agreement=agreement),
            "years": list(range(agreement.valid_from.year, agreement.valid_to.year + 1)),
            "complete": dt.date(year + 1, 1, 1) <= timezone.localdate(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def agreement_followup_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    agreement, rows = _followup(request, pk, year)
    written = agreement.followups.filter(year=year).first()
    pdf = followup_pdf(
        agreement,
        year,
        rows,
        assessment=written.assessment if written else "",
        reports_begin=queries.reports_begin(user=request.user, agreement=agreement),
        generated_at=timezone.localtime(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    district = slugify(agreement.district.name) or "omrade"
    response["Content-Disposition"] = (
        f'attachment; filename="uppfoljning-{district}-v{agreement.version}-{year}.pdf"'
    )
    return response


@login_required
def city_overview(request: HttpRequest) -> HttpResponse:
    """Every district of the administered cities and the state of its agreement."""
    if not policy.administered_cities(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "agreements/overview.html",
        {"rows": queries.city_overview(user=request.user, today=today), "today": today},
    )

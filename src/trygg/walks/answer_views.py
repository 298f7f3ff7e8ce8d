"""The owners' pages: the findings assigned to one's organisations, and answering one."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from trygg.core import policy
from trygg.geo import queries as geo_queries
from trygg.measures.models import Measure
from trygg.walks import services
from trygg.walks.models import Factor, FeltBy, Finding

FACTOR_LABELS = dict(Factor.choices)
FELT_BY_LABELS = dict(FeltBy.choices)


class AnswerForm(forms.Form):
    """Reads the answer; the service decides what each answer needs and names the field."""

    answer = forms.ChoiceField(
        label=gettext_lazy("Answer"),
        choices=Finding.Answer.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    answer_date = forms.DateField(
        label=gettext_lazy("To be done by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Needed when you will do it."),
    )
    answer_text = forms.CharField(
        label=gettext_lazy("What you will do, or why not"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Needed when you will not do it. The residents read it in the protocol."
        ),
    )


def _findings(user: Any) -> QuerySet[Finding]:
    """The findings owned by the user's organisations, each with what its row shows."""
    return (
        Finding.objects.filter(owner_id__in=policy.scope(user).member_org_ids)
        .select_related("walk__district", "walk__place", "stop", "owner", "measure")
        .prefetch_related("photos")
    )


def _describe(finding: Finding) -> Finding:
    finding.factor_labels = [str(FACTOR_LABELS.get(f, f)) for f in finding.factors]
    finding.felt_by_labels = [str(FELT_BY_LABELS.get(f, f)) for f in finding.felt_by]
    return finding


def _point(finding: Finding, url: str = "") -> dict[str, Any]:
    name = f"{finding.stop.number}. {finding.stop.name}" if finding.stop else _("Finding")
    properties: dict[str, Any] = {"name": name, "level": "report"}
    if url:
        properties["url"] = url
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(finding.lon, 6), round(finding.lat, 6)],
        },
        "properties": properties,
    }


@login_required
def assigned(request: HttpRequest) -> HttpResponse:
    findings = [_describe(f) for f in _findings(request.user)]
    # Walks with something left to answer first, the latest first; within a walk the
    # unanswered findings first, then in the order of the route.
    findings.sort(key=lambda f: (f.walk.starts_at, f.walk_id), reverse=True)
    walks = []
    for _walk_id, group in groupby(findings, key=lambda f: f.walk_id):
        items = sorted(group, key=lambda f: (bool(f.answer), f.stop.number if f.stop else 0, f.pk))
        walks.append({"walk": items[0].walk, "findings": items})
    walks.sort(key=lambda w: all(f.answer for f in w["findings"]))
    map_data = {
        "type": "FeatureCollection",
        "features": [_point(f, reverse("walks:answer", args=[f.pk])) for f in findings],
    }
    return render(
        request,
        "walks/assigned.html",
        {
            "walks": walks,
            "unanswered": sum(1 for f in findings if not f.answer),
            "map_data": map_data,
        },
    )


def _measure_link(finding: Finding) -> str:
    """The measure form, filled in from the finding; its place is the walk's, if any."""
    params = {
        "origin": "walk_finding",
        "origin_ref": finding.pk,
        "district": finding.walk.district_id,
    }
    if finding.walk.place_id:
        params["place"] = finding.walk.place_id
    return f"{reverse('measures:new')}?{urlencode(params)}"


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    finding = policy.access(request.user, Finding, pk, action=policy.ANSWER)
    finding = _describe(_findings(request.user).get(pk=finding.pk))
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.finding_answer(
                    finding=finding,
                    by=request.user,
                    answer=data["answer"],
                    text=data["answer_text"],
                    date=data["answer_date"],
                )
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            else:
                messages.success(request, _("Your answer is saved."))
                return redirect("walks:assigned")
    else:
        form = AnswerForm(
            initial={
                "answer": finding.answer,
                "answer_date": finding.answer_date,
                "answer_text": finding.answer_text,
            }
        )
    walk = finding.walk
    runs = policy.runs_districts(request.user).filter(pk=walk.district_id).exists()
    linked = (
        policy.visible(request.user, Measure).filter(pk=finding.measure_id).first()
        if finding.measure_id
        else None
    )
    map_data = geo_queries.map_features(districts=[], places=[walk.place] if walk.place else [])
    map_data["features"].append(_point(finding))
    return render(
        request,
        "walks/answer.html",
        {
            "finding": finding,
            "walk": walk,
            "form": form,
            "measure_url": _measure_link(finding) if runs and not finding.measure_id else "",
            "runs_district": runs,
            "linked_measure": linked,
            "map_data": map_data,
            "illustrative": geo_queries.illustrative(districts=[walk.district]),
        },
        status=400 if form.errors else 200,
    )

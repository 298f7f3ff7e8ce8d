"""Did it work? A measure's evaluation, and the yearly follow-up of all measures."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping

from trygg.analytics import evaluation as ev
from trygg.core import policy
from trygg.geo.projection import SWEREF99TM, WGS84, reproject
from trygg.measures import effects
from trygg.measures.models import Measure
from trygg.situation.periods import FIRST_YEAR


def _percent(value: float) -> str:
    """A signed whole percentage in the current locale: +12, −35."""
    number = formats.number_format(abs(round(value)), 0)
    if round(value) > 0:
        return f"+{number}"
    if round(value) < 0:
        return f"−{number}"
    return number


def _p_value(p: float) -> str:
    if p < 0.001:
        return "< " + formats.number_format(0.001, 3)
    return "= " + formats.number_format(p, 3)


def effect_words(effect: ev.EffectEstimate, comparison: str) -> dict[str, str]:
    """The verdict for people: a label, how sure it is, and the sentence with the numbers."""
    code = effect.verdict.code
    numbers = {
        "comparison": comparison,
        "change": _percent(effect.percent_change),
        "low": _percent(effect.percent_change_ci_low),
        "high": _percent(effect.percent_change_ci_high),
        "level": formats.number_format(effect.confidence_level * 100, 0),
        "p": _p_value(effect.p_value),
    }
    change = (
        _(
            "Relative to %(comparison)s, the reports in the target area changed by %(change)s %% "
            "(%(level)s %% confidence interval %(low)s to %(high)s %%)."
        )
        % numbers
    )
    shown = {k: numbers[k] for k in ("change", "low", "high")}
    if code == ev.FALL_LIKELY_REAL:
        return {
            **shown,
            "label": _("Fall"),
            "certainty": _("likely not chance"),
            "sentence": change
            + " "
            + _(
                "The whole interval lies below no change, so the fall is very unlikely to be "
                "chance alone (p %(p)s)."
            )
            % numbers,
        }
    if code == ev.RISE_LIKELY_REAL:
        return {
            **shown,
            "label": _("Rise"),
            "certainty": _("likely not chance"),
            "sentence": change
            + " "
            + _(
                "The whole interval lies above no change, so the rise is very unlikely to be "
                "chance alone (p %(p)s)."
            )
            % numbers,
        }
    if code == ev.NO_CLEAR_CHANGE:
        return {
            **shown,
            "label": _("No clear change"),
            "certainty": _("the difference could be chance"),
            "sentence": change
            + " "
            + _(
                "The interval includes no change, so we cannot tell the difference from chance "
                "(p %(p)s)."
            )
            % numbers,
        }
    params = effect.verdict.params
    return {
        **shown,
        "label": _("Too few events"),
        "certainty": _("too few to say anything"),
        "sentence": _(
            "Before and after together there were %(target)d reports in the target area and "
            "%(comparison_n)d in %(comparison)s; at least %(min)d in each are needed, and none of "
            "the four counts may be zero."
        )
        % {
            "target": int(params.get("target_events", 0)),
            "comparison_n": int(params.get("comparison_events", 0)),
            "comparison": comparison,
            "min": int(params.get("min_events", effect.min_events)),
        },
    }


def displacement_words(verdict: ev.Verdict | None) -> str:
    """Bowers & Johnson's reading of the WDQ, in words."""
    if verdict is None:
        return _(
            "No buffer could be drawn around the target area, so displacement is not measured."
        )
    code, reason = verdict.code, verdict.reason
    if code == ev.DIFFUSION_GREATER_THAN_EFFECT:
        return _(
            "Diffusion of benefits greater than the direct effect: the surroundings improved "
            "even more than the target area."
        )
    if code == ev.SOME_DIFFUSION:
        return _(
            "Some diffusion of benefits: the surroundings improved too, though less than the "
            "target area."
        )
    if code == ev.NO_DISPLACEMENT_OR_DIFFUSION:
        return _(
            "Neither displacement nor diffusion: the surroundings followed the comparison area."
        )
    if code == ev.SOME_DISPLACEMENT:
        return _(
            "Some displacement into the surroundings, but less than the direct effect: the "
            "measure still did more good than harm."
        )
    if code == ev.DISPLACEMENT_GREATER_THAN_EFFECT:
        return _(
            "Displacement greater than the direct effect: the surroundings worsened more than "
            "the target area improved, so the measure made things worse overall."
        )
    if reason == "no_control_events":
        return _("Not interpretable: the comparison area had no reports in one of the periods.")
    if reason == "no_success":
        return _(
            "Not interpretable: the target area did not fall relative to the comparison area, "
            "so there is no effect to be displaced."
        )
    return _(
        "Not read: the fall in the target area is not clearly more than chance, so "
        "displacement cannot be weighed against it."
    )


def _map_data(evaluation: effects.Evaluation) -> dict[str, Any]:
    features = []
    if evaluation.ring is not None:
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(reproject(evaluation.ring, SWEREF99TM, WGS84)),
                "properties": {"name": _("Buffer (200 m)"), "level": "district", "url": ""},
            }
        )
    features.append(
        {
            "type": "Feature",
            "geometry": mapping(reproject(evaluation.target_outline, SWEREF99TM, WGS84)),
            "properties": {"name": _("Target area"), "level": "place", "url": ""},
        }
    )
    return {"type": "FeatureCollection", "features": features}


@login_required
def measure_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    """Before and after in the target, the buffer and a comparison area, with the verdict."""
    measure = policy.access(request.user, Measure, pk)
    context: dict[str, Any] = {
        "measure": measure,
        "weeks_value": request.GET.get("weeks", ""),
        "min_weeks": effects.MIN_WEEKS,
        "max_weeks": effects.MAX_WEEKS,
        "default_weeks": effects.default_weeks(measure),
        "followup_url": reverse("measures:followup", args=[measure.start.year]),
    }
    try:
        weeks = effects.evaluation_weeks(measure, request.GET.get("weeks"))
    except ValidationError as error:
        context["errors"] = error.message_dict
        return render(request, "measures/evaluation.html", context, status=400)
    evaluation = effects.evaluation_of(
        user=request.user, measure=measure, today=timezone.localdate(), weeks=weeks
    )
    context.update(
        evaluation=evaluation,
        weeks_value=weeks,
        map_data=_map_data(evaluation),
        counts_hidden=_counts_hidden(request.user, measure, evaluation),
        minimum=settings.TRYGG_MIN_SHARED_COUNT,
    )
    if evaluation.result is not None and evaluation.comparison_district is not None:
        context["words"] = effect_words(
            evaluation.result.effect, evaluation.comparison_district.name
        )
        context["displacement_words"] = displacement_words(evaluation.result.displacement_verdict)
        if context["counts_hidden"] and evaluation.result.effect.verdict.code == ev.TOO_FEW_EVENTS:
            # The usual sentence quotes the counts the table leaves out.
            context["words"]["sentence"] = _(
                "There were too few reports before and after to tell an effect from chance."
            )
    return render(request, "measures/evaluation.html", context)


def _counts_hidden(user: Any, measure: Measure, evaluation: Any) -> bool:
    """Whether the counts are too small to show to someone who does not run the district.

    The counts cover every report of the areas (see ``policy.aggregated_reports``); like
    the situation picture, a partner sees none below the minimum, nor the figures they
    could be worked back from, only the verdict in words.
    """
    if policy.runs_districts(user).filter(pk=measure.district_id).exists():
        return False
    minimum = settings.TRYGG_MIN_SHARED_COUNT
    areas = [evaluation.target, evaluation.buffer, evaluation.comparison]
    counts = [n for a in areas if a is not None for n in (a.before, a.after)]
    return any(0 < n < minimum for n in counts)


@login_required
def yearly_followup(request: HttpRequest, year: int) -> HttpResponse:
    """Every measure of a year with its result, and the kinds of measure ranked by effect."""
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year + 1:
        raise Http404
    followup = effects.followup_of(user=request.user, year=year, today=today)
    rows = []
    for row in followup.rows:
        evaluation = row.evaluation
        words = None
        if evaluation is not None and evaluation.result and evaluation.comparison_district:
            words = effect_words(evaluation.result.effect, evaluation.comparison_district.name)
        rows.append((row, words))
    kinds = [
        (
            k,
            {
                "change": _percent(k.pooled.percent_change),
                "low": _percent(k.pooled.percent_change_ci_low),
                "high": _percent(k.pooled.percent_change_ci_high),
            }
            if k.pooled
            else None,
        )
        for k in followup.kinds
    ]
    return render(
        request,
        "measures/followup.html",
        {
            "year": year,
            "followup": followup,
            "rows": rows,
            "kinds": kinds,
            "today": today,
            "previous_url": reverse("measures:followup", args=[year - 1])
            if year > FIRST_YEAR
            else "",
            "next_url": reverse("measures:followup", args=[year + 1])
            if year < today.year + 1
            else "",
        },
    )

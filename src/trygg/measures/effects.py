"""Did a measure work? Its evaluation periods, its counts and the verdict, as one user sees them.

Reads and glue around :mod:`trygg.analytics.evaluation`. For one measure:

- *Periods.* The after period runs from the start for a length that defaults to
  the measure's own period (start to due, both days included), rounded up to
  whole weeks and at least eight weeks, and ends no later than yesterday. The
  before period has the same length and ends the day before the start, so that
  both cover the same weekdays. A longer after period may be asked for in weeks;
  a shorter one than the measure's own would judge it before it is done, and is
  refused.
- *Areas.* The target is the measure's drawn area, place or district
  (``services._target_outline``). The buffer is the ring 200 m around it, cut
  to the city's districts it touches. The comparison area is the chosen
  comparison district, or else a suggested one: the other district of the city
  whose count in the before period is nearest, on a log scale, to that of the
  measure's own district, among those that overlap neither target nor buffer.
- *Counts.* The reports of the measure's categories (all, when it names none)
  that the user may see and that count in the situation picture. A drawn target
  and the buffer count only reports placed at a point or a street: a report
  known only to a place or coarser sits at a centroid that says nothing about
  which side of a drawn line it happened on. A place counts the reports linked
  to it, a district those in it.

The yearly follow-up evaluates every measure of a year and pools each kind's
relative effect sizes with the fixed-effect (inverse-variance) mean of
:func:`pool`, as Welsh & Farrington's systematic reviews do.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from trygg.analytics.evaluation import (
    TOO_FEW_EVENTS,
    EffectEstimate,
    MeasureEvaluation,
    evaluate_measure,
)
from trygg.core import policy
from trygg.geo.models import District
from trygg.geo.projection import sweref_shape
from trygg.measures.kinds import Kind
from trygg.measures.models import Measure
from trygg.measures.services import _target_outline
from trygg.measures.workflow import Status
from trygg.reports.models import Category
from trygg.situation import queries
from trygg.situation.periods import CUSTOM, Period

# Shorter periods hold too few reports to tell a change from chance.
MIN_WEEKS = 8
# Three years: as far as a custom period of the situation picture reaches.
MAX_WEEKS = 156
BUFFER_METRES = 200.0
# Districts sharing only an edge with the target or buffer intersect in a sliver of float noise.
_OVERLAP_M2 = 1.0

NOT_STARTED = "not_started"
NOTHING_AFTER = "nothing_after"
EVALUATED = "evaluated"

# Measures that were carried out, and so can have had an effect.
CARRIED_OUT = (Status.DECIDED, Status.IN_PROGRESS, Status.DONE, Status.FOLLOWED_UP)


@dataclass(frozen=True)
class Counts:
    """Events in one area before and after the start, and per week."""

    before: int
    after: int
    days: int

    @property
    def per_week_before(self) -> float:
        return self.before * 7 / self.days if self.days else 0.0

    @property
    def per_week_after(self) -> float:
        return self.after * 7 / self.days if self.days else 0.0


@dataclass(frozen=True)
class Evaluation:
    """Everything the evaluation page shows of one measure.

    ``state`` is :data:`NOT_STARTED`, :data:`NOTHING_AFTER` (it started today)
    or :data:`EVALUATED`; only the last has periods and counts. ``result`` is
    None without a comparison district.
    """

    measure: Measure
    state: str
    weeks: int
    default_weeks: int
    own_days: int
    planned_end: dt.date
    categories: list[Category]
    target_outline: BaseGeometry
    ring: BaseGeometry | None = None
    before: Period | None = None
    after: Period | None = None
    target: Counts | None = None
    buffer: Counts | None = None
    comparison_district: District | None = None
    comparison_suggested: bool = False
    comparison_overlaps_buffer: bool = False
    comparison: Counts | None = None
    result: MeasureEvaluation | None = None

    @property
    def complete(self) -> bool:
        """Whether the after period has run its full length."""
        return self.after is not None and self.after.end >= self.planned_end

    @property
    def evaluable(self) -> bool:
        """Whether there is an effect estimate that says something."""
        return self.result is not None and self.result.effect.verdict.code != TOO_FEW_EVENTS

    @property
    def did_per_week(self) -> float | None:
        if self.result is None:
            return None
        return self.result.effect.rate_difference_in_differences * 7

    @property
    def did_interval_per_week(self) -> tuple[float, float] | None:
        if self.result is None:
            return None
        effect = self.result.effect
        return effect.rate_did_ci_low * 7, effect.rate_did_ci_high * 7


def own_days(measure: Measure) -> int:
    """The measure's own period in days, start and due both included."""
    return (measure.due - measure.start).days + 1


def default_weeks(measure: Measure) -> int:
    return max(MIN_WEEKS, math.ceil(own_days(measure) / 7))


def evaluation_weeks(measure: Measure, asked: str | None) -> int:
    """The after period's length in weeks: the one asked for, checked, or the default.

    Raises ``ValidationError`` on the field ``weeks``.
    """
    if asked is None or not asked.strip():
        return default_weeks(measure)
    try:
        weeks = int(asked.strip())
    except ValueError:
        raise ValidationError(
            {"weeks": _("Give the evaluation period in whole weeks, e.g. 8.")}
        ) from None
    if weeks < 1 or weeks > MAX_WEEKS:
        raise ValidationError(
            {
                "weeks": _("The evaluation period must be between 1 and %(max)d weeks.")
                % {"max": MAX_WEEKS}
            }
        )
    days = own_days(measure)
    if weeks * 7 < days:
        raise ValidationError(
            {
                "weeks": _(
                    "An evaluation period of %(weeks)d weeks is shorter than the measure's own "
                    "period (%(days)d days from start to due); choose at least %(least)d weeks."
                )
                % {"weeks": weeks, "days": days, "least": math.ceil(days / 7)}
            }
        )
    return weeks


def evaluation_of(
    *,
    user: Any,
    measure: Measure,
    today: dt.date,
    weeks: int | None = None,
    districts: Sequence[District] | None = None,
) -> Evaluation:
    """Evaluate a measure as of ``today`` from the reports the user may see.

    ``weeks`` must have passed :func:`evaluation_weeks`; ``districts``, the city's
    districts, may be passed in when many measures of one city are evaluated.
    """
    weeks = default_weeks(measure) if weeks is None else weeks
    outline = _target_outline(measure)
    categories = list(measure.categories.all())
    planned_end = measure.start + dt.timedelta(days=7 * weeks)
    base = {
        "measure": measure,
        "weeks": weeks,
        "default_weeks": default_weeks(measure),
        "own_days": own_days(measure),
        "planned_end": planned_end,
        "categories": categories,
        "target_outline": outline,
    }
    if measure.start > today:
        return Evaluation(state=NOT_STARTED, **base)
    # Today is not over: the after period ends yesterday at the latest.
    after_end = min(today, planned_end)
    days = (after_end - measure.start).days
    if days <= 0:
        return Evaluation(state=NOTHING_AFTER, **base)
    before = Period(CUSTOM, measure.start - dt.timedelta(days=days), measure.start)
    after = Period(CUSTOM, measure.start, after_end)
    span = Period(CUSTOM, before.start, after.end)
    category_ids = [c.pk for c in categories]
    if districts is None:
        districts = list(policy.visible(user, District).filter(city_id=measure.city_id))
    shapes = {d.pk: sweref_shape(d.geometry_sweref) for d in districts}

    target = _target_counts(user, measure, outline, shapes, span, category_ids, before)
    widened = outline.buffer(BUFFER_METRES)
    touching = [pk for pk, s in shapes.items() if s.intersection(widened).area > _OVERLAP_M2]
    ring: BaseGeometry | None = None
    buffer: Counts | None = None
    if touching:
        ring = widened.difference(outline).intersection(
            unary_union([shapes[pk] for pk in touching])
        )
        if ring.is_empty or ring.area <= _OVERLAP_M2:
            ring = None
    if ring is not None:
        found = queries.events(
            user=user,
            district_ids=touching,
            clip=ring,
            period=span,
            categories=category_ids,
            counted_in_city=measure.city_id,
        )
        buffer = _split(found.select(found.spot), before, days)

    comparison_district = measure.comparison_district
    suggested = False
    comparison: Counts | None = None
    if comparison_district is not None:
        found = queries.events(
            user=user,
            district_ids=[comparison_district.pk],
            period=span,
            categories=category_ids,
            counted_in_city=measure.city_id,
        )
        comparison = _split(found, before, days)
    else:
        candidates = [pk for pk in shapes if pk != measure.district_id and pk not in touching]
        comparison_district, comparison = _suggest(
            user, measure, districts, candidates, span, category_ids, before, days
        )
        suggested = comparison_district is not None
    overlaps = comparison_district is not None and (
        sweref_shape(comparison_district.geometry_sweref).intersection(widened).area > _OVERLAP_M2
    )

    result: MeasureEvaluation | None = None
    if comparison is not None:
        result = evaluate_measure(
            target.before,
            target.after,
            comparison.before,
            comparison.after,
            buffer_before=buffer.before if buffer else None,
            buffer_after=buffer.after if buffer else None,
            before_days=days,
            after_days=days,
        )
    return Evaluation(
        state=EVALUATED,
        ring=ring,
        before=before,
        after=after,
        target=target,
        buffer=buffer,
        comparison_district=comparison_district,
        comparison_suggested=suggested,
        comparison_overlaps_buffer=overlaps,
        comparison=comparison,
        result=result,
        **base,
    )


def _split(found: queries.Events, before: Period, days: int) -> Counts:
    first_after = queries.day_number(before.end)
    after = int(np.count_nonzero(found.day >= first_after))
    return Counts(before=len(found) - after, after=after, days=days)


def _target_counts(
    user: Any,
    measure: Measure,
    outline: BaseGeometry,
    shapes: dict[int, BaseGeometry],
    span: Period,
    category_ids: list[int],
    before: Period,
) -> Counts:
    days = before.days
    if measure.target_area:
        inside = [pk for pk, s in shapes.items() if s.intersection(outline).area > _OVERLAP_M2]
        found = queries.events(
            user=user,
            district_ids=inside,
            clip=outline,
            period=span,
            categories=category_ids,
            counted_in_city=measure.city_id,
        )
        return _split(found.select(found.spot), before, days)
    if measure.place_id is not None:
        found = queries.events(
            user=user,
            place=measure.place,
            period=span,
            categories=category_ids,
            counted_in_city=measure.city_id,
        )
        return _split(found, before, days)
    found = queries.events(
        user=user,
        district_ids=[measure.district_id],
        period=span,
        categories=category_ids,
        counted_in_city=measure.city_id,
    )
    return _split(found, before, days)


def _suggest(
    user: Any,
    measure: Measure,
    districts: Sequence[District],
    candidates: list[int],
    span: Period,
    category_ids: list[int],
    before: Period,
    days: int,
) -> tuple[District | None, Counts | None]:
    """The candidate district most like the measure's own in its count before the start."""
    if not candidates:
        return None, None
    found = queries.events(
        user=user,
        district_ids=[measure.district_id, *candidates],
        period=span,
        categories=category_ids,
        counted_in_city=measure.city_id,
    )
    in_before = found.day < queries.day_number(before.end)
    own = int(np.count_nonzero(in_before & (found.district == measure.district_id)))
    by_pk = {d.pk: d for d in districts}

    def distance(pk: int) -> tuple[float, str]:
        n = int(np.count_nonzero(in_before & (found.district == pk)))
        return abs(math.log1p(n) - math.log1p(own)), by_pk[pk].name

    chosen = min(candidates, key=distance)
    return by_pk[chosen], _split(found.select(found.district == chosen), before, days)


# Pooling across measures -------------------------------------------------------


@dataclass(frozen=True)
class Pooled:
    """A fixed-effect mean relative effect size over several measures."""

    measures: int
    log_res: float
    se: float
    res: float
    ci_low: float
    ci_high: float
    percent_change: float
    percent_change_ci_low: float
    percent_change_ci_high: float


def pool(estimates: Iterable[EffectEstimate], *, confidence_level: float = 0.95) -> Pooled | None:
    r"""The inverse-variance weighted mean relative effect size, or None without estimates.

    Parameters
    ----------
    estimates : iterable of EffectEstimate
        One per measure, each with ``log_res`` and ``var_log_res``.
    confidence_level : float, default 0.95
        Level of the interval.

    Notes
    -----
    The fixed-effect meta-analysis of Welsh & Farrington (2002, 2009): each
    measure's :math:`\ln \mathrm{RES}_i` is weighted by the inverse of its
    variance, :math:`w_i = 1 / V_i`,

    .. math::

        \overline{\ln \mathrm{RES}} = \frac{\sum w_i \ln \mathrm{RES}_i}{\sum w_i},
        \qquad \operatorname{Var} = \frac{1}{\sum w_i},

    and the interval is :math:`\exp(\overline{\ln \mathrm{RES}} \pm z\,
    \sqrt{\operatorname{Var}})`. Measures with many events weigh more. The
    percentage change is :math:`(1/\mathrm{RES} - 1) \cdot 100` as for one
    measure.

    References
    ----------
    Welsh, B. C., & Farrington, D. P. (2009). Public area CCTV and crime
    prevention: an updated systematic review and meta-analysis. *Justice
    Quarterly*, 26(4), 716–745.

    Examples
    --------
    >>> from trygg.analytics.evaluation import relative_effect_size
    >>> one = relative_effect_size(30, 5, 20, 20)
    >>> round(pool([one]).res, 3) == round(one.res, 3)
    True
    >>> pool([]) is None
    True
    """
    pairs = [(e.log_res, e.var_log_res) for e in estimates]
    if not pairs:
        return None
    weights = [1.0 / var for _, var in pairs]
    total = sum(weights)
    mean = sum(w * log for w, (log, _) in zip(weights, pairs, strict=True)) / total
    se = math.sqrt(1.0 / total)
    z = NormalDist().inv_cdf(0.5 + confidence_level / 2.0)
    res, low, high = math.exp(mean), math.exp(mean - z * se), math.exp(mean + z * se)
    return Pooled(
        measures=len(pairs),
        log_res=mean,
        se=se,
        res=res,
        ci_low=low,
        ci_high=high,
        percent_change=(1.0 / res - 1.0) * 100.0,
        percent_change_ci_low=(1.0 / high - 1.0) * 100.0,
        percent_change_ci_high=(1.0 / low - 1.0) * 100.0,
    )


# The yearly follow-up ------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpRow:
    measure: Measure
    evaluation: Evaluation | None

    @property
    def carried_out(self) -> bool:
        return self.evaluation is not None


@dataclass(frozen=True)
class KindResult:
    kind: str
    label: str
    measures: int
    pooled: Pooled | None


@dataclass(frozen=True)
class FollowUp:
    year: int
    rows: list[FollowUpRow]
    kinds: list[KindResult]


def followup_of(*, user: Any, year: int, today: dt.date) -> FollowUp:
    """Every measure the user may see that was active in ``year``, and the kinds ranked.

    Rejected measures are left out; those proposed or postponed are listed but not
    evaluated, as nothing was done. Kinds are ranked by their pooled relative
    effect size, the largest fall first; kinds without an evaluable measure last.
    """
    measures = list(
        policy.visible(user, Measure)
        .filter(start__lte=dt.date(year, 12, 31), due__gte=dt.date(year, 1, 1))
        .exclude(status=Status.REJECTED)
        .select_related("district", "place", "comparison_district")
        .prefetch_related("categories")
        .order_by("start", "pk")
    )
    city_ids = {m.city_id for m in measures}
    by_city: dict[int, list[District]] = {}
    for district in policy.visible(user, District).filter(city_id__in=city_ids):
        by_city.setdefault(district.city_id, []).append(district)
    rows = [
        FollowUpRow(
            measure=m,
            evaluation=evaluation_of(
                user=user, measure=m, today=today, districts=by_city.get(m.city_id, [])
            )
            if m.status in CARRIED_OUT
            else None,
        )
        for m in measures
    ]
    kinds: list[KindResult] = []
    for kind in sorted({m.kind for m in measures}):
        of_kind = [r for r in rows if r.measure.kind == kind]
        estimates = [
            r.evaluation.result.effect
            for r in of_kind
            if r.evaluation is not None and r.evaluation.evaluable and r.evaluation.result
        ]
        kinds.append(KindResult(kind, str(Kind(kind).label), len(of_kind), pool(estimates)))
    kinds.sort(key=lambda k: (k.pooled is None, -(k.pooled.log_res if k.pooled else 0.0), k.label))
    return FollowUp(year=year, rows=rows, kinds=kinds)

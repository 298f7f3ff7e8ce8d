"""Reads of safety walks: lists, a walk's findings and map, and a walk compared with the last."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo.projection import to_sweref
from trygg.walks.models import Factor, Finding, Stop, Walk

# A finding noted without a stop counts for the nearest stop this close, as the guidance's
# stops are a few hundred metres apart.
STOP_REACH_M = 100.0


def walks_visible_to(*, user: Any) -> QuerySet[Walk]:
    return (
        policy.visible(user, Walk)
        .select_related("district", "place")
        .annotate(finding_count=Count("findings", distinct=True))
        .order_by("-starts_at", "pk")
    )


def findings_of(walk: Walk) -> list[Finding]:
    """The walk's findings in protocol order, numbered from 1 as on the map and in the PDF."""
    findings = list(
        walk.findings.select_related("stop", "owner")
        .prefetch_related("photos")
        .order_by("stop__number", "recorded_at", "pk")
    )
    for number, finding in enumerate(findings, start=1):
        finding.number = number  # type: ignore[attr-defined]
    return findings


def owners_for(walk: Walk) -> QuerySet[Organisation]:
    """Who a finding may be given to: the city's organisations working in the walk's district,
    and any already given one."""
    given = walk.findings.filter(owner__isnull=False).values("owner_id")
    return (
        Organisation.objects.filter(city_id=walk.city_id)
        .filter(Q(districts=walk.district_id) | Q(pk__in=given))
        .distinct()
        .order_by("name")
    )


def factor_labels(values: Iterable[str]) -> list[str]:
    labels = dict(Factor.choices)
    return [str(labels.get(v, v)) for v in values]


def answer_status(finding: Finding) -> str:
    """The state of a finding's answer, as residents read it."""
    if finding.answer:
        label = str(finding.get_answer_display())
        if finding.answer == Finding.Answer.WILL_DO and finding.answer_date:
            label += " " + _("by %(date)s") % {"date": finding.answer_date.isoformat()}
        return label
    if finding.owner_id is None:
        return _("No responsible organisation yet")
    return _("Awaiting answer")


def map_data(walk: Walk, findings: Sequence[Finding], *, public: bool = False) -> dict[str, Any]:
    """District, place, route, numbered stops and numbered findings as one FeatureCollection.

    The public map links nowhere: the district and place pages are for those signed in.
    """
    from trygg.geo.queries import map_features

    data = map_features(districts=[walk.district], places=[walk.place] if walk.place else [])
    if public:
        for feature in data["features"]:
            feature["properties"].pop("url", None)
    if walk.route:
        data["features"].append(
            {
                "type": "Feature",
                "geometry": walk.route,
                "properties": {"name": _("Route"), "level": "route"},
            }
        )
    for stop in walk.stops.all():
        data["features"].append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
                "properties": {
                    "name": f"{stop.number}. {stop.name}",
                    "level": "stop",
                    "number": stop.number,
                },
            }
        )
    for finding in findings:
        number = getattr(finding, "number", finding.pk)
        data["features"].append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [finding.lon, finding.lat]},
                "properties": {
                    "name": _("Finding %(n)s") % {"n": number},
                    "level": "finding",
                    "number": number,
                    "score": finding.score,
                },
            }
        )
    return data


# Comparing a walk with the one before -----------------------------------------------


@dataclass
class Side:
    count: int = 0
    scores: list[int] = field(default_factory=list)
    factors: set[str] = field(default_factory=set)

    @property
    def mean(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


@dataclass
class StopChange:
    """One stop (by number) on both walks: the findings before and now."""

    number: int | None
    name: str
    before: Side
    after: Side

    @property
    def change(self) -> float | None:
        if self.before.mean is None or self.after.mean is None:
            return None
        return self.after.mean - self.before.mean

    @property
    def gone(self) -> list[str]:
        return factor_labels(sorted(self.before.factors - self.after.factors))

    @property
    def appeared(self) -> list[str]:
        return factor_labels(sorted(self.after.factors - self.before.factors))


def stop_numbers(stops: Sequence[Stop], findings: Sequence[Finding]) -> list[int | None]:
    """Each finding's stop number: its own stop, else the nearest stop within STOP_REACH_M."""
    if stops:
        sx, sy = to_sweref(np.array([s.lon for s in stops]), np.array([s.lat for s in stops]))
    numbers: list[int | None] = []
    for finding in findings:
        if finding.stop_id is not None:
            numbers.append(next((s.number for s in stops if s.pk == finding.stop_id), None))
            continue
        if not stops:
            numbers.append(None)
            continue
        distances = np.hypot(sx - finding.x, sy - finding.y)
        nearest = int(np.argmin(distances))
        numbers.append(stops[nearest].number if distances[nearest] <= STOP_REACH_M else None)
    return numbers


def _sides(walk: Walk) -> tuple[dict[int | None, Side], dict[int, str]]:
    stops = list(walk.stops.all())
    findings = list(walk.findings.all())
    sides: dict[int | None, Side] = {}
    for finding, number in zip(findings, stop_numbers(stops, findings), strict=True):
        side = sides.setdefault(number, Side())
        side.count += 1
        side.scores.append(finding.score)
        side.factors.update(finding.factors)
    return sides, {s.number: s.name for s in stops}


def compare(walk: Walk) -> list[StopChange]:
    """Stop by stop, this walk's findings against its previous walk's at the same number.

    Findings at no stop (none within reach) make one last row. Empty without a previous walk.
    """
    if walk.previous_id is None:
        return []
    previous = Walk.objects.get(pk=walk.previous_id)
    after, names = _sides(walk)
    before, old_names = _sides(previous)
    numbers = sorted({n for n in [*after, *before, *names, *old_names] if n is not None})
    rows = [
        StopChange(
            number=n,
            name=names.get(n) or old_names.get(n, ""),
            before=before.get(n, Side()),
            after=after.get(n, Side()),
        )
        for n in numbers
    ]
    if None in after or None in before:
        rows.append(
            StopChange(
                number=None,
                name=_("Away from the stops"),
                before=before.get(None, Side()),
                after=after.get(None, Side()),
            )
        )
    return rows


def rounded(value: float | None) -> str:
    """A mean score as printed: one decimal, a dash for none."""
    if value is None or math.isnan(value):
        return "–"
    return number_format(round(value, 1), 1)

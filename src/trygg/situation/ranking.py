"""The tertial analysis: areas ranked by need, from reports, harm, trend and perceived safety.

Every tertial the EST coordinator ranks the areas in most need: the districts
of a city, or the places of a district. The ranking is computed from arrays
(no database access), so the caller chooses the areas and says which area
each event belongs to.

The need score
--------------
Each area gets a *need score*::

    score = harm-weighted reports
            × 1.5  if its reports rose significantly against the same period last year
            × 1.5  if fewer than half of the surveyed residents feel safe there

* *Harm-weighted reports* is the sum, over the area's reports in the period,
  of each report's category harm weight (``Category.harm_weight``, 1 for
  littering to 10 for violence), so one act of violence weighs as much as ten
  reports of litter.
* *Significant rise*: the area's report count against the same period a year
  earlier, by the exact conditional Poisson test of
  :func:`trygg.analytics.compare.compare_rates` with a false discovery rate
  of 0.05 over the areas ranked (lengths of the periods as exposures). A
  change chance can explain is not a rise. A significant fall does not lower
  the score: the harm is still there, and the fall may be the work of
  measures that should not be withdrawn.
* *Low perceived safety*: the share of surveyed residents who feel safe is
  below ``low_perceived`` (default 0.5, fewer than half). Areas without a
  survey are neither raised nor lowered, and show "no survey".

Areas are ranked by score, highest first; equal scores by name. The factors
multiply, so whatever the number or size of the areas, a significant rise
(or low perceived safety) lifts an area above every area without it that has
less than one and a half times its harm-weighted reports, and both together
above those with less than 2.25 times.
An area without reports in the period scores 0 and ranks last, whatever its
survey says: its survey score is still shown beside it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from trygg.analytics.compare import FALL, NO_CLEAR_CHANGE, RISE, TOO_FEW_EVENTS, compare_rates
from trygg.situation.periods import Period
from trygg.situation.queries import Events, day_number

RISE_FACTOR: Final = 1.5
LOW_SAFETY_FACTOR: Final = 1.5
LOW_PERCEIVED_SAFETY: Final = 0.5

MOST_HARM: Final = "most harm"
SIGNIFICANT_RISE: Final = "significant rise"
LOW_PERCEIVED: Final = "low perceived safety"


def _change_labels() -> dict[str, str]:
    return {
        RISE: _("Rise"),
        FALL: _("Fall"),
        NO_CLEAR_CHANGE: _("No clear change"),
        TOO_FEW_EVENTS: _("Too few events"),
    }


def _reason_labels() -> dict[str, str]:
    return {
        MOST_HARM: _("Most harm"),
        SIGNIFICANT_RISE: _("Significant rise against last year"),
        LOW_PERCEIVED: _("Low perceived safety"),
    }


@dataclass(frozen=True)
class Need:
    """One area's place in the tertial ranking.

    Attributes
    ----------
    rank : int
        1 for the area in most need; unique, ties broken by name.
    id, name : int, str
        The area.
    count : int or None
        Counted reports in the period; None when suppressed (see :func:`suppressed`).
    weighted : int or None
        Harm-weighted reports: the sum of their categories' harm weights.
    share : float or None
        ``weighted`` as a share (0–1) of the harm-weighted reports of all areas ranked.
    last_year_count : int or None
        Reports in the same period a year earlier.
    rate_ratio : float or None
        Report rate against last year (period lengths taken into account);
        None when there were no reports last year.
    change : str
        The classification of :func:`~trygg.analytics.compare.compare_rates`:
        ``"rise"``, ``"fall"``, ``"no clear change"`` or ``"too few events"``.
    perceived : float or None
        Perceived safety from a survey, the share (0–1) of respondents who
        feel safe; None when the area has no survey.
    score : float or None
        The need score of the module docstring.
    reasons : tuple of str
        Codes of what put the area where it is: :data:`MOST_HARM`,
        :data:`SIGNIFICANT_RISE`, :data:`LOW_PERCEIVED`.
    """

    rank: int
    id: int
    name: str
    count: int | None
    weighted: int | None
    share: float | None
    last_year_count: int | None
    rate_ratio: float | None
    change: str
    perceived: float | None
    score: float | None
    reasons: tuple[str, ...] = ()

    @property
    def change_label(self) -> str:
        return _change_labels()[self.change]

    @property
    def reason_labels(self) -> list[str]:
        labels = _reason_labels()
        return [labels[r] for r in self.reasons]

    @property
    def share_percent(self) -> int | None:
        return None if self.share is None else round(100 * self.share)

    @property
    def perceived_percent(self) -> int | None:
        return None if self.perceived is None else round(100 * self.perceived)


def harm_of(events: Events, harm: Mapping[int, int]) -> NDArray[np.int64]:
    """The harm weight of each event, from its category.

    Raises ``ValueError`` when an event's category has no weight in ``harm``,
    since counting it as anything would be a guess.

    >>> import numpy as np
    >>> from trygg.situation.queries import Events
    >>> n = np.zeros(3, dtype=np.int64)
    >>> e = Events(x=n * 1.0, y=n * 1.0, day=n, weekday=n, hour=n,
    ...            category=np.array([7, 4, 7]), spot=n > 0, district=n)
    >>> harm_of(e, {4: 1, 7: 10}).tolist()
    [10, 1, 10]
    """
    return _weights(events.category, harm)


def _weights(category: NDArray[np.int64], harm: Mapping[int, int]) -> NDArray[np.int64]:
    if not category.size:
        return np.zeros(0, dtype=np.int64)
    keys = np.array(sorted(harm), dtype=np.int64)
    values = np.array([harm[int(k)] for k in keys], dtype=np.int64)
    at = np.searchsorted(keys, category)
    known = at < keys.size
    known[known] = keys[at[known]] == category[known]
    if not known.all():
        missing = sorted(set(category[~known].tolist()))
        raise ValueError(f"no harm weight for categories {missing}")
    return values[at]


def _per_area(
    ids: NDArray[np.int64],
    events: Events,
    area: NDArray[np.int64] | None,
    period: Period,
    harm: Mapping[int, int],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Report counts and harm-weighted counts per area (in ``ids`` order) within the period."""
    of = events.district if area is None else np.asarray(area, dtype=np.int64)
    if of.shape != (len(events),):
        raise ValueError("the area ids must have one element per event")
    keep = (events.day >= day_number(period.start)) & (events.day < day_number(period.end))
    at = np.searchsorted(ids, of)
    inside = at < ids.size
    inside[inside] = ids[at[inside]] == of[inside]
    keep &= inside
    index = at[keep]
    weights = _weights(events.category[keep], harm)
    counts = np.bincount(index, minlength=ids.size).astype(np.int64)
    weighted = np.bincount(index, weights=weights, minlength=ids.size)
    return counts, np.rint(weighted).astype(np.int64)


def rank_areas(
    *,
    areas: Sequence[tuple[int, str]],
    now: Events,
    last_year: Events,
    harm: Mapping[int, int],
    period: Period,
    last_year_period: Period,
    now_area: NDArray[np.int64] | None = None,
    last_year_area: NDArray[np.int64] | None = None,
    perceived: Mapping[int, float] | None = None,
    low_perceived: float = LOW_PERCEIVED_SAFETY,
) -> list[Need]:
    """Rank the areas by need, as the module docstring defines it.

    Parameters
    ----------
    areas : sequence of (id, name)
        The areas to rank, e.g. the districts of a city or the places of a district.
    now, last_year : Events
        Events of this period and of the same period a year earlier. Events
        outside the period, or in no area listed, are left out.
    harm : mapping of category id to harm weight
        ``Category.harm_weight`` of every category the events hold.
    period, last_year_period : Period
        The periods compared; their lengths are the exposures of the test.
    now_area, last_year_area : ndarray of int, optional
        The area id of each event (one element per event); by default the
        event's district (``Events.district``). An id not in ``areas``
        (e.g. -1 for none) leaves the event out.
    perceived : mapping of area id to float, optional
        Perceived safety per area from a survey: the share (0–1) of
        respondents who feel safe. Areas missing from it show "no survey".
    low_perceived : float, default 0.5
        A survey share below this is low perceived safety.

    Returns
    -------
    list of Need
        Every area listed, by rank; empty when no area has a report in the period.

    Raises
    ------
    ValueError
        On duplicate area ids, area-id arrays of the wrong length, a category
        without a harm weight, or a perceived-safety share outside 0–1.
    """
    perceived = dict(perceived or {})
    for value in perceived.values():
        if not 0.0 <= value <= 1.0:
            raise ValueError("perceived safety must be a share between 0 and 1")
    names = dict(areas)
    if len(names) != len(areas):
        raise ValueError("duplicate area ids")
    if not names:
        return []
    ids = np.array(sorted(names), dtype=np.int64)
    counts, weighted = _per_area(ids, now, now_area, period, harm)
    if not counts.any():
        return []
    ly_counts, _ly_weighted = _per_area(ids, last_year, last_year_area, last_year_period, harm)
    trend = compare_rates(
        counts,
        ly_counts,
        current_exposure=float(period.days),
        reference_exposure=float(last_year_period.days),
    )
    total = int(weighted.sum())
    top = int(weighted.max())

    rows = []
    for i, area_id in enumerate(ids.tolist()):
        change = str(trend.classification[i])
        survey = perceived.get(area_id)
        reasons = []
        score = float(weighted[i])
        if top > 0 and weighted[i] == top:
            reasons.append(MOST_HARM)
        if change == RISE:
            score *= RISE_FACTOR
            reasons.append(SIGNIFICANT_RISE)
        if survey is not None and survey < low_perceived:
            score *= LOW_SAFETY_FACTOR
            reasons.append(LOW_PERCEIVED)
        ratio = float(trend.rate_ratio[i])
        rows.append(
            Need(
                rank=0,
                id=area_id,
                name=names[area_id],
                count=int(counts[i]),
                weighted=int(weighted[i]),
                share=int(weighted[i]) / total if total else 0.0,
                last_year_count=int(ly_counts[i]),
                rate_ratio=ratio if math.isfinite(ratio) else None,
                change=change,
                perceived=survey,
                score=score,
                reasons=tuple(reasons),
            )
        )
    rows.sort(key=lambda need: (-(need.score or 0.0), need.name.casefold(), need.id))
    return [dataclasses.replace(need, rank=n) for n, need in enumerate(rows, start=1)]


def suppressed(needs: Sequence[Need], minimum: int) -> list[Need]:
    """The ranking as partners may see it: counts 0 < n < minimum hidden, ranks kept.

    Where an area's report count is hidden, so are the figures it could be
    worked back from: its harm-weighted count, share, score and rate ratio.
    A small count last year hides itself and the rate ratio. When any count is
    hidden, every area's share is, as the shares would give away the total.
    Ranks, changes and reasons stay.
    """

    def small(n: int | None) -> bool:
        return n is not None and 0 < n < minimum

    # Another area's share would give away the total, and with it the hidden harm.
    hide_shares = any(small(need.count) for need in needs)
    out = []
    for need in needs:
        if hide_shares:
            need = dataclasses.replace(need, share=None)
        if small(need.last_year_count):
            need = dataclasses.replace(need, last_year_count=None, rate_ratio=None)
        if small(need.count):
            need = dataclasses.replace(
                need, count=None, weighted=None, share=None, score=None, rate_ratio=None
            )
        out.append(need)
    return out

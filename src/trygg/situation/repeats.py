"""The near-repeat section of the situation picture: a Knox test of the repeat-prone categories.

After a burglary the homes nearby run a higher risk for a few weeks (Johnson et
al. 2007); the Near Repeat Calculator (Ratcliffe 2009) shows this as a table of
Knox ratios by distance band × time band. This module picks the events, the
bands and the seed, runs :func:`trygg.analytics.nearrepeat.knox_test` and words
the result for the page.

*Bands.* Space ``[0, 100, 200, 400]`` m and time ``[0, 7, 14, 28]`` days with
``closed="right"``: "0–100 m", "101–200 m", "201–400 m" and "0–7", "8–14",
"15–28 days", each band holding its upper edge, plus the Calculator's "beyond"
row and column. A city district is a few kilometres across; 100 m is a block,
400 m a short walk, and the literature finds the excess risk of burglary within
about 200–400 m and two to four weeks (Johnson et al. 2007; Bowers & Johnson
2004), so these bands cover it with one band on either side to show where it
ends. Days are whole local dates, so the time bands are exact. There is no
"same location" row: reports placed at street precision share the street's
point, so a distance of 0 would mean "same street" as often as "same address".

*Window.* The events of the 365 days before ``end`` (``end`` excluded, as a
:class:`~trygg.situation.periods.Period` ends): a year gives a district's
burglaries enough pairs and covers every season, so the pattern does not
change with the period chosen on the page. The caller fetches at least
:data:`WINDOW_DAYS` days before ``end``.

*Elevated.* A near cell is marked elevated as in the Calculator: p below
:data:`ALPHA` and a Knox ratio above :data:`ELEVATED_RATIO`. With nine near
cells that marks one somewhere in about a quarter of tables of events with no
pattern, so the sentence claims a pattern only when an elevated cell is also
significant after a max-T adjustment over the nine (:func:`_family_p`).

*Stability.* 99 permutations, as the Calculator's default, from a generator
seeded by a hash of the events tested (sorted first, as the database returns
rows in no fixed order), so reloading the page gives the same table.

References
----------
Bowers, K. J., & Johnson, S. D. (2004). Who commits near repeats? A test of
the boost explanation. *Western Criminology Review*, 5(3), 12–24.

Johnson, S. D., Bernasco, W., Bowers, K. J., Elffers, H., Ratcliffe, J.,
Rengert, G., & Townsley, M. (2007). Space–time patterns of risk: a cross
national assessment of residential burglary victimization. *Journal of
Quantitative Criminology*, 23(3), 201–219.

Ratcliffe, J. H. (2009). *Near Repeat Calculator* (version 1.3). Temple
University, Philadelphia, and the National Institute of Justice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from trygg.analytics.nearrepeat import KnoxResult, knox_test
from trygg.situation.queries import Events, day_number

__all__ = [
    "ALPHA",
    "ELEVATED_RATIO",
    "ITERATIONS",
    "MIN_EVENTS",
    "MIN_NEAR_PAIRS",
    "SPACE_EDGES_M",
    "TIME_EDGES_DAYS",
    "WINDOW_DAYS",
    "NearRepeatCell",
    "NearRepeats",
    "near_repeats",
]

WINDOW_DAYS = 365
SPACE_EDGES_M = (0.0, 100.0, 200.0, 400.0)
TIME_EDGES_DAYS = (0.0, 7.0, 14.0, 28.0)
ITERATIONS = 99
ALPHA = 0.05
# A significant ratio of 1.05 over hundreds of pairs is real but of no use to a meeting.
ELEVATED_RATIO = 1.2
MIN_EVENTS = 20
# Pairs grow with the square of the events: a city's year of burglaries (tens of
# thousands, tens of millions of pairs within 400 m) would take a minute. Above this a
# seeded random sample is tested; thinning events thins observed and expected pairs
# alike, so the Knox ratios keep their meaning, at the cost of some power.
MAX_EVENTS = 2000
# Pairs within the largest distance band: below this the near cells hold a handful of pairs
# each and the permutation p-values cannot get small.
MIN_NEAR_PAIRS = 20


@dataclass(frozen=True)
class NearRepeatCell:
    """One space band × time band cell of the Knox table.

    ``observed`` is None when suppressed for sharing, and so are ``knox_ratio``
    and ``p_value`` then (ratio × expected would give the count back);
    ``knox_ratio`` is also None where no pairs are expected. ``elevated`` is only
    ever true in the near cells: significant at :data:`ALPHA` with a ratio above
    :data:`ELEVATED_RATIO`.
    """

    space: str
    time: str
    observed: int | None
    expected: float
    knox_ratio: float | None
    p_value: float | None
    elevated: bool


@dataclass(frozen=True)
class NearRepeats:
    """The near-repeat section: the Knox table, or the note that there were too few events.

    ``cells`` run by space band, then time band, the "beyond" band last in each;
    empty when ``too_few``. ``n_events`` is None when suppressed for sharing.
    ``pattern`` is true when an elevated cell is also significant across the
    table (see :func:`_family_p`); the sentence claims a pattern only then.
    """

    space_labels: tuple[str, ...]
    time_labels: tuple[str, ...]
    cells: tuple[NearRepeatCell, ...]
    n_events: int | None
    categories: tuple[str, ...]
    sentence: str
    too_few: bool
    pattern: bool = False
    iterations: int = ITERATIONS
    window_days: int = WINDOW_DAYS
    # How many of the events were tested when there were too many for all: see MAX_EVENTS.
    tested: int | None = None
    # The exact test, kept so that a shared version can be made without the events again;
    # never shown (its tables hold the small counts a shared version hides).
    result: KnoxResult | None = field(default=None, repr=False, compare=False)
    n_all: int = field(default=0, repr=False, compare=False)

    @property
    def table(self) -> list[tuple[str, list[NearRepeatCell]]]:
        """The cells as rows: (space label, the cells of that band by time band)."""
        width = len(self.time_labels)
        return [
            (label, list(self.cells[k * width : (k + 1) * width]))
            for k, label in enumerate(self.space_labels)
            if self.cells
        ]

    @property
    def elevated(self) -> bool:
        return any(cell.elevated for cell in self.cells)


def _space_labels() -> tuple[str, ...]:
    edges = [int(e) for e in SPACE_EDGES_M]
    labels = [_("%(low)d–%(high)d m") % {"low": 0, "high": edges[1]}]
    labels += [
        _("%(low)d–%(high)d m") % {"low": lo + 1, "high": hi}
        for lo, hi in zip(edges[1:-1], edges[2:], strict=True)
    ]
    labels.append(_("More than %(high)d m") % {"high": edges[-1]})
    return tuple(labels)


def _time_labels() -> tuple[str, ...]:
    edges = [int(e) for e in TIME_EDGES_DAYS]
    labels = [_("%(low)d–%(high)d days") % {"low": 0, "high": edges[1]}]
    labels += [
        _("%(low)d–%(high)d days") % {"low": lo + 1, "high": hi}
        for lo, hi in zip(edges[1:-1], edges[2:], strict=True)
    ]
    labels.append(_("More than %(high)d days") % {"high": edges[-1]})
    return tuple(labels)


def _seed(x: NDArray[np.float64], y: NDArray[np.float64], day: NDArray[np.int64]) -> int:
    digest = hashlib.blake2b(digest_size=8)
    for part in (x, y, day):
        digest.update(np.ascontiguousarray(part).tobytes())
    return int.from_bytes(digest.digest(), "little")


def near_repeats(
    events: Events,
    *,
    categories: dict[int, str],
    end: dt.date,
    minimum_shown: int | None,
) -> NearRepeats | None:
    """The Knox table of the repeat-prone events of the year before ``end``.

    Parameters
    ----------
    events : Events
        The picture's events, covering at least the :data:`WINDOW_DAYS` days
        before ``end``; others are ignored.
    categories : dict of int to str
        The repeat-prone categories in the picture, id → name. Only spot events
        (point or street precision) of these enter the test.
    end : datetime.date
        The first day after the window.
    minimum_shown : int or None
        For shared pictures, the smallest count shown: pair counts 0 < n <
        minimum become None, with their ratio and p-value. None shows all.

    Returns
    -------
    NearRepeats or None
        None when the picture has no repeat-prone category; a result with
        ``too_few`` set when fewer than :data:`MIN_EVENTS` events or
        :data:`MIN_NEAR_PAIRS` pairs within the largest distance band remain.
    """
    if not categories:
        return None
    stop = day_number(end)
    keep = (
        events.spot
        & np.isin(events.category, np.fromiter(categories, dtype=np.int64))
        & (events.day >= stop - WINDOW_DAYS)
        & (events.day < stop)
    )
    order = np.lexsort((events.y[keep], events.x[keep], events.day[keep]))
    x = np.ascontiguousarray(events.x[keep][order], dtype=np.float64)
    y = np.ascontiguousarray(events.y[keep][order], dtype=np.float64)
    day = np.ascontiguousarray(events.day[keep][order], dtype=np.int64)
    n = int(x.size)
    tested = None
    if n > MAX_EVENTS:
        pick = np.sort(np.random.default_rng(_seed(x, y, day)).choice(n, MAX_EVENTS, replace=False))
        x, y, day = x[pick], y[pick], day[pick]
        tested = MAX_EVENTS

    names = tuple(sorted(categories.values(), key=str.casefold))
    if n < MIN_EVENTS:
        return _presented(None, names=names, n=n, tested=tested, minimum_shown=minimum_shown)
    result = knox_test(
        x,
        y,
        day.astype(np.float64),
        SPACE_EDGES_M,
        TIME_EDGES_DAYS,
        iterations=ITERATIONS,
        rng=np.random.default_rng(_seed(x, y, day)),
        closed="right",
    )
    return _presented(result, names=names, n=n, tested=tested, minimum_shown=minimum_shown)


def shared(found: NearRepeats | None, minimum_shown: int) -> NearRepeats | None:
    """The section as those who do not review the area see it, from the exact one.

    The same test, with pair counts 0 < n < minimum hidden (and their ratios and
    p-values, which would give them back), as :func:`near_repeats` with
    ``minimum_shown`` would give.
    """
    if found is None:
        return None
    return _presented(
        found.result,
        names=found.categories,
        n=found.n_all,
        tested=found.tested,
        minimum_shown=minimum_shown,
    )


def _presented(
    result: KnoxResult | None,
    *,
    names: tuple[str, ...],
    n: int,
    tested: int | None,
    minimum_shown: int | None,
) -> NearRepeats:
    """The section from a test (None: too few events), hiding small counts if asked."""
    n_shown = n if minimum_shown is None or not 0 < n < minimum_shown else None
    space_labels, time_labels = _space_labels(), _time_labels()
    n_space, n_time = len(SPACE_EDGES_M) - 1, len(TIME_EDGES_DAYS) - 1
    if result is None or int(result.observed[:n_space].sum()) < MIN_NEAR_PAIRS:
        return NearRepeats(
            space_labels=space_labels,
            time_labels=time_labels,
            cells=(),
            n_events=n_shown,
            categories=names,
            sentence=_(
                "Too few events for a near-repeat test: at least %(events)d placed at a point "
                "or street are needed, with %(pairs)d pairs within %(metres)d m."
            )
            % {"events": MIN_EVENTS, "pairs": MIN_NEAR_PAIRS, "metres": int(SPACE_EDGES_M[-1])},
            too_few=True,
            n_all=n,
        )

    shown = np.ones(result.observed.shape, dtype=bool)
    if minimum_shown is not None:
        shown = ~((result.observed > 0) & (result.observed < minimum_shown))
    with np.errstate(invalid="ignore"):
        elevated = (result.p_value < ALPHA) & (result.knox_ratio > ELEVATED_RATIO) & shown
    elevated[n_space:, :] = False
    elevated[:, n_time:] = False

    cells = []
    for s, space in enumerate(space_labels):
        for t, time in enumerate(time_labels):
            ratio = float(result.knox_ratio[s, t])
            cells.append(
                NearRepeatCell(
                    space=space,
                    time=time,
                    observed=int(result.observed[s, t]) if shown[s, t] else None,
                    expected=float(result.expected[s, t]),
                    knox_ratio=ratio if shown[s, t] and np.isfinite(ratio) else None,
                    p_value=float(result.p_value[s, t]) if shown[s, t] else None,
                    elevated=bool(elevated[s, t]),
                )
            )
    confirmed = elevated & (_family_p(result, n_space, n_time) < ALPHA)
    return NearRepeats(
        space_labels=space_labels,
        time_labels=time_labels,
        cells=tuple(cells),
        n_events=n_shown,
        categories=names,
        sentence=_sentence(result, confirmed, bool(elevated.any()), names, shown),
        too_few=False,
        pattern=bool(confirmed.any()),
        tested=tested,
        result=result,
        n_all=n,
    )


def _family_p(result: KnoxResult, n_space: int, n_time: int) -> NDArray[np.float64]:
    """Pseudo p-values of the near cells adjusted for testing all of them (max-T).

    Each near cell's count is standardised by the mean and standard deviation
    of its permutation counts, and its observed z is compared with the largest
    z over all near cells in every permutation (Westfall & Young 1993, the
    single-step max-T procedure). A cell with adjusted p below 0.05 is
    significant with the chance of any false alarm in the table held at 0.05,
    where the cell-wise p-values of the Calculator, nine of them, raise a
    false alarm in about one table of four on events with no pattern at all.
    The beyond row and column get 1: they are not near repeats.

    Westfall, P. H., & Young, S. S. (1993). *Resampling-Based Multiple
    Testing*. Wiley, New York.
    """
    sims = result.simulated[:, :n_space, :n_time].astype(np.float64)
    mean = sims.mean(axis=0)
    sd = sims.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_obs = np.where(sd > 0, (result.observed[:n_space, :n_time] - mean) / sd, -np.inf)
        z_sim = np.where(sd > 0, (sims - mean) / sd, -np.inf)
    largest = z_sim.reshape(sims.shape[0], -1).max(axis=1)
    exceed = (largest[:, np.newaxis, np.newaxis] >= z_obs[np.newaxis]).sum(axis=0)
    adjusted = np.ones(result.observed.shape, dtype=np.float64)
    adjusted[:n_space, :n_time] = (exceed + 1.0) / (result.iterations + 1.0)
    return adjusted


def _sentence(
    result: KnoxResult,
    confirmed: NDArray[np.bool_],
    any_elevated: bool,
    names: tuple[str, ...],
    shown: NDArray[np.bool_],
) -> str:
    """One sentence for the minutes: the widest elevated reach from the event, or the best cell.

    A pattern is claimed only when an elevated cell is also significant after
    adjusting for the nine near cells tested (:func:`_family_p`). The reach
    "within s m in the following t days" pools the cells from the origin to
    the farthest such bands; its ratio is the pooled observed over the pooled
    expected pairs, and it is quoted only when that pool is itself elevated
    against the same permutations and none of its counts is suppressed (the
    pooled ratio would give their sum back). Otherwise the sentence names the
    confirmed cell with the highest ratio.
    """
    if not confirmed.any():
        if any_elevated:
            return _(
                "No near-repeat pattern beyond chance. A cell marked elevated on its own is "
                "not enough: with nine cells tested, chance alone marks one now and then."
            )
        return _("No near-repeat pattern beyond chance.")
    what = get_text_list(list(names), _("and"))
    rows, cols = np.nonzero(confirmed)
    for s in range(int(rows.max()), -1, -1):
        for t in range(int(cols.max()), -1, -1):
            observed = int(result.observed[: s + 1, : t + 1].sum())
            expected = float(result.expected[: s + 1, : t + 1].sum())
            simulated = result.simulated[:, : s + 1, : t + 1].sum(axis=(1, 2))
            p = (int(np.count_nonzero(simulated >= observed)) + 1) / (result.iterations + 1)
            if (
                shown[: s + 1, : t + 1].all()
                and expected > 0
                and p < ALPHA
                and observed / expected > ELEVATED_RATIO
            ):
                return _(
                    "%(categories)s: after one event, the risk of another within %(metres)d m "
                    "in the following %(days)d days is %(ratio)s times the usual."
                ) % {
                    "categories": what,
                    "metres": int(SPACE_EDGES_M[s + 1]),
                    "days": int(TIME_EDGES_DAYS[t + 1]),
                    "ratio": number_format(round(observed / expected, 1), 1),
                }
    ratios = np.where(confirmed, result.knox_ratio, -np.inf)
    s, t = (int(i) for i in np.unravel_index(int(np.argmax(ratios)), ratios.shape))
    return _(
        "%(categories)s: pairs of events %(distance)s and %(time)s apart are %(ratio)s times "
        "as common as chance would give."
    ) % {
        "categories": what,
        "distance": _space_labels()[s],
        "time": _time_labels()[t],
        "ratio": number_format(round(float(result.knox_ratio[s, t]), 1), 1),
    }

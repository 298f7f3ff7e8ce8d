"""Small-count suppression for situation pictures shared beyond the district's reviewers.

Issue 5: aggregates that can be shared with partners or the public suppress
cells and counts below a configurable minimum (``TRYGG_MIN_SHARED_COUNT``,
default 3) and never show reporter identities. A suppressed count is ``None``
and is shown as "<3"; a zero stays zero, since "nothing reported" reveals no one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from trygg.core import policy
from trygg.situation import queries
from trygg.situation.areas import PictureArea
from trygg.situation.periods import Period
from trygg.situation.picture import Picture


def suppress(counts: Iterable[int], minimum: int) -> list[int | None]:
    """The counts with every value 0 < n < minimum replaced by None."""
    return [None if 0 < n < minimum else int(n) for n in counts]


def suppress_one(n: int, minimum: int) -> int | None:
    return suppress([n], minimum)[0]


def sees_exact(
    user: Any, area: PictureArea, *, period: Period, categories: Iterable[int] = ()
) -> bool:
    """Whether the user may see exact counts and report points in this picture.

    Those who review the district's reports may; so may a reporter all of whose
    counted reports in the picture are her own, as there is no one else to hide.
    Everyone else (partners, reporters who also see others' reports) may not.
    """
    s = policy.scope(user)
    if s.is_admin_of(area.city.pk) or s.reviewer_district_ids.issuperset(area.district_ids):
        return True
    return not (
        queries.counted_reports(
            user=user, district_ids=area.district_ids, period=period, categories=categories
        )
        .exclude(reporter_id=user.pk)
        .exists()
    )


def below(minimum: int) -> str:
    """How a suppressed count is written."""
    return f"<{minimum}"


def shared(result: Picture, minimum: int) -> Picture:
    """The picture as partners may see it: small counts suppressed, no report points.

    The heat and hotspot cells stay, unless fewer than ``minimum`` reports enter
    them: a density over one or two reports would show where those were.
    The summary sentences quote exact counts, so they go when any of those is small.
    """

    def one(n: int) -> int | None:
        return suppress_one(n, minimum)

    few_spots = 0 < result.spot_total < minimum
    cells = [
        f
        for f in result.features
        if f["properties"]["level"] in ("heat", "hotspot") and not few_spots
    ]
    quoted = [result.total, result.previous_total] + [n for _name, n in result.top_places[:1]]
    summary = result.summary if all(one(n) == n for n in quoted) else []
    return dataclasses.replace(
        result,
        total=one(result.total),
        previous_total=one(result.previous_total),
        last_year_total=one(result.last_year_total),
        spot_total=one(result.spot_total),
        top_places=[(name, one(n)) for name, n in result.top_places],
        top_categories=[(name, one(n)) for name, n in result.top_categories],
        trend=[
            dataclasses.replace(w, count=one(w.count), last_year_count=one(w.last_year_count))
            for w in result.trend
        ],
        weekday_hour=[(day, suppress(row, minimum)) for day, row in result.weekday_hour],
        changes=[
            dataclasses.replace(
                c, current=one(c.current), previous=one(c.previous), last_year=one(c.last_year)
            )
            for c in result.changes
        ],
        heat_cells=0 if few_spots else result.heat_cells,
        hotspot_cells=0 if few_spots else result.hotspot_cells,
        summary=summary,
        features=cells,
    )

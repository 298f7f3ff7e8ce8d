import numpy as np
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from trygg.analytics.compare import FALL, NO_CLEAR_CHANGE, RISE, TOO_FEW_EVENTS
from trygg.reports.catalogue import EST_CATEGORIES
from trygg.situation.periods import Period
from trygg.situation.queries import Events, day_number
from trygg.situation.ranking import (
    LOW_PERCEIVED,
    MOST_HARM,
    SIGNIFICANT_RISE,
    harm_of,
    rank_areas,
    suppressed,
)

CATEGORY = {entry.code: n for n, entry in enumerate(EST_CATEGORIES, start=1)}
HARM = {CATEGORY[entry.code]: entry.harm for entry in EST_CATEGORIES}
VIOLENCE, LITTER, GRAFFITI = CATEGORY["vald"], CATEGORY["nedskrapning"], CATEGORY["klotter"]
TERTIAL = Period.tertial(2026, 2)
LAST_YEAR = TERTIAL.last_year()
AREAS = [(1, "Älvsjö centrum"), (2, "Solberga"), (3, "Långbro")]


def events(period, *groups):
    """Events in the period, each group (area id, category id, how many) spread over its days."""
    rows = [(area, category, k) for area, category, n in groups for k in range(n)]
    n = len(rows)
    first = day_number(period.start)
    return Events(
        x=np.zeros(n),
        y=np.zeros(n),
        day=np.array([first + k % period.days for _a, _c, k in rows], dtype=np.int64),
        weekday=np.zeros(n, dtype=np.int64),
        hour=np.zeros(n, dtype=np.int64),
        category=np.array([c for _a, c, _k in rows], dtype=np.int64),
        spot=np.ones(n, dtype=bool),
        district=np.array([a for a, _c, _k in rows], dtype=np.int64),
    )


def rank(now, last_year, areas=AREAS, **kwargs):
    return rank_areas(
        areas=areas,
        now=now,
        last_year=last_year,
        harm=HARM,
        period=TERTIAL,
        last_year_period=LAST_YEAR,
        **kwargs,
    )


def by_name(ranking):
    return {need.name: need for need in ranking}


def reference_weighted(e, area):
    total = 0
    for a, c in zip(e.district.tolist(), e.category.tolist(), strict=True):
        if a == area:
            total += HARM[c]
    return total


def test_fewer_but_more_harmful_reports_rank_above_more_littering():
    groups = [(1, LITTER, 20), (2, VIOLENCE, 3), (3, GRAFFITI, 4), (3, VIOLENCE, 1)]
    now, last_year = events(TERTIAL, *groups), events(LAST_YEAR, *groups)

    ranking = rank(now, last_year)

    assert [need.name for need in ranking] == ["Solberga", "Älvsjö centrum", "Långbro"]
    assert [need.rank for need in ranking] == [1, 2, 3]
    for need in ranking:
        assert need.weighted == reference_weighted(now, need.id)
    assert [need.count for need in ranking] == [3, 20, 5]
    assert [need.weighted for need in ranking] == [30, 20, 14]
    assert sum(need.share for need in ranking) == pytest.approx(1.0)
    assert ranking[0].share == pytest.approx(30 / 64)
    assert ranking[0].reasons == (MOST_HARM,)
    assert ranking[1].reasons == ranking[2].reasons == ()


def test_harm_of_gives_each_event_its_category_weight():
    now = events(TERTIAL, (1, VIOLENCE, 2), (2, LITTER, 1), (2, GRAFFITI, 1))

    assert harm_of(now, HARM).tolist() == [HARM[c] for c in now.category.tolist()]
    with pytest.raises(ValueError, match="no harm weight"):
        harm_of(now, {LITTER: 1})


def test_a_significant_rise_is_labelled_and_lifts_the_area():
    now = events(TERTIAL, (1, LITTER, 40), (2, LITTER, 30), (3, LITTER, 46))
    last_year = events(LAST_YEAR, (1, LITTER, 40), (2, LITTER, 5), (3, LITTER, 46))

    ranking = by_name(rank(now, last_year))

    solberga = ranking["Solberga"]
    assert solberga.change == RISE
    assert solberga.change_label
    assert solberga.rate_ratio == pytest.approx(6.0)
    assert SIGNIFICANT_RISE in solberga.reasons
    # 30 × 1.5 = 45: above Älvsjö centrum's 40, still below Långbro's 46.
    assert solberga.score == pytest.approx(45.0)
    assert [n.name for n in sorted(ranking.values(), key=lambda n: n.rank)] == [
        "Långbro",
        "Solberga",
        "Älvsjö centrum",
    ]
    assert ranking["Älvsjö centrum"].change == NO_CLEAR_CHANGE


def test_a_wobble_is_not_called_a_rise():
    now = events(TERTIAL, (1, LITTER, 12), (2, LITTER, 3))
    last_year = events(LAST_YEAR, (1, LITTER, 9), (2, LITTER, 1))

    ranking = by_name(rank(now, last_year))

    assert ranking["Älvsjö centrum"].change == NO_CLEAR_CHANGE
    assert ranking["Solberga"].change == TOO_FEW_EVENTS
    for need in ranking.values():
        assert SIGNIFICANT_RISE not in need.reasons
        assert need.score == need.weighted


def test_a_significant_fall_does_not_lower_the_score():
    now = events(TERTIAL, (1, LITTER, 5), (2, LITTER, 4))
    last_year = events(LAST_YEAR, (1, LITTER, 40))

    need = rank(now, last_year)[0]

    assert (need.name, need.change, need.score) == ("Älvsjö centrum", FALL, 5.0)


def test_a_rise_in_an_area_without_reports_last_year_has_no_ratio():
    now = events(TERTIAL, (1, LITTER, 10))

    (need, *_rest) = rank(now, events(LAST_YEAR))

    assert need.change == RISE
    assert need.rate_ratio is None


def test_low_perceived_safety_lifts_an_area_and_no_survey_leaves_it_be():
    groups = [(1, LITTER, 40), (2, LITTER, 30)]
    now, last_year = events(TERTIAL, *groups), events(LAST_YEAR, *groups)

    without = rank(now, last_year)
    unsafe = rank(now, last_year, perceived={2: 0.4})
    safe = rank(now, last_year, perceived={1: 0.9, 2: 0.6})

    assert [n.name for n in without][:2] == ["Älvsjö centrum", "Solberga"]
    assert all(n.perceived is None for n in without)
    assert [n.name for n in unsafe][:2] == ["Solberga", "Älvsjö centrum"]
    assert by_name(unsafe)["Solberga"].reasons == (LOW_PERCEIVED,)
    assert by_name(unsafe)["Solberga"].perceived == 0.4
    assert by_name(unsafe)["Älvsjö centrum"].perceived is None
    assert [n.name for n in safe][:2] == ["Älvsjö centrum", "Solberga"]
    assert LOW_PERCEIVED not in by_name(safe)["Solberga"].reasons


def test_the_threshold_of_low_perceived_safety_can_be_set():
    groups = [(1, LITTER, 40), (2, LITTER, 30)]
    now, last_year = events(TERTIAL, *groups), events(LAST_YEAR, *groups)

    ranking = rank(now, last_year, perceived={2: 0.6}, low_perceived=0.75)

    assert ranking[0].name == "Solberga"


def test_perceived_safety_must_be_a_share():
    now = events(TERTIAL, (1, LITTER, 4))

    with pytest.raises(ValueError, match="between 0 and 1"):
        rank(now, events(LAST_YEAR), perceived={1: 72.0})


def test_ties_are_broken_by_name():
    areas = [(5, "Västberga"), (6, "Aspudden"), (7, "Midsommarkransen")]
    now = events(TERTIAL, (5, GRAFFITI, 4), (6, GRAFFITI, 4), (7, GRAFFITI, 4))

    ranking = rank(now, now, areas=areas)

    assert [(n.rank, n.name) for n in ranking] == [
        (1, "Aspudden"),
        (2, "Midsommarkransen"),
        (3, "Västberga"),
    ]
    assert all(n.reasons == (MOST_HARM,) for n in ranking)


def test_an_area_without_reports_ranks_last_with_zeros():
    now = events(TERTIAL, (1, LITTER, 3))

    ranking = rank(now, events(LAST_YEAR))

    assert [(n.name, n.count, n.weighted, n.score) for n in ranking] == [
        ("Älvsjö centrum", 3, 3, 3.0),
        ("Långbro", 0, 0, 0.0),
        ("Solberga", 0, 0, 0.0),
    ]


def test_nothing_to_rank_gives_an_empty_ranking():
    empty = events(TERTIAL)

    assert rank(empty, empty) == []
    assert rank(events(TERTIAL, (1, LITTER, 5)), empty, areas=[]) == []
    # Reports only last year, or outside the areas listed, leave nothing to rank now.
    assert rank(empty, events(LAST_YEAR, (1, LITTER, 5))) == []
    assert rank(events(TERTIAL, (9, LITTER, 5)), empty) == []


def test_events_outside_the_period_are_left_out():
    inside = events(TERTIAL, (1, VIOLENCE, 2))
    outside = events(TERTIAL.next(), (1, VIOLENCE, 5))
    both = Events(
        **{
            f: np.concatenate([getattr(inside, f), getattr(outside, f)])
            for f in inside.__dataclass_fields__
        }
    )

    (need, *_rest) = rank(both, events(LAST_YEAR))

    assert (need.count, need.weighted) == (2, 20)


def test_places_are_ranked_by_an_area_array_of_their_own():
    now = events(TERTIAL, (1, LITTER, 6), (1, VIOLENCE, 2))
    places = [(10, "Älvsjö centrum"), (11, "Älvsjö station")]
    place_of = np.array([10] * 6 + [11, -1], dtype=np.int64)

    ranking = rank_areas(
        areas=places,
        now=now,
        last_year=events(LAST_YEAR),
        harm=HARM,
        period=TERTIAL,
        last_year_period=LAST_YEAR,
        now_area=place_of,
        last_year_area=np.zeros(0, dtype=np.int64),
    )

    assert [(n.name, n.count, n.weighted) for n in ranking] == [
        ("Älvsjö station", 1, 10),
        ("Älvsjö centrum", 6, 6),
    ]
    with pytest.raises(ValueError, match="one element per event"):
        rank_areas(
            areas=places,
            now=now,
            last_year=events(LAST_YEAR),
            harm=HARM,
            period=TERTIAL,
            last_year_period=LAST_YEAR,
            now_area=place_of[:3],
        )


def test_suppression_hides_small_counts_and_keeps_the_ranks():
    now = events(TERTIAL, (1, LITTER, 10), (2, VIOLENCE, 2))
    last_year = events(LAST_YEAR, (1, LITTER, 2), (2, VIOLENCE, 4))
    ranking = rank(now, last_year)

    shared = suppressed(ranking, 3)

    assert [(n.rank, n.name) for n in shared] == [(n.rank, n.name) for n in ranking]
    solberga, alvsjo, langbro = shared
    assert solberga.name == "Solberga"
    assert (solberga.count, solberga.weighted, solberga.score) == (None, None, None)
    assert solberga.last_year_count == 4
    assert solberga.reasons == ranking[0].reasons == (MOST_HARM,)
    assert (alvsjo.count, alvsjo.weighted) == (10, 10)
    assert (alvsjo.last_year_count, alvsjo.rate_ratio) == (None, None)
    assert (langbro.count, langbro.weighted) == (0, 0)
    assert all(n.share is None for n in shared)
    assert suppressed(ranking, 1) == ranking


def test_the_template_renders_the_ranking():
    now = events(TERTIAL, (1, LITTER, 40), (2, LITTER, 30), (3, VIOLENCE, 1))
    last_year = events(LAST_YEAR, (1, LITTER, 40), (2, LITTER, 5))
    ranking = suppressed(rank(now, last_year, perceived={1: 0.8}), 3)

    with translation.override("en"):
        html = render_to_string(
            "situation/partials/ranking.html", {"ranking": ranking, "below": "<3"}
        )
        empty = render_to_string("situation/partials/ranking.html", {"ranking": [], "below": "<3"})

    assert "<caption>" in html
    assert '<th scope="row">Solberga</th>' in html
    assert "Rise" in html and "Significant rise against last year" in html
    assert "80 % feel safe" in html
    assert "no survey" in html
    assert "<td>&lt;3</td><td>not shown</td>" in html.replace("\n      ", "")
    assert "No reports to rank." in empty
    assert "<table" not in empty

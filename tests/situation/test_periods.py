import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from trygg.situation.periods import CUSTOM, MONTH, TERTIAL, WEEK, YEAR, Period, parse_period

TODAY = dt.date(2026, 11, 25)


def parse(value=None, **kwargs):
    return parse_period(value, today=TODAY, **kwargs)


def test_it_parses_an_iso_week():
    period = parse("2026-W47")
    assert (period.kind, period.start, period.end) == (
        WEEK,
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
    )
    assert period.key == "2026-W47"
    assert period.label == "Vecka 47, 2026"


def test_it_defaults_to_the_current_iso_week():
    assert parse() == Period.week(2026, 48)
    assert parse("") == Period.week(2026, 48)


def test_it_parses_a_month_a_tertial_and_a_year():
    assert parse("2026-11") == Period(MONTH, dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert parse("2026-T1") == Period(TERTIAL, dt.date(2026, 1, 1), dt.date(2026, 5, 1))
    assert parse("2026-T2") == Period(TERTIAL, dt.date(2026, 5, 1), dt.date(2026, 9, 1))
    assert parse("2026-T3") == Period(TERTIAL, dt.date(2026, 9, 1), dt.date(2027, 1, 1))
    assert parse("2026") == Period(YEAR, dt.date(2026, 1, 1), dt.date(2027, 1, 1))


def test_it_parses_a_custom_span_with_the_last_day_included():
    period = parse(start="2026-11-01", end="2026-11-14")
    assert (period.kind, period.start, period.end, period.days) == (
        CUSTOM,
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 15),
        14,
    )
    assert period.query() == {"start": "2026-11-01", "end": "2026-11-14"}


def test_the_previous_period_has_the_same_kind_and_length():
    assert parse("2026-W01").previous() == Period.week(2025, 52)
    assert parse("2026-03").previous() == Period.month(2026, 2)
    assert parse("2026-01").previous() == Period.month(2025, 12)
    assert parse("2026-T1").previous() == Period.tertial(2025, 3)
    assert parse("2026").previous() == Period.year(2025)
    custom = parse(start="2026-11-01", end="2026-11-14")
    assert custom.previous() == Period(CUSTOM, dt.date(2026, 10, 18), dt.date(2026, 11, 1))


def test_the_next_period_follows():
    assert parse("2025-W52").next() == Period.week(2026, 1)
    assert parse("2025-T3").next() == Period.tertial(2026, 1)
    assert parse("2025-12").next() == Period.month(2026, 1)


def test_last_year_is_the_same_iso_week_number():
    assert parse("2026-W47").last_year() == Period.week(2025, 47)
    # 2026 has 53 ISO weeks, 2025 only 52.
    assert Period.week(2026, 53).last_year() == Period.week(2025, 52)
    assert parse("2026-T3").last_year() == Period.tertial(2025, 3)
    assert parse("2024-02").last_year() == Period.month(2023, 2)
    custom = parse(start="2024-02-29", end="2024-03-06")
    assert custom.last_year() == Period(CUSTOM, dt.date(2023, 2, 28), dt.date(2023, 3, 7))


def test_weeks_lists_the_mondays_the_period_touches():
    assert parse("2026-W47").weeks() == [dt.date(2026, 11, 16)]
    assert parse("2026-11").weeks()[0] == dt.date(2026, 10, 26)
    assert parse("2026-11").weeks()[-1] == dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("value", "field"),
    [("2026-W49", "period"), ("2026-12", "period"), ("2027", "period"), ("2027-T1", "period")],
)
def test_a_period_in_the_future_is_refused(value, field):
    with pytest.raises(ValidationError) as error:
        parse(value)
    assert field in error.value.message_dict
    assert "har inte börjat" in error.value.message_dict[field][0]


def test_a_custom_span_in_the_future_is_refused_naming_the_start():
    with pytest.raises(ValidationError) as error:
        parse(start="2026-12-01", end="2026-12-07")
    assert "start" in error.value.message_dict


def test_the_current_period_is_allowed_although_it_has_not_ended():
    assert parse("2026-W48").end > TODAY
    assert parse("2026").end > TODAY


@pytest.mark.parametrize("value", ["2026-W54", "2025-W53", "2026-13", "2026-T4", "week 47", "1066"])
def test_nonsense_is_refused_naming_the_field(value):
    with pytest.raises(ValidationError) as error:
        parse(value)
    assert "period" in error.value.message_dict


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-11-14", "2026-11-01", "end"),
        ("2026-11-01", None, "end"),
        ("soon", "2026-11-01", "start"),
    ],
)
def test_a_bad_custom_span_is_refused_naming_the_field(start, end, field):
    with pytest.raises(ValidationError) as error:
        parse(start=start, end=end)
    assert field in error.value.message_dict

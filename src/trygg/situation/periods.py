"""Periods of the situation picture: ISO weeks, months, tertials, years and custom spans.

A period is a half-open span of local dates, ``[start, end)``. It knows the
period before it of the same kind and length, and the same period a year
earlier (for a week: the same ISO week number, as the EST meeting reads it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

WEEK, MONTH, TERTIAL, YEAR, CUSTOM = "week", "month", "tertial", "year", "custom"

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_TERTIAL = re.compile(r"^(\d{4})-T([123])$")
_YEAR = re.compile(r"^(\d{4})$")
# A custom span longer than this is better read as years side by side.
MAX_CUSTOM_DAYS = 3 * 366
# Earlier years hold no reports and would only push date arithmetic to its edges.
FIRST_YEAR = 1900


def _weeks_in(year: int) -> int:
    return dt.date(year, 12, 28).isocalendar().week


def _month_start(year: int, month: int) -> dt.date:
    """The first day of a month, months counted past 12 or below 1 rolling over the year."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, 1)


@dataclass(frozen=True)
class Period:
    """A span of local dates, ``end`` exclusive, with a kind and a label for people."""

    kind: str
    start: dt.date
    end: dt.date

    @classmethod
    def week(cls, year: int, week: int) -> Period:
        start = dt.date.fromisocalendar(year, week, 1)
        return cls(WEEK, start, start + dt.timedelta(days=7))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(MONTH, _month_start(year, month), _month_start(year, month + 1))

    @classmethod
    def tertial(cls, year: int, tertial: int) -> Period:
        first = 4 * (tertial - 1) + 1
        return cls(TERTIAL, _month_start(year, first), _month_start(year, first + 4))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(YEAR, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        """The ISO week holding ``day``: the default period of the weekly meeting."""
        iso = day.isocalendar()
        return cls.week(iso.year, iso.week)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def key(self) -> str:
        """The value of the ``period`` query parameter; empty for a custom span."""
        if self.kind == WEEK:
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.kind == MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == TERTIAL:
            return f"{self.start.year}-T{(self.start.month - 1) // 4 + 1}"
        if self.kind == YEAR:
            return str(self.start.year)
        return ""

    def query(self) -> dict[str, str]:
        """The query parameters that select this period."""
        if self.kind == CUSTOM:
            last = self.end - dt.timedelta(days=1)
            return {"start": self.start.isoformat(), "end": last.isoformat()}
        return {"period": self.key}

    @property
    def label(self) -> str:
        if self.kind == WEEK:
            iso = self.start.isocalendar()
            return _("Week %(week)d, %(year)d") % {"week": iso.week, "year": iso.year}
        if self.kind == MONTH:
            return f"{MONTHS[self.start.month]} {self.start.year}"
        if self.kind == TERTIAL:
            return _("Tertial %(tertial)d, %(year)d") % {
                "tertial": (self.start.month - 1) // 4 + 1,
                "year": self.start.year,
            }
        if self.kind == YEAR:
            return str(self.start.year)
        last = self.end - dt.timedelta(days=1)
        return f"{self.start.isoformat()} – {last.isoformat()}"

    def previous(self) -> Period:
        """The period of the same kind and length just before this one."""
        if self.kind == MONTH:
            return Period.month(self.start.year, self.start.month - 1)
        if self.kind == TERTIAL:
            return Period(TERTIAL, _month_start(self.start.year, self.start.month - 4), self.start)
        if self.kind == YEAR:
            return Period.year(self.start.year - 1)
        return Period(self.kind, self.start - dt.timedelta(days=self.days), self.start)

    def next(self) -> Period:
        """The period of the same kind and length just after this one."""
        if self.kind == MONTH:
            return Period.month(self.start.year, self.start.month + 1)
        if self.kind == TERTIAL:
            return Period(TERTIAL, self.end, _month_start(self.end.year, self.end.month + 4))
        if self.kind == YEAR:
            return Period.year(self.start.year + 1)
        return Period(self.kind, self.end, self.end + dt.timedelta(days=self.days))

    def last_year(self) -> Period:
        """The same period a year earlier; for a week, the same ISO week number."""
        if self.kind == WEEK:
            iso = self.start.isocalendar()
            return Period.week(iso.year - 1, min(iso.week, _weeks_in(iso.year - 1)))
        if self.kind == MONTH:
            return Period.month(self.start.year - 1, self.start.month)
        if self.kind in (TERTIAL, YEAR):
            return Period(self.kind, _year_before(self.start), _year_before(self.end))
        start = _year_before(self.start)
        return Period(CUSTOM, start, start + dt.timedelta(days=self.days))

    def weeks(self) -> list[dt.date]:
        """The Mondays of the ISO weeks this period touches."""
        monday = self.start - dt.timedelta(days=self.start.weekday())
        mondays = []
        while monday < self.end:
            mondays.append(monday)
            monday += dt.timedelta(days=7)
        return mondays


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {field: _("Give a date as YYYY-MM-DD, e.g. 2026-11-16.")}, code="invalid"
        ) from None


def parse_period(
    value: str | None,
    *,
    today: dt.date,
    start: str | None = None,
    end: str | None = None,
) -> Period:
    """The period a query asks for: ``period`` (week, month, tertial, year) or ``start``/``end``.

    Without either, the current ISO week. ``end`` of a custom span is the last
    day included. A period that has not begun yet is refused: there is nothing
    to show and a picture of the future would mislead.
    """
    period = _parse(value, today=today, start=start, end=end)
    if period.start > today:
        field = "start" if period.kind == CUSTOM else "period"
        raise ValidationError(
            {field: _("%(period)s has not begun yet.") % {"period": period.label}},
            code="future",
        )
    return period


def _parse(value: str | None, *, today: dt.date, start: str | None, end: str | None) -> Period:
    value = (value or "").strip()
    if not value and (start or end):
        if not (start and end):
            field = "end" if start else "start"
            raise ValidationError({field: _("Give both a first and a last day.")}, code="required")
        first, last = _parse_date(start.strip(), "start"), _parse_date(end.strip(), "end")
        if first.year < FIRST_YEAR:
            raise ValidationError({"start": _("The first day is too early.")}, code="early")
        if last < first:
            raise ValidationError({"end": _("The last day is before the first.")}, code="order")
        if (last - first).days >= MAX_CUSTOM_DAYS:
            raise ValidationError(
                {"end": _("A span may be at most %(days)d days.") % {"days": MAX_CUSTOM_DAYS}},
                code="too_long",
            )
        return Period(CUSTOM, first, last + dt.timedelta(days=1))
    if not value:
        return Period.containing(today)
    try:
        if not value[:4].isdigit() or int(value[:4]) < FIRST_YEAR:
            raise ValueError
        if match := _WEEK.match(value):
            year, week = int(match[1]), int(match[2])
            if not 1 <= week <= _weeks_in(year):
                raise ValueError
            return Period.week(year, week)
        if match := _TERTIAL.match(value):
            return Period.tertial(int(match[1]), int(match[2]))
        if match := _MONTH.match(value):
            month = int(match[2])
            if not 1 <= month <= 12:
                raise ValueError
            return Period.month(int(match[1]), month)
        if match := _YEAR.match(value):
            return Period.year(int(match[1]))
    except ValueError:
        pass
    raise ValidationError(
        {
            "period": _(
                "Unknown period “%(value)s”: give a week (2026-W47), a month (2026-11), "
                "a tertial (2026-T3) or a year (2026)."
            )
            % {"value": value[:20]}
        },
        code="invalid",
    )

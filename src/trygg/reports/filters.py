"""Report filters read from query parameters: one parser for the API, the exports and the pages.

A link copied from the review queue, an API call and an export URL take the
same parameters and mean the same reports. Lists are given by repeating a
parameter (`category=3&category=4`), as an HTML form with checkboxes sends them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from trygg.reports.queries import ReportFilters
from trygg.reports.workflow import Status

# The parameter names, as documented in docs/api.md.
DATE_PARAMS = ("start", "end")
ID_PARAMS = {
    "category": "categories",
    "organisation": "organisations",
    "district": "districts",
    "place": "places",
}
STATUS_PARAM = "status"
OVERDUE_PARAM = "overdue"
PARAMS = frozenset({*DATE_PARAMS, *ID_PARAMS, STATUS_PARAM, OVERDUE_PARAM})

# The spellings pydantic reads as booleans, so the API's schema and this parser agree.
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"", "0", "false", "f", "no", "n", "off"})


def _values(params: Mapping[str, Any] | QueryDict, name: str) -> list[str]:
    """Every value of a repeatable parameter, blanks dropped."""
    if isinstance(params, QueryDict):
        raw: Any = params.getlist(name)
    else:
        raw = params.get(name, [])
    if raw is None:
        raw = []
    elif isinstance(raw, str | int):
        raw = [raw]
    return [str(item).strip() for item in raw if str(item).strip()]


def _single(params: Mapping[str, Any] | QueryDict, name: str) -> str:
    values = _values(params, name)
    if len(values) > 1:
        raise ValidationError({name: _("Give this parameter once.")})
    return values[0] if values else ""


def _date(params: Mapping[str, Any] | QueryDict, name: str) -> dt.date | None:
    value = _single(params, name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {name: _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}}
        ) from None


def _ids(params: Mapping[str, Any] | QueryDict, name: str) -> list[int]:
    ids = []
    for value in _values(params, name):
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise ValidationError(
                {name: _("“%(value)s” is not an id; give whole numbers.") % {"value": value}}
            )
        ids.append(int(value))
    return ids


def _flag(params: Mapping[str, Any] | QueryDict, name: str) -> bool:
    value = _single(params, name).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationError({name: _("Give true or false.")})


def filters_from_params(params: Mapping[str, Any] | QueryDict) -> ReportFilters:
    """Read `start`, `end`, `category`, `organisation`, `status`, `district`, `place`, `overdue`.

    Raises ValidationError keyed by parameter name, with every bad parameter at once,
    so a client learns all its mistakes from one answer. Unknown parameters are left
    to the caller (pagination, format).
    """
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def read(name: str, key: str, parse: Any) -> None:
        try:
            values[key] = parse(params, name)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)

    for name in DATE_PARAMS:
        read(name, name, _date)
    for name, key in ID_PARAMS.items():
        read(name, key, _ids)
    read(OVERDUE_PARAM, "overdue", _flag)
    statuses = _values(params, STATUS_PARAM)
    unknown = [s for s in statuses if s not in Status.values]
    if unknown:
        errors.setdefault(STATUS_PARAM, []).append(
            _("Unknown status: %(value)s. Choose from %(choices)s.")
            % {"value": ", ".join(unknown), "choices": ", ".join(Status.values)}
        )
    values["statuses"] = statuses
    start, end = values.get("start"), values.get("end")
    if start and end and end < start:
        errors.setdefault("end", []).append(_("The end date lies before the start date."))
    if errors:
        raise ValidationError(errors)
    return ReportFilters(**values)

"""Bulk import of reports: the police's public event feed (JSON), CSV and GeoJSON points.

Every row is checked and every rejected row is listed with its line (CSV) or
its number in the file (JSON) and the reason. A real run stores the good rows
in one transaction and none of the rejected ones; the page shows the rejected
rows in a dry run before anyone confirms, so a partial file is never stored by
surprise. A fault in the file itself (not JSON, not a list, unreadable text)
stores nothing at all.

Imported reports are an authority's record: status accepted, no answer owed,
and no `ReportEvent` rows; their source and `created_at` are their history. A
stable source id per row (the feed's id, the file's id column, or a hash of the
row's content) makes importing the same file again store nothing twice.

Built for a million events: the feed is read as a stream, positions are
projected and located with numpy a chunk at a time, and rows are written with
`executemany` (SQLite) or COPY (PostgreSQL) instead of model instances, whose
per-field preparation costs several times the insert itself. The checks
`full_clean()` would make are made here, field by field.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.core import policy
from trygg.core.models import Organisation, User
from trygg.geo.locator import Locator, Named
from trygg.geo.models import City, District, Locality, Place
from trygg.geo.projection import to_sweref
from trygg.reports.models import Category, CategoryMapping, Precision, Report, Source
from trygg.reports.services import check_time, locate
from trygg.reports.workflow import Status

CHUNK_ROWS = 10_000
PREVIEW_ROWS = 20
# Past this many, rejected rows are counted but no longer listed one by one.
MAX_LISTED = 10_000
SOURCE_ID_LENGTH = Report._meta.get_field("source_id").max_length or 120
# The feed's gps is a municipality's (or county's) centroid, which may lie just
# outside the districts a city has drawn; within this many metres it still counts.
NEAR_CITY_M = 10_000.0
# Bytes of the feed decoded at a time while it is read as a stream.
READ_BYTES = 1 << 20
MAX_ITEM_CHARS = 16 << 20


class ImportFormat(models.TextChoices):
    POLICE = "police", gettext_lazy("Police event feed (JSON)")
    CSV = "csv", gettext_lazy("CSV")
    GEOJSON = "geojson", gettext_lazy("GeoJSON points")


SOURCES = {
    ImportFormat.POLICE: Source.POLICE_FEED,
    ImportFormat.CSV: Source.CSV,
    ImportFormat.GEOJSON: Source.GEOJSON,
}

_ROW_LABELS = {
    ImportFormat.POLICE: gettext_lazy("Event %(number)s: %(reason)s"),
    ImportFormat.CSV: gettext_lazy("Line %(number)s: %(reason)s"),
    ImportFormat.GEOJSON: gettext_lazy("Feature %(number)s: %(reason)s"),
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing of it is imported."""


@dataclass(frozen=True)
class RejectedRow:
    """A row that is not stored: its CSV line, or its number in a JSON list (from 1)."""

    format: str
    number: int
    reason: str

    def __str__(self) -> str:
        return str(_ROW_LABELS[ImportFormat(self.format)]) % {
            "number": self.number,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PreviewRow:
    number: int
    source_id: str
    occurred_from: dt.datetime
    occurred_to: dt.datetime | None
    category: str
    precision: str
    district: str
    places: str
    lon: float
    lat: float
    description: str


@dataclass
class ImportResult:
    """What an import stored (or, in a dry run, would store), skipped and rejected."""

    format: str
    dry_run: bool
    created: int = 0
    skipped: int = 0
    rejected_count: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)

    @property
    def unlisted(self) -> int:
        return self.rejected_count - len(self.rejected)

    def reject(self, number: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append(RejectedRow(self.format, number, reason))


@dataclass(slots=True)
class _Row:
    """One row as read from the file, before its position is checked."""

    number: int
    source_id: str
    problems: list[str]
    occurred_from: dt.datetime | None = None
    occurred_to: dt.datetime | None = None
    category_id: int | None = None
    lon: Any = None
    lat: Any = None
    description: str = ""
    # Police feed only: the text the gazetteer reads and the area the feed names.
    text: str = ""
    area: str = ""


@dataclass(slots=True)
class _Placed:
    row: _Row
    lon: float
    lat: float
    x: float
    y: float
    precision: str
    district_id: int | None
    place_ids: list[int]


@dataclass
class _Context:
    city: City
    format: str
    categories: dict[str, int]
    locator: Locator
    now: dt.datetime


# Reading the files -------------------------------------------------------------------


def _missing(name: str) -> str:
    return _("The field “%(field)s” is missing.") % {"field": name}


_TIME = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)


def parse_time(text: Any) -> dt.datetime | None:
    """An ISO 8601 time, with or without seconds and offset; a time without one is local."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    value = None
    if len(text) > 10:
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            value = None
    if value is None:
        match = _TIME.fullmatch(text)
        if match is None:
            return None
        year, month, day, hour, minute, second, offset = match.groups()
        try:
            value = dt.datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
            )
            if offset:
                zone = dt.datetime.fromisoformat(f"2000-01-01T00:00{offset}").tzinfo
                value = value.replace(tzinfo=zone)
        except ValueError:
            return None
    if value.tzinfo is None:
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


def _time(raw: Any, name: str, problems: list[str]) -> dt.datetime | None:
    if raw is None or raw == "":
        problems.append(_missing(name))
        return None
    value = parse_time(raw)
    if value is None:
        problems.append(
            _("The time “%(value)s” cannot be read; write it as 2017-03-01 21:15.")
            % {"value": str(raw)[:40]}
        )
    return value


def _category(raw: Any, name: str, ctx: _Context, problems: list[str]) -> int | None:
    text = str(raw).strip() if raw is not None else ""
    if not text:
        problems.append(_missing(name))
        return None
    category_id = ctx.categories.get(text.casefold())
    if category_id is None:
        problems.append(_("Unknown category “%(category)s”.") % {"category": text[:80]})
    return category_id


def _own_id(raw: Any, problems: list[str]) -> str:
    value = "" if raw is None else str(raw).strip()
    if len(value) > SOURCE_ID_LENGTH:
        problems.append(
            _("The id is longer than %(length)s characters.") % {"length": SOURCE_ID_LENGTH}
        )
        return ""
    return value


def _content_id(*parts: Any) -> str:
    """A stable id for a row without one: the same report in a re-saved file hashes alike."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return "h-" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _decode_json(data: bytes) -> str:
    try:
        return codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text.")) from None


def _json_error(error: json.JSONDecodeError, line_offset: int = 0) -> ImportFileError:
    return ImportFileError(
        _("The file is not valid JSON (line %(line)s, column %(column)s).")
        % {"line": error.lineno + line_offset, "column": error.colno}
    )


_SPACE = re.compile(r"[ \t\n\r]*")


def _json_list(data: bytes) -> Iterator[Any]:
    """The items of a top-level JSON list, decoded one by one so a big file never sits
    in memory twice as Python objects."""
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    read = 3 if data.startswith(codecs.BOM_UTF8) else 0
    text, at, lines_before = "", 0, 0

    def more() -> bool:
        nonlocal text, at, read, lines_before
        if read >= len(data):
            return False
        try:
            last = read + READ_BYTES >= len(data)
            chunk = utf8.decode(view[read : read + READ_BYTES], final=last)
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not UTF-8 text.")) from None
        read += READ_BYTES
        lines_before += text.count("\n", 0, at)
        text, at = text[at:] + chunk, 0
        return True

    def next_char() -> str:
        nonlocal at
        while True:
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            if at < len(text) or not more():
                return text[at] if at < len(text) else ""

    first = next_char()
    if first != "[":
        if first == "":
            raise ImportFileError(_("The file is empty."))
        try:
            json.loads(_decode_json(data))
        except json.JSONDecodeError as error:
            raise _json_error(error) from None
        raise ImportFileError(_("The file must hold a JSON list of events."))
    at += 1
    if next_char() == "]":
        at += 1
    else:
        while True:
            next_char()
            while True:
                try:
                    item, end = decoder.raw_decode(text, at)
                except json.JSONDecodeError as error:
                    # Perhaps the item is only cut off by the end of what has been read; no
                    # event is longer than MAX_ITEM_CHARS, so reading stops there at the latest.
                    if len(text) - at < MAX_ITEM_CHARS and more():
                        continue
                    raise _json_error(error, lines_before) from None
                if end < len(text) or not more():
                    break
            at = end
            yield item
            separator = next_char()
            at += 1
            if separator == "]":
                break
            if separator != ",":
                error = json.JSONDecodeError("Expecting ',' or ']'", text, at - 1)
                raise _json_error(error, lines_before)
    if next_char() != "":
        raise ImportFileError(_("The file holds more than one JSON list."))


def _police_rows(data: bytes, ctx: _Context) -> Iterator[_Row]:
    for number, item in enumerate(_json_list(data), start=1):
        problems: list[str] = []
        if not isinstance(item, dict):
            yield _Row(number, "", [_("The event is not a JSON object.")])
            continue
        source_id = _own_id(item.get("id"), problems)
        if not source_id and not problems:
            problems.append(_missing("id"))
        location = item.get("location")
        location = location if isinstance(location, dict) else {}
        gps = location.get("gps")
        lat: Any = None
        lon: Any = None
        if gps is None or gps == "":
            problems.append(_missing("location.gps"))
        else:
            parts = str(gps).split(",")
            lat, lon = (parts[0], parts[1]) if len(parts) == 2 else (gps, "")
        name, summary = str(item.get("name") or ""), str(item.get("summary") or "")
        yield _Row(
            number,
            source_id,
            problems,
            occurred_from=_time(item.get("datetime"), "datetime", problems),
            category_id=_category(item.get("type"), "type", ctx, problems),
            lon=lon,
            lat=lat,
            description=summary.strip(),
            text=f"{name}\n{summary}",
            area=str(location.get("name") or "").strip(),
        )


# Column names in English and Swedish (the way a Swedish Excel sheet is headed).
_COLUMNS = {
    "time": ("time", "tid", "tidpunkt", "datetime", "start"),
    "end": ("end", "slut", "sluttid"),
    "category": ("category", "kategori", "type", "typ"),
    "lon": ("lon", "lng", "longitude", "longitud"),
    "lat": ("lat", "latitude", "latitud"),
    "description": ("description", "beskrivning", "summary", "text"),
    "id": ("id", "source_id"),
}
_REQUIRED = ("time", "category", "lon", "lat")


def _decode_csv(data: bytes) -> str:
    """UTF-8 when it is valid UTF-8; otherwise a Swedish Excel's Windows-1252 (or Latin-1)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _number(raw: str, decimal_comma: bool) -> str:
    raw = raw.strip().replace("\u2212", "-")
    return raw.replace(",", ".") if decimal_comma else raw


def _csv_rows(data: bytes, ctx: _Context) -> Iterator[_Row]:
    try:
        text = _decode_csv(data)
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text.")) from None
    header_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise ImportFileError(_("The file is empty."))
    folded = [h.strip().casefold() for h in header]
    where = {
        role: next((i for i, name in enumerate(folded) if name in names), None)
        for role, names in _COLUMNS.items()
    }
    lacking = [role for role in _REQUIRED if where[role] is None]
    if lacking:
        raise ImportFileError(
            _("The file lacks the columns %(columns)s (found: %(found)s).")
            % {"columns": ", ".join(lacking), "found": ", ".join(h.strip() for h in header)}
        )
    named = {role: header[i].strip() if i is not None else role for role, i in where.items()}
    decimal_comma = delimiter == ";"
    line = reader.line_num
    for values in reader:
        number, line = line + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        problems: list[str] = []
        cell = {
            role: values[i].strip() if i is not None and i < len(values) else ""
            for role, i in where.items()
        }
        occurred_from = _time(cell["time"], named["time"], problems)
        occurred_to = _time(cell["end"], named["end"], problems) if cell["end"] else None
        lon, lat = _number(cell["lon"], decimal_comma), _number(cell["lat"], decimal_comma)
        for role, value in (("lon", lon), ("lat", lat)):
            if not value:
                problems.append(_missing(named[role]))
        source_id = _own_id(cell["id"], problems) or _content_id(
            occurred_from.isoformat() if occurred_from else cell["time"],
            occurred_to.isoformat() if occurred_to else "",
            cell["category"].casefold(),
            lon,
            lat,
            cell["description"],
        )
        yield _Row(
            number,
            source_id,
            problems,
            occurred_from=occurred_from,
            occurred_to=occurred_to,
            category_id=_category(cell["category"], named["category"], ctx, problems),
            lon=lon or None,
            lat=lat or None,
            description=cell["description"],
        )


def _property(properties: dict[str, Any], role: str) -> Any:
    for name in _COLUMNS[role]:
        if properties.get(name) not in (None, ""):
            return properties[name]
    return None


def _geojson_rows(data: bytes, ctx: _Context) -> Iterator[_Row]:
    try:
        document = json.loads(_decode_json(data))
    except json.JSONDecodeError as error:
        raise _json_error(error) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ImportFileError(_("The file must be a GeoJSON FeatureCollection."))
    features = document.get("features")
    if not isinstance(features, list):
        raise ImportFileError(_("The FeatureCollection has no list of features."))
    for number, feature in enumerate(features, start=1):
        problems: list[str] = []
        if not isinstance(feature, dict):
            yield _Row(number, "", [_("The feature is not a JSON object.")])
            continue
        properties = feature.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        geometry = feature.get("geometry")
        lon: Any = None
        lat: Any = None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            problems.append(_("The feature must have a Point geometry."))
        else:
            coordinates = geometry.get("coordinates")
            if isinstance(coordinates, list) and len(coordinates) >= 2:
                lon, lat = coordinates[0], coordinates[1]
            else:
                lon = lat = ""
        occurred_from = _time(_property(properties, "time"), "time", problems)
        end = _property(properties, "end")
        occurred_to = _time(end, "end", problems) if end is not None else None
        category = _property(properties, "category")
        description = str(_property(properties, "description") or "").strip()
        source_id = _own_id(
            _property(properties, "id") or feature.get("id"), problems
        ) or _content_id(
            occurred_from.isoformat() if occurred_from else "",
            occurred_to.isoformat() if occurred_to else "",
            str(category or "").casefold(),
            lon,
            lat,
            description,
        )
        yield _Row(
            number,
            source_id,
            problems,
            occurred_from=occurred_from,
            occurred_to=occurred_to,
            category_id=_category(category, "category", ctx, problems),
            lon=lon,
            lat=lat,
            description=description,
        )


_PARSERS: dict[str, Callable[[bytes, _Context], Iterator[_Row]]] = {
    ImportFormat.POLICE: _police_rows,
    ImportFormat.CSV: _csv_rows,
    ImportFormat.GEOJSON: _geojson_rows,
}


# Placing the rows ----------------------------------------------------------------------


def _as_float(value: Any) -> float:
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _municipality(name: str) -> str:
    key = name.strip().casefold()
    for suffix in (" stad", " kommun"):
        key = key.removesuffix(suffix)
    return key


def names_city(area: str, city: City) -> bool:
    """Whether the feed's area is the city's municipality ("Stockholm" is Stockholms stad)."""
    key, own = _municipality(area), _municipality(city.name)
    return bool(key) and own in (key, key + "s")


class _Placer:
    """Checks and places the rows of one chunk with whole-array projection and lookups."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.locator = ctx.locator
        bounds = np.array([g.bounds for g in self.locator.district_shapes]).reshape(-1, 4)
        self.box = (
            (*(bounds[:, :2].min(axis=0) - NEAR_CITY_M), *(bounds[:, 2:].max(axis=0) + NEAR_CITY_M))
            if len(bounds)
            else None
        )
        self.geocoded: dict[str, Named | None] = {}
        # A plain alternation over lower-cased text lets the regex engine skip ahead by
        # first letters, which the gazetteer's own pattern with its word-boundary checks
        # cannot: most texts name nothing and are ruled out five times faster, and only
        # those that may name something are asked of `named_in`.
        names = [
            *District.objects.filter(city=ctx.city).values_list("name", flat=True),
            *Place.objects.filter(district__city=ctx.city).values_list("name", flat=True),
            *Locality.objects.filter(city=ctx.city).values_list("name", flat=True),
        ]
        self.mentions = (
            re.compile("|".join(re.escape(n.lower()) for n in sorted(names, key=len, reverse=True)))
            if names
            else None
        )
        self.named_xy: dict[tuple[str, int], tuple[float, float]] = {}
        self.city_areas: dict[str, bool] = {}

    def _near(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.box is None:
            return np.zeros(len(x), dtype=bool)
        min_x, min_y, max_x, max_y = self.box
        return (x >= min_x) & (x <= max_x) & (y >= min_y) & (y <= max_y)

    def _named_in(self, text: str) -> Named | None:
        if self.mentions is None or not self.mentions.search(text.lower()):
            return None
        if text not in self.geocoded:
            if len(self.geocoded) > 200_000:
                self.geocoded.clear()
            self.geocoded[text] = self.locator.named_in(text)
        return self.geocoded[text]

    def _named_xy(self, named: Named) -> tuple[float, float]:
        key = (named.kind, named.pk)
        if key not in self.named_xy:
            x, y = to_sweref(np.array([named.lon]), np.array([named.lat]))
            self.named_xy[key] = (float(x[0]), float(y[0]))
        return self.named_xy[key]

    def _names_city(self, area: str) -> bool:
        if area not in self.city_areas:
            self.city_areas[area] = names_city(area, self.ctx.city)
        return self.city_areas[area]

    def place(self, rows: list[_Row]) -> list[_Placed | str]:
        """Each row placed, or the reason its position is refused."""
        city = self.ctx.city
        police = self.ctx.format == ImportFormat.POLICE
        lon = np.array([_as_float(r.lon) for r in rows])
        lat = np.array([_as_float(r.lat) for r in rows])
        valid = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
        x, y = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
        x[valid], y[valid] = to_sweref(lon[valid], lat[valid])
        district = np.zeros(len(rows), dtype=np.int64)
        district[valid] = self.locator.districts_of(x[valid], y[valid])
        near = valid & self._near(x, y) if police else district != 0
        swapped = np.zeros(len(rows), dtype=bool)
        suspect = np.flatnonzero(valid & ~near & (np.abs(lon) <= 90))
        if len(suspect):
            sx, sy = to_sweref(lat[suspect], lon[suspect])
            inside = self.locator.districts_of(sx, sy) != 0
            swapped[suspect] = inside | self._near(sx, sy) if police else inside
        places: list[list[int]] = [[] for _ in rows]
        if not police:
            for index, found in zip(
                np.flatnonzero(near), self.locator.places_of(x[near], y[near]), strict=True
            ):
                places[index] = found
        outside = _("The position is outside %(city)s.") % {"city": city.name}
        lons, lats, xs, ys = lon.tolist(), lat.tolist(), x.tolist(), y.tolist()
        districts = district.tolist()
        placed: list[_Placed | str] = []
        for i, row in enumerate(rows):
            if not valid[i]:
                placed.append(self._coordinate_problem(row))
            elif swapped[i]:
                placed.append(
                    _(
                        "The position is outside %(city)s, but would be inside with latitude "
                        "and longitude swapped."
                    )
                    % {"city": city.name}
                )
            elif not near[i]:
                placed.append(outside)
            elif police:
                placed.append(self._police(row, lons[i], lats[i], xs[i], ys[i], districts[i]))
            else:
                placed.append(
                    _Placed(
                        row,
                        lons[i],
                        lats[i],
                        xs[i],
                        ys[i],
                        Precision.POINT,
                        districts[i] or None,
                        places[i],
                    )
                )
        return placed

    def _coordinate_problem(self, row: _Row) -> str:
        """The reason from the single-report check; empty when the field's absence is
        already the row's problem."""
        if row.lon is None or row.lat is None:
            return ""
        try:
            locate(city=self.ctx.city, lon=row.lon, lat=row.lat, locator=self.locator)
        except ValidationError as error:
            return " ".join(error.message_dict.get("position", error.messages))
        return _("The position must be two numbers.")

    def _police(
        self, row: _Row, lon: float, lat: float, x: float, y: float, district_id: int
    ) -> _Placed | str:
        """A named place or locality in the text beats the feed's centroid; the centroid
        alone is kept, with no district, only when the feed names the city itself."""
        own_area = self._names_city(row.area)
        if not own_area and not district_id:
            return _("The position is outside %(city)s.") % {"city": self.ctx.city.name}
        named = self._named_in(row.text)
        if named is not None:
            nx, ny = self._named_xy(named)
            if named.kind == "place":
                precision, place_ids = Precision.PLACE, [named.pk]
            else:
                precision, place_ids = Precision.LOCALITY, []
            return _Placed(
                row, named.lon, named.lat, nx, ny, precision, named.district_id, place_ids
            )
        if not own_area:
            return _("The event is placed only in %(area)s, not in a part of %(city)s.") % {
                "area": row.area or "–",
                "city": self.ctx.city.name,
            }
        return _Placed(row, lon, lat, x, y, Precision.MUNICIPALITY, None, [])


# Writing -------------------------------------------------------------------------------


class _Writer:
    """Rows straight to the table: COPY on PostgreSQL, executemany elsewhere."""

    VARYING = (
        "category_id",
        "source_id",
        "occurred_from",
        "occurred_to",
        "description",
        "lon",
        "lat",
        "x",
        "y",
        "precision",
        "district_id",
    )

    def __init__(
        self,
        *,
        city: City,
        source: str,
        organisation: Organisation | None,
        by: User | None,
        now: dt.datetime,
    ) -> None:
        self.city, self.source = city, source
        prototype = Report(
            city=city,
            source=source,
            organisation=organisation,
            reporter=by,
            status=Status.ACCEPTED,
            answer_due_at=None,
            created_at=now,
            occurred_from=now,
            lon=0.0,
            lat=0.0,
            x=0.0,
            y=0.0,
        )
        self.fields = [f for f in Report._meta.concrete_fields if not f.primary_key]
        self.template = [
            f.get_db_prep_save(f.pre_save(prototype, add=True), connection) for f in self.fields
        ]
        self.slots = [
            next(i for i, f in enumerate(self.fields) if f.attname == name) for name in self.VARYING
        ]
        self.adapt_time = connection.ops.adapt_datetimefield_value
        self.with_places: dict[str, list[int]] = {}

    @contextlib.contextmanager
    def open(self) -> Iterator[None]:
        """One stream of rows for the whole import, then the places of those that have them."""
        with _rows_into(Report._meta.db_table, [f.column for f in self.fields]) as put:
            self._put = put
            yield
        self._link_places()

    def write(self, placed: list[_Placed]) -> None:
        rows = []
        adapt, template = self.adapt_time, self.template
        c, s, f, t, d, lo, la, xs, ys, p, di = self.slots
        for item in placed:
            row = template.copy()
            r = item.row
            row[c], row[s], row[d] = r.category_id, r.source_id, r.description
            row[f], row[t] = adapt(r.occurred_from), adapt(r.occurred_to)
            row[lo], row[la], row[xs], row[ys] = item.lon, item.lat, item.x, item.y
            row[p], row[di] = item.precision, item.district_id
            rows.append(row)
            if item.place_ids:
                self.with_places[r.source_id] = item.place_ids
        self._put(rows)

    def _link_places(self) -> None:
        links = []
        source_ids = list(self.with_places)
        for start in range(0, len(source_ids), 5000):
            # Without ordering and with the index's own condition, both databases look the
            # ids up in the unique (city, source, source_id) index.
            found = (
                Report.objects.filter(
                    city=self.city,
                    source=self.source,
                    source_id__in=source_ids[start : start + 5000],
                )
                .exclude(source_id="")
                .order_by()
                .values_list("source_id", "pk")
            )
            links.extend(
                (pk, place) for source_id, pk in found for place in self.with_places[source_id]
            )
        if links:
            meta = Report.places.through._meta
            columns = [meta.get_field("report").column, meta.get_field("place").column]
            with _rows_into(meta.db_table, columns) as put:
                put(links)


@contextlib.contextmanager
def _rows_into(table: str, columns: list[str]) -> Iterator[Callable[[list[Any]], None]]:
    """A writer of rows into a table. On PostgreSQL one binary COPY stays open throughout,
    so the server stores and indexes rows while the next ones are being read; SQLite takes
    each batch with executemany."""
    quote = connection.ops.quote_name
    # Table and column names come from the models, never from the file.
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {names} FROM {quote(table)} LIMIT 0")  # noqa: S608
            types = [column.type_code for column in cursor.description]
            with cursor.cursor.copy(
                f"COPY {quote(table)} ({names}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(types)

                def put(rows: list[Any]) -> None:
                    for row in rows:
                        copy.write_row(row)

                yield put
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
            yield lambda rows: cursor.executemany(sql, rows)


# The service ---------------------------------------------------------------------------


def category_keys(
    *, city: City, source: str, mapping: Mapping[str, Category] | None = None
) -> dict[str, int]:
    """What a row's category may say, case-folded: the source's mapped types, and for
    files also a category's code and names; `mapping` overrides both."""
    keys: dict[str, int] = {}
    if source != Source.POLICE_FEED:
        for pk, code, name, name_en in Category.objects.filter(city=city, active=True).values_list(
            "pk", "code", "name", "name_en"
        ):
            for key in (name_en, name, code):
                if key:
                    keys[key.casefold()] = pk
    mapped = CategoryMapping.objects.filter(city=city, source=source, category__active=True)
    for source_type, pk in mapped.values_list("source_type", "category_id"):
        keys[source_type.casefold()] = pk
    for source_type, category in (mapping or {}).items():
        if category.city_id != city.pk:
            raise ValidationError(
                {"mapping": _("This category is not used in %(city)s.") % {"city": city.name}}
            )
        keys[source_type.strip().casefold()] = category.pk
    return keys


def importing_organisations(user: Any, city: City) -> models.QuerySet[Organisation]:
    """The organisations an importer may put as the imports' owner: their own in the city
    (an administrator: any of the city's)."""
    scope = policy.scope(user)
    organisations = Organisation.objects.filter(city=city).order_by("name")
    if scope.is_admin_of(city.pk):
        return organisations
    return organisations.filter(pk__in=scope.member_org_ids)


def _chunks(rows: Iterable[_Row]) -> Iterator[list[_Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        yield chunk


def _preview(placed: _Placed, names: dict[str, dict[int, str]]) -> PreviewRow:
    row = placed.row
    return PreviewRow(
        number=row.number,
        source_id=row.source_id,
        occurred_from=row.occurred_from,  # type: ignore[arg-type]
        occurred_to=row.occurred_to,
        category=names["category"].get(row.category_id or 0, ""),
        precision=str(Precision(placed.precision).label),
        district=names["district"].get(placed.district_id or 0, ""),
        places=", ".join(names["place"].get(pk, "") for pk in placed.place_ids),
        lon=round(float(placed.lon), 6),
        lat=round(float(placed.lat), 6),
        description=row.description[:200],
    )


def _run(
    *,
    ctx: _Context,
    rows: Iterator[_Row],
    result: ImportResult,
    writer: _Writer | None,
) -> None:
    source = SOURCES[ImportFormat(ctx.format)]
    seen = set(
        Report.objects.filter(city=ctx.city, source=source)
        .exclude(source_id="")
        .order_by()
        .values_list("source_id", flat=True)
    )
    placer = _Placer(ctx)
    names = {
        "category": {c.pk: c.label for c in Category.objects.filter(city=ctx.city)},
        "district": dict(District.objects.filter(city=ctx.city).values_list("pk", "name")),
        "place": dict(Place.objects.filter(district__city=ctx.city).values_list("pk", "name")),
    }
    with writer.open() if writer else contextlib.nullcontext():
        for chunk in _chunks(rows):
            _take(
                chunk, ctx=ctx, placer=placer, seen=seen, names=names, result=result, writer=writer
            )


def _take(
    chunk: list[_Row],
    *,
    ctx: _Context,
    placer: _Placer,
    seen: set[str],
    names: dict[str, dict[int, str]],
    result: ImportResult,
    writer: _Writer | None,
) -> None:
    """Check, place and (unless a dry run) write one chunk of rows."""
    fresh: list[_Row] = []
    for row in chunk:
        if row.source_id and row.source_id in seen:
            result.skipped += 1
            continue
        if row.occurred_from is not None:
            try:
                check_time(row.occurred_from, row.occurred_to, now=ctx.now)
            except ValidationError as error:
                row.problems.extend(error.messages)
        if row.source_id:
            seen.add(row.source_id)
        fresh.append(row)
    good: list[_Placed] = []
    for row, placed in zip(fresh, placer.place(fresh), strict=True):
        problems = row.problems + ([placed] if isinstance(placed, str) and placed else [])
        if problems:
            result.reject(row.number, " ".join(problems))
        else:
            assert isinstance(placed, _Placed)
            good.append(placed)
    for placed in good[: max(0, PREVIEW_ROWS - len(result.preview))]:
        result.preview.append(_preview(placed, names))
    result.created += len(good)
    if writer is not None and good:
        writer.write(good)


def reports_import(
    *,
    city: City,
    by: User | None,
    data: bytes,
    format: str,
    dry_run: bool,
    organisation: Organisation | None = None,
    mapping: Mapping[str, Category] | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Check a file of reports and, unless `dry_run`, store its good rows in one transaction.

    Rejected rows are listed and never stored; a malformed file raises
    `ImportFileError` and stores nothing. `by` None is the command line, which
    the shell account already vouches for; a person needs the IMPORT_REPORTS right.
    """
    if by is not None and not policy.can(by, policy.IMPORT_REPORTS, city):
        raise PermissionDenied
    if organisation is not None and (
        organisation.city_id != city.pk
        or (
            by is not None
            and not importing_organisations(by, city).filter(pk=organisation.pk).exists()
        )
    ):
        raise ValidationError(
            {
                "organisation": _("%(org)s cannot own reports imported into %(city)s.")
                % {"org": organisation.name, "city": city.name}
            }
        )
    format = ImportFormat(format)
    source = SOURCES[format]
    now = now or timezone.now()
    ctx = _Context(
        city=city,
        format=format,
        categories=category_keys(city=city, source=source, mapping=mapping),
        locator=Locator(city),
        now=now,
    )
    result = ImportResult(format=format, dry_run=dry_run)
    rows = _PARSERS[format](data, ctx)
    if dry_run:
        _run(ctx=ctx, rows=rows, result=result, writer=None)
        return result
    with transaction.atomic():
        # One import per city at a time: the set of ids already stored stays true.
        list(City.objects.select_for_update().filter(pk=city.pk).values_list("pk"))
        writer = _Writer(city=city, source=source, organisation=organisation, by=by, now=now)
        _run(ctx=ctx, rows=rows, result=result, writer=writer)
    return result

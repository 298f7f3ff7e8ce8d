"""Reading the files: the police feed as a JSON stream, CSV (Swedish Excel too), GeoJSON."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.reports.imports.rows import (
    MAX_ITEM_CHARS,
    READ_BYTES,
    SOURCE_ID_LENGTH,
    Context,
    ImportFileError,
    ImportFormat,
    Row,
)


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


def _category(raw: Any, name: str, ctx: Context, problems: list[str]) -> int | None:
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


def police_rows(data: bytes, ctx: Context) -> Iterator[Row]:
    for number, item in enumerate(_json_list(data), start=1):
        problems: list[str] = []
        if not isinstance(item, dict):
            yield Row(number, "", [_("The event is not a JSON object.")])
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
        yield Row(
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


def csv_rows(data: bytes, ctx: Context) -> Iterator[Row]:
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
        yield Row(
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


def geojson_rows(data: bytes, ctx: Context) -> Iterator[Row]:
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
            yield Row(number, "", [_("The feature is not a JSON object.")])
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
        yield Row(
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


PARSERS: dict[str, Callable[[bytes, Context], Iterator[Row]]] = {
    ImportFormat.POLICE: police_rows,
    ImportFormat.CSV: csv_rows,
    ImportFormat.GEOJSON: geojson_rows,
}

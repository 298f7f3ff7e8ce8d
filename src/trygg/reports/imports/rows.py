"""The shapes an import passes around: formats, rows read, rows placed, the result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from trygg.geo.locator import Locator
from trygg.geo.models import City
from trygg.reports.models import Report, Source

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
class Row:
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
class Placed:
    row: Row
    lon: float
    lat: float
    x: float
    y: float
    precision: str
    district_id: int | None
    place_ids: list[int]


@dataclass
class Context:
    city: City
    format: str
    categories: dict[str, int]
    locator: Locator
    now: dt.datetime

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

from trygg.reports.imports.placing import names_city
from trygg.reports.imports.readers import parse_time
from trygg.reports.imports.rows import (
    CHUNK_ROWS,
    READ_BYTES,
    ImportFileError,
    ImportFormat,
    ImportResult,
    PreviewRow,
    RejectedRow,
)
from trygg.reports.imports.service import (
    category_keys,
    importing_organisations,
    reports_import,
)

__all__ = [
    "CHUNK_ROWS",
    "READ_BYTES",
    "ImportFileError",
    "ImportFormat",
    "ImportResult",
    "PreviewRow",
    "RejectedRow",
    "category_keys",
    "importing_organisations",
    "names_city",
    "parse_time",
    "reports_import",
]

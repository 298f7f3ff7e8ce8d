"""Writing rows straight into the table: executemany on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection

from trygg.core.models import Organisation, User
from trygg.geo.models import City
from trygg.reports.imports.rows import (
    Placed,
)
from trygg.reports.models import Report
from trygg.reports.workflow import Status


class Writer:
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

    def write(self, placed: list[Placed]) -> None:
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

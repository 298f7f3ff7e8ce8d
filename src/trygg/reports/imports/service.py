"""The import service: read, place and write a file a chunk at a time in one transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.core import policy
from trygg.core.models import Organisation, User
from trygg.geo.locator import Locator
from trygg.geo.models import City, District, Place
from trygg.reports.imports.placing import (
    Placer,
)
from trygg.reports.imports.readers import (
    PARSERS,
)
from trygg.reports.imports.rows import (
    CHUNK_ROWS,
    PREVIEW_ROWS,
    SOURCES,
    Context,
    ImportFormat,
    ImportResult,
    Placed,
    PreviewRow,
    Row,
)
from trygg.reports.imports.writing import (
    Writer,
)
from trygg.reports.models import Category, CategoryMapping, Precision, Report, Source
from trygg.reports.services import check_time


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


def _chunks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        yield chunk


def _preview(placed: Placed, names: dict[str, dict[int, str]]) -> PreviewRow:
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
    ctx: Context,
    rows: Iterator[Row],
    result: ImportResult,
    writer: Writer | None,
) -> None:
    source = SOURCES[ImportFormat(ctx.format)]
    seen = set(
        Report.objects.filter(city=ctx.city, source=source)
        .exclude(source_id="")
        .order_by()
        .values_list("source_id", flat=True)
    )
    placer = Placer(ctx)
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
    chunk: list[Row],
    *,
    ctx: Context,
    placer: Placer,
    seen: set[str],
    names: dict[str, dict[int, str]],
    result: ImportResult,
    writer: Writer | None,
) -> None:
    """Check, place and (unless a dry run) write one chunk of rows."""
    fresh: list[Row] = []
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
    good: list[Placed] = []
    for row, placed in zip(fresh, placer.place(fresh), strict=True):
        problems = row.problems + ([placed] if isinstance(placed, str) and placed else [])
        if problems:
            result.reject(row.number, " ".join(problems))
        else:
            assert isinstance(placed, Placed)
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
    ctx = Context(
        city=city,
        format=format,
        categories=category_keys(city=city, source=source, mapping=mapping),
        locator=Locator(city),
        now=now,
    )
    result = ImportResult(format=format, dry_run=dry_run)
    rows = PARSERS[format](data, ctx)
    if dry_run:
        _run(ctx=ctx, rows=rows, result=result, writer=None)
        return result
    with transaction.atomic():
        # One import per city at a time: the set of ids already stored stays true.
        list(City.objects.select_for_update().filter(pk=city.pk).values_list("pk"))
        writer = Writer(city=city, source=source, organisation=organisation, by=by, now=now)
        _run(ctx=ctx, rows=rows, result=result, writer=writer)
    return result

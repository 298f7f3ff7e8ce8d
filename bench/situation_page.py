"""Benchmark: the situation-picture page and its PDF for a district with 200,000 events.

Loads the Älvsjö demo into a database of its own (SQLite in a throw-away data
folder, or PostgreSQL in a database `trygg_bench_situation` this script creates
and drops), adds N counted reports in Älvsjö within one year, and times with
Django's test client, logged in as Älvsjö's coordinator: the first view of the
page (cache cleared), the cached view (median of several), the view after one
new report (which must be recomputed), the PDF of the year and the PDF of its
last week. The reference, measured in the same run, is the bare fetch of the
same rows: `list(Report.objects.filter(...).values_list(...))`.

    .venv/bin/python bench/situation_page.py                  # both databases
    .venv/bin/python bench/situation_page.py --database sqlite --events 50000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "trygg_bench_situation"
ADMIN_URL = os.environ.get(
    "TRYGG_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
YEAR = 2025
DISTRICT = "Älvsjö"
FIRST_VIEW_S, CACHED_S, PDF_S = 1.5, 0.150, 5.0


def prepare_environment(database: str, data_dir: Path) -> None:
    """Point Trygg at a database of its own: a fresh SQLite file, or `trygg_bench_situation`."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "trygg.settings"
    os.environ["TRYGG_DATA_DIR"] = str(data_dir)
    os.environ.pop("TRYGG_REDIS_URL", None)
    if database == "sqlite":
        os.environ.pop("TRYGG_DATABASE_URL", None)
        return
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    parts = urlsplit(ADMIN_URL)
    os.environ["TRYGG_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def drop_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def occurrences(rng: Any, n: int) -> Any:
    """Epoch seconds in YEAR, local time shaped like reports: more in the evening and on
    weekends, more in the dark months; as UTC instants."""
    import numpy as np
    import pandas as pd

    days = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31", freq="D")
    weight = 1.0 + 0.35 * np.cos(2 * np.pi * (days.day_of_year.to_numpy() - 15) / 365)
    weight *= np.where(days.day_of_week.to_numpy() >= 5, 1.4, 1.0)
    day = rng.choice(len(days), size=n, p=weight / weight.sum())
    hours = np.array([1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 6, 7, 8, 8, 7, 6, 4, 2.0])
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    seconds = rng.integers(0, 3600, size=n)
    local = days.to_numpy()[day] + (hour * 3600 + seconds).astype("timedelta64[s]")
    stamps = pd.DatetimeIndex(local).tz_localize(
        "Europe/Stockholm", ambiguous=np.zeros(n, dtype=bool), nonexistent="shift_forward"
    )
    utc = stamps.tz_convert("UTC").tz_localize(None).to_numpy()
    return utc.astype("datetime64[s]").astype(np.int64)


def positions(rng: Any, n: int, district: Any, places: list[Any]) -> tuple[Any, Any]:
    """SWEREF 99 TM points in the district: most in clusters around its places and a few
    other spots, the rest spread evenly."""
    import numpy as np
    import shapely
    from shapely.geometry import shape

    outline = shape(district.geometry_sweref)
    shapely.prepare(outline)
    xmin, ymin, xmax, ymax = outline.bounds
    centres = [shape(p.geometry_sweref).centroid for p in places]
    centres += [shapely.Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)) for _ in range(12)]
    centres = [c for c in centres if outline.contains(c)]
    x, y = np.empty(n), np.empty(n)
    todo = np.arange(n)
    while todo.size:
        k = todo.size
        clustered = rng.random(k) < 0.7
        which = rng.integers(0, len(centres), size=k)
        spread = rng.uniform(60, 250, size=k)
        cx = np.array([c.x for c in centres])[which]
        cy = np.array([c.y for c in centres])[which]
        px = np.where(clustered, cx + rng.normal(0, 1, k) * spread, rng.uniform(xmin, xmax, k))
        py = np.where(clustered, cy + rng.normal(0, 1, k) * spread, rng.uniform(ymin, ymax, k))
        inside = shapely.contains_xy(outline, px, py)
        x[todo[inside]], y[todo[inside]] = px[inside], py[inside]
        todo = todo[~inside]
    return np.round(x, 1), np.round(y, 1)


def insert_reports(n: int, seed: int) -> None:
    """N accepted reports in the district's YEAR, written as one raw batch (as imports do)."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from trygg.core.models import Organisation
    from trygg.geo.locator import Locator
    from trygg.geo.models import City, District, Place
    from trygg.geo.projection import to_wgs84
    from trygg.reports.models import Category, Precision, Report, Source
    from trygg.reports.workflow import Status

    rng = np.random.default_rng(seed)
    city = City.objects.get(name="Stockholms stad")
    district = District.objects.get(city=city, name=DISTRICT)
    places = list(Place.objects.filter(district=district))
    categories = list(Category.objects.filter(city=city).values_list("pk", flat=True))
    organisations = list(
        Organisation.objects.filter(districts=district).values_list("pk", flat=True)
    )
    occurred = occurrences(rng, n)
    # Most reports are written down within hours, some days later.
    created = occurred + np.minimum(rng.exponential(6 * 3600, n), 20 * 86400).astype(np.int64)
    x, y = positions(rng, n, district, places)
    lon, lat = to_wgs84(x, y)
    precision = rng.choice(
        [Precision.POINT, Precision.STREET, Precision.PLACE, Precision.LOCALITY],
        size=n,
        p=[0.7, 0.15, 0.1, 0.05],
    )
    category = rng.choice(categories, size=n, p=_zipf(len(categories)))
    organisation = rng.choice(organisations, size=n)
    found = Locator(city).places_of(x, y)

    table = Report._meta.db_table
    first = (Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    utc = dt.UTC

    def when(seconds: int) -> Any:
        return adapt(dt.datetime.fromtimestamp(int(seconds), utc))

    columns = (
        "id, city_id, category_id, source, source_id, organisation_id, occurred_from, "
        "description, address, lon, lat, x, y, precision, district_id, status, status_reason, "
        "contact_email, public_token, created_at, updated_at"
    )
    rows = [
        (
            first + i,
            city.pk,
            int(category[i]),
            Source.REPORTER,
            "",
            int(organisation[i]),
            when(occurred[i]),
            "",
            "",
            float(lon[i]),
            float(lat[i]),
            float(x[i]),
            float(y[i]),
            str(precision[i]),
            district.pk,
            Status.ACCEPTED,
            "",
            "",
            "",
            when(created[i]),
            adapt(now),
        )
        for i in range(n)
    ]
    through = Report.places.through
    links = [(first + i, place_id) for i in range(n) if i % 3 == 0 for place_id in found[i]]
    marks = ", ".join(["%s"] * len(rows[0]))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {through._meta.db_table} (report_id, place_id) VALUES (%s, %s)",  # noqa: S608
            links,
        )
        for sql in connection.ops.sequence_reset_sql(_no_style(), [Report, through]):
            cursor.execute(sql)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk insert: statistics for the planner and the
        # visibility map that lets the cache's fingerprint count from the index alone.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608


def _zipf(k: int) -> Any:
    import numpy as np

    weight = 1.0 / np.arange(1, k + 1)
    return weight / weight.sum()


def _no_style() -> Any:
    from django.core.management.color import no_style

    return no_style()


def timed(call: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def run(database: str, n: int, seed: int, repeat: int) -> bool:
    work = Path(tempfile.mkdtemp(prefix="trygg-bench-"))
    prepare_environment(database, work / "data")
    try:
        import django

        django.setup()
        from django.core.cache import cache
        from django.core.management import call_command
        from django.db import connection, transaction
        from django.test import Client
        from django.test.utils import setup_test_environment

        from trygg.core.models import User
        from trygg.demo.loader import load_demo
        from trygg.geo.models import District
        from trygg.reports.models import Report
        from trygg.reports.workflow import COUNTED
        from trygg.situation.periods import Period
        from trygg.situation.queries import day_start

        setup_test_environment()
        call_command("migrate", interactive=False, verbosity=0)
        load_demo()
        start = time.perf_counter()
        insert_reports(n, seed)
        print(
            f"{database}: inserted {n} reports in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
        district = District.objects.get(name=DISTRICT)
        anna = User.objects.get(username="anna")
        client = Client()
        client.force_login(anna)
        period = Period.year(YEAR)
        week = Period.containing(period.end - dt.timedelta(days=7))
        page = f"/situation/?district={district.pk}&period={period.key}"
        pdf = f"/situation/pdf/?district={district.pk}&period={period.key}"
        weekly_pdf = f"/situation/pdf/?district={district.pk}&period={week.key}"
        rows = Report.objects.filter(
            district=district,
            status__in=COUNTED,
            occurred_from__gte=day_start(period.start),
            occurred_from__lt=day_start(period.end),
        )
        events = rows.count()

        def get(url: str) -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        def document(url: str) -> float:
            """Seconds for a PDF from a cold cache; infinite when it failed, with the reason."""
            cache.clear()
            try:
                seconds, response = timed(lambda: get(url))
            except Exception as error:  # noqa: BLE001 - a broken PDF is a figure, not a crash
                print(f"{database}: {url} failed: {error!r}", file=sys.stderr)
                return float("inf")
            if not response.content.startswith(b"%PDF"):
                print(f"{database}: {url} is no PDF", file=sys.stderr)
                return float("inf")
            return seconds

        def fetch() -> list[Any]:
            return list(
                rows.values_list(
                    "x", "y", "occurred_from", "category_id", "precision", "district_id"
                )
            )

        fetch()  # warm the database's pages and Django's imports alike
        reference = min(timed(fetch)[0] for _ in range(3))
        get("/healthz")
        cache.clear()
        first, response = timed(lambda: get(page))
        total = response.context["picture"].total
        cached = statistics.median(timed(lambda: get(page))[0] for _ in range(repeat))
        with transaction.atomic():
            added = Report.objects.filter(pk=rows.order_by("pk").values("pk")[:1]).get()
            added.pk = None
            added.source_id = ""
            added.public_token = ""
            added.save()
        after, response = timed(lambda: get(page))
        recomputed = response.context["picture"].total == total + 1
        pdf_s, weekly_s = document(pdf), document(weekly_pdf)
        connection.close()

        met = {
            "first view": first < FIRST_VIEW_S,
            "cached": cached < CACHED_S,
            "recomputed after a new report": recomputed,
            "weekly PDF": weekly_s < PDF_S,
            "year PDF": pdf_s < PDF_S,
        }
        print(
            f"situation page {database}: {events} events, first view {first:.2f} s, "
            f"cached {cached:.3f} s, after a new report {after:.2f} s; "
            f"PDF {pdf_s:.1f} s (year), {weekly_s:.1f} s (week {week.key}); "
            f"reference fetch {reference:.2f} s; ratio first/reference {first / reference:.1f}"
        )
        print(
            f"  targets (first < {FIRST_VIEW_S} s, cached < {CACHED_S * 1000:.0f} ms, "
            f"PDF < {PDF_S:.0f} s): "
            + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in met.items())
        )
        return all(met.values())
    finally:
        if database == "postgresql":
            from django.db import connections

            connections.close_all()
            drop_database()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if args.database == "both":
        # Django is set up once per process: each database gets an interpreter of its own.
        codes = [
            subprocess.call(  # noqa: S603 -- this interpreter running this file
                [sys.executable, __file__, "--database", database]
                + ["--events", str(args.events), "--seed", str(args.seed)]
                + ["--repeat", str(args.repeat)]
            )
            for database in ("sqlite", "postgresql")
        ]
        sys.exit(max(codes))
    sys.exit(0 if run(args.database, args.events, args.seed, args.repeat) else 1)


if __name__ == "__main__":
    main()

"""Benchmark: import N synthetic police events into the Älvsjö demo city.

Measures `reports_import` on the configured database (SQLite in a throw-away
data folder, or PostgreSQL in a database `trygg_bench` this script creates and
drops), then a reference on the same file: `json.load` plus a bare insert of
the same rows (executemany on SQLite, COPY on PostgreSQL) into a table with no
indexes and no Trygg logic. The ratio says what Trygg's checks, geocoding and
indexes cost over the least any importer must do.

    .venv/bin/python bench/import_police.py --events 1000000
    TRYGG_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_police.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "trygg_bench"
STOCKHOLM_GPS = "59.329324,18.068581"
OTHER_MUNICIPALITIES = {
    "Solna": "59.36004,18.000253",
    "Huddinge": "59.237,17.982",
    "Nacka": "59.310,18.163",
}
# Names the demo gazetteer knows (places, localities, districts) and some it does not.
SPOTS = [
    "Älvsjö centrum",
    "Älvsjö station",
    "Solberga centrum",
    "Långbroparken",
    "Liljeholmstorget",
    "Solberga",
    "Herrängen",
    "Långsjö",
    "Örby slott",
    "Älvsjö",
    "Farsta",
    "Bromma",
    "Södermalm",
    "Skärholmen",
    "Odenplan",
    "Fridhemsplan",
    "Slussen",
]
WHAT = [
    "En man greps",
    "En kvinna skadades lindrigt",
    "Två personer förhördes",
    "Ingen person kom till skada",
    "Polisen larmades av en förbipasserande",
    "Vittnen hördes på platsen",
    "En bil skadades",
    "Gärningspersonen flydde till fots",
]
WHEN = ["under kvällen", "på natten", "strax efter lunch", "på morgonen", "vid midnatt"]


def event_types() -> list[str]:
    from trygg.reports.catalogue import POLICE_TYPES

    return [*POLICE_TYPES, "Sammanfattning natt"]


def write_events(path: Path, count: int, rng: random.Random) -> None:
    """Events shaped like polisen.se/api/events: most at Stockholm's centroid, a fifth naming
    a spot in the text, a few from neighbouring municipalities, of unknown type or with a
    broken gps."""
    types = event_types()
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for i in range(count):
            day = 1 + rng.randrange(2800)
            year, rest = 2017 + day // 365, day % 365
            month, mday = 1 + rest // 31 % 12, 1 + rest % 28
            hour, minute = rng.randrange(24), rng.randrange(60)
            kind = rng.choice(types[:-1]) if rng.random() > 0.01 else types[-1]
            area, gps = "Stockholm", STOCKHOLM_GPS
            roll = rng.random()
            if roll < 0.02:
                area = rng.choice(list(OTHER_MUNICIPALITIES))
                gps = OTHER_MUNICIPALITIES[area]
            elif roll < 0.021:
                gps = "159.3,18.06"
            summary = f"{rng.choice(WHAT)} {rng.choice(WHEN)}, ärende {rng.randrange(10**6)}."
            if rng.random() < 0.2:
                summary = f"{kind} vid {rng.choice(SPOTS)}. {summary}"
            when = f"{year}-{month:02d}-{mday:02d} {hour:02d}:{minute:02d}:00 +01:00"
            event = {
                "id": 10_000_000 + i,
                "datetime": when,
                "name": f"{when[:16]}, {kind}, {area}",
                "summary": summary,
                "url": f"/syntetisk/{10_000_000 + i}",
                "type": kind,
                "location": {"name": area, "gps": gps},
            }
            out.write(json.dumps(event, ensure_ascii=False))
            out.write(",\n" if i < count - 1 else "\n")
        out.write("]\n")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_environment(data_dir: Path) -> tuple[str, str]:
    """Point Trygg at a database of its own: a fresh SQLite file, or `trygg_bench`."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "trygg.settings"
    os.environ["TRYGG_DATA_DIR"] = str(data_dir)
    url = os.environ.get("TRYGG_DATABASE_URL", "")
    if not url:
        return "sqlite", ""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    os.environ["TRYGG_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    return "postgresql", url


def drop_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def reference(path: Path) -> float:
    """The least an importer does: parse the file, write its rows to a bare table."""
    from django.db import connection, transaction

    columns = ["source_id", "occurred", "name", "summary", "type", "area", "lat", "lon"]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_reference (source_id varchar(120), occurred varchar(40), "
            "name text, summary text, type varchar(120), area varchar(120), "
            "lat double precision, lon double precision)"
        )
    start = time.perf_counter()
    with path.open("rb") as stream:
        events = json.load(stream)
    rows = []
    for event in events:
        lat, _comma, lon = event["location"]["gps"].partition(",")
        rows.append(
            (
                str(event["id"]),
                event["datetime"],
                event["name"],
                event["summary"],
                event["type"],
                event["location"]["name"],
                float(lat),
                float(lon),
            )
        )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY bench_reference ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO bench_reference ({', '.join(columns)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                rows,
            )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="trygg-bench-"))
    database, admin_url = prepare_environment(work / "data")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from trygg.demo.loader import load_demo
        from trygg.geo.models import City
        from trygg.reports.imports import reports_import

        call_command("migrate", interactive=False, verbosity=0)
        load_demo()
        city = City.objects.get(name="Stockholms stad")
        path = work / "events.json"
        write_events(path, args.events, random.Random(args.seed))
        size_mb = path.stat().st_size / 1e6

        start = time.perf_counter()
        result = reports_import(
            city=city, by=None, data=path.read_bytes(), format="police", dry_run=False
        )
        seconds = time.perf_counter() - start
        peak = peak_mb()
        print(
            f"trygg: {result.created} stored, {result.skipped} skipped, "
            f"{result.rejected_count} rejected from {size_mb:.0f} MB",
            file=sys.stderr,
        )
        reference_seconds = reference(path)
        connection.close()
        print(
            f"import_police {database}: {args.events} events in {seconds:.1f} s "
            f"({args.events / seconds:.0f}/s), peak {peak:.0f} MB; "
            f"reference {reference_seconds:.1f} s; ratio {seconds / reference_seconds:.2f}"
        )
    finally:
        if admin_url:
            drop_database(admin_url)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

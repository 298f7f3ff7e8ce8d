"""Intake benchmark: how many reports a second `trygg serve` takes in through POST /api/reports.

For each database (a dedicated PostgreSQL database created and dropped here, and
SQLite in a temporary data folder) it migrates, collects static files, loads the
Älvsjö demo, makes API tokens for the demo's reporters and starts `trygg serve`
(production mode, gunicorn, two workers) on a free port. Separate client
processes, each with threads holding one keep-alive connection, then POST valid
reports at random points in Älvsjö for the given time, recording each latency.
Afterwards every report answered with 201 must be in the database.

The same clients then ask GET /healthz on the same server for as long: a
reference for what the machine, gunicorn and the clients manage without Trygg's
intake, so the figures can be compared across machines by their ratio.

    .venv/bin/python bench/intake.py                      # both databases, 20 s each
    .venv/bin/python bench/intake.py --database sqlite --seconds 5

Target: at least 200 reports/s with p99 below 150 ms on PostgreSQL.
Only the standard library and psycopg (a Trygg dependency) are used.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

TARGET_RATE = 200.0
TARGET_P99_MS = 150.0
BENCH_DATABASE = "trygg_bench_intake"
ADMIN_URL = os.environ.get(
    "TRYGG_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
TRYGG = Path(sys.executable).with_name("trygg")
MARKER = "BENCH-SETUP:"

# Runs inside `trygg manage shell`: the demo, one token per demo reporter in Älvsjö,
# the city's categories and random points inside Älvsjö's polygon.
SETUP = """
import json, random
import shapely
from shapely.geometry import shape
from trygg.core import policy
from trygg.core.models import Organisation, User
from trygg.core.services import api_token_create
from trygg.demo.loader import DEMO_USERS, load_demo
from trygg.geo.models import District
from trygg.reports.models import Category, Report

load_demo()
alvsjo = District.objects.get(name="Älvsjö")
clients = []
for demo_user in DEMO_USERS:
    user = User.objects.get(username=demo_user.username)
    organisations = Organisation.objects.filter(
        pk__in=policy.reporting_organisation_ids(user), city=alvsjo.city, districts=alvsjo
    )
    for organisation in organisations[:1]:
        _token, raw = api_token_create(user=user, name="bench")
        clients.append({"user": user.username, "token": raw, "organisation": organisation.pk})
# Away from the edge, where WGS84 and SWEREF 99 TM outlines differ by centimetres.
polygon = shape(alvsjo.geometry).buffer(-0.0005)
min_lon, min_lat, max_lon, max_lat = polygon.bounds
rng = random.Random(2017)
points = []
while len(points) < 5000:
    lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
    if polygon.contains(shapely.Point(lon, lat)):
        points.append([round(lon, 6), round(lat, 6)])
active = Category.objects.filter(city=alvsjo.city, active=True)
categories = list(active.values_list("pk", flat=True))
print(MARKER + json.dumps({
    "clients": clients,
    "categories": categories,
    "points": points,
    "reports_before": Report.objects.count(),
}))
""".replace("MARKER", repr(MARKER))


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    created_ids: list[int] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# The load -----------------------------------------------------------------------------


def _client_thread(port: int, plan: dict, deadline: float, seed: int, out: Outcome) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    who = plan["clients"][seed % len(plan["clients"])] if plan.get("clients") else None
    while time.perf_counter() < deadline:
        if plan["kind"] == "intake":
            lon, lat = rng.choice(plan["points"])
            # Spread over the last day; the intake refuses future times.
            minutes = rng.randint(5, 24 * 60)
            occurred = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - minutes * 60))
            body = json.dumps(
                {
                    "category": rng.choice(plan["categories"]),
                    "organisation": who["organisation"],
                    "occurred_from": occurred,
                    "description": f"Benchmark report {rng.randrange(10**9)}",
                    "lon": lon,
                    "lat": lat,
                }
            )
            headers = {
                "Authorization": f"Bearer {who['token']}",
                "Content-Type": "application/json",
            }
            method, path = "POST", "/api/reports"
        else:
            body, headers, method, path = None, {}, "GET", "/healthz"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status, content = 0, b""
        out.latencies_ms.append((time.perf_counter() - started) * 1000)
        out.statuses[status] = out.statuses.get(status, 0) + 1
        if status == 201:
            out.created_ids.append(json.loads(content)["id"])
    connection.close()


def _client_process(port: int, plan: dict, start_at: float, seconds: float, seeds: list[int]):
    """One client process: a thread per connection, all starting at the same moment."""
    outcomes = [Outcome() for _ in seeds]
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=_client_thread, args=(port, plan, deadline, seed, outcome))
        for seed, outcome in zip(seeds, outcomes, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = Outcome(started=0.0, finished=time.perf_counter() - started)
    for outcome in outcomes:
        merged.latencies_ms += outcome.latencies_ms
        merged.created_ids += outcome.created_ids
        for status, n in outcome.statuses.items():
            merged.statuses[status] = merged.statuses.get(status, 0) + n
    return merged


def drive(port: int, plan: dict, *, clients: int, processes: int, seconds: float) -> Outcome:
    """`clients` concurrent keep-alive connections spread over `processes` processes."""
    seeds = list(range(clients))
    groups = [seeds[i::processes] for i in range(processes) if seeds[i::processes]]
    start_at = time.time() + 1.0
    with ProcessPoolExecutor(max_workers=len(groups)) as pool:
        futures = [
            pool.submit(_client_process, port, plan, start_at, seconds, group) for group in groups
        ]
        results = [future.result() for future in futures]
    total = Outcome(finished=max(r.finished for r in results))
    for result in results:
        total.latencies_ms += result.latencies_ms
        total.created_ids += result.created_ids
        for status, n in result.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + n
    return total


# The server and its database ---------------------------------------------------------


def _run(command: list[str], env: dict[str, str]) -> str:
    # Only ever our own `trygg` executable with fixed arguments.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait_until_up(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"trygg serve stopped:\n{log.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"trygg serve did not answer /healthz:\n{log.read_text()[-3000:]}")


def _worker_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time so far of gunicorn's workers (Linux /proc), to tell cost from contention."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        total = 0.0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        return total
    except OSError:
        return float("nan")


def _database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_create() -> str:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return _database_url(ADMIN_URL, BENCH_DATABASE)


def _postgres_drop() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def _stored_ids(database: str, url: str, data_dir: Path) -> set[int]:
    query = "SELECT id FROM reports_report WHERE source = 'api'"
    if database == "postgresql":
        with psycopg.connect(url) as connection:
            return {row[0] for row in connection.execute(query)}
    with sqlite3.connect(data_dir / "trygg.sqlite3") as connection:
        return {row[0] for row in connection.execute(query)}


def bench(database: str, *, seconds: float, clients: int, processes: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"trygg-bench-{database}-") as folder:
        data_dir = Path(folder)
        url = _postgres_create() if database == "postgresql" else ""
        env = {
            **os.environ,
            "TRYGG_MODE": "production",
            "TRYGG_SECRET_KEY": secrets.token_urlsafe(50),
            "TRYGG_ALLOWED_HOSTS": "127.0.0.1",
            "TRYGG_SSL_REDIRECT": "false",
            "TRYGG_DATA_DIR": str(data_dir),
            "TRYGG_STATIC_ROOT": str(data_dir / "static"),
            "TRYGG_MEDIA_ROOT": str(data_dir / "media"),
            "TRYGG_DATABASE_URL": url,
            "TRYGG_LOG_LEVEL": "ERROR",
        }
        server = None
        try:
            _run([str(TRYGG), "manage", "migrate", "--noinput", "-v", "0"], env)
            _run([str(TRYGG), "manage", "collectstatic", "--noinput", "-v", "0"], env)
            output = _run([str(TRYGG), "manage", "shell", "-c", SETUP], env)
            setup = json.loads(output.split(MARKER, 1)[1])
            port = _free_port()
            log = data_dir / "serve.log"
            with log.open("w") as log_file:
                server = subprocess.Popen(  # noqa: S603
                    [str(TRYGG), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            _wait_until_up(port, server, log)
            intake_plan = {"kind": "intake", **setup}
            # Warm up: imports, connections and the Locator in both workers.
            drive(port, intake_plan, clients=clients, processes=processes, seconds=1.0)
            drive(port, {"kind": "healthz"}, clients=clients, processes=processes, seconds=1.0)
            warm_ids = _stored_ids(database, url, data_dir)
            load = os.getloadavg()[0]
            cpu_start = _worker_cpu_seconds(server)
            intake = drive(port, intake_plan, clients=clients, processes=processes, seconds=seconds)
            cpu_intake = _worker_cpu_seconds(server)
            reference = drive(
                port, {"kind": "healthz"}, clients=clients, processes=processes, seconds=seconds
            )
            cpu_reference = _worker_cpu_seconds(server)
            stored = _stored_ids(database, url, data_dir) - warm_ids
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
            if database == "postgresql":
                _postgres_drop()
    created = set(intake.created_ids)
    ok = reference.statuses.get(200, 0)
    result = {
        "database": database,
        "clients": clients,
        "seconds": intake.finished,
        "created": len(intake.created_ids),
        "stored": len(created & stored),
        "extra_rows": len(stored - created),
        "rate": len(intake.created_ids) / intake.finished,
        "p50_ms": _percentile(intake.latencies_ms, 0.50),
        "p99_ms": _percentile(intake.latencies_ms, 0.99),
        "failures": {s: n for s, n in intake.statuses.items() if s != 201},
        "reference_rate": ok / reference.finished,
        "reference_p99_ms": _percentile(reference.latencies_ms, 0.99),
        "reference_failures": {s: n for s, n in reference.statuses.items() if s != 200},
    }
    result["ratio"] = result["rate"] / result["reference_rate"] if ok else float("nan")
    result["load_before"] = load
    result["worker_cpu_ms_per_report"] = (
        1000 * (cpu_intake - cpu_start) / max(1, sum(intake.statuses.values()))
    )
    result["worker_cpu_ms_per_healthz"] = (
        1000 * (cpu_reference - cpu_intake) / max(1, sum(reference.statuses.values()))
    )
    return result


def line(r: dict) -> str:
    text = (
        f"intake {r['database']}: {r['rate']:.0f} reports/s, p50 {r['p50_ms']:.0f} ms, "
        f"p99 {r['p99_ms']:.0f} ms, {r['stored']}/{r['created']} stored; "
        f"reference /healthz {r['reference_rate']:.0f} req/s p99 {r['reference_p99_ms']:.0f} ms; "
        f"ratio {r['ratio']:.2f}"
    )
    text += (
        f"\n  gunicorn workers' CPU: {r['worker_cpu_ms_per_report']:.1f} ms per report, "
        f"{r['worker_cpu_ms_per_healthz']:.2f} ms per /healthz; "
        f"load average before the run {r['load_before']:.1f}"
    )
    if r["failures"] or r["reference_failures"] or r["extra_rows"]:
        text += (
            f" (non-201 intake answers {r['failures']}, failed /healthz "
            f"{r['reference_failures']}, rows without a 201: {r['extra_rows']})"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", choices=["postgresql", "sqlite"], action="append", dest="databases"
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--clients", type=int, default=8, help="concurrent connections (the server has 8 threads)"
    )
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} CPUs; {args.clients} clients in {args.processes} processes; "
        f"{args.seconds:.0f} s per run; gunicorn 2 workers x 4 threads",
        flush=True,
    )
    failed = False
    for database in args.databases or ["postgresql", "sqlite"]:
        result = bench(
            database, seconds=args.seconds, clients=args.clients, processes=args.processes
        )
        print(line(result), flush=True)
        if args.json:
            print(json.dumps(result), flush=True)
        failed |= result["stored"] != result["created"] or bool(result["extra_rows"])
        if database == "postgresql":
            met = result["rate"] >= TARGET_RATE and result["p99_ms"] < TARGET_P99_MS
            print(
                f"target (>= {TARGET_RATE:.0f} reports/s, p99 < {TARGET_P99_MS:.0f} ms): "
                + ("met" if met else "missed"),
                flush=True,
            )
    if failed:
        raise SystemExit("some reports answered 201 are not stored")


if __name__ == "__main__":
    main()

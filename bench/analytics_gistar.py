"""Getis-Ord Gi* benchmark: trygg's convolution Gi* against PySAL, and the hot-spot pipeline.

1. Gi* on a 300 × 300 grid of 100 m cells with a 300 m band (binary weights,
   the standard Gi*), counts from one million clustered points: trygg's
   ``gi_star`` against PySAL's reference (libpysal ``DistanceBand`` weights on
   the cell centres + ``esda.G_Local(star=True, transform="B",
   permutations=0)``), timed in the same run on the same counts, with the
   largest difference of the z-scores. Target: at least 100 times faster.
2. The hot-spot pipeline of a city-sized situation picture: one million events
   over 40 × 40 km binned on a 400 × 400 grid of 100 m cells (``grid.counts``),
   a kernel density (``kde.kde``, Gaussian σ = 200 m), Gi* with a 300 m band
   and Benjamini-Hochberg FDR at q = 0.05. Run in a fresh process so that its
   peak memory (``ru_maxrss``) is its own. Targets: under 0.5 s, peak under 1 GB.
3. The same pipeline for 10k, 100k and 1M events (a scaling table), and the
   conditional permutation test (999 permutations) on the 300 × 300 grid.

    .venv/bin/python bench/analytics_gistar.py               # everything, PySAL included
    .venv/bin/python bench/analytics_gistar.py --skip-pysal  # trygg only

Only numpy, scipy and trygg are needed, plus esda and libpysal (the test
extras) for the reference.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from trygg.analytics import kde as kde_module
from trygg.analytics.grid import Grid, counts
from trygg.analytics.hotspots import fdr, gi_star, gi_star_permutations

CELL = 100.0
BAND = 300.0
SIGMA = 200.0
TARGET_SPEEDUP = 100.0
TARGET_PIPELINE_S = 0.5
TARGET_PEAK_MB = 1024.0
SCALING = (10_000, 100_000, 1_000_000)


def clustered_points(n: int, extent: float, rng: np.random.Generator) -> tuple[Any, Any]:
    """Half the points uniform, half in 300 Gaussian clusters of 50-400 m (crime-like)."""
    background = n // 2
    centres = rng.uniform(0.05 * extent, 0.95 * extent, size=(300, 2))
    spread = rng.uniform(50.0, 400.0, size=300)
    which = rng.integers(0, 300, size=n - background)
    cx = centres[which, 0] + rng.normal(size=which.size) * spread[which]
    cy = centres[which, 1] + rng.normal(size=which.size) * spread[which]
    x = np.concatenate([rng.uniform(0.0, extent, size=background), cx])
    y = np.concatenate([rng.uniform(0.0, extent, size=background), cy])
    return x, y


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare_with_pysal(points: int, repeat: int, skip_pysal: bool) -> dict[str, float]:
    rng = np.random.default_rng(20251125)
    grid = Grid(x0=0.0, y0=0.0, cell=CELL, nx=300, ny=300)
    x, y = clustered_points(points, 300 * CELL, rng)
    grid_counts = counts(grid, x, y)
    ours = gi_star(grid_counts, CELL, BAND)
    ours_s = median_time(lambda: gi_star(grid_counts, CELL, BAND), repeat)
    out = {"trygg_s": ours_s}
    if skip_pysal:
        print(f"gi* 300x300 band {BAND:g} m: trygg {ours_s:.3f} s (PySAL skipped)")
        return out
    import esda
    import libpysal

    xx, yy = grid.centres
    centres = np.column_stack([xx.ravel(), yy.ravel()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        w = libpysal.weights.DistanceBand(
            centres, threshold=BAND, binary=True, silence_warnings=True
        )
        weights_s = time.perf_counter() - start
        start = time.perf_counter()
        ref = esda.G_Local(grid_counts.ravel(), w, transform="B", star=True, permutations=0)
        g_local_s = time.perf_counter() - start
    pysal_s = weights_s + g_local_s
    dz = float(np.max(np.abs(ours.z.ravel() - ref.Zs)))
    speedup = pysal_s / ours_s
    verdict = "ok" if speedup >= TARGET_SPEEDUP and dz < 1e-9 else "MISSED"
    print(
        f"gi* 300x300 band {BAND:g} m: trygg {ours_s:.3f} s, pysal {pysal_s:.1f} s "
        f"(weights {weights_s:.1f} + G_Local {g_local_s:.1f}), speed-up {speedup:.0f}x, "
        f"max |dz| {dz:.1e}; target >= {TARGET_SPEEDUP:.0f}x: {verdict}"
    )
    out.update(pysal_s=pysal_s, weights_s=weights_s, g_local_s=g_local_s, max_dz=dz)
    return out


def pipeline(events: int, repeat: int) -> dict[str, float]:
    """Counts + KDE + Gi* + FDR on a 400 × 400 grid of 100 m cells over 40 × 40 km."""
    rng = np.random.default_rng(events)
    grid = Grid(x0=0.0, y0=0.0, cell=CELL, nx=400, ny=400)
    x, y = clustered_points(events, 400 * CELL, rng)
    steps: dict[str, Callable[[], object]] = {}
    state: dict[str, Any] = {}

    def run_counts() -> None:
        state["counts"] = counts(grid, x, y)

    def run_kde() -> None:
        state["kde"] = kde_module.kde(grid, x, y, SIGMA)

    def run_gi() -> None:
        state["gi"] = gi_star(state["counts"], CELL, BAND)

    def run_fdr() -> None:
        state["hot"] = fdr(state["gi"].p, q=0.05)

    steps = {"counts": run_counts, "kde": run_kde, "gi": run_gi, "fdr": run_fdr}
    for step in steps.values():  # warm-up: imports, FFT plans, page faults
        step()
    result = {name: median_time(step, repeat) for name, step in steps.items()}
    result["total"] = sum(result.values())
    result["hot_cells"] = float(np.count_nonzero(state["hot"] & (state["gi"].z > 0)))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return result


def pipeline_in_fresh_process(events: int, repeat: int) -> dict[str, float]:
    # A fresh interpreter, started before anything heavy is loaded here: on Linux a
    # process inherits its parent's ru_maxrss through fork and exec.
    out = subprocess.run(  # noqa: S603 -- this interpreter running this file
        [sys.executable, __file__, "--pipeline-only", str(events), "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def permutations_timing(points: int) -> float:
    rng = np.random.default_rng(7)
    grid = Grid(x0=0.0, y0=0.0, cell=CELL, nx=300, ny=300)
    x, y = clustered_points(points, 300 * CELL, rng)
    grid_counts = counts(grid, x, y)
    start = time.perf_counter()
    gi_star_permutations(grid_counts, CELL, BAND, rng=rng, permutations=999)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-pysal", action="store_true")
    parser.add_argument("--pipeline-only", type=int, metavar="EVENTS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pipeline_only:
        print(json.dumps(pipeline(args.pipeline_only, args.repeat)))
        return

    scaling = {events: pipeline_in_fresh_process(events, args.repeat) for events in SCALING}
    full = scaling.get(args.points) or pipeline_in_fresh_process(args.points, args.repeat)

    compare_with_pysal(args.points, args.repeat, args.skip_pysal)

    ok = full["total"] < TARGET_PIPELINE_S and full["peak_mb"] < TARGET_PEAK_MB
    print(
        f"pipeline {args.points:,} events, 400x400 grid of {CELL:g} m: {full['total']:.3f} s "
        f"(counts {full['counts']:.3f} + kde {full['kde']:.3f} + gi* {full['gi']:.3f} "
        f"+ fdr {full['fdr']:.3f}), {full['hot_cells']:.0f} hot cells at FDR 5%, "
        f"peak {full['peak_mb']:.0f} MB; targets < {TARGET_PIPELINE_S} s, "
        f"< {TARGET_PEAK_MB:.0f} MB: {'ok' if ok else 'MISSED'}"
    )

    print(f"{'events':>10} {'counts':>8} {'kde':>8} {'gi*':>8} {'fdr':>8} {'total':>8} {'peak':>8}")
    for events, r in scaling.items():
        print(
            f"{events:>10,} {r['counts']:>8.3f} {r['kde']:>8.3f} {r['gi']:>8.3f} "
            f"{r['fdr']:>8.3f} {r['total']:>8.3f} {r['peak_mb']:>5.0f} MB"
        )

    seconds = permutations_timing(args.points)
    print(f"gi* permutations 300x300 band {BAND:g} m, 999 permutations: {seconds:.1f} s")


if __name__ == "__main__":
    main()

"""Batch and cohort comparison at scale, side by side in one run, with ratios and a profile.

Run from the repository root::

    .venv/bin/python benchmarks/bench_batch.py            # 10,000 alliances, a 500-alliance cohort
    .venv/bin/python benchmarks/bench_batch.py --quick    # 1,000 and 100, to try it out

What is measured:

1. **Generating** the alliances in memory with :mod:`netz.cohort.synthetic` (``random_specs``: sizes
   log-uniform in 15–300 actors, mean degree 4–7, one wave; ``validate=False``). Setup, not part
   of the batch time.
2. **Cost per alliance** in one process (CPU time): a full :func:`netz.report` against a batch row
   (:func:`netz.cohort.compare.compare_row`) without null models, with 10 and with 100 null samples per
   model; and a cProfile of both kinds of batch row (300 alliances of the batch without null
   models; every 10th alliance of the cohort with them), to show where the time goes, with the
   split between igraph's betweenness, drawing the null graphs, ``edge_table`` and the rest.
3. **Batch** (:func:`netz.cohort.batch.run`): all alliances on a local process pool of 1 and of 2
   workers, wall time including starting the workers. "Reported" there means a batch row: the
   metadata, every whole-network figure of :data:`netz.cohort.compare.NETWORK_COLUMNS` (density, mean
   degree, components, fragmentation, transitivity, clustering ratio, degree/betweenness/closeness
   centralization, path length, diameter, assortativity, reciprocity, E–I index and baseline,
   type assortativity, Leiden communities and modularity), the size class and the percentile ranks
   within the batch; null-model z-scores are off (``null_samples=0``) — see the per-alliance cost
   for what they add. Not the gaps, health scorecard and per-actor tables of a full report.
4. **Cohort comparison**: the 500-alliance demo cohort (``demo_specs(500)``: 40 % small, 40 %
   medium, 20 % large) with 100 samples of each null model, on 1 and 2 worker processes; run
   through :func:`netz.cohort.batch.run`, whose rows are :func:`netz.cohort.compare.compare_row` with the
   percentile ranks of :func:`netz.cohort.compare.compare`, so that the workers' CPU time is recorded.

Wall times depend on what else the machine runs. Each run therefore also prints the CPU seconds
the workers spent on the rows, and the summary gives the CPU-bound time on an otherwise idle
machine (the rows' CPU seconds divided by the workers) next to the measured wall time.

Targets (this 2-core machine): 10,000 alliances batched in at most 120 s; the 500-alliance
comparison in at most 30 s.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netz import report
from netz.cohort.batch import open_executor, run
from netz.cohort.compare import compare_row
from netz.cohort.synthetic import demo_specs, generate_alliance, random_specs
from netz.core.model import Alliance


def generate(specs: list, label: str) -> list[Alliance]:
    start = time.perf_counter()
    alliances = [generate_alliance(spec, validate=False) for spec in specs]
    elapsed = time.perf_counter() - start
    sizes = np.array([a.n_actors for a in alliances])
    ties = np.array([a.n_ties for a in alliances])
    print(f"{label}: {len(alliances)} alliances generated in {elapsed:.1f} s (setup, not timed below); "
          f"actors min/median/mean/max {sizes.min()}/{int(np.median(sizes))}/{sizes.mean():.0f}/"
          f"{sizes.max()}, ties mean {ties.mean():.0f}")
    return alliances


def cpu_ms(function: Callable[[Alliance], object], items: list[Alliance]) -> float:
    start = time.process_time()
    for item in items:
        function(item)
    return (time.process_time() - start) / len(items) * 1000


def per_alliance(alliances: list[Alliance]) -> dict[str, float]:
    print("\n== cost per alliance, one process (CPU ms, mean over the same alliances) ==")
    sample, small = alliances[:300], alliances[:40]
    costs = {
        "full report (netz.report)": cpu_ms(report, sample),
        "batch row, no null models": cpu_ms(lambda a: compare_row(a, null_samples=0), sample),
        "batch row, 10 null samples per model": cpu_ms(lambda a: compare_row(a, null_samples=10), small),
        "batch row, 100 null samples per model": cpu_ms(lambda a: compare_row(a, null_samples=100), small),
    }
    full = costs["full report (netz.report)"]
    base = cpu_ms(report, small)
    for name, ms in costs.items():
        reference = base if "null samples" in name else full
        print(f"  {name:<40} {ms:8.2f} ms   {ms / reference:5.2f} x full report")
    print(f"  (rows with null samples measured on the first {len(small)} alliances, full report on them: "
          f"{base:.2f} ms)")
    return costs


def profile(alliances: list[Alliance], samples: int, label: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for alliance in alliances:
        compare_row(alliance, null_samples=samples)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\n== profile: batch row with {samples} null samples, {len(alliances)} {label}, {total:.2f} s "
          f"(cProfile) ==")
    entries = stats.stats.items()  # type: ignore[attr-defined]
    print("  by own time (where the CPU is):")
    for (file, line, name), (_, calls, own, cumulative, _) in sorted(entries, key=lambda e: -e[1][2])[:8]:
        where = f"{Path(file).name}:{line}({name})" if file != "~" else name
        print(f"  {own:7.3f} s own {100 * own / total:5.1f} %  cum {cumulative:7.3f} s  {calls:7d} calls  "
              f"{where}")
    print("  split: " + ", ".join(f"{name} {100 * seconds / total:.1f} %"
                                  for name, seconds in profile_split(stats).items()))
    print("  netz functions by cumulative time (what the time is spent on):")
    mine = [e for e in entries if "/netz/" in e[0][0] and not e[0][2].startswith("<")]
    for (file, line, name), (_, calls, _own, cumulative, _) in sorted(mine, key=lambda e: -e[1][3])[:12]:
        print(f"  {cumulative:7.3f} s cum {100 * cumulative / total:5.1f} %  {calls:7d} calls  "
              f"{Path(file).parent.name}/{Path(file).name}:{line}({name})")


#: Where a batch row's time goes: (label, function names, which time). igraph's C routines count
#: with their own time; netz functions with their cumulative time.
SPLIT = (
    ("igraph betweenness", ("betweenness",), "own"),
    ("null-graph drawing (rewire, Erdos_Renyi)", ("_rewire", "Erdos_Renyi"), "own"),
    ("edge_table", ("edge_table",), "cumulative"),
)


def _is(name: str, wanted: str) -> bool:
    """Whether a profile entry's function name is ``wanted`` (Python function or C method)."""
    return name == wanted or f"method '{wanted}' of" in name or name == f"<built-in method {wanted}>"


def profile_split(stats: pstats.Stats) -> dict[str, float]:
    """Seconds of the profile in each part of :data:`SPLIT`, and the rest."""
    entries = stats.stats.items()  # type: ignore[attr-defined]
    split = {label: sum(own if kind == "own" else cumulative
                        for (_, _, name), (_, _, own, cumulative, _) in entries
                        if any(_is(name, wanted) for wanted in names))
             for label, names, kind in SPLIT}
    split["the rest"] = stats.total_tt - sum(split.values())  # type: ignore[attr-defined]
    return split


def timed_run(alliances: list[Alliance], workers: int, samples: int) -> tuple[float, float]:
    """Wall time of a batch on ``workers`` fresh local processes (1: in this process, as
    :func:`netz.cohort.batch.open_executor` runs one), and its CPU-bound time: the CPU seconds of this
    process (sending, collecting, ranking) plus the rows' CPU seconds in the workers divided
    among them."""
    start, parent = time.perf_counter(), time.process_time()
    with open_executor(f"processes:{workers}") as pool:
        result = run(alliances, executor=pool.executor, workers=pool.workers, null_samples=samples,
                     progress=False)
        here = pool.executor is None
    elapsed, parent = time.perf_counter() - start, time.process_time() - parent
    assert len(result.alliances) == len(alliances) and result.failures.empty
    cpu = 0.0 if here else float(result.alliances["cpu_seconds"].sum())  # here: counted in parent
    print(f"  {workers} worker(s): {elapsed:7.1f} s wall  {len(alliances) / elapsed:7.1f} alliances/s   "
          f"rows: {cpu:6.1f} CPU s in the workers (busy {cpu / (workers * elapsed):4.0%} of {workers} x "
          f"wall), {parent:4.1f} CPU s here; load average {os.getloadavg()[0]:.1f}")
    return elapsed, parent + cpu / workers


def side_by_side(alliances: list[Alliance], samples: int) -> tuple[float, float]:
    one, idle_one = timed_run(alliances, 1, samples)
    two, idle_two = timed_run(alliances, 2, samples)
    print(f"  speed-up 1 -> 2 workers: {one / two:.2f}x wall; CPU-bound on an otherwise idle machine "
          f"{idle_one:.1f} s -> {idle_two:.1f} s, {idle_one / idle_two:.2f}x")
    return two, idle_two


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alliances", type=int, default=10_000)
    parser.add_argument("--cohort", type=int, default=500)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="1,000 alliances and a cohort of 100")
    args = parser.parse_args()
    if args.quick:
        args.alliances, args.cohort = 1_000, 100
    print(f"machine: {os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f}")
    alliances = generate(random_specs(args.alliances, seed=2024), "batch")
    cohort = generate(demo_specs(args.cohort, seed=2016), "cohort")
    costs = per_alliance(alliances)
    profile(alliances[:300], 0, "alliances of the batch")
    profile(cohort[::10], args.samples, "alliances of the cohort (every 10th)")

    print(f"\n== batch of {len(alliances)} alliances (batch rows, null_samples=0), local processes ==")
    two, two_idle = side_by_side(alliances, 0)

    print(f"\n== comparison of a {len(cohort)}-alliance cohort, {args.samples} samples of each null "
          "model (netz.cohort.batch.run: compare rows and percentile ranks) ==")
    c_two, c_two_idle = side_by_side(cohort, args.samples)

    full_estimate = costs["full report (netz.report)"] * len(alliances) / 1000 / 2
    with_nulls = costs["batch row, 100 null samples per model"] * len(alliances) / 1000 / 2
    print(f"\n== summary (load average at end {os.getloadavg()[0]:.2f}) ==")
    for label, wall, idle, target in (
        (f"batch of {len(alliances)} alliances", two, two_idle, 120),
        (f"comparison of {len(cohort)} alliances x {args.samples} null samples", c_two, c_two_idle, 30),
    ):
        print(f"  {label}, 2 workers: {wall:.1f} s wall ({'met' if wall <= target else 'NOT met'} at "
              f"target {target} s); CPU-bound on an idle machine {idle:.1f} s "
              f"({'met' if idle <= target else 'NOT met'})")
    print(f"  for reference, CPU time / 2 cores: full reports of all {len(alliances)} "
          f"~{full_estimate:.0f} s; batch rows with 100 null samples ~{with_nulls:.0f} s")


if __name__ == "__main__":
    main()

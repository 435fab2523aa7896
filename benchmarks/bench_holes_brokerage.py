"""Structural holes and brokerage, side by side: netz vs networkx vs R's sna, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_holes_brokerage.py

Needs Rscript with the ``sna`` package for the sna rows (they are skipped without it).
Graphs are seeded random alliances built through ``netz.graph.to_igraph``, so every
metric sees the graph it sees in production; building them is not timed. R's time is
measured inside R with ``system.time`` around the ``brokerage`` calls only (no start-up,
no data loading). Takes about three minutes on one core.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netz.graph import to_igraph, to_networkx
from netz.metrics.brokerage import brokerage, brokerage_expected, brokerage_network
from netz.metrics.holes import constraint, effective_size, holes_table
from netz.model import Alliance

GROUPS = ["initiative", "church", "welfare", "municipality", "refugee", "other"]

SNA_SCRIPT = r"""
suppressMessages(library(sna))
args <- commandArgs(TRUE)
dir <- args[1]; reps <- as.integer(args[2]); with_matrix <- args[3] == "matrix"
arcs <- as.matrix(read.csv(file.path(dir, "arcs.csv")))
cl <- read.csv(file.path(dir, "groups.csv"), colClasses = "character")$group
n <- length(cl)
el <- cbind(arcs, 1); attr(el, "n") <- n          # sna's own edge list: its fastest input
b <- brokerage(el, cl)                             # warm-up, and the counts to compare
t_el <- system.time(for (i in seq_len(reps)) brokerage(el, cl))[["elapsed"]] / reps
t_mat <- NA
if (with_matrix) {
  adj <- matrix(0, n, n); adj[arcs] <- 1           # the usual input: an adjacency matrix
  t_mat <- system.time(for (i in seq_len(reps)) brokerage(adj, cl))[["elapsed"]] / reps
}
write.csv(data.frame(total = b$raw.nli[, "t"]), file.path(dir, "total.csv"), row.names = FALSE)
cat(t_el, t_mat, "\n")
"""


def random_alliance(
    n: int, m: int, *, directed: bool, weighted: bool, seed: int
) -> Alliance:
    """n actors in six groups and m distinct ties drawn uniformly (a G(n, m) random graph)."""
    rng = np.random.default_rng(seed)
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < m:
        u, v = rng.integers(0, n, 2 * m), rng.integers(0, n, 2 * m)
        u, v = u[u != v], v[u != v]
        if not directed:
            u, v = np.minimum(u, v), np.maximum(u, v)
        keys = np.unique(np.concatenate([keys, u * n + v]))
    keys = rng.permutation(keys)[:m]
    ids = np.array([f"a{i}" for i in range(n)], dtype=object)
    actors = pd.DataFrame({"id": ids, "name": ids, "type": rng.choice(GROUPS, n)})
    ties = pd.DataFrame({"source": ids[keys // n], "target": ids[keys % n]})
    if weighted:
        ties["weight"] = rng.choice([0.5, 1.0, 2.0, 3.0, 5.0], m)
    return Alliance.from_frames(actors, ties, directed=directed)


def per_call(function: Callable[[], object], *, repeats: int) -> float:
    """Median seconds per call over ``repeats`` calls, after one warm-up call."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sna_brokerage(g: ig.Graph, *, repeats: int, with_matrix: bool) -> tuple[float, float, np.ndarray] | None:
    """Seconds per sna::brokerage call (edge list, adjacency matrix) and sna's totals."""
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        arcs = np.asarray(g.get_edgelist()) + 1
        if not g.is_directed():  # sna reads an undirected tie as two arcs
            arcs = np.concatenate([arcs, arcs[:, ::-1]])
        pd.DataFrame(arcs, columns=["snd", "rec"]).to_csv(os.path.join(folder, "arcs.csv"), index=False)
        pd.DataFrame({"group": g.vs["type"]}).to_csv(os.path.join(folder, "groups.csv"), index=False)
        script = os.path.join(folder, "bench.R")
        Path(script).write_text(SNA_SCRIPT)
        done = subprocess.run(
            ["Rscript", script, folder, str(repeats), "matrix" if with_matrix else "edgelist"],
            capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            print("  (sna skipped:", done.stderr.strip().splitlines()[-1:], ")")
            return None
        t_el, t_mat = (float("nan") if x == "NA" else float(x) for x in done.stdout.split())
        totals = pd.read_csv(os.path.join(folder, "total.csv"))["total"].to_numpy()
    return t_el, t_mat, totals


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<46} {seconds * 1000:10.1f} ms  {note}")


def _everything(g: ig.Graph) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What one sna::brokerage call returns: counts, expectations, sd, z, network level."""
    counts = brokerage(g)
    return counts, brokerage_expected(g, observed=counts), brokerage_network(g, observed=counts)


def bench_brokerage() -> None:
    print("Brokerage (Gould-Fernandez), random directed alliances, 6 groups")
    # (actors, ties, netz repeats, sna repeats, also time sna on an adjacency matrix)
    sizes = [(1_000, 5_000, 50, 50, True), (20_000, 100_000, 5, 1, False)]
    for n, m, repeats, r_repeats, with_matrix in sizes:
        g = to_igraph(random_alliance(n, m, directed=True, weighted=False, seed=n))
        print(f" {n:,} actors / {m:,} ties")
        counts = per_call(partial(brokerage, g), repeats=repeats)
        everything = per_call(partial(_everything, g), repeats=repeats)
        row("netz brokerage() counts", counts)
        row("netz counts + expected/sd/z + network level", everything, "(= what sna returns)")
        sna = sna_brokerage(g, repeats=r_repeats, with_matrix=with_matrix)
        if sna is None:
            continue
        t_el, t_mat, totals = sna
        agree = np.array_equal(totals, brokerage(g)["total"].to_numpy())
        row("sna::brokerage, edge-list input", t_el, f"counts agree with netz: {agree}")
        if not np.isnan(t_mat):
            row("sna::brokerage, adjacency-matrix input", t_mat)
        print(f"  ratio sna (edge list) / netz counts:             {t_el / counts:8.1f}x")
        print(f"  ratio sna (edge list) / netz everything:         {t_el / everything:8.1f}x")
        if not np.isnan(t_mat):
            print(f"  ratio sna (matrix) / netz everything:            {t_mat / everything:8.1f}x")


def bench_holes_vs_networkx() -> None:
    n, m = 5_000, 25_000
    print(f"\nStructural holes vs networkx, undirected unweighted, {n:,} actors / {m:,} ties")
    alliance = random_alliance(n, m, directed=False, weighted=False, seed=5)
    g, G = to_igraph(alliance), to_networkx(alliance)
    ours_c = per_call(lambda: constraint(g), repeats=5)
    ours_e = per_call(lambda: effective_size(g), repeats=5)
    start = time.perf_counter()
    theirs = nx.constraint(G)
    nx_c = time.perf_counter() - start
    start = time.perf_counter()
    theirs_e = nx.effective_size(G)  # builds a dense n x n array
    nx_e = time.perf_counter() - start
    diff_c = np.nanmax(np.abs(constraint(g).to_numpy() - np.array([theirs[v] for v in g.vs["name"]])))
    diff_e = np.nanmax(np.abs(effective_size(g).to_numpy() - np.array([theirs_e[v] for v in g.vs["name"]])))
    row("netz constraint", ours_c)
    row("networkx constraint", nx_c, f"ratio {nx_c / ours_c:.0f}x, max |diff| {diff_c:.1e}")
    row("netz effective_size", ours_e)
    row("networkx effective_size", nx_e, f"ratio {nx_e / ours_e:.0f}x, max |diff| {diff_e:.1e}")


def bench_holes_large() -> None:
    n, m = 200_000, 1_000_000
    print(f"\nStructural holes, netz alone, undirected weighted, {n:,} actors / {m:,} ties")
    g = to_igraph(random_alliance(n, m, directed=False, weighted=True, seed=7))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for label, function in [("constraint", constraint), ("effective_size", effective_size),
                            ("holes_table (all four)", holes_table)]:
        row(f"netz {label}", per_call(partial(function, g), repeats=3))
    tracemalloc.start()
    holes_table(g)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of holes_table (tracemalloc):      {peak:10.1f} MB")
    print(f"  process peak RSS before / after the metrics:   {rss_before:10.1f} / {rss_after:.1f} MB")
    print(f"  (a dense n x n float64 array would need {n * n * 8 / 2**30:,.0f} GB)")


def main() -> None:
    start = time.perf_counter()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, networkx {nx.__version__}, "
          f"pandas {pd.__version__}\n")
    bench_brokerage()
    bench_holes_vs_networkx()
    bench_holes_large()
    print(f"\ntotal wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

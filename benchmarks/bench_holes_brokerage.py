"""Structural holes and brokerage, side by side: netz vs networkx vs R's sna, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_holes_brokerage.py

Needs Rscript with the ``sna`` package for the sna rows (they are skipped without it;
``apt-get install -y r-cran-sna r-cran-network``). Graphs are seeded random alliances
(``common.random_alliance``) built through ``netz.core.graph.to_igraph``, so every metric sees
the graph it sees in production; building them is not timed. Brokerage is timed at 1,000
actors at three densities (mean degree 2m/n of 4, 10 and 50: sna's share of R-level work
differs a lot between them) and at 20,000 actors / 100,000 ties. R's time is measured
inside R with ``system.time`` around the calls only (no start-up, no data loading), both
for the whole ``brokerage`` call and for its C counting routine alone (``brokerage_R``,
with the edge-list check ``as.edgelist.sna`` sna runs first). Takes about three minutes
on one core.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from functools import partial
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
from common import machine, median_seconds, peak_rss_self_mb, random_alliance

from netz.core.graph import to_igraph, to_networkx
from netz.core.metrics.brokerage import brokerage, brokerage_expected, brokerage_network
from netz.core.metrics.holes import constraint, effective_size, holes_table

#: Mean degrees 2m/n of the 1,000-actor brokerage runs.
DENSITIES = (4, 10, 50)

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
icl <- match(cl, unique(cl))
counting <- function() {                           # what brokerage() does before its R loops
  g <- as.edgelist.sna(el); N <- attr(g, "n"); m <- NROW(g)
  .C("brokerage_R", as.double(g), as.integer(N), as.integer(m), as.integer(icl),
     brok = as.double(matrix(0, N, 5)), PACKAGE = "sna", NAOK = TRUE)$brok
}
stopifnot(all(matrix(counting(), n, 5) == b$raw.nli[, 1:5]))
t_c <- system.time(for (i in seq_len(reps)) counting())[["elapsed"]] / reps
t_mat <- NA
if (with_matrix) {
  adj <- matrix(0, n, n); adj[arcs] <- 1           # the usual input: an adjacency matrix
  t_mat <- system.time(for (i in seq_len(reps)) brokerage(adj, cl))[["elapsed"]] / reps
}
write.csv(data.frame(total = b$raw.nli[, "t"]), file.path(dir, "total.csv"), row.names = FALSE)
cat(t_el, t_c, t_mat, "\n")
"""


def sna_brokerage(
    g: ig.Graph, *, repeats: int, with_matrix: bool
) -> tuple[float, float, float, np.ndarray] | None:
    """Seconds per sna::brokerage call (edge list), per C counting call, per call on an
    adjacency matrix, and sna's totals."""
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
        t_el, t_c, t_mat = (float("nan") if x == "NA" else float(x) for x in done.stdout.split())
        totals = pd.read_csv(os.path.join(folder, "total.csv"))["total"].to_numpy()
    return t_el, t_c, t_mat, totals


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<46} {seconds * 1000:10.1f} ms  {note}")


def _everything(g: ig.Graph) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What one sna::brokerage call returns: counts, expectations, sd, z, network level."""
    counts = brokerage(g)
    return counts, brokerage_expected(g, observed=counts), brokerage_network(g, observed=counts)


def bench_brokerage() -> None:
    print("Brokerage (Gould-Fernandez), random directed alliances, 6 groups")
    # (actors, ties, netz repeats, sna repeats, also time sna on an adjacency matrix)
    sizes = [(1_000, 1_000 * k // 2, 200, 50 if k < 50 else 10, True) for k in DENSITIES]
    sizes.append((20_000, 100_000, 5, 1, False))
    ratios = []
    for n, m, repeats, r_repeats, with_matrix in sizes:
        g = to_igraph(random_alliance(n, m, directed=True, weighted=False, seed=n + m))
        print(f" {n:,} actors / {m:,} ties (mean degree {2 * m / n:.0f})")
        counts = median_seconds(partial(brokerage, g), repeats=repeats)
        everything = median_seconds(partial(_everything, g), repeats=repeats)
        row("netz brokerage() counts", counts)
        row("netz counts + expected/sd/z + network level", everything, "(= what sna returns)")
        sna = sna_brokerage(g, repeats=r_repeats, with_matrix=with_matrix)
        if sna is None:
            continue
        t_el, t_c, t_mat, totals = sna
        agree = np.array_equal(totals, brokerage(g)["total"].to_numpy())
        row("sna::brokerage, edge-list input", t_el, f"counts agree with netz: {agree}")
        row("  of which its C counting (brokerage_R)", t_c, f"({t_c / t_el:.0%}; the rest is R code)")
        if not np.isnan(t_mat):
            row("sna::brokerage, adjacency-matrix input", t_mat)
        print(f"  ratio sna (edge list) / netz counts:             {t_el / counts:8.1f}x")
        print(f"  ratio sna (edge list) / netz everything:         {t_el / everything:8.1f}x")
        print(f"  ratio sna C counting / netz counts:              {t_c / counts:8.1f}x")
        if not np.isnan(t_mat):
            print(f"  ratio sna (matrix) / netz everything:            {t_mat / everything:8.1f}x")
        if n == 1_000:
            ratios.append((2 * m // n, t_el / counts, t_el / everything))
    if ratios:
        print(" summary, 1,000 actors: sna (edge list) / netz, counts and everything, by mean degree")
        for k, on_counts, on_everything in ratios:
            print(f"  mean degree {k:>3}: {on_counts:6.1f}x counts, {on_everything:6.1f}x everything "
                  "(target: 100x)")


def bench_holes_vs_networkx() -> None:
    n, m = 5_000, 25_000
    print(f"\nStructural holes vs networkx, undirected unweighted, {n:,} actors / {m:,} ties")
    alliance = random_alliance(n, m, directed=False, weighted=False, seed=5)
    g, G = to_igraph(alliance), to_networkx(alliance)
    ours_c = median_seconds(lambda: constraint(g), repeats=5)
    ours_e = median_seconds(lambda: effective_size(g), repeats=5)
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
    rss_before = peak_rss_self_mb()
    for label, function in [("constraint", constraint), ("effective_size", effective_size),
                            ("holes_table (all four)", holes_table)]:
        row(f"netz {label}", median_seconds(partial(function, g), repeats=3))
    tracemalloc.start()
    holes_table(g)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss_after = peak_rss_self_mb()
    print(f"  peak memory of holes_table (tracemalloc):      {peak:10.1f} MB")
    print(f"  process peak RSS before / after the metrics:   {rss_before:10.1f} / {rss_after:.1f} MB")
    print(f"  (a dense n x n float64 array would need {n * n * 8 / 2**30:,.0f} GB)")


def main() -> None:
    start = time.perf_counter()
    print(machine() + "\n")
    bench_brokerage()
    bench_holes_vs_networkx()
    bench_holes_large()
    print(f"\ntotal wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

"""Communities side by side: netz (best of restarts) vs igraph's best of 20 seeds vs networkx Louvain.

Run from the repository root (about two minutes on two cores)::

    .venv/bin/python benchmarks/bench_communities.py

For every network, the modularity *Q* and the wall time of

- ``netz.core.metrics.communities.communities`` with its defaults (the best of ``RESTARTS`` = 10
  seeded Leiden runs, within ``RESTART_TIE_BUDGET``, on the canonical vertex order), and
  with ``restarts=1`` (one run, what netz did before);
- raw python-igraph: ``community_leiden(objective_function="modularity", n_iterations=-1)``
  on the same undirected strength graph, seeds 0–19 (igraph's generator seeded through
  Python's ``random``), the best *Q* of the 20 and the time of all 20;
- networkx ``community.louvain_communities`` with seeds 0–19, the best *Q* and the time of
  all 20.

The ratios are netz's *Q* over each best-of-20 (≥ 1: netz found at least as good a
partition) and netz's time over the time of the 20 runs. The networks are the real ones
networkx ships (Zachary's karate club, Les Misérables, the Florentine families, Davis's
southern women and its weighted projection onto the women), the reference datasets in
``datasets/reference``, and seeded random alliances from ``common.random_alliance``
(weighted, undirected) of 200 / 1,000, 1,000 / 5,000 and 2,000 / 10,000 actors / ties.

``--repeats`` sets how many times netz is timed (median; default 3). This is a script,
not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

import igraph as ig
import networkx as nx
import pandas as pd
from common import machine, median_seconds, random_alliance

from netz.core import io
from netz.core.graph import to_igraph
from netz.core.metrics.communities import communities
from netz.core.model import Alliance

SEEDS = range(20)
ROOT = Path(__file__).resolve().parents[1]


def from_networkx(G: nx.Graph) -> Alliance:
    """An undirected alliance of a networkx graph, weighted when its edges carry a weight."""
    ids = [str(v) for v in G]
    rows = [(str(u), str(v), float(d.get("weight", 1.0))) for u, v, d in G.edges(data=True)]
    ties = pd.DataFrame(rows, columns=["source", "target", "weight"])
    if not any("weight" in d for _, _, d in G.edges(data=True)):
        ties = ties.drop(columns="weight")
    return Alliance.from_frames(pd.DataFrame({"id": ids, "name": ids, "type": "other"}), ties, directed=False)


def networks() -> dict[str, Callable[[], Alliance]]:
    davis = nx.davis_southern_women_graph()
    women = nx.bipartite.sets(davis)[0]
    found: dict[str, Callable[[], Alliance]] = {
        "karate (networkx)": lambda: from_networkx(nx.karate_club_graph()),
        "les miserables (weighted)": lambda: from_networkx(nx.les_miserables_graph()),
        "florentine families": lambda: from_networkx(nx.florentine_families_graph()),
        "davis southern women (2-mode)": lambda: from_networkx(davis),
        "davis women projected (weighted)": (
            lambda: from_networkx(nx.bipartite.weighted_projected_graph(davis, women))
        ),
    }
    for name in ("karate-club", "florentine-families", "southern-women"):
        found[f"datasets/reference/{name}"] = lambda name=name: io.read(ROOT / "datasets/reference" / name)
    for n, m in ((200, 1_000), (1_000, 5_000), (2_000, 10_000)):
        found[f"random {n:,} / {m:,} (weighted)"] = (
            lambda n=n, m=m: random_alliance(n, m, directed=False, weighted=True, seed=20261205)
        )
    return found


def igraph_best(g: ig.Graph, weighted: bool) -> tuple[float, float]:
    """Best Q of raw igraph Leiden over SEEDS, and the time of all the runs (``g`` undirected)."""
    h, weights = g, "weight" if weighted else None
    start, best = time.perf_counter(), -1.0
    for seed in SEEDS:
        random.seed(seed)
        best = max(best, h.community_leiden(objective_function="modularity", weights=weights,
                                            n_iterations=-1).modularity)
    return best, time.perf_counter() - start


def louvain_best(g: ig.Graph, weighted: bool) -> tuple[float, float]:
    """Best Q of networkx Louvain over SEEDS, and the time of all the runs (``g`` undirected)."""
    G = nx.Graph()
    G.add_nodes_from(range(g.vcount()))
    G.add_weighted_edges_from((e.source, e.target, e["weight"] if weighted else 1.0) for e in g.es)
    start, best = time.perf_counter(), -1.0
    for seed in SEEDS:
        parts = nx.community.louvain_communities(G, weight="weight", seed=seed)
        best = max(best, nx.community.modularity(G, parts, weight="weight"))
    return best, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    header = (f"{'network':<40} {'n':>5} {'m':>6} | {'netz Q':>7} {'1 run Q':>7} {'igraph20':>8}"
              f" {'louvain20':>9} | {'Q/ig':>6} {'Q/lv':>6} | {'netz ms':>8} {'ig20 ms':>8} {'lv20 ms':>8}"
              f" | {'t/ig20':>6} {'t/lv20':>6}")
    print(header)
    print("-" * len(header))
    for name, build in networks().items():
        alliance = build()
        g = to_igraph(alliance)
        _, q = communities(g)
        _, q_one = communities(g, restarts=1)
        seconds = median_seconds(lambda g=g: communities(g), repeats=args.repeats)
        q_ig, t_ig = igraph_best(g, alliance.weighted)
        q_lv, t_lv = louvain_best(g, alliance.weighted)
        print(f"{name:<40} {g.vcount():>5} {g.ecount():>6} | {q:7.4f} {q_one:7.4f} {q_ig:8.4f} {q_lv:9.4f}"
              f" | {q / q_ig:6.3f} {q / q_lv:6.3f} | {seconds * 1e3:8.1f} {t_ig * 1e3:8.1f} {t_lv * 1e3:8.1f}"
              f" | {seconds / t_ig:6.2f} {seconds / t_lv:6.3f}", flush=True)


if __name__ == "__main__":
    main()

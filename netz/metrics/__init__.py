"""The metric families, and the two tables a report is made of.

One module per family — :mod:`~netz.metrics.centrality`,
:mod:`~netz.metrics.structure`, :mod:`~netz.metrics.communities`,
:mod:`~netz.metrics.holes`, :mod:`~netz.metrics.brokerage`,
:mod:`~netz.metrics.mixing` — each a set of pure functions on an igraph graph
made by :func:`netz.graph.to_igraph`. :func:`actor_metrics` and
:func:`network_metrics` call them all; :func:`metric_tables` returns both and
counts brokerage and finds communities only once, which is what a report needs
(Leiden on a large alliance takes as long as most other metrics together).
Every metric is defined in ``docs/metrics.md``.
"""

from __future__ import annotations

from typing import Any

import igraph as ig
import pandas as pd

from netz.metrics.brokerage import ROLES, brokerage, brokerage_expected, brokerage_network
from netz.metrics.centrality import centrality_table
from netz.metrics.communities import communities
from netz.metrics.holes import holes_table
from netz.metrics.mixing import ei_index, mixing_summary
from netz.metrics.structure import structure_summary

__all__ = ["actor_metrics", "metric_tables", "network_metrics"]


def actor_metrics(
    g: ig.Graph,
    *,
    group_by: str = "type",
    weighted: bool | None = None,
    seed: int = 0,
    workers: int = 1,
    approximate_above: int | None = None,
) -> pd.DataFrame:
    """Every per-actor metric, one row per actor (indexed by id).

    Columns: the centralities, Burt's four structural-hole measures, the
    Gould–Fernandez roles as ``brokerage.<role>`` with ``brokerage.<role>_z``,
    ``ei_index`` and ``community``. ``seed`` seeds community detection and, with
    ``approximate_above``, the choice of sources for sampled betweenness; ``workers``
    and ``approximate_above`` are passed to
    :func:`~netz.metrics.centrality.betweenness`.
    """
    return _actor_table(
        g, group_by=group_by, weighted=weighted, seed=seed, workers=workers,
        approximate_above=approximate_above, roles=brokerage(g, group_by=group_by),
        membership=communities(g, seed=seed, weighted=weighted)[0],
    )


def network_metrics(
    g: ig.Graph, *, group_by: str = "type", weighted: bool | None = None, seed: int = 0
) -> dict[str, Any]:
    """Every whole-network figure: structure, mixing, brokerage totals and communities."""
    return _network_figures(
        g, group_by=group_by, weighted=weighted, seed=seed, roles=brokerage(g, group_by=group_by),
        found=communities(g, seed=seed, weighted=weighted),
    )


def metric_tables(
    g: ig.Graph,
    *,
    group_by: str = "type",
    weighted: bool | None = None,
    seed: int = 0,
    workers: int = 1,
    approximate_above: int | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`actor_metrics` and :func:`network_metrics` together, sharing what both need.

    The brokerage counts and the communities are computed once (the same seed
    gives both tables the same partition, so nothing changes but the time).
    """
    roles = brokerage(g, group_by=group_by)
    found = communities(g, seed=seed, weighted=weighted)
    actors = _actor_table(
        g, group_by=group_by, weighted=weighted, seed=seed, workers=workers,
        approximate_above=approximate_above, roles=roles, membership=found[0],
    )
    network = _network_figures(g, group_by=group_by, weighted=weighted, seed=seed, roles=roles, found=found)
    return actors, network


def _actor_table(
    g: ig.Graph,
    *,
    group_by: str,
    weighted: bool | None,
    seed: int,
    workers: int,
    approximate_above: int | None,
    roles: pd.DataFrame,
    membership: pd.Series,
) -> pd.DataFrame:
    table = centrality_table(
        g, weighted=weighted, workers=workers, approximate_above=approximate_above, seed=seed
    )
    scores = brokerage_expected(g, group_by=group_by, observed=roles)
    broker = pd.concat(
        [roles.add_prefix("brokerage."),
         scores[[f"{role}_z" for role in ROLES]].add_prefix("brokerage.")],
        axis=1,
    )
    return pd.concat(
        [table, holes_table(g, weighted=weighted), broker,
         ei_index(g, group_by=group_by).rename("ei_index"), membership.rename("community")],
        axis=1,
    )


def _network_figures(
    g: ig.Graph,
    *,
    group_by: str,
    weighted: bool | None,
    seed: int,
    roles: pd.DataFrame,
    found: tuple[pd.Series, float],
) -> dict[str, Any]:
    membership, modularity = found
    # Average path length and diameter count steps (hops) unless weighted paths are asked
    # for explicitly: "3 steps apart" is what a coordinator can read; sums of 1/weight are not.
    summary = structure_summary(g, weighted=bool(weighted))
    summary["communities"] = {
        "count": int(membership.nunique()) if len(membership) else 0,
        "modularity": modularity,
        "sizes": membership.value_counts().sort_index().astype(int).tolist(),
        "method": "leiden-modularity",
        "seed": seed,
    }
    summary["mixing"] = mixing_summary(g, group_by=group_by)
    summary["brokerage"] = brokerage_network(g, group_by=group_by, observed=roles).to_dict("index")
    return summary

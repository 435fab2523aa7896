"""The metric families, and the two tables a report is made of.

One module per family — :mod:`~netz.core.metrics.centrality`,
:mod:`~netz.core.metrics.structure`, :mod:`~netz.core.metrics.communities`,
:mod:`~netz.core.metrics.holes`, :mod:`~netz.core.metrics.brokerage`,
:mod:`~netz.core.metrics.mixing` — each a set of pure functions on an igraph graph
made by :func:`netz.core.graph.to_igraph`. :func:`actor_metrics` and
:func:`network_metrics` call them all; :func:`metric_tables` returns both and
counts brokerage and finds communities only once, which is what a report needs
(Leiden on a large alliance takes as long as most other metrics together).
Every metric is defined in ``docs/metrics.md``.
"""

from __future__ import annotations

from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from netz.core.metrics._base import is_weighted, triangles
from netz.core.metrics._paths import PathSums
from netz.core.metrics.brokerage import ROLES, brokerage, brokerage_expected, brokerage_network
from netz.core.metrics.centrality import (
    CENTRALITY_COLUMNS,
    _centrality_frame,
    betweenness_sample_size,
    path_sample_size,
)
from netz.core.metrics.communities import communities
from netz.core.metrics.holes import holes_table
from netz.core.metrics.mixing import ei_index, mixing_summary
from netz.core.metrics.structure import _summary

__all__ = [
    "ACTOR_METRIC_COLUMNS", "ACTOR_METRIC_FIELDS", "actor_metrics", "centrality_methods", "is_metric_name",
    "metric_tables", "network_metrics",
]

#: The columns of :func:`actor_metrics`, in order: the names netz gives what it computes per actor.
#: A table (CSV, the actor list's ``format=csv``, an export's attributes) uses them as they are;
#: the report's JSON nests ``brokerage.<role>`` under ``brokerage`` (:data:`ACTOR_METRIC_FIELDS`).
ACTOR_METRIC_COLUMNS: tuple[str, ...] = (
    *CENTRALITY_COLUMNS, "constraint", "effective_size", "efficiency", "hierarchy",
    *(f"brokerage.{role}" for role in (*ROLES, "total")),
    *(f"brokerage.{role}_z" for role in ROLES),
    "ei_index", "community",
)
#: The names of an actor's metrics in the report's JSON (``brokerage`` holds the nested roles).
ACTOR_METRIC_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(c.partition(".")[0] for c in ACTOR_METRIC_COLUMNS))


def is_metric_name(column: object) -> bool:
    """Whether an actor column of this name would stand where a computed metric stands.

    True for every name of :data:`ACTOR_METRIC_COLUMNS` and :data:`ACTOR_METRIC_FIELDS`, and for
    any dotted name under one of them (``brokerage.note`` would be nested into the report's
    ``brokerage``). Such a column is not kept as an attribute (:func:`netz.core.validate.validate_tables`):
    in a file it is a computed value from an earlier export, and kept it would hide the metric.

    >>> is_metric_name("degree"), is_metric_name("brokerage.total"), is_metric_name("brokerage")
    (True, True, True)
    >>> is_metric_name("Degree"), is_metric_name("Hauptamtliche"), is_metric_name("degree_of_trust")
    (False, False, False)
    """
    return str(column).partition(".")[0] in ACTOR_METRIC_FIELDS


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
    ``approximate_above``, the choice of sources for sampled betweenness, closeness
    and harmonic centrality; ``workers`` is passed to
    :func:`~netz.core.metrics.centrality.betweenness`.
    """
    return _actor_table(
        g, group_by=group_by, weighted=weighted, seed=seed, workers=workers,
        approximate_above=approximate_above, roles=brokerage(g, group_by=group_by),
        membership=communities(g, seed=seed, weighted=weighted)[0],
    )[0]


def network_metrics(
    g: ig.Graph,
    *,
    group_by: str = "type",
    weighted: bool | None = None,
    seed: int = 0,
    approximate_above: int | None = None,
) -> dict[str, Any]:
    """Every whole-network figure: structure, mixing, brokerage totals and communities.

    ``network["methods"]`` says, per figure that can be approximated, how it was
    computed: ``{"method": "exact"}`` or the sampling record (``docs/metrics.md``,
    "Approximation above a size").
    """
    return _network_figures(
        g, group_by=group_by, weighted=weighted, seed=seed, roles=brokerage(g, group_by=group_by),
        found=communities(g, seed=seed, weighted=weighted), approximate_above=approximate_above,
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
    gives both tables the same partition, so nothing changes but the time). When
    the alliance is unweighted, the network figures reuse the table's betweenness
    (and, undirected, its distance sums) for centralization and path lengths
    instead of searching again: they are the same quantities. The triangles are listed
    once, for brokerage, the structural holes and clustering.
    ``network["methods"]`` also covers the table's sampled columns.
    """
    listed = triangles(g)
    roles = brokerage(g, group_by=group_by, triangle_list=listed)
    found = communities(g, seed=seed, weighted=weighted)
    actors, sums = _actor_table(
        g, group_by=group_by, weighted=weighted, seed=seed, workers=workers,
        approximate_above=approximate_above, roles=roles, membership=found[0], triangle_list=listed,
    )
    hop_betweenness, hop_sums = None, None
    if not is_weighted(g, weighted):
        hop_betweenness = actors["betweenness"].to_numpy()
        if not g.is_directed():
            hop_sums = sums
    network = _network_figures(
        g, group_by=group_by, weighted=weighted, seed=seed, roles=roles, found=found,
        approximate_above=approximate_above, hop_betweenness=hop_betweenness, hop_sums=hop_sums,
    )
    table_methods = centrality_methods(g.vcount(), approximate_above, seed, sums)
    network["methods"] = {**table_methods, **network["methods"]}
    return actors, network


def centrality_methods(
    n: int, approximate_above: int | None, seed: int, sums: PathSums | None = None,
    *, epsilon: float = 0.05, delta: float = 0.1,
) -> dict[str, dict[str, Any]]:
    """How the table's betweenness, closeness and harmonic columns are computed for ``n`` actors.

    ``{"method": "exact"}``, or the sample: betweenness from ``sources`` sources
    drawn from all actors; closeness and harmonic from ``sources_per_component``
    sources in every component larger than that (``components_sampled``, holding
    ``actors_estimated`` actors; smaller components are exact). The guarantees are in
    ``docs/metrics.md``.

    >>> centrality_methods(300, 50_000, 0)["closeness"]
    {'method': 'exact'}
    >>> centrality_methods(200_000, 50_000, 0)["betweenness"]["sources"]
    3041
    """
    exact = {"method": "exact"}
    k = path_sample_size(n, approximate_above, epsilon=epsilon, delta=delta)
    if k is None:
        return {"betweenness": exact, "closeness": exact, "harmonic": exact}
    accuracy = {"epsilon": epsilon, "delta": delta, "seed": seed}
    methods: dict[str, dict[str, Any]] = {
        "betweenness": {
            "method": "sampled", **accuracy,
            "sources": betweenness_sample_size(n, epsilon=epsilon, delta=delta),
        },
    }
    paths: dict[str, Any] = {"method": "sampled", "sources_per_component": k, **accuracy}
    if sums is not None:
        if sums.exact:
            paths = exact
        else:
            paths = {**paths, "components_sampled": int(sums.sampled.sum()),
                     "actors_estimated": int(sums.sizes[sums.sampled].sum())}
    methods["closeness"] = paths
    methods["harmonic"] = paths
    return methods


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
    triangle_list: np.ndarray | None = None,
) -> tuple[pd.DataFrame, PathSums]:
    table, sums = _centrality_frame(
        g, weighted=weighted, workers=workers, approximate_above=approximate_above, epsilon=0.05, delta=0.1,
        seed=seed, executor=None, triangle_list=triangle_list,
    )
    scores = brokerage_expected(g, group_by=group_by, observed=roles)
    broker = pd.concat(
        [roles.add_prefix("brokerage."),
         scores[[f"{role}_z" for role in ROLES]].add_prefix("brokerage.")],
        axis=1,
    )
    return pd.concat(
        [table, holes_table(g, weighted=weighted, triangle_list=triangle_list), broker,
         ei_index(g, group_by=group_by).rename("ei_index"), membership.rename("community")],
        axis=1,
    ), sums


def _network_figures(
    g: ig.Graph,
    *,
    group_by: str,
    weighted: bool | None,
    seed: int,
    roles: pd.DataFrame,
    found: tuple[pd.Series, float],
    approximate_above: int | None = None,
    hop_betweenness: Any = None,
    hop_sums: PathSums | None = None,
) -> dict[str, Any]:
    membership, modularity = found
    # Average path length and diameter count steps (hops) unless weighted paths are asked
    # for explicitly: "3 steps apart" is what a coordinator can read; sums of 1/weight are not.
    summary, methods = _summary(
        g, weighted=bool(weighted), approximate_above=approximate_above, epsilon=0.05, delta=0.1, seed=seed,
        hop_betweenness=hop_betweenness, hop_sums=hop_sums,
    )
    summary["communities"] = {
        "count": int(membership.nunique()) if len(membership) else 0,
        "modularity": modularity,
        "sizes": membership.value_counts().sort_index().astype(int).tolist(),
        "method": "leiden-modularity",
        "seed": seed,
    }
    summary["mixing"] = mixing_summary(g, group_by=group_by)
    summary["brokerage"] = brokerage_network(g, group_by=group_by, observed=roles).to_dict("index")
    summary["methods"] = methods
    return summary

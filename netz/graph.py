"""Building graphs from alliances: igraph for computing, networkx for interoperability.

This is the one adapter between the model and the graph libraries. igraph
numbers vertices 0..n-1 in the order of ``alliance.actors``; the actor id is
kept in the vertex attribute ``name`` (python-igraph's convention, so
``g.vs.find(name=...)`` works) and every metric maps its results back to ids
through it.

Several tie rows for one pair — different kinds of cooperation, or different
waves when the report covers all of them (validation refuses the same pair twice
with the same kind and wave) — become **one edge whose weight is the sum** of the
rows' weights: cooperating in two ways is a stronger tie. An undirected view of a
directed alliance (``directed=False``) likewise sums A→B and B→A.

Weights are cooperation *strengths*; metrics based on shortest paths turn them
into distances (1/weight) themselves.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

from netz.model import Alliance, plain_value

__all__ = ["actor_ids", "edge_table", "to_igraph", "to_networkx"]


def edge_table(alliance: Alliance, *, directed: bool | None = None) -> pd.DataFrame:
    """Collapsed edges as vertex positions: columns ``u``, ``v``, ``weight``.

    With ``directed=False`` each pair appears once with ``u < v``.

    >>> from netz.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records(
    ...     [Actor("a", "A", "other"), Actor("b", "B", "other")],
    ...     [Tie("a", "b", 2.0), Tie("b", "a", 1.5)], directed=True)
    >>> edge_table(a, directed=False).to_dict("records")
    [{'u': 0, 'v': 1, 'weight': 3.5}]
    """
    directed = alliance.directed if directed is None else directed
    index = pd.Index(alliance.actors["id"])
    u = index.get_indexer(alliance.ties["source"])
    v = index.get_indexer(alliance.ties["target"])
    if not directed:
        u, v = np.minimum(u, v), np.maximum(u, v)
    edges = pd.DataFrame({"u": u, "v": v, "weight": alliance.ties["weight"].to_numpy(float)})
    summed: pd.DataFrame = edges.groupby(["u", "v"], as_index=False, sort=True)[["weight"]].sum()
    return summed


def to_igraph(
    alliance: Alliance, *, directed: bool | None = None, weighted: bool | None = None
) -> ig.Graph:
    """The alliance as an igraph graph (one edge per pair, weights summed).

    Vertex attributes: ``name`` (actor id), ``label`` (actor name), ``type`` and
    every actor attribute column. Edge attribute ``weight`` (all 1.0 when
    unweighted). Graph attributes ``weighted`` and ``directed``.

    >>> from netz.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records(
    ...     [Actor("a", "A", "Kirche"), Actor("b", "B", "Stadt")], [Tie("a", "b")])
    >>> g = to_igraph(a)
    >>> g.vs["name"], g.vs["type"], g.ecount(), g["weighted"]
    (['a', 'b'], ['church', 'municipality'], 1, False)
    """
    directed = alliance.directed if directed is None else directed
    weighted = alliance.weighted if weighted is None else weighted
    edges = edge_table(alliance, directed=directed)
    g = ig.Graph(
        n=alliance.n_actors,
        edges=np.column_stack([edges["u"].to_numpy(), edges["v"].to_numpy()]).tolist(),
        directed=directed,
    )
    g.vs["name"] = alliance.actors["id"].tolist()
    g.vs["label"] = alliance.actors["name"].tolist()
    for column in alliance.actors.columns.drop(["id", "name"]):
        g.vs[column] = [plain_value(v) for v in alliance.actors[column]]
    g.es["weight"] = edges["weight"].tolist() if weighted else [1.0] * len(edges)
    g["weighted"] = weighted
    g["directed"] = directed
    return g


def to_networkx(
    alliance: Alliance, *, directed: bool | None = None, multigraph: bool = False
) -> nx.Graph:
    """The alliance as a networkx graph keyed by actor id.

    By default one edge per pair with the summed ``weight`` — the graph the
    metrics see. With ``multigraph=True`` every tie row is its own edge with all
    its columns (``weight``, ``kind``, ``wave``, attributes): the lossless form
    the file writers use.
    """
    directed = alliance.directed if directed is None else directed
    if multigraph:
        graph: nx.Graph = nx.MultiDiGraph() if directed else nx.MultiGraph()
    else:
        graph = nx.DiGraph() if directed else nx.Graph()
    for record in alliance.actors.to_dict("records"):
        graph.add_node(record.pop("id"), **_present(record))
    if multigraph:
        for record in alliance.ties.to_dict("records"):
            source, target = record.pop("source"), record.pop("target")
            graph.add_edge(source, target, **_present(record))
    else:
        ids = alliance.actors["id"].to_numpy()
        for u, v, w in edge_table(alliance, directed=directed).itertuples(index=False):
            graph.add_edge(ids[u], ids[v], weight=float(w))
    return graph


def actor_ids(g: ig.Graph) -> pd.Index:
    """The actor ids of an igraph graph made by :func:`to_igraph`, in vertex order."""
    return pd.Index(g.vs["name"], name="id")


def _present(record: Mapping[Hashable, Any]) -> dict[str, Any]:
    values = {str(k): plain_value(v) for k, v in record.items()}
    return {k: v for k, v in values.items() if v is not None}

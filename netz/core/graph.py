"""Building graphs from alliances: igraph for computing, networkx for interoperability.

This is the one adapter between the model and the graph libraries. igraph
numbers vertices 0..n-1 in the order of ``alliance.actors``; the actor id is
kept in the vertex attribute ``name`` (python-igraph's convention, so
``g.vs.find(name=...)`` works) and every metric maps its results back to ids
through it.

Several tie rows for one pair — different kinds of cooperation, or different
waves when the report covers all of them (validation refuses a row repeating the
source, target, kind and wave of another) — become **one edge whose weight is the sum** of the
rows' weights: cooperating in two ways is a stronger tie. An undirected view of a
directed alliance (``directed=False``) likewise sums A→B and B→A, and so does reading
a directed table as undirected (:mod:`netz.core.validate` merges the two rows).

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

from netz.core.model import Alliance, plain_value

__all__ = ["actor_ids", "edge_table", "to_igraph", "to_networkx"]


def edge_table(alliance: Alliance, *, directed: bool | None = None) -> pd.DataFrame:
    """Collapsed edges as vertex positions: columns ``u``, ``v``, ``weight``, sorted by (u, v).

    With ``directed=False`` each pair appears once with ``u < v``. ``u`` and ``v``
    are int64, ``weight`` float64 (the rows' weights summed; a missing weight counts
    as 0, a pair whose weights are all missing gets 0), on a ``RangeIndex``.

    The pairs are numbered ``(u + 1)(n + 1) + (v + 1)`` and grouped with numpy
    (``np.unique``) rather than a pandas groupby, which costs more than the rest of
    a batch row's graph building. The sums reproduce pandas' ``groupby().sum()``
    to the last bit: Kahan-compensated, in row order (see :func:`_group_sums`).

    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records(
    ...     [Actor("a", "A", "other"), Actor("b", "B", "other")],
    ...     [Tie("a", "b", 2.0), Tie("b", "a", 1.5)], directed=True)
    >>> edge_table(a, directed=False).to_dict("records")
    [{'u': 0, 'v': 1, 'weight': 3.5}]
    """
    directed = alliance.directed if directed is None else directed
    index = pd.Index(alliance.actors["id"])
    u = index.get_indexer(alliance.ties["source"]).astype(np.int64, copy=False)
    v = index.get_indexer(alliance.ties["target"]).astype(np.int64, copy=False)
    if not directed:
        u, v = np.minimum(u, v), np.maximum(u, v)
    # Positions are -1 for ids that are not actors (possible without validation): shifting by
    # one keeps every code non-negative and the codes in (u, v) order.
    side = np.int64(len(index) + 1)
    pairs, first, inverse = np.unique((u + 1) * side + (v + 1), return_index=True, return_inverse=True)
    weights = _group_sums(inverse.reshape(-1), alliance.ties["weight"].to_numpy(float), len(pairs))
    return pd.DataFrame({"u": u[first], "v": v[first], "weight": weights})


def _group_sums(groups: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Sums of ``values`` by group (0 … count - 1), bit for bit as pandas' ``groupby().sum()``.

    pandas (3.x) has two paths, and the last bit of a sum of three or more
    inexact weights (0.1 + 0.2 + 0.3) can differ between them:

    - rows already sorted by group and no missing value: ``np.add.reduceat``
      over the rows in order — done here with the same call;
    - otherwise Kahan-compensated addition in row order (``y = x - c;
      t = s + y; c = (t - s) - y; s = t``, the compensation reset to 0 when it
      is NaN, missing values skipped) — done here vectorised over the groups:
      step *r* adds the *r*-th value of every group that has one, so the Python
      loop runs as often as the largest group has rows (kinds × waves of one
      pair), not once per row. For groups of one or two values this is the
      plain sum, which ``np.bincount`` gives directly.
    """
    sums = np.zeros(count)
    if count == 0:
        return sums
    missing = np.isnan(values)
    if not missing.any() and bool(np.all(groups[1:] >= groups[:-1])):
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        return np.add.reduceat(values, starts)
    sizes = np.bincount(groups, minlength=count)
    if sizes.max() <= 2:
        return np.bincount(groups[~missing], weights=values[~missing], minlength=count)
    order = np.argsort(groups, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    compensation = np.zeros(count)
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, as in pandas
        for step in range(int(sizes.max())):
            having = np.flatnonzero(sizes > step)
            value = values[order[starts[having] + step]]
            present = ~np.isnan(value)
            having, value = having[present], value[present]
            y = value - compensation[having]
            total = sums[having] + y
            correction = (total - sums[having]) - y
            correction[np.isnan(correction)] = 0.0
            compensation[having] = correction
            sums[having] = total
    return sums


def to_igraph(
    alliance: Alliance, *, directed: bool | None = None, weighted: bool | None = None
) -> ig.Graph:
    """The alliance as an igraph graph (one edge per pair, weights summed).

    Vertex attributes: ``name`` (actor id), ``label`` (actor name), ``type`` and
    every actor attribute column. Edge attribute ``weight`` (all 1.0 when
    unweighted). Graph attributes ``weighted`` and ``directed``.

    >>> from netz.core.model import Actor, Alliance, Tie
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

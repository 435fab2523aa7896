r"""Communities: groups of actors who cooperate more among themselves than with the rest.

netz finds them with the Leiden algorithm (Traag, Waltman & van Eck 2019)
maximising modularity (Newman & Girvan 2004; Newman 2006), run by igraph's C
core. Leiden improves on Louvain by guaranteeing that every community is
connected. The result is reproducible: the same alliance and seed give the same
communities, whatever the order of the rows in the input files, and communities
are numbered 0, 1, 2, … in order of their first actor by id.
"""

from __future__ import annotations

from collections.abc import Mapping

import igraph as ig
import numpy as np
import pandas as pd

from netz.graph import actor_ids
from netz.metrics._base import seeded_igraph, strengths
from netz.metrics.centrality import _id_rank

__all__ = ["communities", "modularity"]


def communities(
    g: ig.Graph, *, seed: int | None = 0, resolution: float = 1.0, weighted: bool | None = None
) -> tuple[pd.Series, float]:
    r"""Communities by Leiden modularity optimisation, and the partition's modularity.

    Leiden searches for the partition maximising modularity

    .. math::

       Q = \frac{1}{2m} \sum_{ij} \Bigl(A_{ij} - \gamma \frac{k_i k_j}{2m}\Bigr)\,
           \delta(c_i, c_j),

    where :math:`A_{ij}` is the tie strength between *i* and *j*, :math:`k_i`
    the actor's strength, *m* the total strength, :math:`c_i` its community
    and :math:`\gamma` the resolution (Reichardt & Bornholdt 2006): above 1
    favours more, smaller communities. Leiden runs until an iteration changes
    nothing.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.graph.to_igraph`.
    seed : int or None, optional
        Seed for Leiden's random choices (default 0). ``None`` draws a fresh
        seed, so repeated calls may differ.
    resolution : float, optional
        :math:`\gamma`, default 1 (classic modularity).
    weighted : bool or None, optional
        Use tie strengths as :math:`A_{ij}`; ``None`` (default) means "if the
        alliance is weighted".

    Returns
    -------
    membership : pandas.Series
        Community number per actor id (integers from 0, numbered in the order
        of each community's smallest actor id), named ``community``.
    modularity : float
        *Q* of that partition at the given resolution; ``NaN`` when the
        alliance has no ties (0/0).

    Notes
    -----
    *Direction.* Communities are found on the undirected alliance: A→B, B→A
    or both make A and B partners. When weighted, the strengths of the two
    directions are added (as :mod:`netz.graph` adds duplicate rows);
    unweighted, a reciprocated pair is one tie.

    *Weights* are strengths used as they are.

    *Isolates* form a community of their own each. An alliance without ties
    puts every actor in its own community.

    *Reproducibility.* The graph is put into a canonical order (actors by id,
    ties by their ends) before Leiden runs, and igraph's random number
    generator is replaced by ``random.Random(seed)`` for the run and then
    reset to Python's ``random`` module — igraph's default. (A generator set
    with ``igraph.set_random_number_generator`` elsewhere is therefore reset
    too.) A lock keeps concurrent runs in one process from sharing the
    generator.

    References
    ----------
    .. [1] Traag, V. A., Waltman, L., & van Eck, N. J. (2019). From Louvain to
       Leiden: guaranteeing well-connected communities. *Scientific Reports*
       9, 5233. https://doi.org/10.1038/s41598-019-41695-z
    .. [2] Newman, M. E. J. (2006). Modularity and community structure in
       networks. *PNAS* 103(23), 8577–8582. https://doi.org/10.1073/pnas.0601602103
    .. [3] Newman, M. E. J., & Girvan, M. (2004). Finding and evaluating
       community structure in networks. *Physical Review E* 69, 026113.
       https://doi.org/10.1103/PhysRevE.69.026113
    .. [4] Reichardt, J., & Bornholdt, S. (2006). Statistical mechanics of
       community detection. *Physical Review E* 74, 016110.
       https://doi.org/10.1103/PhysRevE.74.016110

    Examples
    --------
    Two triangles joined by one tie (c–d): m = 7, each triangle holds 3 ties
    and a strength of 7, so :math:`Q = 2\,(3/7 - (7/14)^2) = 5/14 = 0.3571`.

    >>> from netz.graph import to_igraph
    >>> from netz.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abcdef"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("a", "c"), Tie("c", "d"),
    ...      Tie("d", "e"), Tie("e", "f"), Tie("d", "f")])
    >>> membership, q = communities(to_igraph(a))
    >>> membership.to_dict(), round(q, 4)
    ({'a': 0, 'b': 0, 'c': 0, 'd': 1, 'e': 1, 'f': 1}, 0.3571)
    """
    n = g.vcount()
    if n == 0:
        return pd.Series([], index=actor_ids(g), name="community", dtype=np.int64), float("nan")
    h, order = _canonical_undirected(g, weighted)
    weights = h.es["weight"] if strengths(g, weighted) is not None else None
    if h.ecount() == 0:
        found = np.arange(n)
    else:
        with seeded_igraph(seed):
            partition = h.community_leiden(
                objective_function="modularity", weights=weights, resolution=resolution,
                n_iterations=-1,
            )
        found = np.asarray(partition.membership)
    canonical = _first_appearance(found)
    return (
        pd.Series(canonical[order], index=actor_ids(g), name="community"),
        _modularity(h, canonical.tolist(), weights, resolution),
    )


def modularity(
    g: ig.Graph,
    membership: pd.Series | Mapping[str, object],
    *,
    resolution: float = 1.0,
    weighted: bool | None = None,
) -> float:
    r"""Modularity *Q* of a given grouping of the actors (for example by actor type).

    The formula is the one in :func:`communities`. A grouping by sector with
    high *Q* means the sectors mostly cooperate within themselves.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.graph.to_igraph`.
    membership : pandas.Series or mapping
        Group label per actor id (any hashable labels); every actor needs one.
    resolution : float, optional
        :math:`\gamma`, default 1.
    weighted : bool or None, optional
        Use tie strengths; ``None`` (default) means "if the alliance is weighted".

    Returns
    -------
    float
        In [-1/2, 1]; ``NaN`` without ties.

    Notes
    -----
    Directed alliances are read as undirected, as in :func:`communities`;
    the value equals networkx's ``community.modularity`` on that graph.

    Examples
    --------
    The path church ``a`` – church ``b`` – refugee ``c`` (m = 2, degrees 1, 2, 1):
    the churches hold one tie and strength 3, the refugee none and strength 1,
    so :math:`Q = 1/2 - (3/4)^2 - (1/4)^2 = -1/8` — the groups meet more
    than chance would have them.

    >>> from netz.graph import to_igraph
    >>> from netz.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records(
    ...     [Actor("a", "A", "church"), Actor("b", "B", "church"), Actor("c", "C", "refugee")],
    ...     [Tie("a", "b"), Tie("b", "c")])
    >>> g = to_igraph(a)
    >>> modularity(g, dict(zip(g.vs["name"], g.vs["type"])))
    -0.125
    """
    labels = pd.Series(membership).reindex(actor_ids(g))
    if labels.isna().any():
        missing = list(labels.index[labels.isna()])[:5]
        raise KeyError(f"no group for actors {missing}")
    codes = pd.factorize(labels)[0]
    h, order = _canonical_undirected(g, weighted)
    weights = h.es["weight"] if strengths(g, weighted) is not None else None
    canonical = np.empty(len(codes), dtype=np.int64)
    canonical[order] = codes
    return _modularity(h, canonical.tolist(), weights, resolution)


def _canonical_undirected(g: ig.Graph, weighted: bool | None) -> tuple[ig.Graph, np.ndarray]:
    """The undirected graph with vertices sorted by actor id and edges sorted by their ends.

    Returns the graph and ``order``: canonical position of each original vertex.
    """
    n = g.vcount()
    order = _id_rank(g)
    edges = order[np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)]
    w = np.asarray(g.es["weight"], dtype=float) if strengths(g, weighted) is not None else np.ones(len(edges))
    u, v = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
    pairs = pd.DataFrame({"u": u, "v": v, "weight": w})
    if g.is_directed():
        # A→B and B→A become one undirected tie with both strengths
        # (unweighted: one tie of weight 1, as weights are then ignored).
        pairs = pairs.groupby(["u", "v"], as_index=False, sort=False).agg(weight=("weight", "sum"))
    pairs = pairs.sort_values(["u", "v"], kind="stable")
    h = ig.Graph(n=n, edges=pairs[["u", "v"]].to_numpy(), directed=False)
    h.es["weight"] = pairs["weight"].tolist()
    return h, order


def _first_appearance(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0, 1, … in the order they first appear."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]


def _modularity(h: ig.Graph, membership: list[int], weights: list[float] | None, resolution: float) -> float:
    if h.ecount() == 0:
        return float("nan")
    return float(h.modularity(membership, weights=weights, resolution=resolution, directed=False))

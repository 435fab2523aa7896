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

from netz.errors import NetzError
from netz.graph import actor_ids
from netz.metrics._base import edge_array, seeded_igraph, strengths
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
    nothing; above :data:`UNTIL_STABLE_MAX_TIES` ties, until an iteration gains
    less than :data:`GAIN_TOLERANCE` or for at most :data:`MAX_ITERATIONS`
    iterations (see Notes).

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

    *Large alliances.* Each Leiden iteration over a million ties takes about a
    second and igraph's "until stable" took 61 of them on a random alliance of
    that size, the last fifty adding 0.0006 to *Q*. Above
    :data:`UNTIL_STABLE_MAX_TIES` ties the iterations run one at a time (each
    from the previous partition, as igraph's loop does) and stop once one of
    them raises *Q* by less than :data:`GAIN_TOLERANCE`, after at most
    :data:`MAX_ITERATIONS`. Smaller alliances get exactly igraph's result.

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
            found = _leiden(h, weights, resolution)
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
        raise NetzError(f"the membership gives no group for actors {missing}; every actor needs one")
    codes = pd.factorize(labels)[0]
    h, order = _canonical_undirected(g, weighted)
    weights = h.es["weight"] if strengths(g, weighted) is not None else None
    canonical = np.empty(len(codes), dtype=np.int64)
    canonical[order] = codes
    return _modularity(h, canonical.tolist(), weights, resolution)


def _canonical_undirected(g: ig.Graph, weighted: bool | None) -> tuple[ig.Graph, np.ndarray]:
    """The undirected graph with vertices sorted by actor id and edges sorted by their ends.

    Returns the graph and ``order``: canonical position of each original vertex. Done on
    numpy arrays (a pandas groupby and sort cost several times igraph's Leiden run on an
    alliance of a few hundred actors).
    """
    n = g.vcount()
    order = _id_rank(g)
    edges = order[edge_array(g)]
    use_weights = strengths(g, weighted) is not None
    w = np.asarray(g.es["weight"], dtype=float) if use_weights else np.ones(len(edges))
    u, v = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
    keys = u * n + v
    if g.is_directed():
        # A→B and B→A become one undirected tie with both strengths
        # (unweighted: one tie of weight 1, as weights are then ignored).
        keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        if len(keys) and np.bincount(inverse).max() > 2:
            # More than two arcs on one pair (not from to_igraph): pandas' compensated sum,
            # so that the strengths equal those of the earlier pandas implementation exactly.
            w = pd.Series(w).groupby(inverse, sort=True).sum().to_numpy()
        else:  # one or two arcs: a plain sum is the compensated sum
            w = np.bincount(inverse, weights=w, minlength=len(keys))
        u, v = u[first], v[first]
    else:
        sort = np.argsort(keys, kind="stable")
        u, v, w = u[sort], v[sort], w[sort]
    h = ig.Graph(n=n, edges=np.column_stack([u, v]).tolist(), directed=False)
    h.es["weight"] = w.tolist()
    return h, order


#: Up to this many (undirected) ties Leiden runs until an iteration changes nothing.
UNTIL_STABLE_MAX_TIES = 100_000
#: Above it, iterating stops once an iteration raises the modularity by less than this ...
GAIN_TOLERANCE = 1e-4
#: ... or after this many iterations.
MAX_ITERATIONS = 20


def _leiden(h: ig.Graph, weights: list[float] | None, resolution: float) -> np.ndarray:
    """Leiden's membership on the canonical graph ``h``, drawing from igraph's current generator.

    Small and medium alliances (up to :data:`UNTIL_STABLE_MAX_TIES` ties): iterations until
    one changes nothing (igraph's ``n_iterations=-1``). Larger ones: one iteration at a time,
    each starting from the partition of the one before (which is what igraph's loop does, so
    the partitions are the same as far as they go), stopping when an iteration changes
    nothing, raises the modularity by less than :data:`GAIN_TOLERANCE`, or after
    :data:`MAX_ITERATIONS` iterations. At a million ties each iteration costs seconds and
    the last dozens of them add a few thousandths of modularity.
    """
    if h.ecount() <= UNTIL_STABLE_MAX_TIES:
        partition = h.community_leiden(
            objective_function="modularity", weights=weights, resolution=resolution, n_iterations=-1,
        )
        return np.asarray(partition.membership)
    membership: list[int] | None = None
    quality = -np.inf
    for _ in range(MAX_ITERATIONS):
        partition = h.community_leiden(
            objective_function="modularity", weights=weights, resolution=resolution, n_iterations=1,
            initial_membership=membership,
        )
        unchanged = membership is not None and np.array_equal(
            _first_appearance(np.asarray(partition.membership)), _first_appearance(np.asarray(membership))
        )
        gain = partition.quality - quality
        membership, quality = partition.membership, partition.quality
        if unchanged or gain < GAIN_TOLERANCE:
            break
    return np.asarray(membership)


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

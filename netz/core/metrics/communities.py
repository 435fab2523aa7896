r"""Communities: groups of actors who cooperate more among themselves than with the rest.

netz finds them with the Leiden algorithm (Traag, Waltman & van Eck 2019)
maximising modularity (Newman & Girvan 2004; Newman 2006), run by igraph's C
core. Leiden improves on Louvain by guaranteeing that every community is
connected. Several seeded runs are made and the best partition kept. The result
is reproducible: the same alliance and seed give the same communities, whatever
the order of the rows in the input files and — up to the network's own
symmetries — whatever the actors' ids; communities are numbered 0, 1, 2, … in
order of their first actor by id.
"""

from __future__ import annotations

from collections.abc import Mapping

import igraph as ig
import numpy as np
import pandas as pd

from netz.core.errors import NetzError
from netz.core.graph import actor_ids
from netz.core.metrics._base import edge_array, seeded_igraph, strengths
from netz.core.metrics.centrality import _id_rank

__all__ = ["communities", "modularity"]


#: Leiden runs made by default; the partition with the highest modularity is kept.
RESTARTS = 10
#: Restarts are made only while ``runs × ties`` stays within this (see :func:`communities`).
RESTART_TIE_BUDGET = 50_000
#: Runs whose modularity is within this of the best count as equally good.
QUALITY_TIE = 1e-12


def communities(
    g: ig.Graph,
    *,
    seed: int | None = 0,
    resolution: float = 1.0,
    weighted: bool | None = None,
    restarts: int = RESTARTS,
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
    iterations (see Notes). Leiden is randomised and one run can miss the best
    partition it could find, so it runs ``restarts`` times and the partition
    with the highest *Q* is kept.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    seed : int or None, optional
        Seed for Leiden's random choices (default 0). ``None`` draws a fresh
        seed, so repeated calls may differ.
    resolution : float, optional
        :math:`\gamma`, default 1 (classic modularity).
    weighted : bool or None, optional
        Use tie strengths as :math:`A_{ij}`; ``None`` (default) means "if the
        alliance is weighted".
    restarts : int, optional
        Leiden runs to make, one after the other from the seeded generator
        (default :data:`RESTARTS`, 10), as long as ``runs × ties`` stays within
        :data:`RESTART_TIE_BUDGET` (50,000): 10 runs up to 5,000 ties, 2 at
        25,000, one from 50,000 ties on (see Notes). At least 1.

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
    directions are added (as :mod:`netz.core.graph` adds duplicate rows);
    unweighted, a reciprocated pair is one tie.

    *Weights* are strengths used as they are.

    *Isolates* form a community of their own each. An alliance without ties
    puts every actor in its own community.

    *The best of several runs.* The runs draw one after the other from one
    generator seeded with ``seed``. The partition kept has the highest *Q*;
    runs within :data:`QUALITY_TIE` of it count as equally good, and among
    those the one whose community numbers, listed in canonical actor order
    (below), come first lexicographically is kept — a rule that depends
    neither on the order of the runs nor on rounding. A run costs about as
    much as the ties (0.01 s at 1,000 ties, 0.2 s at 10,000 ties of a random
    alliance, where Leiden needs the most iterations), so restarts are limited
    to ``runs × ties ≤`` :data:`RESTART_TIE_BUDGET`.

    *Reproducibility.* Leiden's result depends on the order of the vertices
    and edges it is given, so the graph is first put into a **canonical
    order**: igraph's ``canonical_permutation`` (the bliss algorithm, Junttila
    & Kaski 2007) numbers the actors by the network's structure alone, the
    tie strengths included (a weighted alliance is given to bliss with each
    tie as an extra vertex coloured by its strength), starting from the
    actors sorted by id; ties are sorted by their ends. Two alliances that
    differ only in their actors' ids or in the order of their rows are then
    the same canonical graph, Leiden sees exactly the same input and finds the
    same partition with the same *Q*. The one thing ids can still decide is
    between partitions that are mirror images under a symmetry of the network
    (an automorphism, such as two actors with exactly the same partners): bliss
    may number such actors either way round. With the ids fixed, the result
    does not depend on row order at all. Afterwards communities are numbered
    by their smallest actor id. igraph's random number generator is replaced
    by ``random.Random(seed)`` for the runs and then reset to Python's
    ``random`` module — igraph's default. (A generator set with
    ``igraph.set_random_number_generator`` elsewhere is therefore reset too.)
    A lock keeps concurrent runs in one process from sharing the generator.
    The canonical order costs about 0.05 s at 100,000 ties (0.5 s weighted) and
    2 s at a million (8 s weighted).

    *Large alliances.* Each Leiden iteration over a million ties takes about a
    second and igraph's "until stable" took 61 of them on a random alliance of
    that size, the last fifty adding 0.0006 to *Q*. Above
    :data:`UNTIL_STABLE_MAX_TIES` ties the iterations run one at a time (each
    from the previous partition, as igraph's loop does) and stop once one of
    them raises *Q* by less than :data:`GAIN_TOLERANCE`, after at most
    :data:`MAX_ITERATIONS`. Smaller alliances get exactly igraph's result.
    Above :data:`UNTIL_STABLE_MAX_TIES` ties there is one run.

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
    .. [5] Junttila, T., & Kaski, P. (2007). Engineering an efficient canonical
       labeling tool for large and sparse graphs. *Proceedings of ALENEX 2007*,
       135–149. https://doi.org/10.1137/1.9781611972870.13

    Examples
    --------
    Two triangles joined by one tie (c–d): m = 7, each triangle holds 3 ties
    and a strength of 7, so :math:`Q = 2\,(3/7 - (7/14)^2) = 5/14 = 0.3571`.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abcdef"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("a", "c"), Tie("c", "d"),
    ...      Tie("d", "e"), Tie("e", "f"), Tie("d", "f")])
    >>> membership, q = communities(to_igraph(a))
    >>> membership.to_dict(), round(q, 4)
    ({'a': 0, 'b': 0, 'c': 0, 'd': 1, 'e': 1, 'f': 1}, 0.3571)
    """
    if restarts < 1:
        raise ValueError(f"restarts must be at least 1, got {restarts}")
    n = g.vcount()
    if n == 0:
        return pd.Series([], index=actor_ids(g), name="community", dtype=np.int64), float("nan")
    h, order = _canonical_undirected(g, weighted)
    weights = h.es["weight"] if strengths(g, weighted) is not None else None
    if h.ecount() == 0:
        found = np.arange(n)
    else:
        s, s_weights, position = _structural_order(h, weights)
        with seeded_igraph(seed):
            found = _best_of(s, s_weights, resolution, _runs(restarts, s.ecount()))[position]
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
        A graph made by :func:`netz.core.graph.to_igraph`.
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

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
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
        raise NetzError("error.membership_missing", actors=", ".join(map(str, missing)))
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


def _structural_order(
    h: ig.Graph, weights: list[float] | None
) -> tuple[ig.Graph, list[float] | None, np.ndarray]:
    """``h`` renumbered by bliss's canonical labelling: the same graph whatever the ids.

    Returns the renumbered graph (edges sorted by their ends), its weights, and the
    position there of each vertex of ``h``. Distinct strengths are given to bliss by
    subdividing every tie with a vertex coloured by its strength, since bliss colours
    vertices only.
    """
    n = h.vcount()
    edges = np.asarray(h.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    if weights is None or len(set(weights)) == 1:
        aux, color = ig.Graph(n=n, edges=edges.tolist(), directed=False), None
    else:
        middle = n + np.arange(len(edges), dtype=np.int64)
        halves = np.concatenate([np.column_stack([edges[:, 0], middle]),
                                 np.column_stack([middle, edges[:, 1]])])
        strength_class = np.unique(np.asarray(weights, dtype=float), return_inverse=True)[1].reshape(-1)
        aux = ig.Graph(n=n + len(edges), edges=halves.tolist(), directed=False)
        color = np.concatenate([np.zeros(n, dtype=np.int64), strength_class + 1]).tolist()
    # Which vertex lands where is read from a vertex attribute that permute_vertices carries
    # along, so as not to depend on which way round igraph reads a permutation.
    aux.vs["vertex"] = range(aux.vcount())
    canonical = np.asarray(aux.permute_vertices(aux.canonical_permutation(color=color)).vs["vertex"])
    position = np.empty(n, dtype=np.int64)
    position[canonical[canonical < n]] = np.arange(n)
    ends = position[edges]
    u, v = ends.min(axis=1), ends.max(axis=1)
    sort = np.argsort(u * n + v, kind="stable")
    s = ig.Graph(n=n, edges=np.column_stack([u[sort], v[sort]]).tolist(), directed=False)
    s_weights = None if weights is None else np.asarray(weights, dtype=float)[sort].tolist()
    return s, s_weights, position


def _runs(restarts: int, ties: int) -> int:
    """Leiden runs to make: ``restarts``, within the tie budget, and one on the large path."""
    if ties > UNTIL_STABLE_MAX_TIES:
        return 1
    return max(1, min(restarts, RESTART_TIE_BUDGET // max(ties, 1)))


def _best_of(s: ig.Graph, weights: list[float] | None, resolution: float, runs: int) -> np.ndarray:
    """The best of ``runs`` Leiden partitions of ``s`` (numbered by first appearance).

    Highest modularity; within :data:`QUALITY_TIE` of it, the lexicographically smallest
    membership, so that neither the order of the runs nor rounding decides.
    """
    found = [_first_appearance(_leiden(s, weights, resolution)) for _ in range(runs)]
    quality = [_modularity(s, membership.tolist(), weights, resolution) for membership in found]
    best = max(quality)
    good = [m for m, q in zip(found, quality, strict=True) if q >= best - QUALITY_TIE]
    return min(good, key=np.ndarray.tolist)


#: Up to this many (undirected) ties Leiden runs until an iteration changes nothing.
UNTIL_STABLE_MAX_TIES = 100_000
#: Above it, iterating stops once an iteration raises the modularity by less than this ...
GAIN_TOLERANCE = 1e-4
#: ... or after this many iterations.
MAX_ITERATIONS = 20
#: Below it, at most this many (igraph's own "until stable" loop has no bound).
MAX_STABLE_ITERATIONS = 200


def _leiden(h: ig.Graph, weights: list[float] | None, resolution: float) -> np.ndarray:
    """Leiden's membership on the canonical graph ``h``, drawing from igraph's current generator.

    One iteration at a time, each starting from the partition of the one before (which is what
    igraph's own loop, ``n_iterations=-1``, does, so the partitions are the same as far as they
    go), until an iteration changes nothing. igraph's own loop has no bound, and on some small
    graphs it never ended (seen in a property test: a 10-actor alliance ran for minutes), so
    here it stops after :data:`MAX_STABLE_ITERATIONS` at the latest. Above
    :data:`UNTIL_STABLE_MAX_TIES` ties it also stops when an iteration raises the modularity
    by less than :data:`GAIN_TOLERANCE`, or after :data:`MAX_ITERATIONS` iterations: at a
    million ties each iteration costs seconds and the last dozens of them add a few
    thousandths of modularity.
    """
    large = h.ecount() > UNTIL_STABLE_MAX_TIES
    membership: list[int] | None = None
    quality = -np.inf
    for _ in range(MAX_ITERATIONS if large else MAX_STABLE_ITERATIONS):
        partition = h.community_leiden(
            objective_function="modularity", weights=weights, resolution=resolution, n_iterations=1,
            initial_membership=membership,
        )
        unchanged = membership is not None and np.array_equal(
            _first_appearance(np.asarray(partition.membership)), _first_appearance(np.asarray(membership))
        )
        gain = partition.quality - quality
        membership, quality = partition.membership, partition.quality
        if unchanged or (large and gain < GAIN_TOLERANCE):
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

r"""Centrality: who is active, who lies between the others, who is close to everyone.

Every function takes a graph made by :func:`netz.core.graph.to_igraph` and returns a
``pandas.Series`` indexed by actor id. The definitions are networkx's, and the
tests check each against networkx on the reference graphs (and betweenness
against R's ``sna``); ``docs/metrics.md`` lists them with their formulas.

Weights are cooperation **strengths**. Degree-like measures (strength,
eigenvector, PageRank) use them as they are; measures built on shortest paths
(betweenness, closeness, harmonic) turn them into **distances 1/weight** — a
stronger tie is a shorter way through the alliance. Coreness and clustering
count ties and ignore weights (clustering can use them on request).

Everything heavy runs in compiled code — igraph's C core, and SciPy's Dijkstra for
the distances behind closeness and harmonic (one search per actor serves both) —
with no Python loop over actors or pairs. Betweenness of large alliances can be split over processes
(``workers``) or estimated from a sample of sources with a stated error bound
(``approximate_above``); see :func:`betweenness`, which lives in
:mod:`netz.core.metrics.betweenness` and is re-exported here.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from concurrent.futures import Executor
from typing import Literal

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netz.core.graph import actor_ids
from netz.core.metrics._base import as_series, distances, is_weighted, seeded_igraph, strengths, triangles
from netz.core.metrics._paths import PathSums, path_sums, wasserman_faust
from netz.core.metrics.betweenness import (
    _betweenness_scale,
    betweenness,
    betweenness_sample_size,
    path_sample_size,
)

__all__ = [
    "CENTRALITY_COLUMNS",
    "betweenness",
    "betweenness_sample_size",
    "centrality_table",
    "closeness",
    "clustering",
    "coreness",
    "degree",
    "eigenvector",
    "harmonic",
    "normalized_degree",
    "pagerank",
    "path_sample_size",
    "strength",
]

#: The columns of :func:`centrality_table`, in order.
CENTRALITY_COLUMNS: tuple[str, ...] = (
    "degree", "in_degree", "out_degree", "strength", "degree_norm", "betweenness",
    "betweenness_norm", "closeness", "harmonic", "eigenvector", "pagerank", "coreness", "clustering",
)

Mode = Literal["all", "in", "out"]

# Two eigenvalues closer than this (relative) are treated as equal: ARPACK's
# eigenvalues are accurate to about 1e-12, far below any real difference.
_EIGENVALUE_TIE = 1e-9


def degree(g: ig.Graph, *, mode: Mode = "all") -> pd.Series:
    r"""Number of ties of each actor.

    .. math:: k_i = \sum_j a_{ij} \quad (\text{out}), \qquad
              k_i = \sum_j a_{ji} \quad (\text{in}), \qquad
              k_i = k_i^{\text{in}} + k_i^{\text{out}} \quad (\text{all}),

    with :math:`a_{ij} = 1` if there is a tie from *i* to *j*.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    mode : {"all", "in", "out"}, optional
        For directed alliances: all ties (default), ties received ("in", the
        actor is named) or ties sent ("out", the actor names others). Ignored
        for undirected alliances, where all three are the degree.

    Returns
    -------
    pandas.Series
        Integer degree per actor id, named ``degree``, ``in_degree`` or ``out_degree``.

    Notes
    -----
    A reciprocated directed tie (A→B and B→A) adds 2 to each actor's total
    degree, as in networkx's ``DiGraph.degree``. Several tie rows for one pair
    are one tie (see :mod:`netz.core.graph`). Weights are ignored: see :func:`strength`.
    Isolates have degree 0.

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abc"],
    ...                           [Tie("a", "b"), Tie("b", "a"), Tie("b", "c")], directed=True)
    >>> degree(to_igraph(a)).to_dict(), degree(to_igraph(a), mode="in").to_dict()
    ({'a': 2, 'b': 3, 'c': 1}, {'a': 1, 'b': 1, 'c': 1})
    """
    name = {"all": "degree", "in": "in_degree", "out": "out_degree"}[mode]
    return _int_series(g.degree(mode=mode), g, name)


def strength(g: ig.Graph, *, weighted: bool | None = None, mode: Mode = "all") -> pd.Series:
    r"""Sum of the weights of each actor's ties (its total cooperation strength).

    .. math:: s_i = \sum_j w_{ij} \quad (\text{out; "in" and "all" as for degree})

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths; ``None`` (default) means "if the alliance is
        weighted". Unweighted, strength equals degree.
    mode : {"all", "in", "out"}, optional
        As for :func:`degree`.

    Returns
    -------
    pandas.Series
        Float strength per actor id, named ``strength``.

    Notes
    -----
    Weights are strengths used as they are. Isolates have strength 0.

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abc"],
    ...                           [Tie("a", "b", 2.0), Tie("b", "c", 0.5)])
    >>> strength(to_igraph(a)).to_dict()
    {'a': 2.0, 'b': 2.5, 'c': 0.5}
    """
    return as_series(g.strength(mode=mode, weights=strengths(g, weighted)), g, "strength")


def normalized_degree(g: ig.Graph) -> pd.Series:
    r"""Degree as a share of the actors one could be tied to (degree centrality).

    .. math:: C_D(i) = \frac{k_i}{n - 1}

    with :math:`k_i` the (total) degree and *n* the number of actors. This is
    networkx's ``degree_centrality``.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    pandas.Series
        Float per actor id, named ``degree_norm``. In [0, 1] for undirected
        alliances, in [0, 2] for directed ones (in- plus out-ties).

    Notes
    -----
    *Direction.* For directed alliances :math:`k_i` is the total degree
    (in + out), as networkx's ``degree_centrality`` on a ``DiGraph``; an actor
    with reciprocated ties to everyone scores 2.

    *Tiny networks.* With one actor the share is 0/0 and undefined: ``NaN``
    (networkx returns 1 there). With no actors the result is empty.

    References
    ----------
    .. [1] Freeman, L. C. (1978/79). Centrality in social networks: conceptual
       clarification. *Social Networks* 1(3), 215–239.
       https://doi.org/10.1016/0378-8733(78)90021-7

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abc"], [Tie("a", "b")])
    >>> normalized_degree(to_igraph(a)).to_dict()
    {'a': 0.5, 'b': 0.5, 'c': 0.0}
    """
    n = g.vcount()
    values = np.asarray(g.degree(), dtype=float)
    return as_series(values / (n - 1) if n > 1 else np.full(n, np.nan), g, "degree_norm")


def closeness(
    g: ig.Graph,
    *,
    weighted: bool | None = None,
    approximate_above: int | None = None,
    epsilon: float = 0.05,
    delta: float = 0.1,
    seed: int | None = None,
) -> pd.Series:
    r"""Closeness: how near an actor is to the others it is connected with.

    With the Wasserman–Faust correction for disconnected alliances,

    .. math::

       C(u) = \frac{r_u - 1}{n - 1} \cdot \frac{r_u - 1}{\sum_{v \in R(u)} d(v, u)},

    where *R(u)* is the set of :math:`r_u` actors (including *u*) from which
    *u* can be reached and *d(v, u)* the shortest-path distance. In a
    connected alliance this is the classic :math:`(n-1)/\sum_v d(v,u)`; the
    first factor scales down actors in small components. This is networkx's
    ``closeness_centrality`` (``wf_improved=True``).

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths as distances 1/weight; ``None`` (default) means "if
        the alliance is weighted"; ``False`` counts hops.
    approximate_above : int or None, optional
        Estimate from sampled sources when the alliance has more actors than
        this (see Notes). ``None`` (default) is always exact.
    epsilon, delta : float, optional
        Accuracy of the estimate (defaults 0.05 and 0.1, as for
        :func:`betweenness`, whose sample size is used).
    seed : int or None, optional
        Seed for choosing the sampled sources.

    Returns
    -------
    pandas.Series
        Float per actor id, named ``closeness``; in [0, 1] counting hops.

    Notes
    -----
    *Direction.* For directed alliances the distances are **incoming**:
    how easily the others reach *u* (networkx's convention, ``d(v, u)``
    along the ties' direction). Use ``to_igraph(alliance).reverse_edges()``
    for outgoing closeness.

    *Weights* become distances 1/weight, so closeness can exceed 1 when
    strong ties (weight > 1) make paths shorter than one hop.

    *Isolates*, and actors no one can reach, have closeness 0 (no one is at a
    finite distance, and :math:`r_u - 1 = 0`). A single actor has closeness 0.

    *Computation.* One shortest-path search per actor gives its distances, their
    count (:math:`r_u - 1`) and, for :func:`harmonic`, their inverses — one pass
    for both columns of :func:`centrality_table`.

    *Approximation* (Eppstein & Wang 2004). Above ``approximate_above`` actors,
    every (weakly) connected component *C* of more than
    :math:`k` = :func:`betweenness_sample_size` actors is estimated from
    :math:`k` sources *S* drawn uniformly without replacement from *C*: each
    source's search gives every actor of *C* one distance, and
    :math:`\hat T_u = \frac{|C|}{k}\sum_{x \in S} d(x, u)` estimates the sum of
    distances :math:`T_u = \sum_{v \in R(u)} d(v, u)` without bias (directed,
    :math:`r_u - 1` likewise from the sources that reach *u*; undirected it is
    :math:`|C| - 1` exactly). Smaller components are exact. As
    :math:`0 \le d(x, u) \le \Delta_C`, the largest finite distance in *C*,
    Hoeffding's inequality (valid without replacement) and a union bound over
    the actors give: with probability at least :math:`1 - \delta`, for every
    actor at once,

    .. math:: \bigl|\hat T_u - T_u\bigr| \le \varepsilon\, |C|\, \Delta_C,

    i.e. the mean distance :math:`T_u/|C|` is within :math:`\varepsilon \Delta_C`.
    Closeness is the reciprocal of a mean distance, so its error is relative:
    in a connected alliance the true value lies between
    :math:`1/(\hat f_u + \varepsilon \Delta)` and :math:`1/(\hat f_u - \varepsilon \Delta)`
    with :math:`\hat f_u = \hat T_u/(n-1)`, ignoring the factor n/(n−1).

    References
    ----------
    .. [1] Freeman, L. C. (1978/79). Centrality in social networks: conceptual
       clarification. *Social Networks* 1(3), 215–239.
       https://doi.org/10.1016/0378-8733(78)90021-7
    .. [2] Wasserman, S., & Faust, K. (1994). *Social Network Analysis:
       Methods and Applications*, pp. 200–201. Cambridge University Press.
       https://doi.org/10.1017/CBO9780511815478
    .. [3] Eppstein, D., & Wang, J. (2004). Fast approximation of centrality.
       *Journal of Graph Algorithms and Applications* 8(1), 39–45.
       https://doi.org/10.7155/jgaa.00081

    Examples
    --------
    In the triangle ``b, c, d`` with ``a`` on ``b``: ``a`` is 1 + 2 + 2 = 5 hops
    from the others, ``b`` 3, ``c`` and ``d`` 4 each: ``3/5, 3/3, 3/4, 3/4``.
    The isolate ``e`` scales the others by ``(r - 1)/(n - 1) = 3/4``.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> ties = [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")]
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"], ties)
    >>> closeness(to_igraph(paw)).to_dict()
    {'a': 0.6, 'b': 1.0, 'c': 0.75, 'd': 0.75}
    >>> paw_e = Alliance.from_records([Actor(i, i, "initiative") for i in "abcde"], ties)
    >>> closeness(to_igraph(paw_e)).to_dict()
    {'a': 0.45, 'b': 0.75, 'c': 0.5625, 'd': 0.5625, 'e': 0.0}
    """
    sample = _path_sample(g, approximate_above, epsilon, delta)
    sums = path_sums(g, distances(g, weighted), "in", sample=sample, seed=seed)
    return as_series(wasserman_faust(sums, g.vcount()), g, "closeness")


def harmonic(
    g: ig.Graph,
    *,
    weighted: bool | None = None,
    approximate_above: int | None = None,
    epsilon: float = 0.05,
    delta: float = 0.1,
    seed: int | None = None,
) -> pd.Series:
    r"""Harmonic centrality: the sum of inverse distances from the others.

    .. math:: H(u) = \sum_{v \ne u} \frac{1}{d(v, u)}, \qquad 1/\infty = 0,

    unnormalised, as networkx's ``harmonic_centrality``. Unlike closeness it
    needs no correction for disconnected alliances: unreachable actors simply
    add nothing.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths as distances 1/weight; ``None`` (default) means "if
        the alliance is weighted"; ``False`` counts hops.

    approximate_above, epsilon, delta, seed : optional
        As for :func:`closeness`: sampled sources above ``approximate_above``
        actors (default ``None``, always exact).

    Returns
    -------
    pandas.Series
        Float per actor id, named ``harmonic``; in [0, n - 1] counting hops.
        Divide by n - 1 for a share.

    Notes
    -----
    *Direction.* Incoming distances *d(v, u)*, as networkx and
    :func:`closeness`.

    *Weights* become distances 1/weight.

    *Isolates* and single actors score 0.

    *Approximation* (Eppstein & Wang 2004), with the sources of
    :func:`closeness`: :math:`\hat H(u) = \frac{|C|}{k}\sum_{x \in S} 1/d(x, u)`
    is unbiased, and since :math:`0 \le 1/d \le L` (*L* = 1 counting hops, the
    largest tie strength with distances 1/weight), with probability at least
    :math:`1 - \delta` for every actor at once

    .. math:: \bigl|\hat H(u) - H(u)\bigr| \le \varepsilon\, |C|\, L .

    References
    ----------
    .. [1] Marchiori, M., & Latora, V. (2000). Harmony in the small-world.
       *Physica A* 285(3–4), 539–546. https://doi.org/10.1016/S0378-4371(00)00311-3
    .. [2] Rochat, Y. (2009). Closeness centrality extended to unconnected
       graphs: the harmonic centrality index. *ASNA 2009*, Zürich.
    .. [3] Boldi, P., & Vigna, S. (2014). Axioms for centrality. *Internet
       Mathematics* 10(3–4), 222–262. https://doi.org/10.1080/15427951.2013.865686

    Examples
    --------
    ``a`` is 1, 2 and 2 hops from ``b``, ``c``, ``d``: 1 + 1/2 + 1/2 = 2.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> harmonic(to_igraph(paw)).to_dict()
    {'a': 2.0, 'b': 3.0, 'c': 2.5, 'd': 2.5}
    """
    sample = _path_sample(g, approximate_above, epsilon, delta)
    sums = path_sums(g, distances(g, weighted), "in", sample=sample, seed=seed)
    return as_series(sums.inverse, g, "harmonic")


def eigenvector(g: ig.Graph, *, weighted: bool | None = None) -> pd.Series:
    r"""Eigenvector centrality: being tied to actors who are themselves central.

    The centralities *x* solve

    .. math:: \lambda\, x_v = \sum_u a_{uv}\, x_u, \qquad \|x\|_2 = 1,\ x \ge 0,

    for the largest eigenvalue :math:`\lambda` of the adjacency matrix
    (Bonacich 1972, 1987), scaled to unit Euclidean length as networkx's
    ``eigenvector_centrality``.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths as :math:`a_{uv}`; ``None`` (default) means "if the
        alliance is weighted".

    Returns
    -------
    pandas.Series
        Float per actor id in [0, 1], named ``eigenvector``.

    Notes
    -----
    *Direction.* For directed alliances an actor is central when central
    actors name it (:math:`a_{uv}` is the tie from *u* to *v*, the left
    eigenvector), as networkx.

    *Weights* are strengths used as they are.

    *Disconnected alliances.* Only the component(s) with the largest
    eigenvalue, and in directed alliances the actors they point to, get
    non-zero values; everyone else scores 0 — the limit of networkx's power
    iteration. When several components (strongly connected parts, if
    directed) share the largest eigenvalue — two identical groups that never
    meet, or two reciprocated pairs in a sparse survey network — the
    eigenvector is not unique; netz returns the vector networkx's iteration
    converges to from the uniform start,
    :math:`x \propto \sum_c (u_c^\top \mathbf 1)\, v_c / (u_c^\top v_c)` over
    those parts' right and left Perron vectors :math:`v_c, u_c`, so equal
    groups score equally.

    *Undefined* (all values ``NaN``): without ties, or in a directed alliance
    without cycles, the largest eigenvalue is 0 and every vector qualifies.
    Also when, in a directed alliance, one of the parts with the largest
    eigenvalue feeds another along the ties — common in sparse survey
    networks, where every directed cycle and every reciprocated pair has
    eigenvalue 1: the eigenvalue is then defective, no eigenvector is singled
    out, and power iteration only creeps (like 1/k) towards a limit set by
    the tie strengths along the chain. :func:`pagerank` is the meaningful
    measure there. (networkx returns :math:`1/\sqrt n` for a network without ties;
    on acyclic ones its iteration drifts towards the ends of the longest paths
    and stops wherever its tolerance is first met.)

    *Accuracy.* igraph solves the eigenproblem with ARPACK; values agree with
    networkx run to convergence (``tol=1e-14``) within 1e-9 on the reference
    graphs. networkx's default ``tol=1e-6`` bounds the total change over all
    actors, so its default values are off by up to about 1e-5; the tests
    allow 1e-4 there.

    References
    ----------
    .. [1] Bonacich, P. (1972). Factoring and weighting approaches to status
       scores and clique identification. *Journal of Mathematical Sociology*
       2(1), 113–120. https://doi.org/10.1080/0022250X.1972.9989806
    .. [2] Bonacich, P. (1987). Power and centrality: a family of measures.
       *American Journal of Sociology* 92(5), 1170–1182. https://doi.org/10.1086/228631

    Examples
    --------
    A star with centre ``a``: :math:`\lambda = \sqrt 3`, the centre has
    :math:`\sqrt 3` times a leaf's value, and :math:`3 y^2 + 3 y^2 = 1` gives
    leaves :math:`1/\sqrt 6 = 0.4082` and the centre :math:`1/\sqrt 2 = 0.7071`.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> star = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("a", "c"), Tie("a", "d")])
    >>> eigenvector(to_igraph(star)).round(4).to_dict()
    {'a': 0.7071, 'b': 0.4082, 'c': 0.4082, 'd': 0.4082}
    """
    return as_series(_eigenvector_values(g, weighted), g, "eigenvector")


def pagerank(g: ig.Graph, *, weighted: bool | None = None, damping: float = 0.85) -> pd.Series:
    r"""PageRank: the share of time a random walker along the ties spends at each actor.

    .. math::

       \pi_v = \frac{1 - \alpha}{n} + \alpha \sum_{u} \pi_u \frac{w_{uv}}{s^{\text{out}}_u}
               + \alpha \sum_{u:\, s^{\text{out}}_u = 0} \frac{\pi_u}{n},

    with damping :math:`\alpha` (0.85): the walker follows a tie with
    probability :math:`\alpha`, proportional to its weight, and otherwise (or
    from an actor without outgoing ties) jumps to a uniformly chosen actor. As
    networkx's ``pagerank``.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths as transition weights; ``None`` (default) means "if
        the alliance is weighted".
    damping : float, optional
        :math:`\alpha`, default 0.85.

    Returns
    -------
    pandas.Series
        Float per actor id, named ``pagerank``; the values sum to 1.

    Notes
    -----
    *Direction.* Directed walks follow the ties (to the actor named);
    undirected ties can be walked both ways.

    *Weights* are strengths used as they are.

    *Isolates* get only the jump share; one actor alone has PageRank 1.

    *Accuracy.* igraph solves the linear system directly (PRPACK). networkx
    iterates until the values change by less than ``n * tol`` in total
    (``tol=1e-6``), so its default results are off by up to a few 1e-6; the
    tests find agreement within 1e-9 with networkx run to ``tol=1e-15`` and
    within 1e-5 with its defaults.

    References
    ----------
    .. [1] Page, L., Brin, S., Motwani, R., & Winograd, T. (1999). The PageRank
       citation ranking: bringing order to the web. Technical Report 1999-66,
       Stanford InfoLab. http://ilpubs.stanford.edu:8090/422/

    Examples
    --------
    On the path ``a – b – c`` (leaves *x*, centre *y*): :math:`y = 0.05 + 0.85
    \cdot 2x` and :math:`x = 0.05 + 0.85\, y/2` with :math:`2x + y = 1` give
    :math:`x = 0.475/1.85 = 0.2568`, :math:`y = 0.4865`.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> path = Alliance.from_records([Actor(i, i, "initiative") for i in "abc"],
    ...     [Tie("a", "b"), Tie("b", "c")])
    >>> pagerank(to_igraph(path)).round(4).to_dict()
    {'a': 0.2568, 'b': 0.4865, 'c': 0.2568}
    """
    values = g.pagerank(damping=damping, weights=strengths(g, weighted), directed=True)
    return as_series(values, g, "pagerank")


def coreness(g: ig.Graph) -> pd.Series:
    r"""k-core number: the largest *k* such that the actor is in a group where everyone has ≥ k ties.

    The *k*-core is the largest set of actors each tied to at least *k*
    others in the set (Seidman 1983); an actor's coreness is the largest *k*
    whose core contains it.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    pandas.Series
        Integer per actor id, named ``coreness``.

    Notes
    -----
    *Direction.* Directed alliances use the total degree (in + out), as
    networkx's ``core_number``; a reciprocated tie counts twice.

    *Weights* are ignored. *Isolates* have coreness 0.

    References
    ----------
    .. [1] Seidman, S. B. (1983). Network structure and minimum degree.
       *Social Networks* 5(3), 269–287. https://doi.org/10.1016/0378-8733(83)90028-X
    .. [2] Batagelj, V., & Zaversnik, M. (2003). An O(m) algorithm for cores
       decomposition of networks. https://doi.org/10.48550/arXiv.cs/0310049

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcde"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> coreness(to_igraph(paw)).to_dict()
    {'a': 1, 'b': 2, 'c': 2, 'd': 2, 'e': 0}
    """
    return _int_series(g.coreness(mode="all"), g, "coreness")


def clustering(g: ig.Graph, *, weighted: bool = False) -> pd.Series:
    r"""Local clustering: how many of an actor's partners cooperate with each other.

    Undirected (Watts & Strogatz 1998):

    .. math:: c_u = \frac{2\, T(u)}{k_u (k_u - 1)},

    with :math:`T(u)` the number of triangles through *u* and :math:`k_u` its
    degree. Directed (Fagiolo 2007), with :math:`S = A + A^\top`:

    .. math::

       c_u = \frac{(S^3)_{uu}}{2\,[k^{\text{tot}}_u (k^{\text{tot}}_u - 1) - 2 k^{\leftrightarrow}_u]},

    where :math:`k^{\leftrightarrow}_u` counts reciprocated ties. Weighted, *A*
    is replaced by :math:`\hat W^{1/3}` with :math:`\hat w = w / \max w` (the
    geometric mean of the triangle's weights, Onnela et al. 2005). All as
    networkx's ``clustering``.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool, optional
        Weight triangles by tie strength. Default ``False``: clustering counts
        who cooperates with whom, whatever the strength.

    Returns
    -------
    pandas.Series
        Float per actor id in [0, 1], named ``clustering``.

    Notes
    -----
    *Direction.* Directed alliances use Fagiolo's "all" triangles (any
    orientation), as networkx does for a ``DiGraph``.

    *Isolates and actors with one partner* have no pair of partners; their
    clustering is 0, as in networkx (strictly 0/0).

    Triangles are listed once by igraph's C routine and their contributions
    summed with numpy; no per-actor loop.

    References
    ----------
    .. [1] Watts, D. J., & Strogatz, S. H. (1998). Collective dynamics of
       'small-world' networks. *Nature* 393, 440–442. https://doi.org/10.1038/30918
    .. [2] Fagiolo, G. (2007). Clustering in complex directed networks.
       *Physical Review E* 76, 026107. https://doi.org/10.1103/PhysRevE.76.026107
    .. [3] Onnela, J.-P., Saramäki, J., Kertész, J., & Kaski, K. (2005).
       Intensity and coherence of motifs in weighted complex networks.
       *Physical Review E* 71, 065103. https://doi.org/10.1103/PhysRevE.71.065103

    Examples
    --------
    ``b``'s partners ``a, c, d`` share one tie (c–d) of three possible: 1/3.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> clustering(to_igraph(paw)).round(4).to_dict()
    {'a': 0.0, 'b': 0.3333, 'c': 1.0, 'd': 1.0}
    """
    return as_series(_clustering_values(g, weighted), g, "clustering")


def centrality_table(
    g: ig.Graph,
    *,
    weighted: bool | None = None,
    workers: int = 1,
    approximate_above: int | None = None,
    epsilon: float = 0.05,
    delta: float = 0.1,
    seed: int | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """All centralities of every actor in one table.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths (as strengths for strength, eigenvector and
        PageRank; as distances 1/weight for betweenness, closeness and
        harmonic); ``None`` (default) means "if the alliance is weighted".
        Degree, coreness and clustering always count ties.
    workers, executor, approximate_above, epsilon, delta, seed
        Passed to :func:`betweenness`.

    Returns
    -------
    pandas.DataFrame
        Indexed by actor id, with the columns :data:`CENTRALITY_COLUMNS`:
        ``degree, in_degree, out_degree, strength, degree_norm, betweenness,
        betweenness_norm, closeness, harmonic, eigenvector, pagerank,
        coreness, clustering``. For undirected alliances ``in_degree`` and
        ``out_degree`` equal ``degree``. ``betweenness_norm`` is the same
        (possibly estimated) betweenness, normalised.

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> table = centrality_table(to_igraph(paw))
    >>> table.loc["b", ["degree", "betweenness", "closeness", "coreness"]].tolist()
    [3.0, 2.0, 1.0, 2.0]
    """
    return _centrality_frame(
        g, weighted=weighted, workers=workers, approximate_above=approximate_above, epsilon=epsilon,
        delta=delta, seed=seed, executor=executor,
    )[0]


def _centrality_frame(
    g: ig.Graph,
    *,
    weighted: bool | None,
    workers: int,
    approximate_above: int | None,
    epsilon: float,
    delta: float,
    seed: int | None,
    executor: Executor | None,
    triangle_list: np.ndarray | None = None,
) -> tuple[pd.DataFrame, PathSums]:
    """:func:`centrality_table`, and the path sums behind its closeness and harmonic columns.

    Built from plain arrays with one index: a Series per column would build the
    index of actor ids a dozen times. ``triangle_list``: :func:`netz.core.metrics._base.triangles`
    of ``g`` when the caller has listed them already, for the clustering column.
    """
    n = g.vcount()
    raw = betweenness(
        g, weighted=weighted, workers=workers, executor=executor,
        approximate_above=approximate_above, epsilon=epsilon, delta=delta, seed=seed,
    ).to_numpy()
    # One search per actor (or per sampled source) for closeness and harmonic together.
    sample = _path_sample(g, approximate_above, epsilon, delta)
    sums = path_sums(g, distances(g, weighted), "in", sample=sample, seed=seed)
    total = np.asarray(g.degree(mode="all"), dtype=np.int64)
    columns = {
        "degree": total,
        "in_degree": np.asarray(g.degree(mode="in"), dtype=np.int64),
        "out_degree": np.asarray(g.degree(mode="out"), dtype=np.int64),
        "strength": np.asarray(g.strength(mode="all", weights=strengths(g, weighted)), dtype=float),
        "degree_norm": total / (n - 1) if n > 1 else np.full(n, np.nan),
        "betweenness": raw,
        "betweenness_norm": raw * _betweenness_scale(n, g.is_directed()),
        "closeness": wasserman_faust(sums, n),
        "harmonic": sums.inverse,
        "eigenvector": _eigenvector_values(g, weighted),
        "pagerank": np.asarray(g.pagerank(damping=0.85, weights=strengths(g, weighted), directed=True)),
        "coreness": np.asarray(g.coreness(mode="all"), dtype=np.int64),
        "clustering": _clustering_values(g, False, triangle_list),
    }
    return pd.DataFrame(columns, index=actor_ids(g)), sums


def _path_sample(g: ig.Graph, approximate_above: int | None, epsilon: float, delta: float) -> int | None:
    return path_sample_size(g.vcount(), approximate_above, epsilon=epsilon, delta=delta)


# -- helpers ---------------------------------------------------------------


def _int_series(values: Sequence[int], g: ig.Graph, name: str) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=np.int64), index=actor_ids(g), name=name)


def _eigenvector_values(g: ig.Graph, weighted: bool | None) -> np.ndarray:
    r"""The limit of power iteration from the uniform vector, from the strongly connected parts.

    Let :math:`\lambda^*` be the largest eigenvalue and *D* the strongly
    connected components that attain it (all of them components of their own
    when undirected). If no component in *D* reaches another, power iteration
    with :math:`A^T + I` from the uniform vector converges to

    .. math:: x \propto \sum_{c \in D} \frac{u_c^T \mathbf 1}{u_c^T v_c}\, v_c,

    where :math:`v_c` is the Perron vector of :math:`A^T` on *c* and everything
    downstream of it, and :math:`u_c` that of *A* on *c* and everything
    upstream (the spectral projector onto the dominant eigenspace). With a
    single *c* this is the ordinary Perron vector.
    """
    n = g.vcount()
    if g.ecount() == 0:
        return np.full(n, np.nan)
    # Work on the graph in id order, so that even where the eigenvector is not
    # unique the answer does not depend on the input's row order.
    original, g = g, _canonical(g)
    weights = g.es["weight"] if is_weighted(original, weighted) else None
    value, dominant, vectors = _dominant_components(g, weights)
    if value <= 0:
        return np.full(n, np.nan)
    x = np.zeros(n)
    if not g.is_directed():
        # A component is closed: its Perron vector, already found, is both v_c and u_c,
        # and u_c^T v_c = 1 with unit vectors.
        for component, vector in zip(dominant, vectors, strict=True):
            perron = np.asarray(vector, dtype=float)
            right = np.zeros(n)
            right[component] = perron / np.linalg.norm(perron)
            x += right * right.sum()
        return (x / np.linalg.norm(x))[_id_rank(original)]
    reach_out = [np.asarray(g.subcomponent(int(c[0]), mode="out")) for c in dominant]
    in_series = len(dominant) > 1 and any(
        np.isin(other, out).any()
        for i, out in enumerate(reach_out) for j, other in enumerate(dominant) if i != j
    )
    if in_series:
        # A dominant part feeds another: the eigenvalue is defective, no
        # eigenvector is singled out, and power iteration creeps (like 1/k)
        # towards a limit set by the tie strengths along the chain.
        return np.full(n, np.nan)
    for component, out in zip(dominant, reach_out, strict=True):
        upstream = np.asarray(g.subcomponent(int(component[0]), mode="in"))
        v = _eigen(g.induced_subgraph(np.sort(out).tolist()), weights)[1]
        u = _eigen(g.induced_subgraph(np.sort(upstream).tolist()), weights, reverse=True)[1]
        right, left = np.zeros(n), np.zeros(n)
        right[np.sort(out)] = v
        left[np.sort(upstream)] = u
        right /= np.linalg.norm(right)
        x += right * (left.sum() / float(left @ right))
    return (x / np.linalg.norm(x))[_id_rank(original)]


def _dominant_components(
    g: ig.Graph, weights: list[float] | None
) -> tuple[float, list[np.ndarray], list[list[float]]]:
    """Largest eigenvalue, the strongly connected components (sorted vertex arrays) that attain it,
    and each one's Perron vector (of the in-edges, on the component alone)."""
    membership = np.asarray(g.connected_components(mode="strong").membership)
    k = int(membership.max()) + 1
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = np.ones(len(edges)) if weights is None else np.asarray(weights, dtype=float)
    inside = membership[edges[:, 0]] == membership[edges[:, 1]]
    # Cheap upper bound per component: the spectral radius of a non-negative
    # matrix is at most its largest row sum and at most its largest column sum.
    # Components below the best eigenvalue found so far need no eigensolver.
    s_out = np.bincount(edges[inside, 0], w[inside], minlength=g.vcount())
    s_in = np.bincount(edges[inside, 1], w[inside], minlength=g.vcount())
    if not g.is_directed():
        s_out = s_in = s_out + s_in
    bound = np.minimum(_group_max(membership, s_out, k), _group_max(membership, s_in, k))
    order = np.argsort(membership, kind="stable")
    groups = np.split(order, np.cumsum(np.bincount(membership, minlength=k))[:-1])
    best, found = 0.0, list[tuple[float, np.ndarray, list[float]]]()
    for c in np.argsort(-bound, kind="stable"):
        if bound[c] <= 0 or bound[c] < best * (1 - _EIGENVALUE_TIE):
            break
        value, vector = _eigen(g.induced_subgraph(groups[c].tolist()), weights)
        if value > best * (1 + _EIGENVALUE_TIE):
            best, found = value, [f for f in found if f[0] >= value * (1 - _EIGENVALUE_TIE)]
        if value > 0 and value >= best * (1 - _EIGENVALUE_TIE):
            found.append((value, groups[c], vector))
    return best, [f[1] for f in found], [f[2] for f in found]


def _eigen(h: ig.Graph, weights: list[float] | None, *, reverse: bool = False) -> tuple[float, list[float]]:
    """igraph's (ARPACK) largest eigenvalue and in-edge eigenvector; of A instead of A^T if ``reverse``.

    igraph starts ARPACK from the degrees plus uniform noise in ±1e-4 drawn from its random
    number generator, so two calls on the same graph differ in the last digits. A fixed seed
    (not the report's: the eigenvector is no random quantity) makes every call the same to the bit.
    """
    if reverse and h.is_directed():
        h = h.copy()
        h.reverse_edges()
    w = h.es["weight"] if weights is not None else None
    with seeded_igraph(0), warnings.catch_warnings():
        # igraph warns about (nearly) zero entries and acyclic graphs; both are handled by the caller.
        warnings.simplefilter("ignore", RuntimeWarning)
        vector, value = h.eigenvector_centrality(directed=True, weights=w, return_eigenvalue=True)
    return float(value), vector


def _id_rank(g: ig.Graph) -> np.ndarray:
    """Position of each vertex when the actors are sorted by id."""
    rank = np.empty(g.vcount(), dtype=np.int64)
    rank[np.argsort(np.asarray(g.vs["name"], dtype=str), kind="stable")] = np.arange(g.vcount())
    return rank


def _canonical(g: ig.Graph) -> ig.Graph:
    """The same graph with vertices in actor-id order and edges sorted by their ends."""
    rank = _id_rank(g)
    edges = rank[np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)]
    if not g.is_directed():
        edges = np.sort(edges, axis=1)
    sort = np.lexsort((edges[:, 1], edges[:, 0]))
    h = ig.Graph(n=g.vcount(), edges=edges[sort], directed=g.is_directed())
    names = g.vs["name"]  # read once: each g.vs["name"] builds the whole list anew
    h.vs["name"] = [names[v] for v in np.argsort(rank)]
    if "weight" in g.es.attributes():
        h.es["weight"] = np.asarray(g.es["weight"], dtype=float)[sort].tolist()
    for key in g.attributes():
        h[key] = g[key]
    return h


def _group_max(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    out = np.zeros(n_groups)
    np.maximum.at(out, groups, values)
    return out


def _clustering_values(g: ig.Graph, weighted: bool, triangle_list: np.ndarray | None = None) -> np.ndarray:
    """Local clustering per vertex; ``triangle_list`` is ``triangles(g)`` when already listed."""
    n = g.vcount()
    if n == 0 or g.ecount() == 0:
        return np.zeros(n)
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    if weighted and is_weighted(g, True):
        w = np.asarray(g.es["weight"], dtype=float)
        a = np.cbrt(w / w.max())
    else:
        a = np.ones(len(edges))
    directed = g.is_directed()
    matrix = sp.csr_array((a, (edges[:, 0], edges[:, 1])), shape=(n, n))
    # S = A + A^T: for undirected graphs igraph stores each tie once, so this
    # is the symmetric adjacency; for directed graphs it is Fagiolo's S.
    s = (matrix + matrix.T).tocsr()
    # The triangles of the contact network (directions and reciprocation ignored).
    found = triangles(g) if triangle_list is None else triangle_list
    if len(found) == 0:
        return np.zeros(n)
    x, y, z = found.T
    product = np.asarray(s[x, y]).ravel() * np.asarray(s[y, z]).ravel() * np.asarray(s[z, x]).ravel()
    # Each triangle {x, y, z} is listed once; (S^3)_xx sums it over both orientations.
    closed = 2 * (
        np.bincount(x, product, minlength=n) + np.bincount(y, product, minlength=n)
        + np.bincount(z, product, minlength=n)
    )
    k = np.asarray(g.degree(mode="all"), dtype=float)
    if directed:
        mutual = np.asarray(g.is_mutual(), dtype=bool)
        reciprocated = np.bincount(edges[mutual, 0], minlength=n).astype(float)
        pairs = 2 * (k * (k - 1) - 2 * reciprocated)
    else:
        # (S^3)_uu = 2 T(u), so 2 T(u) / (k (k - 1)) is (S^3)_uu / (k (k - 1)).
        pairs = k * (k - 1)
    return np.divide(closed, pairs, out=np.zeros(n), where=pairs > 0)

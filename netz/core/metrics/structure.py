r"""Network structure: size, density, cohesion and centralization of a whole alliance.

Every function takes a graph made by :func:`netz.core.graph.to_igraph` and returns a
plain number — or ``None`` where the figure is undefined (no ties, a single
actor, no pair to measure). :func:`structure_summary` collects them in one
dict for a report. The definitions follow networkx and R's ``sna``; the tests
check each against them on the reference graphs (``docs/metrics.md``).

Cohesion is measured on the *binary* network — who cooperates with whom —
unless a function says otherwise: density, centralization, transitivity and
assortativity count ties. Only path lengths and the diameter can use weights,
as distances 1/weight, and only when asked.
"""

from __future__ import annotations

from typing import Any, Literal

import igraph as ig
import numpy as np

from netz.core.errors import UnknownNameError
from netz.core.metrics._base import distances, is_weighted
from netz.core.metrics._paths import PathSums, path_sums, search, wasserman_faust
from netz.core.metrics.centrality import betweenness, path_sample_size

__all__ = [
    "average_path_length",
    "centralization",
    "degree_assortativity",
    "density",
    "diameter",
    "fragmentation",
    "largest_component_share",
    "mean_degree",
    "n_components",
    "reciprocity",
    "structure_summary",
    "transitivity",
]

Measure = Literal["degree", "betweenness", "closeness"]


def density(g: ig.Graph) -> float | None:
    r"""Share of possible ties that exist.

    .. math:: D = \frac{m}{n(n-1)/2} \ \text{(undirected)}, \qquad
              D = \frac{m}{n(n-1)} \ \text{(directed)},

    with *m* ties (pairs, see :mod:`netz.core.graph`) and *n* actors — R
    ``sna::gden`` and networkx's ``density``.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    float or None
        In [0, 1]; ``None`` with fewer than two actors (no possible tie).

    Notes
    -----
    Weights are ignored. A reciprocated directed tie is two ties.

    References
    ----------
    .. [1] Wasserman, S., & Faust, K. (1994). *Social Network Analysis:
       Methods and Applications*, p. 101. Cambridge University Press.
       https://doi.org/10.1017/CBO9780511815478

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> density(to_igraph(paw))
    0.6666666666666666
    """
    n, m = g.vcount(), g.ecount()
    if n < 2:
        return None
    possible = n * (n - 1) if g.is_directed() else n * (n - 1) / 2
    return m / possible


def mean_degree(g: ig.Graph) -> float | None:
    r"""Average number of ties per actor, :math:`\bar k = 2m/n`.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    float or None
        ``None`` without actors.

    Notes
    -----
    For directed alliances this is the mean *total* degree (in + out), the
    mean of the ``degree`` column of
    :func:`netz.core.metrics.centrality.centrality_table`; the mean in- or
    out-degree is half of it, :math:`m/n`. Weights are ignored.

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> mean_degree(to_igraph(paw))
    2.0
    """
    n = g.vcount()
    return 2 * g.ecount() / n if n else None


def n_components(g: ig.Graph) -> int:
    """Number of connected components (weakly connected for directed alliances).

    Two actors are in one component when a chain of ties joins them,
    whichever way the ties point. An isolate is a component of its own.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    int
        0 for an empty alliance.

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abcde"],
    ...     [Tie("a", "b"), Tie("c", "d")])
    >>> n_components(to_igraph(a))
    3
    """
    return len(_component_sizes(g))


def largest_component_share(g: ig.Graph) -> float | None:
    """Share of actors in the largest (weakly) connected component.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    float or None
        In (0, 1]; ``None`` without actors.

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abcde"],
    ...     [Tie("a", "b"), Tie("b", "c")])
    >>> largest_component_share(to_igraph(a))
    0.6
    """
    sizes = _component_sizes(g)
    return float(sizes.max() / sizes.sum()) if len(sizes) else None


def fragmentation(g: ig.Graph) -> float | None:
    r"""Share of pairs of actors that cannot reach each other (Borgatti 2006).

    .. math:: F = 1 - \frac{\sum_k s_k (s_k - 1)}{n (n - 1)},

    where :math:`s_k` are the sizes of the components: two actors can reach
    each other exactly when they share a component. Computed from the
    component sizes, never from pairs.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    float or None
        0 for a connected alliance, 1 when no one is tied; ``None`` with fewer
        than two actors.

    Notes
    -----
    *Direction.* Directed alliances use weakly connected components: a
    nomination connects two organisations whichever way it points. Borgatti's
    reachability over directed paths would be stricter.

    References
    ----------
    .. [1] Borgatti, S. P. (2006). Identifying sets of key players in a social
       network. *Computational and Mathematical Organization Theory* 12(1),
       21–34. https://doi.org/10.1007/s10588-006-7084-x

    Examples
    --------
    Components of sizes 3, 1 and 1: :math:`1 - 3 \cdot 2 / (5 \cdot 4) = 0.7`.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abcde"],
    ...     [Tie("a", "b"), Tie("b", "c")])
    >>> fragmentation(to_igraph(a))
    0.7
    """
    sizes = _component_sizes(g).astype(float)
    n = sizes.sum()
    if n < 2:
        return None
    return float(1 - (sizes * (sizes - 1)).sum() / (n * (n - 1)))


def centralization(g: ig.Graph, measure: Measure, *, values: np.ndarray | None = None) -> float | None:
    r"""Freeman centralization: how much one actor dominates, relative to a star.

    .. math:: C = \frac{\sum_i (c_{\max} - c_i)}{\max_{G'} \sum_i (c_{\max}(G') - c_i(G'))},

    the actors' total shortfall from the most central one, divided by its
    largest possible value for *n* actors — normalised exactly as R's
    ``sna::centralization(dat, FUN, mode, normalize=TRUE)``:

    ============  ===========================  ===============================
    measure       undirected (``"graph"``)     directed (``"digraph"``)
    ============  ===========================  ===============================
    degree        :math:`(n-1)(n-2)`           :math:`2(n-1)(n-2)` (in + out)
    betweenness   :math:`(n-1)^2(n-2)/2`       :math:`(n-1)^2(n-2)`
    closeness     :math:`(n-1)(n-2)/(2n-3)`    :math:`(n-1)^2/n`
    ============  ===========================  ===============================

    with sna's degree (total degree for digraphs, ``cmode="freeman"``), raw
    betweenness (:func:`~netz.core.metrics.centrality.betweenness` counted in hops)
    and closeness :math:`(n-1)/\sum_j d(i,j)` over **outgoing** distances, as
    sna.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    measure : {"degree", "betweenness", "closeness"}
        The centrality to centralize.
    values : numpy.ndarray, optional
        The actors' values of that measure, already computed (raw betweenness
        in hops; Wasserman–Faust closeness over outgoing hop distances), so
        that they are not computed again — :func:`structure_summary` passes the
        table's values when they are the same quantity, or sampled estimates.

    Returns
    -------
    float or None
        1 for a star, 0 when all actors are equal; ``None`` with fewer than
        three actors (no centre and two others to compare).

    Notes
    -----
    *Weights* are ignored: the denominators are the binary star's.

    *Closeness in disconnected alliances.* sna sums distances including
    infinite ones, so every actor who cannot reach all others gets closeness
    0; an undirected alliance with an isolate has closeness centralization 0,
    whatever its shape. netz instead uses the Wasserman–Faust closeness of
    :func:`~netz.core.metrics.centrality.closeness` (over outgoing distances),
    which equals sna's when everyone reaches everyone and stays informative
    otherwise; the same denominator keeps connected results identical to
    sna's.

    *Directed closeness.* sna's denominator :math:`(n-1)^2/n` is neither
    attained nor an upper bound: the reciprocated star scores
    :math:`n(n-2)/((n-1)(2n-3))` (0.53 for six actors) and an out-star (one
    actor names all, no one names back) :math:`n/(n-1)`, in sna as in netz.
    Compare directed closeness centralization only between alliances, not
    with 1.

    References
    ----------
    .. [1] Freeman, L. C. (1978/79). Centrality in social networks: conceptual
       clarification. *Social Networks* 1(3), 215–239.
       https://doi.org/10.1016/0378-8733(78)90021-7
    .. [2] Butts, C. T. (2008). Social network analysis with sna. *Journal of
       Statistical Software* 24(6). https://doi.org/10.18637/jss.v024.i06

    Examples
    --------
    In the triangle ``b, c, d`` with ``a`` on ``b``, degrees are 1, 3, 2, 2:
    :math:`(2 + 0 + 1 + 1) / (3 \cdot 2) = 2/3`.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> round(centralization(to_igraph(paw), "degree"), 4)
    0.6667
    """
    n = g.vcount()
    if n < 3:
        return None
    directed = g.is_directed()
    if measure == "degree":
        most = (n - 1) * (2 * (n - 1) - 2) if directed else (n - 1) * (n - 2)
        if values is None:
            values = np.asarray(g.degree(mode="all"), dtype=float)
    elif measure == "betweenness":
        most = (n - 1) ** 2 * (n - 2) / (1 if directed else 2)
        if values is None:
            values = betweenness(g, weighted=False).to_numpy()
    elif measure == "closeness":
        most = (n - 1) ** 2 / n if directed else (n - 1) * (n - 2) / (2 * n - 3)
        if values is None:
            values = wasserman_faust(path_sums(g, None, "out"), n)
    else:
        raise UnknownNameError("error.name.measure", name=measure,
                               accepted=["degree", "betweenness", "closeness"],
                               heading="error.name.heading.measures")
    values = np.asarray(values, dtype=float)
    return float((values.max() - values).sum() / most)


def reciprocity(g: ig.Graph) -> float | None:
    r"""Share of directed ties that are returned: :math:`|\{(i,j): i \to j,\ j \to i\}| / m`.

    As networkx's ``overall_reciprocity``.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    float or None
        In [0, 1]; ``None`` for undirected alliances (every tie is mutual by
        construction) and for directed ones without ties.

    References
    ----------
    .. [1] Wasserman, S., & Faust, K. (1994). *Social Network Analysis*,
       ch. 13. https://doi.org/10.1017/CBO9780511815478

    Examples
    --------
    Three ties, two of which (a→b, b→a) are returned: 2/3.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abc"],
    ...     [Tie("a", "b"), Tie("b", "a"), Tie("b", "c")], directed=True)
    >>> round(reciprocity(to_igraph(a)), 4)
    0.6667
    """
    if not g.is_directed() or g.ecount() == 0:
        return None
    return float(g.reciprocity(ignore_loops=True, mode="default"))


def transitivity(g: ig.Graph) -> float | None:
    r"""Global clustering: the share of connected triples that are closed.

    .. math:: T = \frac{3 \times \text{triangles}}{\text{connected triples}}

    As networkx's ``transitivity``.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    float or None
        In [0, 1]; ``None`` when there is no connected triple (no actor has
        two partners), where networkx returns 0.

    Notes
    -----
    *Direction.* Directed alliances are read as undirected (a tie either way
    is a tie), as networkx does for ``G.to_undirected()``. Weights are ignored.

    References
    ----------
    .. [1] Newman, M. E. J. (2003). The structure and function of complex
       networks. *SIAM Review* 45(2), 167–256. https://doi.org/10.1137/S003614450342480
    .. [2] Wasserman, S., & Faust, K. (1994). *Social Network Analysis*,
       p. 243. https://doi.org/10.1017/CBO9780511815478

    Examples
    --------
    One triangle (3 closed triples) among 5 triples (3 at ``b``, 1 at ``c``
    and ``d`` each): 3/5.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> transitivity(to_igraph(paw))
    0.6
    """
    if g.vcount() == 0:
        return None
    # Directed alliances on an explicitly collapsed copy: one tie per pair,
    # whatever igraph has cached about the directed graph's multiplicities.
    simple = g.as_undirected(mode="collapse") if g.is_directed() else g
    value = simple.transitivity_undirected(mode="nan")
    return None if np.isnan(value) else float(value)


def average_path_length(
    g: ig.Graph,
    *,
    weighted: bool | None = False,
    approximate_above: int | None = None,
    epsilon: float = 0.05,
    delta: float = 0.1,
    seed: int | None = None,
) -> float | None:
    r"""Mean shortest-path length between actors of the largest component.

    .. math:: \ell = \frac{1}{n_c (n_c - 1)} \sum_{s \ne t} d(s, t)

    over the :math:`n_c` actors of the largest component (see Notes), as
    networkx's ``average_shortest_path_length`` on that component.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Default ``False``: count hops (steps from partner to partner).
        ``True`` uses distances 1/weight; ``None`` means "if the alliance is
        weighted".
    approximate_above : int or None, optional
        Estimate from sampled sources when the alliance has more actors than
        this (see Notes); ``None`` (default) is always exact.
    epsilon, delta : float, optional
        Accuracy of the estimate (defaults 0.05 and 0.1); the sample size is
        :func:`~netz.core.metrics.centrality.betweenness_sample_size`.
    seed : int or None, optional
        Seed for choosing the sampled sources.

    Returns
    -------
    float or None
        ``None`` when the largest component has a single actor.

    Notes
    -----
    *Component.* Undirected: the largest connected component. Directed: the
    largest **strongly** connected component, where everyone reaches
    everyone along the ties' direction, so every ordered pair has a
    distance. Among components of equal size netz takes the one with the
    smallest actor id, so the result does not depend on the order of the
    input rows.

    *Computation.* One shortest-path search per actor of the component; the
    sum of each search's distances and its largest one give the path length
    and the :func:`diameter` in the same pass.

    *Approximation.* When the alliance has more than ``approximate_above``
    actors and the component more than *k* =
    :func:`~netz.core.metrics.centrality.betweenness_sample_size` actors, *k*
    sources *S* are drawn uniformly without replacement from the component
    (*c* actors) and :math:`\hat\ell = \frac1k \sum_{x \in S} \frac{1}{c-1}
    \sum_{t} d(x, t)` (searches along the ties' reverse direction when
    directed, which leaves the mean over ordered pairs unchanged) is unbiased.
    Each term lies in :math:`[0, \Delta]`, so by Hoeffding's inequality
    :math:`|\hat\ell - \ell| \le \varepsilon \Delta` with probability at
    least :math:`1 - \delta`. *Δ* is unknown; the report states the bound with
    the upper bound of *Δ* that :func:`diameter` finds.

    References
    ----------
    .. [1] Watts, D. J., & Strogatz, S. H. (1998). Collective dynamics of
       'small-world' networks. *Nature* 393, 440–442. https://doi.org/10.1038/30918
    .. [2] Eppstein, D., & Wang, J. (2004). Fast approximation of centrality.
       *Journal of Graph Algorithms and Applications* 8(1), 39–45.
       https://doi.org/10.7155/jgaa.00081

    Examples
    --------
    In the paw, 4 of the 6 pairs are one hop apart and 2 (a–c, a–d) two:
    :math:`8/6`.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcde"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> round(average_path_length(to_igraph(paw)), 4)
    1.3333
    """
    figures = _path_figures(g, weighted, path_sample_size(g.vcount(), approximate_above, epsilon=epsilon,
                                                          delta=delta), seed, epsilon, delta)
    return None if figures is None else figures[0]


def diameter(
    g: ig.Graph,
    *,
    weighted: bool | None = False,
    approximate_above: int | None = None,
    epsilon: float = 0.05,
    delta: float = 0.1,
    seed: int | None = None,
) -> float | None:
    r"""Longest shortest path within the largest component: :math:`\max_{s,t} d(s, t)`.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        As for :func:`average_path_length` (default: hops).
    approximate_above, epsilon, delta, seed : optional
        As for :func:`average_path_length`. Above ``approximate_above`` the
        result is a **lower bound** (see Notes).

    Returns
    -------
    float or None
        Hops (an integer value) or weighted length; ``None`` when the largest
        component has a single actor.

    Notes
    -----
    The component is the one :func:`average_path_length` uses (strongly
    connected for directed alliances).

    *Bounds instead of the exact value* (above ``approximate_above`` actors,
    for a component larger than the sample): the largest distance found by the
    sampled searches of :func:`average_path_length`, raised by a *double sweep*
    (one more search, from the far end of the longest path found; Magnien,
    Latapy & Habib 2009). Every such distance is a true distance, so the value
    is a lower bound, exact on many graphs but never above the diameter. An
    upper bound comes from the triangle inequality: :math:`2 \min_x e(x)` over
    the sampled sources' eccentricities (undirected), or
    :math:`e_{\text{in}}(x) + e_{\text{out}}(x)` for the source with the
    smallest eccentricity (directed); the report states both.

    References
    ----------
    .. [1] Magnien, C., Latapy, M., & Habib, M. (2009). Fast computation of
       empirically tight bounds for the diameter of massive graphs. *Journal of
       Experimental Algorithmics* 13, 1.10. https://doi.org/10.1145/1412228.1455266

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> diameter(to_igraph(paw))
    2.0
    """
    figures = _path_figures(g, weighted, path_sample_size(g.vcount(), approximate_above, epsilon=epsilon,
                                                          delta=delta), seed, epsilon, delta)
    return None if figures is None else figures[1]


def degree_assortativity(g: ig.Graph) -> float | None:
    r"""Degree assortativity: do well-connected actors cooperate with each other?

    The Pearson correlation of the degrees at the two ends of a tie
    (Newman 2002):

    .. math:: r = \frac{\sum_{(i,j)} (k_i - \bar k_s)(k_j - \bar k_t)}
                       {\sqrt{\sum (k_i - \bar k_s)^2}\sqrt{\sum (k_j - \bar k_t)^2}},

    summed over ties; undirected ties count in both directions. For directed
    alliances :math:`k_i` is the source's out-degree and :math:`k_j` the
    target's in-degree (Newman 2003), networkx's
    ``degree_assortativity_coefficient`` defaults.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.

    Returns
    -------
    float or None
        In [-1, 1]; ``None`` when undefined: no ties, or all ties join actors
        of equal degree (zero variance; networkx returns NaN).

    Notes
    -----
    Weights are ignored.

    References
    ----------
    .. [1] Newman, M. E. J. (2002). Assortative mixing in networks. *Physical
       Review Letters* 89, 208701. https://doi.org/10.1103/PhysRevLett.89.208701
    .. [2] Newman, M. E. J. (2003). Mixing patterns in networks. *Physical
       Review E* 67, 026126. https://doi.org/10.1103/PhysRevE.67.026126

    Examples
    --------
    In a star every tie joins the centre (degree 3) to a leaf (degree 1):
    perfectly disassortative.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> star = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("a", "c"), Tie("a", "d")])
    >>> round(degree_assortativity(to_igraph(star)), 4)
    -1.0
    """
    if g.ecount() == 0:
        return None
    value = g.assortativity_degree(directed=True)
    return None if value is None or np.isnan(value) else float(value)


def structure_summary(
    g: ig.Graph,
    *,
    weighted: bool | None = False,
    approximate_above: int | None = None,
    epsilon: float = 0.05,
    delta: float = 0.1,
    seed: int | None = None,
    hop_betweenness: np.ndarray | None = None,
    hop_sums: PathSums | None = None,
) -> dict[str, Any]:
    """The whole-network figures in one dict.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Only for ``average_path_length`` and ``diameter``: default ``False``
        counts hops; ``True`` uses distances 1/weight; ``None`` means "if the
        alliance is weighted". Every other figure counts ties.
    approximate_above, epsilon, delta, seed : optional
        Above ``approximate_above`` actors (default ``None``: always exact),
        betweenness and closeness centralization, average path length and
        diameter come from sampled sources (see :func:`centralization`,
        :func:`average_path_length`, :func:`diameter`); the dict then also has
        the key ``methods`` saying, per figure, how it was computed.
    hop_betweenness : numpy.ndarray, optional
        Raw betweenness counted in hops, per actor, when already computed (the
        table's betweenness of an unweighted alliance), so that it is not
        computed again.
    hop_sums : PathSums, optional
        Distance sums over **outgoing** hop distances from the same sample
        (:func:`netz.core.metrics._paths.path_sums` with ``lengths=None``,
        ``direction="out"``), when already computed — the table's closeness pass
        of an undirected, unweighted alliance.

    Returns
    -------
    dict
        ``n_actors``, ``n_ties``, ``density``, ``mean_degree``, ``components``,
        ``largest_component_share``, ``fragmentation``, ``centralization``
        (a dict with ``degree``, ``betweenness``, ``closeness``),
        ``reciprocity``, ``transitivity``, ``average_path_length``,
        ``diameter``, ``degree_assortativity``; ``None`` where undefined (see
        each function). With ``approximate_above`` also ``methods``.

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> s = structure_summary(to_igraph(paw))
    >>> s["n_ties"], s["components"], s["reciprocity"], s["diameter"]
    (4, 1, None, 2.0)
    """
    summary, methods = _summary(
        g, weighted=weighted, approximate_above=approximate_above, epsilon=epsilon, delta=delta, seed=seed,
        hop_betweenness=hop_betweenness, hop_sums=hop_sums,
    )
    if approximate_above is not None:
        summary["methods"] = methods
    return summary


def _summary(
    g: ig.Graph,
    *,
    weighted: bool | None,
    approximate_above: int | None,
    epsilon: float,
    delta: float,
    seed: int | None,
    hop_betweenness: np.ndarray | None,
    hop_sums: PathSums | None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """:func:`structure_summary` and, per approximated figure, how it was computed."""
    n = g.vcount()
    sample = path_sample_size(n, approximate_above, epsilon=epsilon, delta=delta)
    accuracy = {"epsilon": epsilon, "delta": delta, "seed": seed}
    methods: dict[str, dict[str, Any]] = {}
    central: dict[str, float | None] = dict.fromkeys(("degree", "betweenness", "closeness"))
    central["degree"] = centralization(g, "degree")
    if n >= 3:
        if hop_betweenness is None:
            hop_betweenness = betweenness(
                g, weighted=False, approximate_above=approximate_above, epsilon=epsilon, delta=delta,
                seed=seed,
            ).to_numpy()
        if hop_sums is None:
            hop_sums = path_sums(g, None, "out", sample=sample, seed=seed)
        central["betweenness"] = centralization(g, "betweenness", values=hop_betweenness)
        central["closeness"] = centralization(g, "closeness", values=wasserman_faust(hop_sums, n))
    if sample is not None:
        # Every actor's normalised betweenness within epsilon moves the maximum by at most
        # epsilon and each shortfall by at most 2 epsilon: the sum over n actors, divided by
        # n - 1 (the normalised form of Freeman's denominator), by at most 2 epsilon n/(n - 1).
        methods["centralization.betweenness"] = {
            "method": "sampled", "sources": sample, **accuracy,
            "error_at_most": 2 * epsilon * n / (n - 1),
        }
        if hop_sums is not None and not hop_sums.exact:
            methods["centralization.closeness"] = {
                "method": "sampled", "sources_per_component": sample, **accuracy, "error_at_most": None,
            }
    for key in ("centralization.betweenness", "centralization.closeness"):
        methods.setdefault(key, {"method": "exact"})
    hops = not is_weighted(g, weighted)
    reuse = hop_sums if hops and not g.is_directed() else None
    figures = _path_figures(g, weighted, sample, seed, epsilon, delta, sums=reuse)
    apl, diam = (None, None) if figures is None else figures[:2]
    methods.update(
        {"average_path_length": {"method": "exact"}, "diameter": {"method": "exact"}}
        if figures is None else figures[2]
    )
    summary = {
        "n_actors": n,
        "n_ties": g.ecount(),
        "density": density(g),
        "mean_degree": mean_degree(g),
        "components": n_components(g),
        "largest_component_share": largest_component_share(g),
        "fragmentation": fragmentation(g),
        "centralization": central,
        "reciprocity": reciprocity(g),
        "transitivity": transitivity(g),
        "average_path_length": apl,
        "diameter": diam,
        "degree_assortativity": degree_assortativity(g),
    }
    return summary, methods


def _path_figures(
    g: ig.Graph,
    weighted: bool | None,
    sample: int | None,
    seed: int | None,
    epsilon: float,
    delta: float,
    *,
    sums: PathSums | None = None,
) -> tuple[float, float, dict[str, dict[str, Any]]] | None:
    """Average path length, diameter (or its lower bound) and how they were computed, in one pass.

    ``sums``: outgoing distance sums over ``g`` already computed with the same lengths
    (undirected only: there the largest component is a weak component, so its actors'
    sums are the component's). Otherwise the largest component is cut out and searched.
    """
    found = _largest_component(g)
    if found is None:
        return None
    h, members = found
    graph, lengths = (g, distances(g, weighted)) if sums is not None else (h, distances(h, weighted))
    if sums is None:
        sums = path_sums(h, lengths, "out", sample=sample, seed=seed)
        members = np.arange(h.vcount())
    c = len(members)
    apl = float(sums.total[members].sum() / (c * (c - 1)))
    ecc = sums.eccentricity[members]
    searched = ~np.isnan(ecc)
    if not sums.sampled[sums.membership[members[0]]]:
        exact = {"method": "exact"}
        return apl, float(ecc.max()), {"average_path_length": exact, "diameter": exact}
    # Sampled: the searches ran against the ties (direction "in"), so `ecc` are the
    # sources' in-eccentricities and `farthest` the start of each one's longest path.
    lower = float(np.nanmax(ecc))
    start = int(sums.farthest[members[int(np.nanargmax(ecc))]])
    sweeps = [_eccentricity(graph, lengths, start, "out")]
    centre = members[searched][int(np.argmin(ecc[searched]))]
    if graph.is_directed():
        out = _eccentricity(graph, lengths, int(centre), "out")
        sweeps.append(out)
        upper = float(sums.eccentricity[centre]) + out
    else:
        upper = 2.0 * float(sums.eccentricity[centre])
    lower = max(lower, *sweeps)
    record = {"sources": int(searched.sum()), "epsilon": epsilon, "delta": delta, "seed": seed}
    return apl, lower, {
        "average_path_length": {"method": "sampled", **record, "error_at_most": epsilon * upper},
        "diameter": {"method": "lower-bound", **record, "searches": int(searched.sum()) + len(sweeps),
                     "lower_bound": lower, "upper_bound": upper},
    }


def _eccentricity(g: ig.Graph, lengths: list[float] | None, v: int, direction: Literal["in", "out"]) -> float:
    """The largest finite distance from ``v`` (``"out"``) or to it (``"in"``): one search."""
    _, block = next(search(g, lengths, np.array([v]), direction))
    return float(block[np.isfinite(block)].max())


def _component_sizes(g: ig.Graph) -> np.ndarray:
    if g.vcount() == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(g.connected_components(mode="weak").sizes(), dtype=np.int64)


def _largest_component(g: ig.Graph) -> tuple[ig.Graph, np.ndarray] | None:
    """The largest (strongly, if directed) connected component and its vertices in ``g``.

    Ties are broken by the smallest actor id.
    """
    if g.vcount() < 2:
        return None
    membership = np.asarray(g.connected_components(mode="strong").membership)
    sizes = np.bincount(membership)
    candidates = np.flatnonzero(sizes == sizes.max())
    if sizes.max() < 2:
        return None
    chosen = candidates[0]
    if len(candidates) > 1:
        # The rank of each actor's id; the component holding the smallest wins.
        rank = np.empty(g.vcount(), dtype=np.int64)
        rank[np.argsort(np.asarray(g.vs["name"], dtype=str), kind="stable")] = np.arange(g.vcount())
        smallest = np.full(len(sizes), g.vcount())
        np.minimum.at(smallest, membership, rank)
        chosen = candidates[int(np.argmin(smallest[candidates]))]
    members = np.flatnonzero(membership == chosen)
    h = g.induced_subgraph(members.tolist())
    # Keep the caller's weighting when the subgraph lost the graph attribute.
    if "weighted" not in h.attributes():
        h["weighted"] = is_weighted(g, None)
    return h, members

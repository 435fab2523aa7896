r"""Shortest-path betweenness: exact, split over processes, or from sampled sources.

Moved out of :mod:`netz.core.metrics.centrality` (which re-exports :func:`betweenness` and
:func:`betweenness_sample_size`), as the largest and most involved centrality:
Brandes' algorithm in igraph's C core, the source shares for worker processes or any
``concurrent.futures.Executor``, and the source sample with its Hoeffding bound. The
definitions and tests are listed in ``docs/metrics.md`` (Centrality).
"""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor

import igraph as ig
import numpy as np
import pandas as pd

from netz.core.metrics._base import as_series, distances

__all__ = ["betweenness", "betweenness_sample_size", "path_sample_size"]


def betweenness(
    g: ig.Graph,
    *,
    weighted: bool | None = None,
    normalized: bool = False,
    workers: int = 1,
    executor: Executor | None = None,
    approximate_above: int | None = None,
    epsilon: float = 0.05,
    delta: float = 0.1,
    seed: int | None = None,
) -> pd.Series:
    r"""Shortest-path betweenness: how often an actor lies between two others.

    .. math::

       b_v = \sum_{s \ne v \ne t} \frac{\sigma_{st}(v)}{\sigma_{st}},

    where :math:`\sigma_{st}` is the number of shortest paths from *s* to *t*
    and :math:`\sigma_{st}(v)` the number of those passing through *v*
    (Freeman 1977; computed with Brandes' algorithm). Normalised,

    .. math::

       b^{\text{norm}}_v = \frac{2\, b_v}{(n-1)(n-2)} \ \text{(undirected)}, \qquad
       b^{\text{norm}}_v = \frac{b_v}{(n-1)(n-2)} \ \text{(directed)},

    exactly as networkx's ``betweenness_centrality(normalized=True)``.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    weighted : bool or None, optional
        Use tie strengths as distances 1/weight; ``None`` (default) means "if
        the alliance is weighted"; ``False`` counts hops.
    normalized : bool, optional
        Return :math:`b^{\text{norm}}` instead of raw path counts.
    workers : int, optional
        Split the source actors over this many worker processes (default 1:
        one igraph call in this process, no workers).
    executor : concurrent.futures.Executor, optional
        Run the ``workers`` shares on this executor instead of a fresh process
        pool (a ``ProcessPoolExecutor`` of your own, or a Dask ``distributed``
        client's executor). Tasks are a module-level function of plain arrays
        (the edge list, the lengths, the sources), so they pickle cheaply. A
        thread pool works but gains nothing: igraph holds the GIL.
    approximate_above : int or None, optional
        Estimate by sampling when the alliance has more actors than this.
        ``None`` (default) is always exact.
    epsilon, delta : float, optional
        Accuracy of the estimate: with probability at least ``1 - delta``,
        every actor's normalised estimate is within ``epsilon`` of the exact
        normalised betweenness (see Notes). Defaults 0.05 and 0.1.
    seed : int or None, optional
        Seed for choosing the sampled sources.

    Returns
    -------
    pandas.Series
        Float per actor id, named ``betweenness`` or ``betweenness_norm``.

    Notes
    -----
    *Direction.* Directed alliances count directed paths over ordered pairs
    (s, t). Undirected alliances count each unordered pair once, as networkx
    with ``normalized=False`` (and R ``sna::betweenness`` with
    ``gmode="graph"``).

    *Weights* become distances 1/weight. igraph compares weighted path lengths
    with a relative tolerance of 1e-10, so paths whose lengths are equal in exact
    arithmetic (1/3 + 2/3 and 1) are equally short. networkx compares floats
    exactly and can miss such ties (0.1 + 0.2 ≠ 0.3); the tests therefore
    compare with networkx run on exact rational distances.

    *Isolates* and actors at the end of every path score 0. Alliances with
    fewer than three actors have betweenness 0 everywhere (and are not
    rescaled, as in networkx).

    *Parallel.* Betweenness is a sum over source actors; each process
    computes the sum over its share of sources with igraph's subset
    betweenness (Brandes 2008) and the shares are added. For undirected
    alliances igraph halves each share, so the sum is the usual count of
    unordered pairs.

    *Approximation.* Draw :math:`k` sources *S* uniformly without replacement
    and estimate :math:`\hat b_v = \frac{n}{k} \sum_{s \in S} \delta_s(v)` with
    the dependencies :math:`\delta_s(v) = \sum_{t} \sigma_{st}(v)/\sigma_{st}`
    (Brandes & Pich 2007), which is unbiased. Since
    :math:`0 \le \delta_s(v) \le n - 2`, Hoeffding's inequality (which holds
    for sampling without replacement) and a union bound over the *n* actors
    give: with probability at least :math:`1 - \delta`,
    :math:`|\hat b^{\text{norm}}_v - b^{\text{norm}}_v| \le \varepsilon` for
    **all** actors at once, when

    .. math:: k = \left\lceil \frac{\ln(2n/\delta)}{2\,\varepsilon^2\,((n-1)/n)^2} \right\rceil.

    If *k* ≥ *n* the exact value is computed instead. Estimates are clipped
    to the possible range [0, 1] (normalised), which can only reduce the
    error. The bound is additive: it finds the brokers of a large alliance,
    not the order among actors whose betweenness is below ε.
    :func:`betweenness_sample_size` gives *k*.

    References
    ----------
    .. [1] Freeman, L. C. (1977). A set of measures of centrality based on
       betweenness. *Sociometry* 40(1), 35–41. https://doi.org/10.2307/3033543
    .. [2] Brandes, U. (2001). A faster algorithm for betweenness centrality.
       *Journal of Mathematical Sociology* 25(2), 163–177.
       https://doi.org/10.1080/0022250X.2001.9990249
    .. [3] Brandes, U. (2008). On variants of shortest-path betweenness
       centrality and their generic computation. *Social Networks* 30(2),
       136–145. https://doi.org/10.1016/j.socnet.2007.11.001
    .. [4] Brandes, U., & Pich, C. (2007). Centrality estimation in large
       networks. *International Journal of Bifurcation and Chaos* 17(7),
       2303–2318. https://doi.org/10.1142/S0218127407018403
    .. [5] Hoeffding, W. (1963). Probability inequalities for sums of bounded
       random variables. *JASA* 58(301), 13–30.
       https://doi.org/10.1080/01621459.1963.10500830

    Examples
    --------
    A triangle ``b, c, d`` with ``a`` hanging on ``b``: ``b`` lies on the only
    shortest paths a–c and a–d, so :math:`b_b = 2` and
    :math:`b^{\text{norm}}_b = 2 \cdot 2 / (3 \cdot 2) = 2/3`.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> betweenness(to_igraph(paw)).to_dict()
    {'a': 0.0, 'b': 2.0, 'c': 0.0, 'd': 0.0}
    >>> betweenness(to_igraph(paw), normalized=True).round(4).to_dict()
    {'a': 0.0, 'b': 0.6667, 'c': 0.0, 'd': 0.0}
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    n = g.vcount()
    lengths = distances(g, weighted)
    sample = path_sample_size(n, approximate_above, epsilon=epsilon, delta=delta)
    scale = _betweenness_scale(n, g.is_directed())
    if sample is not None:
        sources = np.sort(np.random.default_rng(seed).choice(n, size=sample, replace=False))
        raw = _summed_betweenness(g, lengths, sources, workers, executor) * (n / sample)
        # The exact normalised value lies in [0, 1]; clipping the estimate there
        # can only bring it closer.
        raw = np.minimum(raw, 1.0 / scale)
    else:
        raw = _summed_betweenness(g, lengths, None, workers, executor)
    if normalized:
        return as_series(raw * scale, g, "betweenness_norm")
    return as_series(raw, g, "betweenness")


def betweenness_sample_size(n: int, *, epsilon: float = 0.05, delta: float = 0.1) -> int:
    r"""Number of sampled sources for betweenness within ``epsilon`` with probability ``1 - delta``.

    .. math:: k = \left\lceil \frac{\ln(2n/\delta)}{2\,\varepsilon^2\,((n-1)/n)^2} \right\rceil

    See :func:`betweenness` for the derivation. The result can exceed *n*, in
    which case exact computation is cheaper.

    Parameters
    ----------
    n : int
        Number of actors.
    epsilon : float
        Largest error of normalised betweenness, in (0, 1).
    delta : float
        Probability that some actor's error exceeds ``epsilon``, in (0, 1).

    Returns
    -------
    int
        The sample size *k* (0 for alliances with fewer than three actors,
        whose betweenness is 0).

    Examples
    --------
    :math:`\ln(2 \cdot 20000 / 0.1) = 12.90`, divided by
    :math:`2 \cdot 0.05^2 \cdot 0.99995^2 = 0.0049995`:

    >>> betweenness_sample_size(20_000, epsilon=0.05, delta=0.1)
    2581
    """
    if not 0 < epsilon < 1 or not 0 < delta < 1:
        raise ValueError(f"epsilon and delta must lie in (0, 1), got {epsilon} and {delta}")
    if n < 3:
        return 0
    t = epsilon * (n - 1) / n
    return math.ceil(math.log(2 * n / delta) / (2 * t * t))


def path_sample_size(
    n: int, approximate_above: int | None, *, epsilon: float = 0.05, delta: float = 0.1
) -> int | None:
    """How many sources the sampled figures search from; ``None``: compute them exactly.

    :func:`betweenness_sample_size` when the alliance has more than ``approximate_above``
    actors and that sample is smaller than the alliance; ``None`` otherwise. Betweenness
    samples this many sources from all actors; closeness, harmonic and the path figures
    this many per component (see :mod:`netz.core.metrics._paths`).

    >>> path_sample_size(300, 50_000) is None, path_sample_size(200_000, 50_000)
    (True, 3041)
    """
    if approximate_above is None or n <= approximate_above:
        return None
    k = betweenness_sample_size(n, epsilon=epsilon, delta=delta)
    return k if 0 < k < n else None


def _betweenness_scale(n: int, directed: bool) -> float:
    """networkx's factor from raw counts to normalised betweenness (1 below three actors)."""
    if n < 3:
        return 1.0
    # Raw undirected counts are over unordered pairs; networkx normalises the
    # ordered-pair count, twice as large, by the (n-1)(n-2) ordered pairs.
    return (1.0 if directed else 2.0) / ((n - 1) * (n - 2))


def _summed_betweenness(
    g: ig.Graph,
    lengths: list[float] | None,
    sources: np.ndarray | None,
    workers: int,
    executor: Executor | None,
) -> np.ndarray:
    """Betweenness summed over ``sources`` (all actors when None), split over processes."""
    n = g.vcount()
    if workers == 1 and executor is None:
        if sources is None:
            return np.asarray(g.betweenness(directed=True, weights=lengths), dtype=float)
        return np.asarray(
            g.betweenness(directed=True, weights=lengths, sources=sources.tolist()), dtype=float
        )
    pool = np.arange(n) if sources is None else sources
    # Interleave rather than cut in blocks: actors in one block can sit in one
    # small component and make that share cheap.
    shares = [pool[i::workers] for i in range(workers)]
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    weights = None if lengths is None else np.asarray(lengths, dtype=float)
    directed = g.is_directed()
    if executor is not None:
        return _run_shares(executor, n, edges, weights, directed, shares)
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    # All shares go to worker processes, none to this one: igraph holds the GIL
    # while it computes, which would stop the pool's feeder thread from even
    # sending the other shares until this process had finished its own.
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool_executor:
        return _run_shares(pool_executor, n, edges, weights, directed, shares)


def _run_shares(
    executor: Executor,
    n: int,
    edges: np.ndarray,
    weights: np.ndarray | None,
    directed: bool,
    shares: list[np.ndarray],
) -> np.ndarray:
    futures = [executor.submit(_share_betweenness, n, edges, weights, directed, share) for share in shares]
    return np.sum([future.result() for future in futures], axis=0)


def _share_betweenness(
    n: int, edges: np.ndarray, weights: np.ndarray | None, directed: bool, sources: np.ndarray
) -> np.ndarray:
    """One worker's share: betweenness over paths starting at ``sources``."""
    h = ig.Graph(n=n, edges=edges, directed=directed)
    lengths = None if weights is None else weights.tolist()
    return np.asarray(h.betweenness(directed=True, weights=lengths, sources=sources.tolist()), dtype=float)

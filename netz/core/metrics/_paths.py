r"""Shortest-path sums per actor from one search per source — exact, or from sampled sources.

Closeness, harmonic centrality, the outgoing closeness of closeness centralization,
the average path length and the diameter all need the same thing: the distances
between actors. :func:`path_sums` runs **one** shortest-path search per source and
reduces each block of distances at once with numpy, so one pass serves every figure
that uses the same lengths (instead of one igraph call per figure, plus a separate
reachability search for closeness).

Exact (``sample=None``): a search from every actor. Sampled (``sample=k``): within
every (weakly) connected component of more than *k* actors, *k* seeded sources are
drawn uniformly without replacement and every actor's sums are estimated from their
*k* searches (Eppstein & Wang 2004); components of at most *k* actors are computed
exactly, batched so that the blocks of distances stay small. The estimators and their
error bounds are documented with the metrics that use them
(:func:`netz.core.metrics.centrality.closeness`, :func:`netz.core.metrics.centrality.harmonic`,
:func:`netz.core.metrics.structure.average_path_length`,
:func:`netz.core.metrics.structure.diameter`) and in ``docs/metrics.md``.

Weighted searches use SciPy's Dijkstra (``scipy.sparse.csgraph.dijkstra``), which hands
back a numpy block directly and on large alliances is about twice as fast as igraph's
(≈ 86 against ≈ 136 ms per source at 200,000 actors / 1,000,000 ties); searches that
count hops use igraph's breadth-first ``distances`` on small graphs and SciPy's
breadth-first order with pointer jumping (:func:`bfs_rows`) from :data:`BFS_FROM` actors on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import igraph as ig
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from netz.core.metrics._base import edge_array

__all__ = ["PathSums", "bfs_rows", "path_sums", "sampled_sums", "search", "wasserman_faust"]

Direction = Literal["in", "out"]

#: Cells (sources × targets) of one block of distances: 2**21 float64 = 16 MiB.
BLOCK_CELLS = 2**21

#: From this many actors on, hop distances come from SciPy's breadth-first order and
#: pointer jumping (:func:`bfs_rows`) rather than igraph's ``distances``, whose Python
#: lists cost more than the search on large graphs (12 against 28 ms per source at
#: 200,000 actors; equal at 2,000, and igraph is faster below).
BFS_FROM = 5_000


@dataclass(frozen=True)
class PathSums:
    """Per-actor sums over the actors at finite distance, in one direction.

    For ``direction="in"`` the sums run over *d(v, u)* — how the others reach *u*
    (the convention of the ``closeness`` column); for ``"out"`` over *d(u, v)*.
    Where an actor's component was sampled, ``count``, ``total`` and ``inverse`` are
    unbiased estimates of the exact sums.
    """

    direction: Direction
    #: Other actors at finite distance (*r* − 1); exact component size − 1 when
    #: undirected, an estimate where sampled and directed.
    count: np.ndarray
    #: Sum of the finite distances.
    total: np.ndarray
    #: Sum of 1/distance (harmonic centrality).
    inverse: np.ndarray
    #: Weakly connected component of each actor, and the components' sizes.
    membership: np.ndarray
    sizes: np.ndarray
    #: Per component: whether its sums are estimates (more than ``sample`` actors).
    sampled: np.ndarray
    #: Sources per sampled component (``None`` when exact).
    sample: int | None
    #: Per actor: the largest finite distance of the search that started at it, and
    #: the actor at that distance (NaN and -1 for actors no search started at). The
    #: search ran in ``direction`` where exact and the other way where sampled.
    eccentricity: np.ndarray
    farthest: np.ndarray

    @property
    def exact(self) -> bool:
        """True when no sum is an estimate."""
        return not bool(self.sampled.any())


def lengths_matrix(g: ig.Graph, lengths: list[float] | None, direction: Direction) -> sp.csr_array:
    """The graph as a CSR matrix of edge lengths whose rows are the searches' out-steps.

    ``direction="out"`` follows the ties, ``"in"`` walks them backwards; undirected ties
    go both ways.
    """
    n = g.vcount()
    edges = edge_array(g)
    w = np.ones(len(edges)) if lengths is None else np.asarray(lengths, dtype=float)
    head, tail = edges[:, 0], edges[:, 1]
    if not g.is_directed():
        head, tail, w = np.concatenate([head, tail]), np.concatenate([tail, head]), np.concatenate([w, w])
    elif direction == "in":
        head, tail = tail, head
    return sp.csr_array((w, (head, tail)), shape=(n, n))


def search(
    g: ig.Graph,
    lengths: list[float] | None,
    sources: np.ndarray,
    direction: Direction,
    *,
    targets: np.ndarray | None = None,
    matrix: sp.csr_array | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Blocks ``(chunk, D)`` with ``D[i, j]`` the distance from ``chunk[i]`` to ``targets[j]``.

    Along the ties for ``"out"``, against them for ``"in"``; ``inf`` where unreachable.
    ``targets=None`` means every actor. Blocks hold at most :data:`BLOCK_CELLS` cells.
    """
    width = g.vcount() if targets is None else len(targets)
    per = max(1, BLOCK_CELLS // max(width, 1))
    for start in range(0, len(sources), per):
        chunk = sources[start:start + per]
        if lengths is None and g.vcount() >= BFS_FROM:
            if matrix is None:
                matrix = lengths_matrix(g, None, direction)
            block = bfs_rows(matrix, chunk)
            if targets is not None:
                block = block[:, targets]
        elif lengths is None:
            block = np.asarray(
                g.distances(source=chunk.tolist(), target=None if targets is None else targets.tolist(),
                            mode=direction),
                dtype=float,
            ).reshape(len(chunk), width)
        else:
            if matrix is None:
                matrix = lengths_matrix(g, lengths, direction)
            block = csgraph.dijkstra(matrix, directed=True, indices=chunk)
            if targets is not None:
                block = block[:, targets]
        yield chunk, block


def bfs_rows(matrix: sp.csr_array, sources: np.ndarray) -> np.ndarray:
    """Hop distances from each source along the rows of ``matrix`` (``inf`` where unreachable).

    One ``scipy.sparse.csgraph.breadth_first_order`` per source gives the search tree
    as predecessors; the depths follow by pointer jumping — every actor adds its
    ancestor's depth and jumps to the ancestor's ancestor until all point at the source
    — in O(n log depth) array operations, with no Python loop over actors.
    """
    n = matrix.shape[0]
    rows = np.full((len(sources), n), np.inf)
    itself = np.arange(n)
    for i, source in enumerate(sources):
        order, parent = csgraph.breadth_first_order(matrix, int(source), directed=True,
                                                    return_predecessors=True)
        tied = parent >= 0
        ancestor = np.where(tied, parent, itself)
        depth = tied.astype(np.int64)  # distance to `ancestor`
        while True:
            jump = ancestor[ancestor]
            if np.array_equal(jump, ancestor):
                break
            depth += depth[ancestor]
            ancestor = jump
        rows[i, order] = depth[order]
    return rows


def path_sums(
    g: ig.Graph,
    lengths: list[float] | None,
    direction: Direction,
    *,
    sample: int | None = None,
    seed: int | None = None,
) -> PathSums:
    r"""Distance sums per actor: exact, or sampled within components larger than ``sample``.

    Parameters
    ----------
    g : igraph.Graph
        The graph.
    lengths : list of float or None
        Edge lengths (1/weight), or ``None`` to count hops.
    direction : {"in", "out"}
        Sum over distances towards each actor (``"in"``) or from it (``"out"``).
    sample : int or None
        ``None``: exact, a search from every actor. Otherwise every weakly
        connected component of more than ``sample`` actors is estimated from
        ``sample`` sources drawn uniformly without replacement from it.
    seed : int or None
        Seed of ``numpy.random.default_rng`` for the sources (components in order of
        their number, which follows the vertex order).

    Notes
    -----
    *Estimator.* For a sampled component *C* of *s* actors with sources *S*
    (:math:`|S| = k`), each source's search runs the other way, so it gives every
    actor *u* of *C* one distance, and

    .. math:: \hat T_u = \frac{s}{k} \sum_{x \in S} d(x, u), \qquad
              \hat I_u = \frac{s}{k} \sum_{x \in S} \frac{1}{d(x, u)}, \qquad
              \hat c_u = \frac{s}{k} \bigl|\{x \in S \setminus \{u\}: d(x, u) < \infty\}\bigr|

    (for ``"in"``; swap the arguments of *d* for ``"out"``; infinite distances and
    *x = u* add nothing) are unbiased for the exact sums over *C*, which are the sums
    over all actors since no path leaves *C*. Undirected, *ĉ* is replaced by the exact
    *s* − 1.
    """
    n = g.vcount()
    directed = g.is_directed()
    if n == 0:
        empty, none = np.zeros(0), np.zeros(0, dtype=np.int64)
        flags = np.zeros(0, dtype=bool)
        return PathSums(direction, empty, empty, empty, none, none, flags, sample, empty, none)
    membership = np.asarray(g.connected_components(mode="weak").membership, dtype=np.int64)
    sizes = np.bincount(membership)
    sampled = sizes > sample if sample is not None else np.zeros(len(sizes), dtype=bool)
    count, total, inverse = np.zeros(n), np.zeros(n), np.zeros(n)
    eccentricity, farthest = np.full(n, np.nan), np.full(n, -1, dtype=np.int64)
    other: Direction = "out" if direction == "in" else "in"
    matrices: dict[Direction, sp.csr_array] = {}

    def matrix(d: Direction) -> sp.csr_array | None:
        if lengths is None and n < BFS_FROM:
            return None
        if d not in matrices:
            matrices[d] = lengths_matrix(g, lengths, d)
        return matrices[d]

    def rows(sources: np.ndarray, targets: np.ndarray | None) -> None:
        """Exact sums of ``sources`` from their own searches (rows of the blocks)."""
        for chunk, block in search(g, lengths, sources, direction, targets=targets, matrix=matrix(direction)):
            reached = np.isfinite(block) & (block > 0)
            finite = np.where(reached, block, 0.0)
            count[chunk] = reached.sum(axis=1)
            total[chunk] = finite.sum(axis=1)
            inverse[chunk] = np.divide(1.0, block, out=np.zeros_like(block), where=reached).sum(axis=1)
            far = finite.argmax(axis=1)
            eccentricity[chunk] = finite[np.arange(len(chunk)), far]
            farthest[chunk] = far if targets is None else targets[far]

    if not sampled.any():
        rows(np.arange(n), None)
    else:
        order = np.argsort(membership, kind="stable")
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        # Exact components (2 .. sample actors; isolates have nothing to sum), in batches
        # of about `sample` actors: a block spans only its batch, so the exact part costs
        # at most about sample × n cells, like the sampled part.
        small = ~sampled & (sizes > 1)
        if small.any():
            batch = np.cumsum(np.where(small, sizes, 0))
            batch -= np.where(small, sizes, 0)
            batch //= max(int(sample or 1), 1)
            vertices = order[small[membership[order]]]  # grouped by component, ascending within
            cuts = np.flatnonzero(np.diff(batch[membership[vertices]])) + 1
            for members in np.split(vertices, cuts):
                members = np.sort(members)
                rows(members, members)
        rng = np.random.default_rng(seed)
        k = int(sample or 0)
        for c in np.flatnonzero(sampled):
            members = order[starts[c]:starts[c] + sizes[c]]  # ascending vertex numbers
            sources = np.sort(rng.choice(members, size=k, replace=False))
            estimate = sampled_sums(g, lengths, direction, members, sources, matrix=matrix(other))
            count[members], total[members], inverse[members] = estimate[:3]
            eccentricity[sources], farthest[sources] = estimate[3:]
    if not directed:
        # Undirected, the actors at finite distance are the rest of the component.
        count = (sizes[membership] - 1).astype(float)
    return PathSums(direction, count, total, inverse, membership, sizes, sampled, sample, eccentricity,
                    farthest)


def sampled_sums(
    g: ig.Graph,
    lengths: list[float] | None,
    direction: Direction,
    members: np.ndarray,
    sources: np.ndarray,
    *,
    matrix: sp.csr_array | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The estimates of :func:`path_sums` for one component from the given sources.

    Returns the estimated count, total and inverse sums of ``members`` (scaled by
    ``len(members) / len(sources)``), and each source's eccentricity and farthest
    actor (of its search, which runs against ``direction``). With every member as a
    source the scale is 1 and the sums are exact: each pair is counted once, from
    the other end.
    """
    other: Direction = "out" if direction == "in" else "in"
    count, total, inverse = (np.zeros(len(members)) for _ in range(3))
    eccentricity, farthest = np.zeros(len(sources)), np.zeros(len(sources), dtype=np.int64)
    done = 0
    for chunk, block in search(g, lengths, sources, other, targets=members, matrix=matrix):
        reached = np.isfinite(block) & (block > 0)
        finite = np.where(reached, block, 0.0)
        count += reached.sum(axis=0)
        total += finite.sum(axis=0)
        inverse += np.divide(1.0, block, out=np.zeros_like(block), where=reached).sum(axis=0)
        far = finite.argmax(axis=1)
        eccentricity[done:done + len(chunk)] = finite[np.arange(len(chunk)), far]
        farthest[done:done + len(chunk)] = members[far]
        done += len(chunk)
    scale = len(members) / len(sources)
    return count * scale, total * scale, inverse * scale, eccentricity, farthest


def wasserman_faust(sums: PathSums, n: int) -> np.ndarray:
    r"""Closeness with the Wasserman–Faust correction from the sums: :math:`\frac{c}{n-1}\cdot\frac{c}{T}`.

    0 where no one is at finite distance (or the estimate found no one); an
    estimate wherever the sums are.
    """
    if n < 2:
        return np.zeros(n)
    c, t = sums.count, sums.total
    ok = (c > 0) & (t > 0)
    return np.divide(c * c, (n - 1) * t, out=np.zeros(n), where=ok)

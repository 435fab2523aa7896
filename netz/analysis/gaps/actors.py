"""Gaps of single actors and single ties: who is isolated, who hangs on one partner, whose loss
would cut others off, which tie is the only bridge between two parts.

Articulation points with the pieces they leave and bridges with their two sides come from one
block–cut tree and one tree of 2-edge-connected pieces, in time linear in the network's size.

References: Hopcroft, J., & Tarjan, R. (1973). Algorithm 447: efficient algorithms for graph
manipulation. *Communications of the ACM* 16(6), 372–378. https://doi.org/10.1145/362248.362272
Tarjan, R. E. (1974). A note on finding the bridges of a graph. *Information Processing
Letters* 2(6), 160–161. https://doi.org/10.1016/0020-0190(74)90003-9
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import igraph as ig
import numpy as np

from netz.analysis.gaps._base import Finding, _Context

__all__ = ["fragile_ties", "isolated", "peripheral", "single_cuts", "single_points_of_failure"]


def isolated(c: _Context) -> Iterator[Finding]:
    """Actors without any tie (refugee organisations:
    :func:`netz.analysis.gaps.sectors.refugee_exclusion`)."""
    degree = c.metrics["degree"]
    for actor in c.ids[degree.to_numpy() == 0]:
        if actor in c.refugees:
            continue
        yield c.finding("isolated_actor", "medium", [actor], 0, "isolated_actor",
                        {"name": c.name(actor)}, impact=1.0)


def peripheral(c: _Context) -> Iterator[Finding]:
    """Actors with a single partner; the finding is about the actor, whoever the partner is."""
    partners = np.asarray(c.undirected.degree())
    for position in np.flatnonzero(partners == 1):
        actor = c.id_of[int(position)]
        if actor in c.refugees:
            continue
        partner = c.id_of[c.undirected.neighbors(int(position))[0]]
        yield c.finding("peripheral_actor", "low", [actor, partner], 1, "peripheral_actor",
                        {"name": c.name(actor), "other": c.name(partner)}, subject=[actor], impact=0.5)


def single_points_of_failure(c: _Context) -> Iterator[Finding]:
    """Articulation points whose loss cuts off at least ``spof_min_cut`` actors."""
    for position, (cut_off, starts) in single_cuts(c).items():
        if cut_off < c.rules.spof_min_cut:
            continue
        actor = c.id_of[position]
        who = c.names_of([c.id_of[x] for x in _reach(c, starts, avoid_vertex=position)], total=cut_off)
        severity = "high" if c.major(cut_off) else "medium"
        yield c.finding("single_point_of_failure", severity, [actor], cut_off, "single_point_of_failure",
                        {"name": c.name(actor), "cut_actors": cut_off, "names": who}, impact=cut_off)


def single_cuts(c: _Context) -> dict[int, tuple[int, list[int]]]:
    """Per articulation point, how many actors its loss cuts off and an actor in each piece cut off.

    Those cut off are the actors of every piece but the largest its part falls into.
    """
    if "cut_off" not in c._cache:
        found: dict[int, tuple[int, list[int]]] = {}
        for position, pieces in _articulation_pieces(c.undirected):
            sizes = [size for size, _ in pieces]
            cut_off = sum(sizes) - max(sizes)
            largest = sizes.index(max(sizes))
            starts = [start for k, (_, start) in enumerate(pieces) if k != largest]
            found[position] = (cut_off, starts)
        c._cache["cut_off"] = found
    cached: dict[int, tuple[int, list[int]]] = c._cache["cut_off"]
    return cached


def fragile_ties(c: _Context) -> Iterator[Finding]:
    """Bridges with at least ``fragile_min_side`` actors on each side; about the pair they join.

    When the actor at the bridge's larger end, removed, cuts off exactly the smaller side (its
    loss cuts off that many actors and what remains of its own side is larger), the bridge and
    that actor are one weak point: the bridge carries the actor as its ``cause`` and is folded
    into the actor's ``single_point_of_failure``.
    """
    cut_off = single_cuts(c)
    for u, v, side_u, side_v in _bridge_sides(c.undirected):
        smaller, larger = min(side_u, side_v), max(side_u, side_v)
        if smaller < c.rules.fragile_min_side:
            continue
        a, b = c.id_of[u], c.id_of[v]
        near, far = (u, v) if side_u <= side_v else (v, u)
        who = c.names_of([c.id_of[x] for x in _reach(c, [near], avoid_edge=(near, far))], total=smaller)
        severity = "high" if c.major(smaller) else "medium"
        # Removing `far` leaves the smaller side and the rest of far's side (larger − 1 actors,
        # in one or more pieces); it cuts off exactly the smaller side iff it cuts off `smaller`
        # actors while the rest is larger than the smaller side (then the rest is one piece).
        same = cut_off.get(far, (0, []))[0] == smaller and larger - 1 > smaller
        yield c.finding("fragile_tie", severity, [a, b], smaller, "fragile_tie",
                        {"first_name": c.name(a), "second_name": c.name(b), "smaller_actors": smaller,
                         "names": who}, subject=sorted([a, b]), impact=smaller,
                        cause=c.id_of[far] if same else None)


def _subtree_sizes(n: int, edges: list[tuple[int, int]], weight: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Root every tree of a forest; per node its parent (−1 at a root), subtree weight, tree weight.

    One breadth-first search from a virtual node tied to every tree, then the weights
    summed up layer by layer from the deepest: linear in the size of the forest.
    """
    forest = ig.Graph(n=n, edges=edges)
    trees = np.asarray(forest.connected_components().membership)
    roots = np.unique(trees, return_index=True)[1]
    forest.add_vertices(1)
    forest.add_edges([(n, int(r)) for r in roots])
    order, layers, parents = forest.bfs(n)
    parent = np.asarray(parents[:n])
    parent[parent == n] = -1
    order = np.asarray(order)
    subtree = weight.astype(np.int64).copy()
    for first, last in reversed(list(itertools.pairwise(layers[1:]))):  # layer 0: the virtual node
        layer = order[first:last]
        inner = layer[parent[layer] >= 0]
        np.add.at(subtree, parent[inner], subtree[inner])
    tree_total = np.bincount(trees, weights=weight)[trees].astype(np.int64)
    return parent, subtree, tree_total


def _articulation_pieces(graph: ig.Graph) -> Iterator[tuple[int, list[tuple[int, int]]]]:
    """Per articulation point (Hopcroft–Tarjan), the pieces its part falls into without it.

    Each piece is (number of actors, one actor in it). The pieces come from the
    block–cut tree: blocks (biconnected components) and articulation points, each
    block weighing its actors that are not articulation points, each point one.
    Removing a point leaves one piece per child in the rooted tree, and the rest of
    its part above it.
    """
    blocks, points = graph.biconnected_components(return_articulation_points=True)
    if not points:
        return
    blocks = [list(b) for b in blocks]
    n_blocks = len(blocks)
    node_of_point = {point: n_blocks + k for k, point in enumerate(points)}
    edges = [(b, node_of_point[v]) for b, members in enumerate(blocks) for v in members if v in node_of_point]
    weight = np.ones(n_blocks + len(points), dtype=np.int64)
    weight[:n_blocks] = [sum(1 for v in members if v not in node_of_point) for members in blocks]
    parent, subtree, tree_total = _subtree_sizes(n_blocks + len(points), edges, weight)
    children: dict[int, list[int]] = {}
    for child in np.flatnonzero(parent >= 0).tolist():
        children.setdefault(int(parent[child]), []).append(child)
    for point, node in node_of_point.items():
        pieces = [(int(subtree[block]), next(v for v in blocks[block] if v != point))
                  for block in children.get(node, [])]
        if parent[node] >= 0:
            above = int(parent[node])
            pieces.append((int(tree_total[node] - subtree[node]),
                           next(v for v in blocks[above] if v != point)))
        yield point, pieces


def _bridge_sides(graph: ig.Graph) -> Iterator[tuple[int, int, int, int]]:
    """Per bridge (Tarjan 1974) u–v, the number of actors on u's side and on v's side.

    Without the bridges the network falls into 2-edge-connected pieces, which the
    bridges join into a forest; a bridge's sides are a subtree and the rest of its tree.
    """
    bridges = graph.bridges()
    if not bridges:
        return
    rest = graph.copy()
    rest.delete_edges(bridges)
    piece = np.asarray(rest.connected_components().membership)
    ends = [graph.es[e].tuple for e in bridges]
    parent, subtree, tree_total = _subtree_sizes(
        int(piece.max()) + 1, [(int(piece[u]), int(piece[v])) for u, v in ends],
        np.bincount(piece).astype(np.int64))
    for u, v in ends:
        pu, pv = piece[u], piece[v]
        child = pu if parent[pu] == pv else pv
        below, above = int(subtree[child]), int(tree_total[child] - subtree[child])
        yield (u, v, below, above) if child == pu else (u, v, above, below)


def _reach(c: _Context, starts: list[int], *, avoid_vertex: int | None = None,
           avoid_edge: tuple[int, int] | None = None, limit: int = 5) -> list[int]:
    """The first ``limit`` actors reached from ``starts`` without passing a vertex or a tie."""
    seen: list[int] = []
    found: set[int] = set()
    queue = list(starts)
    while queue and len(seen) < limit:
        x = queue.pop(0)
        if x in found or x == avoid_vertex:
            continue
        found.add(x)
        seen.append(x)
        for y in c.adjacency[x]:
            if avoid_edge is not None and {x, y} == set(avoid_edge):
                continue
            if y not in found:
                queue.append(y)
    return seen



"""Positions of the actors for drawing an alliance's network map (the web pages draw it).

Each connected part of the network is laid out on its own: Kamada–Kawai (igraph) for parts of up
to 500 actors, which spaces actors evenly by their distance in the network; Fruchterman–Reingold
(cooperation strength as attraction) for larger ones. Both start from seeded positions, so the same
alliance always looks the same. The parts are then packed side by side, largest first; actors
without any tie come last, in a row of their own, so they stay visible instead of drifting to the
edge. Positions are in ``[0, 1]``; ``aspect`` is the width of the drawing divided by its height.

Grouped by an actor column (``group_by="type"``: one block per sector), each group is laid out
the same way from its own ties only, and the groups are packed side by side, largest first, with
room above each for its name: who is in which sector reads at a glance, and the ties that run
between blocks are the cooperation across sectors.
"""

from __future__ import annotations

import math
from typing import Any

import igraph as ig
import numpy as np

from netz.core.graph import edge_table
from netz.core.metrics._base import seeded_igraph
from netz.core.model import Alliance

__all__ = ["GROUPED_METHOD", "LAYOUT_FORMAT", "METHOD", "map_layout", "pack_layout"]

METHOD = "kamada-kawai (fruchterman-reingold above 500 actors) per part, packed"
GROUPED_METHOD = ("kamada-kawai (fruchterman-reingold above 500 actors) per part within each group, "
                  "groups packed")

#: The version of the layout and of its answer's shape: part of the key and ETag of every stored
#: layout (raise it when either changes, so that no layout of an older netz is served).
LAYOUT_FORMAT = 1

#: Gap between packed parts, in units of one actor's cell.
_GAP = 0.6
#: Room between actors without ties (their names are written beside them).
_ALONE_GAP = 1.2
#: A part's longer side is this times the square root of its number of actors (in cells).
_SPREAD = 1.6
#: Parts up to this size are laid out with Kamada–Kawai, larger ones with Fruchterman–Reingold.
_KAMADA_KAWAI_UP_TO = 500
#: The drawing's intended width over height (a landscape map fits a screen).
_TARGET_ASPECT = 1.5
#: Gap between packed groups, and the room above each group for its name (in cells).
_GROUP_GAP = 2.0
_GROUP_HEAD = 2.4


def map_layout(alliance: Alliance, *, seed: int = 0, group_by: str | None = None) -> dict[str, Any]:
    """Map positions of every actor and the ties between them (one line per pair, weights summed).

    Returns ``aspect`` (width / height), ``actors`` (id, x, y in [0, 1], number of partners;
    in actor-id order, as the report lists them) and ``ties`` (source, target, weight). With
    ``group_by`` (an actor column, as the alliance spells it) the actors are drawn in one block
    per value of that column, and ``groups`` says where: its value, how many actors, and the
    top left corner and width of its block (x, y, width in [0, 1]), largest group first.

    >>> from netz.core.model import Actor, Tie
    >>> a = Alliance.from_records([Actor(i, i, "other") for i in "abc"], [Tie("a", "b")])
    >>> drawn = map_layout(a)
    >>> [(p["id"], p["partners"]) for p in drawn["actors"]], len(drawn["ties"])
    ([('a', 1), ('b', 1), ('c', 0)], 1)
    >>> b = Alliance.from_records([Actor("a", "A", "church"), Actor("b", "B", "church"),
    ...                            Actor("c", "C", "refugee")], [Tie("a", "b"), Tie("b", "c")])
    >>> [(g["key"], g["n"]) for g in map_layout(b, group_by="type")["groups"]]
    [('church', 2), ('refugee', 1)]
    """
    ids = alliance.actors["id"].astype(str).tolist()
    edges = edge_table(alliance, directed=False)
    u = edges["u"].to_numpy(int)
    v = edges["v"].to_numpy(int)
    pairs = list(zip(u.tolist(), v.tolist(), strict=True))
    weights = edges["weight"].to_numpy(float)
    groups: list[dict[str, Any]] | None = None
    if group_by is None:
        positions, aspect = pack_layout(len(ids), pairs, weights, seed=seed)
    else:
        values = ["" if _missing(value) else str(value) for value in alliance.actors[group_by].tolist()]
        positions, aspect, groups = _grouped_layout(values, pairs, weights, seed=seed)
    degree = np.bincount(np.concatenate([u, v]), minlength=len(ids)) if len(edges) else np.zeros(len(ids))
    drawn: dict[str, Any] = {
        "method": METHOD if group_by is None else GROUPED_METHOD,
        "seed": seed,
        "aspect": aspect,
        "actors": sorted(
            ({"id": actor, "x": round(float(x), 5), "y": round(float(y), 5), "partners": int(d)}
             for actor, (x, y), d in zip(ids, positions, degree, strict=True)),
            key=lambda actor: actor["id"],
        ),
        "ties": [{"source": ids[a], "target": ids[b], "weight": float(w)}
                 for a, b, w in zip(u.tolist(), v.tolist(), edges["weight"].tolist(), strict=True)],
    }
    if groups is not None:
        drawn["group_by"] = group_by
        drawn["groups"] = groups
    return drawn


def _missing(value: object) -> bool:
    """Whether a cell is empty (None, NaN, pandas' NA): such actors form one group, ``""``."""
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False


def _grouped_layout(values: list[str], edges: list[tuple[int, int]], weights: np.ndarray, *,
                    seed: int) -> tuple[np.ndarray, float, list[dict[str, Any]]]:
    """Positions with the actors of each value in a block of their own, and where the blocks are."""
    n = len(values)
    if n == 0:
        return np.zeros((0, 2)), _TARGET_ASPECT, []
    g = ig.Graph(n=n, edges=edges, directed=False)
    g.es["weight"] = [float(w) for w in weights]
    rng = np.random.default_rng(seed)
    members: dict[str, list[int]] = {}
    for index, value in enumerate(values):
        members.setdefault(value, []).append(index)
    order = sorted(members, key=lambda value: (-len(members[value]), value))
    blocks = []
    for value in order:
        inside = members[value]
        sub = g.induced_subgraph(inside)
        parts = sorted(sub.connected_components(), key=lambda part: (-len(part), part[0]))
        xy, width, height, _ = _shelf(len(inside), [(part, _part_layout(sub, part, rng)) for part in parts])
        # The block's drawing (its actors from 0 on), moved down to leave room for the group's name.
        blocks.append((inside, xy - 0.5 + [0.0, _GROUP_HEAD], (width, height + _GROUP_HEAD)))
    out, width, height, corners = _shelf(n, [(inside, block) for inside, block, _ in blocks], gap=_GROUP_GAP,
                                         sizes=[size for _, _, size in blocks])
    groups = [{"key": value, "n": len(members[value]), "x": round(x / width, 5), "y": round(y / height, 5),
               "width": round(size[0] / width, 5)}
              for value, (x, y), (_, _, size) in zip(order, corners, blocks, strict=True)]
    return out / [width, height], width / height, groups


def pack_layout(n: int, edges: list[tuple[int, int]], weights: np.ndarray, *,
                seed: int = 0) -> tuple[np.ndarray, float]:
    """Positions in ``[0, 1]²`` for ``n`` vertices, and the drawing's aspect ratio (width/height).

    >>> xy, aspect = pack_layout(3, [(0, 1)], np.array([1.0]))
    >>> xy.shape, bool(np.isfinite(xy).all()), bool((xy >= 0).all() and (xy <= 1).all())
    ((3, 2), True, True)
    """
    if n == 0:
        return np.zeros((0, 2)), _TARGET_ASPECT
    g = ig.Graph(n=n, edges=edges, directed=False)
    g.es["weight"] = [float(w) for w in weights]
    rng = np.random.default_rng(seed)
    parts = sorted(g.connected_components(), key=lambda members: (-len(members), members[0]))
    cells = [(members, _part_layout(g, members, rng)) for members in parts]
    return _pack(n, cells)


def _part_layout(g: ig.Graph, members: list[int], rng: np.random.Generator) -> np.ndarray:
    """One part's positions, scaled so that its longer side is ``_SPREAD * sqrt(size)``."""
    size = len(members)
    if size == 1:
        return np.zeros((1, 2))
    if size == 2:
        return np.array([[0.0, 0.0], [1.5, 0.0]])
    sub = g.induced_subgraph(members)
    half = math.sqrt(size) / 2  # the square igraph itself starts from (its grid needs the room)
    start = rng.uniform(-half, half, size=(size, 2)).tolist()
    if size <= _KAMADA_KAWAI_UP_TO:
        # Kamada–Kawai places actors at distances like their distances in the network: even
        # spacing, readable for the parts a coordinator looks at. It draws no random numbers.
        found = sub.layout_kamada_kawai(seed=start, maxiter=50 * size)
    else:
        # igraph also draws random numbers while it iterates: from a seeded generator.
        with seeded_igraph(int(rng.integers(2**31))):
            found = sub.layout_fruchterman_reingold(
                seed=start, niter=500 if size <= 20_000 else 100, weights="weight",
                grid="grid" if size > 1000 else "nogrid")
    xy = np.asarray(found.coords, dtype=float)
    xy = xy - xy.min(axis=0)
    extent = float(xy.max()) or 1.0
    return xy / extent * _SPREAD * math.sqrt(size)


def _pack(n: int, cells: list[tuple[list[int], np.ndarray]]) -> tuple[np.ndarray, float]:
    """The parts packed by :func:`_shelf`, scaled into ``[0, 1]²``, and the aspect ratio."""
    out, width, height, _ = _shelf(n, cells)
    return out / [width, height], width / height


def _shelf(n: int, cells: list[tuple[list[int], np.ndarray]], *, gap: float = _GAP,
           sizes: list[tuple[float, float]] | None = None
           ) -> tuple[np.ndarray, float, float, list[tuple[float, float]]]:
    """Shelf packing: parts left to right in rows (a new row for the actors without ties).

    Positions in cells, the drawing's width and height, and each part's top left corner.
    ``sizes`` (width, height of each part) are for parts that are drawn at their own origin
    and are larger than their actors' extent (a group with its name above it).
    """
    extents = sizes or [(float(xy[:, 0].max()) + 1, float(xy[:, 1].max()) + 1) for _, xy in cells]
    area = sum(w * h for w, h in extents)
    widest = max(w for w, _ in extents)
    row_width = max(widest, math.sqrt(area * _TARGET_ASPECT))
    out = np.zeros((n, 2))
    x = y = shelf = 0.0
    previous_size = None
    corners = []
    right = bottom = 1.0
    for (members, xy), (w, h) in zip(cells, extents, strict=True):
        alone = len(members) == 1 and sizes is None
        if x > 0 and (x + w > row_width + 1e-9 or (alone and previous_size != 1)):
            x, y, shelf = 0.0, y + shelf + gap, 0.0
        corners.append((x, y))
        out[members] = xy + np.array([x, y] if sizes else [x + 0.5, y + 0.5])
        right, bottom = max(right, x + w), max(bottom, y + h)
        x += w + (_ALONE_GAP if alone else gap)
        shelf = max(shelf, h)
        previous_size = len(members)
    if sizes:
        return out, right, bottom, corners
    width = max(float(out[:, 0].max()) + 0.5, 1.0)
    height = max(float(out[:, 1].max()) + 0.5, 1.0)
    return out, width, height, corners

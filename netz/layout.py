"""Positions of the actors for drawing an alliance's network map (the web pages draw it).

Each connected part of the network is laid out on its own: Kamada–Kawai (igraph) for parts of up
to 500 actors, which spaces actors evenly by their distance in the network; Fruchterman–Reingold
(cooperation strength as attraction) for larger ones. Both start from seeded positions, so the same
alliance always looks the same. The parts are then packed side by side, largest first; actors
without any tie come last, in a row of their own, so they stay visible instead of drifting to the
edge. Positions are in ``[0, 1]``; ``aspect`` is the width of the drawing divided by its height.
"""

from __future__ import annotations

import math
from typing import Any

import igraph as ig
import numpy as np

from netz.graph import edge_table
from netz.metrics._base import seeded_igraph
from netz.model import Alliance

__all__ = ["METHOD", "map_layout", "pack_layout"]

METHOD = "kamada-kawai (fruchterman-reingold above 500 actors) per part, packed"

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



def map_layout(alliance: Alliance, *, seed: int = 0) -> dict[str, Any]:
    """Map positions of every actor and the ties between them (one line per pair, weights summed).

    Returns ``aspect`` (width / height), ``actors`` (id, x, y in [0, 1], number of partners;
    in actor-id order, as the report lists them) and ``ties`` (source, target, weight).

    >>> from netz.model import Actor, Tie
    >>> a = Alliance.from_records([Actor(i, i, "other") for i in "abc"], [Tie("a", "b")])
    >>> drawn = map_layout(a)
    >>> [(p["id"], p["partners"]) for p in drawn["actors"]], len(drawn["ties"])
    ([('a', 1), ('b', 1), ('c', 0)], 1)
    """
    ids = alliance.actors["id"].astype(str).tolist()
    edges = edge_table(alliance, directed=False)
    u = edges["u"].to_numpy(int)
    v = edges["v"].to_numpy(int)
    positions, aspect = pack_layout(len(ids), list(zip(u.tolist(), v.tolist(), strict=True)),
                                    edges["weight"].to_numpy(float), seed=seed)
    degree = np.bincount(np.concatenate([u, v]), minlength=len(ids)) if len(edges) else np.zeros(len(ids))
    return {
        "method": METHOD,
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
    """Shelf packing: parts left to right in rows (a new row for the actors without ties)."""
    area = sum((float(xy[:, 0].max()) + 1) * (float(xy[:, 1].max()) + 1) for _, xy in cells)
    widest = max(float(xy[:, 0].max()) + 1 for _, xy in cells)
    row_width = max(widest, math.sqrt(area * _TARGET_ASPECT))
    out = np.zeros((n, 2))
    x = y = shelf = 0.0
    previous_size = None
    for members, xy in cells:
        w, h = float(xy[:, 0].max()) + 1, float(xy[:, 1].max()) + 1
        alone = len(members) == 1
        if x > 0 and (x + w > row_width + 1e-9 or (alone and previous_size != 1)):
            x, y, shelf = 0.0, y + shelf + _GAP, 0.0
        out[members] = xy + np.array([x + 0.5, y + 0.5])
        x += w + (_ALONE_GAP if alone else _GAP)
        shelf = max(shelf, h)
        previous_size = len(members)
    width = max(float(out[:, 0].max()) + 0.5, 1.0)
    height = max(float(out[:, 1].max()) + 0.5, 1.0)
    return out / [width, height], width / height

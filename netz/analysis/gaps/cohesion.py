"""Gaps of cohesion: groups of actors apart from the rest, and one-sided survey ties.

A part of the network other than the largest, and a community inside the largest part held to
the rest by at most ``community_max_ties`` ties, is a ``disconnected_cluster`` — about the
group, named by its first actor (in actor-id order), so that it keeps its identity when
another member joins or leaves.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from netz.analysis.gaps._base import Finding, _Context, _positions
from netz.analysis.gaps.actors import single_cuts
from netz.core.metrics._base import edge_array

__all__ = ["disconnected_clusters", "unreciprocated"]


def unreciprocated(c: _Context) -> Iterator[Finding]:
    """Survey data: A names B, B does not name A (about the ordered pair)."""
    if not c.g.is_directed():
        return
    edges = edge_array(c.g)
    if not len(edges):
        return
    codes = edges[:, 0].astype(np.int64) * c.n + edges[:, 1]
    reverse = edges[:, 1].astype(np.int64) * c.n + edges[:, 0]
    for u, v in edges[~np.isin(reverse, codes)]:
        a, b = c.id_of[u], c.id_of[v]
        yield c.finding("unreciprocated_tie", "low", [a, b], 1, "unreciprocated_tie",
                        {"name": c.name(a), "other": c.name(b)}, impact=0.1)


def disconnected_clusters(c: _Context) -> Iterator[Finding]:
    """Parts apart from the largest, and communities hardly tied to the rest of it."""
    in_part = _positions(c.membership)
    for component, size in enumerate(c.component_sizes):
        if component == c.largest or size < 2:
            continue
        members = list(c.ids[in_part[component]])
        severity = "high" if c.major(int(size)) else "medium"
        yield c.finding("disconnected_cluster", severity, members, int(size), "disconnected_cluster.part",
                        {"size": int(size), "names": c.names_of(members)}, subject=members[:1],
                        impact=float(size))
    if "community" not in c.metrics or c.largest < 0:
        return
    # Communities as codes 1, 2, … (0: no community), counted within the main part only.
    codes = pd.factorize(c.metrics["community"])[0] + 1
    in_main = c.membership == c.largest
    codes[~in_main] = 0
    count = int(codes.max()) + 1
    sizes = np.bincount(codes, minlength=count)
    edges = edge_array(c.undirected)
    crossing = edges[codes[edges[:, 0]] != codes[edges[:, 1]]]
    outside = (np.bincount(codes[crossing[:, 0]], minlength=count)
               + np.bincount(codes[crossing[:, 1]], minlength=count))
    labels = [int(label) for label in pd.unique(codes[in_main]) if label > 0]
    if len(labels) == 2:
        # Two groups joined by few ties: each is "the rest" of the other, so the finding is
        # reported once, for the smaller group (equal sizes: the one without the first actor).
        labels = [labels[0]] if sizes[labels[0]] < sizes[labels[1]] else [labels[1]]
    members_of = _positions(codes)
    cut_off = single_cuts(c)
    main_size = int(in_main.sum())
    for label in labels:
        size, ties = int(sizes[label]), int(outside[label])
        if size < 3 or size == main_size or ties > c.rules.community_max_ties:
            continue
        members = list(c.ids[members_of[label]])
        yield c.finding("disconnected_cluster", "medium", members, ties, "disconnected_cluster.community",
                        {"size": size, "names": c.names_of(members), "linking_ties": ties},
                        subject=members[:1], suggestion="gap.disconnected_cluster.community.step",
                        impact=float(size), cause=_hinge(c, crossing, codes, label, size, main_size, cut_off))


def _hinge(c: _Context, crossing: np.ndarray, codes: np.ndarray, label: int, size: int, main_size: int,
           cut_off: dict[int, tuple[int, list[int]]]) -> str | None:
    """The actor whose loss cuts off exactly this community, when it hangs on one tie to that actor.

    A community (connected, as Leiden's are) tied to the rest by a single tie hangs on a
    bridge; when the actor at the bridge's outer end cuts off exactly the community (the rule
    of :func:`netz.analysis.gaps.actors.fragile_ties`), group, bridge and actor are one weak point.
    """
    ties = crossing[(codes[crossing[:, 0]] == label) | (codes[crossing[:, 1]] == label)]
    if len(ties) != 1:
        return None
    u, v = (int(x) for x in ties[0])
    outer = v if codes[u] == label else u
    same = cut_off.get(outer, (0, []))[0] == size and main_size - size - 1 > size
    return c.id_of[outer] if same else None

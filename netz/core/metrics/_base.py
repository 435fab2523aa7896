"""Small helpers shared by the metric families: weights, and results keyed by actor id."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from netz.core.errors import UnknownNameError
from netz.core.graph import actor_ids

__all__ = [
    "as_series", "check_group_attribute", "distances", "edge_array", "group_labels", "is_weighted",
    "seeded_igraph", "strengths", "triangles",
]


def is_weighted(g: ig.Graph, weighted: bool | None) -> bool:
    """Use weights if asked to, or — when not said — if the graph carries real weights."""
    if weighted is None:
        return bool(g["weighted"]) if "weighted" in g.attributes() else "weight" in g.es.attributes()
    return weighted and "weight" in g.es.attributes()


def strengths(g: ig.Graph, weighted: bool | None) -> list[float] | None:
    """Edge weights as cooperation strengths, or None for the unweighted case."""
    return g.es["weight"] if is_weighted(g, weighted) else None


def distances(g: ig.Graph, weighted: bool | None) -> list[float] | None:
    """Edge lengths for path-based metrics: 1/weight, since a stronger tie is a shorter path."""
    if not is_weighted(g, weighted):
        return None
    return (1.0 / np.asarray(g.es["weight"], dtype=float)).tolist()


def as_series(values: Sequence[Any] | np.ndarray, g: ig.Graph, name: str) -> pd.Series:
    """Per-vertex values as a float Series indexed by actor id."""
    return pd.Series(np.asarray(values, dtype=float), index=actor_ids(g), name=name)


def check_group_attribute(g: ig.Graph, group_by: str) -> None:
    """Raise :class:`~netz.core.errors.UnknownNameError` if the actors have no attribute ``group_by``."""
    if group_by not in g.vs.attributes():
        raise UnknownNameError("error.name.no_attribute", name=group_by,
                               accepted=g.vs.attributes(), heading="error.name.heading.attributes")


def group_labels(g: ig.Graph, group_by: str) -> pd.Series:
    """The grouping attribute per actor as text; a missing value is its own group '(none)'."""
    check_group_attribute(g, group_by)
    labels = ["(none)" if v is None else str(v) for v in g.vs[group_by]]
    return pd.Series(labels, index=actor_ids(g), name=group_by)


def edge_array(g: ig.Graph) -> np.ndarray:
    """The edges as an (m, 2) int64 array of vertex positions.

    ``np.array(g.get_edgelist())`` converts a million tuples slowly; flattening
    them through ``fromiter`` is several times faster.
    """
    edges = g.get_edgelist()
    flat = np.fromiter(itertools.chain.from_iterable(edges), dtype=np.int64, count=2 * len(edges))
    return flat.reshape(-1, 2)


def triangles(g: ig.Graph) -> np.ndarray:
    """The triangles of the network with directions ignored, as a (t, 3) int64 array.

    For a directed graph igraph lists them on a copy: ``list_triangles`` on a directed
    graph with reciprocated ties leaves igraph (1.0) believing the graph has multiple
    edges (``has_multiple()`` and ``is_simple()`` answer wrongly afterwards), and a metric
    must not change what later ones see. The copy shares the attributes and costs little.
    """
    source = g.copy() if g.is_directed() else g
    found = source.list_triangles()
    flat = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64, count=3 * len(found))
    return flat.reshape(-1, 3)


_IGRAPH_RNG_LOCK = threading.Lock()


@contextmanager
def seeded_igraph(seed: int | None) -> Iterator[None]:
    """Run igraph's random routines from ``random.Random(seed)``, then restore its generator.

    ``seed=None`` draws a fresh seed from the system, as ``random.Random(None)`` does.

    igraph draws from one process-wide generator; the lock keeps two seeded runs in different
    threads (the service's thread pool) from drawing from each other's generator.
    """
    with _IGRAPH_RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)

r"""Mixing between groups: the E–I index, group × group ties, block densities, assortativity.

Do churches work with refugee organisations, or only with each other? These
measures compare ties *within* groups (actor types, or any actor attribute)
with ties *between* them. They count ties: weights are ignored throughout,
because "how many partners outside my sector" is the question, not how strong
each partnership is.
"""

from __future__ import annotations

from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from netz.core.graph import actor_ids
from netz.core.metrics._base import edge_array, group_labels

__all__ = ["ei_index", "mixing_summary"]


def ei_index(g: ig.Graph, *, group_by: str = "type") -> pd.Series:
    r"""Krackhardt and Stern's E–I index of each actor: outward- or inward-looking.

    .. math:: \mathrm{EI}_i = \frac{E_i - I_i}{E_i + I_i},

    where :math:`E_i` is the number of *i*'s ties to actors of another group
    and :math:`I_i` the number to actors of its own group. +1: every tie
    crosses a group boundary; −1: every tie stays inside the group.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    group_by : str, optional
        The actor attribute defining the groups (default ``"type"``). A missing
        value is a group of its own, ``"(none)"``.

    Returns
    -------
    pandas.Series
        E–I index per actor id, named ``ei_index``, in ``[-1, 1]``.

    Notes
    -----
    *Direction.* In a directed alliance all ties incident to the actor count,
    named and naming alike; a reciprocated pair is two ties (both are
    observations of the actor's contact with that group).

    *Weights* are ignored: every tie counts once.

    *Isolates* have no ties: the index is undefined, ``NaN`` (``null`` in JSON).

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and
       organizational crises: an experimental simulation. *Social Psychology
       Quarterly* 51(2), 123–140. https://doi.org/10.2307/2786835

    Examples
    --------
    A church ``c1`` tied to another church and to a refugee group: one
    internal, one external tie, ``(1 − 1)/2 = 0``. The refugee group ``r``
    has only external ties: ``(2 − 0)/2 = 1``. ``c2`` has one internal, one
    external (``r``): 0. ``x`` has no ties.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> alliance = Alliance.from_records(
    ...     [Actor("c1", "St. Anna", "church"), Actor("c2", "St. Paul", "church"),
    ...      Actor("r", "Café Welcome", "refugee"), Actor("x", "Tafel", "welfare")],
    ...     [Tie("c1", "c2"), Tie("c1", "r"), Tie("c2", "r")])
    >>> ei_index(to_igraph(alliance)).to_dict()
    {'c1': 0.0, 'c2': 0.0, 'r': 1.0, 'x': nan}
    """
    n = g.vcount()
    codes, _ = _groups(g, group_by)
    edges = edge_array(g)
    u, v = edges[:, 0], edges[:, 1]
    external = (codes[u] != codes[v]).astype(float)
    ties = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    outside = np.bincount(u, weights=external, minlength=n) + np.bincount(v, weights=external, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(ties > 0, (2 * outside - ties) / ties, np.nan)
    return pd.Series(values, index=actor_ids(g), name="ei_index")


def mixing_summary(g: ig.Graph, *, group_by: str = "type") -> dict[str, Any]:
    r"""How the groups mix: E–I index overall and per group, tie counts, block densities, assortativity.

    With groups :math:`a, b` of sizes :math:`n_a, n_b` and :math:`t_{ab}` the
    ties between them (:math:`t_{aa}` within *a*):

    - **E–I index** (Krackhardt & Stern 1988) of the network,
      :math:`(E - I)/(E + I)` with :math:`E = \sum_{a<b} t_{ab}` ties between
      groups and :math:`I = \sum_a t_{aa}` within; and of group *a*,
      :math:`E_a = \sum_{b \ne a} t_{ab}` ties between *a* and the other
      groups and :math:`I_a = t_{aa}` (directed: :math:`E_a = \sum_{b \ne a}
      (t_{a \to b} + t_{b \to a})`, arcs sent *and* received, see Notes).
    - **E–I baseline**: the same index over all *possible* pairs, i.e. for the
      complete network with these group sizes. Ties placed at random give this
      value on average (in expected counts), so a network of mostly one group
      has a negative E–I index for reasons of composition alone.
    - **Block density**: :math:`t_{ab} / (n_a n_b)` between groups and
      :math:`t_{aa} / \binom{n_a}{2}` within (directed: :math:`t_{a \to b} /
      (n_a n_b)` and :math:`t_{aa} / (n_a (n_a - 1))`).
    - **Assortativity** (Newman 2003) of the mixing matrix :math:`e` (the
      fraction of tie ends from group *a* to *b*), with row and column sums
      :math:`a_i, b_i`:

      .. math:: r = \frac{\sum_i e_{ii} - \sum_i a_i b_i}{1 - \sum_i a_i b_i},

      as ``networkx.attribute_assortativity_coefficient``: 1 when ties stay
      within groups, 0 as random, negative when groups seek each other out.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    group_by : str, optional
        The actor attribute defining the groups (default ``"type"``). A missing
        value is a group of its own, ``"(none)"``.

    Returns
    -------
    dict
        Plain JSON-ready values, groups in sorted order:

        - ``group_by``: the attribute used; ``groups``: the group labels;
          ``sizes``: ``{group: actors}``;
        - ``ei_index``, ``ei_index_baseline``: floats;
          ``ei_index_by_group``: ``{group: float}``;
        - ``ties``: ``{group: {group: count}}`` — undirected: symmetric, each
          tie once (within-group ties on the diagonal); directed: row = source
          group, column = target group;
        - ``block_density``: ``{group: {group: float}}``, same layout;
        - ``type_assortativity``: float (by the grouping attribute, ``type``
          unless ``group_by`` says otherwise).

        ``None`` wherever a value is undefined: E–I without ties, a block with
        no possible pair (the diagonal of a one-actor group), assortativity
        without ties or with only one group at the tie ends.

    Notes
    -----
    *Direction.* Directed ties are counted as arcs: a reciprocated pair is two
    ties, and the ``ties`` / ``block_density`` tables are not symmetric. A
    group's E–I index counts the arcs its members send to *and* receive from
    other groups, as the per-actor :func:`ei_index` counts ties named and
    naming: Krackhardt and Stern's group index counts the group's ties with
    outsiders (UCINET, too, defines it by the ties external to the group, with
    no direction), and a nomination from outside is such a tie as much as one
    to outside. Counting
    only the arcs sent would call a group that everybody names but that names
    nobody outside inward-looking, and one that is only named would have no
    index at all. The row sums of ``ties`` give the arcs sent, if wanted. The
    assortativity of a directed alliance uses the source and target groups of
    each arc, as networkx does.

    *Weights* are ignored. *Isolates* count in the group sizes (and so in block
    densities and the baseline) but contribute no ties.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and
       organizational crises. *Social Psychology Quarterly* 51(2), 123–140.
       https://doi.org/10.2307/2786835
    .. [2] Newman, M. E. J. (2003). Mixing patterns in networks. *Physical
       Review E* 67, 026126. https://doi.org/10.1103/PhysRevE.67.026126

    Examples
    --------
    Two churches and a refugee group, undirected, ties ``c1–c2``, ``c1–r``,
    ``c2–r``: 1 internal and 2 external ties, E–I = 1/3. Possible pairs: 1
    within, 2 between, so the baseline is also 1/3 — this alliance mixes
    exactly as much as its composition allows. Churches: ``I = 1, E = 2``;
    refugee: ``E = 2``. Mixing matrix (tie ends): church→church 2/6,
    church→refugee 2/6, refugee→church 2/6, so ``Σ a_i b_i = (4/6)² + (2/6)²
    = 5/9`` and ``r = (2/6 − 5/9) / (1 − 5/9) = −1/2``.

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> alliance = Alliance.from_records(
    ...     [Actor("c1", "St. Anna", "church"), Actor("c2", "St. Paul", "church"),
    ...      Actor("r", "Café Welcome", "refugee")],
    ...     [Tie("c1", "c2"), Tie("c1", "r"), Tie("c2", "r")])
    >>> summary = mixing_summary(to_igraph(alliance))
    >>> round(summary["ei_index"], 4), round(summary["ei_index_baseline"], 4)
    (0.3333, 0.3333)
    >>> summary["ei_index_by_group"]
    {'church': 0.3333333333333333, 'refugee': 1.0}
    >>> summary["ties"]
    {'church': {'church': 1, 'refugee': 2}, 'refugee': {'church': 2, 'refugee': 0}}
    >>> summary["block_density"]["refugee"], summary["type_assortativity"]
    ({'church': 1.0, 'refugee': None}, -0.5)
    """
    codes, names = _groups(g, group_by)
    k = len(names)
    directed = g.is_directed()
    sizes = np.bincount(codes, minlength=k).astype(float)
    edges = edge_array(g)
    arcs = np.bincount(codes[edges[:, 0]] * k + codes[edges[:, 1]], minlength=k * k).reshape(k, k)
    # Undirected: a tie is stored once, in whichever direction igraph keeps it; fold the
    # table so that t_ab = t_ba counts the ties between a and b.
    ties = arcs if directed else arcs + arcs.T - np.diag(np.diag(arcs))

    within = np.diag(ties).astype(float)
    if directed:
        leaving = ties.sum(axis=1) + ties.sum(axis=0) - 2 * within
        possible = np.outer(sizes, sizes) - np.diag(sizes)
    else:
        leaving = ties.sum(axis=1) - within
        possible = np.outer(sizes, sizes) - np.diag(sizes * (sizes + 1) / 2)
    # An undirected table holds each between-group block twice (t_ab and t_ba).
    halve = 1 if directed else 2
    internal = float(within.sum())
    external = float(ties.sum() - internal) / halve
    possible_within = float(np.diag(possible).sum())
    possible_between = float(possible.sum() - possible_within) / halve
    with np.errstate(divide="ignore", invalid="ignore"):
        density = ties / possible
        by_group = (leaving - within) / (leaving + within)

    # Mixing matrix of tie ends: an undirected tie is seen from both of its ends.
    ends = arcs if directed else arcs + arcs.T
    return {
        "group_by": group_by,
        "groups": list(names),
        "sizes": {name: int(size) for name, size in zip(names, sizes, strict=True)},
        "ei_index": _ratio(external - internal, external + internal),
        "ei_index_baseline": _ratio(possible_between - possible_within, possible_between + possible_within),
        "ei_index_by_group": {name: _plain(x) for name, x in zip(names, by_group, strict=True)},
        "ties": _nested(ties, names),
        "block_density": _nested(density, names),
        "type_assortativity": _assortativity(ends),
    }


def _groups(g: ig.Graph, group_by: str) -> tuple[np.ndarray, list[str]]:
    """Group code per vertex, codes numbering the labels in sorted order."""
    names, codes = np.unique(group_labels(g, group_by).to_numpy(dtype=str), return_inverse=True)
    return codes.astype(np.int64), [str(name) for name in names]


def _assortativity(ends: np.ndarray) -> float | None:
    total = ends.sum()
    if total == 0:
        return None
    e = ends / total
    expected = float(e.sum(axis=1) @ e.sum(axis=0))
    if np.isclose(expected, 1.0, rtol=0, atol=1e-12):
        return None  # every tie end in one group: no variation to correlate
    return float((np.trace(e) - expected) / (1 - expected))


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator / denominator) if denominator else None


def _plain(x: float) -> float | int | None:
    if isinstance(x, np.integer):
        return int(x)
    return None if np.isnan(x) else float(x)


def _nested(table: np.ndarray, names: list[str]) -> dict[str, dict[str, Any]]:
    return {
        row: {column: _plain(table[i, j]) for j, column in enumerate(names)}
        for i, row in enumerate(names)
    }

"""What every gap detector shares: the rules, the finding record and the view of the network.

A detector reads a :class:`_Context` (the graph in actor-id order, its undirected view, the
groups, names and per-actor metrics) and yields :class:`Finding` records. A finding says *what*
was found — kind, severity, actors, groups, the figure behind it and a ``gap.*`` message key of
:mod:`netz.messages` with its parameters — never *how* to say it: :func:`words` does that, in
any language of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from netz.analysis._overrides import with_overrides
from netz.core.graph import actor_ids
from netz.core.metrics._base import group_labels
from netz.messages import LANGUAGES, catalogue, message, percent

__all__ = ["CORE_TYPES", "GAP_KINDS", "KEY_TYPES", "SEVERITIES", "Finding", "Thresholds", "words"]

SEVERITIES = ("high", "medium", "low")
GAP_KINDS = (
    "isolated_actor",
    "peripheral_actor",
    "single_point_of_failure",
    "fragile_tie",
    "missing_sector_link",
    "weak_sector_link",
    "refugee_exclusion",
    "unreciprocated_tie",
    "over_centralization",
    "disconnected_cluster",
    "closure_opportunity",
)
#: The sectors every local alliance for refugee aid is expected to bring together. A
#: missing link between two of them is reported (high when it involves the
#: municipality or refugees' own organisations, the two partners such alliances are
#: built around); a missing link between a core sector and another one is low; two
#: non-core sectors (say a school and the police) need not meet and are not reported.
CORE_TYPES = ("initiative", "church", "welfare", "municipality", "refugee")
KEY_TYPES = ("municipality", "refugee")


@dataclass(frozen=True)
class Thresholds:
    """The rules behind the gaps. Every default is a convention; override any of them.

    Attributes
    ----------
    major_share
        A part of the network counts as "large" (high severity) when it holds at
        least this share of all actors (and at least ``major_min`` actors).
    major_min
        See ``major_share``.
    spof_min_cut
        An articulation point is reported when its loss cuts off at least this many actors.
    fragile_min_side
        A bridge is reported when both of its sides have at least this many actors
        (a bridge to a single actor is a ``peripheral_actor``).
    weak_link_ratio
        Two groups are weakly linked when their block density is below this
        fraction of the whole network's density.
    weak_link_min_group
        Only groups of at least this many actors are compared for weak links.
    over_centralization_share
        One actor holding at least this share of all betweenness (or brokerage)
        is reported (medium).
    over_centralization_high
        ... and from this share on, with high severity.
    periphery_max_core
        A refugee actor whose k-core number is at most this, in a network whose
        main core is at least ``core_min_main``, is at the periphery.
    core_min_main
        See ``periphery_max_core``.
    community_max_ties
        Communities tied to the rest of the network by at most this many ties are reported.
    closure_min_common
        Two actors need at least this many common partners to be suggested for an
        introduction; only pairs from two groups whose link is missing or weak (the
        sector-link rules above) are suggested.
    closure_max_suggestions
        At most this many introductions are suggested.
    """

    major_share: float = 0.10
    major_min: int = 3
    spof_min_cut: int = 2
    fragile_min_side: int = 2
    weak_link_ratio: float = 0.25
    weak_link_min_group: int = 2
    over_centralization_share: float = 0.35
    over_centralization_high: float = 0.5
    periphery_max_core: int = 1
    core_min_main: int = 3
    community_max_ties: int = 1
    closure_min_common: int = 2
    closure_max_suggestions: int = 10

    def updated(self, **overrides: Any) -> Thresholds:
        """A copy with some values changed (see :func:`netz.analysis._overrides.with_overrides`)."""
        return with_overrides(self, overrides)


@dataclass(frozen=True)
class Finding:
    """One coordination gap, as data: what was found, about whom, and which words say it.

    ``subject`` is what the finding is *about* — the actor, the pair of actors or the pair of
    groups — and with ``kind`` makes its :attr:`id`, which stays the same across two analyses
    (before and after a removal, wave to wave) as long as the finding is about the same thing,
    whatever else changes (a sector gaining a member, a figure rising). ``actors`` and ``types``
    are everyone and every group involved, for the map.

    ``message`` and ``suggestion`` are ``gap.*`` keys of :mod:`netz.messages`, filled from
    ``params`` by :func:`words`. ``folds`` lists the ids of findings that had the same cause
    and were folded into this one (sector gaps that exist only because one actor is isolated).
    ``cause`` is the isolated actor behind a sector gap, the mark those are folded by.
    """

    kind: str
    severity: str
    actors: tuple[str, ...]
    types: tuple[str, ...]
    value: float | int | None
    subject: tuple[str, ...]
    message: str
    suggestion: str
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    folds: tuple[str, ...] = ()
    impact: float = field(default=0.0, compare=False)
    cause: str | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        """The finding's identity: ``kind:subject`` (``missing_sector_link:church|refugee``,
        ``isolated_actor:pol``), or the kind alone for a finding about the whole alliance."""
        return f"{self.kind}:{'|'.join(self.subject)}" if self.subject else self.kind

    @property
    def explanation(self) -> dict[str, str]:
        """What was found, in every language of the catalogue."""
        return {lang: words(self.message, self.params, lang) for lang in LANGUAGES}

    @property
    def advice(self) -> dict[str, str]:
        """What to do about it, in every language of the catalogue."""
        return {lang: words(self.suggestion, self.params, lang) for lang in LANGUAGES}

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON: the data, the message keys and parameters, and their words."""
        return {"id": self.id, "kind": self.kind, "severity": self.severity, "actors": list(self.actors),
                "types": list(self.types), "value": self.value, "message": self.message,
                "suggestion_message": self.suggestion, "params": dict(self.params),
                "folds": list(self.folds), "explanation": self.explanation, "suggestion": self.advice}


def words(key: str, params: dict[str, Any], lang: str = "de") -> str:
    """A finding's message in ``lang``, its parameters written as people say them.

    By name: ``group``, ``first``, ``second`` are groups (an actor type by its label), and
    ``groups`` a list of them; ``*_actors`` and ``*_ties`` are counts ("1 Akteur", "3 Akteure");
    ``share`` a percentage. Names and other numbers are written as they are.
    """
    written = {name: _written(name, value, lang) for name, value in params.items()}
    return message(key, lang, **written)


def _written(name: str, value: Any, lang: str) -> str:
    if name in ("group", "first", "second"):
        return _group(value, lang)
    if name == "groups":
        return _listed([_group(group, lang) for group in value], lang)
    if name.endswith("_actors"):
        return message("gap.count.actor" if value == 1 else "gap.count.actors", lang, n=value)
    if name.endswith("_ties"):
        return message("gap.count.tie" if value == 1 else "gap.count.ties", lang, n=value)
    if name == "share":
        return percent(value, lang)
    return str(value)


def _group(group: str, lang: str) -> str:
    """A group as people say it, quoted: an actor type by its label, any other value as it is."""
    label = message(f"type.{group}", lang) if f"type.{group}" in catalogue(lang) else group
    return message("gap.quoted", lang, text=label)


def _listed(items: list[str], lang: str) -> str:
    """'A', 'A und B', 'A, B und C'."""
    if len(items) <= 1:
        return "".join(items)
    return message("gap.list", lang, items=", ".join(items[:-1]), last=items[-1])


class _Context:
    """What the detectors share: the graph, its undirected view, groups, names and metrics."""

    def __init__(self, g: ig.Graph, metrics: pd.DataFrame, group_by: str, rules: Thresholds) -> None:
        self.g = g
        self.rules = rules
        self.ids = actor_ids(g)
        # Plain Python lookups for the per-gap work: indexing a pandas Index or Series one
        # element at a time costs microseconds each, and large alliances have many gaps.
        self.id_of: list[str] = g.vs["name"]
        self.metrics = metrics.reindex(self.ids)
        self.names = dict(zip(self.id_of, g.vs["label"] if "label" in g.vs.attributes() else self.id_of,
                              strict=True))
        self.types = pd.Series(g.vs["type"], index=self.ids)
        self.group_by = group_by
        self.groups = group_labels(g, group_by)
        self.group_of: dict[str, str] = dict(zip(self.id_of, self.groups.tolist(), strict=True))
        codes, names = pd.factorize(self.groups.to_numpy())
        self.group_positions = {str(names[code]): at for code, at in _positions(codes).items()}
        self.undirected = g.as_undirected(mode="collapse") if g.is_directed() else g
        self.n = g.vcount()
        self.refugees = set(self.ids[self.types.to_numpy() == "refugee"])
        components = self.undirected.connected_components()
        self.membership = np.asarray(components.membership)
        sizes = np.asarray(components.sizes())
        self.largest = int(np.argmax(sizes)) if len(sizes) else -1
        self.component_sizes = sizes
        self._adjacency: list[list[int]] | None = None
        self._cache: dict[str, Any] = {}  # what one detector computes and another reuses

    def major(self, size: int) -> bool:
        return size >= max(self.rules.major_min, self.rules.major_share * self.n)

    def finding(self, kind: str, severity: str, actors: list[str], value: float | int | None,
                message: str, params: dict[str, Any], *, subject: list[str] | None = None,
                suggestion: str | None = None, impact: float = 0.0, groups: list[str] | None = None,
                cause: str | None = None) -> Finding:
        """A finding; its subject defaults to its actors, its suggestion to ``gap.<kind>.step``."""
        involved = groups if groups is not None else sorted({self.group_of[a] for a in actors})
        return Finding(kind, severity, tuple(actors), tuple(involved), value,
                       tuple(actors if subject is None else subject), f"gap.{message}",
                       suggestion or f"gap.{kind}.step", params, impact=impact, cause=cause)

    def name(self, actor: str) -> str:
        return self.names[actor]

    def names_of(self, actors: list[str], limit: int = 5, total: int | None = None) -> str:
        """Up to ``limit`` names, and how many more of ``total`` (default: all given) there are."""
        total = len(actors) if total is None else total
        shown = ", ".join(self.names[a] for a in actors[:limit])
        return shown + (f" (+{total - min(limit, len(actors))})" if total > min(limit, len(actors)) else "")

    @property
    def adjacency(self) -> list[list[int]]:
        if self._adjacency is None:
            self._adjacency = self.undirected.get_adjlist()
        return self._adjacency


def _positions(labels: np.ndarray) -> dict[int, np.ndarray]:
    """The positions holding each (integer) label, in actor order: one sort, not a scan per label.

    No labels (an alliance without actors), no positions: ``np.split`` would give one empty piece.
    """
    if len(labels) == 0:
        return {}
    order = np.argsort(labels, kind="stable")
    values, starts = np.unique(labels[order], return_index=True)
    return dict(zip(values.tolist(), np.split(order, starts[1:]), strict=True))


def _in_id_order(g: ig.Graph) -> ig.Graph:
    """The graph with its vertices ordered by actor id, so that what the gaps list (actors,
    names in the texts, pairs, gaps of equal rank) does not depend on the order of input rows."""
    # igraph 1.0's permute_vertices takes, for each new position, the old vertex to put there;
    # igraph 0.11 takes the new position of each vertex, the inverse permutation.
    order = np.argsort(np.asarray(g.vs["name"], dtype=object), kind="stable")
    permuted = g.permute_vertices(order.tolist())
    if permuted.vs["name"] != sorted(g.vs["name"]):
        permuted = g.permute_vertices(np.argsort(order).tolist())
    return permuted

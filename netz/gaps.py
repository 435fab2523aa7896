"""Coordination gaps: what is wrong with an alliance's network and what to do about it.

A coordinator does not want a table of centralities but findings: *this*
partner is isolated, *these* two sectors never meet, the alliance depends on
*this* one actor. :func:`find_gaps` turns a network and its per-actor metrics
into a list of :class:`Gap` records, each with the actors and groups involved,
the figure behind it, and an explanation and a concrete suggestion in German
and English.

Every actor-level finding is reported once, by its most specific kind: an
isolated refugee organisation is a ``refugee_exclusion``, not also an
``isolated_actor``. All thresholds live in :class:`Thresholds`; the defaults are
conventions chosen for alliances of 15–300 actors, not findings of the
literature, and are documented in ``docs/metrics.md``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netz._overrides import with_overrides
from netz.graph import actor_ids
from netz.metrics._base import edge_array, group_labels
from netz.vocabulary import TYPE_LABELS

__all__ = ["GAP_KINDS", "SEVERITIES", "Gap", "Thresholds", "find_gaps"]

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
        """A copy with some values changed (see :func:`netz._overrides.with_overrides`)."""
        return with_overrides(self, overrides)


@dataclass(frozen=True)
class Gap:
    """One coordination gap."""

    kind: str
    severity: str
    actors: tuple[str, ...]
    types: tuple[str, ...]
    value: float | int | None
    explanation: dict[str, str]
    suggestion: dict[str, str]
    impact: float = field(default=0.0, compare=False)

    @property
    def key(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """What identifies a gap across two analyses (before/after, wave to wave)."""
        return self.kind, tuple(sorted(self.actors)), tuple(sorted(self.types))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["actors"], data["types"] = list(self.actors), list(self.types)
        del data["impact"]
        return data


def find_gaps(
    g: ig.Graph,
    metrics: pd.DataFrame,
    *,
    group_by: str = "type",
    thresholds: Thresholds | None = None,
) -> list[Gap]:
    """All coordination gaps of a network, most severe and most consequential first.

    Parameters
    ----------
    g
        The alliance's graph from :func:`netz.graph.to_igraph`.
    metrics
        Per-actor metrics indexed by actor id with at least ``degree``,
        ``in_degree``, ``out_degree``, ``betweenness`` and ``coreness``;
        ``brokerage.total`` and ``community`` are used when present.
    group_by
        The actor attribute that defines sectors for the sector-link and closure gaps.
    thresholds
        The rules; :class:`Thresholds` documents each.
    """
    context = _Context(_in_id_order(g), metrics, group_by, thresholds or Thresholds())
    gaps = [gap for finder in _FINDERS for gap in finder(context)]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    # A total order: equal rank and kind go by actors, then groups — never by the input's rows.
    return sorted(gaps, key=lambda gap: (order[gap.severity], -gap.impact, GAP_KINDS.index(gap.kind),
                                         gap.actors, gap.types))


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


class _Context:
    """What the finders share: the graph, its undirected view, groups, names and metrics."""

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
        self.found_links: list[_SectorLink] | None = None  # filled once by _underlinked
        self._adjacency: list[list[int]] | None = None

    def major(self, size: int) -> bool:
        return size >= max(self.rules.major_min, self.rules.major_share * self.n)

    def gap(self, kind: str, severity: str, actors: list[str], value: float | int | None,
            explanation: tuple[str, str], suggestion: tuple[str, str], impact: float = 0.0,
            groups: list[str] | None = None) -> Gap:
        involved = groups if groups is not None else sorted({self.group_of[a] for a in actors})
        return Gap(kind, severity, tuple(actors), tuple(involved), value,
                   {"de": explanation[0], "en": explanation[1]},
                   {"de": suggestion[0], "en": suggestion[1]}, impact)

    def group_name(self, group: str, lang: int) -> str:
        """A group as people say it: type labels for the type vocabulary, else the group's value."""
        if self.group_by == "type" and group in TYPE_LABELS:
            return TYPE_LABELS[group][lang]
        return group

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


def _isolated(c: _Context) -> Iterator[Gap]:
    degree = c.metrics["degree"]
    for actor in c.ids[degree.to_numpy() == 0]:
        if actor in c.refugees:
            continue  # reported as refugee_exclusion
        name = c.name(actor)
        yield c.gap(
            "isolated_actor", "medium", [actor], 0,
            (f"{name} ist Mitglied, arbeitet aber mit niemandem im Bündnis zusammen.",
             f"{name} is a member but cooperates with nobody in the alliance."),
            (f"Sprechen Sie {name} an und stellen Sie einen passenden Partner vor, "
             "etwa aus einer Arbeitsgruppe mit ähnlichem Thema.",
             f"Contact {name} and introduce a suitable partner, for example from a working group "
             "on a similar topic."),
            impact=1.0,
        )


def _peripheral(c: _Context) -> Iterator[Gap]:
    partners = np.asarray(c.undirected.degree())
    for position in np.flatnonzero(partners == 1):
        actor = c.id_of[int(position)]
        if actor in c.refugees:
            continue
        partner = c.id_of[c.undirected.neighbors(int(position))[0]]
        name, other = c.name(actor), c.name(partner)
        yield c.gap(
            "peripheral_actor", "low", [actor, partner], 1,
            (f"{name} hat nur eine einzige Kooperation (mit {other}). Fällt sie weg, ist {name} "
             "nicht mehr eingebunden.",
             f"{name} has a single cooperation (with {other}). If it ends, {name} is no longer "
             "connected."),
            (f"Bitten Sie {other}, {name} mit einem zweiten Partner bekannt zu machen.",
             f"Ask {other} to introduce {name} to a second partner."),
            impact=0.5,
        )


def _single_points_of_failure(c: _Context) -> Iterator[Gap]:
    for position, pieces in _articulation_pieces(c.undirected):
        sizes = [size for size, _ in pieces]
        cut_off = sum(sizes) - max(sizes)
        if cut_off < c.rules.spof_min_cut:
            continue
        actor = c.id_of[position]
        name = c.name(actor)
        # Who is cut off: every piece but the largest (a few names suffice).
        largest = sizes.index(max(sizes))
        starts = [start for k, (_, start) in enumerate(pieces) if k != largest]
        who = c.names_of([c.id_of[x] for x in _reach(c, starts, avoid_vertex=position)], total=cut_off)
        severity = "high" if c.major(cut_off) else "medium"
        yield c.gap(
            "single_point_of_failure", severity, [actor], cut_off,
            (f"Ohne {name} wären {cut_off} Akteure ({who}) vom übrigen Netzwerk abgeschnitten: "
             f"{name} ist ihre einzige Verbindung.",
             f"Without {name}, {cut_off} actors ({who}) would be cut off from the rest of the network: "
             f"{name} is their only link."),
            (f"Schaffen Sie eine zweite Verbindung zu diesen Akteuren, die nicht über {name} läuft, "
             "z. B. ein gemeinsames Treffen mit einem anderen Partner.",
             f"Create a second link to these actors that does not run through {name}, e.g. a joint "
             "meeting with another partner."),
            impact=cut_off,
        )


def _fragile_ties(c: _Context) -> Iterator[Gap]:
    for u, v, side_u, side_v in _bridge_sides(c.undirected):
        smaller = min(side_u, side_v)
        if smaller < c.rules.fragile_min_side:
            continue
        a, b = c.id_of[u], c.id_of[v]
        near, far = (u, v) if side_u <= side_v else (v, u)
        who = c.names_of([c.id_of[x] for x in _reach(c, [near], avoid_edge=(near, far))], total=smaller)
        severity = "high" if c.major(smaller) else "medium"
        yield c.gap(
            "fragile_tie", severity, [a, b], smaller,
            (f"Die Kooperation zwischen {c.name(a)} und {c.name(b)} ist die einzige Brücke zwischen "
             f"zwei Teilen des Netzwerks; am kleineren Teil hängen {smaller} Akteure ({who}).",
             f"The cooperation between {c.name(a)} and {c.name(b)} is the only bridge between two parts "
             f"of the network; {smaller} actors ({who}) are on the smaller side."),
            ("Bauen Sie eine zweite Brücke zwischen den beiden Teilen auf, mit anderen Personen.",
             "Build a second bridge between the two parts, through other people."),
            impact=smaller,
        )


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


def _group_blocks(c: _Context) -> tuple[pd.Series, pd.DataFrame]:
    """Group sizes and the symmetric group × group count of (undirected) ties."""
    sizes = c.groups.value_counts().sort_index()
    edges = edge_array(c.undirected)
    codes = sizes.index.get_indexer(pd.Index(c.groups))  # group positions in sorted order
    k = len(sizes)
    counts = np.bincount(codes[edges[:, 0]] * k + codes[edges[:, 1]], minlength=k * k).reshape(k, k)
    return sizes, pd.DataFrame(counts + counts.T - np.diag(np.diag(counts)), index=sizes.index,
                               columns=sizes.index)


@dataclass(frozen=True)
class _SectorLink:
    """Two groups whose link is missing or weak: what the sector-link rules found."""

    first: str
    second: str
    ties: int
    sizes: tuple[int, int]
    severity: str
    ratio: float  # block density / network density; 0 when missing


def _underlinked(c: _Context) -> list[_SectorLink]:
    """Every pair of groups with a missing or weak link, by the documented rules.

    Missing: no tie at all, reported by :func:`_missing_link_severity`. Weak: both
    groups have at least ``weak_link_min_group`` actors and their block density
    t/(a·b) is below ``weak_link_ratio`` times the network's density.
    """
    if c.found_links is not None:
        return c.found_links
    sizes, blocks = _group_blocks(c)
    groups = list(sizes.index)
    n, m = c.n, c.undirected.ecount()
    overall = m / (n * (n - 1) / 2) if n > 1 else 0.0
    found = []
    for i, first in enumerate(groups):
        for second in groups[i + 1:]:
            ties = int(blocks.loc[first, second])
            a, b = int(sizes[first]), int(sizes[second])
            if ties == 0:
                severity = _missing_link_severity(c, first, second, a, b)
                if severity is not None:
                    found.append(_SectorLink(first, second, 0, (a, b), severity, 0.0))
            elif min(a, b) >= c.rules.weak_link_min_group and overall > 0:
                ratio = ties / (a * b) / overall
                if ratio < c.rules.weak_link_ratio:
                    found.append(_SectorLink(first, second, ties, (a, b), "low", ratio))
    c.found_links = found
    return found


def _sector_links(c: _Context) -> Iterator[Gap]:
    for link in _underlinked(c):
        first, second, ties = link.first, link.second, link.ties
        a, b = link.sizes
        de1, de2, en1, en2 = (c.group_name(first, 0), c.group_name(second, 0),
                              c.group_name(first, 1), c.group_name(second, 1))
        members = list(c.ids[np.sort(np.concatenate([c.group_positions[first], c.group_positions[second]]))])
        if ties == 0:
            yield c.gap(
                "missing_sector_link", link.severity, members, 0,
                (f"Zwischen „{de1}“ ({_count(a, 'de')}) und „{de2}“ ({_count(b, 'de')}) gibt es "
                 "keine einzige Kooperation.",
                 f"There is not a single cooperation between '{en1}' ({_count(a, 'en')}) and "
                 f"'{en2}' ({_count(b, 'en')})."),
                (f"Laden Sie je einen Vertreter von „{de1}“ und „{de2}“ zu einem gemeinsamen "
                 "Termin ein, z. B. in eine Arbeitsgruppe mit einem Thema, das beide betrifft.",
                 f"Invite one representative each of '{en1}' and '{en2}' to a joint meeting, "
                 "e.g. a working group on a topic that concerns both."),
                impact=a * b, groups=[first, second],
            )
        else:
            yield c.gap(
                "weak_sector_link", "low", members, round(link.ratio, 4),
                (f"„{de1}“ und „{de2}“ arbeiten kaum zusammen: {_ties(ties, 'de')} bei {a * b} "
                 "möglichen, weit weniger als im übrigen Netzwerk üblich.",
                 f"'{en1}' and '{en2}' hardly work together: {_ties(ties, 'en')} out of {a * b} "
                 "possible, far fewer than is usual in the rest of the network."),
                ("Stärken Sie die Verbindung über die Akteure, die schon Kontakt haben: "
                 "sie können weitere Partner vorstellen.",
                 "Strengthen the link through the actors who already cooperate: they can "
                 "introduce further partners."),
                impact=a * b * (1 - link.ratio), groups=[first, second],
            )


def _missing_link_severity(c: _Context, first: str, second: str, a: int, b: int) -> str | None:
    """How much a missing link between two groups matters (see CORE_TYPES); None: not a gap."""
    if c.group_by != "type":
        return "medium" if min(a, b) >= 2 else None
    core = (first in CORE_TYPES) + (second in CORE_TYPES)
    if core == 2:
        return "high" if first in KEY_TYPES or second in KEY_TYPES else "medium"
    return "low" if core == 1 and min(a, b) >= 2 else None


def _count(n: int, lang: str) -> str:
    if lang == "de":
        return f"{n} Akteur" if n == 1 else f"{n} Akteure"
    return f"{n} actor" if n == 1 else f"{n} actors"


def _ties(n: int, lang: str) -> str:
    if lang == "de":
        return f"{n} Kooperation" if n == 1 else f"{n} Kooperationen"
    return f"{n} tie" if n == 1 else f"{n} ties"


def _refugee_exclusion(c: _Context) -> Iterator[Gap]:
    if not c.refugees:
        yield c.gap(
            "refugee_exclusion", "high", [], 0,
            ("Im Bündnis ist keine Organisation von Geflüchteten vertreten: Geflüchtete sind hier "
             "Empfänger, nicht Partner.",
             "No refugee organisation is part of the alliance: refugees are recipients here, "
             "not partners."),
            ("Gewinnen Sie Geflüchtete oder eine Migrantenselbstorganisation als Mitglied, "
             "z. B. über Sprachkurse, Vereine oder Beratungsstellen.",
             "Win refugees or a migrant self-organisation as members, e.g. through language "
             "courses, clubs or counselling services."),
            impact=float(c.n), groups=["refugee"],
        )
        return
    # The checks, in order of precedence, for all refugee actors at once (positions ascend in
    # actor-id order, as the graph is in id order); the Python loop then only writes the gaps.
    metrics = c.metrics  # reindexed to the actor order, so row k is position k
    main_core = metrics["coreness"].max() if len(metrics) else 0
    positions = np.flatnonzero(c.types.to_numpy() == "refugee")
    degree = metrics["degree"].to_numpy()[positions]
    core = metrics["coreness"].to_numpy()[positions]
    partners = np.asarray(c.undirected.degree(), dtype=np.int64)[positions]
    isolated = degree == 0
    outside = ~isolated & (c.membership[positions] != c.largest)
    if c.g.is_directed():  # (the in/out columns are only read for directed alliances)
        in_degree = metrics["in_degree"].to_numpy()[positions]
        out_degree = metrics["out_degree"].to_numpy()[positions]
        named_only = ~isolated & ~outside & (out_degree == 0) & (in_degree > 0)
    else:
        in_degree = np.zeros(len(positions))
        named_only = np.zeros(len(positions), dtype=bool)
    single = ~isolated & ~outside & ~named_only & (partners == 1)
    periphery = (~isolated & ~outside & ~named_only & ~single
                 & bool(main_core >= c.rules.core_min_main) & (core <= c.rules.periphery_max_core))
    found = isolated | outside | named_only | single | periphery
    for k in np.flatnonzero(found).tolist():
        position = int(positions[k])
        actor = c.id_of[position]
        name = c.name(actor)
        if isolated[k]:
            severity, value = "high", 0
            explanation = (f"{name} (Geflüchtete) arbeitet mit niemandem im Bündnis zusammen.",
                           f"{name} (refugees) cooperates with nobody in the alliance.")
        elif outside[k]:
            severity, value = "high", int(degree[k])
            explanation = (f"{name} (Geflüchtete) gehört nicht zum zusammenhängenden Hauptteil des "
                           "Netzwerks.",
                           f"{name} (refugees) is not part of the network's connected main part.")
        elif named_only[k]:
            severity, value = "medium", int(in_degree[k])
            explanation = (f"{name} wird von {int(in_degree[k])} Partnern genannt, nennt selbst aber "
                           "niemanden: Geflüchtete erscheinen als Empfänger, nicht als Partner.",
                           f"{name} is named by {int(in_degree[k])} partners but names nobody: "
                           "refugees appear as recipients, not partners.")
        elif single[k]:
            partner = c.name(c.id_of[c.undirected.neighbors(position)[0]])
            severity, value = "medium", 1
            explanation = (f"{name} (Geflüchtete) hat nur einen einzigen Partner im Bündnis ({partner}). "
                           "Endet diese Kooperation, ist die Organisation nicht mehr eingebunden.",
                           f"{name} (refugees) has a single partner in the alliance ({partner}). If that "
                           "cooperation ends, the organisation is no longer connected.")
        else:
            severity, value = "medium", int(core[k])
            explanation = (f"{name} (Geflüchtete) ist nur am Rand eingebunden, nicht im Kern, in dem die "
                           "Partner eng zusammenarbeiten.",
                           f"{name} (refugees) is only at the edge, not in the core where partners "
                           "work closely together.")
        yield c.gap(
            "refugee_exclusion", severity, [actor], value, explanation,
            (f"Beteiligen Sie {name} an Planung und Entscheidungen, nicht nur an Angeboten: z. B. mit "
             "einem Sitz in der Steuerungsgruppe und einer Patenschaft mit einem gut vernetzten Partner.",
             f"Involve {name} in planning and decisions, not only in services: e.g. a seat in the "
             "steering group and a partnership with a well-connected member."),
            impact=float(c.n), groups=["refugee"],
        )


def _unreciprocated(c: _Context) -> Iterator[Gap]:
    if not c.g.is_directed():
        return
    edges = edge_array(c.g)
    if not len(edges):
        return
    codes = edges[:, 0].astype(np.int64) * c.n + edges[:, 1]
    reverse = edges[:, 1].astype(np.int64) * c.n + edges[:, 0]
    for u, v in edges[~np.isin(reverse, codes)]:
        a, b = c.id_of[u], c.id_of[v]
        yield c.gap(
            "unreciprocated_tie", "low", [a, b], 1,
            (f"{c.name(a)} nennt {c.name(b)} als Partner, aber nicht umgekehrt.",
             f"{c.name(a)} names {c.name(b)} as a partner, but not the other way round."),
            ("Fragen Sie beide, wie sie die Zusammenarbeit erleben: oft sieht nur eine Seite sie "
             "als Kooperation.",
             "Ask both how they see the cooperation: often only one side regards it as one."),
            impact=0.1,
        )


def _over_centralization(c: _Context) -> Iterator[Gap]:
    """Actors holding a large share of all betweenness or of all brokerage, once each.

    Both measures usually single out the same actor (in a star, the centre holds all
    of both); it is one finding, reported with the larger of its two shares. Every
    actor at or above the threshold is reported, so that two equally central actors
    are treated alike (at the default share of 0.35 there can be at most two).
    """
    if c.n < 3:
        return
    shares: dict[str, tuple[float, str]] = {}
    for column in ("betweenness", "brokerage.total"):
        if column not in c.metrics:
            continue
        values = c.metrics[column].fillna(0.0)
        total = float(values.sum())
        if total <= 0:
            continue
        part = values / total
        for actor, value in part[part >= c.rules.over_centralization_share].items():
            key = str(actor)
            if value >= c.rules.over_centralization_share and value > shares.get(key, (0.0, ""))[0]:
                shares[key] = (float(value), column)
    for actor, (share, column) in sorted(shares.items(), key=lambda item: (-item[1][0], item[0])):
        severity = "high" if share >= c.rules.over_centralization_high else "medium"
        name = c.name(actor)
        percent = round(100 * share)
        if column == "betweenness":
            explanation = (
                f"Wo zwei Partner nicht direkt zusammenarbeiten, führt der kürzeste Weg zwischen ihnen "
                f"oft über {name}: {percent} % aller Vermittlung im Netzwerk entfallen auf {name}. "
                "Das Bündnis hängt stark an diesem Akteur.",
                f"Where two partners do not work together directly, the shortest route between them "
                f"often runs through {name}: {name} carries {percent} % of all go-between work in the "
                "network. The alliance depends heavily on this actor.")
        else:
            explanation = (
                f"{name} steht in {percent} % aller Fälle in der Mitte, in denen zwei Partner nur über "
                "einen Dritten verbunden sind. Das Bündnis hängt stark an diesem Akteur.",
                f"{name} is the one in the middle in {percent} % of all cases where two partners are "
                "linked only through a third. The alliance depends heavily on this actor.")
        yield c.gap(
            "over_centralization", severity, [actor], round(share, 4), explanation,
            (f"Verteilen Sie Aufgaben: Bringen Sie die Partner von {name} direkt miteinander in "
             "Kontakt und teilen Sie die Koordination auf mehrere Schultern.",
             f"Share the load: connect {name}'s partners directly with each other and spread "
             "coordination over several people."),
            impact=share * c.n,
        )


def _disconnected_clusters(c: _Context) -> Iterator[Gap]:
    in_part = _positions(c.membership)
    for component, size in enumerate(c.component_sizes):
        if component == c.largest or size < 2:
            continue
        members = list(c.ids[in_part[component]])
        severity = "high" if c.major(int(size)) else "medium"
        yield c.gap(
            "disconnected_cluster", severity, members, int(size),
            (f"{size} Akteure ({c.names_of(members)}) arbeiten untereinander zusammen, haben aber keine "
             "Verbindung zum übrigen Bündnis.",
             f"{size} actors ({c.names_of(members)}) work with each other but have no link to the rest "
             "of the alliance."),
            ("Stellen Sie eine Verbindung her: ein gemeinsames Treffen oder ein kleines gemeinsames "
             "Projekt mit einem Partner aus dem Hauptteil.",
             "Build a link: a joint meeting or a small joint project with a partner from the main part."),
            impact=float(size),
        )
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
    for label in labels:
        size, ties = int(sizes[label]), int(outside[label])
        if size < 3 or size == int(in_main.sum()) or ties > c.rules.community_max_ties:
            continue
        members = list(c.ids[members_of[label]])
        yield c.gap(
            "disconnected_cluster", "medium", members, ties,
            (f"Eine Gruppe von {size} Akteuren ({c.names_of(members)}) arbeitet eng zusammen, ist mit "
             f"dem übrigen Bündnis aber nur über {_ties(ties, 'de')} verbunden.",
             f"A group of {size} actors ({c.names_of(members)}) works closely together but is linked "
             f"to the rest of the alliance by only {_ties(ties, 'en')}."),
            ("Knüpfen Sie weitere Verbindungen zwischen dieser Gruppe und dem übrigen Bündnis.",
             "Make further links between this group and the rest of the alliance."),
            impact=float(size),
        )


def _positions(labels: np.ndarray) -> dict[int, np.ndarray]:
    """The positions holding each (integer) label, in actor order: one sort, not a scan per label.

    No labels (an alliance without actors), no positions: ``np.split`` would give one empty piece.
    """
    if len(labels) == 0:
        return {}
    order = np.argsort(labels, kind="stable")
    values, starts = np.unique(labels[order], return_index=True)
    return dict(zip(values.tolist(), np.split(order, starts[1:]), strict=True))


def _closure_opportunities(c: _Context) -> Iterator[Gap]:
    graph = c.undirected
    n = graph.vcount()
    if n < 3 or graph.ecount() == 0 or not _underlinked(c):
        return
    edges = edge_array(graph)
    adjacency = sp.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)).tocsr()
    adjacency = adjacency + adjacency.T
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    # Adamic–Adar: a common partner with few ties says more than a hub that knows everyone.
    inverse_log = np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)), 0.0)
    common = sp.triu(adjacency @ adjacency, k=1).tocoo()
    score = sp.triu(adjacency @ sp.diags(inverse_log) @ adjacency, k=1).tocsr()
    # Only for groups whose link is missing or weak: where sectors already work together,
    # one more introduction is no gap, and a healthy network gets no such suggestions.
    groups, codes = np.unique(c.groups.to_numpy(), return_inverse=True)
    position = {group: k for k, group in enumerate(groups)}
    wanted = np.zeros((len(groups), len(groups)), dtype=bool)
    for link in _underlinked(c):
        i, j = position[link.first], position[link.second]
        wanted[i, j] = wanted[j, i] = True
    rows, cols, counts = common.row.astype(np.int64), common.col.astype(np.int64), common.data
    linked = np.isin(rows * n + cols, edges.min(axis=1) * n + edges.max(axis=1))
    keep = (counts >= c.rules.closure_min_common) & ~linked & wanted[codes[rows], codes[cols]]
    rows, cols, counts = rows[keep], cols[keep], counts[keep]
    scores = _entries(score, rows, cols)
    # Highest score first; equal scores in actor order, whatever order scipy kept the entries in.
    for k in np.lexsort((cols, rows, -scores))[: c.rules.closure_max_suggestions]:
        a, b = c.id_of[rows[k]], c.id_of[cols[k]]
        shared = int(counts[k])
        ga, gb = c.group_of[a], c.group_of[b]
        yield c.gap(
            "closure_opportunity", "low", [a, b], round(float(scores[k]), 4),
            (f"{c.name(a)} und {c.name(b)} haben {shared} gemeinsame Partner, arbeiten aber nicht "
             "direkt zusammen. Eine Kooperation der beiden wäre eine Brücke zwischen "
             f"„{c.group_name(ga, 0)}“ und „{c.group_name(gb, 0)}“, die bisher kaum oder gar nicht "
             "zusammenarbeiten.",
             f"{c.name(a)} and {c.name(b)} share {shared} partners but do not work together directly. "
             f"Their cooperation would bridge '{c.group_name(ga, 1)}' and '{c.group_name(gb, 1)}', which "
             "hardly work together so far."),
            (f"Stellen Sie {c.name(a)} und {c.name(b)} einander vor; ein gemeinsamer Partner kann das "
             "Treffen vermitteln.",
             f"Introduce {c.name(a)} and {c.name(b)} to each other; a shared partner can arrange it."),
            impact=float(scores[k]) / (1 + math.log1p(n)),
        )


def _entries(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """matrix[rows[k], cols[k]] for every k, as a flat array (scipy returns varying types)."""
    picked = matrix[rows, cols]
    return np.asarray(picked.todense() if sp.issparse(picked) else picked, dtype=float).ravel()


_FINDERS = (
    _isolated,
    _peripheral,
    _single_points_of_failure,
    _fragile_ties,
    _sector_links,
    _refugee_exclusion,
    _unreciprocated,
    _over_centralization,
    _disconnected_clusters,
    _closure_opportunities,
)

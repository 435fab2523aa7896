"""Gaps between sectors: groups that never or hardly work together, and refugees' own
organisations left out (absent, isolated, outside the main part, only named, at the edge).

A sector gap is about its two groups, whoever their members are: its identity stays the
same when a group gains or loses a member.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from netz.analysis.gaps._base import CORE_TYPES, KEY_TYPES, Finding, _Context
from netz.core.metrics._base import edge_array

__all__ = ["refugee_exclusion", "sector_links", "underlinked"]

#: The type of actors whose type is unknown or pooled (netz.core.vocabulary).
UNTYPED = "other"


@dataclass(frozen=True)
class SectorLink:
    """Two groups whose link is missing or weak: what the sector-link rules found."""

    first: str
    second: str
    ties: int
    sizes: tuple[int, int]
    severity: str
    ratio: float  # block density / network density; 0 when missing


def underlinked(c: _Context) -> list[SectorLink]:
    """Every pair of groups with a missing or weak link, by the documented rules (computed once).

    Missing: no tie at all, reported by :func:`_missing_link_severity`. Weak: both
    groups have at least ``weak_link_min_group`` actors and their block density
    t/(a·b) is below ``weak_link_ratio`` times the network's density. By type, the actors of
    type ``other`` are no group of their own here.
    """
    if "links" in c._cache:
        found: list[SectorLink] = c._cache["links"]
        return found
    sizes, blocks = _group_blocks(c)
    # Actors of type "other" (unknown, or rarer types pooled for privacy) make no sector of their
    # own: "Sonstige never meets the churches" names no two parts of the alliance that could meet.
    groups = [group for group in sizes.index if not (c.group_by == "type" and group == UNTYPED)]
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
                    found.append(SectorLink(first, second, 0, (a, b), severity, 0.0))
            elif min(a, b) >= c.rules.weak_link_min_group and overall > 0:
                ratio = ties / (a * b) / overall
                if ratio < c.rules.weak_link_ratio:
                    found.append(SectorLink(first, second, ties, (a, b), "low", ratio))
    c._cache["links"] = found
    return found


def sector_links(c: _Context) -> Iterator[Finding]:
    """Missing and weak links between groups, each about its two groups.

    A missing link whose one side is a single isolated actor carries that actor as its
    ``cause``: it exists only because that actor works with nobody, and :func:`netz.analysis.gaps.find_gaps`
    folds it into the actor's own finding.
    """
    degree = np.asarray(c.undirected.degree())
    for link in underlinked(c):
        first, second, ties = link.first, link.second, link.ties
        a, b = link.sizes
        members = list(c.ids[np.sort(np.concatenate([c.group_positions[first], c.group_positions[second]]))])
        params = {"first": first, "second": second, "first_actors": a, "second_actors": b}
        if ties == 0:
            alone = [group for group, size in ((first, a), (second, b))
                     if size == 1 and degree[c.group_positions[group][0]] == 0]
            cause = None
            if len(alone) == 1:  # the one side is a single actor without any tie
                params["alone"] = alone[0]
                cause = c.id_of[int(c.group_positions[alone[0]][0])]
            yield c.finding("missing_sector_link", link.severity, members, 0, "missing_sector_link", params,
                            subject=[first, second], impact=a * b, groups=[first, second], cause=cause)
        else:
            yield c.finding("weak_sector_link", "low", members, round(link.ratio, 4), "weak_sector_link",
                            {**params, "found_ties": ties, "possible": a * b}, subject=[first, second],
                            impact=a * b * (1 - link.ratio), groups=[first, second])


def _group_blocks(c: _Context) -> tuple[pd.Series, pd.DataFrame]:
    """Group sizes and the symmetric group × group count of (undirected) ties."""
    sizes = c.groups.value_counts().sort_index()
    edges = edge_array(c.undirected)
    codes = sizes.index.get_indexer(pd.Index(c.groups))  # group positions in sorted order
    k = len(sizes)
    counts = np.bincount(codes[edges[:, 0]] * k + codes[edges[:, 1]], minlength=k * k).reshape(k, k)
    return sizes, pd.DataFrame(counts + counts.T - np.diag(np.diag(counts)), index=sizes.index,
                               columns=sizes.index)


def _missing_link_severity(c: _Context, first: str, second: str, a: int, b: int) -> str | None:
    """How much a missing link between two groups matters (see CORE_TYPES); None: not a gap."""
    if c.group_by != "type":
        return "medium" if min(a, b) >= 2 else None
    core = (first in CORE_TYPES) + (second in CORE_TYPES)
    if core == 2:
        return "high" if first in KEY_TYPES or second in KEY_TYPES else "medium"
    return "low" if core == 1 and min(a, b) >= 2 else None


def refugee_exclusion(c: _Context) -> Iterator[Finding]:
    """No refugee organisation at all (an alliance with actors only), or, per refugee
    organisation, the first rule that applies: isolated, outside the main part, only named,
    a single partner, at the edge of the core."""
    if not c.refugees:
        if c.n:
            yield c.finding("refugee_exclusion", "high", [], 0, "refugee_exclusion.absent", {},
                            suggestion="gap.refugee_exclusion.absent.step", impact=float(c.n),
                            groups=["refugee"])
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
        params: dict[str, object] = {"name": c.name(actor)}
        if isolated[k]:
            severity, value, variant = "high", 0, "isolated"
        elif outside[k]:
            severity, value, variant = "high", int(degree[k]), "outside"
        elif named_only[k]:
            severity, value, variant = "medium", int(in_degree[k]), "named_only"
            params["named_by"] = int(in_degree[k])
        elif single[k]:
            severity, value, variant = "medium", 1, "single"
            params["other"] = c.name(c.id_of[c.undirected.neighbors(position)[0]])
        else:
            severity, value, variant = "medium", int(core[k]), "periphery"
        yield c.finding("refugee_exclusion", severity, [actor], value, f"refugee_exclusion.{variant}", params,
                        impact=float(c.n), groups=["refugee"])

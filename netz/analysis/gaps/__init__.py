"""Coordination gaps: what is wrong with an alliance's network and what to do about it.

A coordinator does not want a table of centralities but findings: *this* partner is isolated,
*these* two sectors never meet, the alliance depends on *this* one actor. :func:`find_gaps`
runs the detectors of each family on a network and its per-actor metrics and returns
:class:`Finding` records, each with the actors and groups involved, the figure behind it and
the ``gap.*`` messages (with parameters) that explain it and suggest what to do;
:func:`top_steps` picks the three steps to take first.

The detector families, one module each:

- :mod:`~netz.analysis.gaps.actors`: isolated and peripheral actors, single points of failure, fragile ties;
- :mod:`~netz.analysis.gaps.sectors`: missing and weak links between sectors, refugees' organisations left
out;
- :mod:`~netz.analysis.gaps.centralization`: one actor carrying much of the go-between work;
- :mod:`~netz.analysis.gaps.cohesion`: groups apart from the rest, one-sided survey ties;
- :mod:`~netz.analysis.gaps.closure`: introductions that would bridge sectors that hardly meet.

**One cause, one finding.** Every actor-level finding is reported once, by its most specific
kind (an isolated refugee organisation is a ``refugee_exclusion``, not also an
``isolated_actor``), and a finding that exists only because of another is folded into it: a
missing sector link whose one side is a single isolated actor into that actor's finding, a
bridge whose loss cuts off exactly what the actor at its end cuts off into that actor's
``single_point_of_failure``. All thresholds live in :class:`Thresholds`; the defaults are
conventions chosen for alliances of 15–300 actors, not findings of the literature, and are
documented in ``docs/metrics.md``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import igraph as ig
import pandas as pd

from netz.analysis.gaps._base import (
    CORE_TYPES,
    GAP_KINDS,
    KEY_TYPES,
    SEVERITIES,
    Finding,
    Thresholds,
    _Context,
    _in_id_order,
    words,
)
from netz.analysis.gaps.actors import fragile_ties, isolated, peripheral, single_points_of_failure
from netz.analysis.gaps.centralization import over_centralization
from netz.analysis.gaps.closure import closure_opportunities
from netz.analysis.gaps.cohesion import disconnected_clusters, unreciprocated
from netz.analysis.gaps.sectors import refugee_exclusion, sector_links

__all__ = ["CORE_TYPES", "GAP_KINDS", "KEY_TYPES", "SEVERITIES", "Finding", "Gap", "Thresholds",
           "compare_findings", "find_gaps", "top_steps", "words"]

#: The name the library has always used for a finding.
Gap = Finding

_DETECTORS = (
    isolated,
    peripheral,
    single_points_of_failure,
    fragile_ties,
    sector_links,
    refugee_exclusion,
    unreciprocated,
    over_centralization,
    disconnected_clusters,
    closure_opportunities,
)
#: The kinds of finding a finding with a ``cause`` can join, by its kind (an isolated refugee
#: organisation's finding is a refugee_exclusion).
_FOLDED_INTO = {
    "missing_sector_link": ("isolated_actor", "refugee_exclusion"),
    "fragile_tie": ("single_point_of_failure",),
    "disconnected_cluster": ("single_point_of_failure",),
}
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def find_gaps(
    g: ig.Graph,
    metrics: pd.DataFrame,
    *,
    group_by: str = "type",
    thresholds: Thresholds | None = None,
) -> list[Finding]:
    """All coordination gaps of a network, most severe and most consequential first.

    Parameters
    ----------
    g
        The alliance's graph from :func:`netz.core.graph.to_igraph`.
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
    findings = _folded([finding for detector in _DETECTORS for finding in detector(context)])
    # A total order: equal rank and kind go by actors, then groups — never by the input's rows.
    return sorted(findings, key=lambda f: (_SEVERITY_RANK[f.severity], -f.impact, GAP_KINDS.index(f.kind),
                                           f.actors, f.types))


def _folded(findings: list[Finding]) -> list[Finding]:
    """Findings with one cause reported once: each finding with a ``cause`` joins that actor's
    finding (its severity the higher of the two, its actors added — and a sector gap's groups —,
    its id listed in ``folds``); one whose actor has no such finding stays as it is."""
    hosts = {(f.subject[0], f.kind): k for k, f in enumerate(findings) if len(f.subject) == 1}
    guests: dict[int, list[Finding]] = {}
    for finding in findings:
        if finding.cause is None:
            continue
        host = next((hosts[finding.cause, kind] for kind in _FOLDED_INTO[finding.kind]
                     if (finding.cause, kind) in hosts), None)
        if host is not None:
            guests.setdefault(host, []).append(finding)
    folded = {id(guest) for joined in guests.values() for guest in joined}
    return [_join(f, guests[k]) if k in guests else f for k, f in enumerate(findings) if id(f) not in folded]


def _join(host: Finding, guests: list[Finding]) -> Finding:
    """One finding for one cause: the host's, with what its guests add (and said so, where the
    catalogue has words for it: ``<message>.sectors``, ``<message>.bridge``)."""
    params = dict(host.params)
    message = host.message
    if guests[0].kind == "missing_sector_link":  # the isolated actor's group meets nobody
        params["group"] = own = guests[0].params["alone"]
        params["groups"] = [next(t for t in guest.types if t != own) for guest in guests]
        message += ".sectors"
        actors = host.actors
        types = tuple(dict.fromkeys([*host.types, *(t for guest in guests for t in guest.types)]))
    else:  # a bridge and the group hanging on it: their actors, and the partner across the bridge
        bridge = next((guest for guest in guests if guest.kind == "fragile_tie"), None)
        if bridge is not None:
            tie = bridge.actors
            params["other"] = bridge.params["second_name" if tie[0] == host.actors[0] else "first_name"]
            message += ".bridge"
        actors = tuple(dict.fromkeys([*host.actors, *(a for guest in guests for a in guest.actors)]))
        types = host.types  # the weak point is the host: its group (a "bridging municipality")
    severity = min([host.severity, *(guest.severity for guest in guests)], key=_SEVERITY_RANK.__getitem__)
    return replace(host, severity=severity, actors=actors, types=types, params=params, message=message,
                   folds=tuple(guest.id for guest in guests),
                   impact=max([host.impact, *(guest.impact for guest in guests)]))


def top_steps(findings: list[Finding], count: int = 3) -> list[dict[str, Any]]:
    """The ``count`` most important steps: the suggestions of the first findings, one per kind.

    The findings come most urgent first (:func:`find_gaps`); a step is taken from the first
    finding of each kind, so that three sector links do not crowd out an isolated partner;
    with fewer kinds than steps the next findings fill the list. Each step: ``rank``, the
    ``finding``'s id, its ``kind`` and ``severity``, the suggestion's ``message`` key and
    ``params``, and its ``text`` in every language.
    """
    chosen: list[Finding] = []
    kinds: set[str] = set()
    for finding in findings:
        if finding.kind not in kinds and len(chosen) < count:
            kinds.add(finding.kind)
            chosen.append(finding)
    taken = {id(f) for f in chosen}
    chosen += [f for f in findings if id(f) not in taken][: count - len(chosen)]
    chosen.sort(key=lambda f: findings.index(f))
    return [{"rank": rank, "finding": f.id, "kind": f.kind, "severity": f.severity, "message": f.suggestion,
             "params": dict(f.params), "text": f.advice} for rank, f in enumerate(chosen, start=1)]


def compare_findings(before: list[Finding], after: list[Finding]) -> dict[str, list[Finding]]:
    """What changed between two analyses, by finding id: ``new`` (only after), ``resolved`` (only
    before) and ``changed`` (in both, but more or less severe or said another way, such as an
    isolated actor whose sector is now cut off too; given as after). A figure that moves alone
    (an introduction's score, a sector's size) is no change worth telling."""
    earlier = {f.id: f for f in before}
    later = {f.id: f for f in after}
    return {
        "new": [f for f in after if f.id not in earlier],
        "resolved": [f for f in before if f.id not in later],
        "changed": [f for f in after if f.id in earlier
                    and (f.severity, f.message) != (earlier[f.id].severity, earlier[f.id].message)],
    }

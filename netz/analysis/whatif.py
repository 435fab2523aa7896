"""What-if: what happens to the alliance if some actors leave — and who matters most.

:func:`whatif` removes actors and compares the network before and after:
separate parts, the share of actors in the largest part, the average distance,
who loses every partner, and which coordination gaps appear or disappear.

:func:`key_players` finds the *k* actors whose joint departure would fragment
the network most — Borgatti's (2006) key-player problem KPP-Neg — greedily: it
removes, one at a time, the actor whose removal raises fragmentation most.
Greedy selection is not guaranteed optimal (the exact problem is NP-hard), but
it is deterministic, fast and what coordinators need: a ranked list of whom
to protect.

Reference: Borgatti, S. P. (2006). Identifying sets of key players in a social
network. *Computational and Mathematical Organization Theory* 12, 21–34.
https://doi.org/10.1007/s10588-006-7084-x
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import igraph as ig
import numpy as np

from netz.analysis.gaps import Finding, Thresholds, compare_findings
from netz.analysis.health import Bands
from netz.analysis.report import Analysis, analyse
from netz.core.errors import UnknownNameError
from netz.core.metrics.structure import fragmentation
from netz.core.model import Alliance

__all__ = ["fragmentation", "key_players", "remove_actors", "whatif"]


def remove_actors(alliance: Alliance, actor_ids: Iterable[str]) -> Alliance:
    """The alliance without these actors and their ties (:class:`~netz.core.errors.UnknownNameError`
    for an unknown id)."""
    leaving = set(actor_ids)
    unknown = sorted(leaving - set(alliance.actors["id"]))
    if unknown:
        raise UnknownNameError("error.name.no_actors", name=unknown,
                               accepted=list(alliance.actors["id"]), heading="error.name.heading.ids")
    actors = alliance.actors[~alliance.actors["id"].isin(leaving)].reset_index(drop=True)
    ties = alliance.ties[~(alliance.ties["source"].isin(leaving) | alliance.ties["target"].isin(leaving))]
    return Alliance(actors, ties.reset_index(drop=True), alliance.directed, alliance.weighted,
                    alliance.meta, alliance.warnings)


def whatif(alliance: Alliance, remove: Iterable[str], *, group_by: str = "type", wave: str | None = None,
           thresholds: Thresholds | None = None, bands: Bands | None = None,
           before: Analysis | None = None) -> dict[str, Any]:
    """Compare the alliance with and without some actors.

    ``before`` is the analysis of the alliance as it is (computed here from
    ``alliance``, ``wave`` and the options when not given). The alliance after
    the removal is the one ``before`` analysed (that is, in its wave) without
    these actors, analysed with the same grouping, thresholds and bands, so that
    the gaps before and after are comparable. Pass the same ``thresholds`` and
    ``bands`` as were used for ``before``.

    Returns the ``removed`` ids, whole-network figures ``before`` and ``after``,
    the actors who had partners and lose them all (``loses_all_ties``), the
    gaps that appear (``new_gaps``), those that disappear without involving a
    removed actor (``resolved_gaps``) and those that stay but get more or less
    severe or are said another way (``changed_gaps``, as after, each with its
    ``before`` severity and value) — a gap is the same before and after when its
    id is (:attr:`netz.analysis.gaps.Finding.id`: kind and what it is about, not who
    belongs to a sector); ``warnings``, findings about the removal itself that
    the figures would hide (the alliance loses its last refugee organisation;
    fragmentation falls only because unconnected members left); and ``names``:
    the name of every actor these lists mention.
    """
    leaving = list(dict.fromkeys(remove))
    before = before or analyse(alliance, group_by=group_by, wave=wave, thresholds=thresholds, bands=bands)
    # before.alliance is already the chosen wave: keep all of its ties, whatever their wave.
    after = analyse(remove_actors(before.alliance, leaving), group_by=group_by, wave="all",
                    thresholds=thresholds, bands=bands)
    partners_before = before.actors["degree"]
    partners_after = after.actors["degree"]
    stranded = [a for a in after.actors.index if partners_after[a] == 0 and partners_before[a] > 0]
    changes = compare_findings(before.gaps, after.gaps)
    earlier = {g.id: g for g in before.gaps}
    names = dict(zip(before.alliance.actors["id"], before.alliance.actors["name"], strict=True))
    return {
        "removed": leaving,
        "before": _figures(before),
        "after": _figures(after),
        "loses_all_ties": stranded,
        "new_gaps": [g.to_dict() for g in changes["new"]],
        "resolved_gaps": [g.to_dict() for g in changes["resolved"] if not set(g.actors) & set(leaving)],
        "changed_gaps": [{**g.to_dict(), "before": {"severity": earlier[g.id].severity,
                                                    "value": earlier[g.id].value}}
                         for g in changes["changed"]],
        "warnings": [w.to_dict() for w in _warnings(before, after, leaving, names)],
        "names": {actor: names[actor] for actor in [*leaving, *stranded]},
    }


def _warnings(before: Analysis, after: Analysis, leaving: list[str], names: dict[str, str]) -> list[Finding]:
    """What the removal itself means, where better figures would read as good news.

    The last refugee organisations leaving is a loss, however the structure looks afterwards;
    and removing actors who had no partner lowers fragmentation without anything getting better.
    """
    types = dict(zip(before.alliance.actors["id"], before.alliance.actors["type"], strict=True))
    found = []
    refugees = [a for a in leaving if types[a] == "refugee"]
    if refugees and not (after.alliance.actors["type"] == "refugee").any():
        found.append(Finding("refugee_partner_lost", "high", tuple(refugees), ("refugee",), 0,
                             tuple(refugees), "whatif.refugee_partner_lost",
                             "gap.refugee_exclusion.absent.step",
                             {"names": ", ".join(names[a] for a in refugees)}))
    unconnected = [a for a in leaving if before.actors["degree"][a] == 0]
    fragmentation_before, fragmentation_after = before.network.get("fragmentation"), after.network.get(
        "fragmentation")
    if (unconnected and fragmentation_before is not None and fragmentation_after is not None
            and fragmentation_after < fragmentation_before):
        found.append(Finding("unconnected_left", "medium", tuple(unconnected), (), len(unconnected),
                             tuple(unconnected), "whatif.unconnected_left", "whatif.unconnected_left.step",
                             {"names": ", ".join(names[a] for a in unconnected)}))
    return found


def key_players(g: ig.Graph, k: int = 3, *, max_candidates: int = 500) -> list[dict[str, Any]]:
    """The k actors whose removal fragments the network most, chosen greedily.

    Each step tries every remaining actor (or, in networks larger than
    ``max_candidates``, the ``max_candidates`` with the highest betweenness,
    which contain the articulation points that matter) and keeps the one whose
    removal gives the highest fragmentation of what remains. Ties are broken by
    actor order, so the result is reproducible. At most ``n − 2`` actors are
    chosen (fragmentation needs two actors).

    Returns one dict per chosen actor, in order: ``id``, ``name`` (the actor's
    label), ``rank`` (1, 2, …) and ``fragmentation_after``, the fragmentation
    once this actor and every actor ranked before it have left.

    >>> g = ig.Graph(n=5, edges=[(0, 1), (1, 2), (2, 3), (3, 4)])
    >>> g.vs["name"] = list("abcde")
    >>> [(p["id"], round(p["fragmentation_after"], 3)) for p in key_players(g, 1)]
    [('c', 0.667)]
    """
    remaining = g.copy()
    chosen: list[dict[str, Any]] = []
    for _ in range(min(k, max(g.vcount() - 2, 0))):
        candidates: range | list[int] = range(remaining.vcount())
        if remaining.vcount() > max_candidates:
            order = np.argsort(-np.asarray(remaining.betweenness(directed=False)), kind="stable")
            candidates = sorted(order[:max_candidates].tolist())
        best, best_value = -1, -1.0
        for position in candidates:
            trial = remaining.copy()
            trial.delete_vertices([position])
            value = fragmentation(trial) or 0.0
            if value > best_value + 1e-12:
                best, best_value = position, value
        vertex = remaining.vs[best]
        label = vertex["label"] if "label" in remaining.vs.attributes() else vertex["name"]
        chosen.append({"id": vertex["name"], "name": label, "rank": len(chosen) + 1,
                       "fragmentation_after": best_value})
        remaining.delete_vertices([best])
    return chosen


def _figures(analysis: Analysis) -> dict[str, Any]:
    network = analysis.network
    return {key: network.get(key) for key in (
        "n_actors", "n_ties", "components", "largest_component_share", "average_path_length",
        "fragmentation")}


"""Change between survey waves: who joined or left, ties gained and lost, what got better or worse.

An actor *takes part* in a wave when it has at least one tie observed in that
wave (ties without a wave count in every wave); the actor list itself is shared
by all waves. Two ties are the same when they join the same pair (in the same
direction, for directed alliances), whatever their kind.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd

from netz.analysis.gaps import Thresholds, compare_findings
from netz.analysis.health import Bands
from netz.analysis.report import Analysis, analyse
from netz.analysis.survey import recorded_unknown
from netz.core.errors import UnknownNameError
from netz.core.model import Alliance, plain_value

__all__ = ["ACTOR_CHANGE_COLUMNS", "diff_analyses", "diff_waves", "wave_analyses"]

#: Per-actor metrics whose change between waves the diff reports.
ACTOR_CHANGE_COLUMNS = ("degree", "betweenness_norm", "closeness", "constraint", "brokerage.total")
_NETWORK_FIGURES = (
    "n_ties", "density", "mean_degree", "components", "largest_component_share", "fragmentation",
    "transitivity", "average_path_length", "reciprocity",
)


def wave_analyses(
    alliance: Alliance, *, group_by: str = "type", thresholds: Thresholds | None = None,
    bands: Bands | None = None,
) -> dict[str, Analysis]:
    """One analysis per wave, in time order."""
    return {wave: analyse(alliance, group_by=group_by, wave=wave, thresholds=thresholds, bands=bands)
            for wave in alliance.waves}


def diff_waves(
    alliance: Alliance, from_wave: str, to_wave: str, *, group_by: str = "type",
    thresholds: Thresholds | None = None, bands: Bands | None = None,
) -> dict[str, Any]:
    """What changed from one wave to another (:class:`~netz.core.errors.UnknownNameError` for a wave
    that does not exist).

    Returns ``from``, ``to`` and ``directed``; ``actors_joined`` and ``actors_left`` (ids taking
    part in one wave but not the other); ``ties_gained`` and ``ties_lost`` as
    ``[source, target]`` pairs (sorted within the pair when undirected); ``actors_unknown`` and
    ``ties_unknown`` (see :func:`diff_analyses`' ``unknown``: when ``to_wave`` came from a survey
    whose respondents were recorded at its close, :func:`netz.analysis.survey.recorded_unknown`,
    a tie between two who did not answer is unknown, not lost);
    ``network``: each whole-network figure's ``from``, ``to`` and ``change``;
    ``actors``: the same for each actor's metrics in ``ACTOR_CHANGE_COLUMNS``;
    ``gaps_new`` and ``gaps_resolved`` (a gap is the same when its id is: its kind and what it
    is about, :attr:`netz.analysis.gaps.Finding.id`), ``gaps_changed`` (in both waves, but more or less
    severe or said another way; as in the later wave, :func:`netz.analysis.gaps.compare_findings`); and
    ``names``, the name of every actor in the actor and tie lists.
    """
    for wave in (from_wave, to_wave):
        if str(wave) not in alliance.waves:
            # select_wave reads a wave-less alliance as one observation; a diff needs two.
            raise UnknownNameError("error.name.no_wave", name=str(wave), accepted=alliance.waves,
                                   heading="error.name.heading.waves",
                                   note=None if alliance.waves else "error.name.note.no_waves")
    before = analyse(alliance, group_by=group_by, wave=str(from_wave), thresholds=thresholds, bands=bands)
    after = analyse(alliance, group_by=group_by, wave=str(to_wave), thresholds=thresholds, bands=bands)
    unknown = recorded_unknown(alliance.meta, str(to_wave), directed=alliance.directed) or ()
    return diff_analyses(alliance, before, after, unknown=unknown)


def diff_analyses(
    alliance: Alliance, before: Analysis, after: Analysis, *, unknown: Collection[tuple[str, str]] = ()
) -> dict[str, Any]:
    """What changed between two analyses of ``alliance``'s waves (:func:`diff_waves`' result).

    For a caller that has analysed one of the waves already (the handout describes the later
    wave): the wave is not analysed a second time.

    ``unknown``: the pairs (as in ``ties_lost``) whose state in the later wave is not known, e.g.
    two non-respondents of the survey the wave came from (:func:`netz.analysis.survey.unknown_dyads`).
    Unknown is not absent: such a pair's earlier tie is not lost but in ``ties_unknown``, and an
    actor without ties in the later wave that has an unknown pair is not left but in
    ``actors_unknown`` (it may have ties nobody could report). Both lists are empty without
    ``unknown``.
    """
    active_before, active_after = _active(before), _active(after)
    pairs_before, pairs_after = _pairs(before.alliance), _pairs(after.alliance)
    changes = compare_findings(before.gaps, after.gaps)
    not_known = set(unknown) - pairs_after
    in_unknown = {actor for pair in not_known for actor in pair}
    gone = active_before - active_after
    joined = sorted(active_after - active_before)
    left, vanished = sorted(gone - in_unknown), sorted(gone & in_unknown)
    gained = sorted(pairs_after - pairs_before)
    lost, unseen = sorted(pairs_before - pairs_after - not_known), sorted(pairs_before & not_known)
    mentioned = {*joined, *left, *vanished, *(a for pair in gained + lost + unseen for a in pair)}
    names = dict(zip(alliance.actors["id"], alliance.actors["name"], strict=True))
    return {
        "from": before.wave,
        "to": after.wave,
        "directed": alliance.directed,
        "actors_joined": joined,
        "actors_left": left,
        "actors_unknown": vanished,
        "ties_gained": [list(p) for p in gained],
        "ties_lost": [list(p) for p in lost],
        "ties_unknown": [list(p) for p in unseen],
        "network": {
            key: {"from": before.network.get(key), "to": after.network.get(key),
                  "change": _change(before.network.get(key), after.network.get(key))}
            for key in _NETWORK_FIGURES
        },
        "actors": _actor_changes(before.actors, after.actors),
        "gaps_new": [g.to_dict() for g in changes["new"]],
        "gaps_resolved": [g.to_dict() for g in changes["resolved"]],
        "gaps_changed": [g.to_dict() for g in changes["changed"]],
        "names": {actor: names[actor] for actor in sorted(mentioned)},
    }


def _active(analysis: Analysis) -> set[str]:
    ties = analysis.alliance.ties
    return set(ties["source"]) | set(ties["target"])


def _pairs(alliance: Alliance) -> set[tuple[str, str]]:
    ties = alliance.ties
    pairs = zip(ties["source"], ties["target"], strict=True)
    return {(s, t) if alliance.directed or s <= t else (t, s) for s, t in pairs}


def _actor_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[dict[str, Any]]:
    """Per actor and metric: from, to, change. An actor absent from a wave has None there."""
    columns = [c for c in ACTOR_CHANGE_COLUMNS if c in before.columns]
    actors = before.index.union(after.index, sort=False)
    old, new = before[columns].reindex(actors), after[columns].reindex(actors)
    # read as three object arrays, not cell by cell (.at: a pandas lookup per value, 4,500 for
    # 300 actors: most of the diff's own time when a survey closes)
    values = [frame.to_numpy(dtype=object) for frame in (old, new, new - old)]
    return [
        {"id": actor, **{column: {"from": plain_value(values[0][i, j]), "to": plain_value(values[1][i, j]),
                                  "change": plain_value(values[2][i, j])}
                         for j, column in enumerate(columns)}}
        for i, actor in enumerate(actors)
    ]


def _change(old: Any, new: Any) -> float | None:
    if isinstance(old, int | float) and isinstance(new, int | float):
        return new - old
    return None


"""A new revision of an alliance from a file: what changes, and the data as a further wave.

A coordinator who uploads a corrected workbook, or the next survey round, wants to see what the
upload changes before it is stored: which actors come and go, which are renamed or given another
type, which ties appear and disappear. :func:`changes` says that for two alliances; :func:`add_wave`
builds the alliance that keeps the stored ties and adds the upload's as one more wave.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from netz.core.errors import InputError
from netz.core.model import Alliance, plain_value

__all__ = ["add_wave", "changes"]


def changes(before: Alliance, after: Alliance) -> dict[str, Any]:
    """What turns ``before`` into ``after``: actors added, removed, renamed and retyped (by id),
    ties added and removed (by their two ends, their wave and kind; a tie that is only reweighted
    counts as changed).

    Ties of an undirected alliance are compared without their direction, as the alliance has none.

    >>> churches = ["church", "church"]
    >>> a = Alliance.from_frames(pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "type": churches}),
    ...                          pd.DataFrame({"source": ["a"], "target": ["b"]}))
    >>> b = Alliance.from_frames(pd.DataFrame({"id": ["a", "c"], "name": ["A2", "C"], "type": churches}),
    ...                          pd.DataFrame({"source": ["c"], "target": ["a"]}))
    >>> c = changes(a, b)
    >>> [x["id"] for x in c["actors_added"]], [x["id"] for x in c["actors_removed"]], c["actors_renamed"]
    (['c'], ['b'], [{'id': 'a', 'before': 'A', 'after': 'A2'}])
    >>> len(c["ties_added"]), len(c["ties_removed"])
    (1, 1)
    """
    old = _by_id(before.actors)
    new = _by_id(after.actors)
    added = [i for i in new if i not in old]
    removed = [i for i in old if i not in new]
    both = [i for i in new if i in old]
    old_ties, new_ties = _ties(before, after.directed), _ties(after, after.directed)
    ties_added = list((Counter(new_ties) - Counter(old_ties)).elements())
    ties_removed = list((Counter(old_ties) - Counter(new_ties)).elements())
    return {
        "actors_added": [{"id": i, **new[i]} for i in added],
        "actors_removed": [{"id": i, **old[i]} for i in removed],
        "actors_renamed": [{"id": i, "before": old[i]["name"], "after": new[i]["name"]}
                           for i in both if old[i]["name"] != new[i]["name"]],
        "actors_retyped": [{"id": i, "before": old[i]["type"], "after": new[i]["type"]}
                           for i in both if old[i]["type"] != new[i]["type"]],
        "ties_added": [_tie(t) for t in ties_added],
        "ties_removed": [_tie(t) for t in ties_removed],
        "ties_reweighted": _reweighted(before, after),
        "directed_before": before.directed,
        "directed_after": after.directed,
    }


def add_wave(stored: Alliance, upload: Alliance, wave: str | None) -> Alliance:
    """The stored alliance with the upload's ties as a further wave.

    The upload's actors are added where new and update the name and type of the stored ones (an
    actor is never removed: earlier waves' ties name it). Its ties get ``wave`` (when given; else
    each must carry its own), which must be new to the alliance.
    """
    ties = upload.ties.copy()
    if wave is not None and wave.strip():
        ties["wave"] = wave.strip()
    missing = ties["wave"].isna()
    if missing.any():
        raise InputError.single("input.revision.no_wave", n=int(missing.sum()), file="ties",
                                row=int(missing.to_numpy().nonzero()[0][0]) + 1, column="wave")
    known = set(stored.ties["wave"].dropna().astype(str))
    repeated = sorted(set(ties["wave"].astype(str)) & known)
    if repeated:
        raise InputError.single(
            "input.revision.wave_taken", waves=", ".join(repeated), file="ties", column="wave")
    actors = stored.actors.set_index("id")
    incoming = upload.actors.set_index("id")
    for column in ("name", "type"):
        common = incoming.index.intersection(actors.index)
        actors.loc[common, column] = incoming.loc[common, column]
    fresh = incoming.loc[~incoming.index.isin(actors.index)]
    merged_actors = pd.concat([actors, fresh]).reset_index()
    weighted = stored.weighted or upload.weighted
    merged_ties = pd.concat([stored.ties, ties], ignore_index=True)
    if not weighted:
        merged_ties = merged_ties.drop(columns="weight")
    merged_actors.index += 1
    merged_ties.index += 1
    return Alliance.from_frames(merged_actors, merged_ties, directed=stored.directed, meta=stored.meta)


def _ties(alliance: Alliance, directed: bool) -> list[tuple[str, str, Any, Any]]:
    pairs = []
    columns = alliance.ties[["source", "target", "wave", "kind"]]
    for source, target, wave, kind in columns.itertuples(index=False):
        ends = (source, target) if directed else tuple(sorted((source, target)))
        pairs.append((*ends, plain_value(wave), plain_value(kind)))
    return pairs


def _reweighted(before: Alliance, after: Alliance) -> int:
    """How many ties are in both with another weight (only if both have weights)."""
    if not (before.weighted and after.weighted):
        return 0
    keys = ["source", "target", "wave", "kind"]
    old = before.ties[[*keys, "weight"]].fillna({"wave": "", "kind": ""}).drop_duplicates(keys)
    new = after.ties[[*keys, "weight"]].fillna({"wave": "", "kind": ""}).drop_duplicates(keys)
    joined = old.merge(new, on=keys, suffixes=("_before", "_after"))
    return int((joined["weight_before"] != joined["weight_after"]).sum())


def _by_id(actors: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each actor's name and type, by id, in row order."""
    return {str(i): {"name": str(n), "type": str(t)}
            for i, n, t in actors[["id", "name", "type"]].itertuples(index=False)}


def _tie(tie: tuple[str, str, Any, Any]) -> dict[str, Any]:
    return {"source": tie[0], "target": tie[1], "wave": tie[2], "kind": tie[3]}

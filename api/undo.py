"""Undo of an alliance's last change: the state before it is kept, one step per alliance.

Every write of an alliance's data (an actor, a tie, its metadata, a new revision from a file)
calls :func:`remember` with the alliance as it was, in the transaction of the change; :func:`undo`
stores that state again as a new revision. Undo is offered while the alliance is still at the
revision the change made: after any later write that went elsewhere, the kept state is stale.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.models import AllianceRow, UndoRow, as_utc, utcnow
from api.store import load, save
from netz.core.model import Alliance, plain_value

__all__ = ["last_change", "remember", "undo"]


def remember(session: Session, row: AllianceRow, before: Alliance, action: str) -> None:
    """Keep ``before`` as what undoing the change about to be stored (revision + 1) gives back.

    Call it before :func:`api.store.save` bumps the revision; it is written with the change.
    """
    state = {
        "actors": _records(before.actors),
        "ties": _records(before.ties if before.weighted else before.ties.drop(columns="weight")),
        "directed": before.directed,
        "meta": {k: plain_value(v) for k, v in before.meta.items()},
    }
    kept = session.get(UndoRow, row.id) or UndoRow(alliance_id=row.id)
    kept.revision, kept.action, kept.at = row.revision + 1, action, utcnow()
    kept.state = json.dumps(state, ensure_ascii=False)
    session.add(kept)


def last_change(session: Session, row: AllianceRow) -> dict[str, Any]:
    """Whether the alliance's last change can be undone, and which change it was."""
    kept = session.get(UndoRow, row.id)
    if kept is None or kept.revision != row.revision:
        return {"available": False, "action": None, "at": None}
    return {"available": True, "action": kept.action, "at": as_utc(kept.at).isoformat()}


def undo(session: Session, row: AllianceRow) -> bool:
    """Store the state before the last change as a new revision; False if there is none to undo.

    Undoing is itself a change, so undoing again redoes it.
    """
    kept = session.get(UndoRow, row.id)
    if kept is None or kept.revision != row.revision:
        return False
    state = json.loads(kept.state)
    actors = pd.DataFrame(state["actors"], columns=None if state["actors"] else ["id", "name", "type"])
    ties = pd.DataFrame(state["ties"], columns=None if state["ties"] else ["source", "target"])
    actors.index += 1
    ties.index += 1
    previous = Alliance.from_frames(actors, ties, directed=state["directed"], meta=state["meta"])
    remember(session, row, load(session, row), f"undo-{kept.action}"[:40])
    save(session, previous, row)
    return True


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): plain_value(v) for k, v in record.items()} for record in frame.to_dict("records")]

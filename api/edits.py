"""Changing the actors and ties of a stored alliance, validated exactly like an import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.models import AllianceRow
from api.store import load, save
from api.undo import remember
from netz.core.model import Alliance

__all__ = ["edit"]

Change = Callable[[pd.DataFrame], pd.DataFrame]


def edit(session: Session, row: AllianceRow, *, actors: Change | None = None,
         ties: Change | None = None, weighted: bool | None = None, action: str = "edit",
         meta: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Alliance:
    """Apply changes to the actor and/or tie table (and metadata), validate the result, store it
    (revision + 1).

    Rows are numbered from 1 in error messages, as a list shown to a person would be.
    ``weighted=True`` keeps tie weights even if the alliance had none before. An attribute named
    like a metric (``degree``) is refused: it would hide the metric. The alliance as it
    was is kept for undo (:mod:`api.undo`), under ``action``.
    """
    alliance = load(session, row)
    actor_table = actors(alliance.actors.copy()) if actors else alliance.actors
    tie_table = ties(alliance.ties.copy()) if ties else alliance.ties
    keep_weights = alliance.weighted or bool(weighted)
    if not keep_weights:
        tie_table = tie_table.drop(columns="weight", errors="ignore")
    changed = Alliance.from_frames(
        actor_table.reset_index(drop=True).set_axis(range(1, len(actor_table) + 1)),
        tie_table.reset_index(drop=True).set_axis(range(1, len(tie_table) + 1)),
        directed=alliance.directed, meta=meta(dict(alliance.meta)) if meta else alliance.meta,
        actors_file="actors", ties_file="ties", refuse_metric_columns=True,
    )
    remember(session, row, alliance, action)
    save(session, changed, row)
    session.commit()
    return changed

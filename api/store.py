"""Alliances in the database: load them as netz alliances, save netz alliances as rows.

Every write goes through a netz :class:`~netz.core.model.Alliance`, so the service
validates exactly as the readers do, and bumps the alliance's revision, which
invalidates its cached reports.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from api.models import (
    ActorRow,
    AllianceRow,
    AnswerRow,
    InvitationRow,
    KeyGrant,
    ReportCache,
    RespondentRow,
    SurveyRow,
    TieRow,
    UndoRow,
)
from api.security import orphan_keys
from netz.core.io.meta import read_amount
from netz.core.model import Alliance, plain_value

__all__ = ["COLUMN_META", "load", "meta_of", "remove", "save"]

#: Metadata stored in columns of their own (for filtering); the rest goes into ``meta``.
COLUMN_META = ("name", "region", "land", "programme", "funding", "founded")


def load(session: Session, row: AllianceRow) -> Alliance:
    """The stored alliance as a netz alliance (validated again, cheaply, on the way)."""
    actor_rows = session.execute(
        select(ActorRow.actor_id, ActorRow.name, ActorRow.type, ActorRow.attributes)
        .where(ActorRow.alliance_id == row.id).order_by(ActorRow.position)
    ).all()
    tie_rows = session.execute(
        select(TieRow.source, TieRow.target, TieRow.weight, TieRow.kind, TieRow.wave, TieRow.attributes)
        .where(TieRow.alliance_id == row.id).order_by(TieRow.position)
    ).all()
    actors = pd.DataFrame(
        [{"id": a, "name": n, "type": t, **(attrs or {})} for a, n, t, attrs in actor_rows],
        columns=_columns(["id", "name", "type"], (r[3] for r in actor_rows)),
    )
    ties = pd.DataFrame(
        [{"source": s, "target": t, "weight": w, "kind": k, "wave": v, **(attrs or {})}
         for s, t, w, k, v, attrs in tie_rows],
        columns=_columns(["source", "target", "weight", "kind", "wave"], (r[5] for r in tie_rows)),
    )
    if not row.weighted:
        ties = ties.drop(columns="weight")
    actors.index += 1
    ties.index += 1
    return Alliance.from_frames(actors, ties, directed=row.directed, meta=meta_of(row))


def meta_of(row: AllianceRow) -> dict[str, Any]:
    meta = {k: getattr(row, k) for k in COLUMN_META if getattr(row, k) not in (None, "")}
    return {**meta, **(row.meta or {})}


def save(session: Session, alliance: Alliance, row: AllianceRow | None = None) -> AllianceRow:
    """Store an alliance as a new row, or replace the content of an existing one (revision + 1)."""
    if row is None:
        row = AllianceRow(revision=1)
        session.add(row)
    else:
        row.revision += 1
        session.execute(delete(ActorRow).where(ActorRow.alliance_id == row.id))
        session.execute(delete(TieRow).where(TieRow.alliance_id == row.id))
        session.execute(delete(ReportCache).where(ReportCache.alliance_id == row.id))
    meta = dict(alliance.meta)
    row.name = str(meta.pop("name", "") or "")
    for key in COLUMN_META[1:]:
        value = meta.pop(key, None)
        converted = _column_value(key, value)
        setattr(row, key, converted)
        if converted is None and value not in (None, ""):
            meta[key] = value  # e.g. founded "2015/16": kept as given
    row.meta = {k: plain_value(v) for k, v in meta.items()}
    row.directed, row.weighted = alliance.directed, alliance.weighted
    row.n_actors, row.n_ties = alliance.n_actors, alliance.n_ties
    session.flush()
    _insert_rows(session, row.id, alliance)
    return row


def remove(session: Session, row: AllianceRow) -> None:
    """Delete an alliance and everything stored of it: actors, ties, cached reports, its undo, its
    surveys (links, respondents, answers) and the keys' grants for it; coordinator keys it was the
    last alliance of are marked orphaned (refused).

    Explicit deletes, not the database's ``ON DELETE CASCADE`` alone: they do not depend on SQLite's
    foreign-key switch, and are single statements where the ORM's cascade loads every row first.
    The alliance row goes last, checked against the revision it was read at (optimistic lock).
    """
    orphan_keys(session, row.id)
    surveys = select(SurveyRow.id).where(SurveyRow.alliance_id == row.id).scalar_subquery()
    respondents = select(RespondentRow.id).where(RespondentRow.survey_id.in_(surveys)).scalar_subquery()
    session.execute(delete(AnswerRow).where(AnswerRow.respondent_id.in_(respondents)))
    for child in (RespondentRow, InvitationRow):
        session.execute(delete(child).where(child.survey_id.in_(surveys)))
    session.execute(delete(SurveyRow).where(SurveyRow.alliance_id == row.id))
    for table in (KeyGrant, ReportCache, UndoRow, TieRow, ActorRow):
        session.execute(delete(table).where(table.alliance_id == row.id))
    session.delete(row)


def _insert_rows(session: Session, alliance_id: int, alliance: Alliance) -> None:
    attributes = alliance.actor_attributes
    actors = [
        {"alliance_id": alliance_id, "position": i, "actor_id": r["id"], "name": r["name"],
         "type": r["type"], "attributes": _attributes(r, attributes)}
        for i, r in enumerate(alliance.actors.to_dict("records"))
    ]
    tie_attributes = alliance.tie_attributes
    ties = [
        {"alliance_id": alliance_id, "position": i, "source": r["source"], "target": r["target"],
         "weight": float(r["weight"]), "kind": plain_value(r["kind"]), "wave": plain_value(r["wave"]),
         "attributes": _attributes(r, tie_attributes)}
        for i, r in enumerate(alliance.ties.to_dict("records"))
    ]
    # Core inserts on the tables, one executemany each: the ORM's bulk insert of the same rows
    # collects and checks every row against the mapping first (a quarter of the time of storing
    # the ~20,000 ties of a closed survey, benchmarks/README.md).
    if actors:
        session.execute(insert(cast(Table, ActorRow.__table__)), actors)
    if ties:
        session.execute(insert(cast(Table, TieRow.__table__)), ties)


def _attributes(record: Mapping[Hashable, Any], names: list[str]) -> dict[str, Any]:
    values = {n: plain_value(record[n]) for n in names}
    return {k: v for k, v in values.items() if v is not None}


def _columns(first: list[str], attribute_dicts: Any) -> list[str]:
    extra: dict[str, None] = {}
    for attrs in attribute_dicts:
        extra.update(dict.fromkeys(attrs or {}))
    return [*first, *extra]


def _column_value(key: str, value: Any) -> Any:
    if value in (None, ""):
        return None
    try:
        if key == "funding":
            return read_amount(value)
        if key == "founded":
            return int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return str(value)

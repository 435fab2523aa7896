"""Ties: list, add, change and remove; a tie is addressed by its position (1, 2, …) in the list."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Header, Path, Response

from api.audit import audit
from api.deps import (
    AllianceId,
    CurrentKey,
    SessionDep,
    SessionRoute,
    check_revision,
    etag,
    readable_alliance,
    require,
    writable_alliance,
)
from api.edits import edit
from api.problems import Refusal
from api.schemas import TieIn, TiePatch
from api.store import load
from netz.core.model import plain_value

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/alliances/{alliance_id}/ties", tags=["ties"])

Position = Annotated[int, Path(description="The tie's position in the alliance's list of ties, from 1.")]


@router.get("")
def list_ties(
    alliance_id: AllianceId, session: SessionDep, key: CurrentKey, response: Response
) -> list[dict[str, Any]]:
    """The ties as stored (coordinators and admins; researchers read the pseudonymised export)."""
    require(key, "admin", "coordinator")
    row = readable_alliance(session, key, alliance_id)
    response.headers["ETag"] = etag(row)
    ties = load(session, row).ties
    return [{"position": i + 1, **{str(k): plain_value(v) for k, v in record.items()}}
            for i, record in enumerate(ties.to_dict("records"))]


@router.post("", status_code=201)
def create_tie(alliance_id: AllianceId, body: TieIn, session: SessionDep, key: CurrentKey, response: Response,
               if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    record = {"source": body.source, "target": body.target, "weight": body.weight or 1.0,
              "kind": body.kind, "wave": body.wave, **body.attributes}
    audit(session, key, "add-tie", row)
    changed = edit(session, row, weighted=body.weight is not None, action="add-tie",
                   ties=lambda ties: pd.concat([ties, pd.DataFrame([record])], ignore_index=True))
    response.headers["ETag"] = etag(row)
    return {"position": changed.n_ties, "revision": row.revision}


@router.patch("/{position}")
def update_tie(alliance_id: AllianceId, position: Position, body: TiePatch, session: SessionDep,
               key: CurrentKey, response: Response,
               if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)

    def change(ties: pd.DataFrame) -> pd.DataFrame:
        at = _index(ties, position)
        for column in ("weight", "kind", "wave"):
            value = getattr(body, column)
            if value is not None:
                ties[column] = ties[column].astype(object)
                ties.at[at, column] = value
        for column, value in (body.attributes or {}).items():
            if column not in ties.columns:
                ties[column] = None
            ties[column] = ties[column].astype(object)
            ties.at[at, column] = value
        return ties

    audit(session, key, "edit-tie", row, position=position)
    edit(session, row, ties=change, weighted=body.weight is not None, action="edit-tie")
    response.headers["ETag"] = etag(row)
    return {"position": position, "revision": row.revision}


@router.delete("/{position}")
def delete_tie(alliance_id: AllianceId, position: Position, session: SessionDep, key: CurrentKey,
               response: Response, if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    audit(session, key, "delete-tie", row, position=position)
    edit(session, row, ties=lambda ties: ties.drop(index=_index(ties, position)), action="delete-tie")
    response.headers["ETag"] = etag(row)
    return {"position": position, "revision": row.revision}


def _index(ties: pd.DataFrame, position: int) -> Any:
    if not 1 <= position <= len(ties):
        raise Refusal(404, "problem.tie.not_found", position=position, n=len(ties))
    return ties.index[position - 1]

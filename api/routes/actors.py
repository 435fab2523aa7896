"""Actors: their metrics (sortable, filterable, paginated, JSON or CSV) and edits."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Header, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.audit import audit
from api.deps import (
    AllianceId,
    AllianceState,
    CurrentKey,
    SessionDep,
    SessionRoute,
    check_revision,
    etag,
    require,
    writable_alliance,
)
from api.edits import edit
from api.models import AllianceRow
from api.params import ActorType, GroupBy, Wave
from api.problems import Refusal
from api.reportcache import Cache, Entry
from api.schemas import ActorIn, ActorPage, ActorPatch
from netz.core.io.spreadsheet import spreadsheet_safe
from netz.core.vocabulary import canonical_type

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/alliances/{alliance_id}/actors", tags=["actors"])

ActorId = Annotated[str, Path(description="The actor's id in its alliance.")]


@router.get("", response_model=ActorPage)
async def list_actors(
    alliance_id: AllianceId, request: Request, key: CurrentKey,
    sort: Annotated[str, Query(description="The column to sort by: `id`, `name`, `type` or a metric "
                                           "(`brokerage.total` for nested ones).")] = "id",
    order: Annotated[Literal["asc", "desc"], Query(description="Ascending or descending.")] = "asc",
    type: ActorType = None,
    page: Annotated[int, Query(ge=1, description="The page, from 1.")] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000, description="Actors per page.")] = 50,
    format: Annotated[Literal["json", "csv"], Query(description="JSON, or the page as CSV.")] = "json",
    group_by: GroupBy = "type", wave: Wave = None,
) -> Response:
    """Every actor with its metrics; sort by any metric (``brokerage.total`` for nested ones).

    JSON: each actor as in the report's ``actors`` (same names, nested ``brokerage``; see
    ``docs/metrics.md``, "Field names in the API"). CSV: one column per metric, nested ones as
    ``brokerage.total`` and so on (the name ``sort`` takes).
    """
    require(key, "admin", "coordinator", "researcher")
    cache: Cache = request.app.state.reports
    row, report = await cache.served(key, alliance_id, group_by=group_by, wave=wave)
    return await run_in_threadpool(_page, row, report, sort, order, type, page, per_page, format)


def _page(row: AllianceState | AllianceRow, report: Entry, sort: str, order: str, type: str | None,
          page: int, per_page: int, format: str) -> Response:
    """One page of the report's actors, sorted and filtered (a table of thousands of actors is
    sorted in a worker thread, not in the event loop)."""
    table = report.actors()  # made once per report and process; not changed here
    if type is not None:
        wanted = canonical_type(type)  # what import accepts (Kirche, kirche, church); else a 422
        table = table[table["type"] == wanted] if len(table) else table
    if len(table) and sort not in table.columns:
        raise Refusal(422, "problem.actor.cannot_sort", sort=sort, columns=", ".join(table.columns))
    if len(table):
        table = table.sort_values(sort, ascending=order == "asc", na_position="last", kind="stable")
    total = len(table)
    page_rows = table.iloc[(page - 1) * per_page: page * per_page]
    headers = {"X-Total-Count": str(total), "ETag": etag(row)}
    if format == "csv":
        buffer = io.StringIO()
        spreadsheet_safe(page_rows).to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    # The report's own records (the table's index is their position): named, nested and
    # rounded as in the report's ``actors``, each encoded once per report and process.
    records = report.actor_records()
    actors = b",".join(records[position] for position in page_rows.index)
    body = b'{"total":%d,"page":%d,"per_page":%d,"actors":[%s]}' % (total, page, per_page, actors)
    return Response(body, media_type="application/json", headers=headers)


@router.post("", status_code=201)
def create_actor(alliance_id: AllianceId, body: ActorIn, session: SessionDep, key: CurrentKey,
                 response: Response, if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    record = {"id": body.id, "name": body.name, "type": body.type, **body.attributes}
    audit(session, key, "add-actor", row)
    edit(session, row, actors=lambda actors: pd.concat([actors, pd.DataFrame([record])], ignore_index=True),
         action="add-actor")
    response.headers["ETag"] = etag(row)
    return {"id": body.id, "revision": row.revision}


@router.patch("/{actor_id}")
def update_actor(alliance_id: AllianceId, actor_id: ActorId, body: ActorPatch, session: SessionDep,
                 key: CurrentKey, response: Response,
                 if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)

    def change(actors: pd.DataFrame) -> pd.DataFrame:
        at = _position(actors, actor_id)
        if body.name is not None:
            actors.loc[at, "name"] = body.name
        if body.type is not None:
            actors.loc[at, "type"] = body.type
        for column, value in (body.attributes or {}).items():
            if column in ("id", "name", "type"):
                raise Refusal(422, "problem.actor.not_attribute", column=column)
            if column not in actors.columns:
                actors[column] = None
            actors[column] = actors[column].astype(object)
            actors.at[at, column] = value
        return actors

    audit(session, key, "edit-actor", row)
    edit(session, row, actors=change, action="edit-actor")
    response.headers["ETag"] = etag(row)
    return {"id": actor_id, "revision": row.revision}


@router.delete("/{actor_id}")
def delete_actor(alliance_id: AllianceId, actor_id: ActorId, session: SessionDep, key: CurrentKey,
                 response: Response, if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """Remove an actor and, with it, its ties (the answer says how many)."""
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    removed: dict[str, int] = {}

    def drop_actor(actors: pd.DataFrame) -> pd.DataFrame:
        return actors.drop(index=_position(actors, actor_id))

    def drop_ties(ties: pd.DataFrame) -> pd.DataFrame:
        touching = (ties["source"] == actor_id) | (ties["target"] == actor_id)
        removed["ties"] = int(touching.sum())
        return ties[~touching]

    audit(session, key, "delete-actor", row)
    edit(session, row, actors=drop_actor, ties=drop_ties, action="delete-actor")
    response.headers["ETag"] = etag(row)
    return {"id": actor_id, "ties_removed": removed["ties"], "revision": row.revision}


def _position(actors: pd.DataFrame, actor_id: str) -> Any:
    matches = actors.index[actors["id"] == actor_id]
    if len(matches) == 0:
        raise Refusal(404, "problem.actor.not_found", id=actor_id)
    return matches[0]

"""Alliances: list, create, import, read, change metadata, delete."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from api.audit import audit
from api.deps import (
    MAX_ID,
    AllianceId,
    CurrentKey,
    SessionDep,
    SessionRoute,
    SettingsDep,
    check_revision,
    etag,
    readable_alliance,
    require,
    view_of,
    writable_alliance,
)
from api.models import AllianceRow, KeyGrant
from api.params import Land, Programme, check_names, same_name
from api.problems import Refusal, warning_texts
from api.schemas import AllianceCreated, AllianceIn, AllianceOut, AlliancePatch, checked_meta
from api.store import load, remove, save
from api.undo import remember
from api.uploads import read_upload
from netz.analysis.privacy import shared_meta
from netz.core.model import Alliance

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/alliances", tags=["alliances"])

def out(row: AllianceRow, key: CurrentKey | None = None) -> AllianceOut:
    """The alliance's row as answered; to a key that sees actors under pseudonyms or not at all
    (``view_of``), ``meta`` holds the listed fields only (:func:`netz.analysis.privacy.shared_meta`)."""
    alliance = AllianceOut.model_validate(row, from_attributes=True)
    if key is None or view_of(key) == "full":
        return alliance
    return alliance.model_copy(update={"meta": shared_meta(alliance.meta)})


@router.get("", response_model=list[AllianceOut])
def list_alliances(
    session: SessionDep, key: CurrentKey,
    land: Land = None, programme: Programme = None,
    min_actors: Annotated[int | None, Query(ge=0, le=MAX_ID, description="At least so many actors.")] = None,
    max_actors: Annotated[int | None, Query(ge=0, le=MAX_ID, description="At most so many actors.")] = None,
) -> list[AllianceOut]:
    """Alliances this key may see, filtered by Land, programme and size (number of actors)."""
    query = select(AllianceRow).order_by(AllianceRow.id)
    if key.role == "coordinator":
        query = query.join(KeyGrant, KeyGrant.alliance_id == AllianceRow.id).where(KeyGrant.key_id == key.id)
    rows = list(session.scalars(query))
    check_names((row.land for row in rows), (row.programme for row in rows), land, programme)
    return [out(row, key) for row in rows
            if same_name(row.land, land) and same_name(row.programme, programme)
            and (min_actors is None or row.n_actors >= min_actors)
            and (max_actors is None or row.n_actors <= max_actors)]


@router.post("", status_code=201, response_model=AllianceCreated)
def create_alliance(
    body: AllianceIn, session: SessionDep, key: CurrentKey, request: Request, response: Response
) -> AllianceCreated:
    """A new alliance from JSON (validated like a file, but an attribute named like a metric, such as
    `degree`, is refused); coordinators are given what they create. ``warnings`` says what was
    read other than written (an empty type read as `other`, …)."""
    require(key, "admin", "coordinator")
    meta = checked_meta(body.name, body.meta)
    actors = pd.DataFrame([{"id": a.id, "name": a.name, "type": a.type, **a.attributes} for a in body.actors],
                          columns=None if body.actors else ["id", "name", "type"])
    ties = pd.DataFrame([_tie_record(t.model_dump()) for t in body.ties],
                        columns=None if body.ties else ["source", "target"])
    if not body.ties or all(t.weight is None for t in body.ties):
        ties = ties.drop(columns="weight", errors="ignore")
    actors.index += 1
    ties.index += 1
    alliance = Alliance.from_frames(actors, ties, directed=body.directed,
                                    meta={**meta, "name": body.name}, actors_file="actors",
                                    ties_file="ties", refuse_metric_columns=True)
    return _created(session, key, alliance, request, response, "create")


#: The import's request body, documented by hand: the route reads the form itself (see below).
IMPORT_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "an .xlsx workbook, a .zip of an alliance folder, GraphML, GEXF "
                                           "or JSON node-link"}},
}}}}}


@router.post("/import", status_code=201, response_model=AllianceCreated, openapi_extra=IMPORT_BODY)
async def import_alliance(
    request: Request, session: SessionDep, key: CurrentKey, settings: SettingsDep, response: Response,
    directed: Annotated[bool | None, Query(description=(
        "Whether ties have a direction; overrides what the file says."))] = None,
    lenient: Annotated[bool, Query(description=(
        "Map unknown actor types to `other` and drop duplicate ties, with warnings, instead of "
        "refusing the file."))] = False,
    duplicate_name: Annotated[bool, Query(description=(
        "Create the alliance even if one of the same name exists (else 409: a corrected file is "
        "meant to replace the alliance, `POST /api/v1/alliances/{id}/revisions`)."))] = False,
) -> AllianceCreated:
    """Import one alliance from a file: all of it, or nothing.

    The key and its role are checked before the upload is read: a form parameter would have
    FastAPI read the whole body (up to ``max_upload_bytes``) first, even for a caller without
    a key. What the file may hold is bounded by the service's limits (``NETZ_MAX_ACTORS`` …).
    An alliance of the same name that this key can see is not doubled silently (409).
    ``warnings`` are the file's warnings, as the preview (``POST …/import/preview``) gives them.
    """
    require(key, "admin", "coordinator")
    alliance = await read_upload(request, settings, directed=directed, lenient=lenient)
    if not duplicate_name:
        await run_in_threadpool(_refuse_duplicate, session, key, alliance.name)
    return await run_in_threadpool(_created, session, key, alliance, request, response, "import")


@router.get("/{alliance_id}", response_model=AllianceOut)
def get_alliance(alliance_id: AllianceId, session: SessionDep, key: CurrentKey,
                 response: Response) -> AllianceOut:
    row = readable_alliance(session, key, alliance_id)
    response.headers["ETag"] = etag(row)
    return out(row, key)


@router.patch("/{alliance_id}", response_model=AllianceOut)
def update_alliance(
    alliance_id: AllianceId, body: AlliancePatch, session: SessionDep, key: CurrentKey, response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> AllianceOut:
    """Change metadata (name, region, Land, programme, funding, …); needs ``If-Match``.

    Each field is checked (:func:`api.schemas.checked_meta`): a 422 names every field that is wrong.
    A field netz records itself (``survey_response``) may be sent back as GET gave it (kept as it
    is), not changed or removed."""
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    alliance = load(session, row)
    changes = checked_meta(body.name, body.meta, alliance.meta)
    meta: dict[str, Any] = dict(alliance.meta)
    if body.name is not None:
        meta["name"] = body.name
    for field, value in changes.items():
        if value is None:
            meta.pop(field, None)
        else:
            meta[field] = value
    remember(session, row, alliance, "edit-metadata")
    row = save(session, Alliance(alliance.actors, alliance.ties, alliance.directed, alliance.weighted, meta),
               row)
    audit(session, key, "edit-metadata", row)
    session.commit()
    response.headers["ETag"] = etag(row)
    return out(row)


@router.delete("/{alliance_id}", status_code=204)
def delete_alliance(alliance_id: AllianceId, session: SessionDep, key: CurrentKey,
                    if_match: Annotated[str | None, Header()] = None) -> Response:
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    audit(session, key, "delete", row.id)
    remove(session, row)
    session.commit()
    return Response(status_code=204)


def _created(session: SessionDep, key: CurrentKey, alliance: Alliance, request: Request,
             response: Response, action: str) -> AllianceCreated:
    """Store a new alliance; the answer carries the warnings of reading its data."""
    row = save(session, alliance)
    if key.role == "coordinator":
        session.add(KeyGrant(key_id=key.id, alliance_id=row.id))
    audit(session, key, action, row)
    session.commit()
    response.headers["Location"] = f"/api/v1/alliances/{row.id}"
    response.headers["ETag"] = etag(row)
    return AllianceCreated(**out(row).model_dump(), warnings=warning_texts(alliance.warnings, request))


def _tie_record(tie: dict[str, Any]) -> dict[str, Any]:
    attributes = tie.pop("attributes") or {}
    return {**tie, **attributes}


def same_names(session: SessionDep, key: CurrentKey, name: str) -> list[dict[str, Any]]:
    """The alliances this key can see whose name is ``name`` (ignoring case and spaces)."""
    wanted = " ".join(name.split()).casefold()
    if not wanted:
        return []
    query = select(AllianceRow.id, AllianceRow.name).order_by(AllianceRow.id)
    if key.role == "coordinator":
        query = query.join(KeyGrant, KeyGrant.alliance_id == AllianceRow.id).where(KeyGrant.key_id == key.id)
    return [{"id": i, "name": n} for i, n in session.execute(query)
            if " ".join((n or "").split()).casefold() == wanted]


def _refuse_duplicate(session: SessionDep, key: CurrentKey, name: str) -> None:
    existing = same_names(session, key, name)
    if existing:
        raise Refusal(409, "problem.alliance.name_taken", name=name, id=existing[0]["id"])

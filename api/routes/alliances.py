"""Alliances: list, create, import, read, change metadata, delete."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect

from api.audit import audit
from api.deps import (
    MAX_ID,
    AllianceId,
    CurrentKey,
    SessionDep,
    SettingsDep,
    check_revision,
    etag,
    readable_alliance,
    require,
    writable_alliance,
)
from api.models import AllianceRow, KeyGrant
from api.params import Land, Programme, same_name
from api.schemas import AllianceIn, AllianceOut, AlliancePatch
from api.store import load, remove, save
from netz import io
from netz.errors import InputError, Problem
from netz.model import Alliance

router = APIRouter(prefix="/api/v1/alliances", tags=["alliances"])

#: File types the import accepts, by suffix.
IMPORT_SUFFIXES = (".xlsx", ".zip", ".graphml", ".gexf", ".json")


def out(row: AllianceRow) -> AllianceOut:
    return AllianceOut.model_validate(row, from_attributes=True)


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
    if min_actors is not None:
        query = query.where(AllianceRow.n_actors >= min_actors)
    if max_actors is not None:
        query = query.where(AllianceRow.n_actors <= max_actors)
    return [out(row) for row in session.scalars(query)
            if same_name(row.land, land) and same_name(row.programme, programme)]


@router.post("", status_code=201, response_model=AllianceOut)
def create_alliance(
    body: AllianceIn, session: SessionDep, key: CurrentKey, response: Response
) -> AllianceOut:
    """A new alliance from JSON (validated like a file); coordinators are given what they create."""
    require(key, "admin", "coordinator")
    actors = pd.DataFrame([{"id": a.id, "name": a.name, "type": a.type, **a.attributes} for a in body.actors],
                          columns=None if body.actors else ["id", "name", "type"])
    ties = pd.DataFrame([_tie_record(t.model_dump()) for t in body.ties],
                        columns=None if body.ties else ["source", "target"])
    if not body.ties or all(t.weight is None for t in body.ties):
        ties = ties.drop(columns="weight", errors="ignore")
    actors.index += 1
    ties.index += 1
    alliance = Alliance.from_frames(actors, ties, directed=body.directed,
                                    meta={**body.meta, "name": body.name}, actors_file="actors",
                                    ties_file="ties")
    return _created(session, key, alliance, response, "create")


#: The import's request body, documented by hand: the route reads the form itself (see below).
_IMPORT_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "an .xlsx workbook, a .zip of an alliance folder, GraphML, GEXF "
                                           "or JSON node-link"}},
}}}}}


@router.post("/import", status_code=201, response_model=AllianceOut, openapi_extra=_IMPORT_BODY)
async def import_alliance(
    request: Request, session: SessionDep, key: CurrentKey, settings: SettingsDep, response: Response,
    directed: Annotated[bool | None, Query(description=(
        "Whether ties have a direction; overrides what the file says."))] = None,
    lenient: Annotated[bool, Query(description=(
        "Map unknown actor types to `other` and drop duplicate ties, with warnings, instead of "
        "refusing the file."))] = False,
) -> AllianceOut:
    """Import one alliance from a file: all of it, or nothing.

    The key and its role are checked before the upload is read: a form parameter would have
    FastAPI read the whole body (up to ``max_upload_bytes``) first, even for a caller without
    a key. What the file may hold is bounded by the service's limits (``NETZ_MAX_ACTORS`` …).
    """
    require(key, "admin", "coordinator")
    file = await _uploaded_file(request)
    name = PurePath(file.filename or "upload").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise HTTPException(415, f"cannot import '{name}'; expected a file ending in "
                                 f"{', '.join(IMPORT_SUFFIXES)}")
    with tempfile.TemporaryDirectory(prefix="netz-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as sink:
            while chunk := await file.read(1024 * 1024):
                sink.write(chunk)
        await file.close()  # the form's spooled copy: not kept until the request ends
        # Reading and storing take CPU time (about a second for 10,000 ties): off the event loop,
        # so that this worker keeps answering other requests meanwhile.
        try:
            alliance = await run_in_threadpool(io.read, path, directed=directed, lenient=lenient,
                                               limits=settings.limits())
        except InputError as error:
            raise _renamed(error, path, name) from None
    if not alliance.name:
        alliance = Alliance(alliance.actors, alliance.ties, alliance.directed, alliance.weighted,
                            {**alliance.meta, "name": PurePath(name).stem}, alliance.warnings)
    return await run_in_threadpool(_created, session, key, alliance, response, "import")


async def _uploaded_file(request: Request) -> UploadFile:
    """The form's ``file`` field: 400 for a form that cannot be parsed, 422 without that field."""
    try:
        form = await request.form(max_files=1, max_fields=10)
    except MultiPartException as error:
        raise HTTPException(400, f"the upload cannot be read as a form: {error.message}") from None
    except ClientDisconnect:  # e.g. refused by BodySizeLimit, which has answered already
        raise HTTPException(400, "the upload was broken off") from None
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise RequestValidationError([{"type": "missing", "loc": ("body", "file"), "msg": "Field required",
                                       "input": None}])
    return file


@router.get("/{alliance_id}", response_model=AllianceOut)
def get_alliance(alliance_id: AllianceId, session: SessionDep, key: CurrentKey,
                 response: Response) -> AllianceOut:
    row = readable_alliance(session, key, alliance_id)
    response.headers["ETag"] = etag(row)
    return out(row)


@router.patch("/{alliance_id}", response_model=AllianceOut)
def update_alliance(
    alliance_id: AllianceId, body: AlliancePatch, session: SessionDep, key: CurrentKey, response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> AllianceOut:
    """Change metadata (name, region, Land, programme, funding, …); needs ``If-Match``."""
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    alliance = load(session, row)
    meta: dict[str, Any] = dict(alliance.meta)
    if body.name is not None:
        meta["name"] = body.name
    for field, value in body.meta.items():
        if value is None:
            meta.pop(field, None)
        else:
            meta[field] = value
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


def _created(session: SessionDep, key: CurrentKey, alliance: Alliance, response: Response,
             action: str) -> AllianceOut:
    row = save(session, alliance)
    if key.role == "coordinator":
        session.add(KeyGrant(key_id=key.id, alliance_id=row.id))
    audit(session, key, action, row)
    session.commit()
    response.headers["Location"] = f"/api/v1/alliances/{row.id}"
    response.headers["ETag"] = etag(row)
    return out(row)


def _tie_record(tie: dict[str, Any]) -> dict[str, Any]:
    attributes = tie.pop("attributes") or {}
    return {**tie, **attributes}


def _renamed(error: InputError, internal: Path, shown: str) -> InputError:
    """The error with the uploaded file's own name where the temporary path or name stood."""

    def rename(text: str) -> str:
        text = text.replace(str(internal), shown).replace(str(internal.parent), "")
        return text.replace(internal.name, shown)

    return InputError([
        Problem(rename(p.message), rename(p.file or "") or shown, p.row, p.column) for p in error.problems
    ])

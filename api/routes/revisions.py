"""Data in from the pages: preview an upload, store it as a new revision, undo the last change.

A preview stores nothing: it reads the file as the import would and says what it would change
(for a new alliance: its size and any alliance of the same name; for an existing one: actors
added, removed, renamed, retyped, ties added and removed). Storing a revision needs ``If-Match``
with the ETag the preview answered, so that a change made meanwhile is not overwritten.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from api.audit import audit
from api.deps import (
    AllianceId,
    CurrentKey,
    SessionDep,
    SessionRoute,
    SettingsDep,
    check_revision,
    etag,
    require,
    writable_alliance,
)
from api.models import AllianceRow
from api.problems import Refusal, warning_texts
from api.routes.alliances import IMPORT_BODY, out, same_names
from api.store import load, save
from api.undo import last_change, remember, undo
from api.uploads import read_upload
from netz.analysis.revision import add_wave, changes
from netz.core.model import Alliance

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/alliances", tags=["revisions"])

Mode = Annotated[Literal["replace", "wave"], Query(description=(
    "`replace`: the file's actors and ties replace the stored ones; `wave`: its ties are added as "
    "a further survey wave (its actors added or updated, none removed)."))]
WaveLabel = Annotated[str | None, Query(max_length=100, description=(
    "With `mode=wave`: the new wave's label, given to every tie of the file (else each tie "
    "must name its wave)."))]
Directed = Annotated[bool | None, Query(description=(
    "Whether ties have a direction; overrides what the file says (for a revision: the alliance's "
    "own direction by default)."))]
Lenient = Annotated[bool, Query(description=(
    "Map unknown actor types to `other` and drop duplicate ties, with warnings, instead of refusing "
    "the file."))]


@router.post("/import/preview", openapi_extra=IMPORT_BODY)
async def preview_import(request: Request, session: SessionDep, key: CurrentKey, settings: SettingsDep,
                         directed: Directed = None, lenient: Lenient = False) -> dict[str, Any]:
    """What importing this file would create; stores nothing. ``same_name`` lists the alliances
    of that name this key can see (importing would then answer 409 unless asked)."""
    require(key, "admin", "coordinator")
    alliance = await read_upload(request, settings, directed=directed, lenient=lenient)
    existing = await run_in_threadpool(same_names, session, key, alliance.name)
    return {**_summary(alliance, request), "same_name": existing}


@router.post("/{alliance_id}/revisions/preview", openapi_extra=IMPORT_BODY)
async def preview_revision(
    alliance_id: AllianceId, request: Request, session: SessionDep, key: CurrentKey, settings: SettingsDep,
    response: Response, mode: Mode = "replace", wave: WaveLabel = None, directed: Directed = None,
    lenient: Lenient = False,
) -> dict[str, Any]:
    """What storing this file as the alliance's next revision would change; stores nothing.

    Answers the ETag it compared with: send it as ``If-Match`` when storing the revision.
    """
    row = await run_in_threadpool(writable_alliance, session, key, alliance_id)
    stored, upload = await _stored_and_upload(request, session, settings, row, directed, lenient)
    after = await run_in_threadpool(_next, stored, upload, mode, wave)
    response.headers["ETag"] = etag(row)
    return {**_summary(after, request), "mode": mode, "changes": changes(stored, after)}


@router.post("/{alliance_id}/revisions", openapi_extra=IMPORT_BODY)
async def store_revision(
    alliance_id: AllianceId, request: Request, session: SessionDep, key: CurrentKey, settings: SettingsDep,
    response: Response, mode: Mode = "replace", wave: WaveLabel = None, directed: Directed = None,
    lenient: Lenient = False, if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Store the file as the alliance's next revision (replace its data, or add a wave); needs
    ``If-Match``. The state before can be restored with ``POST …/undo``."""
    row = await run_in_threadpool(writable_alliance, session, key, alliance_id)
    check_revision(row, if_match)  # before the upload is read: a stale edit costs no reading
    stored, upload = await _stored_and_upload(request, session, settings, row, directed, lenient)
    after = await run_in_threadpool(_next, stored, upload, mode, wave)
    summary = changes(stored, after)

    def store() -> AllianceRow:
        check_revision(row, if_match)
        remember(session, row, stored, f"revision-{mode}")
        saved = save(session, after, row)
        audit(session, key, f"revision-{mode}", saved)
        session.commit()
        return saved

    saved = await run_in_threadpool(store)
    response.headers["ETag"] = etag(saved)
    return {"alliance": out(saved).model_dump(mode="json"), "changes": summary,
            "warnings": _summary(after, request)["warnings"]}


@router.get("/{alliance_id}/undo")
def get_undo(alliance_id: AllianceId, session: SessionDep, key: CurrentKey,
             response: Response) -> dict[str, Any]:
    """Whether the alliance's last change can be undone, and which change it was."""
    row = writable_alliance(session, key, alliance_id)
    response.headers["ETag"] = etag(row)
    return last_change(session, row)


@router.post("/{alliance_id}/undo")
def post_undo(alliance_id: AllianceId, session: SessionDep, key: CurrentKey, response: Response,
              if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """Undo the alliance's last change (stored as a new revision; undoing again redoes it).
    Needs ``If-Match``; 409 if there is nothing to undo."""
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    if not undo(session, row):
        raise Refusal(409, "problem.undo.nothing")
    audit(session, key, "undo", row)
    session.commit()
    response.headers["ETag"] = etag(row)
    return {"alliance": out(row).model_dump(mode="json")}


async def _stored_and_upload(request: Request, session: SessionDep, settings: SettingsDep, row: AllianceRow,
                             directed: bool | None, lenient: bool) -> tuple[Alliance, Alliance]:
    stored = await run_in_threadpool(_loaded, session, row)
    upload = await read_upload(request, settings, directed=row.directed if directed is None else directed,
                               lenient=lenient)
    return stored, upload


def _loaded(session: Session, row: AllianceRow) -> Alliance:
    """The stored alliance; the transaction that read it (and the row) ends here, so that no
    transaction stays open, its connection out of the pool, while the client sends its upload.
    Storing later checks the row's revision again (its version column)."""
    stored = load(session, row)
    session.commit()
    return stored


def _next(stored: Alliance, upload: Alliance, mode: str, wave: str | None) -> Alliance:
    """The alliance the revision stores: the upload's data under the stored metadata, or the
    stored data with the upload as a further wave."""
    if mode == "wave":
        return add_wave(stored, upload, wave)
    return dataclasses.replace(upload, meta=stored.meta)


def _summary(alliance: Alliance, request: Request) -> dict[str, Any]:
    """What an upload holds; its warnings with file, row and column, in the client's language
    (as an input error's problems: German unless the client asks for English)."""
    return {"name": alliance.name, "n_actors": alliance.n_actors, "n_ties": alliance.n_ties,
            "directed": alliance.directed, "waves": alliance.waves,
            "warnings": warning_texts(alliance.warnings, request)}

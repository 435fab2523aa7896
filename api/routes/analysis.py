"""What netz computes for one alliance: report, gaps, health, what-if, wave diff, export.

Report, gaps, health and what-if are sent as computed (a ``Response``, the report's from the
cache as stored); their ``response_model`` (:mod:`api.schemas`) documents them in the OpenAPI
document and is not applied to them.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from api.audit import audit
from api.deps import (
    BEARER,
    AllianceId,
    AllianceState,
    CurrentKey,
    SessionDep,
    SessionRoute,
    SettingsDep,
    key_of,
    readable_alliance,
    require,
    view_of,
)
from api.models import AllianceRow, ApiKey
from api.params import GroupBy, Wave
from api.problems import Refusal
from api.reportcache import (
    Cache,
    Entry,
    report_tag,
    respond,
)
from api.reports import alliance_as_seen
from api.schemas import Gaps, HealthIndicator, Report, WhatIf
from netz.analysis.privacy import shared_meta
from netz.analysis.report import analyse, to_jsonable, with_metrics
from netz.analysis.waves import diff_waves
from netz.analysis.whatif import whatif
from netz.core import io
from netz.core.io.folder import write_folder
from netz.core.io.workbook import write_workbook

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/alliances/{alliance_id}", tags=["analysis"])

EXPORT_FORMATS = {
    "xlsx": ("alliance.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "graphml": ("alliance.graphml", "application/graphml+xml"),
    "gexf": ("alliance.gexf", "application/gexf+xml"),
    "json": ("alliance.json", "application/json"),
    "csv": ("alliance.zip", "application/zip"),
}


async def _served(request: Request, key: ApiKey, alliance_id: int, group_by: str,
                  wave: str | None) -> tuple[AllianceState | AllianceRow, Entry]:
    """The alliance and its report as this key sees it, as routes serve it (:meth:`Cache.served`)."""
    cache: Cache = request.app.state.reports
    return await cache.served(key, alliance_id, group_by=group_by, wave=wave)


def _report(request: Request, session: Session, key: ApiKey, alliance_id: int, group_by: str,
            wave: str | None) -> tuple[AllianceRow, Entry]:
    """The alliance and its report as this key sees it (access: :func:`api.deps.readable_alliance`)."""
    cache: Cache = request.app.state.reports
    return cache.report(session, key, alliance_id, group_by=group_by, wave=wave)


@router.get("/report", response_model=Report,
            responses={304: {"description": "Not modified (the `If-None-Match` ETag is current)"}},
            openapi_extra={"security": [{BEARER: []}]})  # the key is read below, not by a dependency
async def get_report(alliance_id: AllianceId, request: Request, group_by: GroupBy = "type",
                     wave: Wave = None,
                     authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
                     ) -> Response:
    """The whole report, as ``netz report --format json`` gives it (funders: network level only).

    Computed once per alliance revision and view, then served from memory (see
    ``api/reportcache.py``): gzip-compressed if the client accepts it; with an ``ETag``, and 304
    for a matching ``If-None-Match``. The most requested route: the key is read without a
    dependency, and the access rule's read is shared with the requests that come at the same time
    (a dependency, or a query and a worker thread per request, cost more than the work).
    """
    key = await key_of(request, authorization)  # as CurrentKey
    row, entry = await _served(request, key, alliance_id, group_by, wave)
    return respond(entry, report_tag(row, view_of(key), request.app.state.settings),
                   if_none_match=request.headers.get("if-none-match"),
                   accept_encoding=request.headers.get("accept-encoding"))


@router.get("/gaps", response_model=Gaps)
async def get_gaps(alliance_id: AllianceId, request: Request, key: CurrentKey,
                   group_by: GroupBy = "type", wave: Wave = None) -> Response:
    """Coordination gaps, most severe first (funders: counts by kind and severity)."""
    return Response((await _served(request, key, alliance_id, group_by, wave))[1].part("gaps"),
                    media_type="application/json")


@router.get("/health", response_model=list[HealthIndicator])
async def get_health(alliance_id: AllianceId, request: Request, key: CurrentKey,
                     group_by: GroupBy = "type", wave: Wave = None) -> Response:
    """The health scorecard (funders: without the explanations)."""
    return Response((await _served(request, key, alliance_id, group_by, wave))[1].part("health"),
                    media_type="application/json")


@router.get("/whatif", response_model=WhatIf)
def get_whatif(
    alliance_id: AllianceId, request: Request, session: SessionDep, key: CurrentKey, settings: SettingsDep,
    remove: Annotated[str, Query(description="actor ids, comma-separated")] = "",
    key_players_k: Annotated[int, Query(alias="key_players", ge=0, le=20, description=(
        "How many key players to find (the actors whose leaving would fragment the network most; "
        "0: none). Computed once per revision, view, wave and k, then served from the report cache."
    ))] = 0,
    group_by: GroupBy = "type", wave: Wave = None,
) -> Response:
    """What changes if these actors leave; optionally the k key players."""
    require(key, "admin", "coordinator", "researcher")
    row = readable_alliance(session, key, alliance_id)
    removed = [i.strip() for i in remove.split(",") if i.strip()]
    if not removed and not key_players_k:
        raise Refusal(422, "problem.whatif.nothing")
    view = view_of(key)
    result: dict[str, Any] = {}
    if removed:
        before = analyse(alliance_as_seen(session, row, view, settings), group_by=group_by, wave=wave,
                         seed=settings.report_seed)
        result.update(to_jsonable(whatif(before.alliance, removed, group_by=group_by, before=before)))
    if key_players_k:
        result["key_players"] = _key_players(request, session, row, view, key_players_k, group_by, wave)
    return JSONResponse(result)


def _key_players(request: Request, session: Session, row: AllianceRow, view: str, k: int, group_by: str,
                 wave: str | None) -> Any:
    """The k key players of the wave as this view sees it, from the report cache (the greedy
    search takes seconds to tens of seconds for thousands of actors: once per revision)."""
    cache: Cache = request.app.state.reports
    return cache.key_players(session, row, view, k=k, group_by=group_by, wave=wave).value


@router.get("/waves/diff")
def get_wave_diff(
    alliance_id: AllianceId, session: SessionDep, key: CurrentKey, settings: SettingsDep,
    from_wave: Annotated[str, Query(alias="from", description="The earlier survey wave.")],
    to_wave: Annotated[str, Query(alias="to", description="The later survey wave.")],
    group_by: GroupBy = "type",
) -> Any:
    """Change between two survey waves (funders: the network figures only)."""
    row = readable_alliance(session, key, alliance_id)
    alliance = alliance_as_seen(session, row, view_of(key), settings, group_by=group_by,
                                waves=(from_wave, to_wave))
    result = to_jsonable(diff_waves(alliance, from_wave, to_wave, group_by=group_by))
    if view_of(key) == "aggregate":
        result = {k: result[k] for k in ("from", "to", "network")} | {
            "ties_gained": len(result["ties_gained"]), "ties_lost": len(result["ties_lost"]),
            "ties_unknown": len(result["ties_unknown"])}
    return result


@router.get("/export")
def export(alliance_id: AllianceId, request: Request, session: SessionDep, key: CurrentKey,
           settings: SettingsDep,
           format: Annotated[Literal["xlsx", "graphml", "gexf", "json", "csv"], Query(description=(
               "The file: Excel workbook, GraphML, GEXF, JSON node-link, or a zip of CSV files."))] = "xlsx",
           metrics: Annotated[bool, Query(description=(
               "Add each actor's computed metrics (degree, betweenness, … `brokerage.total`) as actor "
               "attributes, e.g. for Gephi."))] = False,
           lang: Annotated[Literal["en", "de"], Query(description=(
               "The workbook's sheet names (`de`: Bündnis, Akteure, Kooperationen) and the CSV files' "
               "names (`de`: akteure.csv, kooperationen.csv); netz reads both."))] = "en",
           ) -> FileResponse:
    """The alliance as a file: Excel, GraphML, GEXF, JSON node-link, or a zip of CSV files."""
    require(key, "admin", "coordinator", "researcher")
    row = readable_alliance(session, key, alliance_id)
    alliance = alliance_as_seen(session, row, view_of(key), settings)
    if view_of(key) != "full":  # the listed metadata: not who answered a survey (kept for figures)
        alliance = dataclasses.replace(alliance, meta=shared_meta(alliance.meta))
    if metrics:
        report = _report(request, session, key, alliance_id, "type", None)[1].value
        alliance = with_metrics(alliance, report["actors"])  # not changed there
    audit(session, key, "export", row, commit=True, format=format)
    folder = Path(tempfile.mkdtemp(prefix="netz-export-"))
    filename, media_type = EXPORT_FORMATS[format]
    if format == "csv":
        write_folder(alliance, folder / "alliance", german=lang == "de")
        path = Path(shutil.make_archive(str(folder / "alliance"), "zip", folder / "alliance"))
    elif format == "xlsx":
        path = folder / filename
        write_workbook(alliance, path, german=lang == "de")
    else:
        path = io.write(alliance, folder / filename)
    return FileResponse(path, media_type=media_type, filename=filename,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))

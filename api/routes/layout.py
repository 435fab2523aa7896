"""Positions of the actors for drawing an alliance's network map (the web pages draw it).

The layout itself is computed by :func:`netz.analysis.layout.map_layout` (seconds for thousands
of actors), once per revision, view and options, and then kept and served by the report cache
(:mod:`api.reportcache`: memory over the store, at most
:data:`~api.reportcache.LAYOUTS_KEPT` layouts per alliance and view, gzip, ETag and 304).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import AllianceId, CurrentKey, SessionDep, SessionRoute, readable_alliance, require, view_of
from api.params import Wave
from api.reportcache import Cache, computed_tag, layout_kind, respond

__all__ = ["router"]

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/alliances/{alliance_id}", tags=["analysis"])


@router.get("/layout", responses={304: {"description": "Not modified (the `If-None-Match` ETag is current)"}})
def get_layout(
    alliance_id: AllianceId, request: Request, session: SessionDep, key: CurrentKey,
    wave: Wave = None,
    seed: Annotated[int, Query(ge=0, description="The layout's seed (the same seed, the same map).")] = 0,
    group_by: Annotated[str | None, Query(description=(
        "Draw the actors in one block per value of this actor column (`type`: one block per "
        "sector; any case); the answer's `groups` says where each block is. Default: no blocks."))] = None,
) -> Response:
    """Map positions of every actor, and the ties between them (one line per pair).

    Same access as the report, but funders get 403: positions are about single actors.
    Researchers get pseudonyms, as in their report. Computed once per revision, view and options.
    """
    require(key, "admin", "coordinator", "researcher")
    row = readable_alliance(session, key, alliance_id)
    view = view_of(key)
    cache: Cache = request.app.state.reports
    entry = cache.layout(session, row, view, seed=seed, group_by=group_by, wave=wave)
    return respond(entry, computed_tag(row, layout_kind(view, cache.settings)),
                   if_none_match=request.headers.get("if-none-match"),
                   accept_encoding=request.headers.get("accept-encoding"))

"""Positions of the actors for drawing an alliance's network map (the web pages draw it).

The layout itself is computed by :func:`netz.analysis.layout.map_layout`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import (
    AllianceId,
    CurrentKey,
    SessionDep,
    SessionRoute,
    SettingsDep,
    etag,
    readable_alliance,
    require,
    view_of,
)
from api.params import Wave
from api.reports import alliance_as_seen
from netz.analysis.layout import map_layout
from netz.analysis.report import resolve_names, select_wave

__all__ = ["router"]

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/alliances/{alliance_id}", tags=["analysis"])


@router.get("/layout")
def get_layout(
    alliance_id: AllianceId, session: SessionDep, key: CurrentKey, settings: SettingsDep,
    wave: Wave = None,
    seed: Annotated[int, Query(ge=0, description="The layout's seed (the same seed, the same map).")] = 0,
    group_by: Annotated[str | None, Query(description=(
        "Draw the actors in one block per value of this actor column (`type`: one block per "
        "sector; any case); the answer's `groups` says where each block is. Default: no blocks."))] = None,
) -> Response:
    """Map positions of every actor, and the ties between them (one line per pair).

    Same access as the report, but funders get 403: positions are about single actors.
    Researchers get pseudonyms, as in their report.
    """
    require(key, "admin", "coordinator", "researcher")
    row = readable_alliance(session, key, alliance_id)
    view = view_of(key)
    alliance, chosen = select_wave(alliance_as_seen(session, row, view, settings), wave)
    column = None if group_by is None else resolve_names(alliance, group_by)[0]
    drawn = map_layout(alliance, seed=seed, group_by=column)
    body: dict[str, Any] = {"alliance": row.id, "revision": row.revision, "view": view, "wave": chosen,
                            **drawn}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json",
                    headers={"ETag": etag(row)})

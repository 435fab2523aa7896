"""The report to hand out, as PDF ("Netzwerkbericht"): built by :mod:`netz.analysis.handout`, printed by
:mod:`netz.core.printed`. Its map layout and key players come from the report cache
(:meth:`api.reportcache.Cache.layout`, :meth:`~api.reportcache.Cache.key_players`), as the map's and
the what-if page's do: a handout after a visit of those pages computes neither again."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response

from api.audit import audit
from api.deps import (
    AllianceId,
    CurrentKey,
    SessionDep,
    SessionRoute,
    SettingsDep,
    readable_alliance,
    release,
    require,
    view_of,
)
from api.params import GroupBy, Wave
from api.problems import Refusal
from api.reportcache import Cache
from api.reports import alliance_as_seen
from netz.analysis.handout import handout
from netz.core.errors import NotInstalledError
from netz.core.printed import pdf
from netz.messages import negotiate

__all__ = ["router"]

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/alliances/{alliance_id}", tags=["analysis"])


@router.get("/report.pdf", response_class=Response, responses={
    200: {"content": {"application/pdf": {}}, "description": "The report as a PDF file (1–3 A4 pages)"},
    503: {"description": "PDF printing (WeasyPrint) is not installed on this server"}})
def get_report_pdf(
    alliance_id: AllianceId, request: Request, session: SessionDep, key: CurrentKey, settings: SettingsDep,
    lang: Annotated[Literal["de", "en"] | None, Query(description=(
        "The report's language (default: from the Accept-Language header, else German)."))] = None,
    group_by: GroupBy = "type", wave: Wave = None,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """The network report to hand out, as PDF: key figures, map, health scorecard, the three most
    important steps, key players and, with survey waves, the change since the previous wave.

    It names actors, so funders get 403 (as for the map); researchers get it with pseudonyms.
    """
    require(key, "admin", "coordinator", "researcher")
    row = readable_alliance(session, key, alliance_id)
    view = view_of(key)
    alliance = alliance_as_seen(session, row, view, settings)
    release(session)  # the analysis and the printing take seconds: no connection held meanwhile
    language = lang or negotiate(accept_language)
    cache: Cache = request.app.state.reports
    seed = settings.report_seed
    html = handout(alliance, lang=language, group_by=group_by, wave=wave, seed=seed,
                   layout=lambda: cache.layout(session, row, view, seed=seed, group_by=None, wave=wave).value,
                   players=lambda k: cache.key_players(session, row, view, k=k, group_by=group_by,
                                                       wave=wave).value)
    release(session)  # the cache's reads
    try:
        document = pdf(html)
    except NotInstalledError as error:
        raise Refusal(503, "problem.pdf.not_installed", module=error.module, extra=error.extra) from error
    audit(session, key, "export", row, commit=True, format="pdf")
    filename = f"netzwerkbericht-{row.id}.pdf" if language == "de" else f"network-report-{row.id}.pdf"
    return Response(document, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

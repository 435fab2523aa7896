"""The programme overview: what funders and programme managers see of the alliances they fund.

``GET /api/v1/programme`` lists every alliance the key may see with its name, place, Land, size,
funding, latest wave, health bands, high-severity gap count and response rate, the alliances
needing support with their reasons, and the programme's figures per wave;
``/programme/charts/{id}`` the charts of one alliance against the cohort (SVG with a text
alternative and a table); ``/programme/overview.xlsx`` and ``/programme/report.pdf`` the same as
files. Nothing names an actor or gives an actor's figure (:mod:`netz.cohort.programme`).

Each alliance's summary is computed once per revision and kept in the report cache
(:func:`api.routes.compare._cached`); when summaries are missing and computing them would take
longer than ``compare_job_seconds``, the answer is ``202 Accepted`` with a background job that
computes them (its progress counts alliances), as a long comparison does. Distributions are over
all stored alliances (coordinators see their own alliances against that cohort) and suppressed
for groups of fewer than ``privacy_min_group`` alliances.
"""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import Settings
from api.deps import AllianceId, CurrentKey, SessionDep, SessionRoute, SettingsDep, readable_alliance
from api.jobs import POLL_SECONDS, JobRunner, Progress, describe
from api.models import AllianceRow, ApiKey, KeyGrant, ReportCache
from api.params import Land, Programme
from api.problems import Refusal
from api.routes.compare import _ANSWERS, _cache_key, _cached, estimated_seconds
from api.store import load
from netz.analysis.support import explain_reason
from netz.cohort.batch import each, open_executor
from netz.cohort.programme import (
    HEADLINE,
    SUMMARY_VERSION,
    alliance_summary,
    matches,
    overview,
    programme_trends,
)
from netz.cohort.programme_charts import distribution_chart, trend_chart
from netz.cohort.programme_report import overview_xlsx, report_pdf
from netz.core.errors import NotInstalledError

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/programme", tags=["programme"])

#: Null-model samples of each alliance's latest wave in its summary (z-scores of the charts).
NULL_SAMPLES = 50
Lang = Annotated[Literal["de", "en"], Query(description="language of the words (default German)")]
SizeClass = Annotated[
    Literal["small", "medium", "large"] | None,
    Query(description="small (< 30 actors), medium (30–99) or large (≥ 100)"),
]
Band = Annotated[
    Literal["good", "watch", "concern"] | None, Query(description="the latest wave's worst health band")
]
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BINARY = {"schema": {"type": "string", "format": "binary"}}


def _filters(land: Land = None, programme: Programme = None, size_class: SizeClass = None,
             band: Band = None) -> dict[str, str | None]:
    """The overview's filters, as :func:`netz.cohort.programme.matches` takes them."""
    return {"land": land, "programme": programme, "size": size_class, "band": band}


#: The filters of the overview, its workbook and its report (one set of query parameters).
Filters = Annotated[dict[str, str | None], Depends(_filters)]


def _options(settings: Settings) -> dict[str, Any]:
    return {"null_samples": NULL_SAMPLES, "seed": settings.report_seed, "summary": SUMMARY_VERSION}


@router.get("", responses=_ANSWERS)
def get_programme(
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
    filters: Filters,
    lang: Lang = "de",
) -> Any:
    """Every alliance the key may see as an overview row, those needing support and why, and the
    programme's median and quartiles per wave. Filters in any case and spelling, as import reads
    names. Answered ``202`` with a job while the summaries are computed (see the 202 answer)."""
    summaries, shown = _summaries(
        request, session, key, settings, "overview", {"filters": filters, "lang": lang}
    )
    if isinstance(summaries, Response):
        return summaries
    return _overview(summaries, shown, filters, lang, settings)


@router.get("/charts/{alliance_id}", responses=_ANSWERS)
def get_charts(
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
    alliance_id: AllianceId,
    lang: Lang = "de",
) -> Any:
    """The charts of one alliance against the cohort: each headline figure's distribution in its size
    class (percentile and z-score) and its trend with the programme's median and quartiles. Each
    chart: ``title``, ``svg``, ``text`` (the text alternative), ``explanation`` and ``table``."""
    readable_alliance(session, key, alliance_id)
    params = {"alliance": alliance_id, "lang": lang}
    summaries, _ = _summaries(request, session, key, settings, "charts", params)
    if isinstance(summaries, Response):
        return summaries
    return {"alliance": alliance_id, "charts": _charts(summaries, alliance_id, lang, settings)}


@router.get("/overview.xlsx", responses={**_ANSWERS, 200: {"content": {_XLSX: _BINARY}}})
def get_xlsx(
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
    filters: Filters,
    lang: Lang = "de",
) -> Any:
    """The overview as an Excel workbook (German headers by default)."""
    summaries, shown = _summaries(
        request, session, key, settings, "overview", {"filters": filters, "lang": lang}
    )
    if isinstance(summaries, Response):
        return summaries
    rows = overview(
        summaries,
        [i for i in shown if matches(summaries[i], **filters)],
        min_group=settings.privacy_min_group,
    )
    return Response(
        overview_xlsx(rows, lang),
        media_type=_XLSX,
        headers={"Content-Disposition": 'attachment; filename="programmuebersicht.xlsx"'},
    )


@router.get(
    "/report.pdf",
    responses={
        **_ANSWERS,
        200: {"content": {"application/pdf": _BINARY}},
        501: {"description": "WeasyPrint (the `pdf` extra) is not installed",
              "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
    },
)
def get_pdf(
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
    filters: Filters,
    lang: Lang = "de",
) -> Any:
    """The programme report as PDF: overview, alliances needing support, the programme's trends."""
    summaries, shown = _summaries(
        request, session, key, settings, "overview", {"filters": filters, "lang": lang}
    )
    if isinstance(summaries, Response):
        return summaries
    selected = [i for i in shown if matches(summaries[i], **filters)]
    rows = overview(summaries, selected, min_group=settings.privacy_min_group)
    charts = [
        trend_chart(
            {i: summaries[i] for i in selected}, figure, lang=lang, min_group=settings.privacy_min_group
        )
        for figure in HEADLINE
    ]
    names = sorted({str(row["programme"]) for row in rows if row.get("programme")})
    try:
        pdf = report_pdf(rows, charts, programme=", ".join(names) or None, lang=lang)
    except NotInstalledError as error:
        raise Refusal(501, "problem.pdf.not_installed", module=error.module, extra=error.extra) from None
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="programmbericht.pdf"'},
    )


# -- helpers -----------------------------------------------------------------


def _overview(
    summaries: dict[int, dict[str, Any]],
    shown: list[int],
    filters: dict[str, Any],
    lang: str,
    settings: Settings,
) -> dict[str, Any]:
    selected = [i for i in shown if matches(summaries[i], **filters)]
    rows = overview(summaries, selected, min_group=settings.privacy_min_group)
    for row in rows:
        row["reasons"] = [explain_reason(r, lang) for r in row["support"]]
    return {
        "count": len(rows),
        "min_group": settings.privacy_min_group,
        "alliances": rows,
        "support": [row["id"] for row in rows if row["support"]],
        "trends": programme_trends([summaries[i] for i in selected], min_group=settings.privacy_min_group),
        "lands": sorted({str(s["land"]) for s in (summaries[i] for i in shown) if s.get("land")}),
        "programmes": sorted(
            {str(s["programme"]) for s in (summaries[i] for i in shown) if s.get("programme")}
        ),
    }


def _charts(
    summaries: dict[int, dict[str, Any]], alliance: int, lang: str, settings: Settings
) -> list[dict[str, Any]]:
    k = settings.privacy_min_group
    return [
        chart
        for figure in HEADLINE
        for chart in (
            distribution_chart(summaries, alliance, figure, lang=lang, min_group=k),
            trend_chart(summaries, figure, marked=alliance, lang=lang, min_group=k),
        )
    ]


def _visible(session: Session, key: ApiKey) -> tuple[list[AllianceRow], list[int]]:
    """Every stored alliance (the cohort), and the ids of those the key may see as rows."""
    rows = list(session.scalars(select(AllianceRow).order_by(AllianceRow.id)))
    if key.role != "coordinator":
        return rows, [row.id for row in rows]
    granted = set(session.scalars(select(KeyGrant.alliance_id).where(KeyGrant.key_id == key.id)))
    return rows, [row.id for row in rows if row.id in granted]


def _summaries(
    request: Request, session: Session, key: ApiKey, settings: Settings, what: str, params: dict[str, Any]
) -> tuple[Any, list[int]]:
    """The summaries of all alliances (from the cache, or computed now), or a 202 job answer."""
    rows, shown = _visible(session, key)
    options = _options(settings)
    if estimated_seconds(session, rows, "programme", options) <= settings.compare_job_seconds:
        return _all_summaries(session, rows, options, settings.compare_cache_rows), shown
    runner: JobRunner = request.app.state.jobs
    job_params = {"what": what, "ids": [row.id for row in rows], "shown": shown, "options": options, **params}
    job = runner.submit(session, key, "programme", job_params, len(rows), functools.partial(_job, settings))
    return JSONResponse(
        describe(job),
        status_code=202,
        headers={"Location": f"/api/v1/jobs/{job.id}", "Retry-After": str(POLL_SECONDS)},
    ), shown


def _all_summaries(
    session: Session,
    rows: list[AllianceRow],
    options: dict[str, Any],
    keep: int,
    *,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> dict[int, dict[str, Any]]:
    """Every alliance's summary: from the cache, or computed and stored.

    Missing summaries are computed on the executor ``scheduler`` names
    (:func:`netz.cohort.batch.open_executor`: local processes or a Dask cluster) when more than one is
    missing, else here; ``progress`` counts the alliances whose summary is there.
    """
    fresh = _cached_ids(session, rows, options)
    missing = [row for row in rows if row.id not in fresh]
    alliances = [load(session, row) for row in missing]

    def done(count: int) -> None:
        if progress is not None:
            progress(len(rows) - len(missing) + count)

    with open_executor("processes:1" if scheduler is None or len(missing) < 2 else scheduler) as pool:
        task = functools.partial(alliance_summary, null_samples=options["null_samples"], seed=options["seed"])
        found = each(task, alliances, executor=pool.executor, cost=lambda a: a.n_actors * max(len(a.ties), 1),
                     done=done)
    computed = {row.id: summary for row, summary in zip(missing, found, strict=True)}

    def summary(session: Session, row: AllianceRow, options: dict[str, Any]) -> dict[str, Any]:
        """Computed above; or now, if its cached summary went in the meantime."""
        return computed[row.id] if row.id in computed else _summary(session, row, options)

    return {row.id: _cached(session, row, "programme", options, summary, keep) for row in rows}


def _cached_ids(session: Session, rows: list[AllianceRow], options: dict[str, Any]) -> set[int]:
    """The alliances whose summary of their current revision is stored."""
    found = session.execute(select(ReportCache.alliance_id, ReportCache.revision).where(
        ReportCache.key == _cache_key("programme", options),
        ReportCache.alliance_id.in_([row.id for row in rows]))).all()
    revisions = {row.id: row.revision for row in rows}
    return {alliance_id for alliance_id, revision in found if revisions.get(alliance_id) == revision}


def _summary(session: Session, row: AllianceRow, options: dict[str, Any]) -> dict[str, Any]:
    return alliance_summary(load(session, row), null_samples=options["null_samples"], seed=options["seed"])


def _job(settings: Settings, session: Session, params: dict[str, Any], progress: Progress) -> tuple[str, str]:
    """The summaries as a background job; its result is the answer the request would have had."""
    rows = [row for row in (session.get(AllianceRow, i) for i in params["ids"]) if row is not None]
    summaries = _all_summaries(session, rows, params["options"], settings.compare_cache_rows,
                               progress=progress, scheduler=settings.scheduler)
    shown = [i for i in params["shown"] if i in summaries]
    if params["what"] == "charts":
        if params["alliance"] not in summaries:
            raise Refusal(404, "problem.alliance.not_found", id=params["alliance"])
        body: dict[str, Any] = {
            "alliance": params["alliance"],
            "charts": _charts(summaries, params["alliance"], params["lang"], settings),
        }
    else:
        body = _overview(summaries, shown, params["filters"], params["lang"], settings)
    return json.dumps(body, ensure_ascii=False, allow_nan=False), "application/json"

"""Comparisons across alliances and waves: what funders see.

``GET /api/v1/compare`` gives one size-fair comparison row per alliance
(:func:`netz.cohort.compare.compare_row`, with percentile ranks within the compared
set) and ``GET /api/v1/compare/trends`` every network figure per alliance and
wave with per-wave cohort summaries (:mod:`netz.cohort.trends`). Both are network-level
only — no actor appears — so every role may use them: admins and researchers on
any alliance, funders on any (that is what they are for), coordinators on the
alliances they are given. Each alliance's row is cached per revision.
"""

from __future__ import annotations

import functools
import io
import json
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import Settings
from api.deps import CurrentKey, SessionDep, SessionRoute, SettingsDep, readable_alliance
from api.jobs import POLL_SECONDS, JobRunner, Progress, describe
from api.models import AllianceRow, ApiKey, KeyGrant
from api.params import GroupBy, Land, Programme, check_names, same_name
from api.problems import Refusal
from api.reportcache import Cache, cache_key, options_detail, read, store, stored_revisions
from api.schemas import Comparison
from api.store import load
from netz.analysis.report import resolve_names, to_jsonable
from netz.cohort.batch import each, open_executor
from netz.cohort.compare import PERCENTILE_COLUMNS, SIZE_CLASSES, compare_row, percentile_ranks
from netz.cohort.programme import health_columns
from netz.cohort.trends import alliance_trends, cohort_trends
from netz.core.io.spreadsheet import spreadsheet_safe
from netz.core.model import Alliance

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/compare", tags=["compare"])

SizeClass = Literal["small", "medium", "large"]
Format = Annotated[Literal["json", "csv"], Query(description="JSON, or the table as CSV.")]
_IDS = Query(description="alliance ids, comma-separated (default: every alliance the key may see)")
_SAMPLES = ("random networks per null model; at most what the key's role may ask for "
            "(`compare_null_samples`: by default 1000 for admins and researchers, 200 for coordinators "
            "and funders)")
_SIZE = Query(description="small (< 30 actors), medium (30–99) or large (≥ 100)")
_SEED = Query(description="the seed of the null models' random networks")


#: What a comparison may answer besides 200 (declared so that clients expect it).
_ANSWERS: dict[int | str, dict[str, Any]] = {
    202: {"description": "Accepted: a long comparison (estimated above `compare_job_seconds`, default 2 "
                         "CPU seconds, for the alliances not yet cached) runs as a background job; poll "
                         "the job at `Location` (`GET /api/v1/jobs/{id}`), whose `result` is this "
                         "request's body when done",
          "headers": {"Location": {"description": "the job", "schema": {"type": "string"}}},
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobOut"}}}},
    422: {"description": "Invalid request, or more `null_samples` than the key's role may ask for "
                         "(`compare_null_samples`, by default admin and researcher 1000, coordinator and "
                         "funder 200)"},
}


@router.get("", response_model=Comparison, responses=_ANSWERS)
def get_compare(
    request: Request, session: SessionDep, key: CurrentKey, settings: SettingsDep,
    alliances: Annotated[str | None, _IDS] = None,
    programme: Programme = None, land: Land = None, size_class: Annotated[SizeClass | None, _SIZE] = None,
    wave: Annotated[str | None, Query(description="wave of each alliance (default: its latest)")] = None,
    group_by: GroupBy = "type",
    null_samples: Annotated[int, Query(ge=0, le=1000, description=_SAMPLES)] = 100,
    seed: Annotated[int, _SEED] = 0,
    format: Format = "json",
) -> Response:
    """One row per alliance: network figures, mean degree, clustering ratio, null-model z-scores, ranks.

    Filters: ``programme`` and ``land`` (any case and spelling), ``size_class`` (small < 30,
    medium 30–99, large ≥ 100 actors). Percentile ranks are within the alliances
    compared. ``format=csv`` returns the table as CSV. A long comparison is answered
    ``202 Accepted`` and runs as a background job (see the 202 answer).
    """
    options = {"wave": wave, "group_by": group_by, "null_samples": null_samples, "seed": seed}
    return _answer(request, session, key, settings, "compare", options, format,
                   _selected(session, key, alliances, programme, land, size_class))


@router.get("/trends", responses=_ANSWERS)
def get_trends(
    request: Request, session: SessionDep, key: CurrentKey, settings: SettingsDep,
    alliances: Annotated[str | None, _IDS] = None,
    programme: Programme = None, land: Land = None, size_class: Annotated[SizeClass | None, _SIZE] = None,
    group_by: GroupBy = "type",
    null_samples: Annotated[int, Query(ge=0, le=1000, description=_SAMPLES)] = 0,
    seed: Annotated[int, _SEED] = 0,
    format: Format = "json",
) -> Response:
    """Every network figure of each alliance per wave, and per wave over the alliances (n, mean,
    median, quartiles). ``format=csv`` returns the per-alliance table as CSV. A long one runs as a
    background job (see the 202 answer)."""
    options = {"group_by": group_by, "null_samples": null_samples, "seed": seed}
    return _answer(request, session, key, settings, "trends", options, format,
                   _selected(session, key, alliances, programme, land, size_class))


# -- answers -----------------------------------------------------------------


def _answer(request: Request, session: Session, key: ApiKey, settings: Settings, kind: str,
            options: dict[str, Any], format: str, rows: list[AllianceRow]) -> Response:
    """The comparison now, or (when long) a background job computing it: 202 with its Location.

    Sent as computed: the route's ``response_model`` documents the JSON, it is not applied."""
    allowed = settings.compare_null_samples.get(key.role, 0)
    if options["null_samples"] > allowed:
        raise Refusal(422, "problem.compare.null_samples", role=key.role, allowed=allowed,
                      asked=options["null_samples"])
    params = {"ids": [row.id for row in rows], "options": options, "format": format}
    if estimated_seconds(session, rows, kind, options) <= settings.compare_job_seconds:
        cache: Cache = request.app.state.reports
        records = _records(cache, session, rows, kind, options, settings.compare_cache_rows)
        if format == "csv":
            return _csv(_table(kind, records))
        return JSONResponse(_body(kind, records, len(rows), options))
    runner: JobRunner = request.app.state.jobs
    work = functools.partial(_job, request.app.state.reports, kind, settings.compare_cache_rows,
                             settings.scheduler)
    job = runner.submit(session, key, kind, params, len(rows), work)
    return JSONResponse(describe(job), status_code=202, headers={
        "Location": f"/api/v1/jobs/{job.id}", "Retry-After": str(POLL_SECONDS)})


def _job(cache: Cache, kind: str, keep: int, scheduler: str, session: Session, params: dict[str, Any],
         progress: Progress) -> tuple[str, str]:
    """A comparison as a background job: its body's text and media type. The rows not cached are
    computed on the executor ``scheduler`` names (:func:`netz.cohort.batch.open_executor`, the setting
    ``NETZ_SCHEDULER``); progress counts the alliances whose row is there."""
    rows = [row for row in (session.get(AllianceRow, i) for i in params["ids"]) if row is not None]
    options = params["options"]
    fresh = stored_revisions(session, _cache_key(kind, options), (row.id for row in rows))
    missing = [row for row in rows if (row.id, row.revision) not in fresh]
    alliances = [(row.id, load(session, row)) for row in missing]
    task = functools.partial(_compare_record if kind == "compare" else _trend_records, options=options)
    with open_executor(scheduler if len(missing) > 1 else "processes:1") as pool:
        found = each(task, alliances, executor=pool.executor,
                     cost=lambda item: item[1].n_actors * len(item[1].ties),
                     done=lambda count: progress(len(rows) - len(missing) + count))
    computed = {row.id: value for row, value in zip(missing, found, strict=True)}
    records = _records(cache, session, rows, kind, options, keep, computed=computed)
    if params["format"] == "csv":
        return _csv_text(_table(kind, records)), "text/csv"
    body = _body(kind, records, len(rows), options)
    return json.dumps(to_jsonable(body), ensure_ascii=False, allow_nan=False), "application/json"


def _records(cache: Cache, session: Session, rows: list[AllianceRow], kind: str, options: dict[str, Any],
             keep: int, *, computed: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    """Each alliance's comparison row (or trend rows): from the report cache, ``computed`` (by a
    job, stored here) or computed now.

    Each alliance keeps the ``keep`` most recently stored comparison and trend rows (every seed
    and option set is a row of its own: without a bound any client could fill the table).
    """
    compute = _compare_row if kind == "compare" else _trend_rows
    computed = computed or {}
    records: list[dict[str, Any]] = []
    for row in rows:
        made = (functools.partial(computed.__getitem__, row.id) if row.id in computed
                else functools.partial(compute, session, row, options))
        value = cache.value(session, row, _cache_key(kind, options), made, keep=keep, kinds=KINDS)
        records.extend(value if kind == "trends" else [value])
    return records


def _table(kind: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    if kind == "trends":
        return pd.DataFrame(records)
    return percentile_ranks(pd.DataFrame(records)) if records else pd.DataFrame()


def _body(kind: str, records: list[dict[str, Any]], count: int, options: dict[str, Any]) -> dict[str, Any]:
    """The JSON answer of a comparison (``kind="compare"``) or of trends."""
    table = _table(kind, records)
    if kind == "trends":
        by_alliance: dict[str, list[dict[str, Any]]] = {}
        for record in records:
            by_alliance.setdefault(str(record["alliance"]), []).append(record)
        cohort = cohort_trends(table).to_dict("records") if records else []
        return to_jsonable({"count": count, "alliances": by_alliance, "cohort": cohort})
    return {
        "count": len(records),
        "null_samples": options["null_samples"],
        "seed": options["seed"],
        "size_classes": {name: {"min_actors": low, "max_actors": None if high == float("inf") else high - 1}
                         for name, low, high in SIZE_CLASSES},
        "percentile_columns": list(PERCENTILE_COLUMNS),
        "alliances": to_jsonable(table.to_dict("records")),
    }


# -- helpers -----------------------------------------------------------------


def _selected(session: Session, key: ApiKey, alliances: str | None, programme: str | None,
              land: str | None, size_class: str | None) -> list[AllianceRow]:
    """The alliances to compare: those named (each readable by the key, else 403/404) or all it may see."""
    if alliances:
        try:
            ids = list(dict.fromkeys(int(part) for part in alliances.split(",") if part.strip()))
        except ValueError:
            raise Refusal(422, "problem.compare.bad_ids", value=alliances) from None
        rows = [readable_alliance(session, key, alliance_id) for alliance_id in ids]
    else:
        query = select(AllianceRow).order_by(AllianceRow.id)
        if key.role == "coordinator":
            query = query.join(KeyGrant, KeyGrant.alliance_id == AllianceRow.id).where(
                KeyGrant.key_id == key.id)
        rows = list(session.scalars(query))
    check_names((row.land for row in rows), (row.programme for row in rows), land, programme)
    bounds = {name: (low, high) for name, low, high in SIZE_CLASSES}
    return [
        row for row in rows
        if same_name(row.programme, programme) and same_name(row.land, land)
        and (size_class is None or bounds[size_class][0] <= row.n_actors < bounds[size_class][1])
    ]


def _compare_row(session: Session, row: AllianceRow, options: dict[str, Any]) -> dict[str, Any]:
    return _compare_record((row.id, load(session, row)), options=options)


def _compare_record(item: tuple[int, Alliance], *, options: dict[str, Any]) -> dict[str, Any]:
    """The comparison row of an (id, alliance), with its bands and gap counts (a job's task)."""
    alliance_id, alliance = item
    names = _names(alliance, options)
    record = compare_row(alliance, key=str(alliance_id), **names)
    health = health_columns(alliance, wave=names["wave"], seed=names["seed"])  # bands and gap counts
    return to_jsonable({**record, **health, "alliance": alliance_id})


def _trend_rows(session: Session, row: AllianceRow, options: dict[str, Any]) -> list[dict[str, Any]]:
    return _trend_records((row.id, load(session, row)), options=options)


def _trend_records(item: tuple[int, Alliance], *, options: dict[str, Any]) -> list[dict[str, Any]]:
    """The trend rows of an (id, alliance), one per wave (a job's task)."""
    alliance_id, alliance = item
    table = alliance_trends(alliance, key=str(alliance_id), **_names(alliance, options))
    return [{**record, "alliance": alliance_id} for record in to_jsonable(table.to_dict("records"))]


def _names(alliance: Alliance, options: dict[str, Any]) -> dict[str, Any]:
    """The options with ``group_by`` and ``wave`` as the alliance spells them (any case), or 422
    listing the names it has (:func:`netz.analysis.report.resolve_names`)."""
    group_by, wave = resolve_names(alliance, options["group_by"], options.get("wave"))
    return {**options, "group_by": group_by} | ({"wave": wave} if "wave" in options else {})


#: The version of the stored rows' fields (raise it when they change: older rows are not served).
ROWS_VERSION = 3
#: The kinds of cached comparison values (the first part of their key), evicted together.
KINDS = ("compare", "trends")


def _cache_key(kind: str, options: dict[str, Any]) -> str:
    """The key of an alliance's comparison (or trend) rows: the rows' version and each option's
    name and value, as the report cache writes options (:func:`api.reportcache.options_detail`), so
    that two different option sets never share a key (a ``|`` or ``=`` in a wave's name, or a
    wave named ``None``, cannot make one look like another)."""
    named = (part for name in sorted(options) for part in (name, options[name]))
    return cache_key(kind, options_detail(ROWS_VERSION, *named))


def _cached(session: Session, row: AllianceRow, kind: str, options: dict[str, Any], compute: Any,
            keep: int) -> Any:
    """A value of this alliance revision and these options from the report cache's store, or
    computed now and stored (:mod:`api.reportcache`; for callers without the application's
    :class:`~api.reportcache.Cache`, as the programme overview's background jobs)."""
    key = _cache_key(kind, options)
    body = read(session, row, key)
    if body is not None:
        return json.loads(body)
    value = to_jsonable(compute(session, row, options))
    store(session, row, key, json.dumps(value, ensure_ascii=False, allow_nan=False), keep=keep, kinds=KINDS)
    return value


#: CPU seconds per actor × tie × null sample: the null models' betweenness, which dominates,
#: grows as actors × ties (measured with ``compare_row(…, null_samples=20)`` on G(n, 3n) networks:
#: 100 actors 0.05 s, 300 actors 0.28 s, 1000 actors 2.9 s, each ~5e-8 s per actor × tie × sample).
SECONDS_PER_ACTOR_TIE = 5e-8
#: CPU seconds of one network's figures however small (the smallest alliances' cost).
SECONDS_PER_NETWORK = 2e-3
#: :func:`netz.cohort.compare.compare_row`'s default ``null_max_actors``: above it, no null models.
NULL_MAX_ACTORS = 1000


def estimated_seconds(session: Session, rows: list[AllianceRow], kind: str, options: dict[str, Any]) -> float:
    """What computing the answer would cost, in CPU seconds, for the alliances not cached yet.

    Each counts actors × ties × ``max(null_samples, 1)`` (null models are left out above
    :func:`netz.cohort.compare.compare_row`'s ``null_max_actors``, 1,000 actors); trends count one
    wave per alliance (an estimate, not a promise: waves are known only once it is loaded).
    """
    if not rows:
        return 0.0
    fresh = stored_revisions(session, _cache_key(kind, options), (row.id for row in rows))
    samples = max(int(options["null_samples"]), 1)
    return sum((SECONDS_PER_ACTOR_TIE * row.n_actors * max(row.n_ties, 1)
                + SECONDS_PER_NETWORK) * (samples if row.n_actors <= NULL_MAX_ACTORS else 1)
               for row in rows if (row.id, row.revision) not in fresh)


def _csv(table: pd.DataFrame) -> Response:
    return Response(_csv_text(table), media_type="text/csv; charset=utf-8")


def _csv_text(table: pd.DataFrame) -> str:
    buffer = io.StringIO()
    spreadsheet_safe(table).to_csv(buffer, index=False)
    return buffer.getvalue()

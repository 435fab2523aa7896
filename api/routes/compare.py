"""Comparisons across alliances and waves: what funders see.

``GET /api/v1/compare`` gives one size-fair comparison row per alliance
(:func:`netz.compare.compare_row`, with percentile ranks within the compared
set) and ``GET /api/v1/compare/trends`` every network figure per alliance and
wave with per-wave cohort summaries (:mod:`netz.trends`). Both are network-level
only — no actor appears — so every role may use them: admins and researchers on
any alliance, funders on any (that is what they are for), coordinators on the
alliances they are given. Each alliance's row is cached per revision.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Response
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.deps import CurrentKey, SessionDep, readable_alliance
from api.models import AllianceRow, ApiKey, KeyGrant, ReportCache
from api.params import GroupBy, Land, Programme, same_name
from api.store import load
from netz.compare import PERCENTILE_COLUMNS, SIZE_CLASSES, compare_row, percentile_ranks
from netz.io.spreadsheet import spreadsheet_safe
from netz.report import to_jsonable
from netz.trends import alliance_trends, cohort_trends

router = APIRouter(prefix="/api/v1/compare", tags=["compare"])

SizeClass = Literal["small", "medium", "large"]
Format = Annotated[Literal["json", "csv"], Query(description="JSON, or the table as CSV.")]
_IDS = Query(description="alliance ids, comma-separated (default: every alliance the key may see)")
_SAMPLES = "random networks per null model"
_SIZE = Query(description="small (< 30 actors), medium (30–99) or large (≥ 100)")
_SEED = Query(description="the seed of the null models' random networks")


@router.get("")
def get_compare(
    session: SessionDep, key: CurrentKey,
    alliances: Annotated[str | None, _IDS] = None,
    programme: Programme = None, land: Land = None, size_class: Annotated[SizeClass | None, _SIZE] = None,
    wave: Annotated[str | None, Query(description="wave of each alliance (default: its latest)")] = None,
    group_by: GroupBy = "type",
    null_samples: Annotated[int, Query(ge=0, le=1000, description=_SAMPLES)] = 100,
    seed: Annotated[int, _SEED] = 0,
    format: Format = "json",
) -> Any:
    """One row per alliance: network figures, mean degree, clustering ratio, null-model z-scores, ranks.

    Filters: ``programme`` and ``land`` (any case and spelling), ``size_class`` (small < 30,
    medium 30–99, large ≥ 100 actors). Percentile ranks are within the alliances
    compared. ``format=csv`` returns the table as CSV.
    """
    rows = _selected(session, key, alliances, programme, land, size_class)
    options = {"wave": wave, "group_by": group_by, "null_samples": null_samples, "seed": seed}
    records = [_cached(session, row, "compare", options, _compare_row) for row in rows]
    table = percentile_ranks(pd.DataFrame(records)) if records else pd.DataFrame()
    if format == "csv":
        return _csv(table)
    return {
        "count": len(records),
        "null_samples": null_samples,
        "seed": seed,
        "size_classes": {name: {"min_actors": low, "max_actors": None if high == float("inf") else high - 1}
                         for name, low, high in SIZE_CLASSES},
        "percentile_columns": list(PERCENTILE_COLUMNS),
        "alliances": to_jsonable(table.to_dict("records")),
    }


@router.get("/trends")
def get_trends(
    session: SessionDep, key: CurrentKey,
    alliances: Annotated[str | None, _IDS] = None,
    programme: Programme = None, land: Land = None, size_class: Annotated[SizeClass | None, _SIZE] = None,
    group_by: GroupBy = "type",
    null_samples: Annotated[int, Query(ge=0, le=1000, description=_SAMPLES)] = 0,
    seed: Annotated[int, _SEED] = 0,
    format: Format = "json",
) -> Any:
    """Every network figure of each alliance per wave, and per wave over the alliances (n, mean,
    median, quartiles). ``format=csv`` returns the per-alliance table as CSV."""
    rows = _selected(session, key, alliances, programme, land, size_class)
    options = {"group_by": group_by, "null_samples": null_samples, "seed": seed}
    records = [r for row in rows for r in _cached(session, row, "trends", options, _trend_rows)]
    table = pd.DataFrame(records)
    if format == "csv":
        return _csv(table)
    by_alliance: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_alliance.setdefault(str(record["alliance"]), []).append(record)
    cohort = cohort_trends(table).to_dict("records") if records else []
    return to_jsonable({"count": len(rows), "alliances": by_alliance, "cohort": cohort})


# -- helpers -----------------------------------------------------------------


def _selected(session: Session, key: ApiKey, alliances: str | None, programme: str | None,
              land: str | None, size_class: str | None) -> list[AllianceRow]:
    """The alliances to compare: those named (each readable by the key, else 403/404) or all it may see."""
    if alliances:
        try:
            ids = list(dict.fromkeys(int(part) for part in alliances.split(",") if part.strip()))
        except ValueError:
            raise HTTPException(422, f"alliances must be ids separated by commas, got '{alliances}'"
                                ) from None
        rows = [readable_alliance(session, key, alliance_id) for alliance_id in ids]
    else:
        query = select(AllianceRow).order_by(AllianceRow.id)
        if key.role == "coordinator":
            query = query.join(KeyGrant, KeyGrant.alliance_id == AllianceRow.id).where(
                KeyGrant.key_id == key.id)
        rows = list(session.scalars(query))
    bounds = {name: (low, high) for name, low, high in SIZE_CLASSES}
    return [
        row for row in rows
        if same_name(row.programme, programme) and same_name(row.land, land)
        and (size_class is None or bounds[size_class][0] <= row.n_actors < bounds[size_class][1])
    ]


def _compare_row(session: Session, row: AllianceRow, options: dict[str, Any]) -> dict[str, Any]:
    record = compare_row(load(session, row), key=str(row.id), **options)
    return {**record, "alliance": row.id}


def _trend_rows(session: Session, row: AllianceRow, options: dict[str, Any]) -> list[dict[str, Any]]:
    table = alliance_trends(load(session, row), key=str(row.id), **options)
    return [{**record, "alliance": row.id} for record in to_jsonable(table.to_dict("records"))]


def _cached(session: Session, row: AllianceRow, kind: str, options: dict[str, Any], compute: Any) -> Any:
    """The computed value for this alliance revision and these options, from the report cache or now."""
    cache_key = f"{kind}|" + "|".join(f"{k}={options[k]}" for k in sorted(options))
    if len(cache_key) > 200:  # the column's width; a long group_by name is hashed
        cache_key = f"{kind}|sha256={hashlib.sha256(cache_key.encode()).hexdigest()}"
    body = session.scalar(select(ReportCache.body).where(
        ReportCache.alliance_id == row.id, ReportCache.key == cache_key,
        ReportCache.revision == row.revision))
    if body is not None:
        return json.loads(body)
    value = to_jsonable(compute(session, row, options))
    try:
        session.execute(delete(ReportCache).where(ReportCache.alliance_id == row.id,
                                                  ReportCache.key == cache_key))
        session.add(ReportCache(alliance_id=row.id, key=cache_key, revision=row.revision,
                                body=json.dumps(value, ensure_ascii=False, allow_nan=False)))
        session.commit()
    except IntegrityError:  # another worker stored it first
        session.rollback()
    return value


def _csv(table: pd.DataFrame) -> Response:
    buffer = io.StringIO()
    spreadsheet_safe(table).to_csv(buffer, index=False)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8")

"""Reports as each role may see them, computed once per alliance revision and cached.

Views: ``full`` (admin, coordinator), ``pseudonymised`` (researcher: actors
as stable codes, no text attributes) and ``aggregate`` (funder: network-level
figures and the scorecard only; gaps as counts by kind and severity).
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, LargeBinary, bindparam, cast, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.config import Settings
from api.models import AllianceRow, ReportCache
from api.security import pseudonym_key
from api.store import load
from netz.model import Alliance
from netz.privacy import pseudonymise
from netz.report import report, resolve_names

__all__ = ["StoredReport", "aggregate_only", "alliance_as_seen", "cached_report", "report_key",
           "stored_report"]


def alliance_as_seen(session: Session, row: AllianceRow, view: str, settings: Settings) -> Alliance:
    """The stored alliance, pseudonymised for every view but ``full``."""
    alliance = load(session, row)
    if view == "full":
        return alliance
    return pseudonymise(alliance, pseudonym_key(session, settings.pseudonym_secret), str(row.id))


def cached_report(
    session: Session, row: AllianceRow, view: str, settings: Settings, *,
    group_by: str = "type", wave: str | None = None,
) -> bytes:
    """The report's JSON (UTF-8) for this revision and view, from the cache or computed now."""
    return stored_report(session, row, view, settings, group_by=group_by, wave=wave).body


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A report as stored in the ``report_cache`` table: its JSON, the revision it is of, and the
    random token of that stored row (a new one each time a report is stored, so that a process
    that keeps reports in memory can tell with one small query that its copy is the stored one:
    see :mod:`api.hotpath`)."""

    body: bytes
    revision: int
    token: str


def report_key(view: str, group_by: str, wave: str | None) -> str:
    """The ``report_cache.key`` of a report: view and options; hashed when too long for the column."""
    key = f"{view}|{group_by}|{wave or ''}"
    if len(key) > KEY_WIDTH:
        key = f"{view}|sha256={hashlib.sha256(key.encode()).hexdigest()}"
    return key


#: The width of ``report_cache.key`` (String(200)).
KEY_WIDTH = 200


def stored_report(
    session: Session, row: AllianceRow, view: str, settings: Settings, *,
    group_by: str = "type", wave: str | None = None,
) -> StoredReport:
    """:func:`cached_report` with the stored row's revision and token.

    ``group_by`` must name an actor column and ``wave`` a wave of the alliance (or ``all``), in
    any case (:func:`netz.report.resolve_names`); else :class:`netz.errors.UnknownName`.

    On SQLite a cached report comes from the database as the bytes it is sent as: reading the
    text as ``str`` and encoding it again for the response cost ~0.4 ms per request (~180 KiB).
    """
    key = report_key(view, group_by, wave)
    cached = _read(session, row, key)
    if cached is not None:
        return cached
    # Each variant is computed once and stored for every reader: only the alliance's own names
    # (its actor columns and waves, spelt as it spells them) make one, so they are bounded.
    alliance = alliance_as_seen(session, row, view, settings)
    group_by, wave = resolve_names(alliance, group_by, wave)
    if report_key(view, group_by, wave) != key:
        key = report_key(view, group_by, wave)
        cached = _read(session, row, key)
        if cached is not None:
            return cached
    result = report(alliance, group_by=group_by, wave=wave, seed=settings.report_seed)
    result["alliance"]["id"] = row.id
    result["alliance"]["revision"] = row.revision
    if view == "aggregate":
        result = aggregate_only(result)
    body = json.dumps(result, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    token = secrets.token_hex(16)
    if not _store(session, row, key, body, token):
        # Another worker stored this report first (the same one: reports are deterministic):
        # take its row, so that the token is the stored one.
        cached = _read(session, row, key)
        if cached is not None:
            return cached
    return StoredReport(body.encode(), row.revision, token)


def _read(session: Session, row: AllianceRow, key: str) -> StoredReport | None:
    found = session.execute(_cached_body(session.get_bind().dialect.name),
                            {"alliance_id": row.id, "key": key, "revision": row.revision}).first()
    if found is None or found[1] is None:  # a row without a token: stored before migration 0002
        return None
    body = found[0]
    return StoredReport(body.encode() if isinstance(body, str) else bytes(body), row.revision, found[1])


@functools.cache
def _cached_body(dialect: str) -> Executable:
    """The query for a cached report's body and token, built once (building it took as long as
    running it).

    SQLite gives the text's UTF-8 bytes for a cast to BLOB. PostgreSQL would give them only as
    ``bytea`` (``convert_to``), which psycopg receives hex-encoded and decodes more slowly than
    the text itself, so there the text is read and encoded.
    """
    body = ReportCache.body if dialect == "postgresql" else cast(ReportCache.body, LargeBinary)
    return select(body, ReportCache.token).where(ReportCache.alliance_id == bindparam("alliance_id"),
                                                 ReportCache.key == bindparam("key"),
                                                 ReportCache.revision == bindparam("revision"))


def aggregate_only(result: dict[str, Any]) -> dict[str, Any]:
    """A report with nothing about single actors: for funders."""
    counts = Counter((gap["kind"], gap["severity"]) for gap in result["gaps"])
    network = {k: v for k, v in result["network"].items() if k != "communities"}
    network["communities"] = {k: v for k, v in result["network"].get("communities", {}).items()
                              if k in ("count", "modularity", "method")}
    return {
        "alliance": result["alliance"],
        "network": network,
        "actors": [],
        "gaps": [{"kind": kind, "severity": severity, "count": count}
                 for (kind, severity), count in sorted(counts.items())],
        "health": [{k: v for k, v in item.items() if k != "explanation"} for item in result["health"]],
    }


def _store(session: Session, row: AllianceRow, key: str, body: str, token: str) -> bool:
    """Store a report (replacing any of an older revision); False if another worker was first."""
    try:
        session.execute(delete(ReportCache).where(ReportCache.alliance_id == row.id,
                                                  ReportCache.key == key))
        session.add(ReportCache(alliance_id=row.id, key=key, revision=row.revision, body=body,
                                token=token))
        session.commit()
    except IntegrityError:  # another worker stored the same report first
        session.rollback()
        return False
    return True

"""Reports as each role may see them, computed once per alliance revision and cached.

Views: ``full`` (admin, coordinator), ``pseudonymised`` (researcher) and ``aggregate`` (funder).
Researchers are given the analysis of the de-identified alliance (:func:`netz.privacy.deidentify`:
pseudonyms, rare types merged, numeric attributes as bands, no text); funders the figures of
:func:`netz.privacy.funders_report` (scorecard, gap counts and network figures of the alliance as
stored, figures by group on groups of at least ``k`` actors). Both reports are built from
allow-lists of fields (:func:`research_view`, :func:`funder_view`), so that a field added to the
report later reaches neither until it is listed here. Grouping that would single out actors is
refused for funders (:func:`alliance_as_seen`). See ``docs/privacy.md``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Iterable
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
from netz.privacy import check_grouping, deidentify, funders_report
from netz.report import report, resolve_names

__all__ = ["StoredReport", "alliance_as_seen", "cached_report", "funder_view", "report_key", "research_view",
           "stored_report", "view_version"]

#: Whole-network figures both researchers and funders see.
NETWORK_FIGURES = (
    "n_actors", "n_ties", "density", "mean_degree", "components", "largest_component_share",
    "fragmentation", "centralization", "reciprocity", "transitivity", "average_path_length", "diameter",
    "degree_assortativity", "brokerage", "methods", "betweenness", "actors_by_type", "actors_by_group",
)
#: Mixing by group (of at least k actors for funders: see :func:`alliance_as_seen`).
MIXING_FIGURES = ("group_by", "groups", "sizes", "ei_index", "ei_index_baseline", "ei_index_by_group",
                  "ties", "block_density", "type_assortativity")
#: Communities: funders see how many and how separate, researchers also their sizes.
FUNDER_COMMUNITY_FIGURES = ("count", "modularity", "method")
RESEARCH_COMMUNITY_FIGURES = (*FUNDER_COMMUNITY_FIGURES, "sizes", "seed")
#: Per-actor metrics researchers see, next to the (pseudonymous) id, name, type and banded attributes.
ACTOR_METRICS = (
    "degree", "in_degree", "out_degree", "strength", "degree_norm", "betweenness", "betweenness_norm",
    "closeness", "harmonic", "eigenvector", "pagerank", "coreness", "clustering", "constraint",
    "effective_size", "efficiency", "hierarchy", "brokerage", "ei_index", "community",
)
GAP_FIELDS = ("id", "kind", "severity", "actors", "types", "value", "message", "suggestion_message", "params",
              "folds", "explanation", "suggestion")
FUNDER_HEALTH_FIELDS = ("indicator", "value", "band")
RESEARCH_HEALTH_FIELDS = (*FUNDER_HEALTH_FIELDS, "explanation")


def alliance_as_seen(session: Session, row: AllianceRow, view: str, settings: Settings, *,
                     group_by: str | None = None, waves: Iterable[str | None] = (None,)) -> Alliance:
    """The stored alliance as a view sees it: as it is (``full``), or de-identified.

    For the funders' ``aggregate`` view, grouping by ``group_by`` in any of ``waves`` (None: the
    latest) must not single out actors (:func:`netz.privacy.check_grouping`, 403). Every route
    that serves researchers or funders takes the alliance from here, the cached report's fast
    path too (through :func:`stored_report`), so the rule holds on all of them.
    """
    return _as_seen(session, row, load(session, row), view, settings, group_by=group_by, waves=waves)


def _as_seen(session: Session, row: AllianceRow, alliance: Alliance, view: str, settings: Settings, *,
             group_by: str | None, waves: Iterable[str | None]) -> Alliance:
    """:func:`alliance_as_seen` of an alliance already loaded.

    Researchers keep types of at least ``privacy_min_type_group`` actors; for funders (and any
    view unknown here) a type needs ``k`` (``privacy_min_group``), like a band.
    """
    if view == "full":
        return alliance
    research = view == "pseudonymised"
    seen = deidentify(alliance, pseudonym_key(session, settings.pseudonym_secret), str(row.id),
                      min_group=settings.privacy_min_group,
                      min_type_group=settings.privacy_min_type_group if research else None)
    if not research and group_by is not None:
        for wave in waves:
            check_grouping(seen, group_by, min_group=settings.privacy_min_group, wave=wave)
    return seen


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


def report_key(view: str, group_by: str, wave: str | None, settings: Settings) -> str:
    """The ``report_cache.key`` of a report: view and options; hashed when too long for the column.

    The de-identified views name the privacy rules' version and thresholds (``privacy_min_group``,
    ``privacy_min_type_group``), so that a report stored under other rules is never served.
    """
    view = view_version(view, settings)
    key = f"{view}|{group_by}|{wave or ''}"
    if len(key) > KEY_WIDTH:
        key = f"{view}|sha256={hashlib.sha256(key.encode()).hexdigest()}"
    return key


def view_version(view: str, settings: Settings) -> str:
    """A view with the rules that shape it: a de-identified view names the privacy rules' version
    and thresholds, in its reports' cache key and ETag, so that neither outlives a change."""
    if view == "full":
        return view
    return f"{view}/{PRIVACY_RULES}/k={settings.privacy_min_group}/t={settings.privacy_min_type_group}"


#: The width of ``report_cache.key`` (String(200)).
KEY_WIDTH = 200
#: The version of the rules of :mod:`netz.privacy` and of the views' allow-lists (part of the
#: cache key of the views they shape: raise it when either changes).
PRIVACY_RULES = "p4"


def stored_report(
    session: Session, row: AllianceRow, view: str, settings: Settings, *,
    group_by: str = "type", wave: str | None = None,
) -> StoredReport:
    """:func:`cached_report` with the stored row's revision and token.

    ``group_by`` must name an actor column and ``wave`` a wave of the alliance (or ``all``), in
    any case (:func:`netz.report.resolve_names`); else :class:`netz.errors.UnknownNameError`.

    On SQLite a cached report comes from the database as the bytes it is sent as: reading the
    text as ``str`` and encoding it again for the response cost ~0.4 ms per request (~180 KiB).
    """
    key = report_key(view, group_by, wave, settings)
    cached = _read(session, row, key)
    if cached is not None:
        return cached
    # Each variant is computed once and stored for every reader: only the alliance's own names
    # (its actor columns and waves, spelt as it spells them) make one, so they are bounded.
    stored = load(session, row)
    group_by, wave = resolve_names(stored, group_by, wave)
    if report_key(view, group_by, wave, settings) != key:
        key = report_key(view, group_by, wave, settings)
        cached = _read(session, row, key)
        if cached is not None:
            return cached
    seen = _as_seen(session, row, stored, view, settings, group_by=group_by, waves=(wave,))
    if view == "full":
        result = report(stored, group_by=group_by, wave=wave, seed=settings.report_seed)
    elif view == "pseudonymised":
        result = research_view(report(seen, group_by=group_by, wave=wave, seed=settings.report_seed),
                               seen.actor_attributes)
    else:  # funders' view, and any view unknown here: the narrowest
        result = funder_view(funders_report(stored, seen, min_group=settings.privacy_min_group,
                                            group_by=group_by, wave=wave, seed=settings.report_seed))
    result["alliance"]["id"] = row.id
    result["alliance"]["revision"] = row.revision
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


def research_view(result: dict[str, Any], attributes: Iterable[str]) -> dict[str, Any]:
    """A report of the de-identified alliance as researchers see it: the listed fields only.

    ``attributes`` are the actor attributes the de-identified alliance kept (as bands).
    """
    actor_fields = ("id", "name", "type", *attributes, *ACTOR_METRICS)
    return {
        "alliance": result["alliance"],
        "network": _network(result["network"], RESEARCH_COMMUNITY_FIGURES),
        "actors": [_picked(actor, actor_fields) for actor in result["actors"]],
        "gaps": [_picked(gap, GAP_FIELDS) for gap in result["gaps"]],
        "top_steps": result["top_steps"],
        "health": [_picked(item, RESEARCH_HEALTH_FIELDS) for item in result["health"]],
    }


def funder_view(result: dict[str, Any]) -> dict[str, Any]:
    """A report with nothing about single actors: for funders.

    Network-level figures, mixing by groups of at least k actors each (pooled, or checked before
    the report was computed: :func:`netz.privacy.funders_report`), the scorecard without its
    explanations (they name actors), and gaps as counts by kind and severity.
    """
    counts = Counter((gap["kind"], gap["severity"]) for gap in result["gaps"])
    return {
        "alliance": result["alliance"],
        "network": _network(result["network"], FUNDER_COMMUNITY_FIGURES),
        "actors": [],
        "gaps": [{"kind": kind, "severity": severity, "count": count}
                 for (kind, severity), count in sorted(counts.items())],
        "health": [_picked(item, FUNDER_HEALTH_FIELDS) for item in result["health"]],
    }


def _network(network: dict[str, Any], community_fields: tuple[str, ...]) -> dict[str, Any]:
    """The listed whole-network figures, mixing and community figures of a report's ``network``."""
    picked = _picked(network, NETWORK_FIGURES)
    if "communities" in network:
        picked["communities"] = _picked(network["communities"], community_fields)
    if "mixing" in network:
        picked["mixing"] = _picked(network["mixing"], MIXING_FIGURES)
    return picked


def _picked(record: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The fields of a record that are listed, in the record's order."""
    listed = set(fields)
    return {k: v for k, v in record.items() if k in listed}


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

"""Reports as each role may see them, computed once per alliance revision and cached.

Views: ``full`` (admin, coordinator), ``pseudonymised`` (researcher) and ``aggregate`` (funder).
Researchers are given the analysis of the de-identified alliance (:func:`netz.analysis.privacy.deidentify`:
pseudonyms, rare types merged, numeric attributes as bands, no text); funders the figures of
:func:`netz.analysis.privacy.funders_report` (scorecard, gap counts and network figures of the alliance as
stored, figures by group on groups of at least ``k`` actors). Both reports are built from
allow-lists of fields (:func:`research_view`, :func:`funder_view`), so that a field added to the
report later reaches neither until it is listed here. Grouping that would single out actors is
refused for funders (:func:`alliance_as_seen`). See ``docs/privacy.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from api.config import Settings
from api.models import AllianceRow
from api.security import pseudonym_key
from api.store import load
from netz.analysis.privacy import SHARED_META, check_grouping, deidentify, funders_report
from netz.analysis.report import report
from netz.core.metrics import ACTOR_METRIC_FIELDS
from netz.core.model import Alliance

__all__ = ["alliance_as_seen", "compute_report", "funder_view", "research_view"]

#: The report's ``alliance`` section both researchers and funders see: the listed metadata
#: (:data:`netz.analysis.privacy.SHARED_META`) and the report's options (the cache adds id and revision).
ALLIANCE_FIELDS = (*SHARED_META, "directed", "weighted", "waves", "wave", "group_by")
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
#: Researchers' gaps and steps: made of the de-identified alliance, their ids, parameters and words
#: name pseudonyms and coarse types only (docs/privacy.md).
GAP_FIELDS = ("id", "kind", "severity", "actors", "types", "value", "message", "suggestion_message", "params",
              "folds", "explanation", "suggestion")
STEP_FIELDS = ("rank", "finding", "kind", "severity", "message", "params", "text")
#: The scorecard: funders get what each indicator measures (its description names no actor),
#: researchers also the finding's note and explanation (of the de-identified alliance).
FUNDER_HEALTH_FIELDS = ("indicator", "value", "band", "description")
RESEARCH_HEALTH_FIELDS = (*FUNDER_HEALTH_FIELDS, "note", "explanation")


def alliance_as_seen(session: Session, row: AllianceRow, view: str, settings: Settings, *,
                     group_by: str | None = None, waves: Iterable[str | None] = (None,)) -> Alliance:
    """The stored alliance as a view sees it: as it is (``full``), or de-identified.

    For the funders' ``aggregate`` view, grouping by ``group_by`` in any of ``waves`` (None: the
    latest) must not single out actors (:func:`netz.analysis.privacy.check_grouping`, 403). Every route
    that serves researchers or funders takes the alliance from here, the cached report's fast
    report too (through :func:`compute_report`), so the rule holds on all of them.
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


def compute_report(session: Session, row: AllianceRow, alliance: Alliance, view: str, settings: Settings, *,
                   group_by: str, wave: str | None) -> str:
    """The report of the stored ``alliance`` (loaded from ``row``) as ``view`` sees it, as JSON.

    ``group_by`` and ``wave`` are names as the alliance spells them
    (:func:`netz.analysis.report.resolve_names`). Kept and served by :mod:`api.reportcache`.
    """
    seen = _as_seen(session, row, alliance, view, settings, group_by=group_by, waves=(wave,))
    if view == "full":
        result = report(alliance, group_by=group_by, wave=wave, seed=settings.report_seed)
    elif view == "pseudonymised":
        result = research_view(report(seen, group_by=group_by, wave=wave, seed=settings.report_seed),
                               seen.actor_attributes)
    else:  # funders' view, and any view unknown here: the narrowest
        result = funder_view(funders_report(alliance, seen, min_group=settings.privacy_min_group,
                                            group_by=group_by, wave=wave, seed=settings.report_seed))
    return report_body(row, result)


def report_body(row: AllianceRow, result: dict[str, Any]) -> str:
    """A report (as a view sees it) of the alliance's current revision as the JSON the cache keeps:
    with the alliance's id and revision. Also used where the full report's analysis has been
    computed for another reason (closing a survey analyses the new wave), so it is not computed again."""
    result["alliance"]["id"] = row.id
    result["alliance"]["revision"] = row.revision
    return json.dumps(result, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def research_view(result: dict[str, Any], attributes: Iterable[str]) -> dict[str, Any]:
    """A report of the de-identified alliance as researchers see it: the listed fields only.

    ``attributes`` are the actor attributes the de-identified alliance kept (as bands).
    """
    # Every per-actor metric, next to the (pseudonymous) id, name, type and banded attributes.
    actor_fields = ("id", "name", "type", *attributes, *ACTOR_METRIC_FIELDS)
    return {
        "alliance": _picked(result["alliance"], ALLIANCE_FIELDS),
        "network": _network(result["network"], RESEARCH_COMMUNITY_FIGURES),
        "actors": [_picked(actor, actor_fields) for actor in result["actors"]],
        "gaps": [_picked(gap, GAP_FIELDS) for gap in result["gaps"]],
        "top_steps": [_picked(step, STEP_FIELDS) for step in result["top_steps"]],
        "health": [_picked(item, RESEARCH_HEALTH_FIELDS) for item in result["health"]],
    }


def funder_view(result: dict[str, Any]) -> dict[str, Any]:
    """A report with nothing about single actors: for funders.

    The listed metadata (not who answered a survey: the scorecard's response says how many),
    network-level figures, mixing by groups of at least k actors each (pooled, or checked before
    the report was computed: :func:`netz.analysis.privacy.funders_report`), the scorecard with what
    each indicator measures instead of its explanation (which names actors), and gaps as counts
    by kind and severity.
    """
    counts = Counter((gap["kind"], gap["severity"]) for gap in result["gaps"])
    return {
        "alliance": _picked(result["alliance"], ALLIANCE_FIELDS),
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

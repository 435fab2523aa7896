"""One call that assembles everything netz knows about one alliance.

:func:`analyse` computes the graph, the per-actor metrics, the whole-network
figures, the coordination gaps and the health scorecard once, as Python
objects (an :class:`Analysis`); :func:`report` turns that into plain,
JSON-ready data with the keys ``alliance`` (metadata), ``network``
(whole-network figures), ``actors`` (one entry per actor with its attributes
and metrics), ``gaps`` and ``health``. Undefined values are ``None`` (``null``
in JSON), never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from netz.analysis.gaps import Finding, Thresholds, find_gaps, top_steps
from netz.analysis.health import POOLED_META, Bands, Indicator, health
from netz.analysis.survey import wave_response
from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph
from netz.core.metrics import is_metric_name, metric_tables
from netz.core.metrics.centrality import betweenness_sample_size
from netz.core.model import Alliance, plain_value, wave_order
from netz.core.vocabulary import ACTOR_TYPES

__all__ = [
    "APPROXIMATE_ABOVE", "REPORT_FORMAT", "Analysis", "actors_by_group", "analyse", "report", "resolve_names",
    "select_wave", "to_jsonable", "with_metrics",
]

#: The version of the report's shape: raise it when fields are added, removed or change meaning
#: (2: findings with stable ids and ``top_steps``; 3: the scorecard's ``note`` and ``description``;
#: 4: the ``description`` in Einfache Sprache, ``de-simple``, too).
#: Stored reports and their ETags name it, so that none computed by an older netz is served after an
#: upgrade.
REPORT_FORMAT = 4

#: Above this many actors a report estimates betweenness, closeness, harmonic
#: centrality, betweenness and closeness centralization and the average path length
#: from a sample of sources, and bounds the diameter (see ``network.methods``): exact,
#: each costs one shortest-path search per actor, hours for 200,000 actors.
APPROXIMATE_ABOVE = 50_000
# The accuracy betweenness() samples for by default, as reported in network.betweenness.
_EPSILON, _DELTA = 0.05, 0.1


@dataclass(frozen=True)
class Analysis:
    """Everything computed for one alliance (in one wave), before serialisation."""

    alliance: Alliance
    waves: list[str]
    wave: str | None
    group_by: str
    graph: ig.Graph
    actors: pd.DataFrame
    network: dict[str, Any]
    gaps: list[Finding]
    health: list[Indicator]


def resolve_names(alliance: Alliance, group_by: str = "type", wave: str | None = None
                  ) -> tuple[str, str | None]:
    """The actor column and the wave as the alliance spells them, matched without regard to case.

    ``group_by`` must name an actor column (``type`` is always one) and ``wave`` one of the
    alliance's waves, ``"all"`` or ``None`` (the latest). An exact match wins; otherwise the one
    name that matches when case is ignored. So ``TYPE`` and ``type`` are one report, and a name
    the alliance does not have is an :class:`~netz.core.errors.UnknownNameError` listing those it has.

    >>> from netz.core.model import Alliance
    >>> a = Alliance.from_frames(pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "type": ["church"] * 2,
    ...     "Hauptamtliche": [2, 0]}), pd.DataFrame({"source": ["a"], "target": ["b"], "wave": ["Herbst"]}))
    >>> resolve_names(a, "hauptamtliche", "HERBST")
    ('Hauptamtliche', 'Herbst')
    """
    columns = [str(column) for column in alliance.actors.columns]
    column = _matching(group_by, columns)
    if column is None:
        raise UnknownNameError("error.name.no_column", name=group_by, accepted=columns,
                               heading="error.name.heading.columns", parameter="group_by")
    if wave is None:
        return column, None
    waves = [str(w) for w in alliance.waves]
    chosen = _matching(str(wave), [*waves, "all"])
    if chosen is None:
        accepted = [*waves, "all"] if waves else []
        raise UnknownNameError("error.name.no_wave", name=str(wave), accepted=accepted,
                               heading="error.name.heading.waves",
                               note=None if waves else "error.name.note.no_waves", parameter="wave")
    return column, chosen


def _matching(name: str, names: list[str]) -> str | None:
    """``name`` itself if among ``names``, else the only one equal to it but for case."""
    if name in names:
        return name
    folded = [candidate for candidate in names if candidate.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


def select_wave(alliance: Alliance, wave: str | None = None) -> tuple[Alliance, str | None]:
    """The alliance as observed in one wave.

    Ties without a wave belong to every wave. With ``wave=None`` the latest
    wave is used (a report describes the network as it is now); ``wave="all"``
    keeps every tie of every wave.

    An actor takes part in a wave when it has a tie in that wave. Actors whose
    ties all lie in *other* waves are left out of this wave's analysis — an
    organisation that joined in 2021 was not an isolated member in 2019 — while
    actors without any tie at all stay in every wave, as the isolated members
    they are. Naming a wave of an alliance that has none is an error.
    """
    waves = alliance.waves
    if wave is not None and wave != "all" and not waves:
        raise UnknownNameError("error.name.no_wave", name=str(wave), accepted=[],
                               heading="error.name.heading.waves", note="error.name.note.no_waves")
    if not waves or wave == "all":
        return alliance, None if not waves else "all"
    chosen = waves[-1] if wave is None else str(wave)
    if chosen not in waves:
        raise UnknownNameError("error.name.no_wave", name=str(wave), accepted=waves,
                               heading="error.name.heading.waves")
    ties = alliance.ties
    keep = ties["wave"].isna() | (ties["wave"] == chosen)
    active = set(ties.loc[keep, "source"]) | set(ties.loc[keep, "target"])
    tied_anywhere = set(ties["source"]) | set(ties["target"])
    ids = alliance.actors["id"]
    members = ids.isin(active) | ~ids.isin(tied_anywhere)
    return Alliance(alliance.actors[members].reset_index(drop=True), ties[keep].reset_index(drop=True),
                    alliance.directed, alliance.weighted, alliance.meta, alliance.warnings), chosen


def analyse(
    alliance: Alliance,
    *,
    group_by: str = "type",
    wave: str | None = None,
    thresholds: Thresholds | None = None,
    bands: Bands | None = None,
    seed: int = 0,
    approximate_above: int | None = APPROXIMATE_ABOVE,
) -> Analysis:
    """Compute metrics, gaps and health of one alliance (see :func:`report` for the options)."""
    group_by, wave = resolve_names(alliance, group_by, wave)
    observed, chosen_wave = select_wave(alliance, wave)
    g = to_igraph(observed)
    actors, network = metric_tables(g, group_by=group_by, seed=seed, approximate_above=approximate_above)
    network["betweenness"] = betweenness_method(g.vcount(), approximate_above, seed)
    network["actors_by_type"] = actors_by_group(observed, "type")
    if group_by != "type":
        network["actors_by_group"] = actors_by_group(observed, group_by)
    gaps = find_gaps(g, actors, group_by=group_by, thresholds=thresholds)
    scorecard = health(g, actors, observed.ties, group_by=group_by, bands=bands,
                       response=wave_response(alliance.meta, chosen_wave),
                       types_pooled=bool(alliance.meta.get(POOLED_META)))
    return Analysis(observed, alliance.waves, chosen_wave, group_by, g, actors, network, gaps, scorecard)


def report(
    alliance: Alliance,
    *,
    group_by: str = "type",
    wave: str | None = None,
    thresholds: Thresholds | None = None,
    bands: Bands | None = None,
    seed: int = 0,
    approximate_above: int | None = APPROXIMATE_ABOVE,
) -> dict[str, Any]:
    """Everything about one alliance, as JSON-ready data.

    Parameters
    ----------
    alliance
        The alliance.
    group_by
        The actor column that defines groups for brokerage, mixing and sector gaps.
    wave
        Which survey wave to analyse: the latest by default, ``"all"`` for every tie.
    thresholds, bands
        Gap thresholds and health bands (defaults documented in ``docs/metrics.md``).
    seed
        Seed for community detection (and for sampled betweenness), so that a report is
        reproducible.
    approximate_above
        Estimate the shortest-path figures from a sample of source actors when the
        alliance has more actors than this (default :data:`APPROXIMATE_ABOVE`, 50,000);
        ``None`` is always exact. With the sample size netz chooses, every actor's
        normalised betweenness is within 0.05 of the exact value with probability at
        least 0.9 (see :func:`netz.core.metrics.centrality.betweenness`); closeness,
        harmonic centrality and the average path length carry the Hoeffding bounds of
        ``docs/metrics.md`` at the same accuracy, and the diameter becomes a lower
        bound with a stated upper bound. ``network.methods`` says for each of these
        figures what was done (``network.betweenness`` repeats betweenness's record).
        Alliances of a few hundred actors are always exact.

    Notes
    -----
    Any alliance gets a report, also one without actors (just created through the service),
    with one actor, or without ties: counts are 0, every per-actor list is empty, and a figure
    whose definition divides by zero (density with fewer than two actors; the share of the
    largest part without actors; path lengths, transitivity and modularity without ties) is
    ``None``, ``null`` in JSON, never NaN. The health indicators of such an alliance are
    ``None`` where undefined, rated ``watch`` (:func:`netz.analysis.health.health`).

    >>> from netz.core.model import Actor, Alliance, Tie
    >>> a = Alliance.from_records(
    ...     [Actor("a", "A", "Kirche"), Actor("b", "B", "Stadt"), Actor("c", "C", "MSO")],
    ...     [Tie("a", "b")])
    >>> r = report(a)
    >>> r["network"]["n_actors"], r["network"]["components"], r["network"]["actors_by_type"]["refugee"]
    (3, 2, 1)
    >>> [gap["kind"] for gap in r["gaps"]][:1]
    ['refugee_exclusion']
    >>> empty = report(Alliance.from_records([], []))["network"]
    >>> empty["n_actors"], empty["density"], empty["largest_component_share"]
    (0, None, None)
    """
    return serialise(analyse(alliance, group_by=group_by, wave=wave, thresholds=thresholds,
                             bands=bands, seed=seed, approximate_above=approximate_above))


def serialise(analysis: Analysis) -> dict[str, Any]:
    """An :class:`Analysis` as the JSON report."""
    return {
        "alliance": to_jsonable(_alliance_section(analysis)),
        "network": to_jsonable(analysis.network),
        # Built from plain values column by column; walking it again would double the time.
        "actors": actor_records(analysis.alliance, analysis.actors),
        "gaps": to_jsonable([gap.to_dict() for gap in analysis.gaps]),
        "top_steps": to_jsonable(top_steps(analysis.gaps)),
        "health": to_jsonable([indicator.to_dict() for indicator in analysis.health]),
    }


def betweenness_method(n: int, approximate_above: int | None, seed: int) -> dict[str, Any]:
    """How betweenness is computed for ``n`` actors: exactly, or from how many sampled sources.

    Mirrors the rule of :func:`netz.core.metrics.centrality.betweenness` with its default
    accuracy (epsilon 0.05, delta 0.1).

    >>> betweenness_method(300, 50_000, 0)
    {'method': 'exact'}
    >>> betweenness_method(200_000, 50_000, 0)
    {'method': 'sampled', 'sources': 3041, 'epsilon': 0.05, 'delta': 0.1, 'seed': 0}
    """
    if approximate_above is None or n <= approximate_above:
        return {"method": "exact"}
    sources = betweenness_sample_size(n, epsilon=_EPSILON, delta=_DELTA)
    if not 0 < sources < n:
        return {"method": "exact"}
    return {"method": "sampled", "sources": sources, "epsilon": _EPSILON, "delta": _DELTA, "seed": seed}


def actors_by_group(alliance: Alliance, column: str) -> dict[str, int]:
    """How many actors each group has; for ``type`` every canonical type is listed, even at 0."""
    counts = alliance.actors[column].map(lambda v: "(none)" if plain_value(v) is None else str(v))
    counted = counts.value_counts().to_dict()
    if column == "type":
        return {t: int(counted.get(t, 0)) for t in ACTOR_TYPES}
    return {str(k): int(v) for k, v in sorted(counted.items())}


def with_metrics(alliance: Alliance, records: list[dict[str, Any]]) -> Alliance:
    """The alliance with each actor's metrics as further actor columns, for a file that a tool
    like Gephi opens with the figures already there.

    ``records`` are a report's ``actors`` (:func:`actor_records`); nested metrics become
    ``brokerage.total`` and so on (:data:`netz.core.metrics.ACTOR_METRIC_COLUMNS`). The alliance's
    own columns are kept; one named like a metric (which a validated alliance does not have:
    :func:`netz.core.validate.validate_tables`) gives way to the metric, never the other way round.
    Reading such a file again leaves the metric columns out, with a warning: it gives back the
    alliance.

    >>> from netz.core.model import Actor, Alliance
    >>> a = Alliance.from_records([Actor("a", "A", "Kirche", {"staff": 2})], [])
    >>> records = [{"id": "a", "staff": 9, "degree": 0, "brokerage": {"total": 0}}]
    >>> with_metrics(a, records).actors.to_dict("records")
    [{'id': 'a', 'name': 'A', 'type': 'church', 'staff': 2, 'degree': 0, 'brokerage.total': 0}]
    """
    table = pd.json_normalize(records, sep=".") if records else pd.DataFrame({"id": []})
    metrics = [c for c in table.columns if is_metric_name(c)]
    own = alliance.actors.drop(columns=[c for c in alliance.actors.columns if is_metric_name(c)])
    actors = own.merge(table[["id", *metrics]], on="id", how="left")
    actors.index = alliance.actors.index
    return replace(alliance, actors=actors)


def actor_records(alliance: Alliance, metrics: pd.DataFrame) -> list[dict[str, Any]]:
    """One dict per actor, in actor-id order: its columns, then its metrics; ``a.b`` columns nested.

    The order is that of the ids (Python's string order), not of the input rows, so that
    the same alliance gives the same report whichever order its spreadsheet lists it in.

    Values are plain JSON data (missing and non-finite numbers are ``None``). The
    table is converted a column at a time, not a cell at a time: a report of 200,000
    actors has nine million cells.

    >>> from netz.core.model import Actor, Alliance
    >>> a = Alliance.from_records([Actor("a", "A", "Kirche", {"staff": 2})], [])
    >>> metrics = pd.DataFrame({"degree": [0], "brokerage.total": [0.0], "ei_index": [float("nan")]},
    ...                        index=pd.Index(["a"], name="id"))
    >>> actor_records(a, metrics)
    [{'id': 'a', 'name': 'A', 'type': 'church', 'staff': 2, 'degree': 0,
      'brokerage': {'total': 0.0}, 'ei_index': None}]
    """
    table = alliance.actors.join(metrics, on="id").sort_values("id", kind="stable")
    keys: list[str] = []
    columns: list[list[Any]] = []
    nested: dict[str, tuple[list[str], list[list[Any]]]] = {}
    for key in table.columns:
        head, _, tail = str(key).partition(".")
        values = _plain_column(table[key])
        if not tail:
            keys.append(head)
            columns.append(values)
            continue
        if head not in nested:
            nested[head] = ([], [])
            keys.append(head)
            columns.append([])  # filled below, once all of head's columns are known
        nested[head][0].append(tail)
        nested[head][1].append(values)
    for head, (tails, parts) in nested.items():
        columns[keys.index(head)] = [dict(zip(tails, row, strict=True)) for row in zip(*parts, strict=True)]
    if not keys:
        return [{} for _ in range(len(table))]
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _plain_column(column: pd.Series) -> list[Any]:
    """A column as a list of plain JSON values: NaN, infinities and missing values become None."""
    if pd.api.types.is_bool_dtype(column.dtype) and not column.isna().any():
        return [bool(v) for v in column.to_numpy()]
    if pd.api.types.is_integer_dtype(column.dtype) and not column.isna().any():
        return column.to_numpy(dtype=np.int64).tolist()
    if pd.api.types.is_string_dtype(column.dtype):
        texts: list[Any] = column.tolist()
        for i in np.flatnonzero(column.isna().to_numpy()):
            texts[i] = None
        return texts
    if pd.api.types.is_float_dtype(column.dtype):
        numbers = column.to_numpy(dtype=float, na_value=np.nan)
        values: list[Any] = numbers.tolist()
        for i in np.flatnonzero(~np.isfinite(numbers)):
            values[i] = None
        return values
    return [to_jsonable(plain_value(v)) for v in column]


def _alliance_section(analysis: Analysis) -> dict[str, Any]:
    alliance = analysis.alliance
    return {
        **dict(alliance.meta),
        "name": alliance.name or None,
        "directed": alliance.directed,
        "weighted": alliance.weighted,
        "waves": sorted(analysis.waves, key=wave_order),
        "wave": analysis.wave,
        "group_by": analysis.group_by,
    }


def to_jsonable(value: Any) -> Any:
    """Plain JSON data: NaN and infinities become None, numpy scalars plain numbers."""
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return to_jsonable(value.to_dict("index"))
    if isinstance(value, pd.Series):
        return to_jsonable(value.to_dict())
    if isinstance(value, list | tuple | np.ndarray):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value

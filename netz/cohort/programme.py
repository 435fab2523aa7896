"""The programme overview: every funded alliance at a glance, as a funder sees it.

:func:`alliance_summary` condenses one alliance into what a programme manager needs and nothing
about single actors: its metadata, size and size class, per survey wave the health bands, the
coordination gaps counted by kind, severity and sector, the headline figures, the latest wave's
null-model z-scores, the response rate of survey data, and the reasons it needs support
(:func:`netz.analysis.support.support_reasons`). The summaries are computed once per alliance revision;
:func:`overview` then filters and ranks them (percentiles within the size class, see
:func:`class_percentiles`) and :func:`programme_trends` gives the programme's median and quartiles
per wave — both cheap, so that a programme of hundreds of alliances loads from cached summaries.

Small-group suppression: a distribution (percentiles, the cohort's spread per wave) is shown only
for groups of at least ``min_group`` alliances (default :data:`MIN_ALLIANCES`, 5).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from netz.analysis.gaps import SEVERITIES
from netz.analysis.health import INDICATORS
from netz.analysis.report import analyse, select_wave, to_jsonable
from netz.analysis.support import overall_band, support_reasons
from netz.cohort.compare import Z_COLUMNS, compare_row, size_class
from netz.core.model import Alliance, plain_value, wave_order
from netz.core.vocabulary import fold

__all__ = [
    "HEADLINE",
    "HEALTH_COLUMNS",
    "MIN_ALLIANCES",
    "SUMMARY_VERSION",
    "alliance_history",
    "alliance_summary",
    "class_percentiles",
    "health_columns",
    "matches",
    "overview",
    "programme_trends",
    "response_rate",
]

#: The headline figures a funder sees as distributions and trends (all defined in docs/metrics.md).
HEADLINE: tuple[str, ...] = ("mean_degree", "transitivity", "betweenness_centralization", "ei_index")
#: The fewest alliances a distribution is shown for (small-group suppression).
MIN_ALLIANCES = 5
#: The version of a summary's fields (part of its cache key: raise it when they change).
SUMMARY_VERSION = 2


def response_rate(alliance: Alliance) -> float | None:
    """The share of actors that named at least one partner: survey (directed) data only, else None.

    In a survey, "A names B" is a tie A → B; an actor without an outgoing tie did not answer (or
    named nobody). Undirected maps have no respondents.

    >>> from netz.core.model import Actor, Tie
    >>> a = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "a"), Tie("c", "a")], directed=True)
    >>> response_rate(a)
    0.75
    """
    if not alliance.directed or alliance.n_actors == 0:
        return None
    answered = set(alliance.ties["source"])
    return float(alliance.actors["id"].isin(answered).mean())


def alliance_summary(alliance: Alliance, *, null_samples: int = 100, seed: int = 0) -> dict[str, Any]:
    """One alliance as the programme overview needs it (JSON-ready, no actor names or figures).

    Parameters
    ----------
    alliance : Alliance
        The alliance (all its waves).
    null_samples : int, optional
        Null-model samples for the latest wave's z-scores (0: none).
    seed : int, optional
        Seed of the null models and community detection.

    Returns
    -------
    dict
        ``name, region, land, programme, funding, directed, n_actors, n_ties, size_class, waves,
        latest_wave, response_rate``; ``figures`` (the latest wave's :data:`HEADLINE` figures and
        z-scores against G(n, m)); ``history`` (per wave: ``wave``, ``bands``, ``gaps`` counted by
        kind, severity and sector, ``high_gaps``, the headline figures); ``band`` (the latest
        wave's :func:`netz.analysis.support.overall_band`: the worst, data quality left out),
        ``high_gaps`` and ``support`` (:func:`netz.analysis.support.support_reasons`).
    """
    history = []
    waves: list[str | None] = list(alliance.waves) or [None]
    for wave in waves:
        analysis = analyse(alliance, wave=wave, seed=seed)
        counted = Counter((gap.kind, gap.severity, tuple(sorted(set(gap.types)))) for gap in analysis.gaps)
        row = compare_row(alliance, wave=wave, null_samples=0, seed=seed)
        history.append(
            {
                "wave": wave,
                "n_actors": analysis.graph.vcount(),
                "bands": {item.indicator: item.band for item in analysis.health},
                "gaps": [
                    {"kind": k, "severity": s, "types": list(t), "count": n}
                    for (k, s, t), n in sorted(counted.items())
                ],
                "high_gaps": sum(n for (_, s, _), n in counted.items() if s == "high"),
                **{figure: row[figure] for figure in HEADLINE},
            }
        )
    latest = history[-1]
    figures = compare_row(alliance, wave=latest["wave"], null_samples=null_samples, seed=seed)
    observed, _ = select_wave(alliance, latest["wave"])
    meta = {k: plain_value(alliance.meta.get(k)) for k in ("name", "region", "land", "programme", "funding")}
    return to_jsonable(
        {
            **meta,
            "name": alliance.name,
            "directed": alliance.directed,
            "n_actors": alliance.n_actors,
            "n_ties": len(alliance.ties),
            "size_class": size_class(alliance.n_actors),
            "waves": list(alliance.waves),
            "latest_wave": latest["wave"],
            "response_rate": response_rate(observed),
            "figures": {
                **{f: figures[f] for f in HEADLINE},
                **{f"{f}_z": figures.get(f"{f}_z_gnm") for f in HEADLINE if f"{f}_z_gnm" in Z_COLUMNS},
                "null_samples": figures["null_samples"],
            },
            "history": history,
            "band": overall_band(latest["bands"]),
            "high_gaps": latest["high_gaps"],
            "support": support_reasons(history),
        }
    )


#: The columns of :func:`health_columns`, in order.
HEALTH_COLUMNS: tuple[str, ...] = (
    "band", *(f"band_{indicator}" for indicator in INDICATORS), *(f"gaps_{s}" for s in SEVERITIES))


def health_columns(alliance: Alliance, *, wave: str | None = None, seed: int = 0) -> dict[str, Any]:
    """The health bands and gap counts of one wave as flat columns, for comparison tables.

    ``band`` (the worst, data quality left out: :func:`netz.analysis.support.overall_band`),
    ``band_<indicator>`` per indicator of :data:`netz.analysis.health.INDICATORS`
    (``None`` where the scorecard has none, e.g. trust without ratings) and ``gaps_high``,
    ``gaps_medium``, ``gaps_low`` (how many gaps of each severity). No actor is named.
    """
    analysis = analyse(alliance, wave=wave, seed=seed)
    bands = {item.indicator: item.band for item in analysis.health}
    severities = Counter(gap.severity for gap in analysis.gaps)
    return {
        "band": overall_band(bands),
        **{f"band_{indicator}": bands.get(indicator) for indicator in INDICATORS},
        **{f"gaps_{severity}": severities.get(severity, 0) for severity in SEVERITIES},
    }


def matches(
    summary: Mapping[str, Any],
    *,
    land: str | None = None,
    programme: str | None = None,
    size: str | None = None,
    band: str | None = None,
) -> bool:
    """Whether a summary passes the overview's filters: Land and programme in any case and spelling
    (compared as import compares names), size class and band by their names (any case).

    >>> s = {"land": "Baden-Württemberg", "programme": "KOMM-AN NRW", "size_class": "small", "band": "good"}
    >>> matches(s, land="baden-wuerttemberg", programme="komm an nrw", size="Small")
    True
    >>> matches(s, band="concern")
    False
    """

    def same(stored: Any, wanted: str | None) -> bool:
        return wanted is None or (stored is not None and fold(str(stored)) == fold(wanted))

    return (
        same(summary.get("land"), land)
        and same(summary.get("programme"), programme)
        and same(summary.get("size_class"), size)
        and same(summary.get("band"), band)
    )


def class_percentiles(
    summaries: Mapping[Any, Mapping[str, Any]], figure: str, *, min_group: int = MIN_ALLIANCES
) -> dict[Any, float | None]:
    r"""Each alliance's percentile rank of a headline figure within its size class.

    :math:`P(x) = 100 (\#\{v < x\} + \tfrac12 \#\{v = x\}) / N` over the *N* alliances of the same
    size class with a defined value (as :func:`netz.cohort.compare.percentile_ranks`). ``None`` where the
    value is undefined or the class has fewer than ``min_group`` alliances (suppressed).

    >>> s = {i: {"size_class": "small", "figures": {"x": v}} for i, v in enumerate([1, 2, 2, 3, 5])}
    >>> class_percentiles(s, "x")
    {0: 10.0, 1: 40.0, 2: 40.0, 3: 70.0, 4: 90.0}
    >>> class_percentiles(s, "x", min_group=6)[0] is None
    True
    """
    by_class: dict[str, list[tuple[Any, float]]] = {}
    for key, summary in summaries.items():
        value = summary["figures"].get(figure)
        if value is not None:
            by_class.setdefault(summary["size_class"], []).append((key, float(value)))
    result: dict[Any, float | None] = dict.fromkeys(summaries)
    for members in by_class.values():
        if len(members) < min_group:
            continue
        values = np.array([v for _, v in members])
        for key, value in members:
            below, equal = int((values < value).sum()), int((values == value).sum())
            result[key] = 100 * (below + equal / 2) / len(values)
    return result


def overview(
    summaries: Mapping[Any, Mapping[str, Any]], shown: Iterable[Any], *, min_group: int = MIN_ALLIANCES
) -> list[dict[str, Any]]:
    """The overview rows of the alliances ``shown`` (keys of ``summaries``), ranked in the cohort.

    Each row: ``id``, the metadata, ``n_actors``, ``size_class``, ``latest_wave``, ``waves``,
    ``bands`` (the latest wave's), ``band``, ``high_gaps``, ``response_rate``, ``figures`` with a
    ``<figure>_pct`` percentile within the size class over *all* ``summaries`` (the cohort), and
    ``support``.
    """
    ranks = {figure: class_percentiles(summaries, figure, min_group=min_group) for figure in HEADLINE}
    rows = []
    for key in shown:
        s = summaries[key]
        rows.append(
            {
                "id": key,
                **{
                    k: s.get(k)
                    for k in (
                        "name",
                        "region",
                        "land",
                        "programme",
                        "funding",
                        "n_actors",
                        "size_class",
                        "latest_wave",
                        "waves",
                        "band",
                        "high_gaps",
                        "response_rate",
                        "support",
                    )
                },
                "bands": s["history"][-1]["bands"],
                "figures": {**s["figures"], **{f"{f}_pct": ranks[f][key] for f in HEADLINE}},
            }
        )
    return rows


def programme_trends(
    summaries: Iterable[Mapping[str, Any]], *, min_group: int = MIN_ALLIANCES
) -> list[dict[str, Any]]:
    """Per wave and headline figure: how many alliances, their median and quartiles.

    Waves in time order; a wave with fewer than ``min_group`` alliances keeps its count but no
    median or quartiles (small-group suppression). Data without a wave label (an alliance
    recorded once) is no wave: it has no place on a time axis and is left out.

    >>> s = [{"history": [{"wave": "2017", "mean_degree": v}]} for v in (1, 2, 3, 4, 5)]
    >>> programme_trends(s)[0]
    {'wave': '2017', 'figure': 'mean_degree', 'n': 5, 'median': 3.0, 'q25': 2.0, 'q75': 4.0}
    """
    values: dict[tuple[str, str], list[float]] = {}
    for summary in summaries:
        for entry in summary["history"]:
            for figure in HEADLINE:
                value = entry.get(figure)
                if value is not None and entry["wave"]:
                    values.setdefault((entry["wave"], figure), []).append(float(value))
    rows = []
    waves = sorted({wave for wave, _ in values}, key=wave_order)
    for wave in waves:
        for figure in HEADLINE:
            found = values.get((wave, figure), [])
            shown = len(found) >= min_group
            rows.append(
                {
                    "wave": wave,
                    "figure": figure,
                    "n": len(found),
                    "median": float(np.median(found)) if shown else None,
                    "q25": float(np.quantile(found, 0.25)) if shown else None,
                    "q75": float(np.quantile(found, 0.75)) if shown else None,
                }
            )
    return rows


def alliance_history(summary: Mapping[str, Any], figure: str) -> Sequence[tuple[str | None, float | None]]:
    """One alliance's headline figure per wave: ``[(wave, value), ...]``."""
    return [(entry["wave"], entry.get(figure)) for entry in summary["history"]]

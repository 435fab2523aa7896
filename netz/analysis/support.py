"""Which alliances need support, and why: the funder's short list.

A programme manager with a hundred alliances cannot read a hundred scorecards. :func:`support_reasons`
looks at one alliance's history — per survey wave its health bands, its coordination gaps counted by
kind, severity and sector, and its betweenness centralization (a
:func:`netz.cohort.programme.alliance_summary`)
— and returns the reasons it needs support, each a ``support.*`` message of :mod:`netz.messages` with
its parameters (never a sentence, never an actor):

- ``support.band_worsened``: a health indicator's band fell into ``concern`` since the wave
  before (watch → concern, good → concern); good → watch is left out, as the noise of healthy
  alliances from wave to wave, and so is :data:`NOT_NETWORK` (``data_quality``, the response rate
  of a survey: about the data, not the network);
- ``support.refugee_exclusion``: refugees' own organisations without partners or at the edge
  (the gap ``refugee_exclusion`` with high severity);
- ``support.single_bridging_municipality``: one municipal actor is the only link of a large part of
  the alliance (``single_point_of_failure``, high, of type ``municipality``);
- ``support.centralisation_rising``: betweenness centralization rose in every wave of the last
  :data:`RISING_WAVES` and by at least :data:`RISING_BY` in all (a convention: random variation of
  healthy alliances of the demo cohort stays below 0.05 over three waves);
- ``support.high_gap``: any other high-severity gap kind, with its count.

An alliance without reasons is not flagged. The rules are conventions documented in
``docs/metrics.md`` ("Alliances needing support").
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from netz.messages import message, number

__all__ = [
    "BAND_ORDER",
    "NOT_NETWORK",
    "RISING_BY",
    "RISING_WAVES",
    "Reason",
    "centralisation_rising",
    "explain_reason",
    "overall_band",
    "support_reasons",
]

#: Bands from best to worst.
BAND_ORDER = ("good", "watch", "concern")
#: Health indicators about the data rather than the network: left out of an alliance's overall
#: band and of "band worsened" (a survey with few answers is not an alliance in trouble).
NOT_NETWORK = frozenset({"data_quality"})
#: Centralization must have risen over at least this many waves (in a row, up to the latest) ...
RISING_WAVES = 3
#: ... and by at least this much in all (betweenness centralization is between 0 and 1).
RISING_BY = 0.10

#: A reason: ``{"message": "support.…", "params": {...}}``.
Reason = dict[str, Any]


def support_reasons(history: Sequence[Mapping[str, Any]]) -> list[Reason]:
    """The reasons an alliance needs support, most urgent first; empty when it needs none.

    Parameters
    ----------
    history : sequence of mappings
        One entry per wave in time order, each with ``bands`` (indicator → band), ``gaps`` (a list
        of ``{"kind", "severity", "types", "count"}``) and ``betweenness_centralization``.

    Returns
    -------
    list of dict
        ``{"message": key, "params": {...}}`` per reason.

    Examples
    --------
    >>> waves = [{"wave": "2017", "bands": {"cohesion": "good", "data_quality": "good"}, "gaps": [],
    ...           "betweenness_centralization": 0.1},
    ...          {"wave": "2018", "bands": {"cohesion": "concern", "data_quality": "concern"}, "gaps": [
    ...              {"kind": "refugee_exclusion", "severity": "high", "types": ["refugee"], "count": 1}],
    ...           "betweenness_centralization": 0.3}]
    >>> [(r["message"], r["params"].get("indicator")) for r in support_reasons(waves)]
    [('support.refugee_exclusion', None), ('support.band_worsened', 'cohesion')]
    >>> support_reasons(waves[:1])
    []
    """
    if not history:
        return []
    latest = history[-1]
    reasons: list[Reason] = []
    other: dict[str, int] = {}
    for gap in latest.get("gaps", []):
        if gap["severity"] != "high":
            continue
        if gap["kind"] == "refugee_exclusion":
            reasons.append({"message": "support.refugee_exclusion", "params": {"count": gap["count"]}})
        elif gap["kind"] == "single_point_of_failure" and "municipality" in gap.get("types", []):
            reasons.append(
                {"message": "support.single_bridging_municipality", "params": {"count": gap["count"]}}
            )
        else:
            other[gap["kind"]] = other.get(gap["kind"], 0) + gap["count"]
    rising = _rising(history)
    if rising is not None:
        reasons.append({"message": "support.centralisation_rising", "params": rising})
    if len(history) >= 2:
        before = history[-2]
        for indicator, band in latest.get("bands", {}).items():
            previous = before.get("bands", {}).get(indicator)
            if band == "concern" and previous in ("good", "watch") and indicator not in NOT_NETWORK:
                reasons.append(
                    {
                        "message": "support.band_worsened",
                        "params": {
                            "indicator": indicator,
                            "from": previous,
                            "to": band,
                            "from_wave": before.get("wave"),
                            "to_wave": latest.get("wave"),
                        },
                    }
                )
    for kind in sorted(other):
        reasons.append({"message": "support.high_gap", "params": {"kind": kind, "count": other[kind]}})
    return reasons


def overall_band(bands: Mapping[str, str | None]) -> str:
    """An alliance's band: the worst of its indicators' bands, :data:`NOT_NETWORK` left out
    (``good`` when there are none).

    >>> overall_band({"cohesion": "good", "reciprocity": "watch"}), overall_band({})
    ('watch', 'good')
    >>> overall_band({"cohesion": "good", "data_quality": "concern"})
    'good'
    """
    worst = 0
    for indicator, band in bands.items():
        if band in BAND_ORDER and indicator not in NOT_NETWORK:
            worst = max(worst, BAND_ORDER.index(band))
    return BAND_ORDER[worst]


def centralisation_rising(values: Sequence[float | None]) -> bool:
    """Whether betweenness centralization (one value per wave, in time order) rose in every one of
    the last :data:`RISING_WAVES` waves and by at least :data:`RISING_BY` in all.

    >>> centralisation_rising([0.1, 0.15, 0.2]), centralisation_rising([0.1, 0.12, 0.15])
    (True, False)
    >>> centralisation_rising([0.1, None, 0.5]), centralisation_rising([0.1, 0.5])
    (False, False)
    """
    last = list(values[-RISING_WAVES:])
    if len(last) < RISING_WAVES or any(v is None for v in last):
        return False
    found = [float(v) for v in last if v is not None]
    return all(b > a for a, b in itertools.pairwise(found)) and found[-1] - found[0] >= RISING_BY


def _rising(history: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Centralization rising over the last :data:`RISING_WAVES` waves by :data:`RISING_BY`, or None."""
    last = history[-RISING_WAVES:]
    values: list[Any] = [entry.get("betweenness_centralization") for entry in last]
    if centralisation_rising(values):
        return {
            "from": round(float(values[0]), 2),
            "to": round(float(values[-1]), 2),
            "from_wave": last[0].get("wave"),
            "to_wave": last[-1].get("wave"),
        }
    return None


def explain_reason(reason: Reason, lang: str = "de") -> str:
    """A reason in words: its message with indicator, band and gap kind named as the reports name them.

    >>> explain_reason({"message": "support.high_gap", "params": {"kind": "fragile_tie", "count": 2}}, "en")
    'Serious gap: Only bridge between two parts (2).'
    """
    params = {k: _number(v, lang) if isinstance(v, float) else v for k, v in reason["params"].items()}
    if "indicator" in params:
        params["indicator"] = message(f"text.indicator_{params['indicator']}", lang)
    for name in ("from", "to"):
        if params.get(name) in BAND_ORDER:
            params[name] = message(f"text.band_{params[name]}", lang)
    if "kind" in params:
        params["kind"] = message(f"text.kind_{params['kind']}", lang)
    return message(reason["message"], lang, **params)


def _number(value: float, lang: str) -> str:
    """A figure as the language writes it (German: decimal comma)."""
    return number(value, lang, 2)

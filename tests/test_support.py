"""Which alliances need support: each rule on small hand-made histories."""

from __future__ import annotations

from typing import Any

import pytest

from netz.analysis.support import RISING_BY, explain_reason, overall_band, support_reasons


def wave(label: str, *, bands: dict[str, str] | None = None, gaps: list[dict[str, Any]] | None = None,
         central: float | None = 0.1) -> dict[str, Any]:
    return {"wave": label, "bands": bands or {"cohesion": "good"}, "gaps": gaps or [],
            "betweenness_centralization": central}


def gap(kind: str, severity: str = "high", types: tuple[str, ...] = (), count: int = 1) -> dict[str, Any]:
    return {"kind": kind, "severity": severity, "types": list(types), "count": count}


def messages(history: list[dict[str, Any]]) -> list[str]:
    return [reason["message"] for reason in support_reasons(history)]


def test_a_healthy_history_needs_nothing() -> None:
    assert support_reasons([]) == []
    assert messages([wave("2016"), wave("2017", gaps=[gap("fragile_tie", "medium")])]) == []


@pytest.mark.parametrize(("before", "after", "flagged"), [
    ("good", "watch", False), ("watch", "concern", True), ("good", "concern", True),
    ("watch", "good", False), ("concern", "concern", False), (None, "concern", False)])
def test_a_band_fallen_into_concern_since_the_wave_before(before: str | None, after: str, flagged: bool
                                                           ) -> None:
    """Only a fall into concern counts: good -> watch is the noise of healthy alliances."""
    history = [wave("2016", bands={"reciprocity": before} if before else {}),
               wave("2017", bands={"reciprocity": after})]
    assert messages(history) == (["support.band_worsened"] if flagged else [])


def test_data_quality_is_not_the_network() -> None:
    """A survey's response rate falling into concern neither flags an alliance nor sets its band."""
    history = [wave("2016", bands={"cohesion": "good", "data_quality": "good"}),
               wave("2017", bands={"cohesion": "good", "data_quality": "concern"})]
    assert messages(history) == []
    assert overall_band(history[-1]["bands"]) == "good"
    assert overall_band({"cohesion": "watch", "data_quality": "concern"}) == "watch"


def test_high_gaps_by_kind() -> None:
    history = [wave("2018", gaps=[gap("refugee_exclusion", count=2), gap("refugee_exclusion", "medium"),
                                  gap("single_point_of_failure", types=("municipality",)),
                                  gap("single_point_of_failure", types=("church",)),
                                  gap("fragile_tie", count=3)])]
    reasons = support_reasons(history)
    assert [r["message"] for r in reasons] == ["support.refugee_exclusion",
                                               "support.single_bridging_municipality",
                                               "support.high_gap", "support.high_gap"]
    assert reasons[0]["params"] == {"count": 2}
    assert {r["params"]["kind"] for r in reasons[2:]} == {"fragile_tie", "single_point_of_failure"}


@pytest.mark.parametrize(("values", "flagged"), [
    ((0.1, 0.2, 0.5), True), ((0.1, 0.1 + RISING_BY / 3, 0.1 + RISING_BY * 0.9), False),
    ((0.1, 0.6, 0.5), False), ((0.1, 0.9), False), ((0.1, None, 0.9), False)])
def test_centralisation_rising_wave_by_wave(values: tuple[float | None, ...], flagged: bool) -> None:
    history = [wave(str(2016 + i), central=v) for i, v in enumerate(values)]
    assert ("support.centralisation_rising" in messages(history)) is flagged


def test_reasons_in_words() -> None:
    reason = {"message": "support.band_worsened", "params": {
        "indicator": "reciprocity", "from": "good", "to": "watch", "from_wave": "2016", "to_wave": "2017"}}
    assert explain_reason(reason, "de") == ("„Gegenseitigkeit“ hat sich von „gut“ auf „beobachten“ "
                                            "verschlechtert (Welle 2016 zu 2017).")
    rising = support_reasons([wave("1", central=0.1), wave("2", central=0.25), wave("3", central=0.5)])[0]
    assert "0,10 auf 0,50" in explain_reason(rising, "de") and "0.10 to 0.50" in explain_reason(rising, "en")

"""Trends across survey waves: per alliance, per cohort, as tables, JSON and from the command line."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netz.cli import main
from netz.cohort.compare import compare_row
from netz.cohort.programme import HEALTH_COLUMNS, health_columns
from netz.cohort.synthetic import demo_cohort
from netz.cohort.trends import TREND_METRICS, alliance_trends, cohort_trends, trends, trends_json
from netz.core.model import Actor, Alliance, Tie
from tests.factories import make_alliance

COHORT = Path(__file__).parents[1] / "datasets" / "cohort"


@pytest.fixture(scope="module")
def cohort() -> dict[str, Alliance]:
    return demo_cohort()


def waved(directed: bool = False) -> Alliance:
    """Three waves, numbered so that text order ("10" < "9") would be wrong."""
    actors = [Actor(i, i.upper(), t) for i, t in zip("abcd", ["church", "refugee", "welfare", "initiative"],
                                                     strict=True)]
    ties = [Tie("a", "b", wave="9"), Tie("a", "b", wave="10"), Tie("b", "c", wave="10"),
            Tie("a", "b", wave="11"), Tie("b", "c", wave="11"), Tie("c", "d", wave="11"), Tie("a", "d")]
    return Alliance.from_records(actors, ties, directed=directed)


@pytest.mark.parametrize("directed", [False, True])
def test_one_row_per_wave_in_time_order(directed: bool) -> None:
    alliance = waved(directed)
    table = alliance_trends(alliance, key="w")
    assert table["wave"].tolist() == ["9", "10", "11"]
    # The tie without a wave belongs to every wave.
    assert table["n_ties"].tolist() == [2, 3, 4]
    for wave, row in zip(["9", "10", "11"], table.to_dict("records"), strict=True):
        expected = compare_row(alliance, key="w", wave=wave, null_samples=0)
        for metric in TREND_METRICS:
            if expected[metric] is None:
                assert pd.isna(row[metric]), metric
            else:
                assert row[metric] == pytest.approx(expected[metric]), metric


def test_an_alliance_without_waves_has_one_row() -> None:
    table = alliance_trends(make_alliance(["church", "refugee", "welfare"], [("a", "b"), ("b", "c")]))
    assert len(table) == 1 and table["wave"].isna().all() and table["n_ties"].tolist() == [2]


def test_centralising_alliances_centralise_wave_by_wave(cohort: dict[str, Alliance]) -> None:
    centralising = {k: a for k, a in cohort.items() if a.meta.get("problem") == "centralising"}
    table = trends(centralising)
    assert len(centralising) == 2
    for key in centralising:
        rows = table[table["alliance"] == key]
        for column in ("degree_centralization", "betweenness_centralization"):
            values = rows[column].to_numpy(dtype=float)
            assert (np.diff(values) > 0).all(), (key, column, values)
        assert rows["degree_centralization"].iloc[-1] > 0.9


def test_healthy_alliances_do_not_centralise(cohort: dict[str, Alliance]) -> None:
    healthy = {k: a for k, a in cohort.items() if "problem" not in a.meta}
    table = trends(healthy)
    assert table["degree_centralization"].max() < 0.5
    assert table.groupby("alliance")["wave"].count().between(2, 3).all()


def test_cohort_summary_per_wave(cohort: dict[str, Alliance]) -> None:
    chosen = {k: cohort[k] for k in list(cohort)[:9]}
    table = trends(chosen)
    summary = cohort_trends(table)
    waves = sorted(table["wave"].unique(), key=int)
    assert summary["wave"].drop_duplicates().tolist() == waves
    for wave in waves:
        rows = table[table["wave"] == wave]
        density = summary[(summary["wave"] == wave) & (summary["metric"] == "density")].iloc[0]
        assert density["n"] == len(rows)
        assert density["mean"] == pytest.approx(rows["density"].mean())
        assert density["median"] == pytest.approx(rows["density"].median())
        assert density["q25"] <= density["median"] <= density["q75"]


def test_trends_with_z_scores_and_on_an_executor(cohort: dict[str, Alliance]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    chosen = {k: cohort[k] for k in ("falkenbrunn", "lerchenfeld")}
    with ThreadPoolExecutor(2) as pool:
        there = trends(chosen, null_samples=5, executor=pool)
    here = trends(chosen, null_samples=5)
    pd.testing.assert_frame_equal(here, there)
    assert here["transitivity_z_gnm"].notna().all()
    assert "transitivity_z_gnm" in set(cohort_trends(here)["metric"])


def test_json_is_plain_and_grouped_by_alliance() -> None:
    table = trends({"w": waved(), "x": make_alliance(["church", "refugee"], [])})
    data = trends_json(table)
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["alliances"]["w"][0]["wave"] == "9"
    assert data["alliances"]["x"][0]["transitivity"] is None
    assert {row["wave"] for row in data["cohort"]} == {"9", "10", "11", None}


def run_cli(*args: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(args)) == 0
    return out.getvalue()


def test_command_line_text_json_and_csv() -> None:
    folders = [str(COHORT / "rosenhall"), str(COHORT / "tannhausen")]
    text = run_cli("trends", *folders)
    assert text.splitlines()[0].split()[:5] == ["Bündnis", "Welle", "Bewertung", "Schwere", "Lücken"]
    assert "Bündnis für Geflüchtete Rosenhall (synthetisch)" in text
    assert len(text.splitlines()) == 1 + 6
    data = json.loads(run_cli("trends", *folders, "--format", "json"))
    assert [row["wave"] for row in data["alliances"][folders[0]]] == ["2016", "2017", "2018"]
    table = pd.read_csv(io.StringIO(run_cli("trends", *folders, "--format", "csv")))
    assert len(table) == 6 and set(TREND_METRICS) <= set(table.columns)
    assert {"band", "band_cohesion", "gaps_high", "gaps_medium", "gaps_low"} <= set(table.columns)
    # A folder of folders is searched for alliances.
    assert len(pd.read_csv(io.StringIO(run_cli("trends", str(COHORT), "--format", "csv")))) > 60


@pytest.mark.parametrize("directed", [False, True])
def test_each_wave_carries_its_health_bands_and_gap_counts(directed: bool) -> None:
    """The bands and gap counts of a trends row are those of its wave, not of the latest."""
    alliance = waved(directed)
    table = alliance_trends(alliance, key="w")
    for row in table.to_dict("records"):
        expected = health_columns(alliance, wave=row["wave"])
        assert {column: row[column] for column in HEALTH_COLUMNS} == expected
    assert table["gaps_high"].nunique() > 1 or table["band"].nunique() > 1  # the waves differ

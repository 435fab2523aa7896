"""The programme overview's library part: summaries of the demo cohort, percentiles, suppression."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from scipy.stats import percentileofscore

import netz.core.io
from netz.cohort.programme import (
    alliance_summary,
    class_percentiles,
    health_columns,
    matches,
    overview,
    programme_trends,
    response_rate,
)
from netz.cohort.programme_charts import OKABE_ITO, distribution_chart, trend_chart
from netz.cohort.programme_report import OVERVIEW_COLUMNS, overview_xlsx, report_html
from netz.core.model import Actor, Alliance, Tie

COHORT = Path(__file__).parents[1] / "datasets" / "cohort"
FOLDERS = sorted(p for p in COHORT.iterdir() if (p / "alliance.json").exists())


@pytest.fixture(scope="module")
def summaries() -> dict[str, dict[str, Any]]:
    return {p.name: alliance_summary(netz.core.io.read(p), null_samples=5) for p in FOLDERS}


def test_exactly_the_alliances_with_a_known_problem_need_support(summaries: dict[str, Any]) -> None:
    problems = {p.name for p in FOLDERS
                if json.loads((p / "alliance.json").read_text(encoding="utf-8")).get("problem")}
    assert len(problems) == 8 and len(summaries) == 30
    assert {name for name, s in summaries.items() if s["support"]} == problems
    messages = {name: {r["message"] for r in s["support"]} for name, s in summaries.items()}
    assert "support.refugee_exclusion" in messages["falkenbrunn"] & messages["kesselbach"]
    assert "support.single_bridging_municipality" in messages["birkenweiler"] & messages["lerchenfeld"]
    assert "support.centralisation_rising" in messages["rosenhall"] & messages["hohenquell"]
    assert "support.high_gap" in messages["eichenstetten"] & messages["wiesenau"]


def test_a_summary_names_no_actor(summaries: dict[str, Any]) -> None:
    text = json.dumps(summaries, ensure_ascii=False)
    for folder in FOLDERS:
        actors = netz.core.io.read(folder).actors
        assert not [a for a in [*actors["id"], *actors["name"]] if f'"{a}"' in text]


def test_summary_history_follows_the_waves(summaries: dict[str, Any]) -> None:
    rosenhall = summaries["rosenhall"]
    assert [entry["wave"] for entry in rosenhall["history"]] == ["2016", "2017", "2018"]
    assert rosenhall["latest_wave"] == "2018" and rosenhall["band"] == "concern"
    central = [entry["betweenness_centralization"] for entry in rosenhall["history"]]
    assert central == sorted(central) and central[-1] > 0.9
    columns = health_columns(netz.core.io.read(COHORT / "rosenhall"))
    assert rosenhall["history"][-1]["bands"] == {
        k.removeprefix("band_"): v for k, v in columns.items() if k.startswith("band_") and v is not None}


def test_health_columns_count_gaps_by_severity() -> None:
    columns = health_columns(netz.core.io.read(COHORT / "falkenbrunn"))
    assert columns["band"] == "watch" and columns["band_refugee_participation"] == "watch"
    assert columns["gaps_high"] == 1 and columns["band_trust"] is None


def test_percentiles_within_the_size_class_agree_with_scipy(summaries: dict[str, Any]) -> None:
    ranks = class_percentiles(summaries, "mean_degree")
    for name, summary in summaries.items():
        peers = [s["figures"]["mean_degree"] for s in summaries.values()
                 if s["size_class"] == summary["size_class"]]
        expected = percentileofscore(peers, summary["figures"]["mean_degree"], kind="mean")
        assert ranks[name] == pytest.approx(expected), name
    suppressed = class_percentiles(summaries, "mean_degree", min_group=100)
    assert set(suppressed.values()) == {None}


def test_overview_filters_and_trends(summaries: dict[str, Any]) -> None:
    shown = [k for k, s in summaries.items() if matches(s, land="NORDRHEIN WESTFALEN", band="watch")]
    assert shown and all(summaries[k]["land"] == "Nordrhein-Westfalen" for k in shown)
    rows = overview(summaries, shown)
    assert [row["id"] for row in rows] == shown and "mean_degree_pct" in rows[0]["figures"]
    trends = programme_trends(summaries.values())
    first = next(r for r in trends if r["wave"] == "2016" and r["figure"] == "mean_degree")
    values = sorted(e["mean_degree"] for s in summaries.values() for e in s["history"] if e["wave"] == "2016")
    assert first["n"] == len(values) and first["median"] == pytest.approx(float(np.median(values)))
    small = programme_trends(list(summaries.values())[:3])
    assert all(row["median"] is None for row in small)


def test_charts_have_a_text_alternative_and_okabe_ito_colours(summaries: dict[str, Any]) -> None:
    chart = distribution_chart(summaries, "ahornried", "transitivity", lang="en")
    assert "percentile rank" in chart["text"] and summaries["ahornried"]["name"] in chart["text"]
    assert "z-score" in chart["text"] and OKABE_ITO["vermillion"] in chart["svg"]
    assert "<desc" in chart["svg"] and "style=" not in chart["svg"]
    trend = trend_chart(summaries, "mean_degree", marked="rosenhall")
    assert summaries["rosenhall"]["name"] in trend["text"] and len(trend["table"]["rows"]) >= 3


def test_response_rate_is_for_surveys_only() -> None:
    actors = [Actor(i, i, "initiative") for i in "abcd"]
    ties = [Tie("a", "b"), Tie("c", "d")]
    assert response_rate(Alliance.from_records(actors, ties)) is None
    assert response_rate(Alliance.from_records(actors, ties, directed=True)) == 0.5


def test_data_without_a_wave_is_no_wave_of_the_trends(summaries: dict[str, Any]) -> None:
    """An alliance recorded once (no wave label) has no place on the time axis: the programme's
    waves are labelled ones only, and the marked alliance is said to have no waves — never a
    wave called "None" or "—"."""
    musterstadt = {"musterstadt": alliance_summary(netz.core.io.read(
        Path(__file__).parents[1] / "datasets" / "demo-buendnis"), null_samples=5)}
    assert [e["wave"] for e in musterstadt["musterstadt"]["history"]] == [None]
    both = {**summaries, **musterstadt}
    assert all(row["wave"] for row in programme_trends(both.values()))
    for lang in ("de", "en"):
        trend = trend_chart(both, "mean_degree", marked="musterstadt", lang=lang)
        assert "None" not in trend["text"] and "—" not in {row[0] for row in trend["table"]["rows"]}
        assert musterstadt["musterstadt"]["name"] in trend["text"]
        assert ("keine Erhebungswellen" if lang == "de" else "no survey waves") in trend["text"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_distribution_text_says_the_position_in_plain_words(summaries: dict[str, Any], lang: str) -> None:
    """Where an alliance stands among comparable ones, in words ("mehr als bei etwa 7 von 10
    vergleichbaren Bündnissen"), and how it compares with chance; the percentile rank and the
    z-score stay there in brackets, negative ones with the minus sign and, in German, a decimal
    comma (defect: "beim Perzentil 12", "z-Wert -8,3")."""
    words = {"de": ("von 10 vergleichbaren Bündnissen", "zufällig", "Genau: Perzentilrang"),
             "en": ("in 10 comparable alliances", "at random", "Exactly: percentile rank")}[lang]
    texts = []
    for name in summaries:
        chart = distribution_chart(summaries, name, "ei_index", lang=lang)
        if chart["suppressed"]:
            continue
        texts.append(chart["text"])
        pct = class_percentiles(summaries, "ei_index")[name]
        tenths = round(pct / 10)
        if 0 < tenths < 10:
            assert words[0] in chart["text"] and f" {tenths} " in chart["text"], chart["text"]
        assert words[2] in chart["text"]
        z = summaries[name]["figures"].get("ei_index_z")
        if z is not None:
            assert words[1] in chart["text"]
            assert ("−" in chart["table"]["rows"][0][-1]) == (round(z, 1) < 0)
        for cell in chart["table"]["rows"][0][1:]:
            assert not str(cell).startswith("-"), chart["table"]["rows"]
    assert texts and not any("Perzentil " in t and "Perzentilrang" not in t for t in texts)
    assert not any(re.search(r"(?<![\w])-\d", t) for t in texts), "a hyphen-minus before a number"


#: One overview row (netz.cohort.programme.overview) with a response rate and a funding to write.
ROW = {"name": "Bündnis A", "region": "Ort", "land": "NRW", "programme": "P", "n_actors": 25,
       "size_class": "small", "funding": 15000, "latest_wave": "2024", "band": "good", "high_gaps": 0,
       "response_rate": 0.8, "support": []}


@pytest.mark.parametrize(("lang", "header", "rate", "funding"), [
    ("de", "Antwortquote", "80\u00a0%", "15.000"), ("en", "Response rate", "80%", "15,000")])
def test_the_files_write_the_response_rate_as_their_header_says(lang: str, header: str, rate: str,
                                                                funding: str) -> None:
    """The header names no unit the cells carry themselves (defect: "Antwortquote (%)" above the
    page's "80 %"); the PDF writes its figures as the page does, the workbook keeps a number, the
    share, shown as a percentage."""
    html = report_html([ROW], [], programme=None, lang=lang)
    assert f"<th>{header}</th>" in html and f"<td>{rate}</td>" in html and f"<td>{funding}</td>" in html
    sheet = openpyxl.load_workbook(io.BytesIO(overview_xlsx([ROW], lang))).active
    assert sheet is not None
    column = OVERVIEW_COLUMNS.index("response_rate") + 1
    assert sheet.cell(1, column).value == header
    assert (sheet.cell(2, column).value, sheet.cell(2, column).number_format) == (0.8, "0%")

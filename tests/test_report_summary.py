"""The summary part of a report: whole-network counts, groups, waves, JSON safety and the text."""

from __future__ import annotations

import json

import pytest

from netz.analysis.report import actors_by_group, report, select_wave
from netz.analysis.text import render_report
from netz.core.errors import UnknownNameError
from netz.core.model import Actor, Alliance, Tie
from netz.core.vocabulary import ACTOR_TYPES
from tests.factories import make_alliance


def with_waves() -> Alliance:
    return Alliance.from_records(
        [Actor("a", "Helferkreis", "Helferkreis", {"Ehrenamtliche": 10}),
         Actor("b", "Kirche", "Kirche", {"Ehrenamtliche": 9}),
         Actor("c", "Stadt", "Stadt"), Actor("d", "MSO", "MSO", {"Ehrenamtliche": 10})],
        [Tie("a", "b", wave="2019"), Tie("b", "c", wave="2020"), Tie("a", "c", wave="2020"),
         Tie("c", "d")],  # no wave: observed in every wave
        meta={"name": "Bündnis Süd", "region": "Landkreis Beispiel", "land": "Hessen"},
    )


@pytest.mark.parametrize(("directed", "density"), [(False, 3 / 6), (True, 3 / 12)])
def test_counts_and_density(directed: bool, density: float) -> None:
    alliance = make_alliance(["church", "refugee", "other", "other"], [("a", "b"), ("b", "c"), ("c", "a")],
                             directed=directed)
    network = report(alliance)["network"]
    assert network["n_actors"] == 4
    assert network["n_ties"] == 3
    assert network["density"] == pytest.approx(density)
    assert network["components"] == 2  # the triangle and the isolate d


def test_parallel_rows_count_as_one_tie() -> None:
    alliance = Alliance.from_records(
        [Actor("a", "A", "Kirche"), Actor("b", "B", "Stadt")],
        [Tie("a", "b", kind="Information"), Tie("b", "a", kind="Projekt")],
    )
    assert report(alliance)["network"]["n_ties"] == 1
    assert report(alliance)["network"]["density"] == pytest.approx(1.0)


def test_directed_components_are_weak() -> None:
    alliance = make_alliance(["other"] * 3, [("a", "b"), ("c", "b")], directed=True)
    assert report(alliance)["network"]["components"] == 1


def test_single_actor_has_undefined_density() -> None:
    network = report(make_alliance(["church"], []))["network"]
    assert network["n_actors"] == 1
    assert network["density"] is None
    assert network["components"] == 1


def test_actors_by_type_lists_every_type() -> None:
    counts = actors_by_group(with_waves(), "type")
    assert list(counts) == list(ACTOR_TYPES)
    assert counts == {t: (1 if t in {"initiative", "church", "municipality", "refugee"} else 0)
                      for t in ACTOR_TYPES}


def test_group_by_an_attribute_counts_missing_values_as_none() -> None:
    result = report(with_waves(), group_by="Ehrenamtliche", wave="all")
    assert result["network"]["actors_by_group"] == {"10": 2, "9": 1, "(none)": 1}
    assert result["alliance"]["group_by"] == "Ehrenamtliche"


def test_unknown_group_column() -> None:
    with pytest.raises(UnknownNameError, match="no actor column 'Budget'"):
        report(with_waves(), group_by="Budget")


def test_waves() -> None:
    alliance = with_waves()
    latest, chosen = select_wave(alliance)
    assert chosen == "2020"
    assert sorted(zip(latest.ties["source"], latest.ties["target"], strict=True)) == [
        ("a", "c"), ("b", "c"), ("c", "d")
    ]
    first, chosen = select_wave(alliance, "2019")
    assert chosen == "2019"
    assert first.n_ties == 2  # a–b and the tie without a wave
    everything, chosen = select_wave(alliance, "all")
    assert (chosen, everything.n_ties) == ("all", 4)
    with pytest.raises(UnknownNameError, match="no wave '2030'"):
        select_wave(alliance, "2030")
    result = report(alliance)
    assert result["alliance"]["waves"] == ["2019", "2020"]
    assert result["alliance"]["wave"] == "2020"
    assert result["network"]["n_ties"] == 3


def test_report_is_plain_json() -> None:
    result = report(with_waves(), wave="all")
    text = json.dumps(result, allow_nan=False)  # no NaN or infinity anywhere
    assert json.loads(text) == result
    assert result["alliance"]["name"] == "Bündnis Süd"
    assert result["alliance"]["directed"] is False
    actors = {a["id"]: a for a in result["actors"]}
    assert actors["c"]["Ehrenamtliche"] is None
    assert actors["a"]["type"] == "initiative"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", ["Netzwerkbericht: Bündnis Süd", "Landkreis Beispiel, Hessen", "ungerichtet (Kooperationen)",
                "Erhebungswelle: 2020 (2019, 2020)", "Akteure: 4", "Kooperationen: 3",
                "  Kirche / Religionsgemeinschaft: 1"]),
        ("en", ["Network report: Bündnis Süd", "undirected (cooperations)", "Wave: 2020 (2019, 2020)",
                "Actors: 4", "Cooperation ties: 3", "  Church / faith community: 1"]),
    ],
)
def test_render_report(lang: str, expected: list[str]) -> None:
    lines = render_report(report(with_waves()), lang=lang).splitlines()
    for line in expected:
        assert line in lines
    density = next(line for line in lines if line.startswith(("Dichte", "Density")))
    assert ("50,0\u00a0%" if lang == "de" else "50.0%") in density


def test_render_report_without_name_or_density() -> None:
    lines = render_report(report(make_alliance(["church"], [])), lang="de").splitlines()
    assert lines[0] == "Netzwerkbericht: (ohne Namen)"
    assert any(line.startswith("Dichte: nicht bestimmbar") for line in lines)

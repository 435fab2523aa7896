"""Survey waves: the latest by default, every wave on request, and what changed between two."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from netz.analysis.gaps import Thresholds
from netz.analysis.report import analyse, report, select_wave, to_jsonable
from netz.analysis.survey import recorded_unknown, reports_frame, unknown_ties, with_wave_response
from netz.analysis.waves import ACTOR_CHANGE_COLUMNS, diff_analyses, diff_waves, wave_analyses
from netz.core.errors import UnknownNameError
from netz.core.model import Alliance

ACTORS = pd.DataFrame({
    "id": list("abcdef"),
    "name": ["Helferkreis", "St. Marien", "Caritas", "Stadt", "Geflüchtetenrat", "Grundschule"],
    "type": ["initiative", "church", "welfare", "municipality", "refugee", "education"],
})
#: a–b is observed without a wave, so it belongs to every wave. 2019: the triangle a, b, c.
#: 2020: c–d. 2021: the square a–b–e–d–a; c takes no part any more, d and e do.
#: An actor takes part in a wave when it has a tie in it; f has no tie at all and is in every wave.
TIES = pd.DataFrame({
    "source": ["a", "a", "b", "c", "a", "d", "b"],
    "target": ["b", "c", "c", "d", "d", "e", "e"],
    "wave": [None, "2019", "2019", "2020", "2021", "2021", "2021"],
})


def waves_alliance(ties: pd.DataFrame = TIES, *, directed: bool = False) -> Alliance:
    return Alliance.from_frames(ACTORS, ties, directed=directed)


def keys(gaps: list[dict]) -> set[tuple[str, tuple[str, ...]]]:
    return {(g["kind"], tuple(g["actors"])) for g in gaps}


# -- choosing a wave ------------------------------------------------------------------------------------


def test_waves_in_time_order() -> None:
    assert waves_alliance().waves == ["2019", "2020", "2021"]


def test_report_defaults_to_the_latest_wave() -> None:
    data = report(waves_alliance())
    assert data["alliance"]["wave"] == "2021"
    assert data["alliance"]["waves"] == ["2019", "2020", "2021"]
    assert data["network"]["n_ties"] == 4  # a–b (every wave) and the three ties of 2021
    assert data["network"]["n_actors"] == 5  # a, b, d, e take part in 2021; f never has a tie


@pytest.mark.parametrize(("wave", "ties"), [("2019", 3), ("2020", 2), ("2021", 4), ("all", 7)])
def test_report_of_one_wave_or_all(wave: str, ties: int) -> None:
    data = report(waves_alliance(), wave=wave)
    assert data["alliance"]["wave"] == wave
    assert data["network"]["n_ties"] == ties


def test_unknown_wave_is_a_netz_error_listing_the_waves() -> None:
    with pytest.raises(UnknownNameError) as error:
        analyse(waves_alliance(), wave="2030")
    assert error.value.args[0] == "no wave '2030'; waves: 2019, 2020, 2021, all"
    assert (error.value.name, error.value.accepted) == ("2030", ["2019", "2020", "2021", "all"])
    with pytest.raises(UnknownNameError, match="2030"):
        diff_waves(waves_alliance(), "2019", "2030")


def test_diff_needs_waves() -> None:
    """An alliance whose ties carry no wave is one observation: asking for waves is an error."""
    with pytest.raises(UnknownNameError) as error:
        diff_waves(waves_alliance(TIES.assign(wave=None)), "2019", "2021")
    assert error.value.args[0] == "no wave '2019'; waves: none (no tie has a wave)"


def test_numbered_waves_sort_as_numbers() -> None:
    ties = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"], "wave": ["9", "10", "10"]})
    alliance = waves_alliance(ties)
    assert alliance.waves == ["9", "10"]
    assert select_wave(alliance)[1] == "10"
    assert report(alliance)["network"]["n_ties"] == 2


def test_alliance_without_waves() -> None:
    ties = TIES.assign(wave=None)
    data = report(waves_alliance(ties))
    assert (data["alliance"]["wave"], data["alliance"]["waves"], data["network"]["n_ties"]) == (None, [], 7)
    assert report(waves_alliance(ties), wave="all")["network"]["n_ties"] == 7


def test_wave_analyses_one_per_wave() -> None:
    analyses = wave_analyses(waves_alliance())
    assert list(analyses) == ["2019", "2020", "2021"]
    assert [a.network["n_ties"] for a in analyses.values()] == [3, 2, 4]
    assert all(a.wave == wave for wave, a in analyses.items())


# -- the diff ---------------------------------------------------------------------------------------------


def test_diff_lists_actors_and_ties() -> None:
    diff = diff_waves(waves_alliance(), "2019", "2021")
    assert (diff["from"], diff["to"], diff["directed"]) == ("2019", "2021", False)
    assert diff["actors_joined"] == ["d", "e"]
    assert diff["actors_left"] == ["c"]
    assert diff["ties_gained"] == [["a", "d"], ["b", "e"], ["d", "e"]]
    assert diff["ties_lost"] == [["a", "c"], ["b", "c"]]
    assert diff["names"] == {"a": "Helferkreis", "b": "St. Marien", "c": "Caritas", "d": "Stadt",
                             "e": "Geflüchtetenrat"}


def test_diff_network_changes() -> None:
    """2019: triangle a-b-c and the isolate f (4 actors, 2 parts); 2021: the square a-b-e-d and f
    (5 actors, 2 parts)."""
    network = diff_waves(waves_alliance(), "2019", "2021")["network"]
    assert network["n_ties"] == {"from": 3, "to": 4, "change": 1}
    assert network["components"] == {"from": 2, "to": 2, "change": 0}
    assert network["density"]["from"] == pytest.approx(3 / 6)
    assert network["density"]["to"] == pytest.approx(4 / 10)
    assert network["density"]["change"] == pytest.approx(4 / 10 - 3 / 6)
    assert network["largest_component_share"]["to"] == pytest.approx(4 / 5)
    assert network["transitivity"] == {"from": 1.0, "to": 0.0, "change": -1.0}
    assert network["reciprocity"] == {"from": None, "to": None, "change": None}
    for figure in network.values():
        if figure["from"] is not None and figure["to"] is not None:
            assert figure["change"] == pytest.approx(figure["to"] - figure["from"])


def test_diff_actor_changes() -> None:
    actors = {entry["id"]: entry for entry in diff_waves(waves_alliance(), "2019", "2021")["actors"]}
    assert set(actors) == set("abcdef")
    # c takes no part in 2021 and e none in 2019: absent, not isolated
    assert actors["c"]["degree"] == {"from": 2, "to": None, "change": None}
    assert actors["e"]["degree"] == {"from": None, "to": 2, "change": None}
    assert actors["a"]["degree"]["change"] == 0  # b, c → b, d
    assert set(actors["a"]) == {"id", *ACTOR_CHANGE_COLUMNS}


def test_diff_new_and_resolved_gaps() -> None:
    diff = diff_waves(waves_alliance(), "2019", "2021")
    new, resolved = keys(diff["gaps_new"]), keys(diff["gaps_resolved"])
    # No refugee organisation took part in 2019; the refugee council has two partners in 2021.
    assert ("refugee_exclusion", ()) in resolved
    # Caritas takes no part in 2021 (it left: no gap about it), nor the town in 2019.
    assert not any("c" in actors or "d" in actors for kind, actors in new | resolved
                   if kind == "isolated_actor")
    # Gaps in both waves are neither: the school has no partner in either.
    assert ("isolated_actor", ("f",)) not in new | resolved
    before = keys([g.to_dict() for g in analyse(waves_alliance(), wave="2019").gaps])
    after = keys([g.to_dict() for g in analyse(waves_alliance(), wave="2021").gaps])
    assert new == after - before and resolved == before - after


def test_diff_changed_gaps_are_in_both_waves_as_in_the_later() -> None:
    """A gap about the same thing in both waves, more or less severe or said otherwise, is changed:
    a star's hub is the single point of failure (high); with a path among the leaves, less so."""
    actors = pd.DataFrame({"id": list("abcdefg"), "name": list("ABCDEFG"),
                           "type": ["church", "refugee", "welfare", "municipality", "initiative", "church",
                                    "welfare"]})
    star = [("a", leaf) for leaf in "bcdefg"]
    ties = pd.DataFrame([(s, t, "1") for s, t in star] + [(s, t, "2") for s, t in star]
                        + [("b", "c", "2"), ("c", "d", "2"), ("d", "e", "2")],
                        columns=["source", "target", "wave"])
    alliance = Alliance.from_frames(actors, ties)
    diff = diff_waves(alliance, "1", "2")
    before = {g.id: g for g in analyse(alliance, wave="1").gaps}
    after = {g.id: g for g in analyse(alliance, wave="2").gaps}
    assert [g["id"] for g in diff["gaps_changed"]] == ["single_point_of_failure:a"]
    assert (before["single_point_of_failure:a"].severity, after["single_point_of_failure:a"].severity) == (
        "high", "medium")
    assert diff["gaps_changed"][0] == after["single_point_of_failure:a"].to_dict()
    elsewhere = {g["id"] for g in diff["gaps_new"] + diff["gaps_resolved"]}
    assert not {g["id"] for g in diff["gaps_changed"]} & elsewhere


def test_diff_of_a_wave_with_itself_is_empty() -> None:
    diff = diff_waves(waves_alliance(), 2020, "2020")  # a wave given as a number
    assert diff["from"] == diff["to"] == "2020"
    assert diff["actors_joined"] == diff["actors_left"] == diff["ties_gained"] == diff["ties_lost"] == []
    assert diff["gaps_new"] == diff["gaps_resolved"] == diff["gaps_changed"] == [] and diff["names"] == {}
    assert all(figure["change"] in (0, None) for figure in diff["network"].values())


def test_same_pair_in_two_kinds_is_one_tie() -> None:
    ties = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "b", "c"],
                         "kind": ["Information", "Projekt", None], "wave": ["2021", "2021", "2019"]})
    diff = diff_waves(waves_alliance(ties), "2019", "2021")
    assert diff["ties_gained"] == [["a", "b"]]
    assert diff["ties_lost"] == [["b", "c"]]


def test_direction_matters_for_survey_data() -> None:
    """a names b in 2019; in 2021 b names a. Directed: a different tie; undirected: the same pair."""
    ties = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "a", "d"],
                         "wave": ["2019", "2021", None]})
    directed = diff_waves(waves_alliance(ties, directed=True), "2019", "2021")
    assert (directed["ties_gained"], directed["ties_lost"]) == ([["b", "a"]], [["a", "b"]])
    assert directed["directed"] is True
    # Undirected, a–b (2019) and b–a (2021) are one pair observed in both waves.
    undirected = diff_waves(waves_alliance(ties), "2019", "2021")
    assert undirected["ties_gained"] == undirected["ties_lost"] == []


def test_diff_with_thresholds() -> None:
    """In 2021's square a–b–e–d each actor holds a quarter of all betweenness: no gap by default,
    but a new one for each of them when over_centralization_share is 0.2 for both waves."""
    default = diff_waves(waves_alliance(), "2019", "2021")
    assert not [g for g in default["gaps_new"] if g["kind"] == "over_centralization"]
    rules = Thresholds(over_centralization_share=0.2)
    lowered = diff_waves(waves_alliance(), "2019", "2021", thresholds=rules)
    central = [g for g in lowered["gaps_new"] if g["kind"] == "over_centralization"]
    assert sorted((g["actors"][0], g["severity"], g["value"]) for g in central) == [
        (x, "medium", 0.25) for x in "abde"]


def test_diff_is_json_ready() -> None:
    diff = to_jsonable(diff_waves(waves_alliance(), "2019", "2021"))
    assert json.loads(json.dumps(diff, allow_nan=False)) == diff


def test_diff_of_analyses_made_already_is_the_diff_of_the_waves() -> None:
    """A caller holding one wave's analysis (the handout) gets the same diff without a second analysis."""
    alliance = waves_alliance()
    before, after = analyse(alliance, wave="2020"), analyse(alliance, wave="2021")
    expected = to_jsonable(diff_waves(alliance, "2020", "2021"))
    assert to_jsonable(diff_analyses(alliance, before, after)) == expected


def test_unknown_pairs_are_neither_lost_nor_left() -> None:
    """2019 → 2021 loses a–c and b–c and c leaves; if c and b did not answer the 2021 survey,
    b–c is not known (not lost) and c, with an unknown pair, has not (known to have) left."""
    alliance = waves_alliance()
    before, after = analyse(alliance, wave="2019"), analyse(alliance, wave="2021")
    diff = diff_analyses(alliance, before, after, unknown=[("b", "c"), ("a", "b")])
    assert diff["ties_lost"] == [["a", "c"]] and diff["ties_unknown"] == [["b", "c"]]
    assert diff["actors_left"] == [] and diff["actors_unknown"] == ["c"]
    # a–b is a tie of 2021 (observed): an unknown pair with a tie is not unknown
    assert diff["ties_gained"] == diff_waves(alliance, "2019", "2021")["ties_gained"]
    assert "c" in diff["names"]
    plain = diff_waves(alliance, "2019", "2021")
    assert plain["ties_unknown"] == plain["actors_unknown"] == []


def test_the_stored_diff_knows_who_answered_the_later_survey() -> None:
    """The 2021 survey, as its close records it: b and c did not answer. The diff of the stored
    waves calls b–c unknown, not lost (as the diff at closing does); a–c is lost (a answered and
    did not name c). Without the respondents (counts only, as recorded before) it cannot tell."""
    roster = list("abcdef")
    reports = reports_frame([{"reporter": "a", "partner": "d"}, {"reporter": "d", "partner": "e"},
                             {"reporter": "e", "partner": "b"}], roster)
    meta = with_wave_response({"name": "B"}, "2021", reports, roster, ["a", "d", "e", "f"])
    surveyed = Alliance.from_frames(ACTORS, TIES, meta=meta)
    diff = diff_waves(surveyed, "2019", "2021")
    assert diff["ties_lost"] == [["a", "c"]] and diff["ties_unknown"] == [["b", "c"]]
    assert diff["actors_left"] == [] and diff["actors_unknown"] == ["c"]
    after = analyse(surveyed, wave="2021")
    unknown = unknown_ties(reports, roster, ["a", "d", "e", "f"])
    assert diff == diff_analyses(surveyed, analyse(surveyed, wave="2019"), after, unknown=unknown)
    counts_only = {"name": "B", "survey_response": {"2021": {"answered": 4, "asked": 6}}}
    plain = diff_waves(Alliance.from_frames(ACTORS, TIES, meta=counts_only), "2019", "2021")
    assert plain["ties_lost"] == [["a", "c"], ["b", "c"]] and plain["ties_unknown"] == []
    # the survey is the later wave's: an earlier wave's respondents say nothing about it
    assert diff_waves(surveyed, "2021", "2019")["ties_unknown"] == []


@pytest.mark.parametrize(("rule", "reconstruct", "directed"), [
    ("union", False, False), ("union", False, True), ("confirmed", False, False), ("confirmed", True, True),
    ("reporter", False, True), ("reporter", True, True)])
def test_recorded_unknown_pairs_are_those_of_the_close(rule: str, reconstruct: bool, directed: bool) -> None:
    """Rebuilt from the metadata, the unknown pairs are those the close computed from the answers,
    for every rule (``confirmed`` needs the pairs named by one side only: recorded too)."""
    roster = list("abcde")
    reports = reports_frame([{"reporter": "a", "partner": "b"}, {"reporter": "a", "partner": "c"},
                             {"reporter": "b", "partner": "a"}, {"reporter": "b", "partner": "d"}], roster)
    respondents = ["a", "b"]
    meta = with_wave_response({}, "2027", reports, roster, respondents, rule=rule, reconstruct=reconstruct)
    expected = unknown_ties(reports, roster, respondents, rule=rule, reconstruct=reconstruct,
                            directed=directed)
    assert sorted(recorded_unknown(meta, "2027", directed=directed) or []) == sorted(expected)
    assert json.loads(json.dumps(meta)) == meta  # stored as JSON


@pytest.mark.parametrize("entry", [
    {"answered": 1, "asked": 2},
    {"respondents": ["a"], "nonrespondents": ["b"], "rule": "any", "reconstruct": False},
    {"respondents": ["a"], "nonrespondents": "b", "rule": "union", "reconstruct": False},
    {"respondents": ["a"], "nonrespondents": ["a"], "rule": "union", "reconstruct": False},
    {"respondents": ["a"], "nonrespondents": ["b"], "rule": "confirmed", "reconstruct": False,
     "one_sided": [["a", "x"]]}, "most"])
def test_a_response_edited_into_something_else_is_no_record(entry: object) -> None:
    """Metadata can be edited by hand: a wrong entry is read as none, never an error."""
    assert recorded_unknown({"survey_response": {"2027": entry}}, "2027", directed=False) is None

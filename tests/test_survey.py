"""netz.analysis.survey: merge rules on hand-made cases, disagreements, scores, and gden against R's sna."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from netz.analysis.survey import (
    caveats,
    disagreements,
    from_long,
    merge,
    observed_density,
    partner_scores,
    reports_frame,
    response_rate,
)
from netz.core.errors import InputError, UnknownNameError

FIXTURES = Path(__file__).parent / "fixtures" / "r"
ROSTER = ["a", "b", "c", "d"]


def reports(*pairs: tuple[str, str], **columns: list[object]) -> pd.DataFrame:
    rows = [{"reporter": r, "partner": p} for r, p in pairs]
    for column, values in columns.items():
        for row, value in zip(rows, values, strict=True):
            row[column] = value
    return reports_frame(rows, ROSTER)


def pairs(ties: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(ties["source"], ties["target"], strict=True))


# a names b and c; b names a; c (a respondent) names nobody; d did not answer, a names d.
CASE = reports(
    ("a", "b"),
    ("b", "a"),
    ("a", "c"),
    ("a", "d"),
    frequency=[4, 2, 1, 3],
    trust_reliability=[4, 2, None, 3],
    trust_mission=[4, 2, None, None],
)
ANSWERED = ["a", "b", "c"]


def test_union_names_a_tie_when_either_side_does() -> None:
    ties = merge(CASE, ROSTER, ANSWERED, rule="union")
    assert pairs(ties) == [("a", "b"), ("a", "c"), ("a", "d")]


def test_confirmed_needs_both_sides_and_reconstruction_counts_non_respondents() -> None:
    assert pairs(merge(CASE, ROSTER, ANSWERED, rule="confirmed")) == [("a", "b")]
    # c answered and did not name a: never confirmed; d did not answer: reconstructed
    assert pairs(merge(CASE, ROSTER, ANSWERED, rule="confirmed", reconstruct=True)) == [
        ("a", "b"),
        ("a", "d"),
    ]


def test_reporter_keeps_direction_and_reconstructs_from_reports_about_the_silent() -> None:
    assert pairs(merge(CASE, ROSTER, ANSWERED, rule="reporter")) == [
        ("a", "b"),
        ("b", "a"),
        ("a", "c"),
        ("a", "d"),
    ]
    rebuilt = merge(CASE, ROSTER, ANSWERED, rule="reporter", reconstruct=True)
    assert ("d", "a") in pairs(rebuilt) and ("c", "a") not in pairs(rebuilt)


@pytest.mark.parametrize(
    ("combine", "weight", "trust"), [("mean", 3.0, 3.0), ("min", 2.0, 2.0), ("max", 4.0, 4.0)]
)
def test_the_two_reports_of_a_tie_are_combined(combine: str, weight: float, trust: float) -> None:
    ties = merge(CASE, ROSTER, ANSWERED, rule="union", combine=combine).set_index(["source", "target"])
    assert ties.loc[("a", "b"), "weight"] == weight
    assert ties.loc[("a", "b"), "trust"] == trust
    assert ties.loc[("a", "c"), "weight"] == 1.0  # frequency 1 reported by one side only
    assert pd.isna(ties.loc[("a", "c"), "trust"])  # nobody rated


def test_kinds_of_both_sides_are_joined() -> None:
    r = reports(("a", "b"), ("b", "a"), kind=["information;referral", "resources;information"])
    assert merge(r, ROSTER, ["a", "b"])["kind"].tolist() == ["information;referral;resources"]


def test_unknown_rule_is_refused_with_the_accepted_ones() -> None:
    with pytest.raises(UnknownNameError, match="rule"):
        merge(CASE, ROSTER, ANSWERED, rule="both")


def test_bad_reports_name_row_and_column() -> None:
    with pytest.raises(InputError) as error:
        reports_frame(
            [
                {"reporter": "a", "partner": "x"},
                {"reporter": "b", "partner": "b"},
                {"reporter": "a", "partner": "c", "trust_mission": 7},
            ],
            ROSTER,
            file="answers.csv",
        )
    found = {(p.row, p.column) for p in error.value.problems}
    assert found == {(2, "partner"), (3, "partner"), (4, "trust_mission")}


def test_disagreements_only_between_respondents() -> None:
    r = reports(
        ("a", "b"), ("b", "a"), ("a", "c"), ("a", "d"), ("c", "b"), frequency=[4, 1, None, None, None]
    )
    found = disagreements(r, ANSWERED)
    assert {"type": "unconfirmed", "reporter": "a", "partner": "c"} in found
    assert {"type": "unconfirmed", "reporter": "c", "partner": "b"} in found
    assert not any(f.get("partner") == "d" for f in found)  # d did not answer: missing, not disagreeing
    assert {"type": "frequency", "a": "a", "b": "b", "a_says": 4.0, "b_says": 1.0} in found
    assert len(found) == 3


def test_partner_scores_are_means_of_the_items_about_an_actor() -> None:
    r = reports(
        ("a", "b"),
        ("c", "b"),
        ("b", "a"),
        value_power=[4, 2, 1],
        value_involvement=[2, None, 1],
        trust_reliability=[4, 1, 3],
        trust_mission=[3, 1, None],
        trust_openness=[2, 1, None],
    )
    actors, network = partner_scores(r)
    assert actors.loc["b", "value"] == pytest.approx((3 + 2) / 2)
    assert actors.loc["b", "trust"] == pytest.approx((3 + 1) / 2)
    assert actors.loc["a", "trust"] == 3
    assert network["trust"] == pytest.approx((3 + 1 + 3) / 3)
    assert network["high_trust_share"] == pytest.approx(2 / 3)


def test_response_rate_and_caveats_below_eighty_percent() -> None:
    assert response_rate(ROSTER, ANSWERED) == 0.75
    assert {c["message"] for c in caveats(0.75)} == {
        "survey.caveat.betweenness",
        "survey.caveat.centralization",
        "survey.caveat.cut_points",
    }
    assert caveats(0.8) == [] and caveats(None) == []


def test_long_table_becomes_the_report_table() -> None:
    long = pd.DataFrame(
        {
            "reporter": ["a", "a", "a", "b"],
            "partner": ["b", "b", "b", "c"],
            "item": ["kind", "frequency", "value_power", "named"],
            "value": ["referral", "3", "2", ""],
        }
    )
    wide = from_long(long, ROSTER).set_index(["reporter", "partner"])
    assert wide.loc[("a", "b"), "kind"] == "referral"
    assert wide.loc[("a", "b"), "frequency"] == 3 and wide.loc[("a", "b"), "value_power"] == 2
    assert ("b", "c") in wide.index
    with pytest.raises(InputError, match="unknown item 'likes'"):
        from_long(long.assign(item=["likes", "kind", "kind", "kind"]), ROSTER)


def test_density_over_observed_dyads_never_counts_two_non_respondents_as_absent() -> None:
    r = reports(("a", "b"))
    # union: the pair c-d (both silent) is unknown; a-b, a-c, a-d, b-c, b-d observed: 1 of 5
    assert observed_density(r, ROSTER, ["a", "b"]) == pytest.approx(1 / 5)
    assert observed_density(reports(), ROSTER, []) is None


def sna_densities() -> list[tuple[str, bool, float]]:
    with (FIXTURES / "sna_gden_missing.csv").open() as f:
        return [
            (row["rule"], row["reconstruct"] == "true", float(row["density"])) for row in csv.DictReader(f)
        ]


@pytest.mark.parametrize(("rule", "reconstruct", "expected"), sna_densities())
def test_observed_density_equals_sna_gden_with_missing_dyads(
    rule: str, reconstruct: bool, expected: float
) -> None:
    roster = list("abcdefgh")
    table = pd.read_csv(FIXTURES / "survey_reports.csv")
    r = reports_frame(table, roster)
    assert observed_density(r, roster, list("abcde"), rule=rule, reconstruct=reconstruct) == pytest.approx(
        expected
    )

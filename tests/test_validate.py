"""validate_tables: every check, every problem at once, lenient mode, typed attribute columns."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from netz.core.errors import MAX_LISTED_PROBLEMS, InputError, Problem
from netz.core.limits import Limits
from netz.core.validate import infer_column, parse_numbers, validate_tables
from netz.core.vocabulary import ACTOR_TYPES


def frame(rows: list[dict], *, first_row: int = 2) -> pd.DataFrame:
    """A table as a reader builds it: text cells, indexed by spreadsheet row."""
    table = pd.DataFrame(rows, dtype=object).fillna("")
    table.index = range(first_row, first_row + len(rows))
    return table


ACTORS = frame([
    {"id": "a", "name": "A", "type": "Kirche"},
    {"id": "b", "name": "B", "type": "Stadt"},
    {"id": "c", "name": "C", "type": "MSO"},
])


def problems_of(actors: pd.DataFrame, ties: pd.DataFrame, **options) -> list[Problem]:
    options.setdefault("directed", False)
    with pytest.raises(InputError) as caught:
        validate_tables(actors, ties, actors_file="akteure.csv", ties_file="kooperationen.csv", **options)
    return caught.value.problems


def where(problems: list[Problem]) -> list[tuple]:
    return [(p.file, p.row, p.column) for p in problems]


def test_clean_tables_come_back_typed() -> None:
    ties = frame([{"source": "a", "target": "b", "weight": "2,5", "kind": "Information", "wave": "2019"},
                  {"source": " b ", "target": "c", "weight": "1", "kind": "", "wave": ""}])
    result = validate_tables(ACTORS, ties, directed=False)
    assert result.weighted is True
    assert result.warnings == ()
    assert result.actors["type"].tolist() == ["church", "municipality", "refugee"]
    assert result.ties["source"].tolist() == ["a", "b"]  # surrounding spaces are dropped
    assert result.ties["weight"].tolist() == [2.5, 1.0]
    assert result.ties["kind"].tolist() == ["Information", None]
    assert result.ties["wave"].tolist() == ["2019", None]


def test_without_a_weight_column_ties_weigh_one_and_are_unweighted() -> None:
    result = validate_tables(ACTORS, frame([{"source": "a", "target": "b"}]), directed=True)
    assert result.weighted is False
    assert result.ties["weight"].tolist() == [1.0]
    assert list(result.ties.columns) == ["source", "target", "weight", "kind", "wave"]


def test_unknown_actor_in_a_tie() -> None:
    problems = problems_of(ACTORS, frame([{"source": "a", "target": "b"}, {"source": "x", "target": "c"}]))
    assert where(problems) == [("kooperationen.csv", 3, "source")]
    assert "'x'" in problems[0].message
    assert "not listed in akteure.csv" in problems[0].message


def test_duplicate_actor_ids_name_the_first_row() -> None:
    actors = frame([{"id": "a", "type": "Kirche"}, {"id": "b", "type": "Stadt"}, {"id": "a", "type": "VHS"}])
    problems = problems_of(actors, frame([{"source": "a", "target": "b"}]))
    assert where(problems) == [("akteure.csv", 4, "id")]
    assert "duplicate actor id 'a'" in problems[0].message
    assert "row 2" in problems[0].message


def test_empty_actor_id() -> None:
    actors = frame([{"id": "a", "type": "Kirche"}, {"id": "  ", "type": "Stadt"}])
    problems = problems_of(actors, frame([{"source": "a", "target": "a"}])[:0])
    assert where(problems) == [("akteure.csv", 3, "id")]
    assert "empty" in problems[0].message


def test_empty_tie_end() -> None:
    problems = problems_of(ACTORS, frame([{"source": "a", "target": ""}]))
    assert where(problems) == [("kooperationen.csv", 2, "target")]
    assert "target is empty" in problems[0].message


def test_self_loop() -> None:
    problems = problems_of(ACTORS, frame([{"source": "a", "target": "b"}, {"source": "c", "target": "c"}]))
    assert where(problems) == [("kooperationen.csv", 3, "target")]
    assert "'c' to itself" in problems[0].message


@pytest.mark.parametrize(
    ("weight", "gist"),
    [("abc", "'abc' is not a positive number"), ("0", "'0' is not a positive number"),
     ("-1", "'-1' is not a positive number"), ("", "weight is empty"), ("inf", "'inf'"),
     ("nan", "'nan'"), ("-0,5", "'-0,5'")],
)
def test_weight_must_be_a_positive_number(weight: str, gist: str) -> None:
    ties = frame([{"source": "a", "target": "b", "weight": "2"},
                  {"source": "b", "target": "c", "weight": weight}])
    problems = problems_of(ACTORS, ties)
    assert where(problems) == [("kooperationen.csv", 3, "weight")]
    assert gist in problems[0].message
    assert "greater than 0" in problems[0].message


@pytest.mark.parametrize(("actors", "ties", "file", "missing"), [
    (frame([{"id": "a", "name": "A"}]), frame([{"source": "a", "target": "b"}]), "akteure.csv", "type"),
    (frame([{"Name": "A", "type": "Kirche"}]), frame([{"source": "a", "target": "b"}]), "akteure.csv", "id"),
    (ACTORS, frame([{"source": "a", "Ziel": "b"}]), "kooperationen.csv", "target"),
])
def test_missing_required_column_is_named_with_the_columns_found(
    actors: pd.DataFrame, ties: pd.DataFrame, file: str, missing: str
) -> None:
    problems = problems_of(actors, ties)
    assert where(problems) == [(file, 1, missing)]
    message = problems[0].message
    assert f"missing required column '{missing}'" in message
    found = actors.columns if file == "akteure.csv" else ties.columns
    for column in found:
        assert f"'{column}'" in message


def test_duplicate_directed_tie() -> None:
    ties = frame([{"source": "a", "target": "b"}, {"source": "b", "target": "a"},
                  {"source": "a", "target": "b"}])
    problems = problems_of(ACTORS, ties, directed=True)
    assert where(problems) == [("kooperationen.csv", 4, "target")]
    assert "duplicate tie a → b (already in row 2)" in problems[0].message


def test_duplicate_undirected_tie_in_the_same_order() -> None:
    ties = frame([{"source": "a", "target": "b"}, {"source": "b", "target": "a"},
                  {"source": "a", "target": "b"}])
    problems = problems_of(ACTORS, ties, directed=False)
    assert where(problems) == [("kooperationen.csv", 4, "target")]
    assert "duplicate tie a – b (already in row 2)" in problems[0].message


def test_undirected_reading_adds_the_weights_of_a_to_b_and_b_to_a() -> None:
    """A→B and B→A read as undirected are one tie of both strengths, not a duplicate."""
    ties = frame([{"source": "a", "target": "b", "weight": "2"},
                  {"source": "b", "target": "c", "weight": "1"},
                  {"source": "b", "target": "a", "weight": "0,5"}])
    result = validate_tables(ACTORS, ties, directed=False)
    assert result.ties[["source", "target", "weight"]].values.tolist() == [["a", "b", 2.5], ["b", "c", 1.0]]
    assert result.warnings == ()


def test_same_pair_with_other_kind_or_wave_is_no_duplicate() -> None:
    ties = frame([
        {"source": "a", "target": "b", "kind": "Information", "wave": "2019"},
        {"source": "b", "target": "a", "kind": "Projekt", "wave": "2019"},
        {"source": "a", "target": "b", "kind": "Information", "wave": "2020"},
    ])
    assert len(validate_tables(ACTORS, ties, directed=False).ties) == 3


def test_lenient_drops_later_duplicates_with_a_warning() -> None:
    ties = frame([{"source": "a", "target": "b", "weight": "2"},
                  {"source": "a", "target": "b", "weight": "5"},
                  {"source": "b", "target": "c", "weight": "1"},
                  {"source": "b", "target": "a", "weight": "3"}])
    result = validate_tables(ACTORS, ties, directed=False, lenient=True, ties_file="kooperationen.csv")
    # The repeated a → b is dropped; b → a is the other direction of a – b and adds its weight.
    assert result.ties[["source", "target", "weight"]].values.tolist() == [["a", "b", 5.0], ["b", "c", 1.0]]
    assert where(list(result.warnings)) == [("kooperationen.csv", 3, "target")]
    assert "ignored" in result.warnings[0].message


def test_unknown_type_lists_the_accepted_values() -> None:
    actors = frame([{"id": "a", "type": "Kirche"}, {"id": "b", "type": "Raumschiff"}])
    problems = problems_of(actors, frame([{"source": "a", "target": "b"}]))
    assert where(problems) == [("akteure.csv", 3, "type")]
    assert "unknown actor type 'Raumschiff'" in problems[0].message
    assert all(t in problems[0].message for t in ACTOR_TYPES)


def test_empty_type_is_other_with_a_warning() -> None:
    actors = frame([{"id": "a", "type": "Kirche"}, {"id": "b", "type": ""}])
    result = validate_tables(actors, frame([{"source": "a", "target": "b"}]), directed=False,
                             actors_file="akteure.csv")
    assert result.actors["type"].tolist() == ["church", "other"]
    assert [(w.file, w.row, w.column, w.code) for w in result.warnings] == [
        ("akteure.csv", 3, "type", "input.empty_type")]
    assert result.warnings[0].text("de") == (
        "akteure.csv, Zeile 3, Spalte „type“: Der Typ ist leer; der Akteur wird als „Sonstige“ gezählt")


def test_lenient_counts_unknown_types_as_other_with_a_warning() -> None:
    actors = frame([{"id": "a", "type": "Kirche"}, {"id": "b", "type": "Raumschiff"}])
    result = validate_tables(actors, frame([{"source": "a", "target": "b"}]), directed=False, lenient=True)
    assert result.actors["type"].tolist() == ["church", "other"]
    assert [(w.row, w.column) for w in result.warnings] == [(3, "type")]
    assert "'other'" in result.warnings[0].message


def test_lenient_does_not_excuse_real_errors() -> None:
    problems = problems_of(ACTORS, frame([{"source": "a", "target": "x"}]), lenient=True)
    assert where(problems) == [("kooperationen.csv", 2, "target")]


def test_every_problem_is_reported_at_once() -> None:
    actors = frame([
        {"id": "a", "type": "Kirche"}, {"id": "a", "type": "Stadt"},
        {"id": "", "type": "VHS"}, {"id": "d", "type": "Raumschiff"},
    ])
    ties = frame([
        {"source": "a", "target": "x", "weight": "1"},
        {"source": "d", "target": "d", "weight": "abc"},
    ])
    problems = problems_of(actors, ties)
    assert sorted(where(problems)) == sorted([
        ("akteure.csv", 4, "id"),          # empty id
        ("akteure.csv", 3, "id"),          # duplicate of row 2
        ("akteure.csv", 5, "type"),        # unknown type
        ("kooperationen.csv", 2, "target"),  # unknown actor
        ("kooperationen.csv", 3, "target"),  # self-loop
        ("kooperationen.csv", 3, "weight"),  # not a number
    ])


def test_input_error_text_lists_problems_and_caps_the_list() -> None:
    many = [Problem(f"problem {i}", "ties.csv", i + 2, "weight") for i in range(MAX_LISTED_PROBLEMS + 5)]
    text = str(InputError(many))
    assert text.startswith(f"{MAX_LISTED_PROBLEMS + 5} problems in the input:")
    assert "ties.csv, row 2, column 'weight': problem 0" in text
    assert f"problem {MAX_LISTED_PROBLEMS - 1}" in text
    assert f"problem {MAX_LISTED_PROBLEMS}\n" not in text
    assert "... and 5 more" in text
    one = InputError.single("the file is empty", file="akteure.csv")
    assert str(one) == "akteure.csv: the file is empty"
    assert (one.file, one.row, one.column) == ("akteure.csv", None, None)
    with pytest.raises(ValueError):
        InputError([])


def test_problem_with_a_row_label() -> None:
    problem = Problem("expected an object", "graph.json", "nodes[3]")
    assert str(problem) == "graph.json, nodes[3]: expected an object"
    assert problem.to_dict() == {"file": "graph.json", "row": "nodes[3]", "column": None,
                                 "code": "expected an object", "params": {}, "message": "expected an object"}


def test_attribute_columns_are_typed() -> None:
    actors = ACTORS.assign(
        Ehrenamtliche=["45", "", "12"], Anteil=["0,5", "2", ""], Kennziffer=["007", "8", "9"],
        Notiz=["seit 2015", "", "12"],
    )
    result = validate_tables(actors, frame([{"source": "a", "target": "b"}]), directed=False)
    assert result.actors["Ehrenamtliche"].tolist() == [45, None, 12]
    assert result.actors["Anteil"].tolist() == [0.5, 2.0, None]
    assert result.actors["Kennziffer"].tolist() == ["007", "8", "9"]
    assert result.actors["Notiz"].tolist() == ["seit 2015", None, "12"]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1", "-2", ""], [1, -2, None]),
        (["1,5", "1.234,5", "2"], [1.5, 1234.5, 2.0]),
        (["2.5", "1e3"], [2.5, 1000.0]),
        (["007", "8"], ["007", "8"]),
        (["", " "], [None, None]),
        (["ja", "nein"], ["ja", "nein"]),
        ([3.0, 4.0], [3, 4]),
    ],
)
def test_infer_column(cells: list, expected: list) -> None:
    result = infer_column(pd.Series(cells)).tolist()
    assert result == expected
    assert [type(v) for v in result] == [type(v) for v in expected]


def test_parse_numbers() -> None:
    values, bad = parse_numbers(pd.Series(["2,5", "1.234,5", "3", "x", "", "0,75", "1e-2"]))
    assert values.tolist()[:3] == [2.5, 1234.5, 3.0]
    assert math.isnan(values.iloc[3]) and math.isnan(values.iloc[4])
    assert values.tolist()[5:] == [0.75, 0.01]
    assert bad.tolist() == [False, False, False, True, False, False, False]


def test_control_characters_become_spaces() -> None:
    # Invisible in a spreadsheet, but .xlsx and XML cannot hold them at all.
    actors = frame([{"id": "a\x0bb", "name": "Zeile 1\x0bZeile 2", "type": "Kirche", "Notiz": "x\x00y\nz"},
                    {"id": "c", "name": "C", "type": "Stadt", "Notiz": ""}])
    ties = frame([{"source": "a\x0bb", "target": "c", "kind": "Info\x1f"}])
    result = validate_tables(actors, ties, directed=False)
    assert result.actors["id"].tolist() == ["a b", "c"]
    assert result.actors["name"].tolist() == ["Zeile 1 Zeile 2", "C"]
    assert result.actors["Notiz"].tolist() == ["x y\nz", None]  # newlines are kept
    assert result.ties[["source", "kind"]].values.tolist() == [["a b", "Info"]]


def test_unknown_actor_that_differs_only_in_spelling_gets_a_suggestion() -> None:
    actors = frame([{"id": "HK-Süd", "type": "Helferkreis"}, {"id": "st", "type": "Stadt"}])
    ties = frame([{"source": "hk süd", "target": "st"}, {"source": "HK-Sued", "target": "xy"}])
    problems = problems_of(actors, ties)
    assert [p.message for p in problems] == [
        "actor 'hk süd' is not listed in akteure.csv (did you mean 'HK-Süd'?)",
        "actor 'HK-Sued' is not listed in akteure.csv (did you mean 'HK-Süd'?)",
        "actor 'xy' is not listed in akteure.csv",
    ]


def test_graph_files_have_no_header_row_to_cite() -> None:
    actors = pd.DataFrame({"id": ["a"]}, index=["node 1 ('a')"])
    problems = problems_of(actors, frame([{"source": "a", "target": "a"}])[:0])
    assert (problems[0].row, problems[0].column) == (None, "type")


# -- hostile input: invisible characters, look-alikes, lengths, limits --------------------------


def test_ids_differing_only_in_invisible_characters_are_duplicates() -> None:
    actors = frame([{"id": "hk", "type": "Initiative"}, {"id": "h\u200bk", "type": "Verein"}])
    [problem] = problems_of(actors, frame([]).reindex(columns=["source", "target"]))
    assert where([problem]) == [("akteure.csv", 3, "id")]
    assert "duplicate actor id 'hk' (first used in row 2)" in problem.message
    assert "invisible" in problem.message


def test_ids_are_read_composed_and_without_invisible_characters() -> None:
    actors = frame([{"id": "J\u00fcrgen", "type": "Initiative"}, {"id": "kg\u2060", "type": "Kirche"}])
    ties = frame([{"source": "Ju\u0308rgen", "target": "k\u200bg"}])
    result = validate_tables(actors, ties, directed=False)
    assert result.actors["id"].tolist() == ["J\u00fcrgen", "kg"]
    assert result.ties[["source", "target"]].values.tolist() == [["J\u00fcrgen", "kg"]]


def test_look_alike_ids_are_warned_about() -> None:
    actors = frame([{"id": "hk", "type": "Initiative"}, {"id": "\u04bbk", "type": "Verein"}])
    result = validate_tables(actors, frame([{"source": "hk", "target": "\u04bbk"}]), directed=False)
    [warning] = result.warnings
    assert where([warning]) == [("actors", 3, "id")]
    assert "looks like 'hk' (row 2)" in warning.message


@pytest.mark.parametrize(("column", "longest"), [("id", 300), ("name", 500)])
def test_ids_and_names_fit_the_service_columns(column: str, longest: int) -> None:
    fits = frame([{"id": "a", "name": "A", "type": "Kirche"}])
    fits.loc[2, column] = "x" * longest
    validate_tables(fits, frame([]).reindex(columns=["source", "target"]), directed=False)
    too_long = fits.copy()
    too_long.loc[2, column] = "x" * (longest + 1)
    [problem] = problems_of(too_long, frame([]).reindex(columns=["source", "target"]))
    assert where([problem]) == [("akteure.csv", 2, column)]
    assert f"{longest + 1} characters; at most {longest}" in problem.message


def test_attribute_cells_are_bounded_by_the_limits() -> None:
    actors = frame([{"id": "a", "type": "Kirche", "notiz": "x" * 11}])
    validate_tables(actors, frame([]).reindex(columns=["source", "target"]), directed=False)
    [problem] = problems_of(actors, frame([]).reindex(columns=["source", "target"]),
                            limits=Limits(max_cell_chars=10))
    assert where([problem]) == [("akteure.csv", 2, "notiz")]


@pytest.mark.parametrize(("limits", "named"), [
    (Limits(max_actors=2), "max_actors"), (Limits(max_ties=1), "max_ties"),
    (Limits(max_columns=2), "max_columns"),
])
def test_too_many_actors_ties_or_columns_are_refused_first(limits: Limits, named: str) -> None:
    ties = frame([{"source": "a", "target": "b"}, {"source": "b", "target": "c"}])
    validate_tables(ACTORS, ties, directed=False)
    [problem] = problems_of(ACTORS, ties, limits=limits)
    assert f"(limit {named};" in problem.message


# -- in the user's language, with suggestions, all at once (issue 10, defects 4 and 5) -------------

def test_unknown_type_suggests_the_closest_known_one() -> None:
    actors = frame([{"id": "a", "type": "Kirchengemiende"}, {"id": "b", "type": "Wohlfartsverband"}])
    found = problems_of(actors, frame([{"source": "a", "target": "b"}]))
    assert [p.what("de") for p in found] == [
        "Unbekannter Typ „Kirchengemiende“ — meinten Sie „Kirchengemeinde“?",
        "Unbekannter Typ „Wohlfartsverband“ — meinten Sie „Wohlfahrtsverband“?",
    ]
    assert found[0].message == "unknown actor type 'Kirchengemiende' — did you mean 'Kirchengemeinde'?"


def test_unknown_actor_in_a_tie_suggests_the_closest_id() -> None:
    actors = frame([{"id": "stadt", "type": "Stadt"}, {"id": "kirche", "type": "Kirche"}])
    found = problems_of(actors, frame([{"source": "stdat", "target": "kirche"}]))
    assert found[0].what("de") == "Der Akteur „stdat“ steht nicht in akteure.csv — meinten Sie „stadt“?"
    assert found[0].code == "input.unknown_actor_suggest" and found[0].params["suggestion"] == "stadt"


def test_a_self_loop_does_not_hide_behind_a_bad_weight_and_problems_come_in_row_order() -> None:
    ties = frame([{"source": "a", "target": "b", "weight": "viel"},
                  {"source": "c", "target": "c", "weight": "1"},
                  {"source": "a", "target": "zz", "weight": "0"}])
    found = problems_of(ACTORS, ties)
    assert [(p.row, p.code) for p in found] == [
        (2, "input.weight_bad"), (3, "input.self_loop"), (4, "input.unknown_actor"), (4, "input.weight_bad")]


def test_many_problems_are_all_counted_and_the_first_hundred_listed() -> None:
    ties = frame([{"source": "a", "target": f"x{i}"} for i in range(150)])
    with pytest.raises(InputError) as caught:
        validate_tables(ACTORS, ties, directed=False, actors_file="akteure.csv", ties_file="k.csv")
    assert len(caught.value.problems) == 150
    german = caught.value.text("de").splitlines()
    assert german[0] == "150 Probleme in der Eingabe:"
    assert german[-1].strip() == "… und 50 weitere"
    assert len(german) == 1 + MAX_LISTED_PROBLEMS + 1
    assert "k.csv, Zeile 2, Spalte „target“: Der Akteur „x0“ steht nicht in akteure.csv" in german[1]
    assert str(caught.value).splitlines()[-1].strip() == "... and 50 more"


# -- columns named like metrics ----------------------------------------------------------------


def test_columns_named_like_metrics_are_left_out_with_a_warning_each() -> None:
    # An export with metrics read again, with an own attribute that only starts like a metric.
    actors = frame([{"id": "a", "type": "Kirche", "degree": "1", "brokerage.total": "0", "brokerage": "x",
                     "brokerage.note": "y", "Degree": "BA", "degree_of_trust": "2"},
                    {"id": "b", "type": "Stadt", "degree": "1", "brokerage.total": "0", "brokerage": "",
                     "brokerage.note": "", "Degree": "MA", "degree_of_trust": "3"}])
    result = validate_tables(actors, frame([{"source": "a", "target": "b"}]), directed=False,
                             actors_file="akteure.csv")
    assert list(result.actors.columns) == ["id", "name", "type", "Degree", "degree_of_trust"]
    assert [(w.file, w.row, w.column, w.code) for w in result.warnings] == [
        ("akteure.csv", 1, column, "input.metric_column")
        for column in ("degree", "brokerage.total", "brokerage", "brokerage.note")]
    assert result.warnings[0].text("de").startswith(
        "akteure.csv, Zeile 1, Spalte „degree“: Der Name einer Kennzahl, die netz selbst berechnet")
    assert result.warnings[0].text("en").startswith(
        "akteure.csv, row 1, column 'degree': the name of a metric netz computes")


def test_columns_named_like_metrics_can_be_refused() -> None:
    actors = frame([{"id": "a", "type": "Kirche", "pagerank": ""},
                    {"id": "b", "type": "Stadt", "pagerank": "9"}])
    problems = problems_of(actors, frame([{"source": "a", "target": "b"}]), refuse_metric_columns=True)
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [
        ("akteure.csv", 3, "pagerank", "input.metric_column_refused")]
    assert problems[0].text("de").endswith("Wählen Sie einen anderen Namen")


def test_a_graph_file_names_no_header_row_for_a_metric_column() -> None:
    actors = pd.DataFrame({"id": ["a"], "type": ["church"], "community": [1]}, index=["node 1 ('a')"])
    result = validate_tables(actors, frame([]).reindex(columns=["source", "target"]), directed=False)
    assert [(w.row, w.column) for w in result.warnings] == [(None, "community")]

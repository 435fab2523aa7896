"""Alliance folders: actors/ties (or akteure/kooperationen) CSV files, alliance.json, memberships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netz.core import io
from netz.core.errors import InputError, Problem
from netz.core.io.folder import co_membership_ties, read_folder
from netz.core.limits import Limits
from netz.core.vocabulary import ACTOR_TYPES

DEMO = Path(__file__).parents[2] / "datasets" / "demo-buendnis"


def folder(tmp_path: Path, files: dict[str, str | bytes], encoding: str = "utf-8") -> Path:
    path = tmp_path / "buendnis"
    path.mkdir(exist_ok=True)
    for name, content in files.items():
        (path / name).write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def problems(path: Path, **options) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_folder(path, **options)
    return caught.value.problems


def where(found: list[Problem]) -> list[tuple]:
    return [(p.file, p.row, p.column) for p in found]


ACTORS = "id,name,type\na,Helferkreis,Helferkreis\nb,Sankt Jürgen,Kirchengemeinde\nc,Stadt,Stadt\n"


# -- good files -------------------------------------------------------------------

def test_english_folder(tmp_path: Path) -> None:
    path = folder(tmp_path, {
        "actors.csv": ACTORS + "d,MSO,Migrantenselbstorganisation\n",
        "ties.csv": "source,target,weight,kind,wave\na,b,2.5,information,2019\nb,c,1,,2020\nd,a,3,,\n",
    })
    alliance = read_folder(path)
    assert alliance.actors["id"].tolist() == ["a", "b", "c", "d"]
    assert alliance.actors["type"].tolist() == ["initiative", "church", "municipality", "refugee"]
    assert alliance.ties[["source", "target"]].values.tolist() == [["a", "b"], ["b", "c"], ["d", "a"]]
    assert alliance.ties["weight"].tolist() == [2.5, 1.0, 3.0]
    assert alliance.ties["kind"].tolist() == ["information", None, None]
    assert alliance.ties["wave"].tolist() == ["2019", "2020", None]
    assert alliance.weighted is True
    assert alliance.directed is False  # without alliance.json


def test_german_folder_in_windows_1252_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = folder(tmp_path, {
        "akteure.csv": (
            "Kennung;Bezeichnung;Art;Ehrenamtliche\r\n"
            "sj;Kirchengemeinde Sankt Jürgen;Kirchengemeinde;12\r\n"
            "pat;Patenschaftsprojekt „Tandem“ – Süd;Initiative;3\r\n"
            "lra;Landratsamt – Fachbereich Migration;Landratsamt;\r\n"
        ),
        "kooperationen.csv": (
            "Von;An;Stärke;Kooperationsart;Welle\r\n"
            "sj;pat;2,5;Gemeinsames Projekt;2019\r\n"
            "pat;lra;1.234,5;Information;2019\r\n"
            "lra;sj;0,75;Ressourcen;2020\r\n"
        ),
    }, encoding="cp1252")
    alliance = read_folder(path)
    assert alliance.actor("sj").name == "Kirchengemeinde Sankt Jürgen"
    assert alliance.actor("pat").name == "Patenschaftsprojekt „Tandem“ – Süd"
    assert alliance.actor("lra").type == "municipality"
    assert alliance.actors["Ehrenamtliche"].tolist() == [12, 3, None]
    assert alliance.ties["weight"].tolist() == [2.5, 1234.5, 0.75]
    assert alliance.ties["kind"].tolist() == ["Gemeinsames Projekt", "Information", "Ressourcen"]
    assert alliance.waves == ["2019", "2020"]


@pytest.mark.parametrize(
    ("actor_headers", "tie_headers"),
    [
        ("Kennung;Bezeichnung;Typ", "Von;An;Gewicht;Kooperationsart;Welle"),
        ("Kennung;Bezeichnung;Art", "Quelle;Ziel;Stärke;Kooperationsart;Jahr"),
        ("ID;Name;Typ", "Von;Partner;Staerke;Art der Kooperation;Jahr"),
    ],
)
def test_german_headers(tmp_path: Path, actor_headers: str, tie_headers: str) -> None:
    path = folder(tmp_path, {
        "akteure.csv": f"{actor_headers}\na;A;Kirche\nb;B;Verein\n",
        "kooperationen.csv": f"{tie_headers}\na;b;2,5;Information;2020\n",
    })
    alliance = read_folder(path)
    assert list(alliance.actors.columns) == ["id", "name", "type"]
    assert alliance.ties.to_dict("records") == [
        {"source": "a", "target": "b", "weight": 2.5, "kind": "Information", "wave": "2020"}
    ]


def test_utf8_with_byte_order_mark(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    path = folder(tmp_path, {
        "akteure.csv": bom + (
            "Kennung;Bezeichnung;Typ\nsj;Kirchengemeinde Sankt Jürgen;Kirche\nst;Stadt;Stadt\n".encode()
        ),
        "kooperationen.csv": bom + b"Von;An\nsj;st\n",
        "alliance.json": bom + '{"name": "Bündnis Süd"}'.encode(),
    })
    alliance = read_folder(path)
    assert alliance.actors["id"].tolist() == ["sj", "st"]  # the BOM is not part of the first header
    assert alliance.actor("sj").name == "Kirchengemeinde Sankt Jürgen"
    assert alliance.meta == {"name": "Bündnis Süd"}


def test_alliance_json_in_windows_1252(tmp_path: Path) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\n",
                             "alliance.json": '{"name": "Bündnis Süd", "Bundesland": "Thüringen"}'},
                  encoding="cp1252")
    assert read_folder(path).meta == {"name": "Bündnis Süd", "land": "Thüringen"}


def test_file_names_in_any_case(tmp_path: Path) -> None:
    path = folder(tmp_path, {"Akteure.CSV": ACTORS, "KOOPERATIONEN.csv": "source,target\na,b\n"})
    assert read_folder(path).n_ties == 1


def test_blank_rows_are_skipped_and_errors_cite_spreadsheet_rows(tmp_path: Path) -> None:
    path = folder(tmp_path, {
        "akteure.csv": "Kennung;Typ\n\na;Kirche\n;\nb;Stadt\n",
        "kooperationen.csv": "Von;An\na;b\n\n\n;;\nb;x\n",
    })
    found = problems(path)
    assert where(found) == [("kooperationen.csv", 6, "An")]
    (tmp_path / "buendnis" / "kooperationen.csv").write_text("Von;An\na;b\n\n\n;\n")
    alliance = read_folder(path)
    assert alliance.n_actors == 2
    assert alliance.n_ties == 1


def test_trailing_separators(tmp_path: Path) -> None:
    path = folder(tmp_path, {
        "akteure.csv": "Kennung;Bezeichnung;Typ;\na;A;Kirche;\nb;B;Stadt;\n",
        "kooperationen.csv": "Von;An;Stärke\na;b;2,5;\n",
    })
    alliance = read_folder(path)
    assert list(alliance.actors.columns) == ["id", "name", "type"]
    assert alliance.ties["weight"].tolist() == [2.5]


def test_alliance_json_metadata_and_direction(tmp_path: Path) -> None:
    meta = {"name": "Bündnis „Willkommen“", "Bundesland": "Hessen", "Förderung": 15000,
            "Gründungsjahr": 2015, "Ansprechperson": "Frau Müller", "directed": True}
    path = folder(tmp_path, {
        "actors.csv": ACTORS, "ties.csv": "source,target\na,b\nb,a\n",
        "alliance.json": json.dumps(meta, ensure_ascii=False),
    })
    alliance = read_folder(path)
    assert alliance.directed is True
    assert alliance.n_ties == 2  # a→b and b→a are two ties when directed
    assert alliance.meta == {"name": "Bündnis „Willkommen“", "land": "Hessen", "funding": 15000,
                             "founded": 2015, "Ansprechperson": "Frau Müller"}
    assert read_folder(path, directed=True).directed is True
    undirected = read_folder(path, directed=False)  # the caller's choice wins over alliance.json
    assert (undirected.directed, undirected.n_ties) == (False, 1)  # a→b and b→a: one tie


@pytest.mark.parametrize(("written", "stored"), [("15.000", 15000), ("15.000,50", 15000.5),
                                                 ("15000.5", 15000.5), ("1,5", 1.5), ("15 000 €", 15000),
                                                 ("15,000.50", 15000.5)])
def test_funding_as_german_or_english_text_is_read_as_the_pages_read_it(
        tmp_path: Path, written: str, stored: float) -> None:
    """Python's float() read "15.000" as 15.0: a thousandfold too little."""
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\n",
                             "alliance.json": json.dumps({"Förderung": written})})
    assert read_folder(path).meta == {"funding": stored}


@pytest.mark.parametrize(("written", "german"), [
    ("1,500", "Fördersumme: „1,500“ ist mehrdeutig"), ("viel", "Fördersumme: „viel“ ist kein Betrag"),
    ("15.00,5", "Fördersumme: „15.00,5“ ist kein Betrag"), ("-5", "Fördersumme: „-5“ ist kein Betrag")])
def test_funding_that_is_ambiguous_or_no_amount_is_refused(tmp_path: Path, written: str, german: str) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\n",
                             "alliance.json": json.dumps({"Förderung": written})})
    [problem] = problems(path)
    assert where([problem]) == [("alliance.json", None, "funding")]
    assert problem.what("de").startswith(german)
    assert problem.what("en").startswith("Funding: ")


@pytest.mark.parametrize(("written", "stored"), [("thueringen", "Thüringen"), ("NRW", "Nordrhein-Westfalen"),
                                                 ("baden württemberg", "Baden-Württemberg")])
def test_a_land_in_any_spelling_is_stored_as_the_list_writes_it(tmp_path: Path, written: str,
                                                                stored: str) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\n",
                             "alliance.json": json.dumps({"Bundesland": written})})
    assert read_folder(path).meta == {"land": stored}


@pytest.mark.parametrize(("written", "german", "english"), [
    ("Bayren", "Bundesland: „Bayren“ ist keines der 16 Länder — meinten Sie „Bayern“?",
     "Land: 'Bayren' is none of the 16 German Länder — did you mean 'Bayern'?"),
    ("Atlantis", "Bundesland: „Atlantis“ ist keines der 16 Länder", "Land: 'Atlantis' is none of the 16")])
def test_an_unknown_land_is_refused_with_the_closest_land(tmp_path: Path, written: str, german: str,
                                                          english: str) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\n",
                             "alliance.json": json.dumps({"Bundesland": written})})
    [problem] = problems(path)
    assert where([problem]) == [("alliance.json", None, "land")]
    assert german in problem.text("de") and english in problem.text("en")


@pytest.mark.parametrize(("value", "directed"), [("ja", True), ("nein", False), ("gerichtet", True),
                                                  (False, False)])
def test_directed_in_german(tmp_path: Path, value: object, directed: bool) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\na,b\n",
                             "alliance.json": json.dumps({"gerichtet": value})})
    assert read_folder(path).directed is directed


def test_memberships_become_co_membership_ties(tmp_path: Path) -> None:
    path = folder(tmp_path, {
        "akteure.csv": ACTORS + "d,Schule,Schule\n",
        "mitgliedschaften.csv": (
            "Akteur;Arbeitskreis\n"
            "a;AK Sprache\nb;AK Sprache\nc;AK Sprache\n"
            "a;AK Arbeit\nb;AK Arbeit\n"
            "a;AK Wohnen\nb;AK Wohnen\nd;AK Wohnen\n"
            "a;AK Sprache\n"  # listed twice: counts once
        ),
    })
    alliance = read_folder(path)
    weights = {(s, t): w for s, t, w in alliance.ties[["source", "target", "weight"]].values.tolist()}
    assert weights == {("a", "b"): 3.0, ("a", "c"): 1.0, ("a", "d"): 1.0, ("b", "c"): 1.0, ("b", "d"): 1.0}
    assert set(alliance.ties["kind"]) == {"co-membership"}
    assert alliance.weighted is True


def test_memberships_next_to_ties(tmp_path: Path) -> None:
    path = folder(tmp_path, {
        "actors.csv": ACTORS,
        "ties.csv": "source,target\nb,c\n",
        "memberships.csv": "actor,group\na,AK1\nb,AK1\n",
    })
    alliance = read_folder(path)
    assert alliance.ties[["source", "target", "weight", "kind"]].values.tolist() == [
        ["b", "c", 1.0, None], ["a", "b", 1.0, "co-membership"]
    ]


def test_memberships_problems(tmp_path: Path) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "memberships.csv": "actor,group\na,AK1\nx,AK1\nb,\n"})
    found = problems(path)
    assert where(found) == [("memberships.csv", 3, "actor"), ("memberships.csv", 4, "group")]
    assert "'x'" in found[0].message
    (path / "alliance.json").write_text('{"directed": true}')
    assert "undirected co-membership" in problems(path)[0].message


def test_co_membership_ties_equal_shared_groups() -> None:
    import pandas as pd

    ties = co_membership_ties(pd.Series(["a", "b", "c", "a", "b", "c"]),
                              pd.Series(["G1", "G1", "G1", "G2", "G2", "G3"]))
    assert ties[["source", "target", "weight"]].values.tolist() == [
        ["a", "b", 2.0], ["a", "c", 1.0], ["b", "c", 1.0]
    ]


def test_demo_alliance() -> None:
    alliance = io.read(DEMO)
    assert alliance.n_actors == 25
    assert alliance.n_ties == 34
    assert alliance.weighted is True
    assert alliance.directed is False
    assert alliance.name == "Bündnis Willkommen in Musterstadt (synthetisch)"
    assert set(alliance.actors["type"]) <= set(ACTOR_TYPES)
    assert alliance.actor("pat").name == "Patenschaftsprojekt „Tandem“"
    assert alliance.actor("bau").name == "Bäckerei Schäfer GmbH"
    assert 2.5 in alliance.ties["weight"].tolist()


# -- bad files --------------------------------------------------------------------

def test_tie_naming_an_unknown_actor(tmp_path: Path) -> None:
    path = folder(tmp_path, {"akteure.csv": "Kennung;Typ\na;Kirche\nb;Stadt\n",
                             "kooperationen.csv": "Von;An\na;b\nb;Rathaus\n"})
    found = problems(path)
    assert where(found) == [("kooperationen.csv", 3, "An")]
    assert "'Rathaus' is not listed in akteure.csv" in found[0].message


def test_duplicate_actor_id_mentions_the_first_row(tmp_path: Path) -> None:
    path = folder(tmp_path, {"akteure.csv": "Kennung;Typ\na;Kirche\nb;Stadt\na;Schule\n",
                             "kooperationen.csv": "Von;An\na;b\n"})
    found = problems(path)
    assert where(found) == [("akteure.csv", 4, "Kennung")]
    assert "duplicate actor id 'a' (first used in row 2)" in found[0].message


def test_empty_id(tmp_path: Path) -> None:
    path = folder(tmp_path, {"akteure.csv": "Kennung;Bezeichnung;Typ\na;A;Kirche\n;Namenlos;Stadt\n",
                             "kooperationen.csv": "Von;An\n"})
    found = problems(path)
    assert where(found) == [("akteure.csv", 3, "Kennung")]
    assert "id is empty" in found[0].message


def test_self_loop(tmp_path: Path) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\na,b\nc,c\n"})
    found = problems(path)
    assert where(found) == [("ties.csv", 3, "target")]
    assert "'c' to itself" in found[0].message


@pytest.mark.parametrize(
    ("weight", "gist"),
    [("abc", "'abc' is not a positive number"), ("0", "'0' is not a positive number"),
     ("-1", "'-1' is not a positive number"), ("", "weight is empty")],
)
def test_bad_weight(tmp_path: Path, weight: str, gist: str) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS,
                             "kooperationen.csv": f"Von;An;Stärke\na;b;2\nb;c;{weight}\n"})
    found = problems(path)
    assert where(found) == [("kooperationen.csv", 3, "Stärke")]
    assert gist in found[0].message


def test_missing_required_column_names_it_and_lists_the_columns_found(tmp_path: Path) -> None:
    path = folder(tmp_path, {"akteure.csv": "Kennung;Bezeichnung;Ehrenamtliche\na;A;3\n",
                             "kooperationen.csv": "Von;An\n"})
    found = problems(path)
    assert where(found) == [("akteure.csv", 1, "type")]
    message = found[0].message
    assert "missing required column 'type'" in message
    assert "(in German: 'Typ' / 'Art')" in message  # how to call it in German
    assert "(auf Deutsch: 'Typ' / 'Art')" in found[0].what("de")
    # the columns found, as the file spells them
    assert "columns found: 'Kennung', 'Bezeichnung', 'Ehrenamtliche'" in message


def test_missing_tie_column(tmp_path: Path) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source;Empfänger\na;b\n"})
    found = problems(path)
    assert where(found) == [("ties.csv", 1, "target")]
    assert "columns found: 'source', 'Empfänger'" in found[0].message


def test_missing_membership_column(tmp_path: Path) -> None:
    found = problems(folder(tmp_path, {"actors.csv": ACTORS, "memberships.csv": "Akteur;AG-Name\na;AK1\n"}))
    assert where(found) == [("memberships.csv", 1, "group")]
    assert "columns found: 'Akteur', 'AG-Name'" in found[0].message


def test_duplicate_directed_tie(tmp_path: Path) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\na,b\nb,a\na,b\n",
                             "alliance.json": '{"directed": true}'})
    found = problems(path)
    assert where(found) == [("ties.csv", 4, "target")]
    assert "duplicate tie a → b (already in row 2)" in found[0].message


def test_duplicate_undirected_tie_and_lenient(tmp_path: Path) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS,
                             "ties.csv": "source,target,weight\na,b,2\nb,c,1\na,b,4\nb,a,3\n"})
    found = problems(path)
    assert where(found) == [("ties.csv", 4, "target")]
    assert "already in row 2" in found[0].message
    lenient = read_folder(path, lenient=True)
    assert lenient.ties[["source", "target", "weight"]].values.tolist() == [["a", "b", 5.0], ["b", "c", 1.0]]
    assert where(list(lenient.warnings)) == [("ties.csv", 4, "target")]
    assert "ignored" in lenient.warnings[0].message


def test_unknown_type_and_lenient(tmp_path: Path) -> None:
    path = folder(tmp_path, {"akteure.csv": "Kennung;Typ\na;Kirche\nb;Raumschiff\n",
                             "kooperationen.csv": "Von;An\na;b\n"})
    found = problems(path)
    assert where(found) == [("akteure.csv", 3, "Typ")]
    assert "unknown actor type 'Raumschiff'" in found[0].message
    assert all(t in found[0].message for t in ACTOR_TYPES)
    lenient = read_folder(path, lenient=True)
    assert lenient.actor("b").type == "other"
    assert where(list(lenient.warnings)) == [("akteure.csv", 3, "Typ")]
    assert "'other'" in lenient.warnings[0].message


def test_empty_actors_file(tmp_path: Path) -> None:
    found = problems(folder(tmp_path, {"actors.csv": "", "ties.csv": "source,target\n"}))
    assert where(found) == [("actors.csv", None, None)]
    assert "empty" in found[0].message


def test_header_only_actors_file(tmp_path: Path) -> None:
    found = problems(folder(tmp_path, {"actors.csv": "id,name,type\n", "ties.csv": "source,target\n"}))
    assert where(found) == [("actors.csv", None, None)]
    assert "no actors below its header" in found[0].message


def test_header_only_ties_file_gives_an_alliance_without_ties(tmp_path: Path) -> None:
    alliance = read_folder(folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\n"}))
    assert (alliance.n_actors, alliance.n_ties) == (3, 0)


def test_missing_files(tmp_path: Path) -> None:
    path = folder(tmp_path, {"ties.csv": "source,target\n", "notizen.txt": "x"})
    found = problems(path)
    assert "expected actors.csv or akteure.csv" in found[0].message
    assert "notizen.txt" in found[0].message
    (path / "ties.csv").unlink()
    (path / "actors.csv").write_text(ACTORS)
    assert "expected ties.csv or kooperationen.csv" in problems(path)[0].message


def test_xlsx_saved_as_csv(tmp_path: Path) -> None:
    path = folder(tmp_path, {"akteure.csv": b"PK\x03\x04\x14\x00\x06\x00\x08\x00rest",
                             "kooperationen.csv": "Von;An\n"})
    found = problems(path)
    assert found[0].file == "akteure.csv"
    assert "Excel workbook (.xlsx)" in found[0].message


def test_pdf_saved_as_csv(tmp_path: Path) -> None:
    found = problems(folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": b"%PDF-1.4\n..."}))
    assert found[0].file == "ties.csv"
    assert "PDF" in found[0].message


def test_malformed_alliance_json_names_the_line(tmp_path: Path) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\n",
                             "alliance.json": '{\n  "name": "Bündnis",\n  "directed": tru\n}'})
    found = problems(path)
    assert (found[0].file, found[0].row) == ("alliance.json", "line 3")
    assert "not valid JSON" in found[0].message
    assert "line 3" in str(found[0])


@pytest.mark.parametrize(("content", "gist"), [('["a"]', "one JSON object"),
                                                ('{"directed": "vielleicht"}', "'vielleicht'")])
def test_bad_alliance_json(tmp_path: Path, content: str, gist: str) -> None:
    path = folder(tmp_path, {"actors.csv": ACTORS, "ties.csv": "source,target\n", "alliance.json": content})
    found = problems(path)
    assert found[0].file == "alliance.json"
    assert gist in found[0].message


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    path = folder(tmp_path, {
        "akteure.csv": "Kennung;Typ\na;Kirche\na;Stadt\nc;Raumschiff\n",
        "kooperationen.csv": "Von;An;Stärke\na;x;1\nc;c;abc\n",
    })
    found = problems(path)
    assert sorted(where(found)) == sorted([
        ("akteure.csv", 3, "Kennung"), ("akteure.csv", 4, "Typ"),
        ("kooperationen.csv", 2, "An"), ("kooperationen.csv", 3, "An"), ("kooperationen.csv", 3, "Stärke"),
    ])


# -- hostile input: the co-membership projection is bounded before it is built -------------------


def test_memberships_that_would_project_too_many_ties_are_refused(tmp_path: Path) -> None:
    members = "actor,group\n" + "".join(f"m{i},AK\n" for i in range(5)) + "m0,AG\nm1,AG\n"
    path = folder(tmp_path, {"actors.csv": "id,type\n" + "".join(f"m{i},Verein\n" for i in range(5)),
                             "memberships.csv": members})
    assert read_folder(path, limits=Limits(max_projected_ties=11)).n_ties == 10  # 5·4/2 + 1, one pair twice
    [problem] = problems(path, limits=Limits(max_projected_ties=10))
    assert where([problem]) == [("memberships.csv", None, "group")]
    assert "11 co-membership ties" in problem.message and "'AK', has 5 members" in problem.message


def test_alliance_json_is_bounded_too(tmp_path: Path) -> None:
    files = {"actors.csv": "id,type\na,Verein\nb,Kirche\n", "ties.csv": "source,target\na,b\n",
             "alliance.json": '{"x": [[[1]]]}'}
    path = folder(tmp_path, files)
    assert read_folder(path).meta["x"] == [[[1]]]
    [problem] = problems(path, limits=Limits(max_depth=3))
    assert problem.file == "alliance.json" and "limit max_depth" in problem.message


def test_german_file_names_read_back(tmp_path: Path) -> None:
    from netz.core.io.folder import write_folder

    demo = io.read(Path(__file__).parents[2] / "datasets" / "demo-buendnis")
    write_folder(demo, tmp_path / "deutsch", german=True)
    assert sorted(p.name for p in (tmp_path / "deutsch").iterdir()) == [
        "akteure.csv", "buendnis.json", "kooperationen.csv"]
    assert read_folder(tmp_path / "deutsch").equals(io.read(io.write(demo, tmp_path / "english")))

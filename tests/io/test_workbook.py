"""Excel workbooks: sheets actors/ties or Akteure/Kooperationen, an alliance sheet, German headers."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from netz.core import io
from netz.core.errors import InputError, Problem
from netz.core.io.workbook import read_workbook
from netz.core.limits import Limits
from netz.core.model import Actor, Alliance, Tie


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def problems(path: Path, **options) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_workbook(path, **options)
    return caught.value.problems


def where(found: list[Problem]) -> list[tuple]:
    return [(p.file, p.row, p.column) for p in found]


GERMAN = {
    "Akteure": [
        ["Kennung", "Bezeichnung", "Typ", "Ehrenamtliche", "Gegründet"],
        [1, "Kirchengemeinde Sankt Jürgen", "Kirchengemeinde", 30, dt.date(1890, 5, 1)],
        [2, "Stadt Musterstadt – Integrationsbeauftragte", "Stadt", None, None],
        [None, None, None, None, None],
        [3, "MSO „Hand in Hand“", "Migrantenselbstorganisation", 9, None],
    ],
    "Kooperationen": [
        ["Von", "An", "Stärke", "Kooperationsart", "Welle"],
        [1, 2, 2.5, "Information", 2019],
        [2, 3, "1,5", "Gemeinsames Projekt", 2020],
        [3, 1, 4, None, 2020],
    ],
    "alliance": [
        ["Schlüssel", "Wert"],
        ["Name", "Bündnis „Willkommen“"],
        ["Bundesland", "Hessen"],
        ["Förderung", 15000],
        ["gerichtet", "ja"],
    ],
}


def test_german_workbook(tmp_path: Path) -> None:
    alliance = read_workbook(workbook(tmp_path / "buendnis.xlsx", GERMAN))
    assert alliance.actors["id"].tolist() == ["1", "2", "3"]  # numbers in Excel are ids as text
    assert alliance.actors["type"].tolist() == ["church", "municipality", "refugee"]
    assert alliance.actor("2").name == "Stadt Musterstadt – Integrationsbeauftragte"
    assert alliance.actor("3").name == "MSO „Hand in Hand“"
    assert alliance.actors["Ehrenamtliche"].tolist() == [30, None, 9]
    assert alliance.actors["Gegründet"].tolist() == ["1890-05-01", None, None]
    assert alliance.ties[["source", "target"]].values.tolist() == [["1", "2"], ["2", "3"], ["3", "1"]]
    assert alliance.ties["weight"].tolist() == [2.5, 1.5, 4.0]
    assert alliance.ties["wave"].tolist() == ["2019", "2020", "2020"]
    assert alliance.directed is True
    assert alliance.meta == {"name": "Bündnis „Willkommen“", "land": "Hessen", "funding": 15000}


def test_english_workbook_without_alliance_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {
        "actors": [["id", "name", "type"], ["a", "A", "church"], ["b", "B", "refugee"]],
        "ties": [["source", "target"], ["a", "b"]],
    })
    alliance = io.read(path)
    assert (alliance.n_actors, alliance.n_ties, alliance.directed, alliance.weighted) == (2, 1, False, False)
    assert alliance.meta == {}


def test_header_below_title_rows_and_row_numbers(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {
        "Akteure": [[None], [None], ["Kennung", "Typ"], ["a", "Kirche"], ["b", "Raumschiff"]],
        "Kooperationen": [["Von", "An"], ["a", "b"]],
    })
    found = problems(path)
    assert where(found) == [("a.xlsx, sheet 'Akteure'", 5, "Typ")]


def test_sheet_names_in_any_case(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {
        "AKTEURE": [["Kennung", "Typ"], ["a", "Kirche"], ["b", "Schule"]],
        "kooperationen": [["Von", "An"], ["a", "b"]],
    })
    assert read_workbook(path).n_ties == 1


def test_memberships_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {
        "Akteure": [["Kennung", "Typ"], ["a", "Kirche"], ["b", "Schule"], ["c", "Stadt"]],
        "Mitgliedschaften": [["Akteur", "Arbeitskreis"], ["a", "AK 1"], ["b", "AK 1"], ["a", "AK 2"],
                             ["b", "AK 2"], ["c", "AK 2"]],
    })
    alliance = read_workbook(path)
    assert alliance.ties[["source", "target", "weight"]].values.tolist() == [
        ["a", "b", 2.0], ["a", "c", 1.0], ["b", "c", 1.0]
    ]


def test_errors_name_workbook_sheet_row_and_column(tmp_path: Path) -> None:
    sheets = {**GERMAN, "Kooperationen": [*GERMAN["Kooperationen"], [1, 9, "abc", None, None]]}
    found = problems(workbook(tmp_path / "b.xlsx", sheets))
    assert where(found) == [("b.xlsx, sheet 'Kooperationen'", 5, "An"),
                            ("b.xlsx, sheet 'Kooperationen'", 5, "Stärke")]
    assert "'9' is not listed in b.xlsx, sheet 'Akteure'" in found[0].message
    assert "'abc' is not a positive number" in found[1].message


def test_values_beyond_the_header(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {
        "actors": [["id", "type"], ["a", "Kirche", "Notiz ohne Spalte"]],
        "ties": [["source", "target"]],
    })
    found = problems(path)
    assert where(found) == [("a.xlsx, sheet 'actors'", 2, None)]
    assert "beyond the last column" in found[0].message


def test_missing_sheets_lists_the_sheets_found(tmp_path: Path) -> None:
    found = problems(workbook(tmp_path / "a.xlsx", {"Tabelle1": [["id"]], "Tabelle2": [["x"]]}))
    assert found[0].file == "a.xlsx"
    assert "'Akteure' and 'Kooperationen'" in found[0].message
    assert "'Tabelle1', 'Tabelle2'" in found[0].message


def test_missing_required_column(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Akteure": [["Kennung", "Bezeichnung"], ["a", "A"]],
                                          "Kooperationen": [["Von", "An"]]})
    found = problems(path)
    assert where(found) == [("a.xlsx, sheet 'Akteure'", 1, "type")]
    assert "columns found: 'Kennung', 'Bezeichnung'" in found[0].message


@pytest.mark.parametrize(("rows", "gist"), [([], "sheet is empty"), ([["Kennung", "Typ"]], "no actors")])
def test_empty_and_header_only_actor_sheets(tmp_path: Path, rows: list, gist: str) -> None:
    found = problems(workbook(tmp_path / "a.xlsx", {"Akteure": rows, "Kooperationen": [["Von", "An"]]}))
    assert found[0].file == "a.xlsx, sheet 'Akteure'"
    assert gist in found[0].message


@pytest.mark.parametrize(
    ("content", "gist"),
    [
        (b"random bytes, not a workbook", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old Excel workbook (.xls)"),
        ("Kennung;Typ\na;Kirche\n".encode("cp1252"), "not an Excel workbook"),
        (b"%PDF-1.4\n", "not an Excel workbook"),
    ],
)
def test_files_of_another_kind(tmp_path: Path, content: bytes, gist: str) -> None:
    path = tmp_path / "buendnis.xlsx"
    path.write_bytes(content)
    found = problems(path)
    assert found[0].file == "buendnis.xlsx"
    assert gist in found[0].message


def test_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "buendnis.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    found = problems(path)
    assert found[0].file == "buendnis.xlsx"
    assert "cannot open as an Excel workbook" in found[0].message


def test_bad_directed_value_in_the_alliance_sheet(tmp_path: Path) -> None:
    sheets = {**GERMAN, "alliance": [["Name", "X"], ["gerichtet", "vielleicht"]]}
    found = problems(workbook(tmp_path / "a.xlsx", sheets))
    assert where(found) == [("a.xlsx, sheet 'alliance'", 2, "directed")]


def test_text_starting_with_equals_is_written_as_text(tmp_path: Path) -> None:
    # openpyxl would store "=…" as a formula without a value, which reads back as empty
    alliance = Alliance.from_records(
        [Actor("=a", "=Bündnis", "Kirche", {"Notiz": "=1+1"}), Actor("b", "B", "Stadt")], [Tie("=a", "b")],
        meta={"name": "=x"},
    )
    back = io.read(io.write(alliance, tmp_path / "b.xlsx"))
    assert back.actor("=a") == Actor("=a", "=Bündnis", "church", {"Notiz": "=1+1"})
    assert back.meta == {"name": "=x"}


def test_dates_in_the_alliance_sheet_become_iso_text(tmp_path: Path) -> None:
    sheets = {**GERMAN, "alliance": [["Name", "X"], ["Gründung", dt.date(2015, 3, 1)],
                                     ["Stand", dt.datetime(2024, 5, 6, 14, 30)], ["Förderung", 15000.5]]}
    alliance = read_workbook(workbook(tmp_path / "a.xlsx", sheets))
    assert alliance.meta == {"name": "X", "Gründung": "2015-03-01", "Stand": "2024-05-06T14:30:00",
                             "funding": 15000.5}
    # metadata must stay JSON: writing a folder stores it in alliance.json
    assert io.read(io.write(alliance, tmp_path / "kopie")).meta == alliance.meta


def test_metadata_sheet_reads_german_amounts_and_names_the_row_of_a_wrong_land(tmp_path: Path) -> None:
    sheets = {**GERMAN,
              "alliance": [["Schlüssel", "Wert"], ["Förderung", "15.000,50"], ["Bundesland", "nrw"]]}
    alliance = read_workbook(workbook(tmp_path / "a.xlsx", sheets))
    assert (alliance.meta["funding"], alliance.meta["land"]) == (15000.5, "Nordrhein-Westfalen")
    sheets["alliance"][2] = ["Bundesland", "Sachsen-Anhald"]
    [problem] = problems(workbook(tmp_path / "b.xlsx", sheets))
    assert (problem.code, problem.column, problem.params["suggestion"]) == (
        "input.meta.land_suggest", "land", "Sachsen-Anhalt")
    assert problem.row is not None and str(problem.row) in problem.text("de")


# -- hostile input: sizes, forged dimensions, broken parts -----------------------------------------


def test_sheet_rows_beyond_the_limit_are_not_read(tmp_path: Path) -> None:
    actors = [["id", "type"]] + [[f"a{i}", "Verein"] for i in range(5)]
    path = workbook(tmp_path / "b.xlsx", {"actors": [[], *actors],
                                          "ties": [["source", "target"], ["a0", "a1"]]})
    assert read_workbook(path, limits=Limits(max_actors=5)).n_actors == 5
    with pytest.raises(InputError, match=r"5 actors or more; at most 4 .*limit max_actors") as caught:
        read_workbook(path, limits=Limits(max_actors=4))
    assert caught.value.file == "b.xlsx, sheet 'actors'"


def test_a_forged_dimension_neither_pads_nor_cuts_rows(tmp_path: Path) -> None:
    path = workbook(tmp_path / "b.xlsx", {"actors": [["id", "type"], ["a", "Verein"], ["b", "Kirche"]],
                                          "ties": [["source", "target"], ["a", "b"]]})
    forged = tmp_path / "forged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(forged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("sheet1.xml"):  # "A1:XFD2": far too wide, and one row short
                data = re.sub(rb"<dimension [^>]*>", b'<dimension ref="A1:XFD2"/>', data, count=1)
            target.writestr(info, data)
    assert read_workbook(forged, limits=Limits(max_columns=3)).n_actors == 2


def test_the_unpacked_size_is_checked_before_the_workbook_is_opened(tmp_path: Path) -> None:
    path = workbook(tmp_path / "b.xlsx", {"actors": [["id", "type"], ["a", "Verein"]]})
    with pytest.raises(InputError, match="limit max_unpacked_bytes"):
        read_workbook(path, limits=Limits(max_unpacked_bytes=1000))


def test_german_sheet_names_read_back(tmp_path: Path) -> None:
    from netz.core.io.workbook import write_workbook

    demo = io.read(Path(__file__).parents[2] / "datasets" / "demo-buendnis")
    path = tmp_path / "deutsch.xlsx"
    write_workbook(demo, path, german=True)
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == ["Bündnis", "Akteure", "Kooperationen"]
    assert read_workbook(path).equals(read_workbook(io.write(demo, tmp_path / "english.xlsx")))

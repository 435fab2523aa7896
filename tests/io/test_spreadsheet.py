"""CSV files safe to open in a spreadsheet: no text cell runs as a formula, and netz reads its
own folders back exactly (the apostrophe it adds is taken away again)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netz.core import io
from netz.core.io.folder import read_folder, write_folder
from netz.core.io.spreadsheet import (
    FORMULA_STARTS,
    safe_cell,
    spreadsheet_safe,
    undo_spreadsheet_safe,
    unsafe_cell,
)
from netz.core.model import Actor, Alliance, Tie

# Cells as a spreadsheet would see them: what runs as a formula without the apostrophe.
DANGEROUS = ["=SUM(1)", '=HYPERLINK("http://example.org","Klick")', "=cmd|' /C calc'!A0", "+49 30 1234567",
             "-Verein", "-", "@SUM(1)", "\t=1+1", "\r=1+1", "+", "-1+1", "-1.5.3"]
HARMLESS = ["Caritas", "Stadt – Integration", "1,5", "007", "", " =1", "'Kirche", "A=B", "x-y", "–"]
NUMBERS = ["-1.5", "+3", "-2", "1e3", "-1E-3", ".5", "-.5", "3."]


def runs_as_formula(cell: str) -> bool:
    """What Excel and LibreOffice do with a CSV cell: formula if it starts with these."""
    return cell.startswith(FORMULA_STARTS)


@pytest.mark.parametrize("cell", DANGEROUS)
def test_dangerous_text_gets_an_apostrophe(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell
    assert not runs_as_formula(safe_cell(cell))
    assert unsafe_cell(safe_cell(cell)) == cell


@pytest.mark.parametrize("cell", HARMLESS + NUMBERS)
def test_other_text_and_plain_numbers_stay_as_they_are(cell: str) -> None:
    assert safe_cell(cell) == cell
    assert unsafe_cell(cell) == cell


def test_numbers_and_missing_values_are_never_changed() -> None:
    table = pd.DataFrame({
        "name": ["=SUM(1)", "+49 30 1234567", "-Verein", None, "Caritas"],
        "score": [-1.5, -2.0, np.nan, 0.0, 3.25],
        "count": [-1, 2, -3, 4, 5],
        "mixed": ["-x", -7, None, 2.5, "@a"],  # Python numbers in an object column
    })
    safe = spreadsheet_safe(table)
    assert safe["name"].tolist()[:3] == ["'=SUM(1)", "'+49 30 1234567", "'-Verein"]
    assert pd.isna(safe["name"][3]) and safe["name"][4] == "Caritas"
    pd.testing.assert_series_equal(safe["score"], table["score"])
    pd.testing.assert_series_equal(safe["count"], table["count"])
    assert safe["mixed"].tolist() == ["'-x", -7, None, 2.5, "'@a"]
    assert table["name"][0] == "=SUM(1)"  # the table given is not changed
    pd.testing.assert_frame_equal(undo_spreadsheet_safe(safe), table)


def test_column_names_are_cells_too() -> None:
    table = pd.DataFrame({"id": ["a"], "=Anzahl": [1], "@Notiz": ["x"]})
    assert list(spreadsheet_safe(table).columns) == ["id", "'=Anzahl", "'@Notiz"]
    assert list(undo_spreadsheet_safe(spreadsheet_safe(table)).columns) == list(table.columns)


@pytest.mark.parametrize("dtype", ["object", "str", "string", "category"])
def test_every_kind_of_text_column(dtype: str) -> None:
    table = pd.DataFrame({"name": pd.Series(["=1+1", "Kirche", None], dtype=dtype)})
    assert spreadsheet_safe(table)["name"].tolist()[:2] == ["'=1+1", "Kirche"]


@given(st.text(alphabet="'=+-@\t\r1.eE aZ", max_size=8))
def test_undo_is_exact_for_every_text(cell: str) -> None:
    safe = safe_cell(cell)
    assert unsafe_cell(safe) == cell
    # Safe means: not a formula start, unless it is a plain number.
    assert not runs_as_formula(safe) or is_number(safe)
    frame = pd.DataFrame({cell: [cell]})
    assert undo_spreadsheet_safe(spreadsheet_safe(frame)).equals(frame)


@given(st.text(alphabet="'=+-@1.e", min_size=1, max_size=6))
def test_what_stays_unescaped_is_a_number(cell: str) -> None:
    if safe_cell(cell) == cell and runs_as_formula(cell):
        float(cell)  # a plain number, which a spreadsheet reads as that number


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# -- files ---------------------------------------------------------------------------


def phone_book() -> Alliance:
    actors = [
        Actor("=SUM(1)", "=SUM(1)", "Kirche", {"Telefon": "+49 30 1234567"}),
        Actor("-a", "-Verein für Integration", "Verein", {"Telefon": "-", "Punkte": -1.5}),
        Actor("b", "@Team Süd", "Stadt", {"Telefon": "'=x", "Punkte": 2.0}),
        Actor("c", "Caritas", "Caritas", {"Telefon": "0711 123", "Punkte": -3.0}),
    ]
    ties = [Tie("=SUM(1)", "-a", 1.5, "+Projekt", "-2024"), Tie("b", "c", 2.0, None, "2023")]
    return Alliance.from_records(actors, ties, weighted=True)


def csv_cells(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_a_folder_is_safe_in_a_spreadsheet_and_reads_back_exactly(tmp_path: Path) -> None:
    alliance = phone_book()
    write_folder(alliance, tmp_path / "b")
    for name in ("actors.csv", "ties.csv"):
        for row in csv_cells(tmp_path / "b" / name):
            for cell in row:
                assert not runs_as_formula(cell) or is_number(cell), (name, cell)
    actors = csv_cells(tmp_path / "b" / "actors.csv")
    assert actors[1][:2] == ["'=SUM(1)", "'=SUM(1)"]
    assert "'+49 30 1234567" in actors[1]
    assert "''=x" in actors[3]  # the coordinator's own apostrophe is kept
    ties = csv_cells(tmp_path / "b" / "ties.csv")
    assert ties[1][:2] == ["'=SUM(1)", "'-a"] and "'+Projekt" in ties[1] and "-2024" in ties[1]
    back = read_folder(tmp_path / "b")
    assert back.equals(alliance)
    assert back.actor("=SUM(1)").attributes["Telefon"] == "+49 30 1234567"
    assert back.actor("b").attributes["Telefon"] == "'=x"
    assert back.actor("-a").name == "-Verein für Integration"
    assert back.actors["Punkte"].tolist()[1:] == [-1.5, 2.0, -3.0]


def test_a_zip_export_reads_back_exactly(tmp_path: Path) -> None:
    io.write(phone_book(), tmp_path / "b")
    archive = shutil.make_archive(str(tmp_path / "b"), "zip", tmp_path / "b")
    assert io.read(Path(archive)).equals(phone_book())


def test_a_coordinators_apostrophe_marks_text(tmp_path: Path) -> None:
    """A spreadsheet saves a cell typed as '+49 … as +49 …; one written by hand reads the same."""
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "akteure.csv").write_text("Kennung;Name;Typ;Telefon\na;A;Kirche;'+49 30 1\nb;B;Stadt;'Müller\n",
                                        encoding="utf-8")
    (folder / "kooperationen.csv").write_text("Von;An\na;b\n", encoding="utf-8")
    alliance = read_folder(folder)
    assert alliance.actor("a").attributes["Telefon"] == "+49 30 1"
    assert alliance.actor("b").attributes["Telefon"] == "'Müller"


def test_batch_results_are_safe_in_a_spreadsheet(tmp_path: Path) -> None:
    """netz batch: alliance keys and actor names that look like formulas get the apostrophe; the
    Parquet files (for code, not spreadsheets) keep the text as it is."""
    from netz.cohort.batch import run, write_results

    result = run({"=HYPERLINK(1)": phone_book()}, workers=0, wave="all", null_samples=0, actors=True,
                 progress=False)
    written = write_results(result, tmp_path / "results.csv")
    rows = csv_cells(tmp_path / "results.csv")
    assert rows[1][rows[0].index("alliance")] == "'=HYPERLINK(1)"
    actor_rows = csv_cells(tmp_path / "results.actors.csv")
    names = [row[actor_rows[0].index("id")] for row in actor_rows[1:]]
    assert sorted(names) == ["'-a", "'=SUM(1)", "b", "c"]
    for path in written:
        if path.suffix == ".csv":
            assert all(not runs_as_formula(cell) or is_number(cell)
                       for row in csv_cells(path) for cell in row), path.name
    assert pd.read_parquet(tmp_path / "results.parquet")["alliance"].tolist() == ["=HYPERLINK(1)"]


def test_the_services_csv_downloads_are_safe_in_a_spreadsheet(tmp_path: Path) -> None:
    """The actor table and the comparison table of the API, with names and an alliance name
    that a spreadsheet would run as formulas."""
    import warnings

    with warnings.catch_warnings():  # Starlette would like httpx2; httpx is what the project installs
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    from api.config import Settings
    from api.main import create_app
    from api.security import create_key
    from api.store import save

    alliance = phone_book()
    alliance = Alliance(alliance.actors, alliance.ties, alliance.directed, alliance.weighted,
                        {"name": "=HYPERLINK(\"x\")", "land": "@Hessen"}, alliance.warnings)
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'netz.sqlite'}"))
    with app.state.database.sessions() as session:
        alliance_id = save(session, alliance).id
        key = create_key(session, "admin", label="spreadsheet test")
        session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(app) as client:
        actors = client.get(f"/api/v1/alliances/{alliance_id}/actors",
                            params={"format": "csv", "wave": "all"}, headers=headers)
        compare = client.get("/api/v1/compare", params={"format": "csv", "null_samples": 0}, headers=headers)
    app.state.database.engine.dispose()
    for response in (actors, compare):
        assert response.status_code == 200, response.text
        rows = list(csv.reader(response.text.splitlines()))
        assert all(not runs_as_formula(cell) or is_number(cell) for row in rows for cell in row), rows
    actor_rows = list(csv.reader(actors.text.splitlines()))
    assert {"'=SUM(1)", "'-a", "'@Team Süd", "'-Verein für Integration"} <= {c for r in actor_rows for c in r}
    compare_rows = list(csv.reader(compare.text.splitlines()))
    assert "'=HYPERLINK(\"x\")" in compare_rows[1]

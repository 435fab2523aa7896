"""The netz command: report, validate and convert, in-process and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netz.cli import main
from netz.core import io
from netz.core.vocabulary import ACTOR_TYPES

ROOT = Path(__file__).parents[1]
DEMO = ROOT / "datasets" / "demo-buendnis"
NETZ = Path(sys.executable).parent / "netz"

DEMO_TYPES = {"initiative": 3, "church": 3, "welfare": 4, "municipality": 3, "refugee": 3,
              "association": 1, "education": 3, "employment": 4, "public": 1, "other": 0}


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def bad_folder(tmp_path: Path) -> Path:
    path = tmp_path / "kaputt"
    path.mkdir(exist_ok=True)
    (path / "akteure.csv").write_bytes("Kennung;Bezeichnung;Typ\nsj;Sankt Jürgen;Kirche\nst;Stadt;Stadt\n"
                                       .encode("cp1252"))
    (path / "kooperationen.csv").write_bytes("Von;An;Stärke\nsj;st;2,5\nst;Rathaus;1\n".encode("cp1252"))
    return path


# -- report ----------------------------------------------------------------------------

def test_report_json_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "report", DEMO, "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert {"alliance", "network", "actors", "gaps", "health"} <= set(data)
    network = data["network"]
    assert network["n_actors"] == 25
    assert network["n_ties"] == 34
    assert network["density"] == pytest.approx(34 / (25 * 24 / 2))
    assert network["components"] == 4
    assert network["actors_by_type"] == DEMO_TYPES
    assert list(network["actors_by_type"]) == list(ACTOR_TYPES)
    assert data["alliance"]["name"] == "Bündnis Willkommen in Musterstadt (synthetisch)"
    assert data["alliance"]["directed"] is False
    assert len(data["actors"]) == 25
    assert {a["id"] for a in data["actors"]} >= {"hk", "pat", "bau"}
    assert isinstance(data["gaps"], list) and isinstance(data["health"], list)


def test_report_text_is_german_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "report", DEMO)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Netzwerkbericht: Bündnis Willkommen in Musterstadt (synthetisch)"
    assert "Akteure: 25" in lines
    assert "Kooperationen: 34" in lines
    assert any(line.startswith("Dichte: 11,3\u00a0%") for line in lines)
    assert any(line.startswith("Getrennte Teile: 4") for line in lines)
    assert "  Wohlfahrtsverband: 4" in lines


def test_report_text_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "report", DEMO, "--lang", "en")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Network report: Bündnis Willkommen in Musterstadt (synthetisch)"
    assert "Actors: 25" in lines
    assert any(line.startswith("Density: 11.3%") for line in lines)
    assert "  Welfare association: 4" in lines
    assert "Akteure: 25" not in lines


def test_report_group_by_an_attribute(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "report", DEMO, "--format", "json", "--group-by", "Hauptamtliche")
    assert status == 0, err
    data = json.loads(out)
    groups = data["network"]["actors_by_group"]
    assert sum(groups.values()) == 25
    assert groups["0"] == 12  # actors without paid staff
    assert data["alliance"]["group_by"] == "Hauptamtliche"
    status, out, _ = run(capsys, "report", DEMO, "--group-by", "Hauptamtliche")
    assert "Akteure nach Gruppe (Hauptamtliche):" in out.splitlines()


def test_report_group_by_unknown_column(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "report", DEMO, "--group-by", "Budget", "--lang", "en")
    assert status == 2
    assert out == ""
    assert "no actor column 'Budget' to group by; columns: " in err and "Ehrenamtliche" in err
    status, out, err = run(capsys, "report", DEMO, "--group-by", "Budget", "--lang", "de")
    assert (status, out) == (2, "")
    assert "Es gibt keine Akteursspalte „Budget“ zum Gruppieren; Spalten: " in err and "Ehrenamtliche" in err


@pytest.mark.parametrize(("option", "directed", "density"),
                         [("--directed", True, 34 / (25 * 24)), ("--undirected", False, 34 / 300)])
def test_report_direction_options(capsys: pytest.CaptureFixture[str], option: str, directed: bool,
                                  density: float) -> None:
    status, out, err = run(capsys, "report", DEMO, "--format", "json", option)
    assert status == 0, err
    data = json.loads(out)
    assert data["alliance"]["directed"] is directed
    assert data["network"]["density"] == pytest.approx(density)


def test_undirected_reading_of_mutual_nominations_makes_one_tie(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "actors.csv").write_text("id,type\na,Kirche\nb,Stadt\n")
    (tmp_path / "ties.csv").write_text("source,target\na,b\nb,a\n")
    (tmp_path / "alliance.json").write_text('{"directed": true}')
    assert run(capsys, "validate", tmp_path)[0] == 0
    status, out, err = run(capsys, "validate", tmp_path, "--undirected", "--lang", "en")
    assert (status, err) == (0, "")
    assert "1 ties, undirected" in out
    # A true duplicate (a → b twice) is still one, read either way.
    (tmp_path / "ties.csv").write_text("source,target\na,b\nb,a\na,b\n")
    for option in ("--directed", "--undirected"):
        status, _, err = run(capsys, "validate", tmp_path, option, "--lang", "en")
        assert status == 2
        assert "ties.csv, row 4, column 'target'" in err and "duplicate tie a" in err
    status, out, err = run(capsys, "validate", tmp_path, "--undirected", "--lenient", "--lang", "en")
    assert status == 0
    assert "1 ties, undirected" in out
    assert "netz: warning: ties.csv, row 4" in err


@pytest.mark.parametrize("lenient", [[], ["--lenient"]])
def test_undirected_reading_agrees_with_the_library(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lenient: list[str]
) -> None:
    """`--undirected` on survey data gives the strengths of the library's undirected view: sums."""
    (tmp_path / "actors.csv").write_text("id,type\na,Kirche\nb,Stadt\nc,Verein\n")
    (tmp_path / "ties.csv").write_text("source,target,weight\na,b,2\nb,a,0.5\nb,c,1\nc,b,4\na,c,1\n")
    (tmp_path / "alliance.json").write_text('{"directed": true}')
    status, out, err = run(capsys, "report", tmp_path, "--undirected", "--format", "json", *lenient)
    assert (status, err) == (0, "")
    strengths = {actor["id"]: actor["strength"] for actor in json.loads(out)["actors"]}
    assert strengths == {"a": 3.5, "b": 7.5, "c": 6.0}
    from netz.core.graph import to_igraph
    g = to_igraph(io.read(tmp_path), directed=False)
    assert dict(zip(g.vs["name"], g.strength(weights="weight"), strict=True)) == strengths
    assert dict(zip(g.vs["name"], to_igraph(io.read(tmp_path, directed=False)).strength(weights="weight"),
                    strict=True)) == strengths


def test_report_by_wave(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "actors.csv").write_text("id,type\na,Kirche\nb,Stadt\nc,VHS\n")
    (tmp_path / "ties.csv").write_text("source,target,wave\na,b,2019\nb,c,2020\na,c,2020\n")
    latest = json.loads(run(capsys, "report", tmp_path, "--format", "json")[1])
    assert (latest["alliance"]["wave"], latest["network"]["n_ties"]) == ("2020", 2)
    first = json.loads(run(capsys, "report", tmp_path, "--format", "json", "--wave", "2019")[1])
    assert first["network"]["n_ties"] == 1
    every = json.loads(run(capsys, "report", tmp_path, "--format", "json", "--wave", "all")[1])
    assert every["network"]["n_ties"] == 3
    status, _, err = run(capsys, "report", tmp_path, "--wave", "2030", "--lang", "en")
    assert status == 2
    assert "no wave '2030'" in err


# -- validate ----------------------------------------------------------------------------

def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "validate", DEMO, "--lang", "en")
    assert status == 0
    assert out.strip() == f"{DEMO}: OK — 25 actors, 34 ties, undirected"
    assert err == ""
    status, out, err = run(capsys, "validate", DEMO, "--lang", "de")
    assert out.strip() == f"{DEMO}: in Ordnung — Akteure: 25, Kooperationen: 34, ungerichtet"


@pytest.mark.parametrize(("limit", "status", "said"), [
    ("max_actors=25", 0, "OK"), ("max_actors=24", 2, "25 actors or more; at most 24 are accepted"),
    ("max_actorz=5", 2, "unknown limit 'max_actorz'"), ("max_ties=0", 2, "at least 1"),
    ("max_ties", 2, "NAME=VALUE"),
])
def test_validate_with_a_limit(capsys: pytest.CaptureFixture[str], limit: str, status: int,
                               said: str) -> None:
    assert main(["validate", str(DEMO), "--limit", limit, "--lang", "en"]) == status
    captured = capsys.readouterr()
    assert said in captured.out + captured.err


def test_validate_failing_names_file_row_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = run(capsys, "validate", bad_folder(tmp_path), "--lang", "en")
    assert status == 2
    assert out == ""
    assert err.startswith("netz: kooperationen.csv, row 3, column 'An': actor 'Rathaus' is not listed")
    assert "Traceback" not in err


def test_validate_lists_every_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = bad_folder(tmp_path)
    (path / "kooperationen.csv").write_text("Von;An;Stärke\nsj;sj;1\nst;Rathaus;null\n")
    status, _, err = run(capsys, "validate", path, "--lang", "en")
    assert status == 2
    assert "3 problems in the input:" in err
    assert "row 2, column 'An'" in err and "row 3, column 'Stärke'" in err


@pytest.mark.parametrize("name", ["fehlt", "fehlt.xlsx", "liste.txt"])
def test_validate_missing_or_unknown_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    if name.endswith(".txt"):
        (tmp_path / name).write_text("x")
    status, _, err = run(capsys, "validate", tmp_path / name)
    assert status == 2
    assert err.startswith("netz: ")
    assert "Traceback" not in err


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2
    assert "usage: netz" in capsys.readouterr().err


# -- the library without the service ------------------------------------------------------

def test_library_commands_do_not_import_the_service() -> None:
    code = ("import sys; from netz.cli import main; assert main(['validate', sys.argv[1]]) == 0; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('api', 'fastapi', 'starlette', 'sqlalchemy', 'uvicorn', 'alembic')))")
    done = subprocess.run([sys.executable, "-c", code, str(DEMO)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_service_commands_without_the_service(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in an install without netz[service]: the module that adds the commands cannot be imported.
    monkeypatch.setattr("netz.cli.SERVICE_COMMANDS", "netz_no_such_service")
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    with pytest.raises(SystemExit) as caught:
        main(["serve", "--port", "8001"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "„serve“ ist kein Befehl der netz-Bibliothek. Die Befehle des Dienstes" in err
    assert "ist nicht installiert; pip install 'netz[service]'" in err
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    with pytest.raises(SystemExit) as caught:
        main(["serve", "--port", "8001"])
    err = capsys.readouterr().err
    assert "'serve' is not a command of the netz library" in err
    assert "pip install 'netz[service]'" in err
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    assert "pip install 'netz[service]'" in capsys.readouterr().out
    status, out, _ = run(capsys, "validate", DEMO, "--lang", "en")
    assert (status, out) == (0, f"{DEMO}: OK — 25 actors, 34 ties, undirected\n")


# -- convert -----------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["kopie", "kopie.xlsx", "kopie.graphml", "kopie.gexf", "kopie.json"])
def test_convert_to_every_format(capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str) -> None:
    output = tmp_path / target
    status, out, err = run(capsys, "convert", DEMO, output)
    assert status == 0, err
    assert out.strip() == f"Geschrieben: {output}"
    assert io.read(output).equals(io.read(DEMO))


def test_convert_says_what_it_wrote_in_the_language_asked(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    """English when asked (German by default: the test above, which failed before)."""
    status, out, err = run(capsys, "convert", DEMO, tmp_path / "kopie.json", "--lang", "en")
    assert status == 0, err
    assert out == f"wrote {tmp_path / 'kopie.json'}\n"


def test_convert_with_bad_input_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for target in ("out.xlsx", "out.json", "out"):
        status, out, err = run(capsys, "convert", bad_folder(tmp_path), tmp_path / target, "--lang", "en")
        assert status == 2
        assert out == ""
        assert "kooperationen.csv, row 3" in err
        assert not (tmp_path / target).exists()


def test_convert_to_a_missing_folder_or_unknown_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(capsys, "convert", DEMO, tmp_path / "gibt-es-nicht" / "out.xlsx", "--lang", "en")
    assert status == 2
    assert "does not exist" in err
    status, _, err = run(capsys, "convert", DEMO, tmp_path / "out.pdf")
    assert status == 2
    assert "Das Format lässt sich an „.pdf“ nicht erkennen" in err  # German, the CLI's default
    assert list(tmp_path.iterdir()) == []


# -- as a real process -------------------------------------------------------------------

def netz(*argv: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NETZ), *map(str, argv)], capture_output=True, text=True, timeout=120,
                          encoding="utf-8")


@pytest.mark.skipif(not NETZ.exists(), reason="the netz script is not installed next to this Python")
def test_console_script(tmp_path: Path) -> None:
    ok = netz("validate", DEMO, "--lang", "en")
    assert ok.returncode == 0
    assert "OK — 25 actors, 34 ties" in ok.stdout

    failing = netz("convert", bad_folder(tmp_path), tmp_path / "out.graphml", "--lang", "en")
    assert failing.returncode == 2
    assert "kooperationen.csv, row 3, column 'An'" in failing.stderr
    assert "Traceback" not in failing.stderr
    assert not (tmp_path / "out.graphml").exists()

    report = netz("report", DEMO, "--format", "json")
    assert report.returncode == 0
    assert json.loads(report.stdout)["network"]["n_actors"] == 25


def test_a_single_csv_file_points_to_the_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "validate", DEMO / "akteure.csv")
    assert status == 2
    assert "akteure.csv: Eine einzelne .csv-Datei kann kein Bündnis enthalten; nehmen Sie stattdessen den " \
           "Ordner" in err
    status, _, err = run(capsys, "convert", DEMO, tmp_path / "out.csv")
    assert status == 2
    assert not (tmp_path / "out.csv").exists()


def test_compare_csv_cannot_run_as_a_spreadsheet_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`netz compare --format csv` is saved and opened in Excel: a name must not become a formula."""
    import shutil

    folder = tmp_path / "buendnis"
    shutil.copytree(DEMO, folder)
    meta = json.loads((folder / "alliance.json").read_text(encoding="utf-8"))
    meta.update(name='=HYPERLINK("http://example.invalid")', programme="@SUM(1)")
    (folder / "alliance.json").write_text(json.dumps(meta), encoding="utf-8")
    status, out, _ = run(capsys, "compare", folder, "--null-samples", "0", "--format", "csv")
    assert status == 0
    row = out.splitlines()[1]
    assert "'=HYPERLINK" in row and "'@SUM(1)" in row
    assert ',=' not in row and ',@' not in row


def test_every_command_is_in_the_readme(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's "Command line" section names every command ``netz --help`` lists."""
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out.split("  COMMAND\n", 1)[1].split("\noptions:")[0]
    commands = [line.split()[0] for line in listing.splitlines() if line.startswith("    ")]
    expected = {"report", "serve", "keys", "audit", "load", "batch", "compare", "trends", "convert"}
    assert expected <= set(commands)
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    assert [command for command in commands if f"netz {command} " not in section] == []
    assert "(soon)" not in readme


@pytest.mark.parametrize("arguments, port", [([], "8000"), (["PORT=8101"], "8101")])
def test_make_run_takes_a_port(arguments: list[str], port: str) -> None:
    """``make run PORT=8101`` starts the service on that port (``-n``: only print the commands)."""
    root = Path(__file__).parents[1]
    printed = subprocess.run(["make", "-n", "-C", str(root), "run", *arguments], capture_output=True,
                             text=True, check=True).stdout
    assert f"netz serve --demo datasets/demo-buendnis --port {port}\n" in printed


# -- language, --lenient everywhere (issue 10, defects 4 and 5) ----------------------------------

def test_validate_speaks_the_locale_and_german_without_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = bad_folder(tmp_path)
    (path / "akteure.csv").write_text("Kennung;Typ\nsj;Kirchengemiende\nst;Stadt\n")
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    status, _, err = run(capsys, "validate", path)
    assert status == 2
    assert "2 Probleme in der Eingabe:" in err
    assert ("akteure.csv, Zeile 2, Spalte „Typ“: Unbekannter Typ „Kirchengemiende“ — "
            "meinten Sie „Kirchengemeinde“?") in err
    assert "kooperationen.csv, Zeile 3, Spalte „An“: Der Akteur „Rathaus“ steht nicht in akteure.csv" in err
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    _, _, err = run(capsys, "validate", path)
    assert "akteure.csv, row 2, column 'Typ': unknown actor type 'Kirchengemiende' — did you mean" in err
    _, _, err = run(capsys, "validate", path, "--lang", "de")
    assert "meinten Sie „Kirchengemeinde“?" in err


def test_empty_type_is_a_warning_not_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "akteure.csv").write_text("Kennung;Typ\na;Kirche\nb;\n")
    (tmp_path / "kooperationen.csv").write_text("Von;An\na;b\n")
    status, out, err = run(capsys, "validate", tmp_path, "--lang", "de")
    assert status == 0, err
    assert "Akteure: 2" in out
    assert "netz: Warnung: akteure.csv, Zeile 3, Spalte „Typ“: Der Typ ist leer" in err


@pytest.mark.parametrize("command", [["compare", "--null-samples", "0"], ["trends"]])
def test_lenient_is_accepted_by_the_commands_on_many_alliances(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    for name in ("eins", "zwei"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "actors.csv").write_text("id,type\na,Kirche\nb,Raumschiff\nc,Stadt\n")
        (folder / "ties.csv").write_text("source,target\na,b\nb,c\n")
    status, _, err = run(capsys, command[0], tmp_path, *command[1:], "--lang", "en")
    assert status == 2 and "unknown actor type 'Raumschiff'" in err
    status, out, err = run(capsys, command[0], tmp_path, *command[1:], "--lenient", "--format", "json")
    assert status == 0, err
    assert json.loads(out) and str(tmp_path / "eins") in out and str(tmp_path / "zwei") in out

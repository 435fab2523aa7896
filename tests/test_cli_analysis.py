"""The analysis commands: netz gaps, health, whatif and diff, in text and JSON, and their errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from netz.analysis.gaps import GAP_KINDS, SEVERITIES
from netz.analysis.health import INDICATORS
from netz.analysis.report import report, to_jsonable
from netz.analysis.waves import diff_waves
from netz.cli import main
from netz.core import io

ROOT = Path(__file__).parents[1]
DEMO = ROOT / "datasets" / "demo-buendnis"
NETZ = Path(sys.executable).parent / "netz"
KIND_CODES = re.compile("|".join(GAP_KINDS))


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def as_json(capsys: pytest.CaptureFixture[str], *argv: object) -> object:
    status, out, err = run(capsys, *argv, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def write_alliance(folder: Path, actors: str, ties: str, *, directed: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "actors.csv").write_text(actors, encoding="utf-8")
    (folder / "ties.csv").write_text(ties, encoding="utf-8")
    (folder / "alliance.json").write_text(json.dumps({"name": folder.name, "directed": directed}))
    return folder


@pytest.fixture
def star(tmp_path: Path) -> Path:
    """The town hall works with everybody, nobody else with anyone."""
    return write_alliance(
        tmp_path / "stern",
        "id,name,type\nst,Rathaus,Stadt\nhk,Helferkreis,Helferkreis\nki,St. Marien,Kirche\n"
        "ca,Caritas,Caritas\nms,Syrischer Verein,MSO\n",
        "source,target\nst,hk\nst,ki\nst,ca\nst,ms\n")


@pytest.fixture
def waves(tmp_path: Path) -> Path:
    """a–b in every wave; a–c, b–c in 2019; c–d in 2020; a–d, d–e, b–e in 2021."""
    return write_alliance(
        tmp_path / "wellen",
        "id,name,type\na,Helferkreis,Helferkreis\nb,St. Marien,Kirche\nc,Caritas,Caritas\n"
        "d,Stadt,Stadt\ne,Geflüchtetenrat,Geflüchtete\nf,Grundschule,Schule\n",
        "source,target,wave\na,b,\na,c,2019\nb,c,2019\nc,d,2020\na,d,2021\nd,e,2021\nb,e,2021\n")


def assert_plain(text: str) -> None:
    """Text for people: no kind codes, no Python values, no jargon of network analysis."""
    assert not KIND_CODES.search(text), KIND_CODES.search(text)
    assert not re.search(r"\b(None|nan|NaN|inf|Traceback)\b|[Bb]etweenness", text), text


# -- netz gaps -----------------------------------------------------------------------------------------


def test_gaps_json_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    gaps = as_json(capsys, "gaps", DEMO)
    assert isinstance(gaps, list) and gaps
    assert gaps == report(io.read(DEMO))["gaps"]
    ranks = [SEVERITIES.index(g["severity"]) for g in gaps]
    assert ranks == sorted(ranks)
    assert all(g["kind"] in GAP_KINDS and set(g["explanation"]) == {"de", "en"} for g in gaps)
    found = {(g["kind"], g["severity"], tuple(g["actors"])) for g in gaps}
    assert ("refugee_exclusion", "high", ("ref",)) in found  # the refugee council works with nobody
    assert ("isolated_actor", "medium", ("pol",)) in found
    assert ("single_point_of_failure", "high", ("jc", "aa")) in found  # with its bridge to aa


def test_gaps_text_in_german(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "gaps", DEMO)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert re.fullmatch(r"Koordinationslücken \(\d+\):", lines[0])
    assert lines[1] == "  [HOCH] Geflüchtete zu wenig beteiligt"
    assert lines[2] == ("      Geflüchtetenrat Musterstadt (Geflüchtete) arbeitet mit niemandem im Bündnis "
                        "zusammen.")
    assert lines[3].startswith("      → Beteiligen Sie Geflüchtetenrat Musterstadt")
    for label in ("Bereiche ohne Kontakt", "Einzige Verbindung für andere",
                  "Akteur ohne Kooperation", "Nur ein Partner",
                  "Vorschlag: einander vorstellen"):
        assert f"] {label}" in out
    assert_plain(out)


def test_gaps_text_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "gaps", DEMO, "--lang", "en")
    assert status == 0
    lines = out.splitlines()
    assert re.fullmatch(r"Coordination gaps \(\d+\):", lines[0])
    assert lines[1] == "  [HIGH] Refugees left out"
    assert "  [HIGH] Sectors without contact" in lines
    assert "Koordinationslücken" not in out and "Bereiche ohne Kontakt" not in out
    assert_plain(out)


def test_gaps_of_a_healthy_alliance(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Every actor works with every other: nothing to report, in plain words."""
    ids = ["hk", "ki", "ca", "st", "ms"]
    types = ["Helferkreis", "Kirche", "Caritas", "Stadt", "MSO"]
    actors = "id,name,type\n" + "".join(f"{i},{i.upper()},{t}\n" for i, t in zip(ids, types, strict=True))
    ties = "source,target\n" + "".join(f"{u},{v}\n" for n, u in enumerate(ids) for v in ids[n + 1:])
    folder = write_alliance(tmp_path / "gut", actors, ties)
    german = run(capsys, "gaps", folder)[1]
    assert german == "Koordinationslücken (0):\n  Keine Koordinationslücken gefunden.\n"
    english = run(capsys, "gaps", folder, "--lang", "en")[1]
    assert english == "Coordination gaps (0):\n  No coordination gaps found.\n"
    assert as_json(capsys, "gaps", folder) == []
    bands = {i["indicator"]: i["band"] for i in as_json(capsys, "health", folder)}  # type: ignore[union-attr]
    assert set(bands.values()) == {"good"}


def test_threshold_overrides(capsys: pytest.CaptureFixture[str], star: Path) -> None:
    kinds = [g["kind"] for g in as_json(capsys, "gaps", star)]  # type: ignore[union-attr]
    assert "over_centralization" in kinds
    gaps = as_json(capsys, "gaps", star, "--threshold", "over_centralization_share=0.9",
                   "--threshold", "over_centralization_high = 1.5")
    central = [g for g in gaps if g["kind"] == "over_centralization"]  # type: ignore[union-attr]
    assert [(g["actors"], g["severity"], g["value"]) for g in central] == [(["st"], "medium", 1.0)]
    gaps = as_json(capsys, "gaps", star, "--threshold", "over_centralization_share=1.01")
    assert "over_centralization" not in [g["kind"] for g in gaps]  # type: ignore[union-attr]


def test_gaps_of_one_wave(capsys: pytest.CaptureFixture[str], waves: Path) -> None:
    latest = {(g["kind"], tuple(g["actors"])) for g in as_json(capsys, "gaps", waves)}  # type: ignore[union-attr]
    first = {(g["kind"], tuple(g["actors"])) for g in as_json(capsys, "gaps", waves, "--wave", "2019")}  # type: ignore[union-attr]
    # 2019 has no refugee organisation taking part (e joins in 2021); nobody is isolated but f
    assert ("refugee_exclusion", ()) in first - latest
    assert {g for g in first | latest if g[0] == "isolated_actor"} == {("isolated_actor", ("f",))}


# -- netz health ---------------------------------------------------------------------------------------


def test_health_json_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    indicators = as_json(capsys, "health", DEMO)
    assert indicators == report(io.read(DEMO))["health"]
    by_name = {i["indicator"]: i for i in indicators}  # type: ignore[union-attr]
    assert list(by_name) == [i for i in INDICATORS if i in by_name]
    assert by_name["connectedness"]["value"] == 0.88  # 22 of 25 in the main part
    assert by_name["cohesion"]["value"] == pytest.approx(2 * 34 / 25)
    assert by_name["cross_sector_integration"]["value"] == 0.6
    assert by_name["refugee_participation"]["value"] == pytest.approx(1 / 3, abs=1e-6)


def test_health_text_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "health", DEMO)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Gesundheit des Netzwerks:"
    assert lines[1] == "  ◐ Erreichbarkeit: beobachten"
    assert lines[2].startswith("      88\u00a0% der Akteure gehören zum zusammenhängenden Hauptteil")
    assert lines[2].endswith("Gut ab 90\u00a0%, bedenklich unter 75\u00a0%.")
    assert "  ○ Beteiligung Geflüchteter: bedenklich" in lines
    assert_plain(out)
    status, out, _ = run(capsys, "health", DEMO, "--lang", "en")
    lines = out.splitlines()
    assert lines[0] == "Network health:"
    assert lines[1] == "  ◐ Connectedness: watch"
    assert "  ○ Refugee participation: concern" in lines
    assert_plain(out)


def test_band_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    bands = {i["indicator"]: i["band"] for i in as_json(capsys, "health", DEMO)}  # type: ignore[union-attr]
    assert bands["cohesion"] == "watch"  # 2.72 partners on average: below 4
    changed = as_json(capsys, "health", DEMO, "--band", "cohesion_good=2.5", "--band", "refugee_watch=0.3")
    bands = {i["indicator"]: i["band"] for i in changed}  # type: ignore[union-attr]
    assert (bands["cohesion"], bands["refugee_participation"]) == ("good", "watch")
    out = run(capsys, "health", DEMO, "--band", "cohesion_good=2.5")[1]
    assert "Gut ab 2,5, bedenklich unter 2,0." in out


def test_health_of_survey_data_with_ratings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = write_alliance(
        tmp_path / "befragung",
        "id,name,type\na,Helferkreis,Helferkreis\nb,Stadt,Stadt\nc,MSO,MSO\n",
        "source,target,Vertrauen,Nutzen\na,b,4,3\nb,a,3,3\na,c,2,4\nc,a,4,4\n", directed=True)
    by_name = {i["indicator"]: i for i in as_json(capsys, "health", folder)}  # type: ignore[union-attr]
    assert by_name["reciprocity"]["value"] == 1.0
    assert by_name["trust"]["value"] == pytest.approx((13 / 4 - 1) / 3, abs=1e-6)
    assert by_name["value"]["value"] == pytest.approx((14 / 4 - 1) / 3, abs=1e-6)
    out = run(capsys, "health", folder)[1]
    assert "  ● Gegenseitigkeit: gut" in out.splitlines()
    assert "Skala von 1 bis 4" in out
    assert_plain(out)


# -- netz whatif ---------------------------------------------------------------------------------------


def test_whatif_json(capsys: pytest.CaptureFixture[str]) -> None:
    result = as_json(capsys, "whatif", DEMO, "--remove", "hk")
    assert result["removed"] == ["hk"]  # type: ignore[index]
    assert result["loses_all_ties"] == ["sv"]  # type: ignore[index]
    assert result["names"] == {"hk": "Helferkreis Asyl Musterstadt", "sv": "TSV Musterstadt 1890"}  # type: ignore[index]
    before, after = result["before"], result["after"]  # type: ignore[index]
    assert (before["n_actors"], after["n_actors"]) == (25, 24)
    assert (before["components"], after["components"]) == (4, 5)
    assert "key_players" not in result  # type: ignore[operator]


def test_whatif_text_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "whatif", DEMO, "--remove", "hk")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Was wäre, wenn Helferkreis Asyl Musterstadt aus dem Bündnis ausscheiden würde?"
    assert "  Getrennte Teile: 4 → 5" in lines
    assert "  Anteil im Hauptteil: 88,0\u00a0% → 83,3\u00a0%" in lines
    assert "Verlieren alle Kooperationen: TSV Musterstadt 1890" in lines
    assert "Neue Lücken:" in lines
    assert any(line.startswith("  [MITTEL] Akteur ohne Kooperation: TSV Musterstadt 1890") for line in lines)
    assert_plain(out)
    out = run(capsys, "whatif", DEMO, "--remove", "hk,jc", "--lang", "en")[1]
    lines = out.splitlines()
    assert lines[0] == "What if Helferkreis Asyl Musterstadt and Jobcenter Beispielkreis left the alliance?"
    assert "  Separate parts: 4 → 6" in lines
    assert_plain(out)
    plural = run(capsys, "whatif", DEMO, "--remove", "hk, jc")[1]
    assert plural.splitlines()[0].endswith("ausscheiden würden?")


def test_key_players(capsys: pytest.CaptureFixture[str]) -> None:
    result = as_json(capsys, "whatif", DEMO, "--key-players", "3")
    players = result["key_players"]  # type: ignore[index]
    assert [(p["rank"], p["id"], p["name"]) for p in players] == [
        (1, "jc", "Jobcenter Beispielkreis"), (2, "stadt", "Stadt Musterstadt – Integrationsbeauftragte"),
        (3, "awo", "AWO Ortsverein")]
    fragmentation = [p["fragmentation_after"] for p in players]
    assert fragmentation == sorted(fragmentation)
    assert set(result) == {"key_players"}  # type: ignore[arg-type]
    out = run(capsys, "whatif", DEMO, "--key-players", "2")[1]
    lines = out.strip().splitlines()
    assert lines[0] == "Schlüsselakteure (ihr Ausscheiden zersplittert das Netz am meisten):"
    assert lines[1] == ("  1. Jobcenter Beispielkreis — ohne diesen Akteur könnten 43,5\u00a0% der übrigen "
                        "Paare von Akteuren einander nicht mehr erreichen")
    assert "ohne diesen Akteur und die oben genannten" in lines[2]
    out = run(capsys, "whatif", DEMO, "--key-players", "1", "--lang", "en")[1]
    assert "  1. Jobcenter Beispielkreis — without this actor, 43.5% of the remaining pairs" in out


def test_whatif_remove_and_key_players_together(capsys: pytest.CaptureFixture[str], star: Path) -> None:
    result = as_json(capsys, "whatif", star, "--remove", "st", "--key-players", "1")
    assert result["after"]["components"] == 4  # type: ignore[index]
    assert sorted(result["loses_all_ties"]) == ["ca", "hk", "ki", "ms"]  # type: ignore[index]
    assert [p["id"] for p in result["key_players"]] == ["st"]  # type: ignore[index]
    out = run(capsys, "whatif", star, "--remove", "st", "--key-players", "1")[1]
    assert "Was wäre, wenn Rathaus aus dem Bündnis ausscheiden würde?" in out
    assert "Verlieren alle Kooperationen: Helferkreis, St. Marien, Caritas, Syrischer Verein" in out
    assert "  1. Rathaus — ohne diesen Akteur könnten 100,0\u00a0% der übrigen Paare" in out


def test_whatif_applies_thresholds_after_the_removal(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    """Without the hub, the rest is a path whose middle actors hold half the betweenness each;
    with over_centralization_share=0.9 that is not a gap before or after."""
    folder = write_alliance(
        tmp_path / "nabe", "id,name,type\na,A,Stadt\nb,B,Kirche\nc,C,Caritas\nd,D,MSO\ne,E,Helferkreis\n",
        "source,target\na,b\na,c\na,d\na,e\nb,c\nc,d\nd,e\n")
    result = as_json(capsys, "whatif", folder, "--remove", "a",
                     "--threshold", "over_centralization_share=0.9")
    assert "over_centralization" not in [g["kind"] for g in result["new_gaps"]]  # type: ignore[index]


# -- netz diff -----------------------------------------------------------------------------------------


def test_diff_json(capsys: pytest.CaptureFixture[str], waves: Path) -> None:
    result = as_json(capsys, "diff", waves, "--from", "2019", "--to", "2021")
    assert result == to_jsonable(diff_waves(io.read(waves), "2019", "2021"))
    assert (result["actors_joined"], result["actors_left"]) == (["d", "e"], ["c"])  # type: ignore[index]
    assert result["ties_lost"] == [["a", "c"], ["b", "c"]]  # type: ignore[index]
    assert result["network"]["n_ties"] == {"from": 3, "to": 4, "change": 1}  # type: ignore[index]


def test_diff_text_in_both_languages(capsys: pytest.CaptureFixture[str], waves: Path) -> None:
    status, out, _ = run(capsys, "diff", waves, "--from", "2019", "--to", "2021")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Veränderung zwischen den Wellen 2019 → 2021"
    assert "Neu dabei: Stadt, Geflüchtetenrat" in lines
    assert "Nicht mehr dabei: Caritas" in lines
    assert ("Neue Kooperationen (3): Helferkreis – Stadt, St. Marien – Geflüchtetenrat, "
            "Stadt – Geflüchtetenrat") in lines
    assert "Weggefallene Kooperationen (2): Helferkreis – Caritas, St. Marien – Caritas" in lines
    assert "  Kooperationen: 3 → 4" in lines
    assert "  Dichte: 50,0\u00a0% → 40,0\u00a0%" in lines
    assert "Behobene Lücken:" in lines
    # the refugee council takes part from 2021 on: "no refugee organisation" is resolved
    assert any(line.startswith("  [HOCH] Geflüchtete zu wenig beteiligt: Im Bündnis ist keine")
               for line in lines)
    assert_plain(out)
    out = run(capsys, "diff", waves, "--from", "2019", "--to", "2021", "--lang", "en")[1]
    lines = out.splitlines()
    assert lines[0] == "Change between waves 2019 → 2021"
    assert "Joined: Stadt, Geflüchtetenrat" in lines and "Left: Caritas" in lines
    assert "  Density: 50.0% → 40.0%" in lines
    assert_plain(out)


def test_diff_of_survey_data_draws_arrows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = write_alliance(tmp_path / "befragung", "id,name,type\na,A,Kirche\nb,B,Stadt\n",
                            "source,target,wave\na,b,1\nb,a,2\n", directed=True)
    out = run(capsys, "diff", folder, "--from", "1", "--to", "2")[1]
    assert "Neue Kooperationen (1): B → A" in out.splitlines()


def test_diff_applies_thresholds(capsys: pytest.CaptureFixture[str], waves: Path) -> None:
    result = as_json(capsys, "diff", waves, "--from", "2019", "--to", "2021",
                     "--threshold", "over_centralization_share=0.2")
    assert "over_centralization" in [g["kind"] for g in result["gaps_new"]]  # type: ignore[index]


# -- errors: exit status 2, a message, no traceback ----------------------------------------------------


#: Mistakes on the command line, with what the English error says and what the German one does.
MISTAKES = [
    (["gaps", DEMO, "--threshold", "nonsense=1"], "unknown setting(s): nonsense; known: major_share",
     "Unbekannte Einstellung(en): nonsense; bekannt sind: major_share"),
    (["gaps", DEMO, "--threshold", "over_centralization"], "--threshold expects NAME=VALUE",
     "--threshold erwartet NAME=WERT"),
    (["health", DEMO, "--band", "cohesion=3"], "unknown setting(s): cohesion; known: connectedness_good",
     "Unbekannte Einstellung(en): cohesion; bekannt sind: connectedness_good"),
    (["whatif", DEMO, "--remove", "hk,zz"], "no actor(s) with id zz", "Diese Kennungen hat kein Akteur: zz"),
    (["whatif", DEMO], "say which actors to remove (--remove ID,ID) or ask for --key-players K",
     "Sagen Sie, welche Akteure wegfallen sollen"),
    (["diff", DEMO, "--from", "2019", "--to", "2020"], "no wave '2019'; waves: none (no tie has a wave)",
     "Es gibt keine Welle „2019“; Wellen: keine (keine Kooperation hat eine Welle)"),
    (["gaps", DEMO, "--group-by", "Budget"], "no actor column 'Budget'",
     "Es gibt keine Akteursspalte „Budget“"),
    (["gaps", DEMO, "--threshold", "major_min=drei"],
     "setting 'major_min' must be a whole number, not 'drei'",
     "Die Einstellung „major_min“ muss eine ganze Zahl sein, nicht „drei“"),
]
#: Words of the English errors that a German one must not contain.
ENGLISH = re.compile(r"\b(no|not|unknown|setting|known|wave|waves|none|actor|with|ids|say|which|must|be|"
                     r"number|expects|column|group by)\b")


@pytest.mark.parametrize(("argv", "english", "german"), MISTAKES)
def test_errors_are_messages(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                             argv: list[object], english: str, german: str) -> None:
    """Said in the language asked for (--lang), without a traceback; German by default."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    status, out, err = run(capsys, *argv, "--lang", "en")
    assert (status, out) == (2, "")
    assert err.startswith("netz: ") and english in err
    assert "Traceback" not in err
    for lang in ([], ["--lang", "de"]):
        status, out, err = run(capsys, *argv, *lang)
        assert (status, out) == (2, "")
        assert err.startswith("netz: ") and german in err, err
        assert not ENGLISH.search(err.replace("--key-players", "").replace("--remove", "")), err


def test_unknown_wave(capsys: pytest.CaptureFixture[str], waves: Path) -> None:
    for argv in (["diff", waves, "--from", "2019", "--to", "2030"], ["gaps", waves, "--wave", "2030"],
                 ["health", waves, "--wave", "2030"], ["whatif", waves, "--remove", "a", "--wave", "2030"]):
        status, out, err = run(capsys, *argv, "--lang", "en")
        assert (status, out) == (2, "")
        every = "" if argv[0] == "diff" else ", all"  # a diff compares two waves, never all at once
        assert err == f"netz: no wave '2030'; waves: 2019, 2020, 2021{every}\n"


def test_threshold_value_that_is_not_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "gaps", DEMO, "--threshold", "major_min=drei", "--lang", "en")
    assert (status, out) == (2, "")
    assert err == "netz: setting 'major_min' must be a whole number, not 'drei'\n"
    status, _, err = run(capsys, "health", DEMO, "--band", "cohesion_good=viel")
    assert status == 2 and "cohesion_good" in err and "viel" in err and "Traceback" not in err


def test_error_in_a_real_process() -> None:
    """The installed command, as a user runs it: message on stderr, status 2, nothing else."""
    done = subprocess.run([str(NETZ), "whatif", str(DEMO), "--remove", "zz", "--lang", "en"],
                          capture_output=True, text=True, check=False)
    ids = ", ".join(io.read(DEMO).actors["id"])
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"netz: no actor(s) with id zz; ids: {ids}\n"

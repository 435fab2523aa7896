"""netz's own exceptions."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from netz.analysis.privacy import PseudonymCollision, SinglesOutActors
from netz.cohort.batch import each, open_executor
from netz.core.errors import (
    MAX_LISTED_NAMES,
    InputError,
    NetzError,
    NotInstalledError,
    Phrase,
    Problem,
    UnknownNameError,
    require,
)
from netz.core.io import read
from netz.core.vocabulary import UnknownTypeError
from netz.messages import catalogue


def test_require_names_the_missing_module_and_the_extra() -> None:
    require("json", extra="batch", feature="anything")  # there: nothing happens
    with pytest.raises(NotInstalledError) as caught:
        require("netz_no_such_module", extra="batch", feature="netz batch (its Parquet tables)")
    assert isinstance(caught.value, NetzError)
    assert (caught.value.module, caught.value.extra) == ("netz_no_such_module", "batch")
    assert str(caught.value) == ("netz batch (its Parquet tables): netz_no_such_module is not installed; "
                                 "pip install 'netz[batch]'")


def _errors() -> list[NetzError]:
    """One of each of netz's errors, with what each carries."""
    return [
        NetzError("plain"),
        NetzError("error.override.whole", name="major_min", value="drei"),
        InputError([Problem("input.weight_bad", "ties.csv", 3, "Stärke", {"value": "x"}),
                    Problem("input.self_loop", "ties.csv", 7, None, {"actor": "a"})]),
        UnknownNameError("error.name.no_wave", name="2030", accepted=["2023"],
                         heading="error.name.heading.waves", note="error.name.note.no_waves",
                         parameter="wave"),
        UnknownTypeError("Kirchengemeinden"),
        NotInstalledError("error.feature.batch_parquet", "pyarrow", "batch"),
        NotInstalledError(Phrase("error.feature.dask", spec="tcp://h:8786"), "distributed", "batch"),
        SinglesOutActors("privacy.small_group", column="x", smallest=1, min_group=5),
        PseudonymCollision("error.pseudonym_collision", scope="7"),
    ]


@pytest.mark.parametrize("error", _errors(), ids=lambda e: type(e).__name__)
def test_every_error_pickles_with_what_it_carries(error: NetzError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert again.args == error.args and str(again) == str(error)
    assert vars(again) == vars(error)
    assert again.text("de") == error.text("de")


def test_an_input_error_in_a_worker_reaches_the_caller_with_file_row_and_column(tmp_path: Path) -> None:
    """Read in another process (as netz batch, compare and trends do), the error names where."""
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "actors.csv").write_text("id,name,type\na,A,initiative\nb,B,church\n", encoding="utf-8")
    (folder / "ties.csv").write_text("source,target,weight\na,b,1\nb,a,viel\n", encoding="utf-8")
    with open_executor("processes:2") as pool:
        assert pool.executor is not None
        with pytest.raises(InputError) as caught:
            each(read, [folder, folder], executor=pool.executor)
    problem = caught.value.problems[0]
    where = (Path(caught.value.file or "").name, caught.value.row, caught.value.column)
    assert where == ("ties.csv", 3, "weight")
    assert problem.code == "input.weight_bad" and "viel" in caught.value.text("de")


# -- said in German and English (issue 12) -----------------------------------------------------

ROOT = Path(__file__).parents[1]


def test_an_unknown_name_is_said_in_german_and_english() -> None:
    """Failed before: only English ("no wave '2030'; waves: …"), whatever the user's language."""
    error = UnknownNameError("error.name.no_wave", name="2030", accepted=["2019", "2020"],
                             heading="error.name.heading.waves", parameter="wave")
    assert str(error) == error.text("en") == "no wave '2030'; waves: 2019, 2020"
    assert error.text("de") == "Es gibt keine Welle „2030“; Wellen: 2019, 2020"
    assert (error.name, error.accepted, error.parameter) == ("2030", ["2019", "2020"], "wave")
    none = UnknownNameError("error.name.no_wave", name="2030", accepted=[],
                            heading="error.name.heading.waves", note="error.name.note.no_waves")
    assert str(none) == "no wave '2030'; waves: none (no tie has a wave)"
    assert none.text("de") == "Es gibt keine Welle „2030“; Wellen: keine (keine Kooperation hat eine Welle)"


def test_many_accepted_names_are_listed_as_far_as_the_first_thirty() -> None:
    ids = [f"a{i}" for i in range(1234)]
    error = UnknownNameError("error.name.no_actors", name=["zz", "zy"], accepted=ids,
                             heading="error.name.heading.ids")
    listed = ", ".join(ids[:MAX_LISTED_NAMES])
    assert str(error) == f"no actor(s) with id zz, zy; ids: {listed}, … (1,234 in all)"
    assert error.text("de") == (f"Diese Kennungen hat kein Akteur: zz, zy; Kennungen: {listed}, "
                                "… (insgesamt 1.234)")
    assert error.name == ["zz", "zy"]


def test_an_unknown_type_suggests_in_each_language() -> None:
    error = UnknownTypeError("Kirchengemiende")
    assert str(error).startswith("unknown actor type 'Kirchengemiende' (did you mean 'Kirchengemeinde'?); "
                                 "expected one of: initiative, ")
    assert error.text("de").startswith("Unbekannter Typ „Kirchengemiende“ (meinten Sie „Kirchengemeinde“?); "
                                       "erwartet wird einer von: initiative, ")
    assert "(oder deutsche Namen wie Initiative, Kirche" in error.text("de")


def test_a_missing_part_is_said_in_each_language() -> None:
    error = NotInstalledError(Phrase("error.feature.dask", spec="tcp://h:8786"), "distributed", "batch")
    assert str(error) == ("the Dask scheduler tcp://h:8786: distributed is not installed; "
                          "pip install 'netz[batch]'")
    assert error.text("de") == ("der Dask-Scheduler tcp://h:8786: distributed ist nicht installiert; "
                                "pip install 'netz[batch]'")


#: netz's errors and the first argument they are raised with: a message key, never a sentence.
RAISED = re.compile(r"\b(?:NetzError|InputError\.single|UnknownNameError|UnknownTypeError|NotInstalledError|"
                    r"KeyManagementError|PseudonymCollision|SinglesOutActors|InvalidValue|Phrase|Refusal)\("
                    r"(?:\d+, )?\s*(f?)\"([^\"]*)\"")
#: Keys given as parameters: headings, notes and features.
GIVEN = re.compile(r"\b(?:heading|note|feature|FEATURE)\s*=\s*\"(error\.[\w.]+)\"")


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_key_netz_raises_is_in_german_and_english_with_the_same_placeholders() -> None:
    """Each error of the library, the command line and the service is raised with a key of both
    catalogues (a sentence in the code would be said in English only); every error.* key is in both."""
    source = "\n".join(path.read_text(encoding="utf-8") for folder in ("netz", "api")
                       for path in (ROOT / folder).rglob("*.py"))
    raised = RAISED.findall(source)
    assert len(raised) > 60
    assert [text for _, text in raised if not re.fullmatch(r"[a-z]+(\.[\w{}]+)+", text)] == []
    keys = {text for _, text in raised if "{" not in text} | set(GIVEN.findall(source))
    de, en = catalogue("de"), catalogue("en")
    keys |= {key for key in {*de, *en} if key.startswith(("error.", "request.invalid."))}
    keys |= {f"error.name.{what}.{p}" if what else f"error.name.{p}" for p in ("land", "programme")
             for what in ("", "heading")}
    assert {"error.name.no_wave", "error.name.heading.waves", "request.invalid.nul"} <= keys
    for key in sorted(keys):
        assert key in de and key in en, key
        assert _placeholders(de[key]) == _placeholders(en[key]), key

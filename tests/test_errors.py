"""netz's own exceptions."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from netz.analysis.privacy import PseudonymCollision, SinglesOutActors
from netz.cohort.batch import each, open_executor
from netz.core.errors import InputError, NetzError, NotInstalledError, Problem, UnknownNameError, require
from netz.core.io import read
from netz.core.vocabulary import UnknownTypeError


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
        InputError([Problem("input.weight_bad", "ties.csv", 3, "Stärke", {"value": "x"}),
                    Problem("input.self_loop", "ties.csv", 7, None, {"actor": "a"})]),
        UnknownNameError("no wave '2030'", name="2030", accepted=["2023"], heading="waves", parameter="wave"),
        UnknownTypeError("Kirchengemeinden"),
        NotInstalledError("netz batch", "pyarrow", "batch"),
        SinglesOutActors("privacy.small_group", column="x", smallest=1, min_group=5),
        PseudonymCollision("two actors"),
    ]


@pytest.mark.parametrize("error", _errors(), ids=lambda e: type(e).__name__)
def test_every_error_pickles_with_what_it_carries(error: NetzError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert again.args == error.args and str(again) == str(error)
    assert vars(again) == vars(error)


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

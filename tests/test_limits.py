"""Limits: one object for every reader, validated, with errors that name the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from netz.core.errors import InputError
from netz.core.io.tables import check_bytes
from netz.core.limits import DEFAULT_LIMITS, Limits


def test_defaults_are_generous_and_documented() -> None:
    assert Limits() == DEFAULT_LIMITS
    assert DEFAULT_LIMITS.max_actors >= 100_000 and DEFAULT_LIMITS.max_ties >= 1_000_000
    for name in Limits.__dataclass_fields__:
        assert name in (Limits.__doc__ or "")


@pytest.mark.parametrize("value", [0, -1, True, 2.5, "10"])
def test_a_limit_is_a_whole_number_of_at_least_one(value: object) -> None:
    with pytest.raises(ValueError, match="max_rows"):
        Limits(max_rows=value)  # type: ignore[arg-type]


def test_the_error_names_the_file_the_limit_and_how_to_raise_it() -> None:
    error = Limits(max_ties=10).exceeded("max_ties", 12, "ties", file="ties.csv")
    assert error.file == "ties.csv"
    assert str(error) == ("ties.csv: 12 ties; at most 10 are accepted (limit max_ties; raise it to read "
                          "larger inputs)")


def test_every_limit_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name in Limits.__dataclass_fields__:
        assert f"| `{name}` |" in readme and f"`NETZ_{name.upper()}`" in readme


def test_a_size_over_the_limit_is_written_in_the_message_s_language() -> None:
    """A size in MiB with the language's decimal mark and grouping (defect: "1,234.5 MiB zu lesen"
    in German, written once in English for every language)."""
    with pytest.raises(InputError) as caught:
        check_bytes(int(1234.5 * 2**20), "b.zip", Limits(max_unpacked_bytes=int(2.5 * 2**20)))
    problem = caught.value.problems[0]
    assert problem.text("de").startswith("b.zip: 1.234,5 MiB zu lesen; höchstens 2,5 MiB sind erlaubt")
    assert problem.text("en").startswith("b.zip: 1,234.5 MiB")

"""The Alliance model: building, validation on construction, lookup, derived alliances, equality."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from netz.core.errors import InputError, UnknownNameError
from netz.core.model import Actor, Alliance, Tie, plain_value, wave_order
from tests.factories import make_alliance


def small(*, directed: bool = False) -> Alliance:
    return Alliance.from_records(
        [
            Actor("hk", "Helferkreis", "Helferkreis", {"Ehrenamtliche": 45}),
            Actor("sj", "Kirchengemeinde Sankt Jürgen", "Kirchengemeinde", {"Ehrenamtliche": 12}),
            Actor("st", "", "Stadt"),
        ],
        [
            Tie("hk", "sj", 2.5, "Information", "2019", {"Vertrauen": 4}),
            Tie("sj", "st", 1.0, None, "2020"),
        ],
        directed=directed,
        meta={"name": "Bündnis Süd", "founded": 2015},
    )


def test_from_records_canonicalises_types_and_fills_names() -> None:
    alliance = small()
    assert alliance.actors["type"].tolist() == ["initiative", "church", "municipality"]
    assert alliance.actor("st").name == "st"  # an empty name falls back to the id
    assert alliance.actor("sj").name == "Kirchengemeinde Sankt Jürgen"
    assert list(alliance.actors.columns) == ["id", "name", "type", "Ehrenamtliche"]
    assert list(alliance.ties.columns) == ["source", "target", "weight", "kind", "wave", "Vertrauen"]
    assert alliance.n_actors == 3
    assert alliance.n_ties == 2
    assert alliance.name == "Bündnis Süd"
    assert alliance.actor_attributes == ["Ehrenamtliche"]
    assert alliance.tie_attributes == ["Vertrauen"]


def test_from_records_infers_weighted_from_the_weights() -> None:
    assert small().weighted is True
    plain = make_alliance(["church", "refugee"], [("a", "b")])
    assert plain.weighted is False
    assert plain.ties["weight"].tolist() == [1.0]


def test_from_records_unweighted_ignores_given_weights() -> None:
    alliance = make_alliance(["church", "refugee"], [("a", "b", 3.0)], weighted=False)
    assert alliance.weighted is False
    assert alliance.ties["weight"].tolist() == [1.0]


def test_from_records_validates() -> None:
    with pytest.raises(InputError) as caught:
        Alliance.from_records([Actor("a", "A", "Kirche")], [Tie("a", "x")])
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("ties", 1, "target")
    assert "'x'" in problem.message


def test_from_frames_cites_the_frame_index_as_row() -> None:
    actors = pd.DataFrame({"id": ["a", "b"], "type": ["Kirche", "Raumschiff"]}, index=[2, 7])
    ties = pd.DataFrame({"source": ["a"], "target": ["b"]}, index=[5])
    with pytest.raises(InputError) as caught:
        Alliance.from_frames(actors, ties, actors_file="akteure.csv")
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [("akteure.csv", 7, "type")]


def test_from_frames_does_not_modify_its_input() -> None:
    actors = pd.DataFrame({"id": [" a ", "b"], "type": ["Kirche", "Stadt"]}, index=[2, 3])
    ties = pd.DataFrame({"source": ["a"], "target": ["b"], "weight": ["2,5"]}, index=[2])
    before = (actors.copy(), ties.copy())
    alliance = Alliance.from_frames(actors, ties)
    pd.testing.assert_frame_equal(actors, before[0])
    pd.testing.assert_frame_equal(ties, before[1])
    assert alliance.actors["id"].tolist() == ["a", "b"]
    assert alliance.ties["weight"].tolist() == [2.5]
    assert alliance.actors.index.tolist() == [0, 1]  # clean frames are numbered from 0


def test_alliances_are_immutable() -> None:
    alliance = small()
    with pytest.raises(dataclasses.FrozenInstanceError):
        alliance.directed = True  # type: ignore[misc]


def test_actor_lookup_and_iteration() -> None:
    alliance = small()
    assert alliance.actor("hk") == Actor("hk", "Helferkreis", "initiative", {"Ehrenamtliche": 45})
    assert alliance.actor("st").attributes == {}  # missing values are left out
    with pytest.raises(UnknownNameError, match="no actor with id 'nobody'; ids: hk, sj, st"):
        alliance.actor("nobody")
    assert [a.id for a in alliance.iter_actors()] == ["hk", "sj", "st"]
    ties = list(alliance.iter_ties())
    assert ties[0] == Tie("hk", "sj", 2.5, "Information", "2019", {"Vertrauen": 4})
    assert ties[1] == Tie("sj", "st", 1.0, None, "2020", {})


def test_waves_sort_numbers_numerically_before_labels() -> None:
    alliance = make_alliance(["other"] * 4, [])
    ties = pd.DataFrame({
        "source": ["a", "a", "b", "c"], "target": ["b", "c", "c", "d"],
        "wave": ["10", "2", "Nachbefragung", "2,5"],
    })
    alliance = Alliance.from_frames(alliance.actors, ties)
    assert alliance.waves == ["2", "2,5", "10", "Nachbefragung"]
    assert sorted(["b", "10", "9"], key=wave_order) == ["9", "10", "b"]


def test_at_wave_keeps_actors_and_the_ties_of_that_wave() -> None:
    alliance = small()
    in_2019 = alliance.at_wave("2019")
    assert in_2019.n_actors == 3
    assert in_2019.ties[["source", "target"]].values.tolist() == [["hk", "sj"]]
    assert alliance.n_ties == 2  # the original is unchanged


def test_equals_compares_everything() -> None:
    base = small()
    assert base.equals(small())
    assert not base.equals(small(directed=True))
    assert not base.equals(dataclasses.replace(base, weighted=False))
    assert not base.equals(dataclasses.replace(base, meta={"name": "Bündnis Süd"}))
    renamed = base.actors.assign(name=["Helferkreis", "Kirchengemeinde St. Jürgen", "st"])
    assert not base.equals(dataclasses.replace(base, actors=renamed))
    reweighted = base.ties.assign(weight=[2.5, 1.5])
    assert not base.equals(base.replace_ties(reweighted))
    reordered = base.ties.iloc[::-1].reset_index(drop=True)
    assert not base.equals(base.replace_ties(reordered))
    extra = base.actors.assign(Notiz=None)
    assert not base.equals(dataclasses.replace(base, actors=extra))
    # Missing values compare equal whether pandas holds them as None or NaN
    nan_kind = base.ties.assign(kind=["Information", float("nan")])
    assert base.equals(base.replace_ties(nan_kind))


@pytest.mark.parametrize(
    ("value", "plain"),
    [(None, None), (float("nan"), None), (pd.Series([3]).iloc[0], 3), ("x", "x"), (2.5, 2.5)],
)
def test_plain_value(value: object, plain: object) -> None:
    result = plain_value(value)
    assert result == plain
    assert type(result) is type(plain)


def test_missing_kind_and_wave_are_none_not_nan() -> None:
    actors = pd.DataFrame({"id": ["a", "b"], "type": ["Kirche", "Stadt"]})
    ties = pd.DataFrame({"source": ["a"], "target": ["b"]})
    alliance = Alliance.from_frames(actors.assign(Notiz=["", ""]), ties)
    tie = next(alliance.iter_ties())
    assert tie.kind is None
    assert tie.wave is None
    assert alliance.actors["Notiz"].tolist() == [None, None]

"""The de-identification rules of netz.analysis.privacy: pseudonyms, types, bands, text, grouping."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netz.analysis.privacy import (
    PSEUDONYM_WIDTH,
    SinglesOutActors,
    bands,
    check_grouping,
    coarse_types,
    deidentify,
    funders_report,
    pseudonym,
    pseudonyms,
)
from netz.analysis.report import report
from netz.core.errors import UnknownNameError
from netz.core.model import Alliance
from netz.core.vocabulary import ACTOR_TYPES
from tests.factories import make_alliance

KEY = b"test key"


def test_pseudonyms_have_64_bits() -> None:
    assert PSEUDONYM_WIDTH * 4 >= 64
    assert re.fullmatch(r"A-[0-9a-f]{16}", pseudonym(KEY, "1", "hk"))


def test_a_forced_collision_lengthens_the_codes_of_the_colliding_actors_only() -> None:
    ids = [f"actor{i}" for i in range(40)]
    short = {i: pseudonym(KEY, "1", i, width=1) for i in ids}
    assert len(set(short.values())) < len(ids)  # 40 actors, 16 one-digit codes: collisions forced
    codes = pseudonyms(KEY, "1", ids, width=1)
    assert len(set(codes.values())) == len(ids)
    clashing = {i for i in ids if list(short.values()).count(short[i]) > 1}
    assert {i for i in ids if codes[i] != short[i]} == clashing
    assert all(len(codes[i]) > len(short[i]) and codes[i].startswith(short[i]) for i in clashing)
    assert pseudonyms(KEY, "1", list(reversed(ids)), width=1) == codes  # the order does not matter


def test_a_forced_collision_never_merges_actors() -> None:
    alliance = make_alliance({f"x{i}": "initiative" for i in range(40)},
                             [(f"x{i}", f"x{i + 1}") for i in range(39)])
    seen = deidentify(alliance, KEY, "1", width=1)
    assert seen.actors["id"].is_unique and seen.n_actors == 40
    assert seen.n_ties == 39 and set(seen.ties["source"]) | set(seen.ties["target"]) <= set(seen.actors["id"])


def test_rare_types_become_other_until_other_is_large_enough() -> None:
    types = pd.Series(["initiative"] * 6 + ["church"] * 5 + ["municipality"] + ["refugee"] * 2 + ["public"])
    # municipality, refugee, public: 4 in 'other', fewer than 5: the smallest kept type joins
    assert coarse_types(types, 5).value_counts().to_dict() == {"other": 9, "initiative": 6}
    assert set(coarse_types(types, 1)) == set(types)
    assert set(coarse_types(types, 100)) == {"other"}


def test_a_type_rare_in_one_wave_becomes_other() -> None:
    types = pd.Series(["initiative"] * 5 + ["church"] * 5)
    in_wave = pd.Series([True] * 5 + [True, True, False, False, False])
    assert set(coarse_types(types, 5)) == {"initiative", "church"}
    assert set(coarse_types(types, 5, observed=[in_wave])) == {"other"}


@given(st.lists(st.sampled_from(ACTOR_TYPES), min_size=1, max_size=40), st.integers(1, 8))
def test_every_type_shown_has_k_actors_or_all_are_other(types: list[str], k: int) -> None:
    sizes = coarse_types(pd.Series(types), k).value_counts()
    assert sizes.min() >= k or list(sizes.index) == ["other"]


@given(st.lists(st.one_of(st.none(), st.integers(-5, 500), st.floats(0, 100)), max_size=60),
       st.integers(1, 8))
def test_every_band_has_k_actors_and_no_value(values: list[float | None], k: int) -> None:
    banded = bands(pd.Series(values, dtype=object), k)
    if banded is None:
        return
    assert banded.isna().tolist() == [v is None for v in values]
    sizes = banded.dropna().value_counts()
    assert len(sizes) >= 2 and sizes.min() >= k
    assert set(sizes.index) <= {"q1", "q2", "q3", "q4"}
    present = [(v, b) for v, b in zip(values, banded, strict=True) if v is not None]
    # bands are ordered: a higher band never holds a smaller value
    assert all(v1 <= v2 for v1, b1 in present for v2, b2 in present if b1 < b2)


def demo_like() -> Alliance:
    ids = [f"id{i:02d}" for i in range(12)]
    return make_alliance(
        {i: ("initiative" if n < 6 else "church" if n < 11 else "refugee") for n, i in enumerate(ids)},
        [(ids[n], ids[n + 1]) for n in range(11)],
        attributes={i: {"volunteers": 100 + n, "contact": f"mail{n}@example.org", "few": 7 if n else 9}
                    for n, i in enumerate(ids)},
    )


def test_deidentify_keeps_no_name_no_text_and_no_raw_number() -> None:
    alliance = demo_like()
    seen = deidentify(alliance, KEY, "3")
    assert list(seen.actors.columns) == ["id", "name", "type", "volunteers"]  # contact: text; few: 1 band
    assert (seen.actors["id"] == seen.actors["name"]).all()
    assert not set(seen.actors["id"]) & set(alliance.actors["id"])
    assert set(seen.actors["volunteers"]) == {"q1", "q2"}
    assert seen.actors["type"].value_counts().to_dict() == {"other": 6, "initiative": 6}
    assert seen.ties.shape == alliance.ties.shape
    assert deidentify(alliance, KEY, "3").actors.equals(seen.actors)  # stable


def test_the_type_threshold_is_separate_from_k() -> None:
    alliance = demo_like()  # initiative 6, church 5, refugee 1
    seen = deidentify(alliance, KEY, "3", min_group=5, min_type_group=2)
    # refugee (1) is 'other', which then holds 1 < 2: church, the smallest kept type, joins it
    assert seen.actors["type"].value_counts().to_dict() == {"initiative": 6, "other": 6}
    kept = deidentify(alliance, KEY, "3", min_group=5, min_type_group=1)
    assert kept.actors["type"].value_counts().to_dict() == {"initiative": 6, "church": 5, "refugee": 1}
    assert set(kept.actors["volunteers"]) == {"q1", "q2"}  # bands keep k = 5


def test_funders_report_counts_from_the_stored_alliance_and_groups_pooled() -> None:
    alliance = demo_like()
    seen = deidentify(alliance, KEY, "3", min_group=5)
    full, funder = report(alliance), funders_report(alliance, seen)
    assert funder["health"] == full["health"] and funder["gaps"] == full["gaps"]
    assert funder["network"]["density"] == full["network"]["density"]
    assert full["network"]["mixing"]["sizes"] == {"church": 5, "initiative": 6, "refugee": 1}
    pooled = {"initiative": 6, "other": 6}
    assert funder["network"]["mixing"]["sizes"] == pooled
    assert {t: n for t, n in funder["network"]["actors_by_type"].items() if n} == pooled
    by_band = funders_report(alliance, seen, group_by="volunteers")["network"]
    assert by_band["mixing"]["sizes"] == by_band["actors_by_group"] == {"q1": 6, "q2": 6}
    with pytest.raises(UnknownNameError, match="contact"):  # text is dropped for funders: no grouping by it
        funders_report(alliance, seen, group_by="contact")
    with pytest.raises(SinglesOutActors, match="'name'"):
        funders_report(alliance, seen, group_by="name")


@pytest.mark.parametrize("column", ["id", "name", "volunteers"])
def test_grouping_that_singles_out_actors_is_refused(column: str) -> None:
    with pytest.raises(SinglesOutActors, match=f"'{column}'"):
        check_grouping(demo_like(), column, min_group=5)


def test_grouping_by_groups_of_k_actors_is_allowed() -> None:
    seen = deidentify(demo_like(), KEY, "3")
    check_grouping(seen, "type", min_group=5)
    check_grouping(seen, "volunteers", min_group=5)
    check_grouping(demo_like(), "volunteers", min_group=1)
    check_grouping(demo_like(), "no such column", min_group=5)  # left for the analysis to report


def test_a_single_group_is_the_whole_network() -> None:
    check_grouping(make_alliance(["church", "church"], [("a", "b")]), "type", min_group=5)

"""netz.analysis.revision: what an upload changes, and an upload added as a further wave."""

from __future__ import annotations

import pandas as pd
import pytest

from netz.analysis.revision import add_wave, changes
from netz.core.errors import InputError
from netz.core.model import Alliance
from tests.factories import make_alliance


def with_waves(alliance: Alliance, waves: list[str | None]) -> Alliance:
    ties = alliance.ties.copy()
    ties["wave"] = waves
    return alliance.replace_ties(ties)


def test_nothing_changes() -> None:
    a = make_alliance(["church", "refugee", "welfare"], [("a", "b"), ("b", "c")])
    found = changes(a, a)
    assert all(found[k] == [] for k in ("actors_added", "actors_removed", "actors_renamed", "actors_retyped",
                                        "ties_added", "ties_removed"))
    assert found["ties_reweighted"] == 0


@pytest.mark.parametrize("directed", [False, True])
def test_a_tie_turned_round(directed: bool) -> None:
    """Undirected, b–a is a–b; directed, it is another tie."""
    before = make_alliance(["church", "refugee"], [("a", "b")], directed=directed)
    after = make_alliance(["church", "refugee"], [("b", "a")], directed=directed)
    found = changes(before, after)
    assert len(found["ties_added"]) == len(found["ties_removed"]) == (1 if directed else 0)


def test_actors_and_ties() -> None:
    before = make_alliance({"a": "church", "b": "refugee", "c": "welfare"}, [("a", "b"), ("b", "c")])
    after = make_alliance({"a": "welfare", "b": "refugee", "d": "public"}, [("a", "b"), ("b", "d")])
    after = Alliance(after.actors.assign(name=["A", "B neu", "D"]), after.ties, after.directed,
                     after.weighted, after.meta)
    found = changes(before, after)
    assert found["actors_added"] == [{"id": "d", "name": "D", "type": "public"}]
    assert found["actors_removed"] == [{"id": "c", "name": "C", "type": "welfare"}]
    assert found["actors_renamed"] == [{"id": "b", "before": "B", "after": "B neu"}]
    assert found["actors_retyped"] == [{"id": "a", "before": "church", "after": "welfare"}]
    assert [(t["source"], t["target"]) for t in found["ties_removed"]] == [("b", "c")]
    assert [(t["source"], t["target"]) for t in found["ties_added"]] == [("b", "d")]


def test_reweighted() -> None:
    before = make_alliance(["church", "refugee"], [("a", "b", 1.0)], weighted=True)
    after = make_alliance(["church", "refugee"], [("a", "b", 3.0)], weighted=True)
    found = changes(before, after)
    assert found["ties_reweighted"] == 1 and found["ties_added"] == [] and found["ties_removed"] == []


def test_add_wave_keeps_everything_and_adds_the_new_wave() -> None:
    three = make_alliance(["church", "refugee", "welfare"], [("a", "b"), ("b", "c")])
    stored = with_waves(three, ["2024"] * 2)
    upload = make_alliance({"a": "church", "b": "public", "d": "education"}, [("a", "d"), ("a", "b")])
    merged = add_wave(stored, upload, "2025")
    assert list(merged.actors["id"]) == ["a", "b", "c", "d"]  # none removed, the new one added
    assert merged.actor("b").type == "public"  # the upload updates the stored actors
    assert merged.waves == ["2024", "2025"]
    assert merged.n_ties == 4
    assert list(merged.at_wave("2024").ties["target"]) == ["b", "c"]
    found = changes(stored, merged)
    assert found["actors_removed"] == [] and len(found["ties_added"]) == 2 and found["ties_removed"] == []


def test_add_wave_takes_the_uploads_own_waves() -> None:
    stored = with_waves(make_alliance(["church", "refugee"], [("a", "b")]), ["1"])
    both_ways = make_alliance(["church", "refugee"], [("a", "b"), ("b", "a")], directed=True)
    upload = with_waves(both_ways, ["2", "3"])
    assert add_wave(stored, upload, None).waves == ["1", "2", "3"]


def test_add_wave_refuses_ties_without_a_wave_and_a_known_wave() -> None:
    stored = with_waves(make_alliance(["church", "refugee"], [("a", "b")]), ["2024"])
    upload = make_alliance(["church", "refugee"], [("a", "b")])
    with pytest.raises(InputError, match="no wave") as error:
        add_wave(stored, upload, None)
    assert error.value.problems[0].column == "wave"
    with pytest.raises(InputError, match="2024 already"):
        add_wave(stored, upload, "2024")


def test_add_wave_keeps_weights_of_either() -> None:
    stored = make_alliance(["church", "refugee"], [("a", "b")])
    upload = make_alliance(["church", "refugee"], [("a", "b", 2.5)], weighted=True)
    merged = add_wave(stored, upload, "2")
    assert merged.weighted
    assert list(merged.ties["weight"]) == pytest.approx([1.0, 2.5])
    assert isinstance(merged.ties, pd.DataFrame)

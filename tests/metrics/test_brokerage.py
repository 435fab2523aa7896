"""Gould–Fernandez brokerage against statnet's sna, a brute-force count and hand-worked values."""

from __future__ import annotations

import importlib
import itertools
import json
import math
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph
from netz.core.metrics.brokerage import (
    ROLES,
    SNA_NAMES,
    _actor_moments,
    _network_moments,
    brokerage,
    brokerage_expected,
    brokerage_network,
)
from tests.factories import make_alliance, reference_alliance

SNA_FIXTURE = Path(__file__).parents[1] / "fixtures" / "r" / "sna_brokerage.json"
SNA_GRAPHS = ["directed_groups", "directed_weighted", "kite", "florentine", "karate"]
COLUMNS = [*ROLES, "total"]
TYPES = ["church", "refugee", "welfare", "initiative"]


def sna() -> dict:
    return json.loads(SNA_FIXTURE.read_text())["graphs"]


def brute_force(types: dict[str, str], arcs: set[tuple[str, str]]) -> pd.DataFrame:
    """Walk every ordered triple, classifying as sna's C code does (gli.c, brokerage_R)."""
    counts = {v: dict.fromkeys(COLUMNS, 0) for v in types}
    for a, v, b in itertools.permutations(types, 3):
        if (a, v) in arcs and (v, b) in arcs and (a, b) not in arcs:
            ca, cv, cb = types[a], types[v], types[b]
            if ca == cv:
                role = "coordinator" if cv == cb else "representative"
            elif cv == cb:
                role = "gatekeeper"
            elif ca == cb:
                role = "consultant"
            else:
                role = "liaison"
            counts[v][role] += 1
            counts[v]["total"] += 1
    return pd.DataFrame([counts[v] for v in types], index=pd.Index(list(types), name="id"),
                        columns=COLUMNS, dtype="int64")


def arcs_of(ties: list[tuple[str, str]], directed: bool) -> set[tuple[str, str]]:
    arcs = set(ties)
    return arcs if directed else arcs | {(b, a) for a, b in ties}


# -- against sna ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SNA_GRAPHS)
def test_counts_match_sna(name: str) -> None:
    fixture = sna()[name]
    counts = brokerage(to_igraph(reference_alliance(name)))
    for role in COLUMNS:
        expected = pd.Series(fixture["raw"][SNA_NAMES[role]], dtype="int64")
        pd.testing.assert_series_equal(counts[role], expected.reindex(counts.index), check_names=False)


@pytest.mark.parametrize("name", SNA_GRAPHS)
def test_expectations_and_z_match_sna(name: str) -> None:
    fixture = sna()[name]
    table = brokerage_expected(to_igraph(reference_alliance(name)))
    for role in COLUMNS:
        for ours, theirs in [("expected", "expected"), ("sd", "sd"), ("z", "z")]:
            expected = np.array([float(fixture[theirs][SNA_NAMES[role]][i]) for i in table.index])
            np.testing.assert_allclose(
                table[f"{role}_{ours}"].to_numpy(), expected, rtol=1e-12, atol=1e-12, equal_nan=True
            )


@pytest.mark.parametrize("name", SNA_GRAPHS)
def test_network_level_matches_sna(name: str) -> None:
    fixture = sna()[name]["network"]
    table = brokerage_network(to_igraph(reference_alliance(name)))
    for role in COLUMNS:
        for column in ["observed", "expected", "sd", "z"]:
            assert table.loc[role, column] == pytest.approx(
                float(fixture[column][SNA_NAMES[role]]), rel=1e-12, abs=1e-12, nan_ok=True
            ), (role, column)


def test_sna_role_names_follow_sna_documentation() -> None:
    """sna: b_IO representative (A → A → B), b_OI gatekeeper (A → B → B)."""
    # a (church) → v (church) → b (refugee): representative.
    g = to_igraph(make_alliance({"a": "church", "v": "church", "b": "refugee"},
                                [("a", "v"), ("v", "b")], directed=True))
    assert brokerage(g).loc["v"].to_dict() == {**dict.fromkeys(ROLES, 0), "representative": 1, "total": 1}
    # a (church) → v (refugee) → b (refugee): gatekeeper.
    g = to_igraph(make_alliance({"a": "church", "v": "refugee", "b": "refugee"},
                                [("a", "v"), ("v", "b")], directed=True))
    assert brokerage(g).loc["v"].to_dict() == {**dict.fromkeys(ROLES, 0), "gatekeeper": 1, "total": 1}
    assert SNA_NAMES["representative"] == "b_IO" and SNA_NAMES["gatekeeper"] == "b_OI"


# -- against a brute-force count, on random graphs ------------------------------------------


@st.composite
def small_networks(draw):
    n = draw(st.integers(min_value=0, max_value=9))
    ids = [f"v{i}" for i in range(n)]
    types = {i: draw(st.sampled_from(TYPES[: draw(st.integers(1, 4))])) for i in ids}
    directed = draw(st.booleans())
    pairs = list(itertools.permutations(ids, 2)) if directed else list(itertools.combinations(ids, 2))
    ties = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    weights = [draw(st.sampled_from([0.5, 1.0, 3.0])) for _ in ties]
    return types, ties, weights, directed


@settings(max_examples=300)
@given(small_networks())
def test_counts_equal_brute_force(network) -> None:
    types, ties, weights, directed = network
    alliance = make_alliance(
        types, [(a, b, w) for (a, b), w in zip(ties, weights, strict=True)], directed=directed
    )
    counts = brokerage(to_igraph(alliance))
    expected = brute_force(types, arcs_of(ties, directed))
    pd.testing.assert_frame_equal(counts, expected, check_index_type=False)
    assert (counts[list(ROLES)].sum(axis=1) == counts["total"]).all()
    if not directed:
        # Every brokered pair counts once per direction, so the two boundary roles mirror.
        assert (counts["gatekeeper"] == counts["representative"]).all()
        assert (counts["total"] % 2 == 0).all()


@settings(max_examples=100)
@given(small_networks(), st.randoms(use_true_random=False))
def test_order_of_actors_and_ties_does_not_matter(network, random) -> None:
    types, ties, weights, directed = network
    tie_rows = [(a, b, w) for (a, b), w in zip(ties, weights, strict=True)]
    shuffled_types = dict(random.sample(list(types.items()), len(types)))
    shuffled_ties = random.sample(tie_rows, len(tie_rows))
    g = to_igraph(make_alliance(types, tie_rows, directed=directed))
    h = to_igraph(make_alliance(shuffled_types, shuffled_ties, directed=directed))
    pd.testing.assert_frame_equal(brokerage(h).loc[list(types)], brokerage(g))
    pd.testing.assert_frame_equal(brokerage_expected(h).loc[list(types)], brokerage_expected(g))
    pd.testing.assert_frame_equal(brokerage_network(h), brokerage_network(g))


# -- the null model: our power sums against sna's R code transcribed line by line ----------


def sna_moments(n: list[float], d: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """sna::brokerage's ebr/vbr (per group) and egbr/vgbr (network), literally, loops and all."""
    n_arr = np.array(n, dtype=float)
    N = float(n_arr.sum())
    k = len(n)
    ebr, vbr = np.zeros((k, 6)), np.zeros((k, 6))
    e0, c3, c4, c5 = d**2 * (1 - d), d**3 * (1 - d) ** 3, d**4 * (1 - d) ** 2, d**5 * (1 - d)

    def choose2(x):
        return x * (x - 1) / 2

    for i in range(k):
        ni, rest = n_arr[i], np.delete(n_arr, i)
        ebr[i, 0] = e0 * (ni - 1) * (ni - 2)
        vbr[i, 0] = ebr[i, 0] * (1 - e0) + 2 * (ni - 1) * (ni - 2) * (ni - 3) * c3
        ebr[i, 1] = e0 * np.sum(rest * (rest - 1))
        vbr[i, 1] = ebr[i, 1] * (1 - e0) + 2 * np.sum(rest * (rest - 1) * (rest - 2)) * c3
        ebr[i, 2] = e0 * (N - ni) * (ni - 1)
        vbr[i, 2] = ebr[i, 2] * (1 - e0) + 2 * ((ni - 1) * choose2(N - ni) + (N - ni) * choose2(ni - 1)) * c3
        ebr[i, 3], vbr[i, 3] = ebr[i, 2], vbr[i, 2]
        ebr[i, 4] = e0 * (np.sum(np.outer(rest, rest)) - np.sum(rest**2))
        vbr[i, 4] = ebr[i, 4] * (1 - e0) + 4 * np.sum(rest * choose2(N - rest - ni) * c3)
        ebr[i, 5] = e0 * (N - 1) * (N - 2)
        vbr[i, 5] = ebr[i, 5] * (1 - e0) + 2 * (N - 1) * (N - 2) * (N - 3) * c3
    x, y = np.meshgrid(n_arr, n_arr, indexing="ij")
    egbr, vgbr = np.zeros(6), np.zeros(6)
    egbr[0] = e0 * np.sum(n_arr * (n_arr - 1) * (n_arr - 2))
    vgbr[0] = egbr[0] * (1 - e0) + np.sum(
        n_arr * (n_arr - 1) * (n_arr - 2)
        * ((4 * n_arr - 10) * c3 - 4 * (n_arr - 3) * c4 + (n_arr - 3) * c5)
    )
    egbr[1] = e0 * np.sum(n_arr * (N - n_arr) * (n_arr - 1))
    vgbr[1] = egbr[1] * (1 - e0) + (
        np.sum(x * y * (x - 1) * ((2 * x + 2 * y - 6) * c3 + (N - x - 1) * c5))
        - np.sum(n_arr * n_arr * (n_arr - 1) * ((4 * n_arr - 6) * c3 + (N - n_arr - 1) * c5))
    )
    egbr[2] = e0 * np.sum(n_arr * (N - n_arr) * (n_arr - 1))
    vgbr[2] = egbr[2] * (1 - e0) + np.sum(
        n_arr * (N - n_arr) * (n_arr - 1) * ((N - 3) * c3 + (n_arr - 2) * c5)
    )
    egbr[3], vgbr[3] = egbr[2], vgbr[2]
    egbr[4] = e0 * (np.sum(x * y * (N - x - y)) - np.sum(n_arr * n_arr * (N - 2 * n_arr)))
    vgbr[4] = egbr[4] * (1 - e0)
    for i, j, h in itertools.product(range(k), repeat=3):
        if i != j and j != h and i != h:
            a, b, c = n_arr[i], n_arr[j], n_arr[h]
            vgbr[4] += a * b * c * (
                (4 * (N - b) - 2 * (a + c + 1)) * c3
                - (4 * (N - c) - 2 * (a + b + 1)) * c4
                + (N - (a + c + 1)) * c5
            )
    egbr[5] = e0 * N * (N - 1) * (N - 2)
    vgbr[5] = egbr[5] * (1 - e0) + N * (N - 1) * (N - 2) * (
        (4 * N - 10) * c3 - 4 * (N - 3) * c4 + (N - 3) * c5
    )
    return ebr, vbr, egbr, vgbr


# sna orders columns w_I, w_O, b_IO, b_OI, b_O, t; netz coordinator, consultant, gatekeeper
# (b_OI), representative (b_IO), liaison, total. b_IO and b_OI have the same moments.
@settings(max_examples=200)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=9), st.floats(0.0, 1.0))
def test_null_model_equals_sna_formulas(sizes: list[int], d: float) -> None:
    ebr, vbr, egbr, vgbr = sna_moments(sizes, d)
    expected, variance = _actor_moments(np.array(sizes, dtype=float), d)
    np.testing.assert_allclose(expected, ebr, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(variance, vbr, rtol=1e-9, atol=1e-7)
    expected, variance = _network_moments(np.array(sizes, dtype=float), d)
    np.testing.assert_allclose(expected, egbr, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(variance, vgbr, rtol=1e-9, atol=1e-6)


# -- hand-worked, direction, weights, isolates, tiny networks -------------------------------


def test_undirected_star_by_hand() -> None:
    """Centre c (welfare) with leaves r1, r2 (refugee) and k (church), no other ties.

    Ordered brokered pairs through c: r1→r2, r2→r1 (consultant, A → B → A), r→k twice
    (refugee → welfare → church: liaison) and k→r twice (liaison): 2 consultant, 4 liaison.
    """
    g = to_igraph(make_alliance({"c": "welfare", "r1": "refugee", "r2": "refugee", "k": "church"},
                                [("c", "r1"), ("c", "r2"), ("c", "k")]))
    assert brokerage(g).loc["c"].to_dict() == {
        "coordinator": 0, "consultant": 2, "gatekeeper": 0, "representative": 0,
        "liaison": 4, "total": 6,
    }
    assert (brokerage(g).drop(index="c") == 0).all().all()


def test_directed_roles_by_hand() -> None:
    """a (church) → v (church) → b (refugee) → w (refugee).

    a → v → b is open (no a → b) and v → b → w is open (no v → w).
    """
    g = to_igraph(make_alliance({"a": "church", "v": "church", "b": "refugee", "w": "refugee"},
                                [("a", "v"), ("v", "b"), ("b", "w")], directed=True))
    counts = brokerage(g)
    assert counts.loc["v", "representative"] == 1  # church → church → refugee
    assert counts.loc["b", "gatekeeper"] == 1  # church → refugee → refugee
    assert counts["total"].sum() == 2
    # Closing a → b removes v's brokerage, but not b's (still no v → w).
    g = to_igraph(make_alliance({"a": "church", "v": "church", "b": "refugee", "w": "refugee"},
                                [("a", "v"), ("v", "b"), ("b", "w"), ("a", "b")], directed=True))
    counts = brokerage(g)
    assert counts.loc["v", "total"] == 0
    assert counts.loc["b", "gatekeeper"] == 2  # v → b → w and a → b → w


def test_reciprocated_tie_is_not_a_two_path_to_oneself() -> None:
    g = to_igraph(make_alliance({"a": "church", "v": "church"}, [("a", "v"), ("v", "a")], directed=True))
    assert (brokerage(g) == 0).all().all()


@pytest.mark.parametrize("directed", [False, True])
def test_weights_do_not_matter(directed: bool) -> None:
    ties = [("a", "b", 5.0), ("b", "c", 0.5), ("c", "d", 2.0), ("b", "d", 1.0)]
    types = ["church", "refugee", "welfare", "refugee"]
    weighted = to_igraph(make_alliance(types, ties, directed=directed))
    plain = to_igraph(make_alliance(types, [t[:2] for t in ties], directed=directed))
    assert weighted["weighted"] and not plain["weighted"]
    pd.testing.assert_frame_equal(brokerage(weighted), brokerage(plain))
    pd.testing.assert_frame_equal(brokerage_expected(weighted), brokerage_expected(plain))


@pytest.mark.parametrize("name", ["florentine", "kite", "karate"])
def test_undirected_equals_symmetric_directed(name: str) -> None:
    alliance = reference_alliance(name)
    ties = [(s, t) for s, t in zip(alliance.ties["source"], alliance.ties["target"], strict=True)]
    types = dict(zip(alliance.actors["id"], alliance.actors["type"], strict=True))
    both = make_alliance(types, ties + [(t, s) for s, t in ties], directed=True)
    pd.testing.assert_frame_equal(brokerage(to_igraph(both)), brokerage(to_igraph(alliance)))
    pd.testing.assert_frame_equal(
        brokerage_expected(to_igraph(both)), brokerage_expected(to_igraph(alliance))
    )


@pytest.mark.parametrize("directed", [False, True])
def test_isolates_broker_nothing_but_have_expectations(directed: bool) -> None:
    g = to_igraph(make_alliance(["church", "church", "church", "refugee", "church"],
                                [("a", "b"), ("b", "c"), ("c", "d")], directed=directed))
    assert (brokerage(g).loc["e"] == 0).all()
    expected = brokerage_expected(g)
    # e is a church like a, b, c: same expectation, and a (defined) negative z for total.
    pd.testing.assert_series_equal(
        expected.loc["e"].filter(like="_expected"), expected.loc["a"].filter(like="_expected"),
        check_names=False,
    )
    assert expected.loc["e", "total_z"] < 0


@pytest.mark.parametrize("n", [0, 1, 2])
def test_tiny_networks(n: int) -> None:
    types = ["church", "refugee"][:n]
    ties = [("a", "b")] if n == 2 else []
    g = to_igraph(make_alliance(types, ties))
    counts = brokerage(g)
    assert list(counts.columns) == COLUMNS and len(counts) == n
    assert (counts == 0).all().all()
    expected = brokerage_expected(g)
    assert (expected.filter(like="_expected") == 0).all().all()
    assert expected.filter(like="_z").isna().all().all()  # nothing possible: z undefined
    network = brokerage_network(g)
    assert (network["observed"] == 0).all() and network["z"].isna().all()


def test_one_group_has_no_between_group_roles() -> None:
    g = to_igraph(reference_alliance("kite"))
    g.vs["type"] = ["church"] * g.vcount()
    counts = brokerage(g)
    assert (counts[["consultant", "gatekeeper", "representative", "liaison"]] == 0).all().all()
    assert (counts["coordinator"] == counts["total"]).all()
    z = brokerage_expected(g)
    assert z[["consultant_z", "gatekeeper_z", "representative_z", "liaison_z"]].isna().all().all()


def test_group_by_other_attribute_with_missing_values() -> None:
    alliance = make_alliance(
        ["church", "church", "church"], [("a", "b"), ("b", "c")],
        attributes={"a": {"district": "Nord"}, "c": {"district": "Süd"}},
    )
    g = to_igraph(alliance)
    # By type, b coordinates; by district a (Nord) – b (none) – c (Süd) are three groups.
    assert brokerage(g).loc["b", "coordinator"] == 2
    assert brokerage(g, group_by="district").loc["b", "liaison"] == 2
    with pytest.raises(UnknownNameError, match="no actor attribute 'no_such_attribute'") as error:
        brokerage(g, group_by="no_such_attribute")
    assert "district" in error.value.accepted


@pytest.mark.parametrize("name", [*SNA_GRAPHS, "isolates", "disconnected", "weighted"])
def test_contract(name: str) -> None:
    g = to_igraph(reference_alliance(name))
    counts = brokerage(g)
    assert list(counts.index) == g.vs["name"] and counts.index.name == "id"
    assert list(counts.columns) == COLUMNS and (counts.dtypes == "int64").all()
    assert (counts >= 0).all().all()
    assert (counts[list(ROLES)].sum(axis=1) == counts["total"]).all()
    expected = brokerage_expected(g)
    assert list(expected.columns) == [f"{r}_{k}" for r in COLUMNS for k in ("expected", "sd", "z")]
    assert (expected.filter(like="_expected") >= 0).all().all()
    assert (expected.filter(like="_sd") >= 0).all().all()
    network = brokerage_network(g)
    np.testing.assert_array_equal(network["observed"].to_numpy(), counts.sum().to_numpy())
    assert math.isclose(network.loc["total", "expected"], expected["total_expected"].sum())


def test_observed_counts_can_be_passed_on() -> None:
    g = to_igraph(reference_alliance("directed_groups"))
    counts = brokerage(g)
    pd.testing.assert_frame_equal(brokerage_expected(g, observed=counts), brokerage_expected(g))
    pd.testing.assert_frame_equal(brokerage_network(g, observed=counts), brokerage_network(g))
    with pytest.raises(ValueError, match="brokerage"):
        brokerage_expected(g, observed=counts.iloc[1:])
    with pytest.raises(ValueError, match="brokerage"):
        brokerage_network(g, observed=counts[list(ROLES)])


def test_the_graph_is_left_as_it_was() -> None:
    g = to_igraph(make_alliance(["church"] * 3, [("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")],
                                directed=True))
    edges = g.get_edgelist()
    brokerage_network(g)
    assert not g.has_multiple() and g.is_simple() and g.get_edgelist() == edges


@pytest.mark.parametrize("name", SNA_GRAPHS)
def test_sparse_path_for_many_groups_counts_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not ``import netz.core.metrics.brokerage``: the package re-exports the function of that name.
    module = importlib.import_module("netz.core.metrics.brokerage")
    g = to_igraph(reference_alliance(name))
    dense = brokerage(g)
    monkeypatch.setattr(module, "_DENSE_GROUP_TABLE", 0)
    pd.testing.assert_frame_equal(brokerage(g), dense)


# -- the counting: arc lookups, groups of one, raw igraph graphs -----------------------------


def _arcs_and_types(g) -> tuple[dict[str, str], set[tuple[str, str]]]:
    names = g.vs["name"]
    arcs = {(names[u], names[v]) for u, v in g.get_edgelist() if u != v}
    if not g.is_directed():
        arcs |= {(b, a) for a, b in arcs}
    return dict(zip(names, g.vs["type"], strict=True)), arcs


@pytest.mark.parametrize("name", [*SNA_GRAPHS, "isolates", "disconnected", "weighted"])
def test_binary_search_and_table_lookups_count_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Arcs are looked up in an n × n table for small networks, by binary search otherwise."""
    module = importlib.import_module("netz.core.metrics.brokerage")
    g = to_igraph(reference_alliance(name))
    with_table = brokerage(g)
    monkeypatch.setattr(module._ArcLookup, "_MAX_TABLE", 0)
    pd.testing.assert_frame_equal(brokerage(g), with_table)
    types, arcs = _arcs_and_types(g)
    pd.testing.assert_frame_equal(with_table, brute_force(types, arcs), check_index_type=False)


@settings(max_examples=100)
@given(small_networks())
def test_binary_search_lookups_equal_brute_force(network) -> None:
    module = importlib.import_module("netz.core.metrics.brokerage")
    types, ties, _, directed = network
    g = to_igraph(make_alliance(types, ties, directed=directed))
    original = module._ArcLookup._MAX_TABLE
    module._ArcLookup._MAX_TABLE = 0
    try:
        counts = brokerage(g)
    finally:
        module._ArcLookup._MAX_TABLE = original
    pd.testing.assert_frame_equal(counts, brute_force(types, arcs_of(ties, directed)), check_index_type=False)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("name", ["florentine", "karate", "directed_groups"])
def test_every_actor_its_own_group_makes_everything_liaison(name: str, directed: bool) -> None:
    """With groups of one, a → v → b has three different groups: only liaison is possible."""
    g = to_igraph(reference_alliance(name), directed=directed)
    g.vs["type"] = g.vs["name"]
    counts = brokerage(g)
    assert (counts[["coordinator", "consultant", "gatekeeper", "representative"]] == 0).all().all()
    assert (counts["liaison"] == counts["total"]).all() and counts["total"].sum() > 0
    types, arcs = _arcs_and_types(g)
    pd.testing.assert_frame_equal(counts, brute_force(types, arcs), check_index_type=False)
    # Grouping by the actor id (an attribute unique to each actor) is the same thing.
    pd.testing.assert_frame_equal(brokerage(g, group_by="name"), counts)
    z = brokerage_expected(g)
    assert z[["coordinator_z", "consultant_z", "gatekeeper_z", "representative_z"]].isna().all().all()


@pytest.mark.parametrize("directed", [False, True])
def test_one_group_counts_equal_brute_force(directed: bool) -> None:
    g = to_igraph(reference_alliance("karate"), directed=directed)
    g.vs["type"] = ["church"] * g.vcount()
    types, arcs = _arcs_and_types(g)
    pd.testing.assert_frame_equal(brokerage(g), brute_force(types, arcs), check_index_type=False)


@pytest.mark.parametrize("directed", [False, True])
def test_repeated_ties_and_self_ties_of_a_raw_graph_are_ignored(directed: bool) -> None:
    """A graph not made by to_igraph may repeat ties or tie an actor to itself: neither counts."""
    ties = [(0, 1), (1, 2), (2, 3), (3, 0), (1, 3), (2, 0)]
    extra = [(0, 1), (2, 3), (1, 1), (3, 3)]
    types = ["church", "refugee", "church", "welfare"]
    names = ["a", "b", "c", "d"]

    def graph(edges: list[tuple[int, int]]) -> ig.Graph:
        g = ig.Graph(n=4, edges=edges, directed=directed)
        g.vs["name"], g.vs["type"] = names, types
        return g

    plain, messy = graph(ties), graph(extra[:1] + ties[:3] + extra[1:] + ties[3:])
    pd.testing.assert_frame_equal(brokerage(messy), brokerage(plain))
    pd.testing.assert_frame_equal(brokerage_expected(messy), brokerage_expected(plain))
    counts = brokerage(messy)
    pd.testing.assert_frame_equal(brokerage_expected(messy, observed=counts), brokerage_expected(plain))
    pd.testing.assert_frame_equal(brokerage_network(messy, observed=counts), brokerage_network(plain))
    types_of, arcs = _arcs_and_types(plain)
    pd.testing.assert_frame_equal(counts, brute_force(types_of, arcs), check_index_type=False)


def test_results_are_fresh_tables() -> None:
    """Renaming an axis of one result must not rename the next result's labels."""
    g = to_igraph(reference_alliance("kite"))
    first = brokerage(g)
    first.columns.name = "changed"
    network = brokerage_network(g)
    network.index.name = "changed"
    network.columns.name = "changed"
    expected = brokerage_expected(g)
    expected.columns.name = "changed"
    assert brokerage(g).columns.name is None
    assert brokerage_network(g).index.name == "role" and brokerage_network(g).columns.name is None
    assert brokerage_expected(g).columns.name is None

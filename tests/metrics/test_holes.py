"""Burt's structural holes against networkx, R igraph, python-igraph and hand-worked values."""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netz.core.graph import to_igraph, to_networkx
from netz.core.metrics.holes import constraint, effective_size, efficiency, hierarchy, holes_table
from tests.factories import REFERENCE_GRAPHS, make_alliance, reference_alliance

R_FIXTURE = Path(__file__).parents[1] / "fixtures" / "r" / "igraph_constraint.json"
TOL = 1e-9
MEASURES = ["constraint", "effective_size", "efficiency", "hierarchy"]


def variants() -> list[tuple[str, bool, bool]]:
    """Every reference graph read as directed and undirected, with and without its weights."""
    out = []
    for name in REFERENCE_GRAPHS:
        weighted = reference_alliance(name).weighted
        for directed in (False, True):
            for use_weights in ({False, True} if weighted else {False}):
                out.append((name, directed, use_weights))
    return out


def graphs(name: str, directed: bool, weighted: bool):
    """The same alliance for netz (igraph) and for the reference (networkx).

    Reading a directed alliance as undirected sums a reciprocated pair's weights in both
    adapters, so both libraries see the same network.
    """
    alliance = reference_alliance(name)
    g = to_igraph(alliance, directed=directed, weighted=weighted)
    G = to_networkx(alliance, directed=directed)
    return g, G, ("weight" if weighted else None)


def assert_matches(ours: pd.Series, reference: dict, tol: float = TOL) -> None:
    assert list(ours.index) == list(reference)
    expected = np.array([float(reference[k]) for k in ours.index])
    np.testing.assert_array_equal(np.isnan(ours.to_numpy()), np.isnan(expected))
    np.testing.assert_allclose(ours.to_numpy(), expected, rtol=0, atol=tol, equal_nan=True)


# -- against networkx -------------------------------------------------------


@pytest.mark.parametrize(("name", "directed", "weighted"), variants())
def test_constraint_matches_networkx(name: str, directed: bool, weighted: bool) -> None:
    g, G, weight = graphs(name, directed, weighted)
    assert_matches(constraint(g, weighted=weighted), nx.constraint(G, weight=weight))


@pytest.mark.parametrize(("name", "directed", "weighted"), variants())
def test_constraint_matches_networkx_per_node_path(name: str, directed: bool, weighted: bool) -> None:
    # networkx has two implementations (sparse matrices for all nodes, local sums for some);
    # checking against the sums of local constraints guards against a shared slip in the matrix
    # algebra. (Not nx.constraint(G, nodes=...): for a DiGraph it tests ``len(G[v]) == 0``,
    # i.e. no *successors*, and so calls an actor that is only named an isolate.)
    g, G, weight = graphs(name, directed, weighted)
    expected = {
        v: sum(nx.local_constraint(G, v, j, weight=weight) for j in set(nx.all_neighbors(G, v)))
        if G.degree(v) else math.nan
        for v in G
    }
    assert_matches(constraint(g, weighted=weighted), expected)


def burt_effective_size_dense(G: nx.Graph, weight: str | None) -> dict:
    """Burt's effective size with dense matrices, written from the formula (small graphs only)."""
    a = nx.to_numpy_array(G, weight=weight, nonedge=0.0)
    mutual = a + a.T
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.nan_to_num(mutual / mutual.sum(axis=1, keepdims=True))
        m = np.nan_to_num(mutual / mutual.max(axis=1, keepdims=True))  # over j's strongest tie
        redundancy = p @ m.T  # [i, j] = Σ_q p_iq m_jq
        size = ((mutual > 0) * (1 - redundancy)).sum(axis=1)
    size[mutual.sum(axis=1) == 0] = np.nan
    return dict(zip(G, size, strict=True))


@pytest.mark.parametrize(("name", "directed", "weighted"), variants())
def test_effective_size_matches_networkx(name: str, directed: bool, weighted: bool) -> None:
    g, G, weight = graphs(name, directed, weighted)
    ours = effective_size(g, weighted=weighted)
    assert_matches(ours, burt_effective_size_dense(G, weight))
    # networkx's per-node path: Burt's sums, or Borgatti's formula when unweighted and undirected.
    # It takes a DiGraph node without successors for an isolate (networkx issue #2661), so it
    # is asked only about the others.
    asked = [v for v in G if not directed or G.out_degree(v)]
    assert_matches(ours[asked], nx.effective_size(G, nodes=asked, weight=weight))
    if not directed and not weighted:
        # networkx 3.6's all-nodes sparse path divides m_jq by q's strongest tie instead of j's
        # (networkx PR #8906); with all mutual weights 1 the slip cannot show.
        assert_matches(ours, nx.effective_size(G, weight=weight))


@pytest.mark.parametrize(("name", "directed", "weighted"), variants())
def test_efficiency_is_effective_size_per_contact(name: str, directed: bool, weighted: bool) -> None:
    g, G, weight = graphs(name, directed, weighted)
    sizes = burt_effective_size_dense(G, weight)
    contacts = {v: len(set(nx.all_neighbors(G, v))) for v in G}
    expected = {v: sizes[v] / contacts[v] if contacts[v] else math.nan for v in G}
    assert_matches(efficiency(g, weighted=weighted), expected)


@pytest.mark.parametrize(("name", "directed", "weighted"), variants())
def test_hierarchy_follows_burt_from_networkx_local_constraint(
    name: str, directed: bool, weighted: bool
) -> None:
    g, G, weight = graphs(name, directed, weighted)
    expected = {}
    for v in G:
        contacts = set(nx.all_neighbors(G, v))
        n = len(contacts)
        if n <= 1:
            expected[v] = math.nan
            continue
        local = [nx.local_constraint(G, v, j, weight=weight) for j in contacts]
        mean = sum(local) / n
        expected[v] = sum(c / mean * math.log(c / mean) for c in local) / (n * math.log(n))
    assert_matches(hierarchy(g, weighted=weighted), expected)


# -- against R igraph and python-igraph ---------------------------------------


@pytest.mark.parametrize("name", REFERENCE_GRAPHS)
def test_constraint_matches_r_igraph(name: str) -> None:
    """R igraph 1.3.5 ``constraint()``; tests/fixtures/r/igraph_constraint.R wrote the values."""
    fixture = json.loads(R_FIXTURE.read_text())["graphs"][name]
    alliance = reference_alliance(name)
    assert fixture["directed"] == alliance.directed and fixture["weighted"] == alliance.weighted
    # R writes 15 significant digits.
    assert_matches(constraint(to_igraph(alliance)), fixture["constraint"], tol=1e-13)


@pytest.mark.parametrize(("name", "directed", "weighted"), variants())
def test_constraint_matches_python_igraph(name: str, directed: bool, weighted: bool) -> None:
    g, _, _ = graphs(name, directed, weighted)
    reference = g.constraint(weights="weight" if weighted else None)
    assert_matches(constraint(g, weighted=weighted), dict(zip(g.vs["name"], reference, strict=True)))


# -- hand-worked and edge cases ------------------------------------------------


def test_triangle_with_pendant_by_hand() -> None:
    """a–b, a–c, b–c, c–d: worked out on paper.

    c: p = 1/3 to each of a, b, d. ℓ_ca = (1/3 + p_cb p_ba)² = (1/3 + 1/3·1/2)² = 1/4,
    ℓ_cb = 1/4, ℓ_cd = 1/9 → C = 11/18. Effective size 3 − 2·1/3 = 7/3.
    a: p = 1/2 to b, c. ℓ_ab = (p_ab + p_ac p_cb)² = (1/2 + 1/2·1/3)² = 4/9,
    ℓ_ac = (p_ac + p_ab p_bc)² = (1/2 + 1/2·1/2)² = 9/16 → C = 145/144; size 2 − 2·1/2 = 1.
    """
    g = to_igraph(make_alliance(["church"] * 4, [("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")]))
    table = holes_table(g)
    assert table.loc["c", "constraint"] == pytest.approx(11 / 18)
    assert table.loc["a", "constraint"] == pytest.approx(145 / 144)
    assert table.loc["d", "constraint"] == pytest.approx(1.0)
    assert table.loc["c", "effective_size"] == pytest.approx(7 / 3)
    assert table.loc["a", "effective_size"] == pytest.approx(1.0)
    assert table.loc["c", "efficiency"] == pytest.approx(7 / 9)
    # a: r = (4/9, 9/16) / (145/288) = 128/145, 162/145.
    r = np.array([128 / 145, 162 / 145])
    assert table.loc["a", "hierarchy"] == pytest.approx(float((r * np.log(r)).sum() / (2 * np.log(2))))
    # b has the same two contacts as a, and d a single one.
    assert math.isnan(table.loc["d", "hierarchy"])
    # c: r = (1/4, 1/4, 1/9) / (11/54) = 27/22, 27/22, 6/11.
    r = np.array([27 / 22, 27 / 22, 6 / 11])
    assert table.loc["c", "hierarchy"] == pytest.approx(float((r * np.log(r)).sum() / (3 * np.log(3))))


def test_weighted_two_contacts_by_hand() -> None:
    """a–b (3), a–c (1), no b–c: p_ab = 3/4, p_ac = 1/4, C_a = 9/16 + 1/16 = 5/8."""
    g = to_igraph(make_alliance(["church"] * 3, [("a", "b", 3.0), ("a", "c", 1.0)]))
    assert constraint(g)["a"] == pytest.approx(5 / 8)
    assert constraint(g, weighted=False)["a"] == pytest.approx(1 / 2)
    assert effective_size(g)["a"] == pytest.approx(2.0)
    r = np.array([9 / 16, 1 / 16]) / (5 / 16)
    assert hierarchy(g)["a"] == pytest.approx(float((r * np.log(r)).sum() / (2 * np.log(2))))


def test_unequal_strengths_can_exceed_the_unweighted_maximum() -> None:
    """i → j one way, i ↔ k and j ↔ k reciprocated: mutual strengths i–j 1, i–k 2, j–k 2.

    p_ij = 1/3, p_ik = 2/3, p_kj = 1/2, p_jk = 2/3: ℓ_ij = (1/3 + 2/3·1/2)² = 4/9,
    ℓ_ik = (2/3 + 1/3·2/3)² = 64/81, so C_i = 100/81 = 1.2346 > 1.125.
    """
    g = to_igraph(make_alliance(["church"] * 3, [("a", "b"), ("a", "c"), ("c", "a"), ("b", "c"), ("c", "b")],
                                directed=True))
    assert constraint(g)["a"] == pytest.approx(100 / 81)


def test_reciprocated_tie_counts_both_directions() -> None:
    """Directed a→b, b→a, a→c: mutual strengths 2 and 1, so p_ab = 2/3, p_ac = 1/3."""
    g = to_igraph(make_alliance(["church"] * 3, [("a", "b"), ("b", "a"), ("a", "c")], directed=True))
    assert constraint(g)["a"] == pytest.approx(4 / 9 + 1 / 9)
    assert efficiency(g)["a"] == pytest.approx(1.0)  # two contacts, not three tie ends


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_isolates_and_single_contacts_are_defined_honestly(directed: bool, weighted: bool) -> None:
    g = to_igraph(
        make_alliance(["church", "refugee", "welfare"], [("a", "b", 2.0)],
                      directed=directed, weighted=weighted)
    )
    table = holes_table(g)
    assert table.loc["c"].isna().all()  # isolate: every measure undefined
    for actor in "ab":
        assert table.loc[actor, "constraint"] == 1.0
        assert table.loc[actor, "effective_size"] == 1.0
        assert table.loc[actor, "efficiency"] == 1.0
        assert math.isnan(table.loc[actor, "hierarchy"])  # N ln N = 0


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("types", [[], ["church", "refugee"]])
def test_graph_without_ties(types: list[str], directed: bool, weighted: bool) -> None:
    g = to_igraph(make_alliance(types, [], directed=directed), weighted=weighted)
    table = holes_table(g, weighted=weighted)
    assert table.shape == (len(types), 4) and table.isna().all().all()


# -- contract -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "directed", "weighted"), variants())
def test_table_contract(name: str, directed: bool, weighted: bool) -> None:
    g, _, _ = graphs(name, directed, weighted)
    table = holes_table(g, weighted=weighted)
    assert list(table.columns) == MEASURES
    assert list(table.index) == g.vs["name"] and table.index.name == "id"
    for measure, function in zip(MEASURES, [constraint, effective_size, efficiency, hierarchy], strict=True):
        pd.testing.assert_series_equal(table[measure], function(g, weighted=weighted), check_names=False)
    contacts = np.array(g.as_undirected().degree()) if directed else np.array(g.degree())
    defined = table["constraint"].notna()
    assert (defined.to_numpy() == (contacts > 0)).all()
    t = table[defined]
    # 1.125 is the unweighted undirected maximum; unequal (or reciprocated) strengths can pass it.
    ceiling = 1.125 if not (directed or weighted) else 2.0
    assert (t["constraint"] >= 1 / contacts[defined.to_numpy()] - 1e-12).all()
    assert (t["constraint"] <= ceiling + 1e-12).all()
    assert (t["effective_size"] >= 1 - 1e-12).all()
    assert (t["effective_size"] <= contacts[defined.to_numpy()] + 1e-12).all()
    assert ((t["efficiency"] > 0) & (t["efficiency"] <= 1 + 1e-12)).all()
    h = t["hierarchy"].dropna()
    assert ((h >= -1e-12) & (h < 1)).all()


@pytest.mark.parametrize("name", ["karate", "florentine", "isolates", "disconnected", "kite"])
def test_borgatti_formula_equals_general_formula(name: str) -> None:
    """The unweighted undirected shortcut and the weighted code path (all weights 1) agree."""
    g = to_igraph(reference_alliance(name))
    assert not g["weighted"]
    np.testing.assert_allclose(
        effective_size(g).to_numpy(), effective_size(g, weighted=True).to_numpy(), atol=1e-12
    )


@pytest.mark.parametrize("name", ["weighted", "karate_weighted", "directed_weighted"])
def test_scaling_all_weights_changes_nothing(name: str) -> None:
    alliance = reference_alliance(name)
    ties = alliance.ties.assign(weight=alliance.ties["weight"] * 7.5)
    scaled = to_igraph(alliance.replace_ties(ties))
    pd.testing.assert_frame_equal(holes_table(scaled), holes_table(to_igraph(alliance)), atol=1e-12)


@pytest.mark.parametrize("name", REFERENCE_GRAPHS)
def test_order_of_actors_and_ties_does_not_matter(name: str) -> None:
    alliance = reference_alliance(name)
    rng = np.random.default_rng(1)
    shuffled = type(alliance)(
        alliance.actors.sample(frac=1, random_state=rng),
        alliance.ties.sample(frac=1, random_state=rng),
        alliance.directed, alliance.weighted,
    )
    ours = holes_table(to_igraph(shuffled)).sort_index()
    pd.testing.assert_frame_equal(ours, holes_table(to_igraph(alliance)).sort_index(), atol=1e-12)


def test_the_graph_is_left_as_it_was() -> None:
    """igraph's list_triangles on a directed graph with reciprocated ties makes igraph believe
    the graph has multiple edges; the metrics must not leave that behind for the next one."""
    g = to_igraph(make_alliance(["church"] * 3, [("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")],
                                directed=True))
    edges, weights = g.get_edgelist(), g.es["weight"]
    holes_table(g)
    assert not g.has_multiple() and g.is_simple()
    assert g.get_edgelist() == edges and g.es["weight"] == weights


@pytest.mark.parametrize(("name", "directed", "weighted"), variants())
def test_pairs_found_by_table_or_by_search_give_the_same_measures(
    name: str, directed: bool, weighted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small networks find a contact pair in a table of all n² pairs, large ones by binary search."""
    import netz.core.metrics.holes as holes

    g, _, _ = graphs(name, directed, weighted)
    by_table = holes_table(g, weighted=weighted)
    monkeypatch.setattr(holes, "DIRECT_LOOKUP_MAX", 0)
    pd.testing.assert_frame_equal(holes_table(g, weighted=weighted), by_table)

"""Centralities against networkx (and R sna) on the reference graphs, plus edge cases and contracts."""

from __future__ import annotations

import json
import math
import random
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from functools import cache
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from netz.core.graph import to_igraph, to_networkx
from netz.core.metrics import _paths
from netz.core.metrics._paths import bfs_rows, lengths_matrix, path_sums, sampled_sums
from netz.core.metrics.centrality import (
    CENTRALITY_COLUMNS,
    betweenness,
    betweenness_sample_size,
    centrality_table,
    closeness,
    clustering,
    coreness,
    degree,
    eigenvector,
    harmonic,
    normalized_degree,
    pagerank,
    path_sample_size,
    strength,
)
from netz.core.model import Alliance
from tests.factories import REFERENCE_GRAPHS, make_alliance, reference_alliance, same_alliance_in_two_orders

SNA = json.loads((Path(__file__).parents[1] / "fixtures" / "r" / "sna_centrality.json").read_text())

# Every reference graph as given and read the other way (undirected ones as
# directed, ties pointing as in the file; directed ones as undirected).
CASES = [(name, directed) for name in REFERENCE_GRAPHS for directed in (False, True)]
WEIGHTED = [False, True]


@cache
def graphs(name: str, directed: bool) -> tuple[ig.Graph, nx.Graph, bool]:
    """igraph and networkx forms of a reference graph, and whether it is weighted.

    The networkx graph carries ``distance`` (1/weight as float) and ``exact``
    (1/weight as a Fraction) on every edge.
    """
    alliance = reference_alliance(name)
    g = to_igraph(alliance, directed=directed)
    G = to_networkx(alliance, directed=directed)
    for _, _, data in G.edges(data=True):
        if not alliance.weighted:
            data["weight"] = 1.0
        data["distance"] = 1.0 / data["weight"]
        data["exact"] = 1 / Fraction(data["weight"])
    return g, G, alliance.weighted


def by_id(values: dict, g: ig.Graph) -> np.ndarray:
    return np.array([float(values[i]) for i in g.vs["name"]])


def use(weighted: bool, has_weights: bool, attribute: str) -> str | None:
    return attribute if weighted and has_weights else None


# -- against networkx --------------------------------------------------------


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_degrees_match_networkx(name: str, directed: bool) -> None:
    g, G, _ = graphs(name, directed)
    assert degree(g).tolist() == [G.degree(i) for i in g.vs["name"]]
    if directed:
        assert degree(g, mode="in").tolist() == [G.in_degree(i) for i in g.vs["name"]]
        assert degree(g, mode="out").tolist() == [G.out_degree(i) for i in g.vs["name"]]
    else:
        assert degree(g, mode="in").equals(degree(g).rename("in_degree"))
    np.testing.assert_allclose(normalized_degree(g), by_id(nx.degree_centrality(G), g), rtol=0, atol=1e-12)


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", WEIGHTED)
def test_strength_matches_networkx(name: str, directed: bool, weighted: bool) -> None:
    g, G, has_weights = graphs(name, directed)
    expected = dict(G.degree(weight=use(weighted, has_weights, "weight")))
    np.testing.assert_allclose(strength(g, weighted=weighted), by_id(expected, g), rtol=0, atol=1e-12)


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", WEIGHTED)
@pytest.mark.parametrize("normalized", [False, True])
def test_betweenness_matches_networkx_with_exact_distances(
    name: str, directed: bool, weighted: bool, normalized: bool
) -> None:
    # networkx run on Fraction distances compares path lengths exactly; see
    # test_weighted_betweenness_treats_equal_path_lengths_as_equal for why.
    g, G, has_weights = graphs(name, directed)
    expected = nx.betweenness_centrality(G, normalized=normalized, weight=use(weighted, has_weights, "exact"))
    result = betweenness(g, weighted=weighted, normalized=normalized)
    np.testing.assert_allclose(result, by_id(expected, g), rtol=0, atol=1e-9)
    assert result.name == ("betweenness_norm" if normalized else "betweenness")


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_betweenness_matches_networkx_float_distances(name: str, directed: bool) -> None:
    # Where no two shortest paths have lengths that differ only by rounding,
    # networkx's plain float distances 1/w agree too.
    g, G, has_weights = graphs(name, directed)
    if name in {"karate_weighted", "directed_weighted"}:
        pytest.skip("has paths of equal exact length whose float sums differ (see the next test)")
    expected = nx.betweenness_centrality(G, normalized=False, weight=use(True, has_weights, "distance"))
    np.testing.assert_allclose(betweenness(g), by_id(expected, g), rtol=0, atol=1e-9)


def test_weighted_betweenness_treats_equal_path_lengths_as_equal() -> None:
    # s–x–y–t has length 1 + 1/6 + 1/6 and s–z–t 1 + 1/3: both 4/3 exactly, so
    # the pair (s, t) is split between them and z gets 1/2 (x and y get 1/2
    # from it too). In floats, summed from s, 1.3333333333333335 ≠
    # 1.3333333333333333, but summed from t both are 1.3333333333333333:
    # networkx on float distances counts z fully one way and half the other (3/4).
    alliance = make_alliance(
        {"s": "church", "x": "welfare", "y": "welfare", "z": "refugee", "t": "municipality"},
        [("s", "x", 1.0), ("x", "y", 6.0), ("y", "t", 6.0), ("s", "z", 1.0), ("z", "t", 3.0)],
    )
    g, G = to_igraph(alliance), to_networkx(alliance)
    for _, _, data in G.edges(data=True):
        data["distance"] = 1.0 / data["weight"]
        data["exact"] = 1 / Fraction(data["weight"])
    ours = betweenness(g).to_dict()
    assert ours == pytest.approx({"s": 0.0, "x": 1.5, "y": 2.5, "z": 0.5, "t": 2.0})
    assert nx.betweenness_centrality(G, normalized=False, weight="exact") == pytest.approx(ours)
    assert nx.betweenness_centrality(G, normalized=False, weight="distance")["z"] == pytest.approx(0.75)


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", WEIGHTED)
def test_closeness_and_harmonic_match_networkx(name: str, directed: bool, weighted: bool) -> None:
    g, G, has_weights = graphs(name, directed)
    distance = use(weighted, has_weights, "distance")
    np.testing.assert_allclose(
        closeness(g, weighted=weighted), by_id(nx.closeness_centrality(G, distance=distance), g),
        rtol=0, atol=1e-9,
    )
    np.testing.assert_allclose(
        harmonic(g, weighted=weighted), by_id(nx.harmonic_centrality(G, distance=distance), g),
        rtol=0, atol=1e-9,
    )


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", WEIGHTED)
def test_eigenvector_matches_networkx(name: str, directed: bool, weighted: bool) -> None:
    g, G, has_weights = graphs(name, directed)
    result = eigenvector(g, weighted=weighted)
    if directed and g.is_dag():
        # No cycle: the largest eigenvalue is 0 and every vector qualifies.
        # (networkx's iteration drifts towards the ends of the longest paths
        # and stops wherever its tolerance is first met.)
        assert result.isna().all()
        return
    # networkx run to convergence; at its default tol=1e-6 it is itself only
    # accurate to about 1e-6.
    expected = nx.eigenvector_centrality(
        G, weight=use(weighted, has_weights, "weight"), tol=1e-14, max_iter=100_000
    )
    np.testing.assert_allclose(result, by_id(expected, g), rtol=0, atol=1e-9)
    default = nx.eigenvector_centrality(G, weight=use(weighted, has_weights, "weight"), max_iter=10_000)
    np.testing.assert_allclose(result, by_id(default, g), rtol=0, atol=1e-4)


@pytest.mark.parametrize("directed", [False, True])
def test_eigenvector_is_the_same_to_the_bit_whatever_state_the_random_generator_is_in(directed: bool) -> None:
    # igraph starts ARPACK from the degrees plus noise drawn from its generator (Python's
    # random module unless netz sets another): unseeded, two runs differed in the last digits.
    rng = np.random.default_rng(7)
    pairs = {tuple(sorted(p)) if not directed else tuple(p) for p in rng.integers(0, 150, size=(1500, 2))}
    ties = [(f"v{s}", f"v{t}", float(rng.integers(1, 6))) for s, t in sorted(pairs) if s != t]
    g = to_igraph(make_alliance({f"v{i}": "church" for i in range(150)}, ties, directed=directed))
    runs = []
    for state in (1, 2):
        random.seed(state)
        runs.append(eigenvector(g).to_numpy())
    assert runs[0].tobytes() == runs[1].tobytes()


def test_eigenvector_is_undefined_when_dominant_parts_feed_each_other() -> None:
    # a↔b names c↔d: both pairs have eigenvalue 1 and one feeds the other, so
    # the eigenvalue is defective. Likewise without any cycle (eigenvalue 0).
    chain = make_alliance(["church"] * 4, [("a", "b"), ("b", "a"), ("b", "c"), ("c", "d"), ("d", "c")],
                          directed=True)
    assert eigenvector(to_igraph(chain)).isna().all()
    acyclic = make_alliance(["church"] * 3, [("a", "b"), ("b", "c"), ("a", "c")], directed=True)
    assert eigenvector(to_igraph(acyclic)).isna().all()


@pytest.mark.parametrize(
    ("ties", "directed"),
    [
        # two equal triangles that never meet: not unique, both score equally
        ([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f")], False),
        # a triangle and a single tie: only the triangle's eigenvalue counts
        ([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e")], False),
        # two reciprocated pairs both naming e, f named by no one
        ([("a", "b"), ("b", "a"), ("c", "d"), ("d", "c"), ("a", "e"), ("c", "e"), ("f", "a")], True),
    ],
)
def test_eigenvector_on_disconnected_and_degenerate_graphs_is_networkx_limit(
    ties: list[tuple[str, str]], directed: bool
) -> None:
    alliance = make_alliance(["initiative"] * 6, ties, directed=directed)
    g, G = to_igraph(alliance), to_networkx(alliance)
    expected = nx.eigenvector_centrality(G, weight=None, tol=1e-14, max_iter=100_000)
    np.testing.assert_allclose(eigenvector(g), by_id(expected, g), rtol=0, atol=1e-6)


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", WEIGHTED)
def test_pagerank_matches_networkx(name: str, directed: bool, weighted: bool) -> None:
    g, G, has_weights = graphs(name, directed)
    result = pagerank(g, weighted=weighted)
    weight = use(weighted, has_weights, "weight")
    exact = nx.pagerank(G, alpha=0.85, weight=weight, tol=1e-15, max_iter=100_000)
    np.testing.assert_allclose(result, by_id(exact, g), rtol=0, atol=1e-9)
    # networkx stops when the values change by less than n·1e-6 in total, so
    # its default answer is itself only good to a few 1e-6.
    default = nx.pagerank(G, alpha=0.85, weight=weight)
    np.testing.assert_allclose(result, by_id(default, g), rtol=0, atol=1e-5)
    assert result.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_coreness_matches_networkx(name: str, directed: bool) -> None:
    g, G, _ = graphs(name, directed)
    assert coreness(g).tolist() == [nx.core_number(G)[i] for i in g.vs["name"]]


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", WEIGHTED)
def test_clustering_matches_networkx(name: str, directed: bool, weighted: bool) -> None:
    g, G, has_weights = graphs(name, directed)
    expected = nx.clustering(G, weight=use(weighted, has_weights, "weight"))
    np.testing.assert_allclose(clustering(g, weighted=weighted), by_id(expected, g), rtol=0, atol=1e-12)


def test_clustering_counts_reciprocated_ties_as_fagiolo() -> None:
    # a↔b, b→c, c→a: S = A + Aᵀ has S_ab = 2, so (S³)_aa = 2·(2·1·1) = 4;
    # a has total degree 3 with one reciprocated tie: 4 / (2·(3·2 − 2)) = 1/2.
    alliance = make_alliance(["church"] * 3, [("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")], directed=True)
    assert clustering(to_igraph(alliance))["a"] == pytest.approx(0.5)
    assert nx.clustering(to_networkx(alliance))["a"] == pytest.approx(0.5)


# -- against R sna ---------------------------------------------------------------


@pytest.mark.parametrize("name", REFERENCE_GRAPHS)
def test_betweenness_matches_sna(name: str) -> None:
    alliance = reference_alliance(name)
    g = to_igraph(alliance)
    reference = SNA[name]
    assert g.vs["name"] == reference["ids"]
    np.testing.assert_allclose(betweenness(g, weighted=False), reference["betweenness"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(degree(g), reference["degree"], rtol=0, atol=0)


# -- parallel and sampled betweenness ----------------------------------------------


@pytest.mark.parametrize("directed", [False, True])
def test_source_shares_of_betweenness_add_up_to_the_whole(directed: bool) -> None:
    # The property the parallel split relies on, including igraph halving each
    # undirected share so that the sum counts unordered pairs once.
    g, _, _ = graphs("weighted", directed)
    lengths = [1.0 / w for w in g.es["weight"]]
    sources = np.arange(g.vcount())
    shares = [g.betweenness(weights=lengths, sources=sources[i::3].tolist()) for i in range(3)]
    np.testing.assert_allclose(np.sum(shares, axis=0), g.betweenness(weights=lengths), rtol=0, atol=1e-9)


@pytest.mark.parametrize(("name", "directed"), [("karate_weighted", False), ("directed_weighted", True)])
def test_betweenness_in_two_processes_equals_one(name: str, directed: bool) -> None:
    g, _, _ = graphs(name, directed)
    pd.testing.assert_series_equal(betweenness(g, workers=2), betweenness(g), rtol=0, atol=1e-9)


def test_betweenness_runs_on_a_given_executor() -> None:
    g, _, _ = graphs("disconnected", False)
    with ThreadPoolExecutor(3) as executor:
        shared = betweenness(g, workers=3, executor=executor, normalized=True)
    pd.testing.assert_series_equal(shared, betweenness(g, normalized=True), rtol=0, atol=1e-9)


def test_workers_must_be_positive() -> None:
    g, _, _ = graphs("kite", False)
    with pytest.raises(ValueError, match="workers"):
        betweenness(g, workers=0)


@cache
def broker_graph() -> ig.Graph:
    """Two random groups of 750 actors joined only through one broker (seeded)."""
    rng = random.Random(7)
    ids = [f"a{i:04d}" for i in range(1501)]
    ties: set[tuple[str, str]] = set()
    for offset in (0, 750):
        while len(ties) < (3000 if offset == 0 else 6000):
            u, v = rng.sample(range(offset, offset + 750), 2)
            ties.add((ids[min(u, v)], ids[max(u, v)]))
    broker = ids[1500]
    ties |= {(ids[i], broker) for i in (0, 1, 2, 750, 751, 752)}
    return to_igraph(make_alliance(dict.fromkeys(ids, "initiative"), sorted(ties)))


def test_sampled_betweenness_is_within_epsilon_of_exact() -> None:
    g = broker_graph()
    n, epsilon, delta = g.vcount(), 0.1, 0.1
    k = betweenness_sample_size(n, epsilon=epsilon, delta=delta)
    assert k < n  # really sampling
    exact = betweenness(g, normalized=True)
    estimate = betweenness(g, normalized=True, approximate_above=1000, epsilon=epsilon, delta=delta, seed=3)
    assert (estimate - exact).abs().max() <= epsilon
    # The broker carries about half of all shortest paths; a wrong scale would show here.
    assert exact.idxmax() == estimate.idxmax() == "a1500"
    assert exact.max() > 0.5
    assert estimate.sum() == pytest.approx(exact.sum(), rel=0.05)


def test_sampled_betweenness_is_reproducible_and_parallel() -> None:
    g = broker_graph()
    options = {"approximate_above": 1000, "epsilon": 0.1, "delta": 0.1}
    first = betweenness(g, seed=11, **options)
    pd.testing.assert_series_equal(first, betweenness(g, seed=11, **options))
    with ThreadPoolExecutor(2) as executor:
        shared = betweenness(g, seed=11, workers=2, executor=executor, **options)
    pd.testing.assert_series_equal(shared, first, rtol=0, atol=1e-6)
    assert not first.equals(betweenness(g, seed=12, **options))


def test_small_alliances_are_computed_exactly_despite_approximate_above() -> None:
    g, _, _ = graphs("karate", False)
    # k = ln(2·34/0.1)/(2·0.05²·(33/34)²) ≈ 1385 ≥ 34: exact is cheaper.
    pd.testing.assert_series_equal(betweenness(g, approximate_above=0, seed=1), betweenness(g))


def test_sample_size_by_hand() -> None:
    # ln(2·1000/0.05) = 10.597; 2 · 0.1² · 0.999² = 0.019960; 10.597/0.019960 = 530.9.
    assert betweenness_sample_size(1000, epsilon=0.1, delta=0.05) == 531
    assert betweenness_sample_size(2, epsilon=0.1, delta=0.05) == 0
    with pytest.raises(ValueError, match="epsilon"):
        betweenness_sample_size(100, epsilon=0, delta=0.1)


# -- the table, tiny networks, contracts ---------------------------------------------


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_table_has_one_row_per_actor_and_the_documented_columns(name: str, directed: bool) -> None:
    g, _, _ = graphs(name, directed)
    table = centrality_table(g)
    assert list(table.columns) == list(CENTRALITY_COLUMNS)
    assert table.index.tolist() == g.vs["name"] and table.index.name == "id"
    assert table.index.is_unique
    for column in ("degree", "in_degree", "out_degree", "coreness"):
        assert table[column].dtype == np.int64
    if not directed:
        assert (table["in_degree"] == table["degree"]).all()
        assert (table["out_degree"] == table["degree"]).all()
    else:
        assert (table["in_degree"] + table["out_degree"] == table["degree"]).all()
    pd.testing.assert_series_equal(
        table["betweenness_norm"], betweenness(g, normalized=True), check_names=False
    )


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", WEIGHTED)
def test_no_impossible_values(name: str, directed: bool, weighted: bool) -> None:
    g, _, _ = graphs(name, directed)
    n = g.vcount()
    table = centrality_table(g, weighted=weighted)
    eigen_undefined = directed and g.is_dag()
    assert table["eigenvector"].isna().all() == eigen_undefined
    assert not table.drop(columns="eigenvector" if eigen_undefined else []).isna().any().any()
    assert table["betweenness_norm"].between(0, 1).all()
    assert table["degree_norm"].between(0, 2 if directed else 1).all()
    assert table["clustering"].between(0, 1).all()
    assert (table["coreness"] <= table["degree"]).all()
    assert table["pagerank"].between(0, 1).all()
    assert table["pagerank"].sum() == pytest.approx(1.0)
    if not eigen_undefined:
        assert table["eigenvector"].between(0, 1).all()
        assert float(np.linalg.norm(table["eigenvector"])) == pytest.approx(1.0)
    if not weighted:
        assert table["closeness"].between(0, 1).all()
        assert table["harmonic"].between(0, n - 1).all()
        assert (table["strength"] == table["degree"]).all()


@pytest.mark.parametrize("n", [0, 1, 2, 3])
@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("directed", [False, True])
def test_tiny_alliances_give_defined_values(n: int, tied: bool, directed: bool) -> None:
    ids = [chr(ord("a") + i) for i in range(n)]
    ties = [(ids[0], ids[1])] if tied and n >= 2 else []
    g = to_igraph(make_alliance(dict.fromkeys(ids, "initiative"), ties, directed=directed))
    table = centrality_table(g, workers=1)
    assert len(table) == n and table.index.tolist() == ids
    if n == 0:
        return
    assert (table["betweenness"] == 0).all()
    assert table["pagerank"].sum() == pytest.approx(1.0)
    if n == 1:
        assert math.isnan(table["degree_norm"].iloc[0])  # 0/0, documented (networkx says 1)
        assert table["closeness"].iloc[0] == 0 and table["harmonic"].iloc[0] == 0
    if not ties:
        assert table["eigenvector"].isna().all()  # no ties: undefined
        assert (table[["degree", "closeness", "harmonic", "clustering", "coreness"]] == 0).all().all()
    elif directed:
        # a→b: a is reached by no one, b only by a; no cycle, so no eigenvector.
        assert table.loc["a", "closeness"] == 0 and table.loc["b", "closeness"] == pytest.approx(1 / (n - 1))
        assert table["eigenvector"].isna().all()
    else:
        assert table.loc["a", "eigenvector"] == pytest.approx(math.sqrt(0.5))
        assert table.loc["a", "closeness"] == pytest.approx(1 / (n - 1))


def test_parallel_and_sampled_modes_do_not_break_tiny_alliances() -> None:
    g = to_igraph(make_alliance(["church", "refugee"], [("a", "b")]))
    with ThreadPoolExecutor(2) as executor:
        assert betweenness(g, workers=2, executor=executor, approximate_above=0).tolist() == [0.0, 0.0]


# -- independence of row order ------------------------------------------------------


@settings(max_examples=60)
@given(same_alliance_in_two_orders())
def test_centralities_do_not_depend_on_row_order(pair: tuple[Alliance, Alliance]) -> None:
    first, second = pair
    one = centrality_table(to_igraph(first))
    two = centrality_table(to_igraph(second)).loc[one.index]
    pd.testing.assert_frame_equal(one, two, rtol=0, atol=1e-9)


# -- sampled closeness and harmonic (Eppstein–Wang) -------------------------------------------


def _lengths(g: ig.Graph, weighted: bool) -> list[float] | None:
    return (1.0 / np.asarray(g.es["weight"])).tolist() if weighted and g["weighted"] else None


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", WEIGHTED)
def test_sampled_sums_with_every_source_are_exact(name: str, directed: bool, weighted: bool) -> None:
    # The estimator's scale and its searches against the ties: with every actor of a
    # component as a source it must give the exact sums (each pair counted from the other end).
    g, _, _ = graphs(name, directed)
    lengths = _lengths(g, weighted)
    for direction in ("in", "out"):
        exact = path_sums(g, lengths, direction)
        for c in np.unique(exact.membership):
            members = np.flatnonzero(exact.membership == c)
            count, total, inverse, _, _ = sampled_sums(g, lengths, direction, members, members)
            if directed:
                np.testing.assert_allclose(count, exact.count[members], rtol=0, atol=1e-9)
            np.testing.assert_allclose(total, exact.total[members], rtol=1e-12, atol=1e-9)
            np.testing.assert_allclose(inverse, exact.inverse[members], rtol=1e-12, atol=1e-9)


@cache
def directed_sample_graph() -> ig.Graph:
    """1,200 actors, 6,000 random directed ties with strengths 0.5–5, and an 8-actor cycle apart."""
    rng = random.Random(11)
    ids = [f"d{i:04d}" for i in range(1208)]
    ties: dict[tuple[str, str], float] = {}
    while len(ties) < 6000:
        u, v = rng.sample(range(1200), 2)
        ties[(ids[u], ids[v])] = rng.choice([0.5, 1.0, 2.0, 5.0])
    ties |= {(ids[1200 + i], ids[1200 + (i + 1) % 8]): 1.0 for i in range(8)}
    return to_igraph(make_alliance(dict.fromkeys(ids, "initiative"),
                                   [(u, v, w) for (u, v), w in sorted(ties.items())], directed=True))


def _largest_distance(g: ig.Graph, lengths: list[float] | None) -> float:
    d = np.asarray(g.distances(weights=lengths), dtype=float)
    return float(d[np.isfinite(d)].max())


@pytest.mark.parametrize("case", ["broker", "directed weighted"])
def test_sampled_closeness_and_harmonic_are_within_the_bound(case: str) -> None:
    g = broker_graph() if case == "broker" else directed_sample_graph()
    lengths = _lengths(g, True)
    n, epsilon, delta = g.vcount(), 0.1, 0.1
    k = path_sample_size(n, 1000, epsilon=epsilon, delta=delta)
    assert k is not None and k < 1200  # really sampling the large component
    exact = path_sums(g, lengths, "in")
    estimate = path_sums(g, lengths, "in", sample=k, seed=3)
    size = estimate.sizes[estimate.membership].astype(float)
    big = estimate.sampled[estimate.membership]
    assert big.sum() >= 1200 and not big.all() if case != "broker" else big.all()
    largest = _largest_distance(g, lengths)  # Δ of the large component (the cycle's is smaller)
    strongest = 1.0 / min(lengths) if lengths else 1.0  # L: the largest 1/d
    assert np.all(np.abs(estimate.total - exact.total) <= epsilon * size * largest)
    assert np.all(np.abs(estimate.inverse - exact.inverse) <= epsilon * size * strongest)
    assert np.all(np.abs(estimate.count - exact.count) <= epsilon * size)
    # Really estimated, and much better than the worst case on average.
    assert not np.array_equal(estimate.total[big], exact.total[big])
    reached = big & (exact.total > 0)  # directed: some actors are reached by no one
    assert np.median(np.abs(estimate.total[reached] / exact.total[reached] - 1)) < 0.05
    # Components no larger than the sample are exact.
    np.testing.assert_allclose(estimate.total[~big], exact.total[~big], rtol=1e-12)
    if case == "broker":
        # A connected alliance: the sources are exactly those of sampled betweenness (same seed).
        sources = np.flatnonzero(~np.isnan(estimate.eccentricity))
        drawn = np.sort(np.random.default_rng(3).choice(n, size=betweenness_sample_size(n, epsilon=epsilon,
                                                                                          delta=delta),
                                                        replace=False))
        np.testing.assert_array_equal(sources, drawn)
    # The public functions use the same estimate, and the table the same sample.
    options = {"approximate_above": 1000, "epsilon": epsilon, "delta": delta, "seed": 3}
    table = centrality_table(g, **options)
    pd.testing.assert_series_equal(closeness(g, **options), table["closeness"], check_names=False)
    pd.testing.assert_series_equal(harmonic(g, **options), table["harmonic"], check_names=False)
    np.testing.assert_allclose(table["harmonic"].to_numpy(), estimate.inverse, rtol=1e-12)
    exact_closeness = closeness(g).to_numpy()
    assert np.corrcoef(table["closeness"].to_numpy(), exact_closeness)[0, 1] > 0.95


def test_sampled_closeness_is_reproducible_and_exact_below_the_threshold() -> None:
    g = broker_graph()
    options = {"approximate_above": 1000, "epsilon": 0.1, "delta": 0.1}
    first = closeness(g, seed=5, **options)
    pd.testing.assert_series_equal(first, closeness(g, seed=5, **options))
    assert not first.equals(closeness(g, seed=6, **options))
    pd.testing.assert_series_equal(closeness(g, approximate_above=2000, seed=5), closeness(g))
    pd.testing.assert_series_equal(harmonic(g, approximate_above=2000, seed=5), harmonic(g))


def test_breadth_first_rows_equal_igraph_distances() -> None:
    # A long path (depth 299: many rounds of pointer jumping), a directed cycle with a tail
    # and an isolate (unreachable actors), searched both ways.
    path = ig.Graph(n=300, edges=[(i, i + 1) for i in range(299)])
    loop = ig.Graph(n=9, edges=[(0, 1), (1, 2), (2, 3), (3, 0), (3, 4), (4, 5), (6, 7)], directed=True)
    for h in (path, loop):
        sources = np.arange(h.vcount())
        for direction in ("out", "in"):
            rows = bfs_rows(lengths_matrix(h, None, direction), sources)
            expected = np.asarray(h.distances(mode=direction), dtype=float)
            np.testing.assert_array_equal(rows, expected)


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_hop_sums_do_not_depend_on_the_search(
    name: str, directed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large alliances count hops with SciPy's breadth-first order; force it on the reference graphs.
    g, _, _ = graphs(name, directed)
    expected = {d: path_sums(g, None, d) for d in ("in", "out")}
    monkeypatch.setattr(_paths, "BFS_FROM", 0)
    for direction, sums in expected.items():
        found = path_sums(g, None, direction)
        np.testing.assert_array_equal(found.total, sums.total)
        np.testing.assert_array_equal(found.count, sums.count)
        np.testing.assert_allclose(found.inverse, sums.inverse, rtol=1e-15)
        np.testing.assert_array_equal(found.eccentricity, sums.eccentricity)
        for c in np.unique(sums.membership):  # the sampled path, every member a source
            members = np.flatnonzero(sums.membership == c)
            total = sampled_sums(g, None, direction, members, members)[1]
            np.testing.assert_allclose(total, sums.total[members], rtol=1e-12)

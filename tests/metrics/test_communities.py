"""Leiden communities: modularity against networkx, known optimum, guarantees, reproducibility."""

from __future__ import annotations

import importlib
import math
import random
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import igraph as ig
import networkx as nx
import pandas as pd
import pytest
from factories import REFERENCE_GRAPHS, make_alliance, reference_alliance, same_alliance_in_two_orders
from hypothesis import given, settings
from hypothesis import strategies as st

from netz.errors import NetzError
from netz.graph import to_igraph, to_networkx
from netz.metrics.communities import communities, modularity
from netz.model import Alliance

CASES = [(name, directed) for name in REFERENCE_GRAPHS for directed in (False, True)]


@cache
def graphs(name: str, directed: bool) -> tuple[ig.Graph, nx.Graph, nx.Graph]:
    """igraph graph, and the undirected networkx graphs communities are defined on (weighted, unweighted)."""
    alliance = reference_alliance(name)
    G = to_networkx(alliance, directed=directed)
    weighted, plain = nx.Graph(), nx.Graph()
    weighted.add_nodes_from(G)
    plain.add_nodes_from(G)
    for u, v, data in G.edges(data=True):
        w = data["weight"] if alliance.weighted else 1.0
        # A→B and B→A: strengths add up when weighted (1 + 1 for an unweighted
        # alliance asked for weights); one tie of weight 1 when not.
        previous = weighted.edges[u, v]["weight"] if weighted.has_edge(u, v) else 0.0
        weighted.add_edge(u, v, weight=previous + w)
        plain.add_edge(u, v, weight=1.0)
    return to_igraph(alliance, directed=directed), weighted, plain


def parts(membership: pd.Series) -> list[set[str]]:
    return [set(membership.index[membership == c]) for c in sorted(membership.unique())]


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("resolution", [1.0, 0.5, 2.0])
def test_modularity_matches_networkx(name: str, directed: bool, weighted: bool, resolution: float) -> None:
    g, with_weights, plain = graphs(name, directed)
    membership, q = communities(g, weighted=weighted, resolution=resolution)
    U = with_weights if weighted else plain
    expected = nx.community.modularity(U, parts(membership), weight="weight", resolution=resolution)
    assert q == pytest.approx(expected, abs=1e-12)
    assert modularity(g, membership, weighted=weighted, resolution=resolution) == pytest.approx(q, abs=1e-12)


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_leiden_is_at_least_as_good_as_networkx_louvain(name: str, directed: bool, weighted: bool) -> None:
    g, with_weights, plain = graphs(name, directed)
    U = with_weights if weighted else plain
    _, q = communities(g, weighted=weighted)
    louvain = nx.community.louvain_communities(U, weight="weight", seed=0)
    assert q >= nx.community.modularity(U, louvain, weight="weight") - 1e-12


def test_karate_reaches_the_known_optimum() -> None:
    # Brandes et al. (2008) prove Q = 0.4198 optimal for Zachary's karate club (4 communities).
    g, _, _ = graphs("karate", False)
    membership, q = communities(g)
    assert q == pytest.approx(0.4197896, abs=1e-6)
    assert membership.nunique() == 4


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_every_community_is_connected(name: str, directed: bool) -> None:
    # Leiden's guarantee (Traag et al. 2019), which Louvain lacks.
    g, _, plain = graphs(name, directed)
    membership, _ = communities(g)
    for members in parts(membership):
        assert nx.is_connected(plain.subgraph(members))


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_labels_are_numbered_by_smallest_actor_id(name: str, directed: bool) -> None:
    g, _, _ = graphs(name, directed)
    membership, _ = communities(g)
    assert membership.name == "community" and membership.index.tolist() == g.vs["name"]
    smallest = [min(p) for p in parts(membership)]
    assert smallest == sorted(smallest)
    assert sorted(membership.unique()) == list(range(membership.nunique()))


def test_isolates_form_their_own_communities() -> None:
    g, _, plain = graphs("isolates", False)
    membership, _ = communities(g)
    for isolate in nx.isolates(plain):
        assert (membership == membership[isolate]).sum() == 1


def test_directed_alliances_are_read_as_undirected() -> None:
    for name in ("directed_groups", "directed_weighted"):
        alliance = reference_alliance(name)
        directed = communities(to_igraph(alliance))
        undirected = communities(to_igraph(alliance, directed=False))
        pd.testing.assert_series_equal(directed[0], undirected[0])
        assert directed[1] == pytest.approx(undirected[1], abs=1e-12)


def test_seeded_runs_are_reproducible_and_leave_random_state_alone() -> None:
    g, _, _ = graphs("weighted", False)
    random.seed(99)
    state = random.getstate()
    first = communities(g, seed=5)
    assert random.getstate() == state  # Python's generator was not consumed
    # igraph draws from Python's random module again afterwards.
    random.seed(1)
    before = ig.Graph.Erdos_Renyi(n=30, m=40).get_edgelist()
    communities(g, seed=5)
    random.seed(1)
    assert ig.Graph.Erdos_Renyi(n=30, m=40).get_edgelist() == before
    second = communities(g, seed=5)
    pd.testing.assert_series_equal(first[0], second[0])
    assert first[1] == second[1]


def test_concurrent_runs_do_not_share_the_generator() -> None:
    g, _, _ = graphs("karate_weighted", False)
    expected = [communities(g, seed=s) for s in range(6)]
    with ThreadPoolExecutor(3) as executor:
        results = list(executor.map(lambda s: communities(g, seed=s), range(6)))
    for (m1, q1), (m2, q2) in zip(expected, results, strict=True):
        pd.testing.assert_series_equal(m1, m2)
        assert q1 == q2


def test_higher_resolution_gives_more_communities() -> None:
    g, _, _ = graphs("karate", False)
    coarse, _ = communities(g, resolution=0.5)
    fine, _ = communities(g, resolution=2.0)
    assert fine.nunique() > coarse.nunique()


@pytest.mark.parametrize("directed", [False, True])
def test_tiny_alliances(directed: bool) -> None:
    def run(types: list[str], ties: list[tuple[str, str]]) -> tuple[pd.Series, float]:
        return communities(to_igraph(make_alliance(types, ties, directed=directed)))

    membership, q = run([], [])
    assert membership.empty and math.isnan(q)
    membership, q = run(["church"], [])
    assert membership.tolist() == [0] and math.isnan(q)
    membership, q = run(["church", "refugee", "welfare"], [])
    assert membership.tolist() == [0, 1, 2] and math.isnan(q)  # 0/0 without ties
    membership, q = run(["church", "refugee"], [("a", "b")])
    assert membership.tolist() == [0, 0] and q == pytest.approx(0.0)


def test_modularity_of_a_given_grouping() -> None:
    g, with_weights, _ = graphs("karate_weighted", False)
    by_type = dict(zip(g.vs["name"], g.vs["type"], strict=True))
    groups = [{a for a, t in by_type.items() if t == kind} for kind in set(by_type.values())]
    expected = nx.community.modularity(with_weights, groups, weight="weight")
    assert modularity(g, by_type) == pytest.approx(expected, abs=1e-12)
    with pytest.raises(NetzError, match="no group"):
        modularity(g, {"k0": "a"})


# -- independence of row order ----------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(pair=same_alliance_in_two_orders(max_actors=10), seed=st.integers(0, 3))
def test_communities_do_not_depend_on_row_order(pair: tuple[Alliance, Alliance], seed: int) -> None:
    first, second = pair
    m1, q1 = communities(to_igraph(first), seed=seed)
    m2, q2 = communities(to_igraph(second), seed=seed)
    pd.testing.assert_series_equal(m1, m2.loc[m1.index])
    assert q1 == pytest.approx(q2, abs=1e-12, nan_ok=True)


# -- large alliances: iterations one at a time, with a tolerance and a cap ----------------------


def _large_path(monkeypatch: pytest.MonkeyPatch, **settings: float) -> None:
    """Send every alliance down the path taken above UNTIL_STABLE_MAX_TIES ties."""
    module = importlib.import_module("netz.metrics.communities")
    monkeypatch.setattr(module, "UNTIL_STABLE_MAX_TIES", 0)
    for name, value in settings.items():
        monkeypatch.setattr(module, name, value)


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_iterating_one_at_a_time_until_stable_equals_igraphs_loop(
    name: str, directed: bool, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without tolerance and cap, the step-by-step loop stops where igraph's own one does."""
    g, _, _ = graphs(name, directed)
    until_stable = communities(g, seed=seed)
    _large_path(monkeypatch, GAIN_TOLERANCE=-math.inf, MAX_ITERATIONS=10_000)
    step_by_step = communities(g, seed=seed)
    pd.testing.assert_series_equal(step_by_step[0], until_stable[0])
    assert step_by_step[1] == pytest.approx(until_stable[1], abs=1e-12, nan_ok=True)


@pytest.mark.parametrize("directed", [False, True])
def test_capped_leiden_is_reproducible_connected_and_no_worse_than_one_iteration(
    directed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    g, _, plain = graphs("karate_weighted", directed)
    _large_path(monkeypatch, MAX_ITERATIONS=1)
    one, q_one = communities(g, seed=3)
    _large_path(monkeypatch, MAX_ITERATIONS=3)
    first, q = communities(g, seed=3)
    again, q_again = communities(g, seed=3)
    pd.testing.assert_series_equal(first, again)
    assert q == q_again and q >= q_one - 1e-12
    for members in parts(first):
        assert nx.is_connected(plain.subgraph(members))
    # A tolerance no gain can reach stops after the first iteration.
    _large_path(monkeypatch, GAIN_TOLERANCE=math.inf, MAX_ITERATIONS=20)
    pd.testing.assert_series_equal(communities(g, seed=3)[0], one)

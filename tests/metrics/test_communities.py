"""Leiden communities: modularity against networkx, known optimum, guarantees, reproducibility."""

from __future__ import annotations

import importlib
import math
import random
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import igraph as ig
import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netz.core.errors import NetzError
from netz.core.graph import to_igraph, to_networkx
from netz.core.io import read
from netz.core.metrics.communities import communities, modularity
from netz.core.model import Alliance
from tests.factories import REFERENCE_GRAPHS, make_alliance, reference_alliance, same_alliance_in_two_orders

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


@settings(max_examples=60)
@given(pair=same_alliance_in_two_orders(max_actors=10), seed=st.integers(0, 3))
def test_communities_do_not_depend_on_row_order(pair: tuple[Alliance, Alliance], seed: int) -> None:
    first, second = pair
    m1, q1 = communities(to_igraph(first), seed=seed)
    m2, q2 = communities(to_igraph(second), seed=seed)
    pd.testing.assert_series_equal(m1, m2.loc[m1.index])
    assert q1 == pytest.approx(q2, abs=1e-12, nan_ok=True)


# -- independence of actor ids ----------------------------------------------------------


def relabelled(alliance: Alliance, new_id: dict[str, str]) -> Alliance:
    """The same alliance with every actor id replaced, and its rows in reverse order."""
    actors = alliance.actors.assign(id=alliance.actors["id"].map(new_id)).iloc[::-1].reset_index(drop=True)
    ties = alliance.ties.assign(source=alliance.ties["source"].map(new_id),
                                target=alliance.ties["target"].map(new_id)).iloc[::-1].reset_index(drop=True)
    if not alliance.weighted:
        ties = ties.drop(columns="weight")
    actors.index += 2
    ties.index += 2
    return Alliance.from_frames(actors, ties, directed=alliance.directed, meta=alliance.meta)


def with_partition(alliance: Alliance, membership: pd.Series) -> nx.Graph:
    """The undirected strength graph plus one extra node per community, tied to its members."""
    G = nx.Graph()
    G.add_nodes_from(membership.index, role="actor")
    for u, v, w in undirected(alliance).edges(data="weight"):
        G.add_edge(u, v, kind="tie", weight=w)
    for c in membership.unique():
        G.add_node(("community", c), role="community")
        G.add_edges_from(((("community", c), a) for a in membership.index[membership == c]), kind="member")
    return G


def undirected(alliance: Alliance) -> nx.Graph:
    """The graph communities are found on: strengths of A→B and B→A added, or 1 when unweighted."""
    G = to_networkx(alliance)
    U = nx.Graph()
    U.add_nodes_from(G)
    for u, v, data in G.edges(data=True):
        previous = U.edges[u, v]["weight"] if U.has_edge(u, v) else 0.0
        U.add_edge(u, v, weight=previous + data["weight"] if alliance.weighted else 1.0)
    return U


def same_up_to_symmetry(alliance: Alliance, first: pd.Series, second: pd.Series) -> bool:
    """Whether a symmetry (automorphism) of the alliance maps one partition onto the other (networkx VF2)."""
    return nx.is_isomorphic(
        with_partition(alliance, first), with_partition(alliance, second),
        node_match=lambda a, b: a["role"] == b["role"],
        edge_match=lambda a, b: a["kind"] == b["kind"] and a.get("weight") == b.get("weight"),
    )


@settings(max_examples=80)
@given(pair=same_alliance_in_two_orders(max_actors=10), ids=st.permutations(range(10)),
       seed=st.integers(0, 3))
def test_communities_do_not_depend_on_actor_ids(
    pair: tuple[Alliance, Alliance], ids: list[int], seed: int
) -> None:
    """New ids (in another sorted order) and rows reversed: the same modularity, and the same
    partition up to a symmetry of the network (mirror-image partitions of a symmetric network
    cannot be told apart without the ids)."""
    alliance = pair[1]
    new_id = {f"x{i}": f"y{ids[i]}" for i in range(alliance.n_actors)}
    m1, q1 = communities(to_igraph(alliance), seed=seed)
    m2, q2 = communities(to_igraph(relabelled(alliance, new_id)), seed=seed)
    back = pd.Series(m2.to_numpy(), index=m2.index.map({v: k for k, v in new_id.items()})).loc[m1.index]
    assert q1 == pytest.approx(q2, abs=1e-12, nan_ok=True)
    assert same_up_to_symmetry(alliance, m1, back)


REAL_NETWORKS = {
    "karate": lambda: nx.karate_club_graph(),
    "les_miserables": lambda: nx.les_miserables_graph(),
    "florentine_families": lambda: nx.florentine_families_graph(),
    "davis_southern_women": lambda: nx.davis_southern_women_graph(),
    "davis_women_projected": lambda: nx.bipartite.weighted_projected_graph(
        nx.davis_southern_women_graph(), nx.bipartite.sets(nx.davis_southern_women_graph())[0]),
}


def real_network(name: str) -> tuple[Alliance, nx.Graph]:
    """A real network networkx ships (or a reference dataset), as an alliance and a strength graph."""
    if name.startswith("datasets/"):
        alliance = read(Path(__file__).parents[2] / name)
    else:
        G = REAL_NETWORKS[name]()
        weighted = any("weight" in d for _, _, d in G.edges(data=True))
        rows = [(str(u), str(v), d.get("weight", 1.0)) for u, v, d in G.edges(data=True)]
        actors = pd.DataFrame({"id": [str(v) for v in G], "name": [str(v) for v in G], "type": "other"})
        ties = pd.DataFrame(rows, columns=["source", "target", "weight"])
        if not weighted:
            ties = ties.drop(columns="weight")
        alliance = Alliance.from_frames(actors, ties, directed=False)
    return alliance, undirected(alliance)


REAL = [*REAL_NETWORKS, "datasets/reference/karate-club", "datasets/reference/florentine-families",
        "datasets/reference/southern-women"]


@pytest.mark.parametrize("name", REAL)
def test_modularity_at_least_networkx_louvains_best_of_seeds(name: str) -> None:
    alliance, U = real_network(name)
    _, q = communities(to_igraph(alliance))
    louvain = max(nx.community.modularity(U, nx.community.louvain_communities(U, weight="weight", seed=s),
                                          weight="weight") for s in range(10))
    assert q >= louvain - 1e-9


@pytest.mark.parametrize("name", REAL)
def test_relabelled_real_networks_give_the_same_partition(name: str) -> None:
    alliance, _ = real_network(name)
    membership, q = communities(to_igraph(alliance))
    for shuffle in range(12):
        ids = alliance.actors["id"].tolist()
        numbers = random.Random(shuffle).sample(range(len(ids)), len(ids))
        new_id = {old: f"id{k:03d}" for old, k in zip(ids, numbers, strict=True)}
        m2, q2 = communities(to_igraph(relabelled(alliance, new_id)))
        back = pd.Series(m2.to_numpy(), index=m2.index.map({v: k for k, v in new_id.items()}))
        assert q2 == pytest.approx(q, abs=1e-12)
        assert sorted(map(sorted, parts(back))) == sorted(map(sorted, parts(membership)))


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_more_restarts_are_never_worse(name: str, directed: bool, seed: int) -> None:
    """The first of ten runs is the one run of ``restarts=1``: the best of ten is at least as good."""
    g, _, _ = graphs(name, directed)
    _, one = communities(g, seed=seed, restarts=1)
    _, best = communities(g, seed=seed)
    assert best >= one - 1e-12 or (math.isnan(one) and math.isnan(best))


def test_restarts_are_bounded_by_the_tie_budget() -> None:
    module = importlib.import_module("netz.core.metrics.communities")
    assert [module._runs(10, m) for m in (1, 5_000, 10_000, 25_000, 50_000, 200_000)] == [10, 10, 5, 2, 1, 1]
    assert module._runs(3, 100) == 3
    with pytest.raises(ValueError, match="at least 1"):
        communities(graphs("karate", False)[0], restarts=0)


# -- large alliances: iterations one at a time, with a tolerance and a cap ----------------------


def _large_path(monkeypatch: pytest.MonkeyPatch, **settings: float) -> None:
    """Send every alliance down the path taken above UNTIL_STABLE_MAX_TIES ties."""
    module = importlib.import_module("netz.core.metrics.communities")
    monkeypatch.setattr(module, "UNTIL_STABLE_MAX_TIES", 0)
    for name, value in settings.items():
        monkeypatch.setattr(module, name, value)


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_iterating_one_at_a_time_until_stable_equals_igraphs_loop(
    name: str, directed: bool, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without tolerance and cap, the step-by-step loop stops where igraph's own one does.

    One run each (the large path makes one; the small one the best of ``restarts``).
    """
    g, _, _ = graphs(name, directed)
    until_stable = communities(g, seed=seed, restarts=1)
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

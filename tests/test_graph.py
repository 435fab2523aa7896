"""The graph adapter: igraph and networkx graphs from alliances."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netz.core.graph import actor_ids, edge_table, to_igraph, to_networkx
from netz.core.model import Actor, Alliance, Tie
from tests.factories import REFERENCE_GRAPHS, make_alliance, reference_alliance


def with_parallel_rows(*, directed: bool) -> Alliance:
    """b–a twice (two kinds), a→b once, and an isolate d listed before c."""
    return Alliance.from_records(
        [Actor("b", "Kirche St. Jürgen", "Kirche", {"Ehrenamtliche": 12}), Actor("a", "Stadt", "Stadt"),
         Actor("d", "Schule", "Schule"), Actor("c", "MSO", "MSO")],
        [Tie("b", "a", 2.0, "Information"), Tie("b", "a", 0.5, "Projekt"), Tie("a", "b", 1.0),
         Tie("a", "c", 3.0)],
        directed=directed,
    )


def igraph_edges(g) -> dict[tuple[str, str], float]:
    names = g.vs["name"]
    return {(names[e.source], names[e.target]): e["weight"] for e in g.es}


def test_vertices_follow_the_actor_rows_and_keep_ids_and_attributes() -> None:
    g = to_igraph(with_parallel_rows(directed=False))
    assert g.vs["name"] == ["b", "a", "d", "c"]
    assert g.vs["label"] == ["Kirche St. Jürgen", "Stadt", "Schule", "MSO"]
    assert g.vs["type"] == ["church", "municipality", "education", "refugee"]
    assert g.vs["Ehrenamtliche"] == [12, None, None, None]
    assert g.vs.find(name="c").index == 3
    assert list(actor_ids(g)) == ["b", "a", "d", "c"]
    assert g.degree() == [1, 2, 0, 1]  # the isolate d stays


def test_undirected_parallel_rows_become_one_edge_with_summed_weight() -> None:
    g = to_igraph(with_parallel_rows(directed=False))
    assert not g.is_directed()
    assert g.ecount() == 2
    edges = {frozenset(pair): w for pair, w in igraph_edges(g).items()}
    assert edges == {frozenset({"a", "b"}): 3.5, frozenset({"a", "c"}): 3.0}
    assert g["weighted"] is True
    assert g["directed"] is False


def test_directed_keeps_both_directions() -> None:
    g = to_igraph(with_parallel_rows(directed=True))
    assert g.is_directed()
    assert igraph_edges(g) == {("b", "a"): 2.5, ("a", "b"): 1.0, ("a", "c"): 3.0}


def test_directed_alliance_as_undirected_graph() -> None:
    g = to_igraph(with_parallel_rows(directed=True), directed=False)
    assert not g.is_directed()
    assert {frozenset(p): w for p, w in igraph_edges(g).items()} == {
        frozenset({"a", "b"}): 3.5, frozenset({"a", "c"}): 3.0
    }


def test_unweighted_graphs_have_unit_weights() -> None:
    alliance = make_alliance(["church", "refugee", "other"], [("a", "b"), ("b", "c")])
    g = to_igraph(alliance)
    assert g.es["weight"] == [1.0, 1.0]
    assert g["weighted"] is False
    forced = to_igraph(with_parallel_rows(directed=False), weighted=False)
    assert forced.es["weight"] == [1.0, 1.0]  # one edge per pair, whatever the rows say


def test_edge_table_positions() -> None:
    table = edge_table(with_parallel_rows(directed=True))
    assert table.to_dict("records") == [
        {"u": 0, "v": 1, "weight": 2.5}, {"u": 1, "v": 0, "weight": 1.0}, {"u": 1, "v": 3, "weight": 3.0}
    ]
    undirected = edge_table(with_parallel_rows(directed=True), directed=False)
    assert undirected.to_dict("records") == [
        {"u": 0, "v": 1, "weight": 3.5}, {"u": 1, "v": 3, "weight": 3.0}
    ]


def _groupby_edge_table(alliance: Alliance, directed: bool) -> pd.DataFrame:
    """The pandas groupby that edge_table replaced: the reference for its output."""
    index = pd.Index(alliance.actors["id"])
    u = index.get_indexer(alliance.ties["source"])
    v = index.get_indexer(alliance.ties["target"])
    if not directed:
        u, v = np.minimum(u, v), np.maximum(u, v)
    edges = pd.DataFrame({"u": u, "v": v, "weight": alliance.ties["weight"].to_numpy(float)})
    return edges.groupby(["u", "v"], as_index=False, sort=True)[["weight"]].sum()


@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("directed", [False, True])
def test_edge_table_equals_the_pandas_groupby_to_the_last_bit(directed: bool, shuffled: bool) -> None:
    """Pairs with up to six rows of inexact weights (0.1 + 0.2 + 0.3 ≠ 0.6 in floating point), in
    pair order and shuffled (pandas sums the two cases differently), and an actor without ties."""
    if not shuffled and int(pd.__version__.split(".")[0]) < 3:
        pytest.skip("pandas 2 sums rows sorted by pair with Kahan too; the edge table follows pandas 3")
    rng = np.random.default_rng(3)
    actors = [Actor(f"a{i}", f"A{i}", "other") for i in range(30)]
    pairs = np.sort(rng.integers(0, 30, size=(400, 2)), axis=1)
    rows = [(f"a{s}", f"a{t}") for s, t in sorted(map(tuple, pairs.tolist())) if s != t]
    weights = rng.choice([0.1, 0.2, 0.3, 1 / 3, 0.7, 1e16, 1.0], size=len(rows))
    ties = [Tie(s, t, float(w), f"k{i}") for i, ((s, t), w) in enumerate(zip(rows, weights, strict=True))]
    if shuffled:
        ties = [ties[i] for i in rng.permutation(len(ties))]
    alliance = Alliance.from_records(actors, ties, directed=True)
    table = edge_table(alliance, directed=directed)
    expected = _groupby_edge_table(alliance, directed)
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    assert (table["weight"].to_numpy() == expected["weight"].to_numpy()).all()
    assert table["u"].dtype == np.int64 and table["v"].dtype == np.int64
    assert isinstance(table.index, pd.RangeIndex)
    assert (np.diff(table["u"] * 100 + table["v"]) > 0).all()  # sorted by (u, v), one row a pair


def test_edge_table_without_ties_and_with_missing_weights() -> None:
    empty = Alliance.from_records([Actor("a", "A", "other")], [])
    table = edge_table(empty)
    assert table.empty and list(table.columns) == ["u", "v", "weight"]
    alliance = with_parallel_rows(directed=True)
    ties = alliance.ties.assign(weight=[np.nan, 0.5, np.nan, 3.0])
    gaps = Alliance(alliance.actors, ties, True, True, alliance.meta, alliance.warnings)
    pd.testing.assert_frame_equal(edge_table(gaps, directed=False), _groupby_edge_table(gaps, False))
    assert edge_table(gaps)["weight"].tolist() == [0.5, 0.0, 3.0]  # a missing weight adds nothing


@pytest.mark.parametrize("directed", [False, True])
def test_networkx_graph_is_keyed_by_id_with_summed_weights(directed: bool) -> None:
    graph = to_networkx(with_parallel_rows(directed=directed))
    assert isinstance(graph, nx.DiGraph if directed else nx.Graph)
    assert graph.is_directed() is directed
    assert list(graph.nodes) == ["b", "a", "d", "c"]
    assert graph.nodes["b"] == {"name": "Kirche St. Jürgen", "type": "church", "Ehrenamtliche": 12}
    assert graph.nodes["a"] == {"name": "Stadt", "type": "municipality"}  # no missing attributes
    if directed:
        assert dict(graph.edges.items()) == {
            ("b", "a"): {"weight": 2.5}, ("a", "b"): {"weight": 1.0}, ("a", "c"): {"weight": 3.0}
        }
    else:
        assert graph.number_of_edges() == 2
        assert graph["a"]["b"]["weight"] == 3.5


def test_networkx_multigraph_keeps_every_row() -> None:
    graph = to_networkx(with_parallel_rows(directed=False), multigraph=True)
    assert isinstance(graph, nx.MultiGraph)
    assert graph.number_of_edges() == 4
    kinds = sorted((d.get("kind") or "") for _, _, d in graph.edges(data=True))
    assert kinds == ["", "", "Information", "Projekt"]


@pytest.mark.parametrize("name", REFERENCE_GRAPHS)
def test_igraph_and_networkx_agree_on_the_reference_graphs(name: str) -> None:
    alliance = reference_alliance(name)
    g = to_igraph(alliance)
    graph = to_networkx(alliance)
    assert g.vcount() == graph.number_of_nodes() == alliance.n_actors
    assert g.ecount() == graph.number_of_edges()
    assert g.is_directed() is graph.is_directed() is alliance.directed
    expected = {(u, v): d["weight"] for u, v, d in graph.edges(data=True)}
    got = igraph_edges(g)
    if not alliance.directed:
        expected = {frozenset(p): w for p, w in expected.items()}
        got = {frozenset(p): w for p, w in got.items()}
    assert got == expected
    assert g.vs["name"] == list(graph.nodes) == alliance.actors["id"].tolist()

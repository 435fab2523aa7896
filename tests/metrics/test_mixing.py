"""E–I index and mixing summary against networkx and hand-worked values."""

from __future__ import annotations

import json
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph, to_networkx
from netz.core.metrics.mixing import ei_index, mixing_summary
from tests.factories import REFERENCE_GRAPHS, make_alliance, reference_alliance


def variants() -> list[tuple[str, bool]]:
    return [(name, directed) for name in REFERENCE_GRAPHS for directed in (False, True)]


def graphs(name: str, directed: bool) -> tuple:
    alliance = reference_alliance(name)
    return to_igraph(alliance, directed=directed), to_networkx(alliance, directed=directed)


# -- E–I index per actor ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "directed"), variants())
def test_ei_index_counts_incident_ties(name: str, directed: bool) -> None:
    g, G = graphs(name, directed)
    expected = {}
    for v in G:
        # Directed: named and naming ties alike, a reciprocated pair twice.
        others = list(G.successors(v)) + list(G.predecessors(v)) if directed else list(G[v])
        external = sum(G.nodes[w]["type"] != G.nodes[v]["type"] for w in others)
        internal = len(others) - external
        expected[v] = (external - internal) / len(others) if others else math.nan
    ours = ei_index(g)
    assert ours.name == "ei_index" and ours.index.name == "id"
    np.testing.assert_allclose(ours.to_numpy(), [expected[v] for v in ours.index], atol=1e-15)


def test_ei_index_by_hand() -> None:
    """c (church) – r1, r2 (refugee), c – k (church); x alone.

    c: E = 2, I = 1 → 1/3; r1, r2: E = 1 → 1; k: I = 1 → −1; x: undefined.
    """
    g = to_igraph(make_alliance({"c": "church", "r1": "refugee", "r2": "refugee", "k": "church",
                                 "x": "welfare"}, [("c", "r1"), ("c", "r2"), ("c", "k")]))
    ours = ei_index(g)
    assert ours["c"] == pytest.approx(1 / 3)
    assert ours[["r1", "r2"]].tolist() == [1.0, 1.0] and ours["k"] == -1.0
    assert math.isnan(ours["x"])


def test_ei_index_directed_counts_both_directions() -> None:
    """a → b, b → a (same group), a → c (other): a has I = 2, E = 1 → −1/3."""
    g = to_igraph(make_alliance(["church", "church", "refugee"],
                                [("a", "b"), ("b", "a"), ("a", "c")], directed=True))
    assert ei_index(g)["a"] == pytest.approx(-1 / 3)
    assert ei_index(g)["c"] == 1.0


@pytest.mark.parametrize("directed", [False, True])
def test_weights_do_not_matter(directed: bool) -> None:
    ties = [("a", "b", 5.0), ("b", "c", 0.5), ("c", "d", 2.0), ("a", "d", 1.0)]
    types = ["church", "refugee", "church", "welfare"]
    weighted = to_igraph(make_alliance(types, ties, directed=directed))
    plain = to_igraph(make_alliance(types, [t[:2] for t in ties], directed=directed))
    assert weighted["weighted"] and not plain["weighted"]
    pd.testing.assert_series_equal(ei_index(weighted), ei_index(plain))
    assert mixing_summary(weighted) == mixing_summary(plain)


# -- the summary against networkx ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "directed"), variants())
def test_tie_table_is_networkx_mixing_matrix(name: str, directed: bool) -> None:
    g, G = graphs(name, directed)
    summary = mixing_summary(g)
    groups = summary["groups"]
    mapping = {group: i for i, group in enumerate(groups)}
    matrix = nx.attribute_mixing_matrix(G, "type", mapping=mapping, normalized=False)
    ours = np.array([[summary["ties"][a][b] for b in groups] for a in groups])
    if directed:
        np.testing.assert_array_equal(ours, matrix)
    else:
        # networkx sees an undirected tie from both ends: within-group ties twice.
        np.testing.assert_array_equal(ours + np.diag(np.diag(ours)), matrix)


@pytest.mark.parametrize(("name", "directed"), variants())
def test_assortativity_matches_networkx(name: str, directed: bool) -> None:
    g, G = graphs(name, directed)
    assert mixing_summary(g)["type_assortativity"] == pytest.approx(
        nx.attribute_assortativity_coefficient(G, "type"), abs=1e-12
    )


@pytest.mark.parametrize(("name", "directed"), variants())
def test_block_densities_match_networkx(name: str, directed: bool) -> None:
    g, G = graphs(name, directed)
    summary = mixing_summary(g)
    members = {group: [v for v in G if G.nodes[v]["type"] == group] for group in summary["groups"]}
    for a, in_a in members.items():
        assert summary["sizes"][a] == len(in_a)
        within = summary["block_density"][a][a]
        if len(in_a) < 2:
            assert within is None
        else:
            assert within == pytest.approx(nx.density(G.subgraph(in_a)))
        for b, in_b in members.items():
            if a != b:
                ties = len(list(nx.edge_boundary(G, in_a, in_b)))  # directed: from a to b
                assert summary["block_density"][a][b] == pytest.approx(ties / (len(in_a) * len(in_b)))


@pytest.mark.parametrize(("name", "directed"), variants())
def test_ei_index_of_network_and_groups(name: str, directed: bool) -> None:
    g, G = graphs(name, directed)
    summary = mixing_summary(g)
    kind = nx.get_node_attributes(G, "type")
    external = sum(kind[u] != kind[v] for u, v in G.edges)
    internal = G.number_of_edges() - external
    assert summary["ei_index"] == pytest.approx((external - internal) / (external + internal))
    for group in summary["groups"]:
        touching = [(u, v) for u, v in G.edges if group in (kind[u], kind[v])]
        out = sum(kind[u] != kind[v] for u, v in touching)
        inside = len(touching) - out
        expected = (out - inside) / len(touching) if touching else None
        assert summary["ei_index_by_group"][group] == pytest.approx(expected)
    sizes = np.array(list(summary["sizes"].values()))
    between = (sizes.sum() ** 2 - (sizes**2).sum()) / 2
    inside = (sizes * (sizes - 1) / 2).sum()
    assert summary["ei_index_baseline"] == pytest.approx((between - inside) / (between + inside))


def test_complete_network_mixes_like_its_baseline() -> None:
    types = ["church", "church", "refugee", "welfare", "welfare", "welfare"]
    ids = "abcdef"
    for directed in (False, True):
        pairs = [(x, y) for x in ids for y in ids if x != y and (directed or x < y)]
        summary = mixing_summary(to_igraph(make_alliance(types, pairs, directed=directed)))
        assert summary["ei_index"] == pytest.approx(summary["ei_index_baseline"])
        densities = [d for row in summary["block_density"].values() for d in row.values() if d is not None]
        assert densities == pytest.approx([1.0] * len(densities))


def test_summary_by_hand_directed() -> None:
    """a, b churches, c refugee: a → b, b → a, a → c, c → b.

    Arcs church→church 2, church→refugee 1, refugee→church 1: I = 2, E = 2, E–I = 0.
    Church: I = 2, E = 2 → 0. Refugee: E = 2 → 1. Densities: church→church 2/(2·1) = 1,
    church→refugee 1/2, refugee→church 1/2, refugee→refugee undefined.
    Baseline: within 2·1 = 2 ordered pairs, between 2·2 = 4 → (4 − 2)/6 = 1/3.
    Mixing matrix e = [[2, 1], [1, 0]]/4: a = b = (3/4, 1/4), Σ a b = 10/16,
    r = (2/4 − 10/16) / (1 − 10/16) = −1/3.
    """
    g = to_igraph(make_alliance(["church", "church", "refugee"],
                                [("a", "b"), ("b", "a"), ("a", "c"), ("c", "b")], directed=True))
    summary = mixing_summary(g)
    assert summary["ei_index"] == 0.0 and summary["ei_index_baseline"] == pytest.approx(1 / 3)
    assert summary["ei_index_by_group"] == {"church": 0.0, "refugee": 1.0}
    assert summary["ties"] == {"church": {"church": 2, "refugee": 1}, "refugee": {"church": 1, "refugee": 0}}
    assert summary["block_density"] == {
        "church": {"church": 1.0, "refugee": 0.5}, "refugee": {"church": 0.5, "refugee": None},
    }
    assert summary["type_assortativity"] == pytest.approx(-1 / 3)


def test_ei_index_by_group_counts_arcs_sent_and_received() -> None:
    """Churches a, b; refugee groups c, d; welfare e. Arcs a → b, c → a, d → a, d → b, c → d, e → c.

    Church: sent within a → b (I = 1), sent outside none, received from outside c → a, d → a,
    d → b: E = 3, so (3 − 1)/4 = 1/2 (only the arcs sent would give (0 − 1)/1 = −1).
    Refugee: I = 1 (c → d); sent c → a, d → a, d → b, received e → c: E = 4 → 3/5.
    Welfare sends e → c and receives nothing: E = 1 → 1 (only the arcs received: undefined).
    Network: E = 4 arcs between groups, I = 2 within → 1/3.
    """
    g = to_igraph(make_alliance(
        ["church", "church", "refugee", "refugee", "welfare"],
        [("a", "b"), ("c", "a"), ("d", "a"), ("d", "b"), ("c", "d"), ("e", "c")], directed=True))
    summary = mixing_summary(g)
    assert summary["ei_index_by_group"] == pytest.approx({"church": 1 / 2, "refugee": 3 / 5, "welfare": 1.0})
    assert summary["ei_index"] == pytest.approx(1 / 3)
    # The reverse alliance: sent and received swap, the indices stay.
    reverse = to_igraph(make_alliance(
        ["church", "church", "refugee", "refugee", "welfare"],
        [("b", "a"), ("a", "c"), ("a", "d"), ("b", "d"), ("d", "c"), ("c", "e")], directed=True))
    assert mixing_summary(reverse)["ei_index_by_group"] == summary["ei_index_by_group"]


# -- undefined values, tiny networks, JSON, grouping -------------------------------------------


def test_one_group_has_no_assortativity() -> None:
    summary = mixing_summary(to_igraph(make_alliance(["church"] * 3, [("a", "b"), ("b", "c")])))
    assert summary["type_assortativity"] is None
    assert summary["ei_index"] == -1.0 and summary["ei_index_baseline"] == -1.0


@pytest.mark.parametrize("types", [[], ["church"], ["church", "refugee"]])
def test_no_ties(types: list[str]) -> None:
    g = to_igraph(make_alliance(types, []))
    summary = mixing_summary(g)
    assert summary["ei_index"] is None and summary["type_assortativity"] is None
    assert all(value is None for value in summary["ei_index_by_group"].values())
    assert ei_index(g).isna().all() and len(ei_index(g)) == len(types)
    if len(types) == 2:
        assert summary["ei_index_baseline"] == 1.0
        assert summary["block_density"]["church"] == {"church": None, "refugee": 0.0}


@pytest.mark.parametrize(("name", "directed"), variants())
def test_summary_is_plain_json(name: str, directed: bool) -> None:
    g, _ = graphs(name, directed)
    summary = mixing_summary(g)
    assert json.loads(json.dumps(summary, allow_nan=False)) == summary
    assert summary["groups"] == sorted(summary["groups"])
    assert set(summary) == {
        "group_by", "groups", "sizes", "ei_index", "ei_index_baseline", "ei_index_by_group",
        "ties", "block_density", "type_assortativity",
    }
    values = ei_index(g).dropna()
    assert ((values >= -1) & (values <= 1)).all()


@pytest.mark.parametrize("name", REFERENCE_GRAPHS)
def test_order_of_actors_and_ties_does_not_matter(name: str) -> None:
    alliance = reference_alliance(name)
    rng = np.random.default_rng(3)
    shuffled = type(alliance)(
        alliance.actors.sample(frac=1, random_state=rng),
        alliance.ties.sample(frac=1, random_state=rng),
        alliance.directed, alliance.weighted,
    )
    g, h = to_igraph(alliance), to_igraph(shuffled)
    pd.testing.assert_series_equal(ei_index(h).loc[ei_index(g).index], ei_index(g))
    ours, theirs = mixing_summary(g), mixing_summary(h)
    assert ours["ties"] == theirs["ties"] and ours["block_density"] == theirs["block_density"]
    for key in ["ei_index", "ei_index_baseline", "type_assortativity"]:
        assert ours[key] == pytest.approx(theirs[key], abs=1e-12)


def test_group_by_other_attribute_with_missing_values() -> None:
    alliance = make_alliance(
        ["church", "church", "refugee"], [("a", "b"), ("b", "c")],
        attributes={"a": {"district": "Nord"}, "b": {"district": "Nord"}},
    )
    g = to_igraph(alliance)
    summary = mixing_summary(g, group_by="district")
    assert summary["group_by"] == "district"
    assert summary["groups"] == ["(none)", "Nord"] and summary["sizes"] == {"(none)": 1, "Nord": 2}
    assert ei_index(g, group_by="district").to_dict() == {"a": -1.0, "b": 0.0, "c": 1.0}
    with pytest.raises(UnknownNameError, match="no actor attribute 'no_such_attribute'"):
        mixing_summary(g, group_by="no_such_attribute")

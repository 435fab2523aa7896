"""Whole-network structure against networkx and R sna, exhaustively on small graphs, and edge cases."""

from __future__ import annotations

import itertools
import json
import math
import random
from functools import cache
from pathlib import Path

import igraph as ig
import networkx as nx
import pytest
from hypothesis import given, settings

from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph, to_networkx
from netz.core.metrics.structure import (
    average_path_length,
    centralization,
    degree_assortativity,
    density,
    diameter,
    fragmentation,
    largest_component_share,
    mean_degree,
    n_components,
    reciprocity,
    structure_summary,
    transitivity,
)
from netz.core.model import Alliance
from tests.factories import REFERENCE_GRAPHS, make_alliance, reference_alliance, same_alliance_in_two_orders

SNA = json.loads((Path(__file__).parents[1] / "fixtures" / "r" / "sna_centrality.json").read_text())
CASES = [(name, directed) for name in REFERENCE_GRAPHS for directed in (False, True)]
MEASURES = ["degree", "betweenness", "closeness"]


@cache
def graphs(name: str, directed: bool) -> tuple[ig.Graph, nx.Graph, bool]:
    alliance = reference_alliance(name)
    G = to_networkx(alliance, directed=directed)
    for _, _, data in G.edges(data=True):
        data["distance"] = 1.0 / data["weight"] if alliance.weighted else 1.0
    return to_igraph(alliance, directed=directed), G, alliance.weighted


def sna_value(value: float | str) -> float:
    return float(value)  # the R script writes NaN and Inf as strings


def plain_graph(n: int, edges: list[tuple[int, int]], *, directed: bool = False) -> ig.Graph:
    """A graph shaped as to_igraph makes them, without going through an alliance."""
    g = ig.Graph(n=n, edges=edges, directed=directed)
    g.vs["name"] = [f"v{i}" for i in range(n)]
    g.es["weight"] = [1.0] * len(edges)
    g["weighted"], g["directed"] = False, directed
    return g


# -- against networkx and R sna --------------------------------------------------


@pytest.mark.parametrize("name", REFERENCE_GRAPHS)
def test_density_matches_sna_gden(name: str) -> None:
    g, _, _ = graphs(name, reference_alliance(name).directed)
    assert density(g) == pytest.approx(SNA[name]["gden"], abs=1e-12)


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_counts_and_components_match_networkx(name: str, directed: bool) -> None:
    g, G, _ = graphs(name, directed)
    n = G.number_of_nodes()
    assert density(g) == pytest.approx(nx.density(G), abs=1e-12)
    assert mean_degree(g) == pytest.approx(sum(d for _, d in G.degree()) / n, abs=1e-12)
    components = list(nx.weakly_connected_components(G) if directed else nx.connected_components(G))
    assert n_components(g) == len(components)
    assert largest_component_share(g) == pytest.approx(max(map(len, components)) / n, abs=1e-12)


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_fragmentation_is_the_share_of_unreachable_pairs(name: str, directed: bool) -> None:
    g, G, _ = graphs(name, directed)
    undirected = G.to_undirected()
    n = undirected.number_of_nodes()
    # Brute force over all ordered pairs, which the implementation never does.
    reachable = sum(len(lengths) - 1 for _, lengths in nx.all_pairs_shortest_path_length(undirected))
    assert fragmentation(g) == pytest.approx(1 - reachable / (n * (n - 1)), abs=1e-12)


@pytest.mark.parametrize("name", REFERENCE_GRAPHS)
@pytest.mark.parametrize("measure", ["degree", "betweenness"])
def test_degree_and_betweenness_centralization_match_sna(name: str, measure: str) -> None:
    g, _, _ = graphs(name, reference_alliance(name).directed)
    expected = sna_value(SNA[name]["centralization"][measure])
    assert centralization(g, measure) == pytest.approx(expected, abs=1e-9)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", REFERENCE_GRAPHS)
def test_closeness_centralization_matches_sna_where_everyone_reaches_everyone(name: str) -> None:
    g, G, _ = graphs(name, reference_alliance(name).directed)
    sna = sna_value(SNA[name]["centralization"]["closeness"])
    ours = centralization(g, "closeness")
    connected = nx.is_strongly_connected(G) if G.is_directed() else nx.is_connected(G)
    if connected:
        assert ours == pytest.approx(sna, abs=1e-9)
        return
    # sna gives everyone who cannot reach all others closeness 0 (documented);
    # netz uses Wasserman–Faust closeness over outgoing distances with sna's
    # denominator, recomputed here from networkx.
    n = G.number_of_nodes()
    values = nx.closeness_centrality(G.reverse() if G.is_directed() else G)
    top = max(values.values())
    most = (n - 1) ** 2 / n if G.is_directed() else (n - 1) * (n - 2) / (2 * n - 3)
    assert ours == pytest.approx(sum(top - v for v in values.values()) / most, abs=1e-9)
    if not G.is_directed():
        assert sna == 0  # whatever the shape: sna's closeness is degenerate here
        assert ours > 0


def test_centralization_of_star_complete_graph_and_cycle() -> None:
    star = plain_graph(6, [(0, i) for i in range(1, 6)])
    complete = plain_graph(6, list(itertools.combinations(range(6), 2)))
    cycle = plain_graph(6, [(i, (i + 1) % 6) for i in range(6)])
    for measure in MEASURES:
        assert centralization(star, measure) == pytest.approx(1.0)  # type: ignore[arg-type]
        assert centralization(complete, measure) == pytest.approx(0.0)  # type: ignore[arg-type]
        assert centralization(cycle, measure) == pytest.approx(0.0)  # type: ignore[arg-type]
    mutual_star = plain_graph(6, [e for i in range(1, 6) for e in ((0, i), (i, 0))], directed=True)
    assert centralization(mutual_star, "degree") == pytest.approx(1.0)
    assert centralization(mutual_star, "betweenness") == pytest.approx(1.0)
    # sna's directed closeness denominator (n-1)²/n is not the star's: the
    # reciprocated star scores n(n-2)/((n-1)(2n-3)) = 24/45 and the out-star
    # n/(n-1) = 6/5. R: centralization(m, closeness, mode="digraph") gives
    # 0.5333333 and 1.2 for these two graphs.
    assert centralization(mutual_star, "closeness") == pytest.approx(24 / 45)
    out_star = plain_graph(6, [(0, i) for i in range(1, 6)], directed=True)
    assert centralization(out_star, "closeness") == pytest.approx(6 / 5)


def test_centralization_lies_in_0_1_on_every_graph_up_to_seven_actors() -> None:
    # networkx's atlas holds all 1,253 undirected graphs with at most 7 nodes.
    # The star attains 1 for each size, so the denominators are the maxima.
    highest: dict[tuple[int, str], float] = {}
    for G in nx.graph_atlas_g():
        n = G.number_of_nodes()
        if n < 3:
            continue
        g = plain_graph(n, list(G.edges()))
        for measure in MEASURES:
            value = centralization(g, measure)  # type: ignore[arg-type]
            assert value is not None and -1e-12 <= value <= 1 + 1e-12, (measure, list(G.edges()))
            highest[n, measure] = max(highest.get((n, measure), 0.0), value)
    assert all(value == pytest.approx(1.0) for value in highest.values())


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_reciprocity_transitivity_assortativity_match_networkx(name: str, directed: bool) -> None:
    g, G, _ = graphs(name, directed)
    if directed:
        assert reciprocity(g) == pytest.approx(nx.overall_reciprocity(G), abs=1e-12)
    else:
        assert reciprocity(g) is None
    assert transitivity(g) == pytest.approx(nx.transitivity(nx.Graph(G.to_undirected())), abs=1e-12)
    assert degree_assortativity(g) == pytest.approx(nx.degree_assortativity_coefficient(G), abs=1e-9)


def largest_component(G: nx.Graph) -> nx.Graph:
    parts = nx.strongly_connected_components(G) if G.is_directed() else nx.connected_components(G)
    chosen = min(parts, key=lambda c: (-len(c), min(c)))
    return G.subgraph(chosen)


@pytest.mark.parametrize(("name", "directed"), CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_path_length_and_diameter_match_networkx(name: str, directed: bool, weighted: bool) -> None:
    g, G, _ = graphs(name, directed)
    component = largest_component(G)
    weight = "distance" if weighted else None
    if component.number_of_nodes() < 2:
        assert average_path_length(g, weighted=weighted) is None
        return
    expected = nx.average_shortest_path_length(component, weight=weight)
    assert average_path_length(g, weighted=weighted) == pytest.approx(expected, abs=1e-9)
    lengths = dict(nx.all_pairs_dijkstra_path_length(component, weight=weight or (lambda u, v, d: 1)))
    longest = max(max(row.values()) for row in lengths.values())
    assert diameter(g, weighted=weighted) == pytest.approx(longest, abs=1e-9)


def test_largest_component_ties_are_broken_by_smallest_id() -> None:
    # Two components of three: the path c–d–e (id c first) beats the triangle x, y, z.
    alliance = make_alliance(
        dict.fromkeys(["x", "y", "z", "c", "d", "e"], "church"),
        [("x", "y"), ("y", "z"), ("x", "z"), ("c", "d"), ("d", "e")],
    )
    g = to_igraph(alliance)
    assert average_path_length(g) == pytest.approx(4 / 3)
    assert diameter(g) == 2


def test_path_lengths_count_hops_unless_asked() -> None:
    g, _, _ = graphs("weighted", False)
    assert structure_summary(g)["average_path_length"] == average_path_length(g, weighted=False)
    assert average_path_length(g, weighted=True) != average_path_length(g, weighted=False)
    assert average_path_length(g, weighted=None) == average_path_length(g, weighted=True)


# -- summary, tiny networks, contracts ------------------------------------------------

KEYS = [
    "n_actors", "n_ties", "density", "mean_degree", "components", "largest_component_share",
    "fragmentation", "centralization", "reciprocity", "transitivity", "average_path_length", "diameter",
    "degree_assortativity",
]


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_summary_has_the_documented_keys_and_possible_values(name: str, directed: bool) -> None:
    g, _, _ = graphs(name, directed)
    summary = structure_summary(g)
    assert list(summary) == KEYS
    assert list(summary["centralization"]) == MEASURES
    json.dumps(summary)  # plain Python values only
    assert 0 <= summary["density"] <= 1 and 0 <= summary["fragmentation"] <= 1
    assert 0 < summary["largest_component_share"] <= 1
    assert summary["transitivity"] is None or 0 <= summary["transitivity"] <= 1
    assert summary["degree_assortativity"] is None or -1 <= summary["degree_assortativity"] <= 1
    assert summary["reciprocity"] is None or 0 <= summary["reciprocity"] <= 1
    bound = 1.5 if directed else 1.0  # see centralization's notes on sna's directed closeness
    assert all(0 <= v <= bound for v in summary["centralization"].values())
    assert summary["mean_degree"] == pytest.approx(2 * summary["n_ties"] / summary["n_actors"])


@pytest.mark.parametrize("directed", [False, True])
def test_tiny_alliances_give_none_where_undefined(directed: bool) -> None:
    def summary(types: list[str], ties: list[tuple[str, str]]) -> dict:
        return structure_summary(to_igraph(make_alliance(types, ties, directed=directed)))

    empty = summary([], [])
    assert empty["n_actors"] == 0 and empty["components"] == 0
    assert all(empty[k] is None for k in KEYS if k not in {"n_actors", "n_ties", "components",
                                                          "centralization"})
    one = summary(["church"], [])
    assert (one["mean_degree"], one["components"], one["largest_component_share"]) == (0.0, 1, 1.0)
    assert one["density"] is None and one["fragmentation"] is None and one["diameter"] is None
    pair = summary(["church", "refugee"], [("a", "b")])
    assert pair["density"] == (0.5 if directed else 1.0)
    assert pair["fragmentation"] == 0.0
    assert all(v is None for v in pair["centralization"].values())  # fewer than three actors
    assert pair["reciprocity"] == (0.0 if directed else None)
    assert pair["transitivity"] is None and pair["degree_assortativity"] is None
    # a→b only: the largest strongly connected component is a single actor.
    assert pair["average_path_length"] == (None if directed else 1.0)
    untied = summary(["church", "refugee", "welfare"], [])
    assert untied["density"] == 0 and untied["fragmentation"] == 1.0 and untied["components"] == 3
    assert untied["centralization"] == {"degree": 0.0, "betweenness": 0.0, "closeness": 0.0}
    assert untied["average_path_length"] is None and untied["reciprocity"] is None


def test_transitivity_without_triangles_is_zero_and_without_triples_none() -> None:
    path = to_igraph(make_alliance(["church"] * 3, [("a", "b"), ("b", "c")]))
    assert transitivity(path) == 0.0
    two_pairs = to_igraph(make_alliance(["church"] * 4, [("a", "b"), ("c", "d")]))
    assert transitivity(two_pairs) is None


def test_unknown_centralization_measure_is_refused() -> None:
    g, _, _ = graphs("kite", False)
    with pytest.raises(UnknownNameError, match="unknown measure 'eigenvector'; measures: degree"):
        centralization(g, "eigenvector")  # type: ignore[arg-type]


# -- independence of row order ----------------------------------------------------------


def _flat(summary: dict) -> dict:
    flat = {k: v for k, v in summary.items() if k != "centralization"}
    flat.update({f"centralization.{k}": v for k, v in summary["centralization"].items()})
    return {k: (math.nan if v is None else v) for k, v in flat.items()}


@settings(max_examples=60)
@given(same_alliance_in_two_orders())
def test_summary_does_not_depend_on_row_order(pair: tuple[Alliance, Alliance]) -> None:
    first, second = pair
    for weighted in (False, True):
        one = _flat(structure_summary(to_igraph(first), weighted=weighted))
        two = _flat(structure_summary(to_igraph(second), weighted=weighted))
        assert one == pytest.approx(two, abs=1e-9, nan_ok=True)


# -- sampled path figures and centralization above a size ----------------------------------------


@cache
def sample_graph(directed: bool) -> ig.Graph:
    """1,400 actors with 4,200 random ties (seeded) and a separate 6-actor cycle."""
    rng = random.Random(21)
    ids = [f"s{i:04d}" for i in range(1406)]
    ties: set[tuple[str, str]] = set()
    while len(ties) < 4200:
        u, v = rng.sample(range(1400), 2)
        ties.add((ids[u], ids[v]) if directed else (ids[min(u, v)], ids[max(u, v)]))
    ties |= {(ids[1400 + i], ids[1400 + (i + 1) % 6]) for i in range(6)}
    return to_igraph(make_alliance(dict.fromkeys(ids, "initiative"), sorted(ties), directed=directed))


OPTIONS = {"approximate_above": 1000, "epsilon": 0.1, "delta": 0.1, "seed": 4}


@pytest.mark.parametrize("directed", [False, True])
def test_sampled_path_length_is_within_the_bound_and_the_diameter_between_its_bounds(directed: bool) -> None:
    g = sample_graph(directed)
    summary = structure_summary(g, **OPTIONS)
    methods = summary["methods"]
    exact_length, exact_diameter = average_path_length(g), diameter(g)
    assert methods["average_path_length"]["method"] == "sampled"
    # k = ln(2 · 1406 / 0.1) / (2 · 0.1² · (1405/1406)²) = 10.244 / 0.019972 = 512.9
    assert methods["average_path_length"]["sources"] == 513
    assert summary["average_path_length"] != exact_length
    assert abs(summary["average_path_length"] - exact_length) <= 0.1 * exact_diameter
    error = abs(summary["average_path_length"] - exact_length)
    assert error <= methods["average_path_length"]["error_at_most"]
    record = methods["diameter"]
    assert record["method"] == "lower-bound" and record["lower_bound"] == summary["diameter"]
    assert record["lower_bound"] <= exact_diameter <= record["upper_bound"]
    assert record["upper_bound"] <= 2 * exact_diameter
    # The functions give the same figures as the summary.
    assert average_path_length(g, **OPTIONS) == summary["average_path_length"]
    assert diameter(g, **OPTIONS) == summary["diameter"]


@pytest.mark.parametrize("directed", [False, True])
def test_sampled_centralization_is_within_its_bound(directed: bool) -> None:
    g = sample_graph(directed)
    n = g.vcount()
    summary = structure_summary(g, **OPTIONS)
    record = summary["methods"]["centralization.betweenness"]
    assert record["method"] == "sampled" and record["error_at_most"] == pytest.approx(0.2 * n / (n - 1))
    exact = centralization(g, "betweenness")
    assert abs(summary["centralization"]["betweenness"] - exact) <= record["error_at_most"]
    assert summary["methods"]["centralization.closeness"]["method"] == "sampled"
    closeness = summary["centralization"]["closeness"]
    assert closeness == pytest.approx(centralization(g, "closeness"), abs=0.05)
    assert summary["centralization"]["degree"] == centralization(g, "degree")


def test_methods_are_exact_below_the_threshold_and_absent_without_one() -> None:
    g = sample_graph(False)
    assert "methods" not in structure_summary(g)
    exact = structure_summary(g, approximate_above=2000)
    keys = ["centralization.betweenness", "centralization.closeness", "average_path_length", "diameter"]
    assert exact["methods"] == {key: {"method": "exact"} for key in keys}
    assert {k: v for k, v in exact.items() if k != "methods"} == structure_summary(g)


@pytest.mark.parametrize(("name", "directed"), CASES)
def test_figures_reusing_the_table_equal_the_summary(name: str, directed: bool) -> None:
    # metric_tables passes the table's betweenness and distance sums on when they are the same
    # quantities (unweighted alliances); the figures must not change.
    from netz.core.metrics import metric_tables

    g, _, _ = graphs(name, directed)
    for weighted in (False, None):
        _, network = metric_tables(g, weighted=weighted)
        summary = structure_summary(g, weighted=bool(weighted))
        for key in KEYS:
            assert network[key] == pytest.approx(summary[key], abs=1e-12, nan_ok=True), key
        assert all(m == {"method": "exact"} for m in network["methods"].values())

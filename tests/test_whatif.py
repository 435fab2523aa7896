"""What-if and key players: removal against networkx, Borgatti's fragmentation, greedy KPP-Neg."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import igraph as ig
import networkx as nx
import pandas as pd
import pytest

from netz.analysis.gaps import Thresholds
from netz.analysis.report import analyse, to_jsonable
from netz.analysis.whatif import fragmentation, key_players, remove_actors, whatif
from netz.core import io
from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph
from netz.core.model import Alliance
from tests.factories import make_alliance

DEMO = Path(__file__).parents[1] / "datasets" / "demo-buendnis"


def triangle_ties(a: str, b: str, c: str) -> list[tuple[str, str]]:
    return [(a, b), (b, c), (a, c)]


#: Triangles a-b-c and d-e-f joined by c–d; p hangs on c alone. c is an articulation point.
HINGE = make_alliance(
    {"a": "initiative", "b": "church", "c": "welfare", "p": "association", "d": "municipality",
     "e": "refugee", "f": "initiative"},
    [("a", "b"), ("b", "c"), ("a", "c"), ("c", "p"), ("c", "d"), ("d", "e"), ("e", "f"), ("d", "f")])


def brute_fragmentation(G: nx.Graph) -> float | None:
    """Share of ordered pairs of distinct actors with no path between them (direction ignored)."""
    n = G.number_of_nodes()
    if n < 2:
        return None
    H = G.to_undirected() if G.is_directed() else G
    reachable = sum(len(nx.node_connected_component(H, v)) - 1 for v in H)
    return 1 - reachable / (n * (n - 1))


def labelled(G: nx.Graph) -> ig.Graph:
    """An igraph copy of a networkx graph on nodes 0 … n−1, vertex i named 'v0i'."""
    n = G.number_of_nodes()
    assert set(G) == set(range(n))
    g = ig.Graph(n=n, edges=list(G.edges), directed=G.is_directed())
    g.vs["name"] = [f"v{i:02d}" for i in range(n)]
    return g


# -- removing actors -----------------------------------------------------------------------------------


def test_removing_an_articulation_point() -> None:
    result = whatif(HINGE, ["c"])
    before, after = result["before"], result["after"]
    assert (before["n_actors"], after["n_actors"]) == (7, 6)
    assert (before["n_ties"], after["n_ties"]) == (8, 4)
    assert (before["components"], after["components"]) == (1, 3)
    assert after["largest_component_share"] == pytest.approx(3 / 6)
    # Parts of sizes 2 (a, b), 1 (p) and 3 (d, e, f): F = 1 − (2 + 0 + 6)/(6 · 5).
    assert (before["fragmentation"], after["fragmentation"]) == (0.0, pytest.approx(1 - 8 / 30))
    assert result["loses_all_ties"] == ["p"]
    assert result["names"] == {"c": "C", "p": "P"}
    new = {(g["kind"], tuple(g["actors"])) for g in result["new_gaps"]}
    assert ("isolated_actor", ("p",)) in new
    assert ("disconnected_cluster", ("a", "b")) in new
    # What disappears with c (its own single point of failure, its bridge, p hanging on it) is
    # not "resolved": resolving means the others fixed it.
    assert all("c" not in g["actors"] for g in result["resolved_gaps"])
    old = {(g.kind, g.actors) for g in analyse(HINGE).gaps}
    assert ("single_point_of_failure", ("c",)) in old and ("fragile_tie", ("c", "d")) in old


def test_removal_matches_networkx() -> None:
    G = nx.gnm_random_graph(12, 16, seed=3)
    alliance = make_alliance({f"v{i:02d}": "other" for i in range(12)},
                             [(f"v{u:02d}", f"v{v:02d}") for u, v in G.edges])
    leaving = ["v03", "v07"]
    result = whatif(alliance, leaving)
    H = G.copy()
    H.remove_nodes_from([3, 7])
    assert result["after"]["components"] == nx.number_connected_components(H)
    assert result["after"]["fragmentation"] == pytest.approx(brute_fragmentation(H))
    assert result["after"]["n_ties"] == H.number_of_edges()
    stranded = sorted(f"v{v:02d}" for v in H if H.degree(v) == 0 and G.degree(v) > 0)
    assert sorted(result["loses_all_ties"]) == stranded


def test_removing_nobody_changes_nothing() -> None:
    result = whatif(HINGE, [])
    assert result["before"] == result["after"]
    assert result["new_gaps"] == result["resolved_gaps"] == result["loses_all_ties"] == []


def test_unknown_actor_is_a_netz_error_naming_the_ids() -> None:
    with pytest.raises(UnknownNameError, match=r"no actor.*zz") as error:
        whatif(HINGE, ["c", "zz"])
    assert not isinstance(error.value, KeyError)
    assert error.value.name == ["zz"] and error.value.accepted == list(HINGE.actors["id"])
    with pytest.raises(UnknownNameError, match="zz"):
        remove_actors(HINGE, ["zz"])


def test_remove_actors_drops_their_ties_only() -> None:
    smaller = remove_actors(HINGE, ["c", "c", "e"])
    assert list(smaller.actors["id"]) == ["a", "b", "p", "d", "f"]
    pairs = sorted(map(tuple, smaller.ties[["source", "target"]].to_numpy().tolist()))
    assert pairs == [("a", "b"), ("d", "f")]
    assert (smaller.directed, smaller.weighted) == (HINGE.directed, HINGE.weighted)
    assert HINGE.n_actors == 7  # the original is unchanged


def test_whatif_keeps_the_wave_analysed_before() -> None:
    """a–b in 2019, b–c in 2020, c–d and d–a in 2021, a–c without a wave (in every wave)."""
    actors = pd.DataFrame({"id": list("abcd"), "name": list("ABCD"),
                           "type": ["church", "refugee", "welfare", "municipality"]})
    ties = pd.DataFrame({"source": ["a", "b", "c", "d", "a"], "target": ["b", "c", "d", "a", "c"],
                         "wave": ["2019", "2020", "2021", "2021", None]})
    alliance = Alliance.from_frames(actors, ties)
    every = whatif(alliance, ["d"], wave="all")
    assert (every["before"]["n_ties"], every["after"]["n_ties"]) == (5, 3)  # not cut to 2020 after
    latest = whatif(alliance, ["d"])
    assert (latest["before"]["n_ties"], latest["after"]["n_ties"]) == (3, 1)
    before = analyse(alliance, wave="2019")
    first = whatif(before.alliance, ["b"], before=before)
    assert (first["before"]["n_ties"], first["after"]["n_ties"]) == (2, 1)


def test_whatif_with_thresholds() -> None:
    """Without a, the rest is the path b-c-d-e: c and d each hold half the betweenness, a new
    over-centralisation; a threshold of 0.9 applied before and after does not report it."""
    alliance = make_alliance(["initiative", "church", "welfare", "refugee", "municipality"],
                             [("a", "b"), ("a", "c"), ("a", "d"), ("a", "e"), ("b", "c"), ("c", "d"),
                              ("d", "e")])
    kinds = {g["kind"] for g in whatif(alliance, ["a"])["new_gaps"]}
    assert "over_centralization" in kinds
    relaxed = whatif(alliance, ["a"], thresholds=Thresholds(over_centralization_share=0.9))
    assert "over_centralization" not in {g["kind"] for g in relaxed["new_gaps"]}


def test_whatif_result_is_json_ready() -> None:
    result = to_jsonable(whatif(HINGE, ["c"]))
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    assert set(result) == {"removed", "before", "after", "loses_all_ties", "new_gaps", "resolved_gaps",
                           "changed_gaps", "warnings", "names"}


# -- which gaps are new, resolved, changed ---------------------------------------------------------------


def test_a_gap_that_existed_before_is_not_new_when_its_sector_loses_a_member() -> None:
    """Churches k1, k2 and the municipality m never meet. Without k2 they still do not: the
    same gap, not a new one (it used to reappear as new because its member list changed)."""
    alliance = make_alliance({"i": "initiative", "k1": "church", "k2": "church", "m": "municipality",
                              "r": "refugee"},
                             [("i", "k1"), ("i", "k2"), ("i", "m"), ("i", "r"), ("k1", "r"), ("m", "r")])
    result = whatif(alliance, ["k2"])
    assert "missing_sector_link:church|municipality" not in {g["id"] for g in result["new_gaps"]}
    assert "missing_sector_link:church|municipality" not in {g["id"] for g in result["resolved_gaps"]}
    sector_kinds = ("missing_sector_link", "weak_sector_link")
    assert [g for g in [*result["new_gaps"], *result["resolved_gaps"]] if g["kind"] in sector_kinds] == []


def test_demo_without_a_church_lists_no_sector_gap_as_new() -> None:
    demo = io.read(DEMO)
    before = {g.id for g in analyse(demo).gaps}
    for actor in ("kath", "mso1", "car", "lra"):
        result = whatif(demo, [actor])
        assert all(g["id"] not in before for g in result["new_gaps"]), actor
        assert not [g for g in result["new_gaps"] if g["kind"] in ("missing_sector_link", "weak_sector_link")
                    and actor not in g["actors"] and g["id"] in before]


def test_a_gap_that_gets_more_urgent_is_changed() -> None:
    """On the path a-b-c-d-e, c holds 4 of 10 units of betweenness (medium); without e, on
    a-b-c-d, 2 of 4 (high): the same finding about c, now more urgent — changed, not new."""
    alliance = make_alliance(["other"] * 5, [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    before = {g.id: g for g in analyse(alliance).gaps}
    centre = before["over_centralization:c"]
    assert (centre.severity, centre.value) == ("medium", 0.4)
    result = whatif(alliance, ["e"])
    changed = {g["id"]: g for g in result["changed_gaps"]}
    assert changed["over_centralization:c"]["severity"] == "high"
    assert changed["over_centralization:c"]["before"] == {"severity": "medium", "value": 0.4}
    assert "over_centralization:b" in {g["id"] for g in result["new_gaps"]}
    assert set(changed) & {g["id"] for g in result["new_gaps"]} == set()


def test_removing_the_only_refugee_organisation_is_a_warning_not_good_news() -> None:
    """r, the one refugee organisation, works with nobody. Without it fragmentation falls — the
    network looks better — but the alliance has lost its only refugee partner: say so."""
    alliance = make_alliance({"a": "initiative", "b": "church", "c": "welfare", "r": "refugee"},
                             triangle_ties("a", "b", "c"))
    result = whatif(alliance, ["r"])
    assert result["after"]["fragmentation"] < result["before"]["fragmentation"]
    warnings = {w["kind"]: w for w in result["warnings"]}
    assert set(warnings) == {"refugee_partner_lost", "unconnected_left"}
    lost = warnings["refugee_partner_lost"]
    assert (lost["severity"], lost["actors"]) == ("high", ["r"])
    assert "R" in lost["explanation"]["de"]
    assert "letzte Organisation von Geflüchteten" in lost["explanation"]["de"]
    assert "refugee_exclusion" in {g["id"] for g in result["new_gaps"]}  # no refugee organisation at all
    # Another refugee organisation stays: no such warning.
    two = make_alliance({"a": "initiative", "b": "church", "c": "welfare", "r": "refugee", "s": "refugee"},
                        [*triangle_ties("a", "b", "c"), ("s", "a"), ("s", "b")])
    assert [w["kind"] for w in whatif(two, ["r"])["warnings"]] == ["unconnected_left"]
    assert whatif(two, ["s"])["warnings"] == []


# -- fragmentation -----------------------------------------------------------------------------------------


def test_fragmentation_by_hand() -> None:
    assert fragmentation(ig.Graph(n=4, edges=[(0, 1), (2, 3)])) == pytest.approx(1 - 4 / 12)
    assert fragmentation(ig.Graph.Full(5)) == 0.0
    assert fragmentation(ig.Graph(n=5)) == 1.0
    assert fragmentation(ig.Graph(n=1)) is None
    assert fragmentation(ig.Graph(n=0)) is None
    # Triangle plus a pair plus an isolate: 1 − (6 + 2 + 0)/(6 · 5).
    assert fragmentation(ig.Graph(n=6, edges=[(0, 1), (1, 2), (0, 2), (3, 4)])) == pytest.approx(1 - 8 / 30)


@pytest.mark.parametrize(("n", "m", "seed"), [(10, 6, 0), (15, 12, 1), (20, 18, 2), (30, 25, 3), (8, 0, 4)])
def test_fragmentation_matches_brute_force(n: int, m: int, seed: int) -> None:
    G = nx.gnm_random_graph(n, m, seed=seed)
    assert fragmentation(labelled(G)) == pytest.approx(brute_fragmentation(G))


def test_fragmentation_of_directed_graphs_ignores_direction() -> None:
    """a → b → c is one part: nobody is cut off, though c cannot reach a along the arrows."""
    G = nx.gnm_random_graph(12, 10, seed=5, directed=True)
    assert fragmentation(labelled(G)) == pytest.approx(brute_fragmentation(G))
    assert fragmentation(ig.Graph(n=3, edges=[(0, 1), (1, 2)], directed=True)) == 0.0


# -- key players ------------------------------------------------------------------------------------------


def test_key_player_of_a_barbell_is_the_bridge() -> None:
    """Two cliques of four joined through one actor (v04): removing it leaves two cliques,
    F = 1 − 2 · 12/(8 · 7)."""
    players = key_players(labelled(nx.barbell_graph(4, 1)), 1)
    assert players == [{"id": "v04", "name": "v04", "rank": 1,
                        "fragmentation_after": pytest.approx(1 - 24 / 56)}]


def test_key_players_on_an_alliance_carry_names() -> None:
    players = key_players(to_igraph(HINGE), 2)
    assert [(p["id"], p["name"], p["rank"]) for p in players] == [("c", "C", 1), ("d", "D", 2)]
    # Without c and d: a–b, p, e–f → 1 − (2 + 0 + 2)/(5 · 4).
    assert players[1]["fragmentation_after"] == pytest.approx(1 - 4 / 20)


def test_key_players_break_ties_by_actor_order() -> None:
    """A path of two bridge actors (v04, v05) between two cliques: removing either gives the same
    fragmentation; the first in actor order is chosen, on every call."""
    G = nx.barbell_graph(4, 2)
    g = labelled(G)
    first = key_players(g, 2)
    assert first[0]["id"] == "v04"
    for bridge in (4, 5):  # either leaves parts of 4 and 5: 1 − (12 + 20)/(9 · 8)
        H = G.copy()
        H.remove_node(bridge)
        assert brute_fragmentation(H) == pytest.approx(first[0]["fragmentation_after"])
    assert first[0]["fragmentation_after"] == pytest.approx(1 - 32 / 72)
    assert all(key_players(g, 2) == first for _ in range(3))
    cycle = labelled(nx.cycle_graph(6))
    assert key_players(cycle, 1)[0]["id"] == "v00"


@pytest.mark.parametrize("seed", range(5))
def test_greedy_steps_match_brute_force(seed: int) -> None:
    """Each step removes an actor whose removal maximises fragmentation of what remains (the
    first such in actor order), and reports that fragmentation."""
    G = nx.gnm_random_graph(11, 14, seed=seed)
    players = key_players(labelled(G), 3)
    remaining = G.copy()
    for player in players:
        scores = {}
        for v in remaining:
            H = remaining.copy()
            H.remove_node(v)
            scores[v] = brute_fragmentation(H)
        best = max(scores.values())
        chosen = int(player["id"][1:])
        assert scores[chosen] == pytest.approx(best)
        assert chosen == min(v for v, s in scores.items() if s == pytest.approx(best))
        assert player["fragmentation_after"] == pytest.approx(best)
        remaining.remove_node(chosen)


def test_greedy_pair_against_the_best_pair() -> None:
    """Greedy is not always optimal (KPP is NP-hard), but it never beats the best pair, and on
    this graph of three stars joined at their centres it finds it."""
    G = nx.Graph()
    centres = [0, 1, 2]
    G.add_edges_from([(0, 1), (1, 2)])
    leaf = 3
    for centre in centres:
        for _ in range(3):
            G.add_edge(centre, leaf)
            leaf += 1
    players = key_players(labelled(G), 2)
    best = 0.0
    for pair in itertools.combinations(G, 2):
        H = G.copy()
        H.remove_nodes_from(pair)
        best = max(best, brute_fragmentation(H) or 0.0)
    assert players[-1]["fragmentation_after"] <= best + 1e-12
    assert players[-1]["fragmentation_after"] == pytest.approx(best)


def test_key_players_limits() -> None:
    g = labelled(nx.path_graph(4))
    assert key_players(g, 0) == []
    assert len(key_players(g, 10)) == 2  # fragmentation needs two actors left
    assert key_players(labelled(nx.path_graph(2)), 3) == []
    # Only the few most between actors are tried in large networks; the bridge is among them.
    barbell = labelled(nx.barbell_graph(5, 1))
    assert key_players(barbell, 1, max_candidates=3)[0]["id"] == "v05"


def test_key_players_leave_the_graph_alone() -> None:
    g = to_igraph(HINGE)
    key_players(g, 3)
    assert g.vcount() == 7 and g.ecount() == 8

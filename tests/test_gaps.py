"""Coordination gaps: every kind found on a small alliance built for it, none on a healthy one."""

from __future__ import annotations

import math
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netz.analysis.gaps import GAP_KINDS, SEVERITIES, Gap, Thresholds, find_gaps, top_steps, words
from netz.analysis.report import analyse, report
from netz.core import io
from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph, to_networkx
from netz.core.metrics import actor_metrics
from netz.core.model import Alliance
from netz.messages import catalogue
from tests.factories import make_alliance

DEMO = Path(__file__).parents[1] / "datasets" / "demo-buendnis"

# -- helpers ---------------------------------------------------------------------------------------


def gaps_of(alliance: Alliance, **options: object) -> list[Gap]:
    return analyse(alliance, **options).gaps  # type: ignore[arg-type]


def of_kind(gaps: list[Gap], kind: str) -> list[Gap]:
    return [gap for gap in gaps if gap.kind == kind]


def summary(gaps: list[Gap], kind: str) -> list[tuple[str, tuple[str, ...], object]]:
    """(severity, actors, value) of every gap of one kind, in report order."""
    return [(gap.severity, gap.actors, gap.value) for gap in of_kind(gaps, kind)]


def triangle_ties(a: str, b: str, c: str) -> list[tuple[str, str]]:
    return [(a, b), (b, c), (a, c)]


def clique_ties(ids: str) -> list[tuple[str, str]]:
    return [(u, v) for i, u in enumerate(ids) for v in ids[i + 1:]]


def both_ways(ties: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [*ties, *((v, u) for u, v in ties)]


#: Two triangles a-b-c (initiatives) and d-e-f (churches) joined by the single tie c–d.
TWO_TRIANGLES = make_alliance(["initiative"] * 3 + ["church"] * 3,
                              [*triangle_ties("a", "b", "c"), ("c", "d"), *triangle_ties("d", "e", "f")])

#: A hand-made healthy alliance: every core sector with three actors, education and
#: employment too, five to seven partners each, every pair of core sectors tied, no
#: articulation point, no bridge, nobody holding more than a tenth of all betweenness.
HEALTHY_TYPES = {
    "hk": "initiative", "fk": "initiative", "pat": "initiative",
    "ev": "church", "kath": "church", "mosch": "church",
    "car": "welfare", "dia": "welfare", "awo": "welfare",
    "stadt": "municipality", "lra": "municipality", "abh": "municipality",
    "mso1": "refugee", "mso2": "refugee", "rat": "refugee",
    "vhs": "education", "gs": "education", "jc": "employment",
}
_HEALTHY_PARTNERS = {
    "hk": "fk ev car stadt mso1 vhs", "fk": "kath dia lra mso2 jc", "pat": "mso1 mso2 rat ev awo gs",
    "ev": "kath car stadt rat", "kath": "mosch dia lra mso1 gs", "mosch": "mso2 awo rat abh",
    "car": "dia stadt mso1 jc", "dia": "lra rat vhs", "awo": "abh mso2 gs", "stadt": "lra abh rat vhs",
    "lra": "jc mso2", "abh": "mso1 jc", "mso1": "vhs", "mso2": "gs", "rat": "jc", "vhs": "gs jc",
}
HEALTHY_TIES = [(a, b) for a, partners in _HEALTHY_PARTNERS.items() for b in partners.split()]


def circulant_alliance() -> Alliance:
    """15 actors, the five core types in turn, each tied to the next three: every actor alike."""
    core = ["initiative", "church", "welfare", "municipality", "refugee"]
    ids = [f"x{i:02d}" for i in range(15)]
    return make_alliance({x: core[i % 5] for i, x in enumerate(ids)},
                         [(ids[i], ids[(i + k) % 15]) for i in range(15) for k in (1, 2, 3)])


# -- the healthy network: nothing to report ----------------------------------------------------------


def healthy_variants() -> list[tuple[str, Alliance]]:
    weights = [(a, b, 1.0 + (i % 3)) for i, (a, b) in enumerate(HEALTHY_TIES)]
    return [
        ("undirected", make_alliance(HEALTHY_TYPES, HEALTHY_TIES)),
        ("weighted", make_alliance(HEALTHY_TYPES, weights)),
        ("directed, all returned", make_alliance(HEALTHY_TYPES, both_ways(HEALTHY_TIES), directed=True)),
        ("circulant", circulant_alliance()),
    ]


@pytest.mark.parametrize(("label", "alliance"), healthy_variants(), ids=[v[0] for v in healthy_variants()])
def test_healthy_network_has_no_gaps(label: str, alliance: Alliance) -> None:
    G = to_networkx(alliance).to_undirected()
    # The premises: connected, no articulation point, no bridge, everyone with several partners.
    assert nx.is_biconnected(G) and not list(nx.bridges(G))
    assert min(d for _, d in G.degree()) >= 5
    analysis = analyse(alliance)
    # Not even low ones: introductions are only suggested between sectors that hardly meet.
    assert analysis.gaps == []
    assert all(i.band == "good" for i in analysis.health), [(i.indicator, i.value) for i in analysis.health]


def test_healthy_network_with_many_common_partners_gets_no_introductions() -> None:
    """Plenty of untied pairs of different sectors share partners; none is suggested."""
    alliance = make_alliance(HEALTHY_TYPES, HEALTHY_TIES)
    G = to_networkx(alliance)
    candidates = [(u, v) for u, v in nx.non_edges(G) if G.nodes[u]["type"] != G.nodes[v]["type"]
                  and len(list(nx.common_neighbors(G, u, v))) >= 2]
    assert len(candidates) > 20
    assert of_kind(gaps_of(alliance), "closure_opportunity") == []


# -- isolated and peripheral actors ------------------------------------------------------------------


def test_isolated_actor() -> None:
    types = {"a": "initiative", "b": "welfare", "c": "refugee", "d": "church", "e": "church"}
    alliance = make_alliance(types, [*triangle_ties("a", "b", "c"), ("a", "e"), ("b", "e"), ("c", "e")])
    gaps = gaps_of(alliance)
    assert summary(gaps, "isolated_actor") == [("medium", ("d",), 0)]
    (gap,) = of_kind(gaps, "isolated_actor")
    assert gap.types == ("church",) and gap.id == "isolated_actor:d" and gap.folds == ()
    assert "D" in gap.explanation["de"] and "D" in gap.explanation["en"]


def test_sector_gaps_of_a_single_isolated_actor_are_part_of_its_finding() -> None:
    """d is the only church and works with nobody: that churches meet no initiative, welfare
    association or refugee organisation has this one cause, reported once, as urgent as the most
    urgent of the sector gaps it stands for (church–refugee: high)."""
    alliance = make_alliance({"a": "initiative", "b": "welfare", "c": "refugee", "d": "church"},
                             triangle_ties("a", "b", "c"))
    gaps = gaps_of(alliance)
    assert of_kind(gaps, "missing_sector_link") == []
    assert summary(gaps, "isolated_actor") == [("high", ("d",), 0)]
    (gap,) = of_kind(gaps, "isolated_actor")
    assert gap.folds == ("missing_sector_link:church|initiative", "missing_sector_link:church|refugee",
                         "missing_sector_link:church|welfare")
    assert gap.types == ("church", "initiative", "refugee", "welfare")
    assert gap.message == "gap.isolated_actor.sectors"
    assert gap.params["groups"] == ["initiative", "refugee", "welfare"]
    assert "„Kirche / Religionsgemeinschaft“" in gap.explanation["de"]
    assert "'Welfare association'" in gap.explanation["en"]
    # Two isolated actors in one sector are two causes: the sector gaps stay.
    two = make_alliance({"a": "initiative", "b": "welfare", "c": "refugee", "d": "church", "e": "church"},
                        triangle_ties("a", "b", "c"))
    assert "missing_sector_link:church|refugee" in {g.id for g in gaps_of(two)}


def test_isolated_refugee_organisation_is_refugee_exclusion_only() -> None:
    alliance = make_alliance({"a": "initiative", "b": "welfare", "c": "church", "r": "refugee"},
                             triangle_ties("a", "b", "c"))
    gaps = gaps_of(alliance)
    assert summary(gaps, "refugee_exclusion") == [("high", ("r",), 0)]
    assert of_kind(gaps, "isolated_actor") == []
    # r is the refugees' only organisation: their missing sector links are part of its finding.
    assert {gap.kind for gap in gaps if "r" in gap.actors} == {"refugee_exclusion"}
    (gap,) = of_kind(gaps, "refugee_exclusion")
    assert gap.message == "gap.refugee_exclusion.isolated.sectors"
    assert gap.folds == ("missing_sector_link:church|refugee", "missing_sector_link:initiative|refugee",
                         "missing_sector_link:refugee|welfare")


def test_peripheral_actor_names_its_only_partner() -> None:
    alliance = make_alliance({"a": "initiative", "b": "welfare", "c": "refugee", "d": "church"},
                             [*triangle_ties("a", "b", "c"), ("c", "d")])
    gaps = gaps_of(alliance)
    assert summary(gaps, "peripheral_actor") == [("low", ("d", "c"), 1)]
    assert "C" in of_kind(gaps, "peripheral_actor")[0].explanation["de"]
    # A leaf is no single point of failure: its partner cuts off one actor (spof_min_cut = 2).
    assert of_kind(gaps, "single_point_of_failure") == []


def test_refugee_with_a_single_partner_is_refugee_exclusion_not_peripheral() -> None:
    alliance = make_alliance({"a": "initiative", "b": "welfare", "c": "church", "r": "refugee"},
                             [*triangle_ties("a", "b", "c"), ("c", "r")])
    gaps = gaps_of(alliance)
    assert summary(gaps, "refugee_exclusion") == [("medium", ("r",), 1)]
    assert of_kind(gaps, "peripheral_actor") == []


# -- single points of failure and fragile ties --------------------------------------------------------


def test_two_triangles_joined_by_one_tie() -> None:
    """Removing c or d cuts off two actors (medium: fewer than major_min = 3); the bridge c–d has
    three actors on each side (high: at least 3 and 10 % of 6)."""
    gaps = gaps_of(TWO_TRIANGLES)
    assert summary(gaps, "single_point_of_failure") == [("medium", ("c",), 2), ("medium", ("d",), 2)]
    assert summary(gaps, "fragile_tie") == [("high", ("c", "d"), 3)]
    assert of_kind(gaps, "fragile_tie")[0].types == ("church", "initiative")
    # The explanations name who is cut off, and who is on the smaller side.
    spof = of_kind(gaps, "single_point_of_failure")
    assert spof[0].explanation["de"].startswith("Ohne C wären 2 Akteure (A, B) vom übrigen Netzwerk")
    assert spof[1].explanation["en"].startswith("Without D, 2 actors (E, F) would be cut off")
    assert "hängen 3 Akteure (C, A, B)." in of_kind(gaps, "fragile_tie")[0].explanation["de"]


def test_star_centre_is_a_single_point_of_failure_with_high_severity() -> None:
    alliance = make_alliance(["municipality", "initiative", "church", "welfare", "refugee", "initiative"],
                             [("a", x) for x in "bcdef"])
    assert summary(gaps_of(alliance), "single_point_of_failure") == [("high", ("a",), 4)]
    # A star of eight leaves: seven cut off, five named.
    big = make_alliance(["municipality", *["initiative"] * 8], [("a", x) for x in "bcdefghi"])
    (gap,) = of_kind(gaps_of(big), "single_point_of_failure")
    assert gap.value == 7
    assert re.search(r"7 Akteure \(([B-I], ){4}[B-I] \(\+2\)\)", gap.explanation["de"])


def test_fragile_tie_to_a_pair_is_medium_and_to_a_leaf_not_reported() -> None:
    """Triangle a-b-c, c–d, d–e: c–d has 2 actors behind it (medium); d–e only 1 (not reported)."""
    alliance = make_alliance(["initiative", "church", "welfare", "refugee", "municipality"],
                             [*triangle_ties("a", "b", "c"), ("c", "d"), ("d", "e")])
    gaps = gaps_of(alliance)
    assert summary(gaps, "fragile_tie") == [("medium", ("c", "d"), 2)]
    assert summary(gaps, "single_point_of_failure") == [("medium", ("c",), 2)]


#: Random graphs: small and dense, sparse with many parts, trees (every tie a bridge), larger.
RANDOM_GRAPHS = [(14, 16, 0), (14, 15, 1), (14, 13, 2), (30, 29, 3), (40, 30, 4), (60, 75, 5),
                 (80, 79, 6), (120, 140, 7)]


def random_graph(n: int, m: int, seed: int) -> nx.Graph:
    """A random graph; with m = n − 1 a random tree (each actor tied to one before it)."""
    if m == n - 1:
        rng = np.random.default_rng(seed)
        return nx.Graph([(i, int(rng.integers(i))) for i in range(1, n)])
    return nx.gnm_random_graph(n, m, seed=seed)


@pytest.mark.parametrize(("n", "m", "seed"), RANDOM_GRAPHS)
def test_single_points_of_failure_match_networkx(n: int, m: int, seed: int) -> None:
    """Every articulation point cutting off at least two actors, with the number cut off."""
    G = random_graph(n, m, seed)
    ids = [f"v{i:03d}" for i in range(n)]
    alliance = make_alliance({v: "other" for v in ids}, [(ids[u], ids[v]) for u, v in G.edges])
    expected = {}
    for point in nx.articulation_points(G):
        part = nx.node_connected_component(G, point) - {point}
        rest = G.subgraph(part)
        cut_off = len(part) - max(len(c) for c in nx.connected_components(rest))
        if cut_off >= 2:
            expected[ids[point]] = cut_off
    found = {gap.actors[0]: gap.value for gap in of_kind(gaps_of(alliance), "single_point_of_failure")}
    assert found == expected


@pytest.mark.parametrize(("n", "m", "seed"), RANDOM_GRAPHS)
def test_fragile_ties_match_networkx_bridges(n: int, m: int, seed: int) -> None:
    G = random_graph(n, m, seed)
    ids = [f"v{i:03d}" for i in range(n)]
    alliance = make_alliance({v: "other" for v in ids}, [(ids[u], ids[v]) for u, v in G.edges])
    expected = {}
    for u, v in nx.bridges(G):
        H = G.copy()
        H.remove_edge(u, v)
        smaller = min(len(nx.node_connected_component(H, u)), len(nx.node_connected_component(H, v)))
        if smaller >= 2:
            expected[frozenset((ids[u], ids[v]))] = smaller
    gaps = gaps_of(alliance)
    found = {frozenset(gap.actors): gap.value for gap in of_kind(gaps, "fragile_tie")}
    # A bridge whose loss cuts off what the actor at its end cuts off is part of that actor's
    # single point of failure, with the same figure: the actors on the bridge's smaller side.
    for gap in of_kind(gaps, "single_point_of_failure"):
        for folded in (f for f in gap.folds if f.startswith("fragile_tie:")):
            pair = frozenset(folded.removeprefix("fragile_tie:").split("|"))
            assert pair not in found and gap.actors[0] in pair
            found[pair] = gap.value
    assert found == expected


# -- sectors: missing and weak links -------------------------------------------------------------------


def test_churches_and_municipality_without_a_tie_is_high() -> None:
    alliance = make_alliance({"k1": "church", "k2": "church", "m": "municipality", "i": "initiative"},
                             [("k1", "i"), ("k2", "i"), ("m", "i")])
    gaps = gaps_of(alliance)
    assert summary(gaps, "missing_sector_link") == [("high", ("k1", "k2", "m"), 0)]
    (gap,) = of_kind(gaps, "missing_sector_link")
    assert gap.types == ("church", "municipality")
    assert "„Kirche / Religionsgemeinschaft“" in gap.explanation["de"]
    assert "„Kommune / Kreis“" in gap.explanation["de"]
    assert "'Church / faith community'" in gap.explanation["en"]


def test_missing_link_severity_by_sector() -> None:
    """Core–core with the municipality or refugees: high; other core–core: medium (whatever the
    sizes); core with a non-core group, both of two actors or more: low; otherwise nothing."""
    types = {"i1": "initiative", "i2": "initiative", "k1": "church", "k2": "church", "w": "welfare",
             "m": "municipality", "r": "refugee", "s1": "education", "s2": "education", "p": "public",
             "e": "employment"}
    # Everybody works with the municipality, except the schools, who work with one initiative.
    alliance = make_alliance(types, [*((x, "m") for x in ("i1", "i2", "k1", "k2", "w", "r", "p", "e")),
                                     ("s1", "s2"), ("s1", "i1")])
    found = {frozenset(gap.types): gap.severity for gap in of_kind(gaps_of(alliance), "missing_sector_link")}
    assert found == {
        frozenset(("initiative", "refugee")): "high",
        frozenset(("church", "refugee")): "high",
        frozenset(("welfare", "refugee")): "high",
        frozenset(("initiative", "church")): "medium",
        frozenset(("initiative", "welfare")): "medium",
        frozenset(("church", "welfare")): "medium",
        frozenset(("church", "education")): "low",
    }


def test_actors_of_unknown_type_make_no_sector() -> None:
    """Two actors of type "other" (unknown, or pooled for researchers) tied to no church: no
    missing or weak link of theirs is reported; the churches' missing link to the municipality is."""
    types = {"k1": "church", "k2": "church", "m": "municipality", "i1": "initiative", "i2": "initiative",
             "o1": "other", "o2": "other"}
    alliance = make_alliance(types, [("k1", "i1"), ("k2", "i2"), ("m", "i1"), ("i1", "i2"),
                                     ("o1", "i1"), ("o2", "m"), ("o1", "o2")])
    links = [gap for gap in gaps_of(alliance) if gap.kind in ("missing_sector_link", "weak_sector_link")]
    assert [(gap.kind, gap.types) for gap in links] == [("missing_sector_link", ("church", "municipality"))]


def test_missing_link_between_groups_of_another_attribute() -> None:
    """Grouping by an attribute: a missing link between two groups of two or more is medium."""
    district = {"a": {"bezirk": "Nord"}, "b": {"bezirk": "Nord"}, "c": {"bezirk": "Süd"},
                "d": {"bezirk": "Süd"}, "e": {"bezirk": "Mitte"}}
    alliance = make_alliance(["initiative"] * 5, [("a", "b"), ("c", "d"), ("a", "e"), ("c", "e")],
                             attributes=district)
    gaps = gaps_of(alliance, group_by="bezirk")
    assert summary(gaps, "missing_sector_link") == [("medium", ("a", "b", "c", "d"), 0)]
    assert of_kind(gaps, "missing_sector_link")[0].types == ("Nord", "Süd")
    assert "„Nord“" in of_kind(gaps, "missing_sector_link")[0].explanation["de"]


def test_weak_sector_link_by_the_documented_rule() -> None:
    """Two triangles, one tie between them: block density 1/9, network density 7/15, ratio
    (1/9)/(7/15) = 5/21 ≈ 0.238 < weak_link_ratio = 0.25."""
    gaps = gaps_of(TWO_TRIANGLES)
    assert summary(gaps, "weak_sector_link") == [("low", ("a", "b", "c", "d", "e", "f"), round(5 / 21, 4))]
    # With a second tie between them, 2/9 over 8/15 = 5/12 is not weak.
    alliance = make_alliance(["initiative"] * 3 + ["church"] * 3,
                             [*triangle_ties("a", "b", "c"), ("c", "d"), ("b", "e"),
                              *triangle_ties("d", "e", "f")])
    assert of_kind(gaps_of(alliance), "weak_sector_link") == []
    # The ratio is a threshold: at 0.2 the two triangles are no longer weakly linked.
    lower = Thresholds(weak_link_ratio=0.2)
    assert of_kind(gaps_of(TWO_TRIANGLES, thresholds=lower), "weak_sector_link") == []


def test_weak_link_needs_two_actors_in_each_group() -> None:
    """A single church tied once to four initiatives is not compared (weak_link_min_group = 2)."""
    alliance = make_alliance(["church", "initiative", "initiative", "initiative", "initiative"],
                             [("a", "b"), *clique_ties("bcde")])
    assert of_kind(gaps_of(alliance), "weak_sector_link") == []


# -- refugees ----------------------------------------------------------------------------------------


def test_no_refugee_actor_at_all() -> None:
    gaps = gaps_of(TWO_TRIANGLES)
    assert summary(gaps, "refugee_exclusion") == [("high", (), 0)]
    assert of_kind(gaps, "refugee_exclusion")[0].types == ("refugee",)


def test_refugee_organisation_outside_the_main_part() -> None:
    alliance = make_alliance({"a": "initiative", "b": "church", "c": "welfare", "d": "municipality",
                              "r": "refugee", "x": "association"},
                             [*clique_ties("abcd"), ("r", "x")])
    assert summary(gaps_of(alliance), "refugee_exclusion") == [("high", ("r",), 1)]


def test_refugee_organisation_only_named_in_survey_data() -> None:
    """Directed: three partners name r, r names nobody → medium, value = times named."""
    ties = [*both_ways(clique_ties("abc")), ("a", "r"), ("b", "r"), ("c", "r")]
    alliance = make_alliance({"a": "initiative", "b": "church", "c": "welfare", "r": "refugee"}, ties,
                             directed=True)
    gaps = gaps_of(alliance)
    assert summary(gaps, "refugee_exclusion") == [("medium", ("r",), 3)]
    assert "nennt selbst aber niemanden" in of_kind(gaps, "refugee_exclusion")[0].explanation["de"]
    # As a map of cooperations, r has three partners: no exclusion.
    undirected = make_alliance(alliance.actors.set_index("id")["type"].to_dict(),
                               [*clique_ties("abc"), ("a", "r"), ("b", "r"), ("c", "r")])
    assert of_kind(gaps_of(undirected), "refugee_exclusion") == []


def test_refugee_organisation_at_the_edge_of_a_dense_core() -> None:
    """r has two partners (a and the leaf x) but stays out of the 3-core a–b–c–d: coreness 1."""
    alliance = make_alliance({"a": "initiative", "b": "church", "c": "welfare", "d": "municipality",
                              "r": "refugee", "x": "association"},
                             [*clique_ties("abcd"), ("a", "r"), ("r", "x")])
    assert summary(gaps_of(alliance), "refugee_exclusion") == [("medium", ("r",), 1)]
    # The core rule needs a main core of at least core_min_main = 3.
    relaxed = Thresholds(core_min_main=4)
    assert of_kind(gaps_of(alliance, thresholds=relaxed), "refugee_exclusion") == []



def test_every_refugee_rule_at_once_in_actor_id_order() -> None:
    """One directed alliance with a refugee actor for each rule (and one without a finding),
    the actors listed out of id order: each is judged by the first rule that applies."""
    types = {"r6": "refugee", "y": "association", "r5": "refugee", "x": "association", "r4": "refugee",
             "r3": "refugee", "r2": "refugee", "r1": "refugee", "d": "municipality", "c": "welfare",
             "b": "church", "a": "initiative"}
    ties = [*both_ways(clique_ties("abcd")),
            ("a", "r2"), ("b", "r2"),  # r2: named twice, names nobody
            *both_ways([("r3", "c")]),  # r3: a single partner
            ("r4", "a"), ("r4", "x"),  # r4: names two partners, at the edge (coreness 1)
            *both_ways([("r5", "y")]),  # r5: outside the main part
            *both_ways([("r6", "a"), ("r6", "b"), ("r6", "c")])]  # r6: in the core, no finding
    alliance = make_alliance(types, ties, directed=True)
    metrics = actor_metrics(to_igraph(alliance))
    assert metrics.loc["r4", "coreness"] == 1 and metrics["coreness"].max() >= 3
    # Sorted by severity; within one severity (equal impact) in actor-id order.
    assert summary(gaps_of(alliance), "refugee_exclusion") == [
        ("high", ("r1",), 0), ("high", ("r5",), int(metrics.loc["r5", "degree"])),
        ("medium", ("r2",), 2), ("medium", ("r3",), 1), ("medium", ("r4",), 1),
    ]
    texts = {gap.actors[0]: gap.explanation["en"] for gap in of_kind(gaps_of(alliance), "refugee_exclusion")}
    assert "cooperates with nobody" in texts["r1"] and "named by 2 partners" in texts["r2"]
    assert "single partner in the alliance (C)" in texts["r3"] and "only at the edge" in texts["r4"]
    assert "not part of the network's connected main part" in texts["r5"]

def test_well_connected_refugee_organisations_are_no_gap() -> None:
    alliance = make_alliance({"a": "initiative", "b": "church", "r": "refugee", "s": "refugee"},
                             clique_ties("abrs"))
    assert of_kind(gaps_of(alliance), "refugee_exclusion") == []


# -- survey data ---------------------------------------------------------------------------------------


def test_unreciprocated_tie() -> None:
    ties = [("a", "b"), ("b", "c"), ("c", "b"), ("c", "a"), ("a", "c")]
    alliance = make_alliance(["initiative", "church", "refugee"], ties, directed=True)
    gaps = gaps_of(alliance)
    assert summary(gaps, "unreciprocated_tie") == [("low", ("a", "b"), 1)]
    (gap,) = of_kind(gaps, "unreciprocated_tie")
    assert gap.explanation["de"] == "A nennt B als Partner, aber nicht umgekehrt."
    assert of_kind(gaps_of(make_alliance(["initiative", "church", "refugee"], clique_ties("abc"))),
                   "unreciprocated_tie") == []


# -- centralisation -------------------------------------------------------------------------------------


def test_star_is_over_centralised_on_its_centre() -> None:
    alliance = make_alliance(["municipality", "initiative", "church", "welfare", "refugee", "initiative"],
                             [("a", x) for x in "bcdef"])
    gaps = gaps_of(alliance)
    # Betweenness and brokerage both single out a: one gap, not two.
    assert summary(gaps, "over_centralization") == [("high", ("a",), 1.0)]


def test_path_is_over_centralised_with_medium_severity() -> None:
    """Path a-b-c-d-e: betweenness 0, 3, 4, 3, 0, so c holds 4/10 (brokerage: a third each)."""
    alliance = make_alliance(["initiative", "church", "welfare", "refugee", "municipality"],
                             [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    assert summary(gaps_of(alliance), "over_centralization") == [("medium", ("c",), 0.4)]


def test_equally_central_actors_are_both_reported() -> None:
    assert summary(gaps_of(TWO_TRIANGLES), "over_centralization") == [("high", ("c",), 0.5),
                                                                      ("high", ("d",), 0.5)]


def test_threshold_override_removes_the_gap() -> None:
    raised = Thresholds().updated(over_centralization_share=0.9)
    assert of_kind(gaps_of(TWO_TRIANGLES, thresholds=raised), "over_centralization") == []
    # A share of 1.0 stays; with over_centralization_high above it, it is only medium.
    star = make_alliance(["municipality", "initiative", "church", "welfare"], [("a", x) for x in "bcd"])
    assert summary(gaps_of(star, thresholds=raised), "over_centralization") == [("high", ("a",), 1.0)]
    lowered = raised.updated(over_centralization_high=1.01)
    assert summary(gaps_of(star, thresholds=lowered), "over_centralization") == [("medium", ("a",), 1.0)]


# -- separate parts --------------------------------------------------------------------------------------


def test_separate_component_is_a_disconnected_cluster() -> None:
    """A 9-actor main part and a separate triangle (3 ≥ major_min) and pair (2: medium)."""
    types = ["initiative", "church", "welfare", "municipality", "refugee"] * 3
    ids = [f"x{i:02d}" for i in range(14)]
    main = [(ids[i], ids[j]) for i in range(9) for j in range(i + 1, 9) if (i + j) % 3]
    alliance = make_alliance(dict(zip(ids, types, strict=False)),
                             [*main, *triangle_ties(*ids[9:12]), (ids[12], ids[13])])
    gaps = gaps_of(alliance)
    assert summary(gaps, "disconnected_cluster") == [("high", tuple(ids[9:12]), 3),
                                                     ("medium", tuple(ids[12:14]), 2)]


def test_isolates_are_not_clusters() -> None:
    alliance = make_alliance(["initiative", "church", "welfare", "municipality", "refugee"],
                             triangle_ties("a", "b", "c"))
    assert of_kind(gaps_of(alliance), "disconnected_cluster") == []


def test_two_dense_groups_joined_by_one_tie() -> None:
    """Two cliques of five joined by a–f: the communities split there, reported once (the group
    without the first actor, as both have five), with the number of ties to the rest."""
    types = ["initiative", "church", "welfare", "municipality", "refugee"] * 2
    alliance = make_alliance(types, [*clique_ties("abcde"), *clique_ties("fghij"), ("a", "f")])
    analysis = analyse(alliance)
    assert analysis.actors["community"].nunique() == 2
    assert summary(analysis.gaps, "disconnected_cluster") == [("medium", tuple("fghij"), 1)]
    # Allowing no tie at all to the rest, the group is not reported.
    strict = Thresholds(community_max_ties=0)
    assert of_kind(gaps_of(alliance, thresholds=strict), "disconnected_cluster") == []


def test_loosely_attached_group_with_two_ties() -> None:
    """A clique of six and a clique of four joined by two ties: no bridge, but with
    community_max_ties = 2 the smaller group is reported, value 2."""
    types = ["initiative", "church", "welfare", "municipality", "refugee"] * 2
    alliance = make_alliance(types, [*clique_ties("abcdef"), *clique_ties("ghij"), ("a", "g"), ("b", "h")])
    assert of_kind(gaps_of(alliance), "disconnected_cluster") == []
    assert of_kind(gaps_of(alliance), "fragile_tie") == []
    loose = Thresholds(community_max_ties=2)
    assert summary(gaps_of(alliance, thresholds=loose), "disconnected_cluster") == [
        ("medium", tuple("ghij"), 2)]


# -- introductions (closure) ------------------------------------------------------------------------


#: Churches k1, k2 and municipalities m1, m2 never meet; initiatives i1, i2 know all four, i3 only
#: k2 and m2. k2–m2 share i1, i2, i3; the other church–municipality pairs share i1, i2.
CLOSURE = make_alliance(
    {"k1": "church", "k2": "church", "m1": "municipality", "m2": "municipality",
     "i1": "initiative", "i2": "initiative", "i3": "initiative"},
    [("k1", "i1"), ("k1", "i2"), ("m1", "i1"), ("m1", "i2"), ("k2", "i1"), ("k2", "i2"), ("k2", "i3"),
     ("m2", "i1"), ("m2", "i2"), ("m2", "i3")])
CLOSURE_TIES = [(str(u), str(v)) for u, v in CLOSURE.ties[["source", "target"]].itertuples(index=False)]


def test_closure_ranks_most_and_rarest_common_partners_first() -> None:
    gaps = of_kind(gaps_of(CLOSURE), "closure_opportunity")
    # Equal scores in actor order.
    assert [gap.actors for gap in gaps] == [("k2", "m2"), ("k1", "m1"), ("k1", "m2"), ("k2", "m1")]
    assert all(gap.severity == "low" for gap in gaps)
    # Adamic–Adar: Σ 1/ln(partners of each common partner); i1, i2 have 4 partners, i3 has 2.
    assert gaps[0].value == round(2 / math.log(4) + 1 / math.log(2), 4)
    assert gaps[1].value == round(2 / math.log(4), 4)
    G = to_networkx(CLOSURE)
    for gap in gaps:
        ((_, _, score),) = nx.adamic_adar_index(G, [gap.actors])
        assert gap.value == round(score, 4)


def test_closure_prefers_rare_common_partners_to_many_hubs() -> None:
    """k–m share two partners with 2 partners each (2/ln 2 ≈ 2.89); k2–m2 share three hubs with
    6 partners each (3/ln 6 ≈ 1.67): fewer but rarer comes first."""
    types = {"k": "church", "m": "municipality", "k2": "church", "m2": "municipality",
             "p1": "initiative", "p2": "initiative", "h1": "welfare", "h2": "welfare", "h3": "welfare",
             "x1": "welfare", "x2": "welfare", "x3": "welfare", "x4": "welfare"}
    hubs = [(h, other) for h in ("h1", "h2", "h3") for other in ("k2", "m2", "x1", "x2", "x3", "x4")]
    alliance = make_alliance(types, [("k", "p1"), ("k", "p2"), ("m", "p1"), ("m", "p2"), *hubs])
    gaps = of_kind(gaps_of(alliance), "closure_opportunity")
    assert [gap.actors for gap in gaps] == [("k", "m"), ("k2", "m2")]
    assert [gap.value for gap in gaps] == [round(2 / math.log(2), 4), round(3 / math.log(6), 4)]


def test_closure_never_suggests_a_tied_pair_or_a_pair_of_one_group() -> None:
    """Churches and municipalities have one tie between them (k2–m2; a weak link once
    weak_link_ratio is 0.6, as 1/4 over 17/36 ≈ 0.53): k2–m2 itself, though it shares the most
    partners, is not suggested; nor are k1–k2 or i1–i2 (one group)."""
    alliance = make_alliance(
        {"k1": "church", "k2": "church", "m1": "municipality", "m2": "municipality",
         "i1": "initiative", "i2": "initiative", "i3": "initiative", "w1": "welfare", "w2": "welfare"},
        [*CLOSURE_TIES, ("k2", "m2"), *clique_ties(["i1", "i2", "w1", "w2"])])
    gaps = gaps_of(alliance, thresholds=Thresholds(weak_link_ratio=0.6))
    assert summary(gaps, "weak_sector_link")[0][1] == ("k1", "k2", "m1", "m2")
    suggested = [gap.actors for gap in of_kind(gaps, "closure_opportunity")]
    assert suggested and ("k2", "m2") not in suggested
    G = to_networkx(alliance)
    for u, v in suggested:
        assert not G.has_edge(u, v)
        assert G.nodes[u]["type"] != G.nodes[v]["type"]


def test_closure_thresholds() -> None:
    assert len(of_kind(gaps_of(CLOSURE, thresholds=Thresholds(closure_max_suggestions=2)),
                       "closure_opportunity")) == 2
    only_three = Thresholds(closure_min_common=3)
    assert [g.actors for g in of_kind(gaps_of(CLOSURE, thresholds=only_three), "closure_opportunity")] == [
        ("k2", "m2")]


# -- order, thresholds, records --------------------------------------------------------------------------


def assert_sorted(gaps: list[Gap]) -> None:
    keys = [(SEVERITIES.index(gap.severity), -gap.impact) for gap in gaps]
    assert keys == sorted(keys)


@pytest.fixture(scope="module")
def demo() -> Alliance:
    return io.read(DEMO)


def test_gaps_are_sorted_by_severity_then_impact(demo: Alliance) -> None:
    for alliance in (demo, TWO_TRIANGLES, CLOSURE):
        gaps = gaps_of(alliance)
        assert_sorted(gaps)
    gaps = gaps_of(demo)
    assert {g.severity for g in gaps} == set(SEVERITIES)
    # Within one severity, the larger consequence first: the single point of failure cutting off
    # three actors before the one cutting off two.
    spof = summary(gaps, "single_point_of_failure")
    assert [value for _, _, value in spof] == sorted((value for _, _, value in spof), reverse=True)


def test_every_kind_is_found_somewhere() -> None:
    """One alliance per kind (the constructions of the tests above) finds it."""
    star = make_alliance(["municipality", "initiative", "church", "welfare"], [("a", x) for x in "bcd"])
    lonely = make_alliance({"a": "initiative", "b": "welfare", "c": "refugee", "d": "church"},
                           triangle_ties("a", "b", "c"))
    leaf = make_alliance({"a": "initiative", "b": "welfare", "c": "refugee", "d": "church"},
                         [*triangle_ties("a", "b", "c"), ("c", "d")])
    survey = make_alliance(["initiative", "church", "refugee"], [("a", "b"), ("b", "c"), ("c", "b")],
                           directed=True)
    where = {
        "isolated_actor": lonely, "peripheral_actor": leaf, "single_point_of_failure": TWO_TRIANGLES,
        "fragile_tie": TWO_TRIANGLES, "missing_sector_link": star, "weak_sector_link": TWO_TRIANGLES,
        "refugee_exclusion": TWO_TRIANGLES, "unreciprocated_tie": survey, "over_centralization": star,
        "disconnected_cluster": TWO_TRIANGLES, "closure_opportunity": CLOSURE,
    }
    assert set(where) == set(GAP_KINDS)
    for kind, alliance in where.items():
        assert of_kind(gaps_of(alliance), kind), kind


def test_thresholds_updated_and_unknown_names() -> None:
    rules = Thresholds()
    changed = rules.updated(over_centralization_share="0.9", major_min="5")
    assert (changed.over_centralization_share, changed.major_min) == (0.9, 5)
    assert isinstance(changed.major_min, int)
    assert rules.over_centralization_share == 0.35  # the original is unchanged
    with pytest.raises(UnknownNameError) as error:
        rules.updated(over_centralisation=0.9)
    message = str(error.value)
    assert "over_centralisation" in message
    assert "over_centralization_share" in message and "closure_max_suggestions" in message


def test_gap_records() -> None:
    gap = of_kind(gaps_of(TWO_TRIANGLES), "fragile_tie")[0]
    data = gap.to_dict()
    assert data == {"id": "fragile_tie:c|d", "kind": "fragile_tie", "severity": "high", "actors": ["c", "d"],
                    "types": ["church", "initiative"], "value": 3, "message": "gap.fragile_tie",
                    "suggestion_message": "gap.fragile_tie.step",
                    "params": {"first_name": "C", "second_name": "D", "smaller_actors": 3,
                               "names": "C, A, B"},
                    "folds": [], "explanation": gap.explanation, "suggestion": gap.advice}
    assert gap.explanation["en"] == ("The cooperation between C and D is the only bridge between two parts "
                                     "of the network; 3 actors (C, A, B) are on the smaller side.")
    for gap in gaps_of(TWO_TRIANGLES):
        assert set(gap.explanation) == set(gap.advice) == {"de", "en"}
        assert all(text.strip() for text in [*gap.explanation.values(), *gap.advice.values()])
        assert gap.kind not in gap.explanation["de"] + gap.advice["de"]
        assert "{" not in gap.explanation["de"] + gap.advice["en"]  # every placeholder filled


def test_names_not_ids_in_the_text() -> None:
    alliance = Alliance.from_frames(
        pd.DataFrame({"id": ["k", "m", "i"], "name": ["St. Marien", "Rathaus", "Helferkreis"],
                      "type": ["church", "municipality", "initiative"]}),
        pd.DataFrame({"source": ["i", "i"], "target": ["k", "m"]}))
    gaps = gaps_of(alliance)
    assert "Helferkreis" in of_kind(gaps, "over_centralization")[0].explanation["de"]
    assert any("Rathaus" in gap.explanation["en"] for gap in of_kind(gaps, "peripheral_actor"))
    assert "„Kirche / Religionsgemeinschaft“" in of_kind(gaps, "missing_sector_link")[0].explanation["de"]


# -- tiny and odd networks -----------------------------------------------------------------------------


@pytest.mark.parametrize("directed", [False, True])
def test_tiny_alliances(directed: bool) -> None:
    one = make_alliance(["church"], [], directed=directed)
    assert [g.kind for g in gaps_of(one)] == ["refugee_exclusion", "isolated_actor"]
    two = make_alliance(["church", "refugee"], [("a", "b")], directed=directed)
    kinds = {g.kind for g in gaps_of(two)}
    assert "over_centralization" not in kinds and "closure_opportunity" not in kinds


def test_find_gaps_directly_on_a_graph() -> None:
    g = to_igraph(TWO_TRIANGLES)
    gaps = find_gaps(g, actor_metrics(g))
    assert [gap.id for gap in gaps] == [gap.id for gap in gaps_of(TWO_TRIANGLES)]
    # Without community labels, the community rule is skipped rather than failing.
    without = find_gaps(g, actor_metrics(g).drop(columns=["community", "brokerage.total"]))
    assert of_kind(without, "disconnected_cluster") == []
    assert summary(without, "over_centralization") == [("high", ("c",), 0.5), ("high", ("d",), 0.5)]


def test_reciprocated_survey_data_give_the_same_structural_gaps() -> None:
    """Every tie named by both sides: the structure is the undirected one; nothing one-sided."""
    ties = [(str(u), str(v)) for u, v in TWO_TRIANGLES.ties[["source", "target"]].itertuples(index=False)]
    survey = make_alliance(["initiative"] * 3 + ["church"] * 3, both_ways(ties), directed=True)
    assert [(g.id, g.severity, g.value) for g in gaps_of(survey)] == [
        (g.id, g.severity, g.value) for g in gaps_of(TWO_TRIANGLES)]


# -- identity, one cause once, the three most important steps ---------------------------------------------


def test_a_sector_gap_keeps_its_identity_when_its_sectors_change() -> None:
    """The gap between churches and the municipality is about the two sectors: a church more or
    less changes its members, not what (and which gap) it is."""
    actors = {"i": "initiative", "k1": "church", "k2": "church", "m": "municipality", "r": "refugee"}
    ties = [("i", "k1"), ("i", "k2"), ("i", "m"), ("i", "r"), ("k1", "r"), ("m", "r")]
    with_both = of_kind(gaps_of(make_alliance(actors, ties)), "missing_sector_link")
    without_k2 = of_kind(gaps_of(make_alliance({a: t for a, t in actors.items() if a != "k2"},
                                               [t for t in ties if "k2" not in t])), "missing_sector_link")
    expected = ["missing_sector_link:church|municipality"]
    assert [g.id for g in with_both] == [g.id for g in without_k2] == expected
    assert with_both[0].actors != without_k2[0].actors


def test_ids_are_unique_and_say_what_a_gap_is_about(demo: Alliance) -> None:
    gaps = gaps_of(demo)
    ids = [g.id for g in gaps]
    assert len(ids) == len(set(ids))
    assert "missing_sector_link:municipality|refugee" in ids and "refugee_exclusion:ref" in ids
    assert "peripheral_actor:sv" in ids  # about sv, whoever its one partner is
    assert gaps_of(make_alliance(["church", "welfare"], [("a", "b")]))[0].id == "refugee_exclusion"


def test_demo_alliance_reports_one_finding_per_cause(demo: Alliance) -> None:
    """28 findings for 25 actors before: each of the three bridges to the employers' and the
    schools' corner was reported twice, as a bridge and as the actor at its end whose loss cuts
    off the same actors. Now 25, each bridge part of its actor's finding."""
    gaps = gaps_of(demo)
    assert len(gaps) == 25
    assert of_kind(gaps, "fragile_tie") == []
    folded = {g.id: g.folds for g in of_kind(gaps, "single_point_of_failure")}
    assert folded == {"single_point_of_failure:jc": ("fragile_tie:aa|jc",),
                      "single_point_of_failure:aa": ("fragile_tie:aa|hwk",),
                      "single_point_of_failure:stadt": ("fragile_tie:gs|stadt",)}
    (jc,) = [g for g in gaps if g.id == "single_point_of_failure:jc"]
    assert jc.actors == ("jc", "aa") and jc.value == 3 and jc.severity == "high"
    assert "Jobcenter Beispielkreis und Agentur für Arbeit" in jc.explanation["de"]


def test_a_bridge_between_halves_of_equal_weight_stays_a_bridge() -> None:
    """Two triangles joined by c–d: c's loss cuts off d, e, f — and d's cuts off a, b, c. Which
    side is "cut off" is a matter of view, so the bridge is reported as such, next to c and d."""
    gaps = gaps_of(TWO_TRIANGLES)
    assert [g.id for g in of_kind(gaps, "fragile_tie")] == ["fragile_tie:c|d"]
    assert all(g.folds == () for g in gaps)


def test_an_empty_alliance_has_no_gaps_and_no_steps() -> None:
    empty = analyse(make_alliance([], []))
    assert empty.gaps == []
    assert report(make_alliance([], []))["top_steps"] == []


def test_top_steps_take_the_most_urgent_gap_of_each_kind(demo: Alliance) -> None:
    gaps = gaps_of(demo)
    steps = top_steps(gaps)
    assert [s["rank"] for s in steps] == [1, 2, 3]
    # The first three gaps are a refugee exclusion and two missing sector links: the second
    # step is the first sector link, the third the next kind (the job centre's single point).
    assert [s["finding"] for s in steps] == ["refugee_exclusion:ref", "missing_sector_link:refugee|welfare",
                                             "single_point_of_failure:jc"]
    by_id = {g.id: g for g in gaps}
    for step in steps:
        gap = by_id[step["finding"]]
        assert (step["kind"], step["severity"], step["message"]) == (gap.kind, gap.severity, gap.suggestion)
        assert step["text"] == gap.advice
    # Fewer kinds than steps: the next gaps fill the list, in order.
    one_kind = [g for g in gaps if g.kind == "missing_sector_link"]
    assert [s["finding"] for s in top_steps(one_kind)] == [g.id for g in one_kind[:3]]
    assert top_steps([]) == []


def test_every_gap_message_is_in_both_catalogues_with_the_same_placeholders() -> None:
    placeholders = re.compile(r"\{(\w+)\}")
    de, en = catalogue("de"), catalogue("en")
    keys = {k for k in de if k.startswith(("gap.", "whatif."))}
    assert keys == {k for k in en if k.startswith(("gap.", "whatif."))}
    for key in keys:
        assert set(placeholders.findall(de[key])) == set(placeholders.findall(en[key])), key
    source = "\n".join(path.read_text(encoding="utf-8") for path in
                       (Path(__file__).parents[1] / "netz" / "gaps").glob("*.py"))
    for kind in GAP_KINDS:
        assert f"gap.{kind}.step" in keys or f'"{kind}"' not in source, kind


def test_words_write_counts_groups_and_shares() -> None:
    assert words("gap.missing_sector_link", {"first": "church", "second": "Nord", "first_actors": 1,
                                             "second_actors": 2}, "en") == (
        "There is not a single cooperation between 'Church / faith community' (1 actor) and 'Nord' "
        "(2 actors).")
    sectors = {"name": "X", "group": "public", "groups": ["church", "welfare"]}
    assert words("gap.isolated_actor.sectors", sectors, "de").endswith(
        "zu „Kirche / Religionsgemeinschaft“ und „Wohlfahrtsverband“.")
    assert "37\u00a0%" in words("gap.over_centralization.brokerage", {"name": "X", "share": 0.3718}, "de")


def test_a_group_hanging_on_one_bridge_is_one_finding_with_the_bridge() -> None:
    """The four actors w–z work closely together and hang on the single tie f–w: the group,
    the bridge and f (whose loss cuts off exactly w–z) are one weak point, reported as f's.
    w's own loss cuts off x, y, z only: that stays a finding of its own."""
    ties = [*clique_ties("abcdef"), *clique_ties("wxyz"), ("f", "w")]
    alliance = make_alliance({a: "other" for a in "abcdefwxyz"}, ties)
    gaps = gaps_of(alliance)
    assert of_kind(gaps, "fragile_tie") == of_kind(gaps, "disconnected_cluster") == []
    points = {g.id: g for g in of_kind(gaps, "single_point_of_failure")}
    assert set(points) == {"single_point_of_failure:f", "single_point_of_failure:w"}
    f = points["single_point_of_failure:f"]
    assert f.folds == ("fragile_tie:f|w", "disconnected_cluster:w")
    assert (f.value, f.actors) == (4, ("f", "w", "x", "y", "z"))
    assert f.message == "gap.single_point_of_failure.bridge"
    assert points["single_point_of_failure:w"].folds == ()

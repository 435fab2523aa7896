"""Size-fair comparison: null models, z-scores, percentile ranks, comparison rows."""

from __future__ import annotations

import io
import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd
import pytest

import netz
from netz.cohort.compare import (
    NETWORK_COLUMNS,
    PERCENTILE_COLUMNS,
    Z_COLUMNS,
    _internal_ties,
    _null_union,
    compare,
    compare_row,
    network_figures,
    null_statistics,
    percentile_ranks,
    size_class,
    text_table,
    z_scores,
)
from netz.cohort.synthetic import AllianceSpec, generate_alliance
from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph
from netz.core.metrics.mixing import mixing_summary
from netz.core.metrics.structure import centralization, structure_summary, transitivity
from netz.core.model import Alliance
from tests.factories import make_alliance

REFERENCE = Path(__file__).parents[1] / "datasets" / "reference"
TYPES = ["initiative", "church", "welfare", "refugee"]


def random_alliance(n: int, m: int, *, directed: bool = False, seed: int = 0) -> Alliance:
    """A G(n, m) alliance with types assigned at random."""
    rng = np.random.default_rng(seed)
    space = n * (n - 1) if directed else n * (n - 1) // 2
    chosen = rng.choice(space, size=m, replace=False)
    if directed:
        u, r = np.divmod(chosen, n - 1)
        v = r + (r >= u)
    else:
        rows, cols = np.triu_indices(n, 1)
        u, v = rows[chosen], cols[chosen]
    types = {f"v{i:03d}": TYPES[int(t)] for i, t in enumerate(rng.integers(len(TYPES), size=n))}
    ids = list(types)
    return make_alliance(types, [(ids[a], ids[b]) for a, b in zip(u, v, strict=True)], directed=directed)


def caveman(cliques: int, size: int) -> Alliance:
    """Cliques in a ring, each joined to the next by one tie: far more clustered than chance."""
    ids = [f"c{c}-{i}" for c in range(cliques) for i in range(size)]
    ties = [(f"c{c}-{i}", f"c{c}-{j}")
            for c in range(cliques) for i in range(size) for j in range(i + 1, size)]
    ties += [(f"c{c}-0", f"c{(c + 1) % cliques}-1") for c in range(cliques)]
    return make_alliance({i: TYPES[k % 4] for k, i in enumerate(ids)}, ties)


@pytest.mark.parametrize("n, expected", [(15, "small"), (29, "small"), (30, "medium"), (99, "medium"),
                                         (100, "large"), (300, "large")])
def test_size_classes(n: int, expected: str) -> None:
    assert size_class(n) == expected


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("model", ["gnm", "degseq"])
def test_null_samples_match_the_metric_definitions(directed: bool, model: str) -> None:
    """Each sample's statistics, computed on the union of all samples, equal netz.core.metrics on that
    sample."""
    g = to_igraph(random_alliance(40, 90, directed=directed, seed=1))
    union = _null_union(g, model, 6, seed=5)
    table = null_statistics(g, model, samples=6, seed=5)
    n = g.vcount()
    for s in range(6):
        h = union.induced_subgraph(list(range(s * n, (s + 1) * n)))
        h.vs["name"], h.vs["type"], h["weighted"] = g.vs["name"], g.vs["type"], False
        assert h.ecount() == g.ecount() and not h.has_multiple() and not any(h.is_loop())
        if model == "degseq":
            assert h.degree(mode="out") == g.degree(mode="out") and h.degree(mode="in") == g.degree(mode="in")
        # Transitivity reads a directed alliance as undirected (a tie either way is a tie).
        undirected = h.as_undirected(mode="collapse") if directed else h
        expected = [transitivity(undirected), centralization(h, "degree"), centralization(h, "betweenness"),
                    mixing_summary(h)["ei_index"]]
        assert table.iloc[s].to_numpy() == pytest.approx(np.array(expected, dtype=float), rel=1e-12)


@pytest.mark.parametrize("model", ["gnm", "degseq"])
def test_null_samples_are_seeded(model: str) -> None:
    g = to_igraph(random_alliance(30, 60, seed=2))
    first = null_statistics(g, model, samples=20, seed=11)
    assert first.equals(null_statistics(g, model, samples=20, seed=11))
    assert not first.equals(null_statistics(g, model, samples=20, seed=12))
    assert first["transitivity"].std() > 0


# z-scores recorded before the null-model loop was reworked for speed (null graphs summarised
# as arrays, within-group ties by contraction, numpy edge table): the same seed must keep giving
# the same samples and figures.
RECORDED_Z = [
    {"transitivity_z_gnm": 2.391552338778882, "transitivity_z_degseq": 1.1596703406149498,
     "degree_centralization_z_gnm": 2.259637375898977, "betweenness_centralization_z_gnm": 0.6755346605554386,
     "betweenness_centralization_z_degseq": -1.1615747174780724, "ei_index_z_gnm": -6.524665523187303,
     "ei_index_z_degseq": -6.82161650332927},
    {"transitivity_z_gnm": -2.0973552395740187, "transitivity_z_degseq": -1.9356003419475363,
     "degree_centralization_z_gnm": 0.5432730722831391,
     "betweenness_centralization_z_gnm": -0.9368651349644985,
     "betweenness_centralization_z_degseq": -0.9355211986196923, "ei_index_z_gnm": -0.6717172337684023,
     "ei_index_z_degseq": -0.1370141285855474},
]


def test_z_scores_stay_as_recorded_for_the_same_seed() -> None:
    alliances = [generate_alliance(AllianceSpec("x", "Falkenbrunn", 40, 5.0, ("2016", "2017"), seed=4)),
                 random_alliance(30, 80, directed=True, seed=9)]
    for alliance, recorded in zip(alliances, RECORDED_Z, strict=True):
        row = compare_row(alliance, null_samples=20, seed=3)
        assert {c: row[c] for c in Z_COLUMNS} == pytest.approx(recorded, rel=1e-12, abs=0)


@pytest.mark.parametrize("directed", [False, True])
def test_z_scores_are_those_of_null_statistics(directed: bool) -> None:
    """z_scores skips the DataFrames of null_statistics but uses the same samples."""
    g = to_igraph(random_alliance(35, 90, directed=directed, seed=4))
    figures = network_figures(g)
    z = z_scores(g, figures, samples=15, seed=2)
    for model in ("gnm", "degseq"):
        null = null_statistics(g, model, samples=15, seed=2)
        for metric in null.columns:
            column = f"{metric}_z_{model}"
            if column in Z_COLUMNS:
                values = null[metric].to_numpy()
                expected = (figures[metric] - values.mean()) / values.std(ddof=1)
                assert z[column] == pytest.approx(expected, rel=1e-12), column


@pytest.mark.parametrize("directed", [False, True])
def test_within_group_ties_by_contraction_match_a_direct_count(directed: bool) -> None:
    """Three groups (codes as null_statistics makes them); a sample may have no tie within some."""
    rng = np.random.default_rng(7)
    n, samples = 12, 5
    codes = np.array([0, 0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1], dtype=np.int64)
    graphs = [ig.Graph.Erdos_Renyi(n=n, m=int(rng.integers(0, 25)), directed=directed)
              for _ in range(samples)]
    expected = [sum(codes[e.source] == codes[e.target] for e in h.es) for h in graphs]
    union = ig.disjoint_union(graphs)
    assert _internal_ties(union, samples, n, codes).tolist() == expected


def test_rewiring_leaves_a_star_unchanged() -> None:
    """A star cannot be rewired without loops or multiple ties: every sample is the star again."""
    star = make_alliance(["welfare"] + ["initiative"] * 9, [("a", chr(ord("b") + i)) for i in range(9)])
    table = null_statistics(to_igraph(star), "degseq", samples=10)
    assert (table["betweenness_centralization"] == 1.0).all()
    assert compare_row(star, null_samples=10)["betweenness_centralization_z_degseq"] is None


@pytest.mark.parametrize("directed", [False, True])
def test_random_graphs_score_near_zero_against_gnm(directed: bool) -> None:
    """G(n, m) graphs are samples of the G(n, m) null: their z-scores scatter around 0 with sd ~1."""
    z = pd.DataFrame([compare_row(random_alliance(50, 150, directed=directed, seed=seed), null_samples=60,
                                  seed=seed + 1000) for seed in range(12)])
    for column in ("transitivity_z_gnm", "degree_centralization_z_gnm", "betweenness_centralization_z_gnm",
                   "ei_index_z_gnm"):
        values = z[column].astype(float)
        assert abs(values.mean()) < 1.0, column
        assert (values.abs() < 4).all(), column


def test_a_clustered_network_scores_high_against_both_nulls() -> None:
    row = compare_row(caveman(8, 6), null_samples=60)
    assert row["transitivity_z_gnm"] > 10
    assert row["transitivity_z_degseq"] > 10
    assert row["clustering_ratio"] == pytest.approx(row["transitivity"] / row["density"])
    assert row["clustering_ratio"] > 3


def test_z_scores_are_none_without_samples_or_spread() -> None:
    row = compare_row(caveman(3, 4), null_samples=0)
    assert all(row[c] is None for c in Z_COLUMNS) and row["null_samples"] == 0
    big = compare_row(caveman(3, 4), null_samples=10, null_max_actors=5)
    assert all(big[c] is None for c in Z_COLUMNS) and big["null_samples"] == 0
    assert "degree_centralization_z_degseq" not in Z_COLUMNS  # fixed by the degrees: no spread


def test_row_has_the_documented_columns_and_no_actor_data() -> None:
    alliance = generate_alliance(AllianceSpec("x", "Falkenbrunn", 40, 5.0, ("2016", "2017"), seed=4,
                                              meta=(("name", "X"), ("land", "Hessen"))))
    row = compare_row(alliance, key="x", null_samples=5)
    assert row["alliance"] == "x" and row["land"] == "Hessen" and row["synthetic"] is True
    assert row["wave"] == "2017" and row["waves"] == "2016,2017" and row["size_class"] == "medium"
    assert set(NETWORK_COLUMNS) <= row.keys() and set(Z_COLUMNS) <= row.keys()
    ids = set(alliance.actors["id"]) | set(alliance.actors["name"])
    assert not ids & {str(v) for v in row.values()}
    earlier = compare_row(alliance, wave="2016", null_samples=0)
    assert earlier["n_ties"] == len(alliance.at_wave("2016").ties)


def test_network_figures_match_the_report() -> None:
    """The report's figures; paths counted in hops even in a weighted alliance."""
    alliance = netz.read(REFERENCE / "karate-club")
    assert alliance.weighted
    figures = network_figures(to_igraph(alliance))
    network = netz.report(alliance)["network"]
    hops = structure_summary(to_igraph(alliance), weighted=False)
    assert figures["average_path_length"] == pytest.approx(hops["average_path_length"])
    assert figures["diameter"] == hops["diameter"]
    for key in ("density", "mean_degree", "transitivity", "fragmentation", "degree_assortativity"):
        assert figures[key] == pytest.approx(network[key]), key
    for measure in ("degree", "betweenness", "closeness"):
        assert figures[f"{measure}_centralization"] == pytest.approx(network["centralization"][measure])
    assert figures["ei_index"] == pytest.approx(network["mixing"]["ei_index"])
    assert figures["modularity"] == pytest.approx(network["communities"]["modularity"])
    # Published figures of Zachary's club: 34 members, 78 ties, transitivity 0.2557.
    assert (figures["n_actors"], figures["n_ties"]) == (34, 78)
    assert figures["mean_degree"] == pytest.approx(156 / 34)
    assert figures["transitivity"] == pytest.approx(0.255682, abs=1e-6)


@pytest.mark.parametrize("directed", [False, True])
def test_precomputed_betweenness_gives_the_same_centralization(directed: bool) -> None:
    g = to_igraph(random_alliance(40, 100, directed=directed, seed=3))
    given = network_figures(g, betweenness=np.asarray(g.betweenness(directed=True)))
    assert given["betweenness_centralization"] == pytest.approx(centralization(g, "betweenness"))


@pytest.mark.parametrize("values, expected", [
    ([4.0, 6.0, 6.0, None, 2.0], [37.5, 75.0, 75.0, math.nan, 12.5]),
    ([1.0, 2.0, 3.0, 4.0, 5.0], [10.0, 30.0, 50.0, 70.0, 90.0]),
    ([3.0], [50.0]),
    ([None, None], [math.nan, math.nan]),
])
def test_percentile_ranks(values: list[float | None], expected: list[float]) -> None:
    ranks = percentile_ranks(pd.DataFrame({"x": values}), ["x"])["x_pct"].tolist()
    assert ranks == pytest.approx(expected, nan_ok=True)


def test_percentile_ranks_follow_scipy() -> None:
    from scipy.stats import percentileofscore

    values = np.random.default_rng(0).integers(0, 6, size=25).astype(float)
    ranks = percentile_ranks(pd.DataFrame({"x": values}), ["x"])["x_pct"]
    assert ranks.tolist() == pytest.approx([percentileofscore(values, v, kind="mean") for v in values])


def test_compare_ranks_within_the_set_and_rows_do_not_depend_on_it() -> None:
    alliances = {f"a{k}": random_alliance(30, 30 * k, seed=k) for k in (2, 3, 4)}
    table = compare(alliances, null_samples=10)
    assert table["alliance"].tolist() == ["a2", "a3", "a4"]
    assert table["mean_degree"].tolist() == pytest.approx([4.0, 6.0, 8.0])
    assert table["mean_degree_pct"].tolist() == pytest.approx([100 / 6, 50.0, 500 / 6])
    assert {f"{c}_pct" for c in PERCENTILE_COLUMNS} <= set(table.columns)
    alone = compare({"a3": alliances["a3"]}, null_samples=10)
    shared = [c for c in table.columns if not c.endswith("_pct")]
    pd.testing.assert_frame_equal(alone[shared], table[shared].iloc[[1]].reset_index(drop=True))


def test_compare_on_an_executor_equals_in_process() -> None:
    alliances = [random_alliance(25, 50, seed=k) for k in range(4)]
    here = compare(alliances, null_samples=8)
    with ThreadPoolExecutor(2) as pool:
        there = compare(alliances, null_samples=8, executor=pool)
    pd.testing.assert_frame_equal(here, there)


def test_text_table_marks_undefined_values() -> None:
    table = compare({"x": make_alliance(["church", "refugee"], [])}, null_samples=0)
    text = text_table(table)
    assert text.splitlines()[0].split()[:3] == ["alliance", "n_actors", "size_class"]
    assert "—" in text


def test_empty_and_tiny_alliances_do_not_fail() -> None:
    for alliance in (make_alliance(["church"], []), make_alliance(["church", "refugee"], [("a", "b")])):
        row = compare_row(alliance, null_samples=5)
        assert row["betweenness_centralization"] is None and row["transitivity"] is None
        assert all(row[c] is None for c in Z_COLUMNS)


def test_null_statistics_rejects_unknown_models() -> None:
    with pytest.raises(UnknownNameError, match="unknown null model 'config'; models: "):
        null_statistics(to_igraph(caveman(2, 3)), "config")
    with pytest.raises(ValueError, match="at least 1"):
        null_statistics(to_igraph(caveman(2, 3)), samples=0)
    assert isinstance(ig.Graph, type)


def test_command_line_compare(capsys: pytest.CaptureFixture[str]) -> None:
    from netz.cli import main

    cohort = Path(__file__).parents[1] / "datasets" / "cohort"
    folders = [str(cohort / s) for s in ("falkenbrunn", "birkenweiler", "tannhausen")]
    assert main(["compare", *folders, "--null-samples", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # Readable: German titles, the alliances' names, the bands in words, decimal commas.
    assert lines[0].split()[:4] == ["Bündnis", "Akteure", "Größe", "Welle"] and len(lines) == 4
    assert "Bewertung" in lines[0] and "Schwere Lücken" in lines[0]
    falkenbrunn = next(line for line in lines if "Falkenbrunn" in line)
    assert "Bündnis für Geflüchtete Falkenbrunn (synthetisch)" in falkenbrunn and " klein " in falkenbrunn
    assert " beobachten " in falkenbrunn and "," in falkenbrunn.split()[-1]
    assert main(["compare", *folders, "--null-samples", "5", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split()[:3] == ["Alliance", "Actors", "Size"]
    assert main(["compare", *folders, "--null-samples", "5", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["alliance"] for r in rows] == folders and rows[0]["null_samples"] == 5
    # Machine names in JSON: the bands and gap counts as columns.
    assert rows[0]["band"] == "watch" and rows[0]["band_refugee_participation"] == "watch"
    assert rows[0]["gaps_high"] == 1 and rows[2]["gaps_high"] == 0
    assert main(["compare", str(cohort), "--null-samples", "0", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(table) == 30 and table["transitivity_z_gnm"].isna().all()
    assert main(["compare", str(cohort / "nowhere")]) == 2


def test_command_line_compare_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`netz compare … --format xlsx|pdf --out F`: the overview and the programme report as files."""
    import openpyxl
    import pypdf

    import netz.core.io
    from netz.cli import main

    cohort = Path(__file__).parents[1] / "datasets" / "cohort"
    folders = [str(cohort / s) for s in ("falkenbrunn", "birkenweiler", "tannhausen")]
    assert main(["compare", *folders, "--null-samples", "3", "--format", "xlsx"]) == 2
    assert "--out" in capsys.readouterr().err
    assert main(["compare", *folders, "--null-samples", "3", "--format", "xlsx",
                 "--out", str(tmp_path / "o.xlsx")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Bündnis" and len(values) == 4
    flagged = {row[0]: row[-2] for row in values[1:]}
    assert flagged["Bündnis für Geflüchtete Tannhausen (synthetisch)"] == "nein"
    assert flagged["Bündnis für Geflüchtete Falkenbrunn (synthetisch)"] == "ja"
    assert main(["compare", *folders, "--null-samples", "3", "--format", "pdf", "--lang", "en",
                 "--out", str(tmp_path / "r.pdf")]) == 0
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "r.pdf").pages)
    assert "Programme report" in text and "Gemeinsam in Vielfalt" in text and "KOMM-AN NRW" in text
    actors = {str(n) for f in folders for n in netz.core.io.read(f).actors["name"] if " " in str(n)}
    assert not [name for name in actors if name in text]

"""Contracts every per-actor metric keeps, on every reference graph, read every way.

In the manner of scikit-network's ``ranking/tests/test_API.py``: whatever the metric,
it gives one value per actor, indexed by the actor ids in the alliance's order, of the
right kind (counts are non-negative integers), and never an impossible value (a
normalised score outside [0, 1], PageRank not summing to 1, a NaN where the value is
defined). Each reference graph is read undirected and directed, with and without its
weights (an unweighted graph read as weighted has all strengths 1). The values
themselves are checked against networkx, sna and hand-worked examples in each
family's own test module; here every metric answers to the same rules, and the table a
report is built from must not depend on the order of the input rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache

import igraph as ig
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netz.core.graph import to_igraph
from netz.core.metrics import ACTOR_METRIC_COLUMNS, actor_metrics
from netz.core.metrics.brokerage import ROLES, brokerage, brokerage_expected
from netz.core.metrics.centrality import (
    betweenness,
    centrality_table,
    closeness,
    clustering,
    coreness,
    degree,
    eigenvector,
    harmonic,
    normalized_degree,
    pagerank,
    strength,
)
from netz.core.metrics.communities import communities
from netz.core.metrics.holes import constraint, effective_size, efficiency, hierarchy, holes_table
from netz.core.metrics.mixing import ei_index
from netz.core.model import Alliance
from tests.factories import REFERENCE_GRAPHS, make_alliance, reference_alliance

Metric = Callable[[ig.Graph, bool], pd.Series | pd.DataFrame]

#: Every public function that returns values per actor, called as the report calls it.
PER_ACTOR: dict[str, Metric] = {
    "degree": lambda g, w: degree(g),
    "in_degree": lambda g, w: degree(g, mode="in"),
    "out_degree": lambda g, w: degree(g, mode="out"),
    "strength": lambda g, w: strength(g, weighted=w),
    "degree_norm": lambda g, w: normalized_degree(g),
    "betweenness": lambda g, w: betweenness(g, weighted=w),
    "betweenness_norm": lambda g, w: betweenness(g, weighted=w, normalized=True),
    "closeness": lambda g, w: closeness(g, weighted=w),
    "harmonic": lambda g, w: harmonic(g, weighted=w),
    "eigenvector": lambda g, w: eigenvector(g, weighted=w),
    "pagerank": lambda g, w: pagerank(g, weighted=w),
    "coreness": lambda g, w: coreness(g),
    "clustering": lambda g, w: clustering(g),
    "constraint": lambda g, w: constraint(g, weighted=w),
    "effective_size": lambda g, w: effective_size(g, weighted=w),
    "efficiency": lambda g, w: efficiency(g, weighted=w),
    "hierarchy": lambda g, w: hierarchy(g, weighted=w),
    "ei_index": lambda g, w: ei_index(g),
    "community": lambda g, w: communities(g, weighted=w)[0],
    "brokerage": lambda g, w: brokerage(g),
    "brokerage_expected": lambda g, w: brokerage_expected(g),
    "centrality_table": lambda g, w: centrality_table(g, weighted=w),
    "holes_table": lambda g, w: holes_table(g, weighted=w),
    "actor_metrics": lambda g, w: actor_metrics(g, weighted=w),
}

COUNTS = ["degree", "in_degree", "out_degree", "coreness", "community",
          *(f"brokerage.{role}" for role in (*ROLES, "total"))]

TINY = {
    "no_actors": make_alliance([], []),
    "one_actor": make_alliance(["church"], []),
    "two_actors_no_tie": make_alliance(["church", "refugee"], []),
    "three_actors_one_tie": make_alliance(["church", "refugee", "welfare"], [("a", "b", 2.0)]),
}
CASES = [
    (name, directed, weighted)
    for name in [*REFERENCE_GRAPHS, *TINY]
    for directed in (False, True)
    for weighted in (False, True)
]
IDS = [f"{name}-{'directed' if d else 'undirected'}-{'weighted' if w else 'unweighted'}"
       for name, d, w in CASES]


def alliance_named(name: str) -> Alliance:
    return TINY[name] if name in TINY else reference_alliance(name)


@cache
def case(name: str, directed: bool, weighted: bool) -> tuple[ig.Graph, pd.DataFrame]:
    """The graph of a case and its per-actor table (computed once per session)."""
    g = to_igraph(alliance_named(name), directed=directed, weighted=weighted)
    return g, actor_metrics(g, weighted=weighted)


def contacts(g: ig.Graph) -> np.ndarray:
    """Distinct partners of each actor, direction ignored (Burt's contacts)."""
    return np.asarray(g.as_undirected(mode="collapse").degree(), dtype=float)


# -- shape: one value per actor, in the alliance's order ----------------------------------------


@pytest.mark.parametrize("metric", PER_ACTOR)
@pytest.mark.parametrize(("name", "directed", "weighted"), CASES, ids=IDS)
def test_one_value_per_actor_in_actor_order(name: str, directed: bool, weighted: bool, metric: str) -> None:
    alliance = alliance_named(name)
    g, _ = case(name, directed, weighted)
    result = PER_ACTOR[metric](g, weighted)
    expected = pd.Index(alliance.actors["id"])
    assert result.index.equals(expected)
    assert list(result.index) == list(alliance.actors["id"])
    assert result.index.is_unique
    if isinstance(result, pd.Series):
        assert result.name == metric
        assert pd.api.types.is_numeric_dtype(result.dtype)
    else:
        assert all(pd.api.types.is_numeric_dtype(t) for t in result.dtypes)


@pytest.mark.parametrize(("name", "directed", "weighted"), CASES, ids=IDS)
def test_table_has_every_column_and_equals_the_functions(name: str, directed: bool, weighted: bool) -> None:
    g, table = case(name, directed, weighted)
    assert list(table.columns) == list(ACTOR_METRIC_COLUMNS)
    for column in ["betweenness", "closeness", "harmonic", "pagerank", "constraint", "effective_size",
                   "hierarchy", "ei_index", "community", "strength", "coreness"]:
        alone = PER_ACTOR[column](g, weighted)
        pd.testing.assert_series_equal(table[column], alone, check_names=False, rtol=0, atol=1e-12)
    roles = brokerage(g)
    for role in (*ROLES, "total"):
        assert (table[f"brokerage.{role}"] == roles[role]).all()


# -- no impossible values ---------------------------------------------------------------


def _assert_within(values: pd.Series, low: float, high: float, *, tolerance: float = 1e-9) -> None:
    defined = values.dropna()
    assert (defined >= low - tolerance).all(), defined[defined < low - tolerance]
    assert (defined <= high + tolerance).all(), defined[defined > high + tolerance]


@pytest.mark.parametrize(("name", "directed", "weighted"), CASES, ids=IDS)
def test_counts_are_non_negative_integers(name: str, directed: bool, weighted: bool) -> None:
    _, table = case(name, directed, weighted)
    for column in COUNTS:
        assert pd.api.types.is_integer_dtype(table[column].dtype), column
        assert (table[column] >= 0).all(), column
    assert (table["brokerage.total"] == table[[f"brokerage.{r}" for r in ROLES]].sum(axis=1)).all()
    if directed:
        assert (table["degree"] == table["in_degree"] + table["out_degree"]).all()
    else:
        assert (table["in_degree"] == table["degree"]).all()
        assert (table["out_degree"] == table["degree"]).all()
    assert (table["coreness"] <= table["degree"]).all()
    labels = np.sort(table["community"].unique())
    assert (labels == np.arange(len(labels))).all()  # numbered 0, 1, … without holes


@pytest.mark.parametrize(("name", "directed", "weighted"), CASES, ids=IDS)
def test_no_nan_where_a_value_is_defined(name: str, directed: bool, weighted: bool) -> None:
    g, table = case(name, directed, weighted)
    n = g.vcount()
    partners = contacts(g)
    always = ["strength", "betweenness", "betweenness_norm", "closeness", "harmonic", "pagerank",
              "clustering", *COUNTS]
    for column in always:
        assert table[column].notna().all(), column
    # Undefined exactly where the definition divides by zero.
    assert table["degree_norm"].isna().all() == (n <= 1)  # no values at all without actors
    isolated = partners == 0
    for column in ["constraint", "effective_size", "efficiency", "ei_index"]:
        assert (table[column].isna().to_numpy() == isolated).all(), column
    assert (table["hierarchy"].isna().to_numpy() == (partners <= 1)).all()
    # Without ties, or directed without a cycle, the largest eigenvalue is 0 and any vector would do.
    undefined = g.ecount() == 0 or (directed and g.is_dag())
    assert table["eigenvector"].isna().all() if undefined else table["eigenvector"].notna().all()
    for role in ROLES:
        z = table[f"brokerage.{role}_z"].dropna()
        assert np.isfinite(z).all(), role


@pytest.mark.parametrize(("name", "directed", "weighted"), CASES, ids=IDS)
def test_scores_stay_in_their_ranges(name: str, directed: bool, weighted: bool) -> None:
    g, table = case(name, directed, weighted)
    n = g.vcount()
    partners = contacts(g)
    _assert_within(table["degree_norm"], 0, 2 if directed else 1)
    _assert_within(table["betweenness"], 0, np.inf)
    _assert_within(table["betweenness_norm"], 0, 1)
    _assert_within(table["closeness"], 0, np.inf if weighted else 1)
    _assert_within(table["harmonic"], 0, np.inf if weighted else max(n - 1, 0))
    _assert_within(table["eigenvector"], 0, 1)
    _assert_within(table["pagerank"], 0, 1)
    _assert_within(table["clustering"], 0, 1)
    _assert_within(table["strength"], 0, np.inf)
    _assert_within(table["constraint"], 0, 1.125 if not (weighted or directed) else 2)
    _assert_within(table["hierarchy"], 0, 1)
    _assert_within(table["ei_index"], -1, 1)
    _assert_within(table["efficiency"], 0, 1)
    assert (table["efficiency"].dropna() > 0).all()
    size = table["effective_size"].to_numpy()
    defined = ~np.isnan(size)
    assert (size[defined] >= 1 - 1e-9).all()
    assert (size[defined] <= partners[defined] + 1e-9).all()
    assert table["pagerank"].sum() == pytest.approx(1.0 if n else 0.0, abs=1e-9)  # a distribution
    if n and table["eigenvector"].notna().all():
        assert np.linalg.norm(table["eigenvector"]) == pytest.approx(1.0, abs=1e-9)
    if not weighted:
        assert (table["strength"] == table["degree"]).all()
    if n > 1:
        expected = table["degree"] / (n - 1)
        pd.testing.assert_series_equal(table["degree_norm"], expected, check_names=False, atol=1e-12)


# -- the order of the input rows does not matter ------------------------------------------


@settings(max_examples=40)
@given(data=st.data(), name=st.sampled_from(REFERENCE_GRAPHS), directed=st.booleans(),
       weighted=st.booleans())
def test_table_does_not_depend_on_the_order_of_actors_and_ties(
    data: st.DataObject, name: str, directed: bool, weighted: bool
) -> None:
    alliance = reference_alliance(name)
    actor_order = data.draw(st.permutations(range(alliance.n_actors)), label="actor order")
    tie_order = data.draw(st.permutations(range(alliance.n_ties)), label="tie order")
    shuffled = replace(alliance, actors=alliance.actors.iloc[actor_order],
                       ties=alliance.ties.iloc[tie_order])
    one = actor_metrics(to_igraph(alliance, directed=directed, weighted=weighted), weighted=weighted)
    two = actor_metrics(to_igraph(shuffled, directed=directed, weighted=weighted), weighted=weighted)
    assert list(two.index) == list(shuffled.actors["id"])
    pd.testing.assert_frame_equal(one, two.loc[one.index], rtol=0, atol=1e-9)

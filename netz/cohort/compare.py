r"""Size-fair comparison of alliances: network figures, null-model z-scores, percentile ranks.

Funders ask how the alliances they fund compare. Raw network figures do not
answer that, because most of them depend on size: **density** is
:math:`\bar k / (n - 1)`, and since an organisation can only keep up so many
cooperations, the mean degree :math:`\bar k` stays roughly constant as
alliances grow — a 200-actor alliance is "sparser" than a 20-actor one for
that reason alone. The same holds for transitivity (random graphs have
transitivity ≈ density) and for centralization (a star of 15 and a star of 300
both score 1, but random networks of different sizes score differently).

:func:`compare_row` therefore adds, for each alliance,

- the **mean degree** :math:`\bar k = 2m/n` (partners per actor), which does not
  fall with size;
- the **clustering ratio** :math:`T / D`, transitivity relative to a random
  network of the same density: a :math:`G(n, m)` graph has expected
  transitivity ≈ density, so 1 means "as clustered as chance", 5 "five times";
- **z-scores against null models**,
  :math:`z = (x - \bar x_0) / s_0`, where :math:`\bar x_0` and :math:`s_0`
  are the mean and standard deviation (ddof 1) of the same statistic over
  ``samples`` random networks drawn from a null model (:func:`null_statistics`),
  for transitivity, degree and betweenness centralization and the E–I index.
  Two null models: ``gnm`` — Erdős–Rényi :math:`G(n, m)` with the same number of
  actors and ties; ``degseq`` — the same degree of every actor (in- and
  out-degree when directed), drawn by degree-preserving rewiring.

and :func:`percentile_ranks` places each alliance within the compared set.
Every figure is defined in ``docs/metrics.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from netz.analysis.privacy import SHARED_META
from netz.analysis.report import select_wave
from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph
from netz.core.metrics._base import edge_array, group_labels, seeded_igraph
from netz.core.metrics.communities import communities
from netz.core.metrics.mixing import mixing_summary
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
    transitivity,
)
from netz.core.model import Alliance, plain_value

__all__ = [
    "NETWORK_COLUMNS",
    "NULL_MODELS",
    "PERCENTILE_COLUMNS",
    "SIZE_CLASSES",
    "SIZE_FAIR_COLUMNS",
    "Z_COLUMNS",
    "Z_METRICS",
    "compare",
    "compare_row",
    "network_figures",
    "null_statistics",
    "percentile_ranks",
    "size_class",
    "text_table",
    "z_scores",
]

#: Size classes by number of actors: (name, lower bound inclusive, upper bound exclusive).
SIZE_CLASSES: tuple[tuple[str, int, float], ...] = (
    ("small", 0, 30), ("medium", 30, 100), ("large", 100, math.inf),
)
#: The whole-network figures of a comparison row, as :func:`network_figures` returns them.
NETWORK_COLUMNS: tuple[str, ...] = (
    "n_actors", "n_ties", "density", "mean_degree", "components", "largest_component_share",
    "fragmentation", "transitivity", "clustering_ratio", "degree_centralization",
    "betweenness_centralization", "closeness_centralization", "average_path_length", "diameter",
    "degree_assortativity", "reciprocity", "ei_index", "ei_index_baseline", "type_assortativity",
    "communities", "modularity",
)
#: Statistics compared with null models.
Z_METRICS: tuple[str, ...] = ("transitivity", "degree_centralization", "betweenness_centralization",
                              "ei_index")
#: The null models: Erdős–Rényi G(n, m), and degree-preserving rewiring.
NULL_MODELS: tuple[str, ...] = ("gnm", "degseq")
#: z-score columns. Degree centralization is a function of the degrees, which the
#: ``degseq`` model keeps: it has no spread there, so that z does not exist.
Z_COLUMNS: tuple[str, ...] = tuple(
    f"{metric}_z_{model}" for metric in Z_METRICS for model in NULL_MODELS
    if not (metric == "degree_centralization" and model == "degseq")
)
#: The columns that can be compared across alliances of different size.
SIZE_FAIR_COLUMNS: tuple[str, ...] = ("mean_degree", "clustering_ratio", *Z_COLUMNS)
#: Columns that get a percentile rank (``<column>_pct``) within the compared set.
PERCENTILE_COLUMNS: tuple[str, ...] = SIZE_FAIR_COLUMNS


def size_class(n_actors: int) -> str:
    """The size class of an alliance: ``small`` (< 30 actors), ``medium`` (30–99), ``large`` (≥ 100).

    >>> [size_class(n) for n in (15, 29, 30, 99, 100, 300)]
    ['small', 'small', 'medium', 'medium', 'large', 'large']
    """
    for name, low, high in SIZE_CLASSES:
        if low <= n_actors < high:
            return name
    raise ValueError(f"no size class for {n_actors} actors")


def network_figures(
    g: ig.Graph, *, group_by: str = "type", seed: int = 0, betweenness: np.ndarray | None = None
) -> dict[str, Any]:
    """The whole-network figures of one graph, flat, with the clustering ratio.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`.
    group_by : str, optional
        The actor attribute whose groups the E–I index and assortativity compare.
    seed : int, optional
        Seed of community detection (Leiden, as in :func:`netz.core.metrics.network_metrics`:
        on tie strengths when the alliance is weighted).
    betweenness : numpy.ndarray, optional
        Raw betweenness per vertex (hops, as
        :func:`netz.core.metrics.centrality.betweenness` with ``weighted=False``),
        if already computed — for example split over many processes for a very
        large network; betweenness centralization is then computed from it.

    Returns
    -------
    dict
        :data:`NETWORK_COLUMNS`; ``None`` where undefined. ``clustering_ratio`` is
        transitivity / density (``None`` when either is undefined or density is 0).

    Examples
    --------
    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> paw = Alliance.from_records([Actor(i, i, "initiative") for i in "abcd"],
    ...     [Tie("a", "b"), Tie("b", "c"), Tie("b", "d"), Tie("c", "d")])
    >>> f = network_figures(to_igraph(paw))
    >>> f["transitivity"], round(f["density"], 4), f["clustering_ratio"]
    (0.6, 0.6667, 0.9)
    """
    mixing = mixing_summary(g, group_by=group_by)
    membership, modularity = communities(g, seed=seed)
    figures: dict[str, Any] = {
        "n_actors": g.vcount(),
        "n_ties": g.ecount(),
        "density": density(g),
        "mean_degree": mean_degree(g),
        "components": n_components(g),
        "largest_component_share": largest_component_share(g),
        "fragmentation": fragmentation(g),
        # On a collapsed copy when directed: igraph (1.0) caches whether a graph has multiple
        # edges, and a directed graph with reciprocated ties that was once asked is_simple()
        # then counts each reciprocated pair twice in transitivity_undirected.
        "transitivity": transitivity(g.as_undirected(mode="collapse") if g.is_directed() else g),
        "degree_centralization": centralization(g, "degree"),
        "betweenness_centralization": (
            centralization(g, "betweenness") if betweenness is None
            else _betweenness_centralization(np.asarray(betweenness, dtype=float)[None, :],
                                             g.is_directed())[0]
        ),
        "closeness_centralization": centralization(g, "closeness"),
        "average_path_length": average_path_length(g),
        "diameter": diameter(g),
        "degree_assortativity": degree_assortativity(g),
        "reciprocity": reciprocity(g),
        "ei_index": mixing["ei_index"],
        "ei_index_baseline": mixing["ei_index_baseline"],
        "type_assortativity": mixing["type_assortativity"],
        "communities": int(membership.nunique()) if len(membership) else 0,
        "modularity": None if math.isnan(modularity) else float(modularity),
    }
    t, d = figures["transitivity"], figures["density"]
    figures["clustering_ratio"] = t / d if t is not None and d else None
    return {column: _plain(figures[column]) for column in NETWORK_COLUMNS}


def null_statistics(
    g: ig.Graph, model: str = "gnm", *, samples: int = 100, seed: int = 0, group_by: str = "type"
) -> pd.DataFrame:
    r"""The statistics of :data:`Z_METRICS` over random networks from a null model.

    Parameters
    ----------
    g : igraph.Graph
        A graph made by :func:`netz.core.graph.to_igraph`; weights are ignored.
    model : {"gnm", "degseq"}
        ``gnm``: Erdős–Rényi :math:`G(n, m)`, every set of *m* ties (arcs when
        directed) among the *n* actors equally likely. ``degseq``: every actor
        keeps its degree (its in- and out-degree when directed); drawn with
        igraph's degree-preserving rewiring (random double edge swaps that
        never create loops or multiple ties; Maslov & Sneppen 2002), from the
        observed network, :math:`10m` swap trials before the first sample and
        :math:`m` between samples (a Markov chain: each tie is picked about twice
        between samples, yet consecutive samples share some ties, which widens
        the Monte Carlo error a little, not the mean).
    samples : int, optional
        Number of random networks (default 100).
    seed : int, optional
        Seed: the same graph and seed give the same samples.
    group_by : str, optional
        The actor attribute of the E–I index; the actors keep their groups.

    Returns
    -------
    pandas.DataFrame
        One row per sample, the columns of :data:`Z_METRICS`; NaN where a
        statistic is undefined for a sample (transitivity without a connected triple).

    Notes
    -----
    Both models draw with igraph (``Erdos_Renyi(n=n, m=m)`` and ``rewire``)
    from a ``random.Random(seed)`` installed as igraph's generator for the
    draw. The samples are then computed together: all of them form one graph
    of ``samples × n`` vertices (sample *s* holds vertices
    :math:`sn, \dots, sn + n - 1`), and igraph's C routines compute degrees
    and betweenness of that graph in one call each, and the within-group ties
    from one contraction (transitivity with one C call per sample); per-sample
    figures are then sums and maxima over blocks of *n* vertices. No path
    crosses from one sample to another, so this is exactly the per-sample
    computation. The definitions are those of
    :mod:`netz.core.metrics.structure` and :func:`netz.core.metrics.mixing.mixing_summary`.

    *Degree-preserving alternatives.* igraph's ``Degree_Sequence(method="vl")``
    draws connected graphs only and refuses isolates, which local alliances
    often have; rewiring keeps the observed graph's components free to change
    and works for directed alliances too.

    References
    ----------
    .. [1] Erdős, P., & Rényi, A. (1959). On random graphs I. *Publicationes
       Mathematicae* 6, 290–297.
    .. [2] Maslov, S., & Sneppen, K. (2002). Specificity and stability in
       topology of protein networks. *Science* 296(5569), 910–913.
       https://doi.org/10.1126/science.1065103

    Examples
    --------
    In a complete graph every sample of G(n, m) is the complete graph again:

    >>> from netz.core.graph import to_igraph
    >>> from netz.core.model import Actor, Alliance, Tie
    >>> k4 = Alliance.from_records([Actor(i, i, "church") for i in "abcd"],
    ...     [Tie(u, v) for u, v in ("ab", "ac", "ad", "bc", "bd", "cd")])
    >>> null_statistics(to_igraph(k4), samples=3)["transitivity"].tolist()
    [1.0, 1.0, 1.0]
    """
    _check_null(model, samples)
    statistics = _statistics(_null_graphs(g, model, samples, seed), g.vcount(), _group_codes(g, group_by))
    return pd.DataFrame(statistics, index=pd.RangeIndex(samples))[list(Z_METRICS)]


def z_scores(
    g: ig.Graph, observed: Mapping[str, Any], *, samples: int = 100, seed: int = 0,
    group_by: str = "type",
) -> dict[str, float | None]:
    """z-scores of the observed :data:`Z_METRICS` against both null models (:data:`Z_COLUMNS`).

    ``None`` where the observed value is undefined, or the null distribution has
    fewer than two defined values or no spread (its standard deviation is 0).
    """
    result: dict[str, float | None] = {}
    codes = _group_codes(g, group_by)
    for model in NULL_MODELS:
        _check_null(model, samples)
        # The same samples and figures as null_statistics, without a DataFrame per model.
        null = _statistics(_null_graphs(g, model, samples, seed), g.vcount(), codes)
        for metric in Z_METRICS:
            column = f"{metric}_z_{model}"
            if column in Z_COLUMNS:
                result[column] = _z(observed.get(metric), null[metric])
    return result


def compare_row(
    alliance: Alliance,
    *,
    key: str | None = None,
    wave: str | None = None,
    group_by: str = "type",
    null_samples: int = 100,
    seed: int = 0,
    null_max_actors: int = 1000,
    betweenness: np.ndarray | None = None,
) -> dict[str, Any]:
    """One alliance as a comparison row: metadata, network figures, size class and z-scores.

    Parameters
    ----------
    alliance : Alliance
        The alliance.
    key : str, optional
        How the row names the alliance (column ``alliance``); default its name.
    wave : str, optional
        The wave to compare: the latest by default (as :func:`netz.analysis.report.report`), ``"all"``.
    group_by : str, optional
        The actor attribute of the E–I index (default ``type``).
    null_samples : int, optional
        Random networks per null model (default 100); 0 leaves the z-scores out (``None``).
    seed : int, optional
        Seed of the null models and community detection.
    null_max_actors : int, optional
        Above this many actors the z-scores are left out: 100 exact betweenness
        computations of a network of thousands of actors take minutes.
    betweenness : numpy.ndarray, optional
        Precomputed raw betweenness, see :func:`network_figures`.

    Returns
    -------
    dict
        ``alliance``, the metadata researchers and funders may see
        (:data:`netz.analysis.privacy.SHARED_META`), ``directed``, ``weighted``,
        ``waves`` (comma-separated), ``wave``, ``size_class``, :data:`NETWORK_COLUMNS`,
        ``null_samples``, ``null_seed`` and :data:`Z_COLUMNS`. No actor-level data.
    """
    observed, chosen = select_wave(alliance, wave)
    g = to_igraph(observed)
    figures = network_figures(g, group_by=group_by, seed=seed, betweenness=betweenness)
    use_nulls = null_samples > 0 and g.vcount() <= null_max_actors
    z = (z_scores(g, figures, samples=null_samples, seed=seed, group_by=group_by) if use_nulls
         else dict.fromkeys(Z_COLUMNS))
    meta = {k: plain_value(alliance.meta.get(k)) for k in SHARED_META}
    return {
        "alliance": key if key is not None else alliance.name,
        **meta,
        "directed": alliance.directed,
        "weighted": alliance.weighted,
        "waves": ",".join(alliance.waves),
        "wave": chosen,
        "size_class": size_class(alliance.n_actors),
        **figures,
        "null_samples": null_samples if use_nulls else 0,
        "null_seed": seed,
        **z,
    }


def percentile_ranks(table: pd.DataFrame, columns: Iterable[str] = PERCENTILE_COLUMNS) -> pd.DataFrame:
    r"""The table with a percentile rank ``<column>_pct`` for each of ``columns``.

    The percentile rank of a value *x* among the *N* defined values of its
    column in the compared set (*x* itself included) is

    .. math:: P(x) = 100 \cdot \frac{\#\{v < x\} + \tfrac12 \#\{v = x\}}{N},

    scipy's ``percentileofscore(kind="mean")``: the share of alliances below,
    counting ties half. With five alliances the ranks are 10, 30, 50, 70, 90.
    Undefined values get no rank (NaN) and do not count in *N*.

    >>> t = pd.DataFrame({"mean_degree": [4.0, 6.0, 6.0, None, 2.0]})
    >>> percentile_ranks(t, ["mean_degree"])["mean_degree_pct"].tolist()
    [37.5, 75.0, 75.0, nan, 12.5]
    """
    table = table.copy()
    for column in columns:
        values = pd.to_numeric(table[column], errors="coerce").astype(float)
        defined = values.notna()
        ranks = values[defined].rank(method="average")
        table[f"{column}_pct"] = 100 * (ranks - 0.5) / int(defined.sum())
        table[f"{column}_pct"] = table[f"{column}_pct"].astype(float)
    return table


def compare(
    alliances: Mapping[str, Alliance] | Sequence[Alliance],
    *,
    wave: str | None = None,
    group_by: str = "type",
    null_samples: int = 100,
    seed: int = 0,
    null_max_actors: int = 1000,
    executor: Executor | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Compare alliances: one :func:`compare_row` each, plus percentile ranks within the set.

    Parameters
    ----------
    alliances
        A mapping from a key (path, slug, id) to the alliance, or a sequence
        (keyed by name, or position when nameless).
    wave, group_by, null_samples, seed, null_max_actors
        As for :func:`compare_row`; the same seed for every alliance, so that a
        row does not depend on which other alliances are compared.
    executor : concurrent.futures.Executor, optional
        Compute the rows on this executor (one opened by
        :func:`netz.cohort.batch.open_executor`); by default one after the other in this process.
    progress : bool, optional
        Show a progress bar on standard error.

    Returns
    -------
    pandas.DataFrame
        One row per alliance, in the given order, with ``<column>_pct`` for
        :data:`PERCENTILE_COLUMNS`.
    """
    if isinstance(alliances, Mapping):
        items = [(str(k), a) for k, a in alliances.items()]
    else:
        items = [(a.name or str(i), a) for i, a in enumerate(alliances)]
    options: dict[str, Any] = {"wave": wave, "group_by": group_by, "null_samples": null_samples,
                               "seed": seed, "null_max_actors": null_max_actors}
    # netz.cohort.batch computes with this module's rows: imported here, not when this module is.
    from netz.cohort.batch import each

    rows = each(_row, items, options, executor=executor, cost=lambda item: item[1].n_actors,
                progress=progress, desc="netz compare")
    return percentile_ranks(pd.DataFrame(rows, columns=_row_columns()))


#: The columns :func:`text_table` shows of a comparison by default.
TEXT_COLUMNS: tuple[str, ...] = (
    "alliance", "n_actors", "size_class", "wave", "mean_degree", "density", "clustering_ratio",
    "transitivity_z_gnm", "betweenness_centralization_z_gnm", "ei_index_z_gnm", "mean_degree_pct",
    "clustering_ratio_pct",
)


def text_table(table: pd.DataFrame, columns: Sequence[str] = TEXT_COLUMNS, *, digits: int = 2) -> str:
    """A table as aligned plain text for a terminal: chosen columns, rounded, "—" where undefined
    (as :func:`netz.messages.number` writes no number).

    >>> print(text_table(pd.DataFrame({"alliance": ["a"], "density": [1 / 3], "x": [None]}),
    ...                  ["alliance", "density", "x"]), end="")
    alliance  density  x
           a     0.33  —
    """
    shown = table[[c for c in columns if c in table.columns]].copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]) or shown[column].map(
                lambda v: isinstance(v, float)).any():
            shown[column] = shown[column].map(lambda v: "—" if v is None or v != v else f"{v:.{digits}f}")
        else:
            shown[column] = shown[column].map(lambda v: "—" if v is None or v != v else str(v))
    return shown.to_string(index=False) + "\n"


# -- helpers ---------------------------------------------------------------


def _row(item: tuple[str, Alliance], options: dict[str, Any]) -> dict[str, Any]:
    """A module-level task for executors (pickles by reference): the row of a (key, alliance)."""
    key, alliance = item
    return compare_row(alliance, key=key, **options)


def _row_columns() -> list[str]:
    return ["alliance", *SHARED_META, "directed", "weighted", "waves", "wave", "size_class", *NETWORK_COLUMNS,
            "null_samples", "null_seed", *Z_COLUMNS]


def _plain(value: Any) -> Any:
    value = plain_value(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _z(observed: Any, null: np.ndarray) -> float | None:
    if observed is None:
        return None
    values = null[np.isfinite(null)]
    if len(values) < 2:
        return None
    sd = float(values.std(ddof=1))
    mean = float(values.mean())
    # Rounding noise in a constant statistic (an E–I index of 1/3 computed 100 times) is no spread.
    if sd <= 1e-12 * max(1.0, abs(mean)):
        return None
    return (float(observed) - mean) / sd


def _check_null(model: str, samples: int) -> None:
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    if model not in NULL_MODELS:
        raise UnknownNameError("error.name.null_model", name=model, accepted=list(NULL_MODELS),
                               heading="error.name.heading.models")


def _group_codes(g: ig.Graph, group_by: str) -> np.ndarray:
    """Each actor's group as a code 0, 1, … in order of first appearance."""
    codes = pd.factorize(group_labels(g, group_by))[0] if g.vcount() else np.zeros(0, dtype=np.int64)
    return np.asarray(codes, dtype=np.int64)


def _null_union(g: ig.Graph, model: str, samples: int, seed: int) -> ig.Graph:
    """All samples of a null model as one graph: sample *s* holds vertices sn … sn + n - 1."""
    return ig.disjoint_union(_null_graphs(g, model, samples, seed))


def _null_graphs(g: ig.Graph, model: str, samples: int, seed: int) -> list[ig.Graph]:
    """The samples of a null model, as graphs on the vertices 0 … n - 1 without attributes."""
    n, m, directed = g.vcount(), g.ecount(), g.is_directed()
    with seeded_igraph(seed):
        if model == "gnm":
            graphs = [ig.Graph.Erdos_Renyi(n=n, m=m, directed=directed) for _ in range(samples)]
        else:
            h = ig.Graph(n=n, edges=edge_array(g), directed=directed)
            h.rewire(n=10 * m)
            graphs = []
            for s in range(samples):
                if s:
                    h.rewire(n=m)
                graphs.append(h.copy())
    return graphs


def _statistics(graphs: list[ig.Graph], n: int, codes: np.ndarray) -> dict[str, np.ndarray]:
    """The :data:`Z_METRICS` of each sample (arrays of one value per sample), from the union of all.

    One C call each for the union's degrees and betweenness, one contraction
    for the E–I index, one transitivity call per sample; per-sample figures are
    then sums and maxima over blocks of *n* vertices. Betweenness is the
    cheapest exact call for the definition: hops (``weights=None``), along the
    arcs when directed.
    """
    samples = len(graphs)
    union = ig.disjoint_union(graphs)
    directed = union.is_directed()
    m = union.ecount() // samples
    result: dict[str, np.ndarray] = {}
    if n >= 3:
        degree = np.asarray(union.degree(), dtype=float).reshape(samples, n)
        most = (n - 1) * (2 * (n - 1) - 2) if directed else (n - 1) * (n - 2)
        result["transitivity"] = _transitivity(graphs)
        result["degree_centralization"] = (degree.max(axis=1, keepdims=True) - degree).sum(axis=1) / most
        between = np.asarray(union.betweenness(directed=True, weights=None), dtype=float)
        result["betweenness_centralization"] = _betweenness_centralization(between.reshape(samples, n),
                                                                          directed)
    else:
        for metric in ("transitivity", "degree_centralization", "betweenness_centralization"):
            result[metric] = np.full(samples, np.nan)
    # Last: counting the ties within groups contracts the union.
    result["ei_index"] = ((m - 2 * _internal_ties(union, samples, n, codes)) / m if m
                          else np.full(samples, np.nan))
    return result


def _internal_ties(union: ig.Graph, samples: int, n: int, codes: np.ndarray) -> np.ndarray:
    """Ties (arcs) within groups, per sample. **Contracts** ``union`` in place.

    Every (sample, group) becomes one vertex, so a tie within a group becomes a
    loop there; a vertex's loops are its degree with loops minus its degree
    without (an undirected loop counts twice, a directed one once as outgoing).
    One contraction instead of an induced subgraph per group.
    """
    groups = int(codes.max()) + 1 if len(codes) else 1
    mapping = (np.arange(samples, dtype=np.int64)[:, None] * groups + codes[None, :]).reshape(-1)
    union.contract_vertices(mapping.tolist(), combine_attrs=None)
    mode = "out" if union.is_directed() else "all"
    loops = (np.asarray(union.degree(mode=mode, loops=True), dtype=float)
             - np.asarray(union.degree(mode=mode, loops=False), dtype=float))
    internal = loops.reshape(samples, groups).sum(axis=1)
    return internal if union.is_directed() else internal / 2


def _transitivity(graphs: list[ig.Graph]) -> np.ndarray:
    """Per-sample transitivity, direction ignored: igraph's C routine on each sample.

    (One call per sample is cheaper here than listing the union's triangles as
    Python tuples, and than its local transitivity.) Directed samples are
    collapsed first, as in :func:`network_figures`.
    """
    values = [(g.as_undirected(mode="collapse") if g.is_directed() else g).transitivity_undirected(mode="nan")
              for g in graphs]
    return np.asarray(values, dtype=float)


def _betweenness_centralization(between: np.ndarray, directed: bool) -> np.ndarray:
    """Freeman centralization of raw betweenness, rows of vertices (sna's normalisation)."""
    n = between.shape[1]
    if n < 3:
        return np.full(between.shape[0], np.nan)
    most = (n - 1) ** 2 * (n - 2) / (1 if directed else 2)
    return (between.max(axis=1, keepdims=True) - between).sum(axis=1) / most


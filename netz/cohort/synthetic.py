r"""A synthetic demo cohort: seeded stochastic block models of local alliances.

Funders compare many alliances; researchers want to try netz on more than one
network. Real cooperation data of local alliances is personal and rarely
published, so netz generates a **synthetic** cohort instead: every alliance,
actor and tie made here is invented and labelled so (``"synthetic": true`` in
the metadata, a ``synthetic`` column in the tables).

The model is a **stochastic block model** (Holland, Laskey & Leinhardt 1983)
with actor types as blocks: a tie between an actor of type *a* and one of type
*b* exists independently with probability

.. math:: P_{ab} = \min(1,\ \beta \, A_{ab}),

where :math:`A` is the sector affinity (:data:`AFFINITY`: 1 within a sector,
well below 1 between sectors, higher for pairs that work together in practice
— welfare associations and volunteer initiatives, the job centre and
employers, the municipality and everyone) and :math:`\beta` is chosen so that
the expected mean degree is the one asked for:
:math:`\beta = \bar k n / 2 \,/\, \sum_{a \le b} A_{ab}\, \text{pairs}_{ab}`.
Type mixes follow :data:`TYPE_MIX`; sizes run from 15 to 300 actors.

Survey waves (years) evolve the network: each tie survives to the next wave
with probability 0.85 and new ties are drawn from the same block model, a
little denser each wave. Healthy alliances are then *repaired* so that every
actor has at least two partners and no single actor holds the network
together. Some alliances carry one of the typical problems (:data:`PROBLEMS`),
written into their metadata, so that ``netz gaps`` has something to find; a healthy
alliance whose waves happen to centralise wave by wave is labelled ``centralising``
too, with ``problem_origin: chance``.

Everything is drawn from ``numpy.random.default_rng(seed)``: the same seed
gives the same cohort, byte for byte, on every machine.

References
----------
.. [1] Holland, P. W., Laskey, K. B., & Leinhardt, S. (1983). Stochastic
   blockmodels: first steps. *Social Networks* 5(2), 109–137.
   https://doi.org/10.1016/0378-8733(83)90021-7
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd

from netz.analysis.report import select_wave
from netz.analysis.support import RISING_WAVES, centralisation_rising
from netz.core.errors import UnknownNameError
from netz.core.graph import to_igraph
from netz.core.io import write
from netz.core.metrics.structure import centralization
from netz.core.model import Alliance

__all__ = [
    "AFFINITY",
    "COHORT_TYPES",
    "PROBLEMS",
    "TYPE_MIX",
    "AllianceSpec",
    "block_probabilities",
    "demo_cohort",
    "demo_specs",
    "generate_alliance",
    "random_specs",
    "sample_sbm",
    "type_counts",
    "write_cohort",
]

#: The actor types a generated alliance is made of (the blocks), in block order.
COHORT_TYPES: tuple[str, ...] = (
    "initiative", "church", "welfare", "municipality", "refugee", "association", "education",
    "employment", "public",
)
#: Expected share of each type among an alliance's actors.
TYPE_MIX: dict[str, float] = {
    "initiative": 0.22, "church": 0.12, "welfare": 0.12, "municipality": 0.08, "refugee": 0.10,
    "association": 0.14, "education": 0.09, "employment": 0.07, "public": 0.06,
}
_MINIMUM = {"initiative": 1, "church": 1, "welfare": 1, "municipality": 1, "refugee": 1}
_BETWEEN = 0.15
_PAIRS: dict[tuple[str, str], float] = {
    ("initiative", "welfare"): 0.45, ("initiative", "church"): 0.45, ("initiative", "refugee"): 0.4,
    ("welfare", "refugee"): 0.45, ("welfare", "church"): 0.4, ("initiative", "association"): 0.3,
    ("church", "refugee"): 0.25, ("education", "refugee"): 0.3, ("education", "initiative"): 0.3,
    ("employment", "public"): 0.6, ("employment", "refugee"): 0.2, ("public", "welfare"): 0.3,
    ("association", "refugee"): 0.25,
}


def _affinity() -> pd.DataFrame:
    table = pd.DataFrame(_BETWEEN, index=list(COHORT_TYPES), columns=list(COHORT_TYPES))
    for t in COHORT_TYPES:
        table.loc["municipality", t] = table.loc[t, "municipality"] = 0.5
    table.loc["municipality", "public"] = table.loc["public", "municipality"] = 0.6
    for (a, b), value in _PAIRS.items():
        table.loc[a, b] = table.loc[b, a] = value
    for t in COHORT_TYPES:
        table.loc[t, t] = 1.0
    return table


#: Sector affinity :math:`A_{ab}`: 1 within a sector, below 1 between sectors (symmetric).
AFFINITY: pd.DataFrame = _affinity()

_AFFINITY = AFFINITY.to_numpy()
_TYPE_SORTER = np.argsort(np.array(COHORT_TYPES))
_TYPE_ORDER = np.array(COHORT_TYPES)

#: The typical problems a generated alliance can carry, with what they mean.
PROBLEMS: dict[str, str] = {
    "isolated_refugee_organisation": "One refugee organisation cooperates with nobody in any wave.",
    "single_bridging_municipality": (
        "Schools, employers and agencies reach the rest of the alliance only through one "
        "municipal office."
    ),
    "church_cluster_apart": (
        "The churches work closely with each other but are linked to the rest by a single tie."
    ),
    "centralising": "Each wave, more of the cooperation runs through one coordinating actor.",
}
_PREFIX = {
    "initiative": "ini", "church": "kir", "welfare": "wfv", "municipality": "kom", "refugee": "mso",
    "association": "ver", "education": "bil", "employment": "arb", "public": "beh",
}
_NAMES: dict[str, tuple[str, ...]] = {
    "initiative": ("Helferkreis Asyl {p}", "Freundeskreis Flüchtlinge {p}-{q}", "Patenschaftsprojekt {p}",
                   "Café International {p}", "Fahrradwerkstatt {p}", "Willkommensinitiative {q}",
                   "Sprachpaten {p}", "Nachbarschaftshilfe {q}", "Arbeitskreis Asyl {q}"),
    "church": ("Ev. Kirchengemeinde {p}-{q}", "Kath. Pfarrei St. Martin {p}", "Ev. Kirchengemeinde {q}",
               "Kath. Seelsorgeeinheit {q}", "Moscheegemeinde {p}", "Ev.-freikirchliche Gemeinde {p}"),
    "welfare": ("Caritasverband {p}", "Diakonisches Werk {p}", "AWO Ortsverein {q}", "DRK Ortsverein {q}",
                "Der Paritätische {p}", "Malteser Hilfsdienst {p}", "Tafel {p}"),
    "municipality": ("Stadtverwaltung {p} – Sozialamt", "Integrationsbeauftragte {p}",
                     "Bürgermeisteramt {q}", "Landratsamt – Integrationsmanagement",
                     "Ortsvorsteher {q}", "Kommunales Integrationszentrum {p}"),
    "refugee": ("Syrischer Kulturverein {p}", "Afghanischer Verein {p}", "Eritreische Gemeinschaft {p}",
                "Geflüchtetenrat {p}", "Frauengruppe „Neue Nachbarinnen“ {q}", "Integrationsrat {p}",
                "Kurdischer Elternverein {p}"),
    "association": ("TSV {p}", "Musikverein {q}", "Landfrauen {q}", "Förderverein Jugendhaus {p}",
                    "Bürgerstiftung {p}", "Heimatverein {q}", "Fußballverein FC {q}"),
    "education": ("Grundschule {q}", "Realschule {p}", "Volkshochschule {p}", "Berufsschule {p}",
                  "Kita {q}", "Gymnasium {p}"),
    "employment": ("Handwerksbetrieb {q}", "Pflegeheim {p}", "Metallbau {q} GmbH",
                   "Gewerbeverein {p}", "Bäckerei {q}", "Autohaus {p}"),
    "public": ("Jobcenter {p}", "Agentur für Arbeit {p}", "Ausländerbehörde {p}", "Polizeiposten {q}",
               "Gesundheitsamt {p}"),
}
_QUARTERS = ("Nord", "Süd", "Ost", "West", "Altstadt", "Oberdorf", "Unterdorf", "Am Bach", "Neubaugebiet",
             "Bahnhof", "Mühlweg", "Kirchberg")
_KINDS = ("Information", "Gemeinsames Projekt", "Ressourcen", "Vermittlung")


@dataclass(frozen=True)
class AllianceSpec:
    """What to generate: size, density, waves, metadata and (optionally) a problem.

    Attributes
    ----------
    slug
        Folder name in a written cohort.
    place
        The (fictitious) town the alliance is in; used in actor names.
    n_actors, mean_degree
        Size and expected mean degree of the first wave.
    waves
        Wave labels in time order (years).
    problem
        A key of :data:`PROBLEMS`, or None for a healthy alliance.
    directed
        Survey data ("A names B"): each tie is then named by one or both sides.
    seed
        Seed of the alliance's random numbers.
    meta
        Metadata: name, region, land, programme, funding, founded.
    """

    slug: str
    place: str
    n_actors: int
    mean_degree: float
    waves: tuple[str, ...]
    problem: str | None = None
    directed: bool = False
    seed: int = 0
    meta: tuple[tuple[str, object], ...] = ()


def type_counts(
    n: int, rng: np.random.Generator, *, mix: dict[str, float] | None = None,
    minimum: dict[str, int] | None = None,
) -> np.ndarray:
    """How many actors of each of :data:`COHORT_TYPES`: the minimums plus a multinomial draw.

    >>> counts = type_counts(40, np.random.default_rng(1))
    >>> int(counts.sum()), bool((counts[:5] >= 1).all())
    (40, True)
    """
    mix = mix or TYPE_MIX
    floor = np.array([(minimum or _MINIMUM).get(t, 0) for t in COHORT_TYPES])
    if n < floor.sum():
        raise ValueError(f"an alliance needs at least {floor.sum()} actors, got {n}")
    shares = np.array([mix[t] for t in COHORT_TYPES], dtype=float)
    return floor + rng.multinomial(n - floor.sum(), shares / shares.sum())


def block_probabilities(
    counts: Sequence[int] | np.ndarray, mean_degree: float, *, affinity: pd.DataFrame | None = None
) -> np.ndarray:
    r"""Tie probabilities between blocks, scaled to an expected mean degree.

    :math:`P_{ab} = \min(1, \beta A_{ab})` with :math:`\beta` solving
    :math:`\sum_{a \le b} \beta A_{ab} \text{pairs}_{ab} = \bar k n / 2`
    (before the cap at 1, which only bites for tiny dense alliances).

    >>> p = block_probabilities([10, 10, 10, 5, 5, 5, 5, 5, 5], 6.0)
    >>> bool(np.all(np.diag(p) > p.max(axis=0) - 1e-12)), p.shape
    (True, (9, 9))
    """
    sizes = np.asarray(counts, dtype=float)
    a = (AFFINITY if affinity is None else affinity).to_numpy(dtype=float)
    pairs = np.outer(sizes, sizes)
    np.fill_diagonal(pairs, sizes * (sizes - 1) / 2)
    weight = float(np.triu(a * pairs).sum())
    n = sizes.sum()
    beta = mean_degree * n / 2 / weight if weight > 0 else 0.0
    return np.minimum(1.0, beta * a)


def sample_sbm(
    counts: Sequence[int] | np.ndarray, probabilities: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Draw an undirected stochastic block model; actors are numbered block by block.

    For each pair of blocks the number of ties is binomial and the ties are a
    uniform sample of that many pairs, which is the same distribution as one
    Bernoulli draw per pair but vectorised.

    Returns
    -------
    numpy.ndarray
        ``(m, 2)`` int64 vertex positions, ``u < v``, sorted.

    >>> edges = sample_sbm([3, 2], np.array([[1.0, 0.0], [0.0, 1.0]]), np.random.default_rng(0))
    >>> edges.tolist()
    [[0, 1], [0, 2], [1, 2], [3, 4]]
    """
    sizes = np.asarray(counts, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    parts = []
    for a in range(len(sizes)):
        for b in range(a, len(sizes)):
            na, nb, p = int(sizes[a]), int(sizes[b]), float(probabilities[a, b])
            total = na * (na - 1) // 2 if a == b else na * nb
            if total == 0 or p <= 0:
                continue
            chosen = rng.choice(total, size=rng.binomial(total, min(p, 1.0)), replace=False)
            if a == b:
                u, v = np.triu_indices(na, 1)
                parts.append(np.column_stack([u[chosen], v[chosen]]) + starts[a])
            else:
                parts.append(np.column_stack([starts[a] + chosen // nb, starts[b] + chosen % nb]))
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    edges = np.concatenate(parts).astype(np.int64)
    return edges[np.lexsort((edges[:, 1], edges[:, 0]))]


def generate_alliance(spec: AllianceSpec, *, validate: bool = True) -> Alliance:
    """One synthetic alliance, with one tie table row per tie and wave.

    The tables are valid by construction; ``validate=False`` skips netz's input
    validation (three quarters of the time for benchmarks that generate
    thousands) and builds the same alliance directly.

    >>> spec = AllianceSpec("x", "Falkenbrunn", 40, 5.0, ("2016", "2017"), seed=3)
    >>> a = generate_alliance(spec)
    >>> a.n_actors, a.waves, a.meta["synthetic"]
    (40, ['2016', '2017'], True)
    >>> generate_alliance(spec).equals(a)
    True
    """
    rng = np.random.default_rng(spec.seed)
    counts = type_counts(spec.n_actors, rng, minimum=_problem_minimum(spec.problem))
    types = np.repeat(np.array(COHORT_TYPES), counts)
    n = int(counts.sum())
    probabilities = block_probabilities(counts, spec.mean_degree)
    waves: list[np.ndarray] = []
    edges = sample_sbm(counts, probabilities, rng)
    for index in range(len(spec.waves)):
        if index:
            kept = edges[rng.random(len(edges)) < 0.85]
            fresh = sample_sbm(counts, probabilities * (0.2 + 0.05 * index), rng)
            edges = _unique(np.concatenate([kept, fresh]))
        if spec.problem is None:
            edges = _repair(edges, n, types, rng)
        else:
            edges = _with_problem(spec.problem, edges, n, types, rng, index, len(spec.waves))
        waves.append(edges)
    actors = _actor_table(types, spec.place, rng)
    ties = _tie_table(waves, spec, actors["id"].to_numpy(), types, rng)
    description = (
        "Synthetic alliance generated by netz.cohort.synthetic (stochastic block model by actor type); "
        "no real organisations or persons, the place is fictitious. Synthetisch erzeugtes Bündnis; "
        "keine echten Organisationen oder Personen."
    )
    problem, origin = spec.problem, None
    if problem is None and _centralising(Alliance(actors, ties, directed=spec.directed, weighted=True)):
        problem, origin = "centralising", "chance"
    meta = {**dict(spec.meta), "synthetic": True, "description": description,
            "problem": problem, "problem_description": PROBLEMS.get(problem or ""),
            "problem_origin": origin,
            "generator": f"netz.cohort.synthetic seed={spec.seed} n={spec.n_actors} "
                f"mean_degree={spec.mean_degree}"}
    meta = {k: v for k, v in meta.items() if v is not None}
    if not validate:
        return Alliance(actors, ties, directed=spec.directed, weighted=True, meta=meta)
    actors.index += 2
    ties.index += 2
    return Alliance.from_frames(actors, ties, directed=spec.directed, meta=meta)


def _centralising(alliance: Alliance) -> bool:
    """Whether an alliance generated healthy came out centralising wave by wave by chance.

    The waves' random variation can, now and then, concentrate the paths on one actor wave after
    wave: such an alliance *has* the problem ``centralising`` although none was built in, and is
    labelled so (``problem_origin: chance``), so that a check of the support rules
    (``benchmarks/bench_support.py``) counts it among the alliances with a problem. Measured as
    the rule measures it: betweenness centralization of each wave's network
    (:func:`netz.analysis.support.centralisation_rising`).
    """
    if len(alliance.waves) < RISING_WAVES:
        return False
    values = [centralization(to_igraph(select_wave(alliance, wave)[0]), "betweenness")
              for wave in alliance.waves[-RISING_WAVES:]]
    return centralisation_rising(values)


def _problem_minimum(problem: str | None) -> dict[str, int]:
    minimum = dict(_MINIMUM)
    if problem == "church_cluster_apart":
        minimum["church"] = 4
    elif problem == "single_bridging_municipality":
        minimum.update(education=1, employment=1, public=1)
    elif problem == "isolated_refugee_organisation":
        minimum["refugee"] = 2
    return minimum


def _unique(edges: np.ndarray) -> np.ndarray:
    if not len(edges):
        return edges
    edges = np.sort(edges, axis=1)
    return np.unique(edges, axis=0)


def _graph(edges: np.ndarray, n: int) -> ig.Graph:
    return ig.Graph(n=n, edges=edges.tolist())


def _add(edges: np.ndarray, new: list[tuple[int, int]]) -> np.ndarray:
    return _unique(np.concatenate([edges, np.asarray(new, dtype=np.int64).reshape(-1, 2)]))


def _repair(edges: np.ndarray, n: int, types: np.ndarray, rng: np.random.Generator,
            *, keep_out: frozenset[int] = frozenset()) -> np.ndarray:
    """At least two partners each, one component, the key sectors linked, no actor whose loss
    cuts others off.

    New ties go to partners chosen in proportion to the sector affinity, so a
    repaired network keeps its block structure. Actors in ``keep_out`` are left alone.
    """
    codes = np.searchsorted(_TYPE_ORDER, types, sorter=_TYPE_SORTER)
    weights = _AFFINITY[np.ix_(_TYPE_SORTER[codes], _TYPE_SORTER[codes])]
    allowed = np.array([i not in keep_out for i in range(n)])
    for _ in range(20):
        g = _graph(edges, n)
        new: list[tuple[int, int]] = []
        degree = np.asarray(g.degree())
        for actor in np.flatnonzero((degree < 2) & allowed):
            others = np.flatnonzero(allowed & (np.arange(n) != actor))
            others = np.setdiff1d(others, g.neighbors(int(actor)))
            for partner in _pick(others, weights[actor, others], 2 - degree[actor], rng):
                new.append((int(actor), int(partner)))
        parts = g.connected_components()
        members = [m for m in parts if allowed[m[0]]]
        if len(members) > 1:
            largest = max(members, key=len)
            for part in members:
                if part is not largest:
                    new.append((int(rng.choice(part)), int(rng.choice(largest))))
        if not new:
            new = _sector_links(edges, types, allowed, rng)
        if not new:
            for cut in g.articulation_points():
                rest = g.copy()
                rest.delete_vertices([cut])
                ids = [v if v < cut else v + 1 for v in range(n - 1)]
                pieces = sorted((p for p in rest.connected_components() if allowed[ids[p[0]]]), key=len)
                if len(pieces) > 1:
                    small, large = pieces[0], pieces[-1]
                    new.append((ids[int(rng.choice(small))], ids[int(rng.choice(large))]))
        if not new:
            return edges
        edges = _add(edges, new)
    return edges


def _sector_links(edges: np.ndarray, types: np.ndarray, allowed: np.ndarray,
                  rng: np.random.Generator) -> list[tuple[int, int]]:
    """One tie for every pair of core sectors without one, where the municipality or refugees take part.

    These are the links whose absence ``netz gaps`` reports with high severity.
    """
    linked = {frozenset((types[u], types[v])) for u, v in edges}
    present = set(types[allowed])
    new = []
    for first in ("municipality", "refugee"):
        for second in ("initiative", "church", "welfare", "municipality", "refugee"):
            pair = frozenset((first, second))
            if first == second or pair in linked or not {first, second} <= present:
                continue
            linked.add(pair)
            a = rng.choice(np.flatnonzero((types == first) & allowed))
            b = rng.choice(np.flatnonzero((types == second) & allowed))
            new.append((int(a), int(b)))
    return new


def _pick(candidates: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    k = min(int(k), len(candidates))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    return rng.choice(candidates, size=k, replace=False, p=weights / weights.sum())


def _with_problem(problem: str, edges: np.ndarray, n: int, types: np.ndarray, rng: np.random.Generator,
                  wave: int, n_waves: int) -> np.ndarray:
    """Repair like a healthy alliance, then build the problem in."""
    if problem == "isolated_refugee_organisation":
        isolated = int(np.flatnonzero(types == "refugee")[-1])
        edges = edges[(edges != isolated).all(axis=1)]
        return _repair(edges, n, types, rng, keep_out=frozenset({isolated}))
    if problem == "single_bridging_municipality":
        hub = int(np.flatnonzero(types == "municipality")[0])
        apart = np.isin(types, ("education", "employment", "public"))
        crossing = apart[edges[:, 0]] != apart[edges[:, 1]]
        touches_hub = (edges == hub).any(axis=1)
        edges = edges[~crossing | touches_hub]
        inside, outside = np.flatnonzero(apart), np.flatnonzero(~apart)
        edges = _repair_within(edges, n, inside, types, rng, anchor=hub)
        edges = _repair_within(edges, n, outside, types, rng)
        return _add(edges, [(hub, int(v)) for v in rng.choice(inside, size=min(2, len(inside)),
                                                               replace=False)])
    if problem == "church_cluster_apart":
        churches = np.flatnonzero(types == "church")
        in_cluster = np.isin(edges, churches)
        edges = edges[in_cluster[:, 0] == in_cluster[:, 1]]
        ring = [(int(churches[i]), int(churches[(i + 1) % len(churches)])) for i in range(len(churches))]
        # Close-knit: about five partners each among the churches.
        chords = sample_sbm([len(churches)], np.array([[min(1.0, 5 / (len(churches) - 1))]]), rng)
        ring += [(int(churches[u]), int(churches[v])) for u, v in chords]
        edges = _repair_within(_add(edges, ring), n, np.flatnonzero(types != "church"), types, rng)
        partner = int(np.flatnonzero(types == "initiative")[0])
        return _add(edges, [(int(churches[0]), partner)])
    if problem == "centralising":
        edges = _repair(edges, n, types, rng)
        hub = int(np.flatnonzero(types == "welfare")[0])
        share = wave / max(n_waves - 1, 1)  # 0 in the first wave, 1 in the last
        others = edges[(edges != hub).all(axis=1)]
        dropped = rng.random(len(others)) < 0.75 * share
        kept = np.concatenate([edges[(edges == hub).any(axis=1)], others[~dropped]])
        spokes = [(hub, int(v)) for v in range(n) if v != hub and rng.random() < 0.15 + 0.8 * share]
        return _add(kept, spokes)
    raise UnknownNameError("error.name.problem", name=problem, accepted=list(PROBLEMS),
                           heading="error.name.heading.problems")


def _repair_within(edges: np.ndarray, n: int, members: np.ndarray, types: np.ndarray,
                   rng: np.random.Generator, *, anchor: int | None = None) -> np.ndarray:
    """:func:`_repair` on the subnetwork of ``members`` (plus ``anchor``), ties added inside it only."""
    keep = np.concatenate([members, [anchor]]) if anchor is not None else members
    position = np.full(n, -1)
    position[keep] = np.arange(len(keep))
    inside = (position[edges] >= 0).all(axis=1)
    sub = position[edges[inside]]
    repaired = _repair(sub, len(keep), types[keep], rng)
    return _unique(np.concatenate([edges[~inside], keep[repaired]]))


def _actor_table(types: np.ndarray, place: str, rng: np.random.Generator) -> pd.DataFrame:
    ids, names = [], []
    seen: dict[str, int] = {}
    for t in COHORT_TYPES:
        count = int(np.sum(types == t))
        templates = _NAMES[t]
        for k in range(count):
            template = templates[k % len(templates)] if k < len(templates) else templates[
                int(rng.integers(len(templates)))]
            name = template.format(p=place, q=_QUARTERS[int(rng.integers(len(_QUARTERS)))])
            seen[name] = seen.get(name, 0) + 1
            names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
            ids.append(f"{_PREFIX[t]}{k + 1:02d}")
    paid = np.where(np.isin(types, ("initiative", "refugee", "association")),
                    rng.poisson(0.3, len(types)), rng.poisson(4, len(types)) + 1)
    volunteers = np.where(np.isin(types, ("public", "municipality", "employment")),
                          rng.poisson(1, len(types)), rng.poisson(15, len(types)))
    # Object columns of Python values: what netz's validation makes of them.
    return pd.DataFrame({"id": _objects(ids), "name": _objects(names), "type": pd.array(types, dtype="str"),
                         "paid_staff": _objects(paid.tolist()), "volunteers": _objects(volunteers.tolist()),
                         "synthetic": _objects(["true"] * len(types))})


def _objects(values: Sequence[object] | np.ndarray) -> pd.Series:
    """A column of plain Python values (pandas would otherwise infer its string type)."""
    return pd.Series(values, dtype=object)


def _tie_table(waves: list[np.ndarray], spec: AllianceSpec, ids: np.ndarray, types: np.ndarray,
               rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for label, edges in zip(spec.waves, waves, strict=True):
        u, v = edges[:, 0], edges[:, 1]
        if spec.directed:
            # Survey answers: a tie is named by both sides (45 %) or by one of them. In a healthy
            # alliance refugee organisations are partners who name their partners too.
            both = rng.random(len(edges)) < 0.45
            if spec.problem is None:
                both |= (types[edges] == "refugee").any(axis=1)
            flip = rng.random(len(edges)) < 0.5
            a, b = np.where(flip, v, u), np.where(flip, u, v)
            u, v = np.concatenate([a, b[both]]), np.concatenate([b, a[both]])
        frames.append(pd.DataFrame({
            "source": _objects(ids[u]), "target": _objects(ids[v]),
            "weight": rng.choice([1.0, 2.0, 3.0], size=len(u), p=[0.5, 0.3, 0.2]),
            "kind": _objects(rng.choice(np.array(_KINDS, dtype=object), size=len(u))),
            "wave": _objects([label] * len(u)), "synthetic": _objects(["true"] * len(u)),
        }))
    return pd.concat(frames, ignore_index=True)


# -- the demo cohort -----------------------------------------------------------

_PLACES = (
    "Falkenbrunn", "Birkenweiler", "Eichenstetten", "Rosenhall", "Kesselbach", "Lerchenfeld",
    "Wiesenau", "Hohenquell", "Tannhausen", "Mühlbrück", "Steinwalden", "Ahornried", "Bergheide",
    "Fuchsstetten", "Holderbach", "Kranichsee", "Lindenquell", "Moosbrunn", "Nesselfeld",
    "Ottersbühl", "Pappelhof", "Quellental", "Rabenau am Forst", "Schwanenried", "Ulmenhagen",
    "Veilchenau", "Weidenbrück", "Zedernheim", "Buchenstadt", "Erlenbach am Hang",
)
_LANDS = (
    ("Baden-Württemberg", "Gemeinsam in Vielfalt", ("2016", "2017", "2018")),
    ("Hessen", "WIR – Wegweisende Integrationsansätze Realisieren", ("2017", "2018", "2019")),
    ("Nordrhein-Westfalen", "KOMM-AN NRW", ("2016", "2017", "2018")),
)
# (size class, problem) of the demo cohort's alliances, in order; 8 of 30 carry a problem.
_DEMO_PLAN: tuple[tuple[str, str | None], ...] = (
    ("small", "isolated_refugee_organisation"), ("medium", "single_bridging_municipality"),
    ("medium", "church_cluster_apart"), ("large", "centralising"),
    ("medium", "isolated_refugee_organisation"), ("small", "single_bridging_municipality"),
    ("large", "church_cluster_apart"), ("small", "centralising"),
    *[(size, None) for size in ("small", "medium", "large", "small", "medium", "small", "medium",
                                "medium", "small", "large", "small", "medium", "small", "medium",
                                "large", "small", "medium", "small", "medium", "medium", "small",
                                "large")],
)
_SIZES = {"small": (15, 29), "medium": (30, 99), "large": (100, 300)}


def demo_specs(count: int = 30, *, seed: int = 2016) -> list[AllianceSpec]:
    """The specifications of the demo cohort: ``count`` alliances, 8 of them with a problem.

    Sizes follow the size classes of :mod:`netz.cohort.compare` (small 15–29, medium
    30–99, large 100–300 actors); large ones are cities or districts funded with
    30,000–50,000 EUR, the others towns with typically 15,000 EUR. Every third
    healthy alliance has two waves instead of three; four healthy ones are
    directed survey networks.
    """
    rng = np.random.default_rng(seed)
    plan = [_DEMO_PLAN[i % len(_DEMO_PLAN)] for i in range(count)]
    specs = []
    for i, (size, problem) in enumerate(plan):
        low, high = _SIZES[size]
        land, programme, all_waves = _LANDS[i % len(_LANDS)]
        waves: tuple[str, ...] = all_waves
        place = _PLACES[i % len(_PLACES)] + (f" {i // len(_PLACES) + 1}" if i >= len(_PLACES) else "")
        healthy_index = i - sum(1 for s, p in plan[:i] if p is not None)
        if problem is None and healthy_index % 3 == 2:
            waves = waves[1:]
        n = int(np.exp(rng.uniform(np.log(low), np.log(high + 1)))) if size == "large" else int(
            rng.integers(low, high + 1))
        kind = "district" if size == "large" and i % 2 else "city" if size == "large" else "town"
        region = {"district": f"Landkreis {place} (fiktiv)", "city": f"Stadt {place} (fiktiv)",
                  "town": f"Gemeinde {place} (fiktiv)"}[kind]
        funding = int(rng.choice([30_000, 40_000, 50_000])) if kind != "town" else 15_000
        meta = (("name", f"Bündnis für Geflüchtete {place} (synthetisch)"), ("region", region),
                ("land", land), ("programme", programme), ("funding", funding),
                ("founded", int(rng.choice([2015, 2016]))))
        specs.append(AllianceSpec(
            slug=_slug(place), place=place, n_actors=n, mean_degree=round(float(rng.uniform(4.0, 7.0)), 2),
            waves=waves, problem=problem, directed=problem is None and healthy_index % 6 == 5,
            seed=int(rng.integers(2**31)), meta=meta,
        ))
    return specs


def random_specs(count: int, *, seed: int = 0, sizes: tuple[int, int] = (15, 300),
                 waves: tuple[str, ...] = ("2018",)) -> list[AllianceSpec]:
    """Healthy alliances of log-uniform size in ``sizes`` (inclusive), e.g. for benchmarks.

    >>> [s.n_actors for s in random_specs(3, seed=1)]
    [69, 40, 57]
    """
    low, high = sizes
    specs = []
    for i in range(count):
        # One generator per alliance, so the first k specs do not depend on count.
        rng = np.random.default_rng([seed, i])
        n = int(np.exp(rng.uniform(np.log(low), np.log(high + 1))))
        specs.append(AllianceSpec(f"a{i:05d}", f"Ort {i}", n, float(rng.uniform(4.0, 7.0)), waves,
                                  seed=int(rng.integers(2**31)),
                                  meta=(("name", f"Synthetisches Bündnis {i}"),)))
    return specs


def demo_cohort(count: int = 30, *, seed: int = 2016) -> dict[str, Alliance]:
    """The demo cohort as alliances keyed by slug (see :func:`demo_specs`)."""
    return {spec.slug: generate_alliance(spec) for spec in demo_specs(count, seed=seed)}


def write_cohort(alliances: dict[str, Alliance], folder: str | Path) -> list[Path]:
    """Write each alliance into ``folder/<slug>/`` (alliance.json, actors.csv, ties.csv)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [write(alliance, folder / slug, format="folder") for slug, alliance in alliances.items()]


def _slug(place: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"})
    return place.lower().translate(table)

"""The network health scorecard: a few indicators a coordinator can read at a glance.

Each indicator has a ``value``, a ``band`` (``good``, ``watch`` or ``concern``)
and a finding (a ``health.*`` message of :mod:`netz.messages` and its parameters) that
:func:`explain` words in German or English. The band limits are **conventions**
chosen for local alliances of 15–300 actors, not findings of the literature
(except where the docstring of a rule says otherwise); they live in
:class:`Bands` so that a user can set their own. ``docs/metrics.md`` gives the
reasoning for each.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from netz.analysis._overrides import with_overrides
from netz.analysis.gaps import CORE_TYPES
from netz.core.graph import actor_ids
from netz.core.metrics._base import edge_array, group_labels
from netz.core.metrics.structure import largest_component_share, reciprocity
from netz.core.vocabulary import fold
from netz.messages import LANGUAGES, message, number, percent

__all__ = ["INDICATORS", "POOLED_META", "Bands", "Indicator", "about", "explain", "health"]

INDICATORS = (
    "connectedness",
    "cohesion",
    "cross_sector_integration",
    "dependence_on_single_actors",
    "refugee_participation",
    "reciprocity",
    "trust",
    "value",
    "data_quality",
)
#: The finding of an indicator that is undefined because the alliance has no actors yet.
_NO_ACTORS: tuple[str, dict[str, Any]] = ("no_actors", {})
#: The metadata key of a de-identified alliance (:func:`netz.analysis.privacy.deidentify`) that says
#: its rare types were pooled into ``other`` for privacy: whoever reads its scorecard cannot give
#: those actors a type, so the finding says why they are there instead of asking for their type.
POOLED_META = "types_pooled"
#: Tie columns read as PARTNER-style ratings (Varda et al. 2012): trust in, and value of, a partner.
RATING_COLUMNS = {
    "trust": ("trust", "vertrauen"),
    "value": ("value", "wert", "nutzen", "mehrwert"),
}


@dataclass(frozen=True)
class Bands:
    """Limits between good / watch / concern for each indicator ("higher is better" unless said)."""

    connectedness_good: float = 0.90
    connectedness_watch: float = 0.75
    cohesion_good: float = 4.0
    cohesion_watch: float = 2.0
    cross_sector_good: float = 0.80
    cross_sector_watch: float = 0.50
    #: lower is better: the largest share of all betweenness one actor holds
    dependence_good: float = 0.25
    dependence_watch: float = 0.50
    refugee_good: float = 0.75
    refugee_watch: float = 0.40
    reciprocity_good: float = 0.50
    reciprocity_watch: float = 0.30
    rating_good: float = 0.75
    rating_watch: float = 0.50
    #: the survey's response rate (Borgatti, Carley & Krackhardt 2006; see docs/metrics.md)
    response_good: float = 0.80
    response_watch: float = 0.50

    def updated(self, **overrides: Any) -> Bands:
        """A copy with some values changed (see :func:`netz.analysis._overrides.with_overrides`)."""
        return with_overrides(self, overrides)


@dataclass(frozen=True)
class Indicator:
    """One indicator: its value and band, and what to say about it as a catalogue key.

    ``message`` and ``params`` are the finding (``health.*`` of :mod:`netz.messages`), ``limits``
    the key of the sentence that states the band limits, ``note`` the key of a remark on the
    finding that depends on who reads it (``health.untyped``: fill in the types of the actors in
    ``other``; ``health.untyped_pooled``: rare types are pooled there for privacy), with the
    finding's parameters; :func:`explain` words them. :func:`about` says what the indicator
    measures and its limits without the finding (which may name an actor), for funders.
    """

    indicator: str
    value: float | None
    band: str
    message: str
    params: dict[str, Any]
    limits: str
    note: str | None = None

    @property
    def explanation(self) -> dict[str, str]:
        """The explanation in every language of the catalogue."""
        return {lang: explain(self, lang) for lang in LANGUAGES}

    @property
    def description(self) -> dict[str, str]:
        """What the indicator measures and its band limits (:func:`about`), in every language."""
        return {lang: about(self, lang) for lang in LANGUAGES}

    def to_dict(self) -> dict[str, Any]:
        """The indicator as JSON: the finding and its note, its explanation and its description
        in every language."""
        return {"indicator": self.indicator, "value": self.value, "band": self.band,
                "message": self.message, "params": _json_params(self.params), "note": self.note,
                "explanation": self.explanation, "description": self.description}


def _json_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as JSON values (numbers rounded as the values are)."""
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in params.items()}


def health(
    g: ig.Graph,
    metrics: pd.DataFrame,
    ties: pd.DataFrame | None = None,
    *,
    group_by: str = "type",
    bands: Bands | None = None,
    response: tuple[int, int] | None = None,
    types_pooled: bool = False,
) -> list[Indicator]:
    """The scorecard of one network.

    Parameters
    ----------
    g
        The alliance's graph (:func:`netz.core.graph.to_igraph`).
    metrics
        Per-actor metrics indexed by actor id, with ``degree``, ``in_degree``,
        ``out_degree`` and ``betweenness``.
    ties
        The alliance's tie table, for trust and value ratings when it has them.
    group_by
        The grouping for cross-sector integration.
    bands
        Band limits; :class:`Bands`.
    response
        When the ties came from a survey: ``(answered, asked)``, how many actors of its roster
        answered (:func:`netz.analysis.survey.wave_response`); ``None`` for data that did not.
    types_pooled
        Whether rare types were pooled into ``other`` for privacy (a de-identified alliance,
        :data:`POOLED_META`): the note on actors of type ``other`` then says so, rather than
        asking the reader to fill in their types, which only the coordinator can.

    Notes
    -----
    An undefined value is ``None`` (``null`` in JSON) and rated ``watch``: there is nothing to
    praise or to worry about yet. An alliance without actors or ties (just created) gets the
    scorecard too, never an error.

    The indicators, in this order (*n* actors; ties counted once per pair, direction
    ignored, unless said):

    ``connectedness``
        Share of actors in the largest (weakly) connected part; ``None`` without actors.
    ``cohesion``
        Mean number of partners, 2m/n — unlike density, comparable across sizes; ``None``
        without actors.
    ``cross_sector_integration``
        Share of the pairs of core types present (``CORE_TYPES``; all groups when
        grouping by another attribute) with at least one tie between them;
        ``None`` (band ``watch``) with fewer than two such groups. Actors of type
        ``other`` belong to no sector; their number is the finding's ``untyped``.
    ``dependence_on_single_actors``
        Largest share of the summed betweenness held by one actor (lower is
        better); ``None`` for fewer than three actors, 0 when nobody is between others.
    ``refugee_participation``
        Share of refugee organisations in the main part with at least two partners
        (directed: and naming at least one partner themselves); 0 when there is none.
    ``reciprocity``
        Directed alliances only: share of ties returned, 2M/(2M + A) for M mutual
        and A one-sided pairs (networkx's ``overall_reciprocity``).
    ``trust``, ``value``
        Only when the tie table has a rating column (``trust``/``vertrauen``;
        ``value``/``wert``/``nutzen``/``mehrwert``, any case): the mean answer
        placed on the scale, (mean − low)/(top − low). PARTNER asks on a four-point
        scale (Varda & Retrum 2012), many surveys on five points: *top* is 4 when no
        answer exceeds 4, 5 when none exceeds 5, else the largest answer; *low* is 1,
        or 0 when some answer is below 1. Answers that are not numbers are ignored.
    ``data_quality``
        Only when ``response`` is given: the survey's response rate, answered/asked. Figures
        that depend on few paths (betweenness, centralization, cut points) change most when
        actors' answers are missing (Borgatti, Carley & Krackhardt 2006), so a low rate says
        how far to trust the rest of the scorecard. Absent for data that is not from a survey.

    References
    ----------
    Varda, D. M., & Retrum, J. H. (2012). An exploratory analysis of network
    characteristics and quality of interactions among public health collaboratives.
    *Journal of Public Health Research* 1(2), 170–176. https://doi.org/10.4081/jphr.2012.e27

    Borgatti, S. P., Carley, K. M., & Krackhardt, D. (2006). On the robustness of centrality
    measures under conditions of imperfect data. *Social Networks* 28(2), 124–136.
    https://doi.org/10.1016/j.socnet.2005.05.001
    """
    bands = bands or Bands()
    metrics = metrics.reindex(actor_ids(g))
    return list(_indicators(g, metrics, ties, group_by, bands, response, types_pooled))


def _indicators(g: ig.Graph, metrics: pd.DataFrame, ties: pd.DataFrame | None, group_by: str,
                b: Bands, response: tuple[int, int] | None, types_pooled: bool) -> Iterator[Indicator]:
    n = g.vcount()
    share = largest_component_share(g)
    yield _rated("connectedness", share, b.connectedness_good, b.connectedness_watch,
                 *(("connectedness", {"share": share}) if n else _NO_ACTORS))

    undirected = g.as_undirected(mode="collapse") if g.is_directed() else g
    mean_partners = 2 * undirected.ecount() / n if n else None
    yield _rated("cohesion", mean_partners, b.cohesion_good, b.cohesion_watch,
                 *(("cohesion", {"partners": mean_partners}) if n else _NO_ACTORS), limits="number")

    linked, pairs = _linked_group_pairs(undirected, group_by)
    integration = linked / pairs if pairs else None
    which = "core" if group_by == "type" else "groups"
    sectors: dict[str, Any] = {"linked": linked, "pairs": pairs, "group_by": group_by}
    # Actors of type "other" (an empty or unknown type read as "other") belong to no sector:
    # the finding says how many, so that the coordinator can fill in their type; in a
    # de-identified alliance it says that rare types are pooled there, which nobody should undo.
    untyped = int(np.sum(np.asarray(g.vs["type"] if n else []) == "other"))
    note = None
    if group_by == "type" and untyped:
        sectors["untyped"] = untyped
        note = "health.untyped_pooled" if types_pooled else "health.untyped"
    yield replace(_rated("cross_sector_integration", integration, b.cross_sector_good, b.cross_sector_watch,
                         f"cross_sector.{which}" if pairs else "cross_sector.too_few", sectors), note=note)

    betweenness = metrics["betweenness"].fillna(0.0)
    total = float(betweenness.sum())
    top = float(betweenness.max()) / total if total > 0 else 0.0
    holder = str(g.vs[int(np.argmax(betweenness.to_numpy()))]["label"]) if total > 0 else ""
    case = "too_small" if n < 3 else "nobody" if total <= 0 else "holder"
    yield _rated("dependence_on_single_actors", top if n >= 3 else None, b.dependence_good,
                 b.dependence_watch, f"dependence.{case}", {"share": top, "holder": holder},
                 higher_is_better=False)

    yield _refugee_participation(g, undirected, metrics, b)

    if g.is_directed():
        returned = reciprocity(g)  # the share of ties that are returned
        yield _rated("reciprocity", returned, b.reciprocity_good, b.reciprocity_watch, "reciprocity",
                     {"share": returned})

    for indicator, (score, mean, low, top_answer) in _ratings(ties):
        yield _rated(indicator, score, b.rating_good, b.rating_watch, f"rating.{indicator}",
                     {"mean": mean, "low": low, "top": top_answer, "share": score})

    if response is not None:
        answered, asked = response
        rate = answered / asked if asked else None
        yield _rated("data_quality", rate, b.response_good, b.response_watch, "data_quality",
                     {"answered": answered, "asked": asked, "share": rate})


def _refugee_participation(g: ig.Graph, undirected: ig.Graph, metrics: pd.DataFrame, b: Bands) -> Indicator:
    types = np.asarray(g.vs["type"])
    refugees = np.flatnonzero(types == "refugee")
    if not len(refugees):
        return _rated("refugee_participation", 0.0, b.refugee_good, b.refugee_watch, "refugee.none", {})
    components = undirected.connected_components()
    main = int(np.argmax(components.sizes()))
    membership = np.asarray(components.membership)
    partners = np.asarray(undirected.degree())
    names_someone = (metrics["out_degree"].to_numpy() > 0) if g.is_directed() else np.ones(len(types), bool)
    active = (membership[refugees] == main) & (partners[refugees] >= 2) & names_someone[refugees]
    share = float(active.mean())
    return _rated("refugee_participation", share, b.refugee_good, b.refugee_watch,
                  "refugee.directed" if g.is_directed() else "refugee.linked",
                  {"active": int(active.sum()), "refugees": len(refugees)})


def _linked_group_pairs(undirected: ig.Graph, group_by: str) -> tuple[int, int]:
    """How many pairs of (core) groups share at least one tie, and how many pairs there are."""
    labels = group_labels(undirected, group_by).to_numpy()
    present = sorted(set(labels))
    if group_by == "type":
        present = [t for t in present if t in CORE_TYPES]
    pairs = len(present) * (len(present) - 1) // 2
    edges = edge_array(undirected)
    if not pairs or not len(edges):
        return 0, pairs
    codes = pd.Index(present).get_indexer(labels)  # -1: a group not counted
    a, c = codes[edges[:, 0]], codes[edges[:, 1]]
    between = (a >= 0) & (c >= 0) & (a != c)
    linked = np.unique(np.minimum(a, c)[between] * len(present) + np.maximum(a, c)[between])
    return len(linked), pairs


def _ratings(ties: pd.DataFrame | None) -> Iterator[tuple[str, tuple[float, float, float, float]]]:
    """Per rating indicator: (score in [0, 1], mean answer, lowest and highest step of the scale)."""
    if ties is None:
        return
    columns = {fold(str(c)): c for c in ties.columns}
    for indicator, names in RATING_COLUMNS.items():
        column = next((columns[n] for n in names if n in columns), None)
        if column is None:
            continue
        values = pd.to_numeric(ties[column], errors="coerce").dropna()
        if values.empty:
            continue
        # PARTNER rates on 1..4; surveys often use 1..5. The scale is the smallest of these
        # that holds every answer (else the largest answer given); it starts at 0 when some
        # answer is below 1 (a 0..4 or 0..10 scale).
        top = float(values.max())
        scale = 4.0 if top <= 4 else 5.0 if top <= 5 else top
        low = 0.0 if float(values.min()) < 1 else 1.0
        mean = float(values.mean())
        yield indicator, ((mean - low) / (scale - low), mean, low, scale)


def _rated(name: str, value: float | None, good: float, watch: float, message: str,
           params: dict[str, Any], *, higher_is_better: bool = True,
           limits: str = "share") -> Indicator:
    """An indicator with its band, the finding behind its explanation, and the band limits.

    The band is decided on the value as reported (rounded to six places), so that a
    reported value and its band never disagree (4/3 is reported as 1.333333; a limit set
    to that figure must rate it "good"). ``limits`` says how the limits are written
    (``share`` as a percentage, ``number`` as a number).
    """
    value = None if value is None else round(float(value), 6)
    if value is None:
        band = "watch"
    elif higher_is_better:
        band = "good" if value >= good else "watch" if value >= watch else "concern"
    else:
        band = "good" if value < good else "watch" if value < watch else "concern"
    params = {**params, "good": good, "watch": watch}
    return Indicator(name, value, band, f"health.{message}", params,
                     f"health.limits.{'higher' if higher_is_better else 'lower'}.{limits}")


def explain(indicator: Indicator, lang: str = "de") -> str:
    """The indicator's explanation and band limits in plain words, from the message catalogue.

    Shares are written as percentages, other numbers with one decimal in the language's style.
    """
    params = {name: _written(name, value, lang) for name, value in indicator.params.items()}
    limits = indicator.limits
    if limits.endswith(".share"):
        params.update({name: percent(indicator.params[name], lang) for name in ("good", "watch")})
    note = f" {message(indicator.note, lang, n=params['untyped'])}" if indicator.note else ""
    return f"{message(indicator.message, lang, **params)}{note} {message(limits, lang, **params)}"


def about(indicator: Indicator, lang: str = "de") -> str:
    """What the indicator measures, whether a high value is good, and its band limits, in plain
    words — without the finding, which may name an actor (``health.about.*`` of the catalogue).
    """
    good, watch = indicator.params["good"], indicator.params["watch"]
    if indicator.limits.endswith(".share"):
        limits = {"good": percent(good, lang), "watch": percent(watch, lang)}
    else:
        limits = {"good": number(good, lang), "watch": number(watch, lang)}
    measured = message(f"health.about.{indicator.indicator}", lang)
    return f"{measured} {message(indicator.limits, lang, **limits)}"


def _written(name: str, value: Any, lang: str) -> str:
    if name == "share":
        return percent(value, lang)
    if name in ("low", "top"):  # a rating scale's ends: "1 bis 5", or "0,5" where it has halves
        return number(value, lang, 1, fixed=False)
    if isinstance(value, float) or value is None:
        return number(value, lang)
    return str(value)

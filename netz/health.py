"""The network health scorecard: a few indicators a coordinator can read at a glance.

Each indicator has a ``value``, a ``band`` (``good``, ``watch`` or ``concern``)
and an explanation in German and English. The band limits are **conventions**
chosen for local alliances of 15–300 actors, not findings of the literature
(except where the docstring of a rule says otherwise); they live in
:class:`Bands` so that a user can set their own. ``docs/metrics.md`` gives the
reasoning for each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from netz._overrides import with_overrides
from netz.gaps import CORE_TYPES
from netz.graph import actor_ids
from netz.metrics._base import edge_array, group_labels
from netz.metrics.structure import largest_component_share, reciprocity
from netz.vocabulary import fold

__all__ = ["INDICATORS", "Bands", "Indicator", "health"]

INDICATORS = (
    "connectedness",
    "cohesion",
    "cross_sector_integration",
    "dependence_on_single_actors",
    "refugee_participation",
    "reciprocity",
    "trust",
    "value",
)
#: The explanation of an indicator that is undefined because the alliance has no actors yet.
_NO_ACTORS = ("Das Bündnis hat noch keine Akteure; der Wert ist nicht bestimmbar.",
              "The alliance has no actors yet; the value is undefined.")
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

    def updated(self, **overrides: Any) -> Bands:
        """A copy with some values changed (see :func:`netz._overrides.with_overrides`)."""
        return with_overrides(self, overrides)


@dataclass(frozen=True)
class Indicator:
    indicator: str
    value: float | None
    band: str
    explanation: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def health(
    g: ig.Graph,
    metrics: pd.DataFrame,
    ties: pd.DataFrame | None = None,
    *,
    group_by: str = "type",
    bands: Bands | None = None,
) -> list[Indicator]:
    """The scorecard of one network.

    Parameters
    ----------
    g
        The alliance's graph (:func:`netz.graph.to_igraph`).
    metrics
        Per-actor metrics indexed by actor id, with ``degree``, ``in_degree``,
        ``out_degree`` and ``betweenness``.
    ties
        The alliance's tie table, for trust and value ratings when it has them.
    group_by
        The grouping for cross-sector integration.
    bands
        Band limits; :class:`Bands`.

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
        ``None`` (band ``watch``) with fewer than two such groups.
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

    References
    ----------
    Varda, D. M., & Retrum, J. H. (2012). An exploratory analysis of network
    characteristics and quality of interactions among public health collaboratives.
    *Journal of Public Health Research* 1(2), 170–176. https://doi.org/10.4081/jphr.2012.e27
    """
    bands = bands or Bands()
    metrics = metrics.reindex(actor_ids(g))
    return list(_indicators(g, metrics, ties, group_by, bands))


def _indicators(g: ig.Graph, metrics: pd.DataFrame, ties: pd.DataFrame | None, group_by: str,
                b: Bands) -> Iterator[Indicator]:
    n = g.vcount()
    share = largest_component_share(g)
    yield _rated("connectedness", share, b.connectedness_good, b.connectedness_watch, (
        f"{_pct(share)} der Akteure gehören zum zusammenhängenden Hauptteil des Netzwerks; "
        "die übrigen sind von ihm aus über keine Kette von Kooperationen erreichbar.",
        f"{_pct(share)} of the actors belong to the network's connected main part; "
        "the others cannot be reached from it through any chain of cooperations.") if n else _NO_ACTORS)

    undirected = g.as_undirected(mode="collapse") if g.is_directed() else g
    mean_partners = 2 * undirected.ecount() / n if n else None
    yield _rated("cohesion", mean_partners, b.cohesion_good, b.cohesion_watch, (
        f"Ein Akteur arbeitet im Mittel mit {_num(mean_partners)} Partnern zusammen. Anders als der "
        "Anteil aller möglichen Kooperationen lässt sich diese Zahl zwischen kleinen und großen "
        "Bündnissen vergleichen.",
        f"An actor works with {_num(mean_partners, 'en')} partners on average. Unlike the share of all "
        "possible ties, this figure can be compared between small and large alliances.") if n else _NO_ACTORS,
        limits=_num)

    linked, pairs = _linked_group_pairs(undirected, group_by)
    integration = linked / pairs if pairs else None
    if group_by == "type":
        which = ("der Kernbereiche (Initiativen, Kirchen, Wohlfahrtsverbände, Kommune, Geflüchtete)",
                 "of core sectors (initiatives, churches, welfare, municipality, refugees)")
    else:
        which = (f"von Gruppen (nach „{group_by}“)", f"of groups (by '{group_by}')")
    yield _rated("cross_sector_integration", integration, b.cross_sector_good, b.cross_sector_watch, (
        f"{linked} von {pairs} Paaren {which[0]}, die im Bündnis vertreten sind, arbeiten mindestens "
        "einmal zusammen." if pairs else
        "Weniger als zwei dieser Bereiche sind vertreten; die Zusammenarbeit zwischen ihnen lässt sich "
        "nicht beurteilen.",
        f"{linked} of {pairs} pairs {which[1]} present in the alliance cooperate at least once."
        if pairs else
        "Fewer than two of these sectors are present; cooperation between them cannot be judged."))

    betweenness = metrics["betweenness"].fillna(0.0)
    total = float(betweenness.sum())
    top = float(betweenness.max()) / total if total > 0 else 0.0
    holder = str(g.vs[int(np.argmax(betweenness.to_numpy()))]["label"]) if total > 0 else ""
    if n < 3:
        text = ("Mit weniger als drei Akteuren gibt es nichts zu vermitteln.",
                "With fewer than three actors there is nothing to go between.")
    elif total <= 0:
        text = ("Niemand vermittelt: Wer einander erreichen kann, arbeitet direkt zusammen.",
                "Nobody goes between others: whoever can reach each other works together directly.")
    else:
        text = (f"Wo Partner einander nur über Dritte erreichen, läuft {_pct(top)} dieser Vermittlung "
                f"über {holder}. Je höher dieser Anteil, desto mehr hängt das Bündnis an einem "
                "einzigen Akteur.",
                f"Where partners reach each other only through others, {_pct(top)} of this go-between "
                f"work runs through {holder}. The higher this share, the more the alliance depends on "
                "a single actor.")
    yield _rated("dependence_on_single_actors", top if n >= 3 else None, b.dependence_good,
                 b.dependence_watch, text, higher_is_better=False)

    yield _refugee_participation(g, undirected, metrics, b)

    if g.is_directed():
        returned = reciprocity(g)  # the share of ties that are returned
        yield _rated("reciprocity", returned, b.reciprocity_good, b.reciprocity_watch, (
            f"{_pct(returned)} der Nennungen werden vom genannten Partner erwidert: Beide Seiten "
            "sehen die Zusammenarbeit.",
            f"{_pct(returned)} of the ties are returned by the partner named: both sides see the "
            "cooperation."))

    for indicator, (score, mean, low, top_answer) in _ratings(ties):
        de_what, en_what = {"trust": ("ihr Vertrauen zueinander", "their trust in each other"),
                            "value": ("den Nutzen der Zusammenarbeit", "the value of working together")
                            }[indicator]
        yield _rated(indicator, score, b.rating_good, b.rating_watch, (
            f"Die Partner bewerten {de_what} im Mittel mit {_num(mean)} auf einer Skala von "
            f"{low:g} bis {top_answer:g}, also bei {_pct(score)} des Wegs von der niedrigsten zur "
            "höchsten Stufe (wie im PARTNER-Werkzeug).",
            f"Partners rate {en_what} {_num(mean, 'en')} on average on a scale from "
            f"{low:g} to {top_answer:g}, that is {_pct(score)} of the way from the lowest to the highest "
            "answer (as in the PARTNER tool)."))


def _refugee_participation(g: ig.Graph, undirected: ig.Graph, metrics: pd.DataFrame, b: Bands) -> Indicator:
    types = np.asarray(g.vs["type"])
    refugees = np.flatnonzero(types == "refugee")
    if not len(refugees):
        return _rated("refugee_participation", 0.0, b.refugee_good, b.refugee_watch, (
            "Keine Organisation von Geflüchteten ist Mitglied des Bündnisses.",
            "No refugee organisation is a member of the alliance."))
    components = undirected.connected_components()
    main = int(np.argmax(components.sizes()))
    membership = np.asarray(components.membership)
    partners = np.asarray(undirected.degree())
    names_someone = (metrics["out_degree"].to_numpy() > 0) if g.is_directed() else np.ones(len(types), bool)
    active = (membership[refugees] == main) & (partners[refugees] >= 2) & names_someone[refugees]
    share = float(active.mean())
    return _rated("refugee_participation", share, b.refugee_good, b.refugee_watch, (
        f"{int(active.sum())} von {len(refugees)} Organisationen von Geflüchteten sind mit mindestens "
        "zwei Partnern im Hauptteil des Netzwerks eingebunden"
        + (" und nennen selbst Partner." if g.is_directed() else "."),
        f"{int(active.sum())} of {len(refugees)} refugee organisations are linked to at least two "
        "partners in the network's main part" + (" and name partners themselves." if g.is_directed()
                                                 else ".")))


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


def _rated(name: str, value: float | None, good: float, watch: float, text: tuple[str, str],
           *, higher_is_better: bool = True,
           limits: Callable[[float | None, str], str] | None = None) -> Indicator:
    """An indicator with its band, and the band limits said after its explanation.

    The band is decided on the value as reported (rounded to six places), so that a
    reported value and its band never disagree (4/3 is reported as 1.333333; a limit set
    to that figure must rate it "good").
    """
    value = None if value is None else round(float(value), 6)
    if value is None:
        band = "watch"
    elif higher_is_better:
        band = "good" if value >= good else "watch" if value >= watch else "concern"
    else:
        band = "good" if value < good else "watch" if value < watch else "concern"
    show = limits or (lambda v, lang: _pct(v))
    if higher_is_better:
        said = (f" Gut ab {show(good, 'de')}, bedenklich unter {show(watch, 'de')}.",
                f" Good from {show(good, 'en')}, a concern below {show(watch, 'en')}.")
    else:
        said = (f" Gut unter {show(good, 'de')}, bedenklich ab {show(watch, 'de')}.",
                f" Good below {show(good, 'en')}, a concern from {show(watch, 'en')}.")
    return Indicator(name, value, band, {"de": text[0] + said[0], "en": text[1] + said[1]})


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _num(value: float | None, lang: str = "de") -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "de" else text

"""De-identified alliances: what researchers and funders analyse instead of the real one.

Researchers study many alliances without needing to know who the actors are, and funders see
network-level figures only. In a local alliance of twenty organisations a name is not the only
thing that identifies an actor: "the only municipality", "the initiative with 45 volunteers"
do too. :func:`deidentify` therefore applies these rules, with ``k`` the smallest group anyone
but a coordinator may see (``min_group``, default :data:`MIN_GROUP`):

1. **Pseudonyms.** Every actor's id and name become a code ``A-`` plus 16 hex digits (64 bits)
   of HMAC-SHA-256 over the alliance's scope and the actor's id, with a secret key: the same
   actor has the same code in every report and wave, and the code cannot be turned back into
   a name without the key. Should two actors of one alliance get the same code, both get longer
   codes (:func:`pseudonyms`): two actors are never merged.
2. **Types.** A type with fewer than ``t`` actors in the alliance, or in any of its waves,
   becomes ``other``. Should ``other`` then hold fewer than ``t`` actors (in the alliance or a
   wave), the smallest remaining type (the first in the vocabulary's order among equally small
   ones) joins it, until it does not or every actor is ``other``. ``t`` (``min_type_group``) is
   ``k`` unless said otherwise; the service gives researchers a smaller one.
3. **Numeric attributes** (numbers and yes/no values, e.g. volunteers) become quantile bands
   ``q1`` (lowest) … ``qB``: the most bands, at most :data:`MAX_BANDS`, in which every band holds
   at least ``k`` actors. Where not even two such bands exist the attribute is dropped. The
   labels carry no values; a missing value stays missing.
4. **Text attributes** (which may hold names or contact details) are dropped, for actors and ties.
5. **Metadata** is kept for the fields of :data:`SHARED_META` only (name, region, Land, …):
   any other key may hold free text (a contact person and her phone number, notes). Who answered
   a survey (:data:`netz.analysis.survey.RESPONSE_META`) is kept under the pseudonyms, for the
   figures made of it (the scorecard's response, a diff's unknown ties); :func:`shared_meta` is
   what a view then shows of the metadata, without it. The result says that its types are pooled
   (:data:`netz.analysis.health.POOLED_META`), so that its scorecard does not ask for types.

The ties, their weights and numeric tie attributes stay as they are.
:func:`check_grouping` says whether figures by group of an actor column would single out actors;
:func:`funders_report` is the analysis funders' figures are taken from.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from netz.analysis.health import POOLED_META
from netz.analysis.report import actors_by_group, analyse, select_wave, serialise, to_jsonable
from netz.analysis.survey import RESPONSE_META, respondents_renamed
from netz.core.errors import NetzError
from netz.core.graph import actor_ids
from netz.core.metrics.mixing import mixing_summary
from netz.core.model import Alliance, plain_value
from netz.core.vocabulary import ACTOR_TYPES

__all__ = [
    "MAX_BANDS",
    "MIN_GROUP",
    "PSEUDONYM_WIDTH",
    "SHARED_META",
    "PseudonymCollision",
    "SinglesOutActors",
    "bands",
    "check_grouping",
    "coarse_types",
    "deidentify",
    "funders_report",
    "pseudonym",
    "pseudonyms",
    "shared_meta",
]

#: The smallest group of actors whose figures a researcher's or funder's view may show (``k``).
MIN_GROUP = 5
#: At most this many bands per numeric attribute (quartiles).
MAX_BANDS = 4
#: Hex digits of a pseudonym (16: 64 bits).
PSEUDONYM_WIDTH = 16
#: Hex digits a colliding pseudonym is lengthened by, up to the whole digest (64).
_LENGTHEN_BY = 4
_DIGEST_WIDTH = 64
#: The alliance metadata researchers and funders see: what describes an alliance on their pages,
#: in the programme overview and in comparisons. Any other key (a contact, notes, whatever a
#: coordinator or a file put there) and what netz records there itself are left out of their views.
SHARED_META = ("name", "region", "land", "programme", "funding", "founded", "synthetic")


class PseudonymCollision(NetzError):
    """Two actors of one alliance would get the same pseudonym even at full length."""


class SinglesOutActors(NetzError):
    """Figures by group of this column would describe single actors (or very few): the reason's
    message key is ``privacy.*``."""


def pseudonym(key: bytes, scope: str, actor_id: str, *, width: int = PSEUDONYM_WIDTH) -> str:
    """A stable code for one actor within a scope (e.g. the alliance's id): ``width`` hex digits.

    >>> pseudonym(b"secret", "7", "hk")
    'A-ae81b3de3898a98f'
    """
    digest = hmac.new(key, f"{scope}\x1f{actor_id}".encode(), hashlib.sha256).hexdigest()
    return f"A-{digest[:width]}"


def pseudonyms(key: bytes, scope: str, actor_ids: Iterable[str], *,
               width: int = PSEUDONYM_WIDTH) -> dict[str, str]:
    """The pseudonym of each actor of one alliance, distinct for distinct actors.

    Actors whose codes coincide at ``width`` digits get codes 4 digits longer, again until no two
    coincide; every other actor keeps its code. The result depends only on the set of ids, not
    on their order. 64 bits make a coincidence unlikely (about 1 in 10^9 for 200,000 actors), but
    merging two actors silently would corrupt every figure, so it is checked.

    Raises
    ------
    PseudonymCollision
        If two ids have the same full digest (a collision of SHA-256).

    >>> codes = pseudonyms(b"secret", "7", [f"actor{i}" for i in range(40)], width=1)
    >>> len(set(codes.values())), min(len(c) for c in codes.values()) - 2
    (40, 1)
    """
    codes = {actor: pseudonym(key, scope, actor, width=width) for actor in dict.fromkeys(actor_ids)}
    while len(set(codes.values())) < len(codes):
        seen: dict[str, list[str]] = {}
        for actor, code in codes.items():
            seen.setdefault(code, []).append(actor)
        clashing = [actor for group in seen.values() if len(group) > 1 for actor in group]
        for actor in clashing:
            longer = len(codes[actor]) - 2 + _LENGTHEN_BY
            if longer > _DIGEST_WIDTH:
                raise PseudonymCollision("error.pseudonym_collision", scope=scope)
            codes[actor] = pseudonym(key, scope, actor, width=longer)
    return codes


def coarse_types(types: pd.Series, min_group: int = MIN_GROUP, *,
                 observed: Iterable[pd.Series] = ()) -> pd.Series:
    """The actor types with rare ones merged into ``other`` (rule 2 of the module).

    ``observed`` are boolean masks of the actors taking part in each wave: a type is kept only
    if it has no actor or at least ``min_group`` actors among all actors and in every wave, and
    so is ``other`` (the smallest kept types join it until it is), so that no wave's report shows
    a small type group.

    >>> coarse_types(pd.Series(["church"] * 5 + ["refugee"] * 2 + ["welfare"] * 4)).value_counts().to_dict()
    {'other': 6, 'church': 5}
    """
    masks = [pd.Series(True, index=types.index), *observed]
    counts = {str(t): int(n) for t, n in types.value_counts().items()}

    def small(group: set[str]) -> bool:
        in_group = types.isin(group)
        return any(0 < int((in_group & mask).sum()) < min_group for mask in masks)

    kept = sorted((t for t in counts if t != "other" and not small({t})),
                  key=lambda t: (counts[t], ACTOR_TYPES.index(t) if t in ACTOR_TYPES else len(ACTOR_TYPES)))
    merged = {t for t in counts if t not in kept}
    while small(merged | {"other"}) and kept:
        merged.add(kept.pop(0))
    return types.where(~types.isin(merged), "other")


def bands(values: pd.Series, min_group: int = MIN_GROUP) -> pd.Series | None:
    """A numeric column as quantile bands ``q1`` … ``qB`` of at least ``min_group`` actors each
    (rule 3 of the module); None when fewer than two such bands exist (drop the column).

    >>> bands(pd.Series([0, 1, 2, 3, 4, 10, 20, 30, 40, 45]), 5).tolist()
    ['q1', 'q1', 'q1', 'q1', 'q1', 'q2', 'q2', 'q2', 'q2', 'q2']
    >>> bands(pd.Series([0, 0, 0, 0, 45]), 2) is None
    True
    """
    numbers = pd.to_numeric(values.map(plain_value).astype(object), errors="coerce").astype(float)
    present = numbers.dropna()
    for count in range(min(MAX_BANDS, len(present) // max(min_group, 1)), 1, -1):
        cut = pd.qcut(present, count, labels=False, duplicates="drop")
        sizes = cut.value_counts()
        if len(sizes) > 1 and sizes.min() >= min_group:
            labels = pd.Series([None] * len(values), index=values.index, dtype=object)
            labels[present.index] = [f"q{int(i) + 1}" for i in cut.to_numpy()]
            return labels
    return None


def deidentify(alliance: Alliance, key: bytes, scope: str, *, min_group: int = MIN_GROUP,
               min_type_group: int | None = None, width: int = PSEUDONYM_WIDTH) -> Alliance:
    """The alliance as researchers and funders see it (the rules of this module).

    Parameters
    ----------
    alliance
        The alliance as stored.
    key, scope
        The secret pseudonym key and the alliance's scope (its id in the service).
    min_group
        ``k``: the smallest band kept (and type group, unless ``min_type_group`` says otherwise).
    min_type_group
        The smallest type group kept (default ``min_group``). Researchers get a smaller one than
        funders' ``k`` (``docs/privacy.md``): sector mixing is what they study.
    width
        Hex digits of a pseudonym (only tests need another than 16).
    """
    codes = pseudonyms(key, scope, alliance.actors["id"], width=width)
    actors = alliance.actors[["id", "name", "type"]].copy()
    actors["id"] = actors["id"].map(codes)
    actors["name"] = actors["id"]
    waves = [select_wave(alliance, wave)[0].actors["id"] for wave in alliance.waves]
    actors["type"] = coarse_types(actors["type"], min_group if min_type_group is None else min_type_group,
                                  observed=[alliance.actors["id"].isin(ids) for ids in waves])
    for column in alliance.actor_attributes:
        if _numeric(alliance.actors[column]):
            banded = bands(alliance.actors[column], min_group)
            if banded is not None:
                actors[column] = banded
    ties = alliance.ties.drop(columns=[c for c in alliance.tie_attributes if not _numeric(alliance.ties[c])])
    ties["source"] = ties["source"].map(codes)
    ties["target"] = ties["target"].map(codes)
    # the listed metadata, and who answered a survey under the same pseudonyms (rule 5)
    kept = {k: v for k, v in alliance.meta.items() if k in SHARED_META or k == RESPONSE_META}
    # the scorecard's note on "other" says that rare types are pooled there (rule 2)
    meta = {**respondents_renamed(kept, codes), POOLED_META: True}
    return Alliance(actors.reset_index(drop=True), ties.reset_index(drop=True),
                    alliance.directed, alliance.weighted, meta)


def shared_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata a researcher or a funder sees: the fields of :data:`SHARED_META`.

    >>> shared_meta({"name": "B", "kontakt": "Frau M., 0171 …", "survey_response": {}})
    {'name': 'B'}
    """
    return {k: v for k, v in meta.items() if k in SHARED_META}


def funders_report(alliance: Alliance, seen: Alliance, *, min_group: int = MIN_GROUP, group_by: str = "type",
                   wave: str | None = None, seed: int = 0) -> dict[str, Any]:
    """The report funders' figures are taken from: of the alliance as stored, grouped as ``seen``.

    A count or a score about the whole alliance identifies no actor, so the scorecard, the gaps
    and the network figures are those of the alliance *as stored*, with its real types: the
    refugee indicators and sector gaps a funder must see are what the coordinator sees. Figures
    *by group* (mixing, E–I by group, group sizes, block densities, actors by type) are those of
    the groups of ``seen``, the alliance de-identified with ``k`` for funders (:func:`deidentify`:
    the same actors in the same order, types of fewer than ``k`` actors pooled in ``other``,
    numeric attributes as bands, text dropped). Grouping by a column other than ``type`` uses
    ``seen``'s version of it throughout (bands; a dropped column cannot be grouped by), and only
    if it makes no group of fewer than ``min_group`` actors (:func:`check_grouping`).

    The result names real actors (its ``actors``, the gaps' and indicators' explanations): the
    caller keeps only the funders' fields (``api.reports.funder_view``). It costs one analysis:
    the mixing by pooled types is recomputed on the analysis's graph, which takes a pass over
    the ties.

    Raises
    ------
    SinglesOutActors
        If grouping by ``group_by`` would single out actors in ``seen``.
    """
    check_grouping(seen, group_by, min_group=min_group, wave=wave)
    actors = pd.concat([alliance.actors[["id", "name", "type"]].reset_index(drop=True),
                        seen.actors.drop(columns=["id", "name", "type"]).reset_index(drop=True)], axis=1)
    analysis = analyse(Alliance(actors, alliance.ties, alliance.directed, alliance.weighted, alliance.meta),
                       group_by=group_by, wave=wave, seed=seed)
    result = serialise(analysis)
    pooled = dict(zip(alliance.actors["id"], seen.actors["type"], strict=True))
    observed = analysis.alliance
    as_pooled = Alliance(observed.actors.assign(type=observed.actors["id"].map(pooled)), observed.ties,
                         observed.directed, observed.weighted, observed.meta)
    result["network"]["actors_by_type"] = actors_by_group(as_pooled, "type")
    if group_by == "type":
        graph = analysis.graph.copy()
        graph.vs["type"] = [pooled[actor] for actor in actor_ids(graph)]
        result["network"]["mixing"] = to_jsonable(mixing_summary(graph, group_by="type"))
    return result


def check_grouping(alliance: Alliance, column: str, *, min_group: int = MIN_GROUP,
                   wave: str | None = None) -> None:
    """Refuse figures by group of ``column`` that would describe single actors.

    Grouping by ``id`` or ``name`` makes every actor a group of its own; any other column is
    refused when, among the actors of the wave analysed, some group (actors without a value form
    one) holds fewer than ``min_group`` actors. A single group is the whole network and always
    allowed. A column the alliance does not have is left for the analysis to report.

    Raises
    ------
    SinglesOutActors
        With the reason (a ``privacy.*`` message), without naming the small group.
    """
    if column in ("id", "name"):
        raise SinglesOutActors("privacy.every_actor", column=column, min_group=min_group)
    if column not in alliance.actors.columns:
        return
    observed, _ = select_wave(alliance, wave)
    values = observed.actors[column].map(lambda v: "(none)" if plain_value(v) is None else str(v))
    sizes = values.value_counts()
    if len(sizes) > 1 and int(sizes.min()) < min_group:
        smallest = int(sizes.min())
        raise SinglesOutActors("privacy.small_group", column=column, smallest=smallest,
                               min_group=min_group)


def _numeric(values: pd.Series) -> bool:
    return all(isinstance(plain_value(v), int | float | np.bool_ | type(None)) for v in values)

"""Request and response bodies of the API.

Request bodies are checked before anything reaches the database, so that both databases take
what the schemas accept: no text holds a NUL character or a lone surrogate
(:mod:`api.textcheck`), and no text is longer
than the column that stores it (SQLite would store a longer one, PostgreSQL refuses it). The
lengths are read from the columns (:mod:`api.models`), so they are written down once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from sqlalchemy.orm import InstrumentedAttribute

from api.models import ActorRow, AllianceRow, ApiKey, TieRow
from api.textcheck import unstorable
from netz.analysis.survey import RESPONSE_META
from netz.core.errors import InputError, Problem
from netz.core.io.meta import meta_value
from netz.core.model import Alliance

__all__ = [
    "RECORDED_META",
    "ActorIn",
    "ActorPatch",
    "AllianceCreated",
    "AllianceIn",
    "AllianceOut",
    "AlliancePatch",
    "AuditEntryOut",
    "AuditPage",
    "KeyIn",
    "KeyInfo",
    "KeyOut",
    "KeyPatch",
    "TieIn",
    "TiePatch",
    "checked_meta",
    "without_recorded",
]


def _length(column: InstrumentedAttribute[Any]) -> int:
    """The size of a text column (``String(n)``)."""
    length: int = column.type.length
    return length


#: Alliance metadata kept in text columns of their own (see ``api.store.COLUMN_META``), by key.
META_LENGTHS = {key: _length(getattr(AllianceRow, key)) for key in ("name", "region", "land", "programme")}
#: Metadata netz records itself (who answered each survey wave, :data:`netz.analysis.survey.RESPONSE_META`,
#: which the scorecard's response and a diff's unknown ties are made of): no request sets, changes
#: or removes it, and an imported file's is left out (:func:`api.uploads.read_upload`).
RECORDED_META = (RESPONSE_META,)


def without_recorded(alliance: Alliance, file: str) -> Alliance:
    """``alliance`` as read from ``file`` without the metadata netz records itself
    (:data:`RECORDED_META`), with a warning for each field left out: the one rule for every import
    (the API's upload, :func:`api.uploads.read_upload`, and ``netz load``). netz's own exports
    carry the record, so a file with it is not refused; but what a file says is no record of a
    survey netz ran.
    """
    left_out = [Problem("input.meta.recorded_ignored", file, column=key, params={"field": key})
                for key in RECORDED_META if key in alliance.meta]
    if not left_out:
        return alliance
    meta = {k: v for k, v in alliance.meta.items() if k not in RECORDED_META}
    return Alliance(alliance.actors, alliance.ties, alliance.directed, alliance.weighted, meta,
                    (*alliance.warnings, *left_out))


class _Request(BaseModel):
    """A request body: unknown fields refused, and no text in it that cannot be stored."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        reason = unstorable(data)
        if reason is not None:
            raise reason
        return data


def checked_meta(name: str | None, meta: dict[str, Any],
                 current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An alliance's name and metadata as a request sends them, checked field by field.

    Every problem is named with its field (``column``), in words that name the field, so that
    the pages show each next to its input: a text longer than its column, and what
    :func:`netz.core.io.meta.meta_value` finds (the one check files get too): a ``land`` that is
    none of the sixteen Länder, a ``funding`` that is not an amount, a ``founded`` that is no year;
    and a field netz records itself (:data:`RECORDED_META`) with any value, ``null`` too, other
    than the one it has in ``current`` (the stored metadata a change applies to): a client that
    sends back the whole ``meta`` it was given keeps that field as it is (left out of the result).
    Returns the metadata as it is stored (the Land as :data:`netz.core.vocabulary.LAENDER` writes
    it, an amount sent as text such as "15.000,50" as its number); raises :class:`InputError`
    (422) listing every problem.
    """
    checked = dict(meta)
    fields = {**meta, **({} if name is None else {"name": name})}
    problems: list[Problem] = []
    for key, value in fields.items():
        if key in RECORDED_META:
            if current is not None and key in current and current[key] == value:
                del checked[key]  # sent back as it was given: unchanged
            else:
                problems.append(Problem("input.meta.recorded", column=key, params={"field": key}))
            continue
        if value is None or (key == "land" and value == ""):
            continue
        longest = META_LENGTHS.get(key)
        if longest is not None and len(str(value)) > longest:
            problems.append(Problem(f"input.meta.too_long.{key}", column=key,
                                    params={"length": len(str(value)), "longest": longest}))
            continue
        stored, problem = meta_value(key, value)
        if problem is not None:
            problems.append(problem)
        elif key in checked:
            checked[key] = stored
    if problems:
        raise InputError(problems)
    return checked


class ActorIn(_Request):
    id: str = Field(min_length=1, max_length=_length(ActorRow.actor_id), examples=["hk"])
    name: str = Field(default="", max_length=_length(ActorRow.name),
                      examples=["Helferkreis Asyl Musterstadt"])
    type: str = Field(examples=["Helferkreis"])
    attributes: dict[str, Any] = Field(default_factory=dict)


class ActorPatch(_Request):
    name: str | None = Field(default=None, max_length=_length(ActorRow.name))
    type: str | None = None
    attributes: dict[str, Any] | None = None


class TieIn(_Request):
    source: str = Field(min_length=1, max_length=_length(TieRow.source))
    target: str = Field(min_length=1, max_length=_length(TieRow.target))
    weight: float | None = Field(default=None, gt=0)
    kind: str | None = Field(default=None, max_length=_length(TieRow.kind))
    wave: str | None = Field(default=None, max_length=_length(TieRow.wave))
    attributes: dict[str, Any] = Field(default_factory=dict)


class TiePatch(_Request):
    weight: float | None = Field(default=None, gt=0)
    kind: str | None = Field(default=None, max_length=_length(TieRow.kind))
    wave: str | None = Field(default=None, max_length=_length(TieRow.wave))
    attributes: dict[str, Any] | None = None


class AllianceIn(_Request):
    """A new alliance; its name and metadata are checked by :func:`checked_meta`."""

    name: str = ""
    directed: bool = False
    meta: dict[str, Any] = Field(default_factory=dict,
                                 examples=[{"region": "Musterstadt", "land": "Hessen", "funding": 15000}])
    actors: list[ActorIn] = Field(default_factory=list)
    ties: list[TieIn] = Field(default_factory=list)


class AlliancePatch(_Request):
    """Metadata changes; ``null`` removes a field. Checked by :func:`checked_meta`."""

    name: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)


class AllianceOut(BaseModel):
    id: int
    name: str
    region: str | None
    land: str | None
    programme: str | None
    funding: float | None
    founded: int | None
    meta: dict[str, Any]
    directed: bool
    weighted: bool
    n_actors: int
    n_ties: int
    revision: int


class AllianceCreated(AllianceOut):
    """A new alliance (created or imported), with what reading its data noticed."""

    warnings: list[str] = Field(default_factory=list, description=(
        "What was read other than written, each with its file, row and column, in the client's "
        "language (German unless `Accept-Language` names English), as the import preview says it: "
        "e.g. an empty type read as `other`, a column named like a metric left out."))


class KeyIn(_Request):
    role: str = Field(pattern="^(admin|coordinator|researcher|funder)$")
    alliances: list[int] = Field(default_factory=list)
    label: str = Field(default="", max_length=_length(ApiKey.label))
    expires: dt.datetime | None = Field(default=None, description="refused from then on; no time "
                                        "zone: UTC; none: never")


class KeyOut(BaseModel):
    key: str
    id: int
    prefix: str
    role: str
    alliances: list[int]
    expires: dt.datetime | None = None


class KeyInfo(BaseModel):
    """A key as listed: never the key or its hash, only its public prefix."""

    id: int
    prefix: str
    role: str
    label: str
    alliances: list[int]
    created: dt.datetime | None
    last_used: dt.datetime | None = Field(description="to the minute: written at most once a minute")
    expires: dt.datetime | None
    revoked: dt.datetime | None
    status: Literal["active", "revoked", "expired", "orphaned"] = Field(
        description="orphaned: a coordinator key every alliance of which has been deleted")


class KeyPatch(_Request):
    expires: dt.datetime | None = Field(description="refused from then on; null: never")


class AuditEntryOut(BaseModel):
    id: int
    at: dt.datetime
    key_id: int | None
    key_prefix: str
    role: str
    action: str
    alliance_id: int | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    total: int
    page: int
    per_page: int
    entries: list[AuditEntryOut]


# -- analysis answers ----------------------------------------------------------------------------
#
# What report, gaps, health, what-if, compare and the actor list answer, field by field, so that
# every figure can be found in /docs. Each is defined in docs/metrics.md (its section is named).
# The routes serve the stored or computed JSON as it is (api/reportcache.py): these models
# describe it for the OpenAPI document and are not used to validate or re-serialise answers.
# One route answers differently by role (api/reports.py): admins and coordinators see everything,
# researchers the listed fields of the de-identified alliance (pseudonyms), funders no actor and
# gaps only as counts. Fields some views leave out are optional and say so.

_METRICS = "docs/metrics.md"
_NOT_FUNDERS = " Not in the funders' view."
_FULL_ONLY = " Only in the full view (admins, coordinators); not for researchers or funders."

Severity = Literal["high", "medium", "low"]
Band = Literal["good", "watch", "concern"]


class _Answer(BaseModel):
    """An answer's object: the fields listed, and further ones where the model says so."""

    model_config = ConfigDict(extra="allow")


def _see(section: str, text: str) -> str:
    """A field's description that points to its definition in docs/metrics.md."""
    return f"{text} (`{_METRICS}`, {section})"


def _figure(section: str, text: str) -> Any:
    """An optional number (null where undefined) defined in ``section`` of docs/metrics.md."""
    return Field(default=None, description=_see(section, text + "; null where undefined"))


_CENTRALITY = "Centrality"
_STRUCTURE = "Network structure"
_HOLES = "Structural holes"
_BROKERAGE = "Brokerage"
_MIXING = "Mixing and the E–I index"
_COMMUNITIES = "Communities"
_APPROXIMATION = "Approximation above a size"
_GAPS = "Coordination gaps"
_HEALTH = "Health scorecard"
_WHATIF = "What-if and key players"
_COMPARE = "Comparison across alliances and waves"


class ActorBrokerage(_Answer):
    """Gould–Fernandez brokerage roles of one actor: counts and z-scores against expectation."""

    coordinator: int | None = _figure(_BROKERAGE, "A → A → A: mediates within its own group")
    consultant: int | None = _figure(_BROKERAGE, "A → B → A: mediates within another group")
    gatekeeper: int | None = _figure(_BROKERAGE, "A → B → B: lets an outsider into its own group")
    representative: int | None = _figure(_BROKERAGE, "A → A → B: carries its group's contact outside")
    liaison: int | None = _figure(_BROKERAGE, "A → B → C: mediates between two other groups")
    total: int | None = _figure(_BROKERAGE, "all roles together")
    coordinator_z: float | None = _figure(_BROKERAGE, "z-score of `coordinator`")
    consultant_z: float | None = _figure(_BROKERAGE, "z-score of `consultant`")
    gatekeeper_z: float | None = _figure(_BROKERAGE, "z-score of `gatekeeper`")
    representative_z: float | None = _figure(_BROKERAGE, "z-score of `representative`")
    liaison_z: float | None = _figure(_BROKERAGE, "z-score of `liaison`")


class ActorRecord(_Answer):
    """One actor with its metrics, named alike in the report's `actors` and in `GET …/actors`
    (the list of names: docs/metrics.md, "Field names in the API").

    Further fields are the alliance's own actor columns (e.g. `Hauptamtliche`; for researchers
    as bands `q1`…, other text left out). Researchers see pseudonyms as `id` and `name`."""

    id: str = Field(description="The actor's id in its alliance (researchers: a pseudonym).")
    name: str | None = Field(default=None, description="The actor's name (researchers: the pseudonym).")
    type: str | None = Field(default=None, description="The actor's type (a canonical type such as "
                             "`church`; researchers: rare types merged into `other`).")
    degree: int | None = _figure(_CENTRALITY, "number of partners (directed: in + out)")
    in_degree: int | None = _figure(_CENTRALITY, "ties received")
    out_degree: int | None = _figure(_CENTRALITY, "ties sent")
    strength: float | None = _figure(_CENTRALITY, "sum of the actor's tie weights")
    degree_norm: float | None = _figure(_CENTRALITY, "degree / (n − 1)")
    betweenness: float | None = _figure(_CENTRALITY, "shortest paths between others through the actor")
    betweenness_norm: float | None = _figure(_CENTRALITY, "betweenness rescaled to [0, 1]")
    closeness: float | None = _figure(_CENTRALITY, "closeness (Wasserman–Faust correction)")
    harmonic: float | None = _figure(_CENTRALITY, "harmonic centrality, sum of 1/distance")
    eigenvector: float | None = _figure(_CENTRALITY, "eigenvector centrality")
    pagerank: float | None = _figure(_CENTRALITY, "PageRank (α = 0.85)")
    coreness: int | None = _figure(_CENTRALITY, "the largest k of a k-core the actor is in")
    clustering: float | None = _figure(_CENTRALITY, "local clustering coefficient")
    constraint: float | None = _figure(_HOLES, "Burt's constraint")
    effective_size: float | None = _figure(_HOLES, "Burt's effective size")
    efficiency: float | None = _figure(_HOLES, "effective size / number of contacts")
    hierarchy: float | None = _figure(_HOLES, "Burt's hierarchy")
    brokerage: ActorBrokerage | None = Field(default=None, description=_see(
        _BROKERAGE, "the actor's brokerage roles, nested (`brokerage.total` to sort `GET …/actors` by)"))
    ei_index: float | None = _figure(_MIXING, "the actor's E–I index: ties outside minus inside its "
                                     "group over all its ties")
    community: int | None = _figure(_COMMUNITIES, "the actor's community number (Leiden)")


class Centralization(_Answer):
    """Freeman centralization of the network (R `sna::centralization`)."""

    degree: float | None = _figure(_STRUCTURE, "degree centralization")
    betweenness: float | None = _figure(_STRUCTURE, "betweenness centralization")
    closeness: float | None = _figure(_STRUCTURE, "closeness centralization")


class Communities(_Answer):
    """Communities found by Leiden (modularity, best of several runs)."""

    count: int = Field(description=_see(_COMMUNITIES, "how many communities"))
    modularity: float | None = _figure(_COMMUNITIES, "modularity Q of the partition")
    method: str = Field(description=_see(_COMMUNITIES, "the algorithm (`leiden-modularity`)"))
    sizes: list[int] | None = Field(default=None, description=_see(
        _COMMUNITIES, "actors per community, by community number." + _NOT_FUNDERS))
    seed: int | None = Field(default=None, description=_see(_COMMUNITIES,
                                                            "the seed of the runs." + _NOT_FUNDERS))


class Mixing(_Answer):
    """How the groups (`group_by`) mix: E–I index, tie counts and block densities by group.
    Funders: groups of at least k actors (smaller ones pooled)."""

    group_by: str = Field(description="The actor column the groups are of.")
    groups: list[str] = Field(description="The groups, in order.")
    sizes: dict[str, int] = Field(description="Actors per group.")
    ei_index: float | None = _figure(_MIXING, "E–I index of the network, (E − I)/(E + I)")
    ei_index_baseline: float | None = _figure(_MIXING, "E–I index of all possible pairs: what random "
                                              "placement gives")
    ei_index_by_group: dict[str, float | None] = Field(description=_see(_MIXING, "E–I index per group"))
    ties: dict[str, dict[str, float | None]] = Field(description=_see(
        _MIXING, "ties between groups (row → column; undirected symmetric)"))
    block_density: dict[str, dict[str, float | None]] = Field(description=_see(
        _MIXING, "density of ties between (and within) groups"))
    type_assortativity: float | None = _figure(_MIXING, "Newman's assortativity by group")


class RoleBrokerage(_Answer):
    """A brokerage role's count in the whole network against its expectation under random
    placement of the groups."""

    observed: float | None = _figure(_BROKERAGE, "the role's count, summed over actors")
    expected: float | None = _figure(_BROKERAGE, "its expectation")
    sd: float | None = _figure(_BROKERAGE, "its standard deviation")
    z: float | None = _figure(_BROKERAGE, "(observed − expected) / sd")


class Method(_Answer):
    """How a figure was computed: `exact`, or `sampled` with the sample, accuracy and bound
    (further fields such as `sources_per_component`, `lower_bound`, `upper_bound` as
    `docs/metrics.md` explains)."""

    method: Literal["exact", "sampled"] = Field(description=_see(_APPROXIMATION, "exact or sampled"))
    sources: int | None = Field(default=None, description="sampled: how many source actors")
    epsilon: float | None = Field(default=None, description="sampled: the accuracy ε")
    delta: float | None = Field(default=None, description="sampled: the probability δ of a larger error")
    seed: int | None = Field(default=None, description="sampled: the sample's seed")
    error_at_most: float | None = Field(default=None, description="sampled: the bound on the error")


class Network(_Answer):
    """Whole-network figures (the same in every view; mixing of funders by groups of k or more)."""

    n_actors: int = Field(description=_see(_STRUCTURE, "number of actors"))
    n_ties: int = Field(description=_see(_STRUCTURE, "number of ties (one per pair)"))
    density: float | None = _figure(_STRUCTURE, "ties / possible ties")
    mean_degree: float | None = _figure(_STRUCTURE, "mean number of partners, 2m/n")
    components: int = Field(description=_see(_STRUCTURE, "connected parts (an isolate is one)"))
    largest_component_share: float | None = _figure(_STRUCTURE, "share of actors in the largest part")
    fragmentation: float | None = _figure(_STRUCTURE, "share of pairs that cannot reach each other")
    centralization: Centralization = Field(description=_see(_STRUCTURE, "Freeman centralization"))
    reciprocity: float | None = _figure(_STRUCTURE, "share of directed ties returned (directed only)")
    transitivity: float | None = _figure(_STRUCTURE, "3 × triangles / connected triples")
    average_path_length: float | None = _figure(_STRUCTURE, "mean distance in the largest part, in steps")
    diameter: float | None = _figure(_STRUCTURE, "longest distance in the largest part, in steps")
    degree_assortativity: float | None = _figure(_STRUCTURE, "correlation of degrees at a tie's ends")
    communities: Communities | None = Field(default=None, description=_see(_COMMUNITIES, "the communities"))
    mixing: Mixing | None = Field(default=None, description=_see(_MIXING, "mixing by group"))
    brokerage: dict[str, RoleBrokerage] = Field(description=_see(
        _BROKERAGE, "each role (`coordinator`, `consultant`, `gatekeeper`, `representative`, `liaison`, "
        "`total`) in the whole network"))
    methods: dict[str, Method] = Field(description=_see(
        _APPROXIMATION, "per figure that can be estimated, how it was computed"))
    betweenness: Method = Field(description=_see(_APPROXIMATION, "how betweenness was computed"))
    actors_by_type: dict[str, int] = Field(description="Actors per type (every canonical type, even at 0).")
    actors_by_group: dict[str, int] | None = Field(default=None, description=(
        "Actors per group of `group_by`, when it is not `type`."))


class ReportAlliance(_Answer):
    """The alliance the report is of: its metadata (further fields as stored, e.g. `region`,
    `land`, `programme`, `funding`, `founded`, `description`; researchers and funders get the
    listed fields only, `docs/privacy.md`) and the report's options."""

    id: int = Field(description="The alliance's id.")
    revision: int = Field(description="The alliance's revision the report is of.")
    name: str | None = Field(description="The alliance's name.")
    directed: bool = Field(description="Whether ties have a direction (survey data: A names B).")
    weighted: bool = Field(description="Whether ties have a weight (cooperation strength).")
    waves: list[str] = Field(description="The alliance's survey waves, in time order.")
    wave: str | None = Field(description="The wave reported: the latest by default, `all`, or null "
                             "without waves.")
    group_by: str = Field(description="The actor column groups are of (brokerage, mixing, sector gaps).")


class Gap(_Answer):
    """A coordination gap: what is missing or fragile, for whom, and what to do about it.
    Researchers see all of it under pseudonyms and coarse types (made of the de-identified alliance);
    funders see counts (`GapCount`)."""

    id: str | None = Field(default=None, description=_see(
        _GAPS, "the finding's identity, `kind:subject`, stable across revisions (researchers: pseudonyms)."))
    kind: str = Field(description=_see(_GAPS, "the kind of gap, e.g. `missing_sector_link`"))
    severity: Severity = Field(description=_see(_GAPS, "high, medium or low"))
    actors: list[str] = Field(default_factory=list, description="The actors it is about (ids).")
    types: list[str] = Field(default_factory=list, description="The groups it is about.")
    value: float | None = _figure(_GAPS, "the figure behind it (per kind)")
    message: str | None = Field(default=None, description="The message key of the explanation (catalogues "
                                "`netz/messages`).")
    suggestion_message: str | None = Field(default=None, description="The message key of the suggestion.")
    params: dict[str, Any] | None = Field(default=None, description="The messages' parameters.")
    folds: list[str] | None = Field(default=None, description=_see(
        _GAPS, "ids of findings with the same cause folded into this one."))
    explanation: dict[str, str] = Field(default_factory=dict, description="What was found, by language "
                                        "(`de`, `en`).")
    suggestion: dict[str, str] = Field(default_factory=dict, description="What to do, by language.")


class GapCount(_Answer):
    """Funders' view of the gaps: how many of a kind and severity (no actor named)."""

    kind: str = Field(description=_see(_GAPS, "the kind of gap"))
    severity: Severity = Field(description="high, medium or low")
    count: int = Field(description="How many gaps of this kind and severity.")


class ChangedGap(Gap):
    """A gap in both analyses that got more or less severe or is said another way (as after)."""

    before: dict[str, Any] = Field(description="Its `severity` and `value` before.")


class TopStep(_Answer):
    """One of the three most important steps: the suggestion of a leading finding, one per kind."""

    rank: int = Field(description="1, 2, 3.")
    finding: str = Field(description="The id of the finding (`gaps[].id`).")
    kind: str = Field(description="The finding's kind.")
    severity: Severity = Field(description="The finding's severity.")
    message: str = Field(description="The suggestion's message key.")
    params: dict[str, Any] = Field(description="The message's parameters.")
    text: dict[str, str] = Field(description="The step, by language (`de`, `en`).")


class HealthIndicator(_Answer):
    """One indicator of the health scorecard, rated in bands."""

    indicator: str = Field(description=_see(_HEALTH, "the indicator, e.g. `connectedness`, `cohesion`"))
    value: float | None = _figure(_HEALTH, "its value")
    band: Band | None = Field(default=None, description=_see(_HEALTH, "good, watch or concern"))
    message: str | None = Field(default=None, description="The explanation's message key." + _FULL_ONLY)
    params: dict[str, Any] | None = Field(default=None, description="Its parameters (value, limits)."
                                          + _FULL_ONLY)
    note: str | None = Field(default=None, description=(
        "The message key of a remark on the finding that depends on the view: `health.untyped` (fill in the "
        "types of the actors counted as `other`) or `health.untyped_pooled` (rare types are pooled there for "
        "privacy: researchers). Not for funders."))
    explanation: dict[str, str] | None = Field(default=None, description="What it means, by language."
                                               + _NOT_FUNDERS)
    description: dict[str, str] | None = Field(default=None, description=(
        "What the indicator measures, whether high is good, and its band limits, by language; "
        "names no actor."))


#: The gaps as a view sees them: findings (admins, coordinators, researchers) or counts (funders).
Gaps = list[Gap] | list[GapCount]


class Report(_Answer):
    """Everything netz computes for one alliance, as the key's role may see it (`docs/privacy.md`):
    admins and coordinators everything; researchers the de-identified alliance (pseudonyms,
    listed fields); funders network figures, the scorecard with descriptions instead of explanations
    and gap counts,
    `actors` empty."""

    alliance: ReportAlliance = Field(description="The alliance and the report's options.")
    network: Network = Field(description="Whole-network figures.")
    actors: list[ActorRecord] = Field(description="Every actor with its metrics, by id (funders: empty).")
    gaps: Gaps = Field(description=_see(_GAPS, "coordination gaps, most severe first (funders: counts)"))
    top_steps: list[TopStep] | None = Field(default=None, description=(
        "The three most important steps (researchers: naming pseudonyms; funders: none)."))
    health: list[HealthIndicator] = Field(description=_see(_HEALTH, "the scorecard (funders: "
                                                                    "descriptions, no explanations)"))


class ActorPage(_Answer):
    """A page of actors with their metrics, named as in the report's `actors`."""

    total: int = Field(description="Actors matching (also in the `X-Total-Count` header).")
    page: int = Field(description="This page, from 1.")
    per_page: int = Field(description="Actors per page.")
    actors: list[ActorRecord] = Field(description="The page's actors, in the order asked for.")


class WhatIfFigures(_Answer):
    """Whole-network figures before or after the removal."""

    n_actors: int | None = _figure(_STRUCTURE, "number of actors")
    n_ties: int | None = _figure(_STRUCTURE, "number of ties")
    components: int | None = _figure(_STRUCTURE, "connected parts")
    largest_component_share: float | None = _figure(_STRUCTURE, "share of actors in the largest part")
    average_path_length: float | None = _figure(_STRUCTURE, "mean distance in the largest part")
    fragmentation: float | None = _figure(_WHATIF, "share of pairs that cannot reach each other")


class KeyPlayer(_Answer):
    """One of the k actors whose leaving would fragment the network most (chosen greedily)."""

    id: str = Field(description="The actor's id (researchers: a pseudonym).")
    name: str | None = Field(description="The actor's name (researchers: the pseudonym).")
    rank: int = Field(description="1, 2, …: the order chosen.")
    fragmentation_after: float = Field(description=_see(
        _WHATIF, "fragmentation once this actor and every one ranked before it have left"))


class WhatIf(_Answer):
    """What changes if the actors named leave (with `remove`), and the key players (with
    `key_players`). Researchers: of the de-identified alliance."""

    removed: list[str] | None = Field(default=None, description="The ids removed.")
    before: WhatIfFigures | None = Field(default=None, description="Figures before.")
    after: WhatIfFigures | None = Field(default=None, description="Figures after.")
    loses_all_ties: list[str] | None = Field(default=None, description="Actors who had partners and have "
                                             "none left.")
    new_gaps: list[Gap] | None = Field(default=None, description=_see(_WHATIF, "gaps after but not before"))
    resolved_gaps: list[Gap] | None = Field(default=None, description=_see(
        _WHATIF, "gaps before but not after that involve no removed actor"))
    changed_gaps: list[ChangedGap] | None = Field(default=None, description=_see(
        _WHATIF, "gaps in both with another severity or message"))
    warnings: list[Gap] | None = Field(default=None, description=_see(
        _WHATIF, "what the removal itself means: `refugee_partner_lost`, `unconnected_left`"))
    names: dict[str, str | None] | None = Field(default=None, description="The name of every actor the lists "
                                                "mention, by id.")
    key_players: list[KeyPlayer] | None = Field(default=None, description=_see(
        _WHATIF, "the key players (KPP-Neg), with `key_players`"))


#: What each whole-network figure of a comparison row is (all defined in docs/metrics.md).
_COMPARE_FIGURES = {
    "n_actors": (_STRUCTURE, "number of actors"),
    "n_ties": (_STRUCTURE, "number of ties"),
    "density": (_STRUCTURE, "ties / possible ties"),
    "mean_degree": (_COMPARE, "mean number of partners, 2m/n: size-fair"),
    "components": (_STRUCTURE, "connected parts"),
    "largest_component_share": (_STRUCTURE, "share of actors in the largest part"),
    "fragmentation": (_STRUCTURE, "share of pairs that cannot reach each other"),
    "transitivity": (_STRUCTURE, "3 × triangles / connected triples"),
    "clustering_ratio": (_COMPARE, "transitivity / density: size-fair"),
    "degree_centralization": (_STRUCTURE, "Freeman degree centralization"),
    "betweenness_centralization": (_STRUCTURE, "Freeman betweenness centralization"),
    "closeness_centralization": (_STRUCTURE, "Freeman closeness centralization"),
    "average_path_length": (_COMPARE, "mean distance in the largest part, in steps"),
    "diameter": (_COMPARE, "longest distance in the largest part, in steps"),
    "degree_assortativity": (_STRUCTURE, "correlation of degrees at a tie's ends"),
    "reciprocity": (_STRUCTURE, "share of directed ties returned"),
    "ei_index": (_MIXING, "E–I index by `group_by`"),
    "ei_index_baseline": (_MIXING, "E–I index of all possible pairs"),
    "type_assortativity": (_MIXING, "Newman's assortativity by `group_by`"),
    "communities": (_COMMUNITIES, "number of communities"),
    "modularity": (_COMMUNITIES, "modularity of the communities"),
}
_NULL_MODELS = {"gnm": "Erdős–Rényi G(n, m)", "degseq": "degree-preserving rewiring"}


def _z_description(column: str) -> str:
    metric, _, model = column.rpartition("_z_")
    return _see(_COMPARE, f"z-score of `{metric}` against {_NULL_MODELS[model]} null networks; null when "
                          "undefined or without null samples")


def _compare_row_fields() -> dict[str, Any]:
    """The fields of a comparison row, from the column lists of :mod:`netz.cohort.compare`,
    :mod:`netz.analysis.health` and :mod:`netz.cohort.programme` (so that a column added there needs a
    description here: a KeyError at import otherwise)."""
    from netz.analysis.gaps import SEVERITIES
    from netz.analysis.health import INDICATORS
    from netz.cohort.compare import NETWORK_COLUMNS, PERCENTILE_COLUMNS, Z_COLUMNS

    fields: dict[str, Any] = {
        "alliance": (int, Field(description="The alliance's id.")),
        **{key: (str | None, Field(default=None, description=f"The alliance's `{key}`."))
           for key in ("name", "region", "land", "programme")},
        "funding": (float | str | None, Field(default=None, description="The alliance's funding in euros (as "
                                              "given when not a number).")),
        "founded": (float | str | None, Field(default=None, description="The year the alliance was founded "
                                              "(as given when not a year, e.g. `2015/16`).")),
        "synthetic": (Any, Field(default=None, description="Whether the alliance is made up (demo data), as "
                                 "its metadata says.")),
        "directed": (bool, Field(description="Whether ties have a direction.")),
        "weighted": (bool, Field(description="Whether ties have a weight.")),
        "waves": (str, Field(description="The alliance's waves, comma-separated.")),
        "wave": (str | None, Field(default=None, description="The wave compared (the latest by default).")),
        "size_class": (Literal["small", "medium", "large"], Field(description=_see(
            _COMPARE, "small (< 30 actors), medium (30–99), large (≥ 100)"))),
    }
    for column in NETWORK_COLUMNS:
        section, text = _COMPARE_FIGURES[column]
        fields[column] = (float | None, Field(default=None, description=_see(section, text + "; null where "
                                                                              "undefined")))
    fields["null_samples"] = (int, Field(description="Random networks per null model (0: no z-scores)."))
    fields["null_seed"] = (int, Field(description="The null models' seed."))
    for column in Z_COLUMNS:
        fields[column] = (float | None, Field(default=None, description=_z_description(column)))
    fields["band"] = (Band, Field(description=_see(
        _HEALTH, "the worst band of the scorecard, `data_quality` left out (it is about the data)")))
    for indicator in INDICATORS:
        fields[f"band_{indicator}"] = (Band | None, Field(default=None, description=_see(
            _HEALTH, f"the band of `{indicator}`; null where the scorecard has none")))
    for severity in SEVERITIES:
        fields[f"gaps_{severity}"] = (int, Field(description=_see(_GAPS, f"how many gaps of {severity} "
                                                                        "severity")))
    for column in PERCENTILE_COLUMNS:
        fields[f"{column}_pct"] = (float | None, Field(default=None, description=_see(
            _COMPARE, f"percentile rank of `{column}` among the alliances compared; null when undefined")))
    return fields


CompareRow = create_model(
    "CompareRow", __base__=_Answer, __doc__="One alliance in a comparison: metadata, network figures, "
    "size-fair figures with their percentile ranks, health bands and gap counts. Nothing about single "
    "actors.", **_compare_row_fields())


class SizeClass(_Answer):
    """A size class's bounds in actors."""

    min_actors: int = Field(description="At least this many actors.")
    max_actors: int | None = Field(description="At most this many (null: no bound).")


class Comparison(_Answer):
    """A size-fair comparison of alliances (`docs/metrics.md`, Comparison across alliances and waves)."""

    count: int = Field(description="How many alliances are compared.")
    null_samples: int = Field(description="Random networks per null model asked for.")
    seed: int = Field(description="The null models' seed.")
    size_classes: dict[str, SizeClass] = Field(description="The size classes by name.")
    percentile_columns: list[str] = Field(description="The columns ranked (`<column>_pct`).")
    alliances: list[CompareRow] = Field(description="One row per alliance.")  # type: ignore[valid-type]

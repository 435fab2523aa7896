"""The domain model: an alliance of actors and their cooperation ties.

An :class:`Alliance` stores its actors and ties as two pandas DataFrames —
the natural shape for spreadsheets, fast for networks of a million ties — and
offers :class:`Actor` and :class:`Tie` records for code that wants one at a
time. Alliances are immutable values: every change makes a new one, so a
report can be cached against the alliance it was computed from.

Build one with :meth:`Alliance.from_frames` or :meth:`Alliance.from_records`;
both validate (see :mod:`netz.core.validate`) and raise
:class:`~netz.core.errors.InputError` on bad data.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from netz.core.errors import Problem, UnknownNameError
from netz.core.limits import DEFAULT_LIMITS, Limits
from netz.core.validate import ACTOR_COLUMNS, TIE_COLUMNS, validate_tables

__all__ = ["META_KEYS", "Actor", "Alliance", "Tie", "plain_value", "wave_order"]

#: Metadata keys netz knows; any others are kept as they are.
META_KEYS: tuple[str, ...] = (
    "name", "region", "land", "programme", "funding", "founded", "description",
)


@dataclass(frozen=True, slots=True)
class Actor:
    """An organisation or group in an alliance."""

    id: str
    name: str
    type: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Tie:
    """A cooperation between two actors (``source`` names ``target`` when directed)."""

    source: str
    target: str
    weight: float = 1.0
    kind: str | None = None
    wave: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Alliance:
    """One local cooperation network.

    Attributes
    ----------
    actors
        One row per actor: ``id``, ``name``, ``type`` (canonical), then attribute columns.
    ties
        One row per tie: ``source``, ``target``, ``weight`` (> 0; 1.0 when
        unweighted), ``kind``, ``wave`` (text or None), then attribute columns.
    directed
        True for survey data ("A names B"), False for a map of cooperations.
    weighted
        True when the input gave tie weights.
    meta
        Metadata such as ``name``, ``region``, ``land``, ``programme``, ``funding``, ``founded``.
    warnings
        What a lenient read changed, for the caller to show.
    """

    actors: pd.DataFrame
    ties: pd.DataFrame
    directed: bool = False
    weighted: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()

    @classmethod
    def from_frames(
        cls,
        actors: pd.DataFrame,
        ties: pd.DataFrame,
        *,
        directed: bool = False,
        meta: Mapping[str, Any] | None = None,
        lenient: bool = False,
        actors_file: str = "actors",
        ties_file: str = "ties",
        limits: Limits = DEFAULT_LIMITS,
        untyped_is_other: bool = True,
        refuse_metric_columns: bool = False,
    ) -> Alliance:
        """Validate tables with canonical column names and build an alliance.

        The frames' index is taken as the row number to cite in error messages;
        ``limits`` bounds their size (:class:`~netz.core.limits.Limits`); ``untyped_is_other``
        and ``refuse_metric_columns`` as for :func:`~netz.core.validate.validate_tables`.
        """
        checked = validate_tables(
            actors, ties, directed=directed, lenient=lenient,
            actors_file=actors_file, ties_file=ties_file, limits=limits, untyped_is_other=untyped_is_other,
            refuse_metric_columns=refuse_metric_columns,
        )
        return cls(
            actors=checked.actors,
            ties=checked.ties,
            directed=directed,
            weighted=checked.weighted,
            meta=dict(meta or {}),
            warnings=checked.warnings,
        )

    @classmethod
    def from_records(
        cls,
        actors: Sequence[Actor],
        ties: Sequence[Tie],
        *,
        directed: bool = False,
        weighted: bool | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Alliance:
        """Build an alliance from records; ``weighted`` defaults to "some weight is not 1".

        >>> a = Alliance.from_records(
        ...     [Actor("a", "Helferkreis", "Initiative"), Actor("b", "St. Marien", "Kirche")],
        ...     [Tie("a", "b")])
        >>> a.n_actors, a.n_ties, a.actor("b").type
        (2, 1, 'church')
        """
        actor_rows = [
            {"id": a.id, "name": a.name, "type": a.type, **dict(a.attributes)} for a in actors
        ]
        tie_rows = [
            {"source": t.source, "target": t.target, "weight": t.weight, "kind": t.kind,
             "wave": t.wave, **dict(t.attributes)}
            for t in ties
        ]
        if weighted is None:
            weighted = any(t.weight != 1.0 for t in ties)
        actor_frame = pd.DataFrame(actor_rows, columns=_columns(actor_rows, ACTOR_COLUMNS))
        tie_frame = pd.DataFrame(tie_rows, columns=_columns(tie_rows, TIE_COLUMNS))
        if not weighted:
            tie_frame = tie_frame.drop(columns="weight")
        # Records have no spreadsheet; number them from 1 like list positions people count.
        actor_frame.index += 1
        tie_frame.index += 1
        return cls.from_frames(actor_frame, tie_frame, directed=directed, meta=meta)

    # -- size and lookup -------------------------------------------------

    @property
    def name(self) -> str:
        return str(self.meta.get("name") or "")

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_ties(self) -> int:
        return len(self.ties)

    @property
    def actor_attributes(self) -> list[str]:
        """Names of the actor attribute columns (beyond id, name, type)."""
        return [c for c in self.actors.columns if c not in ACTOR_COLUMNS]

    @property
    def tie_attributes(self) -> list[str]:
        return [c for c in self.ties.columns if c not in TIE_COLUMNS]

    @property
    def waves(self) -> list[str]:
        """The waves the ties carry, in time order (numeric where they are numbers)."""
        return sorted(self.ties["wave"].dropna().unique(), key=wave_order)

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (:class:`~netz.core.errors.UnknownNameError` if there is none)."""
        rows = self.actors.index[self.actors["id"] == actor_id]
        if len(rows) == 0:
            raise UnknownNameError("error.name.no_actor", name=actor_id,
                                   accepted=list(self.actors["id"]), heading="error.name.heading.ids")
        return _actor_from_row(self.actors.loc[rows[0]], self.actor_attributes)

    def iter_actors(self) -> Iterator[Actor]:
        attributes = self.actor_attributes
        for _, row in self.actors.iterrows():
            yield _actor_from_row(row, attributes)

    def iter_ties(self) -> Iterator[Tie]:
        attributes = self.tie_attributes
        for _, row in self.ties.iterrows():
            yield Tie(
                source=row["source"], target=row["target"], weight=float(row["weight"]),
                kind=row["kind"], wave=row["wave"],
                attributes={a: plain_value(row[a]) for a in attributes if plain_value(row[a]) is not None},
            )

    # -- derived alliances ----------------------------------------------

    def at_wave(self, wave: str) -> Alliance:
        """The same actors with only the ties observed in ``wave``."""
        return self.replace_ties(self.ties[self.ties["wave"] == wave].reset_index(drop=True))

    def replace_ties(self, ties: pd.DataFrame) -> Alliance:
        """A copy with other (already valid) ties."""
        return Alliance(self.actors, ties, self.directed, self.weighted, self.meta, self.warnings)

    def equals(self, other: Alliance) -> bool:
        """Same actors, ties, direction, weighting and metadata (order of rows matters)."""
        return (
            self.directed == other.directed
            and self.weighted == other.weighted
            and dict(self.meta) == dict(other.meta)
            and _frames_equal(self.actors, other.actors)
            and _frames_equal(self.ties, other.ties)
        )


def wave_order(wave: str) -> tuple[int, float, str]:
    """Sort key for waves: numbers numerically, before other labels in text order."""
    try:
        return (0, float(wave.replace(",", ".")), wave)
    except ValueError:
        return (1, 0.0, wave)


def _columns(rows: list[dict[str, Any]], first: tuple[str, ...]) -> list[str]:
    extra: dict[str, None] = {}
    for row in rows:
        extra.update(dict.fromkeys(k for k in row if k not in first))
    return [*first, *extra]


def _actor_from_row(row: pd.Series, attributes: list[str]) -> Actor:
    values = {a: plain_value(row[a]) for a in attributes}
    return Actor(
        id=row["id"], name=row["name"], type=row["type"],
        attributes={k: v for k, v in values.items() if v is not None},
    )


def plain_value(value: Any) -> Any:
    """A cell as a plain Python value; missing becomes None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False
    for column in a.columns:
        left = [plain_value(v) for v in a[column]]
        right = [plain_value(v) for v in b[column]]
        if left != right:
            return False
    return True

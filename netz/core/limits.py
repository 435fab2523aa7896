"""How much input netz agrees to read: one :class:`Limits` object for every reader.

A hostile or broken file must not crash netz or use up the machine's memory or CPU: a zip that
unpacks to gigabytes, a CSV with 100,000 columns, a working group of 6,000 members whose
co-membership projection has 18 million ties. Each reader checks the limits *before* the costly
step (unpacking, parsing, projecting) and refuses with an :class:`~netz.core.errors.InputError` that
names the file and the limit.

The library's defaults (:data:`DEFAULT_LIMITS`) are generous, for researchers with large
networks on their own machine; the service uses tighter ones, sized for local alliances
(``NETZ_MAX_ACTORS`` … in :mod:`api.config`). Both can be raised:

>>> limits = Limits(max_actors=500_000)
>>> limits.max_actors, limits.max_ties == DEFAULT_LIMITS.max_ties
(500000, True)

Two bounds are not settings but properties of the data model: an actor id has at most
:data:`MAX_ID_CHARS` characters and an actor's name at most :data:`MAX_NAME_CHARS` (the
service stores them in columns of that size).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import TypeVar

from netz.core.errors import Count, InputError

__all__ = [
    "DEFAULT_LIMITS", "MAX_ID_CHARS", "MAX_KIND_CHARS", "MAX_NAME_CHARS", "MAX_WAVE_CHARS", "Limits",
    "nesting_depth",
]

#: Longest actor id (also a tie's source and target), in characters.
MAX_ID_CHARS = 300
#: Longest actor name, in characters.
MAX_NAME_CHARS = 500
#: Longest tie kind, in characters.
MAX_KIND_CHARS = 200
#: Longest wave label, in characters.
MAX_WAVE_CHARS = 100


@dataclass(frozen=True, slots=True)
class Limits:
    """The most netz reads from one input; exceeding any is an :class:`~netz.core.errors.InputError`.

    Attributes
    ----------
    max_rows
        Rows of any one table (a CSV file or a sheet, the header not counted); blank rows count.
        Tables are parsed only up to one row more than this.
    max_columns
        Columns of any one table, counted in its header before the table is parsed.
    max_cell_chars
        Characters in any one cell (an attribute, a name …), and in any one metadata value.
    max_depth
        Nesting of JSON values and XML elements (GraphML, GEXF: four to six levels are usual).
    max_unpacked_bytes
        Bytes of any one file read (CSV, JSON, XML), of the members of a zip archive together,
        and of the parts of an .xlsx workbook together — checked before anything is unpacked.
    max_actors
        Actors of an alliance.
    max_ties
        Ties of an alliance, co-membership ties included.
    max_projected_ties
        Co-membership ties that working-group memberships may give: the sum over the groups of
        k(k-1)/2 for a group of k members, checked before the projection is built.
    """

    max_rows: int = 1_000_000
    max_columns: int = 1_000
    max_cell_chars: int = 10_000
    max_depth: int = 100
    max_unpacked_bytes: int = 256 * 1024 * 1024
    max_actors: int = 100_000
    max_ties: int = 1_000_000
    max_projected_ties: int = 1_000_000

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"limit {item.name} must be a whole number of at least 1, not {value!r}")

    def exceeded(self, name: str, found: int, unit: str, *, file: str | None,
                 row: int | str | None = None, column: str | None = None) -> InputError:
        """The error for ``found`` of ``unit`` where the limit ``name`` allows fewer; ``unit`` names
        what was counted, as the message key ``input.limit.<unit>`` (``columns``, ``actors_or_more``,
        …) that says it in each language.

        >>> print(DEFAULT_LIMITS.exceeded("max_columns", 100_000, "columns", file="actors.csv", row=1))
        actors.csv, row 1: 100,000 columns; at most 1,000 are accepted (limit max_columns; \
raise it to read larger inputs)
        >>> print(DEFAULT_LIMITS.exceeded("max_columns", 100_000, "columns", file="a.csv").text("de"))
        a.csv: 100.000 Spalten; höchstens 1.000 sind erlaubt (Grenze max_columns; erhöhen Sie sie, \
um größere Eingaben zu lesen)
        """
        allowed = getattr(self, name)
        return InputError.single(f"input.limit.{unit}", file=file, row=row, column=column,
                                 found=Count(found), allowed=Count(allowed), name=name)


#: The library's limits: generous, for researchers' large networks.
DEFAULT_LIMITS = Limits()


_Node = TypeVar("_Node")


def nesting_depth(root: _Node, children: Callable[[_Node], Iterable[_Node] | None], stop: int) -> int:
    """How many levels of containers nest in ``root``, counted up to ``stop + 1`` at most.

    ``children`` gives a container's items, or None for a plain value (which is no level). A
    walk with a stack of its own, not recursion: a file may nest 100,000 levels deep, far beyond
    Python's stack, and the walk stops as soon as it passes ``stop``.

    >>> nesting_depth({"a": [1, [2]]}, lambda v: v.values() if isinstance(v, dict)
    ...               else v if isinstance(v, list) else None, stop=10)
    3
    """
    deepest, pending = 0, [(root, 1)]
    while pending:
        item, level = pending.pop()
        items = children(item)
        if items is None:
            continue
        deepest = max(deepest, level)
        if deepest > stop:
            return deepest
        pending.extend((child, level + 1) for child in items)
    return deepest

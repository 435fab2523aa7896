"""Exceptions raised by netz.

Every problem with a user's input is an :class:`InputError`. It carries one or
more :class:`Problem` records, each naming the file, the row as a spreadsheet
shows it (the header is row 1), the column and what was expected, so that a
coordinator can open the file and fix it. The CLI prints these without a
traceback; the service turns them into ``application/problem+json``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_LISTED_PROBLEMS", "InputError", "NetzError", "Problem", "UnknownName"]

#: How many problems an error message lists before it says "and N more".
MAX_LISTED_PROBLEMS = 20


class NetzError(Exception):
    """Base class of all errors netz raises on purpose."""


class UnknownName(NetzError, KeyError):
    """A name the alliance does not have (an actor column to group by, a wave), with those it has.

    A ``KeyError`` too, as netz has always raised for unknown names.

    Attributes
    ----------
    parameter
        What was named: ``group_by`` or ``wave``.
    name
        The name asked for.
    accepted
        The names that would have been accepted (matched without regard to case).
    """

    def __init__(self, message: str, *, parameter: str, name: str, accepted: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter
        self.name = name
        self.accepted = accepted

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    file: str | None = None
    row: int | str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [part for part in (self.file, _row_text(self.row), _column_text(self.column)) if part]
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


def _row_text(row: int | str | None) -> str | None:
    if row is None:
        return None
    return f"row {row}" if isinstance(row, int) else str(row)


def _column_text(column: str | None) -> str | None:
    return None if column is None else f"column '{column}'"


class InputError(NetzError):
    """The input cannot be read as an alliance; nothing was imported.

    Parameters
    ----------
    problems
        One or more problems. The first one is exposed as ``file``, ``row``,
        ``column`` for callers that only show one.
    """

    def __init__(self, problems: Problem | list[Problem]) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__(self._text())

    @classmethod
    def single(
        cls,
        message: str,
        *,
        file: str | None = None,
        row: int | str | None = None,
        column: str | None = None,
    ) -> InputError:
        return cls(Problem(message, file=file, row=row, column=column))

    @property
    def file(self) -> str | None:
        return self.problems[0].file

    @property
    def row(self) -> int | str | None:
        return self.problems[0].row

    @property
    def column(self) -> str | None:
        return self.problems[0].column

    def _text(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        listed = self.problems[:MAX_LISTED_PROBLEMS]
        lines = [f"{len(self.problems)} problems in the input:"]
        lines += [f"  - {problem}" for problem in listed]
        if len(self.problems) > len(listed):
            lines.append(f"  ... and {len(self.problems) - len(listed)} more")
        return "\n".join(lines)

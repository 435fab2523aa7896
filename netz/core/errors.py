"""Exceptions raised by netz.

Every problem with a user's input is an :class:`InputError`. It carries one or
more :class:`Problem` records, each naming the file, the row as a spreadsheet
shows it (the header is row 1), the column and what was expected, so that a
coordinator can open the file and fix it. A problem says *what* is wrong as a
message key (``input.*`` in :mod:`netz.messages`) with its parameters, so that it
can be told in German or English (:meth:`InputError.text`); ``str()`` of either is
the English wording. The CLI prints these without a traceback; the service turns
them into ``application/problem+json`` in the language the client accepts.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from netz.messages import message, number

__all__ = [
    "MAX_LISTED_NAMES",
    "MAX_LISTED_PROBLEMS",
    "Count",
    "Figure",
    "InputError",
    "NetzError",
    "NotInstalledError",
    "Phrase",
    "Place",
    "Problem",
    "UnknownNameError",
    "require",
]

#: How many problems an error message lists before it says "and N more".
MAX_LISTED_PROBLEMS = 100
#: How many accepted names an :class:`UnknownNameError` lists before it says how many there are.
MAX_LISTED_NAMES = 30


class Count(int):
    """A count in a message, written with the digit grouping of the message's language
    (:func:`netz.messages.number`).

    >>> Count(10001).text("de"), Count(10001).text("en")
    ('10.001', '10,001')
    """

    def text(self, lang: str) -> str:
        return number(int(self), lang, 0)


class Figure(float):
    """A measured number in a message (a size in MiB), with one decimal as the message's
    language writes it (:func:`netz.messages.number`); as a ``str`` the English form.

    >>> Figure(1234.56).text("de"), Figure(1234.56).text("en"), str(Figure(2.0))
    ('1.234,6', '1,234.6', '2.0')
    """

    def text(self, lang: str) -> str:
        return number(float(self), lang, 1)

    def __str__(self) -> str:
        return self.text("en")


class Place(str):
    """Where an input is: a sheet of a workbook, a file inside an archive — worded in each
    language from the catalogue (``input.where.<kind>``); as a ``str`` it is the English form.

    >>> sheet = Place("sheet", file="b.xlsx", sheet="ties")
    >>> str(sheet), sheet.text("de")
    ("b.xlsx, sheet 'ties'", 'b.xlsx, Blatt „ties“')
    >>> Place("in_archive", inner=sheet, archive="b.zip").text("de")
    'b.xlsx, Blatt „ties“ aus b.zip'
    """

    kind: str
    parts: dict[str, object]

    def __new__(cls, kind: str, **parts: object) -> Place:
        place = super().__new__(cls, message(f"input.where.{kind}", "en", **parts))
        place.kind, place.parts = kind, parts
        return place

    def renamed(self, rename: Callable[[str], str]) -> Place:
        """The place with ``rename`` applied to each file name in it (a temporary path → the
        name the person gave the file)."""
        return Place(self.kind, **{k: v.renamed(rename) if isinstance(v, Place) else
                                   rename(v) if isinstance(v, str) else v for k, v in self.parts.items()})

    def text(self, lang: str) -> str:
        return message(f"input.where.{self.kind}", lang, **_in_language(self.parts, lang))


class Phrase(str):
    """A text of the catalogue (``key`` with ``params``) as a parameter of a message or of an
    error, worded in the language the message is said in; as a ``str`` it is the English form.

    >>> feature = Phrase("error.feature.dask", spec="tcp://host:8786")
    >>> str(feature), feature.text("de")
    ('the Dask scheduler tcp://host:8786', 'der Dask-Scheduler tcp://host:8786')
    """

    key: str
    params: dict[str, object]

    def __new__(cls, key: str, /, **params: object) -> Phrase:
        phrase = super().__new__(cls, message(key, "en", **_in_language(params, "en")))
        phrase.key, phrase.params = key, params
        return phrase

    def text(self, lang: str) -> str:
        return message(self.key, lang, **_in_language(self.params, lang))


def _in_language(params: Mapping[str, object], lang: str) -> dict[str, object]:
    """Message parameters with the counts, figures, places and phrases among them worded for ``lang``."""
    return {k: v.text(lang) if isinstance(v, Count | Figure | Place | Phrase) else v
            for k, v in params.items()}


class NetzError(Exception):
    """Base class of all errors netz raises on purpose.

    An error says *what* went wrong as a message key of the catalogue (:mod:`netz.messages`) with
    its parameters, so that the command line and the service can say it in the user's language
    (:meth:`text`); ``str()`` is the English text. A parameter that is a :class:`Count`, a
    :class:`Place` or a :class:`Phrase` is worded in that language too; a text that is not a key
    is said as it is.

    Every one pickles with all it carries (an :class:`InputError`'s problems with file, row
    and column, an :class:`UnknownNameError`'s accepted names), so that an error raised in a
    worker process or on a Dask cluster (:func:`netz.cohort.batch.open_executor`) reaches the caller
    as it was raised. (Python's default rebuilds an exception by calling its class with
    ``args``, the message, which subclasses with other parameters cannot take.)

    >>> error = NetzError("error.override.whole", name="major_min", value="drei")
    >>> print(error); print(error.text("de"))
    setting 'major_min' must be a whole number, not 'drei'
    Die Einstellung „major_min“ muss eine ganze Zahl sein, nicht „drei“
    """

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        """What went wrong, in ``lang``."""
        return message(self.key, lang, **_in_language(self.params, lang))

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls: type[NetzError], args: tuple[Any, ...], state: dict[str, Any]) -> NetzError:
    """A pickled :class:`NetzError` again, without calling its ``__init__``."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    ``code`` is the message key of what is wrong (``"input.self_loop"``) and ``params`` fill
    its placeholders; a text that is not a key of the catalogue is shown as it is.

    >>> problem = Problem("input.weight_bad", "ties.csv", 3, "Stärke", {"value": "x"})
    >>> problem.where("de")
    'ties.csv, Zeile 3, Spalte „Stärke“'
    >>> problem.where("en")
    "ties.csv, row 3, column 'Stärke'"
    """

    code: str
    file: str | None = None
    row: int | str | None = None
    column: str | None = None
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        """What is wrong, in English, without where."""
        return self.what("en")

    def what(self, lang: str) -> str:
        """What is wrong in ``lang``, without where."""
        return message(self.code, lang, **_in_language(self.params, lang))

    def where(self, lang: str) -> str:
        """File, row and column in ``lang`` ("ties.csv, Zeile 3, Spalte „Stärke“"); "" if unknown."""
        row = None if self.row is None else (
            message("input.where.row", lang, row=self.row) if isinstance(self.row, int) else str(self.row))
        column = None if self.column is None else message("input.where.column", lang, column=self.column)
        return ", ".join(part for part in (self.file_in(lang), row, column) if part)

    def file_in(self, lang: str) -> str | None:
        """The file in ``lang`` ("ties.csv aus b.zip"; a plain file name as it is)."""
        return self.file.text(lang) if isinstance(self.file, Place) else self.file

    def text(self, lang: str = "en") -> str:
        """Where and what, in ``lang``."""
        where = self.where(lang)
        return f"{where}: {self.what(lang)}" if where else self.what(lang)

    def __str__(self) -> str:
        return self.text("en")

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        return {"file": self.file_in(lang), "row": self.row, "column": self.column, "code": self.code,
                "params": {k: v if isinstance(v, int | float | str) else str(v)
                           for k, v in self.params.items()},
                "message": self.what(lang)}


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
        first = self.problems[0]  # the key of the first problem, as file, row and column are its
        super().__init__(first.code, **first.params)

    @classmethod
    def single(
        cls,
        code: str,
        *,
        file: str | None = None,
        row: int | str | None = None,
        column: str | None = None,
        **params: object,
    ) -> InputError:
        """One problem: ``code`` its message key, ``params`` the key's placeholders."""
        return cls(Problem(code, file=file, row=row, column=column, params=params))

    @property
    def file(self) -> str | None:
        return self.problems[0].file

    @property
    def row(self) -> int | str | None:
        return self.problems[0].row

    @property
    def column(self) -> str | None:
        return self.problems[0].column

    def text(self, lang: str = "en") -> str:
        """Every problem (the first :data:`MAX_LISTED_PROBLEMS`, then how many more) in ``lang``."""
        if len(self.problems) == 1:
            return self.problems[0].text(lang)
        listed = self.problems[:MAX_LISTED_PROBLEMS]
        lines = [message("input.problems", lang, n=len(self.problems))]
        lines += [f"  - {problem.text(lang)}" for problem in listed]
        if len(self.problems) > len(listed):
            lines.append("  " + message("input.more", lang, n=len(self.problems) - len(listed)))
        return "\n".join(lines)


class UnknownNameError(NetzError):
    """A name the user gave that is not there: an actor id, a wave, a column to group by, a
    setting, an actor type.

    A mistake in a request, not a bug, and so not a ``KeyError``: the command line prints it,
    the service answers it with a 422 problem, while a ``KeyError`` stays what it is in
    Python, a failed lookup in netz's own code.

    Parameters
    ----------
    key
        The message key of what was not found, e.g. ``"error.name.no_wave"``; its ``{name}`` is
        the unknown name (names joined by commas), its other placeholders come from ``params``.
    name
        The unknown name, or names.
    accepted
        The names that would have been accepted, listed in the message after ``heading``
        (the first :data:`MAX_LISTED_NAMES` of them).
    heading
        The message key that introduces them, e.g. ``"error.name.heading.waves"``.
    note
        The message key of anything to add at the end, or None.
    parameter
        The option that named it, where there is one (``group_by``, ``wave``): the service
        puts it into its problem answer.

    Examples
    --------
    >>> error = UnknownNameError("error.name.no_wave", name="2030", accepted=["2023", "2024"],
    ...                          heading="error.name.heading.waves")
    >>> str(error), error.text("de")
    ("no wave '2030'; waves: 2023, 2024", 'Es gibt keine Welle „2030“; Wellen: 2023, 2024')
    """

    def __init__(self, key: str, /, *, name: str | list[str], accepted: Sequence[object],
                 heading: str = "error.name.heading.accepted", note: str | None = None,
                 parameter: str | None = None, **params: object) -> None:
        self.name = name
        self.parameter = parameter
        self.accepted = [str(a) for a in accepted]
        self.heading = heading
        self.note = note
        named = ", ".join(name) if isinstance(name, list) else name
        super().__init__(key, **{"name": named, **params})

    def text(self, lang: str = "en") -> str:
        """What was not found and the names accepted instead, in ``lang``."""
        listed = ", ".join(self.accepted[:MAX_LISTED_NAMES]) or message("error.name.none", lang)
        if len(self.accepted) > MAX_LISTED_NAMES:
            listed += message("error.name.more", lang, n=Count(len(self.accepted)).text(lang))
        return message("error.name.listing", lang, what=super().text(lang),
                       heading=message(self.heading, lang), names=listed,
                       note=message(self.note, lang) if self.note else "")


class NotInstalledError(NetzError):
    """A feature needs an optional part of netz that is not installed.

    The library installs without the service and without batch output; their
    dependencies come with the extras ``netz[service]`` and ``netz[batch]``.

    Parameters
    ----------
    feature
        What the user asked for: a message key (``"error.feature.batch_parquet"``) or a
        :class:`Phrase` with parameters.
    module
        The missing module.
    extra
        The extra that installs it.
    """

    def __init__(self, feature: str, module: str, extra: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__("error.not_installed", module=module, extra=extra,
                         feature=feature if isinstance(feature, Phrase) else Phrase(feature))


def require(module: str, *, extra: str, feature: str) -> None:
    """Raise :class:`NotInstalledError` if ``module`` cannot be imported.

    Called before the work starts, so that a batch does not compute for an hour and
    then fail to write its Parquet tables.
    """
    if importlib.util.find_spec(module) is None:
        raise NotInstalledError(feature, module, extra)

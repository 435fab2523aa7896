"""Tables as coordinators write them: CSV files from German office software, and column names.

:func:`read_csv_table` turns a CSV file into a DataFrame of text cells whose
index is the row number a spreadsheet shows (header = row 1). It accepts comma,
semicolon or tab separators and UTF-8 (with or without byte-order mark),
Windows-1252 or UTF-16 with a byte-order mark, which is what Excel and
LibreOffice write in Germany.
:func:`canonical_columns` renames German and English column headers to netz's
canonical names.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from netz.core.errors import Figure, InputError, Problem
from netz.core.limits import DEFAULT_LIMITS, Limits
from netz.core.vocabulary import fold

__all__ = [
    "ACTOR_ALIASES",
    "ACTOR_REQUIRED",
    "MEMBERSHIP_ALIASES",
    "MEMBERSHIP_REQUIRED",
    "TIE_ALIASES",
    "TIE_REQUIRED",
    "canonical_columns",
    "check_bytes",
    "cite_headers",
    "decode_text",
    "read_csv_table",
    "row_limit",
    "rows_are",
    "rows_to_frame",
    "written_headers",
]

ACTOR_ALIASES: Mapping[str, tuple[str, ...]] = {
    "id": ("id", "kennung", "kuerzel", "akteurid", "actorid", "nr", "nummer"),
    "name": ("name", "bezeichnung", "label", "organisation", "organization"),
    "type": ("type", "typ", "art", "akteurstyp", "actortype", "sektor", "sector", "bereich"),
}
TIE_ALIASES: Mapping[str, tuple[str, ...]] = {
    "source": ("source", "quelle", "von", "from", "akteur1", "actor1"),
    "target": ("target", "ziel", "an", "partner", "to", "nach", "akteur2", "actor2"),
    "weight": ("weight", "gewicht", "staerke", "strength", "intensitaet", "haeufigkeit"),
    "kind": ("kind", "kooperationsart", "art", "artderkooperation", "type", "typ"),
    "wave": ("wave", "welle", "jahr", "year", "erhebung", "runde"),
}
MEMBERSHIP_ALIASES: Mapping[str, tuple[str, ...]] = {
    "actor": ("actor", "akteur", "id", "kennung", "source", "mitglied", "member"),
    "group": ("group", "gruppe", "arbeitskreis", "ag", "workinggroup", "gremium", "projekt"),
}

#: The required columns of actor, tie and membership tables.
ACTOR_REQUIRED = ("id", "type")
TIE_REQUIRED = ("source", "target")
MEMBERSHIP_REQUIRED = ("actor", "group")
_GERMAN_HEADERS = {
    "id": "'Kennung'", "type": "'Typ' / 'Art'", "source": "'Von' / 'Quelle'",
    "target": "'An' / 'Ziel' / 'Partner'", "actor": "'Akteur'", "group": "'Gruppe' / 'Arbeitskreis'",
}
#: Rows looked at for a title above the header (see :func:`_title_rows`).
_TITLE_ROWS = 10

#: The message key (``input.binary.*``) of files that are no text, by their first bytes.
_BINARY_SIGNATURES: Mapping[bytes, str] = {
    b"PK\x03\x04": "input.binary.zip",
    b"\xd0\xcf\x11\xe0": "input.binary.xls",
    b"%PDF": "input.binary.pdf",
}


# A character of two or three bytes as UTF-8 writes it. Windows-1252 text (one byte per
# character) rarely holds such bytes ("Ã¼" is what "ü" in UTF-8 looks like there), and when it
# does ("Fuß“" is DF 93) they stand for no character of a European text (U+07D3); see _LATIN.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
# Accented letters, quotes, dashes and the euro sign: what UTF-8 rows of a German file hold.
_LATIN = re.compile("[\u00a0-\u017f\u2010-\u20ac]")
# A quoted cell, or an unclosed quote to the end of the line.
_QUOTED = re.compile(r'"[^"]*(?:"|$)')


def decode_text(data: bytes, file: str) -> str:
    """Decode a text file: UTF-8 (byte-order mark optional), UTF-16 with a byte-order mark
    (Excel's "Unicode text"), else Windows-1252.

    A file that is partly UTF-8 and partly Windows-1252 (rows pasted together from two
    sources) is refused with the rows of both, rather than read as silent mojibake; so is a
    file whose byte-order mark promises an encoding its bytes do not keep.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, 0, "utf-16", "UTF-16", file)
    for signature, code in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise InputError.single(code, file=file)
    if b"\x00" in data[:8192]:
        raise InputError.single("input.binary.other", file=file)
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, 3, "utf-8", "UTF-8", file)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8 = next((m for m in _UTF8_SEQUENCE.finditer(data)
                     if _LATIN.fullmatch(m.group().decode("utf-8", errors="replace"))), None)
        if utf8 is not None:
            raise InputError.single(
                "input.mixed_encodings", file=file, row=_line_of(data, error.start),
                utf8_row=_line_of(data, utf8.start()), cp1252_row=_line_of(data, error.start),
            ) from None
        return data.decode("cp1252", errors="replace")


def _strict(data: bytes, skip: int, codec: str, name: str, file: str) -> str:
    """``data[skip:]`` decoded, or an error citing the row of the first byte that does not fit."""
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError as error:
        position = skip + error.start
        raise InputError.single("input.bad_bom", file=file, row=_line_of(data, position), encoding=name,
                                byte=position + 1) from None


def _line_of(data: bytes, position: int) -> int:
    """The line (1-based) of a byte position: the row a spreadsheet shows, unless a quoted
    cell above holds line breaks."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data[:position].decode("utf-16", errors="replace").count("\n") + 1
    return data.count(b"\n", 0, position) + 1


def check_bytes(size: int, file: str, limits: Limits) -> None:
    """Refuse a file (or an archive's contents) larger than ``limits.max_unpacked_bytes``."""
    if size > limits.max_unpacked_bytes:
        raise InputError.single("input.too_many_bytes", file=file, size=Figure(size / 2**20),
                                most=Figure(limits.max_unpacked_bytes / 2**20))


def read_csv_table(
    path: Path, *, file: str | None = None, limits: Limits = DEFAULT_LIMITS, rows: str = "max_rows"
) -> pd.DataFrame:
    """Read a CSV file into text cells; the index is the spreadsheet row (header = row 1).

    Blank rows are dropped (their numbers are skipped, so later rows keep the
    number the user sees); columns without a header and without values (trailing
    separators) are dropped. The file's size, its columns and its rows are checked
    against ``limits`` before (and while) it is parsed; ``rows`` names the limit on
    its rows besides ``max_rows`` (``max_actors`` for an actors table: each row is one).
    """
    file = file or path.name
    check_bytes(path.stat().st_size, file, limits)
    return parse_csv_text(decode_text(path.read_bytes(), file), file, limits=limits, rows=rows)


def rows_are(limit: str) -> str:
    """What the rows of a table bounded by ``limit`` are, for the error: the unit of
    :meth:`netz.core.limits.Limits.exceeded` (``actors_or_more`` …)."""
    return {"max_actors": "actors", "max_ties": "ties"}.get(limit, "rows") + "_or_more"


def row_limit(limits: Limits, rows: str) -> str:
    """The tighter of ``max_rows`` and the limit ``rows`` (``max_actors``, ``max_ties`` …)."""
    return rows if getattr(limits, rows) < limits.max_rows else "max_rows"


def parse_csv_text(
    text: str, file: str, *, limits: Limits = DEFAULT_LIMITS, rows: str = "max_rows"
) -> pd.DataFrame:
    """Parse CSV text (see :func:`read_csv_table`): at most one row more than the limit is read."""
    rows = row_limit(limits, rows)
    most = getattr(limits, rows)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError.single("input.empty_file", file=file)
    first = re.split(r"\r\n|\r|\n", text, maxsplit=_TITLE_ROWS)[:_TITLE_ROWS]
    lines = [_QUOTED.sub("", line) for line in first]
    separator = _separator([line for line in lines if line.strip()])
    unquoted = next((line for line in lines if line.count(separator)), lines[0])
    if unquoted.count(separator) + 1 > limits.max_columns:
        raise limits.exceeded("max_columns", unquoted.count(separator) + 1, "columns_in_header",
                              file=file, row=1)
    try:
        # header=None: with a header row, pandas would silently take the first column as the
        # index of rows that have one cell more than the header. nrows: one row more than the
        # limit is enough to know it is exceeded.
        cells = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, na_filter=False,
            skip_blank_lines=False, engine="c", header=None, index_col=False,
            nrows=most + 2,
        )
    except pd.errors.ParserError:
        # A row wider than the first one, or an unclosed quote: go row by row to say which.
        return rows_to_frame(_csv_rows(text, separator, file, limits, rows), file)
    title = _title_rows(cells.iloc[:_TITLE_ROWS].to_numpy().tolist())
    if len(cells) - 1 - title > most:
        raise limits.exceeded(rows, len(cells) - 1 - title, rows_are(rows), file=file)
    header = [str(c).strip() for c in cells.iloc[title]]
    _check_header(header, file, row=title + 1)
    frame = cells.iloc[title + 1:].set_axis(header, axis="columns")
    # Columns without a header and without values come from trailing separators.
    keep = [i for i, c in enumerate(header) if c or frame.iloc[:, i].str.strip().ne("").any()]
    frame = frame.iloc[:, keep]
    frame.index = frame.index + 1
    return _drop_blank_rows(frame)


def _csv_rows(
    text: str, separator: str, file: str, limits: Limits, limit: str
) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True):
            rows.append((len(rows) + 1, cells))
            if len(rows) - 1 > getattr(limits, limit):
                raise limits.exceeded(limit, len(rows) - 1, rows_are(limit), file=file)
            if len(cells) > limits.max_columns:
                raise limits.exceeded("max_columns", len(cells), "cells_in_row", file=file,
                                      row=len(rows))
    except csv.Error as error:
        raise InputError.single("input.bad_quote", file=file, row=len(rows) + 1, error=str(error)) from None
    return rows


def rows_to_frame(rows: list[tuple[int, list[str]]], file: str) -> pd.DataFrame:
    """Build a text table from (row number, cells) pairs whose first pair is the header, or
    whose header follows a title (see :func:`_title_rows`)."""
    if not rows:
        raise InputError.single("input.empty_sheet", file=file)
    rows = rows[_title_rows([cells for _, cells in rows[:_TITLE_ROWS]]):]
    header = [c.strip() for c in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    _check_header(header, file, row=rows[0][0])
    width = len(header)
    body = [(number, (cells + [""] * width)[:width]) for number, cells in rows[1:]]
    for number, cells in rows[1:]:
        if any(c.strip() for c in cells[width:]):
            raise InputError.single("input.beyond_header", file=file, row=number, last=header[-1])
    frame = pd.DataFrame([cells for _, cells in body], columns=header, dtype=object,
                         index=pd.Index([n for n, _ in body], dtype="int64"))
    return _drop_blank_rows(frame)


def canonical_columns(
    frame: pd.DataFrame,
    aliases: Mapping[str, tuple[str, ...]],
    file: str,
    *,
    required: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Rename known column headers (any case, umlauts, spacing) to canonical names.

    A canonical column named by two headers (say ``id`` and ``Kennung``) is an
    error, since we could not know which one is meant. Unknown headers are kept
    as attribute columns under their own name. A ``required`` column that no
    header names is an error listing the headers as the file has them.
    """
    renames: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for column in frame.columns:
        key = fold(str(column))
        canonical = next((c for c, names in aliases.items() if key in names), None)
        if canonical is None:
            continue
        if canonical in claimed:
            raise InputError.single("input.column_twice_named", file=file, row=1, column=str(column),
                                    first=claimed[canonical], second=str(column), canonical=canonical)
        renames[column] = canonical
        claimed[canonical] = str(column)
    missing = [c for c in required if c not in claimed]
    if missing:
        found = ", ".join(f"'{c}'" for c in frame.columns) or "—"
        german = _GERMAN_HEADERS.get(missing[0])
        raise InputError.single(
            "input.missing_column_german" if german else "input.missing_column", file=file, row=1,
            column=missing[0], missing=repr(missing[0]), german=german or "", found=found,
        )
    return frame.rename(columns=renames)


def written_headers(raw: pd.DataFrame, renamed: pd.DataFrame) -> dict[str, str]:
    """``{canonical name: header as written}`` for the columns :func:`canonical_columns` renamed."""
    return {str(new): str(old) for old, new in zip(raw.columns, renamed.columns, strict=True) if old != new}


def cite_headers(problems: Iterable[Problem], headers: Mapping[str, Mapping[str, str]]) -> list[Problem]:
    """Problems that cite a column by the header the user wrote ("Stärke"), not by "weight".

    ``headers`` maps a file name to :func:`written_headers` of its table.
    """
    return [
        dataclasses.replace(p, column=headers.get(p.file or "", {}).get(p.column or "", p.column))
        for p in problems
    ]


def _check_header(header: list[str], file: str, *, row: int = 1) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        name = name.strip().lstrip("\ufeff")
        if not name:
            continue
        if name in seen:
            raise InputError(Problem("input.column_twice", file, row, name,
                                     {"name": name, "first": seen[name], "second": position}))
        seen[name] = position
    if not seen:
        raise InputError.single("input.empty_header", file=file, row=row)


def _separator(lines: list[str]) -> str:
    """The separator of the first (unquoted) lines: the one whose count is the same on the most
    lines, then the one with the larger count; ``;`` first on a tie, as German files use it.

    Looking at several lines rather than the header alone, a title line above the header
    ("Akteure, Stand 2024") does not decide.

    >>> _separator(["Akteure, Stand 2024", "id;name;type", "a;A;Kirche"])
    ';'
    >>> _separator(["id,name,type", "a,Foo; Bar; Baz; Qux,Kirche", "b,B,Verein"])
    ','
    """
    def score(separator: str) -> tuple[int, int]:
        counts = [line.count(separator) for line in lines if line.count(separator)]
        if not counts:
            return 0, 0
        usual = max(set(counts), key=lambda c: (counts.count(c), c))
        return counts.count(usual), usual

    return max((";", ",", "\t"), key=score)


def _title_rows(rows: Sequence[Sequence[object]]) -> int:
    """How many rows above the header are a title ("Akteure im Bündnis, Stand 2024").

    A header names at least two columns (every table has two required ones): a first row of
    exactly one filled cell, and the blank rows after it, above the first row with two or
    more are a title. Looked for among the first rows only; 0 when there is none. (A first
    row with no filled cell is an empty header, not a title.)

    >>> _title_rows([["Akteure 2024", ""], ["", ""], ["id", "type"], ["a", "Kirche"]])
    2
    >>> _title_rows([["id", "type"], ["a", ""]]), _title_rows([["", ""], ["a", "b"]])
    (0, 0)
    """
    def filled(cells: Sequence[object]) -> int:
        return sum(1 for cell in cells if str(cell).strip())

    if not rows or filled(rows[0]) != 1:
        return 0
    for position, cells in enumerate(rows[1:], start=1):
        if filled(cells) >= 2:
            return position
        if filled(cells):
            return 0
    return 0


def _count_outside_quotes(line: str, separator: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            count += 1
    return count


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    filled = frame.apply(lambda column: column.astype(str).str.strip().ne("")).any(axis=1)
    return frame[filled]

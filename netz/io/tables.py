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
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from netz.errors import InputError, Problem
from netz.limits import DEFAULT_LIMITS, Limits
from netz.vocabulary import fold

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
    "id": "'Kennung'", "type": "'Typ' or 'Art'", "source": "'Von' or 'Quelle'",
    "target": "'An', 'Ziel' or 'Partner'", "actor": "'Akteur'", "group": "'Gruppe' or 'Arbeitskreis'",
}

_BINARY_SIGNATURES: Mapping[bytes, str] = {
    b"PK\x03\x04": "a zip archive or an Excel workbook (.xlsx); save the sheet as CSV, "
    "or read the .xlsx file itself",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls); save it as .xlsx or CSV",
    b"%PDF": "a PDF document",
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
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise InputError.single(f"this is {what}, not a CSV text file", file=file)
    if b"\x00" in data[:8192]:
        raise InputError.single("this is a binary file, not a CSV text file", file=file)
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, 3, "utf-8", "UTF-8", file)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8 = next((m for m in _UTF8_SEQUENCE.finditer(data)
                     if _LATIN.fullmatch(m.group().decode("utf-8", errors="replace"))), None)
        if utf8 is not None:
            raise InputError.single(
                f"the file mixes two encodings: row {_line_of(data, utf8.start())} is UTF-8, row "
                f"{_line_of(data, error.start)} is Windows-1252 (for example 'ü' as one byte); "
                "save the whole file again as UTF-8",
                file=file, row=_line_of(data, error.start),
            ) from None
        return data.decode("cp1252", errors="replace")


def _strict(data: bytes, skip: int, codec: str, name: str, file: str) -> str:
    """``data[skip:]`` decoded, or an error citing the row of the first byte that does not fit."""
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError as error:
        position = skip + error.start
        raise InputError.single(
            f"the file starts with the byte-order mark of {name}, but this row is not {name} "
            f"(byte {position + 1}); save the whole file again as UTF-8",
            file=file, row=_line_of(data, position),
        ) from None


def _line_of(data: bytes, position: int) -> int:
    """The line (1-based) of a byte position: the row a spreadsheet shows, unless a quoted
    cell above holds line breaks."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data[:position].decode("utf-16", errors="replace").count("\n") + 1
    return data.count(b"\n", 0, position) + 1


def check_bytes(size: int, file: str, limits: Limits) -> None:
    """Refuse a file (or an archive's contents) larger than ``limits.max_unpacked_bytes``."""
    if size > limits.max_unpacked_bytes:
        raise InputError.single(
            f"{size / 2**20:,.1f} MiB to read; at most {limits.max_unpacked_bytes / 2**20:,.1f} MiB are "
            "accepted (limit max_unpacked_bytes; raise it to read larger inputs)", file=file,
        )


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
    """What the rows of a table bounded by ``limit`` are, for the error: "actors or more" …"""
    return {"max_actors": "actors", "max_ties": "ties"}.get(limit, "rows") + " or more"


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
        raise InputError.single("the file is empty; expected a header row and data rows", file=file)
    header_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    unquoted = _QUOTED.sub("", header_line)
    separator = max((";", ",", "\t"), key=unquoted.count)
    if unquoted.count(separator) + 1 > limits.max_columns:
        raise limits.exceeded("max_columns", unquoted.count(separator) + 1, "columns in the header",
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
    if len(cells) - 1 > most:
        raise limits.exceeded(rows, len(cells) - 1, rows_are(rows), file=file)
    header = [str(c).strip() for c in cells.iloc[0]]
    _check_header(header, file)
    frame = cells.iloc[1:].set_axis(header, axis="columns")
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
                raise limits.exceeded("max_columns", len(cells), "cells in the row", file=file,
                                      row=len(rows))
    except csv.Error as error:
        raise InputError.single(
            f"cannot read the row ({error}); check for an unclosed or stray quote '\"'",
            file=file, row=len(rows) + 1,
        ) from None
    return rows


def rows_to_frame(rows: list[tuple[int, list[str]]], file: str) -> pd.DataFrame:
    """Build a text table from (row number, cells) pairs whose first pair is the header."""
    if not rows:
        raise InputError.single("the sheet is empty; expected a header row and data rows", file=file)
    header = [c.strip() for c in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    _check_header(header, file, row=rows[0][0])
    width = len(header)
    body = [(number, (cells + [""] * width)[:width]) for number, cells in rows[1:]]
    for number, cells in rows[1:]:
        if any(c.strip() for c in cells[width:]):
            raise InputError.single(
                f"the row has values beyond the last column with a header ('{header[-1]}')",
                file=file, row=number,
            )
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
            raise InputError.single(
                f"both '{claimed[canonical]}' and '{column}' name the column '{canonical}'; keep one",
                file=file, row=1, column=str(column),
            )
        renames[column] = canonical
        claimed[canonical] = str(column)
    missing = [c for c in required if c not in claimed]
    if missing:
        hint = f" (in German: {_GERMAN_HEADERS[missing[0]]})" if missing[0] in _GERMAN_HEADERS else ""
        found = ", ".join(f"'{c}'" for c in frame.columns) or "none"
        raise InputError.single(
            f"missing required column '{missing[0]}'{hint}; columns found: {found}",
            file=file, row=1, column=missing[0],
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
            raise InputError(Problem(
                f"column name '{name}' appears twice (columns {seen[name]} and {position})",
                file, row, name,
            ))
        seen[name] = position
    if not seen:
        raise InputError.single("the header row is empty; expected column names", file=file, row=row)


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

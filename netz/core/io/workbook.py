"""Excel workbooks (.xlsx): sheets ``actors``/``Akteure``, ``ties``/``Kooperationen``, ``alliance``.

openpyxl parses the workbook's XML through defusedxml (installed with netz), so
entity tricks inside a workbook are refused; the archive is checked for its
unpacked size before anything is read, against zip bombs.

What a workbook cannot carry: Excel knows only one kind of number, so a number
column whose values are all whole (2.0, 15.0) reads back as integers; metadata
that is a list or a mapping is written as its JSON text and reads back as that
text; dates in the ``alliance`` sheet read back as ISO text (``2015-03-01``); control
characters a workbook's XML cannot hold are written as spaces, as the readers do with
table cells (see :mod:`netz.core.io.xmlchars`).
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell

from netz.core.errors import InputError, Place
from netz.core.io.folder import add_co_membership_ties, alliance_from_tables
from netz.core.io.meta import parse_meta
from netz.core.io.tables import (
    ACTOR_ALIASES,
    ACTOR_REQUIRED,
    MEMBERSHIP_ALIASES,
    MEMBERSHIP_REQUIRED,
    TIE_ALIASES,
    TIE_REQUIRED,
    canonical_columns,
    check_bytes,
    row_limit,
    rows_are,
    rows_to_frame,
    written_headers,
)
from netz.core.io.xmlchars import xml_safe
from netz.core.limits import DEFAULT_LIMITS, Limits
from netz.core.model import Alliance, plain_value
from netz.core.vocabulary import fold

__all__ = ["read_workbook", "write_workbook"]

_SHEETS = {
    "actors": ("actors", "akteure", "akteurinnen"),
    "ties": ("ties", "kooperationen", "kooperation", "beziehungen"),
    "meta": ("alliance", "buendnis", "metadaten", "meta"),
    "memberships": ("memberships", "mitgliedschaften"),
}


def read_workbook(
    path: Path, *, directed: bool | None = None, lenient: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Alliance:
    """Read an alliance from an .xlsx workbook.

    The workbook's unpacked size is checked before it is opened, and each sheet is read
    only up to one row more than ``limits.max_rows`` and one column more than
    ``limits.max_columns``.
    """
    file = path.name
    _check_archive(path, file, limits)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        # Its messages may name the file by its path (on a server: a temporary one); say the name.
        reason = str(error).replace(str(path), file)
        raise InputError.single("input.xlsx_cannot_open", file=file, reason=reason) from None
    try:
        sheets = {role: _find_sheet(book, names) for role, names in _SHEETS.items()}
        if sheets["actors"] is None or (sheets["ties"] is None and sheets["memberships"] is None):
            raise InputError.single("input.no_sheets", file=file,
                                    found=", ".join(repr(s) for s in book.sheetnames))
        meta: dict[str, Any] = {}
        declared: bool | None = None
        if sheets["meta"] is not None:
            meta, declared = _read_meta_sheet(
                book[sheets["meta"]], Place("sheet", file=file, sheet=sheets["meta"]), limits)
        directed = directed if directed is not None else bool(declared)
        headers: dict[str, dict[str, str]] = {}
        actors_file = Place("sheet", file=file, sheet=sheets["actors"])
        actors = _sheet_table(book[sheets["actors"]], ACTOR_ALIASES, actors_file, headers, ACTOR_REQUIRED,
                              limits, "max_actors")
        if actors.empty:
            raise InputError.single("input.no_actors", file=actors_file)
        if sheets["ties"] is not None:
            ties_file = Place("sheet", file=file, sheet=sheets["ties"])
            ties = _sheet_table(book[sheets["ties"]], TIE_ALIASES, ties_file, headers, TIE_REQUIRED, limits,
                                "max_ties")
        else:
            ties_file, ties = Place("sheet", file=file, sheet=sheets["memberships"]), pd.DataFrame(
                columns=["source", "target"])
        if sheets["memberships"] is not None:
            members_file = Place("sheet", file=file, sheet=sheets["memberships"])
            members = _sheet_table(book[sheets["memberships"]], MEMBERSHIP_ALIASES, members_file, headers,
                                   MEMBERSHIP_REQUIRED, limits, "max_rows")
            ties = add_co_membership_ties(ties, members, actors, directed=directed, file=members_file,
                                          limits=limits)
    finally:
        book.close()
    return alliance_from_tables(
        actors, ties, headers, directed=directed, meta=meta, lenient=lenient,
        actors_file=actors_file, ties_file=ties_file, limits=limits,
    )


def _sheet_table(
    sheet: Any, aliases: Mapping[str, tuple[str, ...]], file: str, headers: dict, required: tuple[str, ...],
    limits: Limits, rows: str,
) -> pd.DataFrame:
    raw = _sheet_frame(sheet, file, limits, rows)
    table = canonical_columns(raw, aliases, file, required=required)
    headers[file] = written_headers(raw, table)
    return table


def _check_archive(path: Path, file: str, limits: Limits) -> None:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError.single("input.xlsx_old", file=file)
    if not zipfile.is_zipfile(path):
        raise InputError.single("input.xlsx_not", file=file)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError.single("input.workbook_damaged", error=str(error), file=file) from None
    check_bytes(sum(info.file_size for info in infos), file, limits)


def _find_sheet(book: Any, names: tuple[str, ...]) -> str | None:
    return next((s for s in book.sheetnames if fold(s) in names), None)


def _sheet_frame(sheet: Any, file: str, limits: Limits, rows_limit: str) -> pd.DataFrame:
    """The sheet's rows as text, read up to one row and one column beyond the limits.

    Rows count from the header (the first non-empty row); ``rows_limit`` names the limit on
    them besides ``max_rows``, as in :func:`~netz.core.io.tables.read_csv_table`.

    The size the sheet declares (its "dimension") is ignored: it may be wrong, and a
    forged one (A1:XFD1048576) would pad every row to 16,384 cells.
    """
    sheet.reset_dimensions()
    limit = row_limit(limits, rows_limit)
    most = getattr(limits, limit)
    rows: list[tuple[int, list[str]]] = []
    for number, values in _rows_of(sheet, file):
        if len(values) > limits.max_columns:
            raise limits.exceeded("max_columns", len(values), "columns", file=file, row=number)
        cells = [_cell(v) for v in values]
        if rows or any(cells):  # the header is the first non-empty row
            rows.append((number, cells))
        if len(rows) - 1 > most:
            raise limits.exceeded(limit, len(rows) - 1, rows_are(limit), file=file)
    return rows_to_frame(rows, file)


def _rows_of(sheet: Any, file: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of a sheet; a part that turns out broken while read is an InputError.

    openpyxl reads a sheet only as it is iterated, and raises many kinds of exception for
    broken XML; errors raised by the caller's loop body do not pass through here.
    """
    try:
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except Exception as error:  # see above
        raise InputError.single("input.sheet_damaged", error=str(error), file=file) from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_meta_sheet(sheet: Any, file: str, limits: Limits) -> tuple[dict[str, Any], bool | None]:
    sheet.reset_dimensions()
    pairs: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for number, values in _rows_of(sheet, file):
        if number > limits.max_rows + 1:
            raise limits.exceeded("max_rows", number - 1, "rows_or_more", file=file)
        if not values or values[0] is None or str(values[0]).strip() == "":
            continue
        key = str(values[0]).strip()
        if fold(key) in ("key", "schluessel", "feld", "field") and number == 1:
            continue  # a header row
        value = values[1] if len(values) > 1 else None
        # Dates as ISO text: metadata must stay JSON (reports, alliance.json).
        pairs[key] = _cell(value) if isinstance(value, str | dt.date | dt.time) else value
        rows[key] = number
    return parse_meta(pairs, file=file, rows=rows, limits=limits)


def write_workbook(alliance: Alliance, path: Path, *, german: bool = False) -> None:
    """Write the sheets ``alliance`` (key/value), ``actors`` and ``ties``; ``german=True``: named
    ``Bündnis``, ``Akteure`` and ``Kooperationen`` (read back alike)."""
    alliance = xml_safe(alliance)
    names = ("Bündnis", "Akteure", "Kooperationen") if german else ("alliance", "actors", "ties")
    book = openpyxl.Workbook(write_only=True)
    meta_sheet = book.create_sheet(names[0])
    meta_sheet.append(["key", "value"])
    for key, value in {**dict(alliance.meta), "directed": alliance.directed}.items():
        if isinstance(value, list | tuple | dict):  # a cell holds one value; keep the rest as JSON
            value = json.dumps(value, ensure_ascii=False)
        meta_sheet.append([_cell_to_write(meta_sheet, key), _cell_to_write(meta_sheet, value)])
    ties = alliance.ties if alliance.weighted else alliance.ties.drop(columns="weight")
    for name, frame in ((names[1], alliance.actors), (names[2], ties)):
        sheet = book.create_sheet(name)
        sheet.append([_cell_to_write(sheet, c) for c in frame.columns])
        for record in frame.itertuples(index=False):
            sheet.append([_cell_to_write(sheet, plain_value(v)) for v in record])
    book.save(path)


def _cell_to_write(sheet: Any, value: Any) -> Any:
    """A value for ``sheet.append``; text starting with "=" stays text, not a formula.

    openpyxl stores such strings as formulas, which have no value until a spreadsheet
    program computes them, so a name like "=Bündnis" would come back empty.
    """
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


"""Excel workbooks (.xlsx): sheets ``actors``/``Akteure``, ``ties``/``Kooperationen``, ``alliance``.

openpyxl parses the workbook's XML through defusedxml (installed with netz), so
entity tricks inside a workbook are refused; the archive is checked for its
unpacked size before anything is read, against zip bombs.

What a workbook cannot carry: Excel knows only one kind of number, so a number
column whose values are all whole (2.0, 15.0) reads back as integers; metadata
that is a list or a mapping is written as its JSON text and reads back as that
text; dates in the ``alliance`` sheet read back as ISO text (``2015-03-01``); control
characters a workbook's XML cannot hold are written as spaces, as the readers do with
table cells (see :mod:`netz.io.xmlchars`).
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell

from netz.errors import InputError
from netz.io.folder import add_co_membership_ties, alliance_from_tables
from netz.io.meta import parse_meta
from netz.io.tables import (
    ACTOR_ALIASES,
    ACTOR_REQUIRED,
    MAX_TABLE_BYTES,
    MEMBERSHIP_ALIASES,
    MEMBERSHIP_REQUIRED,
    TIE_ALIASES,
    TIE_REQUIRED,
    canonical_columns,
    rows_to_frame,
    written_headers,
)
from netz.io.xmlchars import xml_safe
from netz.model import Alliance, plain_value
from netz.vocabulary import fold

__all__ = ["read_workbook", "write_workbook"]

_SHEETS = {
    "actors": ("actors", "akteure", "akteurinnen"),
    "ties": ("ties", "kooperationen", "kooperation", "beziehungen"),
    "meta": ("alliance", "buendnis", "metadaten", "meta"),
    "memberships": ("memberships", "mitgliedschaften"),
}
#: Largest unpacked size of a workbook we open (bytes).
MAX_UNPACKED_BYTES = 4 * MAX_TABLE_BYTES


def read_workbook(path: Path, *, directed: bool | None = None, lenient: bool = False) -> Alliance:
    """Read an alliance from an .xlsx workbook."""
    file = path.name
    _check_archive(path, file)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise InputError.single(f"cannot open as an Excel workbook: {error}", file=file) from None
    try:
        sheets = {role: _find_sheet(book, names) for role, names in _SHEETS.items()}
        if sheets["actors"] is None or (sheets["ties"] is None and sheets["memberships"] is None):
            raise InputError.single(
                "expected the sheets 'actors' and 'ties' (or 'Akteure' and 'Kooperationen'); "
                f"sheets found: {', '.join(repr(s) for s in book.sheetnames)}",
                file=file,
            )
        meta: dict[str, Any] = {}
        declared: bool | None = None
        if sheets["meta"] is not None:
            meta, declared = _read_meta_sheet(book[sheets["meta"]], f"{file}, sheet '{sheets['meta']}'")
        directed = directed if directed is not None else bool(declared)
        headers: dict[str, dict[str, str]] = {}
        actors_file = f"{file}, sheet '{sheets['actors']}'"
        actors = _sheet_table(book[sheets["actors"]], ACTOR_ALIASES, actors_file, headers, ACTOR_REQUIRED)
        if actors.empty:
            raise InputError.single("the actors sheet has no actors below its header", file=actors_file)
        if sheets["ties"] is not None:
            ties_file = f"{file}, sheet '{sheets['ties']}'"
            ties = _sheet_table(book[sheets["ties"]], TIE_ALIASES, ties_file, headers, TIE_REQUIRED)
        else:
            ties_file, ties = f"{file}, sheet '{sheets['memberships']}'", pd.DataFrame(
                columns=["source", "target"])
        if sheets["memberships"] is not None:
            members_file = f"{file}, sheet '{sheets['memberships']}'"
            members = _sheet_table(book[sheets["memberships"]], MEMBERSHIP_ALIASES, members_file, headers,
                                   MEMBERSHIP_REQUIRED)
            ties = add_co_membership_ties(ties, members, actors, directed=directed, file=members_file)
    finally:
        book.close()
    return alliance_from_tables(
        actors, ties, headers, directed=directed, meta=meta, lenient=lenient,
        actors_file=actors_file, ties_file=ties_file,
    )


def _sheet_table(
    sheet: Any, aliases: Mapping[str, tuple[str, ...]], file: str, headers: dict, required: tuple[str, ...]
) -> pd.DataFrame:
    raw = _sheet_frame(sheet, file)
    table = canonical_columns(raw, aliases, file, required=required)
    headers[file] = written_headers(raw, table)
    return table


def _check_archive(path: Path, file: str) -> None:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError.single("this is an old Excel workbook (.xls); save it as .xlsx", file=file)
    if not zipfile.is_zipfile(path):
        raise InputError.single("this is not an Excel workbook (.xlsx); the file is damaged or of "
                                "another kind", file=file)
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputError.single(
                f"the workbook unpacks to {unpacked / 2**20:.0f} MiB; at most "
                f"{MAX_UNPACKED_BYTES // 2**20} MiB are accepted", file=file,
            )


def _find_sheet(book: Any, names: tuple[str, ...]) -> str | None:
    return next((s for s in book.sheetnames if fold(s) in names), None)


def _sheet_frame(sheet: Any, file: str) -> pd.DataFrame:
    rows: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in values]
        if rows or any(cells):  # the header is the first non-empty row
            rows.append((number, cells))
    return rows_to_frame(rows, file)


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


def _read_meta_sheet(sheet: Any, file: str) -> tuple[dict[str, Any], bool | None]:
    pairs: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not values or values[0] is None or str(values[0]).strip() == "":
            continue
        key = str(values[0]).strip()
        if fold(key) in ("key", "schluessel", "feld", "field") and number == 1:
            continue  # a header row
        value = values[1] if len(values) > 1 else None
        # Dates as ISO text: metadata must stay JSON (reports, alliance.json).
        pairs[key] = _cell(value) if isinstance(value, str | dt.date | dt.time) else value
        rows[key] = number
    return parse_meta(pairs, file=file, rows=rows)


def write_workbook(alliance: Alliance, path: Path) -> None:
    """Write the sheets ``alliance`` (key/value), ``actors`` and ``ties``."""
    alliance = xml_safe(alliance)
    book = openpyxl.Workbook(write_only=True)
    meta_sheet = book.create_sheet("alliance")
    meta_sheet.append(["key", "value"])
    for key, value in {**dict(alliance.meta), "directed": alliance.directed}.items():
        if isinstance(value, list | tuple | dict):  # a cell holds one value; keep the rest as JSON
            value = json.dumps(value, ensure_ascii=False)
        meta_sheet.append([_cell_to_write(meta_sheet, key), _cell_to_write(meta_sheet, value)])
    ties = alliance.ties if alliance.weighted else alliance.ties.drop(columns="weight")
    for name, frame in (("actors", alliance.actors), ("ties", ties)):
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


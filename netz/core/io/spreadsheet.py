"""CSV files that are safe to open in Excel or LibreOffice ("CSV injection", formula injection).

A spreadsheet that opens a CSV file runs a cell as a formula when it starts with ``=``, ``+``,
``-`` or ``@`` (and some also when it starts with a tab or a carriage return). A name such as
``=HYPERLINK("http://…")`` or ``@SUM(1)`` typed into a survey would then run on the coordinator's
computer. The usual defence (OWASP, "CSV Injection",
https://owasp.org/www-community/attacks/CSV_Injection) is to put an apostrophe before such a
cell, so that the spreadsheet shows it as text.

:func:`spreadsheet_safe` does that to the text cells (and text column names) of a table before
``to_csv``. Numbers are left alone: numeric cells of any type, and text that is a plain number
such as ``-1.5`` or ``+3`` (a spreadsheet reads that as the number, which runs nothing).

To keep files that netz reads back exact, the prefix is reversible: a text that already starts
with apostrophes followed by one of those characters (``'=x``) gets one more (``''=x``), and
:func:`undo_spreadsheet_safe` removes exactly one apostrophe from every cell that starts with
apostrophes followed by one of those characters. So ``undo(safe(cell)) == cell`` for every text.

>>> import pandas as pd
>>> table = pd.DataFrame({"name": ["=SUM(1)", "+49 30 1234", "-", "'=x", "Caritas", "-1.5"],
...                       "value": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0]})
>>> spreadsheet_safe(table)["name"].tolist()
["'=SUM(1)", "'+49 30 1234", "'-", "''=x", 'Caritas', '-1.5']
>>> undo_spreadsheet_safe(spreadsheet_safe(table)).equals(table)
True
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FORMULA_STARTS", "safe_cell", "spreadsheet_safe", "undo_spreadsheet_safe", "unsafe_cell"]

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_STARTS = "[" + re.escape("".join(FORMULA_STARTS)) + "]"
#: Text that gets an apostrophe: any apostrophes, then a formula start.
_RISKY = "'*" + _STARTS
#: Text that lost nothing by being escaped: at least one apostrophe, then a formula start.
_ESCAPED = "'+" + _STARTS
#: A plain number as a spreadsheet reads it (sign, digits, decimal point, exponent).
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


def safe_cell(value: Any) -> Any:
    """One cell as :func:`spreadsheet_safe` writes it (values other than text unchanged).

    >>> safe_cell("=1+1"), safe_cell("-2"), safe_cell(-2), safe_cell("'@x")
    ("'=1+1", '-2', -2, "''@x")
    """
    if isinstance(value, str) and re.match(_RISKY, value) and not re.fullmatch(_NUMBER, value):
        return "'" + value
    return value


def unsafe_cell(value: Any) -> Any:
    """Undo :func:`safe_cell`: one apostrophe less before a formula start.

    >>> unsafe_cell("'=1+1"), unsafe_cell("''@x"), unsafe_cell("'Kirche")
    ('=1+1', "'@x", "'Kirche")
    """
    if isinstance(value, str) and re.match(_ESCAPED, value):
        return value[1:]
    return value


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells and text column names cannot run as formulas.

    Use it right before ``to_csv`` for every CSV file meant for a spreadsheet. The index is
    not changed (write with ``index=False``, or make it a column first).
    """
    safe = table.copy()
    safe.columns = pd.Index([safe_cell(c) for c in table.columns], dtype=table.columns.dtype)
    for position in range(table.shape[1]):
        column = table.iloc[:, position]
        if _may_hold_text(column):
            safe.isetitem(position, _change(column, _RISKY, _NUMBER, prefix=True).array)
    return safe


def undo_spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`spreadsheet_safe` (for netz's own files read back): exactly one apostrophe
    less in each text cell and column name that starts with apostrophes and a formula start."""
    back = table.copy()
    back.columns = pd.Index([unsafe_cell(c) for c in table.columns], dtype=table.columns.dtype)
    for position in range(table.shape[1]):
        column = table.iloc[:, position]
        if _may_hold_text(column):
            back.isetitem(position, _change(column, _ESCAPED, None, prefix=False).array)
    return back


def _may_hold_text(column: pd.Series) -> bool:
    return column.dtype == object or isinstance(column.dtype, (pd.StringDtype, pd.CategoricalDtype))


def _change(column: pd.Series, starts: str, number: str | None, *, prefix: bool) -> pd.Series:
    """Add (``prefix``) or remove one leading apostrophe in the text cells matching ``starts``
    (and not fully matching ``number``); vectorised over the text cells of the column."""
    cells = column.to_numpy(dtype=object, copy=True)
    is_text = np.fromiter((isinstance(v, str) for v in cells), dtype=bool, count=len(cells))
    where = np.flatnonzero(is_text)
    text = pd.Series(cells[where], dtype=object).astype(str)
    hit = text.str.match(starts).to_numpy(dtype=bool, copy=True)
    if number is not None:
        hit &= ~text.str.fullmatch(number).to_numpy(dtype=bool)
    if not hit.any():
        return column
    changed = text[hit]
    cells[where[hit]] = ("'" + changed if prefix else changed.str.slice(1)).to_numpy(dtype=object)
    # Text columns keep their dtype; a categorical one becomes plain text (its categories change).
    dtype = column.dtype if isinstance(column.dtype, pd.StringDtype) else object
    return pd.Series(cells, index=column.index, name=column.name, dtype=dtype)

"""Text that XML 1.0 (GraphML, GEXF, and the XML inside an .xlsx workbook) cannot hold.

XML 1.0 allows of the C0 control characters only tab, line feed and carriage return; it does
not allow U+FFFE and U+FFFF; and UTF-8 cannot encode a lone surrogate (which a JSON ``\\ud800``
makes). A name pasted from another program can hold such a character (a vertical tab, U+000B,
is a line break inside a cell for some), and writing it failed: openpyxl raised
``IllegalCharacterError``, and XML parsers refuse the GraphML and GEXF that came out.

The rule, the same for every XML writer and the one the readers apply to table cells
(:mod:`netz.core.validate`): a forbidden control character becomes a space; U+FFFE, U+FFFF and lone
surrogates become U+FFFD ("�"). Cells of actor and tie tables were cleaned so when they were
read; what is left is metadata (the alliance's name from the API, say) and column names. CSV and
JSON files carry every character and are written unchanged.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Hashable
from typing import Any

import pandas as pd

from netz.core.model import Alliance

__all__ = ["xml_safe", "xml_text"]

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() < " " else "\ufffd"


def xml_text(text: str) -> str:
    """The text with every character XML 1.0 forbids replaced (see the module's rule).

    >>> xml_text("Bündnis\\x0bMitte\\x01"), xml_text("Tab\\tund\\nZeile"), xml_text("\\uffff")
    ('Bündnis Mitte ', 'Tab\\tund\\nZeile', '\ufffd')
    """
    return _FORBIDDEN.sub(_replacement, text)


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, dict):
        return {_value(k): _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    return value


def _frame(frame: pd.DataFrame) -> pd.DataFrame:
    columns: dict[Hashable, Any] = {}
    for column in frame.columns:
        values = frame[column]
        columns[_value(column)] = values if pd.api.types.is_numeric_dtype(values) else values.map(_value)
    return pd.DataFrame(columns, index=frame.index)


def xml_safe(alliance: Alliance) -> Alliance:
    """The alliance with :func:`xml_text` applied to every text: ids, names, column names, cells
    and metadata (keys and values, at any depth)."""
    return dataclasses.replace(alliance, actors=_frame(alliance.actors), ties=_frame(alliance.ties),
                               meta=_value(dict(alliance.meta)))

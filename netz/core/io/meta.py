"""Alliance metadata: ``alliance.json`` or a workbook's ``alliance`` sheet of key/value rows."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from netz.core.errors import InputError
from netz.core.limits import DEFAULT_LIMITS, Limits, nesting_depth
from netz.core.vocabulary import fold

__all__ = ["META_ALIASES", "load_json", "meta_value_problem", "parse_directed", "parse_meta",
           "read_meta_json", "shown_value"]

#: German keys accepted in metadata, mapped to netz's keys.
META_ALIASES: Mapping[str, str] = {
    "name": "name", "bezeichnung": "name", "buendnis": "name",
    "region": "region", "ort": "region", "kreis": "region", "landkreis": "region", "stadt": "region",
    "land": "land", "bundesland": "land", "state": "land",
    "programme": "programme", "program": "programme", "programm": "programme",
    "foerderprogramm": "programme",
    "funding": "funding", "foerderung": "funding", "foerdersumme": "funding", "betrag": "funding",
    "founded": "founded", "gruendungsjahr": "founded", "gegruendet": "founded",
    "description": "description", "beschreibung": "description",
    "directed": "directed", "gerichtet": "directed",
}
_TRUE = {"true", "ja", "yes", "1", "gerichtet", "directed", "wahr"}
_FALSE = {"false", "nein", "no", "0", "ungerichtet", "undirected", "falsch"}


def parse_directed(value: Any, *, file: str, row: int | str | None = None) -> bool:
    """Read a yes/no value for ``directed`` (true/false, ja/nein, gerichtet/ungerichtet)."""
    if isinstance(value, bool):
        return value
    text = fold(str(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError.single("input.bad_directed", file=file, row=row, column="directed", value=value)


def parse_meta(
    pairs: Mapping[str, Any], *, file: str, rows: Mapping[str, int | str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[dict[str, Any], bool | None]:
    """Normalise metadata keys; return (metadata, directed or None when not given).

    Values are checked by :func:`meta_value_problem`; text is at most ``limits.max_cell_chars`` long.
    """
    meta: dict[str, Any] = {}
    directed: bool | None = None
    for key, value in pairs.items():
        canonical = META_ALIASES.get(fold(str(key)), str(key).strip())
        row = (rows or {}).get(key)
        if canonical == "directed":
            directed = parse_directed(value, file=file, row=row)
        elif value is not None and value != "":
            _check_value(canonical, value, file=file, row=row, limits=limits)
            meta[canonical] = value
    return meta, directed


def _check_value(key: str, value: Any, *, file: str, row: int | str | None, limits: Limits) -> None:
    for item in _leaves(value):
        if isinstance(item, str) and len(item) > limits.max_cell_chars:
            raise limits.exceeded("max_cell_chars", len(item), "characters", file=file, row=row, column=key)
    code = meta_value_problem(key, value)
    if code is not None:
        raise InputError.single(code, file=file, row=row, column=key, value=shown_value(value))


def meta_value_problem(key: str, value: Any, *, strict: bool = False) -> str | None:
    """What is wrong with one metadata value, as a message key (None: nothing).

    Numbers must be finite (JSON has no infinity, and ``1e400`` reads as one); ``funding`` is an
    amount of at least 0 and ``founded`` a year from 1 to 9999 when they are numbers (text such as
    "2015/16" is kept as written); ``strict`` (a form's amount) refuses a ``funding`` that is
    text, not a number. The messages name the field, so that a form can show them next to it;
    their ``{value}`` is :func:`shown_value`.

    >>> meta_value_problem("funding", -5), meta_value_problem("founded", "2015/16")
    ('input.meta.funding', None)
    >>> meta_value_problem("funding", "viel"), meta_value_problem("funding", "viel", strict=True)
    (None, 'input.meta.funding')
    """
    for item in _leaves(value):
        if isinstance(item, float) and not math.isfinite(item):
            return "input.meta.not_finite"
    if key not in ("funding", "founded") or isinstance(value, bool):
        return None
    try:  # as the service stores them: text that reads as a number counts as that number
        number = float(value)
    except (TypeError, ValueError):
        return "input.meta.funding" if strict and key == "funding" else None
    except OverflowError:  # an integer beyond any float, such as 10**400
        number = math.inf
    if key == "funding" and not (math.isfinite(number) and number >= 0):
        return "input.meta.funding"
    if key == "founded" and not (number.is_integer() and 1 <= number <= 9999):
        return "input.meta.founded"
    return None


def shown_value(value: Any) -> str:
    """A value as a message quotes it: at most 40 characters."""
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _leaves(value: Any) -> list[Any]:
    """The plain values inside nested lists and mappings (keys too), without recursion."""
    leaves, pending = [], [value]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
        else:
            leaves.append(item)
    return leaves


def load_json(text: str, *, file: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse JSON text; its values may nest at most ``limits.max_depth`` deep.

    Python's parser gives up on very deep nesting (some 10,000 levels) with a
    ``RecursionError``; that too becomes an :class:`InputError`.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError.single("input.json_invalid", file=file, row=f"line {error.lineno}", error=error.msg,
                                line=error.lineno, character=error.colno) from None
    except RecursionError:
        data = None
        depth = limits.max_depth + 1
    else:
        depth = nesting_depth(data, _json_children, limits.max_depth)
    if depth > limits.max_depth:
        raise limits.exceeded("max_depth", depth, "nesting_or_more", file=file)
    return data


def _json_children(value: Any) -> Any:
    """The items of a JSON object or array; None for a plain value."""
    return value.values() if isinstance(value, dict) else value if isinstance(value, list) else None


def read_meta_json(
    text: str, *, file: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[dict[str, Any], bool | None]:
    """Parse ``alliance.json``: one JSON object of metadata."""
    data = load_json(text, file=file, limits=limits)
    if not isinstance(data, dict):
        raise InputError.single("input.json_meta_not_object", file=file)
    return parse_meta(data, file=file, limits=limits)

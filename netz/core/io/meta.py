"""Alliance metadata: ``alliance.json`` or a workbook's ``alliance`` sheet of key/value rows."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from netz.core.errors import InputError, Problem
from netz.core.limits import DEFAULT_LIMITS, Limits, nesting_depth
from netz.core.vocabulary import canonical_land, fold, suggest_land

__all__ = ["META_ALIASES", "AmbiguousAmountError", "load_json", "meta_value", "parse_directed", "parse_meta",
           "read_amount", "read_meta_json", "shown_value"]

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

    Values are checked and stored as :func:`meta_value` reads them (an amount written "15.000,50"
    as 15000.5, a Land as :data:`netz.core.vocabulary.LAENDER` writes it); text is at most
    ``limits.max_cell_chars`` long.
    """
    meta: dict[str, Any] = {}
    directed: bool | None = None
    for key, value in pairs.items():
        canonical = META_ALIASES.get(fold(str(key)), str(key).strip())
        row = (rows or {}).get(key)
        if canonical == "directed":
            directed = parse_directed(value, file=file, row=row)
        elif value is not None and value != "":
            for item in _leaves(value):
                if isinstance(item, str) and len(item) > limits.max_cell_chars:
                    raise limits.exceeded("max_cell_chars", len(item), "characters", file=file, row=row,
                                          column=canonical)
            stored, problem = meta_value(canonical, value)
            if problem is not None:
                raise InputError(dataclasses.replace(problem, file=file, row=row))
            meta[canonical] = stored
    return meta, directed


#: Amounts as people write them: German grouping ("15.000", "15.000,50"), a decimal comma
#: ("1,5"), a decimal point ("15000.5"), English grouping with a decimal point ("15,000.50").
_AMOUNT_GERMAN = re.compile(r"(\d{1,3}(\.\d{3})+|\d+)(,\d+)?")
_AMOUNT_ENGLISH = re.compile(r"(\d{1,3}(,\d{3})+|\d+)\.\d+|\d{1,3}(,\d{3}){2,}")
#: A comma before exactly three digits and nothing else: 1,5 thousand, or 1.5 with three decimals?
_AMOUNT_AMBIGUOUS = re.compile(r"\d{1,3},\d{3}")


class AmbiguousAmountError(ValueError):
    """An amount that reads as two different numbers, such as "1,500" (1500 or 1.5)."""


def read_amount(value: Any) -> float:
    """An amount of money as a number, from a number or from text written the German or the
    English way: the one reading of amounts (files' metadata, the service's requests, the store).

    A dot before groups of three digits separates thousands ("15.000" is 15000: an amount has no
    third decimal); a comma is the decimal sign unless a decimal point follows; spaces and "€" are
    ignored. Raises :class:`AmbiguousAmountError` for "1,500" and ``ValueError`` for text that is
    no amount (a sign, letters, separators out of place); the number itself is not checked.

    >>> [read_amount(t) for t in ("15.000", "15.000,50", "15000.5", "1,5", "15,000.50", 7)]
    [15000.0, 15000.5, 15000.5, 1.5, 15000.5, 7.0]
    >>> read_amount("1,500")
    Traceback (most recent call last):
    netz.core.io.meta.AmbiguousAmountError: 1,500
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise ValueError(value)
    text = re.sub(r"[\s€]", "", value)
    if _AMOUNT_AMBIGUOUS.fullmatch(text):
        raise AmbiguousAmountError(value)
    if _AMOUNT_GERMAN.fullmatch(text):
        return float(text.replace(".", "").replace(",", "."))
    if _AMOUNT_ENGLISH.fullmatch(text):
        return float(text.replace(",", ""))
    raise ValueError(value)


def meta_value(key: str, value: Any) -> tuple[Any, Problem | None]:
    """One metadata value as it is stored, and what is wrong with it (None: nothing).

    The one check of metadata, for files and for the service's requests. Numbers must be finite
    (JSON has no infinity, and ``1e400`` reads as one); ``funding`` is an amount of at least 0
    (:func:`read_amount`: "15.000" is stored as 15000); ``land`` is one of the sixteen Länder in
    any spelling or by its short name (stored as :data:`netz.core.vocabulary.LAENDER` writes it;
    the problem suggests the closest Land); ``founded`` is a year from 1 to 9999 when it is a
    number (text such as "2015/16" is kept as written). A problem names the field (``column``),
    so that a form can show it next to it; its ``{value}`` is :func:`shown_value`.

    >>> meta_value("funding", "15.000,50"), meta_value("land", "nrw"), meta_value("founded", "2015/16")
    ((15000.5, None), ('Nordrhein-Westfalen', None), ('2015/16', None))
    >>> meta_value("funding", "viel")[1].code, meta_value("land", "Bayren")[1].params["suggestion"]
    ('input.meta.funding', 'Bayern')
    """
    params: dict[str, object] = {"value": shown_value(value)}
    for item in _leaves(value):
        if isinstance(item, float) and not math.isfinite(item):
            return value, Problem("input.meta.not_finite", column=key, params=params)
    if key == "land":
        land = canonical_land(str(value))
        if land is not None:
            return land, None
        suggestion = suggest_land(str(value))
        if suggestion is None:
            return value, Problem("input.meta.land", column=key, params=params)
        return value, Problem("input.meta.land_suggest", column=key,
                              params={**params, "suggestion": suggestion})
    if key == "funding":
        try:
            number = read_amount(value)
        except AmbiguousAmountError:
            return value, Problem("input.meta.funding_ambiguous", column=key, params=params)
        except (ValueError, OverflowError):
            return value, Problem("input.meta.funding", column=key, params=params)
        if not (math.isfinite(number) and number >= 0):
            return value, Problem("input.meta.funding", column=key, params=params)
        if isinstance(value, str):  # text is stored as the number it reads as
            return (int(number) if number.is_integer() else number), None
    if key == "founded" and not isinstance(value, bool):
        try:  # text that reads as a number counts as that number
            year = float(value)
        except (TypeError, ValueError):
            return value, None
        except OverflowError:  # an integer beyond any float, such as 10**400
            year = math.inf
        if not (year.is_integer() and 1 <= year <= 9999):
            return value, Problem("input.meta.founded", column=key, params=params)
    return value, None


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

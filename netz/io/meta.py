"""Alliance metadata: ``alliance.json`` or a workbook's ``alliance`` sheet of key/value rows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from netz.errors import InputError
from netz.vocabulary import fold

__all__ = ["META_ALIASES", "parse_directed", "parse_meta", "read_meta_json"]

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
    raise InputError.single(
        f"'directed' is '{value}'; expected true or false (ja/nein)", file=file, row=row,
        column="directed",
    )


def parse_meta(
    pairs: Mapping[str, Any], *, file: str, rows: Mapping[str, int | str] | None = None
) -> tuple[dict[str, Any], bool | None]:
    """Normalise metadata keys; return (metadata, directed or None when not given)."""
    meta: dict[str, Any] = {}
    directed: bool | None = None
    for key, value in pairs.items():
        canonical = META_ALIASES.get(fold(str(key)), str(key).strip())
        if canonical == "directed":
            directed = parse_directed(value, file=file, row=(rows or {}).get(key))
        elif value is not None and value != "":
            meta[canonical] = value
    return meta, directed


def read_meta_json(text: str, *, file: str) -> tuple[dict[str, Any], bool | None]:
    """Parse ``alliance.json``: one JSON object of metadata."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError.single(
            f"not valid JSON: {error.msg} (line {error.lineno}, character {error.colno})", file=file,
            row=f"line {error.lineno}",
        ) from None
    if not isinstance(data, dict):
        raise InputError.single(
            'expected one JSON object such as {"name": "...", "directed": false}', file=file
        )
    return parse_meta(data, file=file)

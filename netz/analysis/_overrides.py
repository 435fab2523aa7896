"""Overriding documented defaults (gap thresholds, health bands) by name."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, TypeVar

from netz.core.errors import NetzError, UnknownNameError

__all__ = ["with_overrides"]

T = TypeVar("T")


def with_overrides(rules: T, overrides: dict[str, Any]) -> T:
    """A copy of a frozen dataclass of rules with some values changed by name.

    Values given as text (from a command line or query string) are converted to
    the field's type (a value that is not a number is a :class:`NetzError`); an
    unknown name is an :class:`UnknownNameError` listing the known ones.
    """
    kinds = {f.name: f.type for f in fields(rules)}  # type: ignore[arg-type]
    unknown = sorted(set(overrides) - set(kinds))
    if unknown:
        raise UnknownNameError("error.name.settings", name=unknown,
                               accepted=list(kinds), heading="error.name.heading.known")
    converted = {}
    for name, value in overrides.items():
        whole = kinds[name] in ("int", int)
        try:
            converted[name] = int(value) if whole else float(value)
        except (TypeError, ValueError):
            raise NetzError("error.override.whole" if whole else "error.override.number", name=name,
                            value=value) from None
    return replace(rules, **converted)  # type: ignore[type-var]

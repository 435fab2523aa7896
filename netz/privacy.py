"""Pseudonymised alliances: the same network with stable codes instead of names.

Researchers study many alliances without needing to know who the actors are.
:func:`pseudonymise` replaces every actor's id and name with a code derived
from a secret key with HMAC-SHA-256, so the same actor gets the same code in
every report and every wave, but the code cannot be turned back into a name
without the key. Text attributes (which may hold names or contact details) are
dropped; numbers, the actor type and the alliance's metadata are kept.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from netz.model import Alliance, plain_value

__all__ = ["pseudonym", "pseudonymise"]


def pseudonym(key: bytes, scope: str, actor_id: str) -> str:
    """A stable code for one actor within a scope (e.g. the alliance's id).

    >>> pseudonym(b"secret", "7", "hk")
    'A-ae81b3de'
    """
    digest = hmac.new(key, f"{scope}\x1f{actor_id}".encode(), hashlib.sha256).hexdigest()
    return f"A-{digest[:8]}"


def pseudonymise(alliance: Alliance, key: bytes, scope: str) -> Alliance:
    """The alliance with pseudonyms for actor ids and names, and no text attributes."""
    codes = {a: pseudonym(key, scope, a) for a in alliance.actors["id"]}
    actors = alliance.actors[["id", "name", "type"]].copy()
    actors["id"] = actors["id"].map(codes)
    actors["name"] = actors["id"]
    for column in alliance.actor_attributes:
        if _numeric(alliance.actors[column]):
            actors[column] = alliance.actors[column]
    ties = alliance.ties.drop(columns=[c for c in alliance.tie_attributes if not _numeric(alliance.ties[c])])
    ties["source"] = ties["source"].map(codes)
    ties["target"] = ties["target"].map(codes)
    return Alliance(actors.reset_index(drop=True), ties.reset_index(drop=True),
                    alliance.directed, alliance.weighted, alliance.meta)


def _numeric(values: pd.Series) -> bool:
    return all(isinstance(plain_value(v), int | float | type(None)) for v in values)

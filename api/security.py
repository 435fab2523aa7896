"""API keys and roles.

A key looks like ``netz_<prefix>_<secret>``. Only the SHA-256 digest of the
whole key is stored, found by its public prefix and compared in constant time
(:func:`hmac.compare_digest`). Keys are long random strings, so a fast hash is
the right tool here (password hashing would only slow every request down).

Each process of the service remembers a key it found valid for
:data:`KEY_CACHE_SECONDS` (:class:`KeyCache`), so a busy client does not cost a
database query and a thread hop per request for its key. A deleted key is
therefore refused at most that long after its deletion, by every worker.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.models import ApiKey, KeyGrant, Secret

__all__ = ["KEY_CACHE_SECONDS", "ROLES", "KeyCache", "authenticate", "create_key", "pseudonym_key"]

ROLES = ("admin", "coordinator", "researcher", "funder")
_DUMMY_DIGEST = hashlib.sha256(b"no such key").hexdigest()

#: How long a process accepts a key it found valid without asking the database again; a
#: deleted key is refused at most this many seconds after its deletion. 0 turns the cache off.
KEY_CACHE_SECONDS = 2.0


class KeyCache:
    """Keys recently found valid, by the SHA-256 digest of the whole presented key.

    Only valid keys are kept (an unknown or wrong key always goes to the database), each for
    ``seconds``, at most ``size`` of them. The keys are detached rows shared by requests: read
    them, never change them or add them to a session. Not thread-safe: use it from the event
    loop (as the service's key dependency does).
    """

    def __init__(self, seconds: float = KEY_CACHE_SECONDS, size: int = 1000) -> None:
        self.seconds = seconds
        self.size = size
        self._keys: dict[str, tuple[float, ApiKey]] = {}

    def get(self, key: str) -> ApiKey | None:
        entry = self._keys.get(_digest(key))
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, row: ApiKey) -> None:
        if self.seconds <= 0:
            return
        now = time.monotonic()
        if len(self._keys) >= self.size:
            self._keys = {d: e for d, e in self._keys.items() if e[0] > now}
            if len(self._keys) >= self.size:
                self._keys.clear()
        self._keys[_digest(key)] = (now + self.seconds, row)

    def clear(self) -> None:
        """Forget every key (in this process), e.g. right after deleting one."""
        self._keys.clear()


def create_key(session: Session, role: str, *, alliances: Iterable[int] = (), label: str = "") -> str:
    """Make and store a key; return it in plain text (the only time it exists as such)."""
    if role not in ROLES:
        raise ValueError(f"unknown role '{role}'; roles: {', '.join(ROLES)}")
    prefix = secrets.token_hex(6)
    key = f"netz_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(prefix=prefix, digest=_digest(key), role=role, label=label)
    row.grants = [KeyGrant(alliance_id=int(a)) for a in alliances]
    session.add(row)
    session.commit()
    return key


def authenticate(session: Session, key: str) -> ApiKey | None:
    """The stored key matching a presented one, or None."""
    parts = key.split("_", 2)  # the secret part may itself contain "_"
    prefix = parts[1] if len(parts) == 3 and parts[0] == "netz" else ""
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if prefix else None
    expected = row.digest if row is not None else _DUMMY_DIGEST
    matches = hmac.compare_digest(_digest(key), expected)
    return row if row is not None and matches else None


def pseudonym_key(session: Session, configured: str) -> bytes:
    """The key for researchers' pseudonyms: configured, or made once and kept in the database.

    Made race-free: the first requests of several workers may all find none. Each inserts one
    unless there is one (``INSERT … ON CONFLICT DO NOTHING``, on both databases), in a
    transaction of its own (the request's session is neither committed nor rolled back by it),
    and then reads the one that is there: every caller gets the same key.
    """
    if configured:
        return configured.encode()
    value = session.scalar(_PSEUDONYM)
    if value is None:
        engine = session.get_bind().engine
        insert = sqlite_insert if engine.dialect.name == "sqlite" else postgresql_insert
        with engine.begin() as connection:
            connection.execute(insert(Secret).values(name="pseudonym", value=secrets.token_hex(32))
                               .on_conflict_do_nothing(index_elements=["name"]))
            value = connection.scalar(_PSEUDONYM)
    assert value is not None  # inserted, or another caller's insert was there
    return value.encode()


_PSEUDONYM = select(Secret.value).where(Secret.name == "pseudonym")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()

"""API keys and roles: making, checking, listing, revoking and granting them.

A key looks like ``netz_<prefix>_<secret>``. Only the SHA-256 digest of the
whole key is stored, found by its public prefix and compared in constant time
(:func:`hmac.compare_digest`). Keys are long random strings, so a fast hash is
the right tool here (password hashing would only slow every request down).

A key is refused once it is revoked or past its expiry, and a coordinator key once every
alliance it was given has been deleted (:func:`key_status`). Each process of the service
remembers a key it found for :data:`KEY_CACHE_SECONDS` (:class:`KeyCache`), so a busy client
does not cost a database query and a thread hop per request for its key; a key revoked (or
deleted) in one worker is therefore refused by every other worker at most that long after.
When a key was last used is written at most once per :data:`LAST_USED_SECONDS`, not per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from api.models import MAX_ID, AllianceRow, ApiKey, KeyGrant, Secret, as_utc, utcnow
from netz.core.errors import NetzError, UnknownNameError

__all__ = [
    "KEY_CACHE_SECONDS",
    "LAST_USED_SECONDS",
    "ROLES",
    "KeyCache",
    "KeyManagementError",
    "authenticate",
    "create_key",
    "find_key",
    "grant",
    "key_info",
    "key_status",
    "list_keys",
    "orphan_keys",
    "pseudonym_key",
    "record_use",
    "revoke",
    "set_expiry",
    "withdraw",
]

ROLES = ("admin", "coordinator", "researcher", "funder")
_DUMMY_DIGEST = hashlib.sha256(b"no such key").hexdigest()

#: How long a process accepts a key it read without asking the database again: a key revoked
#: (or deleted) by another worker is refused at most this many seconds later (well within a
#: second, with the time of the query that read it). 0 turns the cache off.
KEY_CACHE_SECONDS = 0.5

#: A key's ``last_used_at`` is written when it is older than this: at most one write a minute
#: per key, however many requests it makes.
LAST_USED_SECONDS = 60.0


class KeyManagementError(NetzError):
    """A key or grant that cannot be made as asked (no such key, a grant for a non-coordinator)."""


class KeyCache:
    """Keys recently read from the database, by the SHA-256 digest of the whole presented key.

    Only keys found are kept (an unknown or wrong key always goes to the database), each for
    ``seconds``, at most ``size`` of them; whether a kept key is still usable (revoked, expired)
    is decided per request from the kept row. The keys are detached rows shared by requests:
    read them, never change them or add them to a session. Not thread-safe: use it from the
    event loop (as the service's key dependency does). ``clock`` is for tests.
    """

    def __init__(self, seconds: float = KEY_CACHE_SECONDS, size: int = 1000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self._keys: dict[str, tuple[float, ApiKey]] = {}

    def get(self, key: str) -> ApiKey | None:
        entry = self._keys.get(_digest(key))
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1]

    def put(self, key: str, row: ApiKey) -> None:
        if self.seconds <= 0:
            return
        now = self.clock()
        if len(self._keys) >= self.size:
            self._keys = {d: e for d, e in self._keys.items() if e[0] > now}
            if len(self._keys) >= self.size:
                self._keys.clear()
        self._keys[_digest(key)] = (now + self.seconds, row)

    def clear(self) -> None:
        """Forget every key (in this process), e.g. right after revoking one."""
        self._keys.clear()


def create_key(session: Session, role: str, *, alliances: Iterable[int] = (), label: str = "",
               expires: dt.datetime | None = None, commit: bool = True) -> str:
    """Make and store a key; return it in plain text (the only time it exists as such).

    ``commit=False`` leaves the commit to the caller (to write an audit entry in the same
    transaction); the new row is flushed, so :func:`find_key` finds it by the key's prefix.
    """
    if role not in ROLES:
        raise UnknownNameError("error.name.role", name=role, accepted=ROLES,
                               heading="error.name.heading.roles")
    if alliances:  # stored for another role, they would be listed but mean nothing
        _only_coordinators(role, None)
    prefix = secrets.token_hex(6)
    key = f"netz_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(prefix=prefix, digest=_digest(key), role=role, label=label,
                 expires_at=_utc(expires))
    row.grants = [KeyGrant(alliance_id=int(a)) for a in dict.fromkeys(alliances)]
    session.add(row)
    if commit:
        session.commit()
    else:
        session.flush()
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


def key_status(row: ApiKey, now: dt.datetime | None = None) -> str:
    """``active``, or why the key is refused: ``revoked``, ``expired``, or ``orphaned`` (a
    coordinator key every alliance of which has been deleted)."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and as_utc(row.expires_at) <= (now or utcnow()):
        return "expired"
    if row.orphaned_at is not None:
        return "orphaned"
    return "active"


def record_use(session: Session, row: ApiKey, now: dt.datetime | None = None) -> None:
    """Note that a usable key was presented, if its last noted use is older than
    :data:`LAST_USED_SECONDS` (then commit; else write nothing)."""
    now = now or utcnow()
    last = row.last_used_at
    if last is not None and (now - as_utc(last)).total_seconds() < LAST_USED_SECONDS:
        return
    row.last_used_at = now
    session.commit()


def find_key(session: Session, ref: str | int) -> ApiKey:
    """The key with this id, prefix or whole key (``netz_<prefix>_…``).

    A whole key is found by its prefix only: a prefix of digits (``000000000012``) is no id.
    """
    text = str(ref).strip()
    whole = text.startswith("netz_")
    if whole:
        text = text.split("_", 2)[1]
    row = session.get(ApiKey, int(text)) if not whole and text.isdigit() and int(text) <= MAX_ID else None
    row = row or session.scalar(select(ApiKey).where(ApiKey.prefix == text))
    if row is None:
        raise KeyManagementError("error.keys.not_found", ref=ref)
    return row


def list_keys(session: Session) -> list[dict[str, Any]]:
    """Every key as :func:`key_info` describes it, oldest first."""
    rows = session.scalars(select(ApiKey).order_by(ApiKey.id)).all()
    granted: dict[int, list[int]] = {}
    for key_id, alliance_id in session.execute(
            select(KeyGrant.key_id, KeyGrant.alliance_id).order_by(KeyGrant.alliance_id)):
        granted.setdefault(key_id, []).append(alliance_id)
    now = utcnow()
    return [key_info(row, granted.get(row.id, []), now) for row in rows]


def key_info(row: ApiKey, alliances: list[int], now: dt.datetime | None = None) -> dict[str, Any]:
    """What may be shown of a key: never the key or its hash, only its public prefix."""
    return {"id": row.id, "prefix": row.prefix, "role": row.role, "label": row.label,
            "alliances": alliances, "created": _utc(row.created_at), "last_used": _utc(row.last_used_at),
            "expires": _utc(row.expires_at), "revoked": _utc(row.revoked_at),
            "status": key_status(row, now)}


def revoke(session: Session, row: ApiKey) -> bool:
    """Revoke a key for good (the row stays, listed as revoked); False if it already was.

    The last usable admin key cannot be revoked: nobody could manage keys in the service then.
    """
    if row.revoked_at is not None:
        return False
    if row.role == "admin" and key_status(row) == "active":
        admins = session.scalars(select(ApiKey).where(ApiKey.role == "admin", ApiKey.revoked_at.is_(None)))
        if sum(key_status(other) == "active" for other in admins) <= 1:
            raise KeyManagementError("error.keys.last_admin")
    row.revoked_at = utcnow()
    return True


def set_expiry(row: ApiKey, expires: dt.datetime | None) -> None:
    """Let a key expire at this moment (without a time zone: UTC; None: never)."""
    row.expires_at = _utc(expires)


def grant(session: Session, row: ApiKey, alliance_ids: Iterable[int]) -> list[int]:
    """Give a coordinator key further alliances; the ones it did not have yet, which must exist."""
    wanted = list(dict.fromkeys(int(a) for a in alliance_ids))
    _only_coordinators(row.role, row.id)
    missing = [a for a in wanted if session.get(AllianceRow, a) is None]
    if missing:
        raise KeyManagementError("error.keys.grant_no_alliance", ids=", ".join(map(str, missing)))
    have = set(session.scalars(select(KeyGrant.alliance_id).where(KeyGrant.key_id == row.id)))
    new = [a for a in wanted if a not in have]
    session.add_all(KeyGrant(key_id=row.id, alliance_id=a) for a in new)
    row.orphaned_at = None  # given an alliance again: usable again
    return new


def withdraw(session: Session, row: ApiKey, alliance_id: int) -> None:
    """Take an alliance away from a coordinator key."""
    _only_coordinators(row.role, row.id)
    found = session.get(KeyGrant, (row.id, int(alliance_id)))
    if found is None:
        raise KeyManagementError("error.keys.not_given", id=row.id, alliance=alliance_id)
    session.delete(found)


def orphan_keys(session: Session, alliance_id: int) -> None:
    """Before an alliance is deleted: mark the coordinator keys it is the last alliance of."""
    other = aliased(KeyGrant)
    others = (select(func.count()).select_from(other)
              .where(other.key_id == ApiKey.id, other.alliance_id != alliance_id)
              .correlate(ApiKey).scalar_subquery())
    last = session.scalars(
        select(ApiKey).join(KeyGrant, KeyGrant.key_id == ApiKey.id)
        .where(KeyGrant.alliance_id == alliance_id, ApiKey.role == "coordinator", others == 0))
    now = utcnow()
    for row in last:
        row.orphaned_at = now


def _only_coordinators(role: str, key_id: int | None) -> None:
    """Refuse alliances for a key (``key_id``, None for the one being made) that is no coordinator's."""
    if role != "coordinator":
        raise KeyManagementError("error.keys.only_coordinators" if key_id is not None
                                 else "error.keys.only_coordinators_new", id=key_id, role=role)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else as_utc(moment)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()

"""Dependencies shared by the routes: the database session, the caller's key, access rules."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Path, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.config import Settings
from api.db import Database
from api.models import MAX_ID, AllianceRow, ApiKey, KeyGrant
from api.problems import Refusal
from api.security import KeyCache, authenticate, key_status, record_use

__all__ = [
    "BEARER",
    "MAX_ID",
    "Access",
    "AllianceId",
    "AllianceState",
    "CurrentKey",
    "KeyId",
    "SessionDep",
    "SessionRoute",
    "SettingsDep",
    "alliance_not_found",
    "alliance_not_given",
    "check_revision",
    "forget_cached_keys",
    "key_of",
    "readable_alliance",
    "release",
    "require",
    "view_of",
    "writable_alliance",
]


#: An alliance id in a path. One beyond what an id column holds cannot name an alliance; it is
#: refused (422) before it reaches the database, which would fail on it (SQLite: an integer over
#: 64 bits; PostgreSQL: over 32 bits for the report's prepared query).
AllianceId = Annotated[int, Path(ge=1, le=MAX_ID, description="The alliance's id.")]
KeyId = Annotated[int, Path(ge=1, le=MAX_ID, description="The key's id (as `GET /api/v1/keys` lists it).")]


async def _session(request: Request) -> Session:
    # Async, so that FastAPI does not hand it to a worker thread (the hop costs more than the
    # work): making a session touches no database. No teardown: the route closes it (SessionRoute).
    database: Database = request.app.state.database
    return database.sessions()


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


#: A database session for one request, closed by :class:`SessionRoute` as soon as the endpoint
#: returns (every router of the service makes its routes with it).
SessionDep = Annotated[Session, Depends(_session)]


class SessionRoute(APIRoute):
    """A route whose endpoint's database session is closed when the endpoint returns, in the
    thread the endpoint ran in, before the response is serialised and sent.

    Closing gives the session's connection back to the pool (rolling back a transaction that reads
    left open). A dependency with ``yield`` cannot do that: FastAPI runs its code after ``yield``
    on the event loop after the endpoint's thread is done, and (by default) after the response is
    sent. Under a burst of requests the event loop is the bottleneck, so every connection stayed
    checked out, ``idle in transaction``, for as long as the loop took to come round to it (and
    to a thread for the rollback): 300 respondents at once on two workers found all 60
    connections so held, and most of them got 503 when their wait for a connection of the pool
    ran out (``benchmarks/bench_survey.py``). Closed in its own thread, a connection is held for
    the endpoint's work alone.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        super().__init__(path, _closing_sessions(endpoint), **options)


def _closing_sessions(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint, closing the sessions among its arguments when it returns or raises.

    FastAPI reads the endpoint's parameters from the wrapper's signature (the endpoint's, see
    :func:`_signed`) and passes them as keywords. An async endpoint closes its session on the
    event loop when the session holds no transaction (no I/O then), else in a thread under a
    limiter of its own (as FastAPI does for sync dependencies): waiting for a thread of the shared
    pool, whose threads may be waiting for the connection this close gives back, could deadlock.
    """
    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def run_async(**arguments: Any) -> Any:
            try:
                return await endpoint(**arguments)
            finally:
                for session in _sessions(arguments):
                    if session.in_transaction():  # a limiter of its own: see below
                        await to_thread.run_sync(session.close, limiter=CapacityLimiter(1))
                    else:
                        session.close()

        return _signed(run_async, endpoint)

    @functools.wraps(endpoint)
    def run(**arguments: Any) -> Any:
        try:
            return endpoint(**arguments)
        finally:
            for session in _sessions(arguments):
                session.close()

    return _signed(run, endpoint)


def _signed(wrapper: Callable[..., Any], endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The wrapper with the endpoint's signature, its annotations evaluated in the endpoint's
    module: FastAPI before 0.116 resolves string annotations (``from __future__ import
    annotations``) in the globals of the function it is given — this module's, where the
    endpoint's ``GroupBy`` or ``Wave`` are unknown."""
    wrapper.__signature__ = inspect.signature(endpoint, eval_str=True)  # type: ignore[attr-defined]
    return wrapper


def release(session: Session) -> None:
    """End the session's transaction, giving its connection back to the pool, before a long
    computation or a wait (the service's thread limiter equals the pool's size: a connection held
    through seconds of work keeps another request waiting for one). The transaction is committed
    (called where a route has read what it needs and has nothing pending; loaded rows stay loaded:
    the sessions do not expire them on commit); the session begins a new one when next used, and
    :class:`SessionRoute` closes it as ever."""
    if session.in_transaction():
        session.commit()


def _sessions(arguments: dict[str, Any]) -> list[Session]:
    return [value for value in arguments.values() if isinstance(value, Session)]
SettingsDep = Annotated[Settings, Depends(_settings)]


#: The name of the API key's security scheme in the OpenAPI document.
BEARER = "apiKey"
#: The key's scheme, declared in OpenAPI as HTTP bearer, so that the documentation shows which
#: operations need a key and Swagger UI offers "Authorize". It checks nothing
#: (``auto_error=False``): :func:`key_of` reads the header itself, with netz's own messages, as
#: the report's route does.
_bearer = HTTPBearer(scheme_name=BEARER, auto_error=False,
                     description="An API key (`netz keys create`), sent as `Authorization: Bearer KEY`.")


async def _current_key(request: Request,
                       _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> ApiKey:
    return await key_of(request, request.headers.get("authorization"))


async def key_of(request: Request, authorization: str | None) -> ApiKey:
    """The key an ``Authorization: Bearer KEY`` header presents, or 401.

    What :data:`CurrentKey` gives; the cached report's route calls it itself, as a dependency
    of its own costs that route more than its work (FastAPI solves each one per request).
    """
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refusal(401, "problem.key.missing", headers={"WWW-Authenticate": "Bearer"})
    token = token.strip()
    cache = _key_cache(request)
    key = cache.get(token)
    if key is None:
        key = await run_in_threadpool(_authenticate, request.app.state.database, token)
        if key is None:
            raise Refusal(401, "problem.key.invalid", headers={"WWW-Authenticate": "Bearer"})
        cache.put(token, key)
    if key.revoked_at is not None or key.expires_at is not None or key.orphaned_at is not None:
        _refuse(key)
    return key


def _refuse(key: ApiKey) -> None:
    """401 for a revoked or expired key, 403 for a coordinator key whose alliances are all deleted."""
    status = key_status(key)
    if status in ("revoked", "expired"):
        raise Refusal(401, f"problem.key.{status}", prefix=key.prefix, headers={"WWW-Authenticate": "Bearer"})
    if status == "orphaned":
        raise Refusal(403, "problem.key.orphaned")


def _key_cache(request: Request) -> KeyCache:
    """This app's cache of the keys it read (see :mod:`api.security`), made on first use."""
    cache: KeyCache | None = getattr(request.app.state, "key_cache", None)
    if cache is None:
        cache = request.app.state.key_cache = KeyCache()
    return cache


def forget_cached_keys(request: Request) -> None:
    """Drop this process's cached keys (after revoking one: refused here at once, elsewhere
    within :data:`api.security.KEY_CACHE_SECONDS`)."""
    _key_cache(request).clear()


def _authenticate(database: Database, token: str) -> ApiKey | None:
    # A session of its own, closed before the thread is given back: a connection held while
    # waiting for the next thread (the endpoint's) could be one that thread waits for.
    with database.sessions() as session:
        key = authenticate(session, token)  # detached, with its columns loaded
        if key is not None and key_status(key) == "active":
            record_use(session, key)  # a write at most once a minute per key
        return key


CurrentKey = Annotated[ApiKey, Depends(_current_key)]


def require(key: ApiKey, *roles: str) -> None:
    """403 unless the key has one of these roles."""
    if key.role not in roles:
        raise Refusal(403, "problem.role", role=key.role, allowed=", ".join(roles))


def view_of(key: ApiKey) -> str:
    """What a role sees of an alliance: everything, pseudonyms, or aggregates only."""
    return {"admin": "full", "coordinator": "full", "researcher": "pseudonymised"}.get(key.role, "aggregate")


#: Built once (building a statement took about as long as running it): the alliance, and the
#: alliance with a coordinator's grant for it in one query.
_ALLIANCE = select(AllianceRow).where(AllianceRow.id == bindparam("alliance_id"))
_ALLIANCE_AND_GRANT = (
    select(AllianceRow, KeyGrant.key_id)
    .outerjoin(KeyGrant, and_(KeyGrant.alliance_id == AllianceRow.id, KeyGrant.key_id == bindparam("key_id")))
    .where(AllianceRow.id == bindparam("alliance_id"))
)
#: The same for many alliances and coordinator keys at once (:class:`Access`): a row per alliance
#: and key among them given it, or one with no key.
_ALLIANCES_AND_GRANTS = (
    select(AllianceRow.id, AllianceRow.revision, AllianceRow.created_at, KeyGrant.key_id)
    .outerjoin(KeyGrant, and_(KeyGrant.alliance_id == AllianceRow.id,
                              KeyGrant.key_id.in_(bindparam("key_ids", expanding=True))))
    .where(AllianceRow.id.in_(bindparam("alliance_ids", expanding=True)))
)


def readable_alliance(session: Session, key: ApiKey, alliance_id: int) -> AllianceRow:
    """The alliance if this key may read it: coordinators only their own ones.

    An id no id column can hold (given in a list, not a path) is 404 without a query.
    """
    _check_id(alliance_id)
    if key.role != "coordinator":
        row = session.scalar(_ALLIANCE, {"alliance_id": alliance_id})
        granted = True
    else:
        found = session.execute(_ALLIANCE_AND_GRANT, {"alliance_id": alliance_id, "key_id": key.id}).first()
        row, granted = (found[0], found[1] is not None) if found is not None else (None, False)
    return _readable(row, granted, alliance_id)


_Row = TypeVar("_Row", AllianceRow, "AllianceState")


def _check_id(alliance_id: int) -> None:
    if not 1 <= alliance_id <= MAX_ID:
        raise alliance_not_found(alliance_id)


def _readable(row: _Row | None, granted: bool, alliance_id: int) -> _Row:
    """The access rule: 404 for an alliance that is not there, 403 for one not given to the key."""
    if row is None:
        raise alliance_not_found(alliance_id)
    if not granted:
        raise alliance_not_given()
    return row


@dataclass(frozen=True, slots=True)
class AllianceState:
    """Which alliance, in which revision: what serving a cached value of it needs to know (an
    alliance is told apart from a deleted one whose id came back by its creation time)."""

    id: int
    revision: int
    created_at: dt.datetime


#: What :class:`Access` is asked: an alliance, and the coordinator key to check the grant of
#: (None: the key's role reads every alliance); and what it answers: the alliance's state (None:
#: not there) and whether the key is given it.
_Asked = tuple[int, int | None]
_Answer = tuple[AllianceState | None, bool]


class Access:
    """The access rule and the current revision of alliances, read for many requests at once.

    Serving a cached report needs, per request, the alliance's revision from the database (the
    truth for every worker process: a write in one is seen by all) and whether the key may read
    it. One query per request, each in a worker thread of its own, cost three times the serving
    of the report from memory (``benchmarks/README.md``). So the requests that arrive while such
    a read is running wait for the next one, which starts as soon as it returns and answers all of
    them with one query, in one thread, outside a transaction (:meth:`api.db.Database.read`).
    Each request is answered by a read begun after it arrived: it sees every write committed
    before it came, as a query of its own would.

    One per application; used on the event loop (it keeps the loop it serves: a test's next
    client may run another one).
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: dict[_Asked, list[asyncio.Future[_Answer]]] = {}
        self._reading = False

    async def readable(self, key: ApiKey, alliance_id: int) -> AllianceState:
        """The alliance's state if this key may read it (404, 403 as :func:`readable_alliance`)."""
        _check_id(alliance_id)
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._waiting, self._reading = loop, {}, False
        answer: asyncio.Future[_Answer] = loop.create_future()
        grantee = key.id if key.role == "coordinator" else None
        self._waiting.setdefault((alliance_id, grantee), []).append(answer)
        if not self._reading:
            self._read_next()
        state, granted = await answer
        return _readable(state, granted, alliance_id)

    def _read_next(self) -> None:
        asked, self._waiting = self._waiting, {}
        self._reading = True
        reading = asyncio.ensure_future(run_in_threadpool(self._read, list(asked)))
        reading.add_done_callback(functools.partial(self._answer, asked))

    def _read(self, asked: list[_Asked]) -> dict[_Asked, _Answer]:
        rows = self.database.read(_ALLIANCES_AND_GRANTS, {
            "alliance_ids": sorted({alliance_id for alliance_id, _ in asked}),
            "key_ids": sorted({grantee for _, grantee in asked if grantee is not None})})
        states = {row.id: AllianceState(row.id, row.revision, row.created_at) for row in rows}
        given = {(row.id, row.key_id) for row in rows}
        return {(alliance_id, grantee): (states.get(alliance_id),
                                         grantee is None or (alliance_id, grantee) in given)
                for alliance_id, grantee in asked}

    def _answer(self, asked: dict[_Asked, list[asyncio.Future[_Answer]]],
                reading: asyncio.Future[Any]) -> None:
        self._reading = False
        if self._waiting:
            self._read_next()
        error = reading.exception() if not reading.cancelled() else asyncio.CancelledError()
        for at, answers in asked.items():
            for answer in answers:
                if answer.done():  # its request was cancelled (the client went away)
                    continue
                if error is not None:
                    answer.set_exception(error)
                else:
                    answer.set_result(reading.result()[at])


def alliance_not_found(alliance_id: int) -> Refusal:
    return Refusal(404, "problem.alliance.not_found", id=alliance_id)


def alliance_not_given() -> Refusal:
    return Refusal(403, "problem.alliance.not_given")


def writable_alliance(session: Session, key: ApiKey, alliance_id: int) -> AllianceRow:
    """The alliance if this key may change it: admins, and coordinators given it."""
    require(key, "admin", "coordinator")
    return readable_alliance(session, key, alliance_id)


def etag(row: AllianceState | AllianceRow) -> str:
    """The alliance's strong ETag, which writes must send back in ``If-Match``."""
    return f'"{row.id}-{row.revision}"'


def check_revision(row: AllianceRow, if_match: str | None) -> None:
    """Writes must name the revision they build on; a stale one is 412, none is 428."""
    if if_match is None:
        raise Refusal(428, "problem.revision.missing", etag=etag(row))
    offered = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" not in offered and etag(row) not in offered:
        raise Refusal(412, "problem.revision.stale", etag=etag(row))

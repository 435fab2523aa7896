"""The cached report's fast path: one small query per request, the body from memory.

A served report is the stored one (``report_cache``, see :mod:`api.reports`) for the alliance's
current revision. Each process keeps the reports it served in memory (:class:`ReportMemory`,
bounded in bytes, least recently used out first), as the bytes they are sent as and, for clients
that accept it, gzip-compressed. Per request one query (:data:`PROBE_SQL`) reads the alliance's
current revision, the coordinator's grant, and the *token* of the stored report for that revision
(random, new for every stored report). A copy in memory is sent only if its token is that token:
so the database is the truth for every worker process, a write (which bumps the revision and
deletes the stored reports in the same transaction) is never followed by an old report, and a
deleted alliance whose id comes back (SQLite reuses the highest id) cannot be mistaken for its
successor. Otherwise the report is read from the database or computed, in a worker thread, once
per process however many requests wait for it.

The query runs in the event loop, without a thread hop (which cost more than the work):

* SQLite: on a connection of its own (WAL readers do not wait for writers), with no busy
  timeout; should the file be locked anyway the query goes to a worker thread, where it may wait;
* PostgreSQL: on asynchronous psycopg connections in autocommit mode (no BEGIN, no ROLLBACK),
  a few per event loop; a lost connection is replaced once, and if the database does not answer
  (within the connect timeout, for making a connection and for the query: see :mod:`api.db`)
  the request gets 503 like every other (:mod:`api.problems`);
* anything else: through SQLAlchemy in a worker thread.

Responses carry a strong ``ETag`` (the alliance's, ``"id-revision"``, for the full view that
admins and coordinators see; with the view appended for the others, whose bodies differ) and
answer a matching ``If-None-Match`` with 304; a gzip-compressed body carries the weak form of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import sqlite3
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.config import Settings
from api.db import Database
from api.deps import alliance_not_found, alliance_not_given, revision_tag
from api.models import AllianceRow, ApiKey
from api.reports import report_key, stored_report, view_version

if TYPE_CHECKING:
    import psycopg

__all__ = ["PROBE_SQL", "MemoEntry", "Probe", "ReportMemory", "ReportServer", "accepts_gzip"]

#: The alliance's revision, the key's grant for it (only coordinators need one) and the token of
#: the stored report for the current revision, in one row; no row: no such alliance. ``{p}`` is
#: the driver's placeholder. Parameters: key id, report key, alliance id.
PROBE_SQL = (
    "SELECT a.revision, g.key_id, rc.token FROM alliances a "
    "LEFT JOIN key_grants g ON g.alliance_id = a.id AND g.key_id = {p} "
    "LEFT JOIN report_cache rc ON rc.alliance_id = a.id AND rc.key = {p} AND rc.revision = a.revision "
    "WHERE a.id = {p}"
)

#: ``application_name`` of the PostgreSQL connections the per-request query uses.
APPLICATION_NAME = "netz report probe"

#: Bodies smaller than this are not compressed (the gzip header and a hop are not worth it).
GZIP_MIN_BYTES = 1024

#: Media type and headers of every report response: the body depends on the key and is
#: negotiated by Accept-Encoding; a client may keep it but must ask again (cheaply, with
#: If-None-Match) before using it.
MEDIA_TYPE = "application/json"
COMMON_HEADERS = {"Vary": "Accept-Encoding, Authorization", "Cache-Control": "private, no-cache"}


@dataclass(frozen=True, slots=True)
class Probe:
    """What the per-request query found for an existing alliance."""

    revision: int
    granted: bool  # the key has a grant for the alliance (what coordinators need)
    token: str | None  # of the stored report for the current revision; None: none stored


@dataclass(frozen=True, slots=True)
class MemoEntry:
    """A report kept in memory: the stored row's token and revision, the body and its gzip form."""

    token: str
    revision: int
    body: bytes
    gzipped: bytes | None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


class ReportMemory:
    """Reports by (alliance id, report key), at most ``max_bytes`` of them, least recently used out.

    Not thread-safe: used from the event loop only.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[tuple[int, str], MemoEntry] = OrderedDict()

    def get(self, key: tuple[int, str]) -> MemoEntry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[int, str], entry: MemoEntry) -> None:
        # Always replaced, even by an older revision (a slow fill finishing late): revisions are
        # no order across a deleted alliance and one that got its id, and a wrong copy costs only
        # a read, as its token is not the stored one.
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        if entry.size > self.max_bytes:
            return
        self._entries[key] = entry
        self.bytes += entry.size
        while self.bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self.bytes -= dropped.size

    def __len__(self) -> int:
        return len(self._entries)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (RFC 9110 12.5.3): ``gzip`` (or
    ``x-gzip``) with a q-value above 0, or ``*`` above 0 without gzip being refused."""
    if not accept_encoding:
        return False
    star = False
    for item in accept_encoding.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if coding == "*":
            star = quality > 0
        else:
            return quality > 0
    return star


def _none_match(if_none_match: str, tag: str) -> bool:
    """Whether ``If-None-Match`` names this entity tag (weak comparison, RFC 9110 13.1.2)."""
    if if_none_match.strip() == "*":
        return True
    opaque = tag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == opaque for t in if_none_match.split(","))


class ReportServer:
    """The report endpoint's work for one application (one per process)."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.memory = ReportMemory(settings.report_memory_bytes)
        self._filling: dict[tuple[int, str], asyncio.Future[MemoEntry]] = {}
        backend = database.engine.dialect.name
        self._prober: _Prober
        if backend == "sqlite" and database.engine.url.database not in (None, "", ":memory:"):
            self._prober = _SqliteProber(database)
        elif backend == "postgresql" and database.engine.dialect.driver == "psycopg":
            self._prober = _PostgresProber(database)
        else:
            self._prober = _ThreadProber(database)

    async def respond(self, *, alliance_id: int, key: ApiKey, view: str, group_by: str,
                      wave: str | None, if_none_match: str | None, accept_encoding: str | None
                      ) -> Response:
        """The report for this key (404 and 403 as :func:`api.deps.readable_alliance`).

        A report of a de-identified view is only ever stored after :func:`api.reports.alliance_as_seen`
        allowed its grouping (for that revision, rules and thresholds, all in its key), and a copy in
        memory is sent only when it is that stored report: so the privacy rules hold here too.
        """
        cache_key = report_key(view, group_by, wave, self.settings)
        probe = await self._prober.probe(key.id, cache_key, alliance_id)
        if probe is None:
            raise alliance_not_found(alliance_id)
        if key.role == "coordinator" and not probe.granted:
            raise alliance_not_given()
        memo_key = (alliance_id, cache_key)
        entry = self.memory.get(memo_key)
        if entry is None or probe.token is None or entry.token != probe.token:
            entry, started_here = await self._fill(memo_key, view, group_by, wave)
            if not started_here:
                # Another request's fill may have read the alliance before this request's query
                # (and a write in between): take it only if it is still the stored report.
                again = await self._prober.probe(key.id, cache_key, alliance_id)
                if again is None:
                    raise alliance_not_found(alliance_id)
                if again.token != entry.token:
                    entry = await run_in_threadpool(self._load, alliance_id, view, group_by, wave)
                    self.memory.put(memo_key, entry)
        tag = revision_tag(alliance_id, entry.revision, view_version(view, self.settings))
        if entry.gzipped is not None and accepts_gzip(accept_encoding):
            body, headers = entry.gzipped, {"ETag": f"W/{tag}", "Content-Encoding": "gzip"}
        else:
            body, headers = entry.body, {"ETag": tag}
        if if_none_match is not None and _none_match(if_none_match, tag):
            return Response(status_code=304, headers={"ETag": headers["ETag"], **COMMON_HEADERS})
        return Response(body, media_type=MEDIA_TYPE, headers={**headers, **COMMON_HEADERS})

    async def _fill(self, memo_key: tuple[int, str], view: str, group_by: str, wave: str | None
                    ) -> tuple[MemoEntry, bool]:
        """Read or compute the report in a worker thread, once for all requests that wait for it;
        and whether this call started it."""
        loop = asyncio.get_running_loop()
        pending = self._filling.get(memo_key)
        started_here = pending is None or pending.get_loop() is not loop
        if started_here:
            pending = asyncio.ensure_future(run_in_threadpool(self._load, memo_key[0], view, group_by, wave))
            self._filling[memo_key] = pending

            def done(future: asyncio.Future[MemoEntry]) -> None:
                if self._filling.get(memo_key) is future:
                    del self._filling[memo_key]
                if not future.cancelled() and future.exception() is None:
                    self.memory.put(memo_key, future.result())

            pending.add_done_callback(done)
        assert pending is not None
        return await asyncio.shield(pending), started_here

    def _load(self, alliance_id: int, view: str, group_by: str, wave: str | None) -> MemoEntry:
        # Access was checked by the probe of the request that started this; the row is read
        # again here because it may have changed since (then the report is of the new revision).
        with self.database.sessions() as session:
            row = session.get(AllianceRow, alliance_id)
            if row is None:
                raise alliance_not_found(alliance_id)
            stored = stored_report(session, row, view, self.settings, group_by=group_by, wave=wave)
        gzipped = None
        if len(stored.body) >= GZIP_MIN_BYTES:
            compressed = gzip.compress(stored.body, compresslevel=6, mtime=0)
            gzipped = compressed if len(compressed) < len(stored.body) else None
        return MemoEntry(stored.token, stored.revision, stored.body, gzipped)

    async def close(self) -> None:
        """Close the connections of the running event loop (the application is shutting down)."""
        await self._prober.close()


# ------------------------------------------------------------------ probers


class _Prober:
    async def probe(self, key_id: int, cache_key: str, alliance_id: int) -> Probe | None:
        raise NotImplementedError

    async def close(self) -> None:
        return None


def _probe_of(found: Any) -> Probe | None:
    return None if found is None else Probe(int(found[0]), found[1] is not None, found[2])


class _ThreadProber(_Prober):
    """The query through SQLAlchemy in a worker thread (any database; the fallback)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.statement = text(PROBE_SQL.replace("{p}", ":key_id", 1).replace("{p}", ":cache_key", 1)
                              .replace("{p}", ":alliance_id", 1))

    def _run(self, key_id: int, cache_key: str, alliance_id: int) -> Probe | None:
        with self.database.engine.connect() as connection:
            found = connection.execute(self.statement, {"key_id": key_id, "cache_key": cache_key,
                                                        "alliance_id": alliance_id}).first()
        return _probe_of(found)

    async def probe(self, key_id: int, cache_key: str, alliance_id: int) -> Probe | None:
        return await run_in_threadpool(self._run, key_id, cache_key, alliance_id)


class _SqliteProber(_Prober):
    """The query on an SQLite connection of its own, in the event loop.

    The connection comes from the engine (so it has the engine's pragmas: WAL) and is kept for the
    life of the process, with no busy timeout: a locked file (a rare case in WAL mode, e.g. while
    a crashed writer's log is recovered) raises at once, and that request's query goes to a worker
    thread instead. A lock keeps two threads' event loops (tests run several) off the connection
    at once; the loser goes to a thread too.
    """

    def __init__(self, database: Database) -> None:
        self.fallback = _ThreadProber(database)
        self.database = database
        self.sql = PROBE_SQL.format(p="?")
        self._connection: Any = None  # SQLAlchemy's pooled connection, kept out of the pool
        self._lock = threading.Lock()

    def _cursor_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = self.database.engine.raw_connection()
            self._connection.driver_connection.execute("PRAGMA busy_timeout = 0")
        connection: sqlite3.Connection = self._connection.driver_connection
        return connection

    async def probe(self, key_id: int, cache_key: str, alliance_id: int) -> Probe | None:
        if not self._lock.acquire(blocking=False):
            return await self.fallback.probe(key_id, cache_key, alliance_id)
        try:
            connection = self._cursor_connection()
            # fetchall: a cursor left unfinished would keep its read transaction (and snapshot)
            rows = connection.execute(self.sql, (key_id, cache_key, alliance_id)).fetchall()
        except sqlite3.Error:
            self._discard()
            return await self.fallback.probe(key_id, cache_key, alliance_id)
        finally:
            self._lock.release()
        return _probe_of(rows[0] if rows else None)

    def _discard(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.invalidate()
            self._connection = None

    async def close(self) -> None:
        # Not back to the pool: it has no busy timeout, and a request given it would fail at once
        # ("database is locked") where it should wait for another's write.
        with self._lock:
            self._discard()


class _LoopPool:
    """Asynchronous connections of one event loop: at most ``size`` at once, idle ones reused."""

    def __init__(self, size: int) -> None:
        self.slots = asyncio.Semaphore(size)
        self.idle: list[psycopg.AsyncConnection[Any]] = []


class _PostgresProber(_Prober):
    """The query on psycopg connections (autocommit) driven from the event loop, a small pool per loop.

    One loop per process in production; tests start one per client. Connections are made as
    needed, up to :attr:`SIZE` per loop, each with the query prepared once (``PREPARE``). The
    query itself goes through psycopg's libpq layer (:attr:`psycopg.AsyncConnection.pgconn`):
    send the prepared statement's parameters, wait until the socket is readable, read the one
    row, all in text format. Through ``AsyncConnection.execute`` the same took about twice the
    worker's CPU time (57 µs against 30 µs per query: the process's CPU time over 3,000 queries
    in a row), for generality this query does not need.
    """

    SIZE = 4
    STATEMENT = b"netz_report_probe"

    def __init__(self, database: Database) -> None:
        args, kwargs = database.engine.dialect.create_connect_args(database.engine.url)
        kwargs.pop("context", None)  # SQLAlchemy's adapters: the query needs psycopg's own
        kwargs.setdefault("application_name", APPLICATION_NAME)  # to tell them apart in pg_stat_activity
        self._args, self._kwargs = args, database.connect_arguments(kwargs)  # with the timeouts
        # Making a connection, and the query (a command on an idle connection), take at most the
        # connect timeout each, or the database is taken as not there (as api.db.TimedConnection
        # takes it).
        self._answer_seconds = database.connect_timeout
        self.sql = PROBE_SQL.replace("{p}", "{}").format("$1", "$2", "$3")
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopPool] = \
            weakref.WeakKeyDictionary()

    def _pool(self) -> _LoopPool:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            for other in [other for other in self._pools if other.is_closed()]:
                for connection in self._pools.pop(other).idle:  # their loop is gone: close now
                    with contextlib.suppress(Exception):
                        connection.pgconn.finish()
            pool = self._pools[loop] = _LoopPool(self.SIZE)
        return pool

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        import psycopg

        connection = await psycopg.AsyncConnection.connect(*self._args, autocommit=True, **self._kwargs)
        try:
            await connection.execute(f"PREPARE {self.STATEMENT.decode()} (integer, varchar, integer) AS "
                                     f"{self.sql}")
        except BaseException:
            connection.pgconn.finish()
            raise
        return connection

    async def probe(self, key_id: int, cache_key: str, alliance_id: int) -> Probe | None:
        import psycopg

        pool = self._pool()
        params = [str(key_id).encode(), cache_key.encode(), str(alliance_id).encode()]
        for attempt in (1, 2):
            async with pool.slots:
                connection = pool.idle.pop() if pool.idle and attempt == 1 else None
                try:
                    if connection is None:
                        async with asyncio.timeout(self._answer_seconds):
                            connection = await self._connect()
                    deadline = asyncio.get_running_loop().time() + self._answer_seconds
                    found = await self._query(connection.pgconn, params, deadline)
                except (psycopg.OperationalError, TimeoutError) as error:
                    # The first try may have had an idle connection the database dropped (it
                    # restarted): try once more on a new one; then the database is down (503).
                    if connection is not None:
                        connection.pgconn.finish()
                    if attempt == 2:
                        raise OperationalError(self.sql, None, error) from error
                    continue
                except BaseException:  # cancelled mid-query, or an error: the state is unknown
                    if connection is not None:
                        connection.pgconn.finish()
                    raise
                pool.idle.append(connection)
                return found
        raise AssertionError("unreachable")

    async def _query(self, pgconn: Any, params: list[bytes], deadline: float) -> Probe | None:
        """Run the prepared probe on a connection that is idle (libpq's asynchronous calls);
        :class:`TimeoutError` if the answer is not there by ``deadline`` (the loop's clock).

        The deadline is a timer on each wait for the socket, not ``asyncio.timeout`` around the
        whole, which cost more than half as much again as the query itself."""
        import psycopg
        from psycopg import pq

        pgconn.nonblocking = 1
        pgconn.send_query_prepared(self.STATEMENT, params)
        loop = asyncio.get_running_loop()
        while pgconn.flush():  # 1: not all sent yet (the parameters are small: rare)
            await _ready(loop, pgconn.socket, write=True, deadline=deadline)
        results = []
        while True:
            pgconn.consume_input()
            while pgconn.is_busy():
                await _ready(loop, pgconn.socket, write=False, deadline=deadline)
                pgconn.consume_input()
            result = pgconn.get_result()
            if result is None:
                break
            results.append(result)
        if not results or results[0].status != pq.ExecStatus.TUPLES_OK:
            failed = results[0] if results else None
            message = failed.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) if failed else None
            error = (message or b"the report query failed").decode(errors="replace")
            if pgconn.status != pq.ConnStatus.OK:
                raise psycopg.OperationalError(error)
            state = failed.error_field(pq.DiagnosticField.SQLSTATE) if failed else None
            raise _error_class(state)(error)
        rows = results[0]
        if rows.ntuples == 0:
            return None
        revision, grant, token = (rows.get_value(0, column) for column in range(3))
        return Probe(int(revision), grant is not None, token.decode() if token is not None else None)

    async def close(self) -> None:
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        for connection in pool.idle if pool is not None else ():
            with contextlib.suppress(Exception):
                await connection.close()


def _error_class(sqlstate: bytes | None) -> type[Exception]:
    """The class psycopg raises for an SQLSTATE (e.g. ``NumericValueOutOfRange`` for 22003)."""
    import psycopg

    try:
        return psycopg.errors.lookup(sqlstate.decode()) if sqlstate else psycopg.DatabaseError
    except KeyError:
        return psycopg.DatabaseError


async def _ready(loop: asyncio.AbstractEventLoop, fd: int, *, write: bool, deadline: float) -> None:
    """Until a socket can be read (or written); :class:`TimeoutError` at ``deadline``."""
    waiter: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not waiter.done():
            waiter.set_result(None)

    def expire() -> None:
        if not waiter.done():
            waiter.set_exception(TimeoutError("the database did not answer in time"))

    if write:
        loop.add_writer(fd, wake)
    else:
        loop.add_reader(fd, wake)
    timer = loop.call_at(deadline, expire)
    try:
        await waiter
    finally:
        timer.cancel()
        if write:
            loop.remove_writer(fd)
        else:
            loop.remove_reader(fd)

"""Database engine, sessions and migrations.

SQLite (the default, one file) and PostgreSQL (for several workers) behind one
SQLAlchemy engine. For PostgreSQL, ``pool_pre_ping`` makes a connection that
died with the database be replaced on next use, so the service recovers by
itself when the database comes back; until then requests get 503. An SQLite
file cannot go away under an open connection, so it is not pinged (the ping
was one more query on every request).

A database that does not answer (its process stopped, a network that drops packets) must not hold
requests for minutes, so every wait for PostgreSQL is bounded on the client's side
(:class:`TimedConnection`): a connection is made within the connect timeout; the pool's ping of a
connection before each use (a command in autocommit mode, as SQLAlchemy sends it) and a query
outside a transaction (:meth:`Database.read`) are answered within the connect timeout too, as a
database that is there does at once; every other command within the statement timeout, which the
server also enforces itself (``statement_timeout``; the client waits a connect timeout longer, so
that a living server's own error comes first). A wait that runs out closes its connection and raises
:class:`psycopg.OperationalError`: the request gets 503 (:mod:`api.problems`), and the pool makes
new connections once the database answers again. So a request learns within about two connect
timeouts (a ping, one new connection) that the database is gone. SQLite waits at most the statement
timeout for a lock (its busy timeout). Migrations have no statement timeout.

**How many connections.** A worker process holds at most ``pool_size`` connections for the
threads that serve requests, and ``max_overflow`` more for what runs beside them (background
jobs' threads). The service lets as many threads hold a session as the pool has connections
(``api.main``: anyio's thread limiter is set to ``pool_size`` at start), so a request beyond them
waits for a thread, on the event loop, instead of waiting inside a thread for a connection and
getting 503 when ``pool_timeout`` runs out. :func:`refused_connection` tells a server that refuses
more connections (``max_connections`` reached) from one that is not there.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Executable, Row, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

__all__ = ["CONNECT_TIMEOUT", "POOL_SIZE", "STATEMENT_TIMEOUT", "Database", "TimedConnection", "migrate",
           "refused_connection"]

MIGRATIONS = Path(__file__).parent / "migrations"

#: Seconds to make a connection, and to get the answer to a command on an idle connection.
CONNECT_TIMEOUT = 2.0
#: Seconds a statement may take (PostgreSQL), and SQLite waits for a lock.
STATEMENT_TIMEOUT = 10.0
#: Connections per worker process for the threads that serve requests (and the number of those
#: threads). PostgreSQL's default ``max_connections`` is 100: one process with this, its
#: background job and its spare stays under a quarter of it (README, "The service").
POOL_SIZE = 20
#: What PostgreSQL says when it takes no more connections: the server is full
#: (``max_connections``), or the role's or the database's connection limit is reached
#: (SQLSTATE 53300; psycopg gives no SQLSTATE for an error while connecting, only the text).
TOO_MANY_CONNECTIONS = ("too many clients already", "too many connections for",
                        "remaining connection slots are reserved")


class TimedConnection(psycopg.Connection[Any]):
    """psycopg's connection with a limit on every wait for the server (see the module's notes).

    ``ping_seconds`` bounds a wait in autocommit mode (the pool's ping), ``statement_seconds``
    any other; ``None``: no limit.
    """

    ping_seconds: float | None = None
    statement_seconds: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is None:
            timeout = self.ping_seconds if self.autocommit else self.statement_seconds
        try:
            return super().wait(gen, interval, timeout)
        except psycopg.errors._WaitTimeout:
            # The command is half done and its answer may still come: the connection is unusable.
            self.close()
            raise psycopg.OperationalError(
                f"the database did not answer within {timeout:g} seconds") from None


class Database:
    """An engine and its session factory for one database URL.

    Parameters
    ----------
    url
        SQLAlchemy URL.
    connect_timeout, statement_timeout
        Seconds (see the module's notes): :data:`CONNECT_TIMEOUT`, :data:`STATEMENT_TIMEOUT`.
    pool_size
        Connections kept for the threads that serve requests (:data:`POOL_SIZE`).
    max_overflow
        Connections beyond them, made when needed and closed when given back (background jobs).
    """

    def __init__(self, url: str, *, connect_timeout: float = CONNECT_TIMEOUT,
                 statement_timeout: float = STATEMENT_TIMEOUT, pool_size: int = POOL_SIZE,
                 max_overflow: int = 1) -> None:
        self.url = url
        self.pool_size = pool_size
        self.max_overflow = max_overflow
        self.connect_timeout = connect_timeout
        self.statement_timeout = statement_timeout
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            pool: dict[str, Any] = {}
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                pool = {"pool_size": pool_size, "max_overflow": max_overflow,
                        "pool_timeout": statement_timeout}
            self.engine: Engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": statement_timeout}, **pool
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            # pool_timeout: a request waiting for a connection of a full pool (all held by
            # requests waiting for a database that does not answer) gives up as soon as they do.
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=pool_size,
                                        max_overflow=max_overflow,
                                        pool_timeout=connect_timeout + statement_timeout)
            if self.engine.dialect.driver == "psycopg":
                event.listen(self.engine, "do_connect", self._timed_connect)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    def read(self, statement: Executable, parameters: Mapping[str, Any]) -> Sequence[Row[Any]]:
        """The rows of one query, run outside a transaction: a single statement sees one state
        of the database by itself, and PostgreSQL is spared the round trips of ``BEGIN`` and
        ``ROLLBACK`` (of four round trips, two; see :class:`api.deps.Access`). Bounded like the
        pool's ping (autocommit mode, :class:`TimedConnection`): a query meant to take
        milliseconds."""
        with self._autocommit.connect() as connection:
            return connection.execute(statement, parameters).all()

    @property
    def most_connections(self) -> int:
        """The most connections this process holds at once (PostgreSQL counts each one against
        its ``max_connections``)."""
        return self.pool_size + self.max_overflow

    def connect_arguments(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """psycopg's connection arguments with the timeouts: ``connect_timeout`` (whole seconds,
        at least 2, as libpq takes it) and the server's ``statement_timeout``."""
        limit = f"-c statement_timeout={round(self.statement_timeout * 1000)}"
        return {**arguments, "connect_timeout": max(2, math.ceil(self.connect_timeout)),
                "options": f"{arguments.get('options', '')} {limit}".strip()}

    def _timed_connect(self, _dialect: Any, _record: Any, args: list[Any], kwargs: dict[str, Any]
                       ) -> TimedConnection:
        connection = TimedConnection.connect(*args, **self.connect_arguments(kwargs))
        connection.ping_seconds = self.connect_timeout
        connection.statement_seconds = self.statement_timeout + self.connect_timeout
        return connection

    def migrate(self) -> None:
        migrate(self.engine)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (with no statement timeout: an index on a large
    table may take long)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection, _without_statement_timeout(connection):
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _without_statement_timeout(connection: Connection) -> Iterator[None]:
    """No statement timeout, on the server or the client, for this transaction (PostgreSQL)."""
    driver = connection.connection.dbapi_connection
    if not isinstance(driver, TimedConnection):
        yield
        return
    connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
    limit, driver.statement_seconds = driver.statement_seconds, None
    try:
        yield
    finally:
        driver.statement_seconds = limit


def refused_connection(error: BaseException) -> bool:
    """Whether this error (SQLAlchemy's or psycopg's) is PostgreSQL refusing a new connection
    because it has ``max_connections`` of them: the server is there, but full."""
    original = getattr(error, "orig", error)
    return getattr(original, "sqlstate", None) == "53300" or any(
        text in str(original) for text in TOO_MANY_CONNECTIONS)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()

"""How many requests hold a database connection at once, and a server that takes no more.

Issue 12: each worker ran 40 threads (anyio's default) against a pool of 30 connections, so under
a burst requests waited for a connection inside their thread and got 503 when the pool timeout
ran out. Now the thread limiter is the pool's size (one setting, ``database_pool_size``); a
request beyond it waits for a thread on the event loop. A PostgreSQL server that refuses more
connections (``max_connections``, or a role's connection limit: SQLSTATE 53300) is 503 with
that reason for a request, and a sentence, not a traceback, for ``netz serve``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from anyio import to_thread
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from api.cli import CONNECTION_SHARE
from api.config import Settings
from api.db import Database
from api.main import create_app
from netz.cli import main
from tests.api.conftest import auth
from tests.api.test_sessions import roster_alliance

#: PostgreSQL's default max_connections, which the defaults are sized for.
DEFAULT_MAX_CONNECTIONS = 100


async def thread_limit() -> float:
    return to_thread.current_default_thread_limiter().total_tokens


def test_threads_that_may_hold_a_session_are_as_many_as_the_pool_has_connections(
    make_app: Callable[..., FastAPI]
) -> None:
    app = make_app(database_pool_size=3, job_workers=2)
    database: Database = app.state.database
    with TestClient(app) as client:
        assert client.portal is not None
        assert client.portal.call(thread_limit) == 3  # anyio's default was 40
    assert database.engine.pool.size() == 3  # type: ignore[attr-defined]
    assert database.most_connections == 3 + 2 + 1  # and the background jobs' threads, their heartbeat


def test_the_default_pool_stays_within_its_share_of_postgresql() -> None:
    """``netz serve`` (one process) holds at most a quarter of PostgreSQL's default 100
    connections, the rest for more workers, migrations, psql and the tests (README)."""
    settings = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1/unused")
    database = Database(settings.database_url, pool_size=settings.database_pool_size,
                        max_overflow=settings.job_workers + 1)
    assert database.most_connections <= CONNECTION_SHARE * DEFAULT_MAX_CONNECTIONS
    database.engine.dispose()


@pytest.fixture
def postgres_only(database_url: str) -> str:
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's pool and connection limits")
    return database_url


def test_a_burst_larger_than_the_pool_is_answered_without_503(
    postgres_only: str, make_app: Callable[..., FastAPI], new_key: Callable[..., str]
) -> None:
    """60 respondents at once against 2 connections (and 2 threads): each one answered 200; at
    most the pool's connections were out at once."""
    app = make_app(database_pool_size=2, rate_limits=False)
    pool = app.state.database.engine.pool
    admin = auth(new_key("admin"))
    most = 0

    def respond(link: str, partner: str, client: TestClient) -> list[int]:
        nonlocal most
        statuses = [client.get(link).status_code, client.post(f"{link}/consent").status_code]
        most = max(most, pool.checkedout())
        answer = {"kind": ["information"], "frequency": 2}
        return [*statuses, client.put(f"{link}/answers/{partner}", json=answer).status_code]

    with TestClient(app) as client:
        created = client.post("/api/v1/alliances", headers=admin, json=roster_alliance(60))
        closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=14)).isoformat()
        started = client.post(f"/api/v1/alliances/{created.json()['id']}/surveys",
                              headers={**admin, "If-Match": created.headers["ETag"]},
                              json={"wave": "2026", "closes_at": closes})
        assert started.status_code == 201, started.text
        links = ["/api/v1/respond/" + link["link"].rsplit("/", 1)[1] for link in started.json()["links"]]
        partners = ["a1"] + ["a0"] * (len(links) - 1)  # links[0] is a0's
        with ThreadPoolExecutor(len(links)) as threads:
            statuses = list(threads.map(lambda link, partner: respond(link, partner, client),
                                        links, partners))
    assert [answered for answered in statuses if answered != [200, 200, 200]] == []
    assert most <= 2


@pytest.fixture
def limited_role(postgres_only: str) -> Iterator[str]:
    """The test database's URL as a new role that PostgreSQL lets make one connection (its
    refusal of a second one is SQLSTATE 53300, as for a server at ``max_connections``)."""
    role = f"netz_limited_{secrets.token_hex(4)}"
    server = create_engine(postgres_only, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 1'))
        connection.execute(text(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"'))
        connection.execute(text(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
    try:
        yield make_url(postgres_only).set(username=role).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE usename = :role"), {"role": role})
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
        server.dispose()


def test_a_server_that_takes_no_more_connections_is_503_with_the_reason(
    limited_role: str, new_key: Callable[..., str]
) -> None:
    admin = auth(new_key("admin"))
    app = create_app(Settings(database_url=limited_role, rate_limits=False), migrate=False)
    held = psycopg.connect(make_url(limited_role).set(drivername="postgresql").render_as_string(
        hide_password=False))  # the role's one connection
    try:
        with TestClient(app) as client:
            answer = client.get("/api/v1/alliances", headers=admin)
    finally:
        held.close()
        app.state.database.engine.dispose()
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "max_connections" in answer.json()["detail"]
    assert answer.headers["retry-after"] == "5"


def test_serve_on_a_server_that_takes_no_more_connections_says_so(
    limited_role: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):  # no locale: German
        monkeypatch.delenv(variable, raising=False)
    held = psycopg.connect(make_url(limited_role).set(drivername="postgresql").render_as_string(
        hide_password=False))
    try:
        status = main(["serve", "--database", limited_role, "--port", "8269"])
    finally:
        held.close()
    assert status == 2
    error = capsys.readouterr().err
    assert "nimmt keine weiteren Verbindungen an" in error and "max_connections" in error
    assert "Traceback" not in error

"""A request's database session gives its connection back before the request is answered.

Issue 12: under 300 survey respondents at once on PostgreSQL, every pooled connection stayed
``idle in transaction`` after its request's work was done (the session was closed after the
response had been sent, on the event loop), and most respondents got 503 when their wait for a
connection ran out. These tests look at the pool and at ``pg_stat_activity`` at the moment the
response starts, through the real app, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool
from starlette.types import Message, Receive, Scope, Send

import api.reportcache
import api.routes.handout
from api import pages, routes
from api.deps import SessionRoute, _session
from api.models import ReportCache
from tests.api.conftest import auth

#: The connections of this database (but the asking one) that hold a transaction open while idle.
IDLE_IN_TRANSACTION = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
)

RESPONDENTS = 40


def roster_alliance(size: int) -> dict[str, Any]:
    actors = [{"id": f"a{i}", "name": f"Akteur {i}", "type": "Initiative"} for i in range(size)]
    return {"name": "Bündnis Sitzungen", "actors": actors, "ties": [{"source": "a0", "target": "a1"}]}


@pytest.fixture
def links(client: TestClient, new_key: Callable[..., str]) -> list[str]:
    """The respondents' link paths of an open survey of ``RESPONDENTS`` actors."""
    admin = auth(new_key("admin"))
    created = client.post("/api/v1/alliances", headers=admin, json=roster_alliance(RESPONDENTS))
    assert created.status_code == 201, created.text
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=14)).isoformat()
    started = client.post(f"/api/v1/alliances/{created.json()['id']}/surveys",
                          headers={**admin, "If-Match": created.headers["ETag"]},
                          json={"wave": "2026", "closes_at": closes})
    assert started.status_code == 201, started.text
    return ["/api/v1/respond/" + link["link"].rsplit("/", 1)[1] for link in started.json()["links"]]


@pytest.fixture
def idle_in_transaction(database_url: str) -> Iterator[Callable[[], int]]:
    """How many connections of the database hold a transaction open while idle (SQLite: 0, it
    has no server)."""
    if database_url.startswith("sqlite"):
        yield lambda: 0
        return
    engine = create_engine(database_url, poolclass=NullPool)

    def count() -> int:
        with engine.connect() as connection:
            return int(connection.execute(IDLE_IN_TRANSACTION).scalar_one())

    yield count
    engine.dispose()


class AtResponseStart:
    """The app, noting for each response, as it starts, what the given probe says."""

    def __init__(self, app: FastAPI, probe: Callable[[], Any]) -> None:
        self.app, self.probe = app, probe
        self.seen: list[tuple[str, int, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.seen.append((f"{scope['method']} {scope['path']}", message["status"], self.probe()))
            await send(message)

        await self.app(scope, receive, noting)


def test_the_connection_is_back_in_the_pool_before_the_response_starts(
    app: FastAPI, links: list[str], admin: dict[str, str], idle_in_transaction: Callable[[], int]
) -> None:
    pool = app.state.database.engine.pool
    watched = AtResponseStart(app, lambda: (pool.checkedout(), idle_in_transaction()))
    link = links[0]
    with TestClient(watched) as client:
        assert client.get(link).status_code == 200  # reads only: the transaction a read opened
        assert client.post(f"{link}/consent").status_code == 200  # a commit, then reads again
        assert client.put(f"{link}/answers/a1", json={"kind": ["information"]}).status_code == 200
        assert client.get(link).status_code == 200
        assert client.get("/api/v1/alliances", headers=admin).status_code == 200
        assert client.get(f"{link}/answers/nobody").status_code == 405
    assert len(watched.seen) == 6
    held = [(request, status, probe) for request, status, probe in watched.seen if probe != (0, 0)]
    assert held == [], "(checked-out connections, idle in transaction) as the response started"


class AtFirstBody:
    """The app, noting what the given probe says when the endpoint first asks for the request's body
    (a slow client keeps it waiting there)."""

    def __init__(self, app: FastAPI, probe: Callable[[], Any]) -> None:
        self.app, self.probe = app, probe
        self.seen: list[tuple[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = False

        async def noting() -> Message:
            nonlocal asked
            if not asked and scope["type"] == "http":
                asked = True
                self.seen.append((f"{scope['method']} {scope['path']}", self.probe()))
            return await receive()

        await self.app(scope, noting, send)


def test_no_transaction_waits_for_an_upload(
    app: FastAPI, demo: dict[str, Any], admin: dict[str, str], demo_zip: bytes,
    idle_in_transaction: Callable[[], int]
) -> None:
    """A revision from a file checks the alliance (and reads it) before the upload is read; the
    reading transaction ends before the endpoint waits for the client's upload. (Before: open,
    its connection out of the pool, for as long as the client took to send the file.)"""
    pool = app.state.database.engine.pool
    watched = AtFirstBody(app, lambda: (pool.checkedout(), idle_in_transaction()))
    url = f"/api/v1/alliances/{demo['id']}/revisions"
    upload = {"file": ("demo-buendnis.zip", demo_zip, "application/zip")}
    with TestClient(watched) as client:
        assert client.post(f"{url}/preview", headers=admin, files=upload).status_code == 200
        stored = client.post(url, headers={**admin, "If-Match": demo["etag"]}, files=upload)
        assert stored.status_code == 200, stored.text
        assert stored.json()["alliance"]["revision"] == 2
    assert [probe for _, probe in watched.seen] == [(0, 0), (0, 0)], watched.seen


def test_a_burst_of_respondents_all_answered_and_every_connection_back(
    app: FastAPI, links: list[str], idle_in_transaction: Callable[[], int]
) -> None:
    """As many respondents at once as a worker has threads (40): every one is answered 2xx, and
    afterwards nothing is held. (A guard: it passed before the fix too, the test client's requests
    being too few to run the pool dry; ``benchmarks/bench_survey.py`` shows the 503s.)"""

    def respond(link: str, partner: str, client: TestClient) -> list[int]:
        answer = {"kind": ["information"], "frequency": 2}
        return [client.get(link).status_code, client.post(f"{link}/consent").status_code,
                client.put(f"{link}/answers/{partner}", json=answer).status_code]

    partners = ["a1"] + ["a0"] * (len(links) - 1)  # links[0] is a0's
    with TestClient(app) as client, ThreadPoolExecutor(len(links)) as threads:
        statuses = list(threads.map(lambda link, partner: respond(link, partner, client), links, partners))
    assert len(statuses) == RESPONDENTS
    assert {status for answered in statuses for status in answered} == {200}
    assert app.state.database.engine.pool.checkedout() == 0
    assert idle_in_transaction() == 0


def takes_a_session(dependant: Dependant) -> bool:
    return any(dependency.call is _session or takes_a_session(dependency)
               for dependency in dependant.dependencies)


def test_every_route_that_takes_a_session_closes_it() -> None:
    """A route that takes a session is a SessionRoute: else nothing closes the session, and its
    connection would wait for the garbage collector."""
    names = [name for _, name, _ in pkgutil.iter_modules(routes.__path__)]
    modules = [*(importlib.import_module(f"api.routes.{name}") for name in names), pages]
    every = [route for module in modules for route in module.router.routes if isinstance(route, APIRoute)]
    with_session = [route for route in every if takes_a_session(route.dependant)]
    assert len(with_session) > 50
    assert [route.path for route in with_session if not isinstance(route, SessionRoute)] == []


@pytest.mark.parametrize(("tail", "module", "computation", "stored"), [
    ("whatif?key_players=3", api.reportcache, "key_players", 1),  # tens of seconds at 3,000 actors
    ("layout", api.reportcache, "map_layout", 1),  # seconds
    ("report.pdf", api.routes.handout, "handout", 2),  # seconds: the analysis (layout, key players)
    ("report.pdf", api.routes.handout, "pdf", 2),  # seconds: WeasyPrint
])
def test_a_long_computation_holds_no_connection(
    client: TestClient, app: FastAPI, admin: dict[str, str], demo: dict[str, Any],
    idle_in_transaction: Callable[[], int], monkeypatch: pytest.MonkeyPatch,
    tail: str, module: Any, computation: str, stored: int,
) -> None:
    """Issue 12: a key-player search kept its session's connection while it computed, and the
    thread limiter equals the pool's size, so each one held kept another request waiting. The
    computation waits here until the test has looked at the pool: every connection is back in it,
    and none is idle in a transaction; its results are stored after it."""
    started, go = threading.Event(), threading.Event()
    real = getattr(module, computation)

    def waiting(*args: Any, **options: Any) -> Any:
        started.set()
        go.wait(timeout=120)  # a bound in case the test fails before it lets the computation go
        return real(*args, **options)

    monkeypatch.setattr(module, computation, waiting)
    pool = app.state.database.engine.pool
    with ThreadPoolExecutor(1) as thread:
        answer = thread.submit(client.get, f"/api/v1/alliances/{demo['id']}/{tail}", headers=admin)
        try:
            assert started.wait(timeout=120), answer.result()
            during = (pool.checkedout(), idle_in_transaction())
        finally:
            go.set()
        response = answer.result()
    assert response.status_code == 200, response.text
    assert during == (0, 0), "(checked-out connections, idle in transaction) during the computation"
    with app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReportCache).where(
            ReportCache.alliance_id == demo["id"])) == stored


def test_a_request_waiting_for_another_ones_computation_holds_no_connection(
    client: TestClient, app: FastAPI, admin: dict[str, str], demo: dict[str, Any],
    idle_in_transaction: Callable[[], int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two requests for the same key players: the second waits for the first one's search (one
    search per process), and neither holds a connection meanwhile."""
    started, go, waiting = threading.Event(), threading.Event(), threading.Event()
    searches: list[int] = []
    real = api.reportcache.key_players

    def searching(graph: Any, k: int) -> Any:
        searches.append(k)
        started.set()
        go.wait(timeout=120)  # a bound in case the test fails before it lets the search go
        return real(graph, k)

    class NotingLock:
        """A fill's lock that notes when a request is about to wait for it."""

        def __init__(self) -> None:
            self.lock = threading.Lock()

        def acquire(self, blocking: bool = True) -> bool:
            if blocking:
                waiting.set()
            return self.lock.acquire(blocking)

        def release(self) -> None:
            self.lock.release()

    class NotingFill(api.reportcache._Fill):
        def __init__(self) -> None:
            self.lock = NotingLock()  # type: ignore[assignment]

    monkeypatch.setattr(api.reportcache, "key_players", searching)
    monkeypatch.setattr(api.reportcache, "_Fill", NotingFill)
    pool = app.state.database.engine.pool
    path, params = f"/api/v1/alliances/{demo['id']}/whatif", {"key_players": 3}
    with ThreadPoolExecutor(2) as threads:
        first = threads.submit(client.get, path, headers=admin, params=params)
        try:
            assert started.wait(timeout=120), first.result()
            second = threads.submit(client.get, path, headers=admin, params=params)
            assert waiting.wait(timeout=120), second.result()
            during = (pool.checkedout(), idle_in_transaction())
        finally:
            go.set()
        answers = [first.result(), second.result()]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].json() == answers[1].json() and searches == [3]
    assert during == (0, 0), "(checked-out connections, idle in transaction) while both wait"


def test_printing_a_handout_from_another_workers_cache_holds_no_connection(
    client: TestClient, app: FastAPI, admin: dict[str, str], demo: dict[str, Any],
    idle_in_transaction: Callable[[], int], monkeypatch: pytest.MonkeyPatch,
    make_app: Callable[..., FastAPI],
) -> None:
    """The layout and key players stored by another worker are read from the store (a transaction
    of their own), and that one is ended too before the PDF is printed."""
    with TestClient(make_app()) as other_worker:
        for tail in ("layout", "whatif?key_players=3"):
            stored = other_worker.get(f"/api/v1/alliances/{demo['id']}/{tail}", headers=admin)
            assert stored.status_code == 200, stored.text
    started, go = threading.Event(), threading.Event()
    real = api.routes.handout.pdf

    def waiting(html: str) -> bytes:
        started.set()
        go.wait(timeout=120)  # a bound in case the test fails before it lets the printing go
        return real(html)

    monkeypatch.setattr(api.routes.handout, "pdf", waiting)
    pool = app.state.database.engine.pool
    with ThreadPoolExecutor(1) as thread:
        answer = thread.submit(client.get, f"/api/v1/alliances/{demo['id']}/report.pdf", headers=admin)
        try:
            assert started.wait(timeout=120), answer.result()
            during = (pool.checkedout(), idle_in_transaction())
        finally:
            go.set()
        assert answer.result().status_code == 200
    assert during == (0, 0), "(checked-out connections, idle in transaction) while printing"

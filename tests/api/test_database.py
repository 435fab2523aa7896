"""The database: migrations, concurrent writers, and losing PostgreSQL while the service runs."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

import api.db
import api.routes.actors
import api.routes.alliances
from api.config import Settings
from api.db import MIGRATIONS
from api.main import create_app
from api.models import Base
from api.security import create_key, pseudonym_key

ALLIANCES = "/api/v1/alliances"
PROBLEM = "application/problem+json"


# -- migrations -----------------------------------------------------------------------------------


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return str(ScriptDirectory.from_config(config).get_current_head())


def test_schema_is_at_the_newest_migration(app: FastAPI) -> None:
    engine = app.state.database.engine
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_migrations_match_the_models(app: FastAPI) -> None:
    """What the migrations made is what the models describe (no forgotten migration)."""
    with app.state.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrating_again_changes_nothing(app: FastAPI, client: TestClient, admin: dict[str, str],
                                         demo: dict[str, Any]) -> None:
    app.state.database.migrate()
    again = create_app(Settings(database_url=app.state.database.url))  # a second start migrates too
    try:
        with TestClient(again) as second:
            assert second.get(f"{ALLIANCES}/{demo['id']}", headers=admin).json()["n_actors"] == 25
    finally:
        again.state.database.engine.dispose()


def test_a_new_sqlite_file_is_made_and_migrated(tmp_path: Any) -> None:
    fresh = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'neu' / 'netz.sqlite'}"))
    try:
        with TestClient(fresh) as client:
            assert client.get("/readyz").status_code == 200
        assert (tmp_path / "neu" / "netz.sqlite").exists()
    finally:
        fresh.state.database.engine.dispose()


# -- concurrent writers ---------------------------------------------------------------------------


def held_at_the_check(monkeypatch: pytest.MonkeyPatch, module: Any, parties: int) -> None:
    """Let every request pass the If-Match check before any of them writes: the worst interleaving."""
    barrier = threading.Barrier(parties, timeout=10)
    real = module.check_revision

    def check_then_wait(row: Any, if_match: str | None) -> None:
        real(row, if_match)
        barrier.wait()

    monkeypatch.setattr(module, "check_revision", check_then_wait)


def concurrently(requests: list[Callable[[], Any]]) -> list[int]:
    statuses: list[int] = [0] * len(requests)

    def run(i: int) -> None:
        statuses[i] = requests[i]().status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_two_workers_with_the_same_etag(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                        make_app: Callable[..., FastAPI],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers change the same revision at once: one wins, the other gets 412, nothing is lost."""
    held_at_the_check(monkeypatch, api.routes.alliances, 2)
    url = f"{ALLIANCES}/{demo['id']}"
    headers = {**admin, "If-Match": demo["etag"]}
    with TestClient(make_app()) as first, TestClient(make_app()) as second:
        statuses = concurrently([lambda: first.patch(url, headers=headers, json={"name": "Erster"}),
                                 lambda: second.patch(url, headers=headers, json={"name": "Zweiter"})])
    assert sorted(statuses) == [200, 412]
    stored = client.get(url, headers=admin).json()
    assert stored["revision"] == 2
    assert stored["name"] == ("Erster" if statuses[0] == 200 else "Zweiter")


def test_two_actor_edits_with_the_same_etag(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                            make_app: Callable[..., FastAPI],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    held_at_the_check(monkeypatch, api.routes.actors, 2)
    base = f"{ALLIANCES}/{demo['id']}/actors"
    headers = {**admin, "If-Match": demo["etag"]}
    with TestClient(make_app()) as first, TestClient(make_app()) as second:
        statuses = concurrently([
            lambda: first.post(base, headers=headers, json={"id": "x1", "name": "X1", "type": "Verein"}),
            lambda: second.post(base, headers=headers, json={"id": "x2", "name": "X2", "type": "Verein"}),
        ])
    assert sorted(statuses) == [201, 412]
    stored = client.get(f"{ALLIANCES}/{demo['id']}", headers=admin).json()
    assert (stored["revision"], stored["n_actors"]) == (2, 26)
    ids = {a["id"] for a in client.get(base, headers=admin, params={"per_page": 100}).json()["actors"]}
    assert ("x1" in ids) == (statuses[0] == 201) and ("x2" in ids) == (statuses[1] == 201)


def test_two_changes_of_one_actor_with_the_same_etag(client: TestClient, admin: dict[str, str],
                                                     demo: dict[str, Any], make_app: Callable[..., FastAPI],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers rename the same actor from the same revision: one name is kept, the other gets 412."""
    held_at_the_check(monkeypatch, api.routes.actors, 2)
    url = f"{ALLIANCES}/{demo['id']}/actors/stadt"
    headers = {**admin, "If-Match": demo["etag"]}
    with TestClient(make_app()) as first, TestClient(make_app()) as second:
        statuses = concurrently([lambda: first.patch(url, headers=headers, json={"name": "Erste Stadt"}),
                                 lambda: second.patch(url, headers=headers, json={"name": "Zweite Stadt"})])
    assert sorted(statuses) == [200, 412]
    stored = client.get(f"{ALLIANCES}/{demo['id']}", headers=admin).json()
    assert (stored["revision"], stored["n_actors"]) == (2, 25)
    actors = client.get(f"{ALLIANCES}/{demo['id']}/actors", headers=admin, params={"per_page": 100}).json()
    names = {a["id"]: a["name"] for a in actors["actors"]}
    assert names["stadt"] == ("Erste Stadt" if statuses[0] == 200 else "Zweite Stadt")


def test_first_researchers_make_one_pseudonym_secret(app: FastAPI, client: TestClient) -> None:
    """Several requests of several workers need the pseudonym secret of a fresh database at once:
    one is made, every one gets it (two were made before, and the second commit failed)."""
    parties = 8
    barrier = threading.Barrier(parties, timeout=10)
    keys: list[bytes | BaseException] = [b""] * parties

    def worker(i: int) -> None:
        with app.state.database.sessions() as session:
            barrier.wait()
            try:
                keys[i] = pseudonym_key(session, "")
            except Exception as error:  # reported by the assertion below
                keys[i] = error

    for _ in range(3):  # a fresh database each time: no secret stored
        with app.state.database.engine.begin() as connection:
            connection.execute(text("DELETE FROM secrets"))
        barrier.reset()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(parties)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert all(isinstance(key, bytes) for key in keys), keys
        assert len(set(keys)) == 1 and len(keys[0]) == 64
        with app.state.database.engine.connect() as connection:
            stored = connection.execute(text("SELECT value FROM secrets WHERE name = 'pseudonym'")).scalar()
        assert stored is not None and stored.encode() == keys[0]


# -- losing PostgreSQL ----------------------------------------------------------------------------


class Forwarder:
    """A TCP forwarder to PostgreSQL that a test can cut (refusing and dropping connections) and
    restore, or freeze (accepting connections but relaying nothing, as a stopped database process
    looks) and thaw."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.05)
        self._listener, self._stop = listener, threading.Event()
        self._thread = threading.Thread(target=self._accept, args=(listener, self._stop), daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop listening (new connections are refused) and cut every open connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for sock in self._open:
                _shut(sock)
            self._open.clear()

    def _accept(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                downstream, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            downstream.settimeout(None)
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _shut(downstream)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open += [downstream, upstream]
            for source, sink in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=_pump, args=(source, sink, self.flowing), daemon=True).start()

    def freeze(self) -> None:
        """Relay nothing more (bytes received meanwhile are held), in either direction."""
        self.flowing.clear()

    def thaw(self) -> None:
        """Relay again, the held bytes first."""
        self.flowing.set()


def _pump(source: socket.socket, sink: socket.socket, flowing: threading.Event) -> None:
    try:
        while data := source.recv(65536):
            flowing.wait()
            sink.sendall(data)
    except OSError:
        pass
    finally:
        _shut(source)
        _shut(sink)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def forwarder(postgres_url: str) -> Iterator[Forwarder]:
    url = make_url(postgres_url)
    forwarding = Forwarder((url.host or "127.0.0.1", url.port or 5432))
    forwarding.open()
    yield forwarding
    forwarding.close()


@pytest.fixture
def behind_forwarder(postgres_url: str, forwarder: Forwarder) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The service on PostgreSQL through the forwarder, with an admin key and one alliance."""
    url = make_url(postgres_url).set(host="127.0.0.1", port=forwarder.port)
    application = create_app(Settings(database_url=url.render_as_string(hide_password=False),
                                      database_connect_timeout=1, database_statement_timeout=2))
    with application.state.database.engine.begin() as connection:
        for table in ("key_grants", "api_keys", "report_cache", "ties", "actors", "alliances", "secrets"):
            connection.execute(text(f"DELETE FROM {table}"))
    with application.state.database.sessions() as session:
        headers = {"Authorization": f"Bearer {create_key(session, 'admin')}"}
    try:
        with TestClient(application) as test_client:
            yield test_client, headers
    finally:
        application.state.database.engine.dispose()


SMALL = {"name": "Klein", "actors": [{"id": "a", "name": "A", "type": "Kirche"},
                                     {"id": "b", "name": "B", "type": "Stadt"}],
         "ties": [{"source": "a", "target": "b"}]}


def test_database_down_and_back(behind_forwarder: tuple[TestClient, dict[str, str]],
                                forwarder: Forwarder) -> None:
    client, admin = behind_forwarder
    created = client.post(ALLIANCES, headers=admin, json=SMALL)
    assert created.status_code == 201
    alliance = created.json()["id"]
    assert client.get(f"{ALLIANCES}/{alliance}/report", headers=admin).status_code == 200

    forwarder.close()
    requests = [
        ("GET", ALLIANCES, None), ("GET", f"{ALLIANCES}/{alliance}", None),
        ("GET", f"{ALLIANCES}/{alliance}/report", None), ("GET", f"{ALLIANCES}/{alliance}/actors", None),
        ("POST", ALLIANCES, SMALL), ("GET", ALLIANCES, None),
    ]
    for method, url, body in requests:
        response = client.request(method, url, headers=admin, json=body)
        assert response.status_code == 503, (method, url, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["Retry-After"].isdigit()
        assert response.json()["status"] == 503
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.headers["content-type"] == PROBLEM
    assert "Retry-After" in ready.headers
    assert client.get("/healthz").status_code == 200
    # a request without a key is still told so: it needs no database
    assert client.get(ALLIANCES).status_code == 401

    forwarder.open()
    assert client.get(ALLIANCES, headers=admin).status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get(f"{ALLIANCES}/{alliance}/report", headers=admin).status_code == 200
    assert client.post(ALLIANCES, headers=admin, json=SMALL).status_code == 201
    assert len(client.get(ALLIANCES, headers=admin).json()) == 2


def test_database_down_twice(behind_forwarder: tuple[TestClient, dict[str, str]],
                             forwarder: Forwarder) -> None:
    client, admin = behind_forwarder
    for _ in range(2):
        assert client.get(ALLIANCES, headers=admin).status_code == 200
        forwarder.close()
        assert client.get(ALLIANCES, headers=admin).status_code == 503
        assert client.get("/readyz").status_code == 503
        forwarder.open()
    assert client.get(ALLIANCES, headers=admin).status_code == 200


#: However long a request may take to be told that the database does not answer. The timeouts
#: of behind_forwarder (1 s to connect and for an idle connection's answer, at least 2 s for
#: libpq's connect) make it about 3 s at most; generous, so that a loaded machine does not fail it.
ANSWER_BOUND = 5.0


def timed(request: Callable[[], Any]) -> tuple[Any, float]:
    start = time.monotonic()
    response = request()
    return response, time.monotonic() - start


def test_database_frozen_and_thawed(behind_forwarder: tuple[TestClient, dict[str, str]],
                                    forwarder: Forwarder) -> None:
    """The database process stops (it accepts connections and answers nothing): every request is
    told so with 503 within a few seconds, instead of waiting for minutes; when it goes on, so
    does the service, by itself."""
    client, admin = behind_forwarder
    created = client.post(ALLIANCES, headers=admin, json=SMALL)
    assert created.status_code == 201
    alliance = created.json()["id"]
    assert client.get(f"{ALLIANCES}/{alliance}/report", headers=admin).status_code == 200

    forwarder.freeze()
    try:
        for method, url, body in [
            ("GET", f"{ALLIANCES}/{alliance}/report", None), ("GET", ALLIANCES, None),
            ("GET", f"{ALLIANCES}/{alliance}", None), ("GET", f"{ALLIANCES}/{alliance}/gaps", None),
            ("POST", ALLIANCES, SMALL), ("GET", "/readyz", None),
        ]:
            response, seconds = timed(partial(client.request, method, url, headers=admin, json=body))
            assert response.status_code == 503, (method, url, response.text)
            assert response.headers["content-type"] == PROBLEM and "Retry-After" in response.headers
            assert seconds < ANSWER_BOUND, (method, url, seconds)
    finally:
        forwarder.thaw()

    assert client.get("/readyz").status_code == 200
    assert client.get(f"{ALLIANCES}/{alliance}/report", headers=admin).status_code == 200
    assert client.post(ALLIANCES, headers=admin, json=SMALL).status_code == 201
    assert len(client.get(ALLIANCES, headers=admin).json()) == 2


def test_a_statement_past_the_statement_timeout(behind_forwarder: tuple[TestClient, dict[str, str]]) -> None:
    """A statement the living server takes too long for is ended by the server itself: 503."""
    client, _ = behind_forwarder
    database = client.app.state.database  # type: ignore[attr-defined]
    with pytest.raises(OperationalError, match="statement timeout"), database.engine.connect() as connection:
        connection.execute(text("SELECT pg_sleep(10)"))
    with database.engine.connect() as connection:  # the pool's connections still work
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_sqlite_waits_for_a_lock_at_most_the_statement_timeout(database_url: str, client: TestClient,
                                                                admin: dict[str, str],
                                                                make_app: Callable[..., FastAPI]) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's busy timeout")
    with TestClient(make_app(database_statement_timeout=0.5)) as impatient:
        writer = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            response, seconds = timed(lambda: impatient.post(ALLIANCES, headers=admin, json=SMALL))
            assert response.status_code == 503 and response.headers["content-type"] == PROBLEM
            assert seconds < ANSWER_BOUND
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert impatient.post(ALLIANCES, headers=admin, json=SMALL).status_code == 201


def test_migrations_run_without_the_statement_timeout(app: FastAPI, database_url: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An index on a large table may take longer than a request's statement: migrations have no
    timeout, and the connection has its timeouts again afterwards."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's statement_timeout")
    seen: list[tuple[str, float | None]] = []

    def upgrade(config: Config, _revision: str) -> None:
        connection = config.attributes["connection"]
        seen.append((connection.exec_driver_sql("SHOW statement_timeout").scalar(),
                     connection.connection.dbapi_connection.statement_seconds))

    monkeypatch.setattr(api.db.command, "upgrade", upgrade)
    app.state.database.migrate()
    assert seen == [("0", None)]
    with app.state.database.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "10s"
        assert connection.connection.dbapi_connection.statement_seconds == 12.0

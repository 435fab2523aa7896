"""Faults: a worker killed with SIGKILL in the middle of an import leaves no half-imported alliance.

These tests start ``netz serve`` as subprocesses (twice each, a few seconds per start) on the
session's SQLite file and PostgreSQL database; the shared PostgreSQL server itself is never signalled.
The kill is synchronised with the import's state, not a sleep: the upload has been sent in full
and the database shows the import's write transaction open (PostgreSQL: a backend of this database
with a transaction id inserting ties, the last step, in ``pg_stat_activity``; SQLite: another
connection cannot take the write lock, from the import's first insert to its commit).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from netz.core.io.graphfiles import write_node_link
from tests.api.conftest import TABLES
from tests.api.servers import Server, start_server
from tests.factories import make_alliance

ACTORS = 2_000
#: Ties per actor: each actor is tied to the next ``SPAN`` ones (around a ring), so no pair repeats.
SPAN = 15
TIES = ACTORS * SPAN
WAIT = 60.0
ACTOR_TYPES = ("Initiative", "Kirche", "Stadt", "MSO", "Verein")

#: The import's open write transaction at its last step, the ties, as PostgreSQL shows it to
#: another session: the alliance row and its actors are written by then, not yet committed.
WRITING_TIES = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND query ILIKE 'INSERT INTO ties%'"
)


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid node-link file of 2,000 actors and 30,000 ties (within the service's default limits)."""
    types = {f"a{i:04d}": ACTOR_TYPES[i % len(ACTOR_TYPES)] for i in range(ACTORS)}
    ties = [(f"a{i:04d}", f"a{(i + step) % ACTORS:04d}")
            for i in range(ACTORS) for step in range(1, SPAN + 1)]
    alliance = make_alliance(types, ties, meta={"name": "Bündnis Groß"})
    path = tmp_path_factory.mktemp("faults") / "gross.json"
    write_node_link(alliance, path)
    return path


@pytest.fixture
def counts(database_url: str) -> Iterator[Callable[[], dict[str, int]]]:
    """Rows in every table, read directly from the database (not through the service)."""
    engine = create_engine(database_url, poolclass=NullPool)

    def count() -> dict[str, int]:
        with engine.connect() as connection:
            return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    for table in TABLES}

    yield count
    engine.dispose()


def import_writing(database_url: str) -> Callable[[], bool]:
    """Whether the import is writing: on SQLite, a write transaction is open (nothing else writes
    meanwhile); on PostgreSQL, its transaction has got as far as the ties."""
    if database_url.startswith("sqlite"):
        path = make_url(database_url).database

        def sqlite_locked() -> bool:
            probe = sqlite3.connect(str(path), timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    raise
                return True
            finally:
                probe.close()

        return sqlite_locked
    engine = create_engine(database_url, poolclass=NullPool)

    def postgres_writing() -> bool:
        with engine.connect() as connection:
            return bool(connection.execute(WRITING_TIES).scalar_one())

    return postgres_writing


def upload(server: Server, path: Path, sent: threading.Event, outcome: list[Any]) -> None:
    """POST the file as a multipart form, setting ``sent`` once its last byte has been handed over."""
    boundary = "grenze"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: application/json\r\n\r\n").encode()

    def body() -> Iterator[bytes]:
        yield head
        data = path.read_bytes()
        for start in range(0, len(data), 256 * 1024):
            yield data[start:start + 256 * 1024]
        yield f"\r\n--{boundary}--\r\n".encode()
        sent.set()

    try:
        with server.client() as client:
            outcome.append(client.post("/api/v1/alliances/import", content=body(),
                                       headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}))
    except httpx.TransportError as error:  # the server was killed: the expected end
        outcome.append(error)


def wait_for(condition: Callable[[], bool], what: str, server: Server) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if server.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"never saw {what}:\n" + "".join(server.output))
        time.sleep(0.005)


def test_sigkill_during_an_import_leaves_all_or_nothing(database_url: str, reset_database: Callable[[], None],
                                                         counts: Callable[[], dict[str, int]],
                                                         large_file: Path, demo_zip: bytes) -> None:
    reset_database()  # no admin key: the first start makes one and prints it
    server = start_server(database_url)
    try:
        before = counts()
        sent = threading.Event()
        outcome: list[Any] = []
        sender = threading.Thread(target=upload, args=(server, large_file, sent, outcome), daemon=True)
        sender.start()
        wait_for(sent.is_set, "the upload sent in full", server)
        wait_for(import_writing(database_url), "the import's write transaction", server)
        server.kill()
        sender.join(timeout=WAIT)
    finally:
        server.kill()
    assert outcome and isinstance(outcome[0], httpx.TransportError), outcome  # no answer: killed mid-import

    restarted = start_server(database_url, key=server.key)
    try:
        after = counts()
        assert after["alliances"] in (before["alliances"], before["alliances"] + 1)
        if after["alliances"] == before["alliances"]:  # rolled back: nothing of it is left
            assert after == before
        else:  # committed just before the kill: all of it is there
            assert after == {**before, "alliances": before["alliances"] + 1,
                             "actors": before["actors"] + ACTORS, "ties": before["ties"] + TIES,
                             "audit_log": before["audit_log"] + 1}
        with restarted.client() as client:
            assert client.get("/readyz").json() == {"status": "ready"}
            alliances = client.get("/api/v1/alliances").json()
            assert [(a["n_actors"], a["n_ties"]) for a in alliances] in ([], [(ACTORS, TIES)])
            response = client.post("/api/v1/alliances/import",
                                   files={"file": ("demo-buendnis.zip", demo_zip, "application/zip")})
            assert response.status_code == 201, response.text
            assert (response.json()["n_actors"], response.json()["n_ties"]) == (25, 34)
    finally:
        restarted.stop()
    assert not any("Traceback" in line for line in restarted.output), "".join(restarted.output)

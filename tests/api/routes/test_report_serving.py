"""How the cached report is served (api/hotpath.py): from memory, but never older than the database
says; gzip when accepted; ETag and 304; access as for every alliance resource."""

from __future__ import annotations

import asyncio
import gc
import json
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

import api.hotpath
from api.hotpath import MemoEntry, ReportMemory, ReportServer, accepts_gzip
from api.models import ApiKey
from api.reports import PRIVACY_RULES

ALLIANCES = "/api/v1/alliances"
IDENTITY = {"Accept-Encoding": "identity"}
SMALL = {"name": "Klein", "actors": [{"id": "a", "name": "A", "type": "Kirche"},
                                     {"id": "b", "name": "B", "type": "Stadt"}],
         "ties": [{"source": "a", "target": "b"}]}


def report_url(alliance: dict[str, Any] | int) -> str:
    return f"{ALLIANCES}/{alliance if isinstance(alliance, int) else alliance['id']}/report"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each time a process reads (or computes) a report from the database: the view."""
    calls: list[str] = []
    real = api.hotpath.stored_report

    def counting(session: Any, row: Any, view: str, *args: Any, **options: Any) -> Any:
        calls.append(view)
        return real(session, row, view, *args, **options)

    monkeypatch.setattr(api.hotpath, "stored_report", counting)
    return calls


# -- memory, and the database as the truth --------------------------------------------------------


def test_served_from_memory_after_the_first_request(client: TestClient, admin: dict[str, str],
                                                    demo: dict[str, Any], loads: list[str]) -> None:
    first = client.get(report_url(demo), headers={**admin, **IDENTITY})
    assert first.status_code == 200 and loads == ["full"]
    for _ in range(3):
        again = client.get(report_url(demo), headers={**admin, **IDENTITY})
        assert again.content == first.content and again.headers["ETag"] == first.headers["ETag"]
    assert loads == ["full"]


def test_another_worker_writes_this_one_serves_the_new_report(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any], make_app: Callable[..., FastAPI],
        loads: list[str]) -> None:
    before = client.get(report_url(demo), headers={**admin, **IDENTITY})
    with TestClient(make_app()) as other_worker:
        changed = other_worker.patch(f"{ALLIANCES}/{demo['id']}", json={"name": "Umbenannt"},
                                     headers={**admin, "If-Match": demo["etag"]})
        assert changed.status_code == 200, changed.text
    after = client.get(report_url(demo), headers={**admin, **IDENTITY})
    assert after.headers["ETag"] == f'"{demo["id"]}-2"'
    assert after.json()["alliance"]["name"] == "Umbenannt" != before.json()["alliance"]["name"]
    assert after.json()["alliance"]["revision"] == 2


def test_a_stored_report_another_worker_replaced_is_read_again(
        client: TestClient, app: FastAPI, admin: dict[str, str], demo: dict[str, Any], loads: list[str]
) -> None:
    """Same revision, another stored row (another token): the memory's copy is not used."""
    first = client.get(report_url(demo), headers={**admin, **IDENTITY})
    with app.state.database.engine.begin() as connection:
        connection.execute(text("UPDATE report_cache SET token = 'another', body = :body "
                                "WHERE alliance_id = :id"), {"body": '{"replaced": true}', "id": demo["id"]})
    again = client.get(report_url(demo), headers={**admin, **IDENTITY})
    assert again.json() == {"replaced": True}  # what the database holds is what is served
    assert loads == ["full", "full"]
    assert first.headers["ETag"] == again.headers["ETag"]


def test_a_deleted_alliance_whose_id_comes_back(client: TestClient, admin: dict[str, str],
                                                 loads: list[str]) -> None:
    """SQLite gives a new row the id of the deleted highest one: its report is its own."""
    first = client.post(ALLIANCES, headers=admin, json=SMALL)
    old = client.get(report_url(first.json()["id"]), headers={**admin, **IDENTITY}).json()
    assert client.delete(f"{ALLIANCES}/{first.json()['id']}",
                         headers={**admin, "If-Match": first.headers["ETag"]}).status_code in (200, 204)
    second = client.post(ALLIANCES, headers=admin, json={**SMALL, "name": "Nachfolger"})
    new = client.get(report_url(second.json()["id"]), headers={**admin, **IDENTITY})
    assert new.status_code == 200
    assert new.json()["alliance"]["name"] == "Nachfolger" != old["alliance"]["name"]
    assert new.headers["ETag"] == second.headers["ETag"]
    # and the successor's report is kept in memory in place of the old one
    assert client.get(report_url(second.json()["id"]), headers={**admin, **IDENTITY}).content == new.content
    assert len(loads) == 2


def test_no_report_for_a_deleted_alliance(client: TestClient, admin: dict[str, str],
                                          demo: dict[str, Any]) -> None:
    assert client.get(report_url(demo), headers=admin).status_code == 200
    deleted = client.delete(f"{ALLIANCES}/{demo['id']}", headers={**admin, "If-Match": "*"})
    assert deleted.status_code in (200, 204)
    gone = client.get(report_url(demo), headers=admin)
    assert gone.status_code == 404
    assert gone.json()["detail"] == f"no alliance with id {demo['id']}"


def test_access_is_checked_on_every_request(client: TestClient, keys: Any) -> None:
    own, other = report_url(keys.own), report_url(keys.other)
    assert client.get(own, headers=keys.headers("admin")).status_code == 200
    assert client.get(other, headers=keys.headers("admin")).status_code == 200
    # both in memory now; the coordinator still gets only its own
    assert client.get(own, headers=keys.headers("coordinator")).status_code == 200
    refused = client.get(other, headers=keys.headers("coordinator"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "this coordinator key is not given this alliance"
    assert client.get(report_url(10**9), headers=keys.headers("admin")).status_code == 404
    assert client.get(own, headers={"Authorization": "Bearer netz_x_y"}).status_code == 401


def test_views_are_kept_apart(client: TestClient, keys: Any, loads: list[str]) -> None:
    bodies: dict[str, bytes] = {}
    for role in ("admin", "researcher", "funder", "coordinator", "researcher", "funder"):
        response = client.get(report_url(keys.own), headers={**keys.headers(role), **IDENTITY})
        assert response.status_code == 200
        bodies.setdefault(role, response.content)
        assert response.content == bodies[role]
    assert bodies["admin"] == bodies["coordinator"]
    assert len({bodies["admin"], bodies["researcher"], bodies["funder"]}) == 3
    assert sorted(loads) == ["aggregate", "full", "pseudonymised"]


def test_fills_are_shared(app: FastAPI, client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests that miss the memory at the same time wait for one read (or computation)."""
    server = ReportServer(app.state.database, app.state.settings)
    calls: list[int] = []
    real = server._load

    def counting(*args: Any) -> MemoEntry:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(server, "_load", counting)
    key = ApiKey(id=0, role="admin")

    async def many() -> list[Any]:
        return await asyncio.gather(*(server.respond(alliance_id=demo["id"], key=key, view="full",
                                                     group_by="type", wave=None, if_none_match=None,
                                                     accept_encoding=None) for _ in range(8)))

    responses = asyncio.run(many())
    assert len(calls) == 1
    assert len({r.body for r in responses}) == 1 and responses[0].status_code == 200


def test_a_request_after_a_write_does_not_take_an_older_fill(
        app: FastAPI, client: TestClient, admin: dict[str, str], demo: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A fill that read the alliance before a write is not handed to a request made after it."""
    server = ReportServer(app.state.database, app.state.settings)
    read, release = threading.Event(), threading.Event()
    real = server._load

    def slow(*args: Any) -> MemoEntry:
        entry = real(*args)
        if not read.is_set():  # the first fill: it has read revision 1; hold it
            read.set()
            release.wait(10)
        return entry

    monkeypatch.setattr(server, "_load", slow)
    key = ApiKey(id=0, role="admin")
    options = {"alliance_id": demo["id"], "key": key, "view": "full", "group_by": "type", "wave": None,
               "if_none_match": None, "accept_encoding": None}

    def write() -> int:
        response = client.patch(f"{ALLIANCES}/{demo['id']}", json={"name": "Neu"},
                                headers={**admin, "If-Match": demo["etag"]})
        return response.status_code

    async def scenario() -> tuple[Any, Any]:
        loop = asyncio.get_running_loop()
        first = asyncio.ensure_future(server.respond(**options))
        assert await loop.run_in_executor(None, read.wait, 10)
        assert await loop.run_in_executor(None, write) == 200
        second = asyncio.ensure_future(server.respond(**options))
        await asyncio.sleep(0.2)  # it has queried the revision and waits for the first fill
        release.set()
        return await first, await second

    first, second = asyncio.run(scenario())
    assert json.loads(first.body)["alliance"]["revision"] == 1  # asked before the write
    assert json.loads(second.body)["alliance"]["revision"] == 2
    assert json.loads(second.body)["alliance"]["name"] == "Neu"


def test_sqlite_locked_goes_to_a_thread(app: FastAPI, client: TestClient, admin: dict[str, str],
                                        demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    if app.state.database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's own fast path")
    first = client.get(report_url(demo), headers={**admin, **IDENTITY})

    class Locked:
        def execute(self, *_: Any) -> Any:
            raise sqlite3.OperationalError("database is locked")

    prober = app.state.reports._prober
    monkeypatch.setattr(prober, "_cursor_connection", lambda: Locked())
    again = client.get(report_url(demo), headers={**admin, **IDENTITY})
    assert again.status_code == 200 and again.content == first.content


def test_sqlite_connection_of_the_fast_path_is_not_pooled_after_shutdown(
        make_app: Callable[..., FastAPI], database_url: str, admin: dict[str, str],
        demo: dict[str, Any]) -> None:
    """The fast path's connection waits for no lock (busy timeout 0): after the application shut
    down it must not serve other requests, whose writes would fail at once instead of waiting."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own fast path")
    application = make_app()
    with TestClient(application) as client:
        assert client.get(report_url(demo), headers=admin).status_code == 200
    engine = application.state.database.engine
    pooled = [engine.connect() for _ in range(engine.pool.checkedin())]
    try:
        assert pooled
        timeouts = [connection.exec_driver_sql("PRAGMA busy_timeout").scalar() for connection in pooled]
    finally:
        for connection in pooled:
            connection.close()
    assert 0 not in timeouts


def test_postgres_connection_dropped_while_idle(app: FastAPI, client: TestClient, admin: dict[str, str],
                                                demo: dict[str, Any]) -> None:
    """The database ended the per-request query's connection (it restarted): the next request
    notices on the query, makes a new connection and is served."""
    if app.state.database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's connections")
    first = client.get(report_url(demo), headers={**admin, **IDENTITY})
    with app.state.database.engine.connect() as connection:
        ended = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = :name"),
            {"name": api.hotpath.APPLICATION_NAME}).scalar()
    assert ended and ended >= 1
    again = client.get(report_url(demo), headers={**admin, **IDENTITY})
    assert again.status_code == 200 and again.content == first.content


def test_postgres_query_error_is_raised_as_psycopg_would(app: FastAPI, client: TestClient) -> None:
    """The per-request query fails in the database (an id beyond its integer parameter, which the
    route refuses before): the error is psycopg's own class for its SQLSTATE, with the message,
    and the next query works on a new connection."""
    if app.state.database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's connections")
    import psycopg.errors

    prober = api.hotpath._PostgresProber(app.state.database)

    async def scenario() -> Any:
        with pytest.raises(psycopg.errors.NumericValueOutOfRange, match="out of range"):
            await prober.probe(1, "full", 3_000_000_000)
        found = await prober.probe(1, "full", 1)
        await prober.close()
        return found

    assert asyncio.run(scenario()) is None  # no alliance 1 in an empty database


# -- encoding, ETag, 304 --------------------------------------------------------------------------


def test_gzip_when_accepted(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    plain = client.get(report_url(demo), headers={**admin, **IDENTITY})
    packed = client.get(report_url(demo), headers={**admin, "Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.content == plain.content  # httpx decompressed it
    assert packed.num_bytes_downloaded < len(plain.content) / 3
    assert int(packed.headers["Content-Length"]) == packed.num_bytes_downloaded
    # the same data in another coding: the weak form of the same tag
    assert packed.headers["ETag"] == f"W/{plain.headers['ETag']}"
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"] and "Authorization" in response.headers["Vary"]
        assert response.headers["Cache-Control"] == "private, no-cache"
    refused = client.get(report_url(demo), headers={**admin, "Accept-Encoding": "gzip;q=0, br"})
    assert "Content-Encoding" not in refused.headers and refused.content == plain.content


def test_a_de_identified_reports_etag_names_the_privacy_rules(
        make_app: Callable[..., FastAPI], new_key: Callable[..., str], demo: dict[str, Any]) -> None:
    """Other thresholds give researchers another body at the same revision: a client holding the
    old report's ETag must not be told 304."""
    researcher = {"Authorization": f"Bearer {new_key('researcher')}", **IDENTITY}
    with TestClient(make_app(privacy_min_type_group=2)) as service:
        old = service.get(report_url(demo), headers=researcher)
    with TestClient(make_app(privacy_min_type_group=5)) as service:
        new = service.get(report_url(demo), headers={**researcher, "If-None-Match": old.headers["ETag"]})
    assert old.status_code == 200 and new.status_code == 200, new.text
    assert new.headers["ETag"] != old.headers["ETag"] and new.content != old.content


@pytest.mark.parametrize(("header", "gzip_ok"), [
    (None, False), ("", False), ("identity", False), ("gzip", True), ("GZIP", True), ("x-gzip", True),
    ("deflate, gzip;q=0.5", True), ("gzip;q=0", False), ("gzip; q=0.0", False), ("br, *", True),
    ("*;q=0", False), ("gzip;q=0, *", False), ("*, gzip;q=0", False), ("gzip;q=nonsense", False),
    ("gzip, deflate, br, zstd", True),
])
def test_accepts_gzip(header: str | None, gzip_ok: bool) -> None:
    assert accepts_gzip(header) is gzip_ok


def test_not_modified(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    first = client.get(report_url(demo), headers={**admin, **IDENTITY})
    tag = first.headers["ETag"]
    assert tag == demo["etag"]
    for offered in (tag, f"W/{tag}", f'"0-0", {tag}', "*"):
        response = client.get(report_url(demo), headers={**admin, **IDENTITY, "If-None-Match": offered})
        assert response.status_code == 304, offered
        assert response.content == b"" and response.headers["ETag"] == tag
    packed = client.get(report_url(demo), headers={**admin, "Accept-Encoding": "gzip", "If-None-Match": tag})
    assert packed.status_code == 304 and packed.headers["ETag"] == f"W/{tag}"
    stale = client.get(report_url(demo), headers={**admin, **IDENTITY, "If-None-Match": '"1-0"'})
    assert stale.status_code == 200 and stale.content == first.content
    # after a write, the old tag gets the new report
    changed = client.patch(f"{ALLIANCES}/{demo['id']}", json={"name": "Neu"},
                           headers={**admin, "If-Match": tag})
    assert changed.status_code == 200
    after = client.get(report_url(demo), headers={**admin, **IDENTITY, "If-None-Match": tag})
    assert after.status_code == 200 and after.json()["alliance"]["name"] == "Neu"
    assert after.headers["ETag"] == changed.headers["ETag"] != tag


def test_each_view_has_its_own_tag(client: TestClient, keys: Any) -> None:
    """A researcher who sends the tag of an admin's report gets the researcher's report, not 304."""
    url = report_url(keys.own)
    full = client.get(url, headers={**keys.headers("admin"), **IDENTITY})
    for role, view in (("researcher", "pseudonymised"), ("funder", "aggregate")):
        headers = {**keys.headers(role), **IDENTITY}
        response = client.get(url, headers={**headers, "If-None-Match": full.headers["ETag"]})
        assert response.status_code == 200
        assert response.headers["ETag"] == f'"{keys.own}-1-{view}/{PRIVACY_RULES}/k=5/t=2"'  # with the rules
        again = client.get(url, headers={**headers, "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
    coordinator = client.get(url, headers={**keys.headers("coordinator"), **IDENTITY,
                                           "If-None-Match": full.headers["ETag"]})
    assert coordinator.status_code == 304  # the same view as an admin's


# -- the memory's bounds --------------------------------------------------------------------------


def entry(token: str, revision: int, size: int) -> MemoEntry:
    return MemoEntry(token, revision, b"x" * size, None)


def test_memory_drops_the_least_recently_used() -> None:
    memory = ReportMemory(max_bytes=250)
    memory.put((1, "a"), entry("t1", 1, 100))
    memory.put((2, "a"), entry("t2", 1, 100))
    assert memory.get((1, "a")) is not None  # now 2 is the least recently used
    memory.put((3, "a"), entry("t3", 1, 100))
    assert memory.get((2, "a")) is None
    assert memory.get((1, "a")) is not None and memory.get((3, "a")) is not None
    assert memory.bytes == 200 and len(memory) == 2
    memory.put((4, "a"), entry("big", 1, 251))  # larger than the whole memory: not kept
    assert memory.get((4, "a")) is None and memory.bytes == 200


def test_memory_replaces_whatever_it_had() -> None:
    """Even a lower revision: the id of a deleted alliance can come back with revision 1."""
    memory = ReportMemory(max_bytes=1000)
    memory.put((1, "a"), entry("deleted", 3, 10))
    memory.put((1, "a"), entry("successor", 1, 20))
    assert memory.get((1, "a")) == entry("successor", 1, 20) and memory.bytes == 20 and len(memory) == 1


def test_no_memory(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                   make_app: Callable[..., FastAPI], loads: list[str]) -> None:
    with TestClient(make_app(report_memory_bytes=0)) as worker:
        bodies = {worker.get(report_url(demo), headers={**admin, **IDENTITY}).content for _ in range(3)}
    assert len(bodies) == 1 and loads == ["full"] * 3



def test_the_start_freezes_its_heap(app: FastAPI) -> None:
    """What the start made is kept out of full garbage collections (they stalled every request of
    a worker under load for 100-350 ms; api.main.freeze_startup_heap)."""
    with TestClient(app):
        assert gc.get_freeze_count() > 10_000

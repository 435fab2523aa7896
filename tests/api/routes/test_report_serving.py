"""How the cached report is served (api/reportcache.py): from memory, but never older than the
database says; gzip when accepted; ETag and 304; access as for every alliance resource; gaps,
health and actors from the same memory entry."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import api.reportcache
from api.models import AllianceRow, ApiKey
from api.reportcache import PRIVACY_RULES, Cache, Entry, Memory, accepts_gzip, report_key, store
from netz.analysis.report import REPORT_FORMAT
from netz.messages import message

ALLIANCES = "/api/v1/alliances"
IDENTITY = {"Accept-Encoding": "identity"}
SMALL = {"name": "Klein", "actors": [{"id": "a", "name": "A", "type": "Kirche"},
                                     {"id": "b", "name": "B", "type": "Stadt"}],
         "ties": [{"source": "a", "target": "b"}]}


def report_url(alliance: dict[str, Any] | int) -> str:
    return f"{ALLIANCES}/{alliance if isinstance(alliance, int) else alliance['id']}/report"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each time a process looks for a report in the database (a miss of its memory):
    the view."""
    calls: list[str] = []
    real = api.reportcache.read

    def counting(session: Any, row: Any, key: str) -> Any:
        calls.append(key.split("|")[0].split("/")[0])
        return real(session, row, key)

    monkeypatch.setattr(api.reportcache, "read", counting)
    return calls


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records each time a process computes a report: the revision."""
    calls: list[int] = []
    real = api.reportcache.compute_report

    def counting(session: Any, row: Any, *args: Any, **options: Any) -> Any:
        calls.append(row.revision)
        return real(session, row, *args, **options)

    monkeypatch.setattr(api.reportcache, "compute_report", counting)
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
    assert after.headers["ETag"] == f'"{demo["id"]}-2-full/r{REPORT_FORMAT}"'
    assert after.json()["alliance"]["name"] == "Umbenannt" != before.json()["alliance"]["name"]
    assert after.json()["alliance"]["revision"] == 2


def test_a_report_another_worker_stored_is_read_not_computed(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any], make_app: Callable[..., FastAPI],
        computed: list[int]) -> None:
    first = client.get(report_url(demo), headers={**admin, **IDENTITY})
    assert computed == [1]
    with TestClient(make_app()) as other_worker:
        again = other_worker.get(report_url(demo), headers={**admin, **IDENTITY})
    assert again.content == first.content and computed == [1]


def test_gaps_health_and_actors_from_the_reports_memory_entry(
        client: TestClient, app: FastAPI, admin: dict[str, str], demo: dict[str, Any], loads: list[str]
) -> None:
    """Served from the entry /report made: no read of the database's copy, no parsing per request."""
    report = client.get(report_url(demo), headers={**admin, **IDENTITY}).json()
    assert loads == ["full"]
    base = f"{ALLIANCES}/{demo['id']}"
    assert client.get(f"{base}/gaps", headers=admin).json() == report["gaps"]
    assert client.get(f"{base}/health", headers=admin).json() == report["health"]
    actors = client.get(f"{base}/actors", headers=admin, params={"per_page": 1000}).json()
    assert [a["id"] for a in actors["actors"]] == sorted(a["id"] for a in report["actors"])
    assert loads == ["full"]
    entry = app.state.reports.memory.get((demo["id"], report_key("full", "type", None, app.state.settings)))
    assert entry.actors() is entry.actors()  # the table is made once


def test_a_report_stored_by_an_older_netz_is_not_served(
        client: TestClient, app: FastAPI, admin: dict[str, str], demo: dict[str, Any], computed: list[int]
) -> None:
    """After an upgrade that changed the report's shape (REPORT_FORMAT), a stored report of the
    same revision under the old key is not served: the coordinators' pages need the new fields."""
    old = '{"alliance": {}, "gaps": [], "health": [], "network": {}, "actors": []}'
    with app.state.database.sessions() as session:
        row = session.get(AllianceRow, demo["id"])
        assert row is not None
        store(session, row, "full|type|", old)  # the key netz used before REPORT_FORMAT
    body = client.get(report_url(demo), headers={**admin, **IDENTITY}).json()
    assert computed == [1] and "top_steps" in body and body["gaps"]


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
    assert new.headers["ETag"] == f'{second.headers["ETag"][:-1]}-full/r{REPORT_FORMAT}"'
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
    assert gone.json()["detail"] == message("problem.alliance.not_found", "de", id=demo["id"])


def test_access_is_checked_on_every_request(client: TestClient, keys: Any) -> None:
    own, other = report_url(keys.own), report_url(keys.other)
    assert client.get(own, headers=keys.headers("admin")).status_code == 200
    assert client.get(other, headers=keys.headers("admin")).status_code == 200
    # both in memory now; the coordinator still gets only its own
    assert client.get(own, headers=keys.headers("coordinator")).status_code == 200
    refused = client.get(other, headers=keys.headers("coordinator"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == message("problem.alliance.not_given", "de")
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


def _sessions_of(app: FastAPI, count: int, work: Callable[[Any], Any]) -> list[Any]:
    """``work(session)`` in ``count`` threads at once, each with a session of its own."""
    start = threading.Barrier(count)

    def one() -> Any:
        with app.state.database.sessions() as session:
            start.wait(10)
            return work(session)

    with ThreadPoolExecutor(count) as pool:
        return [future.result() for future in [pool.submit(one) for _ in range(count)]]


def test_fills_are_shared(app: FastAPI, client: TestClient, demo: dict[str, Any], loads: list[str],
                          computed: list[int]) -> None:
    """Requests that miss the memory at the same time wait for one read (or computation)."""
    cache = Cache(app.state.settings, app.state.database)
    key = ApiKey(id=0, role="admin")
    entries = _sessions_of(app, 8, lambda session: cache.report(session, key, demo["id"])[1])
    assert loads == ["full"] and computed == [1]
    assert len({id(entry) for entry in entries}) == 1


def test_a_request_after_a_write_does_not_take_an_older_fill(
        app: FastAPI, client: TestClient, admin: dict[str, str], demo: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A fill that read the alliance before a write is not handed to a request made after it."""
    cache = Cache(app.state.settings, app.state.database)
    read, release = threading.Event(), threading.Event()
    real = api.reportcache.compute_report

    def slow(*args: Any, **options: Any) -> str:
        body = real(*args, **options)
        if not read.is_set():  # the first fill: it has read revision 1; hold it
            read.set()
            release.wait(10)
        return body

    monkeypatch.setattr(api.reportcache, "compute_report", slow)
    key = ApiKey(id=0, role="admin")

    def report() -> Entry:
        with app.state.database.sessions() as session:
            return cache.report(session, key, demo["id"])[1]

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(report)
        assert read.wait(10)
        changed = client.patch(f"{ALLIANCES}/{demo['id']}", json={"name": "Neu"},
                               headers={**admin, "If-Match": demo["etag"]})
        assert changed.status_code == 200
        second = pool.submit(report)  # reads revision 2, then waits for the first fill
        release.set()
        older, newer = first.result(), second.result()
    assert older.value["alliance"]["revision"] == 1  # asked before the write
    assert newer.value["alliance"]["revision"] == 2 and newer.value["alliance"]["name"] == "Neu"


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
    assert tag == f'"{demo["id"]}-1-full/r{REPORT_FORMAT}"'  # the revision, and the report's format
    for offered in (tag, f"W/{tag}", f'"0-0", {tag}', "*"):
        response = client.get(report_url(demo), headers={**admin, **IDENTITY, "If-None-Match": offered})
        assert response.status_code == 304, offered
        assert response.content == b"" and response.headers["ETag"] == tag
    packed = client.get(report_url(demo), headers={**admin, "Accept-Encoding": "gzip", "If-None-Match": tag})
    assert packed.status_code == 304 and packed.headers["ETag"] == f"W/{tag}"
    stale = client.get(report_url(demo), headers={**admin, **IDENTITY, "If-None-Match": '"1-0"'})
    assert stale.status_code == 200 and stale.content == first.content
    # after a write (If-Match: the alliance's tag, not the report's), the old tag gets the new report
    changed = client.patch(f"{ALLIANCES}/{demo['id']}", json={"name": "Neu"},
                           headers={**admin, "If-Match": demo["etag"]})
    assert changed.status_code == 200
    after = client.get(report_url(demo), headers={**admin, **IDENTITY, "If-None-Match": tag})
    assert after.status_code == 200 and after.json()["alliance"]["name"] == "Neu"
    assert after.headers["ETag"] == f'{changed.headers["ETag"][:-1]}-full/r{REPORT_FORMAT}"' != tag


def test_each_view_has_its_own_tag(client: TestClient, keys: Any) -> None:
    """A researcher who sends the tag of an admin's report gets the researcher's report, not 304."""
    url = report_url(keys.own)
    full = client.get(url, headers={**keys.headers("admin"), **IDENTITY})
    for role, view in (("researcher", "pseudonymised"), ("funder", "aggregate")):
        headers = {**keys.headers(role), **IDENTITY}
        response = client.get(url, headers={**headers, "If-None-Match": full.headers["ETag"]})
        assert response.status_code == 200
        rules = f"{PRIVACY_RULES}/k=5/t=2"
        assert response.headers["ETag"] == f'"{keys.own}-1-{view}/{rules}/r{REPORT_FORMAT}"'  # with the rules
        again = client.get(url, headers={**headers, "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
    coordinator = client.get(url, headers={**keys.headers("coordinator"), **IDENTITY,
                                           "If-None-Match": full.headers["ETag"]})
    assert coordinator.status_code == 304  # the same view as an admin's


# -- the memory's bounds --------------------------------------------------------------------------


def entry(created: str, revision: int, size: int) -> Entry:
    """An entry that counts ``size`` bytes (its body, and the parsed value at the rate assumed)."""
    body_bytes = size // (1 + api.reportcache.PARSED_BYTES_PER_BYTE)
    assert entry_size(body_bytes) == size
    return Entry(revision, created, b"x" * body_bytes, None, None)


def entry_size(body_bytes: int) -> int:
    return body_bytes * (1 + api.reportcache.PARSED_BYTES_PER_BYTE)


def test_memory_drops_the_least_recently_used() -> None:
    unit = entry_size(100)
    memory = Memory(max_bytes=2 * unit + unit // 2)
    memory.put((1, "a"), entry("t1", 1, unit))
    memory.put((2, "a"), entry("t2", 1, unit))
    assert memory.get((1, "a")) is not None  # now 2 is the least recently used
    memory.put((3, "a"), entry("t3", 1, unit))
    assert memory.get((2, "a")) is None
    assert memory.get((1, "a")) is not None and memory.get((3, "a")) is not None
    assert memory.bytes == 2 * unit and len(memory) == 2
    memory.put((4, "a"), entry("big", 1, entry_size(300)))  # larger than the whole memory: not kept
    assert memory.get((4, "a")) is None and memory.bytes == 2 * unit


def test_memory_replaces_whatever_it_had() -> None:
    """Even a lower revision: the id of a deleted alliance can come back with revision 1."""
    memory = Memory(max_bytes=entry_size(1000))
    memory.put((1, "a"), entry("deleted", 3, entry_size(10)))
    successor = entry("successor", 1, entry_size(20))
    memory.put((1, "a"), successor)
    assert memory.get((1, "a")) is successor and memory.bytes == entry_size(20) and len(memory) == 1


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

"""The access rule's read is shared by the requests that come at once (api.deps.Access).

Serving a cached report took one query (and one worker thread) per request to learn the
alliance's revision and the caller's grant: three times the cost of sending the report from memory
(benchmarks/README.md). Requests that arrive while such a read runs now wait for the next one,
which answers all of them. These tests check that it is shared, that no request is answered by a
read begun before it came (so it sees every write committed before it), that each key still gets
its own answer, and that a failed read fails its requests only — on SQLite and PostgreSQL,
through the real app.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, update
from sqlalchemy.exc import OperationalError

from api.deps import Access
from api.models import AllianceRow
from tests.api.conftest import Keys, auth

AT_ONCE = 40


def url(alliance_id: int, what: str = "report") -> str:
    return f"/api/v1/alliances/{alliance_id}/{what}"


async def get_all(app: FastAPI, requests: list[tuple[str, dict[str, str]]]) -> list[httpx.Response]:
    """The requests sent at once, in the app's event loop (as a worker serves its clients)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://netz") as client:
        return list(await asyncio.gather(*(client.get(path, headers=headers) for path, headers in requests)))


@pytest.fixture
def alliance_queries(app: FastAPI) -> Iterator[list[str]]:
    """The statements sent to the database that read the alliances table."""
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM alliances" in statement:
            seen.append(statement)

    engine = app.state.database.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_requests_at_once_share_one_read(client: TestClient, app: FastAPI, keys: Keys,
                                         alliance_queries: list[str]) -> None:
    headers = auth(keys.coordinator)
    assert client.get(url(keys.own), headers=headers).status_code == 200  # computed and cached
    alliance_queries.clear()
    answers = asyncio.run(get_all(app, [(url(keys.own, what), headers)
                                        for what in ("report", "gaps", "health", "actors") * (AT_ONCE // 4)]))
    assert [answer.status_code for answer in answers] == [200] * AT_ONCE
    assert len({answer.headers["ETag"] for answer in answers if answer.url.path.endswith("report")}) == 1
    # One read per request before; now the first request's read and one for all that came during it.
    assert 1 <= len(alliance_queries) <= 3, alliance_queries


def test_each_key_gets_its_own_answer_from_a_shared_read(client: TestClient, app: FastAPI, keys: Keys,
                                                         alliance_queries: list[str]) -> None:
    requests = [(url(keys.own), auth(keys.coordinator)), (url(keys.other), auth(keys.coordinator)),
                (url(keys.other), auth(keys.admin)), (url(keys.own), auth(keys.funder)),
                (url(10**9), auth(keys.admin))]
    for path, headers in requests:  # each report computed and cached
        client.get(path, headers=headers)
    alliance_queries.clear()
    answers = asyncio.run(get_all(app, requests * 4))
    assert [answer.status_code for answer in answers] == [200, 403, 200, 200, 404] * 4
    assert len(alliance_queries) <= 3


def test_no_request_is_answered_by_a_read_begun_before_it_came(
        client: TestClient, app: FastAPI, keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read is held open; the alliance is changed; a request that comes after the change must
    see it, although a read was running when it came (the held one read the old revision)."""
    headers = auth(keys.admin)
    before = client.get(url(keys.own), headers=headers).headers["ETag"]
    real_read = Access._read
    first_read_began, release_first = threading.Event(), threading.Event()
    reads = 0

    def held_read(self: Access, asked: list[Any]) -> Any:
        nonlocal reads
        reads += 1
        if reads == 1:
            answered = real_read(self, asked)  # the revision as it was
            first_read_began.set()
            assert release_first.wait(30)
            return answered
        return real_read(self, asked)

    monkeypatch.setattr(Access, "_read", held_read)

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://netz") as http:
            early = asyncio.ensure_future(http.get(url(keys.own), headers=headers))
            await asyncio.to_thread(first_read_began.wait, 30)
            await asyncio.to_thread(bump_revision, app, keys.own)  # committed now
            late = asyncio.ensure_future(http.get(url(keys.own), headers=headers))
            await asyncio.sleep(0)  # the late request is waiting
            release_first.set()
            return await early, await late

    early, late = asyncio.run(scenario())
    assert early.status_code == late.status_code == 200
    assert early.headers["ETag"] == before
    assert late.headers["ETag"] != before  # the new revision, computed for it
    assert reads == 2


def bump_revision(app: FastAPI, alliance_id: int) -> None:
    with app.state.database.sessions() as session:
        session.execute(update(AllianceRow).where(AllianceRow.id == alliance_id)
                        .values(revision=AllianceRow.revision + 1)
                        .execution_options(synchronize_session=False))
        session.commit()


def test_a_failed_read_fails_its_requests_then_the_next_read_serves(
        client: TestClient, app: FastAPI, keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = auth(keys.admin)
    assert client.get(url(keys.own), headers=headers).status_code == 200
    real_read = app.state.database.read

    def fail(*_: Any) -> Any:
        raise OperationalError("SELECT", {}, Exception("the database went away"))

    monkeypatch.setattr(app.state.database, "read", fail)
    failed = asyncio.run(get_all(app, [(url(keys.own), headers)] * 5))
    assert [answer.status_code for answer in failed] == [503] * 5
    assert failed[0].headers["content-type"].startswith("application/problem+json")
    monkeypatch.setattr(app.state.database, "read", real_read)
    again = asyncio.run(get_all(app, [(url(keys.own), headers)] * 5))
    assert [answer.status_code for answer in again] == [200] * 5

"""``netz serve --demo``: a real uvicorn process on a free port, called over real HTTP, then stopped."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from netz.analysis.report import REPORT_FORMAT
from tests.api.servers import Server, start_server

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "datasets" / "demo-buendnis"
UPLOAD_LIMIT = 64 * 1024
#: Seconds uvicorn keeps an idle connection unless told otherwise.
UVICORN_KEEP_ALIVE = 5


@pytest.fixture(scope="module")
def server(database_url: str, reset_database: Any) -> Iterator[Server]:
    reset_database()  # the demo is loaded into an empty database only
    running = start_server(database_url, arguments=["--demo", str(DEMO)],
                           environment={"NETZ_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT)})
    try:
        yield running
    finally:
        running.kill()


def test_health_and_readiness(server: Server) -> None:
    with server.client(key=False) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ready"}
        assert client.get("/api/v1/alliances").status_code == 401
        assert client.get("/docs").status_code == 200
        assert "/api/v1/alliances/{alliance_id}/report" in client.get("/openapi.json").json()["paths"]


def test_the_demo_is_served(server: Server) -> None:
    assert any("1 Beispiel-Bündnis geladen" in line for line in server.output)  # German: LANG=C.UTF-8
    with server.client() as client:
        alliances = client.get("/api/v1/alliances").json()
        assert [(a["name"], a["n_actors"], a["n_ties"]) for a in alliances] == [
            ("Bündnis Willkommen in Musterstadt (synthetisch)", 25, 34)]
        response = client.get(f"/api/v1/alliances/{alliances[0]['id']}/report")
        assert response.status_code == 200
        # httpx accepts gzip: the compressed form carries the weak form of the report's ETag
        # (the alliance's id and revision, then the view and the report's format)
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["ETag"] == f'W/"{alliances[0]["id"]}-1-full/r{REPORT_FORMAT}"'
        report = response.json()
        assert report["network"]["n_actors"] == 25
        assert report["gaps"][0]["kind"] == "refugee_exclusion"
        actors = client.get(f"/api/v1/alliances/{alliances[0]['id']}/actors",
                            params={"sort": "betweenness", "order": "desc", "format": "csv"})
        assert actors.headers["X-Total-Count"] == "25"
        assert actors.text.splitlines()[1].startswith("stadt,")


def test_oversized_uploads_over_real_http(server: Server) -> None:
    with server.client() as client:
        declared = client.post("/api/v1/alliances/import",
                               files={"file": ("gross.json", b" " * (UPLOAD_LIMIT + 1), "application/json")})
        assert declared.status_code == 413
        assert declared.headers["content-type"] == "application/problem+json"

        def chunks() -> Iterator[bytes]:
            yield (b'--grenze\r\nContent-Disposition: form-data; name="file"; filename="gross.json"\r\n'
                   b"Content-Type: application/json\r\n\r\n")
            for _ in range(2 * UPLOAD_LIMIT // 1024):
                yield b" " * 1024
            yield b"\r\n--grenze--\r\n"

        chunked = client.post("/api/v1/alliances/import", content=chunks(),
                              headers={"Content-Type": "multipart/form-data; boundary=grenze"})
        assert chunked.status_code == 413
        assert chunked.headers["content-type"] == "application/problem+json"
    with server.client() as client:  # and the server goes on serving
        assert len(client.get("/api/v1/alliances").json()) == 1


def test_an_idle_connection_is_kept_for_the_next_request(server: Server) -> None:
    """A kept-alive connection idle for longer than uvicorn's default keep-alive (5 s) still
    takes the next request (issue 12: closed by the server just as the client reused it, a
    respondent's request got no answer). ``NETZ_KEEP_ALIVE_SECONDS`` is 75 s by default."""
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request("GET", "/healthz")
        assert connection.getresponse().read() == b'{"status":"ok"}'
        kept = connection.sock
        time.sleep(UVICORN_KEEP_ALIVE + 1)  # idle: the scenario itself, not a wait for a state
        connection.request("GET", "/healthz")  # on the same socket (http.client reopens only a closed one)
        answer = connection.getresponse()  # closed by the server: RemoteDisconnected
        assert (answer.status, answer.read()) == (200, b'{"status":"ok"}')
        assert connection.sock is kept
    finally:
        connection.close()


def test_stops_cleanly(server: Server) -> None:
    assert server.stop() == 0
    assert any("Finished server process" in line for line in server.output)
    assert not any("Traceback" in line for line in server.output), "".join(server.output)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/healthz", timeout=2)

"""``netz serve --demo``: a real uvicorn process on a free port, called over real HTTP, then stopped."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "datasets" / "demo-buendnis"
NETZ = Path(sys.executable).parent / "netz"
KEY_LINE = re.compile(r"^\s*(netz_[0-9a-f]{12}_\S+)\s*$")
START_TIMEOUT = 90.0
UPLOAD_LIMIT = 64 * 1024


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    key: str
    output: list[str]

    def client(self, *, key: bool = True) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def stop(self) -> int:
        """SIGINT, as Ctrl-C in a terminal; uvicorn finishes what it serves and exits."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def read_lines(stream: Any, lines: queue.Queue[str], kept: list[str]) -> None:
    for line in stream:
        kept.append(line)
        lines.put(line)


@pytest.fixture(scope="module")
def server(database_url: str, reset_database: Any) -> Iterator[Server]:
    reset_database()  # the demo is loaded into an empty database only
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NETZ_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT)}
    process = subprocess.Popen(
        [str(NETZ), "serve", "--demo", str(DEMO), "--host", "127.0.0.1", "--port", str(port),
         "--database", database_url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT,
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []
    threading.Thread(target=read_lines, args=(process.stdout, lines, output), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    key = ""
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while not key:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("netz serve printed no admin key:\n" + "".join(output))
            try:
                match = KEY_LINE.match(lines.get(timeout=1))
            except queue.Empty:
                continue
            key = match.group(1) if match else ""
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("netz serve did not answer /healthz:\n" + "".join(output))
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        running = Server(process, url, key, output)
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_health_and_readiness(server: Server) -> None:
    with server.client(key=False) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ready"}
        assert client.get("/api/v1/alliances").status_code == 401
        assert client.get("/docs").status_code == 200
        assert "/api/v1/alliances/{alliance_id}/report" in client.get("/openapi.json").json()["paths"]


def test_the_demo_is_served(server: Server) -> None:
    assert any("loaded 1 demo alliance" in line for line in server.output)
    with server.client() as client:
        alliances = client.get("/api/v1/alliances").json()
        assert [(a["name"], a["n_actors"], a["n_ties"]) for a in alliances] == [
            ("Bündnis Willkommen in Musterstadt (synthetisch)", 25, 34)]
        response = client.get(f"/api/v1/alliances/{alliances[0]['id']}/report")
        assert response.status_code == 200
        # httpx accepts gzip: the compressed form carries the weak form of the alliance's ETag
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["ETag"] == f'W/"{alliances[0]["id"]}-1"'
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


def test_stops_cleanly(server: Server) -> None:
    assert server.stop() == 0
    assert any("Finished server process" in line for line in server.output)
    assert not any("Traceback" in line for line in server.output), "".join(server.output)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/healthz", timeout=2)

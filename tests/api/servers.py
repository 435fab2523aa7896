"""Start ``netz serve`` as a real process on a free port, for tests that talk to it over HTTP.

The process is started with ``--port 0``: the system gives it a free port when it binds, and the
address is read from what uvicorn prints. A port chosen here and bound there seconds later could
be taken in between by another process on the machine (tests of several runs share it).

Each test that uses it starts a subprocess (several seconds each: the service imports pandas,
networkx and igraph); such tests say so in their module's docstring.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

__all__ = ["Server", "start_server"]

ROOT = Path(__file__).parents[2]
NETZ = Path(sys.executable).parent / "netz"
KEY_LINE = re.compile(r"^\s*(netz_[0-9a-f]{12}_\S+)\s*$")
#: What uvicorn prints once it listens, with the port the system gave it.
URL_LINE = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:[1-9][0-9]*)")
START_TIMEOUT = 90.0


@dataclass
class Server:
    """A running ``netz serve``: its process, address, admin key and everything it printed."""

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

    def kill(self) -> None:
        """SIGKILL: the process ends at once, in whatever it was doing (as on a crash or OOM kill)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _read_lines(stream: Any, lines: queue.Queue[str], kept: list[str]) -> None:
    for line in stream:
        kept.append(line)
        lines.put(line)


def start_server(database_url: str, *, key: str = "", arguments: Sequence[str] = (),
                 environment: dict[str, str] | None = None) -> Server:
    """Start ``netz serve`` on ``database_url`` and wait until it answers ``/healthz``.

    Without ``key`` the database must have no admin key: the first start makes one and prints it,
    and the returned server holds it. With ``key`` (a restart on the same database) that key is used.
    The caller ends the process (``stop`` or ``kill``); a start that fails kills it and fails the test.
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(environment or {})}
    process = subprocess.Popen(
        [str(NETZ), "serve", *arguments, "--host", "127.0.0.1", "--port", "0", "--database", database_url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT,
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []
    threading.Thread(target=_read_lines, args=(process.stdout, lines, output), daemon=True).start()
    server = Server(process, "", key, output)
    deadline = time.monotonic() + START_TIMEOUT
    try:
        # The key (printed by a first start) comes before uvicorn listens, the address after.
        while not (server.key and server.url):
            if process.poll() is not None or time.monotonic() > deadline:
                missing = "printed no admin key" if not server.key else "did not start listening"
                pytest.fail(f"netz serve {missing}:\n" + "".join(output))
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            key_line, url_line = KEY_LINE.match(line), URL_LINE.search(line)
            server.key = server.key or (key_line.group(1) if key_line else "")
            server.url = server.url or (url_line.group(1) if url_line else "")
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("netz serve did not answer /healthz:\n" + "".join(output))
            try:
                if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                    return server
            except httpx.TransportError:
                time.sleep(0.2)
    except BaseException:
        server.kill()
        raise

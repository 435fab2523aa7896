"""uvicorn serving an app in a thread of the test process, on a port the system gives it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

__all__ = ["Service", "serving"]

START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Service:
    """A running service: its address, an alliance's id and a key per role."""

    url: str
    alliance: int
    keys: dict[str, str]


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` until the block ends; its address (``http://127.0.0.1:<port>``).

    The socket is bound here, to port 0, and handed to uvicorn as it is: the port cannot be taken
    by another process between choosing and binding it (tests of several runs share the machine).
    The wait for uvicorn to start polls its state, with a deadline that fails the test.
    """
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listening.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, name="uvicorn",
                              daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail(f"the service did not start on {url}", pytrace=False)
            time.sleep(0.05)
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listening.close()

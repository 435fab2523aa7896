"""NUL characters (``\\x00``) are refused where text enters the service.

PostgreSQL cannot store or compare text with a NUL in it (psycopg refuses to send it), SQLite
stores it, and no alliance's names, ids, waves or columns need one: so a request that carries one
gets 422 on both databases, before anything reaches the database. Paths and query strings are
checked by :class:`RejectNulInUrl`; JSON bodies by the request schemas (:mod:`api.schemas`), with
:func:`has_nul`. Uploaded files are the readers' business (:mod:`netz.io`).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["NUL_MESSAGE", "RejectNulInUrl", "has_nul"]

NUL_MESSAGE = "text must not contain NUL characters (\\x00)"


def has_nul(value: Any) -> bool:
    """Whether a string in this JSON value (keys included, at any depth) holds a NUL character.

    >>> has_nul({"meta": {"a\\x00": 1}}), has_nul(["x", {"y": [1, "z"]}])
    (True, False)
    """
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return False


class RejectNulInUrl:
    """ASGI middleware: 422 ``application/problem+json`` for a NUL in the path or the query string.

    A pure ASGI middleware (two substring tests per request), not a dependency: the cached
    report's route is timed in microseconds.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope["path"] or b"%00" in scope["query_string"]
                                        or b"\x00" in scope["query_string"]):
            body = json.dumps({"type": "about:blank", "title": "Invalid request", "status": 422,
                               "detail": f"path and query: {NUL_MESSAGE}"}).encode()
            await send({"type": "http.response.start", "status": 422,
                        "headers": [(b"content-type", b"application/problem+json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)

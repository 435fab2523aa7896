"""Text no database can store is refused where it enters the service: NUL characters and lone
surrogates.

PostgreSQL cannot store or compare text with a NUL (``\\x00``) in it (psycopg refuses to send
it), SQLite stores it, and no alliance's names, ids, waves or columns need one. A lone surrogate
(a JSON ``"\\ud800"`` without its partner) is no character at all: UTF-8 cannot encode it, so
neither database, file export nor JSON answer can take it. A request that carries either gets
422 on both databases, before anything reaches the database. Paths and query strings are checked
by :class:`RejectNulInUrl` (a surrogate cannot reach them: they are decoded from UTF-8); JSON
bodies by the request schemas (:mod:`api.schemas`), with :func:`unstorable`. Uploaded files are
the readers' business (:mod:`netz.io`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["NUL_MESSAGE", "SURROGATE_MESSAGE", "RejectNulInUrl", "unstorable"]

NUL_MESSAGE = "text must not contain NUL characters (\\x00)"
SURROGATE_MESSAGE = "text must not contain lone surrogates (\\ud800-\\udfff), which are no characters"

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: Any) -> str | None:
    """Why a string in this JSON value (keys included, at any depth) cannot be stored, or None.

    >>> unstorable({"meta": {"a\\x00": 1}}), unstorable(["x", {"y": [1, "z"]}])
    ('text must not contain NUL characters (\\\\x00)', None)
    """
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        if found is None:
            return None
        return NUL_MESSAGE if found.group() == "\x00" else SURROGATE_MESSAGE
    if isinstance(value, dict):
        items: Any = (part for item in value.items() for part in item)
    elif isinstance(value, list | tuple):
        items = value
    else:
        return None
    return next((reason for item in items if (reason := unstorable(item)) is not None), None)


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

"""Text no database can store is refused where it enters the service: NUL characters and lone
surrogates (and JSON bodies nested too deep to be answered).

PostgreSQL cannot store or compare text with a NUL (``\\x00``) in it (psycopg refuses to send
it), SQLite stores it, and no alliance's names, ids, waves or columns need one. A lone surrogate
(a JSON ``"\\ud800"`` without its partner) is no character at all: UTF-8 cannot encode it, so
neither database, file export nor JSON answer can take it. A request that carries either gets
422 on both databases, before anything reaches the database. Paths and query strings are checked
by :class:`RejectNulInUrl` (a surrogate cannot reach them: they are decoded from UTF-8); JSON
bodies by the request schemas (:mod:`api.schemas`), with :func:`unstorable`. Uploaded files are
the readers' business (:mod:`netz.core.io`).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from api.problems import InvalidValue, scope_language, send_problem

__all__ = ["MAX_DEPTH", "RejectNulInUrl", "unstorable"]

#: How deep lists and mappings may nest in a request body (metadata and attributes are flat in
#: practice; much deeper ones could not even be sent back as JSON).
MAX_DEPTH = 32

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: Any) -> InvalidValue | None:
    """Why this JSON value cannot be stored (to raise in a pydantic validator), or None: a string in
    it (keys included, at any depth) holds a NUL or a lone surrogate, or it nests deeper than
    :data:`MAX_DEPTH`.

    A walk with a stack of its own, not recursion: a body may nest as deep as the JSON parser
    allows.

    >>> str(unstorable({"meta": {"a\\x00": 1}})), unstorable(["x", {"y": [1, "z"]}])
    ('text must not contain NUL characters (\\\\x00)', None)
    """
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            found = _UNSTORABLE.search(item)
            if found is not None:
                return InvalidValue("request.invalid.nul" if found.group() == "\x00" else
                                    "request.invalid.surrogate")
        elif isinstance(item, dict | list | tuple):
            if depth == MAX_DEPTH:
                return InvalidValue("request.invalid.too_deep", levels=MAX_DEPTH)
            parts = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((part, depth + 1) for part in parts)
    return None


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
            await send_problem(send, scope_language(scope), 422, "problem.nul_in_url",
                               title_key="request.invalid.title")
            return
        await self.app(scope, receive, send)

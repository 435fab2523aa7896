"""Refusing oversized request bodies before they are read whole."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import scope_language, send_problem
from netz.messages import message, number

__all__ = ["BodySizeLimit"]


class BodySizeLimit:
    """ASGI middleware: 413 when ``Content-Length`` or the bytes actually sent exceed a limit.

    A body sent without a length (chunked) is counted as it arrives. Once it
    passes the limit the 413 goes out at once and the application is told the
    client has gone: raising an exception into it instead would reach the
    application's own error handling (FastAPI answers a failed form parse with
    400), and whatever it then tries to send is dropped.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        received = 0
        started = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes and not started:
                    refused = True
                    await self._refuse(scope, send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counting_receive, tracking_send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        lang = scope_language(scope)
        await send_problem(send, lang, 413, "problem.upload.too_large", size=_size(self.max_bytes, lang),
                           headers=[(b"connection", b"close")])


def _size(n_bytes: int, lang: str) -> str:
    """A limit as a person of ``lang`` reads it (``20 MiB``, ``1,5 KiB``, ``500 Bytes``).

    >>> _size(1536, "de"), _size(20 * 1024 * 1024, "en"), _size(500, "de")
    ('1,5 KiB', '20 MiB', '500 Bytes')
    """
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if n_bytes >= factor:
            return f"{number(n_bytes / factor, lang, 1, fixed=False)} {unit}"
    return message("problem.upload.bytes", lang, n=n_bytes)

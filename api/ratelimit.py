"""Rate limits per key and per client address, answered 429 with ``Retry-After``.

Every request to ``/api/`` counts against two limits: one for the key it presents (the
``Authorization`` header as sent, valid or not, so the check needs no database) and one for the
client's address. Expensive requests — import (and a revision) from a file and their previews,
comparisons and trends, what-if — count against
tighter limits of their own (:data:`EXPENSIVE`), so a client cannot spend the service's CPU as
fast as it may read cached reports. The limits (settings ``rate_limit_*``, in the notation of the
``limits`` library, e.g. ``"600/minute"``) are kept in memory by the ``limits`` library's moving
window, **per worker process**: a service of N workers lets a client make up to N times as many
requests. A check costs a few microseconds (two dictionary look-ups and two list appends), so the
cached report (:mod:`api.reportcache`) does not notice it.
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse_many, storage, strategies
from starlette.types import ASGIApp, Receive, Scope, Send

from api.config import Settings
from api.problems import scope_language, send_problem
from netz.messages import message

__all__ = ["EXPENSIVE", "RateLimit", "expensive"]

#: What makes a request expensive: (method, how its path starts, how it ends).
EXPENSIVE = (
    ("POST", "/api/v1/alliances/import", ""),  # and its preview
    ("POST", "/api/v1/alliances/", "/revisions"),  # a revision from a file
    ("POST", "/api/v1/alliances/", "/revisions/preview"),
    ("GET", "/api/v1/compare", ""),
    ("GET", "/api/v1/alliances/", "/whatif"),
)

#: Presented keys longer than this are counted by their SHA-256 digest (a bounded memory key).
_LONGEST_KEY = 128


def expensive(method: str, path: str) -> bool:
    """Whether a request counts against the tighter limits of the expensive routes."""
    return any(method == m and path.startswith(start) and path.endswith(end) for m, start, end in EXPENSIVE)


class RateLimit:
    """ASGI middleware: 429 problem+json with ``Retry-After`` for a key or address over its limit."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self.limits: dict[bool, tuple[tuple[str, list[RateLimitItem]], ...]] = {
            False: (("key", parse_many(settings.rate_limit_key)),
                    ("address", parse_many(settings.rate_limit_address))),
            True: (("key", parse_many(settings.rate_limit_key_expensive)),
                   ("address", parse_many(settings.rate_limit_address_expensive))),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        costly = expensive(scope["method"], scope["path"])
        client = scope.get("client")
        who = {"key": _presented_key(scope), "address": client[0] if client else ""}
        for kind, items in self.limits[costly]:
            if not who[kind] and kind == "key":
                continue  # no key: the address's limit applies (and the route answers 401)
            for item in items:
                if not self.limiter.hit(item, kind, str(costly), who[kind]):
                    await self._refuse(scope, send, kind, item, costly, who[kind])
                    return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send, kind: str, item: RateLimitItem, costly: bool,
                      who: str) -> None:
        reset = self.limiter.get_window_stats(item, kind, str(costly), who).reset_time
        retry = max(1, math.ceil(reset - time.time()))
        lang = scope_language(scope)
        await send_problem(send, lang, 429, f"problem.rate.{kind}{'_costly' if costly else ''}",
                           limit=_limit(item, lang), retry=retry,
                           headers=[(b"retry-after", str(retry).encode())])


def _limit(item: RateLimitItem, lang: str) -> str:
    """A rate limit as a person of ``lang`` reads it.

    >>> from limits import parse
    >>> _limit(parse("60/minute"), "de"), _limit(parse("1000 per 2 hours"), "en")
    ('60 pro Minute', '1000 per 2 hours')
    """
    return message(f"problem.rate.per.{item.GRANULARITY.name}", lang, amount=item.amount, n=item.multiples)


#: Respondents present no key: the token of their personal link counts as one.
_RESPOND = "/api/v1/respond/"


def _presented_key(scope: Scope) -> str:
    """The ``Authorization`` header's value (empty if none), bounded in length; for a survey
    respondent's request, the link's token in the path."""
    if scope["path"].startswith(_RESPOND):
        token = scope["path"][len(_RESPOND):].partition("/")[0]
        bounded = token if len(token) <= _LONGEST_KEY else hashlib.sha256(token.encode()).hexdigest()
        return "respond:" + bounded
    for name, value in scope["headers"]:
        if name == b"authorization":
            text = value.decode("latin-1")
            return text if len(text) <= _LONGEST_KEY else hashlib.sha256(value).hexdigest()
    return ""

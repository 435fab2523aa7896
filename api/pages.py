"""The web pages: sign-in and the list of alliances, one alliance's page, and their static files.

The pages are plain HTML, CSS and JavaScript (no build step, nothing from the internet). They call
the JSON API with the key the person signs in with, so each role sees in the browser exactly what
the API gives it. Every word they show comes from the message catalogue of :mod:`netz.messages`
through ``/ui/messages.js``, so that the pages, the command line and the text reports say the
same thing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from api.problems import Refusal
from netz.core.vocabulary import LAENDER
from netz.messages import CATALOGUES, catalogue

__all__ = ["STATIC", "messages_script", "router"]

STATIC = Path(__file__).parent / "static"

router = APIRouter(include_in_schema=False)

_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".png": "image/png",
    ".ico": "image/x-icon",
}

# The key lives in the browser's sessionStorage: nothing but the service's own files may run
# on these pages, nothing may frame them, and no address is sent on to another site.
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type=_MEDIA_TYPES[".html"], headers=_HEADERS)


@router.get("/")
def index() -> FileResponse:
    """Sign-in and the list of alliances."""
    return _page("index.html")


@router.get("/alliances/{alliance_id}")
def alliance_page(alliance_id: int) -> FileResponse:
    """One alliance: scorecard, gaps, map and what-if (filled in by the page's script)."""
    return _page("alliance.html")


@router.get("/programme")
def programme_page() -> FileResponse:
    """The programme overview for funders: every alliance, who needs support, charts."""
    return _page("programme.html")


@router.get("/survey/{token}")
def survey_page(token: str) -> FileResponse:
    """A respondent's questionnaire (the token is read by the page's script from the address)."""
    return _page("survey.html")


@router.get("/static/{path:path}")
def static_file(path: str) -> FileResponse:
    """A file of ``api/static`` (never one outside it)."""
    root = STATIC.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file() or target.suffix not in _MEDIA_TYPES:
        raise Refusal(404, "problem.page.no_file", path=path)
    return FileResponse(target, media_type=_MEDIA_TYPES[target.suffix], headers=_HEADERS)


@router.get("/ui/messages.js")
def ui_messages() -> Response:
    """The message catalogue of every language as a script that sets ``window.NETZ_MESSAGES``,
    and the sixteen Länder (:data:`netz.core.vocabulary.LAENDER`) as ``window.NETZ_LAENDER``.

    A script rather than JSON so that the pages have their words before their own scripts run
    (no flash of keys, no waiting): ``<script src="/ui/messages.js">`` comes before common.js.
    """
    return Response(messages_script(), media_type=_MEDIA_TYPES[".js"], headers=_HEADERS)


@cache
def messages_script() -> str:
    """``window.NETZ_MESSAGES = {"de": {...}, "en": {...}, ...};`` from :mod:`netz.messages`, and
    ``window.NETZ_LAENDER = [...]``.

    >>> "Kirche / Religionsgemeinschaft" in messages_script(), '"Thüringen"]' in messages_script()
    (True, True)
    """
    payload = json.dumps({lang: catalogue(lang) for lang in CATALOGUES}, ensure_ascii=False,
                         separators=(",", ":"))
    laender = json.dumps(LAENDER, ensure_ascii=False)
    return f"window.NETZ_MESSAGES = {payload};\nwindow.NETZ_LAENDER = {laender};\n"

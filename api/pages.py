"""The web pages: sign-in and the list of alliances, one alliance's page, and their static files.

The pages are plain HTML, CSS and JavaScript (no build step, nothing from the internet). They call
the JSON API with the key the person signs in with, so each role sees in the browser exactly what
the API gives it. The words for gap kinds, indicators, figures and actor types come from
:mod:`netz.text` and :mod:`netz.vocabulary` through ``/ui/labels.json``, so that the pages, the
command line and the text reports say the same thing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, JSONResponse

from netz.gaps import GAP_KINDS, SEVERITIES
from netz.health import INDICATORS
from netz.text import kind_label, say
from netz.vocabulary import ACTOR_TYPES, TYPE_LABELS

__all__ = ["STATIC", "labels", "router"]

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

#: Whole-network figures the pages show (labels from netz.text).
_FIGURES = ("n_actors", "n_ties", "components", "largest_component_share", "average_path_length",
            "fragmentation", "mean_degree", "density", "transitivity", "reciprocity")
#: Further phrases of netz.text the pages use.
_PHRASES = ("actors", "ties", "gaps", "health", "no_gaps", "suggestion", "partners", "before", "after",
            "stranded", "new_gaps", "resolved_by_removal", "whatif_question", "by_type", "key_actors",
            "fragmentation_note", "density_note", "undefined", "more_gaps", "components_one",
            "components_many", "key_players", "key_player_line", "key_player_above", "joined", "left",
            "ties_gained", "ties_lost")


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


@router.get("/static/{path:path}")
def static_file(path: str) -> FileResponse:
    """A file of ``api/static`` (never one outside it)."""
    root = STATIC.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file() or target.suffix not in _MEDIA_TYPES:
        raise HTTPException(404, f"no file '{path}'")
    return FileResponse(target, media_type=_MEDIA_TYPES[target.suffix], headers=_HEADERS)


@router.get("/ui/labels.json")
def ui_labels() -> JSONResponse:
    """The plain-language labels of netz in German and English, for the pages."""
    return JSONResponse(labels(), headers=_HEADERS)


def labels() -> dict[str, dict[str, Any]]:
    """``{"de": {...}, "en": {...}}`` with the labels the pages use.

    >>> labels()["en"]["kind"]["refugee_exclusion"]
    'Refugees left out'
    """
    def one(lang: str) -> dict[str, Any]:
        return {
            "type": {t: TYPE_LABELS[t][0 if lang == "de" else 1] for t in ACTOR_TYPES},
            "kind": {k: kind_label(k, lang) for k in GAP_KINDS},
            "indicator": {i: say(f"indicator_{i}", lang) for i in INDICATORS},
            "band": {b: say(f"band_{b}", lang) for b in ("good", "watch", "concern")},
            "severity": {s: say(f"severity_{s}", lang) for s in SEVERITIES},
            "figure": {f: say(f, lang) for f in _FIGURES},
            "phrase": {p: say(p, lang) for p in _PHRASES},
        }

    return {"de": one("de"), "en": one("en")}

"""The API documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served offline.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so without the internet they stay
blank, and the service loads nothing from outside. These serve the same pages with the scripts
and style sheet that the ``fastapi-offline`` package ships (a PyPI package that tracks the
Swagger UI and ReDoc releases), under :data:`ASSETS`. A Content-Security-Policy keeps the browser
from fetching anything from elsewhere that the scripts themselves name (ReDoc's sidebar shows a
logo from its maker's CDN; blocked, it is left out).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["ASSETS", "install"]

#: Where the pages' scripts, style sheet and icon are served.
ASSETS = "/docs-assets"

#: Only this service's own files and addresses; the pages' inline start-up script and styles,
#: and ReDoc's search worker (a blob) are theirs.
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; "
                               "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
                               "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and ``/redoc`` and their files from this service.

    The app must be made with ``docs_url=None, redoc_url=None`` (FastAPI's pages would answer
    first).
    """
    app.mount(ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        return _guarded(get_swagger_ui_html(
            openapi_url=root + openapi_url, title=f"{app.title} – API",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            oauth2_redirect_url=None, swagger_ui_parameters=app.swagger_ui_parameters))

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        return _guarded(get_redoc_html(
            openapi_url=root + openapi_url, title=f"{app.title} – API",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png", with_google_fonts=False))


def _guarded(page: HTMLResponse) -> HTMLResponse:
    page.headers.update(_HEADERS)
    return page


def _root(request: Request) -> str:
    """The path the service is mounted under behind a proxy (``--root-path``), or ``""``."""
    return str(request.scope.get("root_path", "")).rstrip("/")

"""The netz service: builds the FastAPI application."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api import docs, pages, problems
from api.config import Settings, load_settings
from api.db import Database
from api.jobs import JobRunner
from api.limits import BodySizeLimit
from api.openapi import declare_enforced
from api.ratelimit import RateLimit
from api.reportcache import Cache
from api.routes import (
    actors,
    alliances,
    analysis,
    audit,
    compare,
    handout,
    jobs,
    keys,
    layout,
    programme,
    respond,
    revisions,
    surveys,
    system,
    ties,
)
from api.textcheck import RejectNulInUrl

__all__ = ["create_app"]

DESCRIPTION = """Cooperation-network analysis for local alliances for refugee aid.

Send an API key as `Authorization: Bearer KEY`. Roles: **admin**; **coordinator** (reads and
writes the alliances it is given); **researcher** (metrics of all alliances, actors as stable
pseudonyms); **funder** (network-level figures and comparisons only). Every metric is defined in
`docs/metrics.md`. Errors are `application/problem+json` (RFC 9457).
"""


_frozen = False


def freeze_startup_heap() -> None:
    """Keep what the start made out of the cyclic garbage collector's full passes (once per process).

    A worker holds ~200,000 long-lived objects (modules, numpy, pandas, igraph, the app). Under
    load the objects of requests in flight outlive the young generations, so full collections
    came every half second, each scanning all of them: 100-350 ms in which no request of that
    worker moved, the whole of the p99 latency (measured with a ``gc.callbacks`` probe in
    ``benchmarks/bench_service.py`` runs). :func:`gc.freeze` moves them to a permanent
    generation that collections skip (reference counting still frees them).
    """
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


#: The order of the sections of the API documentation.
TAGS = ("alliances", "revisions", "actors", "ties", "analysis", "compare", "programme", "surveys", "respond",
        "jobs", "keys", "audit", "system")


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    settings = settings or load_settings()
    database = Database(settings.database_url, connect_timeout=settings.database_connect_timeout,
                        statement_timeout=settings.database_statement_timeout,
                        pool_size=settings.database_pool_size, max_overflow=settings.job_workers + 1)
    if migrate:
        database.migrate()
    reports = Cache(settings, database)
    runner = JobRunner(database, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        freeze_startup_heap()
        # As many threads as connections: every thread that holds a session (the routes' sync
        # endpoints and dependencies, run_in_threadpool) has a connection at once; a request
        # beyond them waits for a thread on the event loop (anyio's default: 40 threads, which
        # waited for one of fewer connections inside the thread, then 503 after the pool timeout).
        to_thread.current_default_thread_limiter().total_tokens = database.pool_size
        yield
        await run_in_threadpool(runner.close)  # unfinished background jobs end (failed: submit again)

    app = FastAPI(title="netz", version="0.1.0", description=DESCRIPTION, lifespan=lifespan,
                  openapi_tags=[{"name": tag} for tag in TAGS], docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.database = database
    app.state.reports = reports
    app.state.jobs = runner
    problems.install(app)
    # Routes are matched in this order, each included router walked route by route: the most
    # requested ones come first (matching the cached report's route cost a third of its time
    # behind the others). The documentation keeps its order (TAGS).
    for module in (system, analysis, alliances, revisions, actors, ties, compare, programme, surveys, respond,
                   jobs, keys, audit, layout, handout, pages):
        app.include_router(module.router)
    docs.install(app)  # /docs and /redoc with their files from here, not from a CDN (last: rarely asked)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(RejectNulInUrl)
    if settings.rate_limits:  # outermost: a refused request costs nothing more
        app.add_middleware(RateLimit, settings=settings)
    # FastAPI builds a route's parameter fields when the first request reaches it, inside
    # warnings.catch_warnings(), which is not thread-safe: two threads serving first requests at
    # once (the concurrency tests do) lost its filter, and pydantic warned "UnsupportedField-
    # AttributeWarning: The 'alias' attribute with value 'order' ...". The OpenAPI schema needs
    # every route's fields: building it here builds them all, once, before anything is served.
    declare_enforced(app.openapi())  # and states what the service enforces beyond the signatures
    return app

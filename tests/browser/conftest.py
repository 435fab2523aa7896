"""A real browser against a real server: Debian's Chromium, driven by Playwright, and uvicorn
serving the app on a free local port (:mod:`tests.browser.serving`) with the demo alliance in a
temporary SQLite database.

Playwright's own browser download cannot work on the project's machines, so the tests use the
system's Chromium (``apt-get install -y chromium``; ``NETZ_CHROMIUM`` may name another binary).
Without it the tests fail and say so: they are never skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from api.config import Settings
from api.main import create_app
from api.security import create_key
from api.store import save
from netz.core import io
from tests.browser.serving import Service, serving

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "datasets" / "demo-buendnis"
CHROMIUM = Path(os.environ.get("NETZ_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """An assertion waits for its state up to 15 s, not Playwright's 5 s: under CI's load a page
    that reloads its data and report, or Redoc laying out the whole API document, can take longer
    (test_redoc_renders_offline failed once in six runs so). It never waits longer than its state
    takes to come."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


# Module scope: the server and the browser (with Playwright's event loop) are gone before the
# tests after this folder run.
@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """uvicorn in a thread of this process, serving the demo alliance; stopped at the end."""
    database = tmp_path_factory.mktemp("browser") / "netz.sqlite"
    # Without rate limits, as every test but tests/api/test_ratelimit.py: a page's tests make many
    # requests a minute from one address.
    app = create_app(Settings(database_url=f"sqlite:///{database}", rate_limits=False))
    with app.state.database.sessions() as session:
        alliance = save(session, io.read(DEMO)).id
        session.commit()
        keys = {role: create_key(session, role, alliances=[alliance] if role == "coordinator" else [],
                                 label=f"browser test {role}")
                for role in ("admin", "coordinator", "researcher", "funder")}
    try:
        with serving(app) as url:
            yield Service(url, alliance, keys)
    finally:
        app.state.database.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, headless; a clear failure (not a skip) when it or Playwright is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed; install the test extra: pip install -e '.[test]'",
                    pytrace=False)
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}; the browser tests need Debian's Chromium: "
                    "apt-get install -y chromium (or set NETZ_CHROMIUM to a Chromium binary)", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, service: Service) -> Iterator[Any]:
    """A fresh browser tab (its own storage) at 1280×900, German; fails on any script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE",
                                  base_url=service.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))

    def console(message: Any) -> None:
        # A 401 or 403 the page answers (a wrong key, a funder's map) is logged by the browser as
        # a failed resource; that is expected. Any other error is a fault of the page.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    tab.on("console", console)
    try:
        yield tab
    finally:
        context.close()
    assert not errors, f"errors in the page: {errors}"

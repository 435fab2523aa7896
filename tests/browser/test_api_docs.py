"""The API documentation in a real browser with no internet: every request that leaves the service
is refused, and ``/docs`` still shows the operations and the "Authorize" button, ``/redoc`` its
sections (FastAPI's own pages loaded Swagger UI and ReDoc from a CDN and stayed blank). The
browser asks for nothing outside the service (the pages' Content-Security-Policy holds back the
one address ReDoc's script names, its maker's logo)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import expect


@dataclass
class Tab:
    page: Any
    refused: list[str] = field(default_factory=list)  # requests for other addresses
    errors: list[str] = field(default_factory=list)  # script errors


@pytest.fixture
def offline(browser: Any, service: Any) -> Iterator[Tab]:
    """A tab that can reach the service and nothing else."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=service.url)
    context.set_default_timeout(10_000)
    tab = Tab(context.new_page())

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith(service.url + "/"):
            request_route.continue_()
        else:
            tab.refused.append(request_route.request.url)
            request_route.abort()

    tab.page.route("**/*", route)
    tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()


def test_swagger_ui_renders_offline(offline: Tab) -> None:
    offline.page.goto("/docs")
    operations = offline.page.locator(".opblock")
    report = offline.page.locator('.opblock-summary-path[data-path="/api/v1/alliances/{alliance_id}/report"]')
    expect(report).to_have_count(1)
    expect(offline.page.get_by_role("button", name="Authorize")).to_be_visible()
    assert operations.count() > 30
    assert (offline.refused, offline.errors) == ([], [])


def test_redoc_renders_offline(offline: Tab) -> None:
    offline.page.goto("/redoc")
    expect(offline.page.locator("h1").first).to_contain_text("netz")
    expect(offline.page.get_by_text("/api/v1/alliances/{alliance_id}/report").first).to_be_attached()
    expect(offline.page.get_by_role("menuitem").first).to_be_visible()
    assert (offline.refused, offline.errors) == ([], [])


def test_swagger_ui_shows_the_reports_metrics(offline: Tab) -> None:
    """A researcher opens the report's operation and finds its figures, with their definitions, in
    the answer's schema (issue 10, defect 6: the answer was an untyped "string")."""
    offline.page.goto("/docs")
    offline.page.locator('.opblock-summary-path[data-path="/api/v1/alliances/{alliance_id}/report"]').click()
    operation = offline.page.locator(".opblock.is-open")
    answer = operation.locator(".response[data-code='200']")
    expect(answer.locator(".example")).to_contain_text('"largest_component_share"')
    answer.get_by_role("tab", name="Schema").click()
    expect(answer.locator(".model-box").first).to_contain_text("Report")
    assert (offline.refused, offline.errors) == ([], [])

"""Liveness, readiness, the OpenAPI document and the docs page; errors outside any route."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from fastapi._compat.v2 import ModelField
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import api.routes
from api.config import Settings
from api.main import create_app

PROBLEM = "application/problem+json"


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_openapi_lists_every_route(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "netz"
    served = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    # every route of every module in api/routes (so a router that was never included shows up too)
    modules = [importlib.import_module(f"api.routes.{module.name}")
               for module in pkgutil.iter_modules(api.routes.__path__)]
    routes = {(route.path, method) for module in modules for route in module.router.routes
              if isinstance(route, APIRoute) for method in route.methods}
    assert served == routes
    # among them the ones the design names
    paths = {path for path, _ in served}
    assert {"/healthz", "/readyz", "/api/v1/alliances", "/api/v1/alliances/import",
            "/api/v1/alliances/{alliance_id}", "/api/v1/alliances/{alliance_id}/actors",
            "/api/v1/alliances/{alliance_id}/actors/{actor_id}", "/api/v1/alliances/{alliance_id}/ties",
            "/api/v1/alliances/{alliance_id}/ties/{position}", "/api/v1/alliances/{alliance_id}/report",
            "/api/v1/alliances/{alliance_id}/gaps", "/api/v1/alliances/{alliance_id}/health",
            "/api/v1/alliances/{alliance_id}/whatif", "/api/v1/alliances/{alliance_id}/waves/diff",
            "/api/v1/alliances/{alliance_id}/export", "/api/v1/keys"} <= paths


def test_docs_page(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "/openapi.json" in response.text


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 404


def test_wrong_method_is_a_problem(client: TestClient) -> None:
    response = client.put("/healthz")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert "GET" in response.headers["allow"]


def test_routes_are_built_before_the_first_request(database_url: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """FastAPI builds a route's parameter fields on the first request that reaches it, in a way
    that is not thread-safe (pydantic warned UnsupportedFieldAttributeWarning when two threads
    did it at once); create_app builds them all."""
    built: list[str] = []
    real = ModelField.__post_init__

    def counting(self: ModelField) -> None:
        built.append(self.name)
        real(self)

    monkeypatch.setattr(ModelField, "__post_init__", counting)
    app = create_app(Settings(database_url=database_url), migrate=False)
    assert len(built) > 100  # every route's
    built.clear()
    try:
        with TestClient(app) as client:
            for url in ("/api/v1/alliances/1/actors?order=desc", "/api/v1/compare", "/healthz", "/"):
                client.get(url)
            client.post("/api/v1/alliances", json={})
    finally:
        app.state.database.engine.dispose()
    assert built == []

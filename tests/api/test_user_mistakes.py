"""A user's mistake is netz's own error, answered with a 422 problem naming what is accepted;
a ``KeyError`` is a bug in the service and answered as one (500), never as a user's mistake."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from netz import io

DEMO = Path(__file__).parents[2] / "datasets" / "demo-buendnis"
ALLIANCES = "/api/v1/alliances"


def test_a_key_error_in_a_route_is_a_server_error(make_app: Callable[..., FastAPI]) -> None:
    app = make_app()

    def lookup_bug() -> Any:
        return {}["not there"]  # a lookup bug, as it could hide anywhere in a route

    app.add_api_route("/api/v1/lookup-bug", lookup_bug)
    app.router.routes.insert(0, app.router.routes.pop())  # before the pages' catch-all routes
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/lookup-bug")
    # Before, a KeyError handler answered 422 "Unknown name": the bug looked like the user's mistake.
    assert response.status_code == 500
    assert "Unknown name" not in response.text


def test_unknown_names_are_422_problems_naming_what_is_accepted(
    client: TestClient, admin: dict[str, str], demo: dict[str, Any]
) -> None:
    ids = list(io.read(DEMO).actors["id"])
    url = f"{ALLIANCES}/{demo['id']}"
    for path, params, named, accepted in [
        ("whatif", {"remove": "niemand"}, "niemand", ids[:3]),
        ("report", {"group_by": "Lieblingsfarbe"}, "Lieblingsfarbe", ["id", "name", "type"]),
        ("report", {"wave": "2030"}, "2030", ["waves: none"]),
    ]:
        response = client.get(f"{url}/{path}", headers=admin, params=params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        detail = response.json()["detail"]
        assert named in detail and all(name in detail for name in accepted), detail

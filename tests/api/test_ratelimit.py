"""Rate limits per key and per client address: 429 problem+json with Retry-After, tighter for
expensive routes. (The other tests run without them: see conftest.py's ``app``.)"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.ratelimit import expensive


def refused(response: Any) -> bool:
    if response.status_code != 429:
        return False
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["status"] == 429
    return True


def test_limits_per_key_and_per_address(client: TestClient, keys: Any, make_app: Any) -> None:
    app = make_app(rate_limit_key="3/minute", rate_limit_address="6/minute")
    with TestClient(app) as limited:
        funder, researcher = keys.headers("funder"), keys.headers("researcher")
        assert [limited.get("/api/v1/alliances", headers=funder).status_code for _ in range(3)] == [200] * 3
        over = limited.get("/api/v1/alliances", headers=funder)
        assert refused(over) and "Dieser Schlüssel" in over.json()["detail"]
        # another key has its own count, until the address has made 6 requests (a request refused for
        # its key is not counted for its address)
        assert [limited.get("/api/v1/alliances", headers=researcher).status_code
                for _ in range(3)] == [200] * 3
        assert refused(limited.get("/api/v1/alliances", headers=keys.headers("admin")))
        assert "Diese Adresse" in limited.get("/api/v1/alliances").json()["detail"]
        # pages and the API's documentation are not counted
        assert limited.get("/openapi.json").status_code == 200
    # the limits are the process's (in memory): another app counts on its own
    with TestClient(make_app(rate_limit_key="3/minute")) as other:
        assert other.get("/api/v1/alliances", headers=funder).status_code == 200


def test_expensive_routes_have_tighter_limits(client: TestClient, keys: Any, make_app: Any) -> None:
    app = make_app(rate_limit_key_expensive="1/minute")
    with TestClient(app) as limited:
        funder = keys.headers("funder")
        assert limited.get("/api/v1/compare", headers=funder, params={"null_samples": 0}).status_code == 200
        over = limited.get("/api/v1/compare/trends", headers=funder)
        assert refused(over) and "Vergleichs" in over.json()["detail"]
        # cached reads go on
        report = limited.get(f"/api/v1/alliances/{keys.own}/report", headers=funder)
        assert report.status_code == 200


def test_no_limits_when_turned_off(client: TestClient, keys: Any, make_app: Any) -> None:
    with TestClient(make_app(rate_limits=False, rate_limit_key="1/minute")) as free:
        assert [free.get("/api/v1/alliances", headers=keys.headers("funder")).status_code
                for _ in range(3)] == [200] * 3


@pytest.mark.parametrize("method, path, costly", [
    ("POST", "/api/v1/alliances/import", True),
    ("POST", "/api/v1/alliances/import/preview", True),
    ("POST", "/api/v1/alliances/7/revisions", True),
    ("POST", "/api/v1/alliances/7/revisions/preview", True),
    ("POST", "/api/v1/alliances/7/undo", False),
    ("GET", "/api/v1/compare", True),
    ("GET", "/api/v1/compare/trends", True),
    ("GET", "/api/v1/alliances/7/whatif", True),
    ("GET", "/api/v1/alliances/7/report", False),
    ("GET", "/api/v1/alliances", False),
    ("POST", "/api/v1/alliances", False),
    ("GET", "/api/v1/jobs/" + "0" * 32, False),
])
def test_which_routes_are_expensive(method: str, path: str, costly: bool) -> None:
    assert expensive(method, path) is costly

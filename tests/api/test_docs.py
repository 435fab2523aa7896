"""The API documentation: ``/docs`` and ``/redoc`` load nothing from the internet (every file they
reference is served here), and the OpenAPI document says which operations need a key (an HTTP
bearer security scheme, so Swagger UI offers "Authorize") and what every parameter means."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

#: Where a page refers to another file: attributes and quoted paths in its scripts.
_REFERENCE = re.compile(r"""(?:src|href|url)\s*[=:(]\s*['"]?([^'" )>]+)"""
                        r"""|['"](/[^'"\s]*\.(?:js|css|png))['"]""")


def referenced(html: str) -> list[str]:
    """Every file or address the page refers to (scripts, style sheets, icons, the API document)."""
    return [first or second for first, second in _REFERENCE.findall(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_nothing_from_outside(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    # what the scripts themselves name (ReDoc's logo on its maker's CDN) the browser does not fetch
    assert "default-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    assert not re.findall(r"https?://", html), "the page refers to another site"
    found = referenced(html)
    assert any(path.endswith(".js") for path in found), found
    for path in found:
        assert path.startswith("/"), path
        asset = client.get(path)
        assert asset.status_code == 200, path
        assert asset.content, path


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items()]


def test_every_parameter_is_described(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    undescribed = [f"{method} {path} {parameter['in']} {parameter['name']}"
                   for method, path, operation in _operations(document)
                   for parameter in operation.get("parameters", [])
                   if parameter["in"] in ("query", "path") and not parameter.get("description")]
    assert undescribed == []


def test_operations_that_need_a_key_declare_it(client: TestClient) -> None:
    """Each operation declares the bearer scheme exactly when it answers 401 without a key."""
    document = client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert any(scheme["type"] == "http" and scheme.get("scheme") == "bearer" for scheme in schemes.values())
    undeclared, needless = [], []
    for method, path, operation in _operations(document):
        url = re.sub(r"\{[^}]+\}", "1", path)
        status = client.request(method, url).status_code
        declared = [name for requirement in operation.get("security", []) for name in requirement]
        assert all(name in schemes for name in declared)
        if status == 401 and not declared:
            undeclared.append(f"{method} {path}")
        if status != 401 and declared:
            needless.append(f"{method} {path} ({status})")
    assert undeclared == []
    assert needless == []
    # the report's route reads the header itself: it is not listed as a parameter either
    report = document["paths"]["/api/v1/alliances/{alliance_id}/report"]["get"]
    assert "authorization" not in [p["name"].lower() for p in report.get("parameters", [])]

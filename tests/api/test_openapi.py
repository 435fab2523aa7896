"""The OpenAPI document states what the service enforces (api/openapi.py)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.uploads import IMPORT_SUFFIXES

WRITES = ("post", "patch", "put", "delete")


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return dict(app.openapi())


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, methods in document["paths"].items()
            for method, operation in methods.items() if path.startswith("/api/")]


def test_writes_require_if_match_and_declare_428_and_412(document: dict[str, Any]) -> None:
    checked = 0
    for path, method, operation in operations(document):
        if_match = [p for p in operation.get("parameters", []) if p["name"].lower() == "if-match"]
        # a preview reads an upload and stores nothing: no If-Match
        writes = method in WRITES and not path.endswith("/preview")
        if path.startswith("/api/v1/alliances/{alliance_id}") and writes:
            assert if_match and if_match[0]["required"] is True, (method, path)
            assert {"412", "428"} <= set(operation["responses"]), (method, path)
            checked += 1
        else:
            assert not if_match, (method, path)
    assert checked == 12  # … and a revision from a file, and undo; starting and closing a survey


def test_writes_without_if_match_are_428_as_declared(client: TestClient, admin: dict[str, str],
                                                     demo: dict[str, Any]) -> None:
    response = client.patch(f"/api/v1/alliances/{demo['id']}", headers=admin, json={"name": "x"})
    assert response.status_code == 428


def test_every_api_operation_declares_its_errors_as_problems(document: dict[str, Any]) -> None:
    assert "Problem" in document["components"]["schemas"]
    for path, method, operation in operations(document):
        responses = operation["responses"]
        assert {"401", "422", "429", "503"} <= set(responses), (method, path)
        assert "Retry-After" in responses["429"]["headers"]
        for status, answer in responses.items():
            if int(status) >= 400:
                assert list(answer["content"]) == ["application/problem+json"], (method, path, status)


@pytest.mark.parametrize("path", ["/api/v1/alliances/import", "/api/v1/alliances/import/preview",
                                  "/api/v1/alliances/{alliance_id}/revisions",
                                  "/api/v1/alliances/{alliance_id}/revisions/preview"])
def test_uploads_state_the_suffixes_and_415(document: dict[str, Any], path: str) -> None:
    operation = document["paths"][path]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "415" in operation["responses"]
    for suffix in IMPORT_SUFFIXES:
        assert suffix in operation["description"] and suffix in operation["responses"]["415"]["description"]


def test_whatif_states_its_rule(document: dict[str, Any]) -> None:
    operation = document["paths"]["/api/v1/alliances/{alliance_id}/whatif"]["get"]
    assert "`remove=ID,ID`" in operation["description"] and "`key_players`" in operation["description"]
    players = next(p for p in operation["parameters"] if p["name"] == "key_players")
    assert players["schema"]["maximum"] == 20


@pytest.mark.parametrize("path", ["/api/v1/compare", "/api/v1/compare/trends", "/api/v1/programme"])
def test_compare_declares_202_and_the_job(document: dict[str, Any], path: str) -> None:
    accepted = document["paths"][path]["get"]["responses"]["202"]
    assert "Location" in accepted["headers"]
    assert accepted["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/JobOut"}
    assert "/api/v1/jobs/{job_id}" in document["paths"]


@pytest.mark.parametrize("path", ["/api/v1/audit", "/api/v1/keys"])
def test_admins_only_reads_declare_the_403_other_roles_get(document: dict[str, Any], client: TestClient,
                                                           keys: Any, path: str) -> None:
    assert "403" in document["paths"][path]["get"]["responses"]
    for role in ("coordinator", "researcher", "funder"):
        response = client.get(path, headers={"Authorization": f"Bearer {getattr(keys, role)}"})
        assert response.status_code == 403, (role, response.text)

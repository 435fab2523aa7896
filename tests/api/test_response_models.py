"""Report, gaps, health, what-if, compare and the actor list declare what they answer (issue 10,
defects 6 and 7): a typed 200 schema whose every property is described, that the answers of every
role conform to, and actors named alike in ``/actors`` and in the report."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.schemas import ActorBrokerage, ActorRecord
from tests.api.conftest import ROOT, Keys

ALLIANCE = "/api/v1/alliances/{alliance_id}"
#: The operations with a response model, and the roles that may call them.
OPERATIONS = {
    f"{ALLIANCE}/report": ("admin", "coordinator", "researcher", "funder"),
    f"{ALLIANCE}/gaps": ("admin", "coordinator", "researcher", "funder"),
    f"{ALLIANCE}/health": ("admin", "coordinator", "researcher", "funder"),
    f"{ALLIANCE}/whatif": ("admin", "coordinator", "researcher"),
    f"{ALLIANCE}/actors": ("admin", "coordinator", "researcher"),
    "/api/v1/compare": ("admin", "coordinator", "researcher", "funder"),
}


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return dict(app.openapi())


def answer_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    """The JSON schema of an operation's 200 answer, its references resolvable."""
    schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return {**schema, "components": document["components"]}


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def undescribed(document: dict[str, Any], schema: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Where in a schema there is no schema at all (``{}``, or an object without properties) or a
    property without a description."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen.add(name)
        return undescribed(document, resolved(document, schema), name, seen)
    if not {key: value for key, value in schema.items() if key not in ("title", "default")}:
        return [f"{where}: untyped"]
    found: list[str] = []
    for part in schema.get("anyOf", []):
        found += undescribed(document, part, where, seen)
    if isinstance(schema.get("items"), dict):
        found += undescribed(document, schema["items"], f"{where}[]", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        found += undescribed(document, schema["additionalProperties"], f"{where}{{}}", seen)
    for name, field in schema.get("properties", {}).items():
        if not field.get("description"):
            found.append(f"{where}.{name}: no description")
        found += undescribed(document, field, f"{where}.{name}", seen)
    return found


@pytest.mark.parametrize("path", list(OPERATIONS))
def test_each_operation_has_a_typed_answer_with_described_fields(document: dict[str, Any], path: str) -> None:
    schema = answer_schema(document, path)
    assert schema.get("type") in ("object", "array") or "anyOf" in schema or "$ref" in schema, schema
    assert undescribed(document, schema, path, set()) == []


def test_metrics_point_to_their_definitions(document: dict[str, Any]) -> None:
    actor = document["components"]["schemas"]["ActorRecord"]["properties"]
    for metric in ("betweenness", "constraint", "brokerage", "ei_index", "community"):
        assert "docs/metrics.md" in actor[metric]["description"], metric
    network = document["components"]["schemas"]["Network"]["properties"]
    assert "Network structure" in network["fragmentation"]["description"]


def request(path: str, keys: Keys) -> tuple[str, dict[str, Any]]:
    url = path.format(alliance_id=keys.own)
    params: dict[str, Any] = {}
    if url.endswith("/whatif"):
        params = {"remove": "ref,stadt", "key_players": 2}  # the only isolated refugee council: warnings
    elif url.endswith("/compare"):
        params = {"null_samples": 3, "alliances": keys.own}  # the other has no column Hauptamtliche
    return url, params


@pytest.mark.parametrize("path", list(OPERATIONS))
def test_every_role_answers_as_declared(client: TestClient, document: dict[str, Any], keys: Keys,
                                        path: str) -> None:
    schema = answer_schema(document, path)
    validator = jsonschema_rs.Draft202012Validator(schema)
    for role in OPERATIONS[path]:
        url, params = request(path, keys)
        if role == "researcher" and url.endswith("/whatif"):
            params = {"key_players": 2}  # researchers name pseudonyms, not ids
        for group_by in ("type", "Hauptamtliche"):
            if role == "funder" and group_by != "type":
                continue  # banded groups may single out actors: refused for funders
            response = client.get(url, headers=keys.headers(role), params={**params, "group_by": group_by})
            assert response.status_code == 200, (role, response.text)
            errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(response.json())]
            assert errors == [], (role, group_by, errors[:5])


@pytest.mark.parametrize("role", ["admin", "researcher"])
def test_actors_are_named_as_in_the_report(client: TestClient, keys: Keys, role: str) -> None:
    base = f"/api/v1/alliances/{keys.own}"
    report = client.get(f"{base}/report", headers=keys.headers(role)).json()["actors"]
    listed = client.get(f"{base}/actors", headers=keys.headers(role), params={"per_page": 1000}).json()
    assert listed["actors"] == report  # same names, same nesting (brokerage), same values
    assert "brokerage" in listed["actors"][0] and "brokerage.total" not in listed["actors"][0]


def test_an_empty_alliance_answers_as_declared(client: TestClient, document: dict[str, Any],
                                               admin: dict[str, str]) -> None:
    created = client.post("/api/v1/alliances", headers=admin, json={"name": "Leer"}).json()
    for path in (f"{ALLIANCE}/report", f"{ALLIANCE}/gaps", f"{ALLIANCE}/health", f"{ALLIANCE}/actors"):
        response = client.get(path.format(alliance_id=created["id"]), headers=admin)
        assert response.status_code == 200, response.text
        validator = jsonschema_rs.Draft202012Validator(answer_schema(document, path))
        assert [e.message for e in validator.iter_errors(response.json())] == [], path


def documented_actor_fields() -> set[str]:
    """The per-actor names listed in docs/metrics.md, "Field names in the API"."""
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    block = text.split("**Per actor**", 1)[1].split("**Nested and flat.**", 1)[0]
    bullets = "\n".join(line for line in block.splitlines() if line.startswith(("- ", "  ")))
    return set(re.findall(r"`([a-z_]+)`", bullets))


def test_the_documented_actor_names_are_the_model_and_the_report(client: TestClient, keys: Keys) -> None:
    model = set(ActorRecord.model_fields) | set(ActorBrokerage.model_fields)
    assert documented_actor_fields() == model
    report = client.get(f"/api/v1/alliances/{keys.own}/report", headers=keys.headers("admin")).json()
    actor = report["actors"][0]
    own_columns = {"Hauptamtliche", "Ehrenamtliche"}  # the demo's actor columns
    assert set(actor) - own_columns == set(ActorRecord.model_fields)
    assert set(actor["brokerage"]) == set(ActorBrokerage.model_fields)

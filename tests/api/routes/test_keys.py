"""API keys: admins make them; they are shown once, stored as a hash, and checked on every request."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import ApiKey, KeyGrant

KEYS = "/api/v1/keys"
ALLIANCES = "/api/v1/alliances"


@pytest.mark.parametrize("role", ["admin", "coordinator", "researcher", "funder"])
def test_admin_makes_a_key(client: TestClient, keys: Any, app: FastAPI, role: str) -> None:
    response = client.post(KEYS, headers=keys.headers("admin"), json={"role": role, "label": "Ministerium"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["role"], body["alliances"]) == (role, [])
    key = body["key"]
    assert key.startswith("netz_")
    listed = client.get(ALLIANCES, headers={"Authorization": f"Bearer {key}"})
    assert listed.status_code == 200
    # a coordinator without alliances sees none; every other role sees all
    assert len(listed.json()) == (0 if role == "coordinator" else 2)
    with app.state.database.sessions() as session:
        row = session.scalar(select(ApiKey).where(ApiKey.prefix == key.split("_")[1]))
    assert row is not None
    assert (row.role, row.label) == (role, "Ministerium")
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()  # only the hash is stored
    assert key not in (row.prefix, row.digest, row.label)


def test_coordinator_key_for_some_alliances(client: TestClient, keys: Any, app: FastAPI) -> None:
    response = client.post(KEYS, headers=keys.headers("admin"), json={"role": "coordinator",
                                                                      "alliances": [keys.other]})
    assert response.status_code == 201, response.text
    assert response.json()["alliances"] == [keys.other]
    headers = {"Authorization": f"Bearer {response.json()['key']}"}
    assert client.get(f"{ALLIANCES}/{keys.other}", headers=headers).status_code == 200
    assert client.get(f"{ALLIANCES}/{keys.own}", headers=headers).status_code == 403
    assert [a["id"] for a in client.get(ALLIANCES, headers=headers).json()] == [keys.other]
    with app.state.database.sessions() as session:
        assert session.scalar(select(KeyGrant.alliance_id).join(ApiKey).where(
            ApiKey.prefix == response.json()["key"].split("_")[1])) == keys.other


def test_every_key_is_new(client: TestClient, keys: Any) -> None:
    made = {client.post(KEYS, headers=keys.headers("admin"), json={"role": "funder"}).json()["key"]
            for _ in range(3)}
    assert len(made) == 3


@pytest.mark.parametrize(("body", "status"), [
    ({"role": "superuser"}, 422),
    ({}, 422),
    ({"role": "funder", "expires": "never"}, 422),
    ({"role": "coordinator", "alliances": ["eins"]}, 422),
    ({"role": "coordinator", "alliances": [999999]}, 404),
])
def test_bad_key_requests(client: TestClient, admin: dict[str, str], body: dict[str, Any],
                          status: int) -> None:
    response = client.post(KEYS, headers=admin, json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("role", ["coordinator", "researcher", "funder"])
def test_only_admins_make_keys(client: TestClient, new_key: Callable[..., str], role: str) -> None:
    response = client.post(KEYS, headers={"Authorization": f"Bearer {new_key(role)}"}, json={"role": "admin"})
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "netz_abc_def", "Bearer netz_abc_def",
    "Bearer netz__", "Bearer something-else",
])
def test_without_a_valid_key(client: TestClient, admin: dict[str, str], authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get(ALLIANCES, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_key_with_a_wrong_secret(client: TestClient, new_key: Callable[..., str]) -> None:
    key = new_key("admin")
    netz, prefix, secret = key.split("_", 2)
    forged = f"{netz}_{prefix}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    assert client.get(ALLIANCES, headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    assert client.get(ALLIANCES, headers={"Authorization": f"Bearer {key}x"}).status_code == 401
    assert client.get(ALLIANCES, headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_scheme_is_case_insensitive(client: TestClient, new_key: Callable[..., str]) -> None:
    key = new_key("funder")
    assert client.get(ALLIANCES, headers={"Authorization": f"bearer {key}"}).status_code == 200
    assert client.get(ALLIANCES, headers={"Authorization": f"BEARER  {key} "}).status_code == 200

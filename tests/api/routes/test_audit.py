"""The audit log: every change to an alliance, its export and its deletion, by key; in the change's
transaction (a failed change leaves no entry); read by admins, per alliance, paged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import AuditEntry

AUDIT = "/api/v1/audit"
ALLIANCES = "/api/v1/alliances"


def entries(client: TestClient, admin: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get(AUDIT, headers=admin, params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["entries"])


def audit_rows(app: FastAPI) -> int:
    with app.state.database.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_every_change_is_recorded_with_its_key(client: TestClient, keys: Any, demo: dict[str, Any]) -> None:
    admin, coordinator = keys.headers("admin"), keys.headers("coordinator")
    url = f"{ALLIANCES}/{demo['id']}"
    etag = demo["etag"]
    for method, path, body in [
        ("PATCH", "", {"name": "Umbenannt"}),
        ("POST", "/actors", {"id": "neu", "name": "Neue Initiative", "type": "Initiative"}),
        ("PATCH", "/actors/neu", {"name": "Neuer Name"}),
        ("POST", "/ties", {"source": "neu", "target": demo_actor(client, admin, url)}),
        ("PATCH", "/ties/1", {"kind": "Information"}),
        ("DELETE", "/ties/1", None),
        ("DELETE", "/actors/neu", None),
    ]:
        response = client.request(method, url + path, headers={**coordinator, "If-Match": etag}, json=body)
        assert response.status_code in (200, 201), (method, path, response.text)
        etag = response.headers["ETag"]
    exported = client.get(f"{url}/export", headers=keys.headers("researcher"), params={"format": "json"})
    assert exported.status_code == 200
    assert client.delete(url, headers={**admin, "If-Match": etag}).status_code == 204
    log = entries(client, admin, alliance=demo["id"])
    assert [e["action"] for e in reversed(log)] == [
        "import", "edit-metadata", "add-actor", "edit-actor", "add-tie", "edit-tie", "delete-tie",
        "delete-actor", "export", "delete"]
    prefixes = {role: getattr(keys, role).split("_")[1] for role in ("admin", "coordinator", "researcher")}
    assert {(e["role"], e["key_prefix"]) for e in log} == {(role, prefixes[role]) for role in prefixes}
    assert log[1]["detail"] == {"format": "json"}
    assert all(e["alliance_id"] == demo["id"] and e["at"] for e in log)
    assert [e["id"] for e in log] == sorted((e["id"] for e in log), reverse=True)  # newest first
    text = client.get(AUDIT, headers=admin).text
    for secret in (keys.admin, keys.coordinator, keys.researcher, "Neue Initiative", "Neuer Name"):
        assert secret not in text  # neither keys nor what was written


def demo_actor(client: TestClient, admin: dict[str, str], url: str) -> str:
    actors = client.get(f"{url}/actors", headers=admin, params={"per_page": 1}).json()["actors"]
    return str(actors[0]["id"])


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("POST", "/ties", {"source": "nobody", "target": "nobody-else"}, 422),
    ("PATCH", "/actors/nobody", {"name": "x"}, 404),
    ("DELETE", "/ties/999999", None, 404),
    ("PATCH", "", {"name": "x"}, 412),
])
def test_a_failed_change_leaves_no_entry(client: TestClient, keys: Any, demo: dict[str, Any], app: FastAPI,
                                         row_counts: Callable[[], dict[str, int]], method: str, path: str,
                                         body: dict[str, Any] | None, status: int) -> None:
    before = (audit_rows(app), row_counts())
    etag = '"1-99"' if status == 412 else demo["etag"]
    response = client.request(method, f"{ALLIANCES}/{demo['id']}{path}",
                              headers={**keys.headers("admin"), "If-Match": etag}, json=body)
    assert response.status_code == status, response.text
    assert (audit_rows(app), row_counts()) == before


def test_a_failed_import_leaves_no_entry(client: TestClient, admin: dict[str, str], app: FastAPI) -> None:
    before = audit_rows(app)
    broken = b'{"nodes": [{"id": "a"}], "links": [{"source": "a", "target": "b"}]}'
    response = client.post(f"{ALLIANCES}/import", headers=admin,
                           files={"file": ("kaputt.json", broken, "application/json")})
    assert response.status_code == 422, response.text
    assert audit_rows(app) == before


def test_the_log_is_paged_and_filtered(client: TestClient, keys: Any, other: dict[str, Any]) -> None:
    admin = keys.headers("admin")
    for _ in range(3):
        client.get(f"{ALLIANCES}/{other['id']}/export", headers=admin, params={"format": "json"})
    everything = client.get(AUDIT, headers=admin).json()
    assert everything["total"] == 5  # two creations (fixtures), three exports
    mine = client.get(AUDIT, headers=admin, params={"alliance": other["id"], "per_page": 2, "page": 2}).json()
    assert (mine["total"], mine["page"], mine["per_page"]) == (4, 2, 2)
    assert [e["action"] for e in mine["entries"]] == ["export", "create"]
    assert client.get(AUDIT, headers=admin, params={"per_page": 0}).status_code == 422


def test_key_management_is_recorded(client: TestClient, keys: Any) -> None:
    admin = keys.headers("admin")
    made = client.post("/api/v1/keys", headers=admin, json={"role": "coordinator", "alliances": [keys.other]})
    key_id = made.json()["id"]
    client.put(f"/api/v1/keys/{key_id}/alliances/{keys.own}", headers=admin)
    client.post(f"/api/v1/keys/{key_id}/revoke", headers=admin)
    log = entries(client, admin)
    assert [(e["action"], e["alliance_id"], e["detail"].get("target_key")) for e in log[:3]] == [
        ("key-revoke", None, key_id), ("key-grant", keys.own, key_id), ("key-create", None, key_id)]

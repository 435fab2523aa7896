"""API keys: admins make them; they are shown once, stored as a hash, and checked on every request."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.models import ApiKey, KeyGrant
from api.security import KEY_CACHE_SECONDS, LAST_USED_SECONDS, KeyCache, create_key, find_key

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


@pytest.mark.parametrize("role", ["admin", "researcher", "funder"])
def test_only_coordinator_keys_are_made_for_alliances(client: TestClient, admin: dict[str, str], keys: Any,
                                                      role: str) -> None:
    """Failed before: a funder key made for one alliance was stored with it, listed with it, and
    saw every alliance all the same."""
    before = client.get(KEYS, headers=admin).json()
    response = client.post(KEYS, headers=admin, json={"role": role, "alliances": [keys.own]})
    assert response.status_code == 422, response.text
    assert "nur Koordinationsschlüssel" in response.json()["detail"]
    assert client.get(KEYS, headers=admin).json() == before


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


# -- managing keys: list, revoke, expire, grant ------------------------------------------------


class Clock:
    """A monotonic clock the test moves on by hand (for a worker's key cache)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key_id(client: TestClient, admin: dict[str, str], key: str) -> int:
    listed = client.get(KEYS, headers=admin).json()
    return next(k["id"] for k in listed if k["prefix"] == key.split("_")[1])


def test_admin_lists_keys_without_secrets(client: TestClient, keys: Any, app: FastAPI) -> None:
    response = client.get(KEYS, headers=keys.headers("admin"))
    assert response.status_code == 200, response.text
    listed = response.json()
    assert [k["role"] for k in listed] == ["admin", "coordinator", "researcher", "funder"]
    coordinator = listed[1]
    assert coordinator["prefix"] == keys.coordinator.split("_")[1]
    assert coordinator["alliances"] == [keys.own]
    assert coordinator["status"] == "active" and coordinator["label"] == "test coordinator"
    assert coordinator["created"] is not None and coordinator["expires"] is coordinator["revoked"] is None
    with app.state.database.sessions() as session:
        digests = list(session.scalars(select(ApiKey.digest)))
    for secret in [keys.admin, keys.coordinator, keys.researcher, keys.funder, *digests]:
        assert secret not in response.text
        assert secret.split("_", 2)[-1] not in response.text


def test_a_revoked_key_is_refused_by_every_worker_within_a_second(
        client: TestClient, keys: Any, make_app: Callable[..., FastAPI]) -> None:
    """Worker 2 knows the key (cached); worker 1 revokes it; worker 2 refuses it once its cache
    entry is KEY_CACHE_SECONDS old (< 1 s), on the ordinary routes and on the report's fast path."""
    assert 0 < KEY_CACHE_SECONDS < 1
    clock = Clock()
    headers = keys.headers("researcher")
    report = f"{ALLIANCES}/{keys.own}/report"
    with TestClient(make_app()) as worker:
        worker.app.state.key_cache = KeyCache(clock=clock)  # type: ignore[attr-defined]
        assert worker.get(ALLIANCES, headers=headers).status_code == 200
        assert worker.get(report, headers=headers).status_code == 200
        target = key_id(client, keys.headers("admin"), keys.researcher)
        revoked = client.post(f"{KEYS}/{target}/revoke", headers=keys.headers("admin"))
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["status"] == "revoked" and revoked.json()["revoked"] is not None
        assert client.get(ALLIANCES, headers=headers).status_code == 401  # the revoking worker: at once
        clock.now += KEY_CACHE_SECONDS
        for url in (ALLIANCES, report):
            refused = worker.get(url, headers=headers)
            assert refused.status_code == 401, url
            assert refused.headers["content-type"] == "application/problem+json"
            assert "widerrufen" in refused.json()["detail"]  # German: no Accept-Language
    listed = client.get(KEYS, headers=keys.headers("admin")).json()
    assert next(k for k in listed if k["id"] == target)["status"] == "revoked"


def test_an_expired_key_is_refused(client: TestClient, keys: Any, make_app: Callable[..., FastAPI]) -> None:
    clock = Clock()
    admin, headers = keys.headers("admin"), keys.headers("funder")
    target = key_id(client, admin, keys.funder)
    with TestClient(make_app()) as worker:
        worker.app.state.key_cache = KeyCache(clock=clock)  # type: ignore[attr-defined]
        assert worker.get(f"{ALLIANCES}/{keys.own}/report", headers=headers).status_code == 200
        later = client.patch(f"{KEYS}/{target}", headers=admin, json={"expires": "2999-01-01T00:00:00+01:00"})
        assert later.status_code == 200, later.text
        assert later.json()["expires"].startswith("2998-12-31T23:00:00")
        assert later.json()["status"] == "active"
        past = client.patch(f"{KEYS}/{target}", headers=admin, json={"expires": "2020-01-01T00:00:00Z"})
        assert past.json()["status"] == "expired"
        assert client.get(ALLIANCES, headers=headers).status_code == 401
        clock.now += KEY_CACHE_SECONDS
        refused = worker.get(f"{ALLIANCES}/{keys.own}/report", headers=headers)
        assert refused.status_code == 401 and "abgelaufen" in refused.json()["detail"]
        never = client.patch(f"{KEYS}/{target}", headers=admin, json={"expires": None})
        assert never.json()["status"] == "active"
        assert client.get(ALLIANCES, headers=headers).status_code == 200


def test_a_key_made_to_expire(client: TestClient, admin: dict[str, str]) -> None:
    made = client.post(KEYS, headers=admin, json={"role": "funder", "expires": "2020-05-01"})
    assert made.status_code == 201, made.text
    assert made.json()["expires"].startswith("2020-05-01T00:00:00")
    refused = client.get(ALLIANCES, headers={"Authorization": f"Bearer {made.json()['key']}"})
    assert refused.status_code == 401 and "abgelaufen" in refused.json()["detail"]


def test_grant_and_withdraw_alliances(client: TestClient, keys: Any,
                                      make_app: Callable[..., FastAPI]) -> None:
    admin, headers = keys.headers("admin"), keys.headers("coordinator")
    target = key_id(client, admin, keys.coordinator)
    other = f"{ALLIANCES}/{keys.other}"
    with TestClient(make_app()) as worker:
        assert worker.get(other, headers=headers).status_code == 403
        given = client.put(f"{KEYS}/{target}/alliances/{keys.other}", headers=admin)
        assert given.status_code == 200, given.text
        assert given.json()["alliances"] == sorted([keys.own, keys.other])
        again = client.put(f"{KEYS}/{target}/alliances/{keys.other}", headers=admin)
        assert again.status_code == 200 and again.json()["alliances"] == given.json()["alliances"]
        # grants are read per request: another worker's cached key sees them at once
        assert worker.get(other, headers=headers).status_code == 200
        assert worker.get(f"{other}/report", headers=headers).status_code == 200
        taken = client.delete(f"{KEYS}/{target}/alliances/{keys.own}", headers=admin)
        assert taken.status_code == 200 and taken.json()["alliances"] == [keys.other]
        assert worker.get(f"{ALLIANCES}/{keys.own}", headers=headers).status_code == 403
        assert worker.get(f"{ALLIANCES}/{keys.own}/report", headers=headers).status_code == 403
        assert [a["id"] for a in worker.get(ALLIANCES, headers=headers).json()] == [keys.other]


@pytest.mark.parametrize(("method", "path", "status"), [
    ("PUT", "/{researcher}/alliances/{own}", 422),  # only coordinator keys are given alliances
    ("PUT", "/{coordinator}/alliances/999999", 404),
    ("PUT", "/999999/alliances/{own}", 404),
    ("DELETE", "/{coordinator}/alliances/{other}", 422),  # not given
    ("POST", "/999999/revoke", 404),
    ("POST", "/{admin}/revoke", 422),  # the last usable admin key
    ("PATCH", "/{funder}", 422),  # no body
])
def test_bad_key_management(client: TestClient, keys: Any, method: str, path: str, status: int,
                            row_counts: Callable[[], dict[str, int]]) -> None:
    admin = keys.headers("admin")
    ids = {role: key_id(client, admin, getattr(keys, role)) for role in ("admin", "coordinator", "researcher",
                                                                          "funder")}
    before = (row_counts(), client.get(KEYS, headers=admin).json())
    url = KEYS + path.format(**ids, own=keys.own, other=keys.other)
    response = client.request(method, url, headers=admin, json={} if method == "PATCH" else None)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert (row_counts(), client.get(KEYS, headers=admin).json()) == before


def test_an_admin_key_is_revoked_when_another_is_usable(client: TestClient, keys: Any,
                                                        new_key: Callable[..., str]) -> None:
    second = new_key("admin")
    target = key_id(client, keys.headers("admin"), second)
    assert client.post(f"{KEYS}/{target}/revoke", headers=keys.headers("admin")).status_code == 200
    assert client.get(ALLIANCES, headers={"Authorization": f"Bearer {second}"}).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(client: TestClient, keys: Any, app: FastAPI) -> None:
    admin = keys.headers("admin")
    prefix = keys.funder.split("_")[1]

    def last_used() -> Any:
        with app.state.database.sessions() as session:
            return session.scalar(select(ApiKey.last_used_at).where(ApiKey.prefix == prefix))

    def use(moment: Any) -> None:
        with app.state.database.sessions() as session:
            session.execute(update(ApiKey).where(ApiKey.prefix == prefix).values(last_used_at=moment))
            session.commit()
        app.state.key_cache.clear()  # as if its cache entry had run out
        assert client.get(ALLIANCES, headers=keys.headers("funder")).status_code == 200

    assert last_used() is None
    assert client.get(ALLIANCES, headers=keys.headers("funder")).status_code == 200
    assert last_used() is not None
    listed = next(k for k in client.get(KEYS, headers=admin).json() if k["prefix"] == prefix)
    assert listed["last_used"] is not None
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=LAST_USED_SECONDS / 2)
    use(recent)
    assert last_used().replace(tzinfo=dt.UTC) == recent  # not written again within the minute
    old = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=LAST_USED_SECONDS + 1)
    use(old)
    assert last_used().replace(tzinfo=dt.UTC) > recent


@pytest.mark.parametrize("role", ["admin", "coordinator", "researcher", "funder"])
def test_every_key_can_ask_about_itself(client: TestClient, keys: Any, role: str) -> None:
    response = client.get("/api/v1/keys/current", headers=keys.headers(role))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["role"] == role and body["status"] == "active"
    assert getattr(keys, role).startswith(f"netz_{body['prefix']}_") and "key" not in body
    assert body["alliances"] == ([keys.own] if role == "coordinator" else [])


@pytest.mark.parametrize("digits", ["id", "beyond"])
def test_a_whole_key_is_found_by_its_prefix_even_when_the_prefix_is_digits(
        app: FastAPI, keys: Any, digits: str) -> None:
    """A prefix of digits (one in 280 of the random ones) is no id: ``0…0<id>`` must not find the key
    with that id, and one beyond an id column must not reach the database as an id (500 on PostgreSQL)."""
    with app.state.database.sessions() as session:
        other = find_key(session, keys.funder)
        prefix = f"{other.id:012d}" if digits == "id" else "999999999999"
        made = find_key(session, create_key(session, "funder"))
        made.prefix = prefix
        session.commit()
        assert find_key(session, f"netz_{prefix}_secret").id == made.id
        assert find_key(session, other.id).id == other.id

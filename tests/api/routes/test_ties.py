"""Ties: listed by position; added, changed and removed with If-Match, validated like an import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

ALLIANCES = "/api/v1/alliances"


def ties_url(alliance: dict[str, Any]) -> str:
    return f"{ALLIANCES}/{alliance['id']}/ties"


def test_list(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.get(ties_url(demo), headers=admin)
    assert response.status_code == 200
    assert response.headers["ETag"] == demo["etag"]
    ties = response.json()
    assert len(ties) == 34
    assert [t["position"] for t in ties] == list(range(1, 35))
    assert ties[0] == {"position": 1, "source": "hk", "target": "fk", "weight": 3.0, "kind": "Information",
                       "wave": None}
    assert ties[1]["weight"] == 2.5  # "2,5" in the German file


def test_list_unweighted(client: TestClient, admin: dict[str, str], other: dict[str, Any]) -> None:
    ties = client.get(ties_url(other), headers=admin).json()
    assert [(t["source"], t["target"], t["weight"]) for t in ties] == [("a", "b", 1.0), ("b", "c", 1.0),
                                                                       ("c", "d", 1.0)]


def test_create(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    tie = {"source": "ref", "target": "stadt", "weight": 2, "kind": "Beratung", "wave": "2025",
           "attributes": {"trust": 5}}
    assert client.post(ties_url(demo), headers=admin, json=tie).status_code == 428
    assert client.post(ties_url(demo), headers={**admin, "If-Match": '"1-2"'}, json=tie).status_code == 412
    response = client.post(ties_url(demo), headers={**admin, "If-Match": demo["etag"]}, json=tie)
    assert response.status_code == 201, response.text
    assert response.json() == {"position": 35, "revision": 2}
    assert response.headers["ETag"] == f'"{demo["id"]}-2"'
    last = client.get(ties_url(demo), headers=admin).json()[-1]
    assert last == {"position": 35, "source": "ref", "target": "stadt", "weight": 2.0, "kind": "Beratung",
                    "wave": "2025", "trust": 5}
    # the refugee council is no longer isolated
    actors = client.get(f"{ALLIANCES}/{demo['id']}/actors", headers=admin, params={"type": "refugee"}).json()
    assert next(a for a in actors["actors"] if a["id"] == "ref")["degree"] == 1


def test_a_weight_makes_the_alliance_weighted(client: TestClient, admin: dict[str, str],
                                              other: dict[str, Any]) -> None:
    assert other["weighted"] is False
    unweighted = client.post(ties_url(other), headers={**admin, "If-Match": other["etag"]},
                             json={"source": "a", "target": "d"})
    assert unweighted.status_code == 201
    assert client.get(f"{ALLIANCES}/{other['id']}", headers=admin).json()["weighted"] is False
    weighted = client.post(ties_url(other), headers={**admin, "If-Match": unweighted.headers["ETag"]},
                           json={"source": "a", "target": "c", "weight": 4})
    assert weighted.status_code == 201
    stored = client.get(f"{ALLIANCES}/{other['id']}", headers=admin).json()
    assert (stored["weighted"], stored["n_ties"], stored["revision"]) == (True, 5, 3)
    assert [t["weight"] for t in client.get(ties_url(other), headers=admin).json()] == [1, 1, 1, 1, 4]


@pytest.mark.parametrize(("tie", "column"), [
    ({"source": "ref", "target": "nobody"}, "target"),
    ({"source": "nobody", "target": "ref"}, "source"),
])
def test_create_with_an_unknown_actor(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                      row_counts: Callable[[], dict[str, int]],
                                      tie: dict[str, Any], column: str) -> None:
    before = row_counts()
    response = client.post(ties_url(demo), headers={**admin, "If-Match": demo["etag"]}, json=tie)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()["problems"][0]
    assert (problem["file"], problem["row"], problem["column"]) == ("ties", 35, column)
    assert "nobody" in problem["message"]
    assert row_counts() == before
    assert client.get(f"{ALLIANCES}/{demo['id']}", headers=admin).headers["ETag"] == demo["etag"]


@pytest.mark.parametrize("tie", [
    {"source": "ref", "target": "stadt", "weight": 0},
    {"source": "ref", "target": "stadt", "weight": -1},
    {"source": "", "target": "stadt"},
    {"source": "ref"},
    {"source": "ref", "target": "stadt", "colour": "red"},
])
def test_create_with_an_invalid_body(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                     row_counts: Callable[[], dict[str, int]], tie: dict[str, Any]) -> None:
    before = row_counts()
    response = client.post(ties_url(demo), headers={**admin, "If-Match": demo["etag"]}, json=tie)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]
    assert row_counts() == before


def test_update(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    url = f"{ties_url(demo)}/2"
    change = {"weight": 4, "kind": "Ressourcen", "wave": "2024", "attributes": {"note": "neu"}}
    assert client.patch(url, headers=admin, json=change).status_code == 428
    response = client.patch(url, headers={**admin, "If-Match": demo["etag"]}, json=change)
    assert response.status_code == 200, response.text
    assert response.json() == {"position": 2, "revision": 2}
    assert response.headers["ETag"] == f'"{demo["id"]}-2"'
    ties = client.get(ties_url(demo), headers=admin).json()
    assert ties[1] == {"position": 2, "source": "hk", "target": "pat", "weight": 4.0, "kind": "Ressourcen",
                       "wave": "2024", "note": "neu"}
    assert ties[0]["note"] is None and ties[0]["weight"] == 3.0
    stale = client.patch(url, headers={**admin, "If-Match": demo["etag"]}, json={"weight": 1})
    assert stale.status_code == 412


def test_delete(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    url = f"{ties_url(demo)}/1"
    assert client.delete(url, headers=admin).status_code == 428
    response = client.delete(url, headers={**admin, "If-Match": demo["etag"]})
    assert response.status_code == 200, response.text
    assert response.json() == {"position": 1, "revision": 2}
    ties = client.get(ties_url(demo), headers=admin).json()
    assert len(ties) == 33
    assert (ties[0]["position"], ties[0]["source"], ties[0]["target"]) == (1, "hk", "pat")  # renumbered
    assert client.get(f"{ALLIANCES}/{demo['id']}", headers=admin).json()["n_ties"] == 33


@pytest.mark.parametrize("position", [0, 35, 1000])
def test_no_such_position(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                          position: int) -> None:
    headers = {**admin, "If-Match": demo["etag"]}
    patched = client.patch(f"{ties_url(demo)}/{position}", headers=headers, json={"weight": 2})
    assert patched.status_code == 404
    deleted = client.delete(f"{ties_url(demo)}/{position}", headers=headers)
    assert deleted.status_code == 404
    assert "34 Kooperationen" in deleted.json()["detail"]


def test_unknown_alliance(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get(f"{ALLIANCES}/999999/ties", headers=admin).status_code == 404
    response = client.post(f"{ALLIANCES}/999999/ties", headers={**admin, "If-Match": "*"},
                           json={"source": "a", "target": "b"})
    assert response.status_code == 404

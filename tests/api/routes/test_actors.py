"""Actors: metrics sorted, filtered, paginated and as CSV; adding, changing and removing actors."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

ALLIANCES = "/api/v1/alliances"


def actors_url(alliance: dict[str, Any]) -> str:
    return f"{ALLIANCES}/{alliance['id']}/actors"


def report_actors(client: TestClient, headers: dict[str, str], alliance: dict[str, Any]) -> Any:
    return client.get(f"{ALLIANCES}/{alliance['id']}/report", headers=headers).json()["actors"]


# -- reading --------------------------------------------------------------------------------------


def test_default_order_is_the_report(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.get(actors_url(demo), headers=admin, params={"per_page": 100})
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "25"
    assert response.headers["ETag"] == demo["etag"]
    body = response.json()
    assert (body["total"], body["page"], body["per_page"]) == (25, 1, 100)
    expected = sorted(report_actors(client, admin, demo), key=lambda a: a["id"])
    assert [a["id"] for a in body["actors"]] == [a["id"] for a in expected]
    hk = next(a for a in body["actors"] if a["id"] == "hk")
    want = next(a for a in expected if a["id"] == "hk")
    assert hk["betweenness"] == want["betweenness"]
    assert hk["brokerage"]["total"] == want["brokerage"]["total"]  # nested, as in the report
    assert (hk["name"], hk["type"], hk["Ehrenamtliche"]) == ("Helferkreis Asyl Musterstadt", "initiative", 45)


@pytest.mark.parametrize("order", ["desc", "asc"])
@pytest.mark.parametrize(("sort", "metric"), [
    ("betweenness", lambda a: a["betweenness"]),
    ("brokerage.total", lambda a: a["brokerage"]["total"]),
    ("degree", lambda a: a["degree"]),
])
def test_sort_by_a_metric(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                          sort: str, metric: Callable[[dict[str, Any]], float], order: str) -> None:
    response = client.get(actors_url(demo), headers=admin, params={"sort": sort, "order": order,
                                                                   "per_page": 100})
    assert response.status_code == 200, response.text
    got = [a["id"] for a in response.json()["actors"]]
    in_report = report_actors(client, admin, demo)
    value = {a["id"]: metric(a) for a in in_report}
    # sorted by the metric; equal values keep the report's order, in either direction
    assert got == sorted(value, key=value.__getitem__, reverse=order == "desc")
    assert [value[i] for i in got] == sorted(value.values(), reverse=order == "desc")


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_undefined_values_come_last(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                    order: str) -> None:
    # the mosque, the refugee council and the police have no partner: their constraint is undefined;
    # equal values keep the report's order, which is by actor id
    got = client.get(actors_url(demo), headers=admin,
                     params={"sort": "constraint", "order": order, "per_page": 100}).json()["actors"]
    assert [(a["id"], a["constraint"]) for a in got[-3:]] == [("mosch", None), ("pol", None), ("ref", None)]
    defined = [a["constraint"] for a in got[:-3]]
    assert None not in defined
    assert defined == sorted(defined, reverse=order == "desc")


def test_filter_by_type(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.get(actors_url(demo), headers=admin, params={"type": "church"})
    assert response.headers["X-Total-Count"] == "3"
    assert [a["id"] for a in response.json()["actors"]] == ["ev", "kath", "mosch"]
    nobody = client.get(actors_url(demo), headers=admin, params={"type": "other"})
    assert nobody.status_code == 200
    assert (nobody.headers["X-Total-Count"], nobody.json()["actors"]) == ("0", [])


@pytest.mark.parametrize("name", ["Kirche", "kirche", "Kirchengemeinde", "CHURCH", "Religionsgemeinschaft"])
def test_filter_by_type_takes_what_import_takes(client: TestClient, admin: dict[str, str],
                                                demo: dict[str, Any], name: str) -> None:
    """``?type=Kirche`` found nobody: the filter compared with the canonical type as stored."""
    response = client.get(actors_url(demo), headers=admin, params={"type": name})
    assert response.status_code == 200, response.text
    assert [a["id"] for a in response.json()["actors"]] == ["ev", "kath", "mosch"]


def test_filter_by_unknown_type(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.get(actors_url(demo), headers=admin, params={"type": "Kirch"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert "Unbekannter Typ „Kirch“" in detail
    assert all(name in detail for name in ("initiative", "church", "welfare", "other"))
    english = client.get(actors_url(demo), headers={**admin, "Accept-Language": "en"},
                         params={"type": "Kirch"})
    assert "unknown actor type 'Kirch'" in english.json()["detail"]


def test_pagination(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    pages = []
    for page in (1, 2, 3, 4):
        response = client.get(actors_url(demo), headers=admin,
                              params={"sort": "degree", "order": "desc", "per_page": 10, "page": page})
        assert response.status_code == 200
        assert response.headers["X-Total-Count"] == "25"
        pages.append([a["id"] for a in response.json()["actors"]])
    assert [len(p) for p in pages] == [10, 10, 5, 0]
    whole = client.get(actors_url(demo), headers=admin,
                       params={"sort": "degree", "order": "desc", "per_page": 25}).json()["actors"]
    assert [i for page in pages for i in page] == [a["id"] for a in whole]
    for bad in ({"page": 0}, {"per_page": 0}, {"per_page": 1001}, {"order": "sideways"}):
        assert client.get(actors_url(demo), headers=admin, params=bad).status_code == 422


def test_csv(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.get(actors_url(demo), headers=admin,
                          params={"format": "csv", "sort": "betweenness", "order": "desc", "per_page": 5})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["X-Total-Count"] == "25"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 5
    assert (rows[0]["id"], rows[0]["name"]) == ("stadt", "Stadt Musterstadt – Integrationsbeauftragte")
    assert {"betweenness", "constraint", "brokerage.total"} <= rows[0].keys()
    assert [float(r["betweenness"]) for r in rows] == sorted((float(r["betweenness"]) for r in rows),
                                                             reverse=True)


def test_sort_by_unknown_column(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.get(actors_url(demo), headers=admin, params={"sort": "charisma"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "betweenness" in response.json()["detail"]


def test_unknown_alliance(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get(f"{ALLIANCES}/999999/actors", headers=admin).status_code == 404


# -- writing --------------------------------------------------------------------------------------

NEW_ACTOR = {"id": "neu", "name": "Neue Initiative", "type": "Helferkreis",
             "attributes": {"Ehrenamtliche": 5}}


def test_create_needs_the_current_etag(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                       row_counts: Callable[[], dict[str, int]]) -> None:
    before = row_counts()
    missing = client.post(actors_url(demo), headers=admin, json=NEW_ACTOR)
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"
    stale = client.post(actors_url(demo), headers={**admin, "If-Match": f'"{demo["id"]}-0"'}, json=NEW_ACTOR)
    assert stale.status_code == 412
    assert row_counts() == before


def test_create(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.post(actors_url(demo), headers={**admin, "If-Match": demo["etag"]}, json=NEW_ACTOR)
    assert response.status_code == 201, response.text
    assert response.json() == {"id": "neu", "revision": 2}
    assert response.headers["ETag"] == f'"{demo["id"]}-2"'
    listed = client.get(actors_url(demo), headers=admin, params={"type": "initiative"})
    assert listed.headers["ETag"] == f'"{demo["id"]}-2"'
    new = next(a for a in listed.json()["actors"] if a["id"] == "neu")
    assert (new["name"], new["Ehrenamtliche"], new["degree"]) == ("Neue Initiative", 5, 0)
    assert client.get(f"{ALLIANCES}/{demo['id']}", headers=admin).json()["n_actors"] == 26
    # the same ETag again is stale now
    again = client.post(actors_url(demo), headers={**admin, "If-Match": demo["etag"]},
                        json={**NEW_ACTOR, "id": "neu2"})
    assert again.status_code == 412


@pytest.mark.parametrize(("body", "column"), [
    ({**NEW_ACTOR, "id": "hk"}, "id"),           # exists already
    ({**NEW_ACTOR, "type": "Raumschiff"}, "type"),
])
def test_create_invalid(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                        row_counts: Callable[[], dict[str, int]], body: dict[str, Any], column: str) -> None:
    before = row_counts()
    response = client.post(actors_url(demo), headers={**admin, "If-Match": demo["etag"]}, json=body)
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert (problem["file"], problem["row"], problem["column"]) == ("actors", 26, column)
    assert row_counts() == before
    assert client.get(f"{ALLIANCES}/{demo['id']}", headers=admin).headers["ETag"] == demo["etag"]


def test_update(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    url = f"{actors_url(demo)}/hk"
    change = {"name": "Helferkreis Asyl e. V.", "type": "Verein", "attributes": {"Ehrenamtliche": 50,
                                                                                "Website": "hk.example"}}
    assert client.patch(url, headers=admin, json=change).status_code == 428
    response = client.patch(url, headers={**admin, "If-Match": demo["etag"]}, json=change)
    assert response.status_code == 200, response.text
    assert response.json() == {"id": "hk", "revision": 2}
    assert response.headers["ETag"] == f'"{demo["id"]}-2"'
    hk = next(a for a in report_actors(client, admin, demo) if a["id"] == "hk")
    assert (hk["name"], hk["type"], hk["Ehrenamtliche"], hk["Website"]) == (
        "Helferkreis Asyl e. V.", "association", 50, "hk.example")
    assert hk["degree"] == 9


@pytest.mark.parametrize(("body", "status"), [
    ({"type": "Raumschiff"}, 422),
    ({"attributes": {"id": "x"}}, 422),
    ({"colour": "blue"}, 422),
])
def test_update_invalid(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                        body: dict[str, Any], status: int) -> None:
    response = client.patch(f"{actors_url(demo)}/hk", headers={**admin, "If-Match": demo["etag"]}, json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"{ALLIANCES}/{demo['id']}", headers=admin).json()["revision"] == 1


@pytest.mark.parametrize("name", ["degree", "brokerage.total", "brokerage", "community"])
def test_an_attribute_named_like_a_metric_is_refused(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any],
        row_counts: Callable[[], dict[str, int]], name: str) -> None:
    """It would hide the metric in the report, the actor list and an export with metrics."""
    before = row_counts()
    headers = {**admin, "If-Match": demo["etag"], "Accept-Language": "de"}
    for response in (client.patch(f"{actors_url(demo)}/hk", headers=headers, json={"attributes": {name: 5}}),
                     client.post(actors_url(demo), headers=headers,
                                 json={**NEW_ACTOR, "attributes": {name: 5}})):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        [problem] = response.json()["problems"]
        assert (problem["file"], problem["column"], problem["code"]) == (
            "actors", name, "input.metric_column_refused")
        assert problem["message"].startswith("Der Name einer Kennzahl, die netz selbst berechnet")
    assert row_counts() == before
    hk = next(a for a in report_actors(client, admin, demo) if a["id"] == "hk")
    assert hk["degree"] == 9 and isinstance(hk["brokerage"], dict)


def test_update_unknown_actor(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.patch(f"{actors_url(demo)}/nobody", headers={**admin, "If-Match": demo["etag"]},
                            json={"name": "x"})
    assert response.status_code == 404


def test_delete_takes_its_ties(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                               row_counts: Callable[[], dict[str, int]]) -> None:
    url = f"{actors_url(demo)}/hk"
    assert client.delete(url, headers=admin).status_code == 428
    assert client.delete(url, headers={**admin, "If-Match": '"0-1"'}).status_code == 412
    response = client.delete(url, headers={**admin, "If-Match": demo["etag"]})
    assert response.status_code == 200, response.text
    assert response.json() == {"id": "hk", "ties_removed": 9, "revision": 2}
    assert response.headers["ETag"] == f'"{demo["id"]}-2"'
    assert row_counts()["actors"] == 24 and row_counts()["ties"] == 25
    ties = client.get(f"{ALLIANCES}/{demo['id']}/ties", headers=admin).json()
    assert all("hk" not in (t["source"], t["target"]) for t in ties)
    again = client.delete(url, headers={**admin, "If-Match": response.headers["ETag"]})
    assert again.status_code == 404

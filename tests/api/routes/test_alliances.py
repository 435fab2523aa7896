"""Alliances: import in every format, create from JSON, list with filters, change metadata, delete."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import AllianceRow, Base
from netz.analysis.report import report
from netz.core import io
from tests.factories import make_alliance

ROOT = Path(__file__).parents[3]
DEMO = ROOT / "datasets" / "demo-buendnis"
ALLIANCES = "/api/v1/alliances"
FORMATS = ["xlsx", "zip", "graphml", "gexf", "json"]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_same(got: Any, want: Any, where: str = "report") -> None:
    """Equal JSON data, floats to 1e-9 (eigenvector centrality is iterative: its last digits vary)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), where
        for key in want:
            assert_same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and isinstance(got, int | float):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), f"{where}: {got} != {want}"
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


def demo_workbook(path: Path) -> Path:
    """The demo alliance typed into a workbook by hand (openpyxl), with German sheet names."""
    demo = io.read(DEMO)
    book = openpyxl.Workbook()
    actors = book.active
    actors.title = "Akteure"
    columns = list(demo.actors.columns)
    actors.append(columns)
    for record in demo.actors.to_dict("records"):
        actors.append([record[c] for c in columns])
    ties = book.create_sheet("Kooperationen")
    ties.append(["source", "target", "weight", "kind"])
    for record in demo.ties.to_dict("records"):
        ties.append([record["source"], record["target"], record["weight"], record["kind"]])
    meta = book.create_sheet("alliance")
    for key, value in demo.meta.items():
        meta.append([key, value])
    book.save(path)
    return path


def upload(fmt: str, folder: Path, demo_zip: bytes) -> Path:
    """The demo alliance as a file in one of the formats the import takes."""
    if fmt == "xlsx":
        return demo_workbook(folder / "demo.xlsx")
    if fmt == "zip":
        path = folder / "demo-buendnis.zip"
        path.write_bytes(demo_zip)
        return path
    return io.write(io.read(DEMO), folder / f"demo.{fmt}")


def import_file(client: TestClient, headers: dict[str, str], path: Path, **params: Any) -> Any:
    return client.post(f"{ALLIANCES}/import", headers=headers, params=params,
                       files={"file": (path.name, path.read_bytes(), "application/octet-stream")})


# -- import ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_each_format(client: TestClient, admin: dict[str, str], demo_zip: bytes, tmp_path: Path,
                            fmt: str) -> None:
    path = upload(fmt, tmp_path, demo_zip)
    response = import_file(client, admin, path)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"{ALLIANCES}/{created['id']}"
    assert response.headers["ETag"] == f'"{created["id"]}-1"'
    assert created["name"] == "Bündnis Willkommen in Musterstadt (synthetisch)"
    assert (created["n_actors"], created["n_ties"], created["revision"]) == (25, 34, 1)
    assert (created["land"], created["funding"], created["directed"]) == ("Hessen", 15000.0, False)

    located = client.get(response.headers["Location"], headers=admin)
    assert located.status_code == 200
    assert created.pop("warnings") == []  # said by the import only
    assert located.json() == created
    assert located.headers["ETag"] == response.headers["ETag"]

    served = client.get(f"{response.headers['Location']}/report", headers=admin)
    assert served.status_code == 200
    body = served.json()
    assert body["alliance"].pop("id") == created["id"]
    assert body["alliance"].pop("revision") == 1
    assert_same(body, json.loads(json.dumps(report(io.read(path)))))


def test_import_without_a_name_is_named_after_the_file(client: TestClient, admin: dict[str, str],
                                                       tmp_path: Path) -> None:
    path = io.write(make_alliance(["church", "refugee", "municipality"], [("a", "b"), ("b", "c")]),
                    tmp_path / "Bündnis Nord.graphml")
    response = import_file(client, admin, path)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Bündnis Nord"


def test_import_directed_override(client: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    path = io.write(make_alliance(["church", "refugee"], [("a", "b")]), tmp_path / "klein.json")
    assert import_file(client, admin, path).json()["directed"] is False
    assert import_file(client, admin, path, directed="true", duplicate_name="true").json()["directed"] is True


@pytest.mark.parametrize("lenient", ["false", "true"])
def test_import_of_survey_data_as_undirected_adds_both_directions(
    client: TestClient, admin: dict[str, str], tmp_path: Path, lenient: str
) -> None:
    """A→B and B→A imported with directed=false: one tie with both weights, as the library and CLI."""
    survey = make_alliance(["church", "refugee", "municipality"],
                           [("a", "b", 2.0), ("b", "a", 0.5), ("b", "c", 1.0)], directed=True)
    path = io.write(survey, tmp_path / "umfrage.json")
    created = import_file(client, admin, path, directed="false", lenient=lenient).json()
    assert (created["directed"], created["n_ties"]) == (False, 2)
    ties = client.get(f"{ALLIANCES}/{created['id']}/ties", headers=admin).json()
    assert [(t["source"], t["target"], t["weight"]) for t in ties] == [("a", "b", 2.5), ("b", "c", 1.0)]


def test_coordinator_is_given_what_it_imports(client: TestClient, keys: Any, new_key: Callable[..., str],
                                              tmp_path: Path) -> None:
    coordinator = bearer(new_key("coordinator"))
    path = io.write(make_alliance(["church", "refugee"], [("a", "b")]), tmp_path / "eigen.gexf")
    created = import_file(client, coordinator, path).json()
    assert client.get(f"{ALLIANCES}/{created['id']}", headers=coordinator).status_code == 200
    assert client.get(f"{ALLIANCES}/{keys.own}", headers=coordinator).status_code == 403
    assert [a["id"] for a in client.get(ALLIANCES, headers=coordinator).json()] == [created["id"]]


# -- create from JSON -----------------------------------------------------------------------------

NEW = {
    "name": "Bündnis Süd",
    "directed": True,
    "meta": {"region": "Südstadt", "land": "Sachsen", "programme": "Programm X", "funding": 50000,
             "founded": 2016, "contact": "Rathaus"},
    "actors": [
        {"id": "k", "name": "Kirche", "type": "Kirchengemeinde", "attributes": {"Ehrenamtliche": 12}},
        {"id": "m", "name": "MSO", "type": "Migrantenselbstorganisation"},
        {"id": "s", "name": "Stadt", "type": "Kommune"},
    ],
    "ties": [
        {"source": "k", "target": "m", "weight": 2.5, "kind": "Ressourcen", "wave": "2024"},
        {"source": "m", "target": "s", "weight": 1, "attributes": {"trust": 4}},
    ],
}


def test_create_from_json(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(ALLIANCES, headers=admin, json=NEW)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"{ALLIANCES}/{created['id']}"
    assert response.headers["ETag"] == f'"{created["id"]}-1"'
    assert {k: created[k] for k in ("name", "region", "land", "programme", "funding", "founded")} == {
        "name": "Bündnis Süd", "region": "Südstadt", "land": "Sachsen", "programme": "Programm X",
        "funding": 50000.0, "founded": 2016}
    assert created["meta"] == {"contact": "Rathaus"}
    assert (created["directed"], created["weighted"], created["n_actors"], created["n_ties"]) == (
        True, True, 3, 2)

    ties = client.get(f"{ALLIANCES}/{created['id']}/ties", headers=admin).json()
    assert ties == [
        {"position": 1, "source": "k", "target": "m", "weight": 2.5, "kind": "Ressourcen", "wave": "2024",
         "trust": None},
        {"position": 2, "source": "m", "target": "s", "weight": 1.0, "kind": None, "wave": None, "trust": 4},
    ]
    actors = client.get(f"{ALLIANCES}/{created['id']}/actors", headers=admin).json()["actors"]
    assert [(a["id"], a["type"], a["Ehrenamtliche"]) for a in actors] == [
        ("k", "church", 12), ("m", "refugee", None), ("s", "municipality", None)]


def test_create_without_weights_is_unweighted(client: TestClient, admin: dict[str, str]) -> None:
    body = {**NEW, "ties": [{"source": "k", "target": "m"}]}
    created = client.post(ALLIANCES, headers=admin, json=body).json()
    assert (created["weighted"], created["n_ties"]) == (False, 1)


def test_create_empty_alliance(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(ALLIANCES, headers=admin, json={"name": "Noch leer"})
    assert response.status_code == 201, response.text
    assert (response.json()["n_actors"], response.json()["n_ties"]) == (0, 0)


@pytest.mark.parametrize(("change", "file", "column"), [
    ({"actors": [{"id": "k", "name": "Kirche", "type": "Raumschiff"}]}, "actors", "type"),
    ({"ties": [{"source": "k", "target": "nobody"}]}, "ties", "target"),
    # an attribute named like a metric would hide the metric in the report and the actor list
    ({"actors": [{"id": "k", "name": "Kirche", "type": "Kirche", "attributes": {"degree": 12}}]},
     "actors", "degree"),
    ({"actors": [{"id": "k", "name": "Kirche", "type": "Kirche", "attributes": {"brokerage": "hoch"}}]},
     "actors", "brokerage"),
])
def test_create_with_bad_content(client: TestClient, admin: dict[str, str],
                                 row_counts: Callable[[], dict[str, int]],
                                 change: dict[str, Any], file: str, column: str) -> None:
    before = row_counts()
    response = client.post(ALLIANCES, headers=admin, json={**NEW, **change})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problems = response.json()["problems"]
    assert {"file": file, "row": 1, "column": column}.items() <= problems[0].items()
    assert row_counts() == before


# -- list and filters -----------------------------------------------------------------------------


def test_list_filters(client: TestClient, keys: Any, admin: dict[str, str]) -> None:
    third = client.post(ALLIANCES, headers=admin, json={
        "name": "Bündnis Drei", "meta": {"land": "Hessen", "programme": "Anderes Programm"},
        "actors": [{"id": "x", "name": "X", "type": "Verein"}, {"id": "y", "name": "Y", "type": "Schule"}],
    }).json()["id"]
    own, other = keys.own, keys.other  # the demo (Hessen, 25 actors), the small one (Bayern, 4)

    def listed(**params: Any) -> list[int]:
        response = client.get(ALLIANCES, headers=admin, params=params)
        assert response.status_code == 200, response.text
        return [a["id"] for a in response.json()]

    assert listed() == [own, other, third]
    assert listed(land="Hessen") == [own, third]
    assert listed(land="Bayern") == [other]
    assert listed(land="Bremen") == []
    assert listed(land="hessen") == listed(land=" HESSEN ") == [own, third]  # as import compares names
    assert listed(programme="anderes programm") == [other, third]
    assert listed(programme="Anderes Programm") == [other, third]
    assert listed(min_actors=4) == [own, other]
    assert listed(max_actors=4) == [other, third]
    assert listed(min_actors=3, max_actors=4) == [other]
    assert listed(land="Hessen", programme="Anderes Programm", max_actors=2) == [third]
    assert client.get(ALLIANCES, headers=admin, params={"min_actors": -1}).status_code == 422

    for role in ("researcher", "funder"):
        assert [a["id"] for a in client.get(ALLIANCES, headers=keys.headers(role)).json()] == [
            own, other, third]
    assert [a["id"] for a in client.get(ALLIANCES, headers=keys.headers("coordinator")).json()] == [own]


# -- metadata -------------------------------------------------------------------------------------


def test_patch_metadata(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    url = f"{ALLIANCES}/{demo['id']}"
    change = {"name": "Bündnis Musterstadt", "meta": {"land": "Thüringen", "region": None, "funding": 20000,
                                                      "website": "https://example.org"}}
    missing = client.patch(url, headers=admin, json=change)
    assert missing.status_code == 428
    assert demo["etag"] in missing.json()["detail"]
    stale = client.patch(url, headers={**admin, "If-Match": f'"{demo["id"]}-7"'}, json=change)
    assert stale.status_code == 412

    response = client.patch(url, headers={**admin, "If-Match": demo["etag"]}, json=change)
    assert response.status_code == 200, response.text
    changed = response.json()
    assert response.headers["ETag"] == f'"{demo["id"]}-2"'
    assert (changed["name"], changed["land"], changed["region"], changed["funding"]) == (
        "Bündnis Musterstadt", "Thüringen", None, 20000.0)
    assert changed["meta"]["website"] == "https://example.org"
    assert (changed["revision"], changed["n_actors"], changed["n_ties"]) == (2, 25, 34)
    assert client.get(url, headers=admin).json() == changed
    report_alliance = client.get(f"{url}/report", headers=admin).json()["alliance"]
    assert (report_alliance["name"], report_alliance["land"], report_alliance["revision"]) == (
        "Bündnis Musterstadt", "Thüringen", 2)

    # the old ETag is stale now; a weak one and '*' are accepted
    assert client.patch(url, headers={**admin, "If-Match": demo["etag"]}, json=change).status_code == 412
    weak = client.patch(url, headers={**admin, "If-Match": f'W/"{demo["id"]}-2"'}, json={"name": "W"})
    assert weak.status_code == 200 and weak.json()["revision"] == 3
    star = client.patch(url, headers={**admin, "If-Match": "*"}, json={"name": "Stern"})
    assert star.status_code == 200 and star.json()["revision"] == 4


@pytest.mark.parametrize(("meta", "field", "german", "english"), [
    ({"land": "Atlantis"}, "land", "Bundesland: „Atlantis“ ist keines der 16 Länder",
     "Land: 'Atlantis' is none of the 16 German Länder"),
    ({"funding": "viel"}, "funding", "Fördersumme: „viel“ ist kein Betrag",
     "Funding: 'viel' is not an amount"),
    ({"funding": -5}, "funding", "Fördersumme: „-5“ ist kein Betrag", "Funding: '-5' is not an amount"),
    ({"founded": 20155}, "founded", "Gründungsjahr: „20155“ ist kein Jahr",
     "Year founded: '20155' is not a year"),
    ({"region": "x" * 301}, "region", "Ort oder Region: 301 Zeichen; höchstens 300",
     "Town or region: 301 characters; at most 300"),
])
def test_patch_metadata_refused_in_words_that_name_the_field(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any],
        meta: dict[str, Any], field: str, german: str, english: str) -> None:
    """German without an Accept-Language (the people netz is for), English when asked for."""
    url = f"{ALLIANCES}/{demo['id']}"
    headers = {**admin, "If-Match": demo["etag"]}
    for extra, expected in (({}, german), ({"Accept-Language": "en"}, english),
                            ({"Accept-Language": "fr, en;q=0.5"}, english),
                            ({"Accept-Language": "fr"}, german)):
        response = client.patch(url, headers={**headers, **extra}, json={"meta": meta})
        assert response.status_code == 422, response.text
        [problem] = response.json()["problems"]
        assert problem["column"] == field
        assert problem["message"].startswith(expected), (extra, problem["message"])
    assert client.get(url, headers=admin).json()["revision"] == 1  # nothing stored


def test_every_wrong_field_is_named_at_once(client: TestClient, admin: dict[str, str],
                                            demo: dict[str, Any]) -> None:
    response = client.patch(f"{ALLIANCES}/{demo['id']}", headers={**admin, "If-Match": demo["etag"]},
                            json={"name": "x" * 301, "meta": {"land": "Atlantis", "funding": "viel",
                                                             "founded": "2015/16"}})
    assert response.status_code == 422
    assert [p["column"] for p in response.json()["problems"]] == ["land", "funding", "name"]


@pytest.mark.parametrize(("given", "stored"), [("thueringen", "Thüringen"), ("NRW", "Nordrhein-Westfalen"),
                                               ("Baden Württemberg", "Baden-Württemberg")])
def test_a_land_in_any_spelling_is_stored_as_the_list_writes_it(
        client: TestClient, admin: dict[str, str], given: str, stored: str) -> None:
    created = client.post(ALLIANCES, headers=admin, json={"name": f"Land {given}", "meta": {"land": given}})
    assert created.status_code == 201, created.text
    assert created.json()["land"] == stored


@pytest.mark.parametrize(("given", "stored"), [("15.000", 15000.0), ("15.000,50", 15000.5), ("1,5", 1.5)])
def test_funding_sent_as_text_is_read_as_files_are(client: TestClient, admin: dict[str, str],
                                                   given: str, stored: float) -> None:
    """The one reading of amounts (netz.core.io.meta.read_amount), for requests as for files."""
    created = client.post(ALLIANCES, headers=admin,
                          json={"name": f"Betrag {given}", "meta": {"funding": given}})
    assert created.status_code == 201, created.text
    assert created.json()["funding"] == stored


def test_patch_unknown_alliance(client: TestClient, admin: dict[str, str]) -> None:
    response = client.patch(f"{ALLIANCES}/999999", headers={**admin, "If-Match": "*"}, json={"name": "x"})
    assert response.status_code == 404


# -- delete ---------------------------------------------------------------------------------------


def test_delete(client: TestClient, keys: Any, demo: dict[str, Any], other: dict[str, Any],
                row_counts: Callable[[], dict[str, int]]) -> None:
    url = f"{ALLIANCES}/{demo['id']}"
    admin = keys.headers("admin")
    client.get(f"{url}/report", headers=admin)  # something in the cache
    assert client.delete(url, headers=admin).status_code == 428
    assert client.delete(url, headers={**admin, "If-Match": '"1-99"'}).status_code == 412
    response = client.delete(url, headers={**admin, "If-Match": demo["etag"]})
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(url, headers=admin).status_code == 404
    assert client.get(f"{url}/report", headers=admin).status_code == 404
    assert client.delete(url, headers={**admin, "If-Match": "*"}).status_code == 404
    # its actors, ties and the coordinator's grant went with it; the other alliance is untouched
    assert row_counts() == {"alliances": 1, "actors": 4, "ties": 3, "key_grants": 0, "undo": 0}
    assert client.get(f"{ALLIANCES}/{other['id']}/report", headers=admin).status_code == 200


def table_counts(app: FastAPI) -> dict[str, int]:
    """Rows of every table of the schema (a table added later is counted too)."""
    with app.state.database.sessions() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}


def test_deleting_an_alliance_deletes_all_its_data(client: TestClient, app: FastAPI, keys: Any,
                                                   demo: dict[str, Any], other: dict[str, Any],
                                                   new_key: Callable[..., str]) -> None:
    """Its actors, ties, cached reports and grants go; the coordinator key that had only this alliance
    is refused (403, saying why) and listed as orphaned; a key with another alliance keeps working."""
    admin = keys.headers("admin")
    both = new_key("coordinator", alliances=[demo["id"], other["id"]])
    for key in (keys.admin, keys.researcher, keys.funder):  # reports of three views in the cache
        assert client.get(f"{ALLIANCES}/{demo['id']}/report", headers=bearer(key)).status_code == 200
    assert client.get(f"{ALLIANCES}/{other['id']}/report", headers=admin).status_code == 200
    survey = client.post(f"{ALLIANCES}/{demo['id']}/surveys", headers={**admin, "If-Match": demo["etag"]},
                         json={"wave": "2099", "closes_at": "2099-01-01T00:00:00Z"})
    assert survey.status_code == 201, survey.text
    before = table_counts(app)
    assert before["report_cache"] == 4 and before["key_grants"] == 3
    response = client.delete(f"{ALLIANCES}/{demo['id']}", headers={**admin, "If-Match": demo["etag"]})
    assert response.status_code == 204, response.text
    after = table_counts(app)
    gone = {name: before[name] - after[name] for name in before}
    assert gone == {"alliances": 1, "actors": demo["n_actors"], "ties": demo["n_ties"], "report_cache": 3,
                    "key_grants": 2, "api_keys": 0, "secrets": 0, "audit_log": -1,  # one entry more
                    "jobs": 0, "undo": 0, "surveys": 1, "survey_invitations": demo["n_actors"],
                    "survey_respondents": 0, "survey_answers": 0}
    assert after["actors"] == 4 and after["ties"] == 3 and after["report_cache"] == 1
    refused = client.get(ALLIANCES, headers=keys.headers("coordinator"))
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "gelöscht" in refused.json()["detail"]  # German: no Accept-Language
    coordinator = keys.headers("coordinator")
    assert client.get(f"{ALLIANCES}/{other['id']}/report", headers=coordinator).status_code == 403
    assert [a["id"] for a in client.get(ALLIANCES, headers=bearer(both)).json()] == [other["id"]]
    statuses = {k["prefix"]: k["status"] for k in client.get("/api/v1/keys", headers=admin).json()}
    assert statuses[keys.coordinator.split("_")[1]] == "orphaned"
    assert statuses[both.split("_")[1]] == "active"
    # given an alliance again, the key works again
    target = next(k["id"] for k in client.get("/api/v1/keys", headers=admin).json()
                  if k["prefix"] == keys.coordinator.split("_")[1])
    assert client.put(f"/api/v1/keys/{target}/alliances/{other['id']}", headers=admin).status_code == 200
    app.state.key_cache.clear()
    assert [a["id"] for a in client.get(ALLIANCES, headers=coordinator).json()] == [other["id"]]


def workbook_with_warnings(path: Path) -> Path:
    """A workbook the import reads, with two warnings: an empty type (read as `other`) in row 3
    of the actors, and a column named like a metric (`degree`, left out)."""
    book = openpyxl.Workbook()
    actors = book.active
    actors.title = "actors"
    actors.append(["id", "name", "type", "degree"])
    actors.append(["k", "Kirchengemeinde", "church", 3])
    actors.append(["m", "Migrationsberatung", None, 1])
    ties = book.create_sheet("ties")
    ties.append(["source", "target"])
    ties.append(["k", "m"])
    meta = book.create_sheet("alliance")
    meta.append(["name", "Bündnis mit Hinweisen"])
    book.save(path)
    return path


def test_import_says_its_warnings_in_the_clients_language(client: TestClient, admin: dict[str, str],
                                                          tmp_path: Path) -> None:
    """The import answers the warnings the preview gives (file, row and column; German unless
    English is asked for) — they were dropped."""
    path = workbook_with_warnings(tmp_path / "hinweise.xlsx")
    preview = client.post(f"{ALLIANCES}/import/preview", headers=admin,
                          files={"file": (path.name, path.read_bytes(), "application/octet-stream")})
    german = import_file(client, admin, path)
    assert german.status_code == 201, german.text
    warnings = german.json()["warnings"]
    assert warnings == preview.json()["warnings"]
    assert len(warnings) == 2
    assert all(w.startswith("hinweise.xlsx, Blatt „actors“") for w in warnings)  # not the temporary copy
    assert any("Zeile 3" in w and "„Sonstige“" in w for w in warnings)
    assert any("Spalte „degree“" in w and "Der Name einer Kennzahl" in w for w in warnings)
    english = import_file(client, {**admin, "Accept-Language": "en"}, path, duplicate_name=True)
    assert english.status_code == 201, english.text
    assert any("row 3" in w and "'other'" in w for w in english.json()["warnings"])
    assert any("metric netz computes" in w for w in english.json()["warnings"])
    stored = client.get(german.headers["Location"], headers=admin).json()
    assert "warnings" not in stored and stored["n_actors"] == 2


def test_create_says_its_warnings(client: TestClient, admin: dict[str, str]) -> None:
    """An actor without a type is counted as `other`, and the answer says so (was: silently)."""
    body = {"name": "Bündnis Ost", "actors": [{"id": "a", "name": "A", "type": "church"},
                                             {"id": "b", "name": "B", "type": ""}],
            "ties": [{"source": "a", "target": "b"}]}
    response = client.post(ALLIANCES, headers=admin, json=body)
    assert response.status_code == 201, response.text
    warnings = response.json()["warnings"]
    assert warnings == ["actors, Zeile 2, Spalte „type“: Der Typ ist leer; der Akteur wird als „Sonstige“ "
                        "gezählt"]
    plain = client.post(ALLIANCES, headers=admin, json={**NEW, "name": "Bündnis West"})
    assert plain.json()["warnings"] == []


# -- what netz records in the metadata itself ------------------------------------------------------

#: A survey's record of who answered (netz.analysis.survey.RESPONSE_META), as a client might forge it.
FORGED_RESPONSE = {"2026": {"answered": 25, "asked": 25, "respondents": [], "nonrespondents": [],
                            "rule": "union", "reconstruct": False}}


@pytest.mark.parametrize("value", [FORGED_RESPONSE, None])
def test_the_survey_record_cannot_be_set_or_removed_by_hand(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any], value: Any) -> None:
    """Failed before: PATCH stored (or removed) who answered a survey, which the scorecard's
    response and the diff's unknown ties are made of. Refused like a wrong field, in both languages."""
    url = f"{ALLIANCES}/{demo['id']}"
    headers = {**admin, "If-Match": demo["etag"]}
    change = {"meta": {"survey_response": value, "region": "Musterstadt"}}
    for extra, expected in (({}, "„survey_response“ hält netz selbst fest"),
                            ({"Accept-Language": "en"}, "'survey_response' is kept by netz itself")):
        response = client.patch(url, headers={**headers, **extra}, json=change)
        assert response.status_code == 422, response.text
        [problem] = response.json()["problems"]
        assert problem["column"] == "survey_response"
        assert problem["message"].startswith(expected), problem["message"]
    created = client.post(ALLIANCES, headers=admin,
                          json={"name": "Gefälscht", "meta": {"survey_response": value}})
    assert created.status_code == 422 and created.json()["problems"][0]["column"] == "survey_response"
    assert client.get(url, headers=admin).json()["revision"] == 1  # nothing stored


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_an_imported_files_survey_record_is_left_out_with_a_warning(
        client: TestClient, admin: dict[str, str], tmp_path: Path, fmt: str) -> None:
    """Failed before: a file's `survey_response` was stored as if netz had recorded it. The
    import goes on (netz's own exports carry the record: a coordinator may import one again)."""
    alliance = make_alliance(["church", "refugee"], [("a", "b")],
                             meta={"name": "Bündnis mit Befragung", "survey_response": FORGED_RESPONSE})
    path = io.write(alliance, tmp_path / f"befragung.{fmt}")
    preview = client.post(f"{ALLIANCES}/import/preview", headers=admin,
                          files={"file": (path.name, path.read_bytes(), "application/octet-stream")})
    german = import_file(client, admin, path)
    assert german.status_code == 201, german.text
    assert german.json()["warnings"] == preview.json()["warnings"]
    [warning] = german.json()["warnings"]
    assert warning.startswith(f"{path.name}, Spalte „survey_response“: "
                              "„survey_response“ hält netz selbst fest")
    english = import_file(client, {**admin, "Accept-Language": "en"}, path, duplicate_name=True)
    assert english.json()["warnings"][0].endswith("the file's value is not taken over")
    for created in (german, english):
        stored = client.get(created.headers["Location"], headers=admin).json()
        assert stored["name"] == "Bündnis mit Befragung" and "survey_response" not in stored["meta"]


def test_the_survey_record_sent_back_unchanged_is_kept(
        client: TestClient, app: FastAPI, demo: dict[str, Any], new_key: Callable[..., str]) -> None:
    """Failed before: a coordinator who sent back the whole ``meta`` GET gave them (with the survey
    record netz keeps in it) got 422. The unchanged record is accepted and kept as it is; a
    changed one is still refused, naming the field and why, in both languages."""
    recorded = {"2026": {"answered": 2, "asked": 3, "respondents": ["a", "b"], "nonrespondents": ["c"],
                         "rule": "union", "reconstruct": False}}
    with app.state.database.sessions() as session:  # as closing a survey records it
        row = session.get(AllianceRow, demo["id"])
        assert row is not None
        row.meta = {**row.meta, "survey_response": recorded}
        session.commit()
    coordinator = bearer(new_key("coordinator", alliances=[demo["id"]]))
    url = f"{ALLIANCES}/{demo['id']}"
    got = client.get(url, headers=coordinator)
    assert got.json()["meta"]["survey_response"] == recorded
    sent = {"meta": {**got.json()["meta"], "kontakt": "Büro im Rathaus"}}
    changed = client.patch(url, headers={**coordinator, "If-Match": got.headers["ETag"]}, json=sent)
    assert changed.status_code == 200, changed.text
    assert changed.json()["meta"]["survey_response"] == recorded
    assert changed.json()["meta"]["kontakt"] == "Büro im Rathaus"
    forged = {**recorded["2026"], "answered": 3, "respondents": ["a", "b", "c"], "nonrespondents": []}
    etag = changed.headers["ETag"]
    for extra, expected in (({}, "„survey_response“ hält netz selbst fest"),
                            ({"Accept-Language": "en"}, "'survey_response' is kept by netz itself")):
        refused = client.patch(url, headers={**coordinator, "If-Match": etag, **extra},
                               json={"meta": {"survey_response": {"2026": forged}}})
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        [problem] = refused.json()["problems"]
        assert problem["column"] == "survey_response"
        assert problem["message"].startswith(expected), problem["message"]
    stored = client.get(url, headers=coordinator).json()
    assert stored["revision"] == changed.json()["revision"] and stored["meta"]["survey_response"] == recorded

"""Data in and out from the pages: preview an upload, store it as a revision (replace or add a
wave), refuse a second alliance of the same name, undo the last change, export with metrics."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from netz.core import io as netz_io
from netz.core.model import Alliance

ROOT = Path(__file__).parents[3]
DEMO = ROOT / "datasets" / "demo-buendnis"
ALLIANCES = "/api/v1/alliances"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(alliance: Alliance, tmp_path: Path, name: str = "upload.xlsx") -> tuple[str, bytes, str]:
    path = netz_io.write(alliance, tmp_path / name)
    return (name, path.read_bytes(), XLSX)


def corrected_demo() -> Alliance:
    """The demo with one actor renamed, one retyped, one removed (with its ties), one added with a tie."""
    demo = netz_io.read(DEMO)
    actors = demo.actors.copy()
    actors.loc[actors["id"] == "hk", "name"] = "Helferkreis Asyl (neu)"
    actors.loc[actors["id"] == "pat", "type"] = "association"
    actors = actors[actors["id"] != "aa"]
    actors = pd.concat([actors, pd.DataFrame([{"id": "neu", "name": "Sprachcafé", "type": "initiative"}])],
                       ignore_index=True)
    ties = demo.ties[(demo.ties["source"] != "aa") & (demo.ties["target"] != "aa")]
    new_tie = pd.DataFrame([{"source": "neu", "target": "hk", "weight": 1.0}])
    ties = pd.concat([ties, new_tie], ignore_index=True)
    actors.index += 1
    ties.index += 1
    return Alliance.from_frames(actors, ties, directed=demo.directed, meta={"name": "Musterbündnis"})


def test_import_preview_stores_nothing_and_names_the_same_named_alliance(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any], demo_zip: bytes,
        row_counts: Callable[[], dict[str, int]]) -> None:
    before = row_counts()
    response = client.post(f"{ALLIANCES}/import/preview", headers=admin,
                           files={"file": ("demo.zip", demo_zip, "application/zip")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == demo["name"]
    assert (body["n_actors"], body["n_ties"]) == (demo["n_actors"], demo["n_ties"])
    assert body["same_name"] == [{"id": demo["id"], "name": demo["name"]}]
    assert row_counts() == before


def test_import_of_an_existing_name_is_refused_unless_asked(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any], demo_zip: bytes,
        row_counts: Callable[[], dict[str, int]]) -> None:
    before = row_counts()
    upload = {"file": ("demo.zip", demo_zip, "application/zip")}
    refused = client.post(f"{ALLIANCES}/import", headers=admin, files=upload)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert f"/api/v1/alliances/{demo['id']}/revisions" in refused.json()["detail"]
    assert row_counts() == before
    created = client.post(f"{ALLIANCES}/import", headers=admin, files=upload, params={"duplicate_name": True})
    assert created.status_code == 201, created.text
    assert created.json()["id"] != demo["id"]


def test_coordinator_is_not_refused_for_a_name_it_cannot_see(
        client: TestClient, keys: Any, demo: dict[str, Any], demo_zip: bytes,
        new_key: Callable[..., str]) -> None:
    stranger = {"Authorization": f"Bearer {new_key('coordinator', alliances=[keys.other])}"}
    response = client.post(f"{ALLIANCES}/import", headers=stranger,
                           files={"file": ("demo.zip", demo_zip, "application/zip")})
    assert response.status_code == 201, response.text


def test_revision_preview_lists_the_changes_and_stores_nothing(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any], tmp_path: Path,
        row_counts: Callable[[], dict[str, int]]) -> None:
    before = row_counts()
    response = client.post(f"{ALLIANCES}/{demo['id']}/revisions/preview", headers=admin,
                           files={"file": workbook(corrected_demo(), tmp_path)})
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == demo["etag"]
    changes = response.json()["changes"]
    assert [a["id"] for a in changes["actors_added"]] == ["neu"]
    assert [a["id"] for a in changes["actors_removed"]] == ["aa"]
    assert changes["actors_renamed"] == [{"id": "hk", "before": "Helferkreis Asyl Musterstadt",
                                          "after": "Helferkreis Asyl (neu)"}]
    assert changes["actors_retyped"] == [{"id": "pat", "before": "initiative", "after": "association"}]
    assert [(t["source"], t["target"]) for t in changes["ties_added"]] == [("hk", "neu")]  # undirected
    assert sorted(t["target"] if t["source"] != "aa" else t["source"]
                  for t in changes["ties_removed"]) == ["aa", "aa"]
    assert row_counts() == before
    assert client.get(f"{ALLIANCES}/{demo['id']}", headers=admin).headers["ETag"] == demo["etag"]


def test_revision_replaces_data_needs_if_match_and_can_be_undone(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any], tmp_path: Path) -> None:
    url = f"{ALLIANCES}/{demo['id']}"
    upload = {"file": workbook(corrected_demo(), tmp_path)}
    assert client.post(f"{url}/revisions", headers=admin, files=upload).status_code == 428
    stale = client.post(f"{url}/revisions", headers={**admin, "If-Match": f'"{demo["id"]}-9"'}, files=upload)
    assert stale.status_code == 412
    original = client.get(f"{url}/ties", headers=admin).json()
    response = client.post(f"{url}/revisions", headers={**admin, "If-Match": demo["etag"]}, files=upload)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["alliance"]["revision"] == 2
    assert body["alliance"]["name"] == demo["name"]  # the metadata stays the stored one
    assert body["alliance"]["n_actors"] == demo["n_actors"]  # one out, one in
    assert response.headers["ETag"] == f'"{demo["id"]}-2"'
    names = {a["id"]: a["name"] for a in client.get(f"{url}/actors", headers=admin,
                                                   params={"per_page": 100}).json()["actors"]}
    assert names["hk"] == "Helferkreis Asyl (neu)" and "aa" not in names and names["neu"] == "Sprachcafé"
    assert client.get(f"{url}/undo", headers=admin).json()["action"] == "revision-replace"

    assert client.post(f"{url}/undo", headers=admin).status_code == 428
    assert client.post(f"{url}/undo", headers={**admin, "If-Match": demo["etag"]}).status_code == 412
    undone = client.post(f"{url}/undo", headers={**admin, "If-Match": f'"{demo["id"]}-2"'})
    assert undone.status_code == 200, undone.text
    assert undone.json()["alliance"]["revision"] == 3
    assert client.get(f"{url}/ties", headers=admin).json() == original
    # undoing the undo brings the revision back
    redone = client.post(f"{url}/undo", headers={**admin, "If-Match": f'"{demo["id"]}-3"'})
    assert redone.status_code == 200
    assert redone.json()["alliance"]["n_ties"] == body["alliance"]["n_ties"]


def test_revision_adds_a_wave(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                              tmp_path: Path) -> None:
    url = f"{ALLIANCES}/{demo['id']}"
    upload = {"file": workbook(corrected_demo(), tmp_path)}
    preview = client.post(f"{url}/revisions/preview", headers=admin, files=upload,
                          params={"mode": "wave", "wave": "2026"})
    assert preview.status_code == 200, preview.text
    changes = preview.json()["changes"]
    assert changes["actors_removed"] == []  # earlier waves' ties name them
    assert len(changes["ties_added"]) == corrected_demo().n_ties and changes["ties_removed"] == []
    assert {t["wave"] for t in changes["ties_added"]} == {"2026"}
    stored = client.post(f"{url}/revisions", headers={**admin, "If-Match": demo["etag"]}, files=upload,
                         params={"mode": "wave", "wave": "2026"})
    assert stored.status_code == 200, stored.text
    assert stored.json()["alliance"]["n_ties"] == demo["n_ties"] + corrected_demo().n_ties
    assert stored.json()["alliance"]["n_actors"] == demo["n_actors"] + 1
    report = client.get(f"{url}/report", headers=admin, params={"wave": "2026"})
    assert report.status_code == 200, report.text
    again = client.post(f"{url}/revisions", headers={**admin, "If-Match": stored.headers["ETag"]},
                        files=upload, params={"mode": "wave", "wave": "2026"})
    assert again.status_code == 422
    assert "2026" in again.text
    without = client.post(f"{url}/revisions/preview", headers=admin, files=upload, params={"mode": "wave"})
    assert without.status_code == 422  # the file's ties have no wave, and none was named
    assert "wave" in without.json()["problems"][0]["column"]


def test_a_bad_file_changes_nothing(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                    row_counts: Callable[[], dict[str, int]]) -> None:
    before = row_counts()
    broken = {"file": ("upload.json", b'{"nodes": [{"id": "a"}], "links": [{"source": "a", "target": "x"}]}',
                       "application/json")}
    response = client.post(f"{ALLIANCES}/{demo['id']}/revisions", headers={**admin, "If-Match": demo["etag"]},
                           files=broken)
    assert response.status_code == 422
    assert response.json()["problems"]
    wrong = client.post(f"{ALLIANCES}/{demo['id']}/revisions/preview", headers=admin,
                        files={"file": ("notes.txt", b"x", "text/plain")})
    assert wrong.status_code == 415
    assert row_counts() == before


def test_undo_of_edits(client: TestClient, admin: dict[str, str], other: dict[str, Any],
                       row_counts: Callable[[], dict[str, int]]) -> None:
    url = f"{ALLIANCES}/{other['id']}"
    assert client.get(f"{url}/undo", headers=admin).json() == {"available": False, "action": None, "at": None}
    nothing = client.post(f"{url}/undo", headers={**admin, "If-Match": other["etag"]})
    assert nothing.status_code == 409
    renamed = client.patch(f"{url}/actors/a", headers={**admin, "If-Match": other["etag"]},
                           json={"name": "Initiative A (neu)", "type": "Verein"})
    assert renamed.status_code == 200
    removed = client.delete(f"{url}/ties/1", headers={**admin, "If-Match": renamed.headers["ETag"]})
    assert removed.status_code == 200
    last = client.get(f"{url}/undo", headers=admin).json()
    assert last["available"] and last["action"] == "delete-tie"
    undone = client.post(f"{url}/undo", headers={**admin, "If-Match": removed.headers["ETag"]})
    assert undone.status_code == 200
    ties = client.get(f"{url}/ties", headers=admin).json()
    assert [(t["source"], t["target"]) for t in ties] == [("a", "b"), ("b", "c"), ("c", "d")]
    actors = client.get(f"{url}/actors", headers=admin).json()["actors"]
    assert actors[0]["name"] == "Initiative A (neu)"  # only the last change was undone
    assert row_counts()["undo"] == 1
    deleted = client.delete(url, headers={**admin, "If-Match": undone.headers["ETag"]})
    assert deleted.status_code == 204
    assert row_counts()["undo"] == 0


def test_undo_is_gone_after_a_change_that_kept_none(client: TestClient, admin: dict[str, str],
                                                    other: dict[str, Any], app: Any) -> None:
    """A write that bypassed remember() (another worker's older code) leaves the kept state stale."""
    url = f"{ALLIANCES}/{other['id']}"
    first = client.patch(url, headers={**admin, "If-Match": other["etag"]}, json={"name": "Neu"})
    assert client.get(f"{url}/undo", headers=admin).json()["action"] == "edit-metadata"
    with app.state.database.sessions() as session:
        from api.models import AllianceRow
        row = session.get(AllianceRow, other["id"])
        row.revision += 1
        session.commit()
    assert client.get(f"{url}/undo", headers=admin).json()["available"] is False
    assert first.status_code == 200


@pytest.mark.parametrize("role", ["researcher", "funder"])
def test_roles_that_may_not_write(client: TestClient, keys: Any, demo: dict[str, Any], tmp_path: Path,
                                  role: str) -> None:
    url = f"{ALLIANCES}/{demo['id']}"
    upload = {"file": workbook(corrected_demo(), tmp_path)}
    headers = {**keys.headers(role), "If-Match": demo["etag"]}
    assert client.post(f"{url}/revisions/preview", headers=headers, files=upload).status_code == 403
    assert client.post(f"{url}/undo", headers=headers).status_code == 403
    assert client.get(f"{url}/undo", headers=headers).status_code == 403


# -- export ---------------------------------------------------------------------------------------


def test_export_graphml_and_gexf_with_metrics(client: TestClient, admin: dict[str, str],
                                              demo: dict[str, Any], tmp_path: Path) -> None:
    report = client.get(f"{ALLIANCES}/{demo['id']}/report", headers=admin).json()
    expected = {a["id"]: a for a in report["actors"]}
    for format, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        response = client.get(f"{ALLIANCES}/{demo['id']}/export", headers=admin,
                              params={"format": format, "metrics": True})
        assert response.status_code == 200, response.text
        path = tmp_path / f"a.{format}"
        path.write_bytes(response.content)
        graph = read(str(path))
        for node, data in graph.nodes(data=True):
            assert data["betweenness"] == pytest.approx(expected[node]["betweenness"])
            assert data["brokerage.total"] == expected[node]["brokerage"]["total"]
            assert data["Ehrenamtliche"] == expected[node]["Ehrenamtliche"]  # attributes stay
    plain = client.get(f"{ALLIANCES}/{demo['id']}/export", headers=admin, params={"format": "graphml"})
    assert b"betweenness" not in plain.content


def test_export_workbook_and_csv_in_german(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                           tmp_path: Path) -> None:
    url = f"{ALLIANCES}/{demo['id']}/export"
    response = client.get(url, headers=admin, params={"format": "xlsx", "metrics": True, "lang": "de"})
    assert response.status_code == 200, response.text
    path = tmp_path / "b.xlsx"
    path.write_bytes(response.content)
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == ["Bündnis", "Akteure", "Kooperationen"]
    again = netz_io.read(path)  # the metrics are left out: they are netz's to compute
    assert again.n_actors == demo["n_actors"] and "degree" not in again.actors.columns
    assert "Ehrenamtliche" in again.actors.columns
    response = client.get(url, headers=admin, params={"format": "csv", "lang": "de"})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["akteure.csv", "buendnis.json", "kooperationen.csv"]
    english = client.get(url, headers=admin, params={"format": "xlsx"})
    path.write_bytes(english.content)
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == ["alliance", "actors", "ties"]


def approximately(actors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Report actors to compare with another computation's: eigenvector centrality differs in the
    last digits from one computation to the next (ARPACK), so numbers compare approximately."""
    return [{k: pytest.approx(v) if isinstance(v, float) else v for k, v in actor.items()}
            for actor in actors]


@pytest.mark.parametrize("format", ["xlsx", "csv", "graphml", "gexf", "json"])
def test_an_export_with_metrics_imports_as_the_alliance(client: TestClient, admin: dict[str, str],
                                                        demo: dict[str, Any], format: str) -> None:
    """Export with metrics, import the file: the same actors, attributes and ties, and so the same
    report; the preview says which metric columns are left out (in the client's language)."""
    url = f"{ALLIANCES}/{demo['id']}"
    exported = client.get(f"{url}/export", headers=admin, params={"format": format, "metrics": True})
    assert exported.status_code == 200, exported.text
    upload = {"file": (f"export.{'zip' if format == 'csv' else format}", exported.content,
                       exported.headers["content-type"])}
    preview = client.post(f"{ALLIANCES}/import/preview", headers={**admin, "Accept-Language": "de"},
                          files=upload)
    assert preview.status_code == 200, preview.text
    left_out = [w for w in preview.json()["warnings"] if "Der Name einer Kennzahl" in w]
    assert any("Spalte „degree“" in w for w in left_out)
    assert any("Spalte „brokerage.total“" in w for w in left_out)
    imported = client.post(f"{ALLIANCES}/import", headers=admin, files=upload,
                           params={"duplicate_name": True})
    assert imported.status_code == 201, imported.text
    again = f"{ALLIANCES}/{imported.json()['id']}"
    ties = client.get(f"{url}/ties", headers=admin).json()
    assert client.get(f"{again}/ties", headers=admin).json() == ties
    before = client.get(f"{url}/report", headers=admin).json()["actors"]
    after = client.get(f"{again}/report", headers=admin).json()["actors"]
    assert after == approximately(before)
    assert {"Hauptamtliche", "Ehrenamtliche"} <= set(after[0])


def test_a_user_column_named_like_a_metric_never_hides_the_metric(
        client: TestClient, admin: dict[str, str], demo: dict[str, Any], tmp_path: Path) -> None:
    """A file whose actors carry their own ``degree`` and ``brokerage``: the report, the actor list
    (sorted by ``degree``, as CSV) and the exports show netz's metrics, never the file's values."""
    demo_alliance = netz_io.read(DEMO)
    actors = demo_alliance.actors.assign(degree=1000, brokerage="viel")
    folder = tmp_path / "eigene-spalten"
    netz_io.write(dataclasses.replace(demo_alliance, actors=actors), folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"eigene-spalten/{path.name}")
    response = client.post(f"{ALLIANCES}/import", headers=admin, params={"duplicate_name": True},
                           files={"file": ("eigene-spalten.zip", buffer.getvalue(), "application/zip")})
    assert response.status_code == 201, response.text
    url = f"{ALLIANCES}/{response.json()['id']}"
    expected = client.get(f"{ALLIANCES}/{demo['id']}/report", headers=admin).json()["actors"]
    assert client.get(f"{url}/report", headers=admin).json()["actors"] == approximately(expected)
    listed = client.get(f"{url}/actors", headers=admin, params={"sort": "degree", "order": "desc"}).json()
    assert [a["degree"] for a in listed["actors"]] == sorted((a["degree"] for a in expected), reverse=True)
    table = pd.read_csv(io.StringIO(client.get(f"{url}/actors", headers=admin,
                                               params={"format": "csv", "per_page": 1000}).text))
    assert list(table.columns).count("degree") == 1 and 1000 not in table["degree"].tolist()
    graphml = client.get(f"{url}/export", headers=admin, params={"format": "graphml", "metrics": True})
    path = tmp_path / "m.graphml"
    path.write_bytes(graphml.content)
    degrees = {node: data["degree"] for node, data in nx.read_graphml(str(path)).nodes(data=True)}
    assert degrees == {a["id"]: a["degree"] for a in expected}


def test_researcher_export_with_metrics_is_pseudonymised(client: TestClient, keys: Any,
                                                         demo: dict[str, Any], tmp_path: Path) -> None:
    response = client.get(f"{ALLIANCES}/{demo['id']}/export", headers=keys.headers("researcher"),
                          params={"format": "graphml", "metrics": True})
    assert response.status_code == 200
    assert b"Helferkreis" not in response.content
    path = tmp_path / "r.graphml"
    path.write_bytes(response.content)
    graph = nx.read_graphml(str(path))
    assert all("degree" in data for _, data in graph.nodes(data=True))

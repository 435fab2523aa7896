"""The programme overview for funders: rows, support, filters, charts, files, jobs, and no actor."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pypdf
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.routes.programme import NULL_SAMPLES
from api.security import create_key
from netz import read
from netz.cohort.programme import alliance_summary
from tests.api.routes.test_compare import COHORT, zipped
from tests.api.routes.test_jobs import finished

PROGRAMME = "/api/v1/programme"
#: Five small alliances (three with a known problem) and one medium one (alone in its class).
NAMES = ("ahornried", "buchenstadt", "falkenbrunn", "hohenquell", "lerchenfeld", "zedernheim")
FLAGGED = {"falkenbrunn", "hohenquell", "lerchenfeld"}


def actor_names() -> set[str]:
    return {str(name) for folder in NAMES for name in read(COHORT / folder).actors["name"]}


@pytest.fixture
def cohort(client: TestClient, make_app: Callable[..., FastAPI]) -> Any:
    """An app (no background jobs: every computation is short enough) with six cohort alliances."""
    app = make_app(compare_job_seconds=1e9)
    with TestClient(app) as service:
        admin = {"Authorization": f"Bearer {_key(app, 'admin')}"}
        ids = {}
        for name in NAMES:
            upload = (f"{name}.zip", zipped(COHORT / name), "application/zip")
            response = service.post("/api/v1/alliances/import", headers=admin, files={"file": upload})
            assert response.status_code == 201, response.text
            ids[name] = response.json()["id"]
        funder = {"Authorization": f"Bearer {_key(app, 'funder')}"}
        coordinator = {"Authorization": f"Bearer {_key(app, 'coordinator', [ids['falkenbrunn']])}"}
        yield service, ids, funder, coordinator


def _key(app: FastAPI, role: str, alliances: list[int] | None = None) -> str:
    with app.state.database.sessions() as session:
        return create_key(session, role, alliances=alliances or [])


def test_the_overview_lists_every_alliance_and_who_needs_support(cohort: Any) -> None:
    client, ids, funder, _ = cohort
    response = client.get(PROGRAMME, headers=funder)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 6
    rows = {row["id"]: row for row in body["alliances"]}
    by_name = {folder: rows[ids[folder]] for folder in NAMES}
    assert by_name["falkenbrunn"]["name"] == read(COHORT / "falkenbrunn").name
    assert by_name["zedernheim"]["size_class"] == "medium" and by_name["ahornried"]["size_class"] == "small"
    assert {folder for folder in NAMES if ids[folder] in body["support"]} == FLAGGED
    assert [r["message"] for r in by_name["falkenbrunn"]["support"]] == ["support.refugee_exclusion"]
    assert by_name["falkenbrunn"]["high_gaps"] == 1 and by_name["ahornried"]["high_gaps"] == 0
    assert "Kommune" in by_name["lerchenfeld"]["reasons"][0]
    assert by_name["hohenquell"]["band"] == "concern"
    # Percentiles within the size class: five small alliances are enough, one medium is not.
    assert by_name["ahornried"]["figures"]["mean_degree_pct"] is not None
    assert by_name["zedernheim"]["figures"]["mean_degree_pct"] is None
    assert not [name for name in actor_names() if name in response.text]


def test_filters_take_names_as_import_does(cohort: Any) -> None:
    client, ids, funder, _ = cohort
    hessen = client.get(PROGRAMME, headers=funder, params={"land": "HESSEN"}).json()
    assert {row["id"] for row in hessen["alliances"]} == {ids["buchenstadt"], ids["hohenquell"]}
    komm = client.get(PROGRAMME, headers=funder, params={"programme": "komm an nrw"}).json()
    assert {row["id"] for row in komm["alliances"]} == {ids["ahornried"], ids["lerchenfeld"]}
    concern = client.get(PROGRAMME, headers=funder, params={"band": "concern"}).json()
    assert [row["id"] for row in concern["alliances"]] == [ids["hohenquell"]]
    medium = client.get(PROGRAMME, headers=funder, params={"size_class": "medium"}).json()
    assert [row["id"] for row in medium["alliances"]] == [ids["zedernheim"]]
    assert client.get(PROGRAMME, headers=funder, params={"band": "bad"}).status_code == 422


def test_coordinators_see_their_own_alliance_against_the_cohort(cohort: Any) -> None:
    client, ids, _, coordinator = cohort
    body = client.get(PROGRAMME, headers=coordinator).json()
    assert [row["id"] for row in body["alliances"]] == [ids["falkenbrunn"]]
    assert body["alliances"][0]["figures"]["mean_degree_pct"] is not None  # ranked in all five small ones
    assert client.get(f"{PROGRAMME}/charts/{ids['ahornried']}", headers=coordinator).status_code == 403


def test_charts_name_the_percentile_and_suppress_small_groups(cohort: Any) -> None:
    client, ids, funder, _ = cohort
    response = client.get(f"{PROGRAMME}/charts/{ids['ahornried']}", headers=funder)
    assert response.status_code == 200, response.text
    charts = {chart["id"]: chart for chart in response.json()["charts"]}
    chart = charts["distribution-mean_degree"]
    assert "Perzentil" in chart["text"] and read(COHORT / "ahornried").name in chart["text"]
    assert chart["svg"].startswith("<svg") and "<desc" in chart["svg"] and chart["table"]["rows"]
    assert charts["trend-mean_degree"]["table"]["rows"]
    alone = client.get(f"{PROGRAMME}/charts/{ids['zedernheim']}", headers=funder,
                       params={"lang": "en"}).json()["charts"]
    assert alone[0]["suppressed"] and alone[0]["svg"] == "" and "Not shown" in alone[0]["text"]
    assert client.get(f"{PROGRAMME}/charts/999999", headers=funder).status_code == 404


def test_the_files_carry_the_overview_and_no_actor(cohort: Any) -> None:
    client, _, funder, _ = cohort
    xlsx = client.get(f"{PROGRAMME}/overview.xlsx", headers=funder)
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Bündnis", "Ort", "Bundesland"] and len(values) == 7
    cells = " ".join(str(v) for row in values for v in row)
    pdf = client.get(f"{PROGRAMME}/report.pdf", headers=funder, params={"programme": "KOMM-AN NRW"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "KOMM-AN NRW" in text and "Programmbericht" in text
    assert not [name for name in actor_names() if name in cells or name in text]


def test_a_long_overview_runs_as_a_job(client: TestClient, make_app: Callable[..., FastAPI]) -> None:
    """Missing summaries are computed in a background job, on two processes here, as in one."""
    app = make_app(compare_job_seconds=0, scheduler="processes:2")
    with TestClient(app) as service:
        admin = {"Authorization": f"Bearer {_key(app, 'admin')}"}
        ids = {}
        for name in ("falkenbrunn", "ahornried"):
            upload = (f"{name}.zip", zipped(COHORT / name), "application/zip")
            imported = service.post("/api/v1/alliances/import", headers=admin, files={"file": upload})
            assert imported.status_code == 201
            ids[name] = imported.json()["id"]
        started = service.get(PROGRAMME, headers=admin)
        assert started.status_code == 202 and started.json()["kind"] == "programme"
        job = finished(service, started.headers["Location"], admin)
        assert job["state"] == "done" and job["done"] == job["total"] == 2, job
        assert job["result"]["support"] == [ids["falkenbrunn"]]
        rows = {row["id"]: row for row in job["result"]["alliances"]}
        expected = alliance_summary(read(COHORT / "ahornried"), null_samples=NULL_SAMPLES)
        assert {k: v for k, v in rows[ids["ahornried"]]["figures"].items() if not k.endswith("_pct")} == (
            pytest.approx(expected["figures"]))
        cached = service.get(PROGRAMME, headers=admin)  # from the cache now: no job
        assert cached.status_code == 200 and cached.json()["alliances"] == job["result"]["alliances"]


def test_the_workbook_holds_names_with_control_characters(client: TestClient, admin: dict[str, str],
                                                          new_key: Callable[..., str]) -> None:
    """A name given through the API may hold a character a workbook cannot (found by the fuzz
    run: 500 IllegalCharacterError); it is written as the export writes it, a space."""
    created = client.post("/api/v1/alliances", headers=admin, json={
        "name": "Bündnis\x0cMitte", "meta": {"region": "=Ort\x01"},
        "actors": [{"id": "a", "name": "A", "type": "Kirche"}, {"id": "b", "name": "B", "type": "Stadt"}],
        "ties": [{"source": "a", "target": "b"}]})
    assert created.status_code == 201, created.text
    xlsx = client.get(f"{PROGRAMME}/overview.xlsx", headers={"Authorization": f"Bearer {new_key('funder')}"})
    assert xlsx.status_code == 200, xlsx.text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [sheet.cell(2, 1).value, sheet.cell(2, 2).value] == ["Bündnis Mitte", "'=Ort "]

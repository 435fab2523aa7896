"""Report variants: group_by must name an actor column and wave a wave (any case), so that the
variants computed and stored for any reader are bounded by the alliance's own names."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import ReportCache
from netz.analysis.report import REPORT_FORMAT

ZEDERNHEIM = Path(__file__).parents[2] / "datasets" / "cohort" / "zedernheim"


@pytest.fixture
def waves(client: TestClient, admin: dict[str, str]) -> int:
    """A cohort alliance with waves 2016, 2017, 2018 and the actor column paid_staff: its id."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(ZEDERNHEIM.iterdir()):
            archive.write(path, f"{ZEDERNHEIM.name}/{path.name}")
    response = client.post("/api/v1/alliances/import", headers=admin,
                           files={"file": ("zedernheim.zip", buffer.getvalue(), "application/zip")})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def stored_keys(app: Any, alliance_id: int) -> list[str]:
    with app.state.database.sessions() as session:
        return sorted(session.scalars(select(ReportCache.key).where(ReportCache.alliance_id == alliance_id)))


@pytest.mark.parametrize("path", ["report", "gaps", "health"])
@pytest.mark.parametrize("params, parameter, accepted", [
    ({"group_by": "nonsense"}, "group_by", ["id", "name", "type", "paid_staff"]),
    ({"wave": "2030"}, "wave", ["2016", "2017", "2018", "all"]),
    ({"group_by": "type", "wave": "20"}, "wave", ["2016", "2017", "2018", "all"]),
])
def test_unknown_names_are_refused_with_what_is_accepted(
        client: TestClient, app: Any, admin: dict[str, str], waves: int, path: str, params: dict[str, str],
        parameter: str, accepted: list[str]) -> None:
    response = client.get(f"/api/v1/alliances/{waves}/{path}", headers=admin, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["parameter"] == parameter and set(accepted) <= set(problem["accepted"])
    assert stored_keys(app, waves) == []  # nothing computed, nothing stored


def test_names_in_any_case_are_one_stored_report(client: TestClient, app: Any, admin: dict[str, str],
                                                 waves: int) -> None:
    url = f"/api/v1/alliances/{waves}/report"
    lower = client.get(url, headers=admin, params={"group_by": "paid_staff", "wave": "all"})
    assert lower.status_code == 200, lower.text
    upper = client.get(url, headers=admin, params={"group_by": "PAID_STAFF", "wave": "ALL"})
    assert upper.status_code == 200 and upper.json() == lower.json()
    assert client.get(url, headers=admin, params={"group_by": "Type"}).json() == client.get(
        url, headers=admin).json()
    full = f"full/r{REPORT_FORMAT}"  # the view and the report's format
    assert stored_keys(app, waves) == [f'{full}|["paid_staff","all"]', f'{full}|["type",null]']


def test_whatif_and_researchers_too(client: TestClient, waves: int, new_key: Any) -> None:
    researcher = {"Authorization": f"Bearer {new_key('researcher')}"}
    refused = client.get(f"/api/v1/alliances/{waves}/whatif", headers=researcher,
                         params={"key_players": 1, "group_by": "nonsense"})
    assert refused.status_code == 422 and "type" in refused.json()["accepted"]
    fine = client.get(f"/api/v1/alliances/{waves}/whatif", headers=researcher,
                      params={"key_players": 1, "group_by": "TYPE"})
    assert fine.status_code == 200, fine.text

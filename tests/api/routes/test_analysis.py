"""Report, gaps, health, what-if, wave diff and export: what the library computes, served and cached."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import api.reports
from netz.analysis.report import REPORT_FORMAT, analyse, report, to_jsonable
from netz.analysis.waves import diff_waves
from netz.analysis.whatif import key_players, whatif
from netz.core import io
from netz.core.model import Alliance

ROOT = Path(__file__).parents[3]
DEMO = ROOT / "datasets" / "demo-buendnis"
ALLIANCES = "/api/v1/alliances"
PSEUDONYM = re.compile(r"^A-[0-9a-f]{16,64}$")


def assert_same(got: Any, want: Any, where: str = "") -> None:
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


def jsonable(value: Any) -> Any:
    return json.loads(json.dumps(to_jsonable(value)))


def demo_alliance() -> Alliance:
    return io.read(DEMO)


def demo_with_waves() -> Alliance:
    """The demo observed twice: every 4th tie only in 2023, the next one only in 2024, the rest in both."""
    demo = demo_alliance()
    ties = demo.ties.copy()
    ties["wave"] = [("2023" if i % 4 == 0 else "2024" if i % 4 == 1 else None) for i in range(len(ties))]
    return demo.replace_ties(ties)


@pytest.fixture
def waves(client: TestClient, admin: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    path = io.write(demo_with_waves(), tmp_path / "wellen.json")
    response = client.post(f"{ALLIANCES}/import", headers=admin, params={"duplicate_name": True},
                           files={"file": (path.name, path.read_bytes(), "application/json")})
    assert response.status_code == 201, response.text  # the demo's name: a second alliance on purpose
    return {**response.json(), "path": path}


def url(alliance: dict[str, Any] | int, tail: str) -> str:
    alliance_id = alliance if isinstance(alliance, int) else alliance["id"]
    return f"{ALLIANCES}/{alliance_id}/{tail}"


# -- report, gaps, health -------------------------------------------------------------------------


def test_report_is_the_library_report(client: TestClient, admin: dict[str, str],
                                      demo: dict[str, Any]) -> None:
    response = client.get(url(demo, "report"), headers={**admin, "Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "Content-Encoding" not in response.headers
    # strong: the alliance's revision, and the report's format
    assert response.headers["ETag"] == f'"{demo["id"]}-1-full/r{REPORT_FORMAT}"'
    body = response.json()
    assert (body["alliance"].pop("id"), body["alliance"].pop("revision")) == (demo["id"], 1)
    assert_same(body, jsonable(report(demo_alliance())))


def test_gaps_and_health_are_the_reports(client: TestClient, admin: dict[str, str],
                                         demo: dict[str, Any]) -> None:
    full = client.get(url(demo, "report"), headers=admin).json()
    gaps = client.get(url(demo, "gaps"), headers=admin)
    health = client.get(url(demo, "health"), headers=admin)
    assert (gaps.status_code, health.status_code) == (200, 200)
    assert gaps.json() == full["gaps"]
    assert health.json() == full["health"]
    assert gaps.json()[0]["kind"] == "refugee_exclusion"
    assert gaps.json()[0]["id"] == "refugee_exclusion:ref"
    assert len(gaps.json()) == 25  # one finding per cause (28 before bridges joined their actors)
    steps = full["top_steps"]
    assert [step["rank"] for step in steps] == [1, 2, 3]
    assert {step["finding"] for step in steps} <= {gap["id"] for gap in gaps.json()}
    assert steps[0]["text"]["de"].startswith("Beteiligen Sie Geflüchtetenrat Musterstadt")
    assert {"value", "band", "explanation"} <= health.json()[0].keys()


def test_report_options(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    grouped = client.get(url(demo, "report"), headers=admin, params={"group_by": "Hauptamtliche"})
    assert grouped.status_code == 200
    assert grouped.json()["alliance"]["group_by"] == "Hauptamtliche"
    assert "actors_by_group" in grouped.json()["network"]
    unknown = client.get(url(demo, "report"), headers=admin, params={"group_by": "Lieblingsfarbe"})
    assert unknown.status_code == 422
    assert unknown.headers["content-type"] == "application/problem+json"
    assert "Lieblingsfarbe" in unknown.json()["detail"]
    # an alliance observed once has no waves to choose from: naming one is a 422 problem
    no_waves = client.get(url(demo, "report"), headers=admin, params={"wave": "2023"})
    assert no_waves.status_code == 422
    assert no_waves.json()["detail"] == ("Es gibt keine Welle „2023“; Wellen: keine "
                                         "(keine Kooperation hat eine Welle)")
    english = client.get(url(demo, "report"), headers={**admin, "Accept-Language": "en"},
                         params={"wave": "2023"})
    assert english.json()["detail"] == "no wave '2023'; waves: none (no tie has a wave)"


def test_report_of_a_wave(client: TestClient, admin: dict[str, str], waves: dict[str, Any]) -> None:
    alliance = io.read(waves["path"])
    for wave in (None, "2023", "2024", "all"):
        params = {"wave": wave} if wave else {}
        body = client.get(url(waves, "report"), headers=admin, params=params).json()
        assert body["alliance"]["waves"] == ["2023", "2024"]
        assert body["alliance"]["wave"] == (wave or "2024")
        want = jsonable(report(alliance, wave=wave))
        assert_same(body["network"], want["network"])


def test_unknown_alliance(client: TestClient, admin: dict[str, str]) -> None:
    for tail in ("report", "gaps", "health", "whatif?key_players=1", "waves/diff?from=1&to=2", "export"):
        assert client.get(url(999999, tail), headers=admin).status_code == 404, tail


# -- the cache ------------------------------------------------------------------------------------


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each report the service computes (the alliance's name), instead of taking it from the cache."""
    calls: list[str] = []
    for name in ("report", "funders_report"):  # the funders' report is computed by funders_report
        real = getattr(api.reports, name)

        def counting(alliance: Alliance, *args: Any, real: Any = real, **options: Any) -> dict[str, Any]:
            calls.append(alliance.name)
            return real(alliance, *args, **options)

        monkeypatch.setattr(api.reports, name, counting)
    return calls


def test_report_is_computed_once_per_revision_and_view(client: TestClient, keys: Any, demo: dict[str, Any],
                                                       computed: list[str], make_app: Callable[..., FastAPI]
                                                       ) -> None:
    admin = keys.headers("admin")
    first = client.get(url(demo, "report"), headers=admin)
    assert len(computed) == 1
    for tail in ("report", "gaps", "health", "actors"):
        assert client.get(url(demo, tail), headers=admin).status_code == 200
    assert client.get(url(demo, "report"), headers=admin).content == first.content
    assert len(computed) == 1
    # a coordinator sees the same view; a second worker on the same database uses the same cache
    client.get(url(demo, "report"), headers=keys.headers("coordinator"))
    with TestClient(make_app()) as worker:
        assert worker.get(url(demo, "report"), headers=admin).content == first.content
    assert len(computed) == 1
    # researchers and funders have views of their own, each computed once
    for role in ("researcher", "funder", "researcher", "funder"):
        client.get(url(demo, "report"), headers=keys.headers(role))
    assert len(computed) == 3
    # so do other options
    client.get(url(demo, "report"), headers=admin, params={"group_by": "Ehrenamtliche"})
    client.get(url(demo, "report"), headers=admin, params={"group_by": "Ehrenamtliche"})
    assert len(computed) == 4


@pytest.mark.parametrize("write", ["alliance", "actor", "tie"])
def test_a_write_invalidates_the_cache(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                       computed: list[str], write: str) -> None:
    before = client.get(url(demo, "report"), headers=admin).json()
    assert len(computed) == 1
    headers = {**admin, "If-Match": demo["etag"]}
    if write == "alliance":
        response = client.patch(f"{ALLIANCES}/{demo['id']}", headers=headers, json={"name": "Umbenannt"})
    elif write == "actor":
        response = client.delete(url(demo, "actors/hk"), headers=headers)
    else:
        response = client.post(url(demo, "ties"), headers=headers, json={"source": "ref", "target": "stadt"})
    assert response.status_code in (200, 201), response.text
    after = client.get(url(demo, "report"), headers={**admin, "Accept-Encoding": "identity"})
    assert len(computed) == 2
    assert after.headers["ETag"] == f'"{demo["id"]}-2-full/r{REPORT_FORMAT}"'
    assert after.json()["alliance"]["revision"] == 2
    assert after.json() != before
    client.get(url(demo, "gaps"), headers=admin)
    assert len(computed) == 2


def test_a_failed_write_keeps_the_cache(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                                        computed: list[str]) -> None:
    client.get(url(demo, "report"), headers=admin)
    response = client.post(url(demo, "ties"), headers={**admin, "If-Match": demo["etag"]},
                           json={"source": "ref", "target": "niemand"})
    assert response.status_code == 422
    client.get(url(demo, "report"), headers=admin)
    assert len(computed) == 1


# -- what-if --------------------------------------------------------------------------------------


def test_whatif_remove(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.get(url(demo, "whatif"), headers=admin, params={"remove": "hk, stadt"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["removed"] == ["hk", "stadt"]
    assert body["names"]["hk"] == "Helferkreis Asyl Musterstadt"
    assert body["before"]["n_actors"] == 25 and body["after"]["n_actors"] == 23
    assert "key_players" not in body
    assert_same(body, jsonable(whatif(demo_alliance(), ["hk", "stadt"])))


def test_whatif_tells_new_from_existing_gaps(client: TestClient, admin: dict[str, str],
                                             demo: dict[str, Any]) -> None:
    """Without the Catholic parish, the churches still meet no municipality or refugee
    organisation: the same sector gaps, by id — none of them listed as new."""
    before = {gap["id"] for gap in client.get(url(demo, "gaps"), headers=admin).json()}
    body = client.get(url(demo, "whatif"), headers=admin, params={"remove": "kath"}).json()
    assert {"missing_sector_link:church|municipality", "missing_sector_link:church|refugee"} <= before
    assert [gap["id"] for gap in body["new_gaps"] if gap["id"] in before] == []
    assert body["warnings"] == []
    isolated = client.get(url(demo, "whatif"), headers=admin, params={"remove": "ref"}).json()
    assert [w["kind"] for w in isolated["warnings"]] == ["unconnected_left"]
    assert "Geflüchtetenrat Musterstadt" in isolated["warnings"][0]["explanation"]["de"]


def test_whatif_key_players(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.get(url(demo, "whatif"), headers=admin, params={"key_players": 3})
    assert response.status_code == 200, response.text
    players = response.json()["key_players"]
    assert [p["rank"] for p in players] == [1, 2, 3]
    assert_same(players, jsonable(key_players(analyse(demo_alliance()).graph, 3)))
    names = {a["id"]: a["name"] for a in client.get(url(demo, "actors"), headers=admin,
                                                    params={"per_page": 100}).json()["actors"]}
    assert all(p["name"] == names[p["id"]] for p in players)

    both = client.get(url(demo, "whatif"), headers=admin, params={"remove": "hk", "key_players": 1}).json()
    assert both["removed"] == ["hk"] and len(both["key_players"]) == 1


@pytest.mark.parametrize("params", [{}, {"remove": " , "}, {"remove": "niemand"}, {"key_players": 21},
                                    {"key_players": -1}, {"remove": "hk", "group_by": "Lieblingsfarbe"}])
def test_whatif_bad_requests(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                             params: dict[str, Any]) -> None:
    response = client.get(url(demo, "whatif"), headers=admin, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


# -- waves ----------------------------------------------------------------------------------------


def test_wave_diff(client: TestClient, admin: dict[str, str], waves: dict[str, Any]) -> None:
    response = client.get(url(waves, "waves/diff"), headers=admin, params={"from": "2023", "to": "2024"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"]) == ("2023", "2024")
    assert_same(body, jsonable(diff_waves(io.read(waves["path"]), "2023", "2024")))
    assert len(body["ties_gained"]) == 9 and len(body["ties_lost"]) == 9
    assert body["network"]["n_ties"]["from"] == body["network"]["n_ties"]["to"] == 25


def test_wave_diff_for_funders(client: TestClient, keys: Any, waves: dict[str, Any]) -> None:
    response = client.get(url(waves, "waves/diff"), headers=keys.headers("funder"),
                          params={"from": "2023", "to": "2024"})
    assert response.status_code == 200
    body = response.json()
    assert body.keys() == {"from", "to", "network", "ties_gained", "ties_lost", "ties_unknown"}
    assert (body["ties_gained"], body["ties_lost"], body["ties_unknown"]) == (9, 9, 0)  # no survey
    full = client.get(url(waves, "waves/diff"), headers=keys.headers("admin"),
                      params={"from": "2023", "to": "2024"}).json()
    assert_same(body["network"], full["network"])


@pytest.mark.parametrize("params", [{"from": "2023", "to": "2099"}, {"from": "2023"}, {}])
def test_wave_diff_bad_requests(client: TestClient, admin: dict[str, str], waves: dict[str, Any],
                                params: dict[str, str]) -> None:
    response = client.get(url(waves, "waves/diff"), headers=admin, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


# -- export ---------------------------------------------------------------------------------------

EXPORTS = {"xlsx": "alliance.xlsx", "graphml": "alliance.graphml", "gexf": "alliance.gexf",
           "json": "alliance.json", "csv": "alliance.zip"}


@pytest.mark.parametrize("fmt", list(EXPORTS))
def test_export_reads_back(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                           tmp_path: Path, fmt: str) -> None:
    response = client.get(url(demo, "export"), headers=admin, params={"format": fmt})
    assert response.status_code == 200, response.text
    assert f'filename="{EXPORTS[fmt]}"' in response.headers["content-disposition"]
    path = tmp_path / EXPORTS[fmt]
    path.write_bytes(response.content)
    exported = io.read(path)
    original = demo_alliance()
    assert list(exported.actors["id"]) == list(original.actors["id"])
    assert list(exported.actors["name"]) == list(original.actors["name"])
    assert list(exported.actors["type"]) == list(original.actors["type"])
    assert list(exported.actors["Ehrenamtliche"].astype(int)) == list(original.actors["Ehrenamtliche"])
    assert (exported.n_ties, exported.weighted, exported.directed) == (34, True, False)
    assert list(exported.ties["weight"]) == list(original.ties["weight"])
    assert exported.name == original.name


@pytest.mark.parametrize("fmt", ["xlsx", "graphml", "gexf"])
def test_export_of_a_name_with_control_characters(client: TestClient, admin: dict[str, str],
                                                  tmp_path: Path, fmt: str) -> None:
    """XML cannot hold most control characters: the export writes them as spaces."""
    body = {**TINY_ALLIANCES["no_ties"], "name": "Nord\x01\x0bSüd", "meta": {"region": "Mitte\x1f"}}
    created = client.post(ALLIANCES, headers=admin, json=body)
    assert created.status_code == 201, created.text
    response = client.get(url(created.json()["id"], "export"), headers=admin, params={"format": fmt})
    assert response.status_code == 200, response.text
    path = tmp_path / EXPORTS[fmt]
    path.write_bytes(response.content)
    assert io.read(path).name == "Nord  Süd"


def test_export_default_is_xlsx(client: TestClient, admin: dict[str, str], demo: dict[str, Any]) -> None:
    response = client.get(url(demo, "export"), headers=admin)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert client.get(url(demo, "export"), headers=admin, params={"format": "pdf"}).status_code == 422


def test_export_for_researchers_is_pseudonymised(client: TestClient, keys: Any, tmp_path: Path) -> None:
    response = client.get(url(keys.own, "export"), headers=keys.headers("researcher"),
                          params={"format": "csv"})
    assert response.status_code == 200
    path = tmp_path / "alliance.zip"
    path.write_bytes(response.content)
    exported = io.read(path)
    assert all(PSEUDONYM.match(i) for i in exported.actors["id"])
    assert list(exported.actors["name"]) == list(exported.actors["id"])
    assert set(exported.ties["source"]) | set(exported.ties["target"]) <= set(exported.actors["id"])
    assert exported.n_ties == 34
    # the same pseudonyms as in the researcher's metrics
    actors = client.get(url(keys.own, "actors"), headers=keys.headers("researcher"),
                        params={"per_page": 100}).json()["actors"]
    assert sorted(a["id"] for a in actors) == sorted(exported.actors["id"])


# -- alliances without actors or ties ---------------------------------------------------------

TINY_ALLIANCES = {
    "no_actors": {"name": "X"},
    "one_actor": {"name": "Allein", "actors": [{"id": "a", "name": "A", "type": "Kirche"}]},
    "no_ties": {"name": "Getrennt", "actors": [{"id": "a", "name": "A", "type": "Kirche"},
                                              {"id": "b", "name": "B", "type": "MSO"}]},
}


@pytest.mark.parametrize("name", TINY_ALLIANCES)
def test_tiny_alliances_are_analysed(client: TestClient, admin: dict[str, str], name: str) -> None:
    """An alliance just created (no actors yet), or with one actor or no ties: every analysis answers."""
    created = client.post(ALLIANCES, headers=admin, json=TINY_ALLIANCES[name])
    assert created.status_code == 201, created.text
    base = f"{ALLIANCES}/{created.json()['id']}"
    n = created.json()["n_actors"]
    for path in ("/report", "/gaps", "/health", "/actors", "/layout", "/whatif?key_players=2",
                 "/report?group_by=type", "/actors?format=csv"):
        response = client.get(base + path, headers=admin)
        assert response.status_code == 200, (path, response.text)
    assert client.get(base + "/report", headers=admin).json()["network"]["n_actors"] == n
    assert client.get(base + "/actors", headers=admin).json()["total"] == n
    health = {entry["indicator"]: entry for entry in client.get(base + "/health", headers=admin).json()}
    assert (health["cohesion"]["value"] is None) == (n == 0)
    if n == 0:  # nothing to act on yet: no gap, not even "no refugee organisation"
        assert client.get(base + "/gaps", headers=admin).json() == []
        assert client.get(base + "/report", headers=admin).json()["top_steps"] == []
    if n:
        leaving = client.get(base + "/whatif", headers=admin, params={"remove": "a"})
        assert leaving.status_code == 200, leaving.text
        assert leaving.json()["after"]["n_actors"] == n - 1

"""Every endpoint for every caller: no key, an invalid key, and each role.

Roles as the design has them: admins do everything; coordinators read and write the alliances
they are given (403 on others); researchers read the metrics of every alliance with actors as
pseudonyms, never write and never see raw ties; funders see the list, an alliance's metadata, its
report at network level, health, the aggregate wave diff and the comparisons, and nothing about
single actors. /healthz and /readyz need no key. The table must name every route there is.

One database per module (per backend): reads go to a fixed pair of alliances, and each write goes
to a fresh small alliance of its own, so that the cases do not depend on each other.
"""

from __future__ import annotations

import csv
import importlib
import io
import pkgutil
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import api.routes
from api.security import create_key, find_key
from netz.analysis.report import report
from netz.core import io as netz_io
from tests.factories import make_alliance

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "datasets" / "demo-buendnis"
ALLIANCES = "/api/v1/alliances"
PSEUDONYM = re.compile(r"A-[0-9a-f]{16,64}")
MISSING = 999999  # an alliance id no test makes
INVALID_KEY = "netz_000000000000_not-a-key-anyone-was-given"

CALLERS = ["no key", "invalid key", "admin", "coordinator (own)", "coordinator (other)", "researcher",
           "funder"]
EVERYONE = frozenset({"admin", "coordinator", "researcher", "funder"})
READERS = EVERYONE
ANALYSTS = frozenset({"admin", "coordinator", "researcher"})
EDITORS = frozenset({"admin", "coordinator"})
ADMINS = frozenset({"admin"})

SURVEY = {"wave": "2031", "closes_at": "2099-01-01T00:00:00Z"}
SMALL = {
    "name": "Kleines Bündnis",
    "meta": {"land": "Bremen"},
    "actors": [{"id": "a", "name": "A", "type": "Initiative"}, {"id": "b", "name": "B", "type": "Kirche"},
               {"id": "c", "name": "C", "type": "Stadt"}, {"id": "d", "name": "D", "type": "MSO"}],
    "ties": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}, {"source": "c", "target": "d"}],
}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str                  # "{id}" stands for the alliance; "{key}" for a fresh coordinator
                               # key given "{own}", the coordinator's alliance
    allowed: frozenset[str]    # roles; a coordinator only on alliances it is given
    ok: int = 200
    json: dict[str, Any] | None = None
    upload: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    public: bool = False       # needs no key
    long: bool = False         # may be answered 202 with a background job instead of ``ok``

    @property
    def route(self) -> str:
        """The path as the router declares it."""
        path = self.path.replace("{id}", "{alliance_id}").replace("{key}", "{key_id}").replace(
            "{own}", "{alliance_id}")
        path = re.sub(r"/jobs/0+$", "/jobs/{job_id}", path).replace("{survey}", "{survey_id}")
        path = re.sub(r"/links/a$", "/links/{actor_id}", re.sub(r"/answers/b$", "/answers/{partner}", path))
        return re.sub(r"/ties/1$", "/ties/{position}", re.sub(r"/actors/a$", "/actors/{actor_id}", path))

    @property
    def scoped(self) -> bool:
        """Bound to an alliance: by its id, or by one of its surveys."""
        return "{id}" in self.path or "{survey}" in self.path

    @property
    def by_id(self) -> bool:
        return "{id}" in self.path

    @property
    def writes(self) -> bool:
        return self.method != "GET"


ENDPOINTS = [
    Endpoint("healthz", "GET", "/healthz", EVERYONE, public=True),
    Endpoint("readyz", "GET", "/readyz", EVERYONE, public=True),
    Endpoint("list alliances", "GET", ALLIANCES, EVERYONE),
    Endpoint("create alliance", "POST", ALLIANCES, EDITORS, 201, json=SMALL),
    Endpoint("import alliance", "POST", f"{ALLIANCES}/import", EDITORS, 201, upload=True,
             params={"duplicate_name": True}),
    Endpoint("import preview", "POST", f"{ALLIANCES}/import/preview", EDITORS, upload=True),
    Endpoint("revision preview", "POST", f"{ALLIANCES}/{{id}}/revisions/preview", EDITORS, upload=True),
    Endpoint("revision", "POST", f"{ALLIANCES}/{{id}}/revisions", EDITORS, upload=True),
    Endpoint("undo state", "GET", f"{ALLIANCES}/{{id}}/undo", EDITORS),
    Endpoint("undo", "POST", f"{ALLIANCES}/{{id}}/undo", EDITORS, 409),  # a fresh alliance: nothing to undo
    Endpoint("get alliance", "GET", f"{ALLIANCES}/{{id}}", READERS),
    Endpoint("patch alliance", "PATCH", f"{ALLIANCES}/{{id}}", EDITORS, json={"name": "Umbenannt"}),
    Endpoint("delete alliance", "DELETE", f"{ALLIANCES}/{{id}}", EDITORS, 204),
    Endpoint("list actors", "GET", f"{ALLIANCES}/{{id}}/actors", ANALYSTS),
    Endpoint("create actor", "POST", f"{ALLIANCES}/{{id}}/actors", EDITORS, 201,
             json={"id": "e", "name": "E", "type": "Schule"}),
    Endpoint("patch actor", "PATCH", f"{ALLIANCES}/{{id}}/actors/a", EDITORS, json={"name": "A2"}),
    Endpoint("delete actor", "DELETE", f"{ALLIANCES}/{{id}}/actors/a", EDITORS),
    Endpoint("list ties", "GET", f"{ALLIANCES}/{{id}}/ties", EDITORS),
    Endpoint("create tie", "POST", f"{ALLIANCES}/{{id}}/ties", EDITORS, 201,
             json={"source": "a", "target": "d"}),
    Endpoint("patch tie", "PATCH", f"{ALLIANCES}/{{id}}/ties/1", EDITORS, json={"kind": "Information"}),
    Endpoint("delete tie", "DELETE", f"{ALLIANCES}/{{id}}/ties/1", EDITORS),
    Endpoint("report", "GET", f"{ALLIANCES}/{{id}}/report", READERS),
    Endpoint("gaps", "GET", f"{ALLIANCES}/{{id}}/gaps", READERS),
    Endpoint("health", "GET", f"{ALLIANCES}/{{id}}/health", READERS),
    Endpoint("whatif", "GET", f"{ALLIANCES}/{{id}}/whatif", ANALYSTS, params={"key_players": 2}),
    Endpoint("waves diff", "GET", f"{ALLIANCES}/{{id}}/waves/diff", READERS,
             params={"from": "2023", "to": "2024"}),
    Endpoint("export", "GET", f"{ALLIANCES}/{{id}}/export", ANALYSTS, params={"format": "json"}),
    Endpoint("layout", "GET", f"{ALLIANCES}/{{id}}/layout", ANALYSTS),
    Endpoint("report pdf", "GET", f"{ALLIANCES}/{{id}}/report.pdf", ANALYSTS),
    Endpoint("create key", "POST", "/api/v1/keys", ADMINS, 201, json={"role": "funder"}),
    Endpoint("list keys", "GET", "/api/v1/keys", ADMINS),
    Endpoint("current key", "GET", "/api/v1/keys/current", EVERYONE),
    Endpoint("revoke key", "POST", "/api/v1/keys/{key}/revoke", ADMINS),
    Endpoint("key expiry", "PATCH", "/api/v1/keys/{key}", ADMINS, json={"expires": "2099-01-01T00:00:00Z"}),
    Endpoint("grant alliance", "PUT", "/api/v1/keys/{key}/alliances/{own}", ADMINS),
    Endpoint("withdraw alliance", "DELETE", "/api/v1/keys/{key}/alliances/{own}", ADMINS),
    Endpoint("audit log", "GET", "/api/v1/audit", ADMINS),
    Endpoint("compare", "GET", "/api/v1/compare", EVERYONE, params={"null_samples": 2}),
    Endpoint("compare trends", "GET", "/api/v1/compare/trends", EVERYONE),
    Endpoint("programme", "GET", "/api/v1/programme", EVERYONE, long=True),
    Endpoint("programme charts", "GET", "/api/v1/programme/charts/{id}", READERS, long=True),
    Endpoint("programme xlsx", "GET", "/api/v1/programme/overview.xlsx", EVERYONE, long=True),
    Endpoint("programme pdf", "GET", "/api/v1/programme/report.pdf", EVERYONE, long=True),
    # surveys: "{survey}" is a fresh survey of the alliance the call is about; "{token}" a personal
    # link of a fresh survey, whose respondent has consented (respondents need no key)
    Endpoint("start survey", "POST", f"{ALLIANCES}/{{id}}/surveys", EDITORS, 201, json=SURVEY),
    Endpoint("list surveys", "GET", f"{ALLIANCES}/{{id}}/surveys", READERS),
    Endpoint("close survey", "POST", f"{ALLIANCES}/{{id}}/surveys/{{survey}}/close", EDITORS),
    Endpoint("get survey", "GET", "/api/v1/surveys/{survey}", READERS),
    Endpoint("patch survey", "PATCH", "/api/v1/surveys/{survey}", EDITORS,
             json={"closes_at": "2099-06-01T00:00:00Z"}),
    Endpoint("survey links", "GET", "/api/v1/surveys/{survey}/links", EDITORS),
    Endpoint("survey letters", "GET", "/api/v1/surveys/{survey}/letters", EDITORS),
    Endpoint("survey letters as PDF", "GET", "/api/v1/surveys/{survey}/letters.pdf", EDITORS),
    Endpoint("reissue link", "POST", "/api/v1/surveys/{survey}/links/a", EDITORS),
    Endpoint("add to roster", "POST", "/api/v1/surveys/{survey}/roster", EDITORS, 201,
             json={"id": "z", "name": "Z", "type": "Verein"}),
    Endpoint("merged survey ties", "GET", "/api/v1/surveys/{survey}/ties", ANALYSTS),
    Endpoint("questionnaire", "GET", "/api/v1/respond/{token}", EVERYONE, public=True),
    Endpoint("consent", "POST", "/api/v1/respond/{token}/consent", EVERYONE, public=True),
    Endpoint("save answer", "PUT", "/api/v1/respond/{token}/answers/b", EVERYONE, json={"frequency": 2},
             public=True),
    Endpoint("remove answer", "DELETE", "/api/v1/respond/{token}/answers/b", EVERYONE, public=True),
    Endpoint("missing partners", "PUT", "/api/v1/respond/{token}/missing", EVERYONE, json={"text": "Tafel"},
             public=True),
    Endpoint("submit answers", "POST", "/api/v1/respond/{token}/submit", EVERYONE, public=True),
    Endpoint("withdraw answers", "DELETE", "/api/v1/respond/{token}", EVERYONE, public=True),
    # a job only its key sees (tests/api/routes/test_jobs.py): here one that no key made
    Endpoint("job", "GET", "/api/v1/jobs/" + "0" * 32, EVERYONE, 404),
]


def demo_with_waves() -> Any:
    """The demo alliance observed in two waves (so that the wave diff has something to compare)."""
    demo = netz_io.read(DEMO)
    ties = demo.ties.copy()
    ties["wave"] = [("2023" if i % 4 == 0 else "2024" if i % 4 == 1 else None) for i in range(len(ties))]
    return demo.replace_ties(ties)


@dataclass
class World:
    client: TestClient
    keys: dict[str, str]
    own: int      # the demo alliance with waves, given to the coordinator
    other: int    # an alliance the coordinator is not given
    ids: set[str]
    names: set[str]
    upload: bytes
    surveys: int = 0

    def headers(self, caller: str) -> dict[str, str]:
        if caller == "no key":
            return {}
        key = INVALID_KEY if caller == "invalid key" else self.keys[caller.split(" ")[0]]
        return {"Authorization": f"Bearer {key}"}

    def new_alliance(self, caller: str) -> int:
        """A fresh small alliance: the coordinator's own when it is the caller on its own alliance."""
        role = "coordinator" if caller == "coordinator (own)" else "admin"
        response = self.client.post(ALLIANCES, headers=self.headers(role), json=SMALL)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def new_survey(self, alliance: int | None) -> int:
        """A fresh open survey of the alliance (its wave label unused so far)."""
        self.surveys += 1
        response = self.client.post(f"{ALLIANCES}/{alliance}/surveys", headers={
            **self.headers("admin"), "If-Match": "*"}, json={**SURVEY, "wave": f"s{self.surveys}"})
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def new_token(self) -> str:
        """A personal link's token of actor "a" of a fresh survey of a fresh alliance, consented."""
        survey = self.client.get(f"/api/v1/surveys/{self.new_survey(self.new_alliance('admin'))}/links",
                                 headers=self.headers("admin")).json()
        token = str(survey[0]["link"].rsplit("/", 1)[1])
        assert self.client.post(f"/api/v1/respond/{token}/consent").status_code == 200
        return token

    def call(self, endpoint: Endpoint, caller: str, alliance: int | None = None) -> Any:
        if alliance is None and endpoint.scoped:
            if endpoint.writes and caller not in ("no key", "invalid key"):
                alliance = self.new_alliance(caller)
            else:
                alliance = self.other if caller == "coordinator (other)" else self.own
        headers = self.headers(caller)
        path = endpoint.path
        if "{survey}" in path:
            survey = self.new_survey(alliance if alliance != MISSING else self.own)
            path = path.replace("{survey}", str(survey))
        if "{token}" in path:
            path = path.replace("{token}", self.new_token())
        if endpoint.writes and endpoint.by_id:
            headers["If-Match"] = f'"{alliance}-1"' if alliance != self.own else "*"
        files = {"file": ("klein.json", self.upload, "application/json")} if endpoint.upload else None
        path = path.replace("{id}", str(alliance)).replace("{own}", str(self.own))
        if "{key}" in path:
            app = cast(FastAPI, self.client.app)
            with app.state.database.sessions() as session:
                target = find_key(session, create_key(session, "coordinator", alliances=[self.own]))
            path = path.replace("{key}", str(target.id))
        return self.client.request(endpoint.method, path,
                                   headers=headers, params=endpoint.params, json=endpoint.json, files=files)


@pytest.fixture(scope="module")
def world(app: FastAPI, reset_database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    reset_database()
    folder = tmp_path_factory.mktemp("roles")
    with app.state.database.sessions() as session:
        admin = create_key(session, "admin")
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {admin}"}
        path = netz_io.write(demo_with_waves(), folder / "demo-wellen.json")
        own = client.post(f"{ALLIANCES}/import", headers=headers,
                          files={"file": (path.name, path.read_bytes(), "application/json")}).json()["id"]
        other = client.post(ALLIANCES, headers=headers, json={**SMALL, "name": "Anderes"}).json()["id"]
        with app.state.database.sessions() as session:
            keys = {"admin": admin, "coordinator": create_key(session, "coordinator", alliances=[own]),
                    "researcher": create_key(session, "researcher"), "funder": create_key(session, "funder")}
        demo = netz_io.read(DEMO)
        small = netz_io.write(make_alliance(["church", "refugee"], [("a", "b")]), folder / "klein.json")
        yield World(client, keys, own, other, set(demo.actors["id"]), set(demo.actors["name"]),
                    small.read_bytes())


def expected(endpoint: Endpoint, caller: str) -> int:
    if endpoint.public:
        return endpoint.ok
    if caller in ("no key", "invalid key"):
        return 401
    role = caller.split(" ")[0]
    if role not in endpoint.allowed or (caller == "coordinator (other)" and endpoint.scoped):
        return 403
    return endpoint.ok


def test_the_table_has_every_endpoint() -> None:
    modules = [importlib.import_module(f"api.routes.{module.name}")
               for module in pkgutil.iter_modules(api.routes.__path__)]
    routes = {(method, route.path) for module in modules for route in module.router.routes
              if isinstance(route, APIRoute) for method in route.methods}
    assert {(e.method, e.route) for e in ENDPOINTS} == routes


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_access(world: World, endpoint: Endpoint, caller: str) -> None:
    response = world.call(endpoint, caller)
    status = response.status_code
    if endpoint.long and status == 202:  # a background job was started: access was granted
        status = endpoint.ok
    assert status == expected(endpoint, caller), response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code
    if response.status_code == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("caller", ["admin", "coordinator (own)", "researcher", "funder"])
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.by_id],
                         ids=[e.name for e in ENDPOINTS if e.by_id])
def test_unknown_alliance(world: World, endpoint: Endpoint, caller: str) -> None:
    """404 for an alliance that does not exist, to every role that could use one that does."""
    response = world.call(endpoint, caller, alliance=MISSING)
    allowed = caller.split(" ")[0] in endpoint.allowed
    assert response.status_code == (404 if allowed else 403), response.text


def test_coordinator_lists_only_its_alliances(world: World) -> None:
    listed = world.client.get(ALLIANCES, headers=world.headers("coordinator (own)")).json()
    assert world.own in {a["id"] for a in listed}
    assert world.other not in {a["id"] for a in listed}
    def listed(caller: str) -> set[int]:
        return {a["id"] for a in world.client.get(ALLIANCES, headers=world.headers(caller)).json()}

    assert listed("researcher") == listed("funder") == listed("admin")


def test_researcher_reads_metrics_of_every_alliance(world: World) -> None:
    for alliance in (world.own, world.other):
        response = world.client.get(f"{ALLIANCES}/{alliance}/actors", headers=world.headers("researcher"))
        assert response.status_code == 200
        assert all(PSEUDONYM.fullmatch(a["id"]) for a in response.json()["actors"])


# -- what researchers and funders see -------------------------------------------------------------


def strings(value: Any) -> Iterator[str]:
    """Every string in JSON data, keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def assert_no_identities(world: World, texts: list[str], where: str) -> None:
    """No real actor id (as a whole string) and no real actor name (anywhere in a string)."""
    ids = [t for t in texts if t in world.ids]
    names = [(t, n) for t in texts for n in world.names if n in t]
    assert not ids, f"{where} shows real actor ids: {ids[:5]}"
    assert not names, f"{where} shows real actor names: {names[:5]}"


def researcher_pseudonym(world: World) -> str:
    actors = world.client.get(f"{ALLIANCES}/{world.own}/actors", headers=world.headers("researcher"),
                              params={"sort": "degree", "order": "desc"}).json()["actors"]
    return str(actors[0]["id"])


RESEARCHER_READS = [
    ("report", {}), ("gaps", {}), ("health", {}), ("actors", {"per_page": 100}),
    ("actors", {"format": "csv", "per_page": 100}), ("whatif", {"key_players": 3}),
    ("waves/diff", {"from": "2023", "to": "2024"}), ("report", {"wave": "2023", "group_by": "Ehrenamtliche"}),
    ("layout", {}),
]


@pytest.mark.parametrize(("tail", "params"), RESEARCHER_READS, ids=[f"{t} {p}" for t, p in RESEARCHER_READS])
def test_researchers_see_pseudonyms_only(world: World, tail: str, params: dict[str, Any]) -> None:
    response = world.client.get(f"{ALLIANCES}/{world.own}/{tail}", headers=world.headers("researcher"),
                                params=params)
    assert response.status_code == 200, response.text
    if params.get("format") == "csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        texts = [cell for row in rows for cell in row]
        assert all(PSEUDONYM.fullmatch(row[0]) for row in rows[1:])
    else:
        texts = list(strings(response.json()))
    assert_no_identities(world, texts, tail)
    assert any(PSEUDONYM.fullmatch(t) for t in texts) or tail == "health"


def test_researchers_whatif_by_pseudonym(world: World) -> None:
    code = researcher_pseudonym(world)
    response = world.client.get(f"{ALLIANCES}/{world.own}/whatif", headers=world.headers("researcher"),
                                params={"remove": code})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["removed"] == [code]
    assert body["names"][code] == code
    assert_no_identities(world, list(strings(body)), "whatif")
    # a real id means nothing to the researcher's view of the alliance
    real = world.client.get(f"{ALLIANCES}/{world.own}/whatif", headers=world.headers("researcher"),
                            params={"remove": "hk"})
    assert real.status_code == 422


@pytest.mark.parametrize("fmt", ["xlsx", "graphml", "gexf", "json", "csv"])
def test_researchers_export_pseudonyms_only(world: World, tmp_path: Path, fmt: str) -> None:
    response = world.client.get(f"{ALLIANCES}/{world.own}/export", headers=world.headers("researcher"),
                                params={"format": fmt})
    assert response.status_code == 200
    path = tmp_path / ("alliance.zip" if fmt == "csv" else f"alliance.{fmt}")
    path.write_bytes(response.content)
    exported = netz_io.read(path)
    texts = [str(v) for frame in (exported.actors, exported.ties) for v in frame.to_numpy().ravel()]
    assert_no_identities(world, texts, f"export {fmt}")
    assert all(PSEUDONYM.fullmatch(i) for i in exported.actors["id"])
    if fmt == "csv":
        with zipfile.ZipFile(path) as archive:
            raw = [archive.read(n).decode("utf-8-sig") for n in archive.namelist()]
    elif fmt == "xlsx":
        with zipfile.ZipFile(path) as archive:
            raw = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml")]
    else:
        raw = [response.content.decode()]
    for text in raw:  # the file itself, not only what netz reads from it
        assert not [n for n in world.names if n in text], f"export {fmt}"
        assert not [i for i in world.ids if f'"{i}"' in text or f">{i}<" in text], f"export {fmt}"


FUNDER_READS = [("", {}), ("report", {}), ("gaps", {}), ("health", {}),
                ("waves/diff", {"from": "2023", "to": "2024"})]


@pytest.mark.parametrize(("tail", "params"), FUNDER_READS, ids=[t or "alliance" for t, _ in FUNDER_READS])
def test_funders_see_no_actor(world: World, tail: str, params: dict[str, Any]) -> None:
    response = world.client.get(f"{ALLIANCES}/{world.own}/{tail}".rstrip("/"),
                                headers=world.headers("funder"), params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    texts = list(strings(body))
    assert_no_identities(world, texts, tail)
    assert not [t for t in texts if PSEUDONYM.search(t)], f"{tail} shows pseudonymised actor ids"
    if tail == "report":
        assert body["actors"] == []
        assert body["gaps"] and all(gap.keys() == {"kind", "severity", "count"} for gap in body["gaps"])
        assert body["network"]["communities"].keys() <= {"count", "modularity", "method"}
        # the latest wave (2024): the actors with a tie in it, and those without any tie
        assert body["network"]["n_actors"] == report(demo_with_waves())["network"]["n_actors"] < 25
    if tail == "gaps":
        assert sum(gap["count"] for gap in body) >= 1
        assert all(gap.keys() == {"kind", "severity", "count"} for gap in body)
    if tail == "health":
        assert all("explanation" not in item for item in body)
    if tail == "waves/diff":
        assert isinstance(body["ties_gained"], int) and isinstance(body["ties_lost"], int)


@pytest.mark.parametrize("path", [ALLIANCES, "/api/v1/compare?null_samples=2", "/api/v1/compare/trends"])
def test_funders_lists_show_no_actor(world: World, path: str) -> None:
    response = world.client.get(path, headers=world.headers("funder"))
    assert response.status_code == 200
    texts = list(strings(response.json()))
    assert_no_identities(world, texts, path)
    assert not [t for t in texts if PSEUDONYM.search(t)]

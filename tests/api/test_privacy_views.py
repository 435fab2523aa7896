"""What researchers and funders can learn about single actors: every GET route, every variant.

The alliance here has distinctive actor ids, names, a text attribute and numeric attributes whose
values (nine digits) occur nowhere by chance. The funder walks every GET route of the OpenAPI
document with every value of every enumerated parameter (the CSV and export formats too), every
actor column to group by and several waves, and no response may show an actor's id, name,
pseudonym or attribute value. The researcher walks the same and may see pseudonyms, but no real
id or name and no raw attribute value. Neither may see metadata other than the listed fields
(:data:`netz.analysis.privacy.SHARED_META`): not a contact or a note a coordinator put there,
nor who answered a survey. See ``docs/privacy.md`` for the rules.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.models import AllianceRow
from api.reports import funder_view, research_view
from api.security import create_key
from netz.analysis.report import report
from netz.analysis.survey import RESPONSE_META
from netz.core import io as netz_io
from netz.core.metrics import ACTOR_METRIC_FIELDS
from netz.core.model import Alliance
from tests.factories import make_alliance

ALLIANCES = "/api/v1/alliances"
#: Any pseudonym, also of the 32-bit kind netz used to make.
ANY_PSEUDONYM = re.compile(r"A-[0-9a-f]{8,}")
TYPES = ["initiative"] * 6 + ["church"] * 5 + ["municipality"] + ["refugee"] * 2 + ["public"]
IDS = [f"qzid{n:02d}x" for n in range(len(TYPES))]
NAMES = [f"Quokkaverein Zettelbach {n:02d}" for n in range(len(TYPES))]
VOLUNTEERS = [731904826 + 1_000_117 * n for n in range(len(TYPES))]
BUDGETS = [482617395.5 + 2_003_101 * n for n in range(len(TYPES))]
CONTACTS = [f"kontakt.qz{n:02d}@zettelbach.example" for n in range(len(TYPES))]
#: Free text a coordinator keeps in the alliance's metadata (not among the listed fields).
ALLIANCE_NOTES = {"kontakt": "Frau Quokkamüller, 0171 5550199", "notes": "Notiz: Streit mit qz-Kirche"}
#: Who answered the survey of the second wave: all but the two ends of a chord of the first.
RESPONDENTS = [i for i in IDS if i not in (IDS[2], IDS[12])]
#: Every value a researcher must not see (the funder must not see pseudonyms either).
SECRETS = [*IDS, *NAMES, *CONTACTS, *(str(v) for v in VOLUNTEERS), *(str(int(b)) for b in BUDGETS),
           *ALLIANCE_NOTES.values()]
WAVES = ("2023", "2024")
#: Parameters whose default would make the walk slow or do nothing, and required ones.
FIXED = {"null_samples": 2, "key_players": 3, "per_page": 1000, "from": WAVES[0], "to": WAVES[1]}


def distinctive_alliance() -> Alliance:
    """15 actors in a ring (ties without a wave, so every actor takes part in both waves), with
    wave-specific chords."""
    n = len(IDS)
    ring = [(IDS[i], IDS[(i + 1) % n]) for i in range(n)]
    chords = [(IDS[i], IDS[(i + 5) % n]) for i in range(0, n, 2)]
    alliance = make_alliance(
        dict(zip(IDS, TYPES, strict=True)), ring + chords,
        attributes={i: {"Ehrenamtliche": v, "Budget": b, "Kontakt": c}
                    for i, v, b, c in zip(IDS, VOLUNTEERS, BUDGETS, CONTACTS, strict=True)},
        meta={"name": "Bündnis Zettelbach", "land": "Bremen", "founded": 2016, **ALLIANCE_NOTES},
    )
    actors = alliance.actors.copy()
    actors["name"] = NAMES
    ties = alliance.ties.copy()
    ties["wave"] = [None] * n + [WAVES[i % 2] for i in range(len(chords))]
    return Alliance(actors, ties, alliance.directed, alliance.weighted, alliance.meta)


@dataclass
class World:
    client: TestClient
    app: FastAPI
    keys: dict[str, str]
    alliance: int
    survey: int

    def get(self, role: str, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params=params, headers={"Authorization": f"Bearer {self.keys[role]}"})


@pytest.fixture(scope="module")
def world(app: FastAPI, reset_database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    reset_database()
    path = netz_io.write(distinctive_alliance(), tmp_path_factory.mktemp("privacy") / "zettelbach.json")
    with app.state.database.sessions() as session:
        keys = {role: create_key(session, role) for role in ("admin", "researcher", "funder")}
    with TestClient(app) as client:
        created = client.post(f"{ALLIANCES}/import", headers={"Authorization": f"Bearer {keys['admin']}"},
                              files={"file": (path.name, path.read_bytes(), "application/json")})
        assert created.status_code == 201, created.text
        alliance = int(created.json()["id"])
        with app.state.database.sessions() as session:  # as closing a survey of wave 2024 records it
            row = session.get(AllianceRow, alliance)
            row.meta = {**row.meta, RESPONSE_META: {WAVES[1]: {
                "answered": len(RESPONDENTS), "asked": len(IDS), "respondents": RESPONDENTS,
                "nonrespondents": [i for i in IDS if i not in RESPONDENTS], "rule": "union",
                "reconstruct": False}}}
            session.commit()
        admin = {"Authorization": f"Bearer {keys['admin']}"}
        etag = client.get(f"{ALLIANCES}/{alliance}", headers=admin).headers["ETag"]
        closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=14)).isoformat()
        survey = client.post(f"{ALLIANCES}/{alliance}/surveys", json={"wave": "2027", "closes_at": closes},
                             headers={**admin, "If-Match": etag})
        assert survey.status_code == 201, survey.text
        yield World(client, app, keys, alliance, int(survey.json()["id"]))


def requests(app: FastAPI, alliance: int, survey: int) -> list[tuple[str, dict[str, Any]]]:
    """Every GET route of the OpenAPI document, once with its required parameters and once more
    for each value of each enumerated parameter, each actor column to group by, and each wave."""
    columns = ["type", "id", "name", "Ehrenamtliche", "Budget", "Kontakt"]
    calls = []
    for path, operations in app.openapi()["paths"].items():
        if "get" not in operations:
            continue
        # a job no key made (404): the jobs a funder makes are comparisons, walked here as /compare
        # a survey of the alliance; a respondent's link no key opens (the respondent's own routes
        # take no key and are tested in tests/api/routes/test_surveys.py)
        url = (path.replace("{alliance_id}", str(alliance)).replace("{job_id}", "0" * 32)
               .replace("{survey_id}", str(survey)).replace("{token}", "x" * 43))
        assert "{" not in url, f"no value for a path parameter of {path}: add one to this test"
        query = {p["name"]: p for p in operations["get"].get("parameters", []) if p["in"] == "query"}
        base = {name: value for name, value in FIXED.items() if name in query}
        if "alliances" in query:
            base["alliances"] = str(alliance)
        missing = [name for name, p in query.items() if p.get("required") and name not in base]
        assert not missing, f"no value for {missing} of {path}: add one to this test"
        calls.append((url, base))
        for name, parameter in query.items():
            schema = parameter["schema"]
            values = [*schema.get("enum", []),
                      *(v for option in schema.get("anyOf", []) for v in option.get("enum", []))]
            if name == "group_by":
                values = columns
            elif name == "wave":
                values = [*WAVES, "all"]
            elif name == "sort":
                values = ["Ehrenamtliche", "degree"]
            calls += [(url, {**base, name: value}) for value in values]
    return calls


def texts(response: Any) -> list[str]:
    """The body as text; every member's text for a zip (the CSV export, Excel)."""
    if response.content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return [archive.read(name).decode("utf-8-sig", errors="replace") for name in archive.namelist()]
    return [response.content.decode("utf-8", errors="replace")]


def shown(response: Any, secrets: list[str]) -> list[str]:
    return sorted({s for text in texts(response) for s in secrets if s in text})


def test_the_walk_covers_the_report_export_and_csv_variants(world: World) -> None:
    calls = requests(world.app, world.alliance, world.survey)
    report = f"{ALLIANCES}/{world.alliance}/report"
    assert (report, {"group_by": "name"}) in calls
    assert {params.get("format") for url, params in calls if url.endswith("/export")} >= {
        "xlsx", "graphml", "gexf", "json", "csv"}
    assert (f"{ALLIANCES}/{world.alliance}/actors", {"per_page": 1000, "format": "csv"}) in calls


def test_funders_see_no_actor_on_any_route(world: World) -> None:
    leaks = []
    for url, params in requests(world.app, world.alliance, world.survey):
        response = world.get("funder", url, params)
        found = shown(response, SECRETS)
        pseudonyms = sorted({m for text in texts(response) for m in ANY_PSEUDONYM.findall(text)})
        if found or pseudonyms:
            leaks.append(f"{url} {params} ({response.status_code}): {(found + pseudonyms)[:3]}")
    assert not leaks, "\n".join(leaks)


def test_researchers_see_no_real_actor_and_no_raw_attribute_on_any_route(world: World) -> None:
    leaks, pseudonymous = [], 0
    for url, params in requests(world.app, world.alliance, world.survey):
        response = world.get("researcher", url, params)
        found = shown(response, SECRETS)
        if found:
            leaks.append(f"{url} {params} ({response.status_code}): {found[:3]}")
        pseudonymous += any(ANY_PSEUDONYM.search(text) for text in texts(response))
    assert not leaks, "\n".join(leaks)
    assert pseudonymous > 10  # the walk did reach the researchers' actor data


@pytest.mark.parametrize("tail", ["report", "gaps", "health", "waves/diff"])
@pytest.mark.parametrize("group_by", ["name", "id"])
def test_funders_may_not_group_by_a_column_that_singles_out_actors(world: World, tail: str,
                                                                   group_by: str) -> None:
    waves = {"from": WAVES[0], "to": WAVES[1]} if tail == "waves/diff" else {}
    for _ in range(2):  # the report a second time, past the fast path's memory: refused again
        english = {"Authorization": f"Bearer {world.keys['funder']}", "Accept-Language": "en"}
        response = world.client.get(f"{ALLIANCES}/{world.alliance}/{tail}",
                                    params={"group_by": group_by, **waves}, headers=english)
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        detail = response.json()["detail"]
        assert f"'{group_by}'" in detail and "Grouping by" in detail
    german = world.client.get(f"{ALLIANCES}/{world.alliance}/{tail}", params={"group_by": group_by, **waves},
                              headers={"Authorization": f"Bearer {world.keys['funder']}",
                                       "Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert german.status_code == 403
    assert f"Gruppieren nach „{group_by}“" in german.json()["detail"]
    assert "Grouping" not in german.json()["detail"]


def test_the_refusal_holds_after_another_role_cached_the_report(world: World) -> None:
    url = f"{ALLIANCES}/{world.alliance}/report"
    for role in ("admin", "researcher"):
        assert world.get(role, url, {"group_by": "name"}).status_code == 200
    assert world.get("funder", url, {"group_by": "name"}).status_code == 403


def test_funders_group_by_coarse_columns(world: World) -> None:
    url = f"{ALLIANCES}/{world.alliance}/report"
    for group_by in ("type", "Ehrenamtliche"):
        body = world.get("funder", url, {"group_by": group_by}).json()
        sizes = body["network"]["mixing"]["sizes"]
        assert len(sizes) >= 2 and min(sizes.values()) >= 5, sizes
        assert body["actors"] == []
    assert world.get("funder", url).json() == world.get("funder", url, {"group_by": "type"}).json()


def test_funders_group_sizes_by_type_hold_k_actors(world: World) -> None:
    """The stored alliance has a municipality and a public actor of their own: funders see them
    only pooled (initiative 6, church 5; municipality 1, refugee 2, public 1 in 'other' with 4,
    fewer than 5: church, the smallest kept type, joins it)."""
    network = world.get("funder", f"{ALLIANCES}/{world.alliance}/report").json()["network"]
    assert network["mixing"]["sizes"] == {"initiative": 6, "other": 9}
    assert set(network["mixing"]["ei_index_by_group"]) == {"initiative", "other"}
    assert {t: n for t, n in network["actors_by_type"].items() if n} == {"initiative": 6, "other": 9}
    assert "actors_by_group" not in network


@pytest.fixture(scope="module")
def demo(world: World, demo_zip: bytes) -> int:
    """The demo alliance, imported next to the distinctive one: its id."""
    admin = {"Authorization": f"Bearer {world.keys['admin']}"}
    created = world.client.post(f"{ALLIANCES}/import", headers=admin,
                                files={"file": ("demo-buendnis.zip", demo_zip, "application/zip")})
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def admin_and_funder(world: World, alliance: int, tail: str = "report") -> tuple[Any, Any]:
    """The admin's and the funder's answer of one route."""
    url = f"{ALLIANCES}/{alliance}/{tail}"
    return world.get("admin", url).json(), world.get("funder", url).json()


def gap_counts(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter((gap["kind"], gap["severity"]) for gap in gaps)
    return [{"kind": kind, "severity": severity, "count": count}
            for (kind, severity), count in sorted(counts.items())]


def test_funders_see_the_coordinators_health_and_gap_counts(world: World, demo: int) -> None:
    """Failed before: with k = 5 every demo actor was 'other' for funders, so the refugee
    indicators and the sector gaps (isolated refugee organisation, sectors that never meet, a
    single bridging municipality) were missing or different."""
    full, funder = admin_and_funder(world, demo)
    fields = ("indicator", "value", "band", "description")  # never the finding, which may name actors
    assert funder["health"] == [{k: item[k] for k in fields} for item in full["health"]]
    assert funder["gaps"] == gap_counts(full["gaps"])
    assert {"refugee_exclusion", "missing_sector_link"} <= {gap["kind"] for gap in funder["gaps"]}
    assert full["top_steps"] and "top_steps" not in funder  # steps name actors
    for tail in ("gaps", "health"):
        assert admin_and_funder(world, demo, tail)[1] == funder[tail]


def test_funders_mixing_of_the_demo_is_by_pooled_groups(world: World, demo: int) -> None:
    """No type of the demo alliance has 5 actors: the default report pools them all, never refuses."""
    full, funder = admin_and_funder(world, demo)
    mixing = funder["network"]["mixing"]
    assert min(mixing["sizes"].values()) >= 5 and sum(mixing["sizes"].values()) == full["network"]["n_actors"]
    assert min(full["network"]["mixing"]["sizes"].values()) < 5  # what is being pooled
    assert all(n == 0 or n >= 5 for n in funder["network"]["actors_by_type"].values())
    assert funder["network"]["density"] == full["network"]["density"]


def test_researchers_see_coarse_types_and_bands(world: World) -> None:
    body = world.get("researcher", f"{ALLIANCES}/{world.alliance}/report").json()
    actors = body["actors"]
    # types of fewer than 2 actors (privacy_min_type_group): municipality (1) and public (1) are
    # 'other', which then holds 2; refugee (2) is kept: sector mixing is what researchers study
    assert sorted({a["type"] for a in actors}) == ["church", "initiative", "other", "refugee"]
    assert sum(a["type"] == "other" for a in actors) == 2
    assert {a["Ehrenamtliche"] for a in actors} == {"q1", "q2", "q3"}
    assert {a["Budget"] for a in actors} == {"q1", "q2", "q3"}
    full = world.get("admin", f"{ALLIANCES}/{world.alliance}/report").json()["actors"][0]
    # the allow-list keeps every metric of the report (netz.core.metrics.ACTOR_METRIC_FIELDS, which
    # tests/metrics/test_contract.py holds to the table the report is made of)
    assert set(full) - {"Kontakt"} == set(actors[0]) == {"id", "name", "type", "Ehrenamtliche", "Budget",
                                                         *ACTOR_METRIC_FIELDS}


def test_researchers_gaps_have_ids_and_the_top_steps_under_pseudonyms(world: World) -> None:
    """Failed before: researchers' gaps had no ``id`` (nor message keys, parameters, folds) and
    their report no ``top_steps``, though docs/privacy.md lists them: they are made of the
    de-identified alliance, so they name pseudonyms and coarse types only, as the explanations
    researchers always got do. (No real id or name in them: the walk over every route checks it.)"""
    url = f"{ALLIANCES}/{world.alliance}"
    body = world.get("researcher", f"{url}/report").json()
    gaps = world.get("researcher", f"{url}/gaps").json()
    assert gaps == body["gaps"] and gaps
    pseudonyms = {actor["id"] for actor in body["actors"]}
    for gap in gaps:
        assert {"id", "message", "suggestion_message", "params", "folds"} <= set(gap), gap
        assert gap["id"].split(":")[0] == gap["kind"]
        assert set(gap["actors"]) <= pseudonyms
    ids = {gap["id"] for gap in gaps}
    steps = body["top_steps"]
    assert steps and {step["finding"] for step in steps} <= ids
    assert [step["rank"] for step in steps] == list(range(1, len(steps) + 1))
    text = json.dumps([gaps, steps], ensure_ascii=False)
    assert not [secret for secret in SECRETS if secret in text]
    assert set(ANY_PSEUDONYM.findall(text)) <= pseudonyms


def test_the_threshold_is_a_setting(make_app: Any, world: World) -> None:
    app = make_app(privacy_min_group=1, privacy_min_type_group=1, report_memory_bytes=0)
    with TestClient(app) as client:
        body = client.get(f"{ALLIANCES}/{world.alliance}/report", params={"group_by": "Ehrenamtliche"},
                          headers={"Authorization": f"Bearer {world.keys['researcher']}"}).json()
        assert sorted({a["type"] for a in body["actors"]}) == sorted(set(TYPES))
        assert {a["Ehrenamtliche"] for a in body["actors"]} == {"q1", "q2", "q3", "q4"}
        funder = client.get(f"{ALLIANCES}/{world.alliance}/report", params={"group_by": "name"},
                            headers={"Authorization": f"Bearer {world.keys['funder']}"})
        assert funder.status_code == 403  # names single out actors whatever the threshold


def test_the_researchers_type_threshold_is_a_setting(make_app: Any, world: World) -> None:
    app = make_app(privacy_min_type_group=5, report_memory_bytes=0)
    with TestClient(app) as client:
        body = client.get(f"{ALLIANCES}/{world.alliance}/report",
                          headers={"Authorization": f"Bearer {world.keys['researcher']}"}).json()
        # municipality, refugee, public: 4 in 'other', fewer than 5: church (5) joins it
        assert sorted({a["type"] for a in body["actors"]}) == ["initiative", "other"]
        assert {a["Ehrenamtliche"] for a in body["actors"]} == {"q1", "q2", "q3"}  # bands keep k = 5


def test_the_export_path_is_written_de_identified(world: World, tmp_path: Path) -> None:
    response = world.get("researcher", f"{ALLIANCES}/{world.alliance}/export", {"format": "csv"})
    path = tmp_path / "alliance.zip"
    path.write_bytes(response.content)
    exported = netz_io.read(path)
    assert list(exported.actors.columns) == ["id", "name", "type", "Ehrenamtliche", "Budget"]
    assert exported.n_actors == len(IDS) and exported.actors["id"].str.fullmatch(r"A-[0-9a-f]{16}").all()


def test_the_views_are_allow_lists() -> None:
    """A field the report gains later reaches neither researchers nor funders until it is listed."""
    full = report(distinctive_alliance())
    full["network"]["new_figure"] = "x"
    full["network"]["mixing"]["new_figure"] = "x"
    full["network"]["communities"]["members"] = [IDS]
    full["actors"][0]["new_metric"] = 1.0
    full["gaps"][0]["new_field"] = "x"
    full["health"][0]["new_field"] = "x"
    full["top_steps"][0]["new_field"] = "x"
    full["alliance"].update(ALLIANCE_NOTES)
    for view in (research_view(full, ["Ehrenamtliche"]), funder_view(full)):
        assert not set(ALLIANCE_NOTES) & set(view["alliance"])
        assert view["alliance"]["name"] == "Bündnis Zettelbach"
        assert "new_figure" not in view["network"] and "new_figure" not in view["network"]["mixing"]
        assert "members" not in view["network"]["communities"]
        assert all("new_metric" not in actor and "Kontakt" not in actor for actor in view["actors"])
        assert all("new_field" not in record
                   for record in view["gaps"] + view["health"] + view.get("top_steps", []))


def test_researchers_and_funders_see_the_listed_metadata_only(world: World, tmp_path: Path) -> None:
    """Failed before: the contact and the note a coordinator kept in the metadata, and the survey's
    record of who answered (funders: by real id), reached both roles in the alliance, the list,
    the report and the export. Coordinators and admins still see them."""
    alliance = f"{ALLIANCES}/{world.alliance}"
    listed = {"name": "Bündnis Zettelbach", "land": "Bremen", "founded": 2016}
    for role in ("researcher", "funder"):
        [row] = [a for a in world.get(role, ALLIANCES).json() if a["id"] == world.alliance]
        assert row == world.get(role, alliance).json()
        assert row["meta"] == {} and (row["name"], row["land"], row["founded"]) == (
            "Bündnis Zettelbach", "Bremen", 2016)
        section = world.get(role, f"{alliance}/report").json()["alliance"]
        assert {k: v for k, v in section.items() if k in (*ALLIANCE_NOTES, *listed, RESPONSE_META)} == listed
    exported = tmp_path / "alliance.json"
    exported.write_bytes(world.get("researcher", f"{alliance}/export", {"format": "json"}).content)
    assert netz_io.read(exported).meta == listed
    full = world.get("admin", alliance).json()["meta"]
    assert full["kontakt"] == ALLIANCE_NOTES["kontakt"]
    assert full[RESPONSE_META][WAVES[1]]["respondents"] == RESPONDENTS


def test_researchers_diff_still_knows_who_answered(world: World) -> None:
    """The record of who answered stays behind the researchers' figures (under pseudonyms): the
    diff into the surveyed wave says which pairs its answers cannot tell, as the admin's does."""
    url = f"{ALLIANCES}/{world.alliance}/waves/diff"
    waves = {"from": WAVES[0], "to": WAVES[1]}
    full, research = world.get("admin", url, waves).json(), world.get("researcher", url, waves).json()
    assert full["ties_unknown"] == [[IDS[2], IDS[12]]]
    assert len(research["ties_unknown"]) == 1

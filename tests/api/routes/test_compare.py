"""Comparisons and trends across alliances: what each role may compare, filters, formats, cache."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import api.routes.compare
from api.models import ReportCache
from netz import read
from netz.analysis.gaps import SEVERITIES
from netz.analysis.health import INDICATORS
from netz.cohort.compare import NETWORK_COLUMNS, PERCENTILE_COLUMNS, Z_COLUMNS, compare_row
from netz.cohort.programme import health_columns

ROOT = Path(__file__).parents[3]
COHORT = ROOT / "datasets" / "cohort"
DEMO = ROOT / "datasets" / "demo-buendnis"
COMPARE = "/api/v1/compare"
SAMPLES = {"null_samples": 6}


def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{folder.name}/{path.name}")
    return buffer.getvalue()


@pytest.fixture
def medium(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    """A synthetic cohort alliance with three waves and 36 actors (size class medium)."""
    upload = ("zedernheim.zip", zipped(COHORT / "zedernheim"), "application/zip")
    response = client.post("/api/v1/alliances/import", headers=admin, files={"file": upload})
    assert response.status_code == 201, response.text
    return dict(response.json())


def rows(response: Any) -> dict[int, dict[str, Any]]:
    assert response.status_code == 200, response.text
    return {row["alliance"]: row for row in response.json()["alliances"]}


def test_funders_get_the_comparison_rows(client: TestClient, keys: Any, medium: dict[str, Any]) -> None:
    response = client.get(COMPARE, headers=keys.headers("funder"), params=SAMPLES)
    got = rows(response)
    assert set(got) == {keys.own, keys.other, medium["id"]}
    data = response.json()
    assert data["count"] == 3 and data["null_samples"] == 6
    assert data["size_classes"] == {"small": {"min_actors": 0, "max_actors": 29},
                                    "medium": {"min_actors": 30, "max_actors": 99},
                                    "large": {"min_actors": 100, "max_actors": None}}
    row = got[medium["id"]]
    allowed = {*NETWORK_COLUMNS, *Z_COLUMNS, *(f"{c}_pct" for c in PERCENTILE_COLUMNS), "alliance", "name",
               "region", "land", "programme", "funding", "founded", "synthetic", "directed", "weighted",
               "waves", "wave", "size_class", "null_samples", "null_seed", "band",
               *(f"band_{i}" for i in INDICATORS), *(f"gaps_{s}" for s in SEVERITIES)}
    assert set(row) == allowed
    # The health bands and gap counts of the compared wave, as the health and gaps routes give them.
    assert row == {**row, **health_columns(read(COHORT / "zedernheim"))}
    assert row["band"] == "good" and row["band_trust"] is None and row["gaps_high"] == 0
    expected = compare_row(read(COHORT / "zedernheim"), null_samples=6)
    for column in (*NETWORK_COLUMNS, *Z_COLUMNS):
        assert row[column] == pytest.approx(expected[column]) if expected[column] is not None else (
            row[column] is None), column
    assert row["size_class"] == "medium" and row["wave"] == "2018" and row["synthetic"] is True
    # Nothing about single actors: no actor id or name appears anywhere.
    actors = read(DEMO).actors
    text = response.text
    assert not [a for a in [*actors["id"], *actors["name"]] if f'"{a}"' in text]


def test_percentile_ranks_are_within_the_compared_set(client: TestClient, keys: Any,
                                                      medium: dict[str, Any]) -> None:
    got = rows(client.get(COMPARE, headers=keys.headers("researcher"), params=SAMPLES))
    degrees = {k: r["mean_degree"] for k, r in got.items()}
    ranks = {k: r["mean_degree_pct"] for k, r in got.items()}
    order = sorted(degrees, key=degrees.__getitem__)
    assert [ranks[k] for k in order] == pytest.approx([100 / 6, 50.0, 500 / 6])
    two = rows(client.get(COMPARE, headers=keys.headers("researcher"),
                          params={**SAMPLES, "alliances": f"{keys.own},{medium['id']}"}))
    assert sorted(r["mean_degree_pct"] for r in two.values()) == [25.0, 75.0]


@pytest.mark.parametrize("role", ["admin", "researcher", "funder"])
def test_every_alliance_for_admins_researchers_and_funders(client: TestClient, keys: Any, role: str) -> None:
    got = rows(client.get(COMPARE, headers=keys.headers(role), params=SAMPLES))
    assert set(got) == {keys.own, keys.other}


def test_coordinators_compare_only_their_alliances(client: TestClient, keys: Any) -> None:
    headers = keys.headers("coordinator")
    assert set(rows(client.get(COMPARE, headers=headers, params=SAMPLES))) == {keys.own}
    named = client.get(COMPARE, headers=headers, params={**SAMPLES, "alliances": str(keys.own)})
    assert set(rows(named)) == {keys.own}
    refused = client.get(COMPARE, headers=headers, params={"alliances": f"{keys.own},{keys.other}"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    trends = client.get(f"{COMPARE}/trends", headers=headers, params={"alliances": str(keys.other)})
    assert trends.status_code == 403


@pytest.mark.parametrize("params, expected", [
    ({"land": "Bayern"}, {"other"}),
    ({"land": "Hessen"}, {"own"}),
    ({"land": "Baden-Württemberg", "programme": "Gemeinsam in Vielfalt"}, {"medium"}),
    ({"land": "baden-wuerttemberg", "programme": "gemeinsam in vielfalt"}, {"medium"}),  # any spelling
    ({"land": "BAYERN"}, {"other"}),
    ({"programme": "Anderes Programm"}, {"other"}),
    ({"size_class": "small"}, {"own", "other"}),
    ({"size_class": "medium"}, {"medium"}),
    ({"size_class": "large"}, set()),
    ({"size_class": "small", "land": "Hessen"}, {"own"}),
])
def test_cohort_filters(client: TestClient, keys: Any, medium: dict[str, Any], params: dict[str, str],
                        expected: set[str]) -> None:
    ids = {"own": keys.own, "other": keys.other, "medium": medium["id"]}
    got = rows(client.get(COMPARE, headers=keys.headers("funder"), params={**SAMPLES, **params}))
    assert set(got) == {ids[name] for name in expected}


def test_bad_requests(client: TestClient, keys: Any) -> None:
    funder = keys.headers("funder")
    assert client.get(COMPARE, headers=funder, params={"alliances": "1,x"}).status_code == 422
    assert client.get(COMPARE, headers=funder, params={"alliances": "999999"}).status_code == 404
    assert client.get(COMPARE, headers=funder, params={"size_class": "huge"}).status_code == 422
    assert client.get(COMPARE, headers=funder, params={"null_samples": -1}).status_code == 422
    unknown = client.get(COMPARE, headers=funder, params={"group_by": "nonsense", "null_samples": 0})
    assert unknown.status_code == 422 and "nonsense" in unknown.json()["detail"]
    assert {"id", "name", "type"} <= set(unknown.json()["accepted"])
    any_case = client.get(COMPARE, headers=funder, params={"group_by": "TYPE", "null_samples": 0})
    assert any_case.status_code == 200
    assert client.get(COMPARE).status_code == 401


def test_csv(client: TestClient, keys: Any, medium: dict[str, Any]) -> None:
    response = client.get(COMPARE, headers=keys.headers("funder"), params={**SAMPLES, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    table = pd.read_csv(io.StringIO(response.text))
    assert sorted(table["alliance"]) == sorted([keys.own, keys.other, medium["id"]])
    assert {"density", "transitivity_z_gnm", "mean_degree_pct"} <= set(table.columns)


def test_trends_per_alliance_and_wave(client: TestClient, keys: Any, medium: dict[str, Any]) -> None:
    response = client.get(f"{COMPARE}/trends", headers=keys.headers("funder"))
    assert response.status_code == 200, response.text
    data = response.json()
    waves = data["alliances"][str(medium["id"])]
    assert [row["wave"] for row in waves] == ["2016", "2017", "2018"]
    alliance = read(COHORT / "zedernheim")
    assert [row["n_ties"] for row in waves] == [
        compare_row(alliance, wave=w, null_samples=0)["n_ties"] for w in ("2016", "2017", "2018")]
    assert data["alliances"][str(keys.own)][0]["wave"] is None  # the demo has no waves
    cohort = {(row["wave"], row["metric"]): row for row in data["cohort"]}
    assert cohort[("2016", "density")]["n"] == 1 and cohort[(None, "density")]["n"] == 2
    csv = client.get(f"{COMPARE}/trends", headers=keys.headers("funder"), params={"format": "csv"})
    assert len(pd.read_csv(io.StringIO(csv.text))) == 3 + 2


def test_rows_are_cached_per_revision(client: TestClient, keys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = api.routes.compare.compare_row

    def counting(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(kwargs["key"])
        return original(*args, **kwargs)

    monkeypatch.setattr(api.routes.compare, "compare_row", counting)
    funder = keys.headers("funder")
    first = client.get(COMPARE, headers=funder, params=SAMPLES).json()
    assert len(calls) == 2
    assert client.get(COMPARE, headers=funder, params=SAMPLES).json() == first
    assert len(calls) == 2
    client.get(COMPARE, headers=funder, params={"null_samples": 5})
    assert len(calls) == 4  # other options are other rows
    etag = client.get(f"/api/v1/alliances/{keys.other}", headers=keys.headers("admin")).headers["ETag"]
    changed = client.patch(f"/api/v1/alliances/{keys.other}", json={"meta": {"land": "Hessen"}},
                           headers={**keys.headers("admin"), "If-Match": etag})
    assert changed.status_code == 200, changed.text
    again = rows(client.get(COMPARE, headers=funder, params=SAMPLES))
    assert len(calls) == 5 and again[keys.other]["land"] == "Hessen"


def test_two_different_requests_never_share_a_key() -> None:
    """Issue 12: options were joined as ``k=v|k=v``, so a wave named ``None`` was the latest wave
    (``wave=None``), and a ``|`` or ``=`` in a name could shift one option set onto another."""
    base = {"group_by": "type", "null_samples": 0, "seed": 0}
    requests = [
        {**base, "wave": None}, {**base, "wave": "None"}, {**base, "wave": ""}, {**base, "wave": "null"},
        {**base, "group_by": "a", "wave": "b|null_samples=0|seed=0|wave=c"},
        {**base, "group_by": "a|null_samples=0|seed=0|wave=b", "wave": "c"},
        {**base, "group_by": "a=b", "wave": "c"}, {**base, "group_by": "a", "wave": "b=c"},
        {**base, "seed": 1, "wave": None}, {**base, "null_samples": 1, "wave": None},
        base, {**base, "group_by": "type|seed=0"},
    ]
    for kind in (*api.routes.compare.KINDS, "programme"):
        keys = [api.routes.compare._cache_key(kind, options) for options in requests]
        assert len(set(keys)) == len(requests), kind
        # equal requests: one key, whatever the order of their options
        assert keys == [api.routes.compare._cache_key(kind, dict(reversed(options.items())))
                        for options in requests]


# -- bounds (issue 12) -------------------------------------------------------------------------


def test_null_samples_are_capped_per_role(client: TestClient, keys: Any, make_app: Any) -> None:
    refused = client.get(COMPARE, headers=keys.headers("funder"), params={"null_samples": 201})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "200" in refused.json()["detail"] and "funder" in refused.json()["detail"]
    with TestClient(make_app(compare_null_samples={"funder": 3, "researcher": 4})) as capped:

        def status(role: str, samples: int, path: str = COMPARE) -> int:
            return capped.get(path, headers=keys.headers(role), params={"null_samples": samples}).status_code

        assert (status("funder", 4), status("funder", 3), status("funder", 4, f"{COMPARE}/trends")) == (
            422, 200, 422)
        # a role the setting does not name may ask for none
        assert (status("admin", 1), status("admin", 0)) == (422, 200)


def test_stored_rows_are_bounded_per_alliance(client: TestClient, keys: Any, make_app: Any) -> None:
    def stored(app: Any) -> list[str]:
        with app.state.database.sessions() as session:
            return sorted(session.scalars(select(ReportCache.key).where(
                ReportCache.alliance_id == keys.other, ReportCache.key.like("compare|%"))))

    app = make_app(compare_cache_rows=2)
    with TestClient(app) as bounded:
        for seed in (1, 2, 3):
            response = bounded.get(COMPARE, headers=keys.headers("funder"),
                                   params={"alliances": str(keys.other), "null_samples": 0, "seed": seed})
            assert response.status_code == 200, response.text
        kept = stored(app)
    assert len(kept) == 2 and [k for k in kept if '"seed",1,' in k] == []  # the oldest went
    # the report of the alliance is not a comparison row: it stays
    report = client.get(f"/api/v1/alliances/{keys.other}/report", headers=keys.headers("admin"))
    assert report.status_code == 200
    with TestClient(app) as bounded:
        bounded.get(COMPARE, headers=keys.headers("funder"),
                    params={"alliances": str(keys.other), "null_samples": 0, "seed": 4})
    assert len(stored(app)) == 2
    with app.state.database.sessions() as session:
        assert session.scalar(select(ReportCache.key).where(ReportCache.alliance_id == keys.other,
                                                            ReportCache.key.like("full/%"))) is not None

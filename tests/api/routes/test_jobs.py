"""Background jobs: a long comparison is accepted (202), polled, seen only by its key, and expires."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import ApiKey, JobRow
from api.security import authenticate

COMPARE = "/api/v1/compare"
#: Two small alliances with 6 null samples are estimated at ~0.03 CPU seconds: above this, a job.
LONG = {"compare_job_seconds": 0.001}


def finished(client: TestClient, location: str, headers: dict[str, str]) -> dict[str, Any]:
    """Poll a job until it has finished (failing the test after a minute, never hanging)."""
    deadline = time.monotonic() + 60
    while True:
        response = client.get(location, headers=headers)
        assert response.status_code == 200, response.text
        job = response.json()
        if job["state"] not in ("queued", "running"):
            return dict(job)
        assert response.headers["Retry-After"].isdigit()
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def test_a_long_comparison_is_a_job(client: TestClient, keys: Any, make_app: Any) -> None:
    funder = keys.headers("funder")
    with TestClient(make_app(**LONG)) as service:
        accepted = service.get(COMPARE, headers=funder, params={"null_samples": 6})
        assert accepted.status_code == 202, accepted.text
        location = accepted.headers["Location"]
        assert location == f"/api/v1/jobs/{accepted.json()['id']}"
        assert accepted.json()["state"] in ("queued", "running", "done") and accepted.json()["total"] == 2
        job = finished(service, location, funder)
        assert job["state"] == "done" and job["done"] == job["total"] == 2 and job["error"] is None
        # the same comparison is cached now: answered at once, with what the job gave
        now = service.get(COMPARE, headers=funder, params={"null_samples": 6})
        assert now.status_code == 200
        assert job["result"] == now.json()
        # only the key that made it, and admins, see the job
        assert service.get(location, headers=keys.headers("researcher")).status_code == 404
        assert service.get(location, headers=keys.headers("admin")).status_code == 200
        assert service.get(location).status_code == 401
        assert service.get("/api/v1/jobs/" + "0" * 32, headers=funder).status_code == 404
        assert service.get("/api/v1/jobs/nonsense", headers=funder).status_code == 422


def test_by_default_a_thousand_samples_are_a_job(client: TestClient, keys: Any) -> None:
    admin = keys.headers("admin")
    assert client.get(COMPARE, headers=admin, params={"null_samples": 100}).status_code == 200
    accepted = client.get(COMPARE, headers=admin, params={"null_samples": 1000})
    assert accepted.status_code == 202, accepted.text
    assert finished(client, accepted.headers["Location"], admin)["state"] == "done"


def test_a_job_as_csv_and_trends(client: TestClient, keys: Any, make_app: Any) -> None:
    funder = keys.headers("funder")
    with TestClient(make_app(**LONG)) as service:
        accepted = service.get(COMPARE, headers=funder, params={"null_samples": 6, "format": "csv"})
        assert accepted.status_code == 202
        job = finished(service, accepted.headers["Location"], funder)
        assert job["media_type"] == "text/csv"
        assert "alliance" in job["result"].splitlines()[0].split(",") and len(job["result"].splitlines()) == 3
        trends = service.get(f"{COMPARE}/trends", headers=funder, params={"null_samples": 6})
        assert trends.status_code == 202
        result = finished(service, trends.headers["Location"], funder)["result"]
        assert set(result["alliances"]) == {str(keys.own), str(keys.other)}


def test_a_job_that_cannot_be_carried_out_fails_with_the_reason(client: TestClient, keys: Any,
                                                                make_app: Any) -> None:
    funder = keys.headers("funder")
    with TestClient(make_app(**LONG)) as service:
        accepted = service.get(COMPARE, headers=funder, params={"null_samples": 6, "wave": "2030"})
        assert accepted.status_code == 202
        job = finished(service, accepted.headers["Location"], funder)
        assert job["state"] == "failed" and job["result"] is None
        # said in the reader's language (English only, before)
        assert job["error"].startswith("Es gibt keine Welle „2030“; Wellen: "), job["error"]
        english = service.get(accepted.headers["Location"], headers={**funder, "Accept-Language": "en"})
        assert english.json()["error"].startswith("no wave '2030'; waves: "), english.json()


def test_the_same_request_again_gets_its_unfinished_job(client: TestClient, keys: Any, make_app: Any) -> None:
    app = make_app(**LONG)
    params = {"ids": sorted([keys.own, keys.other]), "format": "json",
              "options": {"wave": None, "group_by": "type", "null_samples": 6, "seed": 0}}
    running = unfinished_job(app, keys.funder, params)
    with TestClient(app) as service:
        again = service.get(COMPARE, headers=keys.headers("funder"), params={"null_samples": 6})
        assert again.status_code == 202 and again.headers["Location"] == f"/api/v1/jobs/{running}"
        other = service.get(COMPARE, headers=keys.headers("funder"), params={"null_samples": 5})
        assert other.status_code == 202 and other.headers["Location"] != f"/api/v1/jobs/{running}"
        finished(service, other.headers["Location"], keys.headers("funder"))


def unfinished_job(app: Any, key: str, params: dict[str, Any], *, beat_ago: float = 0) -> str:
    """A job of this key stored as running (as if a worker were computing it), with its last
    heartbeat ``beat_ago`` seconds ago: its id."""
    with app.state.database.sessions() as session:
        row: ApiKey | None = authenticate(session, key)
        assert row is not None
        now = dt.datetime.now(dt.UTC)
        beat = now - dt.timedelta(seconds=beat_ago)
        job = JobRow(id=secrets.token_hex(16), key_id=row.id, kind="compare", params=params, state="running",
                     total=2, created_at=beat, expires_at=now + dt.timedelta(hours=1), heartbeat_at=beat)
        session.add(job)
        session.commit()
        return job.id


def test_unfinished_jobs_per_key_are_bounded(client: TestClient, keys: Any, make_app: Any) -> None:
    app = make_app(**LONG, jobs_per_key=1)
    unfinished_job(app, keys.funder, {})
    with TestClient(app) as service:
        refused = service.get(COMPARE, headers=keys.headers("funder"), params={"null_samples": 6})
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.headers["Retry-After"].isdigit()
        assert refused.json()["detail"].startswith("Mit diesem Schlüssel laufen schon so viele Berechnungen")
        english = service.get(COMPARE, headers={**keys.headers("funder"), "Accept-Language": "en"},
                              params={"null_samples": 6})
        assert english.json()["detail"].startswith("this key has 1 unfinished jobs")
        # another key may
        accepted = service.get(COMPARE, headers=keys.headers("researcher"), params={"null_samples": 6})
        assert accepted.status_code == 202
        finished(service, accepted.headers["Location"], keys.headers("researcher"))


def test_a_job_whose_process_stopped_is_failed_and_no_longer_counts(client: TestClient, keys: Any,
                                                                   make_app: Any) -> None:
    """A process killed while it runs a job leaves the job running, with its last heartbeat. Once
    that is older than ``job_stale_seconds``, the job fails (on the key's next submission, or when
    polled): it no longer counts against the key's unfinished jobs, and a poll says to submit it
    again. A job whose process beats is left alone. (Before: running until it expired.)"""
    app = make_app(**LONG, jobs_per_key=1, job_stale_seconds=60)
    funder = keys.headers("funder")
    dead = unfinished_job(app, keys.funder, {"died": 1}, beat_ago=600)
    alive = unfinished_job(app, keys.researcher, {}, beat_ago=5)
    with TestClient(app) as service:
        accepted = service.get(COMPARE, headers=funder, params={"null_samples": 6})
        assert accepted.status_code == 202, accepted.text  # before: 429, the dead job counted
        finished(service, accepted.headers["Location"], funder)
        english = {**funder, "Accept-Language": "en"}  # the reason is read in English below
        polled = service.get(f"/api/v1/jobs/{dead}", headers=english)
        assert polled.status_code == 200 and "Retry-After" not in polled.headers
        job = polled.json()
        assert job["state"] == "failed" and "submit it again" in job["error"]
        assert job["finished_at"] is not None
        researcher = keys.headers("researcher")
        assert service.get(f"/api/v1/jobs/{alive}", headers=researcher).json()["state"] == "running"
        died_again = unfinished_job(app, keys.funder, {"died": 2}, beat_ago=600)
        polled = service.get(f"/api/v1/jobs/{died_again}", headers=english)  # failed when polled
        assert polled.json()["state"] == "failed" and "no heartbeat" in polled.json()["error"]
        german = service.get(f"/api/v1/jobs/{died_again}", headers=funder).json()["error"]
        assert german.startswith("Der Prozess, der die Berechnung ausführte, hat aufgehört")


def test_jobs_expire_and_are_deleted(client: TestClient, keys: Any, make_app: Any) -> None:
    app = make_app(**LONG, job_result_seconds=0)
    funder = keys.headers("funder")

    def jobs() -> list[JobRow]:
        with app.state.database.sessions() as session:
            return list(session.scalars(select(JobRow)))

    with TestClient(app) as service:
        first = service.get(COMPARE, headers=funder, params={"null_samples": 6})
        assert first.status_code == 202
        deadline = time.monotonic() + 60
        while jobs()[0].state != "done":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert service.get(first.headers["Location"], headers=funder).status_code == 404  # expired
        second = service.get(COMPARE, headers=funder, params={"null_samples": 7})
        assert second.status_code == 202
        with app.state.database.sessions() as session:
            assert session.get(JobRow, first.json()["id"]) is None  # deleted by the next submission
            assert session.scalar(select(func.count()).select_from(JobRow)) == 1
        deadline = time.monotonic() + 60
        while jobs() and jobs()[0].state != "done":
            assert time.monotonic() < deadline
            time.sleep(0.05)

"""The job runner itself (api/jobs.py): stopping, jobs deleted while they run, heartbeats."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from api.config import Settings
from api.jobs import JobRunner, describe
from api.models import ApiKey, JobRow, as_utc, utcnow
from api.security import authenticate


def _key(app: FastAPI, new_key: Callable[..., str]) -> ApiKey:
    with app.state.database.sessions() as session:
        key = authenticate(session, new_key("admin"))
        assert key is not None
        return key


def _state(app: FastAPI, job_id: str, *, until: tuple[str, ...] = ("done", "failed")) -> JobRow | None:
    """The job's row once it is in one of these states (or gone); fails after a minute."""
    deadline = time.monotonic() + 60
    while True:
        with app.state.database.sessions() as session:
            job = session.get(JobRow, job_id)
        if job is None or job.state in until:
            return job
        assert time.monotonic() < deadline, job.state
        time.sleep(0.02)


def test_stopping_fails_queued_and_running_jobs(app: FastAPI, client: Any,
                                                new_key: Callable[..., str]) -> None:
    runner = JobRunner(app.state.database, Settings(database_url=app.state.database.url, job_workers=1))
    key = _key(app, new_key)
    release = threading.Event()

    def waits(session: Session, params: dict[str, Any], progress: Callable[[int], None]) -> tuple[str, str]:
        release.wait(60)
        progress(1)
        return "{}", "application/json"

    with app.state.database.sessions() as session:
        running = runner.submit(session, key, "compare", {"n": 1}, 1, waits).id
        queued = runner.submit(session, key, "compare", {"n": 2}, 1, waits).id
    assert _state(app, running, until=("running",)) is not None
    runner.close()
    release.set()
    for job_id in (running, queued):
        job = _state(app, job_id)
        assert job is not None and job.state == "failed"
        # the reason, in the language of whoever asks
        assert describe(job)["error"].startswith("Der Dienst wurde beendet, bevor die Berechnung fertig war")
        assert describe(job, "en")["error"] == "the service stopped before the job finished; submit it again"


def test_a_job_deleted_while_it_runs_stops(app: FastAPI, client: Any, new_key: Callable[..., str]) -> None:
    runner = JobRunner(app.state.database, Settings(database_url=app.state.database.url))
    key = _key(app, new_key)
    steps: list[int] = []
    ended = threading.Event()

    def deleted(session: Session, params: dict[str, Any], progress: Callable[[int], None]) -> tuple[str, str]:
        try:
            with app.state.database.sessions() as other:  # as another submission clearing expired jobs
                other.execute(delete(JobRow))
                other.commit()
            for step in (1, 2):
                progress(step)
                steps.append(step)
            return "{}", "application/json"
        finally:
            ended.set()

    with app.state.database.sessions() as session:
        job_id = runner.submit(session, key, "compare", {}, 2, deleted).id
    assert ended.wait(60)
    assert steps == [] and _state(app, job_id) is None
    runner.close()


def test_the_runner_beats_for_its_unfinished_jobs(app: FastAPI, client: Any,
                                                  new_key: Callable[..., str]) -> None:
    """A running job's heartbeat is written anew by its runner (so that it is not taken for one
    whose process stopped), whatever its last one was."""
    runner = JobRunner(app.state.database, Settings(database_url=app.state.database.url))
    key = _key(app, new_key)
    release = threading.Event()

    def waits(session: Session, params: dict[str, Any], progress: Callable[[int], None]) -> tuple[str, str]:
        release.wait(60)
        return "{}", "application/json"

    with app.state.database.sessions() as session:
        job_id = runner.submit(session, key, "compare", {}, 1, waits).id
    try:
        assert _state(app, job_id, until=("running",)) is not None
        long_ago = utcnow() - dt.timedelta(hours=1)
        with app.state.database.sessions() as session:
            session.execute(update(JobRow).where(JobRow.id == job_id).values(heartbeat_at=long_ago))
            session.commit()
        runner.beat()
        with app.state.database.sessions() as session:
            job = session.get(JobRow, job_id)
            assert job is not None and job.state == "running" and as_utc(job.heartbeat_at) > long_ago
    finally:
        release.set()
        assert _state(app, job_id) is not None
        runner.close()

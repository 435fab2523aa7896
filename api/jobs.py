"""Background jobs: long computations run off the request, polled at ``/api/v1/jobs/{id}``.

A request whose work would take long (a comparison of many alliances with many null-model
samples, see :mod:`api.routes.compare`) is answered ``202 Accepted`` with the ``Location`` of a
job. The job is a row of the ``jobs`` table — its request, state (``queued``, ``running``,
``done``, ``failed``), progress (``done`` of ``total`` steps) and, when done, its result — so that
any worker process can answer a poll. The process that accepted it runs it, in a thread of its
:class:`JobRunner` (never on the event loop). A finished job and its result are kept
``job_result_seconds`` (a setting), then deleted; an unfinished one as long after it was
submitted. A key may have ``jobs_per_key`` unfinished jobs at once; one more is answered 429.

A process that stops (killed, crashed) leaves its jobs ``queued`` or ``running`` in the table,
and nothing else would ever finish them: each process writes a heartbeat (``heartbeat_at``) for
the jobs it accepted every third of ``job_stale_seconds``, and an unfinished job whose heartbeat
is older than that is failed (:func:`reap`) when it is polled or its key submits a job; it no
longer counts against the key's unfinished jobs, and the client is told to submit it again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from fastapi import HTTPException
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import Database
from api.models import ApiKey, JobRow, as_utc, utcnow
from api.problems import Refusal
from netz.core.errors import NetzError
from netz.messages import DEFAULT_LANGUAGE, LANGUAGES, message

__all__ = ["POLL_SECONDS", "JobRunner", "JobStopped", "Progress", "Work", "describe", "visible_job"]

log = logging.getLogger(__name__)

#: Reports how many of the job's steps are done (and raises :class:`JobStopped` when the
#: service is stopping).
Progress = Callable[[int], None]
#: A job's work: from a session, the job's parameters and a progress callback to the result's
#: text and media type.
Work = Callable[[Session, dict[str, Any], Progress], tuple[str, str]]

#: How many seconds a client is asked to wait before polling an unfinished job again.
POLL_SECONDS = 2

UNFINISHED = ("queued", "running")


class JobStopped(Exception):
    """The service is stopping: the job ends unfinished."""


class JobRunner:
    """Runs the jobs this process accepted, ``settings.job_workers`` at a time, in threads."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._stopping = threading.Event()
        self._pending: dict[str, Future[None]] = {}

    def submit(self, session: Session, key: ApiKey, kind: str, params: dict[str, Any], total: int,
               work: Work) -> JobRow:
        """Store a new job of this key and start it; 429 if the key has too many unfinished.

        The same request again while its job is unfinished gets that job (a client that retries
        does not start the work twice).
        """
        now = utcnow()
        session.execute(delete(JobRow).where(JobRow.expires_at < now))
        reap(session, self.settings, JobRow.key_id == key.id, now=now)
        unfinished_jobs = list(session.scalars(select(JobRow).where(
            JobRow.key_id == key.id, JobRow.state.in_(UNFINISHED))))
        same = [job for job in unfinished_jobs if job.kind == kind and job.params == params]
        if same:
            session.commit()
            return same[0]
        unfinished = len(unfinished_jobs)
        if unfinished >= self.settings.jobs_per_key:
            session.commit()
            raise Refusal(429, "job.error.too_many", n=unfinished,
                          headers={"Retry-After": str(POLL_SECONDS * 5)})
        job = JobRow(id=secrets.token_hex(16), key_id=key.id, kind=kind, params=params, state="queued",
                     done=0, total=total, media_type="application/json", created_at=now, heartbeat_at=now,
                     expires_at=now + dt.timedelta(seconds=self.settings.job_result_seconds))
        session.add(job)
        session.commit()
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max(self.settings.job_workers, 1),
                                                    thread_name_prefix="netz-job")
                self._stopping = threading.Event()
                threading.Thread(target=self._beat, args=(self._stopping,), name="netz-job-heartbeat",
                                 daemon=True).start()
            future = self._executor.submit(self._run, job.id, params, work, self._stopping)
            self._pending[job.id] = future
        future.add_done_callback(lambda _: self._pending.pop(job.id, None))
        return job

    def close(self) -> None:
        """Stop: queued jobs are not started, running ones end at their next step; both fail."""
        with self._lock:
            executor, self._executor = self._executor, None
            self._stopping.set()
            pending = list(self._pending)
        if executor is None:
            return
        executor.shutdown(wait=False, cancel_futures=True)
        if pending:
            with self.database.sessions() as session:
                session.execute(update(JobRow).where(JobRow.id.in_(pending), JobRow.state == "queued")
                                .values(state="failed", error=_STOPPED, finished_at=utcnow()))
                session.commit()

    def _beat(self, stopping: threading.Event) -> None:
        """Until the runner stops: every third of ``job_stale_seconds``, a heartbeat for its jobs."""
        while not stopping.wait(self.settings.job_stale_seconds / 3):
            self.beat()

    def beat(self) -> None:
        """Write the heartbeat of every unfinished job this runner has accepted (a database that
        does not answer is logged: the next beat tries again)."""
        with self._lock:
            pending = list(self._pending)
        if not pending:
            return
        try:
            with self.database.sessions() as session:
                session.execute(update(JobRow).where(JobRow.id.in_(pending), JobRow.state.in_(UNFINISHED))
                                .values(heartbeat_at=utcnow()))
                session.commit()
        except Exception:
            log.exception("could not write the heartbeat of %d jobs", len(pending))

    def _run(self, job_id: str, params: dict[str, Any], work: Work, stopping: threading.Event) -> None:
        try:
            self._work(job_id, params, work, stopping)
        except Exception:  # the database failed the job's own bookkeeping: once more, else it expires
            log.exception("job %s could not be run", job_id)
            with contextlib.suppress(Exception), self.database.sessions() as session:
                self._finish(session, job_id, state="failed", error=_FAILED)

    def _work(self, job_id: str, params: dict[str, Any], work: Work, stopping: threading.Event) -> None:
        with self.database.sessions() as session:
            if not _set(session, job_id, JobRow.state == "queued", state="running", heartbeat_at=utcnow()):
                return  # expired and deleted, or failed as stale, before it started

            def progress(done: int) -> None:
                # Stop when the service stops, or when the job was deleted meanwhile (it ran past
                # its expiry, and another submission cleared it away) or failed as stale (no
                # heartbeat got through for a while): nobody can fetch its result.
                if stopping.is_set() or not _set(session, job_id, JobRow.state == "running", done=done,
                                                 heartbeat_at=utcnow()):
                    raise JobStopped

            try:
                body, media_type = work(session, params, progress)
            except JobStopped:
                session.rollback()
                self._finish(session, job_id, state="failed", error=_STOPPED)
            except (NetzError, KeyError, HTTPException) as error:  # the request cannot be carried out
                session.rollback()
                self._finish(session, job_id, state="failed", error=_stored(error))
            except Exception:
                log.exception("job %s failed", job_id)
                session.rollback()
                self._finish(session, job_id, state="failed", error=_FAILED)
            else:
                self._finish(session, job_id, state="done", result=body, media_type=media_type)

    def _finish(self, session: Session, job_id: str, **values: Any) -> None:
        now = utcnow()
        _set(session, job_id, finished_at=now,
             expires_at=now + dt.timedelta(seconds=self.settings.job_result_seconds), **values)


#: A failed job's error as stored: a key of the message catalogue, said in the reader's language
#: by :func:`describe` (the reason of a request that cannot be carried out is stored as its text
#: in each language: :func:`_stored`).
_FAILED = "job.error.failed"
_STOPPED = "job.error.stopped"
_STALE = "job.error.stale"


def _set(session: Session, job_id: str, *conditions: Any, **values: Any) -> bool:
    """Change a job's row (if it meets the conditions) and commit; False if there is none (it
    expired and was deleted, or does not meet them)."""
    changed = session.execute(update(JobRow).where(JobRow.id == job_id, *conditions).values(**values))
    session.commit()
    return bool(getattr(changed, "rowcount", 1))


def reap(session: Session, settings: Settings, *which: Any, now: dt.datetime | None = None) -> None:
    """Fail the unfinished jobs (of ``which`` conditions) whose last heartbeat is older than
    ``job_stale_seconds``: their process stopped. Kept ``job_result_seconds`` from now, as any
    finished job. Not committed: the caller's transaction carries it."""
    now = now or utcnow()
    session.execute(
        update(JobRow)
        .where(JobRow.state.in_(UNFINISHED),
               JobRow.heartbeat_at < now - dt.timedelta(seconds=settings.job_stale_seconds), *which)
        .values(state="failed", error=_STALE, finished_at=now,
                expires_at=now + dt.timedelta(seconds=settings.job_result_seconds)),
        execution_options={"synchronize_session": False},  # SQLite's naive times: no comparing in Python
    )


def _stored(error: NetzError | KeyError | HTTPException) -> str:
    """Why a job's request cannot be carried out, to store: a netz error or a refusal in every
    language (JSON, ``{"de": …, "en": …}``, so that :func:`describe` says it in the reader's),
    anything else as its text."""
    if isinstance(error, NetzError | Refusal):
        return json.dumps({lang: error.text(lang) for lang in LANGUAGES}, ensure_ascii=False)
    if isinstance(error, HTTPException):
        return str(error.detail)
    return str(error.args[0]) if error.args else str(error)


def _said(error: str, lang: str) -> str:
    """A failed job's stored error (:data:`_FAILED` and the like, or :func:`_stored`'s) in ``lang``."""
    if error.startswith("{"):
        texts = json.loads(error)
        return str(texts.get(lang) or texts[DEFAULT_LANGUAGE])
    return message(error, lang)


def visible_job(session: Session, settings: Settings, key: ApiKey, job_id: str) -> JobRow:
    """The job if it exists, has not expired and is this key's (or the key is an admin's); else 404.

    An unfinished one whose process stopped is failed first (:func:`reap`).
    """
    job = session.get(JobRow, job_id)
    stale = utcnow() - dt.timedelta(seconds=settings.job_stale_seconds)
    if job is not None and job.state in UNFINISHED and as_utc(job.heartbeat_at) < stale:
        reap(session, settings, JobRow.id == job_id)
        session.commit()
        session.refresh(job)
    if job is None or as_utc(job.expires_at) < utcnow() or (key.role != "admin" and job.key_id != key.id):
        raise Refusal(404, "job.error.not_found", id=job_id)
    return job


def describe(job: JobRow, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A job as the API shows it: state, progress, times and (when done) the result; a failed
    job's error in ``lang`` (the request's language)."""
    result: Any = None
    if job.state == "done" and job.result is not None:
        result = json.loads(job.result) if job.media_type == "application/json" else job.result
    return {
        "id": job.id, "kind": job.kind, "state": job.state, "done": job.done, "total": job.total,
        "created_at": as_utc(job.created_at).isoformat(),
        "finished_at": None if job.finished_at is None else as_utc(job.finished_at).isoformat(),
        "expires_at": as_utc(job.expires_at).isoformat(),
        "error": None if job.error is None else _said(job.error, lang),
        "media_type": job.media_type, "result": result,
    }


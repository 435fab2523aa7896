"""Background jobs: their state, progress and result (see :mod:`api.jobs`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from api.deps import CurrentKey, SessionDep
from api.jobs import POLL_SECONDS, describe, visible_job

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("/{job_id}", responses={404: {"description": "No such job, expired, or another key's"}})
def get_job(job_id: Annotated[str, Path(pattern="^[0-9a-f]{32}$")], session: SessionDep, key: CurrentKey,
            response: Response) -> Any:
    """A job's ``state`` (``queued``, ``running``, ``done``, ``failed``), progress (``done`` of
    ``total`` alliances) and, when done, its ``result``: the body the request would have had
    (JSON, or the CSV text for ``format=csv``). Only the key that made the job (and admins) see it;
    it is kept until ``expires_at``. While unfinished, ``Retry-After`` says when to ask again."""
    job = visible_job(session, key, job_id)
    if job.state in ("queued", "running"):
        response.headers["Retry-After"] = str(POLL_SECONDS)
    return describe(job)

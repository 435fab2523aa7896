"""Background jobs: their state, progress and result (see :mod:`api.jobs`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from api.deps import CurrentKey, SessionDep, SessionRoute, SettingsDep
from api.jobs import POLL_SECONDS, describe, visible_job
from api.problems import request_language

JobId = Annotated[str, Path(pattern="^[0-9a-f]{32}$",
                            description="The job's id, from the 202 answer's `Location`.")]

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/jobs", tags=["jobs"])


class JobOut(BaseModel):
    """A background job: what :func:`api.jobs.describe` gives."""

    id: str
    kind: Literal["compare", "trends", "programme"]
    state: Literal["queued", "running", "done", "failed"]
    done: int
    total: int
    created_at: str
    finished_at: str | None
    expires_at: str
    error: str | None
    media_type: str
    result: Any = Field(description="when done: the request's body (JSON, or the CSV text)")


@router.get("/{job_id}", response_model=JobOut,
            responses={404: {"description": "No such job, expired, or another key's"}})
def get_job(job_id: JobId, session: SessionDep, key: CurrentKey, settings: SettingsDep, request: Request,
            response: Response) -> Any:
    """A job's ``state`` (``queued``, ``running``, ``done``, ``failed``), progress (``done`` of
    ``total`` alliances) and, when done, its ``result``: the body the request would have had
    (JSON, or the CSV text for ``format=csv``). Only the key that made the job (and admins) see it;
    it is kept until ``expires_at``. While unfinished, ``Retry-After`` says when to ask again."""
    job = visible_job(session, settings, key, job_id)
    if job.state in ("queued", "running"):
        response.headers["Retry-After"] = str(POLL_SECONDS)
    return describe(job, request_language(request))

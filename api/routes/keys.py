"""API keys: admins make them (the command line does too: ``netz keys create``)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentKey, SessionDep, readable_alliance, require
from api.schemas import KeyIn, KeyOut
from api.security import create_key

router = APIRouter(prefix="/api/v1/keys", tags=["keys"])


@router.post("", status_code=201, response_model=KeyOut)
def make_key(body: KeyIn, session: SessionDep, key: CurrentKey) -> KeyOut:
    """A new key; it is shown once, in this answer, and stored only as a hash."""
    require(key, "admin")
    for alliance_id in body.alliances:
        readable_alliance(session, key, alliance_id)  # 404 for an alliance that does not exist
    plain = create_key(session, body.role, alliances=body.alliances, label=body.label)
    return KeyOut(key=plain, role=body.role, alliances=body.alliances)

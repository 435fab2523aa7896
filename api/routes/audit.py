"""The audit log, for admins: who imported, created, changed, exported or deleted which alliance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.audit import audit_entries
from api.deps import MAX_ID, CurrentKey, SessionDep, SessionRoute, require
from api.schemas import AuditEntryOut, AuditPage

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage)
def get_audit(
    session: SessionDep, key: CurrentKey,
    alliance: Annotated[int | None, Query(ge=1, le=MAX_ID,
                                          description="Only the entries of this alliance (its id).")] = None,
    page: Annotated[int, Query(ge=1, le=MAX_ID, description="The page, from 1.")] = 1,
    per_page: Annotated[int, Query(ge=1, le=500, description="Entries per page.")] = 50,
) -> AuditPage:
    """Entries newest first, of one alliance or all; paged (``total`` counts all pages)."""
    require(key, "admin")
    total, entries = audit_entries(session, alliance_id=alliance, page=page, per_page=per_page)
    return AuditPage(total=total, page=page, per_page=per_page,
                     entries=[AuditEntryOut(**entry) for entry in entries])

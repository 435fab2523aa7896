"""API keys, for admins: list, make, revoke, let expire, give and take alliances (the command
line does the same: ``netz keys list|create|revoke|expire|grant``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from api.audit import audit
from api.deps import (
    AllianceId,
    CurrentKey,
    KeyId,
    SessionDep,
    SessionRoute,
    forget_cached_keys,
    readable_alliance,
    require,
)
from api.models import ApiKey, KeyGrant
from api.problems import Refusal
from api.schemas import KeyIn, KeyInfo, KeyOut, KeyPatch
from api.security import create_key, find_key, grant, key_info, list_keys, revoke, set_expiry, withdraw

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/keys", tags=["keys"])

@router.get("", response_model=list[KeyInfo])
def get_keys(session: SessionDep, key: CurrentKey) -> list[KeyInfo]:
    """Every key: id, public prefix, role, label, alliances, when made, last used, expires, revoked."""
    require(key, "admin")
    return [KeyInfo(**info) for info in list_keys(session)]


@router.get("/current", response_model=KeyInfo)
def get_current_key(session: SessionDep, key: CurrentKey) -> KeyInfo:
    """The presented key itself, for every role: its role, prefix and alliances (the pages ask
    it which sections to show)."""
    row = session.get(ApiKey, key.id)
    if row is None:  # deleted since the key cache checked it
        raise Refusal(401, "problem.key.gone")
    return _info(session, row)


@router.post("", status_code=201, response_model=KeyOut)
def make_key(body: KeyIn, session: SessionDep, key: CurrentKey) -> KeyOut:
    """A new key; it is shown once, in this answer, and stored only as a hash."""
    require(key, "admin")
    for alliance_id in body.alliances:
        readable_alliance(session, key, alliance_id)  # 404 for an alliance that does not exist
    plain = create_key(session, body.role, alliances=body.alliances, label=body.label, expires=body.expires,
                       commit=False)
    row = find_key(session, plain)
    audit(session, key, "key-create", None, commit=True, target_key=row.id, target_role=row.role,
          alliances=body.alliances)
    return KeyOut(key=plain, id=row.id, prefix=row.prefix, role=row.role, alliances=body.alliances,
                  expires=key_info(row, [])["expires"])


@router.post("/{key_id}/revoke", response_model=KeyInfo)
def revoke_key(key_id: KeyId, session: SessionDep, key: CurrentKey, request: Request) -> KeyInfo:
    """Refuse this key from now on: in this worker at once, in every other within a second."""
    row = _target(session, key, key_id)
    if revoke(session, row):
        audit(session, key, "key-revoke", None, commit=True, target_key=row.id)
    forget_cached_keys(request)
    return _info(session, row)


@router.patch("/{key_id}", response_model=KeyInfo)
def change_key(key_id: KeyId, body: KeyPatch, session: SessionDep, key: CurrentKey,
               request: Request) -> KeyInfo:
    """Let a key expire at a moment (``null``: never)."""
    row = _target(session, key, key_id)
    set_expiry(row, body.expires)
    audit(session, key, "key-expire", None, commit=True, target_key=row.id,
          expires=body.expires.isoformat() if body.expires else None)
    forget_cached_keys(request)
    return _info(session, row)


@router.put("/{key_id}/alliances/{alliance_id}", response_model=KeyInfo)
def grant_alliance(key_id: KeyId, alliance_id: AllianceId, session: SessionDep, key: CurrentKey) -> KeyInfo:
    """Give a coordinator key one more alliance (nothing changes if it has it already)."""
    row = _target(session, key, key_id)
    readable_alliance(session, key, alliance_id)  # 404 for an alliance that does not exist
    if grant(session, row, [alliance_id]):
        audit(session, key, "key-grant", alliance_id, target_key=row.id)
    session.commit()
    return _info(session, row)


@router.delete("/{key_id}/alliances/{alliance_id}", response_model=KeyInfo)
def withdraw_alliance(key_id: KeyId, alliance_id: AllianceId, session: SessionDep,
                      key: CurrentKey) -> KeyInfo:
    """Take an alliance away from a coordinator key."""
    row = _target(session, key, key_id)
    withdraw(session, row, alliance_id)
    audit(session, key, "key-withdraw", alliance_id, commit=True, target_key=row.id)
    return _info(session, row)


def _target(session: SessionDep, caller: ApiKey, key_id: KeyId) -> ApiKey:
    """The key an admin acts on (403 for other callers, 404 if there is none)."""
    require(caller, "admin")
    row = session.get(ApiKey, key_id)
    if row is None:
        raise Refusal(404, "problem.key.not_found", id=key_id)
    return row


def _info(session: SessionDep, row: ApiKey) -> KeyInfo:
    alliances = session.scalars(select(KeyGrant.alliance_id).where(KeyGrant.key_id == row.id)
                                .order_by(KeyGrant.alliance_id))
    return KeyInfo(**key_info(row, list(alliances)))

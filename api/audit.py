"""The audit log: who imported, created, changed, exported or deleted which alliance, and when.

"Who" is the key (id, public prefix, role), never a person's data. An entry is written in the
transaction of the change it records (:func:`audit` queues it; the session's commit writes it
first): a change that fails, or is never committed, leaves no entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from api.models import AllianceRow, ApiKey, AuditEntry

__all__ = ["ACTIONS", "audit", "audit_entries"]

#: What is recorded (the ``action`` column).
ACTIONS = (
    "import", "create", "edit-metadata", "add-actor", "edit-actor", "delete-actor", "add-tie",
    "edit-tie", "delete-tie", "export", "delete", "key-create", "key-revoke", "key-expire",
    "key-grant", "key-withdraw", "revision-replace", "revision-wave", "undo", "survey-start",
    "survey-edit", "survey-link", "survey-close",
)

_PENDING = "netz_audit_pending"


def audit(session: Session, key: ApiKey | None, action: str, alliance: AllianceRow | int | None = None, *,
          commit: bool = False, **detail: Any) -> None:
    """Record an action, written by the session's next commit (now, with ``commit=True``).

    ``alliance`` may be a row not flushed yet (a new alliance): its id is read at the commit.
    ``detail``: what else identifies the change (never actors' names or other personal data).
    ``key`` None: the change was made on the command line (``netz keys``, ``netz load``), which
    needs access to the database rather than a key; recorded with the role ``cli``.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")  # a programming error, not user input
    who = (key.id, key.prefix, key.role) if key is not None else (None, "", "cli")
    session.info.setdefault(_PENDING, []).append((*who, action, alliance, detail))
    if commit:
        session.commit()


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()  # new alliances get their ids
    for key_id, prefix, role, action, alliance, detail in pending:
        alliance_id = alliance.id if isinstance(alliance, AllianceRow) else alliance
        session.add(AuditEntry(key_id=key_id, key_prefix=prefix, key_role=role, action=action,
                               alliance_id=alliance_id, detail=detail))


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING, None)


def audit_entries(session: Session, *, alliance_id: int | None = None, page: int = 1,
                  per_page: int = 50) -> tuple[int, list[dict[str, Any]]]:
    """How many entries there are (for this alliance) and one page of them, newest first."""
    query = select(AuditEntry)
    if alliance_id is not None:
        query = query.where(AuditEntry.alliance_id == alliance_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return total, [_entry(row) for row in rows]


def _entry(row: AuditEntry) -> dict[str, Any]:
    at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=dt.UTC)
    return {"id": row.id, "at": at, "key_id": row.key_id, "key_prefix": row.key_prefix,
            "role": row.key_role, "action": row.action, "alliance_id": row.alliance_id,
            "detail": row.detail or {}}

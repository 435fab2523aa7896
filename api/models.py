"""Database tables (SQLAlchemy 2). Schema changes go through Alembic migrations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The text sizes of actors and ties are the data model's (netz validates files against them).
from netz.core.limits import MAX_ID_CHARS, MAX_KIND_CHARS, MAX_NAME_CHARS, MAX_WAVE_CHARS

__all__ = ["MAX_ID", "ActorRow", "AllianceRow", "AnswerRow", "ApiKey", "AuditEntry", "Base", "InvitationRow",
           "JobRow", "KeyGrant", "ReportCache", "RespondentRow", "Secret", "SurveyRow", "TieRow", "UndoRow",
           "as_utc", "utcnow"]

#: The largest id a row can have: the id columns are PostgreSQL's ``integer`` (SQLite's hold 64
#: bits, but the service keeps to what both take).
MAX_ID = 2**31 - 1


def utcnow() -> dt.datetime:
    """The time now, in UTC (what the service stores; SQLite gives it back without a zone)."""
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as an aware datetime in UTC (SQLite gives back naive ones, which are UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class AllianceRow(Base):
    __tablename__ = "alliances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str | None] = mapped_column(String(300))
    land: Mapped[str | None] = mapped_column(String(100), index=True)
    programme: Mapped[str | None] = mapped_column(String(300), index=True)
    funding: Mapped[float | None] = mapped_column(Float)
    founded: Mapped[int | None] = mapped_column(Integer)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    directed: Mapped[bool] = mapped_column(Boolean, default=False)
    weighted: Mapped[bool] = mapped_column(Boolean, default=False)
    n_actors: Mapped[int] = mapped_column(Integer, default=0)
    n_ties: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Set here, to the microsecond (SQLite's CURRENT_TIMESTAMP has seconds): it tells an alliance
    # apart from a deleted one whose id SQLite gave again (api.reportcache).
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    # Optimistic locking: an UPDATE or DELETE of the row names the revision it was read at, so
    # that of two writers who both passed the If-Match check only the first succeeds; the other
    # gets StaleDataError (412). The revision is still set by the code (store.save), not here.
    # SQLAlchemy declares __mapper_args__ as an instance variable, so no ClassVar here.
    __mapper_args__ = {"version_id_col": revision, "version_id_generator": False}  # noqa: RUF012

    actors: Mapped[list[ActorRow]] = relationship(
        back_populates="alliance", cascade="all, delete-orphan", order_by="ActorRow.position"
    )
    ties: Mapped[list[TieRow]] = relationship(
        back_populates="alliance", cascade="all, delete-orphan", order_by="TieRow.position"
    )


class ActorRow(Base):
    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("alliance_id", "actor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[str] = mapped_column(String(MAX_ID_CHARS))
    name: Mapped[str] = mapped_column(String(MAX_NAME_CHARS))
    type: Mapped[str] = mapped_column(String(40))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    alliance: Mapped[AllianceRow] = relationship(back_populates="actors")


class TieRow(Base):
    __tablename__ = "ties"
    __table_args__ = (Index("ix_ties_alliance_position", "alliance_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(MAX_ID_CHARS))
    target: Mapped[str] = mapped_column(String(MAX_ID_CHARS))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    kind: Mapped[str | None] = mapped_column(String(MAX_KIND_CHARS))
    wave: Mapped[str | None] = mapped_column(String(MAX_WAVE_CHARS))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    alliance: Mapped[AllianceRow] = relationship(back_populates="ties")


class ReportCache(Base):
    """A computed report (or comparison row), valid for exactly one revision of its alliance and
    one key (view and options): see :mod:`api.reportcache`."""

    __tablename__ = "report_cache"

    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    # When it was stored (None: before migration 0004): which comparison rows are kept (the newest).
    stored_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiKey(Base):
    """An API key; only its SHA-256 hash is stored, looked up by a short public prefix."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: After this moment the key is refused (401); None: it does not expire.
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: When an admin revoked it (refused from then on, 401); the row stays, to be listed.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: When it was last presented, to the minute (written at most once a minute, not per request).
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the last alliance a coordinator key was given was deleted (then it is refused, 403,
    #: until an admin gives it another one).
    orphaned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    grants: Mapped[list[KeyGrant]] = relationship(cascade="all, delete-orphan")


class KeyGrant(Base):
    """A coordinator key's access to one alliance."""

    __tablename__ = "key_grants"

    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True
    )


class AuditEntry(Base):
    """Who did what to which alliance, and when: written in the transaction of the change itself.

    Who is the key (id, public prefix and role: no personal data); the key and the alliance may
    be gone since, so neither is a foreign key. ``detail`` holds what else identifies the change
    (an export's format, a tie's position, a granted alliance), never actors' names.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_alliance_id_id", "alliance_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    key_id: Mapped[int | None] = mapped_column(Integer)
    key_prefix: Mapped[str] = mapped_column(String(16))
    key_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    alliance_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Secret(Base):
    """Service secrets made on first start (the pseudonym key)."""

    __tablename__ = "secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class JobRow(Base):
    """A background job (a long comparison): its request, progress and, when done, its result.

    In the database so that any worker process can answer a poll; the process that accepted it
    runs it (:mod:`api.jobs`). Visible to the key that made it, and to admins.
    """

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: not guessable
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))  # queued, running, done, failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(100), default="application/json")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: When the process running the job last said it is alive (see :func:`api.jobs.reap`).
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UndoRow(Base):
    """What an alliance was before its last change, so that the change can be undone (one step).

    ``revision`` is the revision the change made: undo is possible while the alliance is still
    at it. ``state`` is the alliance before the change as JSON (:mod:`api.undo`).
    """

    __tablename__ = "undo"

    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SurveyRow(Base):
    """A survey round of an alliance: its roster (the actors asked, fixed when it starts, plus
    partners merged in from respondents' free text), its settings and its state.

    ``settings`` holds the merge rule, how ratings are combined, whether non-respondents' ties are
    reconstructed, whether ratings are asked, and the consent text (None: the catalogue's).
    Closing it turns the answers into the wave ``wave`` of the alliance (state ``closed``).
    """

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"), index=True)
    wave: Mapped[str] = mapped_column(String(MAX_WAVE_CHARS))
    state: Mapped[str] = mapped_column(String(20), default="open")  # open, closed
    roster: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closes_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class InvitationRow(Base):
    """A personal link, bound to one actor of one survey: the salt its token is made from
    (:func:`api.surveys.link_token`, with the service's secret key) and the token's SHA-256.

    Re-issuing a link marks the old row replaced (its token then gets a clear page) and adds a new one.
    """

    __tablename__ = "survey_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str] = mapped_column(String(MAX_ID_CHARS))
    salt: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    replaced_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RespondentRow(Base):
    """One actor's answering of a survey: consent, the free text of missing partners, done or withdrawn."""

    __tablename__ = "survey_respondents"
    __table_args__ = (UniqueConstraint("survey_id", "actor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str] = mapped_column(String(MAX_ID_CHARS))
    consented_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    missing_text: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AnswerRow(Base):
    """What one respondent says about one partner (one row per pair: saving again replaces it)."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("respondent_id", "partner"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("survey_respondents.id", ondelete="CASCADE"))
    partner: Mapped[str] = mapped_column(String(MAX_ID_CHARS))
    kind: Mapped[str | None] = mapped_column(String(MAX_KIND_CHARS))
    frequency: Mapped[int | None] = mapped_column(Integer)
    ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

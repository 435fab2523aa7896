"""Request and response bodies of the API.

Request bodies are checked before anything reaches the database, so that both databases take
what the schemas accept: no text holds a NUL character or a lone surrogate
(:mod:`api.textcheck`), and no text is longer
than the column that stores it (SQLite would store a longer one, PostgreSQL refuses it). The
lengths are read from the columns (:mod:`api.models`), so they are written down once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.orm import InstrumentedAttribute

from api.models import ActorRow, AllianceRow, ApiKey, TieRow
from api.textcheck import unstorable

__all__ = [
    "ActorIn",
    "ActorPatch",
    "AllianceIn",
    "AllianceOut",
    "AlliancePatch",
    "AuditEntryOut",
    "AuditPage",
    "KeyIn",
    "KeyInfo",
    "KeyOut",
    "KeyPatch",
    "TieIn",
    "TiePatch",
]


def _length(column: InstrumentedAttribute[Any]) -> int:
    """The size of a text column (``String(n)``)."""
    length: int = column.type.length
    return length


#: Alliance metadata kept in text columns of their own (see ``api.store.COLUMN_META``), by key.
META_LENGTHS = {key: _length(getattr(AllianceRow, key)) for key in ("name", "region", "land", "programme")}


class _Request(BaseModel):
    """A request body: unknown fields refused, and no text in it that cannot be stored."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        reason = unstorable(data)
        if reason is not None:
            raise ValueError(reason)
        return data


def _meta_within_columns(meta: dict[str, Any]) -> dict[str, Any]:
    for key, length in META_LENGTHS.items():
        value = meta.get(key)
        if value is not None and len(str(value)) > length:
            raise ValueError(f"'{key}' may have at most {length} characters")
    return meta


class ActorIn(_Request):
    id: str = Field(min_length=1, max_length=_length(ActorRow.actor_id), examples=["hk"])
    name: str = Field(default="", max_length=_length(ActorRow.name),
                      examples=["Helferkreis Asyl Musterstadt"])
    type: str = Field(examples=["Helferkreis"])
    attributes: dict[str, Any] = Field(default_factory=dict)


class ActorPatch(_Request):
    name: str | None = Field(default=None, max_length=_length(ActorRow.name))
    type: str | None = None
    attributes: dict[str, Any] | None = None


class TieIn(_Request):
    source: str = Field(min_length=1, max_length=_length(TieRow.source))
    target: str = Field(min_length=1, max_length=_length(TieRow.target))
    weight: float | None = Field(default=None, gt=0)
    kind: str | None = Field(default=None, max_length=_length(TieRow.kind))
    wave: str | None = Field(default=None, max_length=_length(TieRow.wave))
    attributes: dict[str, Any] = Field(default_factory=dict)


class TiePatch(_Request):
    weight: float | None = Field(default=None, gt=0)
    kind: str | None = Field(default=None, max_length=_length(TieRow.kind))
    wave: str | None = Field(default=None, max_length=_length(TieRow.wave))
    attributes: dict[str, Any] | None = None


class AllianceIn(_Request):
    name: str = Field(default="", max_length=META_LENGTHS["name"])
    directed: bool = False
    meta: dict[str, Any] = Field(default_factory=dict,
                                 examples=[{"region": "Musterstadt", "land": "Hessen", "funding": 15000}])
    actors: list[ActorIn] = Field(default_factory=list)
    ties: list[TieIn] = Field(default_factory=list)

    _meta = field_validator("meta")(_meta_within_columns)


class AlliancePatch(_Request):
    """Metadata changes; ``null`` removes a field."""

    name: str | None = Field(default=None, max_length=META_LENGTHS["name"])
    meta: dict[str, Any] = Field(default_factory=dict)

    _meta = field_validator("meta")(_meta_within_columns)


class AllianceOut(BaseModel):
    id: int
    name: str
    region: str | None
    land: str | None
    programme: str | None
    funding: float | None
    founded: int | None
    meta: dict[str, Any]
    directed: bool
    weighted: bool
    n_actors: int
    n_ties: int
    revision: int


class KeyIn(_Request):
    role: str = Field(pattern="^(admin|coordinator|researcher|funder)$")
    alliances: list[int] = Field(default_factory=list)
    label: str = Field(default="", max_length=_length(ApiKey.label))
    expires: dt.datetime | None = Field(default=None, description="refused from then on; no time "
                                        "zone: UTC; none: never")


class KeyOut(BaseModel):
    key: str
    id: int
    prefix: str
    role: str
    alliances: list[int]
    expires: dt.datetime | None = None


class KeyInfo(BaseModel):
    """A key as listed: never the key or its hash, only its public prefix."""

    id: int
    prefix: str
    role: str
    label: str
    alliances: list[int]
    created: dt.datetime | None
    last_used: dt.datetime | None = Field(description="to the minute: written at most once a minute")
    expires: dt.datetime | None
    revoked: dt.datetime | None
    status: Literal["active", "revoked", "expired", "orphaned"] = Field(
        description="orphaned: a coordinator key every alliance of which has been deleted")


class KeyPatch(_Request):
    expires: dt.datetime | None = Field(description="refused from then on; null: never")


class AuditEntryOut(BaseModel):
    id: int
    at: dt.datetime
    key_id: int | None
    key_prefix: str
    role: str
    action: str
    alliance_id: int | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    total: int
    page: int
    per_page: int
    entries: list[AuditEntryOut]

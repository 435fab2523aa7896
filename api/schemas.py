"""Request and response bodies of the API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class ActorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, examples=["hk"])
    name: str = Field(default="", examples=["Helferkreis Asyl Musterstadt"])
    type: str = Field(examples=["Helferkreis"])
    attributes: dict[str, Any] = Field(default_factory=dict)


class ActorPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    type: str | None = None
    attributes: dict[str, Any] | None = None


class TieIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1)
    target: str = Field(min_length=1)
    weight: float | None = Field(default=None, gt=0)
    kind: str | None = None
    wave: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)


class TiePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weight: float | None = Field(default=None, gt=0)
    kind: str | None = None
    wave: str | None = None
    attributes: dict[str, Any] | None = None


class AllianceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    directed: bool = False
    meta: dict[str, Any] = Field(default_factory=dict,
                                 examples=[{"region": "Musterstadt", "land": "Hessen", "funding": 15000}])
    actors: list[ActorIn] = Field(default_factory=list)
    ties: list[TieIn] = Field(default_factory=list)


class AlliancePatch(BaseModel):
    """Metadata changes; ``null`` removes a field."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)


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


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str = Field(pattern="^(admin|coordinator|researcher|funder)$")
    alliances: list[int] = Field(default_factory=list)
    label: str = Field(default="", max_length=200)
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


class KeyPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
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

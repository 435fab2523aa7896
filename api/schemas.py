"""Request and response bodies of the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ActorIn",
    "ActorPatch",
    "AllianceIn",
    "AllianceOut",
    "AlliancePatch",
    "KeyIn",
    "KeyOut",
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
    label: str = ""


class KeyOut(BaseModel):
    key: str
    role: str
    alliances: list[int]

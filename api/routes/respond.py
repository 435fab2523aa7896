"""The respondent's side of a survey: no key, the personal link's token is the credential.

A token that is unknown (forged) is 404; one that was re-issued, whose survey closed or whose
closing date passed is 410 with ``reason`` (``replaced``, ``closed``, ``expired``), so the page can
say what happened. Nothing is stored before consent. Each save stores one partner's answer (save
as you go); saving it again replaces it, so a second tab or a double submit loses nothing.
The rate limits apply per token and per address (:mod:`api.ratelimit`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import Field, field_validator
from sqlalchemy import delete
from sqlalchemy.orm import Session

from api import surveys
from api.deps import SessionDep, SessionRoute
from api.models import AnswerRow, RespondentRow, utcnow
from api.problems import InvalidValue, Refusal
from api.schemas import _Request
from netz.analysis import survey as netz_survey

router = APIRouter(route_class=SessionRoute, prefix="/api/v1/respond/{token}", tags=["respond"])

Token = Annotated[str, Path(max_length=100, description="The token of the personal link.")]
Partner = Annotated[str, Path(max_length=300, description="The partner's actor id.")]
Step = Annotated[int | None, Field(default=None, ge=1, le=4)]


class AnswerIn(_Request):
    kind: list[str] = Field(default_factory=list, max_length=len(netz_survey.KINDS))
    frequency: Step = None
    value_power: Step = None
    value_involvement: Step = None
    value_resources: Step = None
    trust_reliability: Step = None
    trust_mission: Step = None
    trust_openness: Step = None

    @field_validator("kind")
    @classmethod
    def _known_kinds(cls, kinds: list[str]) -> list[str]:
        unknown = [k for k in kinds if k not in netz_survey.KINDS]
        if unknown:
            raise InvalidValue("request.invalid.kinds", kinds=", ".join(unknown),
                               accepted=", ".join(netz_survey.KINDS))
        return sorted(set(kinds), key=netz_survey.KINDS.index)


class MissingIn(_Request):
    text: str = Field(
        max_length=2000, description="Partners missing from the list, in the respondent's words."
    )


def _open(session: Session, token: str) -> surveys.Invitation:
    found = surveys.find(session, token)
    if found.state == "unknown":
        raise Refusal(404, "problem.respond.unknown")
    if found.state != "open":
        raise Refusal(410, f"problem.respond.{found.state}", headers={"X-Netz-Reason": found.state})
    return found


def _consented(found: surveys.Invitation) -> RespondentRow:
    """The respondent row read with the invitation, if it has consented (else 409)."""
    row = found.respondent
    if row is None or row.consented_at is None or row.withdrawn_at is not None:
        raise Refusal(409, "problem.respond.no_consent")
    return row


@router.get("")
def get_questionnaire(token: Token, session: SessionDep) -> dict[str, Any]:
    """The questionnaire: the respondent's organisation, the roster, consent and saved answers."""
    found = _open(session, token)
    assert found.survey is not None and found.actor_id is not None
    return surveys.respondent_view(session, found.survey, found.actor_id)


@router.post("/consent")
def consent(token: Token, session: SessionDep) -> dict[str, Any]:
    """Agree to the consent text (again after withdrawing): from now on answers are stored."""
    found = _open(session, token)
    assert found.survey is not None and found.actor_id is not None
    row = surveys.respondent(session, found.survey, found.actor_id, create=True)
    assert row is not None
    if row.consented_at is None or row.withdrawn_at is not None:
        row.consented_at, row.withdrawn_at = utcnow(), None
    session.commit()
    return surveys.respondent_view(session, found.survey, found.actor_id)


@router.put("/answers/{partner}")
def save_answer(
    token: Token,
    partner: Partner,
    body: AnswerIn,
    session: SessionDep,
) -> dict[str, Any]:
    """Store the answer about one partner (replacing an earlier one about it). Ratings are refused
    (422, nothing stored) when the survey does not ask for them."""
    found = _open(session, token)
    row = _consented(found)
    assert found.survey is not None
    if partner == found.actor_id or partner not in {a["id"] for a in found.survey.roster}:
        raise Refusal(404, "problem.respond.not_partner", partner=partner)
    answer = body.model_dump()
    rated = [item for item in netz_survey.RATING_ITEMS if answer[item] is not None]
    if rated and not found.survey.settings.get("ratings", True):
        raise Refusal(422, "survey.ratings_off", items=", ".join(rated))
    surveys.save_answer(session, row, partner, answer)
    session.commit()
    return {"partner": partner, "saved": True}


@router.delete("/answers/{partner}")
def remove_answer(token: Token, partner: Partner, session: SessionDep) -> dict[str, Any]:
    """Take a partner off the respondent's answers."""
    found = _open(session, token)
    row = _consented(found)
    session.execute(delete(AnswerRow).where(AnswerRow.respondent_id == row.id, AnswerRow.partner == partner))
    session.commit()
    return {"partner": partner, "saved": False}


@router.put("/missing")
def save_missing(token: Token, body: MissingIn, session: SessionDep) -> dict[str, Any]:
    """Partners missing from the list, as free text (the coordinator may add them to the roster)."""
    found = _open(session, token)
    row = _consented(found)
    row.missing_text, row.updated_at = body.text.strip() or None, utcnow()
    session.commit()
    return {"saved": True}


@router.post("/submit")
def submit(token: Token, session: SessionDep) -> dict[str, Any]:
    """Mark the answers complete (naming no partner is an answer too); changes stay possible until closing."""
    found = _open(session, token)
    row = _consented(found)
    row.submitted_at = row.updated_at = utcnow()
    session.commit()
    return {"submitted": True}


@router.delete("")
def withdraw(token: Token, session: SessionDep) -> dict[str, Any]:
    """Withdraw: every answer of this respondent is deleted, and it counts as not having answered."""
    found = _open(session, token)
    row = found.respondent
    if row is not None:
        surveys.withdraw(session, row)
        session.commit()
    return {"withdrawn": True}

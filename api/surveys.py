"""Partner surveys in the database: start, personal links, answers, response tracking, close.

A personal link carries a token that only the service can make: the HMAC of a random salt (stored
with the invitation) under the service's secret key, so that the coordinator can list and print the
links again, while the database holds the salt and the token's SHA-256 only (a copy of the table
alone opens no survey). Re-issuing a link marks the old invitation replaced and makes a new one.

The analysis of the answers is :mod:`netz.analysis.survey`'s; this module reads and writes rows.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.edits import edit
from api.models import AllianceRow, AnswerRow, InvitationRow, RespondentRow, SurveyRow, as_utc, utcnow
from netz.analysis import survey as netz_survey
from netz.core.model import Alliance, plain_value
from netz.messages import day_text, message

__all__ = [
    "DEFAULT_SETTINGS",
    "Closed",
    "Invitation",
    "answered_actors",
    "close",
    "digest",
    "find",
    "issue",
    "link_token",
    "links",
    "merged",
    "reports_of",
    "respondent_view",
    "save_answer",
    "start",
    "status",
    "withdraw",
]

DEFAULT_SETTINGS: dict[str, Any] = {
    "rule": None,
    "combine": "mean",
    "reconstruct": False,
    "ratings": True,
    "consent": None,
}


def link_token(key: bytes, salt: str) -> str:
    """The token of a personal link: HMAC-SHA-256 of the salt under the service's key, URL-safe."""
    mac = hmac.new(key, f"survey-link:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def digest(token: str) -> str:
    """What the database stores of a token (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(session: Session, survey: SurveyRow, actor_id: str, key: bytes) -> InvitationRow:
    """A new personal link for one actor; its earlier links stop working."""
    now = utcnow()
    session.execute(
        update(InvitationRow)
        .where(
            InvitationRow.survey_id == survey.id,
            InvitationRow.actor_id == actor_id,
            InvitationRow.replaced_at.is_(None),
        )
        .values(replaced_at=now)
    )
    salt = secrets.token_hex(16)
    row = InvitationRow(
        survey_id=survey.id,
        actor_id=actor_id,
        salt=salt,
        digest=digest(link_token(key, salt)),
        created_at=now,
    )
    session.add(row)
    return row


def start(
    session: Session,
    alliance_row: AllianceRow,
    alliance: Alliance,
    *,
    wave: str,
    closes_at: dt.datetime,
    settings: dict[str, Any],
    key: bytes,
) -> SurveyRow:
    """A new open survey of the alliance's actors, with one link per actor."""
    roster = [
        {"id": a, "name": n, "type": t}
        for a, n, t in alliance.actors[["id", "name", "type"]].itertuples(index=False)
    ]
    chosen = {**DEFAULT_SETTINGS, **settings}
    if chosen["rule"] is None:
        chosen["rule"] = "reporter" if alliance.directed else "union"
    survey = SurveyRow(
        alliance_id=alliance_row.id,
        wave=wave,
        state="open",
        roster=roster,
        settings=chosen,
        created_at=utcnow(),
        closes_at=closes_at,
    )
    session.add(survey)
    session.flush()
    for actor in roster:
        issue(session, survey, actor["id"], key)
    return survey


def links(session: Session, survey: SurveyRow, key: bytes, base_url: str) -> list[dict[str, Any]]:
    """Every actor's current link, in roster order, and whether it answered."""
    salts = dict(
        session.execute(
            select(InvitationRow.actor_id, InvitationRow.salt).where(
                InvitationRow.survey_id == survey.id, InvitationRow.replaced_at.is_(None)
            )
        ).all()
    )
    answered = answered_actors(session, survey)
    return [
        {
            "actor": a["id"],
            "name": a["name"],
            "type": a["type"],
            "link": f"{base_url.rstrip('/')}/survey/{link_token(key, salts[a['id']])}",
            "answered": a["id"] in answered,
        }
        for a in survey.roster
        if a["id"] in salts
    ]


@dataclass(frozen=True)
class Invitation:
    """What a token opens: ``state`` is ``open``, or why not (``unknown``, ``replaced``, ``expired``,
    ``closed``); the survey and actor when the token is known, and the actor's respondent row
    when it has one (read with the invitation: a save needs no second query for it)."""

    state: str
    survey: SurveyRow | None = None
    actor_id: str | None = None
    respondent: RespondentRow | None = None


def find(session: Session, token: str, now: dt.datetime | None = None) -> Invitation:
    """The invitation a token opens, or why it opens none (one query)."""
    if not 20 <= len(token) <= 100:
        return Invitation("unknown")
    found = session.execute(
        select(InvitationRow, SurveyRow, RespondentRow)
        .join(SurveyRow, SurveyRow.id == InvitationRow.survey_id)
        .outerjoin(
            RespondentRow,
            (RespondentRow.survey_id == InvitationRow.survey_id)
            & (RespondentRow.actor_id == InvitationRow.actor_id),
        )
        .where(InvitationRow.digest == digest(token))
    ).first()
    if found is None:
        return Invitation("unknown")
    invitation, survey, row = found
    if invitation.replaced_at is not None:
        return Invitation("replaced", survey, invitation.actor_id, row)
    if survey.state != "open":
        return Invitation("closed", survey, invitation.actor_id, row)
    if as_utc(survey.closes_at) <= (now or utcnow()):
        return Invitation("expired", survey, invitation.actor_id, row)
    return Invitation("open", survey, invitation.actor_id, row)


def _insert(session: Session) -> Any:
    return sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert


def respondent(
    session: Session, survey: SurveyRow, actor_id: str, *, create: bool = False
) -> RespondentRow | None:
    """The actor's respondent row (made race-free on first use with ``create``)."""
    query = select(RespondentRow).where(
        RespondentRow.survey_id == survey.id, RespondentRow.actor_id == actor_id
    )
    row = session.scalar(query)
    if row is None and create:
        session.execute(
            _insert(session)(RespondentRow)
            .values(survey_id=survey.id, actor_id=actor_id, updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=["survey_id", "actor_id"])
        )
        row = session.scalar(query)
    return row


def respondent_view(session: Session, survey: SurveyRow, actor_id: str) -> dict[str, Any]:
    """What the respondent's page shows: who they are, the roster, their saved answers, the consent."""
    row = respondent(session, survey, actor_id)
    answers = _answers(session, row.id) if row is not None and row.withdrawn_at is None else []
    me = next(a for a in survey.roster if a["id"] == actor_id)
    return {
        "survey": {
            "wave": survey.wave,
            "closes_at": as_utc(survey.closes_at).isoformat(),
            "ratings": bool(survey.settings.get("ratings", True)),
            "consent": survey.settings.get("consent"),
            "kinds": list(netz_survey.KINDS),
            "frequencies": list(netz_survey.FREQUENCIES),
            "value_items": list(netz_survey.VALUE_ITEMS),
            "trust_items": list(netz_survey.TRUST_ITEMS),
        },
        "actor": me,
        "roster": [a for a in survey.roster if a["id"] != actor_id],
        "consented": row is not None and row.consented_at is not None and row.withdrawn_at is None,
        "submitted": row is not None and row.submitted_at is not None and row.withdrawn_at is None,
        "withdrawn": row is not None and row.withdrawn_at is not None,
        "missing": row.missing_text if row is not None and row.withdrawn_at is None else None,
        "answers": answers,
    }


def _answers(session: Session, respondent_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(AnswerRow).where(AnswerRow.respondent_id == respondent_id).order_by(AnswerRow.id)
    )
    return [
        {
            "partner": r.partner,
            "kind": r.kind.split(";") if r.kind else [],
            "frequency": r.frequency,
            **{item: (r.ratings or {}).get(item) for item in netz_survey.RATING_ITEMS},
        }
        for r in rows
    ]


def save_answer(session: Session, row: RespondentRow, partner: str, answer: dict[str, Any]) -> None:
    """Store what the respondent says about one partner (replacing what it said before about it).

    One statement (insert or update on the pair), so that two tabs or a double submit leave one
    row, and the pair is the respondent's own: no other respondent's answer is touched. The
    respondent's ``updated_at`` is left as it is (it tells when consent, the missing partners or
    the submission changed; a save is one statement, not two).
    """
    values = {
        "kind": ";".join(answer.get("kind") or []) or None,
        "frequency": answer.get("frequency"),
        "ratings": {k: answer[k] for k in netz_survey.RATING_ITEMS if answer.get(k) is not None},
    }
    statement = _insert(session)(AnswerRow).values(respondent_id=row.id, partner=partner, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["respondent_id", "partner"], set_=values))


def withdraw(session: Session, row: RespondentRow) -> None:
    """Delete everything the respondent said; it counts as not having answered."""
    session.execute(delete(AnswerRow).where(AnswerRow.respondent_id == row.id))
    row.withdrawn_at, row.consented_at, row.submitted_at, row.missing_text = utcnow(), None, None, None


def answered_actors(session: Session, survey: SurveyRow) -> set[str]:
    """Who answered: submitted, or saved at least one partner (and did not withdraw)."""
    with_answers = select(AnswerRow.respondent_id).distinct()
    rows = session.scalars(
        select(RespondentRow.actor_id).where(
            RespondentRow.survey_id == survey.id,
            RespondentRow.withdrawn_at.is_(None),
            (RespondentRow.submitted_at.is_not(None)) | RespondentRow.id.in_(with_answers),
        )
    )
    return set(rows)


def reports_of(session: Session, survey: SurveyRow) -> tuple[pd.DataFrame, list[str]]:
    """The survey's tie-report table (:func:`netz.analysis.survey.reports_frame`) and its respondents.

    The ratings are read out of their JSON by the database, one column per item, so that the
    table is made without a loop over the answers.
    """
    answered = answered_actors(session, survey)
    items = [AnswerRow.ratings[item].as_float().label(item) for item in netz_survey.RATING_ITEMS]
    rows = session.execute(
        select(RespondentRow.actor_id, AnswerRow.partner, AnswerRow.kind, AnswerRow.frequency, *items)
        .join(AnswerRow, AnswerRow.respondent_id == RespondentRow.id)
        .where(RespondentRow.survey_id == survey.id, RespondentRow.withdrawn_at.is_(None))
    ).all()
    roster = [a["id"] for a in survey.roster]
    columns = ["reporter", "partner", "kind", "frequency", *netz_survey.RATING_ITEMS]
    # column by column (pandas reads a list of rows one row at a time: 8 times slower)
    values = list(zip(*rows, strict=True)) or [()] * len(columns)
    table = pd.DataFrame(dict(zip(columns, values, strict=True)), columns=columns)
    known = table["reporter"].isin(roster) & table["partner"].isin(roster)
    table = table[known & (table["reporter"] != table["partner"])]
    return netz_survey.reports_frame(table, roster), sorted(answered)


def status(session: Session, survey: SurveyRow) -> dict[str, Any]:
    """Response rate overall and by sector, who has not answered, and reminder texts."""
    answered = answered_actors(session, survey)
    roster = survey.roster
    by_type: dict[str, list[int]] = {}
    for actor in roster:
        counts = by_type.setdefault(actor["type"], [0, 0])
        counts[0] += actor["id"] in answered
        counts[1] += 1
    rate = netz_survey.response_rate([a["id"] for a in roster], answered)
    closes = as_utc(survey.closes_at)
    return {
        "id": survey.id,
        "wave": survey.wave,
        "state": survey.state,
        "settings": survey.settings,
        "created_at": as_utc(survey.created_at).isoformat(),
        "closes_at": closes.isoformat(),
        "closed_at": as_utc(survey.closed_at).isoformat() if survey.closed_at else None,
        "roster_size": len(roster),
        "answered": len(answered & {a["id"] for a in roster}),
        "response_rate": rate,
        "by_type": [
            {"type": t, "answered": a, "asked": n, "rate": a / n} for t, (a, n) in sorted(by_type.items())
        ],
        "not_answered": [a for a in roster if a["id"] not in answered],
        "caveats": netz_survey.caveats(rate),
        "reminder": {
            lang: message("survey.reminder", lang, date=day_text(closes.date(), lang), wave=survey.wave)
            for lang in ("de", "en")
        },
    }


def missing_partners(session: Session, survey: SurveyRow) -> list[dict[str, str]]:
    """The free texts of partners missing from the roster, with who wrote them."""
    rows = session.execute(
        select(RespondentRow.actor_id, RespondentRow.missing_text).where(
            RespondentRow.survey_id == survey.id,
            RespondentRow.withdrawn_at.is_(None),
            RespondentRow.missing_text.is_not(None),
            func.length(RespondentRow.missing_text) > 0,
        )
    ).all()
    return [{"actor": a, "text": t or ""} for a, t in rows]


def add_to_roster(session: Session, survey: SurveyRow, actor: dict[str, str], named_by: list[str]) -> None:
    """A partner from the free text joins the roster, and the actors who wrote it name it.

    On closing, the new actor is added to the alliance (its ties are this wave's).
    """
    survey.roster = [*survey.roster, {**actor, "added": True}]
    for actor_id in named_by:
        row = respondent(session, survey, actor_id, create=True)
        assert row is not None
        save_answer(session, row, actor["id"], {})


def merged(
    session: Session, survey: SurveyRow, *, rule: str, combine: str, reconstruct: bool
) -> dict[str, Any]:
    """The survey's ties by a rule, the disagreements and the non-respondent-aware figures."""
    reports, answered = reports_of(session, survey)
    roster = [a["id"] for a in survey.roster]
    ties = netz_survey.merge(reports, roster, answered, rule=rule, combine=combine, reconstruct=reconstruct)
    per_actor, network = netz_survey.partner_scores(reports)
    rate = netz_survey.response_rate(roster, answered)
    return {
        "rule": rule,
        "combine": combine,
        "reconstruct": reconstruct,
        "ties": ties,
        "disagreements": netz_survey.disagreements(reports, answered),
        "response_rate": rate,
        "respondents": answered,
        "observed_density": netz_survey.observed_density(
            reports, roster, answered, rule=rule, reconstruct=reconstruct
        ),
        "scores": per_actor,
        "network_scores": network,
        "caveats": netz_survey.caveats(rate),
    }


@dataclass(frozen=True)
class Closed:
    """A closed survey: the alliance with its new wave, and the pairs whose state in that wave the
    answers cannot tell (:func:`netz.analysis.survey.unknown_dyads`, both directions of an undirected
    rule's pair in a directed alliance), for the wave diff."""

    alliance: Alliance
    unknown: list[tuple[str, str]]


def close(session: Session, alliance_row: AllianceRow, survey: SurveyRow) -> Closed:
    """Close the survey: its merged ties become the wave ``survey.wave`` of the alliance.

    One transaction: the new actors, the ties of the wave, the wave's response (in the alliance's
    metadata, for the health scorecard's data-quality indicator and the diff of stored waves:
    who answered) and the survey's state are
    committed together, or (a validation error) nothing is.
    """
    chosen = survey.settings
    reports, answered = reports_of(session, survey)
    roster = [a["id"] for a in survey.roster]
    rule, reconstruct = chosen["rule"], bool(chosen["reconstruct"])
    ties: pd.DataFrame = netz_survey.merge(
        reports, roster, answered, rule=rule, combine=chosen["combine"], reconstruct=reconstruct
    ).assign(wave=survey.wave)
    unknown = netz_survey.unknown_ties(reports, roster, answered, rule=rule, reconstruct=reconstruct,
                                       directed=alliance_row.directed)
    if alliance_row.directed and rule != "reporter":
        # an undirected tie of a directed alliance: both directions
        back = ties.rename(columns={"source": "target", "target": "source"})
        ties = pd.concat([ties, back[ties.columns]], ignore_index=True)
    new_actors = [a for a in survey.roster if a.get("added")]

    def add_actors(actors: pd.DataFrame) -> pd.DataFrame:
        known = set(actors["id"])
        extra = pd.DataFrame(
            [
                {"id": a["id"], "name": a["name"], "type": a["type"]}
                for a in new_actors
                if a["id"] not in known
            ]
        )
        return pd.concat([actors, extra], ignore_index=True) if len(extra) else actors

    def add_ties(existing: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([existing, ties.astype(object).where(ties.notna(), None)], ignore_index=True)

    def add_response(meta: dict[str, Any]) -> dict[str, Any]:
        # the health scorecard's data-quality indicator for this wave (netz.analysis.survey.wave_response),
        # and who answered, for a later diff of the stored waves (netz.analysis.survey.recorded_unknown)
        return netz_survey.with_wave_response(meta, survey.wave, reports, roster, answered, rule=rule,
                                              reconstruct=reconstruct)

    survey.state, survey.closed_at = "closed", utcnow()
    alliance = edit(session, alliance_row, actors=add_actors, ties=add_ties, weighted=True, meta=add_response)
    return Closed(alliance, unknown)


def plain_ties(ties: pd.DataFrame) -> list[dict[str, Any]]:
    """A tie table as JSON rows."""
    return [{str(k): plain_value(v) for k, v in r.items()} for r in ties.to_dict("records")]

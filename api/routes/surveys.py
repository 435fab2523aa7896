"""Partner surveys for coordinators: start, links and letters, response page, close as a new wave.

Coordinators and admins run a survey of an alliance they may change. Researchers see the merged
ties with pseudonyms (never raw answers or free text); funders see response rates only.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from typing import Annotated, Any, Literal

import segno
from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import surveys
from api.audit import audit
from api.config import Settings
from api.deps import (
    MAX_ID,
    AllianceId,
    CurrentKey,
    SessionDep,
    SessionRoute,
    SettingsDep,
    check_revision,
    etag,
    readable_alliance,
    require,
    view_of,
    writable_alliance,
)
from api.models import ActorRow, AllianceRow, ApiKey, SurveyRow, TieRow, as_utc, utcnow
from api.problems import Refusal, request_language
from api.reportcache import report_key, store
from api.reports import report_body
from api.schemas import _Request
from api.security import pseudonym_key
from api.store import load
from netz.analysis import survey as netz_survey
from netz.analysis.privacy import pseudonyms
from netz.analysis.report import analyse, serialise, to_jsonable
from netz.analysis.waves import diff_analyses
from netz.core.errors import NotInstalledError
from netz.core.model import wave_order
from netz.core.printed import pdf
from netz.messages import day_text, message

router = APIRouter(route_class=SessionRoute, tags=["surveys"])

SurveyId = Annotated[int, Path(ge=1, le=MAX_ID, description="The survey's id.")]
Rule = Annotated[str | None, Query(description="union, confirmed or reporter (default: the survey's)")]
Combine = Annotated[str | None, Query(description="mean, min or max (default: the survey's)")]


class SurveyIn(_Request):
    wave: str = Field(min_length=1, max_length=100, examples=["2026"])
    closes_at: dt.datetime = Field(description="When the links stop working (ISO 8601).")
    rule: str | None = Field(
        default=None,
        description="union, confirmed or reporter; default: union (reporter for a directed alliance)",
    )
    combine: str = "mean"
    reconstruct: bool = False
    ratings: bool = True
    consent: str | None = Field(
        default=None,
        max_length=5000,
        description="The alliance's own consent text (default: the catalogue's)",
    )


class SurveyPatch(_Request):
    closes_at: dt.datetime | None = None
    rule: str | None = None
    combine: str | None = None
    reconstruct: bool | None = None


class RosterIn(_Request):
    id: str = Field(min_length=1, max_length=300)
    name: str = Field(min_length=1, max_length=500)
    type: str = Field(min_length=1, max_length=40)
    named_by: list[str] = Field(
        default_factory=list, description="Actors whose free text named this partner."
    )


def _survey(
    session: Session, key: ApiKey, survey_id: int, *, write: bool = False
) -> tuple[SurveyRow, AllianceRow]:
    survey = session.get(SurveyRow, survey_id)
    if survey is None:
        raise Refusal(404, "survey.error.no_survey", id=survey_id)
    alliance = (writable_alliance if write else readable_alliance)(session, key, survey.alliance_id)
    return survey, alliance


def _check_choices(rule: str | None, combine: str | None) -> None:
    if rule is not None and rule not in netz_survey.RULES:
        raise Refusal(422, "survey.error.unknown_rule", rule=rule, accepted=", ".join(netz_survey.RULES))
    if combine is not None and combine not in netz_survey.COMBINE:
        raise Refusal(422, "survey.error.unknown_combine", combine=combine,
                      accepted=", ".join(netz_survey.COMBINE))


def _closes_at(moment: dt.datetime) -> dt.datetime:
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    if moment <= utcnow():
        raise Refusal(422, "survey.error.closes_in_past")
    return moment


def _rates_only(state: dict[str, Any]) -> dict[str, Any]:
    """What funders and researchers see of a survey's progress: rates, no actor."""
    keep = (
        "id",
        "wave",
        "state",
        "created_at",
        "closes_at",
        "closed_at",
        "roster_size",
        "answered",
        "response_rate",
        "by_type",
    )
    return {k: state[k] for k in keep}


@router.post("/api/v1/alliances/{alliance_id}/surveys", status_code=201)
def create_survey(
    alliance_id: AllianceId,
    body: SurveyIn,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Start a survey of the alliance's actors: one personal link per actor, valid until ``closes_at``."""
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    _check_choices(body.rule, body.combine)
    alliance = load(session, row)
    if body.wave in alliance.waves:
        raise Refusal(409, "survey.error.wave_taken", wave=body.wave)
    if body.rule == "reporter" and not alliance.directed:
        raise Refusal(422, "survey.error.reporter_undirected")
    chosen = body.model_dump(include={"rule", "combine", "reconstruct", "ratings", "consent"})
    survey = surveys.start(
        session,
        row,
        alliance,
        wave=body.wave,
        closes_at=_closes_at(body.closes_at),
        settings=chosen,
        key=pseudonym_key(session, settings.pseudonym_secret),
    )
    audit(session, key, "survey-start", row, survey=survey.id)
    session.commit()
    return {
        **surveys.status(session, survey),
        "links": surveys.links(
            session, survey, pseudonym_key(session, settings.pseudonym_secret), str(request.base_url)
        ),
    }


@router.get("/api/v1/alliances/{alliance_id}/surveys")
def list_surveys(alliance_id: AllianceId, session: SessionDep, key: CurrentKey) -> list[dict[str, Any]]:
    """The alliance's surveys, newest first (funders and researchers: response rates only)."""
    readable_alliance(session, key, alliance_id)
    rows = session.scalars(
        select(SurveyRow).where(SurveyRow.alliance_id == alliance_id).order_by(SurveyRow.id.desc())
    )
    states = [surveys.status(session, survey) for survey in rows]
    return states if view_of(key) == "full" else [_rates_only(s) for s in states]


@router.get("/api/v1/surveys/{survey_id}")
def get_survey(survey_id: SurveyId, session: SessionDep, key: CurrentKey) -> dict[str, Any]:
    """Response rate overall and by sector, who has not answered, reminder texts, free-text partners."""
    survey, _ = _survey(session, key, survey_id)
    state = surveys.status(session, survey)
    if view_of(key) != "full":
        return _rates_only(state)
    return {**state, "missing_partners": surveys.missing_partners(session, survey)}


@router.patch("/api/v1/surveys/{survey_id}")
def update_survey(
    survey_id: SurveyId, body: SurveyPatch, session: SessionDep, key: CurrentKey
) -> dict[str, Any]:
    """Extend the closing date, or change how the answers are merged (rule, combine, reconstruction)."""
    survey, row = _survey(session, key, survey_id, write=True)
    _open(survey)
    _check_choices(body.rule, body.combine)
    if body.rule == "reporter" and not row.directed:
        raise Refusal(422, "survey.error.reporter_undirected")
    if body.closes_at is not None:
        survey.closes_at = _closes_at(body.closes_at)
    changes = body.model_dump(include={"rule", "combine", "reconstruct"}, exclude_none=True)
    survey.settings = {**survey.settings, **changes}
    audit(session, key, "survey-edit", row, survey=survey.id)
    session.commit()
    return surveys.status(session, survey)


def _open(survey: SurveyRow) -> None:
    if survey.state != "open":
        raise Refusal(409, "survey.error.closed", at=as_utc(survey.closed_at or utcnow()).isoformat())


@router.get("/api/v1/surveys/{survey_id}/links")
def get_links(
    survey_id: SurveyId,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
    format: Annotated[str, Query(pattern="^(json|csv)$", description="json or csv")] = "json",
) -> Any:
    """Every actor's personal link (as JSON, or as CSV: actor, name, link)."""
    require(key, "admin", "coordinator")
    survey, _ = _survey(session, key, survey_id, write=True)
    listed = surveys.links(
        session, survey, pseudonym_key(session, settings.pseudonym_secret), str(request.base_url)
    )
    if format == "json":
        return listed
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["actor", "name", "link"])
    writer.writerows([[link["actor"], link["name"], link["link"]] for link in listed])
    return Response(
        out.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-links.csv"'},
    )


Lang = Annotated[
    Literal["de", "en"] | None,
    Query(description="The letters' language (default: from the Accept-Language header, else German)."),
]


def _letters(
    survey_id: int,
    request: Request,
    session: Session,
    key: ApiKey,
    settings: Settings,
    lang: str | None,
    *,
    printed: bool,
) -> tuple[str, str, SurveyRow]:
    """The letters as one HTML document (``printed``: A4 pages for WeasyPrint), its language and
    the survey. Everything inline (styles, QR codes as SVG), so printing fetches nothing."""
    require(key, "admin", "coordinator")
    survey, row = _survey(session, key, survey_id, write=True)
    language = lang or request_language(request)
    listed = surveys.links(
        session, survey, pseudonym_key(session, settings.pseudonym_secret), str(request.base_url)
    )
    closes = day_text(as_utc(survey.closes_at).date(), language)
    text = html.escape(message("survey.letter.body", language, alliance=row.name, date=closes))
    pages = []
    for link in listed:
        qr = segno.make(link["link"], error="m").svg_inline(
            scale=5 if printed else 4, title=message("survey.letter.qr", language)
        )
        pages.append(
            f'<section class="letter"><h1>{html.escape(link["name"])}</h1>'
            f'<p>{text}</p><p class="link">{html.escape(link["link"])}</p>{qr}</section>'
        )
    style = (
        "body{font-family:sans-serif;margin:0}.letter{page-break-after:always}"
        ".letter:last-child{page-break-after:auto}"
        ".link{font-family:monospace;word-break:break-all;"
        + ("font-size:9pt}@page{size:A4;margin:2cm}" if printed else "font-size:1.1em}.letter{padding:2cm}")
    )
    document = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(message('survey.letter.title', language))}</title><style>{style}</style></head>"
        f"<body>{''.join(pages)}</body></html>"
    )
    return document, language, survey


@router.get("/api/v1/surveys/{survey_id}/letters", response_class=HTMLResponse)
def get_letters(
    survey_id: SurveyId,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
    lang: Lang = None,
) -> HTMLResponse:
    """One printable letter per actor with its link and a QR code (HTML, one page each when printed)."""
    document, _, _ = _letters(survey_id, request, session, key, settings, lang, printed=False)
    return HTMLResponse(
        document,
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"},
    )


@router.get(
    "/api/v1/surveys/{survey_id}/letters.pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "One A4 page per actor"},
        503: {"description": "PDF printing (WeasyPrint) is not installed on this server"},
    },
)
def get_letters_pdf(
    survey_id: SurveyId,
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
    lang: Lang = None,
) -> Response:
    """The letters as PDF: one A4 page per actor with its personal link and a QR code, for partners
    without e-mail (German or English by ``lang``)."""
    document, language, survey = _letters(survey_id, request, session, key, settings, lang, printed=True)
    try:
        printed = pdf(document)
    except NotInstalledError as error:
        raise Refusal(503, "problem.pdf.not_installed", module=error.module, extra=error.extra) from error
    name = "briefe-erhebung" if language == "de" else "survey-letters"
    return Response(
        printed,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}-{survey.id}.pdf"'},
    )


@router.post("/api/v1/surveys/{survey_id}/links/{actor_id}")
def reissue_link(
    survey_id: SurveyId,
    actor_id: Annotated[str, Path(max_length=300, description="The actor whose link is issued anew.")],
    request: Request,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
) -> dict[str, Any]:
    """A new link for one actor; the old one stops working (its page says so)."""
    survey, row = _survey(session, key, survey_id, write=True)
    _open(survey)
    if actor_id not in {a["id"] for a in survey.roster}:
        raise Refusal(404, "survey.error.not_in_roster", actor=actor_id)
    secret = pseudonym_key(session, settings.pseudonym_secret)
    surveys.issue(session, survey, actor_id, secret)
    audit(session, key, "survey-link", row, survey=survey.id)
    session.commit()
    return next(
        link
        for link in surveys.links(session, survey, secret, str(request.base_url))
        if link["actor"] == actor_id
    )


@router.post("/api/v1/surveys/{survey_id}/roster", status_code=201)
def add_partner(survey_id: SurveyId, body: RosterIn, session: SessionDep, key: CurrentKey) -> dict[str, Any]:
    """Merge a partner a respondent wrote in as missing into the roster (the alliance gets it on closing)."""
    survey, row = _survey(session, key, survey_id, write=True)
    _open(survey)
    ids = {a["id"] for a in survey.roster}
    if body.id in ids:
        raise Refusal(409, "survey.error.in_roster", actor=body.id)
    unknown = [a for a in body.named_by if a not in ids]
    if unknown:
        raise Refusal(422, "survey.error.not_in_roster_many", actors=", ".join(unknown))
    if session.scalar(
        select(ActorRow.id).where(ActorRow.alliance_id == row.id, ActorRow.actor_id == body.id)
    ):
        raise Refusal(409, "survey.error.actor_exists", actor=body.id)
    surveys.add_to_roster(
        session, survey, {"id": body.id, "name": body.name, "type": body.type}, body.named_by
    )
    audit(session, key, "survey-edit", row, survey=survey.id)
    session.commit()
    return surveys.status(session, survey)


@router.get("/api/v1/surveys/{survey_id}/ties")
def get_merged(
    survey_id: SurveyId,
    session: SessionDep,
    key: CurrentKey,
    settings: SettingsDep,
    rule: Rule = None,
    combine: Combine = None,
    reconstruct: Annotated[bool | None, Query(
        description="also count ties others reported about a non-respondent (default: the survey's)")] = None,
) -> dict[str, Any]:
    """The answers merged into ties by a rule, with disagreements, density over observed dyads,
    PARTNER value and trust scores and caveats (researchers: pseudonyms, no disagreements)."""
    require(key, "admin", "coordinator", "researcher")
    survey, row = _survey(session, key, survey_id)
    _check_choices(rule, combine)
    chosen = survey.settings
    result = surveys.merged(
        session,
        survey,
        rule=rule or chosen["rule"],
        combine=combine or chosen["combine"],
        reconstruct=chosen["reconstruct"] if reconstruct is None else reconstruct,
    )
    ties, scores = result.pop("ties"), result.pop("scores")
    if view_of(key) == "full":
        return to_jsonable(
            {**result, "ties": surveys.plain_ties(ties), "scores": scores.reset_index().to_dict("records")}
        )
    codes = pseudonyms(
        pseudonym_key(session, settings.pseudonym_secret), str(row.id), [a["id"] for a in survey.roster]
    )
    ties = ties.assign(source=ties["source"].map(codes), target=ties["target"].map(codes))
    result.pop("disagreements")
    result["respondents"] = len(result["respondents"])
    return to_jsonable({**result, "ties": surveys.plain_ties(ties)})


@router.post("/api/v1/alliances/{alliance_id}/surveys/{survey_id}/close")
def close_survey(
    alliance_id: AllianceId,
    survey_id: SurveyId,
    session: SessionDep,
    settings: SettingsDep,
    key: CurrentKey,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Close the survey: its ties become a new wave of the alliance (all of them or none), and the
    wave's change against the previous wave is returned (a tie between two non-respondents is
    not known in the new wave: it is listed in ``ties_unknown``, not in ``ties_lost``).

    The new wave's analysis, computed for the diff, is also the alliance's report when the new
    wave is its latest: it is kept in the report cache (``api/reportcache.py``) as the closing
    key's view sees it when that is the full one, so the coordinator's next page view is not a
    second analysis."""
    row = writable_alliance(session, key, alliance_id)
    check_revision(row, if_match)
    survey = session.get(SurveyRow, survey_id)
    if survey is None or survey.alliance_id != row.id:
        raise Refusal(404, "survey.error.no_survey_here", id=survey_id)
    _open(survey)
    # one indexed query, not a load of the alliance: closing loads it once, to add the wave
    taken = select(TieRow.id).where(TieRow.alliance_id == row.id, TieRow.wave == survey.wave).limit(1)
    if session.scalar(taken) is not None:
        raise Refusal(409, "survey.error.wave_taken", wave=survey.wave)
    audit(session, key, "survey-close", row, survey=survey.id)
    state = surveys.status(session, survey)  # who answered, before the survey is closed
    closed = surveys.close(session, row, survey)
    alliance = closed.alliance
    response.headers["ETag"] = etag(row)
    waves = sorted(alliance.waves, key=wave_order)
    earlier = [w for w in waves if wave_order(w) < wave_order(survey.wave)]
    diff = None
    if earlier:
        # pairs of two non-respondents are unknown in the new wave, not lost (netz.analysis.waves);
        # with the reports' seed, so that the new wave's analysis is its report
        before, after = (analyse(alliance, wave=w, seed=settings.report_seed)
                         for w in (earlier[-1], survey.wave))
        diff = to_jsonable(diff_analyses(alliance, before, after, unknown=closed.unknown))
        session.commit()  # the closed survey first: storing the report is no part of it
        if view_of(key) == "full" and waves[-1] == survey.wave:
            # the report's default (group_by "type", the latest wave): the key GET …/report asks for
            body = report_body(row, serialise(after))
            store(session, row, report_key("full", "type", None, settings), body)
    return {
        "wave": survey.wave,
        "revision": row.revision,
        "n_ties": int((alliance.ties["wave"] == survey.wave).sum()),  # the new wave's, not all
        "previous_wave": earlier[-1] if earlier else None,
        "diff": diff,
        # the figures fragile under missing answers, said when fewer than 80 % answered
        "answered": state["answered"],
        "asked": state["roster_size"],
        "response_rate": state["response_rate"],
        "caveats": state["caveats"],
    }

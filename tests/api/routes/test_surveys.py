"""Partner surveys through the API, on SQLite and PostgreSQL: start, answer, track, close."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select, update

from api.models import AllianceRow, AnswerRow, InvitationRow, SurveyRow
from api.reportcache import read, report_key
from api.reports import compute_report
from api.store import load
from tests.api.conftest import Keys, auth

SMALL = {
    "name": "Bündnis Umfrage",
    "actors": [
        {"id": "hk", "name": "Helferkreis", "type": "Initiative"},
        {"id": "ev", "name": "Ev. Kirche", "type": "Kirche"},
        {"id": "ca", "name": "Caritas", "type": "Wohlfahrtsverband"},
        {"id": "st", "name": "Stadt", "type": "Stadt"},
        {"id": "mso", "name": "Syrischer Verein", "type": "MSO"},
    ],
    "ties": [
        {"source": "hk", "target": "ev", "wave": "2025"},
        {"source": "ev", "target": "ca", "wave": "2025"},
    ],
}


def later(days: int = 14) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def alliance(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    response = client.post("/api/v1/alliances", headers=admin, json=SMALL)
    assert response.status_code == 201, response.text
    return {**response.json(), "etag": response.headers["ETag"]}


@pytest.fixture
def survey(client: TestClient, admin: dict[str, str], alliance: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/alliances/{alliance['id']}/surveys",
        json={"wave": "2026", "closes_at": later()},
        headers={**admin, "If-Match": alliance["etag"]},
    )
    assert response.status_code == 201, response.text
    return response.json()


def token_of(survey: dict[str, Any], actor: str) -> str:
    return next(link["link"] for link in survey["links"] if link["actor"] == actor).rsplit("/", 1)[1]


def answer(
    client: TestClient, token: str, partners: dict[str, dict[str, Any]], *, submit: bool = True
) -> None:
    assert client.post(f"/api/v1/respond/{token}/consent").status_code == 200
    for partner, body in partners.items():
        response = client.put(f"/api/v1/respond/{token}/answers/{partner}", json=body)
        assert response.status_code == 200, response.text
    if submit:
        assert client.post(f"/api/v1/respond/{token}/submit").status_code == 200


def test_a_survey_round_from_start_to_a_new_wave(
    client: TestClient, admin: dict[str, str], alliance: dict[str, Any], survey: dict[str, Any]
) -> None:
    assert [link["actor"] for link in survey["links"]] == ["hk", "ev", "ca", "st", "mso"]
    assert survey["response_rate"] == 0 and survey["settings"]["rule"] == "union"
    answer(
        client,
        token_of(survey, "hk"),
        {
            "ev": {"kind": ["information"], "frequency": 3, "trust_reliability": 4},
            "mso": {"kind": ["joint_project"], "frequency": 2},
        },
    )
    answer(
        client,
        token_of(survey, "ev"),
        {"hk": {"kind": ["resources"], "frequency": 3, "trust_reliability": 2}, "st": {"frequency": 1}},
    )
    answer(client, token_of(survey, "ca"), {})  # names nobody: an answer all the same
    state = client.get(f"/api/v1/surveys/{survey['id']}", headers=admin).json()
    assert state["answered"] == 3 and state["response_rate"] == pytest.approx(0.6)
    assert {a["id"] for a in state["not_answered"]} == {"st", "mso"}
    assert {c["figure"] for c in state["caveats"]} == {"betweenness", "centralization", "cut_points"}
    assert "2026" in state["reminder"]["de"] and "2026" in state["reminder"]["en"]
    closes = dt.datetime.fromisoformat(state["closes_at"]).date()
    assert closes.strftime("%d.%m.%Y") in state["reminder"]["de"]  # as Germans write a day, not ISO
    assert closes.isoformat() in state["reminder"]["en"]
    by_type = {row["type"]: row for row in state["by_type"]}
    assert by_type["initiative"]["rate"] == 1 and by_type["municipality"]["rate"] == 0

    merged = client.get(f"/api/v1/surveys/{survey['id']}/ties", headers=admin).json()
    pairs = {(t["source"], t["target"]) for t in merged["ties"]}
    assert pairs == {("hk", "ev"), ("hk", "mso"), ("ev", "st")}
    hk_ev = next(t for t in merged["ties"] if (t["source"], t["target"]) == ("hk", "ev"))
    assert hk_ev["trust"] == 3 and hk_ev["kind"] == "information;resources"
    confirmed = client.get(
        f"/api/v1/surveys/{survey['id']}/ties", headers=admin, params={"rule": "confirmed"}
    ).json()
    assert {(t["source"], t["target"]) for t in confirmed["ties"]} == {("hk", "ev")}

    etag = client.get(f"/api/v1/alliances/{alliance['id']}", headers=admin).headers["ETag"]
    closed = client.post(
        f"/api/v1/alliances/{alliance['id']}/surveys/{survey['id']}/close",
        headers={**admin, "If-Match": etag},
    )
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["wave"] == "2026" and body["previous_wave"] == "2025" and body["n_ties"] == 3
    assert body["diff"]["ties_gained"] and body["diff"]["ties_lost"]
    assert body["response_rate"] == pytest.approx(0.6) and len(body["caveats"]) == 3
    assert (body["answered"], body["asked"]) == (3, 5) and "gaps_changed" in body["diff"]
    ties = client.get(f"/api/v1/alliances/{alliance['id']}/ties", headers=admin).json()
    assert {(t["source"], t["target"]) for t in ties if t["wave"] == "2026"} == pairs
    # closed: the links stop working with a clear reason, and it cannot close twice
    gone = client.get(f"/api/v1/respond/{token_of(survey, 'st')}")
    assert gone.status_code == 410 and gone.headers["X-Netz-Reason"] == "closed"
    again = client.post(
        f"/api/v1/alliances/{alliance['id']}/surveys/{survey['id']}/close",
        headers={**admin, "If-Match": closed.headers["ETag"]},
    )
    assert again.status_code == 409


def test_the_new_waves_scorecard_says_how_many_answered(
    client: TestClient, keys: Keys, admin: dict[str, str], alliance: dict[str, Any], survey: dict[str, Any]
) -> None:
    """Closing records the response rate: the wave's health has a data-quality indicator (at
    2 of 5 is a concern), the earlier wave (not from a survey) has none, and a funder sees its band."""
    path = f"/api/v1/alliances/{alliance['id']}"
    assert "data_quality" not in {i["indicator"] for i in client.get(f"{path}/health", headers=admin).json()}
    answer(client, token_of(survey, "hk"), {"ev": {"frequency": 3}})
    answer(client, token_of(survey, "ev"), {"ca": {}})
    etag = client.get(path, headers=admin).headers["ETag"]
    closed = client.post(f"{path}/surveys/{survey['id']}/close", headers={**admin, "If-Match": etag})
    assert closed.status_code == 200, closed.text
    health = {i["indicator"]: i for i in client.get(f"{path}/health", headers=admin).json()}
    quality = health["data_quality"]
    assert quality["value"] == pytest.approx(0.4) and quality["band"] == "concern"
    assert (quality["params"]["answered"], quality["params"]["asked"]) == (2, 5)
    assert quality["explanation"]["de"].startswith("2 von 5 Organisationen")
    funder = client.get(f"{path}/health", headers=keys.headers("funder")).json()
    assert {"indicator": "data_quality", "value": 0.4, "band": "concern"} in [
        {k: item[k] for k in ("indicator", "value", "band")} for item in funder]
    earlier = client.get(f"{path}/health", headers=admin, params={"wave": "2025"}).json()
    assert "data_quality" not in {i["indicator"] for i in earlier}


def test_tokens_are_stored_hashed_and_forged_reissued_or_expired_ones_get_a_reason(
    client: TestClient, app: FastAPI, admin: dict[str, str], survey: dict[str, Any]
) -> None:
    token = token_of(survey, "hk")
    with app.state.database.sessions() as session:
        stored = session.scalars(select(InvitationRow.digest)).all()
    assert token not in stored and len(stored) == 5
    assert client.get(f"/api/v1/respond/{token}").json()["actor"]["id"] == "hk"
    assert client.get(f"/api/v1/respond/{'x' * 43}").status_code == 404
    fresh = client.post(f"/api/v1/surveys/{survey['id']}/links/hk", headers=admin).json()
    old = client.get(f"/api/v1/respond/{token}")
    assert old.status_code == 410 and old.headers["X-Netz-Reason"] == "replaced"
    assert client.get(f"/api/v1/respond/{fresh['link'].rsplit('/', 1)[1]}").status_code == 200
    with app.state.database.sessions() as session:
        session.execute(update(SurveyRow).values(closes_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
        session.commit()
    expired = client.get(f"/api/v1/respond/{token_of(survey, 'ev')}")
    assert expired.status_code == 410 and expired.headers["X-Netz-Reason"] == "expired"
    extended = client.patch(f"/api/v1/surveys/{survey['id']}", headers=admin, json={"closes_at": later(3)})
    assert extended.status_code == 200
    assert client.get(f"/api/v1/respond/{token_of(survey, 'ev')}").status_code == 200


def test_answers_need_consent_are_saved_once_and_withdrawing_deletes_them(
    client: TestClient, app: FastAPI, admin: dict[str, str], survey: dict[str, Any]
) -> None:
    token = token_of(survey, "ca")
    refused = client.put(f"/api/v1/respond/{token}/answers/hk", json={"frequency": 2})
    assert refused.status_code == 409
    answer(client, token, {"hk": {"frequency": 2}}, submit=False)
    for _ in range(2):  # a double submit, or a second tab
        client.put(f"/api/v1/respond/{token}/answers/hk", json={"frequency": 4, "kind": ["referral"]})
    saved = client.get(f"/api/v1/respond/{token}").json()
    assert saved["answers"] == [
        {
            "partner": "hk",
            "kind": ["referral"],
            "frequency": 4,
            **dict.fromkeys(
                [
                    "value_power",
                    "value_involvement",
                    "value_resources",
                    "trust_reliability",
                    "trust_mission",
                    "trust_openness",
                ]
            ),
        }
    ]
    other = token_of(survey, "hk")
    answer(client, other, {"ca": {"frequency": 1}})
    assert client.get(f"/api/v1/respond/{token}").json()["answers"][0]["frequency"] == 4  # not overwritten
    assert client.put(f"/api/v1/respond/{token}/answers/ca", json={}).status_code == 404  # itself
    assert client.put(f"/api/v1/respond/{token}/answers/hk", json={"frequency": 9}).status_code == 422
    assert client.put(f"/api/v1/respond/{token}/answers/hk", json={"kind": ["gossip"]}).status_code == 422
    client.put(f"/api/v1/respond/{token}/missing", json={"text": "Tafel Musterstadt"})
    state = client.get(f"/api/v1/surveys/{survey['id']}", headers=admin).json()
    assert state["answered"] == 2 and state["missing_partners"] == [
        {"actor": "ca", "text": "Tafel Musterstadt"}
    ]
    assert client.delete(f"/api/v1/respond/{token}").status_code == 200
    view = client.get(f"/api/v1/respond/{token}").json()
    assert view["withdrawn"] and not view["consented"] and view["answers"] == [] and view["missing"] is None
    with app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AnswerRow)) == 1  # hk's answer only
    assert client.get(f"/api/v1/surveys/{survey['id']}", headers=admin).json()["answered"] == 1


def test_a_missing_partner_joins_the_roster_and_the_alliance_on_closing(
    client: TestClient, admin: dict[str, str], alliance: dict[str, Any], survey: dict[str, Any]
) -> None:
    answer(client, token_of(survey, "ca"), {"hk": {"frequency": 2}})
    client.put(f"/api/v1/respond/{token_of(survey, 'ca')}/missing", json={"text": "die Tafel"})
    added = client.post(
        f"/api/v1/surveys/{survey['id']}/roster",
        headers=admin,
        json={"id": "tafel", "name": "Tafel", "type": "Verein", "named_by": ["ca"]},
    )
    assert added.status_code == 201, added.text
    duplicate = client.post(
        f"/api/v1/surveys/{survey['id']}/roster",
        headers=admin,
        json={"id": "hk", "name": "X", "type": "Verein"},
    )
    assert duplicate.status_code == 409
    etag = client.get(f"/api/v1/alliances/{alliance['id']}", headers=admin).headers["ETag"]
    closed = client.post(
        f"/api/v1/alliances/{alliance['id']}/surveys/{survey['id']}/close",
        headers={**admin, "If-Match": etag},
    )
    assert closed.status_code == 200, closed.text
    actors = client.get(f"/api/v1/alliances/{alliance['id']}/actors", headers=admin).json()["actors"]
    assert "tafel" in {a["id"] for a in actors}
    ties = client.get(f"/api/v1/alliances/{alliance['id']}/ties", headers=admin).json()
    assert {(t["source"], t["target"]) for t in ties if t["wave"] == "2026"} == {
        ("hk", "ca"),
        ("ca", "tafel"),
    }


def test_links_as_csv_and_letters_with_qr_codes(
    client: TestClient, admin: dict[str, str], survey: dict[str, Any]
) -> None:
    csv_text = client.get(f"/api/v1/surveys/{survey['id']}/links", headers=admin, params={"format": "csv"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    lines = csv_text.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "actor;name;link" and len(lines) == 6 and token_of(survey, "st") in lines[4]
    letters = client.get(f"/api/v1/surveys/{survey['id']}/letters", headers=admin)
    assert letters.status_code == 200 and letters.text.count("<svg") == 5
    assert token_of(survey, "mso") in letters.text and "Syrischer Verein" in letters.text


def test_letters_as_pdf_one_a4_page_per_actor_with_its_link(
    client: TestClient, keys: Keys, admin: dict[str, str], survey: dict[str, Any]
) -> None:
    path = f"/api/v1/surveys/{survey['id']}/letters.pdf"
    german = client.get(path, headers=admin)
    assert german.status_code == 200, german.text
    assert german.headers["content-type"] == "application/pdf"
    assert f'filename="briefe-erhebung-{survey["id"]}.pdf"' in german.headers["content-disposition"]
    pages = PdfReader(io.BytesIO(german.content)).pages
    assert len(pages) == 5
    assert [round(float(v)) for v in pages[0].mediabox[2:]] == [595, 842]  # A4 in points
    link = next(link["link"] for link in survey["links"] if link["actor"] == "mso")
    text = "".join(pages[4].extract_text().split())  # a long link may break across lines
    assert link in text and "SyrischerVerein" in text and "Bitte" in text
    english = client.get(path, headers=admin, params={"lang": "en"})
    first = "".join(PdfReader(io.BytesIO(english.content)).pages[0].extract_text().split())
    assert token_of(survey, "hk") in first and "Please" in first
    assert client.get(path, headers=admin, params={"lang": "fr"}).status_code == 422
    assert client.get(path, headers=keys.headers("funder")).status_code == 403
    assert client.get("/api/v1/surveys/999999/letters.pdf", headers=admin).status_code == 404


def test_start_refuses_bad_input_without_storing_anything(
    client: TestClient, app: FastAPI, admin: dict[str, str], alliance: dict[str, Any]
) -> None:
    path = f"/api/v1/alliances/{alliance['id']}/surveys"
    headers = {**admin, "If-Match": alliance["etag"]}
    cases = [  # the reason in German by default, in English when asked for
        ({"wave": "2025", "closes_at": later()}, 409, "Das Bündnis hat schon eine Welle „2025“",
         "the alliance already has a wave '2025'"),
        ({"wave": "2026", "closes_at": later(-1)}, 422,
         "Der letzte Tag der Erhebung muss in der Zukunft liegen", "the closing date must be in the future"),
        ({"wave": "2026", "closes_at": later(), "rule": "both"}, 422, "Unbekannte Regel „both“",
         "unknown rule 'both'"),
        ({"wave": "2026", "closes_at": later(), "rule": "reporter"}, 422,  # undirected alliance
         "Die Regel „reporter“ ergibt gerichtete Kooperationen", "the rule 'reporter' makes directed ties"),
        ({"wave": "", "closes_at": later()}, 422, "", ""),
    ]
    for body, status, german, english in cases:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"].startswith(german), response.text
        response = client.post(path, json=body, headers={**headers, "Accept-Language": "en"})
        assert response.json()["detail"].startswith(english), response.text
    assert client.post(path, json={"wave": "2026", "closes_at": later()}, headers=admin).status_code == 428
    with app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SurveyRow)) == 0


def test_roles_see_what_they_may(client: TestClient, keys: Keys, admin: dict[str, str]) -> None:
    demo = client.get(f"/api/v1/alliances/{keys.own}", headers=admin)
    started = client.post(
        f"/api/v1/alliances/{keys.own}/surveys",
        json={"wave": "2030", "closes_at": later()},
        headers={**keys.headers("coordinator"), "If-Match": demo.headers["ETag"]},
    )
    assert started.status_code == 201, started.text
    survey = started.json()
    first, second = survey["links"][0], survey["links"][1]
    answer(client, first["link"].rsplit("/", 1)[1], {second["actor"]: {"frequency": 2, "trust_mission": 3}})
    client.put(
        f"/api/v1/respond/{first['link'].rsplit('/', 1)[1]}/missing", json={"text": "Frau Müller vom Amt"}
    )
    funder = client.get(f"/api/v1/surveys/{survey['id']}", headers=keys.headers("funder")).json()
    assert set(funder) == {
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
    }
    assert (
        client.get(f"/api/v1/surveys/{survey['id']}/ties", headers=keys.headers("funder")).status_code == 403
    )
    research = client.get(f"/api/v1/surveys/{survey['id']}/ties", headers=keys.headers("researcher"))
    assert research.status_code == 200
    text = research.text
    assert first["actor"] not in {t["source"] for t in research.json()["ties"]}
    assert "Müller" not in text and "disagreements" not in research.json() and first["name"] not in text
    assert (
        client.get(f"/api/v1/surveys/{survey['id']}/links", headers=keys.headers("researcher")).status_code
        == 403
    )
    # another alliance's coordinator
    assert (
        client.get(f"/api/v1/alliances/{keys.other}/surveys", headers=keys.headers("coordinator")).status_code
        == 403
    )


def test_deleting_the_alliance_deletes_its_surveys(
    client: TestClient, app: FastAPI, admin: dict[str, str], alliance: dict[str, Any], survey: dict[str, Any]
) -> None:
    answer(client, token_of(survey, "hk"), {"ev": {"frequency": 1}})
    etag = client.get(f"/api/v1/alliances/{alliance['id']}", headers=admin).headers["ETag"]
    assert client.delete(
        f"/api/v1/alliances/{alliance['id']}", headers={**admin, "If-Match": etag}
    ).status_code in (200, 204)
    with app.state.database.engine.connect() as connection:
        for table in ("surveys", "survey_invitations", "survey_respondents", "survey_answers"):
            assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0, table
    assert client.get(f"/api/v1/respond/{token_of(survey, 'hk')}").status_code == 404


def test_respondents_are_rate_limited_per_link(
    client: TestClient, make_app: Any, survey: dict[str, Any]
) -> None:
    """A respondent's token counts as its key: one link cannot flood the service, others still work."""
    with TestClient(make_app(rate_limit_key="3/minute", rate_limit_address="100/minute")) as limited:
        first, second = token_of(survey, "hk"), token_of(survey, "ev")
        answers = [limited.get(f"/api/v1/respond/{first}").status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert limited.get(f"/api/v1/respond/{second}").status_code == 200


def test_ratings_are_refused_when_the_survey_does_not_ask_for_them(
    client: TestClient, app: FastAPI, admin: dict[str, str], alliance: dict[str, Any]
) -> None:
    """A survey started with ratings off refuses a save that rates the partner: 422 as a problem,
    German unless the client asks otherwise, and nothing stored (not even the rest of the answer)."""
    started = client.post(
        f"/api/v1/alliances/{alliance['id']}/surveys",
        json={"wave": "2026", "closes_at": later(), "ratings": False},
        headers={**admin, "If-Match": alliance["etag"]},
    )
    assert started.status_code == 201, started.text
    token = token_of(started.json(), "hk")
    assert client.post(f"/api/v1/respond/{token}/consent").status_code == 200
    rated = {"kind": ["information"], "frequency": 2, "trust_reliability": 4}
    refused = client.put(f"/api/v1/respond/{token}/answers/ev", json=rated)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "Bewertungen" in refused.json()["detail"] and "trust_reliability" in refused.json()["detail"]
    english = client.put(f"/api/v1/respond/{token}/answers/ev", json=rated, headers={"Accept-Language": "en"})
    assert english.status_code == 422 and "ratings" in english.json()["detail"]
    with app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AnswerRow)) == 0
    plain = client.put(f"/api/v1/respond/{token}/answers/ev", json={"kind": ["information"], "frequency": 2})
    assert plain.status_code == 200


def test_the_diff_at_closing_does_not_call_ties_of_two_non_respondents_lost(
    client: TestClient, admin: dict[str, str]
) -> None:
    """2025 has st–mso; neither answers the 2026 survey, so whether they still work together is
    not known: the tie is not lost, and they have not left."""
    ties = [*SMALL["ties"], {"source": "st", "target": "mso", "wave": "2025"}]
    made = client.post("/api/v1/alliances", headers=admin, json={**SMALL, "ties": ties})
    assert made.status_code == 201, made.text
    path = f"/api/v1/alliances/{made.json()['id']}"
    started = client.post(
        f"{path}/surveys", json={"wave": "2026", "closes_at": later()}, headers={**admin, "If-Match": "*"}
    ).json()
    answer(client, token_of(started, "hk"), {"ev": {"frequency": 2}})
    answer(client, token_of(started, "ca"), {})  # ev–ca is lost: ca answered and named nobody
    etag = client.get(path, headers=admin).headers["ETag"]
    closed = client.post(f"{path}/surveys/{started['id']}/close", headers={**admin, "If-Match": etag})
    assert closed.status_code == 200, closed.text
    diff = closed.json()["diff"]
    assert diff["ties_lost"] == [["ca", "ev"]]
    assert diff["ties_unknown"] == [["mso", "st"]]
    assert diff["actors_left"] == ["ca"] and diff["actors_unknown"] == ["mso", "st"]


def test_the_diff_of_the_stored_waves_knows_who_answered(
    client: TestClient, admin: dict[str, str], new_key: Callable[..., str]
) -> None:
    """Later, the diff of the stored waves (GET …/waves/diff) says what the diff at closing said:
    st–mso, two who did not answer, is unknown, not lost (was: lost, the stored diff did not know
    who answered). Researchers get the same under pseudonyms; how many answered the survey's
    state says them (rates only), and the alliance's metadata does not carry the record at all."""
    ties = [*SMALL["ties"], {"source": "st", "target": "mso", "wave": "2025"}]
    made = client.post("/api/v1/alliances", headers=admin, json={**SMALL, "ties": ties})
    path = f"/api/v1/alliances/{made.json()['id']}"
    started = client.post(
        f"{path}/surveys", json={"wave": "2026", "closes_at": later()}, headers={**admin, "If-Match": "*"}
    ).json()
    answer(client, token_of(started, "hk"), {"ev": {"frequency": 2}})
    answer(client, token_of(started, "ca"), {})
    etag = client.get(path, headers=admin).headers["ETag"]
    closed = client.post(f"{path}/surveys/{started['id']}/close", headers={**admin, "If-Match": etag}).json()
    stored = client.get(f"{path}/waves/diff", headers=admin, params={"from": "2025", "to": "2026"})
    assert stored.status_code == 200, stored.text
    for part in ("ties_lost", "ties_unknown", "ties_gained", "actors_left", "actors_unknown",
                 "actors_joined"):
        assert stored.json()[part] == closed["diff"][part], part
    assert stored.json()["ties_unknown"] == [["mso", "st"]] and stored.json()["ties_lost"] == [["ca", "ev"]]
    researcher = auth(new_key("researcher"))
    seen = client.get(f"{path}/waves/diff", headers=researcher, params={"from": "2025", "to": "2026"}).json()
    assert (len(seen["ties_lost"]), len(seen["ties_unknown"]), len(seen["actors_unknown"])) == (1, 1, 2)
    assert not {"mso", "st"} & {actor for pair in seen["ties_unknown"] for actor in pair}
    funder = client.get(f"{path}/waves/diff", headers=auth(new_key("funder")),
                        params={"from": "2025", "to": "2026"})
    assert (funder.json()["ties_lost"], funder.json()["ties_unknown"]) == (1, 1)  # counts only
    assert "survey_response" not in client.get(path, headers=researcher).json()["meta"]
    state = client.get(f"/api/v1/surveys/{started['id']}", headers=researcher).json()
    assert (state["answered"], state["roster_size"]) == (2, len(SMALL["actors"]))
    assert "respondents" not in state
    recorded = client.get(path, headers=admin).json()["meta"]["survey_response"]["2026"]
    assert recorded["respondents"] == ["ca", "hk"] and "st" in recorded["nonrespondents"]


def test_closing_keeps_the_new_waves_analysis_as_the_report(
    app: FastAPI, client: TestClient, admin: dict[str, str], alliance: dict[str, Any], survey: dict[str, Any]
) -> None:
    """The diff at closing analyses the new wave; that analysis is the alliance's report (its
    latest wave), stored for the new revision, so the next page view computes nothing. It is
    what computing the report afresh gives, to the byte."""
    answer(client, token_of(survey, "hk"), {"ev": {"frequency": 2}, "st": {"frequency": 4}})
    answer(client, token_of(survey, "st"), {"mso": {"frequency": 1}})
    path = f"/api/v1/alliances/{alliance['id']}"
    etag = client.get(path, headers=admin).headers["ETag"]
    closed = client.post(f"{path}/surveys/{survey['id']}/close", headers={**admin, "If-Match": etag})
    assert closed.status_code == 200, closed.text
    settings = app.state.settings
    key = report_key("full", "type", None, settings)
    with app.state.database.sessions() as session:
        row = session.get(AllianceRow, alliance["id"])
        assert row is not None and row.revision == closed.json()["revision"]
        stored = read(session, row, key)
        assert stored is not None
        fresh = compute_report(session, row, load(session, row), "full", settings, group_by="type", wave=None)
    assert stored.decode() == fresh
    served = client.get(f"{path}/report", headers=admin)
    assert served.status_code == 200 and served.json()["alliance"]["wave"] == "2026"
    assert served.content == stored


def test_closing_refuses_a_wave_the_alliance_got_meanwhile_and_changes_nothing(
    client: TestClient, app: FastAPI, admin: dict[str, str], alliance: dict[str, Any], survey: dict[str, Any]
) -> None:
    """A tie of the survey's wave stored after the survey started (the check at closing asks the
    database for one such tie; it no longer loads the alliance for it)."""
    path = f"/api/v1/alliances/{alliance['id']}"
    answer(client, token_of(survey, "hk"), {"ca": {"kind": ["information"]}})
    etag = client.get(path, headers=admin).headers["ETag"]
    added = client.post(f"{path}/ties", headers={**admin, "If-Match": etag},
                        json={"source": "st", "target": "mso", "wave": "2026"})
    assert added.status_code == 201, added.text
    etag = added.headers["ETag"]
    closed = client.post(f"{path}/surveys/{survey['id']}/close", headers={**admin, "If-Match": etag})
    assert closed.status_code == 409, closed.text
    assert closed.json()["detail"].startswith("Das Bündnis hat schon eine Welle „2026“")
    assert client.get(path, headers=admin).headers["ETag"] == etag  # nothing stored
    assert client.get(f"/api/v1/surveys/{survey['id']}", headers=admin).json()["state"] == "open"
    # without that tie, a wave of a name that only begins alike does not block it
    removed = client.delete(f"{path}/ties/{added.json()['position']}", headers={**admin, "If-Match": etag})
    assert removed.status_code == 200, removed.text
    other = client.post(f"{path}/ties", headers={**admin, "If-Match": removed.headers["ETag"]},
                        json={"source": "hk", "target": "st", "wave": "2026b"})
    assert other.status_code == 201, other.text
    closed = client.post(f"{path}/surveys/{survey['id']}/close",
                         headers={**admin, "If-Match": other.headers["ETag"]})
    assert closed.status_code == 200, closed.text

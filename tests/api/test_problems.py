"""Errors become problems: whatever a route raises, the client gets ``application/problem+json``."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import problems
from netz.core.errors import InputError
from netz.messages import message

PROBLEM = "application/problem+json"
SECRET = "Geheimer Name in der Ausnahme"


def failing_app() -> FastAPI:
    """A bare app with the service's handlers and routes that fail in ways no handler expects."""
    app = FastAPI()
    problems.install(app)

    @app.get("/plain")
    def plain() -> None:
        raise RuntimeError(SECRET)

    @app.get("/async")
    async def in_the_loop() -> None:
        raise ZeroDivisionError(SECRET)

    return app


@pytest.mark.parametrize("path", ["/plain", "/async"])
def test_an_unexpected_error_is_a_generic_problem(path: str, caplog: pytest.LogCaptureFixture) -> None:
    # raise_server_exceptions=False: answer as a server would, instead of raising in the test
    with caplog.at_level(logging.ERROR, logger="api.problems"), \
            TestClient(failing_app(), raise_server_exceptions=False) as client:
        response = client.get(path)
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 500 and body["title"] and body["detail"]
    assert SECRET not in response.text and "Traceback" not in response.text
    logged = [record for record in caplog.records if record.name == "api.problems"]
    assert logged and logged[0].exc_info is not None and SECRET in str(logged[0].exc_info[1])


def input_error_app() -> FastAPI:
    """A bare app with the service's handlers and a route that refuses its input."""
    app = FastAPI()
    problems.install(app)

    @app.get("/bad")
    def bad() -> None:
        raise InputError.single("input.empty_file", file="akteure.csv")

    return app


@pytest.mark.parametrize(("accept", "lang"), [
    (None, "de"),  # no Accept-Language: German, the language of the people netz is for
    ("en", "en"), ("en-GB,en;q=0.9", "en"), ("de-DE", "de"), ("fr", "de"), ("fr, en;q=0.5", "en"),
    ("*", "de"),
])
def test_problems_speak_german_unless_asked_otherwise(accept: str | None, lang: str) -> None:
    headers = {} if accept is None else {"Accept-Language": accept}
    with TestClient(input_error_app()) as client:
        response = client.get("/bad", headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["title"] == message("input.title", lang)
    assert body["problems"][0]["message"] == message("input.empty_file", lang)
    assert body["detail"].startswith("akteure.csv")


@pytest.mark.parametrize(("accept", "expected"), [
    (None, {"body.actors.0.type": "Diese Angabe fehlt", "body.directed": "Erwartet wird true oder false",
            "body.ties.0.weight": "Erwartet wird eine Zahl größer als 0",
            "body.actors.0.name": "Höchstens 500 Zeichen",
            "body.farbe": "Diese Angabe ist hier nicht vorgesehen",
            "body.ties.0.source": "Erwartet wird ein Text"}),
    ("en", {"body.actors.0.type": "Field required", "body.directed": "Input should be a valid boolean",
            "body.ties.0.weight": "Input should be greater than 0",
            "body.actors.0.name": "At most 500 characters", "body.farbe": "Extra inputs are not permitted",
            "body.ties.0.source": "Input should be a valid string"}),
])
def test_a_bad_request_body_is_said_in_the_clients_language(
        client: TestClient, admin: dict[str, str], accept: str | None, expected: dict[str, str]) -> None:
    """Failed before: pydantic's English sentences reached German clients ("Field required").
    The common kinds (missing, wrong type, too long, out of range, a field not asked for, not an
    allowed value) come from the catalogues; each error keeps pydantic's ``type`` as ``code``."""
    body = {"name": "B", "directed": "vielleicht", "farbe": "rot",
            "actors": [{"id": "a", "name": "N" * 501}],
            "ties": [{"source": 5, "target": "a", "weight": -1}]}
    headers = {**admin, **({"Accept-Language": accept} if accept else {})}
    response = client.post("/api/v1/alliances", headers=headers, json=body)
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["title"] == ("Invalid request" if accept else "Ungültige Anfrage")
    said = {error["location"]: error["message"] for error in problem["errors"]}
    assert said == expected
    assert {error["code"] for error in problem["errors"]} >= {"missing", "bool_parsing", "extra_forbidden"}
    key = client.post("/api/v1/keys", headers=headers, json={"role": "chef"})
    [role] = key.json()["errors"]
    assert role["location"] == "body.role" and role["code"] == "string_pattern_mismatch"
    assert role["message"].startswith("Diese Angabe hat nicht" if accept is None else "String should match")

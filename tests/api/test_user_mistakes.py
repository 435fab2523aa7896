"""A user's mistake is netz's own error, answered with a 422 problem naming what is accepted;
a ``KeyError`` is a bug in the service and answered as one (500), never as a user's mistake."""

from __future__ import annotations

import io as io_module
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from netz.core import io

DEMO = Path(__file__).parents[2] / "datasets" / "demo-buendnis"
ALLIANCES = "/api/v1/alliances"


def test_a_key_error_in_a_route_is_a_server_error(make_app: Callable[..., FastAPI]) -> None:
    app = make_app()

    def lookup_bug() -> Any:
        return {}["not there"]  # a lookup bug, as it could hide anywhere in a route

    app.add_api_route("/api/v1/lookup-bug", lookup_bug)
    app.router.routes.insert(0, app.router.routes.pop())  # before the pages' catch-all routes
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/lookup-bug")
    # Before, a KeyError handler answered 422 "Unknown name": the bug looked like the user's mistake.
    assert response.status_code == 500
    assert "Unknown name" not in response.text


def test_unknown_names_are_422_problems_naming_what_is_accepted(
    client: TestClient, admin: dict[str, str], demo: dict[str, Any]
) -> None:
    ids = list(io.read(DEMO).actors["id"])
    url = f"{ALLIANCES}/{demo['id']}"
    for path, params, named, accepted in [
        ("whatif", {"remove": "niemand"}, "niemand", ids[:3]),
        ("report", {"group_by": "Lieblingsfarbe"}, "Lieblingsfarbe", ["id", "name", "type"]),
        ("report", {"wave": "2030"}, "2030", ["Wellen: keine"]),
    ]:
        response = client.get(f"{url}/{path}", headers=admin, params=params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        detail = response.json()["detail"]
        assert named in detail and all(name in detail for name in accepted), detail


def test_filters_take_any_spelling_and_refuse_an_unknown_land_or_programme(
    client: TestClient, admin: dict[str, str], demo: dict[str, Any]
) -> None:
    # Before, ?land=Atlantis (or a typo) silently answered an empty list.
    for path in (ALLIANCES, "/api/v1/compare"):
        found = client.get(path, headers=admin, params={"land": "HESSEN", "null_samples": 0})
        assert found.status_code == 200, found.text
        for params, named, accepted in [({"land": "Hesen"}, "Hesen", ["Hessen", "Bayern", "Thüringen"]),
                                        ({"programme": "Nirgendwo"}, "Nirgendwo", [])]:
            response = client.get(path, headers=admin, params={**params, "null_samples": 0})
            assert response.status_code == 422, response.text
            body = response.json()
            assert body["name"] == named and set(accepted) <= set(body["accepted"])
            assert body["parameter"] == next(iter(params))
    listed = client.get(ALLIANCES, headers=admin, params={"land": "hessen"}).json()
    assert [a["id"] for a in listed] == [demo["id"]]


def test_input_errors_in_the_language_the_client_accepts(client: TestClient, admin: dict[str, str]) -> None:
    buffer = io_module.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("b/akteure.csv", "Kennung;Typ\nst;Stadt\nkg;Kirchengemiende\n")
        archive.writestr("b/kooperationen.csv", "Von;An;Stärke\nst;st;viel\n")
    answers = {
        lang: client.post("/api/v1/alliances/import", files={"file": ("b.zip", buffer.getvalue())},
                          headers={**admin, "Accept-Language": lang})
        for lang in ("de-DE,de;q=0.9", "en-GB,en;q=0.8,de;q=0.5")
    }
    german, english = (answers[lang].json() for lang in answers)
    assert all(answer.status_code == 422 for answer in answers.values())
    assert german["title"] == "Die Eingabe lässt sich nicht lesen"
    assert [p["code"] for p in german["problems"]] == [
        "input.unknown_type_suggest", "input.self_loop", "input.weight_bad"]
    assert german["problem_count"] == 3
    assert ("akteure.csv aus b.zip, Zeile 3, Spalte „Typ“: Unbekannter Typ „Kirchengemiende“ — meinten Sie "
            "„Kirchengemeinde“?") in german["detail"]
    assert german["problems"][2]["message"].startswith("Die Stärke „viel“ ist keine positive Zahl")
    assert ("akteure.csv in b.zip, row 3, column 'Typ': unknown actor type 'Kirchengemiende'"
            in english["detail"])
    assert english["problems"][0]["params"] == german["problems"][0]["params"]

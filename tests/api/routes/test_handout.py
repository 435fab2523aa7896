"""GET /alliances/{id}/report.pdf: the report to hand out, as each role may have it."""

from __future__ import annotations

import io as bytes_io
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader

from netz.analysis.report import report
from netz.analysis.text import kind_label
from netz.core import io
from netz.messages import message

DEMO = Path(__file__).parents[3] / "datasets" / "demo-buendnis"
ALLIANCES = "/api/v1/alliances"


def text_of(data: bytes) -> tuple[int, str]:
    reader = PdfReader(bytes_io.BytesIO(data))
    return len(reader.pages), " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_coordinators_get_the_pdf_with_the_name_and_the_top_gap(client: TestClient, keys: Any) -> None:
    response = client.get(f"{ALLIANCES}/{keys.own}/report.pdf", headers=keys.headers("coordinator"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "netzwerkbericht" in response.headers["content-disposition"]
    pages, text = text_of(response.content)
    demo = io.read(DEMO)
    top = report(demo)["gaps"][0]
    assert 1 <= pages <= 3
    assert demo.name in text
    assert kind_label(top["kind"], "de") in text and " ".join(top["explanation"]["de"].split()) in text


def test_the_language_comes_from_lang_or_accept_language(client: TestClient, keys: Any) -> None:
    path = f"{ALLIANCES}/{keys.own}/report.pdf"
    english = client.get(path, headers={**keys.headers("admin"), "Accept-Language": "en-GB,en;q=0.9"})
    assert message("handout.steps", "en") in text_of(english.content)[1]
    german = client.get(path, params={"lang": "de"},
                        headers={**keys.headers("admin"), "Accept-Language": "en"})
    assert message("handout.steps", "de") in text_of(german.content)[1]
    unknown = client.get(path, params={"lang": "fr"}, headers=keys.headers("admin"))
    assert unknown.status_code == 422 and unknown.headers["content-type"] == "application/problem+json"


def test_funders_may_not_have_it(client: TestClient, keys: Any) -> None:
    response = client.get(f"{ALLIANCES}/{keys.own}/report.pdf", headers=keys.headers("funder"))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def test_researchers_get_pseudonyms(client: TestClient, keys: Any) -> None:
    response = client.get(f"{ALLIANCES}/{keys.own}/report.pdf", headers=keys.headers("researcher"))
    assert response.status_code == 200
    text = text_of(response.content)[1]
    for name in io.read(DEMO).actors["name"]:
        assert name not in text


def test_a_coordinator_gets_no_other_alliance(client: TestClient, keys: Any) -> None:
    response = client.get(f"{ALLIANCES}/{keys.other}/report.pdf", headers=keys.headers("coordinator"))
    assert response.status_code in (403, 404)


def test_an_unknown_wave_is_a_problem(client: TestClient, keys: Any) -> None:
    response = client.get(f"{ALLIANCES}/{keys.own}/report.pdf", params={"wave": "1999"},
                          headers=keys.headers("admin"))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"


def test_a_new_empty_alliance_prints(client: TestClient, admin: dict[str, str]) -> None:
    created = client.post(ALLIANCES, headers=admin, json={"name": "Leer"})
    assert created.status_code == 201
    response = client.get(f"{ALLIANCES}/{created.json()['id']}/report.pdf", headers=admin)
    assert response.status_code == 200, response.text
    assert "Leer" in text_of(response.content)[1]

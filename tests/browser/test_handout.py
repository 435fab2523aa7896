"""The "Netzwerkbericht als PDF" button of the alliance page, in a real browser: click, get a PDF
whose text names the alliance and its most important gap; funders have no button; a refusal is
said in the page's language."""

from __future__ import annotations

import io as bytes_io
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from netz.analysis.handout import top_steps
from netz.analysis.report import report
from netz.analysis.text import kind_label
from netz.core import io
from netz.messages import message

DEMO = Path(__file__).resolve().parents[2] / "datasets" / "demo-buendnis"


def sign_in(page: Any, key: str) -> None:
    page.fill("#key", key)
    page.click("#signin button[type=submit]")


def pdf_text(path: str | Path) -> tuple[int, str]:
    reader = PdfReader(bytes_io.BytesIO(Path(path).read_bytes()))
    return len(reader.pages), " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NETZ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_button_downloads_the_report_as_pdf(page: Any, service: Any, screenshots: Path,
                                                lang: str) -> None:
    page.goto(f"/alliances/{service.alliance}?lang={lang}")
    sign_in(page, service.keys["coordinator"])
    button = page.get_by_role("button", name=message("page.handoutButton", lang))
    expect(button).to_be_visible()
    page.screenshot(path=str(screenshots / f"handout-button-{lang}.png"))
    with page.expect_download() as started:
        button.click()
    download = started.value
    assert download.suggested_filename.endswith(".pdf")
    expect(page.locator("#handout-status")).to_contain_text(download.suggested_filename)
    pages, text = pdf_text(download.path())
    demo = io.read(DEMO)
    top = top_steps(report(demo))[0]
    assert 1 <= pages <= 3
    assert demo.name in text
    assert kind_label(top["kind"], lang) in text
    assert " ".join(top["explanation"][lang].split()) in text
    assert message("handout.title", lang).upper() in text.upper()


def test_narrow_screen_shows_the_button(browser: Any, service: Any, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE",
                                  base_url=service.url)
    tab = context.new_page()
    try:
        tab.goto(f"/alliances/{service.alliance}")
        sign_in(tab, service.keys["coordinator"])
        button = tab.get_by_role("button", name=message("page.handoutButton", "de"))
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        tab.screenshot(path=str(screenshots / "handout-button-390.png"))
    finally:
        context.close()


def test_funders_have_no_button(page: Any, service: Any) -> None:
    page.goto(f"/alliances/{service.alliance}?lang=de")
    sign_in(page, service.keys["funder"])
    expect(page.locator("#scorecard .card").first).to_be_visible()
    expect(page.locator("#handout")).to_be_hidden()


def test_a_refused_report_is_said_in_the_page_s_language(page: Any, service: Any) -> None:
    """An English page whose report the service refuses (the alliance deleted meanwhile) says why
    in English (defect: the fetch sent no Accept-Language, so the service's reason came in German)."""
    admin = {"Authorization": f"Bearer {service.keys['admin']}"}
    created = httpx.post(f"{service.url}/api/v1/alliances", headers=admin, json={
        "name": "Bündnis Bericht weg", "actors": [{"id": "a", "name": "A", "type": "Kirche"},
                                                  {"id": "b", "name": "B", "type": "Stadt"}],
        "ties": [{"source": "a", "target": "b"}]})
    assert created.status_code == 201, created.text
    alliance = created.json()["id"]
    page.goto(f"/alliances/{alliance}?lang=en")
    sign_in(page, service.keys["admin"])
    button = page.get_by_role("button", name=message("page.handoutButton", "en"))
    expect(button).to_be_visible()
    etag = httpx.get(f"{service.url}/api/v1/alliances/{alliance}", headers=admin).headers["ETag"]
    deleted = httpx.delete(f"{service.url}/api/v1/alliances/{alliance}", headers={**admin, "If-Match": etag})
    assert deleted.status_code == 204, deleted.text
    button.click()
    reason = message("problem.alliance.not_found", "en", id=alliance)
    expect(page.locator("#handout-status")).to_have_text(message("page.handoutFailed", "en", detail=reason))

"""Signing in and out on an alliance's page, without a reload: every section a role may see
appears after signing in there (the survey, the workspace's edit lists, map, key players, what-if,
the handout button), and goes or adapts after signing out or signing in with another role's key.
The sections follow the key through one subscription (Netz.onKey in common.js)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.test_coordinator_pages import DEMO_NAME, sign_in


def sign_out(page: Any) -> None:
    """The header's button: the page stays, asks for a key again and shows nothing of the alliance."""
    page.click("#sign-out")
    expect(page.locator("#signin h1")).to_have_text("Anmelden")
    for section in ("#alliance", "#survey-admin", "#workspace"):
        expect(page.locator(section)).to_be_hidden()
    expect(page.locator("#sign-out")).to_be_hidden()


def test_sections_follow_the_key_signed_in_on_the_page(page: Any, service: Any, tmp_path: Path) -> None:
    refused: list[str] = []  # a section calling what its key may not (a 403) is a fault
    page.on("response", lambda r: refused.append(f"{r.status} {r.url}") if r.status == 403 else None)
    address = f"/alliances/{service.alliance}"
    page.goto(address)
    expect(page.locator("#signin h1")).to_have_text("Anmelden")
    expect(page.locator("#survey-admin")).to_be_hidden()

    # A coordinator signs in on the page: the survey and the workspace's edit lists appear.
    sign_in(page, service.keys["coordinator"])
    expect(page.locator("#alliance-name")).to_have_text(DEMO_NAME)
    expect(page.locator("#survey-admin-title")).to_have_text("Erhebung")
    expect(page.locator("#survey-start button[type=submit]")).to_have_text("Erhebung starten")
    expect(page.locator("#ws-title")).to_have_text("Daten bearbeiten und herunterladen")
    expect(page.locator("#ws-actors-part-title")).to_have_text("Akteure (25)")
    expect(page.locator("#ws-ties-part-title")).to_contain_text("Kooperationen (")
    expect(page.locator("#handout")).to_be_visible()
    expect(page.locator("#map-section")).to_be_visible()
    expect(page.locator("#kp-players li").first).to_be_visible()
    folder = Path(os.environ.get("NETZ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "signed-in-on-page-1280.png"), full_page=True)

    sign_out(page)
    assert page.url.endswith(address)  # no reload, no other page

    # A funder's key: figures for the whole network only — no map, no key players, no what-if,
    # no handout, no workspace, no survey.
    sign_in(page, service.keys["funder"])
    expect(page.locator("#view-note")).to_contain_text("Förderer")
    expect(page.locator("#alliance-name")).to_have_text(DEMO_NAME)
    hidden = ("#map-section", "#kp-section", "#whatif-section", "#handout", "#workspace", "#survey-admin")
    for section in hidden:
        expect(page.locator(section)).to_be_hidden()

    # A researcher's key: the map again, the workspace for downloads only, still no survey.
    sign_out(page)
    sign_in(page, service.keys["researcher"])
    expect(page.locator("#ws-title")).to_have_text("Daten herunterladen")
    expect(page.locator("#map-section")).to_be_visible()
    expect(page.locator("#whatif-section")).to_be_visible()
    expect(page.locator("#handout")).to_be_visible()
    expect(page.locator("#view-note")).not_to_contain_text("Förderer")
    expect(page.locator("#ws-actors-part")).to_have_count(0)
    expect(page.locator("#survey-admin")).to_be_hidden()

    # The coordinator again: each section drawn once, and once more after the language switch
    # (no listener of an earlier sign-in draws it a second time).
    sign_out(page)
    sign_in(page, service.keys["coordinator"])
    expect(page.locator("#survey-start button[type=submit]")).to_have_text("Erhebung starten")
    expect(page.locator("#ws-actors-part-title")).to_have_text("Akteure (25)")
    page.click("#lang-toggle")
    expect(page.locator("#survey-start button[type=submit]")).to_have_text("Start a survey")
    expect(page.locator("#ws-actors-part-title")).to_have_text("Actors (25)")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#survey-start")).to_have_count(1)
    expect(page.locator("#ws-actors-part")).to_have_count(1)
    expect(page.locator("#ws-title")).to_have_count(1)
    assert not refused, refused

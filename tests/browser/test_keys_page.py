"""The admin's "Schlüssel" section of the start page, in a real browser: the keys listed without
their secrets, a coordinator key given a further alliance and one taken away, a key revoked (and
then refused by the service); other roles never see the section."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import check_contrast
from tests.browser.test_coordinator_pages import DEMO_NAME, sign_in


def test_an_admin_manages_keys(page: Any, service: Any) -> None:
    admin = {"Authorization": f"Bearer {service.keys['admin']}"}
    second = httpx.post(f"{service.url}/api/v1/alliances", headers=admin, timeout=30, json={
        "name": "Bündnis Zweitort", "actors": [{"id": "a", "name": "A", "type": "Kirche"},
                                                {"id": "b", "name": "B", "type": "Stadt"}],
        "ties": [{"source": "a", "target": "b"}]})
    assert second.status_code == 201, second.text
    page.goto("/")
    sign_in(page, service.keys["admin"])
    section = page.locator("#keys")
    expect(section.locator("h2")).to_have_text("Schlüssel")
    rows = section.locator("tbody tr")
    expect(rows).to_have_count(4)
    for key in service.keys.values():
        expect(section).not_to_contain_text(key.split("_", 2)[2][:12])  # never the secret part
    check_contrast(page, "keys section", {})

    coordinator = rows.filter(has_text=service.keys["coordinator"].split("_")[1])
    expect(coordinator).to_contain_text("Koordination")
    coordinator.get_by_label("Bündnis für Schlüssel").select_option(label="Bündnis Zweitort")
    coordinator.get_by_role("button", name="Bündnis geben").click()
    status = page.locator("#keys-status")
    expect(status).to_contain_text("hat jetzt Zugang zu „Bündnis Zweitort“")
    expect(status).to_be_focused()
    expect(coordinator.locator("li")).to_have_count(2)
    as_coordinator = {"Authorization": f"Bearer {service.keys['coordinator']}"}
    listed = httpx.get(f"{service.url}/api/v1/alliances", headers=as_coordinator, timeout=30).json()
    assert {a["name"] for a in listed} == {"Bündnis Zweitort", DEMO_NAME}

    coordinator.get_by_role("button", name="„Bündnis Zweitort“ dem Schlüssel").click()
    expect(status).to_contain_text("keinen Zugang mehr zu „Bündnis Zweitort“")
    expect(coordinator.locator("li")).to_have_count(1)

    funder = rows.filter(has_text=service.keys["funder"].split("_")[1])
    revoke = funder.get_by_role("button", name="widerrufen")
    revoke.click()
    expect(status).to_contain_text("noch einmal drücken")
    expect(funder).to_contain_text("gültig")  # not yet: the first press only asks
    revoke.click()
    expect(status).to_contain_text("ist widerrufen")
    expect(funder.locator("td").nth(5)).to_have_text("widerrufen")
    check_contrast(page, "keys section with a revoked key", {})
    refused = httpx.get(f"{service.url}/api/v1/alliances", timeout=30,
                        headers={"Authorization": f"Bearer {service.keys['funder']}"})
    assert refused.status_code == 401

    page.click("#lang-toggle")
    expect(section.locator("h2")).to_have_text("Keys")
    expect(funder.locator("td").nth(5)).to_have_text("revoked")


@pytest.mark.parametrize("role", ["coordinator", "researcher", "funder"])
def test_other_roles_see_no_keys(page: Any, service: Any, role: str) -> None:
    """The page asks which key it has and does not try the admins' list (no 403 to log)."""
    refused: list[str] = []
    page.on("response", lambda response: refused.append(response.url) if response.status >= 400 else None)
    admin = {"Authorization": f"Bearer {service.keys['admin']}"}
    made = httpx.post(f"{service.url}/api/v1/keys", headers=admin,
                      json={"role": role, "alliances": [service.alliance] if role == "coordinator" else []})
    assert made.status_code == 201, made.text  # a key of its own: the test above revokes the funder's
    page.goto("/")
    sign_in(page, made.json()["key"])
    expect(page.locator("#alliances tbody tr").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#keys")).to_be_hidden()
    assert refused == []


def test_the_keys_fit_a_phone(page: Any, service: Any) -> None:
    """At 390 px only the keys' table scrolls sideways, in its frame, not the page: the hidden
    label of a coordinator key's alliance choice stays inside the frame too."""
    admin = {"Authorization": f"Bearer {service.keys['admin']}"}
    made = httpx.post(f"{service.url}/api/v1/alliances", headers=admin, timeout=30, json={
        "name": "Bündnis Handybreite", "actors": [{"id": "a", "name": "A", "type": "Kirche"},
                                                  {"id": "b", "name": "B", "type": "Stadt"}],
        "ties": [{"source": "a", "target": "b"}]})
    assert made.status_code == 201, made.text
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    sign_in(page, service.keys["admin"])
    expect(page.locator("#keys select").first).to_be_attached()  # a coordinator key may get another alliance
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_chosen_alliance_stays_when_the_language_switches(page: Any, service: Any) -> None:
    """An alliance chosen for a coordinator key, not yet given, stays chosen when the table is
    drawn in English and back (defect: the row's list went back to its first alliance)."""
    admin = {"Authorization": f"Bearer {service.keys['admin']}"}
    for name in ("Bündnis Erstwahl", "Bündnis Zweitwahl"):
        made = httpx.post(f"{service.url}/api/v1/alliances", headers=admin, timeout=30, json={
            "name": name, "actors": [{"id": "a", "name": "A", "type": "Kirche"},
                                     {"id": "b", "name": "B", "type": "Stadt"}],
            "ties": [{"source": "a", "target": "b"}]})
        assert made.status_code == 201, made.text
    key = httpx.post(f"{service.url}/api/v1/keys", headers=admin, timeout=30,
                     json={"role": "coordinator", "alliances": [], "label": "language switch"})
    assert key.status_code == 201, key.text
    page.goto("/")
    sign_in(page, service.keys["admin"])
    row = page.locator(f"#keys tbody tr[data-key='{key.json()['prefix']}']")
    choice = row.locator("select")
    expect(choice).to_be_visible()
    chosen = choice.locator("option", has_text="Bündnis Zweitwahl").get_attribute("value")
    choice.select_option(label="Bündnis Zweitwahl")
    for title in ("Keys", "Schlüssel"):
        page.click("#lang-toggle")
        expect(page.locator("#keys h2")).to_have_text(title)
        expect(choice).to_have_value(chosen or "")

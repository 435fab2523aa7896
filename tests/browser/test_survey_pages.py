"""A survey round in a real browser: the coordinator starts it on the alliance page, respondents answer
on a phone-sized screen (one in English, one leaves and resumes, one withdraws), the coordinator sees
the response rate and closes the survey. Screenshots at 390 and 1280 px are kept (``NETZ_SCREENSHOTS``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NETZ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def phone(browser: Any, service: Any) -> Any:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE",
                                  base_url=service.url, has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def answer(tab: Any, link: str, partner: str) -> None:
    tab.goto(link)
    tab.click("#consent-yes")
    expect(tab.locator("#question-title")).to_be_visible()
    tab.fill("#roster-search", partner[:6])
    item = tab.locator("#roster li:visible", has_text=partner).first
    item.locator("input[type=checkbox]").first.check()
    expect(tab.locator("#save-state")).to_have_text(tab.evaluate("Netz.t('survey_saved')"))
    item = tab.locator("#roster li:visible", has_text=partner).first
    item.locator(".kinds input").first.check()
    expect(tab.locator("#save-state")).to_have_text(tab.evaluate("Netz.t('survey_saved')"))
    item.locator(".frequency input").nth(2).check()
    expect(tab.locator("#save-state")).to_have_text(tab.evaluate("Netz.t('survey_saved')"))


def test_a_survey_round_on_the_pages(page: Any, browser: Any, service: Any, tmp_path: Path) -> None:
    folder = shots(tmp_path)
    page.goto(f"/alliances/{service.alliance}")
    page.fill("#key", service.keys["coordinator"])
    page.click("#signin button[type=submit]")
    expect(page.locator("#signin")).to_be_hidden()
    page.reload()  # the survey section is set up for a key present when the page loads
    expect(page.locator("#survey-admin")).to_be_visible()
    page.fill("#survey-wave", "2027")
    page.click("#survey-start button[type=submit]")
    expect(page.locator("#survey-rate")).to_contain_text("0 von 25")
    links = httpx.get(f"{service.url}/api/v1/alliances/{service.alliance}/surveys",
                      headers={"Authorization": f"Bearer {service.keys['coordinator']}"}).json()
    survey = links[0]["id"]
    listed = httpx.get(f"{service.url}/api/v1/surveys/{survey}/links",
                       headers={"Authorization": f"Bearer {service.keys['coordinator']}"}).json()
    first, second, third = listed[0], listed[1], listed[2]

    tab = phone(browser, service)
    answer(tab, first["link"], second["name"])
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    tab.screenshot(path=str(folder / "survey-390.png"), full_page=False)
    tab.reload()  # leaves and comes back: the answer is there
    expect(tab.locator(f"#named-{second['actor']}")).to_be_checked()
    tab.fill("#missing", "Tafel Musterstadt")
    tab.locator("#missing").blur()
    expect(tab.locator("#save-state")).to_have_text("Gespeichert.")
    tab.click("#submit")
    expect(tab.locator("#submitted")).to_be_visible()

    english = phone(browser, service)
    english.goto(second["link"])
    english.get_by_role("button", name="English").click()
    expect(english.locator("#consent-yes")).to_have_text("I agree")
    english.click("#consent-yes")
    expect(english.locator("#question-title")).to_contain_text("Which organisations")
    english.locator(f"#named-{first['actor']}").check()
    expect(english.locator("#save-state")).to_have_text("Saved.")

    leaving = phone(browser, service)
    answer(leaving, third["link"], first["name"])
    leaving.once("dialog", lambda dialog: dialog.accept())
    leaving.click("#withdraw")
    expect(leaving.locator("#consent-yes")).to_be_visible()

    page.reload()
    expect(page.locator("#survey-rate")).to_contain_text("2 von 25")
    expect(page.locator("#survey-admin")).to_contain_text("Tafel Musterstadt")  # a missing partner
    expect(page.locator("#survey-admin")).not_to_contain_text("null")
    page.locator("#survey-admin").screenshot(path=str(folder / "survey-admin-1280.png"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#survey-close")
    expect(page.locator("#survey-closed")).to_contain_text("Welle 2027")
    tab.reload()
    expect(tab.locator("#survey-state")).to_contain_text("abgeschlossen")
    for phone_tab in (tab, english, leaving):
        phone_tab.context.close()

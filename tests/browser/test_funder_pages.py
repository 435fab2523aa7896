"""The funder's and the researcher's views in Chromium: understandable without a statistics degree.

A funder's scorecard says what each indicator measures and which way is good; a researcher's
card does not ask to fill in types that were pooled for privacy; numbers are written with the
minus sign and, in German, a decimal comma; the admin's "give an alliance" list fits its table.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import expect

from netz.messages import number, percent
from tests.browser.test_coordinator_pages import sign_in

#: Shares to write as percentages: halves (0.125, 0.005), halves as written whose floats are a
#: little less (0.285 is 0.28499…), negative ones, one that rounds to zero, one to group, and none.
SHARES = [0.4, 0.125, 0.005, 0.285, 0.145, 1 / 3, 2 / 3, 0.0049, -0.25, -0.125, -0.004, 0.0, 1.0, 12.345,
          None]
#: Numbers to write: halves whose floats are a little less (2.675 is 2.67499…) or more, ones that
#: round up into a new group (999.95), large ones to group, negative ones and ones that round to
#: zero, whole ones (trailing zeros), and none.
NUMBERS = [2.675, 1.005, 0.125, -0.125, 2.5, 7.0, 0.0, -0.04, 999.95, 1234.0, 1234.5, 12345.678, -1234567.0,
           1e21, 1 / 3, 0.0049, None]


def open_alliance(page: Any, service: Any, role: str) -> None:
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys[role])
    expect(page.locator("#scorecard li").first).to_be_visible()


def test_a_funders_cards_say_what_each_indicator_measures(page: Any, service: Any) -> None:
    """Every card of a funder explains its indicator and says whether high is good (defect: the
    cards had a value and a band, and nothing else)."""
    open_alliance(page, service, "funder")
    cards = page.locator("#scorecard li")
    expect(cards.locator(".explain")).to_have_count(cards.count())
    dependence = page.locator("#scorecard li[data-indicator=dependence_on_single_actors] .explain")
    expect(dependence).to_contain_text("Niedriger ist besser")
    expect(dependence).to_contain_text("Gut unter 25 %")
    connectedness = page.locator("#scorecard li[data-indicator=connectedness] .explain")
    expect(connectedness).to_contain_text("Höher ist besser")
    page.click("#lang-toggle")
    expect(dependence).to_contain_text("Lower is better")


def test_a_researcher_is_not_asked_to_fill_in_pooled_types(page: Any, service: Any) -> None:
    """The demo's rare types are pooled into "Sonstige" for researchers: the card says so, and
    does not tell the researcher to enter their types (only the coordinator can)."""
    open_alliance(page, service, "researcher")
    card = page.locator("#scorecard li[data-indicator=cross_sector_integration] .explain")
    expect(card).to_contain_text("zum Schutz der Daten")
    expect(card).not_to_contain_text("tragen Sie")


def test_numbers_have_the_minus_sign_and_a_decimal_comma(page: Any, service: Any) -> None:
    """The pages' one number formatter writes "−1,2" (U+2212), not "-1.2" or "-1,2"."""
    open_alliance(page, service, "funder")
    written = page.evaluate(
        "[Netz.number(-1.234), Netz.number(-0.04), Netz.percent(-0.25), Netz.number(2.5)]")
    assert written == ["\u22121,2", "0,0", "\u221225\u00a0%", "2,5"]
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate("Netz.number(-1.234)") == "\u22121.2"


def test_the_pages_write_numbers_and_percentages_as_the_library_does(page: Any, service: Any) -> None:
    """Netz.number and netz.messages.number, Netz.percent and netz.messages.percent agree, digit
    for digit and space for space, in German ("1.234,5", "40 %" with a no-break space) and English
    ("1,234.5", "40%"): rounding, grouping and trailing zeros (defect: the page wrote 1.005 as
    "1,01", "12.345,7" and "2,5" where the library wrote "1,00", "12345,7" and "2,50")."""
    open_alliance(page, service, "funder")
    for lang in ("de", "en"):
        expect(page.locator("html")).to_have_attribute("lang", lang)
        for digits in (0, 1, 2):
            written = page.evaluate("([shares, digits]) => shares.map((s) => Netz.percent(s, digits))",
                                    [SHARES, digits])
            assert written == [percent(share, lang, digits) for share in SHARES], (lang, digits)
            for fixed in (True, False):
                written = page.evaluate(
                    "([numbers, digits, fixed]) => numbers.map((n) => Netz.number(n, digits, { fixed }))",
                    [NUMBERS, digits, fixed])
                expected = [number(n, lang, digits, fixed=fixed) for n in NUMBERS]
                assert written == expected, (lang, digits, fixed)
        assert page.evaluate("Netz.number(2.5, 2)") == number(2.5, lang, 2)  # fixed unless said otherwise
        page.click("#lang-toggle")


def test_the_alliance_to_give_fits_in_the_key_table(page: Any, service: Any) -> None:
    """At 1280 px the admin's list of alliances to give a coordinator key stays inside its table
    (defect: a long alliance name pushed it out of the frame, where it was clipped)."""
    long_name = ("Bündnis für Geflüchtete und Nachbarschaftshilfe im Landkreis "
                 "Beispielhausen-Süd (synthetisch)")
    created = httpx.post(f"{service.url}/api/v1/alliances", json={"name": long_name},
                         headers={"Authorization": f"Bearer {service.keys['admin']}"})
    assert created.status_code == 201, created.text
    page.goto("/")
    sign_in(page, service.keys["admin"])
    select = page.locator("#key-table .key-actions select")
    expect(select).to_be_visible()
    expect(select.locator("option", has_text=long_name)).to_have_count(1)
    frame = page.locator("#key-table").locator("xpath=..")
    box, outer = select.bounding_box(), frame.bounding_box()
    assert box["x"] + box["width"] <= outer["x"] + outer["width"], (box, outer)
    assert frame.evaluate("node => node.scrollWidth <= node.clientWidth"), "the key table scrolls sideways"


def test_the_health_section_in_einfache_sprache(page: Any, service: Any) -> None:
    """With the page in Einfache Sprache (?lang=de-simple, or chosen on a survey page in the same
    browser) the health section's intro and a funder's cards are in short sentences, and a
    coordinator's gaps and steps keep their words (defect: the service writes those only in German
    and English, and the page showed nothing for "de-simple")."""
    page.goto(f"/alliances/{service.alliance}?lang=de-simple")
    sign_in(page, service.keys["funder"])
    expect(page.locator("#scorecard li").first).to_be_visible()
    intro = page.locator("[data-i18n=healthIntro]")
    expect(intro).to_have_text(re.compile(r"^Wie gut arbeitet das Bündnis zusammen\?"))
    dependence = page.locator("#scorecard li[data-indicator=dependence_on_single_actors] .explain")
    expect(dependence).to_contain_text("Hängt viel an einer einzigen Gruppe? ")
    expect(dependence).to_contain_text("Weniger ist besser.")
    page.click("#sign-out")
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys["coordinator"])
    explanations = page.locator("#gaps .explanation")
    expect(explanations.first).to_be_attached()
    assert all(text.strip() for text in explanations.all_text_contents())  # German, not empty
    steps = page.locator(".top-steps .suggestion span")
    expect(steps.first).to_be_attached()
    assert all(text.strip() for text in steps.all_text_contents())


def test_the_language_button_on_einfache_sprache_leads_to_english(page: Any, service: Any) -> None:
    """The header's button says "English" on a page in Einfache Sprache and leads there (defect:
    it led to standard German, as only "de" was taken for German)."""
    page.goto(f"/alliances/{service.alliance}?lang=de-simple")
    sign_in(page, service.keys["funder"])
    toggle = page.locator("#lang-toggle")
    expect(toggle).to_have_text("English")
    expect(toggle).to_have_attribute("lang", "en")
    toggle.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-i18n=healthIntro]")).to_have_text(re.compile(r"^Signs of an alliance"))
    expect(toggle).to_have_text("Deutsch")

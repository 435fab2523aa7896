"""The pages as a coordinator (and a funder, a researcher) uses them, in a real browser.

Sign in with the key, find the alliance, read the scorecard and the gaps, click a gap to see its
actors on the map, ask what happens if an actor leaves, switch to English. A screenshot of the
alliance page at 1280×900 is kept (``NETZ_SCREENSHOTS`` names a folder; else a temporary one).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from netz.analysis.health import INDICATORS
from netz.analysis.text import kind_label, say

DEMO_NAME = "Bündnis Willkommen in Musterstadt (synthetisch)"
# Of the demo's five indicators (the others need directed ties, ratings or a survey's response).
SHOWN_INDICATORS = [i for i in INDICATORS if i not in ("reciprocity", "trust", "value", "data_quality")]


def sign_in(page: Any, key: str) -> None:
    page.fill("#key", key)
    page.click("#signin button[type=submit]")


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NETZ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_sign_in_and_find_the_alliance(page: Any, service: Any) -> None:
    page.goto("/")
    expect(page.locator("#signin h1")).to_have_text("Anmelden")
    sign_in(page, "netz_000000000000_not-a-key-anyone-was-given")
    expect(page.locator("#key-error")).to_contain_text("nicht angenommen")
    expect(page.locator("#key")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("sessionStorage.getItem('netz.key')") is None

    sign_in(page, service.keys["coordinator"])
    row = page.locator("#alliances tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(DEMO_NAME)
    expect(row).to_contain_text("Hessen")
    expect(row.locator("td.num").first).to_have_text("25")
    assert page.evaluate("sessionStorage.getItem('netz.key')") == service.keys["coordinator"]
    assert service.keys["coordinator"] not in page.url

    page.fill("#q", "Hamburg")
    expect(page.locator("#list-empty")).to_contain_text("Kein Bündnis passt zu „Hamburg“")
    page.fill("#q", "musterstadt hessen")
    expect(row).to_have_count(1)
    row.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/alliances/{service.alliance}$"))
    expect(page.locator("#alliance-name")).to_have_text(DEMO_NAME)


def test_coordinator_alliance_page(page: Any, service: Any, screenshots: Path) -> None:
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys["coordinator"])  # the page asks for the key itself
    expect(page.locator("#alliance-name")).to_have_text(DEMO_NAME)
    expect(page.locator("html")).to_have_attribute("lang", "de")

    # the scorecard: one card per indicator, with its band in words (not colour alone)
    cards = page.locator("#scorecard .card")
    expect(cards).to_have_count(len(SHOWN_INDICATORS))
    for indicator in SHOWN_INDICATORS:
        card = page.locator(f"#scorecard .card[data-indicator={indicator}]")
        expect(card.locator("h3")).to_have_text(say(f"indicator_{indicator}", "de"))
        band = card.get_attribute("data-band")
        expect(card.locator(".band")).to_have_text(say(f"band_{band}", "de"))
        expect(card.locator(".band svg")).to_have_count(1)
    expect(cards.first).to_have_attribute("data-band", "concern")  # what needs attention first

    # the three most important steps lead, one per kind of gap, the most urgent first
    steps = page.locator("#gaps .top-steps li")
    expect(page.locator("#gaps .top-steps h3")).to_have_text("Die drei wichtigsten Schritte")
    expect(steps).to_have_count(3)
    expect(steps.first).to_have_attribute("data-finding", "refugee_exclusion:ref")
    expect(steps.first.locator(".suggestion")).to_contain_text(
        "Beteiligen Sie Geflüchtetenrat Musterstadt an Planung und Entscheidungen")
    expect(steps.nth(1)).to_have_attribute("data-kind", "missing_sector_link")
    expect(steps.nth(2)).to_have_attribute("data-finding", "single_point_of_failure:jc")
    # every gap is folded below them, 25 for the 25 actors (each cause once)
    everything = page.locator("#gaps details.all-gaps")
    expect(everything.locator("> summary")).to_have_text("Alle Lücken im Einzelnen (25)")
    expect(everything).not_to_have_attribute("open", "")
    expect(page.locator("#gaps-title")).to_have_text("Koordinationslücken (25)")
    # "Zur Lücke" opens the list at the gap the step answers and shows it on the map
    steps.nth(2).get_by_role("button", name="Zur Lücke").click()
    expect(everything).to_have_attribute("open", "")
    point = page.locator("#gaps .gap-group[data-kind=single_point_of_failure] .gap").first
    expect(point).to_be_focused()
    expect(point).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("#map .node.hl")).to_have_count(2)  # the job centre and its one bridge
    expect(page.locator("#map line.tie.hl")).to_have_count(1)
    page.get_by_role("button", name="Alle wieder zeigen").click()

    # the gaps: refugee exclusion first, with its German suggestion
    first_group = page.locator("#gaps .gap-group").first
    expect(first_group).to_have_attribute("data-kind", "refugee_exclusion")
    expect(first_group.locator("summary")).to_contain_text(kind_label("refugee_exclusion", "de"))
    first_gap = first_group.locator(".gap").first
    expect(first_gap.locator(".severity")).to_contain_text("HOCH")
    expect(first_gap.locator(".explanation")).to_contain_text("Geflüchtetenrat Musterstadt")
    expect(first_gap.locator(".suggestion")).to_contain_text(
        "Vorschlag: Beteiligen Sie Geflüchtetenrat Musterstadt an Planung und Entscheidungen")

    # the map: 25 actors, the ones without partners too, and the legend
    nodes = page.locator("#map svg .node")
    expect(nodes).to_have_count(25)
    expect(page.locator("#map svg circle")).to_have_count(25)
    expect(page.locator("#map svg line.tie")).to_have_count(34)
    expect(page.locator("#map .node.isolated")).to_have_count(3)
    expect(page.locator("#legend")).to_contain_text("Geflüchtete und ihre Organisationen (3)")

    # clicking a gap highlights its actors and the ties among them
    show = first_gap.get_by_role("button", name="Auf der Karte zeigen")
    show.click()
    expect(show).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#map .node.hl")).to_have_count(1)
    expect(page.locator("#map .node.hl")).to_have_attribute("data-id", "ref")
    expect(page.locator("#map-status")).to_contain_text("Geflüchtetenrat Musterstadt")
    corner = page.locator(".gap-group[data-kind=peripheral_actor]")
    corner.locator("summary").click()
    corner.locator(".gap").first.get_by_role("button", name="Auf der Karte zeigen").click()
    expect(page.locator("#map .node.hl")).to_have_count(2)  # the bakery and its only partner
    expect(page.locator("#map line.tie.hl")).to_have_count(1)
    page.get_by_role("button", name="Alle wieder zeigen").click()
    expect(page.locator("#map .node.hl")).to_have_count(0)

    # keyboard: the map is one tab stop; arrows move between actors; Enter opens the profile,
    # whose button chooses the actor for "what if"
    first = page.locator("#map .node[tabindex='0']")
    expect(first).to_have_count(1)
    first.focus()
    expect(page.locator("#map .tip")).to_be_visible()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert re.match(r".+, .+, (\d+ Partner|keine Partner)$", focused), focused
    name = focused.split(",")[0]
    expect(page.locator("#map .tip")).to_contain_text(name)
    page.keyboard.press("Enter")
    chosen = page.evaluate("document.activeElement.dataset.id")
    card = page.locator("#map .map-card")
    expect(card.locator("h3")).to_have_text(name)
    choose = card.get_by_role("button", name="Für „Was wäre, wenn …?“ auswählen")
    choose.click()
    expect(choose).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#whatif-choices input[value='{chosen}']")).to_be_checked()
    expect(page.locator(f"#map .node[data-id='{chosen}']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#map-chosen")).to_contain_text(f"Was wäre, wenn {name} ausscheidet?")
    choose.click()  # again: out of the choice
    expect(page.locator(f"#whatif-choices input[value='{chosen}']")).not_to_be_checked()
    expect(page.locator("#map-chosen")).to_be_hidden()

    # the mouse: hovering a circle names the actor, a click opens its profile to choose it there
    page.locator("#map .node[data-id=stadt] circle").hover()
    tip = page.locator("#map .tip span")
    expect(page.locator("#map .tip strong")).to_have_text("Stadt Musterstadt – Integrationsbeauftragte")
    expect(tip).to_have_text(["Kommune / Kreis", "7 Partner"])
    page.locator("#map .node[data-id=ref] circle").click()
    page.locator("#map .map-card").get_by_role("button", name="Für „Was wäre, wenn …?“ auswählen").click()
    expect(page.locator("#whatif-choices input[value=ref]")).to_be_checked()
    page.locator("#map .node[data-id=stadt] circle").click()
    page.locator("#map .map-card").get_by_role("button", name="Für „Was wäre, wenn …?“ auswählen").click()
    expect(page.locator("#map .node.chosen")).to_have_count(2)
    expect(page.locator("#map-chosen")).to_contain_text(
        "Was wäre, wenn Geflüchtetenrat Musterstadt und Stadt Musterstadt – Integrationsbeauftragte "
        "ausscheiden?")
    expect(page.locator("#whatif-summary")).to_have_text(
        "Ausgewählt (2): Geflüchtetenrat Musterstadt und Stadt Musterstadt – Integrationsbeauftragte")
    page.locator("#map-chosen").get_by_role("button", name="Auswahl leeren").click()
    expect(page.locator("#map .node.chosen")).to_have_count(0)
    expect(page.locator("#whatif-summary")).to_have_text("Noch niemand ausgewählt.")

    # what if the Helferkreis leaves? (the sports club has no other partner)
    page.locator("#whatif-choices").get_by_role("checkbox", name="Helferkreis Asyl Musterstadt").check()
    page.evaluate("""() => {
        const progress = document.getElementById('whatif-progress');
        window.sawProgress = false;
        new MutationObserver(() => { window.sawProgress ||= !progress.hidden; })
            .observe(progress, {attributes: true});
    }""")
    page.locator("#whatif-form").get_by_role("button", name="Durchrechnen").click()
    result = page.locator("#whatif-result")
    expect(result.locator("h3")).to_contain_text(
        "Was wäre, wenn Helferkreis Asyl Musterstadt aus dem Bündnis ausscheiden würde?")
    expect(page.locator("#whatif-progress")).to_be_hidden()
    assert page.evaluate("window.sawProgress"), "no progress was shown while it computed"
    expect(result.locator("table tbody tr")).to_have_count(6)
    expect(result.locator("table")).to_contain_text("vorher")
    expect(result.locator(".stranded")).to_contain_text("Verlieren alle Kooperationen: TSV Musterstadt 1890")
    expect(page.locator("#map .node.removed")).to_have_attribute("data-id", "hk")
    expect(result.locator(".whatif-warning")).to_have_count(0)
    expect(page.locator("#waves")).to_be_hidden()  # the demo has no survey waves

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots / "alliance-de.png"))
    page.screenshot(path=str(screenshots / "alliance-de-full.png"), full_page=True)

    # English: every text switches, the choice is remembered
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#health-title")).to_have_text(say("health", "en"))
    expect(page.locator("#gaps .gap-group").first.locator("summary")).to_contain_text("Refugees left out")
    expect(page.locator("#gaps .gap").first.locator(".suggestion")).to_contain_text(
        "Suggestion: Involve Geflüchtetenrat Musterstadt in planning and decisions")
    expect(page.locator("#scorecard .card").first.locator(".band")).to_have_text("concern")
    expect(result.locator(".stranded")).to_contain_text("Lose all their ties: TSV Musterstadt 1890")
    expect(page.get_by_role("button", name="Deutsch")).to_be_visible()
    expect(page.locator("#whatif-form").get_by_role("button", name="Work it out")).to_be_visible()
    page.screenshot(path=str(screenshots / "alliance-en.png"))
    page.reload()
    expect(page.locator("#health-title")).to_have_text(say("health", "en"))
    assert page.evaluate("localStorage.getItem('netz.lang')") == "en"

    # without the refugee council, which works with nobody, the network looks less fragmented:
    # the page says first that this is no progress
    page.locator("#whatif-choices").get_by_role("checkbox", name="Geflüchtetenrat Musterstadt").check()
    page.locator("#whatif-form").get_by_role("button", name="Work it out").click()
    warning = page.locator("#whatif-result .whatif-warning")
    expect(warning).to_have_count(1)
    expect(warning).to_have_attribute("data-warning", "unconnected_left")
    expect(warning).to_contain_text("no partner in the alliance: Geflüchtetenrat Musterstadt")
    page.locator("#whatif-result").screenshot(path=str(screenshots / "whatif-warning-en.png"))


def test_funders_see_network_figures_only(page: Any, service: Any, screenshots: Path) -> None:
    page.goto(f"/alliances/{service.alliance}?lang=de")
    sign_in(page, service.keys["funder"])
    expect(page.locator("#alliance-name")).to_have_text(DEMO_NAME)
    expect(page.locator("#scorecard .card")).to_have_count(len(SHOWN_INDICATORS))
    expect(page.locator("#figures")).to_contain_text("25")
    expect(page.locator("#view-note")).to_contain_text("Förderer")
    expect(page.locator("#view-note")).to_contain_text("keine Karte")
    expect(page.locator("#map-section")).to_be_hidden()
    expect(page.locator("#map svg")).to_have_count(0)
    expect(page.locator("#whatif-section")).to_be_hidden()
    expect(page.locator("#actors-section")).to_be_hidden()
    # gaps as counts: the most urgent kinds first, no explanation naming anyone
    rows = page.locator("#gaps table.gap-counts tbody tr")
    expect(rows).to_have_count(7)  # seven kinds (no bridge on its own: each is part of its actor's finding)
    expect(rows.first.locator("th")).to_have_text(kind_label("missing_sector_link", "de"))
    expect(page.locator("#gaps .gap")).to_have_count(0)
    text = page.locator("main").inner_text()
    for name in ("Helferkreis", "Geflüchtetenrat", "Jobcenter Beispielkreis", "Caritasverband"):
        assert name not in text
    page.screenshot(path=str(screenshots / "alliance-funder.png"), full_page=True)


def test_funders_page_fits_a_phone(page: Any, service: Any) -> None:
    """At 390 px the funder's table of gap counts scrolls in its frame; the page does not."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/alliances/{service.alliance}?lang=de")
    sign_in(page, service.keys["funder"])
    expect(page.locator("#gaps table.gap-counts tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_researchers_see_pseudonyms(page: Any, service: Any) -> None:
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys["researcher"])
    expect(page.locator("#map svg .node")).to_have_count(25)
    expect(page.locator("#view-note")).to_contain_text("Pseudonyme")
    labels = page.locator("#map svg .node").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('aria-label'))")
    assert all(re.match(r"A-[0-9a-f]{16,64}, ", label) for label in labels)
    assert "Helferkreis" not in page.locator("main").inner_text()


def test_a_key_that_stopped_working_asks_to_sign_in_again(page: Any, service: Any) -> None:
    # Plant the key on a page without scripts: the start page would try the key itself and, on
    # its 401, clear it again, racing with the navigation below.
    page.goto("/ui/messages.js")
    page.evaluate("sessionStorage.setItem('netz.key', 'netz_000000000000_revoked')")
    page.goto(f"/alliances/{service.alliance}")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#key-error")).to_contain_text("gilt nicht mehr")
    sign_in(page, service.keys["admin"])
    expect(page.locator("#map svg .node")).to_have_count(25)


def test_a_map_of_300_actors(page: Any, service: Any) -> None:
    """A district's network: every actor drawn, the names of the most central written, gaps still shown."""
    types = ["Initiative", "Kirche", "Caritas", "Stadt", "MSO", "Verein", "Schule", "Jobcenter"]
    actors = [{"id": f"a{i}", "name": f"Organisation {i}", "type": types[i % len(types)]} for i in range(300)]
    ties = [{"source": f"a{i // 2}", "target": f"a{i}"} for i in range(1, 290)]
    ties += [{"source": f"a{i}", "target": f"a{(i * 37 + 11) % 290}"} for i in range(0, 290, 3)
             if (i * 37 + 11) % 290 not in (i, 2 * i, 2 * i + 1, i // 2)]
    created = httpx.post(f"{service.url}/api/v1/alliances", timeout=30,
                         headers={"Authorization": f"Bearer {service.keys['admin']}"},
                         json={"name": "Großes Bündnis", "actors": actors, "ties": ties})
    assert created.status_code == 201, created.text
    page.goto(f"/alliances/{created.json()['id']}")
    sign_in(page, service.keys["admin"])
    expect(page.locator("#map svg .node")).to_have_count(300)
    expect(page.locator("#map .node.isolated")).to_have_count(10)
    # names of the most central actors only: as many as fit the view without overlapping
    names = page.locator("#map svg .names text")
    expect(names.first).to_be_visible()
    assert 0 < names.count() < 300
    page.locator("#gaps .top-steps li").first.get_by_role("button", name="Zur Lücke").click()
    expect(page.locator("#map .node.hl").first).to_be_visible()

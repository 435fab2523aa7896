"""The alliance page's tools, as a coordinator uses them in a real browser: survey waves, who holds
the network together (key players), "what if these leave?" for several actors, and zooming and
moving a large map with the mouse, the buttons and the keyboard.

Screenshots go to ``NETZ_SCREENSHOTS`` (else a temporary folder): ``waves-de.png``,
``key-players-de.png``, ``key-players-whatif-de.png``, ``map-zoomed.png``.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from netz.analysis.report import analyse
from netz.analysis.text import say
from netz.analysis.whatif import key_players
from netz.core import io
from netz.core.vocabulary import TYPE_LABELS

DEMO = Path(__file__).parents[2] / "datasets" / "demo-buendnis"

#: Six actors surveyed in two waves; the tie a–b has no wave, so it belongs to both.
#: 2023: a–b, b–c, c–d (4 actors, 3 ties); 2024: a–b, d–e, e–f, a–f, b–d (5 actors, 5 ties).
WAVES_ALLIANCE = {
    "name": "Bündnis mit zwei Wellen",
    "actors": [{"id": "a", "name": "Initiative Nord", "type": "Initiative"},
               {"id": "b", "name": "Kirche Süd", "type": "Kirche"},
               {"id": "c", "name": "Stadtverwaltung", "type": "Stadt"},
               {"id": "d", "name": "Caritas Kreis", "type": "Caritas"},
               {"id": "e", "name": "MSO Zukunft", "type": "MSO"},
               {"id": "f", "name": "Schule am Park", "type": "Schule"}],
    "ties": [{"source": "a", "target": "b"},
             {"source": "b", "target": "c", "wave": "2023"}, {"source": "c", "target": "d", "wave": "2023"},
             {"source": "d", "target": "e", "wave": "2024"}, {"source": "e", "target": "f", "wave": "2024"},
             {"source": "a", "target": "f", "wave": "2024"}, {"source": "b", "target": "d", "wave": "2024"}],
}


def sign_in(page: Any, key: str) -> None:
    page.fill("#key", key)
    page.click("#signin button[type=submit]")


def create(service: Any, alliance: dict[str, Any]) -> int:
    response = httpx.post(f"{service.url}/api/v1/alliances", json=alliance, timeout=30,
                          headers={"Authorization": f"Bearer {service.keys['admin']}"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def percent(share: float) -> str:
    """A share as the page writes it in German (Intl rounds halves away from zero)."""
    return f"{math.floor(share * 100 + 0.5)} %"


def figure(page: Any, index: int) -> str:
    return str(page.locator("#figures .figure-value").nth(index).inner_text())


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NETZ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- survey waves ------------------------------------------------------------------------------


def test_choose_a_survey_wave(page: Any, service: Any, screenshots: Path) -> None:
    alliance = create(service, WAVES_ALLIANCE)
    page.goto(f"/alliances/{alliance}")
    sign_in(page, service.keys["admin"])
    waves = page.get_by_role("group", name="Erhebungswelle")
    expect(waves).to_be_visible()
    buttons = waves.get_by_role("button")
    expect(buttons).to_have_text(["2023", "2024 (neueste)", "Alle Wellen zusammen"])
    latest = waves.get_by_role("button", name="2024 (neueste)")
    expect(latest).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#wave-shown")).to_have_text("Sie sehen das Netzwerk, wie es in der Welle 2024 war.")
    assert (figure(page, 0), figure(page, 1)) == ("5", "5")  # actors, ties of 2024
    expect(page.locator("#map svg .node")).to_have_count(5)
    # what changed since the wave before, with + and − as pictures and the names of who came and went
    change = page.get_by_role("region", name="Was sich seit der Welle 2023 verändert hat")
    items = change.get_by_role("listitem")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text("Neu dabei: 2 (MSO Zukunft und Schule am Park)")
    expect(items.nth(1)).to_contain_text("Nicht mehr dabei: 1 (Stadtverwaltung)")
    expect(items.nth(2)).to_contain_text("Neue Kooperationen: 4")
    expect(items.nth(3)).to_contain_text("Weggefallene Kooperationen: 2")
    expect(items.nth(0).locator(".change-sign")).to_have_text("+")
    page.screenshot(path=str(screenshots / "waves-de.png"))

    # an earlier wave: figures, map and address follow; the pressed button keeps the focus
    waves.get_by_role("button", name="2023").click()
    expect(page.locator("#wave-shown")).to_have_text("Sie sehen das Netzwerk, wie es in der Welle 2023 war.")
    expect(waves.get_by_role("button", name="2023")).to_have_attribute("aria-pressed", "true")
    expect(latest).to_have_attribute("aria-pressed", "false")
    expect(waves.get_by_role("button", name="2023")).to_be_focused()
    expect(page).to_have_url(re.compile(r"\?wave=2023$"))
    assert (figure(page, 0), figure(page, 1)) == ("4", "3")
    expect(page.locator("#map svg .node")).to_have_count(4)
    expect(page.locator("#map svg line.tie")).to_have_count(3)
    expect(page.locator("#map .node[data-id=e]")).to_have_count(0)  # not in the 2023 survey
    expect(page.locator("#wave-change")).to_be_hidden()  # the first wave: nothing before it

    # what-if and key players describe the wave shown
    page.locator("#whatif-choices").get_by_role("checkbox", name="Stadtverwaltung").check()
    page.locator("#whatif-form").get_by_role("button", name="Durchrechnen").click()
    before_after = page.locator("#whatif-result table tbody tr")
    expect(before_after.first).to_contain_text("4")  # actors before, in 2023
    expect(page.locator("#whatif-result .stranded")).to_contain_text("Caritas Kreis")  # only c–d in 2023
    expect(page.locator("#kp-players li").first).to_contain_text("Kirche Süd")

    # a reload shows the same wave; all waves together has every tie
    page.reload()
    expect(page.locator("#wave-shown")).to_contain_text("Welle 2023")
    waves.get_by_role("button", name="Alle Wellen zusammen").click()
    expect(page.locator("#wave-shown")).to_have_text(
        "Sie sehen alle Kooperationen aus allen Wellen zusammen.")
    expect(page).to_have_url(re.compile(r"\?wave=all$"))
    expect(page.locator("#map svg line.tie")).to_have_count(7)
    assert (figure(page, 0), figure(page, 1)) == ("6", "7")
    expect(page.locator("#wave-change")).to_be_hidden()

    # back to the latest: the address has no wave again
    waves.get_by_role("button", name="2024 (neueste)").click()
    expect(latest).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(re.compile(rf"/alliances/{alliance}$"))

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("group", name="Survey wave")).to_be_visible()
    expect(page.get_by_role("button", name="2024 (latest)")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="All waves together")).to_be_visible()
    expect(page.locator("#wave-shown")).to_have_text("You see the network as it was in wave 2024.")
    expect(page.get_by_role("region", name="What changed since wave 2023")).to_contain_text(
        "Joined: 2 (MSO Zukunft and Schule am Park)")


def test_an_address_with_a_wave_that_does_not_exist(page: Any, service: Any) -> None:
    alliance = create(service, WAVES_ALLIANCE)
    page.goto(f"/alliances/{alliance}?wave=1999")
    sign_in(page, service.keys["admin"])
    expect(page.locator("#wave-note")).to_have_text(
        "Eine Welle „1999“ gibt es nicht. Sie sehen die neueste Welle.")
    expect(page.get_by_role("button", name="2024 (neueste)")).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(re.compile(rf"/alliances/{alliance}$"))


def test_funders_choose_waves_too(page: Any, service: Any) -> None:
    alliance = create(service, WAVES_ALLIANCE)
    page.goto(f"/alliances/{alliance}")
    sign_in(page, service.keys["funder"])
    # funders see how many ties came and went, not who
    change = page.get_by_role("region", name="Was sich seit der Welle 2023 verändert hat")
    expect(change.get_by_role("listitem")).to_have_count(2)
    expect(change).to_contain_text("Neue Kooperationen: 4")
    expect(change).to_contain_text("Weggefallene Kooperationen: 2")
    expect(change).not_to_contain_text("Stadtverwaltung")
    page.get_by_role("button", name="2023").click()
    expect(page.locator("#wave-shown")).to_contain_text("Welle 2023")
    assert (figure(page, 0), figure(page, 1)) == ("4", "3")
    expect(page.locator("#kp-section")).to_be_hidden()  # about single actors: not for funders


# -- who holds the network together, and what if several leave ---------------------------------


def test_key_players_and_what_if_several_leave(page: Any, service: Any, screenshots: Path) -> None:
    demo = analyse(io.read(DEMO))
    expected = key_players(demo.graph, 3)
    names = [player["name"] for player in expected]
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys["coordinator"])

    section = page.get_by_role("region", name="Wer hält das Netzwerk zusammen?")
    players = section.locator("#kp-players > li")
    expect(players).to_have_count(3)
    expect(section.locator("#kp-now")).to_contain_text(
        f"Heute können {percent(demo.network['fragmentation'])} aller Paare von Akteuren einander")
    for item, player in zip(players.all(), expected, strict=True):
        expect(item.locator(".key-name strong")).to_have_text(player["name"])
        expect(item.locator(".key-line")).to_contain_text(percent(player["fragmentation_after"]))
        # the bar's text for screen readers (Intl writes a no-break space before %)
        now, after = (percent(share).replace(" ", r"\s") for share in (
            demo.network["fragmentation"], player["fragmentation_after"]))
        bar = item.get_by_role("img")
        expect(bar).to_have_attribute("aria-label", re.compile(rf"heute {now}, danach {after}$"))
    expect(players.nth(0).locator(".key-line")).to_contain_text("Ohne diesen Akteur könnten")
    expect(players.nth(1).locator(".key-line")).to_contain_text("Ohne diesen Akteur und die oben genannten")
    section.screenshot(path=str(screenshots / "key-players-de.png"))

    # on the map
    section.get_by_role("button", name="Auf der Karte zeigen").click()
    highlighted = page.locator("#map .node.hl")
    expect(highlighted).to_have_count(3)
    assert sorted(highlighted.evaluate_all("nodes => nodes.map(n => n.dataset.id)")) == sorted(
        player["id"] for player in expected)
    expect(page.locator("#map-status")).to_contain_text("wer das Netzwerk zusammenhält")

    # choose two of them, and a third one in the list: all places show the same choice
    players.nth(0).get_by_role("button", name=f"Auswählen: {names[0]}").click()
    players.nth(1).get_by_role("button", name=f"Auswählen: {names[1]}").click()
    expect(players.nth(0).get_by_role("button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#whatif-summary")).to_have_text(f"Ausgewählt (2): {names[0]} und {names[1]}")
    expect(page.locator("#map .node.chosen")).to_have_count(2)
    expect(page.locator("#map-chosen")).to_contain_text(
        f"Was wäre, wenn {names[0]} und {names[1]} ausscheiden?")
    page.locator("#whatif-choices").get_by_role("checkbox", name=names[2]).check()
    expect(players.nth(2).get_by_role("button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#whatif-summary")).to_have_text(
        f"Ausgewählt (3): {names[0]}, {names[1]} und {names[2]}")

    # the filter narrows the list; what is chosen stays in it
    page.fill("#whatif-filter", "kirche")
    actors = demo.alliance.actors
    churches = {name for name, kind in zip(actors["name"], actors["type"], strict=True)
                if "kirche" in f"{name} {TYPE_LABELS[kind][0]}".lower()}
    assert len(churches) >= 2
    expect(page.locator("#whatif-choices li:visible")).to_have_count(len(churches | set(names)))
    page.fill("#whatif-filter", "xyz")
    expect(page.locator("#whatif-nomatch")).to_have_text("Kein Akteur passt zu „xyz“.")
    page.fill("#whatif-filter", "")

    page.locator("#whatif-form").get_by_role("button", name="Durchrechnen").click()
    result = page.locator("#whatif-result")
    expect(result.locator("h3")).to_have_text(
        f"Was wäre, wenn {names[0]}, {names[1]} und {names[2]} aus dem Bündnis ausscheiden würden?")
    fragmentation = result.locator("tbody tr", has_text=say("fragmentation", "de"))
    expect(fragmentation.locator("td").last).to_have_text(percent(expected[2]["fragmentation_after"]))
    expect(page.locator("#map .node.removed")).to_have_count(3)
    section.screenshot(path=str(screenshots / "key-players-whatif-de.png"))

    # clear the choice; asking without one says what to do
    page.locator("#whatif-form").get_by_role("button", name="Auswahl leeren").click()
    expect(page.locator("#whatif-choices input:checked")).to_have_count(0)
    expect(page.locator("#whatif-summary")).to_have_text("Noch niemand ausgewählt.")
    expect(page.locator("#map .node.chosen")).to_have_count(0)
    page.locator("#whatif-form").get_by_role("button", name="Durchrechnen").click()
    expect(page.locator("#whatif-error")).to_have_text("Bitte wählen Sie zuerst mindestens einen Akteur aus.")

    # the key players' own button works the three out at once
    section.get_by_role("button", name="Was wäre, wenn diese 3 ausscheiden? Durchrechnen").click()
    expect(result.locator("h3")).to_contain_text(f"{names[0]}, {names[1]} und {names[2]}")
    expect(page.locator("#whatif-choices input:checked")).to_have_count(3)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("region", name="Who holds the network together?")).to_be_visible()
    players = page.locator("#kp-players > li")  # the region has an English name now
    expect(players.nth(1).locator(".key-line")).to_contain_text("Without this actor and those above")
    expect(players.nth(0).get_by_role("button", name=f"Choose: {names[0]}")).to_be_visible()
    expect(result.locator("h3")).to_have_text(
        f"What if {names[0]}, {names[1]} and {names[2]} left the alliance?")


def test_a_network_that_hangs_on_nobody(page: Any, service: Any) -> None:
    """A ring: whoever leaves, the others stay connected — the page says so instead of a ranking."""
    ring = {"name": "Ring",
            "actors": [{"id": f"r{i}", "name": f"Verein {i}", "type": "Verein"} for i in range(5)],
            "ties": [{"source": f"r{i}", "target": f"r{(i + 1) % 5}"} for i in range(5)]}
    page.goto(f"/alliances/{create(service, ring)}")
    sign_in(page, service.keys["admin"])
    expect(page.locator("#kp-now")).to_have_text(
        "Das Netzwerk hängt an keinem einzelnen Akteur: Fällt einer weg, bleiben die anderen so verbunden "
        "wie vorher.")
    expect(page.locator("#kp-players li")).to_have_count(0)
    expect(page.locator("#kp-actions")).to_be_hidden()


def test_researchers_see_key_players_as_pseudonyms(page: Any, service: Any) -> None:
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys["researcher"])
    players = page.locator("#kp-players .key-name strong")
    expect(players).to_have_count(3)
    assert all(re.fullmatch(r"A-[0-9a-f]{16,64}", name) for name in players.all_inner_texts())


# -- zoom and pan ------------------------------------------------------------------------------


def large_alliance() -> dict[str, Any]:
    types = ["Initiative", "Kirche", "Caritas", "Stadt", "MSO", "Verein", "Schule", "Jobcenter"]
    actors = [{"id": f"a{i}", "name": f"Organisation {i}", "type": types[i % len(types)]} for i in range(300)]
    ties = [{"source": f"a{i // 2}", "target": f"a{i}"} for i in range(1, 290)]
    return {"name": "Großes Bündnis", "actors": actors, "ties": ties}


def center(page: Any, actor: str, *, on_screen: bool = False) -> tuple[float, float, float]:
    """Where an actor's circle is: x, y of its centre (in the map, or on the screen) and its width."""
    box = page.locator(f"#map .node[data-id={actor}] circle").bounding_box()
    origin = {"x": 0, "y": 0} if on_screen else page.locator("#map svg").bounding_box()
    return box["x"] - origin["x"] + box["width"] / 2, box["y"] - origin["y"] + box["height"] / 2, box["width"]


def inside(page: Any, selector: str) -> bool:
    frame = page.locator("#map .map-frame").bounding_box()
    box = page.locator(selector).bounding_box()
    return bool(frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
                and frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"])


def test_zoom_and_move_a_large_map(page: Any, service: Any, screenshots: Path) -> None:
    alliance = create(service, large_alliance())
    page.goto(f"/alliances/{alliance}")
    sign_in(page, service.keys["admin"])
    expect(page.locator("#map svg .node")).to_have_count(300)
    tools = page.get_by_role("group", name="Karte vergrößern und verschieben")
    expect(tools).to_match_aria_snapshot("""
      - group "Karte vergrößern und verschieben":
        - button "Karte vergrößern"
        - button "Karte verkleinern" [disabled]
        - button "Ganze Karte zeigen" [disabled]
        - button "Weiter links schauen" [disabled]
        - button "Weiter oben schauen" [disabled]
        - button "Weiter unten schauen" [disabled]
        - button "Weiter rechts schauen" [disabled]
        - text: Vergrößerung 100 %
    """)
    level = page.locator("#map .zoom-level")
    zoom_in = tools.get_by_role("button", name="Karte vergrößern")

    # the buttons: actors move apart, circles keep their size
    x0, y0, w0 = center(page, "a0")
    x1, y1, _ = center(page, "a1")
    zoom_in.click()
    zoom_in.click()
    expect(level).to_have_text("Vergrößerung 225 %")
    expect(tools.get_by_role("button", name="Karte verkleinern")).to_have_attribute("aria-disabled", "false")
    x0z, y0z, w0z = center(page, "a0")
    x1z, y1z, _ = center(page, "a1")
    assert math.dist((x0z, y0z), (x1z, y1z)) == pytest.approx(2.25 * math.dist((x0, y0), (x1, y1)), rel=0.02)
    assert w0z == pytest.approx(w0, abs=0.6)

    # move the view with a button: the drawing shifts by a quarter of the map
    width = page.locator("#map svg").bounding_box()["width"]
    tools.get_by_role("button", name="Weiter rechts schauen").click()
    assert center(page, "a0")[0] == pytest.approx(x0z - width / 4, abs=1.5)

    # dragging moves it too, and the click that ends a drag chooses nobody
    xs, ys, _ = center(page, "a0", on_screen=True)
    page.mouse.move(xs, ys)
    page.mouse.down()
    page.mouse.move(xs + 40, ys + 10, steps=4)
    page.mouse.move(xs + 80, ys + 20, steps=4)
    page.mouse.up()
    assert center(page, "a0", on_screen=True)[:2] == pytest.approx((xs + 80, ys + 20), abs=2)
    expect(page.locator("#map .node.chosen")).to_have_count(0)
    expect(page.locator("#whatif-choices input:checked")).to_have_count(0)

    # Ctrl + wheel zooms at the pointer: the actor under it stays where it is
    xs, ys, _ = center(page, "a0", on_screen=True)
    page.mouse.move(xs, ys)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -120)
    page.keyboard.up("Control")
    expect(level).not_to_have_text("Vergrößerung 225 %")
    assert center(page, "a0", on_screen=True)[:2] == pytest.approx((xs, ys), abs=2)
    # the wheel alone scrolls the page and says how to zoom
    zoomed = level.inner_text()
    page.mouse.wheel(0, 40)
    expect(page.locator("#map .map-hint")).to_be_visible()
    expect(page.locator("#map .map-hint")).to_contain_text("Strg-Taste gedrückt halten")
    assert level.inner_text() == zoomed

    # the whole map again
    tools.get_by_role("button", name="Ganze Karte zeigen").click()
    expect(level).to_have_text("Vergrößerung 100 %")
    assert center(page, "a0")[:2] == pytest.approx((x0, y0), abs=1)

    # the keyboard: + and − zoom, Shift + arrows move, and the actor moved to stays in view
    page.locator("#map .node[tabindex='0']").focus()
    for _ in range(4):
        page.keyboard.press("+")
    expect(level).to_have_text("Vergrößerung 506 %")
    # zoomed in, the large map writes the names of the actors in view, where they fit
    names = page.locator("#map svg .names text")
    expect(names.first).to_be_visible()
    # The names are written in an animation frame after the last zoom step: read them once the
    # frames pending now have run, not a frame early (a busy machine showed a half-written set).
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    written = names.evaluate_all("""texts => texts.map(t => {
        const b = t.getBoundingClientRect();
        return {box: [b.left, b.top, b.right, b.bottom], text: t.textContent, id: t.dataset.id};
    })""")
    drawing = page.locator("#map svg").bounding_box()
    for label in written:
        assert label["text"] == f"Organisation {label['id'][1:]}"
        x0, y0, x1, y1 = label["box"]
        assert drawing["x"] - 1 <= x0 and x1 <= drawing["x"] + drawing["width"] + 1, label
        assert drawing["y"] - 1 <= y0 and y1 <= drawing["y"] + drawing["height"] + 1, label
    overlapping = [(a["text"], b["text"]) for i, a in enumerate(written) for b in written[i + 1:]
                   if a["box"][0] < b["box"][2] - 1 and b["box"][0] < a["box"][2] - 1
                   and a["box"][1] < b["box"][3] - 1 and b["box"][1] < a["box"][3] - 1]
    assert not overlapping
    for _ in range(12):
        page.keyboard.press("ArrowRight")
        current = page.evaluate("document.activeElement.dataset.id")
        assert inside(page, f"#map .node[data-id={current}] circle"), current
    # Shift + ←: the drawing moves right (unless it is at its edge), Shift + →: left
    p0 = center(page, current)[0]
    page.keyboard.press("Shift+ArrowLeft")
    p1 = center(page, current)[0]
    page.keyboard.press("Shift+ArrowRight")
    p2 = center(page, current)[0]
    assert p1 >= p0 - 0.5 and p2 <= p1 + 0.5 and (p1 - p0) + (p1 - p2) > 10, (p0, p1, p2)
    page.keyboard.press("-")
    expect(level).to_have_text("Vergrößerung 338 %")
    page.locator("#map").screenshot(path=str(screenshots / "map-zoomed.png"))

    # a gap shown on a zoomed map is brought into view
    page.locator("#gaps .all-gaps > summary").click()
    page.locator("#gaps .gap").first.get_by_role("button", name="Auf der Karte zeigen").click()
    for index in range(page.locator("#map .node.hl").count()):
        assert inside(page, f"#map .node.hl >> nth={index}")
    page.locator("#map .node[tabindex='0']").focus()
    page.keyboard.press("0")
    expect(level).to_have_text("Vergrößerung 100 %")
    expect(names.first).to_be_visible()  # the whole map: the names of the most central actors

    page.get_by_role("button", name="English").click()
    tools_en = page.get_by_role("group", name="Zoom and move the map")
    expect(tools_en.get_by_role("button", name="Zoom in")).to_be_visible()
    expect(level).to_have_text("Zoom 100%")

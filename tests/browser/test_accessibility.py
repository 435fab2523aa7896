"""What people who see less, or do not see, get from the pages: contrast and the accessibility tree.

Contrast is measured in the rendered pages, not guessed from the style sheet: for every piece of
text a person can see, the browser's computed text colour is laid over the backgrounds behind it
(semi-transparent ones blended) and the WCAG 2.x contrast ratio is computed,
(L1 + 0.05) / (L2 + 0.05) with L the relative luminance of sRGB
(https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio). Body text needs 4.5:1, large text
(≥ 24 px, or ≥ 18.66 px bold) 3:1 (success criterion 1.4.3). Controls marked disabled
(``disabled`` or ``aria-disabled="true"``) are exempt, as WCAG says; nothing else is.

The accessibility tree (what a screen reader reads) is taken with Playwright's ARIA snapshot of the
main regions and checked against what each region must say; the whole snapshots are written to
``NETZ_SCREENSHOTS`` (else a temporary folder) as ``aria-*.yaml``, with ``contrast.txt`` listing
every colour pair measured.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_alliance_tools import WAVES_ALLIANCE, create

#: Computes, in the page, the contrast of every visible piece of text with what is behind it.
MEASURE = r"""
() => {
  const parse = (value) => {
    const m = /rgba?\(([^)]+)\)/.exec(value || "");
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  // What is behind an element: the backgrounds of it and its ancestors, blended from the page up.
  // In the map, names sit on the drawing's white backdrop (and a white halo).
  function behind(node) {
    const layers = [];
    for (let n = node; n; n = n.parentElement) {
      if (n instanceof SVGElement && n.closest("svg.network")) { layers.push([255, 255, 255, 1]); break; }
      const bg = parse(getComputedStyle(n).backgroundColor);
      if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
    }
    let color = [255, 255, 255, 1];
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  }
  function opacity(node) {
    let value = 1;
    for (let n = node; n; n = n.parentElement) value *= Number(getComputedStyle(n).opacity);
    return value;
  }
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const text = walker.currentNode;
    const node = text.parentElement;
    if (!text.data.trim() || seen.has(node)) continue;
    seen.add(node);
    if (!node.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    // Text hidden from screen readers (aria-hidden) is still seen, so it is measured too.
    if (node.closest(".visually-hidden, noscript, option")) continue;
    const rect = node.getBoundingClientRect();
    if (rect.width < 1 || rect.height < 1) continue;
    const style = getComputedStyle(node);
    const svgText = node instanceof SVGElement;
    const fg = parse(svgText ? style.fill : style.color);
    if (!fg) continue;
    const bg = behind(node);
    const shown = over([fg[0], fg[1], fg[2], fg[3] * opacity(node)], bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const disabled = Boolean(node.closest("[disabled], [aria-disabled=true]"));
    const classes = typeof node.className === "string" && node.className
      ? "." + node.className.split(" ").join(".") : "";
    const where = (node.id ? "#" + node.id : node.tagName.toLowerCase()) + classes;
    found.push({ text: text.data.trim().slice(0, 50), fg: hex(shown), bg: hex(bg), ratio: ratio(shown, bg),
                 needed: large ? 3 : 4.5, disabled, where });
  }
  return found;
}
"""


def sign_in(page: Any, key: str) -> None:
    page.fill("#key", key)
    page.click("#signin button[type=submit]")


@pytest.fixture(scope="module")
def measured() -> dict[tuple[str, str], tuple[float, str]]:
    """Every colour pair measured by the tests of this module, with one place it was seen."""
    return {}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NETZ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_contrast(page: Any, state: str, measured: dict[tuple[str, str], tuple[float, str]]) -> int:
    """Assert the contrast of all visible text now; return how many pieces of text were measured."""
    found = page.evaluate(MEASURE)
    assert found, f"{state}: no text measured"
    failing = [f for f in found if not f["disabled"] and f["ratio"] < f["needed"] - 0.005]
    assert not failing, f"{state}: text below the WCAG AA contrast:\n" + "\n".join(
        f"  {f['ratio']:.2f}:1 (needs {f['needed']}) {f['fg']} on {f['bg']} {f['where']} «{f['text']}»"
        for f in failing)
    for f in found:
        if not f["disabled"]:
            measured.setdefault((f["fg"], f["bg"]), (f["ratio"], f"{state}: {f['where']} «{f['text']}»"))
    return len(found)


def test_contrast_of_every_page_and_state(page: Any, service: Any, measured: dict, out: Path) -> None:
    page.goto("/")
    check_contrast(page, "sign-in", measured)
    sign_in(page, "netz_000000000000_not-a-key-anyone-was-given")
    expect(page.locator("#key-error")).to_contain_text("nicht angenommen")
    check_contrast(page, "sign-in with an error", measured)
    sign_in(page, service.keys["coordinator"])
    expect(page.locator("#alliances tbody tr")).to_have_count(1)
    page.locator("#alliances tbody tr").hover()
    check_contrast(page, "list of alliances", measured)

    page.goto(f"/alliances/{service.alliance}")
    expect(page.locator("#kp-players li")).to_have_count(3)
    count = check_contrast(page, "alliance page", measured)
    assert count > 100  # figures, cards, gaps, map names, key players, the list of choices
    page.locator("#gaps .all-gaps > summary").click()  # every gap, below the three steps
    page.locator("#gaps .gap").first.get_by_role("button", name="Auf der Karte zeigen").click()
    page.locator("#map .node[data-id=hk] circle").hover()
    expect(page.locator("#map .tip")).to_be_visible()
    check_contrast(page, "a gap on the map, a tooltip", measured)
    page.locator("#map .node[data-id=hk] circle").click()
    page.locator("#map .map-card").get_by_role("button", name="Für „Was wäre, wenn …?“ auswählen").click()
    page.locator("#whatif-form").get_by_role("button", name="Durchrechnen").click()
    expect(page.locator("#whatif-result h3")).to_be_visible()
    page.locator("#actors-section summary").click()
    check_contrast(page, "what-if result, actor list", measured)
    page.get_by_role("region", name="Wer hält das Netzwerk zusammen?").get_by_role(
        "button", name="Auf der Karte zeigen").click()
    page.locator("#kp-players li").first.get_by_role("button").click()
    page.get_by_role("button", name="Karte vergrößern").click()
    check_contrast(page, "key players chosen and shown, map zoomed", measured)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_contrast(page, "alliance page in English", measured)

    waves = create(service, WAVES_ALLIANCE)
    page.evaluate("sessionStorage.clear()")
    page.goto(f"/alliances/{waves}?lang=de")
    sign_in(page, service.keys["admin"])
    expect(page.locator("#wave-change li")).to_have_count(4)
    page.locator("#wave-buttons button").first.hover()
    check_contrast(page, "survey waves and what changed", measured)

    page.evaluate("sessionStorage.clear()")
    page.goto(f"/alliances/{service.alliance}?lang=de")
    sign_in(page, service.keys["funder"])
    expect(page.locator("#gaps table.gap-counts")).to_be_visible()
    check_contrast(page, "funder's view", measured)

    lines = [f"{ratio:5.2f}:1  {fg} on {bg}   e.g. {where}"
             for (fg, bg), (ratio, where) in sorted(measured.items(), key=lambda item: item[1][0])]
    (out / "contrast.txt").write_text("WCAG contrast of the text colours measured in the pages\n"
                                      + "\n".join(lines) + "\n", encoding="utf-8")
    assert len(measured) >= 15  # many pairs: the measurement saw the pages' colours


def test_focus_is_visible_on_light_and_dark_backgrounds(page: Any, service: Any) -> None:
    """The focus ring: dark on the light page, yellow on the dark header — 3:1 against both
    (WCAG 1.4.11 for the ring as a non-text mark)."""
    page.goto("/")
    expect(page.locator("#key")).to_be_focused()  # the sign-in form asks for the key at once
    page.keyboard.press("Shift+Tab")  # by keyboard, so that :focus-visible applies
    expect(page.locator("#lang-toggle")).to_be_focused()
    header = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    page.keyboard.press("Tab")
    expect(page.locator("#key")).to_be_focused()
    field = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert header == "rgb(242, 177, 52)"  # --focus, 4.4:1 on the header's blue
    assert field == "rgb(27, 31, 36)"  # --focus-ring, 16:1 on white


def test_what_a_screen_reader_reads(page: Any, service: Any, out: Path) -> None:
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys["coordinator"])
    expect(page.locator("#kp-players li")).to_have_count(3)
    expect(page.locator("#whatif-choices li")).to_have_count(25)

    expect(page.get_by_role("banner")).to_match_aria_snapshot("""
      - banner:
        - link "netz Kooperationsnetzwerke lokaler Bündnisse"
        - navigation:
          - button "English"
          - button "Abmelden"
    """)
    expect(page.get_by_role("region", name="Das Bündnis in Zahlen")).to_match_aria_snapshot("""
      - heading "Das Bündnis in Zahlen" [level=2]
      - list:
        - listitem: 25 Akteure
        - listitem: 34 Kooperationen
        - listitem: /Partner pro Akteur/
        - listitem: /^4 Getrennte Teile – /
    """)
    expect(page.locator("#kp-show")).to_have_accessible_description("Wer hält das Netzwerk zusammen?")
    expect(page.get_by_role("region", name="Gesundheit des Netzwerks")).to_match_aria_snapshot("""
      - heading "Gesundheit des Netzwerks" [level=2]
      - paragraph
      - paragraph: /\\d+ bedenklich · \\d+ beobachten · \\d+ gut/
      - list:
        - listitem:
          - paragraph: bedenklich
          - heading "Beteiligung Geflüchteter" [level=3]
    """)
    expect(page.get_by_role("region", name="Netzwerkkarte")).to_match_aria_snapshot("""
      - heading "Netzwerkkarte" [level=2]
      - paragraph
      - group "Karte vergrößern und verschieben":
        - button "Karte vergrößern"
        - button "Karte verkleinern" [disabled]
      - group /25 Akteure, 34 Kooperationen\\. Pfeiltasten wechseln den Akteur/:
        - button /Helferkreis Asyl Musterstadt, Ehrenamtliche Initiative, 9 Partner/
    """)
    expect(page.get_by_role("region", name="Wer hält das Netzwerk zusammen?")).to_match_aria_snapshot("""
      - heading "Wer hält das Netzwerk zusammen?" [level=2]
      - paragraph
      - paragraph: /Heute können \\d+\\s%/
      - list:
        - listitem:
          - paragraph:
            - strong: Jobcenter Beispielkreis
          - img /Anteil der Paare, die einander nicht erreichen/
          - paragraph: /Ohne diesen Akteur könnten/
          - 'button "Auswählen: Jobcenter Beispielkreis"'
    """)
    first = page.locator("#kp-players li").first
    first.get_by_role("button").click()
    expect(first).to_match_aria_snapshot("""
      - listitem:
        - 'button "Auswählen: Jobcenter Beispielkreis" [pressed]'
    """)
    expect(page.locator("#whatif-summary")).to_have_text("Ausgewählt (1): Jobcenter Beispielkreis")
    first.get_by_role("button").click()
    expect(page.get_by_role("region", name="Was wäre, wenn … ausscheidet?")).to_match_aria_snapshot("""
      - heading "Was wäre, wenn … ausscheidet?" [level=2]
      - paragraph
      - group "Wer scheidet aus? Sie können mehrere wählen.":
        - searchbox "Liste filtern (Name oder Art)"
        - list:
          - listitem:
            - checkbox "Agentur für Arbeit"
      - paragraph: Noch niemand ausgewählt.
      - paragraph:
        - button "Durchrechnen"
    """)
    agentur = page.locator("#whatif-choices").get_by_role("checkbox", name="Agentur für Arbeit", exact=True)
    assert agentur.evaluate("box => box.ariaDescribedByElements?.[0]?.textContent ?? "
                            "document.getElementById(box.getAttribute('aria-describedby')).textContent") == (
        "Arbeit (Jobcenter, Betriebe)")
    # the map's choice is announced: the node says it is pressed, the status line what it means
    page.locator("#map .node[data-id=hk] circle").click()
    page.locator("#map .map-card").get_by_role("button", name="Für „Was wäre, wenn …?“ auswählen").click()
    helferkreis = "Helferkreis Asyl Musterstadt, Ehrenamtliche Initiative, 9 Partner"
    expect(page.get_by_role("button", name=helferkreis)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#map-chosen [role=status]")).to_have_text(
        "Was wäre, wenn Helferkreis Asyl Musterstadt ausscheidet?")

    for name, locator in (("banner", page.get_by_role("banner")), ("main", page.locator("main"))):
        (out / f"aria-alliance-{name}.yaml").write_text(locator.aria_snapshot() + "\n", encoding="utf-8")

"""The coordinator's workspace in a real browser: an upload with a preview before anything is
stored (as the next revision of an alliance, and on the start page as a new alliance whose name
exists already), edits with a conflicting second tab (a plain German message, the current data,
the change kept and stored on request), undo, downloads, and what other roles see."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pandas as pd
import pytest
from playwright.sync_api import expect

from netz.core import io as netz_io
from netz.core.model import Alliance
from netz.messages import message
from tests.browser.test_accessibility import check_contrast
from tests.browser.test_coordinator_pages import DEMO_NAME, sign_in

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "datasets" / "demo-buendnis"
SMALL = {"name": "Bündnis Zwei Fenster",
         "actors": [{"id": "a", "name": "Initiative A", "type": "Initiative"},
                    {"id": "b", "name": "Kirche B", "type": "Kirche"},
                    {"id": "c", "name": "Stadt C", "type": "Stadt"}],
         "ties": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}]}


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NETZ_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def api(service: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {service.keys['admin']}", **kwargs.pop("headers", {})}
    return httpx.request(method, f"{service.url}{path}", headers=headers, timeout=60, **kwargs)


def new_alliance(service: Any, body: dict[str, Any]) -> int:
    response = api(service, "POST", "/api/v1/alliances", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def open_lists(page: Any) -> None:
    """Unfold the workspace's lists of actors and ties (folded at first, to keep the page short)."""
    for part in ("#ws-actors-part", "#ws-ties-part"):
        page.locator(f"{part} > summary").click()
        expect(page.locator(part)).to_have_attribute("open", "")


def corrected_demo() -> Alliance:
    """The demo with one actor renamed, one removed (with its ties) and one added with a tie."""
    demo = netz_io.read(DEMO)
    actors = demo.actors.copy()
    actors.loc[actors["id"] == "hk", "name"] = "Helferkreis Asyl (neu)"
    actors = actors[actors["id"] != "aa"]
    actors = pd.concat([actors, pd.DataFrame([{"id": "neu", "name": "Sprachcafé", "type": "initiative"}])],
                       ignore_index=True)
    ties = demo.ties[(demo.ties["source"] != "aa") & (demo.ties["target"] != "aa")]
    ties = pd.concat([ties, pd.DataFrame([{"source": "neu", "target": "hk", "weight": 1.0}])],
                     ignore_index=True)
    actors.index += 1
    ties.index += 1
    return Alliance.from_frames(actors, ties, directed=demo.directed, meta={"name": "Korrigiert"})


def test_upload_a_corrected_workbook_with_preview_then_undo(page: Any, service: Any, tmp_path: Path,
                                                           screenshots: Path) -> None:
    demo = netz_io.read(DEMO)
    alliance = new_alliance(service, {
        "name": "Bündnis Hochladen",
        "actors": [{"id": r["id"], "name": r["name"], "type": r["type"]}
                   for r in demo.actors.to_dict("records")],
        "ties": [{"source": r["source"], "target": r["target"], "weight": r["weight"], "kind": r["kind"]}
                 for r in demo.ties.to_dict("records")]})
    upload = netz_io.write(corrected_demo(), tmp_path / "korrigiert.xlsx")
    page.goto(f"/alliances/{alliance}")
    sign_in(page, service.keys["admin"])
    section = page.locator("#workspace")
    expect(section.locator("h2")).to_have_text("Daten bearbeiten und herunterladen")
    open_lists(page)
    expect(section.locator("#ws-actors tbody tr").first).to_be_visible()
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "workspace-edit-1280.png"), full_page=False)
    page.set_input_files("#ws-file", str(upload))
    expect(page.locator("#ws-file-name")).to_have_text("korrigiert.xlsx")
    section.get_by_role("button", name="Vorschau zeigen").click()
    preview = page.locator("#ws-preview")
    expect(preview).to_contain_text("Neu (1): Sprachcafé")
    expect(preview).to_contain_text("Agentur für Arbeit")
    expect(preview).to_contain_text("Helferkreis Asyl Musterstadt → Helferkreis Asyl (neu)")
    expect(preview).to_contain_text("Neue Kooperationen (1): Helferkreis Asyl (neu) – Sprachcafé")
    expect(preview).to_contain_text("Noch ist nichts gespeichert.")
    assert api(service, "GET", f"/api/v1/alliances/{alliance}").json()["revision"] == 1  # nothing stored
    page.screenshot(path=str(screenshots / "workspace-preview-1280.png"), full_page=False)
    check_contrast(page, "workspace with a preview", {})
    preview.get_by_role("button", name="Übernehmen").click()
    expect(section.locator(".ws-status")).to_contain_text("Gespeichert: Daten aus „korrigiert.xlsx“")
    expect(page.locator("#ws-file-name")).to_have_text("Noch keine Datei ausgewählt")  # empty again
    stored = api(service, "GET", f"/api/v1/alliances/{alliance}/ties").json()
    assert ("neu", "hk") in {(t["source"], t["target"]) for t in stored}
    expect(page.locator("#actors tbody")).to_contain_text("Sprachcafé")  # the analysis above follows
    expect(section.locator(".ws-undo")).to_contain_text("die Daten wurden aus einer Datei ersetzt")

    section.get_by_role("button", name="Letzte Änderung rückgängig machen").click()
    expect(section.locator(".ws-status")).to_contain_text("rückgängig gemacht")
    expect(page.locator("#actors tbody")).not_to_contain_text("Sprachcafé")
    restored = api(service, "GET", f"/api/v1/alliances/{alliance}").json()
    assert restored["revision"] == 3 and restored["n_actors"] == demo.n_actors

    # the next survey round, as a further wave: nothing is removed
    page.set_input_files("#ws-file", str(upload))
    section.get_by_label("Als neue Erhebungswelle hinzufügen").check()
    section.get_by_label("Name der Welle").fill("2026")
    section.get_by_role("button", name="Vorschau zeigen").click()
    expect(preview).to_contain_text(f"Neue Kooperationen ({corrected_demo().n_ties})")
    expect(preview).to_contain_text("(2026)")
    expect(preview).not_to_contain_text("fallen weg")
    preview.get_by_role("button", name="Übernehmen").click()
    expect(section.locator(".ws-status")).to_contain_text("Gespeichert")
    expect(page.locator("#wave-buttons")).to_contain_text("2026")  # the analysis offers the wave
    waved = api(service, "GET", f"/api/v1/alliances/{alliance}").json()
    assert waved["n_ties"] == demo.n_ties + corrected_demo().n_ties


def test_a_new_upload_of_an_existing_name_offers_to_replace(page: Any, service: Any, tmp_path: Path,
                                                            screenshots: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(DEMO.iterdir()):
            archive.write(path, f"{DEMO.name}/{path.name}")
    zipped = tmp_path / "demo-buendnis.zip"
    zipped.write_bytes(buffer.getvalue())
    before = api(service, "GET", "/api/v1/alliances").json()
    page.goto("/")
    sign_in(page, service.keys["coordinator"])
    section = page.locator("#workspace-new")
    expect(section.locator("h2")).to_have_text("Neues Bündnis hochladen")
    page.set_input_files("#ws-new-file", str(zipped))
    section.get_by_role("button", name="Vorschau zeigen").click()
    expect(section.locator(".ws-same-name")).to_contain_text(f"Es gibt schon ein Bündnis „{DEMO_NAME}“")
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "workspace-new-1280.png"), full_page=False)
    assert api(service, "GET", "/api/v1/alliances").json() == before  # nothing stored
    section.get_by_role("button", name=f"„{DEMO_NAME}“ mit dieser Datei ersetzen").click()
    expect(section).to_contain_text("Die Datei enthält dieselben Akteure und Kooperationen wie bisher.")
    section.get_by_role("button", name="Übernehmen").click()
    page.wait_for_url(f"**/alliances/{service.alliance}")
    expect(page.locator("#alliance-name")).to_have_text(DEMO_NAME)
    after = api(service, "GET", "/api/v1/alliances").json()
    assert len(after) == len(before)  # replaced, not doubled
    assert [a["name"] for a in after].count(DEMO_NAME) == 1


def test_a_new_upload_says_what_reading_it_noticed(page: Any, service: Any, tmp_path: Path,
                                                   screenshots: Path) -> None:
    """After a new alliance is stored, the page says the file's warnings (an empty type counted
    as „Sonstige“) before going on to the alliance — they were dropped."""
    book = openpyxl.Workbook()
    actors = book.active
    actors.title = "Akteure"
    actors.append(["id", "name", "Typ"])
    actors.append(["k", "Kirchengemeinde Nord", "Kirche"])
    actors.append(["m", "Migrationsberatung Nord", None])
    ties = book.create_sheet("Kooperationen")
    ties.append(["source", "target"])
    ties.append(["k", "m"])
    path = tmp_path / "Bündnis Nord mit Hinweis.xlsx"
    book.save(path)
    page.goto("/")
    sign_in(page, service.keys["coordinator"])
    section = page.locator("#workspace-new")
    page.set_input_files("#ws-new-file", str(path))
    section.get_by_role("button", name="Vorschau zeigen").click()
    section.get_by_role("button", name="Als neues Bündnis anlegen").click()
    heading = section.locator("h3.ws-created")
    expect(heading).to_have_text("Das Bündnis „Bündnis Nord mit Hinweis“ ist gespeichert. Bitte lesen Sie, "
                                 "was uns in der Datei aufgefallen ist:")
    expect(heading).to_be_focused()
    expect(section.locator("ul.ws-warnings li")).to_have_count(1)
    noted = section.locator("ul.ws-warnings li")
    expect(noted).to_contain_text("Bündnis Nord mit Hinweis.xlsx, Blatt „Akteure“, Zeile 3")
    expect(section.locator("ul.ws-warnings li")).to_contain_text("„Sonstige“")
    page.screenshot(path=str(screenshots / "workspace-new-warnings-1280.png"), full_page=False)
    section.get_by_role("link", name="Weiter zum Bündnis „Bündnis Nord mit Hinweis“").click()
    page.wait_for_url("**/alliances/*")
    expect(page.locator("#alliance-name")).to_have_text("Bündnis Nord mit Hinweis")


def second_tab(browser: Any, service: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE",
                                  base_url=service.url)
    context.set_default_timeout(10_000)
    return context


def test_edit_with_a_conflicting_second_tab(page: Any, browser: Any, service: Any, screenshots: Path) -> None:
    alliance = new_alliance(service, SMALL)
    other_context = second_tab(browser, service)
    other = other_context.new_page()
    errors: list[str] = []
    other.on("pageerror", lambda error: errors.append(str(error)))
    try:
        for tab in (page, other):
            tab.goto(f"/alliances/{alliance}")
            sign_in(tab, service.keys["admin"])
            open_lists(tab)
            expect(tab.locator("#ws-actors tbody tr")).to_have_count(3)

        first = page.locator("#ws-actors tr[data-actor=a]")
        first.get_by_label("Name von a").fill("Initiative A (Fenster 1)")
        first.get_by_role("button", name="Speichern").click()
        expect(page.locator(".ws-status")).to_contain_text("Gespeichert")

        second = other.locator("#ws-actors tr[data-actor=b]")
        second.get_by_label("Name von b").fill("Kirche B (Fenster 2)")
        second.get_by_label("Art von Kirche B").select_option("welfare")
        second.get_by_role("button", name="Speichern").click()
        alert = other.locator(".ws-alert")
        expect(alert).to_contain_text("Jemand anderes hat das Bündnis inzwischen geändert")
        expect(alert).to_contain_text("Ihre Änderung: Akteur „Kirche B (Fenster 2)“ geändert.")
        # the current data is shown: the first tab's change
        expect(other.locator("#ws-actors tr[data-actor=a] input")).to_have_value("Initiative A (Fenster 1)")
        other.set_viewport_size({"width": 390, "height": 844})
        check_contrast(other, "workspace with a conflict", {})
        alert.scroll_into_view_if_needed()
        other.screenshot(path=str(screenshots / "workspace-conflict-390.png"), full_page=False)
        alert.get_by_role("button", name="Meine Änderung trotzdem speichern").click()
        expect(other.locator(".ws-status")).to_contain_text("Gespeichert")
        expect(alert).to_be_empty()
        listed = api(service, "GET", f"/api/v1/alliances/{alliance}/actors").json()["actors"]
        actors = {a["id"]: a for a in listed}
        assert actors["a"]["name"] == "Initiative A (Fenster 1)"
        assert (actors["b"]["name"], actors["b"]["type"]) == ("Kirche B (Fenster 2)", "welfare")

        # a tie with partners from the searchable list; then the first tab, now stale, removes one
        other.fill("#ws-tie-from", "Initiative A (Fenster 1)")
        other.fill("#ws-tie-to", "Stadt C")
        other.fill("#ws-tie-weight", "stark")
        other.get_by_role("button", name="Kooperation hinzufügen").click()
        expect(alert).to_contain_text("„stark“ ist keine Stärke")
        other.fill("#ws-tie-weight", "2,5")
        other.get_by_role("button", name="Kooperation hinzufügen").click()
        expect(other.locator("#ws-ties tbody tr")).to_have_count(3)
        page.locator("#ws-ties tr[data-tie='b|c']").get_by_role("button", name="Entfernen").click()
        expect(page.locator(".ws-alert")).to_contain_text("Jemand anderes")
        page.get_by_role("button", name="Meine Änderung trotzdem speichern").click()
        expect(page.locator(".ws-status")).to_contain_text("Gespeichert")
        ties = api(service, "GET", f"/api/v1/alliances/{alliance}/ties").json()
        assert [(t["source"], t["target"], t["weight"]) for t in ties] == [("a", "b", 1.0), ("a", "c", 2.5)]
    finally:
        other_context.close()
    assert not errors


def test_typing_at_390px_does_not_move_the_page(page: Any, service: Any, screenshots: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys["coordinator"])
    open_lists(page)
    filter_box = page.locator("#ws-actor-filter")
    expect(page.locator("#ws-actors tbody tr").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    filter_box.scroll_into_view_if_needed()
    filter_box.click()
    top = filter_box.bounding_box()["y"]
    for letter in "Kirche":
        page.keyboard.type(letter)
        assert filter_box.bounding_box()["y"] == pytest.approx(top, abs=1)
    expect(page.locator("#ws-actors tbody tr")).to_have_count(1)
    only = page.locator("#ws-actors tbody input[type=text]")
    expect(only).to_have_value("Ev. Kirchengemeinde St. Johannis")
    # saving reloads the list and the figures above it: the page stays where it is
    only.fill("Ev. Kirchengemeinde St. Johannis (Musterstadt)")
    page.locator("#ws-actors").get_by_role("button", name="Speichern").click()
    expect(page.locator(".ws-status")).to_contain_text("Gespeichert")
    expect(page.locator(".ws-undo")).to_contain_text("Zuletzt: ein Akteur wurde geändert.")  # reloaded
    expect(page.locator("#actors tbody")).to_contain_text("(Musterstadt)")  # and the figures above
    expect(page.locator("#ws-actors tbody input[type=text]")).to_have_value(
        "Ev. Kirchengemeinde St. Johannis (Musterstadt)")
    assert filter_box.bounding_box()["y"] == pytest.approx(top, abs=1)
    page.screenshot(path=str(screenshots / "workspace-saved-390.png"), full_page=False)
    page.screenshot(path=str(screenshots / "workspace-edit-390.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide at 390px"


def test_download_in_german_with_metrics(page: Any, service: Any, tmp_path: Path) -> None:
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys["coordinator"])
    section = page.locator("#workspace")
    with page.expect_download() as download:
        section.get_by_role("button", name="Excel (.xlsx)").click()
    path = tmp_path / "download.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Bündnis", "Akteure", "Kooperationen"]
    header = next(book["Akteure"].iter_rows(max_row=1, values_only=True))
    assert "betweenness" in header and "Hauptamtliche" in header
    page.click("#lang-toggle")
    expect(section.locator("h2")).to_have_text("Edit and download the data")
    expect(section.locator("#ws-actors-part-title")).to_have_text("Actors (25)")
    section.get_by_label("with the computed figures").uncheck()
    with page.expect_download() as download:
        section.get_by_role("button", name="Excel (.xlsx)").click()
    download.value.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["alliance", "actors", "ties"]
    assert "betweenness" not in next(book["actors"].iter_rows(max_row=1, values_only=True))


@pytest.mark.parametrize("role", ["researcher", "funder"])
def test_other_roles_call_nothing_they_may_not(page: Any, service: Any, role: str) -> None:
    refused: list[str] = []
    page.on("response", lambda r: refused.append(f"{r.status} {r.url}") if r.status == 403 else None)
    page.goto(f"/alliances/{service.alliance}")
    sign_in(page, service.keys[role])
    expect(page.locator("#alliance-name")).to_have_text(DEMO_NAME)
    page.wait_for_load_state("networkidle")
    section = page.locator("#workspace")
    if role == "researcher":
        expect(section.get_by_role("button", name="GraphML")).to_be_visible()
        expect(section.locator("#ws-actors")).to_have_count(0)
        expect(section.locator("h2")).to_have_text("Daten herunterladen")  # nothing to edit
    else:
        expect(section).to_be_hidden()
    assert not [r for r in refused if "/ties" in r or "/undo" in r or "/keys" in r], refused
    page.goto("/")
    expect(page.locator("#list")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#workspace-new")).to_be_hidden()


def test_long_lists_are_folded_with_their_counts(page: Any, service: Any, screenshots: Path) -> None:
    """The page a new coordinator sees is short: the lists of actors and ties are folded under
    their title with a count, open with the keyboard, and stay open while the coordinator works."""
    alliance = new_alliance(service, SMALL)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/alliances/{alliance}")
    sign_in(page, service.keys["admin"])
    actors, ties = page.locator("#ws-actors-part"), page.locator("#ws-ties-part")
    expect(actors.locator("> summary")).to_have_text("Akteure (3)")
    expect(ties.locator("> summary")).to_have_text("Kooperationen (2)")
    expect(page.locator("#actors-title")).to_have_text("Alle Akteure als Liste (3)")
    expect(page.locator("#ws-actors")).to_be_hidden()
    expect(page.locator("#ws-ties")).to_be_hidden()
    expect(page.locator("#ws-file")).to_be_visible()  # what a coordinator acts on stays open
    expect(page.get_by_role("button", name="Letzte Änderung rückgängig machen")).to_be_attached()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshots / "workspace-folded-390.png"), full_page=True)
    # the keyboard opens a list: the summary is a button in the tab order
    actors.locator("> summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#ws-actors")).to_be_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    # a change redraws the lists: the open one stays open, the folded one folded
    page.locator("#ws-actors tr[data-actor=c]").get_by_label("Name von c").fill("Stadt C (Rathaus)")
    page.locator("#ws-actors tr[data-actor=c]").get_by_role("button", name="Speichern").click()
    expect(page.locator(".ws-status")).to_contain_text("Gespeichert")
    expect(page.locator("#ws-actors tr[data-actor=c] input[type=text]")).to_have_value("Stadt C (Rathaus)")
    expect(actors).to_have_attribute("open", "")
    expect(page.locator("#ws-ties")).to_be_hidden()


def test_alliance_details_form(page: Any, service: Any, screenshots: Path) -> None:
    """Name, place, Land, programme, funding and year in a form: a wrong value is refused with the
    service's German words next to its field; a good one is stored (with the ETag) and shown again."""
    alliance = new_alliance(service, SMALL)
    page.goto(f"/alliances/{alliance}")
    sign_in(page, service.keys["admin"])
    part = page.locator("#ws-details-part")
    expect(part).to_have_attribute("open", "")  # open at first: the alliance has no place and no Land
    lands = page.locator("#ws-detail-land option")
    expect(lands).to_have_count(17)  # "not given" and the sixteen Länder
    page.get_by_label("Ort oder Region").fill("Leipzig")
    page.get_by_label("Bundesland").select_option("Sachsen")
    funding = page.get_by_label("Fördersumme in Euro")
    funding.fill("viel")
    part.get_by_role("button", name="Angaben speichern").click()
    error = page.locator("#ws-detail-funding-error")
    expect(error).to_have_text("Fördersumme: „viel“ ist kein Betrag; erwartet wird ein Betrag in Euro ab 0, "
                               "etwa 15000")
    expect(funding).to_have_attribute("aria-invalid", "true")
    expect(funding).to_be_focused()
    assert "ws-detail-funding-error" in (funding.get_attribute("aria-describedby") or "")
    part.screenshot(path=str(screenshots / "workspace-details-error-1280.png"))
    assert api(service, "GET", f"/api/v1/alliances/{alliance}").json()["revision"] == 1  # nothing stored

    funding.fill("15.000,50")
    page.get_by_label("Gründungsjahr").fill("2016")
    page.get_by_label("Förderprogramm").fill("WIR – Wege in Resilienz")
    part.get_by_role("button", name="Angaben speichern").click()
    expect(page.locator(".ws-status")).to_contain_text("Gespeichert: Angaben zum Bündnis.")
    expect(error).to_be_empty()
    expect(funding).not_to_have_attribute("aria-invalid", "true")
    stored = api(service, "GET", f"/api/v1/alliances/{alliance}").json()
    assert (stored["region"], stored["land"], stored["funding"], stored["founded"], stored["programme"]) == (
        "Leipzig", "Sachsen", 15000.5, 2016, "WIR – Wege in Resilienz")
    expect(page.locator("#alliance-place")).to_have_text("Leipzig · Sachsen · WIR – Wege in Resilienz")

    page.reload()
    expect(page.locator("#alliance-place")).to_have_text("Leipzig · Sachsen · WIR – Wege in Resilienz")
    expect(part).not_to_have_attribute("open", "")  # place and Land given: folded now
    part.locator("> summary").click()
    expect(page.get_by_label("Ort oder Region")).to_have_value("Leipzig")
    expect(page.get_by_label("Bundesland")).to_have_value("Sachsen")
    expect(page.get_by_label("Fördersumme in Euro")).to_have_value("15.000,50")  # cents with both places
    expect(page.get_by_label("Gründungsjahr")).to_have_value("2016")


def test_the_save_notice_goes_and_covers_nothing(page: Any, service: Any, screenshots: Path) -> None:
    """The note of what was stored, at the foot of a phone's window: a live region a screen reader
    reads, with a close button and the undo; it goes when closed, when the coordinator goes on to
    another action and after a while on its own, and while it shows the page has room below it, so
    that the last controls (the survey's) can be scrolled above it."""
    alliance = new_alliance(service, SMALL)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/alliances/{alliance}")
    sign_in(page, service.keys["admin"])
    part = page.locator("#ws-details-part")
    expect(part).to_have_attribute("open", "")
    page.click("#survey-start button[type=submit]")  # a survey runs: closing it is the page's last control
    expect(page.locator("#survey-close")).to_be_visible()
    status = page.locator("#workspace [role=status].ws-status")
    notice = page.locator(".ws-note")

    def save_details(place: str) -> None:
        page.get_by_label("Ort oder Region").fill(place)
        part.get_by_role("button", name="Angaben speichern").click()
        expect(status).to_have_text("Gespeichert: Angaben zum Bündnis.")
        expect(notice).to_be_visible()

    save_details("Leipzig")
    # the note covers no control: one brought to the window's foot, and the page's last at its end,
    # stay above it
    above = """() => document.querySelector('#survey-close').getBoundingClientRect().bottom
        <= document.querySelector('.ws-note').getBoundingClientRect().top"""
    page.evaluate("document.querySelector('#survey-close').scrollIntoView({ block: 'end' })")
    page.wait_for_function(above)
    page.screenshot(path=str(screenshots / "workspace-notice-390.png"))
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(above)
    # the undo is in the note; what it did is said there next
    notice.get_by_role("button", name="Rückgängig", exact=True).click()
    expect(status).to_have_text("Gespeichert: die letzte Änderung ist rückgängig gemacht.")
    assert api(service, "GET", f"/api/v1/alliances/{alliance}").json()["region"] is None
    # another action (here: unfolding a list) ends the note, and the page's room below goes with it
    page.locator("#ws-actors-part > summary").click()
    expect(notice).to_be_hidden()
    expect(status).to_be_empty()
    expect(status).to_be_attached()  # the live region stays, for the next note
    assert page.evaluate("getComputedStyle(document.body).paddingBottom") == "0px"

    save_details("Halle")
    notice.get_by_role("button", name="Hinweis schließen").click()
    expect(notice).to_be_hidden()

    save_details("Dessau")
    page.mouse.move(0, 0)  # the note stays while the pointer rests on it
    expect(notice).to_be_hidden(timeout=30_000)  # it goes on its own


def test_closing_the_save_notice_gives_the_focus_back(page: Any, service: Any) -> None:
    """A keyboard user saves, then closes the note of what was stored: the focus is back where it
    was (the button just pressed, drawn anew by the save), never on the page's top. The save itself
    keeps the focus on its button, and the undo in the note (which draws the lists anew) does not
    lose it either."""
    alliance = new_alliance(service, SMALL)
    page.goto(f"/alliances/{alliance}")
    sign_in(page, service.keys["admin"])
    part = page.locator("#ws-details-part")
    expect(part).to_have_attribute("open", "")
    notice = page.locator(".ws-note")
    status = page.locator("#workspace [role=status].ws-status")
    save = part.get_by_role("button", name="Angaben speichern")
    close = notice.get_by_role("button", name="Hinweis schließen")

    def save_by_keyboard(place: str) -> None:
        page.get_by_label("Ort oder Region").fill(place)
        save.focus()
        page.keyboard.press("Enter")
        expect(status).to_have_text("Gespeichert: Angaben zum Bündnis.")
        expect(save).to_be_focused()  # the details were drawn anew: the focus stays on the button

    save_by_keyboard("Leipzig")
    close.click()  # the close button (by pointer): the focus goes back to the save button
    expect(notice).to_be_hidden()
    expect(save).to_be_focused()

    save_by_keyboard("Halle")
    # by keyboard: from the save button back up to the note, closed with Enter; the focus goes back
    # to the control it came from (the workspace's undo button, just above the details)
    for _ in range(20):
        page.keyboard.press("Shift+Tab")
        if close.evaluate("node => node === document.activeElement"):
            break
    expect(close).to_be_focused()
    page.keyboard.press("Enter")
    expect(notice).to_be_hidden()
    expect(page.locator("#ws-undo")).to_be_focused()

    save_by_keyboard("Dessau")
    # the undo in the note: its buttons hide while it is stored, and the lists are drawn anew; the
    # focus goes back to the save button (drawn anew), not to the page's top
    notice.get_by_role("button", name="Rückgängig", exact=True).click()
    expect(status).to_have_text("Gespeichert: die letzte Änderung ist rückgängig gemacht.")
    expect(save).to_be_focused()
    close.focus()
    page.keyboard.press("Escape")  # Escape in the note closes it, as its button does
    expect(notice).to_be_hidden()
    expect(save).to_be_focused()


@pytest.mark.parametrize(("lang", "said"), [
    ("de", "Diese Art von Datei kann netz nicht lesen. Erlaubt sind .xlsx, .zip, .graphml, .gexf und .json."),
    ("en", "netz cannot read this kind of file. Allowed are .xlsx, .zip, .graphml, .gexf and .json."),
])
def test_a_file_of_the_wrong_kind_is_said_in_one_sentence(page: Any, service: Any, tmp_path: Path,
                                                          lang: str, said: str) -> None:
    """Failed before: the sentence ended in "null", the list of a file's problems it does not have
    written out as text."""
    wrong = tmp_path / "notizen.txt"
    wrong.write_text("Notizen vom Treffen", encoding="utf-8")
    page.goto(f"/alliances/{service.alliance}?lang={lang}")
    sign_in(page, service.keys["coordinator"])
    page.set_input_files("#ws-file", str(wrong))
    preview = {"de": "Vorschau zeigen", "en": "Show preview"}[lang]
    page.locator("#workspace").get_by_role("button", name=preview).click()
    shown = page.locator("#workspace").get_by_text(said[:20])
    expect(shown).to_be_visible()
    assert shown.locator("xpath=..").inner_text().strip() == said


def test_a_refused_download_is_said_in_the_page_s_language(page: Any, service: Any) -> None:
    """An English page whose download the service refuses (the alliance deleted meanwhile) says
    why in English (defect: the fetch sent no Accept-Language, and the page showed the status's
    phrase, "Not Found", not the service's reason)."""
    alliance = new_alliance(service, {**SMALL, "name": "Bündnis Download weg"})
    page.goto(f"/alliances/{alliance}?lang=en")
    sign_in(page, service.keys["admin"])
    section = page.locator("#workspace")
    button = section.get_by_role("button", name="Excel (.xlsx)")
    expect(button).to_be_visible()
    etag = api(service, "GET", f"/api/v1/alliances/{alliance}").headers["ETag"]
    deleted = api(service, "DELETE", f"/api/v1/alliances/{alliance}", headers={"If-Match": etag})
    assert deleted.status_code == 204, deleted.text
    button.click()
    reason = message("problem.alliance.not_found", "en", id=alliance)
    expect(section.locator(".ws-alert")).to_have_text(message("page.failed", "en", detail=reason))


def test_the_file_field_speaks_the_pages_language(browser: Any, service: Any, tmp_path: Path,
                                                  screenshots: Path) -> None:
    """An English browser's file field says "Choose File" and "No file chosen" on the German page:
    the field shows a button and the chosen file's name in the page's language instead, and still
    works from the keyboard (Tab to it, Space opens the chooser, its focus is seen) and by mouse."""
    path = tmp_path / "Bündnis Tastatur.json"
    path.write_text('{"name": "Bündnis Tastatur"}', encoding="utf-8")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US",
                                  base_url=service.url)
    page = context.new_page()
    try:
        page.goto("/?lang=de")
        sign_in(page, service.keys["coordinator"])
        section = page.locator("#workspace-new")
        pick = section.locator(".file-pick")
        expect(pick).to_have_text("Datei auswählenNoch keine Datei ausgewählt")
        field = page.locator("#ws-new-file")
        expect(field).to_have_accessible_name("Datei")  # what a screen reader says, not "Datei auswählen"
        expect(field).to_have_accessible_description(re.compile("^Noch keine Datei ausgewählt Excel"))
        section.get_by_role("button", name="Vorschau zeigen").focus()
        page.keyboard.press("Shift+Tab")
        expect(page.locator("#ws-new-file")).to_be_focused()
        assert pick.locator(".file-button").evaluate("n => getComputedStyle(n).outlineStyle") == "solid"
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(str(path))
        expect(page.locator("#ws-new-file-name")).to_have_text("Bündnis Tastatur.json")
        expect(field).to_have_accessible_description(re.compile("^Bündnis Tastatur.json Excel"))
        section.screenshot(path=str(screenshots / "workspace-file-390.png"))
        page.click("#lang-toggle")
        expect(pick.locator(".file-button")).to_have_text("Choose a file")
        expect(page.locator("#ws-new-file-name")).to_have_text("Bündnis Tastatur.json")  # still the file
        with page.expect_file_chooser():
            pick.locator(".file-button").click()
    finally:
        context.close()


def test_what_is_typed_in_the_workspace_stays_when_the_language_switches(page: Any, service: Any) -> None:
    """The alliance's details, an actor's row, a new actor, a new tie's partner and the upload's
    choices (file, mode, wave), typed but not saved, stay as typed when the coordinator looks at
    the English page and back (defect: the workspace was drawn anew and all of it was lost). A
    funding is written as the page's language writes amounts, so that it is read as the same
    amount: "15.000,50" is "15,000.50" in English, and stored as 15000.5 from there."""
    alliance = new_alliance(service, {**SMALL, "name": "Bündnis Sprachwechsel Werkstatt"})
    page.goto(f"/alliances/{alliance}")
    sign_in(page, service.keys["admin"])
    expect(page.locator("#ws-details-part")).to_have_attribute("open", "")
    page.fill("#ws-detail-region", "Leipzig")
    page.select_option("#ws-detail-land", "Sachsen")
    page.fill("#ws-detail-funding", "15.000,50")
    page.fill("#ws-detail-founded", "2016")
    open_lists(page)
    page.fill("#ws-actor-name-0", "Initiative A (neu)")
    page.select_option("#ws-actor-type-0", "church")
    page.fill("#ws-new-actor-name", "Sprachcafé")
    page.fill("#ws-tie-from", "Kirche B")
    page.set_input_files("#ws-file", files=[{"name": "buendnis.json", "mimeType": "application/json",
                                             "buffer": b"{}"}])
    page.check("#ws-mode-wave")
    page.fill("#ws-wave", "2027")
    typed = {"#ws-detail-region": "Leipzig", "#ws-detail-land": "Sachsen", "#ws-detail-founded": "2016",
             "#ws-actor-name-0": "Initiative A (neu)", "#ws-actor-type-0": "church",
             "#ws-new-actor-name": "Sprachcafé", "#ws-tie-from": "Kirche B", "#ws-wave": "2027"}
    for lang, funding in (("en", "15,000.50"), ("de", "15.000,50"), ("en", "15,000.50")):
        page.click("#lang-toggle")
        expect(page.locator("label[for=ws-detail-region]")).to_have_text(message("page.wsDetailRegion", lang))
        for field, value in typed.items():
            expect(page.locator(field)).to_have_value(value)
        expect(page.locator("#ws-detail-funding")).to_have_value(funding)
        expect(page.locator("#ws-mode-wave")).to_be_checked()
        expect(page.locator("#ws-file-name")).to_have_text("buendnis.json")
        assert page.locator("#ws-file").evaluate("(input) => input.files.length") == 1
    page.locator("#ws-details button[type=submit]").click()
    expect(page.locator(".ws-status")).to_contain_text(message("page.wsDetailsWhat", "en"))
    stored = api(service, "GET", f"/api/v1/alliances/{alliance}").json()
    assert (stored["region"], stored["land"], stored["funding"], stored["founded"]) == (
        "Leipzig", "Sachsen", 15000.5, 2016)

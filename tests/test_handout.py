"""The report to hand out (netz.analysis.handout, netz.core.printed, netz report --format pdf): its text read
back
from the PDF with pypdf, in German and English, with and without survey waves."""

from __future__ import annotations

import io as bytes_io
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from netz.analysis.handout import handout, top_steps
from netz.analysis.report import report
from netz.analysis.survey import reports_frame, with_wave_response
from netz.analysis.text import kind_label
from netz.cli import main
from netz.core import io
from netz.core.model import Alliance
from netz.core.printed import pdf
from netz.messages import message

DEMO = Path(__file__).resolve().parents[1] / "datasets" / "demo-buendnis"
A4 = (595.28, 841.89)  # points


def pdf_text(data: bytes) -> tuple[int, str, list[tuple[float, float]]]:
    """Pages, the whole text (white space collapsed) and each page's size in points."""
    reader = PdfReader(bytes_io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
    return len(reader.pages), " ".join(text.split()), sizes


def in_waves(alliance: Alliance) -> Alliance:
    """The demo observed in two waves: a quarter of the ties only in 2023, a quarter only in 2024."""
    ties = alliance.ties.copy()
    ties["wave"] = [("2023" if i % 4 == 0 else "2024" if i % 4 == 1 else None) for i in range(len(ties))]
    return alliance.replace_ties(ties)


@pytest.fixture(scope="module")
def demo() -> Alliance:
    return io.read(DEMO)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_pdf_names_the_alliance_and_its_top_gap(demo: Alliance, lang: str) -> None:
    data = pdf(handout(demo, lang=lang))
    pages, text, sizes = pdf_text(data)
    top = top_steps(report(demo))[0]
    assert 1 <= pages <= 3
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in sizes)
    assert demo.name in text
    assert kind_label(top["kind"], lang) in text
    assert " ".join(top["explanation"][lang].split()) in text
    assert " ".join(top["suggestion"][lang].split()) in text
    assert message("handout.steps", lang) in text
    assert message("handout.page", lang, page=1, pages=pages) in text
    root = PdfReader(bytes_io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == lang  # tagged, for screen readers
    # one language only: the other's heading is not there
    other = "en" if lang == "de" else "de"
    assert message("handout.steps", other) not in text


def test_key_figures_health_and_key_players_are_printed(demo: Alliance) -> None:
    result = report(demo)
    _, text, _ = pdf_text(pdf(handout(demo, lang="de")))
    assert f"{result['network']['n_actors']} Akteure" in text
    for indicator in result["health"]:
        assert message(f"text.indicator_{indicator['indicator']}", "de") in text
    connecting = max(result["actors"], key=lambda a: a["betweenness"])
    assert connecting["name"] in text
    assert message("text.key_players", "de") in text


def test_an_alliance_with_waves_shows_the_change_and_its_chart(demo: Alliance) -> None:
    html = handout(in_waves(demo), lang="en")
    assert 'id="waves-t"' in html  # the chart, with its text alternative
    _, text, _ = pdf_text(pdf(html))
    assert message("handout.change", "en", before="2023", after="2024") in text
    # the chart's text alternative, printed under it
    assert "Actors per wave: 2023:" in text and "Ties per wave: 2023:" in text


@pytest.mark.parametrize(("lang", "ticks"), [("de", ["0", "2,5", "5", "7,5", "10"]),
                                              ("en", ["0", "2.5", "5", "7.5", "10"])])
def test_the_charts_write_numbers_as_the_language_does(demo: Alliance, lang: str, ticks: list[str]) -> None:
    """The partner strip's axis (0 to 10 partners in quarters) in the handout's language (defect:
    "2.5" and "7.5" in the German handout, whose every other number has a decimal comma)."""
    html = handout(demo, lang=lang)
    strip = html[html.index('id="partners-t"'):]
    axis = re.findall(r'text-anchor="middle"[^>]*>([^<]*)</text>', strip[:strip.index("</svg>")])
    assert axis[:5] == ticks


def test_the_change_does_not_count_pairs_of_non_respondents_lost() -> None:
    """2024 came from a survey that c and d did not answer: c–d is not known, not lost (was: lost);
    a–c is lost (a answered without naming c)."""
    actors = pd.DataFrame({"id": list("abcd"), "name": list("ABCD"),
                           "type": ["church", "refugee", "welfare", "municipality"]})
    ties = pd.DataFrame({"source": ["a", "c", "a", "a"], "target": ["c", "d", "b", "d"],
                         "wave": ["2023", "2023", "2024", "2024"]})
    answers = reports_frame([{"reporter": "a", "partner": "b"}, {"reporter": "a", "partner": "d"}],
                            list("abcd"))
    meta = with_wave_response({"name": "B"}, "2024", answers, list("abcd"), ["a", "b"])
    html = handout(Alliance.from_frames(actors, ties, meta=meta), lang="de")
    assert "Kooperationen hinzugekommen: 2, weggefallen: 1." in html


def test_without_waves_there_is_no_change_section(demo: Alliance) -> None:
    html = handout(demo, lang="de")
    assert 'id="waves-t"' not in html
    assert message("handout.change", "de", before="", after="").split("(")[0].strip() not in html


def test_names_are_text_not_markup(demo: Alliance) -> None:
    """A name that looks like HTML or a link is printed as it is and fetches nothing."""
    actors = demo.actors.copy()
    actors.loc[0, "name"] = '<img src="file:///etc/passwd"> & <b>Kreis</b>'
    hostile = Alliance(actors, demo.ties, demo.directed, demo.weighted,
                       {**demo.meta, "name": "<style>body{display:none}</style>Bündnis"}, [])
    html = handout(hostile, lang="de")
    assert "<img src" not in html and "<style>body" not in html
    _, text, _ = pdf_text(pdf(html))
    assert "<style>body{display:none}</style>Bündnis" in text


def test_printing_fetches_nothing(tmp_path: Path) -> None:
    """An image or stylesheet named in the HTML is not read, not even a local file."""
    picture = tmp_path / "bild.svg"
    picture.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                       '<rect width="10" height="10"/></svg>', encoding="utf-8")
    style = tmp_path / "style.css"
    style.write_text("p { display: none }", encoding="utf-8")
    data = pdf(f'<link rel="stylesheet" href="{style.as_uri()}"><p>Text bleibt</p>'
               f'<img src="{picture.as_uri()}" alt="ein Bild">')
    page = PdfReader(bytes_io.BytesIO(data)).pages[0]
    assert "Text bleibt" in (page.extract_text() or "")  # the stylesheet was not applied
    assert not page["/Resources"].get("/XObject")  # and no picture drawn


def test_an_empty_alliance_still_prints(demo: Alliance) -> None:
    empty = Alliance.from_records([], [])
    pages, text, _ = pdf_text(pdf(handout(empty, lang="en")))
    assert pages == 1
    assert message("text.components_none", "en") in text


def test_a_large_alliance_gets_no_map(demo: Alliance) -> None:
    html = handout(demo, lang="de", map_up_to=10)
    assert 'id="map-t"' not in html
    assert message("handout.map_too_large", "de", n=demo.n_actors) in html
    assert message("text.key_players", "de") not in html


def test_top_steps_follow_the_reports_own_list_when_it_has_one() -> None:
    gaps = [{"id": "a", "kind": "x", "severity": "high"}, {"id": "b", "kind": "y", "severity": "low"}]
    assert top_steps({"gaps": gaps, "top_steps": ["b"]}) == [gaps[1]]
    steps = [{"rank": 1, "finding": "b"}, {"rank": 2, "finding": "a"}]  # as netz.analysis.gaps.top_steps
    # gives them
    assert top_steps({"gaps": gaps, "top_steps": steps}, 1) == [gaps[1]]
    assert top_steps({"gaps": list(reversed(gaps))}) == gaps
    demo_report = report(io.read(DEMO))
    assert [gap["id"] for gap in top_steps(demo_report)] == [s["finding"] for s in demo_report["top_steps"]]


def test_cli_writes_the_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bericht.pdf"
    assert main(["report", str(DEMO), "--format", "pdf", "--lang", "en", "--out", str(out)]) == 0
    pages, text, _ = pdf_text(out.read_bytes())
    assert 1 <= pages <= 3
    assert "NETWORK REPORT" in text.upper() and "Bündnis Willkommen in Musterstadt" in text
    assert str(out) in capsys.readouterr().out


def test_cli_pdf_needs_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["report", str(DEMO), "--format", "pdf"]) == 2
    assert "--out" in capsys.readouterr().err
    assert main(["report", str(DEMO), "--format", "json", "--out", str(tmp_path / "x.pdf"),
                 "--lang", "en"]) == 2
    assert "--out is for --format pdf" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()

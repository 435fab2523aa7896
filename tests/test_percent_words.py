"""Numbers and percentages as the library words them: German "1.234,5" and "40 %" (no-break
space), English "1,234.5" and "40%".

One formatter each, :func:`netz.messages.number` and :func:`netz.messages.percent`, writes every
number and percentage of the findings, the health explanations and the text reports; these tests
read real outputs (the demo alliance) so that a place formatting a number by itself shows up.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from netz.analysis.report import analyse, serialise
from netz.analysis.text import render_report, render_whatif
from netz.analysis.whatif import whatif
from netz.core import io
from netz.messages import LANGUAGES, number, percent

DEMO = Path(__file__).parents[1] / "datasets" / "demo-buendnis"
#: How each language writes a number before its percent sign.
BEFORE_SIGN = {"de": "\u00a0", "en": ""}


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    return serialise(analyse(io.read(DEMO)))


def worded(report: dict[str, Any], lang: str) -> list[str]:
    """Every text of the report in ``lang`` that may carry a percentage."""
    texts = [item[field][lang] for item in report["health"] for field in ("explanation", "description")]
    texts += [gap[field][lang] for gap in report["gaps"] for field in ("explanation", "suggestion")]
    return [*texts, render_report(report, lang=lang)]


@pytest.fixture(scope="module")
def demo_whatif() -> dict[str, Any]:
    """The demo without one of its initiatives: figures before and after."""
    return whatif(io.read(DEMO), ["fk"])


def test_the_demo_findings_word_percentages_per_language(demo: dict[str, Any]) -> None:
    health = {item["indicator"]: item for item in demo["health"]}
    connectedness = health["connectedness"]["explanation"]
    assert connectedness["en"].startswith("88% of the actors belong")
    assert connectedness["en"].endswith("Good from 90%, a concern below 75%.")
    assert connectedness["de"].startswith("88\u00a0% der Akteure gehören")
    assert connectedness["de"].endswith("Gut ab 90\u00a0%, bedenklich unter 75\u00a0%.")
    central = next(gap for gap in demo["gaps"] if gap["kind"] == "over_centralization")["explanation"]
    assert "in 37% of all cases" in central["en"]
    assert "in 37\u00a0% aller Fälle" in central["de"]
    assert "Density: 11.3%" in render_report(demo, lang="en")
    assert "Dichte: 11,3\u00a0%" in render_report(demo, lang="de")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_percent_sign_follows_its_number_the_language_s_way(demo: dict[str, Any], lang: str) -> None:
    """No percentage of the demo's texts is written another way (a plain space in German, any
    space in English), and there are percentages to check."""
    texts = worded(demo, lang)
    signs = [m for text in texts for m in re.finditer(r"(\S*)(\s?)%", text)]
    assert len(signs) >= 10
    for sign in signs:
        assert re.fullmatch(r"\d+([.,]\d)?", sign[1]), sign.string
        assert sign[2] == BEFORE_SIGN[lang], (sign[0], sign.string)


@pytest.mark.parametrize(("value", "lang", "digits", "written"), [
    (0.4, "de", 0, "40\u00a0%"), (0.4, "en", 0, "40%"), (0.4, "de-simple", 0, "40\u00a0%"),
    (0.005, "de", 0, "1\u00a0%"), (0.125, "en", 0, "13%"), (-0.125, "en", 0, "\u221213%"),
    (0.285, "de", 0, "29\u00a0%"), (1 / 3, "de", 1, "33,3\u00a0%"), (0.5, "en", 1, "50.0%"),
    (-0.0004, "de", 1, "0,0\u00a0%"), (None, "en", 0, "—"),
])
def test_percent(value: float | None, lang: str, digits: int, written: str) -> None:
    """Halves away from zero on the share as written (0.285 is 28.5 %, though the float is less)."""
    assert percent(value, lang, digits) == written


@pytest.mark.parametrize(("value", "lang", "digits", "fixed", "written"), [
    (-1.234, "de", 1, True, "\u22121,2"), (-1.234, "en", 1, True, "\u22121.2"), (-0.04, "de", 1, True, "0,0"),
    (2.5, "de-simple", 2, True, "2,50"), (2.5, "en", 2, False, "2.5"), (7.0, "de", 2, False, "7"),
    (2.675, "en", 2, True, "2.68"), (0.125, "de", 2, True, "0,13"), (-0.125, "en", 2, True, "\u22120.13"),
    (1.005, "de", 2, True, "1,01"), (999.95, "de", 1, True, "1.000,0"), (1234.0, "de", 0, True, "1.234"),
    (1234.5, "en", 1, True, "1,234.5"), (12345.678, "de", 2, True, "12.345,68"),
    (-1234567.0, "en", 0, True, "\u22121,234,567"), (1e21, "de", 0, True, "1" + ".000" * 7),
    (None, "de", 1, True, "—"), (float("nan"), "en", 1, True, "—"),
])
def test_number(value: float | None, lang: str, digits: int, fixed: bool, written: str) -> None:
    """Halves away from zero on the number as written (2.675 is 2.68, though the float is
    2.67499…), grouped in threes from four digits on, trailing zeros only when ``fixed``."""
    assert number(value, lang, digits, fixed=fixed) == written


def test_a_before_and_after_line_writes_both_sides_alike() -> None:
    """A what-if's figures: counts grouped, other numbers with two decimals on both sides (defect:
    "2,8 → 3" and "1234 → 1233", three significant digits, no grouping)."""
    result = {"removed": ["a"], "before": {"n_ties": 1234, "average_path_length": 2.8},
              "after": {"n_ties": 1233, "average_path_length": 3.0}}
    assert "  Kooperationen: 1.234 → 1.233" in render_whatif(result, lang="de").splitlines()
    assert "  Average distance (steps): 2.80 → 3.00" in render_whatif(result, lang="en").splitlines()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_demo_texts_write_numbers_the_language_s_way(demo: dict[str, Any], demo_whatif: dict[str, Any],
                                                         lang: str) -> None:
    """No number of the demo's texts has the other language's decimal mark or a hyphen for a
    minus, and the what-if's figures are there to check."""
    texts = [*worded(demo, lang), render_whatif(demo_whatif, lang=lang)]
    decimal = {"de": r"\d,\d", "en": r"\d\.\d"}[lang]
    other = {"de": r"\d\.\d{1,2}(?!\d)", "en": r"\d,\d{1,2}(?!\d)"}[lang]
    assert sum(len(re.findall(decimal, text)) for text in texts) >= 10
    for text in texts:
        assert not re.search(other, text), re.search(other, text)
        assert not re.search(r"(?<![\w)])-\d", text), re.search(r"(?<![\w)])-\d", text)
    assert {"de": "2,87 → 2,88", "en": "2.87 → 2.88"}[lang] in texts[-1]

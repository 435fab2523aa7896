"""Percentages as the library words them: German "40 %" (no-break space), English "40%".

One formatter, :func:`netz.messages.percent`, writes every percentage of the findings, the
health explanations and the text report; these tests read real outputs (the demo alliance) so
that a place formatting a share by itself shows up.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from netz.analysis.report import analyse, serialise
from netz.analysis.text import render_report
from netz.core import io
from netz.messages import LANGUAGES, percent

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

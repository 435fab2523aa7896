"""The web pages and their files, the labels they use, and the map positions of ``/layout``.

``/layout`` has the report's access rules except that funders get 403 (positions are about single
actors); researchers get the pseudonyms of their report. Its contract: one position per actor, in
the report's order, finite and within [0, 1]; one line per cooperating pair; the same positions
for the same alliance and seed.
"""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import netz.messages
from api.pages import STATIC
from netz.analysis.gaps import GAP_KINDS
from netz.analysis.health import INDICATORS
from netz.analysis.text import kind_label, say
from netz.core.vocabulary import ACTOR_TYPES, LAENDER, TYPE_LABELS
from netz.messages import CATALOGUES, catalogue

ALLIANCES = "/api/v1/alliances"
SMALL_ALLIANCE: dict[str, Any] = {
    "name": "Vier Akteure",
    "actors": [{"id": "a", "name": "Initiative A", "type": "Initiative"},
               {"id": "b", "name": "Kirche B", "type": "Kirche"},
               {"id": "c", "name": "Stadt C", "type": "Stadt"},
               {"id": "d", "name": "MSO D", "type": "MSO"}],
    "ties": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}, {"source": "c", "target": "d"}],
}
PSEUDONYM = re.compile(r"^A-[0-9a-f]{16,64}$")
CONTENT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


class _References(HTMLParser):
    """The local files a page loads (scripts, style sheets, icons, images)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for attribute in ("src", "href"):
            value = named.get(attribute)
            if value and value.startswith("/static/"):
                self.found.append(value)


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.found


def pairs(body: Any) -> list[tuple[str, str]]:
    return sorted((t["source"], t["target"]) for t in body["ties"])


def layout(client: TestClient, alliance: int, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(f"{ALLIANCES}/{alliance}/layout", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# -- pages and files ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/alliances/1", "/alliances/12345"])
def test_pages_are_german_html_that_load_only_local_files(client: TestClient, path: str) -> None:
    response = client.get(path)  # no key: the page itself asks for one
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="de">' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "http://" not in response.text and "https://" not in response.text  # nothing from outside
    loaded = references(response.text)
    assert "/static/common.js" in loaded and "/static/netz.css" in loaded
    for file in loaded:
        assert client.get(file).status_code == 200, file


def test_the_sign_in_form_never_puts_the_key_in_an_address(client: TestClient) -> None:
    for path in ("/", "/alliances/1"):
        html = client.get(path).text
        form = re.search(r"<form[^>]*>", html[html.index('id="signin"'):])
        assert form is not None
        assert 'method="post"' in form.group(0)  # a form sent without the script does not GET ?key=
        assert re.search(r'<input id="key" name="key" type="password"', html)
    script = client.get("/static/common.js").text
    assert "sessionStorage" in script and "Authorization" in script
    assert not re.search(r"[?&]key=", script)


@pytest.mark.parametrize("file", sorted(p.name for p in STATIC.iterdir() if p.is_file()))
def test_static_files_are_served_with_their_type(client: TestClient, file: str) -> None:
    response = client.get(f"/static/{file}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(CONTENT_TYPES[(STATIC / file).suffix])
    assert response.content == (STATIC / file).read_bytes()


@pytest.mark.parametrize("path", ["/static/nothing.js", "/static/../pages.py", "/static/%2e%2e/pages.py",
                                  "/static/..%2fmain.py", "/static/", "/static/%2fetc%2fpasswd"])
def test_nothing_outside_the_static_folder(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "import" not in response.text


def test_pages_are_not_in_the_api_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert f"{ALLIANCES}/{{alliance_id}}/layout" in paths
    assert not {"/", "/alliances/{alliance_id}", "/static/{path}", "/ui/messages.js"} & set(paths)


def test_the_pages_get_netz_own_words_for_every_language(client: TestClient) -> None:
    response = client.get("/ui/messages.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    prefix = "window.NETZ_MESSAGES = "
    assert response.text.startswith(prefix)
    first, laender = response.text.splitlines()
    messages = json.loads(first.removeprefix(prefix).removesuffix(";"))
    assert json.loads(laender.removeprefix("window.NETZ_LAENDER = ").removesuffix(";")) == list(LAENDER)
    assert set(messages) == set(CATALOGUES)
    for lang, column in (("de", 0), ("en", 1)):
        words = messages[lang]
        assert all(words[f"text.kind_{kind}"] == kind_label(kind, lang) for kind in GAP_KINDS)
        assert all(words[f"text.indicator_{i}"] == say(f"indicator_{i}", lang) for i in INDICATORS)
        assert all(words[f"type.{t}"] == TYPE_LABELS[t][column] for t in ACTOR_TYPES)
    assert messages["de"]["text.kind_refugee_exclusion"] == "Geflüchtete zu wenig beteiligt"
    assert messages["en"]["page.signIn"] == "Sign in"


def test_every_language_has_every_german_message() -> None:
    """A key missing in a translation would show German in an English page: none may be missing."""
    german = set(catalogue("de"))
    for lang in CATALOGUES:
        own = json.loads((Path(netz.messages.__file__).parent / f"{lang}.json").read_text("utf-8"))
        if "-" not in lang:  # a variant such as de-simple may leave words to its base language
            assert german <= set(own), f"{lang} lacks {sorted(german - set(own))[:10]}"


def test_the_keys_section_takes_its_words_from_the_catalogue() -> None:
    """keys.js (the admin's keys on the start page) has no words of its own: every one is in the
    catalogue, in German and English, so that there is one source of wording."""
    script = (STATIC / "keys.js").read_text("utf-8")
    for lang in ("de", "en"):
        words = {key: text for key, text in catalogue(lang).items() if key.startswith("page.keys_")}
        assert len(words) >= 25
        # a word's text up to its first placeholder, quoted as a script would write it (English
        # one-word texts such as "revoked" are also the service's names, which the script compares)
        written = [text for text in words.values() if f'"{text.split("{")[0]}' in script
                   and (lang == "de" or " " in text)]
        assert not written, f"{lang}: words in keys.js instead of the catalogue: {written}"
    assert "Widerrufen" not in script and "Revoke" not in script


def test_the_pages_use_only_words_the_catalogue_has() -> None:
    """Every t("…") and data-i18n="…" of the pages names a message of the catalogue."""
    german = catalogue("de")
    used: set[str] = set()
    for path in STATIC.glob("*.js"):
        used |= set(re.findall(r"\bt\(\s*\"([\w.]+)\"", path.read_text("utf-8")))
    for path in STATIC.glob("*.html"):
        used |= set(re.findall(r'data-i18n(?:-label)?="([\w.]+)"', path.read_text("utf-8")))
    missing = {key for key in used if (key if "." in key else f"page.{key}") not in german}
    assert not missing


# -- /layout: the contract ---------------------------------------------------------------------


def test_layout_has_one_finite_position_per_actor_in_report_order(client: TestClient, keys: Any) -> None:
    headers = keys.headers("coordinator")
    body = layout(client, keys.own, headers)
    report = client.get(f"{ALLIANCES}/{keys.own}/report", headers=headers).json()
    assert [a["id"] for a in body["actors"]] == [a["id"] for a in report["actors"]]
    assert len(body["actors"]) == 25
    for actor in body["actors"]:
        assert math.isfinite(actor["x"]) and math.isfinite(actor["y"])
        assert 0 <= actor["x"] <= 1 and 0 <= actor["y"] <= 1
    assert math.isfinite(body["aspect"]) and 0.2 < body["aspect"] < 5
    assert body["view"] == "full" and body["seed"] == 0
    # every actor is visible: no two drawn on top of each other
    points = [(a["x"], a["y"]) for a in body["actors"]]
    closest = min(math.dist(p, q) for p, q in combinations(points, 2))
    assert closest > 0.02


def test_layout_ties_and_partners_match_the_report(client: TestClient, keys: Any) -> None:
    headers = keys.headers("admin")
    body = layout(client, keys.own, headers)
    report = client.get(f"{ALLIANCES}/{keys.own}/report", headers=headers).json()
    ids = {a["id"] for a in report["actors"]}
    assert len(body["ties"]) == report["network"]["n_ties"] == 34
    assert all(t["source"] in ids and t["target"] in ids and t["weight"] > 0 for t in body["ties"])
    assert len({frozenset((t["source"], t["target"])) for t in body["ties"]}) == 34
    degree = {a["id"]: a["degree"] for a in report["actors"]}
    assert {a["id"]: a["partners"] for a in body["actors"]} == degree
    isolated = {a["id"] for a in body["actors"] if a["partners"] == 0}
    assert isolated == {"mosch", "ref", "pol"}


def test_layout_is_reproducible_and_seeded(client: TestClient, keys: Any) -> None:
    headers = keys.headers("admin")
    first = layout(client, keys.own, headers)
    assert layout(client, keys.own, headers) == first
    assert layout(client, keys.own, headers, seed=0) == first
    other = layout(client, keys.own, headers, seed=7)
    assert other["seed"] == 7
    assert [a["id"] for a in other["actors"]] == [a["id"] for a in first["actors"]]
    assert [(a["x"], a["y"]) for a in other["actors"]] != [(a["x"], a["y"]) for a in first["actors"]]


def test_layout_of_300_actors(client: TestClient, keys: Any) -> None:
    """A large alliance (a district's network): every actor placed, quickly, within the drawing."""
    types = ["Initiative", "Kirche", "Caritas", "Stadt", "MSO", "Verein", "Schule", "Jobcenter"]
    actors = [{"id": f"a{i}", "name": f"Akteur {i}", "type": types[i % len(types)]} for i in range(300)]
    ties = [{"source": f"a{i}", "target": f"a{(i * 7 + 3) % 290}"} for i in range(290)
            if i != (i * 7 + 3) % 290]
    ties += [{"source": f"a{i}", "target": f"a{i + 1}"} for i in range(0, 280, 2)]
    ties = list({frozenset((t["source"], t["target"])): t for t in ties}.values())
    created = client.post(ALLIANCES, headers=keys.headers("admin"),
                          json={"name": "Großes Bündnis", "actors": actors, "ties": ties})
    assert created.status_code == 201, created.text
    body = layout(client, created.json()["id"], keys.headers("admin"))
    assert len(body["actors"]) == 300
    assert len(body["ties"]) == len(ties)
    assert all(math.isfinite(a["x"]) and 0 <= a["x"] <= 1 and 0 <= a["y"] <= 1 for a in body["actors"])
    assert sum(a["partners"] == 0 for a in body["actors"]) == 300 - len({x for t in ties for x in t.values()})


def test_layout_of_a_directed_alliance_has_one_line_per_pair(client: TestClient, keys: Any) -> None:
    alliance = {**SMALL_ALLIANCE, "directed": True,
                "ties": [*SMALL_ALLIANCE["ties"], {"source": "b", "target": "a"}]}
    created = client.post(ALLIANCES, headers=keys.headers("admin"), json=alliance)
    assert created.status_code == 201, created.text
    body = layout(client, created.json()["id"], keys.headers("admin"))
    assert pairs(body) == [("a", "b"), ("b", "c"), ("c", "d")]
    assert {a["id"]: a["partners"] for a in body["actors"]} == {"a": 1, "b": 2, "c": 2, "d": 1}


def test_layout_follows_the_wave(client: TestClient, keys: Any) -> None:
    alliance = {**SMALL_ALLIANCE, "ties": [{"source": "a", "target": "b", "wave": "2023"},
                                           {"source": "b", "target": "c", "wave": "2024"},
                                           {"source": "c", "target": "d"}]}
    created = client.post(ALLIANCES, headers=keys.headers("admin"), json=alliance)
    assert created.status_code == 201, created.text
    headers = keys.headers("admin")
    latest = layout(client, created.json()["id"], headers)
    assert latest["wave"] == "2024" and pairs(latest) == [("b", "c"), ("c", "d")]
    assert pairs(layout(client, created.json()["id"], headers, wave="2023")) == [("a", "b"), ("c", "d")]
    assert len(layout(client, created.json()["id"], headers, wave="all")["ties"]) == 3
    missing = client.get(f"{ALLIANCES}/{created.json()['id']}/layout", headers=headers,
                         params={"wave": "1999"})
    assert missing.status_code == 422


# -- /layout: who may see it -------------------------------------------------------------------


@pytest.mark.parametrize(("role", "alliance", "status"), [
    ("admin", "own", 200), ("admin", "other", 200),
    ("coordinator", "own", 200), ("coordinator", "other", 403),
    ("researcher", "own", 200), ("researcher", "other", 200),
    ("funder", "own", 403), ("funder", "other", 403),
])
def test_layout_access_by_role(client: TestClient, keys: Any, role: str, alliance: str, status: int) -> None:
    response = client.get(f"{ALLIANCES}/{getattr(keys, alliance)}/layout", headers=keys.headers(role))
    assert response.status_code == status, response.text
    if status != 200:
        assert response.headers["content-type"] == "application/problem+json"
        assert "actors" not in response.json()


def test_layout_needs_a_valid_key(client: TestClient, keys: Any) -> None:
    assert client.get(f"{ALLIANCES}/{keys.own}/layout").status_code == 401
    invalid = {"Authorization": "Bearer netz_000000000000_not-a-key-anyone-was-given"}
    assert client.get(f"{ALLIANCES}/{keys.own}/layout", headers=invalid).status_code == 401
    assert client.get(f"{ALLIANCES}/999999/layout", headers=keys.headers("admin")).status_code == 404


def test_researchers_get_the_pseudonyms_of_their_report(client: TestClient, keys: Any) -> None:
    headers = keys.headers("researcher")
    body = layout(client, keys.own, headers)
    report = client.get(f"{ALLIANCES}/{keys.own}/report", headers=headers).json()
    assert body["view"] == "pseudonymised"
    assert [a["id"] for a in body["actors"]] == [a["id"] for a in report["actors"]]
    assert all(PSEUDONYM.match(a["id"]) for a in body["actors"])
    assert all(PSEUDONYM.match(t["source"]) and PSEUDONYM.match(t["target"]) for t in body["ties"])
    # the same drawing as the coordinator's, under other names (listed by pseudonym, so in
    # another order): the same points, and the same lines between them
    full = layout(client, keys.own, keys.headers("coordinator"))
    points = [sorted((a["x"], a["y"]) for a in drawn["actors"]) for drawn in (body, full)]
    assert points[0] == points[1]

    def lines(drawn: dict[str, Any]) -> list[tuple[tuple[float, float], ...]]:
        at = {a["id"]: (a["x"], a["y"]) for a in drawn["actors"]}
        return sorted(tuple(sorted((at[t["source"]], at[t["target"]]))) for t in drawn["ties"])

    assert lines(body) == lines(full) and len(lines(full)) == 34


# -- colour contrast of the style sheet ----------------------------------------------------------
#
# WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05), L the relative luminance of sRGB
# (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio): text needs 4.5:1 (1.4.3), focus rings,
# input borders and lines of the map 3:1 (1.4.11). This checks the pairs the style sheet declares;
# tests/browser/test_accessibility.py measures the colours the browser actually renders.

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _css() -> tuple[dict[str, str], list[tuple[str, dict[str, str]]]]:
    """The custom properties of :root and every rule (selector, declarations) of netz.css."""
    text = _COMMENT.sub("", (STATIC / "netz.css").read_text(encoding="utf-8"))
    rules = []
    for selector, body in _RULE.findall(text):
        declarations = {}
        for declaration in body.split(";"):
            name, _, value = declaration.partition(":")
            if value.strip():
                declarations[name.strip()] = value.strip()
        rules.append((" ".join(selector.split()), declarations))
    variables = {name: value for selector, declarations in rules if selector == ":root"
                 for name, value in declarations.items() if name.startswith("--")}
    return variables, rules


def _colour(value: str, variables: dict[str, str]) -> str | None:
    """A declared colour as #rrggbb; None for what is not one plain colour (rgba, transparent…)."""
    value = value.split("!")[0].strip()
    while value.startswith("var("):
        value = variables.get(value[4:].split(")")[0].strip(), "")
    value = {"white": "#ffffff", "black": "#000000"}.get(value.split()[0] if value else "", value)
    token = value.split()[0] if value else ""
    if re.fullmatch(r"#[0-9a-fA-F]{3}", token):
        token = "#" + "".join(c * 2 for c in token[1:])
    return token.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", token) else None


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_contrast_pairs() -> list[tuple[str, str, str, float, float]]:
    """(where, foreground, background, ratio, ratio needed) for the pairs netz.css declares.

    Text: a rule with a colour and a background; a rule with a colour only, on the two page
    backgrounds (paper and wash; in the header: its blue). Marks: the focus rings, the borders
    of inputs and buttons, and the map's lines and outlines.
    """
    variables, rules = _css()
    var = {name: _colour(value, variables) for name, value in variables.items()}
    pairs = []
    for selector, declarations in rules:
        if "color" not in declarations:
            continue
        fg = _colour(declarations["color"], variables)
        bg = _colour(declarations.get("background", declarations.get("background-color", "")), variables)
        if fg is None:
            continue
        page = [var["--accent"]] if selector.startswith(".top") else [var["--paper"], var["--wash"]]
        grounds = [bg] if bg else page
        pairs += [(selector, fg, ground, contrast(fg, ground), 4.5) for ground in grounds if ground]
    marks = [
        ("focus ring on the page", var["--focus-ring"], var["--paper"]),
        ("focus ring on the page (wash)", var["--focus-ring"], var["--wash"]),
        ("focus ring on the header", var["--focus"], var["--accent"]),
        ("input border", "#7a8594", var["--paper"]),
        ("button border", var["--accent"], var["--paper"]),
        ("map line", "#7d8794", var["--paper"]),
        ("map circle outline", "#2b3440", var["--paper"]),
        ("chosen actor's ring", var["--concern-ink"], var["--paper"]),
    ]
    pairs += [(where, fg, bg, contrast(fg, bg), 3.0) for where, fg, bg in marks]
    return pairs


def test_the_style_sheet_declares_readable_colours() -> None:
    pairs = css_contrast_pairs()
    assert len(pairs) > 30
    low = [f"{ratio:.2f}:1 (needs {needed}) {fg} on {bg}: {where}"
           for where, fg, bg, ratio, needed in pairs if ratio < needed]
    assert not low, "\n".join(low)


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the well-known AA grey
    assert contrast("#f2b134", "#ffffff") < 3  # why a yellow focus ring is not used on white

"""The network report to hand out ("Netzwerkbericht"): one to three A4 pages as HTML, for print.

A coordinator hands it to the steering group or attaches it to a funder's report (the
"Sachbericht" of a Verwendungsnachweis). It says, in German or English: the alliance's key
figures, the network map (drawn here from :func:`netz.analysis.layout.map_layout`, the layout the pages
use), the health scorecard, the three most important steps with suggestions, the actors who hold
the network together and — for an alliance surveyed in waves — what changed since the previous
wave, with a small chart. :func:`handout` computes it from an alliance; :func:`netz.core.printed.pdf`
prints the HTML. All words come from the message catalogue (``handout.*``, ``text.*``, ``type.*``).

The HTML is self-contained (inline CSS and SVG, no scripts, no links to fetch) and every text
from the data is escaped, so that it prints the same anywhere and a name cannot inject markup.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Callable
from html import escape
from typing import Any

from netz.analysis.charts import TYPE_COLOURS, bar_chart, line_chart, map_labels, network_map, strip_chart
from netz.analysis.gaps import SEVERITIES, Thresholds
from netz.analysis.health import Bands
from netz.analysis.layout import map_layout
from netz.analysis.report import analyse, select_wave, serialise
from netz.analysis.survey import recorded_unknown
from netz.analysis.text import kind_label, network_figure
from netz.analysis.waves import diff_analyses
from netz.analysis.whatif import key_players
from netz.core.graph import to_igraph
from netz.core.model import Alliance
from netz.core.vocabulary import ACTOR_TYPES
from netz.messages import message, number, percent

__all__ = ["LABELLED_ON_MAP", "MAP_UP_TO", "handout", "top_steps"]

#: Above this many actors the handout has no map (as the pages: api/static/map.js MAX_ACTORS).
MAP_UP_TO = 3000
#: At most this many of the actors with the most partners are named on the map (where names fit).
LABELLED_ON_MAP = 25
#: Actors without partners named in the map's caption (the rest are counted).
_ALONE_NAMED = 8
#: The key figures at the top, and the figures compared between waves.
_KEY_FIGURES = ("n_actors", "n_ties", "mean_degree", "components", "largest_component_share", "density")
_WAVE_FIGURES = ("n_ties", "mean_degree", "components", "largest_component_share", "density", "transitivity")
_BAND_COLOURS = {"good": "#009E73", "watch": "#E69F00", "concern": "#D55E00"}
_BAND_MARKS = {"good": "●", "watch": "◐", "concern": "○"}


def handout(alliance: Alliance, *, lang: str = "de", group_by: str = "type", wave: str | None = None,
            thresholds: Thresholds | None = None, bands: Bands | None = None, seed: int = 0,
            today: dt.date | None = None, map_up_to: int = MAP_UP_TO,
            layout: Callable[[], dict[str, Any]] | None = None,
            players: Callable[[int], list[dict[str, Any]]] | None = None) -> str:
    """The report to hand out, as one HTML document (print it with :func:`netz.core.printed.pdf`).

    ``wave`` is the wave described (default: the latest); with an earlier wave before it, the
    report shows the change since that one. ``today`` is the date printed on it. An alliance of
    more than ``map_up_to`` actors gets no map and no key players (a sentence says why): a map
    of that many would not be readable on a page, and both take long to compute.

    ``layout()`` gives the map's layout (:func:`netz.analysis.layout.map_layout` of the wave
    described, with ``seed``, no blocks) and ``players(k)`` the wave's ``k`` key players
    (:func:`netz.analysis.whatif.key_players`) where they were computed before (the service
    takes both from its cache, as its map and what-if pages do); by default they are computed
    here. Neither is asked for above ``map_up_to`` actors.
    """
    analysis = analyse(alliance, group_by=group_by, wave=wave, thresholds=thresholds, bands=bands, seed=seed)
    result = serialise(analysis)
    small = analysis.graph.vcount() <= map_up_to
    found = (players(3) if players is not None else key_players(analysis.graph, 3)) if small else []
    # Only those whose leaving would cut someone off: in a robust network, nobody.
    named = [p for p in found if p["fragmentation_after"] > 0]
    drawn = None
    if small:
        drawn = layout() if layout is not None else map_layout(analysis.alliance, seed=seed)
    waves = result["alliance"]["waves"]
    chosen = result["alliance"]["wave"]
    change = None
    if chosen in waves and waves.index(chosen) > 0:
        previous = waves[waves.index(chosen) - 1]
        before = analyse(alliance, group_by=group_by, wave=previous, thresholds=thresholds, bands=bands,
                         seed=seed)
        # a pair two non-respondents of the wave's survey form is not known, not lost
        unknown = recorded_unknown(alliance.meta, chosen, directed=alliance.directed) or ()
        change = diff_analyses(alliance, before, analysis, unknown=unknown)
        change["series"] = _wave_series(alliance)
    return _document(result, drawn, named, change, lang, today or dt.date.today())


def top_steps(report: dict[str, Any], count: int = 3) -> list[dict[str, Any]]:
    """The ``count`` most important findings of a report: the gaps its ``top_steps`` answer
    (:func:`netz.analysis.gaps.top_steps`, each naming its ``finding`` by id) if it has them, else the
    most severe gaps (the report lists them most severe and most consequential first).

    >>> top_steps({"gaps": [{"kind": "a", "severity": "low"}, {"kind": "b", "severity": "high"}]}, 1)
    [{'kind': 'b', 'severity': 'high'}]
    """
    gaps = report.get("gaps") or []
    steps = report.get("top_steps")
    if isinstance(steps, list) and steps:
        by_id = {gap.get("id"): gap for gap in gaps if isinstance(gap, dict)}
        chosen = [by_id.get(step.get("finding") if isinstance(step, dict) else step) for step in steps]
        return [step for step in chosen if step][:count]
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    return sorted(gaps, key=lambda gap: order.get(gap.get("severity"), len(order)))[:count]


def _wave_series(alliance: Alliance) -> dict[str, list[Any]]:
    """Actors and ties in each wave (as each wave's report counts them), for the change chart."""
    series: dict[str, list[Any]] = {"waves": [], "n_actors": [], "n_ties": []}
    for wave in alliance.waves:
        g = to_igraph(select_wave(alliance, wave)[0])
        series["waves"].append(wave)
        series["n_actors"].append(g.vcount())
        series["n_ties"].append(g.ecount())
    return series


def _t(key: str, lang: str, **params: Any) -> str:
    """A message, escaped for HTML."""
    return escape(message(key, lang, **params))


def _document(report: dict[str, Any], drawn: dict[str, Any] | None, players: list[dict[str, Any]],
              change: dict[str, Any] | None, lang: str, today: dt.date) -> str:
    alliance, network = report["alliance"], report["network"]
    name = alliance.get("name") or message("text.unnamed", lang)
    title = f"{message('handout.title', lang)}: {name}"
    place = ", ".join(str(alliance[k]) for k in ("region", "land") if alliance.get(k))
    date = f"{today.day}.{today.month}.{today.year}" if lang == "de" else today.isoformat()
    facts = [escape(place)] if place else []
    if alliance.get("wave"):
        shown = message("handout.all_waves", lang) if alliance["wave"] == "all" else alliance["wave"]
        facts.append(f"{_t('text.wave', lang)} {escape(str(shown))}")
    facts.append(_t("handout.made", lang, date=date))
    parts = [
        f'<header><p class="kicker">{_t("handout.title", lang)}</p><h1>{escape(name)}</h1>'
        f'<p class="facts">{" · ".join(facts)}</p></header>',
        _key_figures(network, lang),
        _map_section(report, drawn, lang),
        _health_section(report["health"], lang),
        _steps_section(report, lang),
        _players_section(report, players, lang),
    ]
    if change is not None:
        parts.append(_change_section(change, lang))
    parts.append(_structure_section(report, lang))
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f'<title>{escape(title)}</title><meta name="generator" content="netz">'
            f'<style>{_css(lang)}</style></head><body>{"".join(parts)}</body></html>')


def _key_figures(network: dict[str, Any], lang: str) -> str:
    cells = "".join(
        f'<td><span class="number">{escape(network_figure(key, network.get(key), lang))}</span>'
        f'<span class="label">{_t("text." + key, lang)}</span></td>'
        for key in _KEY_FIGURES)
    return (f'<section class="figures"><h2>{_t("handout.figures", lang)}</h2>'
            f'<table class="figures"><tr>{cells}</tr></table></section>')


def _map_section(report: dict[str, Any], drawn: dict[str, Any] | None, lang: str) -> str:
    if not report["actors"] or drawn is None:
        note = (_t("text.components_none", lang) if not report["actors"] else
                _t("handout.map_too_large", lang, n=len(report["actors"])))
        return f'<section class="map"><h2>{_t("handout.map", lang)}</h2><p>{note}</p></section>'
    actors = {str(a["id"]): (str(a.get("name") or a["id"]), str(a.get("type") or "other"))
              for a in report["actors"]}
    ranked = sorted((a for a in report["actors"] if a.get("degree")),
                    key=lambda a: (-a["degree"], -(a.get("betweenness") or 0), str(a["id"])))
    alone_ids = [str(a["id"]) for a in report["actors"] if not a.get("degree")]
    # Those without partners are named too where there is room: they are what the map is for.
    labels = map_labels(drawn, actors, [str(a["id"]) for a in ranked[:LABELLED_ON_MAP]]
                        + alone_ids[:_ALONE_NAMED])
    network = report["network"]
    description = message("handout.map_alt", lang, actors=network["n_actors"], ties=network["n_ties"],
                          labelled=len(labels))
    alone = sorted(actors[actor][0] for actor in alone_ids)
    if alone:
        listed = ", ".join(alone[:_ALONE_NAMED])
        if len(alone) > _ALONE_NAMED:
            listed += " " + message("page.andMore", lang, n=len(alone) - _ALONE_NAMED)
        description += " " + message("handout.map_alone", lang, n=len(alone), names=listed)
    present = [t for t in ACTOR_TYPES if network["actors_by_type"].get(t)]
    legend = "".join(
        f'<li><span class="swatch" style="background:{TYPE_COLOURS[t]}"></span>{_t("type." + t, lang)} '
        f'({network["actors_by_type"][t]})</li>' for t in present)
    svg = network_map(drawn, actors, labels=labels, title=message("handout.map", lang),
                      description=description)
    return (f'<section class="map"><h2>{_t("handout.map", lang)}</h2><figure>{svg}'
            f'<figcaption>{escape(description)}</figcaption></figure>'
            f'<ul class="legend">{legend}</ul></section>')


def _health_section(indicators: list[dict[str, Any]], lang: str) -> str:
    rows = "".join(
        f'<tr><th scope="row">{_t("text.indicator_" + item["indicator"], lang)}</th>'
        f'<td class="band"><span style="color:{_BAND_COLOURS[item["band"]]}">'
        f'{_BAND_MARKS[item["band"]]}</span> '
        f'{_t("text.band_" + item["band"], lang)}</td>'
        f'<td>{escape(_worded(item, "explanation", lang))}</td></tr>'
        for item in indicators)
    return (f'<section class="health"><h2>{_t("text.health", lang)}</h2><table class="scorecard">'
            f'<thead><tr><th scope="col">{_t("handout.indicator", lang)}</th>'
            f'<th scope="col">{_t("handout.band", lang)}</th>'
            f'<th scope="col">{_t("handout.meaning", lang)}</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></section>')


def _worded(item: dict[str, Any], field: str, lang: str) -> str:
    """A finding's text in ``lang`` (``{"de": …, "en": …}`` as gaps and health give it, or one text)."""
    value = item.get(field)
    if isinstance(value, dict):
        value = value.get(lang) or next(iter(value.values()), "")
    return value if isinstance(value, str) else ""


def _steps_section(report: dict[str, Any], lang: str) -> str:
    steps = top_steps(report)
    heading = f'<h2>{_t("handout.steps", lang)}</h2>'
    if not steps:
        return f'<section class="steps">{heading}<p>{_t("text.no_gaps", lang)}</p></section>'
    items = "".join(
        f'<li><p class="step-title"><span class="severity severity-{escape(str(step["severity"]))}">'
        f'{escape(message("text.severity_" + str(step["severity"]), lang).capitalize())}</span> '
        f'{escape(kind_label(str(step["kind"]), lang))}</p>'
        f'<p>{escape(_worded(step, "explanation", lang))}</p>'
        f'<p class="suggestion"><strong>{_t("text.suggestion", lang)}:</strong> '
        f'{escape(_worded(step, "suggestion", lang))}</p></li>'
        for step in steps)
    more = len(report.get("gaps") or []) - len(steps)
    rest = f'<p class="more">{_t("handout.more_gaps", lang, n=more)}</p>' if more > 0 else ""
    return f'<section class="steps">{heading}<ol>{items}</ol>{rest}</section>'


def _players_section(report: dict[str, Any], players: list[dict[str, Any]], lang: str) -> str:
    connecting = sorted((a for a in report["actors"] if (a.get("betweenness") or 0) > 0),
                        key=lambda a: (-a["betweenness"], str(a["id"])))[:5]
    if not connecting and not players:
        return ""
    rows = "".join(
        f'<tr><td>{escape(str(a.get("name") or a["id"]))}</td>'
        f'<td>{_t("type." + str(a.get("type") or "other"), lang)}</td>'
        f'<td class="num">{a.get("degree") or 0}</td></tr>' for a in connecting)
    table = (f'<h3>{_t("text.key_actors", lang)}</h3><table class="players"><thead><tr>'
             f'<th scope="col">{_t("handout.name", lang)}</th><th scope="col">{_t("handout.type", lang)}</th>'
             f'<th scope="col" class="num">{_t("handout.partners", lang)}</th></tr></thead>'
             f'<tbody>{rows}</tbody></table>') if connecting else ""
    lines = "".join(
        f'<li><strong>{escape(str(p.get("name") or p["id"]))}</strong> — '
        + _t("text.key_player_line", lang, share=percent(p["fragmentation_after"], lang, 1),
             above=message("text.key_player_above", lang) if p["rank"] > 1 else "")
        + "</li>" for p in players)
    listed = f'<h3>{_t("text.key_players", lang)}</h3><ol class="key-players">{lines}</ol>' if players else ""
    return f'<section class="players"><h2>{_t("handout.players", lang)}</h2>{table}{listed}</section>'


def _label(lang: str) -> Callable[[float], str]:
    """How a chart of the handout writes its numbers: as the language does, with as many of two
    decimals as needed (a median of "2,5" partners, an axis at "7,5", a count as it is)."""
    return lambda value: number(value, lang, 2, fixed=False)


def _change_section(change: dict[str, Any], lang: str) -> str:
    before, after = str(change["from"]), str(change["to"])
    counts = _t("handout.change_counts", lang, joined=len(change["actors_joined"]),
                left=len(change["actors_left"]), gained=len(change["ties_gained"]),
                lost=len(change["ties_lost"]), new=len(change["gaps_new"]),
                resolved=len(change["gaps_resolved"]))
    rows = "".join(
        f'<tr><th scope="row">{_t("text." + key, lang)}</th>'
        f'<td class="num">{escape(network_figure(key, change["network"][key]["from"], lang))}</td>'
        f'<td class="num">{escape(network_figure(key, change["network"][key]["to"], lang))}</td></tr>'
        for key in _WAVE_FIGURES if key in change["network"])
    table = (f'<table class="change"><thead><tr><th scope="col">{_t("handout.figure", lang)}</th>'
             f'<th scope="col" class="num">{escape(before)}</th>'
             f'<th scope="col" class="num">{escape(after)}</th>'
             f'</tr></thead><tbody>{rows}</tbody></table>')
    series = change["series"]
    named = [(message("text.n_actors", lang), series["n_actors"]),
             (message("text.n_ties", lang), series["n_ties"])]
    description = " ".join(
        message("handout.series_alt", lang, name=label, values=", ".join(
            f"{wave}: {_label(lang)(value)}" for wave, value in zip(series["waves"], values, strict=True)))
        for label, values in named)
    chart = line_chart(series["waves"], named, title=message("handout.change_chart", lang),
                       description=description, label=_label(lang), ident="waves")
    return (f'<section class="change"><h2>{_t("handout.change", lang, before=before, after=after)}</h2>'
            f'<p>{counts}</p><div class="side-by-side"><div>{table}</div>'
            f'<figure>{chart}<figcaption>{escape(description)}</figcaption></figure></div></section>')


def _structure_section(report: dict[str, Any], lang: str) -> str:
    """Who is in the alliance (actors by type) and how many partners they have (a strip)."""
    by_type = report["network"]["actors_by_type"]
    rows = [(message(f"type.{t}", lang), float(by_type[t]), TYPE_COLOURS[t]) for t in ACTOR_TYPES
            if by_type.get(t)]
    if not rows:
        return ""
    label = _label(lang)
    types_alt = "; ".join(f"{name}: {label(value)}" for name, value, _ in rows)
    bars = bar_chart(rows, title=message("text.by_type", lang), description=types_alt, label=label,
                     ident="types")
    partners = [float(a.get("degree") or 0) for a in report["actors"]]
    median = statistics.median(partners)
    written = label(median)
    strip_alt = message("handout.partners_alt", lang, n=len(partners), median=written,
                        most=label(max(partners)), alone=sum(1 for p in partners if p == 0))
    strip = strip_chart(partners, title=message("handout.partners_chart", lang), description=strip_alt,
                        axis=message("handout.partners_axis", lang), label=label, marker=median,
                        marker_label=message("handout.median", lang, median=written), ident="partners")
    return (f'<section class="structure"><h2>{_t("handout.structure", lang)}</h2>'
            f'<figure><h3>{_t("text.by_type", lang)}</h3>{bars}'
            f'<figcaption>{escape(types_alt)}</figcaption></figure>'
            f'<figure><h3>{_t("handout.partners_chart", lang)}</h3>{strip}'
            f'<figcaption>{escape(strip_alt)}</figcaption></figure></section>')


def _css(lang: str) -> str:
    """The print style: A4, page numbers in the footer ("Seite 1 von 2"), the alliance's name."""
    counter = _css_content(message("handout.page", lang),
                           {"page": "counter(page)", "pages": "counter(pages)"})
    return """
@page { size: A4; margin: 15mm 15mm 17mm 15mm;
  @bottom-left { content: string(alliance); font-size: 7.5pt; color: #555; }
  @bottom-right { content: COUNTER; font-size: 7.5pt; color: #555; } }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9pt; line-height: 1.35;
  color: #1a1a1a; }
body { margin: 0; }
h1 { font-size: 17pt; margin: 0 0 1mm; string-set: alliance content(); line-height: 1.2; }
h2 { font-size: 11.5pt; color: #0b4f7c; border-bottom: 0.6pt solid #0b4f7c; margin: 5mm 0 2mm;
  padding-bottom: 0.6mm; break-after: avoid; }
h3 { font-size: 9.5pt; margin: 2.5mm 0 1mm; break-after: avoid; }
p { margin: 0 0 1.5mm; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 8pt; color: #0b4f7c; margin: 0; }
.facts { color: #444; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 1.1mm 1.6mm; }
thead th { border-bottom: 0.8pt solid #1a1a1a; font-size: 8.5pt; }
tbody tr { border-bottom: 0.4pt solid #c8c8c8; break-inside: avoid; }
.num { text-align: right; white-space: nowrap; }
table.figures td { width: 16.6%; border: 0.6pt solid #c8c8c8; padding: 2mm; background: #f4f7fa; }
table.figures .number { display: block; font-size: 14pt; font-weight: bold; color: #0b4f7c; }
table.figures .label { display: block; font-size: 7.8pt; color: #333; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-size: 7.8pt; color: #444; margin-top: 1mm; }
section.map figure { text-align: center; }
section.map figcaption { text-align: left; }
ul.legend { list-style: none; padding: 0; margin: 1.5mm 0 0; font-size: 8pt; }
ul.legend li { display: inline-block; margin: 0 4mm 1mm 0; }
.swatch { display: inline-block; width: 3mm; height: 3mm; border: 0.5pt solid #1a1a1a; margin-right: 1.2mm;
  vertical-align: -0.4mm; }
table.scorecard th[scope=row] { width: 30%; font-weight: bold; }
table.scorecard td.band { width: 16%; white-space: nowrap; }
section.steps ol { margin: 0; padding-left: 5mm; }
section.steps li { margin-bottom: 2.2mm; break-inside: avoid; }
.step-title { font-weight: bold; margin-bottom: 0.8mm; }
.severity { font-size: 7.5pt; padding: 0.3mm 1.4mm; border-radius: 1mm; color: #fff; margin-right: 1mm; }
.severity-high { background: #a63c00; }
.severity-medium { background: #6b5200; }
.severity-low { background: #4a5560; }
.suggestion { padding-left: 3mm; border-left: 1.2pt solid #009E73; }
.more { color: #444; font-style: italic; }
table.players td:first-child { width: 60%; }
table.players, table.change { break-inside: avoid; }
ol.key-players { margin: 0; padding-left: 5mm; }
section.change .side-by-side { display: flex; gap: 6mm; align-items: flex-start; }
section.change .side-by-side > div { flex: 1 1 50%; }
section.change, section.structure { break-inside: avoid; }
section.structure figure { display: inline-block; vertical-align: top; width: 49%; }
""".replace("COUNTER", counter)


def _css_content(text: str, placeholders: dict[str, str]) -> str:
    """A message with ``{placeholders}`` as a CSS ``content`` value (literal parts quoted).

    >>> _css_content("Seite {page} von {pages}", {"page": "counter(page)", "pages": "counter(pages)"})
    '"Seite " counter(page) " von " counter(pages)'
    """
    out = []
    for part in re.split(r"(\{\w+\})", text):
        if part.startswith("{") and part[1:-1] in placeholders:
            out.append(placeholders[part[1:-1]])
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)

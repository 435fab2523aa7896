"""Charts of the programme overview as SVG text, each with a text alternative and a table.

Two kinds, drawn on the server so that the pages, the PDF report and a screen reader get the same
thing: the distribution of a headline figure within a size class with one alliance marked
(:func:`distribution_chart`), and a figure over the waves — the programme's median and quartiles,
and the alliance's own line (:func:`trend_chart`). Colours are from the Okabe–Ito palette (legible
for colour-blind readers), the marked alliance also differs in shape and carries a label, and
every chart is readable in black and white. Charts use SVG presentation attributes only (no
``style``), so the pages' content security policy lets them in.

Small-group suppression: a distribution of fewer than ``min_group`` alliances is not drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from netz.cohort.programme import MIN_ALLIANCES, class_percentiles, programme_trends
from netz.messages import message, number

__all__ = ["OKABE_ITO", "distribution_chart", "trend_chart"]

#: Okabe & Ito (2008), "Color Universal Design": the colours used.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
_W, _H, _PAD = 640, 170, 48


def _number(value: float | None, lang: str, digits: int = 2) -> str:
    return number(value, lang, digits)


def _position(pct: float | None, n: int, size: str, lang: str) -> str:
    """Where a percentile rank puts an alliance among the ``n`` of its size class, in words:
    "more than about 7 in 10 comparable alliances", or one of the highest or lowest values ("" without
    a rank)."""
    if pct is None:
        return ""
    tenths = round(pct / 10)
    if tenths <= 0:
        return message("programme.position_lowest", lang, n=n, size=size)
    if tenths >= 10:
        return message("programme.position_highest", lang, n=n, size=size)
    return message("programme.position_between", lang, k=tenths, n=n, size=size)


def distribution_chart(
    summaries: Mapping[Any, Mapping[str, Any]],
    marked: Any,
    figure: str,
    *,
    lang: str = "de",
    min_group: int = MIN_ALLIANCES,
) -> dict[str, Any]:
    """The figure's values of the marked alliance's size class as dots, the alliance highlighted.

    Returns ``{"id", "title", "svg", "text", "explanation", "table", "suppressed"}``: ``text`` names
    the alliance's value, says in words where its percentile within the size class puts it
    ("more than about 7 in 10 comparable alliances") and how it compares with random networks of
    the same size, each with the exact figure (percentile rank, z-score) in brackets; ``table`` the
    class's spread (n, minimum, quartiles, maximum) and the alliance's value — no other alliance is
    named.
    """
    summary = summaries[marked]
    cls = summary["size_class"]
    values = np.array(
        [
            float(s["figures"][figure])
            for s in summaries.values()
            if s["size_class"] == cls and s["figures"].get(figure) is not None
        ]
    )
    value = summary["figures"].get(figure)
    pct = class_percentiles(summaries, figure, min_group=min_group)[marked]
    z = summary["figures"].get(f"{figure}_z")
    label = message(f"programme.figure_{figure}", lang)
    size_label = message(f"programme.size_{cls}", lang)
    title = message("programme.chart_distribution_title", lang, figure=label, size=size_label)
    chart: dict[str, Any] = {
        "id": f"distribution-{figure}",
        "title": title,
        "explanation": message(f"programme.explain_{figure}", lang),
        "suppressed": len(values) < min_group,
    }
    if chart["suppressed"]:
        chart["svg"] = ""
        chart["text"] = message("programme.suppressed", lang, n=len(values), min=min_group)
        chart["table"] = {"columns": [], "rows": []}
        return chart
    chart["text"] = message(
        "programme.chart_distribution_text",
        lang,
        name=summary["name"],
        figure=label,
        value=_number(value, lang),
        pct=_number(pct, lang, 0),
        position=_position(pct, len(values), size_label, lang),
    )
    if z is not None:
        # in words; the z-score itself in brackets, for those who want it
        side = "more" if z > 2 else "less" if z < -2 else "same"
        chart["text"] += " " + message(f"programme.chart_random_{side}", lang, z=_number(z, lang, 1))
    low, high = float(values.min()), float(values.max())
    span = (high - low) or 1.0

    def x(v: float) -> float:
        return _PAD + (v - low) / span * (_W - 2 * _PAD)

    q25, median, q75 = (float(np.quantile(values, q)) for q in (0.25, 0.5, 0.75))
    parts = [
        f'<rect x="{x(q25):.1f}" y="50" width="{max(x(q75) - x(q25), 1):.1f}" height="50" '
        f'fill="{OKABE_ITO["sky"]}" fill-opacity="0.25" stroke="{OKABE_ITO["blue"]}"/>',
        f'<line x1="{x(median):.1f}" x2="{x(median):.1f}" y1="50" y2="100" stroke="{OKABE_ITO["blue"]}" '
        'stroke-width="3"/>',
    ]
    for i, v in enumerate(sorted(values)):
        parts.append(
            f'<circle cx="{x(v):.1f}" cy="{75 + (i % 3 - 1) * 10}" r="4" fill="{OKABE_ITO["sky"]}" '
            'stroke="#1a1a1a" stroke-width="0.5"/>'
        )
    if value is not None:
        mx = x(float(value))
        parts.append(
            f'<path d="M{mx:.1f} 62 l9 13 l-9 13 l-9 -13 z" fill="{OKABE_ITO["vermillion"]}" '
            'stroke="#000" stroke-width="1"/>'
        )
        parts.append(_label_above(mx, f"{summary['name']}: {_number(value, lang)}"))
    parts.append(f'<line x1="{_PAD}" x2="{_W - _PAD}" y1="115" y2="115" stroke="#555"/>')
    for v in (low, median, high):
        parts.append(
            f'<text x="{x(v):.1f}" y="135" text-anchor="middle" font-size="16" fill="#333">'
            f"{_number(v, lang)}</text>"
        )
    chart["svg"] = _svg(chart["id"], title, chart["text"], parts)
    columns = [
        message(f"programme.table_{c}", lang)
        for c in ("n", "min", "q25", "median", "q75", "max", "alliance", "pct", "z")
    ]
    chart["table"] = {
        "columns": columns,
        "rows": [
            [
                len(values),
                *(_number(v, lang) for v in (low, q25, median, q75, high)),
                _number(value, lang),
                _number(pct, lang, 0),
                _number(z, lang, 1),
            ]
        ],
    }
    return chart


def trend_chart(
    summaries: Mapping[Any, Mapping[str, Any]],
    figure: str,
    *,
    marked: Any = None,
    lang: str = "de",
    min_group: int = MIN_ALLIANCES,
) -> dict[str, Any]:
    """The programme's median and quartiles of a figure per wave, and the marked alliance's line."""
    cohort = [
        row for row in programme_trends(summaries.values(), min_group=min_group) if row["figure"] == figure
    ]
    own = (
        {e["wave"]: e.get(figure) for e in summaries[marked]["history"] if e["wave"]}
        if marked is not None
        else {}
    )
    waves = [row["wave"] for row in cohort]
    label = message(f"programme.figure_{figure}", lang)
    title = message("programme.chart_trend_title", lang, figure=label)
    shown = [row for row in cohort if row["median"] is not None]
    if shown:
        text = message(
            "programme.chart_trend_text",
            lang,
            figure=label,
            first=shown[0]["wave"],
            last=shown[-1]["wave"],
            start=_number(shown[0]["median"], lang),
            end=_number(shown[-1]["median"], lang),
        )
    else:
        text = message(
            "programme.suppressed", lang, n=max((r["n"] for r in cohort), default=0), min=min_group
        )
    if marked is not None and own:
        path = ", ".join(f"{w}: {_number(v, lang)}" for w, v in own.items())
        text += " " + message("programme.chart_trend_own", lang, name=summaries[marked]["name"], values=path)
    elif marked is not None:
        text += " " + message("programme.chart_trend_own_none", lang, name=summaries[marked]["name"])
    numbers = [v for row in shown for v in (row["q25"], row["q75"])] + [
        v for v in own.values() if v is not None
    ]
    parts: list[str] = []
    if numbers and waves:
        low, high = min(numbers), max(numbers)
        span = (high - low) or 1.0
        step = (_W - 2 * _PAD) / max(len(waves) - 1, 1)

        def xy(i: int, v: float) -> str:
            return f"{_PAD + i * step:.1f},{_H - 40 - (v - low) / span * (_H - 70):.1f}"

        index = {w: i for i, w in enumerate(waves)}
        if shown:
            band = [xy(index[r["wave"]], r["q75"]) for r in shown] + [
                xy(index[r["wave"]], r["q25"]) for r in reversed(shown)
            ]
            parts.append(f'<polygon points="{" ".join(band)}" fill="{OKABE_ITO["sky"]}" fill-opacity="0.3"/>')
            parts.append(
                f'<polyline points="{" ".join(xy(index[r["wave"]], r["median"]) for r in shown)}" '
                f'fill="none" stroke="{OKABE_ITO["blue"]}" stroke-width="3"/>'
            )
        mine = [(index[w], v) for w, v in own.items() if v is not None and w in index]
        if mine:
            parts.append(
                f'<polyline points="{" ".join(xy(i, v) for i, v in mine)}" fill="none" '
                f'stroke="{OKABE_ITO["vermillion"]}" stroke-width="2.5" stroke-dasharray="7 4"/>'
            )
            for i, v in mine:
                px, py = xy(i, v).split(",")
                parts.append(
                    f'<rect x="{float(px) - 5:.1f}" y="{float(py) - 5:.1f}" width="10" height="10" '
                    f'fill="{OKABE_ITO["vermillion"]}"/>'
                )
        for w, i in index.items():
            parts.append(
                f'<text x="{_PAD + i * step:.1f}" y="{_H - 12}" text-anchor="middle" font-size="16" '
                f'fill="#333">{escape(str(w))}</text>'
            )
        for v in (low, high):
            parts.append(
                f'<text x="4" y="{xy(0, v).split(",")[1]}" font-size="15" fill="#333">'
                f"{_number(v, lang)}</text>"
            )
    columns = [message(f"programme.table_{c}", lang) for c in ("wave", "n", "q25", "median", "q75")]
    if marked is not None:
        columns.append(summaries[marked]["name"])
    rows: list[Sequence[Any]] = []
    for row in cohort:
        cells = [row["wave"], row["n"], *(_number(row[k], lang) for k in ("q25", "median", "q75"))]
        if marked is not None:
            cells.append(_number(own.get(row["wave"]), lang))
        rows.append(cells)
    return {
        "id": f"trend-{figure}",
        "title": title,
        "explanation": message(f"programme.explain_{figure}", lang),
        "suppressed": not shown,
        "svg": _svg(f"trend-{figure}", title, text, parts) if parts else "",
        "text": text,
        "table": {"columns": columns, "rows": rows},
    }


def _label_above(x: float, text: str, font_size: int = 17) -> str:
    """The alliance's name and value above its mark at ``x``: centred on the mark where it fits,
    moved inwards where it would leave the chart, squeezed to the chart's width where it is
    longer than that (alliance names are long: "Bündnis für Geflüchtete … (synthetisch)").

    The width is estimated (0.6 em per character, more than DejaVu Sans' mean), since the text
    is measured only by the browser that draws it.
    """
    width = 0.6 * font_size * len(text)
    room = _W - 8
    fit = f' textLength="{room}" lengthAdjust="spacingAndGlyphs"' if width > room else ""
    centre = _W / 2 if fit else min(max(x, 4 + width / 2), _W - 4 - width / 2)
    return (f'<text x="{centre:.1f}" y="40" text-anchor="middle" font-size="{font_size}" fill="#000"{fit}>'
            f"{escape(text)}</text>")


def _svg(name: str, title: str, text: str, parts: list[str]) -> str:
    """An accessible SVG: role img, its title and description from the chart's title and text."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="100%" '
        f'role="img" aria-labelledby="{name}-t {name}-d"><title id="{name}-t">{escape(title)}</title>'
        f'<desc id="{name}-d">{escape(text)}</desc><rect width="{_W}" height="{_H}" fill="#fff"/>'
        + "".join(parts)
        + "</svg>"
    )

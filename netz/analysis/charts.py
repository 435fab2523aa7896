"""Small charts and the network map as SVG, drawn on the server (for the printed report).

Each function returns one ``<svg>`` element as text, ready to be placed into HTML: a bar chart,
a line chart, a distribution strip and the network map. Every chart carries its text alternative
as ``<title>`` and ``<desc>`` (``role="img"``), and the handout also prints it under the chart, so
that nothing is said by the picture alone. Colours are Okabe–Ito's, told apart by colour-blind
readers too, and a second series of a line chart differs in its dashes and markers as well.

Sizes are in the SVG's own units; the ``width`` and ``height`` attributes say how large it is
printed (millimetres), so the charts keep their proportions on the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

__all__ = ["OKABE_ITO", "TYPE_COLOURS", "bar_chart", "line_chart", "map_labels", "network_map",
           "strip_chart"]

#: Okabe & Ito (2008), "Color Universal Design": eight colours told apart with any colour vision.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
}
#: Actor types' colours, the same as the pages' map (api/static/map.js).
TYPE_COLOURS = {
    "initiative": "#E69F00", "church": "#56B4E9", "welfare": "#009E73", "municipality": "#0072B2",
    "refugee": "#D55E00", "association": "#CC79A7", "education": "#F0E442", "employment": "#8C6D3F",
    "public": "#7F7F7F", "other": "#C7C7C7",
}
_FONT = "font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\""
_INK = "#1a1a1a"
_GRID = "#d0d0d0"
_MM = 0.2  # millimetres per SVG unit of the charts (a 500-unit chart prints 100 mm wide)


def _svg(width: float, height: float, title: str, description: str, body: list[str], *,
         mm: float = _MM, ident: str = "chart") -> str:
    """The ``<svg>`` element around ``body``, with its title and description (the text alternative)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width * mm:.1f}mm" height="{height * mm:.1f}mm" '
        f'{_FONT}>'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(description)}</desc>'
        + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, size: float = 12, anchor: str = "start",
          weight: str = "normal", fill: str = _INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>')


def bar_chart(rows: Sequence[tuple[str, float, str]], *, title: str, description: str,
              label: Callable[[float], str] = lambda v: f"{v:g}", width: float = 430,
              ident: str = "bars") -> str:
    """Horizontal bars: one ``(label, value, colour)`` per row, the value written at the bar's end.

    >>> svg = bar_chart([("Kirche", 3, "#56B4E9")], title="Akteure", description="3 Kirchen")
    >>> svg.count("<rect"), "Akteure" in svg
    (1, True)
    """
    row_height, value_width = 22.0, 30.0
    # Room for the longest name (about 0.6 em a character), at most half the chart; longer: "…".
    fits = int(width * 0.5 / (0.6 * 12))
    rows = [(name if len(name) <= fits else name[:fits - 1].rstrip() + "…", value, colour)
            for name, value, colour in rows]
    label_width = min(max((len(name) for name, _, _ in rows), default=0) * 0.6 * 12 + 10, width * 0.5 + 10)
    top = 4.0
    height = top + row_height * len(rows) + 4
    largest = max((value for _, value, _ in rows), default=0) or 1
    room = width - label_width - value_width
    body = []
    for i, (name, value, colour) in enumerate(rows):
        y = top + i * row_height
        length = room * value / largest
        body.append(_text(label_width - 6, y + 14, name, anchor="end"))
        body.append(f'<rect x="{label_width}" y="{y + 3:.1f}" width="{length:.1f}" height="{row_height - 6}" '
                    f'fill="{colour}" stroke="{_INK}" stroke-width="0.5"/>')
        body.append(_text(label_width + length + 5, y + 14, label(value)))
    return _svg(width, height, title, description, body, ident=ident)


def line_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
               title: str, description: str, label: Callable[[float], str] = lambda v: f"{v:g}",
               width: float = 420, height: float = 180, ident: str = "lines") -> str:
    """Values over ``categories`` (waves, say), one line per ``(name, values)``; ``None`` is a gap.

    The series take Okabe–Ito's blue, vermillion and green in turn, with solid, dashed and dotted
    lines and circle, square and diamond markers, so that they differ without colour too.

    >>> svg = line_chart(["2022", "2023"], [("Kooperationen", [10, 14])], title="t", description="d")
    >>> svg.count("<circle"), ">14<" in svg  # two points and the legend's marker
    (3, True)
    """
    styles = [(OKABE_ITO["blue"], "", "circle"), (OKABE_ITO["vermillion"], "6 4", "square"),
              (OKABE_ITO["bluish_green"], "2 3", "diamond")]
    left, right, top, legend = 44.0, 20.0, 18.0, 20.0 * len(series)
    bottom = height - 26 - legend
    values = [v for _, vs in series for v in vs if v is not None]
    high = _nice_top(max(values, default=1) * 1.08)  # room above the highest point for its value
    step = (width - left - right) / max(len(categories) - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if len(categories) > 1 else (width - left - right) / 2)

    def y(v: float) -> float:
        return bottom - (bottom - top) * v / high

    body = []
    for fraction in (0, 0.5, 1):
        level = high * fraction
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
                    f'stroke="{_GRID}" stroke-width="0.8"/>')
        body.append(_text(left - 5, y(level) + 4, label(level), size=12, anchor="end"))
    for i, category in enumerate(categories):
        body.append(_text(x(i), bottom + 16, category, size=12, anchor="middle"))
    for number, (name, vs) in enumerate(series):
        colour, dashes, marker = styles[number % len(styles)]
        points = [(i, x(i), y(v), v) for i, v in enumerate(vs) if v is not None]
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for _, px, py, _ in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.2"{dash}/>')
        for i, px, py, v in points:
            body.append(_marker(marker, px, py, colour))
            # the highest series at this point is labelled above its marker, the others below
            here = [other[i] for _, other in series if i < len(other)]
            above = v >= max(value for value in here if value is not None) or py + 16 > bottom - 4
            body.append(_text(px, py - 8 if above else py + 16, label(v), size=12, anchor="middle"))
        ly = bottom + 30 + 20 * number
        body.append(f'<line x1="{left}" x2="{left + 26}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
                    f'stroke-width="2.2"{dash}/>')
        body.append(_marker(marker, left + 13, ly - 4, colour))
        body.append(_text(left + 34, ly, name, size=12))
    return _svg(width, height, title, description, body, ident=ident)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
                f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _nice_top(value: float) -> float:
    """A round upper end for an axis: 1, 2, 2.5 or 5 times a power of ten, at least ``value``.

    >>> _nice_top(37), _nice_top(0.42), _nice_top(0)
    (50.0, 0.5, 1.0)
    """
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= value))


def strip_chart(values: Sequence[float], *, title: str, description: str, axis: str,
                label: Callable[[float], str] = lambda v: f"{v:g}", marker: float | None = None,
                marker_label: str = "", width: float = 430, ident: str = "strip") -> str:
    """A distribution strip: one dot per value along an axis, stacked where values repeat.

    ``marker`` draws a vertical line (the median, say) labelled ``marker_label``. Dots of equal
    value are stacked upwards (up to a cap, then drawn over each other), so that a strip of many
    actors still shows where most of them are.

    >>> svg = strip_chart([1, 2, 2, 5], title="t", description="d", axis="Partner", marker=2)
    >>> svg.count("<circle")
    4
    """
    left, right, base, cap = 20.0, 20.0, 92.0, 14
    height = 130.0
    high = _nice_top(max(values, default=1))
    span = width - left - right

    def x(v: float) -> float:
        return left + span * v / high

    body = [f'<line x1="{left}" x2="{width - right}" y1="{base + 6}" y2="{base + 6}" stroke="{_INK}" '
            'stroke-width="0.8"/>']
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        level = high * fraction
        body.append(f'<line x1="{x(level):.1f}" x2="{x(level):.1f}" y1="{base + 6}" y2="{base + 10}" '
                    f'stroke="{_INK}" stroke-width="0.8"/>')
        body.append(_text(x(level), base + 22, label(level), size=12, anchor="middle"))
    body.append(_text(width / 2, base + 36, axis, size=12, anchor="middle"))
    radius = 3.2 if len(values) <= 300 else 2.2
    stacked: dict[float, int] = {}
    for value in sorted(values):
        column = round(x(value) / (radius * 2))  # values that would overlap share a column
        level = min(stacked.get(column, 0), cap)
        stacked[column] = level + 1
        body.append(f'<circle cx="{x(value):.1f}" cy="{base - level * radius * 2 * 0.95:.1f}" r="{radius}" '
                    f'fill="{OKABE_ITO["blue"]}" fill-opacity="0.75"/>')
    if marker is not None:
        body.append(f'<line x1="{x(marker):.1f}" x2="{x(marker):.1f}" y1="4" y2="{base + 6}" '
                    f'stroke="{OKABE_ITO["vermillion"]}" stroke-width="1.6" stroke-dasharray="4 3"/>')
        anchor = "start" if x(marker) < width * 0.7 else "end"
        shift = 5 if anchor == "start" else -5
        body.append(_text(x(marker) + shift, 12, marker_label, size=12, anchor=anchor,
                          fill=OKABE_ITO["vermillion"]))
    return _svg(width, height, title, description, body, ident=ident)


@dataclass(frozen=True)
class _Frame:
    """Where a map is drawn: its size in SVG units, millimetres per unit, actor positions."""

    width: float
    height: float
    pad: float
    mm: float
    where: dict[str, tuple[float, float]]
    radius: dict[str, float]
    biggest: float
    font: float


def _frame(layout: Mapping[str, Any], width_mm: float, max_height_mm: float) -> _Frame:
    points = layout["actors"]
    aspect = float(layout.get("aspect") or 1.5)
    width, pad = 1000.0, 30.0
    height = width / aspect
    mm = min(width_mm / (width + 2 * pad), max_height_mm / (height + 2 * pad))
    cell = width / math.sqrt(max(len(points), 1) * aspect)  # about the room one actor has
    # A circle's area grows with the number of partners, from `smallest` to `biggest`.
    biggest, smallest = min(16.0, 0.32 * cell), max(1.6, min(5.0, 0.12 * cell))
    largest = max((p["partners"] for p in points), default=0) or 1
    return _Frame(width, height, pad, mm,
                  {str(p["id"]): (pad + p["x"] * width, pad + p["y"] * height) for p in points},
                  {str(p["id"]): smallest + (biggest - smallest) * math.sqrt(p["partners"] / largest)
                   for p in points},
                  biggest=biggest, font=2.5 / mm)  # about 7 pt on paper (2.5 mm), whatever the scale


def map_labels(layout: Mapping[str, Any], actors: Mapping[str, tuple[str, str]], candidates: Sequence[str], *,
               width_mm: float = 180, max_height_mm: float = 140) -> list[tuple[str, float, float, str]]:
    """Where to write actors' names on the map: ``(id, x, y, text-anchor)``, none overlapping.

    ``candidates`` in order of importance; each name goes right of its circle, else left, else
    above or below, wherever it overlaps neither a name already placed nor the map's edge; a name
    with no such place is left out (the handout names the actors elsewhere too). Names longer than
    32 characters are shortened with "…".

    Two actors close together: the left one's name goes to its left, off the other's circle.

    >>> layout = {"aspect": 1.0, "actors": [{"id": i, "x": x, "y": 0.5, "partners": 1}
    ...                                     for i, x in zip("abc", (0.1, 0.5, 0.52))]}
    >>> [(label[0], label[3]) for label in map_labels(layout, {i: (i * 8, "x") for i in "abc"}, "abc")]
    [('a', 'start'), ('b', 'end'), ('c', 'start')]
    """
    frame = _frame(layout, width_mm, max_height_mm)
    size = frame.font
    placed: list[tuple[str, float, float, str]] = []
    boxes: list[tuple[float, float, float, float]] = []
    right_edge, bottom_edge = frame.width + 2 * frame.pad, frame.height + 2 * frame.pad
    # The candidates' own circles stay visible: no name is written over them.
    circles = {}
    for actor in candidates:
        if actor in frame.where:
            (x, y), r = frame.where[actor], frame.radius[actor]
            circles[actor] = (x - r, y - r, x + r, y + r)
    for actor in candidates:
        if actor not in frame.where:
            continue
        x, y = frame.where[actor]
        name = _short(actors.get(actor, (actor, "other"))[0])
        w, h, gap = 0.6 * size * len(name), size * 1.15, frame.biggest * 0.6 + 3
        options = [(x + gap, y + size * 0.35, "start", x + gap, y - h / 2),
                   (x - gap, y + size * 0.35, "end", x - gap - w, y - h / 2),
                   (x, y - gap - size * 0.3, "middle", x - w / 2, y - gap - h),
                   (x, y + gap + size * 0.9, "middle", x - w / 2, y + gap)]
        for tx, ty, anchor, bx, by in options:
            box = (bx, by, bx + w, by + h)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= right_edge and box[3] <= bottom_edge
            if inside and not any(_overlap(box, other) for other in boxes) and not any(
                    _overlap(box, circle) for other, circle in circles.items() if other != actor):
                boxes.append(box)
                placed.append((actor, tx, ty, anchor))
                break
    return placed


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _short(name: str) -> str:
    return name if len(name) <= 32 else name[:31].rstrip() + "…"


def network_map(layout: Mapping[str, Any], actors: Mapping[str, tuple[str, str]], *,
                labels: Sequence[tuple[str, float, float, str]], title: str, description: str,
                width_mm: float = 180, max_height_mm: float = 140, ident: str = "map") -> str:
    """The network map from :func:`netz.analysis.layout.map_layout`: circles by type, lines for ties.

    ``actors`` maps an actor id to its (name, type); ``labels`` are the names to write, from
    :func:`map_labels` (with the same sizes). A circle's area grows with the actor's number of
    partners; an actor without partners has a dashed outline. The drawing keeps the layout's
    aspect ratio within ``width_mm`` × ``max_height_mm``.

    >>> layout = {"aspect": 1.5, "actors": [{"id": "a", "x": 0.1, "y": 0.5, "partners": 1},
    ...           {"id": "b", "x": 0.9, "y": 0.5, "partners": 1}], "ties": [{"source": "a", "target": "b"}]}
    >>> names = {"a": ("A", "church"), "b": ("B", "other")}
    >>> svg = network_map(layout, names, labels=map_labels(layout, names, ["a"]), title="Karte",
    ...                   description="2 Akteure")
    >>> svg.count("<circle"), svg.count("<line"), ">A</text>" in svg
    (2, 1, True)
    """
    frame = _frame(layout, width_mm, max_height_mm)
    points = layout["actors"]
    n = max(len(points), 1)
    tie_width = 1.4 if n <= 100 else 0.8 if n <= 500 else 0.5
    tie_opacity = 0.6 if n <= 100 else 0.35
    body = [f'<g stroke="#8a8f98" stroke-width="{tie_width}" stroke-opacity="{tie_opacity}">']
    for tie in layout["ties"]:
        (x1, y1), (x2, y2) = frame.where[str(tie["source"])], frame.where[str(tie["target"])]
        body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
    body.append("</g>")
    outline = 0.8 if n <= 300 else 0.4
    for p in points:
        x, y = frame.where[str(p["id"])]
        _, kind = actors.get(str(p["id"]), (str(p["id"]), "other"))
        radius = frame.radius[str(p["id"])]
        dash = ' stroke-dasharray="2 1.5"' if p["partners"] == 0 else ""
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" '
                    f'fill="{TYPE_COLOURS.get(kind, TYPE_COLOURS["other"])}" stroke="{_INK}" '
                    f'stroke-width="{outline}"{dash}/>')
    size = frame.font
    for actor, tx, ty, anchor in labels:
        name = _short(actors.get(actor, (actor, "other"))[0])
        for paint in (f'stroke="#ffffff" stroke-width="{size * 0.28:.1f}" stroke-linejoin="round"', ""):
            body.append(f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{size:.1f}" text-anchor="{anchor}" '
                        f'fill="{_INK}" {paint}>{escape(name)}</text>')
    return _svg(frame.width + 2 * frame.pad, frame.height + 2 * frame.pad, title, description, body,
                mm=frame.mm, ident=ident)

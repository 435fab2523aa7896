"""The programme overview as files: an Excel workbook (German headers) and a PDF report.

Both are built from overview rows (:func:`netz.cohort.programme.overview`) and charts
(:mod:`netz.cohort.programme_charts`), so they carry what the funder's pages show and nothing more: no
actor names, no actor-level figures. The PDF is HTML rendered by WeasyPrint (the ``pdf`` extra);
without it :func:`report_pdf` raises :class:`netz.core.errors.NotInstalledError`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font

from netz.analysis.support import explain_reason
from netz.core.errors import require
from netz.core.io.xmlchars import xml_text
from netz.messages import message, number, percent

__all__ = ["OVERVIEW_COLUMNS", "overview_table", "overview_xlsx", "report_html", "report_pdf"]

#: The overview's columns, in order (headers: ``programme.col_<column>``).
OVERVIEW_COLUMNS = (
    "name",
    "region",
    "land",
    "programme",
    "n_actors",
    "size_class",
    "funding",
    "latest_wave",
    "band",
    "high_gaps",
    "response_rate",
    "support",
    "reasons",
)
#: The overview's counts and amounts: the PDF writes them as the programme page does ("15.000");
#: the workbook keeps them numbers, which the spreadsheet writes its own way.
_COUNTS = ("n_actors", "funding", "high_gaps")


def overview_table(rows: Sequence[Mapping[str, Any]], lang: str = "de") -> tuple[list[str], list[list[Any]]]:
    """The overview as headers and cell values: in words (bands, size classes, reasons), numbers
    as numbers (the response rate a share, 0.8 for 80 %)."""
    headers = [message(f"programme.col_{c}", lang) for c in OVERVIEW_COLUMNS]
    table = []
    for row in rows:
        cells: dict[str, Any] = {k: row.get(k) for k in OVERVIEW_COLUMNS}
        cells["size_class"] = message(f"programme.size_{row['size_class']}", lang)
        cells["band"] = message(f"text.band_{row['band']}", lang)
        cells["support"] = message("programme.yes" if row["support"] else "programme.no", lang)
        cells["reasons"] = " ".join(explain_reason(r, lang) for r in row["support"])
        table.append([cells[c] for c in OVERVIEW_COLUMNS])
    return headers, table


def overview_xlsx(rows: Sequence[Mapping[str, Any]], lang: str = "de") -> bytes:
    """The overview as an .xlsx workbook: one sheet, headers in ``lang`` (German by default)."""
    headers, table = overview_table(rows, lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = message("programme.overview_title", lang)[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rate = OVERVIEW_COLUMNS.index("response_rate") + 1
    for values in table:
        sheet.append([_cell_text(value) for value in values])
        sheet.cell(sheet.max_row, rate).number_format = "0%"  # a share, shown as the header's percentage
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_text(value: Any) -> Any:
    """A cell's value as the workbook can hold it: text a spreadsheet would run as a formula stays
    text (CSV injection), and a character XML forbids (a control character in a name given
    through the API) is replaced as :func:`netz.core.io.xmlchars.xml_text` does."""
    if not isinstance(value, str):
        return value
    value = xml_text(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def report_html(
    rows: Sequence[Mapping[str, Any]],
    charts: Sequence[Mapping[str, Any]],
    *,
    programme: str | None,
    lang: str = "de",
) -> str:
    """The programme report as one HTML document: title, overview, alliances needing support, charts."""
    title = message("programme.report_title", lang)
    scope = message(
        "programme.report_scope", lang, programme=programme or message("programme.report_all", lang)
    )
    headers, table = overview_table(rows, lang)
    keep = [
        OVERVIEW_COLUMNS.index(c)
        for c in ("name", "land", "n_actors", "funding", "latest_wave", "band", "high_gaps", "response_rate")
    ]
    parts = [
        f"<h1>{escape(title)}</h1><p class=scope>{escape(scope)} · "
        f"{escape(message('programme.report_count', lang, n=len(rows)))}</p>",
        f"<h2>{escape(message('programme.overview_title', lang))}</h2><table><thead><tr>"
        + "".join(f"<th>{escape(headers[i])}</th>" for i in keep)
        + "</tr></thead><tbody>",
    ]
    for values in table:
        parts.append("<tr>" + "".join(f"<td>{escape(_said(OVERVIEW_COLUMNS[i], values[i], lang))}</td>"
                                      for i in keep) + "</tr>")
    parts.append("</tbody></table>")
    parts.append(f"<h2>{escape(message('programme.support_title', lang))}</h2>")
    flagged = [row for row in rows if row["support"]]
    if not flagged:
        parts.append(f"<p>{escape(message('programme.support_none', lang))}</p>")
    else:
        parts.append(
            "<ul>"
            + "".join(
                f"<li><strong>{escape(str(row['name']))}</strong>: "
                + escape(" ".join(explain_reason(r, lang) for r in row["support"]))
                + "</li>"
                for row in flagged
            )
            + "</ul>"
        )
    parts.append(f"<h2>{escape(message('programme.charts_title', lang))}</h2>")
    for chart in charts:
        parts.append(
            f"<section class=chart><h3>{escape(chart['title'])}</h3>{chart['svg']}"
            f"<p>{escape(chart['text'])}</p><p class=explain>{escape(chart['explanation'])}</p>"
        )
        if chart["table"]["rows"]:
            parts.append(
                "<table><thead><tr>"
                + "".join(f"<th>{escape(str(c))}</th>" for c in chart["table"]["columns"])
                + "</tr></thead><tbody>"
                + "".join(
                    "<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in r) + "</tr>"
                    for r in chart["table"]["rows"]
                )
                + "</tbody></table>"
            )
        parts.append("</section>")
    style = (
        "@page{size:A4 landscape;margin:14mm}body{font-family:sans-serif;font-size:9pt;color:#000}"
        "table{border-collapse:collapse;width:100%;margin:4pt 0 10pt}th,td{border:0.5pt solid #777;"
        "padding:2pt 4pt;text-align:left}th{background:#eee}.chart{page-break-inside:avoid}"
        "svg{max-width:16cm}.explain{color:#333}"
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)} – '
        f"{escape(programme or '')}</title><style>{style}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )


def report_pdf(
    rows: Sequence[Mapping[str, Any]],
    charts: Sequence[Mapping[str, Any]],
    *,
    programme: str | None,
    lang: str = "de",
) -> bytes:
    """The programme report as PDF (WeasyPrint, the ``pdf`` extra)."""
    require("weasyprint", extra="pdf", feature="error.feature.programme_pdf")
    from weasyprint import HTML

    return bytes(HTML(string=report_html(rows, charts, programme=programme, lang=lang)).write_pdf())


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


def _said(column: str, value: Any, lang: str) -> str:
    """A cell of the PDF's overview as the programme page writes it: counts and amounts grouped
    ("15.000"), the response rate as a percentage ("80 %")."""
    if value is None:
        return _cell(value)
    if column == "response_rate":
        return percent(value, lang)
    if column in _COUNTS and isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, lang, 0)
    return str(value)

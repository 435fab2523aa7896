"""Comparisons and trends as text a programme manager reads: names, plain column titles, bands.

``netz compare`` and ``netz trends`` print these in German or English (``--lang``); their JSON and
CSV keep the machine names of :mod:`netz.cohort.compare` (documented in ``docs/metrics.md``). The column
titles are ``compare.col_*`` messages of :mod:`netz.messages`, bands ``text.band_*``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from netz.cohort.compare import text_table
from netz.messages import message, number

__all__ = ["COMPARE_TEXT_COLUMNS", "TRENDS_TEXT_COLUMNS", "compare_text", "trends_text"]

#: What ``netz compare`` shows as text (a column missing from the table is left out).
COMPARE_TEXT_COLUMNS: tuple[str, ...] = (
    "name", "n_actors", "size_class", "wave", "band", "gaps_high", "mean_degree", "mean_degree_pct",
    "clustering_ratio", "transitivity_z_gnm", "betweenness_centralization_z_gnm", "ei_index_z_gnm",
)
#: What ``netz trends`` shows as text.
TRENDS_TEXT_COLUMNS: tuple[str, ...] = (
    "name", "wave", "band", "gaps_high", "n_ties", "mean_degree", "density", "transitivity", "components",
    "betweenness_centralization", "ei_index",
)


def compare_text(table: pd.DataFrame, lang: str = "de", columns: Sequence[str] = COMPARE_TEXT_COLUMNS) -> str:
    """A comparison table as aligned text with readable titles, alliance names and bands in words.

    >>> t = pd.DataFrame({"name": ["Bündnis A"], "n_actors": [20], "size_class": ["small"],
    ...                   "band": ["watch"], "mean_degree": [4.5]})
    >>> print(compare_text(t, "en"), end="")
     Alliance  Actors Size class Rating Partners/actor
    Bündnis A      20      small  watch           4.50
    >>> print(compare_text(t), end="")
      Bündnis  Akteure Größe  Bewertung Partner/Akteur
    Bündnis A       20 klein beobachten           4,50
    """
    return _text(table, lang, columns)


def trends_text(table: pd.DataFrame, lang: str = "de", columns: Sequence[str] = TRENDS_TEXT_COLUMNS) -> str:
    """A trends table (one row per alliance and wave) as aligned text with readable titles."""
    return _text(table, lang, columns)


def _text(table: pd.DataFrame, lang: str, columns: Sequence[str]) -> str:
    shown = table[[c for c in columns if c in table.columns]].copy()
    if "name" in shown and "alliance" in table:  # a nameless alliance is shown by its key (its path)
        shown["name"] = shown["name"].where(shown["name"].notna() & (shown["name"] != ""), table["alliance"])
    if "band" in shown:
        shown["band"] = shown["band"].map(
            lambda b: message(f"text.band_{b}", lang) if isinstance(b, str) else b)
    if "size_class" in shown:
        shown["size_class"] = shown["size_class"].map(
            lambda c: message(f"compare.size_{c}", lang) if isinstance(c, str) else c)
    for column in shown.columns:  # figures as the language writes them (German: decimal comma)
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: _number(v, lang))
    titles = {c: message(f"compare.col_{c}", lang) for c in shown.columns}
    return text_table(shown.rename(columns=titles), list(titles.values()))


def _number(value: float | None, lang: str) -> str:
    return number(value, lang, 2)

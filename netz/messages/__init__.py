"""The words netz says to people: one message catalogue per language.

Every user-facing sentence of the library, the command line, the service and the pages lives in
``netz/messages/<lang>.json`` — a flat mapping from a dotted key to a text with ``{name}``
placeholders. Code says *what* to tell (a key and its parameters); the catalogue says *how*, in
German (the default) and English. A further language is one more file (``de-simple.json`` for
"Einfache Sprache", say): keys it lacks fall back to its base language (``de``), then to German,
then to the key itself, so a missing translation shows up as a key, never as a crash.

The keys are grouped by area: ``text.*`` for the text reports, ``type.*`` for actor types,
``page.*`` for the pages' own words, ``gap.*``, ``input.*`` and so on for the other areas.

>>> message("type.church", "en")
'Church / faith community'
>>> message("page.andMore", "de", n=3)
'und 3 weitere'
>>> negotiate("en-GB,en;q=0.9,de;q=0.8")
'en'
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["CATALOGUES", "DEFAULT_LANGUAGE", "LANGUAGES", "catalogue", "day_text", "message", "negotiate",
           "number", "percent"]

_HERE = Path(__file__).parent
DEFAULT_LANGUAGE = "de"
#: Every catalogue, German first: the languages and their variants (``de-simple``), which may
#: leave words to their base language.
CATALOGUES: tuple[str, ...] = tuple(sorted((p.stem for p in _HERE.glob("*.json")),
                                           key=lambda lang: (lang != DEFAULT_LANGUAGE, lang)))
#: The complete languages, German first: every message exists in each (reports and findings are
#: worded in all of them).
LANGUAGES: tuple[str, ...] = tuple(lang for lang in CATALOGUES if "-" not in lang)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of one language, fallbacks included (``{}`` for an unknown language)."""
    if lang not in CATALOGUES:
        return {}
    own: dict[str, str] = json.loads((_HERE / f"{lang}.json").read_text(encoding="utf-8"))
    base = lang.split("-")[0]
    fallback = DEFAULT_LANGUAGE if base == lang else base
    if lang == DEFAULT_LANGUAGE:
        return own
    return {**catalogue(fallback), **own}


def message(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The text of ``key`` in ``lang`` with its ``{placeholders}`` filled from ``params``.

    A placeholder without a parameter stays as it is (so a text can be filled in two steps). A
    count ``n`` of 1 takes the key's singular, ``<key>_one``, and a count of 0 ``<key>_zero``
    ("noch kein Bündnis", not "nur 0 Bündnisse"), where the catalogue has them.

    >>> message("programme.report_count", "de", n=1), message("programme.report_count", "de", n=2)
    ('1 Bündnis', '2 Bündnisse')
    """
    form = {0: "_zero", 1: "_one"}.get(params["n"]) if type(params.get("n")) is int else None
    if form and f"{key}{form}" in catalogue(DEFAULT_LANGUAGE):
        key = f"{key}{form}"
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    if not params:
        return text
    return _PLACEHOLDER.sub(lambda m: str(params[m[1]]) if m[1] in params else m[0], text)


def day_text(day: dt.date, lang: str = DEFAULT_LANGUAGE, /) -> str:
    """A day as people of this language write it (the catalogue's ``format.date``).

    >>> day_text(dt.date(2027, 1, 3)), day_text(dt.date(2027, 1, 3), "en")
    ('03.01.2027', '2027-01-03')
    """
    return day.strftime(message("format.date", lang))


#: The minus sign (U+2212) of typeset numbers: a hyphen-minus reads as a dash, and screen readers skip it.
MINUS = "\u2212"
#: The decimal and thousands separators per base language (from ``en``'s, the format's own).
_SEPARATORS = {"de": str.maketrans({".": ",", ",": "."})}


def number(value: float | None, lang: str = DEFAULT_LANGUAGE, /, digits: int = 1, *,
           fixed: bool = True) -> str:
    """A number as people of this language write it; "—" where there is no number. The one number
    formatter of the library and the service; the pages have its twin, ``Netz.number``
    (``api/static/common.js``), which writes every number the same, digit for digit:

    * German (and its variants) with a decimal comma and a thousands dot, English with a decimal
      point and a thousands comma; digits grouped in threes from four digits on (1.234, 12.345),
      as German amounts are written (DIN 5008) and English numbers: a column of figures groups
      all its large numbers alike, not 9999 beside 10.000;
    * every language with the minus sign (U+2212), never a minus before a zero;
    * ``digits`` decimals: all of them when ``fixed`` (a table's column and an amount of money keep
      their places: "2,50"), else as many as needed, at most ``digits`` ("2,5", "7");
    * halves rounded away from zero on the number as written (its shortest decimal: 2.675 is
      2.68, though the float is a little less), as ``Intl.NumberFormat`` (ICU) rounds.

    >>> number(-1.23, "de"), number(-1.23, "en"), number(2.5, "de-simple", 2), number(-0.04, "de")
    ('−1,2', '−1.2', '2,50', '0,0')
    >>> number(0.25, "de", 3, fixed=False), number(12.0, "en", 3, fixed=False), number(2.675, "en", 2)
    ('0,25', '12', '2.68')
    >>> number(1234.5, "de"), number(12345.678, "en", 2), number(999.95, "de", 1), number(-1500, "en", 0)
    ('1.234,5', '12,345.68', '1.000,0', '−1,500')
    >>> number(None, "de"), number(float("inf"), "en")
    ('—', '—')
    """
    if value is None or not math.isfinite(value):
        return "—"
    return _written(Decimal(repr(float(value))), lang, digits, fixed)


#: Enough places for the largest float (about 1.8e308) with any decimals people are shown.
_EXACT = Context(prec=400)


def _written(exact: Decimal, lang: str, digits: int, fixed: bool) -> str:
    """A decimal number in the words of :func:`number`: rounded half away from zero to ``digits``."""
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_EXACT)
    text = f"{abs(rounded):,.{digits}f}"
    if not fixed and "." in text:
        text = text.rstrip("0").rstrip(".")
    if rounded < 0:  # not a zero: "−0,0" would claim a sign the number as written does not have
        text = MINUS + text
    return text.translate(_SEPARATORS.get(lang.split("-")[0], {}))


#: Between a number and its percent sign in German: a no-break space (U+00A0), as DIN 5008 asks
#: for a space that never breaks the line, and as the pages' ``Intl.NumberFormat`` writes it.
PERCENT_SPACE = "\u00a0"


def percent(value: float | None, lang: str = DEFAULT_LANGUAGE, /, digits: int = 0) -> str:
    """A share (0.4) as a percentage people of this language write: German (and its variants)
    "40 %" with a no-break space (:data:`PERCENT_SPACE`, DIN 5008), English "40%"; the number as
    :func:`number` writes it, with ``digits`` decimals; "—" where there is no share.

    Halves are rounded away from zero on the share as written (its shortest decimal: 0.285 is
    28.5 %, so 29 %, though the float is a little less), as ``Intl.NumberFormat`` (ICU) does, so
    that the pages' twin, ``Netz.percent`` (``api/static/common.js``), writes the same.

    >>> percent(0.4, "de"), percent(0.4, "en"), percent(0.4, "de-simple")
    ('40\\xa0%', '40%', '40\\xa0%')
    >>> percent(0.125, "de"), percent(0.285, "en"), percent(1 / 3, "de", 1), percent(0.0049, "en", 1)
    ('13\\xa0%', '29%', '33,3\\xa0%', '0.5%')
    >>> percent(-0.25, "en"), percent(-0.004, "de"), percent(None, "de"), percent(float("nan"), "en")
    ('−25%', '0\\xa0%', '—', '—')
    >>> percent(12.345, "de"), percent(12.345, "en", 1)
    ('1.235\\xa0%', '1,234.5%')
    """
    if value is None or not math.isfinite(value):
        return "—"
    scaled = Decimal(repr(float(value))) * 100  # decimal: 100 * 0.285 in floats is 28.499…
    sign = f"{PERCENT_SPACE}%" if lang.split("-")[0] == "de" else "%"
    return f"{_written(scaled, lang, digits, fixed=True)}{sign}"


def negotiate(accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The best language of ours for an HTTP ``Accept-Language`` header (RFC 9110, q-values).

    >>> negotiate("fr, en;q=0.5"), negotiate("*"), negotiate(None), negotiate("de-DE")
    ('en', 'de', 'de', 'de')
    """
    best, best_q = default, 0.0
    for part in (accept_language or "").split(","):
        tag, _, rest = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        for parameter in rest.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = _ours(tag)
        # Strictly greater: of equal q-values the earlier entry wins (the client's order).
        if lang and quality > best_q:
            best, best_q = lang, quality
    return best


def _ours(tag: str) -> str | None:
    """Our language for a language tag: exact, then its primary subtag; ``*`` is the default."""
    if tag == "*":
        return DEFAULT_LANGUAGE
    if tag in LANGUAGES:
        return tag
    primary = tag.split("-")[0]
    return primary if primary in LANGUAGES else None

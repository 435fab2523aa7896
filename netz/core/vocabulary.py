"""The actor-type vocabulary and its German (and English) aliases.

Coordinators write types the way their spreadsheets have them: "Kirchengemeinde",
"Helferkreis", "Landratsamt", "MSO". :func:`canonical_type` maps these onto the
ten canonical types, ignoring case, white space, punctuation and the spelling of
umlauts ("Flüchtlingsinitiative" = "Fluechtlingsinitiative" = "flüchtlings-initiative").
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from netz.core.errors import UnknownNameError
from netz.messages import message

__all__ = [
    "ACTOR_TYPES",
    "LAENDER",
    "TYPE_LABELS",
    "UnknownTypeError",
    "canonical_land",
    "canonical_type",
    "closest",
    "fold",
    "suggest_land",
    "suggest_type",
]

#: The canonical actor types, in the order reports list them.
ACTOR_TYPES: tuple[str, ...] = (
    "initiative",
    "church",
    "welfare",
    "municipality",
    "refugee",
    "association",
    "education",
    "employment",
    "public",
    "other",
)

#: The sixteen Länder (Bundesländer), as an alliance's ``land`` is written: the one list of them
#: (the API's ``?land=`` filter, the pages' choice of a Land, the check of a Land sent).
LAENDER: tuple[str, ...] = (
    "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland",
    "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen",
)

#: Plain-language labels for people: (German, English), from the message catalogue (``type.*``).
TYPE_LABELS: dict[str, tuple[str, str]] = {
    kind: (message(f"type.{kind}", "de"), message(f"type.{kind}", "en")) for kind in ACTOR_TYPES
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "initiative": (
        "Initiative", "Ehrenamtliche Initiative", "Ehrenamt", "Ehrenamtliche", "Helferkreis",
        "Helferinnenkreis", "Unterstützerkreis", "Flüchtlingsinitiative", "Flüchtlingshilfe",
        "Freundeskreis Asyl", "Freundeskreis", "Asylkreis", "Arbeitskreis Asyl", "Willkommensinitiative",
        "Willkommenskreis", "Bürgerinitiative", "Nachbarschaftshilfe", "Patenschaftsprojekt",
        "volunteer initiative", "volunteers",
    ),
    "church": (
        "Kirche", "Kirchengemeinde", "Pfarrei", "Pfarrgemeinde", "Gemeinde (kirchlich)",
        "Evangelische Kirche", "Katholische Kirche", "Religionsgemeinschaft", "Moscheegemeinde",
        "Moschee", "Synagoge", "Glaubensgemeinschaft", "church", "parish", "faith community",
        "mosque",
    ),
    "welfare": (
        "Wohlfahrtsverband", "Wohlfahrt", "Freie Wohlfahrtspflege", "Caritas", "Diakonie", "AWO",
        "Arbeiterwohlfahrt", "DRK", "Deutsches Rotes Kreuz", "Rotes Kreuz", "Paritätischer",
        "Der Paritätische", "Paritätischer Wohlfahrtsverband", "Malteser", "Johanniter",
        "welfare association", "charity",
    ),
    "municipality": (
        "Kommune", "Stadt", "Gemeinde", "Stadtverwaltung", "Gemeindeverwaltung", "Landkreis",
        "Kreis", "Landratsamt", "Kreisverwaltung", "Bezirk", "Bezirksamt", "Rathaus",
        "Bürgermeister", "Integrationsbeauftragte", "Sozialamt", "Ausländerbehörde",
        "Kommunales Integrationszentrum", "municipality", "city", "town", "district",
        "local government",
    ),
    "refugee": (
        "Geflüchtete", "Geflüchteter", "Flüchtlinge", "Flüchtling", "Geflüchtetenorganisation",
        "Migrantenselbstorganisation", "Migrantinnenselbstorganisation", "MSO", "Migrantenorganisation",
        "Migrantenverein", "Selbstorganisation", "Integrationsrat", "Migrationsbeirat",
        "refugee", "refugees", "refugee organisation", "refugee organization",
        "migrant organisation", "migrant organization",
    ),
    "association": (
        "Verein", "Sportverein", "Kulturverein", "Förderverein", "Verband", "Stiftung",
        "Nachbarschaftsverein", "association", "club", "foundation", "ngo",
    ),
    "education": (
        "Bildung", "Schule", "Grundschule", "Berufsschule", "Kita", "Kindergarten",
        "Kindertagesstätte", "VHS", "Volkshochschule", "Hochschule", "Universität",
        "Sprachschule", "Bildungsträger", "education", "school", "university", "daycare",
    ),
    "employment": (
        "Arbeit", "Beschäftigung", "Jobcenter", "Agentur für Arbeit", "Arbeitsagentur",
        "Unternehmen", "Betrieb", "Firma", "Arbeitgeber", "Handwerkskammer", "IHK",
        "Industrie- und Handelskammer", "Kammer", "employment", "employer", "company",
        "business", "job centre", "job center",
    ),
    "public": (
        "Behörde", "Öffentliche Stelle", "Polizei", "Gesundheitsamt", "Jugendamt", "BAMF",
        "Bundesamt", "Landesbehörde", "Erstaufnahmeeinrichtung", "public", "public agency",
        "authority", "police",
    ),
    "other": ("Sonstige", "Sonstiges", "Andere", "Anderes", "other", "unknown"),
}

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Fold a label for matching: lower case, umlauts spelled out, only letters and digits.

    >>> fold("  Freundeskreis  Asyl ")
    'freundeskreisasyl'
    >>> fold("Flüchtlings-Initiative") == fold("Fluechtlingsinitiative")
    True
    """
    text = unicodedata.normalize("NFC", text).lower().translate(_UMLAUTS)
    # Remaining accents (é, à, …) are dropped so that "Café" matches "Cafe".
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("", text)


#: Short names of the Länder (ISO 3166-2:DE codes, and "NRW"), by their folded form.
_LAND_CODES = dict(zip(("bw", "by", "be", "bb", "hb", "hh", "he", "mv", "ni", "nw", "rp", "sl", "sn", "st",
                        "sh", "th"), LAENDER, strict=True)) | {"nrw": "Nordrhein-Westfalen"}
_LANDS: dict[str, str] = {fold(land): land for land in LAENDER} | _LAND_CODES


def canonical_land(text: str) -> str | None:
    """The Land that ``text`` names, in any case and spelling of umlauts, or by its short name;
    None when it names none of the sixteen.

    >>> canonical_land("thueringen"), canonical_land("NRW"), canonical_land("Atlantis")
    ('Thüringen', 'Nordrhein-Westfalen', None)
    """
    return _LANDS.get(fold(text))


_LOOKUP: dict[str, str] = {fold(t): t for t in ACTOR_TYPES}
#: Every accepted type name as it is written ("Kirchengemeinde"), by its folded form.
_WRITTEN: dict[str, str] = {fold(t): t for t in ACTOR_TYPES}
for _canonical, _names in _ALIASES.items():
    for _name in _names:
        _LOOKUP.setdefault(fold(_name), _canonical)
        _WRITTEN.setdefault(fold(_name), _name)


def closest(name: str, known: dict[str, str]) -> str | None:
    """The entry of ``known`` (values by their :func:`fold` form) that ``name`` most likely
    misspells: same folded form, else the nearest by :func:`difflib.get_close_matches`
    (similarity at least 0.75); ``None`` when nothing is near.

    >>> closest("Kirchengemiende", {"kirchengemeinde": "Kirchengemeinde", "kirche": "Kirche"})
    'Kirchengemeinde'
    """
    folded = fold(name)
    if folded in known:
        return known[folded]
    match = difflib.get_close_matches(folded, list(known), n=1, cutoff=0.75)
    return known[match[0]] if match else None


def suggest_land(text: str) -> str | None:
    """The Land closest to ``text`` that names none, to ask "did you mean …?".

    >>> suggest_land("Bayren"), suggest_land("Nordrhein Westphalen"), suggest_land("Atlantis")
    ('Bayern', 'Nordrhein-Westfalen', None)
    """
    return closest(text, _LANDS)


def suggest_type(label: str) -> str | None:
    """The accepted type name closest to an unknown ``label``, to ask "did you mean …?".

    >>> suggest_type("Kirchengemiende"), suggest_type("Wohlfartsverband"), suggest_type("xyz")
    ('Kirchengemeinde', 'Wohlfahrtsverband', None)
    """
    return closest(label, _WRITTEN)


class UnknownTypeError(UnknownNameError):
    """A type label that is neither a canonical type nor a known alias."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.suggestion = suggest_type(label)
        super().__init__("error.name.type_suggest" if self.suggestion else "error.name.type", name=label,
                         suggestion=self.suggestion, accepted=ACTOR_TYPES,
                         heading="error.name.heading.expected", note="error.name.note.german_types")


def canonical_type(label: str) -> str:
    """Return the canonical actor type for a label, or raise :class:`UnknownTypeError`.

    >>> canonical_type("Kirchengemeinde")
    'church'
    >>> canonical_type("LANDRATSAMT")
    'municipality'
    >>> canonical_type("Migrantenselbstorganisation")
    'refugee'
    """
    try:
        return _LOOKUP[fold(label)]
    except KeyError:
        raise UnknownTypeError(label) from None

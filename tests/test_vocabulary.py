"""The actor-type vocabulary: German aliases, folding, and the error for unknown labels."""

from __future__ import annotations

import pytest

from netz.core.errors import UnknownNameError
from netz.core.vocabulary import ACTOR_TYPES, TYPE_LABELS, UnknownTypeError, canonical_type, fold

# Every alias the issue lists, with the type it must map to.
ISSUE_ALIASES = {
    "Helferkreis": "initiative",
    "Flüchtlingsinitiative": "initiative",
    "Freundeskreis Asyl": "initiative",
    "Kirche": "church",
    "Kirchengemeinde": "church",
    "Wohlfahrtsverband": "welfare",
    "Caritas": "welfare",
    "Diakonie": "welfare",
    "Kommune": "municipality",
    "Stadt": "municipality",
    "Gemeinde": "municipality",
    "Landkreis": "municipality",
    "Landratsamt": "municipality",
    "Geflüchtete": "refugee",
    "Migrantenselbstorganisation": "refugee",
    "Verein": "association",
    "Schule": "education",
    "Kita": "education",
    "VHS": "education",
    "Jobcenter": "employment",
    "Agentur für Arbeit": "employment",
    "Unternehmen": "employment",
    "Behörde": "public",
    "Sonstige": "other",
}


@pytest.mark.parametrize(("label", "expected"), sorted(ISSUE_ALIASES.items()))
def test_issue_aliases_map_to_their_type(label: str, expected: str) -> None:
    assert canonical_type(label) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("FLÜCHTLINGSINITIATIVE", "initiative"),
        ("fluechtlingsinitiative", "initiative"),
        ("Flüchtlings-Initiative", "initiative"),
        (" Freundeskreis  Asyl ", "initiative"),
        ("freundeskreis asyl", "initiative"),
        ("KIRCHENGEMEINDE", "church"),
        ("agentur fuer arbeit", "employment"),
        ("Agentur für\tArbeit", "employment"),
        ("behoerde", "public"),
        ("BEHÖRDE", "public"),
        ("Gefluechtete", "refugee"),
        ("Landratsamt ", "municipality"),
    ],
)
def test_matching_ignores_case_spacing_punctuation_and_umlaut_spelling(label: str, expected: str) -> None:
    assert canonical_type(label) == expected


@pytest.mark.parametrize("canonical", ACTOR_TYPES)
def test_canonical_types_map_to_themselves_in_any_case(canonical: str) -> None:
    assert canonical_type(canonical) == canonical
    assert canonical_type(canonical.upper()) == canonical


def test_there_are_ten_types_each_with_a_german_and_an_english_label() -> None:
    assert len(ACTOR_TYPES) == len(set(ACTOR_TYPES)) == 10
    assert set(TYPE_LABELS) == set(ACTOR_TYPES)
    assert all(german and english for german, english in TYPE_LABELS.values())


@pytest.mark.parametrize("label", ["Raumschiff", "", "   ", "Kirche und Stadt"])
def test_unknown_labels_raise_and_list_the_accepted_types(label: str) -> None:
    with pytest.raises(UnknownTypeError) as caught:
        canonical_type(label)
    assert caught.value.label == label
    message = str(caught.value)
    assert f"'{label}'" in message
    for canonical in ACTOR_TYPES:
        assert canonical in message
    assert "Kirche" in message  # German names are mentioned as accepted


def test_unknown_type_error_is_a_netz_error() -> None:
    # A user's mistake, reported as netz's own error: not a ValueError, which would be a bug.
    assert issubclass(UnknownTypeError, UnknownNameError)
    assert not issubclass(UnknownTypeError, ValueError)
    assert UnknownTypeError("Kirchenchor").accepted == list(ACTOR_TYPES)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("  Freundeskreis  Asyl ", "freundeskreisasyl"),
        ("Flüchtlings-Initiative", "fluechtlingsinitiative"),
        ("Straße", "strasse"),
        ("Café", "cafe"),
        ("ÄÖÜ", "aeoeue"),
        ("e\u0301", "e"),  # decomposed accent
        ("u\u0308ber", "ueber"),  # decomposed umlaut is spelled out like the composed one
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded

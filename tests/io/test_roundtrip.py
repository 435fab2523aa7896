"""Write an alliance, read it back: the same alliance, in every format netz writes.

The property test generates small alliances with everything a coordinator's files
carry — ids with umlauts, spaces and dashes, all actor types, weights (fractional
too), kinds, waves, integer/number/text attributes with gaps, metadata — directed
or not, and checks ``read(write(a)).equals(a)`` for folders, workbooks, GraphML,
GEXF, JSON node-link and zipped folders.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netz.analysis.report import report, with_metrics
from netz.core import io
from netz.core.errors import InputError
from netz.core.metrics import ACTOR_METRIC_COLUMNS
from netz.core.model import Actor, Alliance, Tie, plain_value
from netz.core.validate import ACTOR_COLUMNS, TIE_COLUMNS
from netz.core.vocabulary import ACTOR_TYPES, LAENDER
from tests.factories import REFERENCE_GRAPHS, reference_alliance

FORMATS = ["folder", "xlsx", "graphml", "gexf", "json", "zip"]
_TARGETS = {"folder": "alliance", "xlsx": "alliance.xlsx", "graphml": "alliance.graphml",
            "gexf": "alliance.gexf", "json": "alliance.json", "zip": "alliance"}


def round_trip(alliance: Alliance, fmt: str, directory: Path) -> Alliance:
    target = directory / _TARGETS[fmt]
    io.write(alliance, target)
    if fmt == "zip":
        archive = directory / "alliance.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for file in sorted(target.iterdir()):
                zipped.write(file, f"mein-buendnis/{file.name}")
        target = archive
    return io.read(target)


def describe_difference(a: Alliance, b: Alliance) -> str:
    return (
        f"directed {a.directed}/{b.directed}, weighted {a.weighted}/{b.weighted}\n"
        f"meta {dict(a.meta)} / {dict(b.meta)}\n"
        f"actors\n{a.actors.to_dict('records')}\n{b.actors.to_dict('records')}\n"
        f"ties\n{a.ties.to_dict('records')}\n{b.ties.to_dict('records')}"
    )


# Excel has one kind of number, and graph-file readers read whole numbers as integers (igraph
# and R write every number as a double): a number attribute whose values are all whole comes
# back as integers. Documented in netz/core/io/workbook.py and netz/core/io/graphfiles.py.
WHOLE_NUMBERS_BECOME_INTEGERS = {"xlsx", "graphml", "gexf", "json"}


def cell_types(alliance: Alliance, *, whole_numbers_as_int: bool = False) -> list[list[str]]:
    """The type of every cell: equals() takes 45 == 45.0, a researcher's code may not."""
    types = []
    for frame, canonical in ((alliance.actors, ACTOR_COLUMNS), (alliance.ties, TIE_COLUMNS)):
        for column in frame.columns:
            values = [plain_value(v) for v in frame[column]]
            names = [type(v).__name__ for v in values]
            whole = all(isinstance(v, float) and v.is_integer() for v in values if v is not None)
            if whole_numbers_as_int and whole and column not in canonical:
                names = ["int" if n == "float" else n for n in names]
            types.append(names)
    return types


def assert_round_trip(alliance: Alliance, fmt: str, directory: Path) -> None:
    back = round_trip(alliance, fmt, directory)
    assert back.equals(alliance), describe_difference(alliance, back)
    expected = cell_types(alliance, whole_numbers_as_int=fmt in WHOLE_NUMBERS_BECOME_INTEGERS)
    assert cell_types(back) == expected, describe_difference(alliance, back)


def rich_alliance(*, directed: bool) -> Alliance:
    actors = [
        Actor("hk", "Helferkreis „Willkommen“ – Süd", "Helferkreis",
              {"Ehrenamtliche": 45, "Anteil": 0.25, "Notiz": "gegründet 2015"}),
        Actor("sj", "Kirchengemeinde Sankt Jürgen", "Kirchengemeinde", {"Ehrenamtliche": 12}),
        Actor("Stadt 1", "Stadt Musterstadt", "Stadt", {"Anteil": 1.5, "Notiz": "Rathaus"}),
        Actor("mso-ä", "Verein „Hand in Hand“", "Migrantenselbstorganisation"),
        Actor("007", "Jobcenter", "Jobcenter", {"Notiz": "007"}),
    ]
    ties = [
        Tie("hk", "sj", 2.5, "Information", "2019", {"Vertrauen": 4}),
        Tie("sj", "hk", 1.0, "Gemeinsames Projekt", "2020"),
        Tie("Stadt 1", "hk", 3.0, None, "2020", {"Vertrauen": 2, "Bemerkung": "seit Jahren"}),
        Tie("mso-ä", "hk", 0.5, "Ressourcen", None),
        Tie("007", "mso-ä", 1.0, "Vermittlung", "2019"),
    ]
    meta = {"name": "Bündnis „Willkommen“ in Süd-Stadt", "region": "Landkreis Beispiel",
            "land": "Hessen", "funding": 15000, "founded": 2015}
    return Alliance.from_records(actors, ties, directed=directed, weighted=True, meta=meta)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", REFERENCE_GRAPHS)
def test_reference_graphs_survive_a_round_trip(name: str, fmt: str, tmp_path: Path) -> None:
    assert_round_trip(reference_alliance(name), fmt, tmp_path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("directed", [False, True])
def test_attributes_kinds_waves_and_metadata_survive_a_round_trip(
    fmt: str, directed: bool, tmp_path: Path
) -> None:
    alliance = rich_alliance(directed=directed)
    (tmp_path / "first").mkdir()
    assert_round_trip(alliance, fmt, tmp_path / "first")
    back = round_trip(alliance, fmt, tmp_path)
    # equals compares cell by cell; spell out what matters most to a coordinator
    assert back.actor("mso-ä").name == "Verein „Hand in Hand“"
    assert back.actor("hk").attributes == {"Ehrenamtliche": 45, "Anteil": 0.25, "Notiz": "gegründet 2015"}
    assert back.actor("007").attributes == {"Notiz": "007"}  # leading zeros stay text
    assert back.ties["weight"].tolist() == [2.5, 1.0, 3.0, 0.5, 1.0]
    assert back.waves == ["2019", "2020"]
    assert back.meta["funding"] == 15000


@pytest.mark.parametrize("fmt", FORMATS)
def test_undirected_ties_keep_their_ends_and_order(fmt: str, tmp_path: Path) -> None:
    # networkx reports undirected edges with their ends in node order; netz must not.
    alliance = Alliance.from_records(
        [Actor("a", "A", "other"), Actor("b", "B", "other"), Actor("c", "C", "other")],
        [Tie("c", "a"), Tie("b", "a"), Tie("c", "b")],
    )
    back = round_trip(alliance, fmt, tmp_path)
    assert list(zip(back.ties["source"], back.ties["target"], strict=True)) == [
        ("c", "a"), ("b", "a"), ("c", "b")
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_whole_number_attributes(fmt: str, tmp_path: Path) -> None:
    actors = pd.DataFrame({"id": ["a", "b"], "type": ["Kirche", "Stadt"], "Anteil": ["1,0", "2,0"],
                           "Ehrenamtliche": ["3", ""]})
    alliance = Alliance.from_frames(actors, pd.DataFrame({"source": ["a"], "target": ["b"]}))
    assert alliance.actors["Anteil"].tolist() == [1.0, 2.0]
    back = round_trip(alliance, fmt, tmp_path)
    assert back.equals(alliance)
    expected = int if fmt in WHOLE_NUMBERS_BECOME_INTEGERS else float
    assert [type(v) for v in back.actors["Anteil"]] == [expected, expected]
    assert back.actors["Ehrenamtliche"].tolist() == [3, None]


NESTED_META = {"name": "Bündnis", "kontakte": ["Frau Müller", "Herr Öz"], "adresse": {"ort": "Süd"}}


@pytest.mark.parametrize(("fmt", "expected"), [
    ("folder", NESTED_META), ("zip", NESTED_META), ("gexf", NESTED_META), ("json", NESTED_META),
    ("graphml", {"name": "Bündnis"}),  # GraphML graph attributes are plain values
    ("xlsx", {"name": "Bündnis", "kontakte": '["Frau Müller", "Herr Öz"]', "adresse": '{"ort": "Süd"}'}),
])
def test_metadata_with_lists_and_mappings(fmt: str, expected: dict, tmp_path: Path) -> None:
    alliance = Alliance.from_records([Actor("a", "A", "Kirche"), Actor("b", "B", "Stadt")], [Tie("a", "b")],
                                     meta=NESTED_META)
    assert round_trip(alliance, fmt, tmp_path).meta == expected


#: Control characters XML 1.0 forbids, as a name pasted from another program may hold them.
CONTROLS = "".join(chr(c) for c in (*range(1, 9), 11, 12, *range(14, 32)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_are_written_safely(fmt: str, tmp_path: Path) -> None:
    """Metadata (an alliance name given through the API) with control characters: the XML formats
    write each as a space, as the readers do with table cells; the others keep them. Tab and
    line feed are allowed everywhere."""
    meta = {"name": f"Bündnis{CONTROLS}Nord", "region": "Nord\x0bSüd", "notiz\x01": "Zeile\teins\nzwei"}
    alliance = Alliance.from_records([Actor("a", "Kirche\x0bMitte", "Kirche"), Actor("b", "B", "Stadt")],
                                     [Tie("a", "b", kind="Info\x0c")], meta=meta)
    back = round_trip(alliance, fmt, tmp_path)
    if fmt in ("xlsx", "graphml", "gexf"):
        assert back.meta == {"name": f"Bündnis{' ' * len(CONTROLS)}Nord", "region": "Nord Süd",
                             "notiz": "Zeile\teins\nzwei"}  # readers strip keys
        assert back.actors.equals(alliance.actors) and back.ties.equals(alliance.ties)
    else:
        assert back.equals(alliance), describe_difference(alliance, back)
    assert back.actor("a").name == "Kirche Mitte"  # cleaned when the actors were read


@pytest.mark.parametrize("fmt", FORMATS)
def test_unweighted_stays_unweighted(fmt: str, tmp_path: Path) -> None:
    alliance = Alliance.from_records(
        [Actor("a", "A", "other"), Actor("b", "B", "other")], [Tie("a", "b")], weighted=False
    )
    back = round_trip(alliance, fmt, tmp_path)
    assert back.weighted is False
    assert back.equals(alliance)


# -- the property ---------------------------------------------------------------

_LETTERS = "abcxyzABCXYZÄÖÜäöüßé"
_ID_ALPHABET = _LETTERS + "0123456789 -–_.„“'"
_TEXT_ALPHABET = _ID_ALPHABET + ",;:/()&!?="

# Values that have tripped up spreadsheet and graph-file code before.
_TRICKY = ["=1+1", "=Bündnis", "007", "1,5", "2.5", "1e3", "-", "–", "„Tandem“", "nan", "NA",
           "true", "None", "Kirchengemeinde Sankt Jürgen", "A; B", 'Zitat "x"',
           # what a spreadsheet would run as a formula, and the apostrophe that stops it
           "=SUM(1)", "+49 30 1234567", "-Verein", "@Team", "-1.5", "+3", "'=x", "''+1", "'Kirche"]
ids = st.one_of(
    st.sampled_from(_TRICKY), st.text(_ID_ALPHABET, min_size=1, max_size=8).map(str.strip).filter(bool)
)
texts = st.one_of(
    st.sampled_from(_TRICKY), st.text(_TEXT_ALPHABET, min_size=1, max_size=10).map(str.strip).filter(bool)
)
weights = st.one_of(
    st.integers(1, 10).map(float),
    st.floats(0.001, 1000, allow_nan=False, allow_infinity=False).map(lambda w: round(w, 3)),
).filter(lambda w: w > 0)
kinds = st.one_of(st.none(), st.sampled_from(["Information", "Gemeinsames Projekt", "Ressourcen"]), texts)
waves = st.one_of(st.none(), st.sampled_from(["2019", "2020", "1. Welle"]), texts)
# Attribute columns of each kind; the names are no aliases of canonical columns such as "Art".
_VALUES = {
    "Ehrenamtliche": st.integers(-10**6, 10**6),
    "Anteil": st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 4)),
    "Notiz": texts,
}
_TIE_VALUES = {"Vertrauen": st.integers(1, 5), "Bemerkung": texts}
meta_values = {
    "name": texts, "region": texts, "land": st.sampled_from(LAENDER), "programme": texts,
    "funding": st.integers(0, 10**6), "founded": st.integers(1990, 2030), "description": texts,
}


def _attribute_rows(draw, columns: dict, n: int) -> list[dict]:
    chosen = draw(st.lists(st.sampled_from(sorted(columns)), unique=True))
    rows: list[dict] = [{} for _ in range(n)]
    for column in chosen:
        values = draw(st.lists(st.one_of(st.none(), columns[column]), min_size=n, max_size=n))
        # A column without any value cannot be carried by graph files (they only list the
        # values there are); such a column is no information anyway.
        if all(v is None for v in values):
            continue
        for row, value in zip(rows, values, strict=True):
            if value is not None:
                row[column] = value
    return rows


@st.composite
def alliances(draw) -> Alliance:
    directed = draw(st.booleans())
    actor_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    names = draw(st.lists(st.one_of(ids, texts), min_size=len(actor_ids), max_size=len(actor_ids)))
    types = draw(st.lists(st.sampled_from(ACTOR_TYPES), min_size=len(actor_ids), max_size=len(actor_ids)))
    attributes = _attribute_rows(draw, _VALUES, len(actor_ids))
    actors = [Actor(i, n, t, a) for i, n, t, a in zip(actor_ids, names, types, attributes, strict=True)]

    ties: list[Tie] = []
    seen: set[tuple] = set()
    if len(actor_ids) > 1:
        candidates = draw(st.lists(
            st.tuples(st.sampled_from(actor_ids), st.sampled_from(actor_ids), kinds, waves, weights),
            max_size=10,
        ))
        for source, target, kind, wave, weight in candidates:
            ends = (source, target) if directed else tuple(sorted((source, target)))
            key = (*ends, kind or "", wave or "")
            if source == target or key in seen:  # self-loops and duplicate ties are errors
                continue
            seen.add(key)
            ties.append(Tie(source, target, weight, kind, wave))
    tie_attributes = _attribute_rows(draw, _TIE_VALUES, len(ties))
    ties = [Tie(t.source, t.target, t.weight, t.kind, t.wave, a) for t, a in zip(ties, tie_attributes,
                                                                                strict=True)]
    # A graph file knows that an alliance is weighted only from the weights of its edges.
    weighted = draw(st.booleans()) and bool(ties)
    if not weighted:
        ties = [Tie(t.source, t.target, 1.0, t.kind, t.wave, t.attributes) for t in ties]
    meta = {k: draw(v) for k, v in meta_values.items() if draw(st.booleans())}
    return Alliance.from_records(actors, ties, directed=directed, weighted=weighted, meta=meta)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=60)
@given(alliance=alliances())
def test_any_alliance_survives_a_round_trip(fmt: str, alliance: Alliance) -> None:
    with tempfile.TemporaryDirectory(prefix="netz-roundtrip-") as directory:
        assert_round_trip(alliance, fmt, Path(directory))


# -- writing ----------------------------------------------------------------------

def test_write_into_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        io.write(rich_alliance(directed=False), tmp_path / "nowhere" / "a.xlsx")
    assert not (tmp_path / "nowhere").exists()


def test_unknown_output_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot tell the format"):
        io.write(rich_alliance(directed=False), tmp_path / "a.pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_writer(alliance: Alliance, path: Path) -> None:
        path.write_text("<graphml>half")
        raise RuntimeError("disk full")

    reader, _, suffixes = io.FORMATS["graphml"]
    monkeypatch.setitem(io.FORMATS, "graphml", (reader, failing_writer, suffixes))
    with pytest.raises(RuntimeError):
        io.write(rich_alliance(directed=False), tmp_path / "a.graphml")
    assert list(tmp_path.iterdir()) == []


def test_write_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_text("old")
    io.write(rich_alliance(directed=True), target)
    assert io.read(target).equals(rich_alliance(directed=True))
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


# -- an export with metrics, read again ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("directed", [False, True])
def test_an_export_with_metrics_reads_back_as_the_alliance(fmt: str, directed: bool, tmp_path: Path) -> None:
    """What ``…/export?metrics=true`` writes (the metrics as actor attributes, for Gephi) reads
    back as the alliance itself: the metric columns are left out, each with a warning that
    names it, and the actors keep their own attributes."""
    alliance = rich_alliance(directed=directed)
    exported = with_metrics(alliance, report(alliance)["actors"])
    assert {"degree", "brokerage.total", "community"} <= set(exported.actor_attributes)
    back = round_trip(exported, fmt, tmp_path)
    assert back.equals(alliance), describe_difference(alliance, back)
    left_out = {p.column for p in back.warnings if p.code == "input.metric_column"}
    # graph files carry no column without a value (a z-score undefined for every actor)
    written = {c for c in ACTOR_METRIC_COLUMNS if exported.actors[c].notna().any()}
    assert left_out == written if fmt in ("graphml", "gexf", "json") else set(ACTOR_METRIC_COLUMNS)
    assert {"degree", "betweenness", "brokerage.total", "community"} <= left_out

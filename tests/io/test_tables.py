"""CSV tables as German office software writes them, and column-name aliases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netz.core.errors import InputError, Problem
from netz.core.io.tables import (
    ACTOR_ALIASES,
    TIE_ALIASES,
    canonical_columns,
    cite_headers,
    decode_text,
    parse_csv_text,
    read_csv_table,
    rows_to_frame,
    written_headers,
)
from netz.core.limits import Limits


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def records(frame: pd.DataFrame) -> dict[int, dict[str, str]]:
    return {int(row): dict(values) for row, values in frame.iterrows()}


# -- decoding -------------------------------------------------------------------

def test_windows_1252_is_decoded() -> None:
    data = "Kennung;Bezeichnung\nsj;Kirchengemeinde Sankt Jürgen – „Süd“\n".encode("cp1252")
    assert decode_text(data, "akteure.csv").splitlines()[1] == "sj;Kirchengemeinde Sankt Jürgen – „Süd“"


def test_utf8_with_and_without_byte_order_mark() -> None:
    text = "Kennung;Bezeichnung\nsj;Sankt Jürgen\n"
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.csv") == text
    assert decode_text(text.encode("utf-8"), "a.csv") == text


def test_utf16_with_byte_order_mark() -> None:
    # Excel's "Unicode text" export: UTF-16 LE with a byte-order mark, tab-separated
    text = "Kennung\tBezeichnung\r\nsj\tSankt Jürgen – Süd\r\n"
    data = text.encode("utf-16")
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert decode_text(data, "a.csv") == text
    assert records(parse_csv_text(decode_text(data, "a.csv"), "a.csv")) == {
        2: {"Kennung": "sj", "Bezeichnung": "Sankt Jürgen – Süd"}
    }


@pytest.mark.parametrize(
    ("data", "gist"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel workbook (.xls)"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"id;name\x00\x01\x02", "binary file"),
    ],
)
def test_binary_files_are_refused_with_what_they_are(data: bytes, gist: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_text(data, "akteure.csv")
    assert caught.value.file == "akteure.csv"
    assert gist in str(caught.value)
    assert "not a CSV text file" in str(caught.value)


# -- parsing --------------------------------------------------------------------

@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separator_is_detected(separator: str) -> None:
    text = separator.join(["id", "name", "type"]) + "\n" + separator.join(["a", "A", "Kirche"]) + "\n"
    assert records(parse_csv_text(text, "a.csv")) == {2: {"id": "a", "name": "A", "type": "Kirche"}}


def test_commas_inside_a_semicolon_file_stay_in_their_cell() -> None:
    text = 'Von;An;Stärke;Notiz\na;b;2,5;"Treffen; monatlich"\n'
    assert records(parse_csv_text(text, "k.csv")) == {
        2: {"Von": "a", "An": "b", "Stärke": "2,5", "Notiz": "Treffen; monatlich"}
    }


def test_quoted_header_with_separator_inside() -> None:
    text = '"Name, lang";id;type\n"Helferkreis, Nord";a;Kirche\n'
    frame = parse_csv_text(text, "a.csv")
    assert list(frame.columns) == ["Name, lang", "id", "type"]


def test_cells_are_text_and_kept_exactly() -> None:
    text = "id;name;Kennziffer\n007;„Tandem“ – Paten;0,50\n"
    assert records(parse_csv_text(text, "a.csv")) == {
        2: {"id": "007", "name": "„Tandem“ – Paten", "Kennziffer": "0,50"}
    }


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers() -> None:
    text = "id;name\r\na;A\r\n\r\n;\r\n  ;  \r\nb;B\r\n\r\n"
    frame = parse_csv_text(text, "a.csv")
    assert list(frame.index) == [2, 6]
    assert frame.loc[6, "id"] == "b"


def test_multi_line_cell_is_one_spreadsheet_row() -> None:
    text = 'id;Notiz\na;"Zeile 1\nZeile 2"\nb;x\n'
    frame = parse_csv_text(text, "a.csv")
    assert records(frame) == {2: {"id": "a", "Notiz": "Zeile 1\nZeile 2"}, 3: {"id": "b", "Notiz": "x"}}


@pytest.mark.parametrize(
    "text",
    [
        "id;name;\na;A;\nb;B;\n",          # one trailing separator everywhere
        "id;name;;\na;A;;\nb;B;;\n",        # two
        "id;name\na;A;\nb;B\n",             # only on some data rows
        "id;name;;;\na;A\nb;B;\n",          # only in the header
    ],
)
def test_trailing_separators_are_ignored(text: str) -> None:
    frame = parse_csv_text(text, "a.csv")
    assert list(frame.columns) == ["id", "name"]
    assert records(frame) == {2: {"id": "a", "name": "A"}, 3: {"id": "b", "name": "B"}}


def test_short_rows_are_padded() -> None:
    assert records(parse_csv_text("id;name;type\na;A\n", "a.csv")) == {
        2: {"id": "a", "name": "A", "type": ""}
    }


def test_values_beyond_the_last_headed_column_are_refused_with_the_row() -> None:
    with pytest.raises(InputError) as caught:
        parse_csv_text("Von;An\na;b\nc;d;3\n", "kooperationen.csv")
    assert (caught.value.file, caught.value.row) == ("kooperationen.csv", 3)
    assert "beyond the last column" in str(caught.value)
    assert "'An'" in str(caught.value)


def test_unclosed_quote_names_the_row() -> None:
    with pytest.raises(InputError) as caught:
        parse_csv_text('id;name\na;A\nb;"B\nc;C\n', "akteure.csv")
    assert (caught.value.file, caught.value.row) == ("akteure.csv", 3)
    assert "quote" in str(caught.value)


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff"])
def test_empty_file(text: str) -> None:
    with pytest.raises(InputError, match="the file is empty") as caught:
        parse_csv_text(text, "akteure.csv")
    assert caught.value.file == "akteure.csv"


def test_header_only_gives_an_empty_table() -> None:
    frame = parse_csv_text("id;name;type\n", "akteure.csv")
    assert frame.empty
    assert list(frame.columns) == ["id", "name", "type"]


def test_empty_header_row() -> None:
    with pytest.raises(InputError, match="header row is empty") as caught:
        parse_csv_text(";;\na;b;c\n", "akteure.csv")
    assert caught.value.row == 1


@pytest.mark.parametrize("title", ["Akteure im Bündnis Musterstadt, Stand 2024", "Akteure;;", "Akteure"])
def test_a_title_row_above_the_header_is_recognised(title: str) -> None:
    frame = parse_csv_text(f"{title}\n\nKennung;Typ\na;Kirche\nb;Verein\n", "akteure.csv")
    assert list(frame.columns) == ["Kennung", "Typ"]
    assert list(frame.index) == [4, 5]  # the rows a spreadsheet shows


def test_separator_is_not_taken_from_a_semicolon_in_a_cell() -> None:
    frame = parse_csv_text("id,name,type\na,Foo; Bar; Baz,Kirche\nb,B,Verein\n", "akteure.csv")
    assert frame.loc[2, "name"] == "Foo; Bar; Baz"


def test_duplicate_header() -> None:
    with pytest.raises(InputError) as caught:
        parse_csv_text("id;Name;Name\na;b;c\n", "akteure.csv")
    assert (caught.value.row, caught.value.column) == (1, "Name")
    assert "columns 2 and 3" in str(caught.value)


def test_read_csv_table_reads_bytes_from_disk(tmp_path: Path) -> None:
    path = write(tmp_path / "akteure.csv",
                 "Kennung;Bezeichnung\r\nsj;Kirchengemeinde Sankt Jürgen\r\n".encode("cp1252"))
    frame = read_csv_table(path)
    assert records(frame) == {2: {"Kennung": "sj", "Bezeichnung": "Kirchengemeinde Sankt Jürgen"}}
    with pytest.raises(InputError) as caught:
        read_csv_table(write(tmp_path / "x.csv", b"PK\x03\x04rest"))
    assert caught.value.file == "x.csv"


def test_rows_to_frame() -> None:
    frame = rows_to_frame([(3, ["id", "name", ""]), (4, ["a", "A"]), (6, ["b", "B", ""])], "sheet")
    assert records(frame) == {4: {"id": "a", "name": "A"}, 6: {"id": "b", "name": "B"}}
    with pytest.raises(InputError, match="sheet is empty"):
        rows_to_frame([], "sheet")


# -- column names ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("header", "canonical"),
    [("Kennung", "id"), ("ID", "id"), ("Bezeichnung", "name"), ("Typ", "type"), ("Art", "type"),
     ("Akteurstyp", "type"), ("Sektor", "type")],
)
def test_german_actor_headers(header: str, canonical: str) -> None:
    frame = canonical_columns(pd.DataFrame(columns=[header, "Ehrenamtliche"]), ACTOR_ALIASES, "a.csv")
    assert list(frame.columns) == [canonical, "Ehrenamtliche"]


@pytest.mark.parametrize(
    ("header", "canonical"),
    [("Von", "source"), ("Quelle", "source"), ("An", "target"), ("Ziel", "target"),
     ("Partner", "target"), ("Gewicht", "weight"), ("Stärke", "weight"), ("Staerke", "weight"),
     ("Kooperationsart", "kind"), ("Art der Kooperation", "kind"), ("Welle", "wave"), ("Jahr", "wave"),
     ("Häufigkeit", "weight")],
)
def test_german_tie_headers(header: str, canonical: str) -> None:
    frame = canonical_columns(pd.DataFrame(columns=[header, "Vertrauen"]), TIE_ALIASES, "k.csv")
    assert list(frame.columns) == [canonical, "Vertrauen"]


def test_two_headers_for_one_column_are_refused() -> None:
    with pytest.raises(InputError) as caught:
        canonical_columns(pd.DataFrame(columns=["id", "Kennung"]), ACTOR_ALIASES, "akteure.csv")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("akteure.csv", 1, "Kennung")
    assert "'id'" in str(caught.value) and "keep one" in str(caught.value)


def test_written_headers_and_cite_headers() -> None:
    raw = pd.DataFrame(columns=["Von", "An", "Stärke", "Notiz"])
    renamed = canonical_columns(raw, TIE_ALIASES, "k.csv")
    headers = written_headers(raw, renamed)
    assert headers == {"source": "Von", "target": "An", "weight": "Stärke"}
    cited = cite_headers(
        [Problem("bad", "k.csv", 2, "weight"), Problem("bad", "other.csv", 2, "weight"),
         Problem("bad", "k.csv", 3, None)],
        {"k.csv": headers},
    )
    assert [p.column for p in cited] == ["Stärke", "weight", None]


# -- hostile input: encodings that contradict themselves, limits ----------------------------------


def test_a_file_mixing_utf8_and_windows_1252_is_refused_with_both_rows() -> None:
    data = "id;name\nhk;Südstadt\n".encode() + "kg;Jürgen\n".encode("cp1252")
    with pytest.raises(InputError) as caught:
        decode_text(data, "akteure.csv")
    assert (caught.value.file, caught.value.row) == ("akteure.csv", 3)
    assert "row 2 is UTF-8, row 3 is Windows-1252" in str(caught.value)


@pytest.mark.parametrize("data", [b"\xef\xbb\xbfid\nJ\xfcrgen\n", "id\nx".encode("utf-16") + b"\x00\xd8"])
def test_a_byte_order_mark_that_the_bytes_do_not_keep_is_refused(data: bytes) -> None:
    with pytest.raises(InputError) as caught:
        decode_text(data, "akteure.csv")
    assert caught.value.row == 2 and "byte-order mark" in str(caught.value)


def test_rows_beyond_the_limit_are_not_parsed() -> None:
    text = "id;name\n" + "".join(f"a{i};A\n" for i in range(5))
    assert len(parse_csv_text(text, "a.csv", limits=Limits(max_rows=5))) == 5
    with pytest.raises(InputError, match=r"6 rows or more; at most 5 .*limit max_rows"):
        parse_csv_text(text + "b;B\n", "a.csv", limits=Limits(max_rows=5))
    with pytest.raises(InputError, match=r"6 actors or more; at most 5 .*limit max_actors"):
        parse_csv_text(text + "b;B\n", "a.csv", limits=Limits(max_actors=5), rows="max_actors")
    with pytest.raises(InputError, match=r"limit max_rows"):  # also when a row is ragged
        parse_csv_text(text + "b;B;extra\nc;C\n", "a.csv", limits=Limits(max_rows=5))


def test_columns_are_counted_in_the_header_before_parsing() -> None:
    header = ";".join(f"c{i}" for i in range(11))
    parse_csv_text(f'{header}\n', "a.csv", limits=Limits(max_columns=11))
    with pytest.raises(InputError) as caught:
        parse_csv_text(f'{header};"a;b"\n', "a.csv", limits=Limits(max_columns=11))
    assert caught.value.row == 1 and "12 columns in the header" in str(caught.value)


def test_a_file_larger_than_the_limit_is_not_read(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"id;name\n" + b"a;A\n" * 100)
    with pytest.raises(InputError, match="limit max_unpacked_bytes"):
        read_csv_table(path, limits=Limits(max_unpacked_bytes=100))


def test_windows_1252_that_happens_to_hold_a_utf8_byte_pair_is_still_read() -> None:
    data = "id;name\nf;Verein „Weißer Fuß“\n".encode("cp1252")  # ß“ is DF 93, a UTF-8 pair for U+07D3
    assert decode_text(data, "akteure.csv").endswith("„Weißer Fuß“\n")

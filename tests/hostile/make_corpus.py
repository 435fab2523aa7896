"""Build the hostile-input corpus: broken, odd and malicious alliance files.

``python tests/hostile/make_corpus.py tests/hostile/files`` writes the small cases, which are
committed; the large ones (bombs, 100,000 columns, 10^6 actors, a working group of 6,000) are
made at test time with ``--large`` into a temporary folder, so that the repository stays small.
Each case is one file, or one folder holding an alliance folder's files; its expected outcome is
in ``expected.json`` next to this script.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

Files = dict[str, bytes]

ACTORS = "id,name,type\nhk,Helferkreis,Initiative\nkg,Kirchengemeinde,Kirche\nst,Stadt,Kommune\n"
TIES = "source,target\nhk,kg\nkg,st\n"


def folder(actors: str | bytes = ACTORS, ties: str | bytes | None = TIES, **more: str | bytes) -> Files:
    """An alliance folder's files (text as UTF-8)."""
    files = {"actors.csv": actors, **({"ties.csv": ties} if ties is not None else {}), **more}
    return {name: v.encode("utf-8") if isinstance(v, str) else v for name, v in files.items()}


def ties_with(weight: str) -> Files:
    return folder(ties=f"source,target,weight\nhk,kg,{weight}\nkg,st,1\n")


def meta(text: str) -> Files:
    return folder(**{"alliance.json": text})


def nested_json(depth: int) -> str:
    return '{"name": "tief", "extra": ' + "[" * depth + "]" * depth + "}"


def zipped(members: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_workbook() -> bytes:
    return workbook(
        {
            "actors": [
                ["id", "name", "type"],
                ["hk", "Helferkreis", "Initiative"],
                ["kg", "Kirchengemeinde", "Kirche"],
            ],
            "ties": [["source", "target"], ["hk", "kg"]],
        }
    )


def patched_workbook(replace: Callable[[str, bytes], bytes]) -> bytes:
    """A good workbook with some of its parts rewritten."""
    source = zipfile.ZipFile(io.BytesIO(good_workbook()))
    return zipped({info.filename: replace(info.filename, source.read(info)) for info in source.infolist()})


def forged_dimension(name: str, data: bytes) -> bytes:
    """The sheet claims A1:XFD1048576: 16,384 columns and a million rows, for three cells."""
    if not name.endswith("sheet1.xml"):
        return data
    return re.sub(rb"<dimension [^>]*>", b'<dimension ref="A1:XFD1048576"/>', data, count=1)


def wide_row(name: str, data: bytes) -> bytes:
    if not name.endswith("sheet1.xml"):
        return data
    return data.replace(b"</row>", b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)


def dtd_in_sheet(name: str, data: bytes) -> bytes:
    if not name.endswith("sheet1.xml"):
        return data
    return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + data.split(b"?>", 1)[-1]


def broken_late(name: str, data: bytes) -> bytes:
    """The actors sheet breaks off after its first rows (openpyxl reads sheets lazily)."""
    return data.replace(b"</sheetData>", b"<row><c><v>1</v></c></ro") if name.endswith("sheet1.xml") else data


def no_sheets(name: str, data: bytes) -> bytes:
    if name == "xl/workbook.xml":
        start, end = data.index(b"<sheets>"), data.index(b"</sheets>") + len(b"</sheets>")
        return data[:start] + data[end:]
    return data


GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="type" for="node" attr.name="type" attr.type="string"/>
  <graph edgedefault="undirected">
    <node id="hk"><data key="type">Initiative</data></node>
    <node id="kg"><data key="type">Kirche</data></node>
    <node id="st"><data key="type">Kommune</data></node>
    <edge source="hk" target="kg"/><edge source="kg" target="st"/>{extra}
  </graph>
</graphml>
"""
GEXF = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">
  <graph defaultedgetype="undirected">
    <attributes class="node"><attribute id="0" title="type" type="string"/></attributes>
    <nodes>
      <node id="hk" label="Helferkreis"><attvalues><attvalue for="0" value="Initiative"/></attvalues></node>
      <node id="kg" label="Kirchengemeinde"><attvalues><attvalue for="0" value="Kirche"/></attvalues></node>
    </nodes>
    <edges><edge id="0" source="hk" target="kg"/></edges>
  </graph>
</gexf>
"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">
<node id="&lol4;"/></graph></graphml>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE gexf [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gexf xmlns="http://gexf.net/1.2" version="1.2"><graph><nodes><node id="a" label="&secret;"/></nodes>
</graph></gexf>
"""


def node_link(nodes: object = None, links: object = None, **more: object) -> bytes:
    data = {
        "directed": False,
        "graph": {"name": "Bündnis"},
        "nodes": nodes
        if nodes is not None
        else [{"id": "hk", "type": "Initiative"}, {"id": "kg", "type": "Kirche"}],
        "links": links if links is not None else [{"source": "hk", "target": "kg"}],
        **more,
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def small_cases() -> dict[str, Files | bytes]:
    """Case name (a file name, or a folder name without suffix) -> its files or bytes."""
    cp1252 = "Kennung;Name;Typ\nhk;Helferkreis Südstadt;Initiative\nkg;Kirchengemeinde St. Jürgen;Kirche\n"
    return {
        # -- fine, if odd ----------------------------------------------------------------------
        "ok-plain": folder(),
        "ok-semicolon-cp1252": folder(cp1252.encode("cp1252"), "Von;An\nhk;kg\n".encode("cp1252")),
        "ok-utf8-bom": folder(b"\xef\xbb\xbf" + ACTORS.encode(), TIES),
        "ok-utf16-tabs": folder(
            ACTORS.replace(",", "\t").encode("utf-16"), TIES.replace(",", "\t").encode("utf-16")
        ),
        "ok-decimal-comma": folder(ties="Von;An;Gewicht\nhk;kg;2,5\nkg;st;1.234,5\n"),
        "ok-tabs": folder(ACTORS.replace(",", "\t"), TIES.replace(",", "\t")),
        "ok-quoted-line-breaks": folder(
            'id,name,type\nhk,"Helfer-\nkreis",Initiative\nkg,K,Kirche\n', "source,target\nhk,kg\n"
        ),
        "ok-formulas": folder(
            'id,name,type\nhk,"=HYPERLINK(""http://x"")",Initiative\nkg,@SUM(1),Kirche\n'
            "st,+49 30 1234,Kommune\n"
        ),
        "ok-control-characters": folder(
            "id,name,type\nhk,Helfer\x0bkreis\x07,Initiative\nkg,K\x1f,Kirche\n", "source,target\nhk,kg\n"
        ),
        "ok-look-alike-ids": folder(
            "id,name,type\nhk,Helferkreis,Initiative\n\u04bbk,Kirchenkreis,Kirche\n",
            "source,target\nhk,\u04bbk\n",
        ),
        "ok-composed-and-decomposed": folder(
            "id,name,type\nJ\u00fcrgen,J,Initiative\nkg,K,Kirche\n", "source,target\nJu\u0308rgen,kg\n"
        ),
        "ok-invisible-in-tie": folder(ties="source,target\nh\u200bk,kg\nkg,st\n"),
        "ok-memberships": folder(
            ties=None,
            **{"memberships.csv": "actor,group\nhk,AK Sprache\nkg,AK Sprache\nst,AK Sprache\nhk,AK Arbeit\n"},
        ),
        "ok-trailing-separators": folder(
            "id;name;type;;\nhk;H;Initiative;;\nkg;K;Kirche;;\n", "source;target\nhk;kg\n"
        ),
        "ok-blank-lines": folder(
            "id,name,type\n\nhk,H,Initiative\n\n\nkg,K,Kirche\n", "source,target\n\nhk,kg\n"
        ),
        # -- encodings and text files ----------------------------------------------------------
        "mixed-encoding": folder(
            ("id;name;type\nhk;Helferkreis Südstadt;Initiative\n").encode()
            + "kg;Kirchengemeinde St. Jürgen;Kirche\n".encode("cp1252"),
            "source;target\nhk;kg\n",
        ),
        "utf8-bom-broken": folder(b"\xef\xbb\xbfid,name,type\nhk,H,Initiative\nkg,J\xfcrgen,Kirche\n"),
        "utf16-broken": folder("id\tname\ttype\nhk\tH\tInitiative\n".encode("utf-16") + b"\x00\xd8x\x00"),
        "binary-garbage": folder(random.Random(1).randbytes(4096)),
        "xlsx-saved-as-csv": folder(good_workbook()),
        "pdf-as-csv": folder(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        "empty-actors": folder(b""),
        "whitespace-actors": folder(b" \n \n\t\n"),
        "header-only": folder("id,name,type\n"),
        "title-row": folder("Akteursliste Bündnis 2024\nid,name,type\nhk,H,Initiative\n"),
        "empty-header": folder(",,\nhk,H,Initiative\n"),
        "duplicate-header": folder("id,name,name,type\nhk,H,H2,Initiative\n"),
        "two-id-headers": folder("id,Kennung,name,type\nhk,hk,H,Initiative\n"),
        "ragged-row": folder("id,name,type\nhk,H,Initiative,extra\nkg,K,Kirche\n"),
        "unclosed-quote": folder('id,name,type\nhk,"Helferkreis,Initiative\nkg,K,Kirche\n'),
        "missing-ties-file": folder(ties=None),
        # -- rows and cells ----------------------------------------------------------------------
        "duplicate-ids": folder("id,name,type\nhk,H,Initiative\nkg,K,Kirche\nhk,H2,Verein\n"),
        "zero-width-ids": folder("id,name,type\nhk,H,Initiative\nh\u200bk,H2,Verein\nkg,K,Kirche\n"),
        "empty-id": folder("id,name,type\nhk,H,Initiative\n,K,Kirche\n"),
        "unknown-type": folder("id,name,type\nhk,H,Initiative\nkg,K,Raumschiff\nst,S,Kommune\n"),
        "self-loop": folder(ties="source,target\nhk,hk\nkg,st\n"),
        "tie-to-unknown-actor": folder(ties="source,target\nhk,kg\nkg,xy\n"),
        "duplicate-ties": folder(ties="source,target\nhk,kg\nhk,kg\n"),
        # read as undirected, A→B and B→A are one tie (weights added), no duplicate
        "reciprocal-ties": folder(ties="source,target\nhk,kg\nkg,hk\n"),
        "weight-zero": ties_with("0"),
        "weight-negative": ties_with("-2"),
        "weight-nan": ties_with("NaN"),
        "weight-inf": ties_with("inf"),
        "weight-text": ties_with("oft"),
        "weight-huge": ties_with("1e400"),
        "id-too-long": folder(
            f"id,name,type\n{'x' * 301},H,Initiative\nkg,K,Kirche\n", "source,target\nkg,kg2\n"
        ),
        "name-too-long": folder(f"id,name,type\nhk,{'N' * 501},Initiative\nkg,K,Kirche\n"),
        "cell-too-long": folder(f"id,name,type,notiz\nhk,H,Initiative,{'z' * 10_001}\nkg,K,Kirche,\n"),
        "kind-too-long": folder(ties=f"source,target,kind\nhk,kg,{'k' * 201}\n"),
        "nul-bytes": folder(b"id,name,type\nhk,H\x00,Initiative\n"),
        # -- metadata ----------------------------------------------------------------------------
        "founded-huge": meta('{"name": "B", "founded": 100000000000000000000000}'),
        "founded-huge-text": meta('{"name": "B", "founded": "100000000000000000000000"}'),
        "funding-1e400": meta('{"name": "B", "funding": 1e400}'),
        "funding-nan": meta('{"name": "B", "funding": NaN}'),
        "funding-negative": meta('{"name": "B", "funding": -5}'),
        "meta-infinity-nested": meta('{"name": "B", "extra": {"x": [1, -Infinity]}}'),
        "meta-deep": meta(nested_json(200)),
        "meta-not-json": meta('{"name": "B",}'),
        "meta-not-object": meta("[1, 2]"),
        "meta-directed-maybe": meta('{"name": "B", "directed": "vielleicht"}'),
        # -- graph files -------------------------------------------------------------------------
        "ok.graphml": GRAPHML.format(extra="").encode(),
        "ok.gexf": GEXF.encode(),
        "ok.json": node_link(),
        "entity-bomb.graphml": BILLION_LAUGHS.encode(),
        "external-entity.gexf": EXTERNAL_ENTITY.encode(),
        "not-well-formed.graphml": GRAPHML.format(extra="<edge").encode(),
        "empty.graphml": b"",
        "missing-type.graphml": GRAPHML.replace('<data key="type">Kirche</data>', "")
        .format(extra="")
        .encode(),
        "edge-to-unknown.gexf": GEXF.replace('target="kg"', 'target="zz"').encode(),
        "deep-elements.graphml": GRAPHML.format(
            extra="<data key='type'>" + "<x>" * 150 + "</x>" * 150 + "</data>"
        ).encode(),
        "deep.json": node_link(
            nodes=[{"id": "hk", "type": "Initiative", "extra": json.loads("[" * 150 + "]" * 150)}]
        ),
        "nan-weight.json": node_link(links=[{"source": "hk", "target": "kg", "weight": float("nan")}]),
        "not-an-object.json": b"[]",
        "many-attributes.json": node_link(
            nodes=[
                {"id": f"n{i}", "type": "Verein", **{f"a{i}x{j}": 1 for j in range(20)}} for i in range(60)
            ]
        ),
        "nodes-not-a-list.json": b'{"nodes": {"hk": 1}, "links": []}',
        "node-not-an-object.json": b'{"nodes": [1, 2], "links": []}',
        "graph-not-an-object.json": node_link(graph=[1]),
        "latin1.json": node_link().decode().encode("latin-1"),
        # -- workbooks ---------------------------------------------------------------------------
        "ok.xlsx": good_workbook(),
        "forged-dimension.xlsx": patched_workbook(forged_dimension),
        "wide-row.xlsx": patched_workbook(wide_row),
        "no-sheets.xlsx": patched_workbook(no_sheets),
        "dtd-in-sheet.xlsx": patched_workbook(dtd_in_sheet),
        "sheet-broken-late.xlsx": patched_workbook(broken_late),
        "truncated.xlsx": good_workbook()[:1500] + good_workbook()[-200:],
        "wrong-sheets.xlsx": workbook({"Tabelle1": [["id", "name", "type"]]}),
        "garbage.xlsx": random.Random(2).randbytes(2048),
        "zip-not-xlsx.xlsx": zipped({"hello.txt": b"hello"}),
        "old-xls.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "founded-huge.xlsx": workbook(
            {
                "actors": [["id", "type"], ["hk", "Initiative"], ["kg", "Kirche"]],
                "ties": [["source", "target"], ["hk", "kg"]],
                "alliance": [["founded", 10**23]],
            }
        ),
        # -- archives ----------------------------------------------------------------------------
        "ok.zip": zipped(
            {
                "buendnis/actors.csv": ACTORS.encode(),
                "buendnis/ties.csv": TIES.encode(),
                "__MACOSX/buendnis/._actors.csv": b"\x00\x05",
            }
        ),
        "zip-slip.zip": zipped({"../../evil/actors.csv": ACTORS.encode(), "ties.csv": TIES.encode()}),
        "zip-absolute.zip": zipped({"/etc/actors.csv": ACTORS.encode(), "ties.csv": TIES.encode()}),
        "zip-link.zip": zipped(
            {"actors.csv": b"/etc/passwd", "ties.csv": TIES.encode()}, links=("actors.csv",)
        ),
        "zip-nested.zip": zipped(
            {"inner.zip": zipped({"actors.csv": ACTORS.encode(), "ties.csv": TIES.encode()})}
        ),
        "zip-empty.zip": zipped({}),
        "zip-many-members.zip": zipped({f"m{i}.txt": b"" for i in range(1001)}),
        "zip-two-alliances.zip": zipped(
            {
                "a/actors.csv": ACTORS.encode(),
                "a/ties.csv": TIES.encode(),
                "b/actors.csv": ACTORS.encode(),
                "b/ties.csv": TIES.encode(),
            }
        ),
        "not-a-zip.zip": b"id,name,type\n",
        "wrong-suffix.txt": ACTORS.encode(),
        "no-suffix-file.csv": ACTORS.encode(),
    }


def zeros(size: int) -> bytes:
    return b"0" * size


def streamed_zip(
    path: Path,
    name: str,
    size: int,
    *,
    head: bytes = b"",
    tail: bytes = b"",
    others: dict[str, bytes] | None = None,
) -> None:
    """A zip whose member ``name`` unpacks to about ``size`` bytes of repeated text (a zip bomb)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for other, data in (others or {}).items():
            archive.writestr(other, data)
        with archive.open(name, "w", force_zip64=True) as member:
            member.write(head)
            block = b"<row><c><v>0</v></c></row>" * 40_000
            for _ in range(size // len(block)):
                member.write(block)
            member.write(tail)


def large_cases(root: Path) -> None:
    """Write the large cases into ``root`` (each is refused before the costly step)."""
    root.mkdir(parents=True, exist_ok=True)
    streamed_zip(
        root / "zip-bomb.zip", "buendnis/actors.csv", 300 * 2**20, others={"buendnis/ties.csv": TIES.encode()}
    )
    good = zipfile.ZipFile(io.BytesIO(good_workbook()))
    parts = {
        info.filename: good.read(info) for info in good.infolist() if not info.filename.endswith("sheet1.xml")
    }
    streamed_zip(
        root / "sheet-bomb.xlsx",
        "xl/worksheets/sheet1.xml",
        300 * 2**20,
        head=b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
        tail=b"</sheetData></worksheet>",
        others=parts,
    )
    wide = root / "columns-100k"
    wide.mkdir(exist_ok=True)
    header = ",".join(["id", "name", "type"] + [f"c{i}" for i in range(100_000)])
    (wide / "actors.csv").write_text(header + "\nhk,H,Initiative\n", encoding="utf-8")
    (wide / "ties.csv").write_text(TIES, encoding="utf-8")
    many = root / "actors-1m"
    many.mkdir(exist_ok=True)
    (many / "actors.csv").write_text(
        "id,name,type\n" + "".join(f"a{i},A {i},Verein\n" for i in range(10**6)), encoding="utf-8"
    )
    (many / "ties.csv").write_text("source,target\na0,a1\n", encoding="utf-8")
    group = root / "memberships-bomb"
    group.mkdir(exist_ok=True)
    (group / "actors.csv").write_text(
        "id,type\n" + "".join(f"m{i},Verein\n" for i in range(6000)), encoding="utf-8"
    )
    (group / "memberships.csv").write_text(
        "actor,group\n" + "".join(f"m{i},AK\n" for i in range(6000)), encoding="utf-8"
    )
    nodes = "".join(f'<node id="n{i}"><data key="type">Verein</data></node>' for i in range(100_001))
    (root / "nodes-100k.graphml").write_text(GRAPHML.format(extra=nodes), encoding="utf-8")
    (root / "deep-100k.json").write_text(nested_json(100_000), encoding="utf-8")
    (root / "deep-100k.graphml").write_text(
        GRAPHML.format(extra="<x>" * 100_000 + "</x>" * 100_000), encoding="utf-8"
    )


def write_small(root: Path) -> None:
    """Write the small cases into ``root``: files as they are, folders as folders."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in small_cases().items():
        if isinstance(content, bytes):
            (root / name).write_bytes(content)
        else:
            (root / name).mkdir(exist_ok=True)
            for file, data in content.items():
                (root / name / file).write_bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--large", action="store_true", help="write the large cases instead of the small")
    args = parser.parse_args()
    (large_cases if args.large else write_small)(args.folder)


if __name__ == "__main__":
    main()

"""Zip archives of an alliance folder (or of one file): what is read, what is refused."""

from __future__ import annotations

import stat
import tempfile
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from netz.core import io
from netz.core.errors import InputError, Problem
from netz.core.limits import Limits

ACTORS = "Kennung;Bezeichnung;Typ\nsj;Kirchengemeinde Sankt Jürgen;Kirche\nst;Stadt;Stadt\n"
TIES = "Von;An;Stärke\nsj;st;2,5\n"


def archive(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, content in members.items():
            zipped.writestr(name, content)
    return path


def problems(path: Path, **options) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        io.read(path, **options)
    return caught.value.problems


@pytest.fixture(autouse=True)
def private_temp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A temporary folder of this test's own: other runs on the machine unpack into /tmp too."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("temp")))


def leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("netz-zip-*")}


@pytest.mark.parametrize("prefix", ["", "Bündnis Süd/", "export/2024/buendnis/"])
def test_folder_in_a_zip(tmp_path: Path, prefix: str) -> None:
    path = archive(tmp_path / "buendnis.zip", {
        f"{prefix}akteure.csv": ACTORS.encode("cp1252"),
        f"{prefix}kooperationen.csv": TIES.encode("cp1252"),
        f"{prefix}alliance.json": '{"name": "Bündnis Süd", "directed": true}',
    })
    alliance = io.read(path)
    assert alliance.actor("sj").name == "Kirchengemeinde Sankt Jürgen"
    assert alliance.ties["weight"].tolist() == [2.5]
    assert alliance.directed is True
    assert alliance.meta == {"name": "Bündnis Süd"}


def test_one_graph_file_in_a_zip(tmp_path: Path) -> None:
    graph = nx.Graph()
    graph.add_node("a", type="Kirche")
    graph.add_node("b", type="Schule")
    graph.add_edge("a", "b")
    nx.write_graphml(graph, tmp_path / "g.graphml")
    path = tmp_path / "g.zip"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.write(tmp_path / "g.graphml", "daten/g.graphml")
    assert io.read(path).n_ties == 1


def test_macos_clutter_is_ignored(tmp_path: Path) -> None:
    path = archive(tmp_path / "buendnis.zip", {
        "buendnis/akteure.csv": ACTORS, "buendnis/kooperationen.csv": TIES,
        "__MACOSX/buendnis/._akteure.csv": b"\x00\x05\x16\x07 resource fork",
        "__MACOSX/buendnis/._alliance.json": b"\x00\x05\x16\x07",
        "buendnis/.DS_Store": b"\x00\x00\x00\x01Bud1",
    })
    assert io.read(path).n_actors == 2


def test_macos_clutter_next_to_a_single_graph_file(tmp_path: Path) -> None:
    data = '{"nodes": [{"id": "a", "type": "Kirche"}, {"id": "b", "type": "Stadt"}], "links": []}'
    path = archive(tmp_path / "g.zip", {"g.json": data, "__MACOSX/._g.json": b"\x00\x05\x16\x07"})
    assert io.read(path).n_actors == 2


def test_problems_inside_name_the_file_and_the_archive(tmp_path: Path) -> None:
    path = archive(tmp_path / "buendnis.zip", {
        "b/akteure.csv": ACTORS, "b/kooperationen.csv": "Von;An\nsj;Rathaus\n",
    })
    found = problems(path)
    assert [(p.file, p.row, p.column) for p in found] == [("kooperationen.csv in buendnis.zip", 2, "An")]


def test_missing_ties_file_is_not_cited_by_a_temporary_path(tmp_path: Path) -> None:
    found = problems(archive(tmp_path / "buendnis.zip", {"b/akteure.csv": ACTORS}))
    assert found[0].file == "b in buendnis.zip"
    assert tempfile.gettempdir() not in str(found[0])


@pytest.mark.parametrize(
    "evil",
    ["../evil.csv", "b/../../evil.csv", "/tmp/evil.csv", "..\\evil.csv", "C:/evil.csv", "\\evil.csv"],
)
def test_members_outside_the_archive_are_refused(tmp_path: Path, evil: str) -> None:
    (tmp_path / "inner").mkdir()
    path = archive(tmp_path / "inner" / "buendnis.zip",
                   {"akteure.csv": ACTORS, "kooperationen.csv": TIES, evil: "x"})
    before = leftovers()
    found = problems(path)
    assert found[0].file == "buendnis.zip"
    assert f"'{evil}' points outside the archive" in found[0].message
    assert not (tmp_path / "evil.csv").exists()
    assert not Path("/tmp/evil.csv").exists()
    assert leftovers() == before  # nothing was unpacked


def test_symbolic_links_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "buendnis.zip"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("akteure.csv", ACTORS)
        zipped.writestr("kooperationen.csv", TIES)
        link = zipfile.ZipInfo("passwd.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(link, "/etc/passwd")
    assert "is a link" in problems(path)[0].message


def test_two_alliances_or_none(tmp_path: Path) -> None:
    two = archive(tmp_path / "two.zip", {"a/actors.csv": ACTORS, "a/ties.csv": TIES,
                                         "b/akteure.csv": ACTORS, "b/kooperationen.csv": TIES})
    assert "found 2 folders" in problems(two)[0].message
    none = archive(tmp_path / "none.zip", {"liesmich.txt": "Hallo"})
    found = problems(none)
    assert found[0].file == "none.zip"
    assert "expected one alliance" in found[0].message
    graphs = archive(tmp_path / "graphs.zip", {"a.graphml": "<graphml/>", "b.json": "{}"})
    assert "found 0 folders and 2 files" in problems(graphs)[0].message


def test_empty_and_fake_archives(tmp_path: Path) -> None:
    assert "empty" in problems(archive(tmp_path / "empty.zip", {}))[0].message
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"not a zip at all")
    assert "not a zip archive" in problems(fake)[0].message


def test_damaged_member(tmp_path: Path) -> None:
    path = archive(tmp_path / "buendnis.zip", {"akteure.csv": ACTORS * 50, "kooperationen.csv": TIES})
    data = bytearray(path.read_bytes())
    start = data.index(b"akteure.csv") + len("akteure.csv")
    data[start + 5:start + 40] = bytes(35)  # overwrite compressed bytes of the first member
    path.write_bytes(bytes(data))
    found = problems(path)
    assert found[0].file == "buendnis.zip"
    assert "damaged" in found[0].message


def test_nothing_is_left_behind_after_an_error(tmp_path: Path) -> None:
    before = leftovers()
    path = archive(tmp_path / "buendnis.zip", {"akteure.csv": ACTORS, "kooperationen.csv": "Von;An\nx;y\n"})
    with pytest.raises(InputError):
        io.read(path)
    assert leftovers() == before


def test_password_protected_archive(tmp_path: Path) -> None:
    path = archive(tmp_path / "buendnis.zip", {"akteure.csv": ACTORS, "kooperationen.csv": TIES})
    # Mark the first member "encrypted" (general-purpose flag bit 0) in both of its headers;
    # zipfile then asks for a password. (zipfile itself cannot write encrypted archives.)
    data = bytearray(path.read_bytes())
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    path.write_bytes(bytes(data))
    found = problems(path)
    assert found[0].file == "buendnis.zip"
    assert "without a password" in found[0].message


def test_the_unpacked_size_is_checked_before_anything_is_extracted(tmp_path: Path) -> None:
    path = archive(tmp_path / "b.zip", {"actors.csv": ACTORS + " " * 5000, "ties.csv": TIES})
    assert io.read(path, limits=Limits(max_unpacked_bytes=6000)).n_actors == 2
    before = leftovers()
    [problem] = problems(path, limits=Limits(max_unpacked_bytes=5000))
    assert problem.file == "b.zip" and "limit max_unpacked_bytes" in problem.message
    assert leftovers() == before


def test_limits_reach_the_files_inside(tmp_path: Path) -> None:
    path = archive(tmp_path / "b.zip", {"buendnis/akteure.csv": ACTORS, "buendnis/kooperationen.csv": TIES})
    [problem] = problems(path, limits=Limits(max_actors=1))
    assert problem.file == "akteure.csv in b.zip" and "limit max_actors" in problem.message

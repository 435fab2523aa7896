"""Reading and writing alliances in every format netz knows.

>>> from pathlib import Path
>>> sorted(FORMATS)
['folder', 'gexf', 'graphml', 'json', 'xlsx']
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import IO

from netz.core.errors import Count, InputError, Place, Problem
from netz.core.io.folder import read_folder, write_folder
from netz.core.io.graphfiles import (
    read_gexf,
    read_graphml,
    read_node_link,
    write_gexf,
    write_graphml,
    write_node_link,
)
from netz.core.io.tables import check_bytes
from netz.core.io.workbook import read_workbook, write_workbook
from netz.core.limits import DEFAULT_LIMITS, Limits
from netz.core.model import Alliance

__all__ = ["FORMATS", "format_of", "read", "read_zip", "write"]

Reader = Callable[..., Alliance]
Writer = Callable[[Alliance, Path], None]

#: Format name -> (reader, writer, file suffixes).
FORMATS: dict[str, tuple[Reader, Writer, tuple[str, ...]]] = {
    "folder": (read_folder, write_folder, ()),
    "xlsx": (read_workbook, write_workbook, (".xlsx", ".xlsm")),
    "graphml": (read_graphml, write_graphml, (".graphml",)),
    "gexf": (read_gexf, write_gexf, (".gexf",)),
    "json": (read_node_link, write_node_link, (".json",)),
}
_MAX_ZIP_MEMBERS = 1000


def format_of(path: Path) -> str:
    """The format a path stands for: a folder, or a file suffix."""
    if path.is_dir() or (not path.exists() and not path.suffix):
        return "folder"
    suffix = path.suffix.lower()
    for name, (_, _, suffixes) in FORMATS.items():
        if suffix in suffixes:
            return name
    if suffix == ".zip":
        return "zip"
    if suffix in (".csv", ".txt", ".tsv"):
        raise InputError.single(
            "input.single_table", suffix=suffix,
            file=path.name,
        )
    known = ", ".join(s for _, _, suffixes in FORMATS.values() for s in suffixes)
    raise InputError.single(
        "input.unknown_format", name=suffix or path.name, known=known,
        file=path.name,
    )


def read(
    path: str | Path, *, directed: bool | None = None, lenient: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Alliance:
    """Read an alliance from a folder, a .zip of a folder, .xlsx, .graphml, .gexf or .json.

    ``directed`` overrides what the input says; ``lenient`` maps unknown actor
    types to ``other`` and drops duplicate ties, with warnings in
    ``alliance.warnings``. ``limits`` bounds what is read (sizes, rows, columns,
    actors, ties …; :class:`~netz.core.limits.Limits`, generous by default). Raises
    :class:`~netz.core.errors.InputError` for anything it cannot read or that exceeds a
    limit; nothing is ever half-read.
    """
    path = Path(path)
    if not path.exists():
        raise InputError.single("input.no_such_file", file=str(path))
    kind = format_of(path)
    if kind == "zip":
        return read_zip(path, directed=directed, lenient=lenient, limits=limits)
    reader = FORMATS[kind][0]
    return reader(path, directed=directed, lenient=lenient, limits=limits)


def write(alliance: Alliance, path: str | Path, *, format: str | None = None) -> Path:
    """Write an alliance; the format follows the suffix (no suffix: a folder of CSV files)."""
    path = Path(path)
    kind = format or format_of(path)
    if kind not in FORMATS:
        raise InputError.single("input.write.format", kind=kind, formats=", ".join(FORMATS), file=str(path))
    if kind == "folder":
        FORMATS[kind][1](alliance, path)
        return path
    if not path.parent.is_dir():
        raise InputError.single("input.write.no_folder", folder=str(path.parent), file=str(path))
    # Write next to the target and rename, so that a failed write leaves no half-written file.
    # (Not mkstemp: its file would keep mode 0600 instead of the usual permissions.)
    partial = path.with_name(f".{path.stem}-{secrets.token_hex(4)}{path.suffix}")
    try:
        FORMATS[kind][1](alliance, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def read_zip(
    path: Path, *, directed: bool | None = None, lenient: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Alliance:
    """Read a .zip holding an alliance folder (at its top or in one subfolder) or one graph file.

    Members whose paths climb out of the archive (``../``, absolute paths),
    links, too many members and an unpacked size beyond ``limits.max_unpacked_bytes``
    are refused before anything is extracted; what is extracted is counted too, in case
    the archive's directory understates it.
    """
    file = path.name
    if not zipfile.is_zipfile(path):
        raise InputError.single("input.zip_not_zip", file=file)
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        _check_members(members, file, limits)
        # macOS adds __MACOSX/._name resource forks and .DS_Store; they are not part of the alliance.
        members = [m for m in members if not _is_clutter(m.filename)]
        with tempfile.TemporaryDirectory(prefix="netz-zip-") as tmp:
            root = Path(tmp)
            for member in members:
                target = root.joinpath(*PurePosixPath(member.filename).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with archive.open(member) as source, target.open("wb") as sink:
                        _copy(source, sink, member.file_size, file)
                except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                    raise InputError.single("input.zip_damaged", file=file, entry=member.filename,
                                            error=error) from None
                except (RuntimeError, NotImplementedError) as error:  # encrypted, unknown compression
                    raise InputError.single("input.zip_cannot_unpack", file=file, entry=member.filename,
                                            error=error) from None
            try:
                alliance = read(_alliance_in(root, file), directed=directed, lenient=lenient, limits=limits)
            except InputError as error:
                raise InputError(_in_archive(error.problems, file, root)) from None
    return dataclasses.replace(alliance, warnings=tuple(_in_archive(alliance.warnings, file, root)))


def _in_archive(problems: Iterable[Problem], file: str, root: Path) -> list[Problem]:
    """Cite files inside the archive as "akteure.csv in buendnis.zip", never by the temporary path."""
    cited = []
    for problem in problems:
        inner = problem.file
        if inner and inner.startswith(str(root)):
            inner = Path(inner).relative_to(root).as_posix()
        cited.append(dataclasses.replace(problem, file=Place("in_archive", inner=inner, archive=file))
                     if inner and inner != file else problem)
    return cited


def _copy(source: IO[bytes], sink: IO[bytes], declared: int, file: str) -> None:
    """Copy one member, never more than the size the archive's directory declares for it.

    zipfile itself refuses a member that unpacks to more than that ("Bad CRC" or an
    EOFError); the count here makes sure of it without relying on that.
    """
    written = 0
    while chunk := source.read(1024 * 1024):
        written += len(chunk)
        if written > declared:
            raise InputError.single("input.zip_larger", file=file)
        sink.write(chunk)


def _check_members(members: list[zipfile.ZipInfo], file: str, limits: Limits) -> None:
    if not members:
        raise InputError.single("input.zip_empty", file=file)
    if len(members) > _MAX_ZIP_MEMBERS:
        raise InputError.single("input.zip_too_many", file=file, found=Count(len(members)),
                                allowed=Count(_MAX_ZIP_MEMBERS))
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise InputError.single("input.zip_outside", file=file, entry=member.filename)
        if (member.external_attr >> 16) & 0o170000 == 0o120000:
            raise InputError.single("input.zip_link", file=file, entry=member.filename)
    check_bytes(sum(m.file_size for m in members), file, limits)


def _is_clutter(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return "__MACOSX" in parts or (bool(parts) and (parts[-1].startswith("._") or parts[-1] == ".DS_Store"))


def _alliance_in(root: Path, file: str) -> Path:
    names = ("actors.csv", "akteure.csv")
    folders = sorted({p.parent for p in root.rglob("*") if p.name.lower() in names})
    if len(folders) == 1:
        return folders[0]
    graphs = [p for p in root.rglob("*") if p.suffix.lower() in (".xlsx", ".graphml", ".gexf", ".json")
              and p.name.lower() not in ("alliance.json", "buendnis.json", "bündnis.json")]
    if not folders and len(graphs) == 1:
        return graphs[0]
    raise InputError.single("input.zip_not_one", file=file, folders=len(folders), files=len(graphs))

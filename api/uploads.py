"""Reading an uploaded alliance file (a form's ``file`` field) into a netz alliance.

Shared by the import of a new alliance, the preview of an upload and a new revision from a file:
one way of reading an upload, with the same limits and the same errors.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePath

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect

from api.config import Settings
from api.problems import Refusal
from api.schemas import without_recorded
from netz.core import io
from netz.core.errors import InputError, Place, Problem
from netz.core.model import Alliance

__all__ = ["IMPORT_SUFFIXES", "read_upload"]

#: File types the import accepts, by suffix.
IMPORT_SUFFIXES = (".xlsx", ".zip", ".graphml", ".gexf", ".json")


async def read_upload(request: Request, settings: Settings, *, directed: bool | None,
                      lenient: bool) -> Alliance:
    """The alliance in the request's ``file`` field: all of it, or an :class:`InputError` naming
    the uploaded file (not the temporary copy). An alliance without a name is named after the file.
    Metadata netz records itself is left out, with a warning (:func:`api.schemas.without_recorded`).
    """
    file = await _uploaded_file(request)
    name = PurePath(file.filename or "upload").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise Refusal(415, "problem.upload.suffix", name=name, suffixes=", ".join(IMPORT_SUFFIXES))
    with tempfile.TemporaryDirectory(prefix="netz-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as sink:
            while chunk := await file.read(1024 * 1024):
                sink.write(chunk)
        await file.close()  # the form's spooled copy: not kept until the request ends
        # Reading takes CPU time (about a second for 10,000 ties): off the event loop, so that
        # this worker keeps answering other requests meanwhile.
        try:
            alliance = await run_in_threadpool(io.read, path, directed=directed, lenient=lenient,
                                               limits=settings.limits())
        except InputError as error:
            raise InputError(_renamed(error.problems, path, name)) from None
    # the warnings too name the uploaded file, not the temporary copy
    meta = dict(alliance.meta)
    if not alliance.name:
        meta["name"] = PurePath(name).stem
    return without_recorded(Alliance(alliance.actors, alliance.ties, alliance.directed, alliance.weighted,
                                     meta, tuple(_renamed(alliance.warnings, path, name))), name)


async def _uploaded_file(request: Request) -> UploadFile:
    """The form's ``file`` field: 400 for a form that cannot be parsed, 422 without that field."""
    try:
        form = await request.form(max_files=1, max_fields=10)
    except MultiPartException as error:
        raise Refusal(400, "problem.upload.unreadable", reason=error.message) from None
    except ClientDisconnect:  # e.g. refused by BodySizeLimit, which has answered already
        raise Refusal(400, "problem.upload.broken_off") from None
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise RequestValidationError([{"type": "missing", "loc": ("body", "file"), "msg": "Field required",
                                       "input": None}])
    return file


def _renamed(problems: Sequence[Problem], internal: Path, shown: str) -> list[Problem]:
    """The problems (of an error, or warnings) with the uploaded file's own name where the
    temporary path or name stood."""

    def rename(text: str) -> str:
        text = text.replace(str(internal), shown).replace(str(internal.parent), "")
        return text.replace(internal.name, shown)

    def renamed(value: object) -> object:
        """A file name, a place in a file (a sheet, an archive's member) or any other parameter."""
        if isinstance(value, Place):
            return value.renamed(rename)
        return rename(value) if isinstance(value, str) else value

    return [
        Problem(rename(p.code), p.file.renamed(rename) if isinstance(p.file, Place)
                else rename(p.file or "") or shown,
                p.row, p.column, {name: renamed(v) for name, v in p.params.items()})
        for p in problems
    ]

"""Every file of the hostile corpus (``tests/hostile``) through ``netz validate``, ``netz report``
and the import endpoint, on SQLite and PostgreSQL, with the outcome ``expected.json`` documents.

No input may crash netz or take its memory or CPU: each case is either read ("ok") or refused as
an input error — exit status 2 naming the file, row and column, a 4xx problem from the service —
and a refused import changes nothing in the database. The large cases (bombs, 100,000 columns,
10^6 actors, a working group of 6,000) are made at test time; they must be refused before the
costly step, which is what keeps this module fast.
"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from netz.cli import main
from tests.hostile.make_corpus import large_cases

HOSTILE = Path(__file__).parents[1] / "hostile"

EXPECTED: dict[str, dict[str, Any]] = json.loads((HOSTILE / "expected.json").read_text(encoding="utf-8"))
CASES = sorted(EXPECTED)
IMPORT = "/api/v1/alliances/import"
#: Suffixes the import takes; anything else is answered 415 before it is read.
IMPORTABLE = (".xlsx", ".zip", ".graphml", ".gexf", ".json")


@pytest.fixture(scope="session")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-large")
    large_cases(root)
    return root


@pytest.fixture(scope="session")
def uploads() -> dict[str, tuple[str, bytes]]:
    """Each case as the import takes it (a folder as a .zip of its files), made once."""
    return {}


def case_path(case: str, large: Path) -> Path:
    return (large if EXPECTED[case].get("large") else HOSTILE / "files") / case


def upload_of(case: str, large: Path, uploads: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    if case not in uploads:
        path = case_path(case, large)
        if path.is_dir():
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for member in sorted(path.iterdir()):
                    archive.write(member, member.name)
            uploads[case] = (f"{case}.zip", buffer.getvalue())
        else:
            uploads[case] = (case, path.read_bytes())
    return uploads[case]


def test_the_corpus_is_documented(large: Path) -> None:
    found = {p.name for p in (HOSTILE / "files").iterdir()} | {p.name for p in large.iterdir()}
    assert found == set(EXPECTED)
    assert len(EXPECTED) >= 60
    assert all(e["outcome"] in ("ok", "input-error") for e in EXPECTED.values())


def assert_cites(expected: dict[str, Any], text: str) -> None:
    """The message names what ``expected.json`` says: the limit, the column, the row, the words."""
    if "limit" in expected:
        assert f"limit {expected['limit']}" in text
    if "column" in expected:
        assert f"column '{expected['column']}'" in text
    if "row" in expected:
        assert f"row {expected['row']}" in text
    if "message" in expected:
        assert expected["message"] in text


@pytest.mark.parametrize("case", CASES)
def test_validate(case: str, large: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = EXPECTED[case]
    status = main(["validate", str(case_path(case, large)), "--lang", "en"])
    out, err = capsys.readouterr()
    if expected["outcome"] == "ok":
        assert status == 0, err
        assert "OK" in out
        if "warning" in expected:
            assert expected["warning"] in err
    else:
        assert status == 2, out
        assert err.startswith("netz: ") and "Traceback" not in err
        assert_cites(expected, err)


@pytest.mark.parametrize("case", CASES)
def test_report(case: str, large: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["report", str(case_path(case, large)), "--format", "json"])
    out, err = capsys.readouterr()
    if EXPECTED[case]["outcome"] == "ok":
        assert status == 0, err
        assert json.loads(out)["network"]
    else:
        assert status == 2 and "Traceback" not in err


@pytest.mark.parametrize("case", CASES)
def test_import(case: str, large: Path, uploads: dict[str, tuple[str, bytes]], client: TestClient,
                admin: dict[str, str], row_counts: Callable[[], dict[str, int]]) -> None:
    expected = EXPECTED[case]
    name, content = upload_of(case, large, uploads)
    before = row_counts()
    response = client.post(IMPORT, headers={**admin, "Accept-Language": "en"},  # it reads English words
                           files={"file": (name, content, "application/octet-stream")})
    if expected["outcome"] == "ok":
        assert response.status_code == 201, response.text
        assert row_counts()["alliances"] == before["alliances"] + 1
        return
    status = 422 if name.endswith(IMPORTABLE) else 415
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert row_counts() == before
    # The problem names the uploaded file, never the server's temporary one.
    assert "netz-upload" not in response.text and "/tmp" not in response.text
    if status == 422:
        problem = response.json()["problems"][0]
        assert name in problem["file"]
        assert_cites(expected, response.json()["detail"])


def test_the_service_limits_are_settings(make_app: Callable[..., FastAPI], client: TestClient,
                                          admin: dict[str, str], large: Path,
                                          uploads: dict[str, tuple[str, bytes]],
                                          row_counts: Callable[[], dict[str, int]]) -> None:
    """An operator tightens (or raises) a limit; the library's defaults are not the service's."""
    before = row_counts()
    with TestClient(make_app(max_actors=2)) as limited:
        response = limited.post(IMPORT, headers=admin, files={"file": upload_of("ok-plain", large, uploads)})
    assert response.status_code == 422, response.text
    assert "3 Akteure oder mehr; höchstens 2 sind erlaubt (Grenze max_actors" in response.json()["detail"]
    assert row_counts() == before


def request_body_read(app: FastAPI, headers: dict[str, str]) -> tuple[int, int]:
    """POST an upload of 64 chunks straight to the ASGI app: (status, chunks the app asked for)."""
    chunks = [b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.json"\r\n\r\n'] + \
        [b" " * 1024] * 63 + [b"\r\n--b--\r\n"]
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked > len(chunks):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunks[asked - 1], "more_body": asked < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": IMPORT, "raw_path": IMPORT.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"test"), (b"content-type", b"multipart/form-data; boundary=b"),
                    *((k.lower().encode(), v.encode()) for k, v in headers.items())],
        "client": ("127.0.0.1", 1), "server": ("test", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return next(m["status"] for m in sent if m["type"] == "http.response.start"), asked


@pytest.mark.parametrize("role", [None, "funder", "researcher"])
def test_the_key_is_checked_before_the_upload_is_read(role: str | None, app: FastAPI, client: TestClient,
                                                      new_key: Callable[..., str]) -> None:
    headers = {"Authorization": f"Bearer {new_key(role)}"} if role else {}
    status, asked = request_body_read(app, headers)
    assert status == (403 if role else 401)
    assert asked == 0


def test_an_admin_upload_is_read(app: FastAPI, client: TestClient, new_key: Callable[..., str]) -> None:
    status, asked = request_body_read(app, {"Authorization": f"Bearer {new_key('admin')}"})
    assert status == 422 and asked >= 64  # every chunk

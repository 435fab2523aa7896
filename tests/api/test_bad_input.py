"""Bad input: oversized, broken, hostile and malformed requests get a problem, and nothing is stored."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
ALLIANCES = "/api/v1/alliances"
IMPORT = f"{ALLIANCES}/import"
LIMIT = 4096


@pytest.fixture
def before(demo: dict[str, Any], row_counts: Callable[[], dict[str, int]]) -> dict[str, int]:
    """What is stored before the bad request: the demo alliance."""
    return row_counts()


@pytest.fixture
def limited(make_app: Callable[..., FastAPI], client: TestClient) -> Iterator[TestClient]:
    """The service with a 4 KiB upload limit, on the test's database."""
    with TestClient(make_app(max_upload_bytes=LIMIT)) as limited_client:
        yield limited_client


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


def zipped(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def workbook(actors: list[list[Any]], ties: list[list[Any]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "actors"
    for row in actors:
        sheet.append(row)
    if ties is not None:
        tie_sheet = book.create_sheet("ties")
        for row in ties:
            tie_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: TestClient, headers: dict[str, str], name: str, content: bytes,
           media_type: str = "application/octet-stream") -> Any:
    return client.post(IMPORT, headers=headers, files={"file": (name, content, media_type)})


# -- too large ------------------------------------------------------------------------------------


def test_oversized_upload_with_a_length(limited: TestClient, admin: dict[str, str], before: dict[str, int],
                                        row_counts: Callable[[], dict[str, int]]) -> None:
    response = upload(limited, admin, "gross.json", b" " * (LIMIT + 1))
    body = assert_problem(response, 413)
    assert "4 KiB" in body["detail"]
    assert row_counts() == before


def test_oversized_upload_without_a_length(limited: TestClient, admin: dict[str, str],
                                           before: dict[str, int],
                                           row_counts: Callable[[], dict[str, int]]) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:  # a generator body goes out chunked, with no Content-Length
        yield (b'--grenze\r\nContent-Disposition: form-data; name="file"; filename="gross.json"\r\n'
               b"Content-Type: application/json\r\n\r\n")
        for _ in range(64):
            sent.append(1024)
            yield b" " * 1024
        yield b"\r\n--grenze--\r\n"

    response = limited.post(IMPORT, content=chunks(),
                            headers={**admin, "Content-Type": "multipart/form-data; boundary=grenze"})
    assert_problem(response, 413)
    assert row_counts() == before


def test_oversized_json_body(limited: TestClient, admin: dict[str, str], before: dict[str, int],
                             row_counts: Callable[[], dict[str, int]]) -> None:
    actors = [{"id": f"a{i}", "name": f"Akteur {i}", "type": "Verein"} for i in range(200)]
    assert_problem(limited.post(ALLIANCES, headers=admin, json={"name": "gross", "actors": actors}), 413)
    assert row_counts() == before


def test_under_the_limit_is_fine(limited: TestClient, admin: dict[str, str]) -> None:
    content = b'{"nodes": [{"id": "a", "type": "Kirche"}, {"id": "b", "type": "Stadt"}], ' \
              b'"links": [{"source": "a", "target": "b"}]}'
    response = upload(limited, admin, "klein.json", content)
    assert response.status_code == 201, response.text


# -- broken and hostile files ---------------------------------------------------------------------

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE graphml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="t" for="node" attr.name="type" attr.type="string"/>
  <graph edgedefault="undirected"><node id="a"><data key="t">&secret;</data></node></graph>
</graphml>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE graphml [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <graph edgedefault="undirected"><node id="&g;"/></graph>
</graphml>"""

GEXF_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE gexf [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph defaultedgetype="undirected">
  <nodes><node id="a" label="&secret;"/></nodes><edges/></graph></gexf>"""

ACTORS_CSV = "id,name,type\na,A,Kirche\nb,B,Stadt\n"

BAD_FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "random bytes as a workbook": ("kaputt.xlsx", lambda: b"PK\x03\x04 this is no workbook" * 20),
    "a zip that is no workbook": ("kaputt.xlsx", lambda: zipped({"hello.txt": "hallo"})),
    "a workbook without ties": ("ohne.xlsx", lambda: workbook([["id", "name", "type"], ["a", "A", "Stadt"]])),
    "an empty file": ("leer.graphml", lambda: b""),
    "a zip climbing out": ("boese.zip", lambda: zipped({"actors.csv": ACTORS_CSV, "../evil.csv": "x"})),
    "a zip with an absolute path": ("boese.zip", lambda: zipped({"/tmp/evil.csv": "x"})),
    "a zip that is no zip": ("kaputt.zip", lambda: b"not a zip at all"),
    "an empty zip": ("leer.zip", lambda: zipped({})),
    "graphml with an external entity": ("xxe.graphml", lambda: XXE),
    "graphml with an entity bomb": ("bomb.graphml", lambda: BOMB),
    "gexf with an external entity": ("xxe.gexf", lambda: GEXF_XXE),
    "graphml that is not xml": ("kaputt.graphml", lambda: b"<graphml><graph>"),
    "json that is not json": ("kaputt.json", lambda: b'{"nodes": '),
    "json of another shape": ("anders.json", lambda: b"[1, 2, 3]"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file(client: TestClient, admin: dict[str, str], before: dict[str, int],
                  row_counts: Callable[[], dict[str, int]], case: str) -> None:
    name, content = BAD_FILES[case]
    body = assert_problem(upload(client, admin, name, content()), 422)
    assert body["problems"]
    assert all(name in problem["file"] for problem in body["problems"])
    assert "netz-upload-" not in body["detail"]  # the temporary file is not named, the upload is
    assert "root:" not in str(body)  # nothing of /etc/passwd
    assert row_counts() == before


def test_nothing_is_written_outside(client: TestClient, admin: dict[str, str]) -> None:
    upload(client, admin, "boese.zip", zipped({"actors.csv": ACTORS_CSV, "../evil.csv": "x",
                                               "../../evil.csv": "x"}))
    assert not (Path(tempfile.gettempdir()) / "evil.csv").exists()
    assert not Path("evil.csv").exists()


@pytest.mark.parametrize(("name", "content", "file", "row", "column"), [
    ("bad.zip", zipped({"bad/actors.csv": ACTORS_CSV, "bad/ties.csv": "source,target\na,b\nb,zz\n"}),
     "ties.csv in bad.zip", 3, "target"),
    ("bad.xlsx", workbook([["id", "name", "type"], ["a", "A", "Kirche"]], [["source", "target"], ["a", "q"]]),
     "bad.xlsx, sheet 'ties'", 2, "target"),
    ("bad.json", b'{"nodes": [{"id": "a", "type": "Kirche"}], "links": [{"source": "x", "target": "a"}]}',
     "bad.json links", "link 1", "source"),
])
def test_a_bad_tie(client: TestClient, admin: dict[str, str], before: dict[str, int],
                   row_counts: Callable[[], dict[str, int]],
                   name: str, content: bytes, file: str, row: int | str, column: str) -> None:
    body = assert_problem(upload(client, {**admin, "Accept-Language": "en"}, name, content), 422)
    assert [(p["file"], p["row"], p["column"]) for p in body["problems"]] == [(file, row, column)]
    assert "not listed" in body["problems"][0]["message"]
    assert row_counts() == before


@pytest.mark.parametrize(("name", "content", "file"), [
    ("bad.zip", zipped({"bad/actors.csv": ACTORS_CSV, "bad/ties.csv": "source,target\na,b\nb,zz\n"}),
     "ties.csv aus bad.zip"),
    ("bad.xlsx", workbook([["id", "name", "type"], ["a", "A", "Kirche"]], [["source", "target"], ["a", "q"]]),
     "bad.xlsx, Blatt „ties“"),
])
def test_where_a_problem_is_said_in_german_by_default(client: TestClient, admin: dict[str, str],
                                                      name: str, content: bytes, file: str) -> None:
    """The file inside an archive and the sheet of a workbook are worded in the reader's language."""
    body = assert_problem(upload(client, admin, name, content), 422)
    [problem] = body["problems"]
    assert problem["file"] == file
    assert problem["message"].startswith("Der Akteur")
    assert body["detail"].startswith(f"{file}, Zeile")


def test_every_problem_is_listed(client: TestClient, admin: dict[str, str], before: dict[str, int],
                                 row_counts: Callable[[], dict[str, int]]) -> None:
    content = zipped({"actors.csv": "id,name,type\na,A,Raumschiff\nb,B,Stadt\nb,B2,Stadt\n",
                      "ties.csv": "source,target,weight\na,b,-1\nb,zz,1\n"})
    body = assert_problem(upload(client, admin, "viele.zip", content), 422)
    assert len(body["problems"]) >= 3
    assert {p["column"] for p in body["problems"]} >= {"type", "id"}
    assert row_counts() == before


# -- not an upload at all -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ties.csv", "alliance.exe", "alliance", "alliance.xml", "alliance.xls"])
def test_wrong_suffix(client: TestClient, admin: dict[str, str], before: dict[str, int],
                      row_counts: Callable[[], dict[str, int]], name: str) -> None:
    body = assert_problem(upload(client, admin, name, b"id,name,type\n"), 415)
    assert ".xlsx" in body["detail"] and ".graphml" in body["detail"]
    assert row_counts() == before


@pytest.mark.parametrize(("content_type", "content", "status"), [
    ("application/json", b'{"file": "alliance.xlsx"}', 422),
    ("application/octet-stream", b"PK\x03\x04", 422),
    ("text/csv", b"id,name,type\na,A,Kirche\n", 422),
    ("multipart/form-data; boundary=x",
     b'--x\r\nContent-Disposition: form-data; name="other"\r\n\r\nv\r\n--x--\r\n', 422),
    ("multipart/form-data", b"no boundary", 400),  # a form that cannot even be parsed
])
def test_not_a_file_upload(client: TestClient, admin: dict[str, str], before: dict[str, int],
                           row_counts: Callable[[], dict[str, int]],
                           content_type: str, content: bytes, status: int) -> None:
    response = client.post(IMPORT, headers={**admin, "Content-Type": content_type}, content=content)
    body = assert_problem(response, status)
    if status == 422:
        assert body["errors"] == [{"location": "body.file", "code": "missing",
                                   "message": "Diese Angabe fehlt"}]
    assert row_counts() == before


# -- malformed JSON bodies ------------------------------------------------------------------------


def json_endpoints(demo: dict[str, Any]) -> list[tuple[str, str]]:
    base = f"{ALLIANCES}/{demo['id']}"
    return [("POST", ALLIANCES), ("PATCH", base), ("POST", f"{base}/actors"), ("PATCH", f"{base}/actors/hk"),
            ("POST", f"{base}/ties"), ("PATCH", f"{base}/ties/1"), ("POST", "/api/v1/keys")]


@pytest.mark.parametrize("content", [b"{not json", b"", b'{"name": "x",}', b"[]", b'"text"',
                                     b'{"name": 5, "actors": "none"}'])
def test_malformed_json(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                        before: dict[str, int], row_counts: Callable[[], dict[str, int]],
                        content: bytes) -> None:
    headers = {**admin, "Content-Type": "application/json", "If-Match": demo["etag"]}
    for method, url in json_endpoints(demo):
        response = client.request(method, url, headers=headers, content=content)
        body = assert_problem(response, 422)
        assert body["errors"], (method, url)
    assert row_counts() == before
    assert client.get(f"{ALLIANCES}/{demo['id']}", headers=admin).headers["ETag"] == demo["etag"]



def test_body_that_is_not_text(client: TestClient, admin: dict[str, str], demo: dict[str, Any],
                               before: dict[str, int], row_counts: Callable[[], dict[str, int]]) -> None:
    # bytes that are no text in any encoding JSON may come in: FastAPI refuses some of them while
    # decoding (400) and some as invalid JSON (422); either way a problem, and nothing changes
    headers = {**admin, "Content-Type": "application/json", "If-Match": demo["etag"]}
    for content in (b"\xff\xfe\x00", b"\xff\xfe\x00\xd8", b"\x80\x81"):
        for method, url in json_endpoints(demo):
            response = client.request(method, url, headers=headers, content=content)
            assert response.status_code in (400, 422), (content, method, url)
            assert_problem(response, response.status_code)
    assert row_counts() == before


# -- ids beyond what an id column holds -----------------------------------------------------------

#: Beyond PostgreSQL's integer (the report's prepared query failed), and beyond SQLite's 64 bits.
HUGE_IDS = [2**31, 3_000_000_000, 2**63, 2**64 + 1, 10**30]


def alliance_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every route with an alliance id in its path, as (method, path with the id left to fill)."""
    return [(method.upper(),
             path.replace("{actor_id}", "a").replace("{position}", "0").replace("{key_id}", "1")
             .replace("{survey_id}", "1"))
            for path, operations in app.openapi()["paths"].items() if "{alliance_id}" in path
            for method in operations]


@pytest.mark.parametrize("alliance_id", HUGE_IDS)
def test_ids_out_of_range(app: FastAPI, client: TestClient, admin: dict[str, str], before: dict[str, int],
                          row_counts: Callable[[], dict[str, int]], alliance_id: int) -> None:
    routes = alliance_routes(app)
    assert len(routes) >= 15
    for method, path in routes:
        response = client.request(method, path.format(alliance_id=alliance_id),
                                  headers={**admin, "If-Match": "*"}, json={})
        body = assert_problem(response, 422)
        assert "alliance_id" in body["detail"], (method, path)
    for size in ("min_actors", "max_actors"):  # compared with a count column
        assert_problem(client.get(ALLIANCES, headers=admin, params={size: alliance_id}), 422)
    for response in (client.get("/api/v1/compare", headers=admin, params={"alliances": str(alliance_id)}),
                     client.post("/api/v1/keys", headers=admin,
                                 json={"role": "coordinator", "alliances": [alliance_id]})):
        assert_problem(response, 404)
    assert row_counts() == before


# -- NUL characters -------------------------------------------------------------------------------


def test_nul_in_query_and_path(client: TestClient, demo: dict[str, Any], admin: dict[str, str],
                               before: dict[str, int], row_counts: Callable[[], dict[str, int]]) -> None:
    """PostgreSQL cannot take a NUL in text: every database refuses it the same way, 422."""
    base = f"{ALLIANCES}/{demo['id']}"
    nul = "a\x00b"
    requests = [
        ("GET", f"{base}/report", {"group_by": nul}), ("GET", f"{base}/report", {"wave": nul}),
        ("GET", f"{base}/gaps", {"wave": nul}), ("GET", f"{base}/health", {"group_by": nul}),
        ("GET", f"{base}/actors", {"sort": nul}), ("GET", f"{base}/actors", {"type": nul}),
        ("GET", f"{base}/whatif", {"remove": nul}), ("GET", f"{base}/layout", {"wave": nul}),
        ("GET", f"{base}/waves/diff", {"from": nul, "to": "1"}), ("GET", ALLIANCES, {"land": nul}),
        ("GET", "/api/v1/compare", {"programme": nul}), ("GET", "/api/v1/compare", {"wave": nul}),
        ("PATCH", f"{base}/actors/a%00b", None), ("DELETE", f"{base}/actors/a%00b", None),
    ]
    for method, url, params in requests:
        response = client.request(method, url, params=params, headers={**admin, "If-Match": demo["etag"]},
                                  json={"name": "x"} if method == "PATCH" else None)
        body = assert_problem(response, 422)
        assert "NUL" in body["detail"], (method, url, params)
    assert row_counts() == before


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "", {"name": "a\x00b"}),
    ("POST", "", {"name": "X", "meta": {"region\x00": "Mitte"}}),
    ("POST", "", {"name": "X", "meta": {"notes": ["ok", {"deep": "\x00"}]}}),
    ("POST", "", {"name": "X", "actors": [{"id": "a\x00", "name": "A", "type": "Kirche"}]}),
    ("POST", "", {"name": "X", "actors": [{"id": "a", "name": "A", "type": "Kirche",
                                            "attributes": {"Notiz": "x\x00"}}]}),
    ("PATCH", "/{id}", {"name": "\x00"}),
    ("PATCH", "/{id}", {"meta": {"land": "Hes\x00sen"}}),
    ("POST", "/{id}/actors", {"id": "neu", "name": "Neu\x00", "type": "Kirche"}),
    ("PATCH", "/{id}/actors/hk", {"name": "\x00"}),
    ("POST", "/{id}/ties", {"source": "hk", "target": "ev", "kind": "\x00"}),
    ("PATCH", "/{id}/ties/0", {"wave": "\x00"}),
])
def test_nul_in_json_bodies(client: TestClient, demo: dict[str, Any], admin: dict[str, str],
                            before: dict[str, int], row_counts: Callable[[], dict[str, int]],
                            method: str, path: str, body: dict[str, Any]) -> None:
    url = ALLIANCES + path.format(id=demo["id"])
    response = client.request(method, url, json=body, headers={**admin, "If-Match": demo["etag"]})
    assert "NUL" in assert_problem(response, 422)["detail"]
    assert row_counts() == before


@pytest.mark.parametrize("body", [
    b'{"name": "X", "meta": {"notiz": "a\\ud800"}}',
    b'{"name": "X", "meta": {"\\udfff": 1}}',
    b'{"name": "X", "actors": [{"id": "a", "type": "Kirche", "attributes": {"n": ["\\udc00"]}}]}',
])
def test_lone_surrogates_in_json_bodies(client: TestClient, admin: dict[str, str], before: dict[str, int],
                                        row_counts: Callable[[], dict[str, int]], body: bytes) -> None:
    """A lone surrogate is no character: no database, export or answer could carry it (500 before)."""
    response = client.post(ALLIANCES, content=body, headers={**admin, "Content-Type": "application/json"})
    assert "einzelnen Surrogate" in assert_problem(response, 422)["detail"]
    assert row_counts() == before


def test_deeply_nested_metadata(client: TestClient, admin: dict[str, str], before: dict[str, int],
                                row_counts: Callable[[], dict[str, int]]) -> None:
    """Stored, but its answer could not be written as JSON (500 before): refused instead."""
    deep = b'{"name": "X", "meta": {"x": ' + b"[" * 500 + b"]" * 500 + b"}}"
    response = client.post(ALLIANCES, content=deep, headers={**admin, "Content-Type": "application/json"})
    assert "höchstens 32 Ebenen tief verschachtelt" in assert_problem(response, 422)["detail"]
    assert row_counts() == before
    nested: Any = "unten"
    for _ in range(12):  # 24 levels below the metadata: allowed
        nested = {"tiefer": [nested]}
    created = client.post(ALLIANCES, headers=admin, json={"name": "X", "meta": {"x": nested}})
    assert created.status_code == 201 and created.json()["meta"]["x"] == nested


def test_nul_in_a_key_label(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/keys", headers=admin, json={"role": "funder", "label": "x\x00"})
    assert_problem(response, 422)


# -- text longer than its column ------------------------------------------------------------------


def long_text(n: int) -> str:
    return ("Bündnis " * n)[:n]


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("POST", "", {"name": long_text(301)}, "name"),
    ("POST", "", {"name": "X", "meta": {"land": long_text(101)}}, "land"),
    ("POST", "", {"name": "X", "meta": {"region": long_text(301)}}, "region"),
    ("POST", "", {"name": "X", "actors": [{"id": long_text(301), "name": "A", "type": "Kirche"}]}, "id"),
    ("POST", "", {"name": "X", "actors": [{"id": "a", "name": long_text(501), "type": "Kirche"}]}, "name"),
    ("POST", "", {"name": "X", "actors": [{"id": "a", "name": "A", "type": "Kirche"}],
                  "ties": [{"source": "a", "target": long_text(301)}]}, "target"),
    ("PATCH", "/{id}", {"name": long_text(301)}, "name"),
    ("PATCH", "/{id}", {"meta": {"programme": long_text(301)}}, "programme"),
    ("POST", "/{id}/actors", {"id": long_text(301), "name": "Neu", "type": "Kirche"}, "id"),
    ("PATCH", "/{id}/actors/hk", {"name": long_text(501)}, "name"),
    ("POST", "/{id}/ties", {"source": "hk", "target": "ev", "kind": long_text(201)}, "kind"),
    ("PATCH", "/{id}/ties/0", {"wave": long_text(101)}, "wave"),
])
def test_text_longer_than_its_column(client: TestClient, demo: dict[str, Any], admin: dict[str, str],
                                     before: dict[str, int], row_counts: Callable[[], dict[str, int]],
                                     method: str, path: str, body: dict[str, Any], field: str) -> None:
    """SQLite stores any length, PostgreSQL refuses more than the column's: both answer 422."""
    url = ALLIANCES + path.format(id=demo["id"])
    response = client.request(method, url, json=body, headers={**admin, "If-Match": demo["etag"]})
    assert field in assert_problem(response, 422)["detail"]
    assert row_counts() == before


def test_text_as_long_as_its_column_is_stored(client: TestClient, admin: dict[str, str]) -> None:
    # (a Land is one of the sixteen: no longer than its column)
    body = {"name": long_text(300), "meta": {"region": long_text(300), "programme": long_text(300)},
            "actors": [{"id": long_text(300), "name": long_text(500), "type": "Kirche"},
                       {"id": "b", "name": "B", "type": "MSO"}],
            "ties": [{"source": long_text(300), "target": "b", "kind": long_text(200),
                      "wave": long_text(100)}]}
    created = client.post(ALLIANCES, headers=admin, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["name"] == long_text(300) and created.json()["region"] == long_text(300)
    assert created.json()["programme"] == long_text(300)
    actors = client.get(f"{ALLIANCES}/{created.json()['id']}/actors", headers=admin).json()["actors"]
    assert {a["name"] for a in actors} == {long_text(500), "B"}

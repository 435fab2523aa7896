"""Every problem the service answers is worded from the catalogue: German without Accept-Language
(the pages show a problem's detail to social workers), English for ``Accept-Language: en``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from netz.messages import catalogue

ROOT = Path(__file__).parents[2]
ALLIANCES = "/api/v1/alliances"
#: English phrases of the problems below, none of which a German answer may contain.
ENGLISH = re.compile(r"\b(the|this|send|no|not|may|cannot|alliance|key|role|upload|allowed|exists|"
                     r"changed|larger|requests?|Forbidden|Unauthorized|found|Conflict|Precondition|"
                     r"Unsupported|Too many|Content)\b")

Ask = Callable[[TestClient, Any, dict[str, Any], dict[str, str]], Any]
PATCH = {"name": "Neu"}
ZIP = "application/zip"


def admin(keys: Any, headers: dict[str, str]) -> dict[str, str]:
    return {**keys.headers("admin"), **headers}


CASES: dict[str, tuple[int, Ask]] = {
    "401 without key": (401, lambda c, k, d, h: c.get(ALLIANCES, headers=h)),
    "403 wrong role": (403, lambda c, k, d, h: c.post("/api/v1/keys", headers={**k.headers("funder"), **h},
                                                      json={"role": "funder"})),
    "404 unknown alliance": (404, lambda c, k, d, h: c.get(f"{ALLIANCES}/987654", headers=admin(k, h))),
    "412 stale If-Match": (412, lambda c, k, d, h: c.patch(f"{ALLIANCES}/{d['id']}", json=PATCH,
                                                           headers=admin(k, {"If-Match": '"0-x"', **h}))),
    "428 missing If-Match": (428, lambda c, k, d, h: c.patch(f"{ALLIANCES}/{d['id']}", json=PATCH,
                                                             headers=admin(k, h))),
    "415 wrong suffix": (415, lambda c, k, d, h: c.post(f"{ALLIANCES}/import", headers=admin(k, h),
                                                        files={"file": ("netz.exe", b"MZ", "text/plain")})),
    "409 duplicate name": (409, lambda c, k, d, h: c.post(f"{ALLIANCES}/import", headers=admin(k, h),
                                                          files={"file": ("demo.zip", d["zip"], ZIP)})),
}


def asking(path: str, **params: str) -> Ask:
    """A GET of ``path`` (``{id}``: the demo alliance's) with ``params``, as an admin."""
    return lambda c, k, d, h: c.get(ALLIANCES + path.format(id=d["id"]), params=params, headers=admin(k, h))


def posting(body: bytes) -> Ask:
    """A new alliance with this JSON ``body``, as an admin."""
    return lambda c, k, d, h: c.post(ALLIANCES, content=body,
                                     headers=admin(k, {**h, "Content-Type": "application/json"}))


# netz's own errors (UnknownNameError, InvalidValue): said from the catalogue too (issue 12)
CASES |= {
    "422 unknown wave": (422, asking("/{id}/report", wave="2030")),
    "422 unknown group_by": (422, asking("/{id}/gaps", group_by="Budget")),
    "422 unknown actor id": (422, asking("/{id}/whatif", remove="zz")),
    "422 unknown Land": (422, asking("", land="Atlantis")),
    "422 NUL in a body": (422, posting(b'{"name": "a\\u0000b"}')),
    "422 lone surrogate": (422, posting(b'{"name": "X", "meta": {"a": "\\ud800"}}')),
    "422 nested too deep": (422, posting(b'{"name": "X", "meta": {"x": ' + b"[" * 40 + b"]" * 40 + b"}}")),
}
#: What the German answers of netz's own errors say (the English ones say what they said before).
SAID = {
    "422 unknown wave": ("Es gibt keine Welle „2030“", "no wave '2030'"),
    "422 unknown group_by": ("Es gibt keine Akteursspalte „Budget“ zum Gruppieren; Spalten: id, ",
                             "no actor column 'Budget' to group by; columns: id, "),
    "422 unknown actor id": ("Diese Kennungen hat kein Akteur: zz; Kennungen: ",
                             "no actor(s) with id zz; ids: "),
    "422 unknown Land": ("Es gibt kein Land „Atlantis“; Länder: Baden-Württemberg",
                         "no Land 'Atlantis'; Länder: "),
    "422 NUL in a body": ("Text darf keine NUL-Zeichen", "text must not contain NUL characters"),
    "422 lone surrogate": ("Text darf keine einzelnen Surrogate", "text must not contain lone surrogates"),
    "422 nested too deep": ("höchstens 32 Ebenen tief verschachtelt", "must not nest deeper than 32 levels"),
}


def check(german: Any, english: Any, status: int) -> None:
    assert german.status_code == english.status_code == status, (german.text, english.text)
    de, en = german.json(), english.json()
    assert all(body["title"] and body["detail"] for body in (de, en))
    assert (de["title"], de["detail"]) != (en["title"], en["detail"])
    assert de["detail"] != en["detail"]
    assert not ENGLISH.search(de["title"]), de["title"]
    assert not ENGLISH.search(de["detail"].replace("If-Match", "").replace("Authorization: Bearer", "")), de


@pytest.mark.parametrize("case", list(CASES))
def test_problems_are_german_unless_english_is_asked(client: TestClient, keys: Any, demo: dict[str, Any],
                                                     demo_zip: bytes, case: str) -> None:
    status, ask = CASES[case]
    known = {**demo, "zip": demo_zip}
    german, english = ask(client, keys, known, {}), ask(client, keys, known, {"Accept-Language": "en"})
    check(german, english, status)
    if case in SAID:
        assert SAID[case][0] in german.json()["detail"], german.json()
        assert SAID[case][1] in english.json()["detail"], english.json()


def test_middleware_problems_follow_the_language(client: TestClient, keys: Any, make_app: Any) -> None:
    """413 and 429 are answered by ASGI middlewares, before the app: from the scope's headers."""
    with TestClient(make_app(max_upload_bytes=1000, rate_limit_key="1/minute")) as limited:
        def upload(headers: dict[str, str]) -> Any:
            return limited.post(f"{ALLIANCES}/import", headers={**keys.headers("admin"), **headers},
                                files={"file": ("a.csv", b"x" * 5000, "text/csv")})
        check(upload({}), upload({"Accept-Language": "en"}), 413)
        funder = keys.headers("funder")
        limited.get(ALLIANCES, headers=funder)
        check(limited.get(ALLIANCES, headers=funder),
              limited.get(ALLIANCES, headers={**funder, "Accept-Language": "en"}), 429)


def problem_keys() -> set[str]:
    """The keys the service raises problems with (Refusal, send_problem) and every problem.* key."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "api").rglob("*.py"))
    raised = set(re.findall(r"(?:Refusal\(\d+, |send_problem\(send, [^,]+, \d+, )f?\"([\w.{}]+)\"", source))
    named = {key for key in raised if "{" not in key}
    named |= {f"problem.key.{s}" for s in ("revoked", "expired")}
    named |= {f"problem.respond.{s}" for s in ("closed", "expired", "replaced")}
    named |= {f"problem.rate.{k}{c}" for k in ("key", "address") for c in ("", "_costly")}
    for lang in ("de", "en"):
        named |= {key for key in catalogue(lang) if key.startswith("problem.")}
    return named


def test_every_problem_key_is_in_german_and_english() -> None:
    keys = problem_keys()
    assert len(keys) > 40 and "problem.revision.stale" in keys
    for lang in ("de", "en"):
        own = json.loads((ROOT / "netz" / "messages" / f"{lang}.json").read_text(encoding="utf-8"))
        assert sorted(keys - own.keys()) == [], lang
        assert all(own[key].strip() for key in keys), lang
    titles = [key for key in keys if key.startswith("problem.title.")]
    assert all(catalogue("de")[key] != catalogue("en")[key] for key in titles)

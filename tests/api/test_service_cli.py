"""The service's commands: ``netz keys create`` and ``netz load``, on the test's database.

(Not ``test_cli.py``: ``tests/test_cli.py`` has that name, and without packages under ``tests/``
pytest cannot import two test modules of one name.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from api.models import ApiKey
from netz.cli import main

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "datasets" / "demo-buendnis"
NETZ = Path(sys.executable).parent / "netz"
ALLIANCES = "/api/v1/alliances"
KEY = re.compile(r"netz_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}")


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def key_count(app: FastAPI) -> int:
    with app.state.database.sessions() as session:
        return session.scalar(select(func.count()).select_from(ApiKey)) or 0


def test_keys_create_as_a_process(client: TestClient, keys: Any, database_url: str) -> None:
    done = subprocess.run([str(NETZ), "keys", "create", "--role", "coordinator", "--alliance", str(keys.own),
                           "--label", "Koordination Musterstadt", "--database", database_url],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert KEY.fullmatch(last), done.stdout
    assert client.get(f"{ALLIANCES}/{keys.own}", headers=bearer(last)).status_code == 200
    assert client.get(f"{ALLIANCES}/{keys.other}", headers=bearer(last)).status_code == 403
    assert [a["id"] for a in client.get(ALLIANCES, headers=bearer(last)).json()] == [keys.own]


@pytest.mark.parametrize("role", ["admin", "researcher", "funder"])
def test_keys_create(capsys: pytest.CaptureFixture[str], client: TestClient, keys: Any, database_url: str,
                     role: str) -> None:
    status, out, _ = run(capsys, "keys", "create", "--role", role, "--database", database_url)
    assert status == 0
    key = out.strip().splitlines()[-1]
    assert KEY.fullmatch(key)
    assert client.get(f"{ALLIANCES}/{keys.own}/report", headers=bearer(key)).status_code == 200
    whatif = client.get(f"{ALLIANCES}/{keys.own}/whatif", headers=bearer(key), params={"key_players": 1})
    assert whatif.status_code == (403 if role == "funder" else 200)


@pytest.mark.parametrize(("lang", "said"), [
    ((), "Neuer Schlüssel für die Rolle funder. Er wird nur jetzt gezeigt:"),
    (("--lang", "en"), "created a new key for the role funder; it is shown only now:"),
])
def test_keys_create_speaks_the_language_asked(capsys: pytest.CaptureFixture[str], client: TestClient,
                                               database_url: str, lang: tuple[str, ...], said: str) -> None:
    """Failed before: ``netz keys create`` said it in English whatever the language; the key
    stays alone on the last line, for scripts."""
    status, out, _ = run(capsys, "keys", "create", "--role", "funder", "--database", database_url, *lang)
    assert status == 0
    assert out.strip().splitlines()[0] == said and KEY.fullmatch(out.strip().splitlines()[-1])


def test_keys_create_for_an_alliance_that_does_not_exist(capsys: pytest.CaptureFixture[str],
                                                         client: TestClient, app: FastAPI,
                                                         database_url: str) -> None:
    before = key_count(app)
    status, out, err = run(capsys, "keys", "create", "--role", "coordinator", "--alliance", "999999",
                           "--database", database_url)
    assert status == 2
    assert "999999" in err and "Traceback" not in err
    assert not KEY.search(out)
    assert key_count(app) == before


def test_keys_create_gives_alliances_to_coordinator_keys_only(capsys: pytest.CaptureFixture[str], keys: Any,
                                                             app: FastAPI, database_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):  # the service's commands speak the locale's language
        monkeypatch.delenv(variable, raising=False)
    before = key_count(app)
    status, out, err = run(capsys, "keys", "create", "--role", "funder", "--alliance", str(keys.own),
                           "--database", database_url)
    assert status == 2 and "Bündnisse bekommen nur Koordinationsschlüssel" in err and "Traceback" not in err
    assert not KEY.search(out)
    assert key_count(app) == before


def test_keys_create_refuses_an_unknown_role(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "create", "--role", "superuser", "--database", database_url])
    assert exit_info.value.code == 2
    assert "superuser" in capsys.readouterr().err


def test_load(capsys: pytest.CaptureFixture[str], client: TestClient, admin: dict[str, str],
              database_url: str, tmp_path: Path) -> None:
    status, out, _ = run(capsys, "load", DEMO, DEMO, "--database", database_url)
    assert status == 0
    ids = [int(i) for i in re.findall(r"\d+", out.strip().splitlines()[-1])]
    assert len(ids) == 2
    listed = client.get(ALLIANCES, headers=admin).json()
    assert [a["id"] for a in listed] == ids
    assert {(a["name"], a["n_actors"], a["n_ties"], a["land"]) for a in listed} == {
        ("Bündnis Willkommen in Musterstadt (synthetisch)", 25, 34, "Hessen")}
    assert client.get(f"{ALLIANCES}/{ids[0]}/report", headers=admin).json()["network"]["n_actors"] == 25


def test_load_speaks_the_language_asked(capsys: pytest.CaptureFixture[str], client: TestClient,
                                        database_url: str) -> None:
    """Failed before: ``netz load`` said what it stored in English only."""
    status, out, _ = run(capsys, "load", DEMO, DEMO, "--database", database_url)
    first, second = re.findall(r"\d+", out)
    assert status == 0 and out == f"Gespeichert. Die Bündnisse haben die Nummern {first}, {second}\n"
    status, out, _ = run(capsys, "load", DEMO, "--database", database_url, "--lang", "en")
    [third] = re.findall(r"\d+", out)
    assert status == 0 and out == f"stored the alliance with id {third}\n"


def test_load_stores_nothing_when_one_input_is_bad(capsys: pytest.CaptureFixture[str], client: TestClient,
                                                  admin: dict[str, str], database_url: str,
                                                  row_counts: Callable[[], dict[str, int]],
                                                  tmp_path: Path) -> None:
    bad = tmp_path / "kaputt"
    bad.mkdir()
    (bad / "actors.csv").write_text("id,name,type\na,A,Kirche\nb,B,Stadt\n")
    (bad / "ties.csv").write_text("source,target\na,b\nb,zz\n")
    before = row_counts()
    status, _, err = run(capsys, "load", DEMO, bad, "--database", database_url, "--lang", "en")
    assert status == 2
    assert "ties.csv, row 3, column 'target'" in err and "zz" in err
    assert "Traceback" not in err
    assert row_counts() == before


def test_load_leaves_a_files_survey_record_out_as_the_import_does(
        capsys: pytest.CaptureFixture[str], client: TestClient, admin: dict[str, str], database_url: str,
        tmp_path: Path) -> None:
    """Failed before: ``netz load`` stored a file's ``survey_response`` as if netz had recorded it
    (who answered a survey), where the API's import leaves it out with a warning. One rule for both."""
    folder = tmp_path / "befragt"
    folder.mkdir()
    (folder / "actors.csv").write_text("id,name,type\na,A,Kirche\nb,B,Stadt\n")
    (folder / "ties.csv").write_text("source,target\na,b\n")
    forged = {"2026": {"answered": 2, "asked": 2, "respondents": ["a", "b"], "nonrespondents": []}}
    (folder / "alliance.json").write_text(json.dumps({"name": "Befragt", "survey_response": forged}))
    status, out, err = run(capsys, "load", folder, "--database", database_url, "--lang", "de")
    assert status == 0, err
    assert f"{folder}, Spalte „survey_response“: „survey_response“ hält netz selbst fest" in err
    [stored] = [int(i) for i in re.findall(r"\d+", out.strip().splitlines()[-1])]
    alliance = client.get(f"{ALLIANCES}/{stored}", headers=admin).json()
    assert alliance["name"] == "Befragt" and "survey_response" not in alliance["meta"]


def test_load_a_folder_of_alliance_folders_and_lenient(capsys: pytest.CaptureFixture[str], client: TestClient,
                                                      admin: dict[str, str], database_url: str,
                                                      tmp_path: Path) -> None:
    for name, kind in (("eins", "Kirche"), ("zwei", "Raumschiff")):
        folder = tmp_path / "kohorte" / name
        folder.mkdir(parents=True)
        (folder / "actors.csv").write_text(f"id,name,type\na,A,{kind}\nb,B,Stadt\n")
        (folder / "ties.csv").write_text("source,target\na,b\n")
    status, _, err = run(capsys, "load", tmp_path / "kohorte", "--database", database_url, "--lang", "de")
    assert status == 2
    assert "Unbekannter Typ „Raumschiff“" in err
    status, out, err = run(capsys, "load", tmp_path / "kohorte", "--database", database_url, "--lenient",
                           "--lang", "en")
    assert status == 0, err
    assert "unknown actor type 'Raumschiff' — counted as 'other'" in err
    ids = [int(i) for i in re.findall(r"\d+", out.strip().splitlines()[-1])]
    assert len(ids) == 2
    assert {a["n_actors"] for a in client.get(ALLIANCES, headers=admin).json() if a["id"] in ids} == {2}


def test_serve_loads_the_demo_into_an_empty_database_only(capsys: pytest.CaptureFixture[str],
                                                          client: TestClient, database_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``netz serve --demo``'s first start (uvicorn itself is not started here; test_uvicorn does)."""
    import uvicorn

    served: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(options))
    assert main(["serve", "--demo", str(DEMO), "--port", "8123", "--database", database_url]) == 0
    first = capsys.readouterr().out
    keys = KEY.findall(first)
    assert len(keys) == 1
    assert "netz: 1 Beispiel-Bündnis geladen in" in first and "http://127.0.0.1:8123" in first
    listed = client.get(ALLIANCES, headers=bearer(keys[0])).json()
    assert [a["n_actors"] for a in listed] == [25]
    # the key's label is worded in the catalogue's default language (shown so on the keys page)
    made = client.get("/api/v1/keys", headers=bearer(keys[0])).json()
    assert [k["label"] for k in made] == ["Beim ersten Start angelegt"]

    assert main(["serve", "--demo", str(DEMO), "--database", database_url, "--lang", "en"]) == 0
    second = capsys.readouterr().out
    assert not KEY.search(second) and "loaded" not in second
    assert "netz: serving on http://127.0.0.1:8000" in second
    assert len(client.get(ALLIANCES, headers=bearer(keys[0])).json()) == 1
    assert [(o["host"], o["port"]) for o in served] == [("127.0.0.1", 8123), ("127.0.0.1", 8000)]


# -- netz keys list|revoke|expire|grant, netz audit ----------------------------------------------


def test_keys_list_revoke_expire_grant(capsys: pytest.CaptureFixture[str], client: TestClient, app: FastAPI,
                                       keys: Any, database_url: str) -> None:
    db = ("--database", database_url)
    status, out, err = run(capsys, "keys", "list", *db)
    assert status == 0
    assert "netz: database" in err
    assert out.splitlines()[0].split()[:4] == ["Nr.", "Anfang", "Rolle", "Stand"]
    english = run(capsys, "keys", "list", "--lang", "en", *db)[1]
    assert english.splitlines()[0].split()[:4] == ["id", "prefix", "role", "status"]
    for key in (keys.admin, keys.coordinator, keys.researcher, keys.funder):
        assert key.split("_")[1] in out and key.split("_", 2)[2] not in out
    listed = json.loads(run(capsys, "keys", "list", "--format", "json", *db)[1])
    ids = {k["role"]: k["id"] for k in listed}
    assert {k["role"]: k["alliances"] for k in listed}["coordinator"] == [keys.own]

    assert run(capsys, "keys", "grant", keys.coordinator.split("_")[1], "--alliance", keys.other, *db)[0] == 0
    assert client.get(f"{ALLIANCES}/{keys.other}", headers=bearer(keys.coordinator)).status_code == 200
    status, out, _ = run(capsys, "keys", "grant", ids["coordinator"], "--withdraw", keys.own, *db)
    key = f"Schlüssel {ids['coordinator']} ({keys.coordinator.split('_')[1]})"
    assert status == 0 and out == f"{key} darf jetzt diese Bündnisse sehen: {keys.other}\n"
    assert client.get(f"{ALLIANCES}/{keys.own}", headers=bearer(keys.coordinator)).status_code == 403

    assert run(capsys, "keys", "expire", ids["funder"], "--at", "2020-01-01", *db)[0] == 0
    assert run(capsys, "keys", "revoke", ids["researcher"], *db)[0] == 0
    app.state.key_cache.clear()  # as it is within a second (KEY_CACHE_SECONDS)
    for key, word in ((keys.funder, "expired"), (keys.researcher, "revoked")):
        refused = client.get(ALLIANCES, headers={**bearer(key), "Accept-Language": "en"})
        assert refused.status_code == 401 and word in refused.json()["detail"]
    listed = json.loads(run(capsys, "keys", "list", "--format", "json", *db)[1])
    statuses = {k["id"]: k["status"] for k in listed}
    assert (statuses[ids["funder"]], statuses[ids["researcher"]]) == ("expired", "revoked")
    assert run(capsys, "keys", "expire", ids["funder"], "--never", *db)[0] == 0
    app.state.key_cache.clear()
    assert client.get(ALLIANCES, headers=bearer(keys.funder)).status_code == 200


@pytest.mark.parametrize("argv", [
    ["keys", "grant", "{researcher}", "--alliance", "{own}"],  # not a coordinator key
    ["keys", "grant", "{coordinator}", "--alliance", "999999"],
    ["keys", "grant", "{coordinator}"],
    ["keys", "revoke", "nosuchprefix"],
    ["keys", "revoke", "{admin}"],  # the last usable admin key
])
def test_keys_commands_refuse_mistakes(capsys: pytest.CaptureFixture[str], client: TestClient, keys: Any,
                                       database_url: str, argv: list[str]) -> None:
    prefixes = {role: getattr(keys, role).split("_")[1] for role in ("admin", "coordinator", "researcher")}
    before = run(capsys, "keys", "list", "--format", "json", "--database", database_url)[1]
    status, out, err = run(capsys, *[a.format(**prefixes, own=keys.own) for a in argv], "--database",
                           database_url)
    assert status == 2, out
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("netz: ")
    assert run(capsys, "keys", "list", "--format", "json", "--database", database_url)[1] == before


def test_keys_say_which_database_without_its_password(capsys: pytest.CaptureFixture[str], client: TestClient,
                                                      database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(password="geheim")  # the test server trusts local connections: it is ignored
    status, out, err = run(capsys, "keys", "create", "--role", "funder", "--database",
                           url.render_as_string(hide_password=False))
    assert status == 0
    assert f"netz: database {url.render_as_string(hide_password=True)}" in err
    assert "geheim" not in out + err


def test_keys_refuse_to_make_a_new_database_unasked(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NETZ_DATABASE_URL", raising=False)
    for argv in (["keys", "create", "--role", "admin"], ["keys", "list"], ["audit"]):
        status, out, err = run(capsys, *argv)
        assert status == 2, argv
        assert "--database" in err and "NETZ_DATABASE_URL" in err and "--create" in err
        assert not KEY.search(out) and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    status, out, err = run(capsys, "keys", "create", "--role", "admin", "--create")
    assert status == 0 and KEY.fullmatch(out.strip().splitlines()[-1])
    assert f"({tmp_path / 'var' / 'netz.sqlite'})" in err
    assert run(capsys, "keys", "list")[0] == 0  # now there is one: used without --create


def test_audit_command(capsys: pytest.CaptureFixture[str], client: TestClient, keys: Any,
                       database_url: str) -> None:
    client.get(f"{ALLIANCES}/{keys.own}/export", headers=bearer(keys.researcher), params={"format": "json"})
    status, out, _ = run(capsys, "audit", "--alliance", keys.own, "--database", database_url)
    assert status == 0
    lines = out.strip().splitlines()
    assert lines[0] == f"2 Einträge zum Bündnis {keys.own}, die neuesten zuerst:"
    assert "export" in lines[1] and keys.researcher.split("_")[1] in lines[1] and "format=json" in lines[1]
    assert "import" in lines[2]
    english = run(capsys, "audit", "--alliance", keys.own, "--database", database_url, "--lang", "en")[1]
    assert english.splitlines()[0] == f"2 entries for alliance {keys.own}, newest first:"
    data = json.loads(run(capsys, "audit", "--format", "json", "--database", database_url)[1])
    assert data["total"] == 3 and [e["action"] for e in data["entries"]] == ["export", "create", "import"]
    run(capsys, "load", DEMO, "--database", database_url)
    data = json.loads(run(capsys, "audit", "--format", "json", "--database", database_url)[1])
    assert (data["entries"][0]["action"], data["entries"][0]["role"]) == ("import", "cli")


@pytest.mark.parametrize(("setting", "value", "expected"), [
    ("NETZ_SCHEDULER", "prozesse", "'processes:N' (N local processes, N a whole number) or the address of a "
                                   "Dask scheduler (tcp://host:8786)"),
    ("NETZ_SCHEDULER", "processes:zwei", "expected 'processes'"),
    ("NETZ_RATE_LIMIT_KEY", "viele", "e.g. 600/minute"),
    ("NETZ_COMPARE_NULL_SAMPLES", "{admin: 5}", "expected JSON"),
    ("NETZ_JOB_WORKERS", "0", "greater than or equal to 1"),
])
def test_serve_refuses_a_bad_setting_at_start_naming_it(database_url: str, tmp_path: Path, setting: str,
                                                       value: str, expected: str) -> None:
    """Failed before: the service started with a mistyped ``NETZ_SCHEDULER`` (or rate limit, or
    zero job threads) and failed when the first job or request needed it; a JSON setting that was
    no JSON was a traceback. Now ``netz serve`` stops at once: exit status 2, one sentence naming
    the setting, its value and what it takes — in the locale's language."""
    said = {}
    for lang in ("en_GB.UTF-8", "de_DE.UTF-8"):
        env = {**{k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")},
               setting: value, "LANG": lang}
        done = subprocess.run([str(NETZ), "serve", "--database", database_url, "--port", "0"], env=env,
                              capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        said[lang[:2]] = done.stderr
    assert said["en"].startswith(f"netz: the setting {setting} is not valid"), said["en"]
    assert expected in said["en"]
    assert said["de"].startswith(f"netz: Die Einstellung {setting} ist nicht gültig"), said["de"]
    assert not re.search(r"\b(expected|not|valid|should|greater|than)\b", said["de"]), said["de"]

"""The service's commands: ``netz keys create`` and ``netz load``, on the test's database.

(Not ``test_cli.py``: ``tests/test_cli.py`` has that name, and without packages under ``tests/``
pytest cannot import two test modules of one name.)
"""

from __future__ import annotations

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


def test_load_stores_nothing_when_one_input_is_bad(capsys: pytest.CaptureFixture[str], client: TestClient,
                                                  admin: dict[str, str], database_url: str,
                                                  row_counts: Callable[[], dict[str, int]],
                                                  tmp_path: Path) -> None:
    bad = tmp_path / "kaputt"
    bad.mkdir()
    (bad / "actors.csv").write_text("id,name,type\na,A,Kirche\nb,B,Stadt\n")
    (bad / "ties.csv").write_text("source,target\na,b\nb,zz\n")
    before = row_counts()
    status, _, err = run(capsys, "load", DEMO, bad, "--database", database_url)
    assert status == 2
    assert "ties.csv, row 3, column 'target'" in err and "zz" in err
    assert "Traceback" not in err
    assert row_counts() == before


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
    assert "loaded 1 demo alliance" in first and "http://127.0.0.1:8123" in first
    listed = client.get(ALLIANCES, headers=bearer(keys[0])).json()
    assert [a["n_actors"] for a in listed] == [25]

    assert main(["serve", "--demo", str(DEMO), "--database", database_url]) == 0
    second = capsys.readouterr().out
    assert not KEY.search(second) and "loaded" not in second
    assert len(client.get(ALLIANCES, headers=bearer(keys[0])).json()) == 1
    assert [(o["host"], o["port"]) for o in served] == [("127.0.0.1", 8123), ("127.0.0.1", 8000)]

"""Fixtures for the service's tests. Every test that uses them runs twice: on SQLite and on PostgreSQL.

The PostgreSQL database is made fresh for each test session (a random name, created over an
AUTOCOMMIT connection to ``NETZ_TEST_POSTGRES_URL``) and dropped at its end. Tests that take
``client`` start from empty tables; the schema is migrated once per database. PostgreSQL is never
skipped: if it cannot be reached the tests fail and say how to start it (``make test`` does).
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from api.config import Settings
from api.main import create_app
from api.models import ActorRow, AllianceRow, KeyGrant, TieRow, UndoRow
from api.security import create_key

with warnings.catch_warnings():
    # Starlette would like httpx2 for its test client; httpx is what the project installs.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "datasets" / "demo-buendnis"
POSTGRES_URL = os.environ.get("NETZ_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

#: Every table of the schema, children before parents (the order SQLite deletes them in).
TABLES = ("audit_log", "jobs", "key_grants", "api_keys", "report_cache", "undo", "survey_answers",
          "survey_respondents", "survey_invitations", "surveys", "ties", "actors", "alliances", "secrets")

#: A small alliance that is not the demo (and is not given to the coordinator).
SMALL_ALLIANCE: dict[str, Any] = {
    "name": "Bündnis Klein",
    "meta": {"region": "Kleinstadt", "land": "Bayern", "programme": "Anderes Programm", "funding": 5000},
    "actors": [
        {"id": "a", "name": "Initiative A", "type": "Initiative"},
        {"id": "b", "name": "Kirche B", "type": "Kirche"},
        {"id": "c", "name": "Stadt C", "type": "Stadt"},
        {"id": "d", "name": "MSO D", "type": "MSO"},
    ],
    "ties": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}, {"source": "c", "target": "d"}],
}


def auth(key: str) -> dict[str, str]:
    """The header that presents a key."""
    return {"Authorization": f"Bearer {key}"}


@dataclass(frozen=True)
class Keys:
    """One key per role; the coordinator is given ``own`` (the demo) and not ``other``."""

    admin: str
    coordinator: str
    researcher: str
    funder: str
    own: int
    other: int

    def headers(self, role: str) -> dict[str, str]:
        return auth(getattr(self, role))


# -- databases ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this session, dropped (with its connections) at the end."""
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    unreachable = None
    try:
        with server.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        unreachable = str(error.orig).strip()
    if unreachable is not None:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {unreachable}\n"
                    "The service's tests need it; start it with 'bash scripts/ensure-postgres.sh' "
                    "(make test does), or point NETZ_TEST_POSTGRES_URL at another server.", pytrace=False)
    name = f"netz_test_{secrets.token_hex(6)}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database every API test runs on: an SQLite file, then a PostgreSQL database."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'netz.sqlite'}"


def empty_tables(engine: Engine) -> None:
    # DELETE, not TRUNCATE: on tables this small it is many times faster in PostgreSQL.
    # Ids keep counting up, so tests use the ids they are given, never literal ones.
    with engine.begin() as connection:
        for table in TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[FastAPI]:
    """The service on the session's database, migrated once; without rate limits (the suite makes
    thousands of requests a minute from one address: tests/api/test_ratelimit.py checks them)."""
    application = create_app(Settings(database_url=database_url, rate_limits=False))
    yield application
    application.state.database.engine.dispose()


@pytest.fixture(scope="session")
def reset_database(app: FastAPI) -> Callable[[], None]:
    """Empty every table (for fixtures of a wider scope than one test)."""
    return lambda: empty_tables(app.state.database.engine)


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., FastAPI]]:
    """Another app on the same database with other settings, e.g. ``make_app(max_upload_bytes=1000)``."""
    made: list[FastAPI] = []

    def make(**settings: Any) -> FastAPI:
        made.append(create_app(Settings(database_url=database_url, **settings), migrate=False))
        return made[-1]

    yield make
    for application in made:
        application.state.database.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client of the service, starting from an empty database."""
    empty_tables(app.state.database.engine)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def row_counts(app: FastAPI) -> Callable[[], dict[str, int]]:
    """How many alliances, actors, ties, key grants and undo states are stored (to show a failure
    changed nothing)."""

    def count() -> dict[str, int]:
        with app.state.database.sessions() as session:
            return {table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
                    for table in (AllianceRow, ActorRow, TieRow, KeyGrant, UndoRow)}

    return count


# -- keys and alliances ------------------------------------------------------------------------


@pytest.fixture
def new_key(app: FastAPI) -> Callable[..., str]:
    """Make a key directly in the database: ``new_key("coordinator", alliances=[1])``."""

    def make(role: str, *, alliances: tuple[int, ...] | list[int] = ()) -> str:
        with app.state.database.sessions() as session:
            return create_key(session, role, alliances=alliances, label=f"test {role}")

    return make


@pytest.fixture
def admin(client: TestClient, new_key: Callable[..., str]) -> dict[str, str]:
    """Headers with an admin key."""
    return auth(new_key("admin"))


@pytest.fixture(scope="session")
def demo_zip() -> bytes:
    """The demo alliance folder as a .zip, as a coordinator would upload it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(DEMO.iterdir()):
            archive.write(path, f"{DEMO.name}/{path.name}")
    return buffer.getvalue()


@pytest.fixture
def demo(client: TestClient, admin: dict[str, str], demo_zip: bytes) -> dict[str, Any]:
    """The demo alliance, imported through the API: its JSON, with ``etag``."""
    response = client.post("/api/v1/alliances/import", headers=admin,
                           files={"file": ("demo-buendnis.zip", demo_zip, "application/zip")})
    assert response.status_code == 201, response.text
    return {**response.json(), "etag": response.headers["ETag"]}


@pytest.fixture
def other(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    """A second, small alliance, created from JSON: its JSON, with ``etag``."""
    response = client.post("/api/v1/alliances", headers=admin, json=SMALL_ALLIANCE)
    assert response.status_code == 201, response.text
    return {**response.json(), "etag": response.headers["ETag"]}


@pytest.fixture
def keys(admin: dict[str, str], demo: dict[str, Any], other: dict[str, Any],
         new_key: Callable[..., str]) -> Keys:
    """A key per role; the coordinator's is given the demo alliance only."""
    return Keys(admin=admin["Authorization"].removeprefix("Bearer "),
                coordinator=new_key("coordinator", alliances=[demo["id"]]),
                researcher=new_key("researcher"), funder=new_key("funder"),
                own=demo["id"], other=other["id"])

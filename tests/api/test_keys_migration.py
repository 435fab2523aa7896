"""Migration 0003 (key management, audit log) on a database that has keys and grants already:
upgrading and downgrading keep every key and grant (SQLite recreates a table to change it, and
with foreign keys on, dropping the old table would delete the grants with it)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from api.db import MIGRATIONS, Database


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the session's kind (its own, as this test migrates down)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'alt.sqlite'}"
        return
    name = f"netz_migration_{secrets.token_hex(4)}"
    server = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def migrate(database: Database, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_keys_and_grants_survive_0003(fresh_url: str) -> None:
    database = Database(fresh_url)  # the service's engine: on SQLite with foreign keys on
    try:
        migrate(database, "0002")
        with database.engine.begin() as connection:
            connection.execute(text("INSERT INTO alliances (id, name, meta, directed, weighted, n_actors, "
                                    "n_ties, revision) VALUES (7, 'B', '{}', false, false, 0, 0, 1)"))
            connection.execute(text("INSERT INTO api_keys (id, prefix, digest, role, label) "
                                    "VALUES (3, 'abc', 'd', 'coordinator', 'K')"))
            connection.execute(text("INSERT INTO key_grants (key_id, alliance_id) VALUES (3, 7)"))
        for revision, down in (("head", False), ("0002", True), ("head", False)):
            migrate(database, revision, down=down)
            with database.engine.connect() as connection:
                grants = connection.execute(text("SELECT key_id, alliance_id FROM key_grants")).all()
                assert grants == [(3, 7)]
                assert connection.execute(text("SELECT prefix, role, label FROM api_keys")).all() == [
                    ("abc", "coordinator", "K")]
            columns = {c["name"] for c in inspect(database.engine).get_columns("api_keys")}
            assert ("revoked_at" in columns) == (revision == "head")
            assert ("audit_log" in inspect(database.engine).get_table_names()) == (revision == "head")
    finally:
        database.engine.dispose()


def test_0009_deletes_the_grants_of_keys_other_than_coordinators(fresh_url: str) -> None:
    """Grants stored for funder, researcher or admin keys (before create_key refused them) meant
    nothing but were listed; 0009 deletes them and keeps the coordinators'."""
    database = Database(fresh_url)
    try:
        migrate(database, "0008_job_heartbeat")
        with database.engine.begin() as connection:
            connection.execute(text("INSERT INTO alliances (id, name, meta, directed, weighted, n_actors, "
                                    "n_ties, revision) VALUES (7, 'B', '{}', false, false, 0, 0, 1)"))
            for key_id, role in enumerate(("coordinator", "funder", "researcher", "admin"), start=1):
                connection.execute(text("INSERT INTO api_keys (id, prefix, digest, role, label) "
                                        "VALUES (:id, :prefix, 'd', :role, '')"),
                                   {"id": key_id, "prefix": f"p{key_id}", "role": role})
                connection.execute(text("INSERT INTO key_grants (key_id, alliance_id) VALUES (:id, 7)"),
                                   {"id": key_id})
        migrate(database, "head")
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT key_id, alliance_id FROM key_grants")).all() == [(1, 7)]
            assert connection.execute(text("SELECT count(*) FROM api_keys")).scalar() == 4
    finally:
        database.engine.dispose()

"""The service's commands, called by ``netz serve``, ``netz keys create`` and ``netz load``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from api.config import Settings
from api.db import Database
from api.models import AllianceRow, ApiKey
from api.security import create_key
from api.store import save
from netz import io
from netz.errors import NetzError

__all__ = ["load_alliances", "make_key", "serve"]


def _settings(database: str | None) -> Settings:
    return Settings(database_url=database) if database else Settings()


def make_key(role: str, alliances: Sequence[int], label: str, database: str | None) -> str:
    """Create a key in the configured database and return it."""
    db = Database(_settings(database).database_url)
    try:
        db.migrate()
        with db.sessions() as session:
            missing = [a for a in alliances if session.get(AllianceRow, a) is None]
            if missing:
                raise NetzError(f"no alliance with id {', '.join(map(str, missing))} in the database; "
                                "no key was made ('netz load' stores alliances and prints their ids)")
            return create_key(session, role, alliances=alliances, label=label)
    finally:
        db.engine.dispose()


def load_alliances(paths: Sequence[Path], database: str | None) -> list[int]:
    """Read alliances from files or folders and store them: all of them, or (on any input
    problem) none, so that a failed command leaves nothing behind."""
    alliances = [io.read(path) for path in paths]
    db = Database(_settings(database).database_url)
    try:
        db.migrate()
        with db.sessions() as session:
            rows = [save(session, alliance) for alliance in alliances]
            session.commit()
            return [row.id for row in rows]
    finally:
        db.engine.dispose()


def serve(host: str, port: int, database: str | None, demo: Sequence[Path] = ()) -> None:
    """Start the service; with ``demo``, first load those alliances into an empty database and
    make an admin key if there is none (printed once)."""
    import uvicorn

    from api.main import create_app

    settings = _settings(database)
    app = create_app(settings)
    database_ = app.state.database
    with database_.sessions() as session:
        if demo and not session.scalar(select(func.count()).select_from(AllianceRow)):
            for path in demo:
                save(session, io.read(path))
            session.commit()
            print(f"netz: loaded {len(demo)} demo alliance(s) into {settings.database_url}")
        if not session.scalar(select(func.count()).select_from(ApiKey).where(ApiKey.role == "admin")):
            key = create_key(session, "admin", label="first start")
            print("netz: admin key (shown only now — keep it):")
            print(f"  {key}")
    print(f"netz: serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info")

"""The service's commands: ``netz serve``, ``netz keys create`` and ``netz load``.

:func:`add_commands` puts them on the ``netz`` command line (:mod:`netz.cli` asks for them when
the command is not one of the library's), so that the library installs and runs without the
service's dependencies.
"""

from __future__ import annotations

import argparse
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

__all__ = ["add_commands", "load_alliances", "make_key", "serve"]


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add the service's commands to the subcommands of ``netz`` (:func:`netz.cli.main`)."""
    serve_cmd = commands.add_parser("serve", help="start the web service (HTTP API)")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--database", help="database URL (default: NETZ_DATABASE_URL or var/netz.sqlite)")
    serve_cmd.add_argument("--demo", type=Path, action="append", default=[], metavar="PATH",
                           help="load this alliance into an empty database first (repeatable)")
    serve_cmd.set_defaults(run=_serve)

    keys_cmd = commands.add_parser("keys", help="manage API keys of the service")
    keys_actions = keys_cmd.add_subparsers(required=True, metavar="ACTION")
    create_cmd = keys_actions.add_parser("create", help="create a key; it is printed once, as the last line")
    create_cmd.add_argument("--role", required=True, choices=("admin", "coordinator", "researcher", "funder"))
    create_cmd.add_argument("--alliance", type=int, action="append", default=[], metavar="ID",
                            help="an alliance a coordinator key is given (repeatable)")
    create_cmd.add_argument("--label", default="")
    create_cmd.add_argument("--database", help="database URL")
    create_cmd.set_defaults(run=_keys_create)

    load_cmd = commands.add_parser("load", help="store alliances in the service's database")
    load_cmd.add_argument("paths", type=Path, nargs="+")
    load_cmd.add_argument("--database", help="database URL")
    load_cmd.set_defaults(run=_load)


def _serve(args: argparse.Namespace) -> int:
    serve(args.host, args.port, args.database, args.demo)
    return 0


def _keys_create(args: argparse.Namespace) -> int:
    key = make_key(args.role, args.alliance, args.label, args.database)
    print(f"created a {args.role} key; it is shown only now:")
    print(key)
    return 0


def _load(args: argparse.Namespace) -> int:
    ids = load_alliances(args.paths, args.database)
    print(f"stored alliance(s) with id {', '.join(map(str, ids))}")
    return 0


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
